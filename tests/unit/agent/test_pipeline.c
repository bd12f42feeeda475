/* tests/unit/agent/test_pipeline.c — agent/pipeline on a temp store: lines of one
 * stream in, rows out (checked with SQL). Covers the time rule (head-of-
 * stream lines take the first timed line's time, later untimed lines inherit
 * the previous one's, a stream with no timed line gets arrival time at sync),
 * invocation rows (cold start, duration, memory in bytes, outcomes: timeout,
 * old-style crash and the OOM heuristic), runtime version, NUL bytes,
 * invalid UTF-8, empty lines, json_at, throttle signals, rollups,
 * pipeline_stats / agent counters, and multi-line events (joined message,
 * first-line classification, pending until the next line, caps, counters). */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "agent/pipeline.h"
#include "store/store_int.h"
#include "common/clock.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define T0 "2024-03-04T17:22:38.033Z"
#define T0_MS 1709572958033LL
#define T1 "2024-03-04T17:22:38.500Z"
#define T1_MS 1709572958500LL
#define T2 "2024-03-04T17:22:41.100Z"
#define T2_MS 1709572961100LL
#define MINUTE_OF(ms) ((ms) - (ms) % 60000)

#define REQ1 "c793869b-ee49-115b-a5b6-4fd21e8dedac"
#define REQ2 "b70435cc-261c-4438-b9b6-efe4c8f04b21"
#define REQ3 "5b866fb1-7154-4af6-8078-6ef6ca4c2ddd"

/* ---- fixture -------------------------------------------------------------- */

typedef struct fx {
    char dir[64];
    char db[96];
    store_t *st;
    pipeline_t *pl;
    pipeline_stream_t *ps;
    multiline_event_t ml;   /* the source of the lines fed to ps */
} fx_t;

static void fx_open(fx_t *f)
{
    obs_err_t err;
    memset(f, 0, sizeof *f);
    tmpdir_make(f->dir, sizeof f->dir, "pipeline");
    snprintf(f->db, sizeof f->db, "%s/obs.db", f->dir);
    if (store_open(f->db, NULL, &f->st, &err) != 0) {
        fprintf(stderr, "store_open: %s\n", err.msg);
        exit(2);
    }
    f->pl = pipeline_new(f->st);
    CHECK_EQ_INT(pipeline_stream_open(f->pl, "fn", "/aws/lambda/fn", "2024/03/04/[$LATEST]abc", &f->ps,
                                      &err),
                 0);
}

static void fx_close(fx_t *f)
{
    pipeline_free(f->pl);
    multiline_done(&f->ml);
    store_close(f->st, NULL);
    tmpdir_remove(f->dir);
}

/* One line of n bytes (no newline), as the line reader would frame it. */
static void feed_n(fx_t *f, const char *s, size_t n)
{
    obs_err_t err;
    line_t l = { s, n, 0 };
    int rc = pipeline_line(f->pl, f->ps, &f->ml, &l, n + 1, &err);
    if (rc)
        fprintf(stderr, "  pipeline_line: %s\n", err.msg);
    CHECK_EQ_INT(rc, 0);
}

static void feed(fx_t *f, const char *s)
{
    feed_n(f, s, strlen(s));
}

/* End of input: the pending multi-line event is stored, then a checkpoint. */
static void sync_commit(fx_t *f)
{
    obs_err_t err;
    CHECK_EQ_INT(pipeline_flush(f->pl, f->ps, &f->ml, &err), 0);
    CHECK_EQ_INT(pipeline_sync(f->pl, &err), 0);
    CHECK_EQ_INT(store_commit(f->st, &err), 0);
}

/* ---- SQL helpers ---------------------------------------------------------- */

#define Q_NULL (-999999)

static int64_t q_int(sqlite3 *db, const char *fmt, ...) OBS_PRINTF(2, 3);
static int64_t q_int(sqlite3 *db, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *s;
    int64_t v = Q_NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "  SQL error: %s: %s\n", sql, sqlite3_errmsg(db));
        return -888888;
    }
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static double q_real(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    double v = NAN;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "  SQL error: %s: %s\n", sql, sqlite3_errmsg(db));
        return NAN;
    }
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

static char text_buf[4][512];
static int text_next;

/* First column as text ("(null)" / "(none)"); rotates over 4 buffers. */
static const char *q_text(sqlite3 *db, const char *fmt, ...) OBS_PRINTF(2, 3);
static const char *q_text(sqlite3 *db, const char *fmt, ...)
{
    char sql[1024];
    char *buf = text_buf[text_next++ % 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *s;
    snprintf(buf, 512, "(error)");
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "  SQL error: %s: %s\n", sql, sqlite3_errmsg(db));
        return buf;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        snprintf(buf, 512, "%s", t ? (const char *)t : "(null)");
    } else {
        snprintf(buf, 512, "(none)");
    }
    sqlite3_finalize(s);
    return buf;
}

/* Hex of n bytes, upper case (as SQLite's hex()). The result is valid until
 * the next call (a heap buffer: keeps -Wformat-truncation quiet in CHECK_EQ_STR). */
static const char *hex_of(const char *p, size_t n)
{
    static char *out;
    free(out);
    out = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(out + i * 2, 3, "%02X", (unsigned char)p[i]);
    out[n * 2] = '\0';
    return out;
}

/* Row id of the n-th event (1-based, by id). */
#define EV(f, n, col) "SELECT " col " FROM events ORDER BY id LIMIT 1 OFFSET %d", (n) - 1

/* ---- (a) time rule -------------------------------------------------------- */

static void test_time_head_lines_take_first_timed(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, "INIT_START Runtime Version: nodejs:20.v22\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:ab");
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    /* held until a timed line: nothing stored yet */
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 0);
    feed(&f, T0 "\t" REQ1 "\tINFO\thello");
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 3);
    feed(&f, "END RequestId: " REQ1);
    feed(&f, "REPORT RequestId: " REQ1 "\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: 70 MB");
    sync_commit(&f);

    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 5);
    static const int kinds[] = { LK_INIT_START, LK_START, LK_APP, LK_END, LK_REPORT };
    static const int tflags[] = { EVF_TIME_FROM_NEXT, EVF_TIME_FROM_NEXT, 0, EVF_TIME_INHERITED,
                                  EVF_TIME_INHERITED };
    for (int i = 1; i <= 5; i++) {
        CHECK_EQ_INT(q_int(store_db(f.st), EV(f, i, "kind")), kinds[i - 1]);
        CHECK_EQ_INT(q_int(store_db(f.st), EV(f, i, "ts")), T0_MS);
        CHECK_EQ_INT(q_int(store_db(f.st), EV(f, i, "flags & 176")), tflags[i - 1]);   /* 16|32|128 */
    }
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT start_ts FROM invocations"), T0_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT end_ts FROM invocations"), T0_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT first_ts FROM streams"), T0_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT last_ts FROM streams"), T0_MS);
    fx_close(&f);
}

