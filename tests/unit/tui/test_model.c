/* tests/unit/tui/test_model.c — obstop's models on a temp store filled
 * through the agent's pipeline with known invocations: the window (anchored
 * to old data), overview rows and totals (percentiles within the sketch's
 * 1%), sorting, zero-filled per-minute series, the function detail
 * (histogram, cold starts, timeouts, memory sizes from the rollups or,
 * when the size changed in the window, per size from the invocations, and
 * the right-sizing hint), the live tail's filter and its errors, and a request's lines. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "agent/pipeline.h"
#include "query/query.h"
#include "tui/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BASE_MS 1709546400000LL   /* 2024-03-04T10:00:00Z */
static const model_prices_t prices = { 0.0000166667, 0.0000002 };

typedef struct fx {
    char dir[64], db[96];
    store_t *ro;
    sqlite3 *sql;
} fx_t;

static void iso(int64_t ms, char *out, size_t n)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static void feed(pipeline_t *pl, pipeline_stream_t *ps, const char *s)
{
    obs_err_t err;
    line_t l = { s, strlen(s), 0 };
    CHECK_EQ_INT(pipeline_line(pl, ps, NULL, &l, l.len + 1, &err), 0);   /* no multi-line joining */
}

/* One invocation: START, an app line at ts, [a timeout line], END, REPORT. */
static void invocation(pipeline_t *pl, pipeline_stream_t *ps, int64_t ts, const char *req, double ms,
                       int mem_mb, int used_mb, double init_ms, int timeout)
{
    char t[64], line[512], init[64] = "";
    iso(ts, t, sizeof t);
    snprintf(line, sizeof line, "START RequestId: %s Version: $LATEST", req);
    feed(pl, ps, line);
    snprintf(line, sizeof line, "%s\t%s\tINFO\thello from %s", t, req, req);
    feed(pl, ps, line);
    if (timeout) {
        snprintf(line, sizeof line, "%s\t%s\tTask timed out after %.2f seconds", t, req, ms / 1000);
        feed(pl, ps, line);
    }
    snprintf(line, sizeof line, "END RequestId: %s", req);
    feed(pl, ps, line);
    if (init_ms > 0)
        snprintf(init, sizeof init, "\tInit Duration: %.2f ms", init_ms);
    snprintf(line, sizeof line,
             "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: %d MB\t"
             "Max Memory Used: %d MB%s", req, ms, ceil(ms), mem_mb, used_mb, init);
    feed(pl, ps, line);
}

/* api: 100 invocations of 1..100 ms in minutes 0-4 and 6-10 (none in 5),
 * the first cold (init 250 ms), 512 MB with 100 MB used;
 * worker: 20 invocations of 40 ms in minute 2, two of them timeouts of
 * 3 s, 128 MB with 120 MB used. */
