/* tests/unit/store/test_deferred_index.c — the time indexes a bulk import
 * builds at its end (store_defer_time_indexes, store_build_deferred; schema
 * v13's deferred_index). Covers: an import bringing at least
 * STORE_DEFER_BYTES_PER_EVENT bytes per event held drops the indexes by time
 * (events_ts, events_report, invocations_time, invocations_failed,
 * invocations_cold, metric_points_ts) and names them with their CREATE
 * statements; a smaller one
 * keeps them (the boundary on both sides); queries answer the same before
 * and after the build, which gives back the same indexes (same SQL, used by
 * the planner, integrity_check ok); a store a kill left with them dropped
 * keeps them named across opens until a build (the next import's, or the
 * one obsagent's follow mode runs at start; an index made meanwhile by hand
 * counts as built); neither runs inside a batch. Each test runs with the
 * writer thread and without it. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "store/store_int.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static int g_threaded;

typedef struct fixture {
    char dir[64], db[96];
    store_t *st;
    int64_t stream;
    char ts_sql[256], report_sql[512];   /* as a fresh store has them */
    char all_sql[2048];                  /* every deferred index's, by name */
} fixture_t;

/* the indexes by time a bulk import defers: of events, invocations and
 * metric points */
#define TIME_INDEXES \
    "'events_ts', 'events_report', 'invocations_time', 'invocations_failed', 'invocations_cold', 'metric_points_ts'"
#define NDEFER 6
#define ALL_SQL \
    "SELECT group_concat(name || ': ' || sql, char(10)) FROM (SELECT name, sql FROM sqlite_schema " \
    "WHERE type = 'index' AND name IN (" TIME_INDEXES ") ORDER BY name)"