static void test_time_inherited_mid_stream(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ1 "\tINFO\tfirst");
    feed(&f, "a print() line without time");
    feed(&f, T2 "\t" REQ1 "\tINFO\tlater");
    feed(&f, "END RequestId: " REQ1);
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "ts")), T0_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "flags")), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "ts")), T0_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "flags")), EVF_TIME_INHERITED);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "kind")), LK_PLAIN);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 3, "ts")), T2_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 4, "ts")), T2_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 4, "flags")), EVF_TIME_INHERITED);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT first_ts FROM streams"), T0_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT last_ts FROM streams"), T2_MS);
    fx_close(&f);
}

static void test_time_arrival_when_no_timed_line(void)
{
    fx_t f;
    fx_open(&f);
    int64_t before = obs_wall_ms();
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    feed(&f, "print output");
    feed(&f, "END RequestId: " REQ1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 0);
    sync_commit(&f);
    int64_t after = obs_wall_ms();
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 3);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events WHERE flags & 32"), 3);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events WHERE flags & (16 | 128)"), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events WHERE ts < %lld OR ts > %lld",
                       (long long)before, (long long)after),
                 0);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "kind")), LK_START);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "kind")), LK_PLAIN);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 3, "kind")), LK_END);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT start_ts BETWEEN %lld AND %lld FROM invocations", (long long)before,
                       (long long)after),
                 1);
    fx_close(&f);
}

/* ---- (b) invocation ------------------------------------------------------- */

static void test_invocation_cold_report(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ2 "\tINFO\tprevious invocation");   /* the stream has a time */
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    feed(&f, T1 "\t" REQ1 "\tINFO\tworking");
    feed(&f, "END RequestId: " REQ1);
    feed(&f, "REPORT RequestId: " REQ1 "\tDuration: 128.83 ms\tBilled Duration: 296 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: 74 MB\tInit Duration: 166.62 ms\tXRAY TraceId: 1-5d9d007f-0a8c7fd02xmpl480aed55ef0\t"
             "SegmentId: 3d752xmpl1bbe37e\tSampled: true");
    sync_commit(&f);

    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM invocations"), 1);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT request_id FROM invocations"), REQ1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT start_ts FROM invocations"), T0_MS);   /* START inherits */
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT end_ts FROM invocations"), T1_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT cold FROM invocations"), 1);
    CHECK_NEAR(q_real(store_db(f.st), "SELECT duration FROM invocations"), 128.83, 1e-9);
    CHECK_NEAR(q_real(store_db(f.st), "SELECT billed_duration FROM invocations"), 296, 0);
    CHECK_NEAR(q_real(store_db(f.st), "SELECT init_duration FROM invocations"), 166.62, 1e-9);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT memory_size FROM invocations"), 128000000);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT max_memory_used FROM invocations"), 74000000);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome FROM invocations"), 0);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT version FROM invocations"), "$LATEST");
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT xray_trace_id FROM invocations"), "1-5d9d007f-0a8c7fd02xmpl480aed55ef0");
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT stream_id FROM invocations"), pipeline_stream_id(f.ps));

    /* the REPORT event row carries the numbers too */
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT memory_size FROM events WHERE kind = %d", LK_REPORT), 128000000);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT request_id FROM events WHERE kind = %d", LK_REPORT), REQ1);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT type FROM events WHERE kind = %d", LK_REPORT), "REPORT");
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome IS NULL FROM events WHERE kind = %d", LK_REPORT), 1);

    /* rollup: one invocation, cold, its numbers */
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT minute FROM rollup_minute"), MINUTE_OF(T0_MS));
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT function FROM rollup_minute"), "fn");
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT events FROM rollup_minute"), 5);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT invocations FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT cold_starts FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT errors + timeouts + crashes + oom FROM rollup_minute"), 0);
    CHECK_NEAR(q_real(store_db(f.st), "SELECT duration_sum FROM rollup_minute"), 128.83, 1e-9);
    CHECK_NEAR(q_real(store_db(f.st), "SELECT init_max FROM rollup_minute"), 166.62, 1e-9);
    CHECK_NEAR(q_real(store_db(f.st), "SELECT gb_seconds FROM rollup_minute"), 0.296 * 0.125, 1e-12);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT memory_size FROM rollup_minute"), 128000000);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT max_memory_used FROM rollup_minute"), 74000000);

    const pipeline_stats_t *s = pipeline_stats(f.pl);
    CHECK_EQ_INT(s->invocations, 1);
    CHECK_EQ_INT(s->cold_starts, 1);
    fx_close(&f);
}

static void test_invocation_warm(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ2 "\tINFO\tx");
    feed(&f, "START RequestId: " REQ1 " Version: 7");
    feed(&f, "END RequestId: " REQ1);
    feed(&f, "REPORT RequestId: " REQ1 "\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 1024 MB\t"
             "Max Memory Used: 80 MB");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT cold FROM invocations"), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT memory_size FROM invocations"), 1024000000);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT init_duration IS NULL FROM invocations"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT cold_starts FROM rollup_minute"), 0);
    CHECK_NEAR(q_real(store_db(f.st), "SELECT gb_seconds FROM rollup_minute"), 0.002, 1e-12);
    fx_close(&f);
}

/* ---- (c) old-style timeout ----------------------------------------------- */

static void test_timeout_old_style(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ2 "\tINFO\tbefore");
    feed(&f, "START RequestId: " REQ2 " Version: $LATEST");
    feed(&f, T2 "\t" REQ2 "\tTask timed out after 3.00 seconds");
    feed(&f, "END RequestId: " REQ2);
    feed(&f, "REPORT RequestId: " REQ2 "\tDuration: 3004.92 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: 33 MB");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome FROM invocations"), LO_TIMEOUT);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT end_ts FROM invocations"), T2_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome FROM events WHERE kind = %d", LK_TIMEOUT), LO_TIMEOUT);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT request_id FROM events WHERE kind = %d", LK_TIMEOUT), REQ2);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT ts FROM events WHERE kind = %d", LK_TIMEOUT), T2_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(timeouts) FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(errors) + sum(crashes) + sum(oom) FROM rollup_minute"), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(invocations) FROM rollup_minute"), 1);
    /* the REPORT is in T2's minute (inherited), the first line in T0's: same minute */
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM rollup_minute"), 1);
    CHECK_EQ_INT(pipeline_stats(f.pl)->timeouts, 1);
    fx_close(&f);
}

/* serverless-offline prints its summary (a REPORT) only for an invocation
 * that succeeded, and a failure without a request id: the failure after a
 * summary is not that invocation's, and is counted as unattributed. */
static void test_emulator_failure_after_success(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ1 "\tINFO\thandled");
    feed(&f, "RequestId: " REQ1 "  Duration: 12.34 ms  Billed Duration: 13 ms");
    feed(&f, "\xE2\x9C\x96 [504] - Lambda timeout.");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM invocations"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome FROM invocations"), LO_NONE);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome FROM events WHERE kind = %d", LK_TIMEOUT), LO_TIMEOUT);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events WHERE kind = %d AND request_id IS NOT NULL",
                       LK_TIMEOUT), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(timeouts) FROM rollup_minute"), 0);
    CHECK_EQ_INT(pipeline_stats(f.pl)->outcome_unattributed, 1);
    fx_close(&f);
}