static void fx_open_with(fx_t *f, int two_sizes)
{
    obs_err_t err;
    store_t *st;
    memset(f, 0, sizeof *f);
    tmpdir_make(f->dir, sizeof f->dir, "tui");
    snprintf(f->db, sizeof f->db, "%s/obs.db", f->dir);
    CHECK_EQ_INT(store_open(f->db, NULL, &st, &err), 0);
    pipeline_t *pl = pipeline_new(st);
    pipeline_stream_t *api, *worker;
    CHECK_EQ_INT(pipeline_stream_open(pl, "api", "/aws/lambda/api", "2024/03/04/[$LATEST]a", &api, &err), 0);
    CHECK_EQ_INT(pipeline_stream_open(pl, "worker", "/aws/lambda/worker", "2024/03/04/[$LATEST]w", &worker,
                                      &err), 0);
    feed(pl, api, "INIT_START Runtime Version: nodejs:20.v33\tRuntime Version ARN: arn:aws:lambda:x");
    for (int i = 0; i < 100; i++) {
        int minute = i / 10 < 5 ? i / 10 : i / 10 + 1;
        char req[40];
        snprintf(req, sizeof req, "00000000-0000-4000-8000-%012d", i);
        invocation(pl, api, BASE_MS + minute * 60000LL + (i % 10) * 1000, req, i + 1, 512, 100,
                   i == 0 ? 250 : 0, 0);
    }
    for (int i = 0; i < 20; i++) {
        char req[40];
        snprintf(req, sizeof req, "11111111-0000-4000-8000-%012d", i);
        invocation(pl, worker, BASE_MS + 2 * 60000LL + i * 100, req, i < 2 ? 3000 : 40, 128, 120, 0, i < 2);
    }
    if (two_sizes) {   /* "sized": ten invocations at 128 MB, then ten at 256 MB */
        pipeline_stream_t *sz;
        CHECK_EQ_INT(pipeline_stream_open(pl, "sized", "/aws/lambda/sized", "2024/03/04/[$LATEST]s", &sz, &err), 0);
        for (int i = 0; i < 20; i++) {
            char req[40];
            snprintf(req, sizeof req, "22222222-0000-4000-8000-%012d", i);
            invocation(pl, sz, BASE_MS + (i < 10 ? 1 : 7) * 60000LL + i * 100, req, i < 10 ? 100 : 60,
                       i < 10 ? 128 : 256, i < 10 ? 100 : 110, 0, 0);
        }
    }
    CHECK_EQ_INT(pipeline_sync(pl, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    pipeline_free(pl);
    CHECK_EQ_INT(store_close(st, &err), 0);
    CHECK_EQ_INT(store_open_readonly(f->db, &f->ro, &err), 0);
    f->sql = store_db(f->ro);
    query_sqlctx_t ctx = { BASE_MS, 0, BASE_MS };
    CHECK_EQ_INT(query_sqlfuncs_register(f->sql, &ctx, &err), 0);
}

static void fx_open(fx_t *f)
{
    fx_open_with(f, 0);
}

static void fx_close(fx_t *f)
{
    store_close(f->ro, NULL);
    tmpdir_remove(f->dir);
}

static void window_all(fx_t *f, model_window_t *w)
{
    obs_err_t err;
    CHECK_EQ_INT(model_window_resolve(f->sql, 0, BASE_MS + 86400000LL, w, &err), 0);
}

static void test_window_anchors_to_old_data(void)
{
    fx_t f;
    fx_open(&f);
    model_window_t w;
    obs_err_t err;
    /* an hour ending a day later than the data: the hour before its end */
    CHECK_EQ_INT(model_window_resolve(f.sql, 3600000, BASE_MS + 86400000LL, &w, &err), 0);
    CHECK(w.anchored_to_data);
    CHECK_EQ_INT(w.until_ms, BASE_MS + 11 * 60000LL);
    CHECK_EQ_INT(w.since_ms, BASE_MS + 11 * 60000LL - 3600000);
    /* "now" inside the data: the window ends at now's minute */
    CHECK_EQ_INT(model_window_resolve(f.sql, 5 * 60000, BASE_MS + 3 * 60000 + 5, &w, &err), 0);
    CHECK(!w.anchored_to_data);
    CHECK_EQ_INT(w.until_ms, BASE_MS + 4 * 60000LL);
    CHECK_EQ_INT(w.since_ms, BASE_MS - 60000LL);
    window_all(&f, &w);
    CHECK_EQ_INT(w.since_ms, BASE_MS);
    CHECK_EQ_INT(w.until_ms, BASE_MS + 11 * 60000LL);
    fx_close(&f);
}

static void test_overview_rows_and_totals(void)
{
    fx_t f;
    fx_open(&f);
    model_window_t w;
    window_all(&f, &w);
    overview_t o;
    obs_err_t err;
    CHECK_EQ_INT(model_overview_load(f.sql, f.db, &w, &prices, &o, &err), 0);
    CHECK_EQ_INT(o.n, 2);
    model_overview_sort(&o, FS_NAME, 0);
    const fn_row_t *api = &o.rows[0], *wk = &o.rows[1];
    CHECK_EQ_STR(api->name, "api");
    CHECK_EQ_INT(api->invocations, 100);
    CHECK_EQ_INT(api->cold, 1);
    CHECK_EQ_INT(fn_row_failures(api), 0);
    CHECK_NEAR(api->p50, 50, 0.5);     /* nearest rank 50 of 1..100, within 1% */
    CHECK_NEAR(api->p95, 95, 0.95);
    CHECK_NEAR(api->p99, 99, 0.99);
    CHECK_NEAR(api->init_avg, 250, 1e-9);
    CHECK_NEAR(api->init_p99, 250, 2.5);
    CHECK_EQ_INT(api->mem_max, 100000000);
    CHECK_EQ_INT(api->mem_size, 512000000);
    CHECK_NEAR(api->gb_seconds, 5050 / 1000.0 * 0.5, 1e-9);
    CHECK_NEAR(api->cost, 2.525 * prices.gb_second + 100 * prices.request, 1e-12);
    CHECK_EQ_STR(wk->name, "worker");
    CHECK_EQ_INT(wk->invocations, 20);
    CHECK_EQ_INT(wk->timeouts, 2);
    CHECK_EQ_INT(fn_row_failures(wk), 2);
    CHECK_NEAR(wk->p99, 3000, 30);
    CHECK(isnan(wk->init_avg));
    CHECK_EQ_INT(o.total.invocations, 120);
    CHECK_EQ_INT(o.total.timeouts, 2);
    CHECK_NEAR(o.total.p50, 42, 0.42);   /* rank 60: 1..40, eighteen 40s, then 41, 42 */
    model_header_load(f.sql, f.db, &o, 1);
    CHECK(o.store_bytes > 0);
    CHECK(o.max_event_id > 0);
    CHECK_EQ_INT(o.agent.lag_bytes, 0);   /* no checkpointed file */
    /* a window of whole hours reads rollup_hour: the same answer */
    overview_t h;
    model_window_t hours = { 0, BASE_MS - 1800000, BASE_MS + 5400000, 0 };   /* 09:30-11:30 */
    CHECK_EQ_INT(model_overview_load(f.sql, f.db, &hours, &prices, &h, &err), 0);
    CHECK_EQ_INT(h.n, 2);
    CHECK_EQ_INT(h.total.invocations, 120);
    CHECK_EQ_INT(h.total.timeouts, 2);
    CHECK_EQ_INT(h.total.cold, 1);
    CHECK_NEAR(h.total.p50, o.total.p50, 0);
    CHECK_NEAR(h.total.gb_seconds, o.total.gb_seconds, 1e-9);
    model_overview_sort(&h, FS_NAME, 0);
    CHECK_EQ_INT(h.rows[0].mem_size, 512000000);
    model_overview_free(&h);
    /* and one that cuts the hour: only its minutes count (10:03-10:05) */
    model_window_t cut = { 0, BASE_MS + 3 * 60000, BASE_MS + 5 * 60000, 0 };
    CHECK_EQ_INT(model_overview_load(f.sql, f.db, &cut, &prices, &h, &err), 0);
    CHECK_EQ_INT(h.total.invocations, 20);
    model_overview_free(&h);
    /* sorting: by failures, descending */
    model_overview_sort(&o, FS_ERRORS, 1);
    CHECK_EQ_STR(o.rows[0].name, "worker");
    model_overview_sort(&o, FS_P50, 0);
    CHECK_EQ_STR(o.rows[0].name, "worker");   /* p50 40 ms before 50 ms */
    model_overview_free(&o);
    fx_close(&f);
}

static void test_series_zero_filled(void)
{
    fx_t f;
    fx_open(&f);
    model_window_t w;
    window_all(&f, &w);
    series_t s;
    obs_err_t err;
    CHECK_EQ_INT(model_series_load(f.sql, &w, "api", &s, &err), 0);
    CHECK_EQ_INT(s.n, 11);
    for (int i = 0; i < 11; i++)
        CHECK_NEAR(s.v[SK_INVOCATIONS][i], i == 5 ? 0 : 10, 0);
    CHECK_NEAR(s.v[SK_COLD][0], 1, 0);
    model_series_free(&s);
    CHECK_EQ_INT(model_series_load(f.sql, &w, NULL, &s, &err), 0);
    CHECK_NEAR(s.v[SK_INVOCATIONS][2], 30, 0);
    CHECK_NEAR(s.v[SK_ERRORS][2], 2, 0);
    model_series_free(&s);
    fx_close(&f);
}

static void test_detail(void)
{
    fx_t f;
    fx_open(&f);
    model_window_t w;
    window_all(&f, &w);
    detail_t d;
    obs_err_t err;
    CHECK_EQ_INT(model_detail_load(f.sql, &w, &prices, "api", &d, &err), 0);
    CHECK_EQ_INT(d.row.invocations, 100);
    int64_t total = 0;
    for (int i = 0; i < d.nhist; i++) {
        total += d.hist[i].count;
        CHECK(d.hist[i].lo < d.hist[i].hi);
    }
    CHECK_EQ_INT(d.nhist, DETAIL_HIST_BINS);
    CHECK_EQ_INT(total, 100);
    CHECK_EQ_INT(d.ncold, 1);
    CHECK_EQ_STR(d.cold[0].runtime, "nodejs:20.v33");
    CHECK_EQ_INT(d.cold[0].mem_size, 512000000);
    CHECK_NEAR(d.cold[0].init_avg, 250, 1e-9);
    CHECK_EQ_INT(d.nfailures, 0);
    CHECK_EQ_INT(d.nmem, 1);
    CHECK_EQ_INT(d.mem[0].invocations, 100);
    CHECK_NEAR(d.mem[0].avg_ms, 50.5, 1e-9);
    CHECK_NEAR(d.mem[0].p95_ms, 95, 0.95);   /* from a sketch: within 1% */
    CHECK(strstr(d.hint, "100 of 512 MB") && strstr(d.hint, "192 MB would do"));
    model_detail_free(&d);

    CHECK_EQ_INT(model_detail_load(f.sql, &w, &prices, "worker", &d, &err), 0);
    CHECK_EQ_INT(d.nfailures, 2);
    CHECK_EQ_STR(d.failures[0].outcome, "timeout");
    CHECK_NEAR(d.failures[0].duration, 3000, 0);
    CHECK(d.nerrors >= 1);
    CHECK_EQ_STR(d.errors[0].key, "# Task timed out after # seconds");   /* time and id: one # */
    CHECK_EQ_INT(d.errors[0].count, 2);
    CHECK(strstr(d.hint, "close to the limit") != NULL);
    model_detail_free(&d);
    fx_close(&f);
}

static void test_detail_memory_sizes(void)
{
    fx_t f;
    fx_open_with(&f, 1);
    model_window_t w;
    window_all(&f, &w);
    detail_t d;
    obs_err_t err;
    CHECK_EQ_INT(model_detail_load(f.sql, &w, &prices, "sized", &d, &err), 0);
    CHECK_EQ_INT(d.nmem, 2);
    CHECK_EQ_INT(d.mem[0].mem_size, 128000000);
    CHECK_EQ_INT(d.mem[0].invocations, 10);
    CHECK_NEAR(d.mem[0].avg_ms, 100, 1e-9);
    CHECK_NEAR(d.mem[0].p95_ms, 100, 1);
    CHECK_EQ_INT(d.mem[0].mem_max, 100000000);
    CHECK_EQ_INT(d.mem[1].mem_size, 256000000);
    CHECK_NEAR(d.mem[1].avg_billed_ms, 60, 1e-9);
    /* (60 ms x 0.25 GB x price + request price) x 1e6 */
    CHECK_NEAR(d.mem[1].cost_per_million,
               (0.06 * (256.0 / 1024.0) * prices.gb_second + prices.request) * 1e6, 1e-9);
    model_detail_free(&d);
    /* one size: the row comes from the rollups, with the same numbers */
    CHECK_EQ_INT(model_detail_load(f.sql, &w, &prices, "worker", &d, &err), 0);
    CHECK_EQ_INT(d.nmem, 1);
    CHECK_EQ_INT(d.mem[0].invocations, 20);
    CHECK_NEAR(d.mem[0].avg_ms, (2 * 3000 + 18 * 40) / 20.0, 1e-9);
    CHECK_NEAR(d.mem[0].avg_billed_ms, (2 * 3000 + 18 * 40) / 20.0, 1e-9);
    CHECK_EQ_INT(d.mem[0].mem_max, 120000000);
    model_detail_free(&d);
    fx_close(&f);
}

static int count_type(const tail_t *t, const char *type)
{
    int n = 0;
    for (int i = 0; i < tail_count(t); i++) {
        const tail_line_t *l = tail_line(t, i);
        n += type ? l->type && strcmp(l->type, type) == 0 : l->type == NULL;
    }
    return n;
}

static void test_tail(void)
{
    fx_t f;
    fx_open(&f);
    obs_err_t err;
    tail_t *t = tail_new(50);
    CHECK_EQ_INT(tail_poll(t, f.sql, &err), 0);
    CHECK_EQ_INT(tail_count(t), 50);   /* the newest 50 of 513 events, oldest first */
    for (int i = 1; i < tail_count(t); i++)
        CHECK(tail_line(t, i - 1)->ts <= tail_line(t, i)->ts);
    /* nothing new: nothing moves. (worker's events were stored after api's
     * newest ones but are older: a poll "after the largest id shown" would
     * bring them in as new) */
    int64_t first_id = tail_line(t, 0)->id, last_id = tail_line(t, 49)->id;
    CHECK(tail_poll(t, f.sql, &err) == 0 && tail_count(t) == 50);
    CHECK_EQ_INT(tail_line(t, 0)->id, first_id);
    CHECK_EQ_INT(tail_line(t, 49)->id, last_id);
    /* a line stored by a writer meanwhile is the next poll's newest */
    store_t *w;
    CHECK_EQ_INT(store_open(f.db, NULL, &w, &err), 0);
    pipeline_t *pl = pipeline_new(w);
    pipeline_stream_t *ps;
    CHECK_EQ_INT(pipeline_stream_open(pl, "worker", "/aws/lambda/worker", "2024/03/04/[$LATEST]w", &ps, &err), 0);
    feed(pl, ps, "2024-03-04T09:00:00.000Z\t33333333-0000-4000-8000-000000000000\tINFO\tlate arrival");
    CHECK_EQ_INT(pipeline_sync(pl, &err), 0);
    CHECK_EQ_INT(store_commit(w, &err), 0);
    pipeline_free(pl);
    store_close(w, NULL);
    CHECK_EQ_INT(tail_poll(t, f.sql, &err), 0);
    CHECK(strstr(tail_line(t, 49)->message, "late arrival") != NULL);
    CHECK_EQ_INT(tail_line(t, 48)->id, last_id);

    CHECK_EQ_INT(tail_configure(t, "@message like \"timed out\"", NULL, 0, &err), 0);
    CHECK_EQ_INT(tail_poll(t, f.sql, &err), 0);
    CHECK_EQ_INT(tail_count(t), 2);
    CHECK(strstr(tail_line(t, 0)->message, "Task timed out") != NULL);

    CHECK_EQ_INT(tail_configure(t, "", "api", 1, &err), 0);
    CHECK_EQ_INT(tail_poll(t, f.sql, &err), 0);
    CHECK_EQ_INT(tail_count(t), 50);
    CHECK_EQ_INT(count_type(t, "REPORT") + count_type(t, "START") + count_type(t, "END"), 0);
    CHECK_EQ_INT(count_type(t, NULL), 50);

    /* a bad filter: the column in the expression, the old filter kept */
    CHECK_EQ_INT(tail_configure(t, "@message lik \"x\"", NULL, 0, &err), OBS_EINVAL);
    CHECK_EQ_INT(err.col, 10);
    CHECK_EQ_STR(tail_filter(t), "");

    char **lines;
    int n;
    CHECK_EQ_INT(model_request_lines(f.sql, "11111111-0000-4000-8000-000000000001", &lines, &n, &err), 0);
    CHECK_EQ_INT(n, 5);   /* START, hello, timeout, END, REPORT */
    CHECK(strstr(lines[2], "Task timed out") != NULL);
    model_lines_free(lines, n);
    CHECK(model_request_lines(f.sql, "nope", &lines, &n, &err) != 0);
    tail_free(t);
    fx_close(&f);
}

TEST_LIST = {
    TEST(test_window_anchors_to_old_data),
    TEST(test_overview_rows_and_totals),
    TEST(test_series_zero_filled),
    TEST(test_detail),
    TEST(test_detail_memory_sizes),
    TEST(test_tail),
    TEST_END,
};
