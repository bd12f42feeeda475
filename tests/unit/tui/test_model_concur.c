/* tests/unit/tui/test_model_concur.c — obstop's concurrency model
 * (tui/model_concur.c) on rows written here with SQL: the minutes' peaks,
 * the kept minutes between refreshes (only what new events can change is
 * read again), a window of another size read whole, and the rows and
 * series it fills with their limits. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "tui/model.h"

#include <sqlite3.h>
#include <stdio.h>

#define M 60000LL
#define T0 (1000 * M)   /* the window's first minute */

static char dir[64], path[96];

static void exec(store_t *st, const char *sql)
{
    char *msg = NULL;
    CHECK_EQ_INT(sqlite3_exec(store_db(st), sql, NULL, NULL, &msg), SQLITE_OK);
    if (msg)
        fprintf(stderr, "  %s\n", msg);
    sqlite3_free(msg);
}

/* An invocation of stream sid over [s, e) minutes after T0, its lines'
 * own times, and an event at its end (what a refresh looks for). */
static void inv(store_t *st, const char *id, int sid, double s, double e)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts, duration, timing) "
             "VALUES('%s', %d, %lld, %lld, %lld, 3);"
             "INSERT INTO events(ts, ingest_ts, stream_id, kind, message) VALUES(%lld, 0, %d, 4, 'REPORT');"
             "UPDATE streams SET last_ts = max(last_ts, %lld) WHERE id = %d;",
             id, sid, (long long)(T0 + s * M), (long long)(T0 + e * M), (long long)((e - s) * M),
             (long long)(T0 + e * M), sid, (long long)(T0 + e * M), sid);
    exec(st, sql);
}