/* ---- (d) old crash, OOM heuristic ----------------------------------------- */

static void crash_run(fx_t *f, int max_mem_mb)
{
    char report[256];
    feed(f, T0 "\t" REQ1 "\tINFO\tbefore");
    feed(f, "START RequestId: " REQ1 " Version: $LATEST");
    feed(f, "RequestId: " REQ1 " Error: Runtime exited with error: signal: killed");
    feed(f, "Runtime.ExitError");
    feed(f, "END RequestId: " REQ1);
    snprintf(report, sizeof report,
             "REPORT RequestId: " REQ1 "\tDuration: 900.00 ms\tBilled Duration: 900 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: %d MB",
             max_mem_mb);
    feed(f, report);
    sync_commit(f);
}

static void test_crash_oom_when_memory_full(void)
{
    fx_t f;
    fx_open(&f);
    crash_run(&f, 128);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome FROM invocations"), LO_OOM);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT error_type FROM invocations"), "Runtime.ExitError");
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(oom) FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(crashes) FROM rollup_minute"), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome FROM events WHERE kind = %d", LK_RUNTIME_EXIT), LO_CRASH);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome FROM events WHERE kind = %d", LK_ERROR_TYPE), LO_CRASH);
    CHECK_EQ_INT(pipeline_stats(f.pl)->oom, 1);
    CHECK_EQ_INT(pipeline_stats(f.pl)->crashes, 0);
    fx_close(&f);
}

static void test_crash_not_oom_with_memory_left(void)
{
    fx_t f;
    fx_open(&f);
    crash_run(&f, 100);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT outcome FROM invocations"), LO_CRASH);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT error_type FROM invocations"), "Runtime.ExitError");
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(crashes) FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(oom) FROM rollup_minute"), 0);
    CHECK_EQ_INT(pipeline_stats(f.pl)->crashes, 1);
    fx_close(&f);
}

/* ---- (e) INIT_START, runtime version ------------------------------------- */

/* A cold start is a REPORT with an Init Duration (on-demand Lambda writes it
 * on an environment's first invocation); an INIT_START followed by a START
 * whose REPORT has none is provisioned concurrency or an init retried in
 * the invoke phase (tests/realworld: fastapi-chatbot-python-samlogs), not
 * a cold start a user waited for. */

static void test_init_start_cold_and_runtime_version(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, "INIT_START Runtime Version: python:3.12.v18\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:ed");
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    feed(&f, "[INFO]\t" T0 "\t" REQ1 "\thandling");
    feed(&f, "END RequestId: " REQ1);
    feed(&f, "REPORT RequestId: " REQ1 "\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 256 MB\t"
             "Max Memory Used: 40 MB\tInit Duration: 120.00 ms");
    /* a second, warm invocation */
    feed(&f, "START RequestId: " REQ2 " Version: $LATEST");
    feed(&f, "END RequestId: " REQ2);
    feed(&f, "REPORT RequestId: " REQ2 "\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 256 MB\t"
             "Max Memory Used: 41 MB");
    /* provisioned concurrency: INIT_START ahead of time, no Init Duration */
    feed(&f, "INIT_START Runtime Version: python:3.12.v18\tRuntime Version ARN: arn:aws:lambda:eu-west-1::runtime:ed");
    feed(&f, "START RequestId: " REQ3 " Version: $LATEST");
    feed(&f, "END RequestId: " REQ3);
    feed(&f, "REPORT RequestId: " REQ3 "\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 256 MB\t"
             "Max Memory Used: 41 MB");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT cold FROM invocations WHERE request_id = '" REQ1 "'"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT cold FROM invocations WHERE request_id = '" REQ2 "'"), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT cold FROM invocations WHERE request_id = '" REQ3 "'"), 0);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT runtime_version FROM streams"), "python:3.12.v18");
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT runtime_version FROM invocations WHERE request_id = '" REQ1 "'"),
                 "python:3.12.v18");
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(cold_starts) FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(invocations) FROM rollup_minute"), 3);
    CHECK_EQ_INT(pipeline_stats(f.pl)->cold_starts, 1);
    fx_close(&f);
}

/* How each environment started (docs/concurrency.md), one stream with an
 * init before each first invocation: a text INIT_START alone is on demand
 * (user-facing when its REPORT has an Init Duration, not when the init ran
 * before the request); an INIT_REPORT that did not fail, ahead of the
 * request, is provisioned concurrency; a failed one is not; RESTORE_START
 * is SnapStart; JSON says its initializationType, and a provisioned
 * environment's Init Duration is not a cold start a request waited for; an
 * init retried in the invoke phase is no kind (neither ahead of requests
 * nor a cold start by Init Duration). */
