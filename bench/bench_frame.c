/* bench/bench_frame.c — how long obstop takes to compute a frame: opens a
 * store read-only like obstop, then for each view (overview with the "all"
 * and "1h" windows, a function's detail, the tail) reloads its models
 * RUNS times (app_refresh, the work of one refresh tick) and draws the
 * frame; prints the median, p95 and max in ms. A detail run pays for the
 * reload obstop does at most every 5 s; the agent's lag (stat() of the
 * files read last, also every 5 s) is timed on its own line.
 * Run by bench/bench_obstop.sh.
 *   bench_frame --db FILE [--runs N] */
#include "common/clock.h"
#include "query/query.h"
#include "store/store.h"
#include "tui/app.h"
#include "tui/view.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void run(app_t *a, const char *label, int runs)
{
    canvas_t *c = canvas_new(160, 50, 0);
    double *t = calloc((size_t)runs, sizeof *t);
    struct timespec wall;
    for (int i = 0; i < runs; i++) {
        clock_gettime(CLOCK_REALTIME, &wall);
        a->detail_ms = INT64_MIN / 2;   /* measure a reload, not the 5 s cache */
        double t0 = obs_mono_s() * 1000.0;
        app_refresh(a, (int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000);
        view_frame(c, a);
        t[i] = obs_mono_s() * 1000.0 - t0;
    }
    qsort(t, (size_t)runs, sizeof *t, cmp);
    printf("  %-34s median %7.2f ms   p95 %7.2f ms   max %7.2f ms   (%d runs)\n", label, t[runs / 2],
           t[(int)(runs * 0.95)], t[runs - 1], runs);
    free(t);
    canvas_free(c);
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    int runs = 21;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            db = argv[i + 1];
        else if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
    }
    if (!db || runs < 1) {
        fprintf(stderr, "usage: bench_frame --db FILE [--runs N]\n");
        return 2;
    }
    store_t *st;
    obs_err_t err = { 0 };
    if (store_open_readonly(db, &st, &err)) {
        fprintf(stderr, "bench_frame: %s\n", err.msg);
        return 1;
    }
    query_sqlctx_t ctx = { 0, 0, 0 };
    query_sqlfuncs_register(store_db(st), &ctx, &err);
    app_t a;
    app_init(&a, st, db);
    a.window = 5;   /* all */
    run(&a, "overview, window all", runs);
    a.window = 2;   /* 1h */
    run(&a, "overview, window 1h", runs);
    a.window = 5;
    if (a.ov.n > 0) {
        char name[160];
        snprintf(name, sizeof name, "function:%s", a.ov.rows[0].name);
        app_set_view(&a, name);
        run(&a, "function detail, window all", runs > 5 ? 5 : runs);
    }
    {
        double t[64];
        int n = runs < 64 ? runs : 64;
        for (int i = 0; i < n; i++) {
            double t0 = obs_mono_s() * 1000.0;
            model_header_load(store_db(st), db, &a.ov, 1);
            t[i] = obs_mono_s() * 1000.0 - t0;
        }
        qsort(t, (size_t)n, sizeof *t, cmp);
        printf("  %-34s median %7.2f ms   p95 %7.2f ms   max %7.2f ms   (%d runs, every 5 s)\n",
               "agent lag (stat of files read last)", t[n / 2], t[(int)(n * 0.95)], t[n - 1], n);
    }
    app_set_view(&a, "tail");
    run(&a, "tail (first load, 2000 lines)", 1);
    run(&a, "tail (poll, nothing new)", runs);
    app_done(&a);
    store_close(st, NULL);
    return 0;
}