static int64_t q_int(store_t *st, const char *sql)
{
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    CHECK_EQ_INT(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
    if (q && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

static void q_text(store_t *st, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *q = NULL;
    out[0] = 0;
    CHECK_EQ_INT(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
    if (q && sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
}

static store_t *open_store(const char *path)
{
    obs_err_t err;
    store_t *st = NULL;
    setenv("OBS_WRITER_THREAD", g_threaded ? "1" : "0", 1);
    int rc = store_open(path, NULL, &st, &err);
    if (rc)
        fprintf(stderr, "  store_open: %s\n", err.msg);
    CHECK_EQ_INT(rc, 0);
    return st;
}

static void fixture_open(fixture_t *f)
{
    obs_err_t err;
    tmpdir_make(f->dir, sizeof f->dir, "deferidx");
    snprintf(f->db, sizeof f->db, "%s/obs.db", f->dir);
    f->st = open_store(f->db);
    q_text(f->st, "SELECT sql FROM sqlite_schema WHERE name = 'events_ts'", f->ts_sql, sizeof f->ts_sql);
    q_text(f->st, "SELECT sql FROM sqlite_schema WHERE name = 'events_report'", f->report_sql, sizeof f->report_sql);
    q_text(f->st, ALL_SQL, f->all_sql, sizeof f->all_sql);
    CHECK(strstr(f->ts_sql, "events(ts)") != NULL);
    CHECK(strstr(f->all_sql, "invocations_time: CREATE INDEX invocations_time ON invocations(coalesce(end_ts, start_ts))") !=
          NULL);
    CHECK(strstr(f->all_sql, "metric_points_ts: CREATE INDEX metric_points_ts ON metric_points(ts)") != NULL);
    CHECK(strstr(f->report_sql, "WHERE kind") != NULL);
    CHECK_EQ_INT(store_stream_id(f->st, "fn", "/aws/lambda/fn", "s1", &f->stream, &err), 0);
    CHECK_EQ_INT(store_commit(f->st, &err), 0);
}

static int64_t indexes_present(store_t *st)
{
    return q_int(st, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN (" TIME_INDEXES ")");
}

/* n events whose times come in no order, every 5th a REPORT of duration i */
/* Event i (its time in no order, every 5th a REPORT of duration i) into the
 * open batch. */
static void append_one(fixture_t *f, int i)
{
    obs_err_t err;
    char msg[96];
    store_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.ts_ms = 1700000000000LL + (int64_t)((i * 7919) % 100000) * 1000;
    ev.ingest_ms = ev.ts_ms;
    ev.stream_id = f->stream;
    ev.duration = ev.billed_duration = ev.init_duration = NAN;
    ev.restore_duration = ev.billed_restore_duration = NAN;
    ev.memory_size = ev.max_memory_used = ev.json_at = -1;
    if (i % 5 == 0) {
        ev.kind = STORE_KIND_REPORT;
        ev.type = "REPORT";
        ev.duration = i;
        snprintf(msg, sizeof msg, "REPORT RequestId: r%d Duration: %d ms", i, i);
    } else {
        snprintf(msg, sizeof msg, "line %d of the handler", i);
    }
    ev.message = obs_span(msg, strlen(msg));
    ev.full_text = 1;
    CHECK_EQ_INT(store_event_append(f->st, &ev, NULL, &err), 0);
}

/* Events from..from+n-1, committed. */
static void append(fixture_t *f, int from, int n)
{
    obs_err_t err;
    for (int i = from; i < from + n; i++)
        append_one(f, i);
    CHECK_EQ_INT(store_commit(f->st, &err), 0);
}

#define RANGE_COUNT \
    "SELECT count(*) FROM events WHERE ts >= 1700000000000 + 20000000 AND ts < 1700000000000 + 45000000"
#define REPORT_SUM "SELECT sum(duration) FROM events WHERE kind = 4 AND ts < 1700000000000 + 50000000"

static void expect_built_as_before(fixture_t *f)
{
    char sql[2048];
    CHECK_EQ_INT(indexes_present(f->st), NDEFER);
    CHECK_EQ_INT(q_int(f->st, "SELECT count(*) FROM deferred_index"), 0);
    q_text(f->st, "SELECT sql FROM sqlite_schema WHERE name = 'events_ts'", sql, sizeof sql);
    CHECK_EQ_STR(sql, f->ts_sql);
    q_text(f->st, "SELECT sql FROM sqlite_schema WHERE name = 'events_report'", sql, sizeof sql);
    CHECK_EQ_STR(sql, f->report_sql);
    q_text(f->st, ALL_SQL, sql, sizeof sql);
    CHECK_EQ_STR(sql, f->all_sql);
    q_text(f->st, "PRAGMA integrity_check", sql, sizeof sql);
    CHECK_EQ_STR(sql, "ok");
}

static void defers_and_builds(void)
{
    fixture_t f;
    obs_err_t err;
    int deferred = -1;
    int64_t built = -1;
    fixture_open(&f);
    CHECK_EQ_INT(store_defer_time_indexes(f.st, 1000000, &deferred, &err), 0);   /* an empty store */
    CHECK_EQ_INT(deferred, 1);
    CHECK_EQ_INT(indexes_present(f.st), 0);
    CHECK_EQ_INT(q_int(f.st, "SELECT count(*) FROM deferred_index"), NDEFER);
    append(&f, 0, 3000);
    int64_t range = q_int(f.st, RANGE_COUNT), sum = q_int(f.st, REPORT_SUM);
    CHECK(range > 500 && range < 1500);
    CHECK(sum > 0);
    CHECK_EQ_INT(store_build_deferred(f.st, &built, &err), 0);
    CHECK_EQ_INT(built, NDEFER);
    expect_built_as_before(&f);
    CHECK_EQ_INT(q_int(f.st, RANGE_COUNT), range);
    CHECK_EQ_INT(q_int(f.st, REPORT_SUM), sum);
    /* the planner takes them again */
    char plan[512] = "";
    sqlite3_stmt *q = NULL;
    CHECK_EQ_INT(sqlite3_prepare_v2(store_db(f.st), "EXPLAIN QUERY PLAN " RANGE_COUNT, -1, &q, NULL), SQLITE_OK);
    while (q && sqlite3_step(q) == SQLITE_ROW)
        snprintf(plan + strlen(plan), sizeof plan - strlen(plan), "%s; ", (const char *)sqlite3_column_text(q, 3));
    sqlite3_finalize(q);
    if (!strstr(plan, "USING COVERING INDEX events_ts"))
        fprintf(stderr, "  plan: %s\n", plan);
    CHECK(strstr(plan, "USING COVERING INDEX events_ts") != NULL);
    /* nothing left: a second build does nothing */
    CHECK_EQ_INT(store_build_deferred(f.st, &built, &err), 0);
    CHECK_EQ_INT(built, 0);
    store_close(f.st, NULL);
    tmpdir_remove(f.dir);
}

static void keeps_them_for_a_small_import(void)
{
    fixture_t f;
    obs_err_t err;
    int deferred = -1;
    fixture_open(&f);
    append(&f, 0, 1000);   /* ids 1..1000 */
    CHECK_EQ_INT(store_defer_time_indexes(f.st, STORE_DEFER_BYTES_PER_EVENT * 1000 - 1, &deferred, &err), 0);
    CHECK_EQ_INT(deferred, 0);
    CHECK_EQ_INT(indexes_present(f.st), NDEFER);
    CHECK_EQ_INT(q_int(f.st, "SELECT count(*) FROM deferred_index"), 0);
    CHECK_EQ_INT(store_defer_time_indexes(f.st, STORE_DEFER_BYTES_PER_EVENT * 1000, &deferred, &err), 0);
    CHECK_EQ_INT(deferred, 1);
    CHECK_EQ_INT(indexes_present(f.st), 0);
    /* one made meanwhile by hand (a sqlite3 shell) is taken as built */
    CHECK_EQ_INT(sqlite3_exec(store_db(f.st), f.ts_sql, NULL, NULL, NULL), SQLITE_OK);
    int64_t built = -1;
    CHECK_EQ_INT(store_build_deferred(f.st, &built, &err), 0);
    CHECK_EQ_INT(built, NDEFER);
    expect_built_as_before(&f);
    store_close(f.st, NULL);
    tmpdir_remove(f.dir);
}

static void a_kill_leaves_them_to_the_next_open(void)
{
    fixture_t f;
    obs_err_t err;
    int deferred = -1;
    fixture_open(&f);
    CHECK_EQ_INT(store_defer_time_indexes(f.st, 1000000, &deferred, &err), 0);
    append(&f, 0, 2000);
    int64_t range = q_int(f.st, RANGE_COUNT);
    store_close(f.st, NULL);   /* as a kill leaves it: never built */
    /* the next open leaves them named; an import finds them pending, and a
     * small input does not change that */
    f.st = open_store(f.db);
    CHECK_EQ_INT(indexes_present(f.st), 0);
    CHECK_EQ_INT(store_defer_time_indexes(f.st, 0, &deferred, &err), 0);
    CHECK_EQ_INT(deferred, 1);
    CHECK_EQ_INT(q_int(f.st, "SELECT count(*) FROM deferred_index"), NDEFER);
    append(&f, 2000, 1000);
    int64_t range_more = q_int(f.st, RANGE_COUNT);
    CHECK(range_more > range);
    /* not inside a batch */
    append_one(&f, 3001);
    CHECK_EQ_INT(store_build_deferred(f.st, NULL, &err), OBS_EDB);
    CHECK(strstr(err.msg, "not committed") != NULL);
    CHECK_EQ_INT(store_defer_time_indexes(f.st, 1000000, &deferred, &err), OBS_EDB);
    CHECK_EQ_INT(deferred, 0);
    store_rollback(f.st);
    store_close(f.st, NULL);
    f.st = open_store(f.db);
    CHECK_EQ_INT(indexes_present(f.st), 0);
    CHECK_EQ_INT(store_build_deferred(f.st, NULL, &err), 0);   /* as obsagent's follow mode does at start */
    expect_built_as_before(&f);
    CHECK_EQ_INT(q_int(f.st, RANGE_COUNT), range_more);
    store_close(f.st, NULL);
    tmpdir_remove(f.dir);
}

#define BOTH(fn)                                                   \
    static void test_##fn##_thread(void) { g_threaded = 1; fn(); } \
    static void test_##fn##_no_thread(void) { g_threaded = 0; fn(); }
BOTH(defers_and_builds)
BOTH(keeps_them_for_a_small_import)
BOTH(a_kill_leaves_them_to_the_next_open)

TEST_LIST = {
    TEST(test_defers_and_builds_thread),
    TEST(test_defers_and_builds_no_thread),
    TEST(test_keeps_them_for_a_small_import_thread),
    TEST(test_keeps_them_for_a_small_import_no_thread),
    TEST(test_a_kill_leaves_them_to_the_next_open_thread),
    TEST(test_a_kill_leaves_them_to_the_next_open_no_thread),
    TEST_END,
};