static void test_init_kinds(void)
{
    static const char *const report = "\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 256 MB\t"
                                      "Max Memory Used: 41 MB";
    char line[512];
    fx_t f;
    fx_open(&f);
    struct {
        const char *init[2];   /* lines before START */
        const char *rid, *extra;
        int kind, cold;
    } cases[] = {
        { { "INIT_START Runtime Version: python:3.12.v18", NULL }, "a1", "\tInit Duration: 120.00 ms",
          STORE_INIT_ON_DEMAND, 1 },
        { { NULL, NULL }, "a2", "", 0, 0 },
        { { "INIT_START Runtime Version: python:3.12.v18", "INIT_REPORT Init Duration: 900.10 ms" }, "a3", "",
          STORE_INIT_PROVISIONED, 0 },
        { { "INIT_START Runtime Version: python:3.12.v18", NULL }, "a4", "", STORE_INIT_ON_DEMAND, 0 },
        { { "INIT_START Runtime Version: python:3.12.v18",
            "INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: timeout" },
          "a5", "\tInit Duration: 2236.04 ms", STORE_INIT_ON_DEMAND, 1 },
        { { "RESTORE_START Runtime Version: java:21.v9", NULL }, "a6", "\tRestore Duration: 300.50 ms",
          STORE_INIT_SNAP_START, 0 },
        { { "{\"time\":\"" T0 "\",\"type\":\"platform.initStart\",\"record\":{\"initializationType\":"
            "\"provisioned-concurrency\",\"phase\":\"init\"}}", NULL },
          "a7", "\tInit Duration: 80.00 ms", STORE_INIT_PROVISIONED, 0 },
        { { "{\"time\":\"" T0 "\",\"type\":\"platform.initStart\",\"record\":{\"initializationType\":"
            "\"on-demand\",\"phase\":\"init\"}}", NULL },
          "a8", "\tInit Duration: 80.00 ms", STORE_INIT_ON_DEMAND, 1 },
        /* an init that failed, retried when the request came: the request
         * waited for it (no init ahead of requests), and its REPORT has no
         * Init Duration (no cold start by it): neither kind */
        { { "INIT_START Runtime Version: provided:al2023.v12",
            "INIT_REPORT Init Duration: 0.23 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.InvalidEntrypoint" },
          "a9", "", 0, 0 },
        { { "{\"time\":\"" T0 "\",\"type\":\"platform.initStart\",\"record\":{\"initializationType\":"
            "\"on-demand\",\"phase\":\"init\"}}",
            "{\"time\":\"" T0 "\",\"type\":\"platform.initReport\",\"record\":{\"initializationType\":"
            "\"on-demand\",\"phase\":\"invoke\",\"status\":\"error\",\"metrics\":{\"durationMs\":10.5}}}" },
          "a10", "", 0, 0 },
    };
    feed(&f, T0 "\t" REQ2 "\tINFO\tthe stream has a time");
    for (size_t i = 0; i < OBS_ARRAY_LEN(cases); i++) {
        for (int k = 0; k < 2; k++)
            if (cases[i].init[k])
                feed(&f, cases[i].init[k]);
        snprintf(line, sizeof line, "START RequestId: %s Version: $LATEST", cases[i].rid);
        feed(&f, line);
        snprintf(line, sizeof line, "REPORT RequestId: %s%s%s", cases[i].rid, report, cases[i].extra);
        feed(&f, line);
    }
    sync_commit(&f);
    for (size_t i = 0; i < OBS_ARRAY_LEN(cases); i++) {
        CHECK_EQ_INT(q_int(store_db(f.st), "SELECT coalesce(init_type, 0) FROM invocations WHERE request_id = '%s'",
                           cases[i].rid),
                     cases[i].kind);
        CHECK_EQ_INT(q_int(store_db(f.st), "SELECT cold FROM invocations WHERE request_id = '%s'", cases[i].rid),
                     cases[i].cold);
    }
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(cold_starts) FROM rollup_minute"), 3);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT init_type_name FROM invocations_v WHERE request_id = 'a3'"),
                 "provisioned-concurrency");
    fx_close(&f);
}

/* timing: a time printed on the line (or a wrapper's) is the line's own;
 * START and REPORT of a bare text file take the time rule's. */
static void test_invocation_timing(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, "START RequestId: h1 Version: $LATEST");   /* the head of the stream: a later line's time */
    feed(&f, T0 "\t" REQ2 "\tINFO\tthe stream has a time");
    feed(&f, "REPORT RequestId: h1\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 256 MB\t"
             "Max Memory Used: 41 MB");
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    feed(&f, "REPORT RequestId: " REQ1 "\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 256 MB\t"
             "Max Memory Used: 41 MB");
    feed(&f, "{\"time\":\"" T1 "\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"" REQ3 "\"}}");
    feed(&f, "{\"time\":\"" T2 "\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"" REQ3 "\","
             "\"metrics\":{\"durationMs\":2600.0,\"billedDurationMs\":2600,\"memorySizeMB\":256,"
             "\"maxMemoryUsedMB\":41},\"status\":\"success\"}}");
    feed(&f, "{\"time\":\"" T1 "\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"j1\"}}");
    feed(&f, "REPORT RequestId: j1\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 256 MB\t"
             "Max Memory Used: 41 MB");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT timing FROM invocations WHERE request_id = '" REQ1 "'"), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT timing FROM invocations WHERE request_id = 'h1'"), STORE_TIMING_START_LATE);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT timing FROM invocations WHERE request_id = '" REQ3 "'"),
                 STORE_TIMING_START | STORE_TIMING_END);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT start_ts FROM invocations WHERE request_id = '" REQ3 "'"), T1_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT end_ts FROM invocations WHERE request_id = '" REQ3 "'"), T2_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT timing FROM invocations WHERE request_id = 'j1'"), STORE_TIMING_START);
    fx_close(&f);
}

/* ---- (f) NUL bytes, (g) invalid UTF-8, (h) empty lines --------------------- */

static void test_nul_bytes(void)
{
    fx_t f;
    fx_open(&f);
    static const char line[] = T0 "\t" REQ1 "\tINFO\ta\0b\0";
    feed_n(&f, line, sizeof line - 1);
    sync_commit(&f);
    static const char want[] = T0 "\t" REQ1 "\tINFO\ta\xe2\x90\x80" "b\xe2\x90\x80";
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT hex(message) FROM events"), hex_of(want, sizeof want - 1));
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT hex(raw) FROM events"), hex_of(line, sizeof line - 1));
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT flags & 4 FROM events"), 4);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT flags & 2 FROM events"), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT ts FROM events"), T0_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT kind FROM events"), LK_APP);
    CHECK_EQ_INT(pipeline_stats(f.pl)->nul, 1);
    fx_close(&f);
}

static void test_nul_bytes_in_held_line(void)
{
    /* The NUL line is at the head of the stream: held, then stored. */
    fx_t f;
    fx_open(&f);
    static const char line[] = "x\0y";
    feed_n(&f, line, 3);
    feed(&f, T0 "\t" REQ1 "\tINFO\tnext");
    sync_commit(&f);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 1, "hex(message)")), "78E2908079");
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 1, "hex(raw)")), "780079");
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "flags")), EVF_NUL | EVF_TIME_FROM_NEXT);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "ts")), T0_MS);
    CHECK_EQ_INT(pipeline_stats(f.pl)->nul, 1);
    fx_close(&f);
}

static void test_invalid_utf8(void)
{
    fx_t f;
    fx_open(&f);
    static const char line[] = T0 "\t" REQ1 "\tINFO\tbad \xff\xfe bytes \xc3";
    feed(&f, line);
    feed(&f, T0 "\t" REQ1 "\tINFO\tgood caf\xc3\xa9");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "flags & 2")), 2);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 1, "hex(message)")), hex_of(line, sizeof line - 1));
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "raw IS NULL")), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "flags")), 0);
    CHECK_EQ_INT(pipeline_stats(f.pl)->invalid_utf8, 1);
    fx_close(&f);
}

static void test_empty_line_not_stored(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ1 "\tINFO\tone");
    feed_n(&f, "", 0);
    feed(&f, T0 "\t" REQ1 "\tINFO\ttwo");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 2);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events WHERE message = ''"), 0);
    const pipeline_stats_t *s = pipeline_stats(f.pl);
    CHECK_EQ_INT(s->empty, 1);
    CHECK_EQ_INT(s->lines, 3);
    CHECK_EQ_INT(s->events, 2);
    fx_close(&f);
}

/* ---- (i) json_at, (j) throttle -------------------------------------------- */

