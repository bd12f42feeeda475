/* query/obsq/cmd_summary.c — `obsq summary`: one row per function
 * (invocations, errors, timeouts, crashes, cold starts, duration
 * percentiles, memory, throttle signals), read from the store's rollups. */
#include "query/obsq/obsq.h"
#include "query/format.h"
#include "store/store.h"
#include "common/termsafe.h"
#include "common/xalloc.h"

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
    char err[16], cold[16], p50[16], p99[16], max[16], init[16], mem[32], fn[96];
    int64_t failed = r->errors + r->timeouts + r->crashes + r->oom;
    fmt_pct(err, sizeof err, failed, r->invocations);
    fmt_pct(cold, sizeof cold, r->cold_starts, r->invocations);
    fmt_ms(p50, sizeof p50, r->p50_ms);
    fmt_ms(p99, sizeof p99, r->p99_ms);
    fmt_ms(max, sizeof max, r->max_ms);
    fmt_ms(init, sizeof init, r->avg_init_ms);
    fmt_mem(mem, sizeof mem, r->max_memory_used, r->memory_size);
    printf("%s %7lld %6lld %6s %5lld %5lld %5lld %5lld %6s %7s %7s %7s %7s %13s %6lld %8lld\n",
           termsafe_cell(fn, sizeof fn, r->function, 20), (long long)r->invocations, (long long)failed, err, (long long)r->timeouts,
           (long long)r->crashes, (long long)r->oom, (long long)r->cold_starts, cold, p50,
           p99, max, init, mem, (long long)r->throttle_signals, (long long)r->events);
}

/* One row as typed cells for -o json, jsonl and csv (times in ms, memory
 * in MB; NULL for what is unknown). */
static void put_int(qval_t *v, int64_t i)
{
    v->type = QV_INT;
    v->i = i;
}

static void put_real(qval_t *v, double d)
{
    if (isnan(d)) {
        v->type = QV_NULL;
    } else {
        v->type = QV_REAL;
        v->d = d;
    }
}

static const char *const columns[] = { "function", "invocations", "errors", "error_pct", "timeouts",
                                       "crashes", "oom", "cold_starts", "cold_pct", "p50_ms", "p99_ms",
                                       "max_ms", "avg_init_ms", "peak_memory_mb", "memory_size_mb",
                                       "throttle_signals", "events", "emulated", "evicted" };

static void format_row(qformat_t *f, const store_fn_summary_t *r)
{
    qval_t v[OBS_ARRAY_LEN(columns)];
    memset(v, 0, sizeof v);
    int64_t failed = r->errors + r->timeouts + r->crashes + r->oom;
    v[0].type = QV_TEXT;
    v[0].s = xstrdup(r->function);
    v[0].len = strlen(r->function);
    put_int(&v[1], r->invocations);
    put_int(&v[2], failed);
    put_real(&v[3], r->invocations ? 100.0 * (double)failed / (double)r->invocations : NAN);
    put_int(&v[4], r->timeouts);
    put_int(&v[5], r->crashes);
    put_int(&v[6], r->oom);
    put_int(&v[7], r->cold_starts);
    put_real(&v[8], r->invocations ? 100.0 * (double)r->cold_starts / (double)r->invocations : NAN);
    put_real(&v[9], r->p50_ms);
    put_real(&v[10], r->p99_ms);
    put_real(&v[11], r->max_ms);
    put_real(&v[12], r->avg_init_ms);
    put_real(&v[13], r->max_memory_used < 0 ? NAN : (double)(r->max_memory_used / 1000000));
    put_real(&v[14], r->memory_size <= 0 ? NAN : (double)(r->memory_size / 1000000));
    put_int(&v[15], r->throttle_signals);
    put_int(&v[16], r->events);
    put_int(&v[17], r->emulated);
    put_int(&v[18], r->evicted);
    qformat_row(f, v);
}

static void print_table(const store_fn_summary_t *rows, int n)
{
    char fn[1024];
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
        total.evicted += rows[i].evicted;
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
                   (termsafe_copy(fn, sizeof fn, rows[i].function, strlen(rows[i].function), 0), fn), (long long)rows[i].emulated, (long long)rows[i].invocations);
    if (total.evicted)
        printf("%lld of these %lld EVENTS were evicted by retention (--max-db-size keeps the newest "
               "events, and the counts of a minute it cut in two): queries of the lines see that many "
               "fewer\n", (long long)total.evicted, (long long)total.events);
    if (n == 0)
        printf("(no events in this range)\n");
    printf("ERRORS = failed invocations (handler errors, timeouts, crashes, out-of-memory kills: "
           "CloudWatch's Errors); ERR%% = ERRORS / INVOKES; THROTL = throttle signals in the "
           "functions' own logs\n");
}

int obsq_cmd_summary(int argc, char **argv)
{
    obs_err_t err = { 0 };
    store_t *st = NULL;
    store_fn_summary_t *rows = NULL;
    obsq_scope_t sc;
    obs_cli_parser_t p;
    int n = 0, c, rc = 0;

    obsq_scope_init(&sc);
    obs_cli_parser_init(&p, &obsq_summary_spec);
    while (!rc && (c = obs_cli_next(&p, argc, argv)) != -1) {
        int r = obsq_scope_opt(&sc, &obsq_summary_spec, c, optarg);
        if (r == 1)
            continue;
        if (r == 2)
            rc = 2;
        else if (c == 'h')
            rc = -1, obs_cli_help(stdout, &obsq_summary_spec);
        else
            rc = 2, fprintf(stderr, "(see obsq summary --help)\n");
    }
    if (!rc && optind < argc)
        rc = obs_cli_usage_error(&obsq_summary_spec, "unexpected argument '%s'", argv[optind]);
    if (rc) {
        obsq_scope_done(&sc);
        return rc < 0 ? 0 : rc;
    }
    store_summary_filter_t f = { sc.since_ms, sc.until_ms, sc.functions, sc.nfunctions };
    if (store_open_readonly(obsq_scope_db(&sc), &st, &err) || store_summary(st, &f, &rows, &n, &err)) {
        termsafe_eprintf("obsq: %s\n", err.msg);
        store_close(st, NULL);
        obsq_scope_done(&sc);
        return 1;
    }
    if (sc.fmt == QFMT_TABLE) {
        print_table(rows, n);
    } else {
        static const int no_time[OBS_ARRAY_LEN(columns)];
        qformat_t *fm = qformat_new(stdout, (qfmt_t)sc.fmt, (char *const *)columns, no_time,
                                    (int)OBS_ARRAY_LEN(columns), 0);
        for (int i = 0; i < n; i++)
            format_row(fm, &rows[i]);
        qformat_finish(fm);
    }
    free(rows);
    store_close(st, NULL);
    obsq_scope_done(&sc);
    return 0;
}
