/* query/obsq/cmd_summary.c — `obsq summary`: one row per function
 * (invocations, errors, timeouts, crashes, cold starts, duration
 * percentiles, memory, throttle signals), read from the store's rollups. */
#include "query/obsq/obsq.h"
#include "store/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fmt_ms(char *out, size_t n, double ms)
{
    if (isnan(ms))
        snprintf(out, n, "-");
    else if (ms >= 10000)
        snprintf(out, n, "%.1fs", ms / 1000);
    else
        snprintf(out, n, "%.0fms", ms);
}

static void fmt_pct(char *out, size_t n, int64_t part, int64_t whole)
{
    if (whole <= 0)
        snprintf(out, n, "-");
    else
        snprintf(out, n, "%.1f%%", 100.0 * (double)part / (double)whole);
}

static void fmt_mem(char *out, size_t n, int64_t used, int64_t size)
{
    if (used < 0 || size <= 0)
        snprintf(out, n, "-");
    else
        snprintf(out, n, "%lld/%lldMB", (long long)(used / 1000000), (long long)(size / 1000000));
}

static void print_row(const store_fn_summary_t *r)
{
    char err[16], cold[16], p50[16], p99[16], max[16], init[16], mem[32];
    int64_t failed = r->errors + r->timeouts + r->crashes + r->oom;
    fmt_pct(err, sizeof err, failed, r->invocations);
    fmt_pct(cold, sizeof cold, r->cold_starts, r->invocations);
    fmt_ms(p50, sizeof p50, r->p50_ms);
    fmt_ms(p99, sizeof p99, r->p99_ms);
    fmt_ms(max, sizeof max, r->max_ms);
    fmt_ms(init, sizeof init, r->avg_init_ms);
    fmt_mem(mem, sizeof mem, r->max_memory_used, r->memory_size);
    printf("%-20.20s %7lld %6lld %6s %5lld %5lld %5lld %5lld %6s %7s %7s %7s %7s %13s %6lld %8lld\n",
           r->function, (long long)r->invocations, (long long)failed, err, (long long)r->timeouts,
           (long long)r->crashes, (long long)r->oom, (long long)r->cold_starts, cold, p50,
           p99, max, init, mem, (long long)r->throttle_signals, (long long)r->events);
}

int obsq_cmd_summary(const char *db, int argc, char **argv)
{
    obs_err_t err = { 0 };
    store_t *st = NULL;
    store_fn_summary_t *rows = NULL;
    int n = 0;

    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "obsq summary: takes no arguments\n");
        return 2;
    }

    if (store_open_readonly(db, &st, &err) || store_summary(st, &rows, &n, &err)) {
        fprintf(stderr, "obsq: %s\n", err.msg);
        store_close(st, NULL);
        return 1;
    }
    printf("%-20s %7s %6s %6s %5s %5s %5s %5s %6s %7s %7s %7s %7s %13s %6s %8s\n", "FUNCTION",
           "INVOKES", "ERRORS", "ERR%", "TMOUT", "CRASH", "OOM", "COLD", "COLD%", "P50", "P99",
           "MAX", "INIT", "PEAK MEM", "THROTL", "EVENTS");
    store_fn_summary_t total;
    memset(&total, 0, sizeof total);
    snprintf(total.function, sizeof total.function, "(all %d)", n);
    total.p50_ms = total.p99_ms = total.max_ms = total.avg_init_ms = NAN;
    total.max_memory_used = total.memory_size = -1;
    for (int i = 0; i < n; i++) {
        print_row(&rows[i]);
        total.invocations += rows[i].invocations;
        total.errors += rows[i].errors;
        total.timeouts += rows[i].timeouts;
        total.crashes += rows[i].crashes;
        total.oom += rows[i].oom;
        total.cold_starts += rows[i].cold_starts;
        total.throttle_signals += rows[i].throttle_signals;
        total.events += rows[i].events;
        if (!isnan(rows[i].max_ms) && (isnan(total.max_ms) || rows[i].max_ms > total.max_ms))
            total.max_ms = rows[i].max_ms;
    }
    if (n > 1)
        print_row(&total);
    for (int i = 0; i < n; i++)
        if (rows[i].emulated)
            printf("%s: %lld of %lld invocations ran in an emulator (SAM local, the runtime interface "
                   "emulator, serverless-offline): PEAK MEM leaves them out (an emulator reports all "
                   "the memory as used)\n",
                   rows[i].function, (long long)rows[i].emulated, (long long)rows[i].invocations);
    if (n == 0)
        printf("(the store holds no events yet)\n");
    printf("ERRORS = failed invocations (handler errors, timeouts, crashes, out-of-memory kills: "
           "CloudWatch's Errors); ERR%% = ERRORS / INVOKES; THROTL = throttle signals in the "
           "functions' own logs\n");
    free(rows);
    store_close(st, NULL);
    return 0;
}