static void test_json_at(void)
{
    fx_t f;
    fx_open(&f);
    static const char line[] = T0 "\t" REQ1 "\tINFO\tprocessed {\"orderId\":42,\"ok\":true}";
    feed(&f, line);
    feed(&f, T0 "\t" REQ1 "\tINFO\tno json here");
    feed(&f, "{\"time\":\"" T1 "\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"" REQ2 "\"}}");
    sync_commit(&f);
    int64_t want = (int64_t)(strchr(line, '{') - line);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "json_at")), want);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 1, "substr(message, json_at + 1)")), "{\"orderId\":42,\"ok\":true}");
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "json_at IS NULL")), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 3, "json_at")), 0);   /* a JSON-format record */
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 3, "kind")), LK_START);
    fx_close(&f);
}

static void test_throttle_signal(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ1 "\tERROR\tThrottlingException: Rate exceeded");
    feed(&f, T0 "\t" REQ1 "\tINFO\tall fine");
    sync_commit(&f);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 1, "throttle")), "ThrottlingException");
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 1, "level")), "ERROR");
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "throttle IS NULL")), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT throttle_signals FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT error_lines FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT events FROM rollup_minute"), 2);
    CHECK_EQ_INT(pipeline_stats(f.pl)->throttle, 1);
    fx_close(&f);
}

/* ---- full text: app lines indexed, platform lines not ---------------------- */

/* Every line is in the full-text index (schema v3), platform lines too, and
 * each distinct token is in fts_vocab once the batch commits. */
static void test_full_text_every_line_and_vocab(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ1 "\tINFO\tcharging customer");
    feed(&f, "START RequestId: " REQ2 " Version: charging");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'charging'"), 2);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'customer'"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'requestid'"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM fts_vocab WHERE token IN "
                              "('charging', 'customer', 'start', 'requestid', 'version', 'info')"), 6);
    /* ids and numbers are not tokens (obsword skips them) */
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM fts_vocab WHERE token GLOB '*[0-9]*' "
                              "AND token NOT GLOB '*[g-z]*'"), 0);
    fx_close(&f);
}

/* The writer's token cache is bounded: past its size it is emptied after a
 * commit (memory stays flat over months of unique words), and every token
 * still reaches fts_vocab, including one seen before the cache was emptied
 * and again after, and one whose row was rolled back. */
static void test_vocab_cache_bounded(void)
{
    fx_t f;
    fx_open(&f);
    f.st->vocab.max_cached = 16;
    char line[128];
    int most = 0;
    for (int batch = 0; batch < 10; batch++) {
        for (int i = 0; i < 10; i++) {
            snprintf(line, sizeof line, T0 "\t" REQ1 "\tINFO\tword%c%c shared", 'g' + batch, 'g' + i);
            feed(&f, line);
        }
        sync_commit(&f);
        if (f.st->vocab.used > most)
            most = f.st->vocab.used;
    }
    CHECK(most <= 16 + 10 + 4);   /* the limit, one batch's new tokens, the shared ones */
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM fts_vocab WHERE token GLOB 'word[g-z][g-z]'"), 100);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM fts_vocab WHERE token = 'shared'"), 1);
    /* rolled back: its new token is queued again by the next batch */
    feed(&f, T0 "\t" REQ1 "\tINFO\tphantom");
    obs_err_t err;
    CHECK_EQ_INT(pipeline_flush(f.pl, f.ps, &f.ml, &err), 0);
    CHECK_EQ_INT(pipeline_sync(f.pl, &err), 0);
    store_rollback(f.st);
    pipeline_reset(f.pl);
    CHECK_EQ_INT(f.st->vocab.max_cached, 16);   /* a setting, kept */
    CHECK_EQ_INT(pipeline_stream_open(f.pl, "fn", "/aws/lambda/fn", "2024/03/04/[$LATEST]abc", &f.ps, &err), 0);
    feed(&f, T0 "\t" REQ1 "\tINFO\tphantom");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM fts_vocab WHERE token = 'phantom'"), 1);
    fx_close(&f);
}

/* ---- (k) stats and counters ------------------------------------------------ */

static void test_stats_counts(void)
{
    fx_t f;
    fx_open(&f);
    obs_err_t err;
    feed(&f, "INIT_START Runtime Version: nodejs:20.v22");
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    feed(&f, T0 "\t" REQ1 "\tINFO\tone");
    feed(&f, T0 "\t" REQ1 "\tWARN\ttwo");
    feed_n(&f, "", 0);
    feed(&f, "plain text");
    feed(&f, "END RequestId: " REQ1);
    feed(&f, "REPORT RequestId: " REQ1 "\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: 20 MB");
    line_t trunc = { "cut line", 8, LINE_TRUNCATED };
    CHECK_EQ_INT(pipeline_line(f.pl, f.ps, &f.ml, &trunc, 500, &err), 0);
    line_t last = { "tail", 4, LINE_NO_NEWLINE };
    CHECK_EQ_INT(pipeline_line(f.pl, f.ps, &f.ml, &last, 4, &err), 0);
    sync_commit(&f);

    const pipeline_stats_t *s = pipeline_stats(f.pl);
    CHECK_EQ_INT(s->lines, 10);
    CHECK_EQ_INT(s->empty, 1);
    CHECK_EQ_INT(s->events, 9);
    CHECK_EQ_INT(s->truncated, 1);
    CHECK_EQ_INT(s->no_newline, 1);
    size_t bytes = 0;
    static const char *const fed[] = {
        "INIT_START Runtime Version: nodejs:20.v22",
        "START RequestId: " REQ1 " Version: $LATEST",
        T0 "\t" REQ1 "\tINFO\tone",
        T0 "\t" REQ1 "\tWARN\ttwo",
        "",
        "plain text",
        "END RequestId: " REQ1,
        "REPORT RequestId: " REQ1 "\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 20 MB",
    };
    for (size_t i = 0; i < sizeof fed / sizeof *fed; i++)
        bytes += strlen(fed[i]) + 1;
    CHECK_EQ_INT(s->bytes, (int64_t)bytes + 500 + 4);
    CHECK_EQ_INT(s->by_kind[LK_INIT_START], 1);
    CHECK_EQ_INT(s->by_kind[LK_START], 1);
    CHECK_EQ_INT(s->by_kind[LK_APP], 2);
    CHECK_EQ_INT(s->by_kind[LK_PLAIN], 3);
    CHECK_EQ_INT(s->by_kind[LK_END], 1);
    CHECK_EQ_INT(s->by_kind[LK_REPORT], 1);
    CHECK_EQ_INT(s->by_kind[LK_TIMEOUT], 0);
    CHECK_EQ_INT(s->invocations, 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 9);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events WHERE flags & 1"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events WHERE flags & 8"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events WHERE kind = %d AND level = 'WARN'", LK_APP), 1);

    /* counters written at sync */
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'lines'"), 10);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'events'"), 9);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'empty_lines'"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'bytes'"), (int64_t)bytes + 504);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'truncated_lines'"), 1);

    /* a second sync adds only what is new */
    feed(&f, T1 "\t" REQ1 "\tINFO\tthree");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'lines'"), 11);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'events'"), 10);
    CHECK_EQ_INT(pipeline_stats(f.pl)->lines, 11);
    fx_close(&f);
}