static void test_kept_between_refreshes(void)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    tmpdir_make(dir, sizeof dir, "conc");
    snprintf(path, sizeof path, "%s/obs.db", dir);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO streams(id, function, log_group, stream, first_ts, last_ts) VALUES"
             "(1, 'api', '/aws/lambda/api', 'a', %lld, %lld), (2, 'api', '/aws/lambda/api', 'b', %lld, %lld),"
             "(3, 'job', '/aws/lambda/job', 'j', %lld, %lld);",
             (long long)T0, (long long)T0, (long long)T0, (long long)T0, (long long)T0, (long long)T0);
    exec(st, sql);
    inv(st, "a1", 1, 0.5, 3.5);    /* api: minutes 0-3 */
    inv(st, "b1", 2, 2.5, 4.5);    /* api: with a1 in minutes 2-3 */
    inv(st, "j1", 3, 3.2, 40.2);   /* job: 37 minutes (not a real Lambda: a long one) */

    /* a 60-minute window, now at its minute 50 */
    model_window_t w = { 60 * M, T0, T0 + 60 * M, 0 };
    conc_model_t m = { 0 };
    CHECK_EQ_INT(model_conc_load(st, &w, T0 + 50 * M, &m, &err), 0);
    CHECK_EQ_INT(m.nmin, 60);
    CHECK_EQ_INT(m.n, 2);
    const conc_fn_t *api = model_conc_of(&m, "api");
    CHECK(api != NULL);
    if (api) {
        const int want[6] = { 1, 1, 2, 2, 1, 0 };
        for (int i = 0; i < 6; i++)
            CHECK_EQ_INT(api->min[i].peak, want[i]);
    }
    CHECK_EQ_INT(model_conc_peak(&m, model_conc_of(&m, NULL)), 3);   /* a1, b1, j1 in minute 3 */

    /* an old row changed with no new event: a refresh keeps its minutes
     * before now - STORE_SPAN_MAX_MS - 1 min (minute 33) and reads the rest */
    exec(st, "UPDATE invocations SET end_ts = end_ts - 30 * 60000, duration = duration - 30 * 60000 "
             "WHERE request_id = 'j1';");
    CHECK_EQ_INT(model_conc_load(st, &w, T0 + 50 * M, &m, &err), 0);
    CHECK_EQ_INT(model_conc_of(&m, "job")->min[20].peak, 1);   /* kept */
    conc_model_t fresh = { 0 };
    CHECK_EQ_INT(model_conc_load(st, &w, T0 + 50 * M, &fresh, &err), 0);
    CHECK_EQ_INT(model_conc_of(&fresh, "job")->min[20].peak, 0);   /* what a whole read says */
    model_conc_free(&fresh);
    exec(st, "UPDATE invocations SET end_ts = end_ts + 30 * 60000, duration = duration + 30 * 60000 "
             "WHERE request_id = 'j1';");
    /* a window of another size is read whole */
    model_window_t w15 = { 15 * M, T0 + 45 * M, T0 + 60 * M, 0 };
    CHECK_EQ_INT(model_conc_load(st, &w15, T0 + 50 * M, &m, &err), 0);
    CHECK_EQ_INT(m.nmin, 15);
    CHECK_EQ_INT(model_conc_load(st, &w, T0 + 50 * M, &m, &err), 0);
    CHECK_EQ_INT(model_conc_of(&m, "job")->min[20].peak, 1);

    /* a new invocation: the minutes from STORE_SPAN_MAX_MS (and one) before
     * it are read again, the rest kept; the result is a whole read's */
    inv(st, "a2", 1, 45.5, 46.5);
    inv(st, "b2", 2, 46.0, 47.0);
    CHECK_EQ_INT(model_conc_load(st, &w, T0 + 50 * M, &m, &err), 0);
    conc_model_t whole = { 0 };
    CHECK_EQ_INT(model_conc_load(st, &w, T0 + 50 * M, &whole, &err), 0);
    api = model_conc_of(&m, "api");
    const conc_fn_t *api_whole = model_conc_of(&whole, "api");
    CHECK(api && api_whole);
    if (api && api_whole) {
        CHECK_EQ_INT(api->min[46].peak, 2);
        for (int i = 0; i < 60; i++)
            CHECK_EQ_INT(api->min[i].peak, api_whole->min[i].peak);
    }
    model_conc_free(&whole);

    /* the window slides a minute: minute 0 leaves, the rest follow */
    model_window_t w2 = { 60 * M, T0 + M, T0 + 61 * M, 0 };
    CHECK_EQ_INT(model_conc_load(st, &w2, T0 + 51 * M, &m, &err), 0);
    api = model_conc_of(&m, "api");
    CHECK(api != NULL && api->min[1].peak == 2 && api->min[45].peak == 2);

    /* rows and series: the peak, the limit (own or the account's) */
    limits_t l;
    char why[128];
    limits_init(&l);
    CHECK_EQ_INT(limits_add(&l, "api=2", why, sizeof why), 0);
    fn_row_t rows[2] = { { .name = "api" }, { .name = "job" } };
    overview_t ov = { .rows = rows, .n = 2 };
    model_conc_rows(&m, &l, &ov);
    CHECK_EQ_INT(rows[0].conc_peak, 2);
    CHECK_EQ_INT(rows[0].conc_limit, 2);
    CHECK_EQ_INT(rows[1].conc_peak, 1);
    CHECK_EQ_INT(rows[1].conc_limit, LIMITS_ACCOUNT_DEFAULT);
    CHECK_EQ_INT(ov.total.conc_peak, 3);
    double v[SK__COUNT][60] = { { 0 } };
    series_t s = { T0 + M, 60, { v[0], v[1], v[2], v[3], v[4] } };
    model_conc_fill(&m, &l, NULL, &s, "api");
    CHECK_NEAR(s.v[SK_CONC][2], 2, 0);    /* minute 3 of T0 */
    CHECK_NEAR(s.v[SK_CONC][45], 2, 0);
    CHECK_NEAR(s.v[SK_CONC][50], 0, 0);
    model_conc_free(&m);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

TEST_LIST = {
    TEST(test_kept_between_refreshes),
    TEST_END,
};