/* A REPORT with no request id (public GitHub log: "REPORT Duration: ..."):
 * its fields kept on the event, no invocation touched, and counted as
 * unrecognised (the line whose invocation obs cannot find). */
static void test_report_without_request_id(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, "INIT_REPORT Init Duration: 9999.79 ms    Phase: init    Status: timeout");
    feed(&f, "execution time: 20.339804887771606s");
    feed(&f, "REPORT Duration: 64754.09 ms  Billed Duration: 64755 ms  Memory Size: 10240 MB  Max Memory Used: 9001 MB");
    sync_commit(&f);
    /* with a request in flight: neither the REPORT nor its XRAY line is given to it */
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    feed(&f, "REPORT Duration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB");
    feed(&f, "XRAY TraceId: 1-5e34a614-10bdxmplf1fb44f07bc535a1\tSegmentId: 07f5xmpl2d1f6f85\tSampled: true");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM invocations WHERE xray_trace_id IS NOT NULL OR end_ts IS NOT NULL"), 0);
    const pipeline_stats_t *s = pipeline_stats(f.pl);
    CHECK_EQ_INT(s->unrecognised, 2);
    CHECK(strncmp(s->unrecognised_first, "REPORT Duration: 64754.09 ms", 28) == 0);
    CHECK_EQ_INT(s->by_kind[LK_REPORT], 2);
    CHECK_EQ_INT(s->invocations, 0);
    sqlite3 *db = store_db(f.st);
    CHECK_EQ_INT(q_int(db, EV(f, 3, "kind")), LK_REPORT);
    CHECK(q_real(db, "SELECT duration FROM events ORDER BY id LIMIT 1 OFFSET 2") == 64754.09);
    CHECK_EQ_INT(q_int(db, EV(f, 3, "memory_size")), 10240000000LL);
    CHECK_EQ_INT(q_int(db, EV(f, 3, "max_memory_used")), 9001000000LL);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM events WHERE kind = %d AND request_id IS NOT NULL AND request_id != ''", LK_REPORT), 0);
    fx_close(&f);
}

static void test_two_streams_independent(void)
{
    fx_t f;
    fx_open(&f);
    obs_err_t err;
    pipeline_stream_t *other = NULL, *again = NULL;
    CHECK_EQ_INT(pipeline_stream_open(f.pl, "fn2", "/aws/lambda/fn2", "s2", &other, &err), 0);
    CHECK_EQ_INT(pipeline_stream_open(f.pl, "fn", "/aws/lambda/fn", "2024/03/04/[$LATEST]abc", &again, &err), 0);
    CHECK(again == f.ps);
    CHECK(other != f.ps);
    CHECK(pipeline_stream_id(other) != pipeline_stream_id(f.ps));

    feed(&f, T0 "\t" REQ1 "\tINFO\ttimed in stream 1");
    /* stream 2 has no time of its own: the first stream's time is not used */
    line_t l = { "untimed in stream 2", 19, 0 };
    CHECK_EQ_INT(pipeline_line(f.pl, other, NULL, &l, 20, &err), 0);
    line_t l2 = { T2 "\tx\tINFO\tstream 2 timed", sizeof(T2 "\tx\tINFO\tstream 2 timed") - 1, 0 };
    CHECK_EQ_INT(pipeline_line(f.pl, other, NULL, &l2, l2.len + 1, &err), 0);
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT ts FROM events WHERE message = 'untimed in stream 2'"), T2_MS);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT flags FROM events WHERE message = 'untimed in stream 2'"),
                 EVF_TIME_FROM_NEXT);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT stream_id FROM events WHERE message = 'untimed in stream 2'"),
                 pipeline_stream_id(other));
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM rollup_minute"), 2);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT events FROM rollup_minute WHERE function = 'fn2'"), 2);
    fx_close(&f);
}

/* ---- (l) multi-line events ------------------------------------------------- */

#define NBSP "\xc2\xa0"
#define PY_ERR "[ERROR] ZeroDivisionError: division by zero"
#define PY_TB "Traceback (most recent call last):"
#define PY_F1 NBSP NBSP "File \"/var/task/lambda_function.py\", line 12, in lambda_handler"
#define PY_F2 NBSP NBSP NBSP NBSP "return total / count"

/* Lambda's Python uncaught error written line by line: one event, the lines
 * joined with '\n', classified by its first line, in the full-text index. */
static void test_multiline_python_traceback(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    feed(&f, T0 "\t" REQ1 "\tINFO\tstarting");
    feed(&f, PY_ERR);
    feed(&f, PY_TB);
    feed(&f, PY_F1);
    feed(&f, PY_F2);
    feed(&f, "END RequestId: " REQ1);
    feed(&f, "REPORT RequestId: " REQ1 "\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\t"
             "Max Memory Used: 20 MB");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 5);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 3, "message")), PY_ERR "\n" PY_TB "\n" PY_F1 "\n" PY_F2);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 3, "level")), "ERROR");
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 3, "kind")), LK_APP);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 3, "error_type")), "ZeroDivisionError");
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 3, "ts")), T0_MS);  /* inherited, as its first line */
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 4, "message")), "END RequestId: " REQ1);
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT outcome_name FROM invocations_v"), "error");
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'traceback'"), 1);
    const pipeline_stats_t *s = pipeline_stats(f.pl);
    CHECK_EQ_INT(s->lines, 8);
    CHECK_EQ_INT(s->events, 5);
    CHECK_EQ_INT(s->multiline_events, 1);
    CHECK_EQ_INT(s->multiline_joined, 3);
    CHECK_EQ_INT(s->errors, 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'multiline_joined'"), 3);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'multiline_events'"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT value FROM agent_counters WHERE name = 'lines'"), 8);
    fx_close(&f);
}

/* A pending event is neither stored nor counted before a line that does not
 * continue it (or the end of input); the checkpoint stays behind it. */
static void test_multiline_pending_until_next_line(void)
{
    fx_t f;
    fx_open(&f);
    obs_err_t err;
    feed(&f, T0 "\t" REQ1 "\tERROR\tError: boom");
    feed(&f, "    at Runtime.handler (file:///var/task/index.mjs:3:9)");
    CHECK_EQ_INT(pipeline_sync(f.pl, &err), 0);
    CHECK_EQ_INT(store_commit(f.st, &err), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 0);
    CHECK_EQ_INT(pipeline_stats(f.pl)->lines, 0);
    CHECK_EQ_INT(multiline_unstored(&f.ml),
                 (int64_t)sizeof(T0 "\t" REQ1 "\tERROR\tError: boom") +
                     (int64_t)sizeof("    at Runtime.handler (file:///var/task/index.mjs:3:9)"));
    feed(&f, "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)");
    feed(&f, T1 "\t" REQ1 "\tINFO\tafter");  /* ends it: stored now; an INFO line opens nothing */
    CHECK_EQ_INT(multiline_unstored(&f.ml), 0);
    CHECK_EQ_INT(pipeline_sync(f.pl, &err), 0);
    CHECK_EQ_INT(store_commit(f.st, &err), 0);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 2);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "ts")), T0_MS);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 1, "request_id")), REQ1);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 1, "length(message) - length(replace(message, char(10), ''))")), 2);
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "ts")), T1_MS);
    CHECK_EQ_INT(pipeline_stats(f.pl)->lines, 4);
    fx_close(&f);
}

/* --no-multiline: every line is an event; and a source without a pending
 * event (NULL) joins nothing either. */
static void test_multiline_off(void)
{
    fx_t f;
    fx_open(&f);
    pipeline_set_multiline(f.pl, 0, 0);
    feed(&f, PY_ERR);
    feed(&f, PY_TB);
    feed(&f, PY_F1);
    CHECK_EQ_INT(multiline_unstored(&f.ml), 0);
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 3);
    CHECK_EQ_INT(pipeline_stats(f.pl)->multiline_joined, 0);
    fx_close(&f);
}

/* An event full up (max bytes) is stored; the rest of the stack goes on in
 * a new event, counted; no line is lost. */
static void test_multiline_capped(void)
{
    fx_t f;
    fx_open(&f);
    pipeline_set_multiline(f.pl, 1, 100);
    feed(&f, T0 "\t" REQ1 "\tERROR\tError: boom");  /* 66 bytes */
    feed(&f, "    at a (x.js:1:1)");                 /* 19: 86 */
    feed(&f, "    at b (x.js:2:1)");                 /* full: starts a new event */
    feed(&f, "    at c (x.js:3:1)");
    feed(&f, T1 "\t" REQ1 "\tINFO\tafter");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 3);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 1, "substr(message, -19)")), "    at a (x.js:1:1)");
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 2, "message")), "    at b (x.js:2:1)\n    at c (x.js:3:1)");
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "ts")), T0_MS);
    const pipeline_stats_t *s = pipeline_stats(f.pl);
    CHECK_EQ_INT(s->multiline_capped, 1);
    CHECK_EQ_INT(s->multiline_joined, 2);
    CHECK_EQ_INT(s->multiline_events, 2);
    CHECK_EQ_INT(s->lines, 5);
    fx_close(&f);
}

/* Chained Python tracebacks keep their inner blank lines; blank lines after
 * the event are empty lines, not stored. A throttle code in a continuation
 * line counts for the event. */
static void test_multiline_chain_blank_and_throttle(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ1 "\tINFO\tbefore");
    feed(&f, "Traceback (most recent call last):");
    feed(&f, "  File \"/var/task/app.py\", line 3, in handler");
    feed(&f, "botocore.exceptions.ClientError: An error occurred (ThrottlingException): Rate exceeded");
    feed_n(&f, "", 0);
    feed(&f, "During handling of the above exception, another exception occurred:");
    feed_n(&f, "", 0);
    feed(&f, "Traceback (most recent call last):");
    feed(&f, "ValueError: retry failed");
    feed_n(&f, "", 0);
    feed_n(&f, "", 0);
    feed(&f, "processed 0 records");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 3);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 2, "substr(message, -61)")),
                 "\n\nTraceback (most recent call last):\nValueError: retry failed");
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 2, "throttle")), "ThrottlingException");
    CHECK_EQ_INT(q_int(store_db(f.st), EV(f, 2, "ts")), T0_MS);
    CHECK_EQ_STR(q_text(store_db(f.st), EV(f, 3, "message")), "processed 0 records");
    const pipeline_stats_t *s = pipeline_stats(f.pl);
    CHECK_EQ_INT(s->lines, 12);
    CHECK_EQ_INT(s->empty, 2);
    CHECK_EQ_INT(s->multiline_joined, 7);
    CHECK_EQ_INT(s->throttle, 1);
    fx_close(&f);
}

/* NUL bytes in a joined event: replaced in the whole message, the first
 * line (now longer) still classified alone. */
static void test_multiline_nul_bytes(void)
{
    fx_t f;
    fx_open(&f);
    static const char first[] = T0 "\t" REQ1 "\tERROR\tError: a\0b";
    feed_n(&f, first, sizeof first - 1);
    feed(&f, "    at x (y.js:1:1)");
    sync_commit(&f);
    static const char want[] = T0 "\t" REQ1 "\tERROR\tError: a\xe2\x90\x80" "b\n    at x (y.js:1:1)";
    static const char raw[] = T0 "\t" REQ1 "\tERROR\tError: a\0b\n    at x (y.js:1:1)";
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT hex(message) FROM events"), hex_of(want, sizeof want - 1));
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT hex(raw) FROM events"), hex_of(raw, sizeof raw - 1));
    CHECK_EQ_STR(q_text(store_db(f.st), "SELECT level FROM events"), "ERROR");
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT flags & 4 FROM events"), 4);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM events"), 1);
    fx_close(&f);
}

/* ---- (l) Lambda's retries: attempts of one request id ---------------------- */

#define RETRY_REPORT(billed, extra) \
    "REPORT RequestId: " REQ1 "\tDuration: 120000.00 ms\tBilled Duration: " billed " ms\tMemory Size: 256 MB\t" \
    "Max Memory Used: 200 MB\t" extra "Status: timeout"

/* One attempt of REQ1 that times out (an async invocation's, which Lambda
 * runs again under the same request id). */
static void retry_attempt(fx_t *f, const char *report)
{
    feed(f, "START RequestId: " REQ1 " Version: $LATEST");
    feed(f, T1 "\t" REQ1 "\tINFO\tworking");
    feed(f, "END RequestId: " REQ1);
    feed(f, report);
}

/* START, END, REPORT, START, END, REPORT, START of one request id: three
 * attempts (AWS: an async event is run again, same request id, after a
 * timeout), each an invocation with its own REPORT's numbers; the rollups
 * count the two that ended. */
static void test_retries_are_attempts(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ2 "\tINFO\tthe stream has a time");
    retry_attempt(&f, RETRY_REPORT("120552", "Init Duration: 551.53 ms\t"));
    retry_attempt(&f, RETRY_REPORT("120000", ""));
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    sync_commit(&f);
    sqlite3 *db = store_db(f.st);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM invocations WHERE request_id = '" REQ1 "'"), 3);
    CHECK_EQ_STR(q_text(db, "SELECT group_concat(attempt || ':' || coalesce(billed_duration, '-') || ':' || outcome || ':' || cold, ' ') "
                            "FROM (SELECT * FROM invocations ORDER BY attempt)"),
                 "1:120552.0:2:1 2:120000.0:2:0 3:-:0:0");
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM invocations WHERE attempt = 3 AND start_ts IS NOT NULL "
                           "AND end_ts IS NULL"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT sum(invocations) FROM rollup_minute"), 2);
    CHECK_EQ_INT(q_int(db, "SELECT sum(timeouts) FROM rollup_minute"), 2);
    CHECK_EQ_INT(q_int(db, "SELECT sum(cold_starts) FROM rollup_minute"), 1);
    CHECK_NEAR(q_real(db, "SELECT sum(billed_sum) FROM rollup_minute"), 240552, 0);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM events WHERE kind = %d", LK_REPORT), 2);
    CHECK_EQ_INT(pipeline_stats(f.pl)->invocations, 2);
    fx_close(&f);
}

/* The lines of one invocation newest first (REPORT, END, then START, as a
 * console view sorted so prints them) are one invocation, not two. */
static void test_reverse_order_one_attempt(void)
{
    fx_t f;
    fx_open(&f);
    feed(&f, T0 "\t" REQ2 "\tINFO\tthe stream has a time");
    feed(&f, RETRY_REPORT("120000", ""));
    feed(&f, "END RequestId: " REQ1);
    feed(&f, T1 "\t" REQ1 "\tINFO\tworking");
    feed(&f, "START RequestId: " REQ1 " Version: $LATEST");
    sync_commit(&f);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT count(*) FROM invocations"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT attempt FROM invocations WHERE start_ts IS NOT NULL "
                                       "AND duration IS NOT NULL"), 1);
    CHECK_EQ_INT(q_int(store_db(f.st), "SELECT sum(invocations) FROM rollup_minute"), 1);
    fx_close(&f);
}

/* Retries newest first in the JSON log format: three attempts, two of them
 * ended and billed, whatever the lines' times say (each START is paired
 * with the REPORT met before it). */
static void test_reverse_order_retries(void)
{
#define JREC(t, type, rec) "{\"time\":\"" t "\",\"type\":\"" type "\",\"record\":{\"requestId\":\"" REQ1 "\"" rec "}}"
#define JREPORT(t, billed) \
    JREC(t, "platform.report", ",\"status\":\"timeout\",\"metrics\":{\"durationMs\":3000.0,\"billedDurationMs\":" billed \
         ",\"memorySizeMB\":128,\"maxMemoryUsedMB\":60}")
    fx_t f;
    fx_open(&f);
    feed(&f, JREC("2024-03-04T17:25:00.000Z", "platform.start", ",\"version\":\"$LATEST\""));
    feed(&f, JREPORT("2024-03-04T17:24:03.000Z", "3002"));
    feed(&f, JREC("2024-03-04T17:24:00.000Z", "platform.start", ",\"version\":\"$LATEST\""));
    feed(&f, JREPORT("2024-03-04T17:23:03.000Z", "3001"));
    feed(&f, JREC("2024-03-04T17:23:00.000Z", "platform.start", ",\"version\":\"$LATEST\""));
    sync_commit(&f);
    sqlite3 *db = store_db(f.st);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM invocations"), 3);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM invocations WHERE start_ts IS NOT NULL"), 3);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM invocations WHERE end_ts IS NULL"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT sum(timeouts) FROM rollup_minute"), 2);
    CHECK_EQ_INT(q_int(db, "SELECT sum(invocations) FROM rollup_minute"), 2);
    CHECK_NEAR(q_real(db, "SELECT sum(billed_sum) FROM rollup_minute"), 6003, 0);
    fx_close(&f);
#undef JREPORT
#undef JREC
}

/* Exactly once across a restart and a rollback: the attempt committed is
 * read back (the next START is attempt 2), and lines whose batch was rolled
 * back, read again, are still attempt 2, not 3. */
static void test_retry_after_restart_and_rollback(void)
{
    fx_t f;
    obs_err_t err;
    fx_open(&f);
    feed(&f, T0 "\t" REQ2 "\tINFO\tthe stream has a time");
    retry_attempt(&f, RETRY_REPORT("120552", ""));
    sync_commit(&f);
    /* a restart: a new pipeline over the same store */
    pipeline_free(f.pl);
    multiline_done(&f.ml);
    memset(&f.ml, 0, sizeof f.ml);
    f.pl = pipeline_new(f.st);
    CHECK_EQ_INT(pipeline_stream_open(f.pl, "fn", "/aws/lambda/fn", "2024/03/04/[$LATEST]abc", &f.ps, &err), 0);
    feed(&f, T1 "\t" REQ2 "\tINFO\tresumed");
    retry_attempt(&f, RETRY_REPORT("120000", ""));
    CHECK_EQ_INT(pipeline_flush(f.pl, f.ps, &f.ml, &err), 0);
    CHECK_EQ_INT(pipeline_sync(f.pl, &err), 0);
    store_rollback(f.st);
    pipeline_reset(f.pl);
    multiline_done(&f.ml);
    memset(&f.ml, 0, sizeof f.ml);
    CHECK_EQ_INT(pipeline_stream_open(f.pl, "fn", "/aws/lambda/fn", "2024/03/04/[$LATEST]abc", &f.ps, &err), 0);
    feed(&f, T1 "\t" REQ2 "\tINFO\tresumed");
    retry_attempt(&f, RETRY_REPORT("120000", ""));
    sync_commit(&f);
    sqlite3 *db = store_db(f.st);
    CHECK_EQ_STR(q_text(db, "SELECT group_concat(attempt || ':' || billed_duration, ' ') "
                            "FROM (SELECT * FROM invocations WHERE request_id = '" REQ1 "' ORDER BY attempt)"),
                 "1:120552.0 2:120000.0");
    CHECK_EQ_INT(q_int(db, "SELECT sum(invocations) FROM rollup_minute"), 2);
    CHECK_NEAR(q_real(db, "SELECT sum(billed_sum) FROM rollup_minute"), 240552, 0);
    fx_close(&f);
}

TEST_LIST = {
    TEST(test_time_head_lines_take_first_timed),
    TEST(test_time_inherited_mid_stream),
    TEST(test_time_arrival_when_no_timed_line),
    TEST(test_invocation_cold_report),
    TEST(test_invocation_warm),
    TEST(test_timeout_old_style),
    TEST(test_emulator_failure_after_success),
    TEST(test_crash_oom_when_memory_full),
    TEST(test_crash_not_oom_with_memory_left),
    TEST(test_init_start_cold_and_runtime_version),
    TEST(test_init_kinds),
    TEST(test_invocation_timing),
    TEST(test_nul_bytes),
    TEST(test_nul_bytes_in_held_line),
    TEST(test_invalid_utf8),
    TEST(test_empty_line_not_stored),
    TEST(test_json_at),
    TEST(test_throttle_signal),
    TEST(test_full_text_every_line_and_vocab),
    TEST(test_vocab_cache_bounded),
    TEST(test_stats_counts),
    TEST(test_report_without_request_id),
    TEST(test_two_streams_independent),
    TEST(test_multiline_python_traceback),
    TEST(test_multiline_pending_until_next_line),
    TEST(test_multiline_off),
    TEST(test_multiline_capped),
    TEST(test_multiline_chain_blank_and_throttle),
    TEST(test_multiline_nul_bytes),
    TEST(test_retries_are_attempts),
    TEST(test_reverse_order_one_attempt),
    TEST(test_reverse_order_retries),
    TEST(test_retry_after_restart_and_rollback),
    TEST_END,
};
