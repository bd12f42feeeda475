/* tests/unit/agent/test_retention.c — store/retention.c on a temp store with
 * known rows: what store_retention_delete removes and what it keeps
 * (events and their full-text entries, metric points, invocations, the
 * function and metric rollups, hours only when wholly old), in batches;
 * what the rollups kept say was evicted of them;
 * the oldest time and the size it reports; a WAL a reader keeps from
 * starting over; and the option parsers of agent/retention.c. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "agent/retention.h"
#include "store/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#define BASE 1800000000000LL   /* a whole hour */
#define MIN_MS 60000LL

static char dir[64], path[96];

static int64_t q(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "  SQL error: %s: %s\n", sql, sqlite3_errmsg(db));
        return -2;
    }
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static int64_t fts_count(sqlite3 *db, const char *word)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events_fts WHERE events_fts MATCH '%s'", word);
    return q(db, sql);
}

/* Rollup rows whose events less evicted are not the events still stored
 * in their minute (hour): 0 when the evicted counts say exactly what went. */
static int64_t inconsistent(sqlite3 *db)
{
    return q(db, "SELECT (SELECT count(*) FROM rollup_minute r WHERE r.events - r.evicted !=\n"
                 "  (SELECT count(*) FROM events e WHERE e.ts - ((e.ts % 60000) + 60000) % 60000 = r.minute))\n"
                 " + (SELECT count(*) FROM rollup_hour r WHERE r.events - r.evicted !=\n"
                 "  (SELECT count(*) FROM events e WHERE e.ts - ((e.ts % 3600000) + 3600000) % 3600000 = r.hour))");
}

static void cleanup(void)
{
    tmpdir_remove(dir);
}

static void add_event_at(store_t *st, int64_t sid, int64_t ts, int64_t arrival, int flags, const char *msg)
{
    store_event_t ev;
    obs_err_t err = { 0 };
    int64_t id;
    memset(&ev, 0, sizeof ev);
    ev.ts_ms = ts;
    ev.ingest_ms = arrival;
    ev.flags = flags;
    ev.stream_id = sid;
    ev.message = obs_span(msg, strlen(msg));
    ev.duration = ev.billed_duration = ev.init_duration = NAN;
    ev.restore_duration = ev.billed_restore_duration = NAN;
    ev.memory_size = ev.max_memory_used = -1;
    ev.json_at = -1;
    ev.full_text = 1;
    CHECK_EQ_INT(store_event_append(st, &ev, &id, &err), 0);

    store_rollup_delta_t d;
    memset(&d, 0, sizeof d);
    d.events = 1;
    d.duration = d.billed = d.gb_seconds = d.init = NAN;
    d.max_memory_used = d.memory_size = -1;
    store_rollup_add(st, "fn", ts, &d);

    store_metric_point_t p = { .ns = "ns", .name = "latency", .unit = "Milliseconds", .resolution = 60,
                              .dimensions = "{}", .ts_ms = ts, .value = 1.5 };
    CHECK_EQ_INT(store_metric_point_add(st, "fn", id, &p, &err), 0);
}

static void add_event(store_t *st, int64_t sid, int64_t ts, const char *msg)
{
    add_event_at(st, sid, ts, ts, 0, msg);
}

static void add_invocation(store_t *st, int64_t sid, const char *req, int64_t start, int64_t end)
{
    store_invocation_t inv;
    obs_err_t err = { 0 };
    memset(&inv, 0, sizeof inv);
    inv.request_id = obs_span(req, strlen(req));
    inv.stream_id = sid;
    inv.start_ts = start;
    inv.end_ts = end;
    inv.duration = inv.billed_duration = inv.init_duration = inv.restore_duration = NAN;
    inv.memory_size = inv.max_memory_used = -1;
    CHECK_EQ_INT(store_invocation_merge(st, &inv, &err), 0);
}

/* Minute m (0..4) of BASE holds 60 events, one a second, "hello word<m>
 * shared" (word letters a..e), one point each, an invocation every 10 s;
 * plus: an event 30 minutes before BASE (the hour before), 3 events at the
 * same millisecond in minute 0, an empty message in minute 1, and an
 * invocation with no time at all. */
static store_t *fill(void)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    int64_t sid;
    char msg[64], req[32];
    tmpdir_make(dir, sizeof dir, "retention");
    snprintf(path, sizeof path, "%s/obs.db", dir);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    CHECK_EQ_INT(store_stream_id(st, "fn", "/aws/lambda/fn", "s", &sid, &err), 0);
    for (int m = 0; m < 5; m++) {
        for (int s = 0; s < 60; s++) {
            int64_t ts = BASE + m * MIN_MS + s * 1000;
            snprintf(msg, sizeof msg, "hello word%c shared", 'a' + m);
            add_event(st, sid, ts, msg);
            if (s % 10 == 0) {
                snprintf(req, sizeof req, "r-%d-%d", m, s);
                add_invocation(st, sid, req, ts, ts + 500);
            }
        }
    }
    add_event(st, sid, BASE - 30 * MIN_MS, "hello earlier shared");
    for (int i = 0; i < 3; i++)
        add_event(st, sid, BASE + 30500, "hello tie wordt");
    add_event(st, sid, BASE + MIN_MS + 100, "");
    add_invocation(st, sid, "r-timeless", -1, -1);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    return st;
}

static void test_deletes_what_is_older_than_the_cutoff(void)
{
    store_t *st = fill();
    sqlite3 *db = store_db(st);
    obs_err_t err = { 0 };
    int64_t oldest;
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events"), 305);
    CHECK_EQ_INT(store_oldest_ms(st, &oldest, &err), 0);
    CHECK_EQ_INT(oldest, BASE - 30 * MIN_MS);

    /* batches of 25: many calls, each small */
    store_retention_counts_t del, sum = { 0, 0, 0, 0 };
    int done = 0, calls = 0;
    while (!done && calls < 100) {
        CHECK_EQ_INT(store_retention_delete(st, BASE + 2 * MIN_MS, 25, &del, &done, &err), 0);
        CHECK(del.events <= 25 + 2);   /* a batch, and the ties of its last ms */
        CHECK(del.points <= 25 && del.invocations <= 25 && del.rollups <= 3 * 25);
        sum.events += del.events;
        sum.points += del.points;
        sum.invocations += del.invocations;
        sum.rollups += del.rollups;
        calls++;
    }
    CHECK(done);
    CHECK(calls >= 5);
    CHECK_EQ_INT(store_commit(st, &err), 0);

    /* events: minutes 0 and 1 (120), the earlier one, the ties, the empty one */
    CHECK_EQ_INT(sum.events, 120 + 1 + 3 + 1);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events"), 180);
    CHECK_EQ_INT(q(db, "SELECT min(ts) FROM events"), BASE + 2 * MIN_MS);
    CHECK_EQ_INT(sum.points, 125);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM metric_points"), 180);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM metric_points WHERE ts < 1800000120000"), 0);
    /* invocations: 12 old ones go; 18 and the one with no time stay */
    CHECK_EQ_INT(sum.invocations, 12);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM invocations"), 19);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM invocations WHERE request_id = 'r-timeless'"), 1);
    /* rollups: 3 function minutes, 3 metric minutes, the hour before BASE;
     * the hour of BASE is not wholly old and stays */
    CHECK_EQ_INT(sum.rollups, 3 + 3 + 1);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM rollup_minute"), 3);
    CHECK_EQ_INT(q(db, "SELECT min(minute) FROM rollup_minute"), BASE + 2 * MIN_MS);
    CHECK_EQ_INT(q(db, "SELECT sum(events) FROM rollup_minute"), 180);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM metric_rollup_minute"), 3);
    CHECK_EQ_INT(q(db, "SELECT sum(count) FROM metric_rollup_minute"), 180);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM rollup_hour"), 1);
    CHECK_EQ_INT(q(db, "SELECT hour FROM rollup_hour"), BASE);
    /* the kept minutes lost nothing; the hour lost minutes 0 and 1 (60 + 3
     * ties, 60 + the empty one), cut by batches of 25 on the way */
    CHECK_EQ_INT(q(db, "SELECT sum(evicted) FROM rollup_minute"), 0);
    CHECK_EQ_INT(q(db, "SELECT events FROM rollup_hour"), 304);
    CHECK_EQ_INT(q(db, "SELECT evicted FROM rollup_hour"), 124);
    CHECK_EQ_INT(inconsistent(db), 0);

    /* the full-text index lists exactly the remaining rows */
    CHECK_EQ_INT(fts_count(db, "worda"), 0);
    CHECK_EQ_INT(fts_count(db, "wordb"), 0);
    CHECK_EQ_INT(fts_count(db, "wordt"), 0);
    CHECK_EQ_INT(fts_count(db, "earlier"), 0);
    CHECK_EQ_INT(fts_count(db, "wordc"), 60);
    CHECK_EQ_INT(fts_count(db, "shared"), 180);
    CHECK_EQ_INT(fts_count(db, "hello"), 180);
    CHECK_EQ_INT(sqlite3_exec(db, "INSERT INTO events_fts(events_fts, rank) VALUES('integrity-check', 1)",
                              NULL, NULL, NULL),
                 SQLITE_OK);

    CHECK_EQ_INT(store_oldest_ms(st, &oldest, &err), 0);
    CHECK_EQ_INT(oldest, BASE + 2 * MIN_MS);
    /* nothing older is left: a second pass deletes nothing */
    CHECK_EQ_INT(store_retention_delete(st, BASE + 2 * MIN_MS, 25, &del, &done, &err), 0);
    CHECK(done);
    CHECK_EQ_INT(del.events + del.points + del.invocations + del.rollups, 0);
    CHECK_EQ_INT(store_close(st, &err), 0);
    cleanup();
}

static void test_everything_goes_and_pages_are_freed(void)
{
    store_t *st = fill();
    sqlite3 *db = store_db(st);
    obs_err_t err = { 0 };
    store_size_t before, after;
    store_retention_counts_t del;
    int done = 0;
    CHECK_EQ_INT(store_size(st, &before, &err), 0);
    CHECK(before.used_bytes > 0 && before.used_bytes <= before.file_bytes);
    CHECK(before.wal_bytes > 0);   /* WAL mode: the commit went to the -wal file */
    CHECK_EQ_INT(store_retention_delete(st, BASE + 60 * MIN_MS, 100000, &del, &done, &err), 0);
    CHECK(done);
    CHECK_EQ_INT(del.events, 305);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events"), 0);
    CHECK_EQ_INT(fts_count(db, "hello"), 0);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM rollup_hour"), 0);
    CHECK_EQ_INT(sqlite3_exec(db, "INSERT INTO events_fts(events_fts, rank) VALUES('integrity-check', 1)",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    CHECK_EQ_INT(store_size(st, &after, &err), 0);
    CHECK(after.used_bytes < before.used_bytes);   /* freed pages are on the free list */
    CHECK_EQ_INT(after.file_bytes, before.file_bytes);
    int64_t oldest;
    CHECK_EQ_INT(store_oldest_ms(st, &oldest, &err), 0);
    CHECK_EQ_INT(oldest, -1);
    CHECK_EQ_INT(store_close(st, &err), 0);
    cleanup();
}

/* --max-db-size's steps: the 100 oldest events, wherever that cuts a
 * minute; the minute cut in two keeps its rollups (all of its counts) and
 * says how many of its events were evicted, as does its hour. */
static void test_a_minute_cut_in_two_keeps_its_rollups(void)
{
    store_t *st = fill();
    sqlite3 *db = store_db(st);
    obs_err_t err = { 0 };
    int64_t bound;
    /* oldest: the earlier one, minute 0 (60 and 3 ties: 64 so far), then
     * minute 1's s0, the empty one, s1 ..: the 100th is minute 1's s34 */
    CHECK_EQ_INT(store_events_bound(st, 100, &bound, &err), 0);
    CHECK_EQ_INT(bound, BASE + MIN_MS + 34000 + 1);
    store_retention_counts_t del, sum = { 0, 0, 0, 0 };
    int done = 0, calls = 0;
    while (!done && calls < 100) {
        CHECK_EQ_INT(store_retention_delete(st, bound, 2000, &del, &done, &err), 0);
        sum.events += del.events;
        sum.points += del.points;
        sum.invocations += del.invocations;
        sum.rollups += del.rollups;
        calls++;
    }
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(sum.events, 100);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events"), 205);
    CHECK_EQ_INT(q(db, "SELECT min(ts) FROM events"), BASE + MIN_MS + 35000);
    CHECK_EQ_INT(sum.points, 100);
    CHECK_EQ_INT(sum.invocations, 6 + 4);
    /* minute 0 and the hour before go; minute 1 keeps its 61 events' counts */
    CHECK_EQ_INT(q(db, "SELECT min(minute) FROM rollup_minute"), BASE + MIN_MS);
    CHECK_EQ_INT(q(db, "SELECT events FROM rollup_minute WHERE minute = 1800000060000"), 61);
    /* of which s0, the empty one and s1..s34 were evicted: 36; 25 are left */
    CHECK_EQ_INT(q(db, "SELECT evicted FROM rollup_minute WHERE minute = 1800000060000"), 36);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events WHERE ts >= 1800000060000 AND ts < 1800000120000"), 25);
    CHECK_EQ_INT(q(db, "SELECT sum(evicted) FROM rollup_minute WHERE minute != 1800000060000"), 0);
    /* the hour of BASE: minute 0's 63 and those 36 of its 304 */
    CHECK_EQ_INT(q(db, "SELECT events * 1000 + evicted FROM rollup_hour"), 304 * 1000 + 99);
    CHECK_EQ_INT(inconsistent(db), 0);
    CHECK_EQ_INT(q(db, "SELECT min(minute) FROM metric_rollup_minute"), BASE + MIN_MS);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM rollup_hour"), 1);
    CHECK_EQ_INT(fts_count(db, "worda"), 0);
    CHECK_EQ_INT(fts_count(db, "wordb"), 25);
    /* more than there are: just after the last */
    CHECK_EQ_INT(store_events_bound(st, 100000, &bound, &err), 0);
    CHECK_EQ_INT(bound, BASE + 4 * MIN_MS + 59000 + 1);
    CHECK_EQ_INT(store_close(st, &err), 0);
    cleanup();
}

/* Events of absurd time go by arrival, the first arrived first, in batches,
 * with their full-text entries; the others are not touched. */
static void test_absurd_events_go_by_arrival(void)
{
    store_t *st = fill();
    sqlite3 *db = store_db(st);
    obs_err_t err = { 0 };
    int64_t sid, n, bound;
    int done;
    CHECK_EQ_INT(store_stream_id(st, "fn", "/aws/lambda/fn", "s", &sid, &err), 0);
    add_event_at(st, sid, 253402300799000LL, BASE + 10, EVF_TIME_ABSURD, "future wordx");
    add_event_at(st, sid, 0, BASE + 20, EVF_TIME_ABSURD, "epoch wordx");
    add_event_at(st, sid, 253402300799000LL, BASE + 5 * MIN_MS, EVF_TIME_ABSURD, "later wordx");
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(store_retention_delete_absurd(st, BASE + MIN_MS, 1, &n, &done, &err), 0);
    CHECK_EQ_INT(n, 1);
    CHECK(!done);
    CHECK_EQ_INT(fts_count(db, "future"), 0);
    CHECK_EQ_INT(store_retention_delete_absurd(st, BASE + MIN_MS, 1, &n, &done, &err), 0);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(store_retention_delete_absurd(st, BASE + MIN_MS, 1, &n, &done, &err), 0);
    CHECK_EQ_INT(n, 0);
    CHECK(done);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(fts_count(db, "wordx"), 1);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events"), 305 + 1);
    /* the oldest by time is the sane one: the one in 9999 is not counted first */
    CHECK_EQ_INT(store_events_bound(st, 1, &bound, &err), 0);
    CHECK_EQ_INT(bound, BASE - 30 * MIN_MS + 1);
    /* over the size limit: all of them, whenever they arrived */
    CHECK_EQ_INT(store_retention_delete_absurd(st, INT64_MAX, 500, &n, &done, &err), 0);
    CHECK_EQ_INT(n, 1);
    CHECK(done);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events"), 305);
    CHECK_EQ_INT(sqlite3_exec(db, "INSERT INTO events_fts(events_fts, rank) VALUES('integrity-check', 1)",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    /* their minutes (in 9999, in 1970) keep their counts, all evicted */
    CHECK_EQ_INT(q(db, "SELECT events * 10 + evicted FROM rollup_minute WHERE minute = 253402300740000"), 22);
    CHECK_EQ_INT(q(db, "SELECT events * 10 + evicted FROM rollup_minute WHERE minute = 0"), 11);
    CHECK_EQ_INT(q(db, "SELECT sum(evicted) FROM rollup_minute WHERE minute BETWEEN 1 AND 253402300739999"), 0);
    CHECK_EQ_INT(inconsistent(db), 0);
    CHECK_EQ_INT(store_close(st, &err), 0);
    cleanup();
}

/* A reader holding an old snapshot keeps a checkpoint from starting the
 * WAL over: past 4 x its limit the writer is told to wait; once the reader
 * lets go, the WAL is truncated. */
static void test_wal_blocked_by_a_reader(void)
{
    store_t *st = fill();
    obs_err_t err = { 0 };
    int64_t sid, wal;
    sqlite3 *reader = NULL;
    CHECK_EQ_INT(store_limit_wal(st, 100 * 4096, &err), 0);
    CHECK_EQ_INT(store_wal_blocked(st, &wal), 0);
    CHECK_EQ_INT(sqlite3_open_v2(path, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM events;", NULL, NULL, NULL), SQLITE_OK);
    CHECK_EQ_INT(store_stream_id(st, "fn", "/aws/lambda/fn", "s", &sid, &err), 0);
    for (int b = 0; b < 40; b++) {
        for (int i = 0; i < 200; i++)
            add_event(st, sid, BASE + 10 * MIN_MS + b * 1000 + i, "a line to grow the write-ahead log with");
        CHECK_EQ_INT(store_commit(st, &err), 0);
    }
    CHECK_EQ_INT(store_wal_blocked(st, &wal), 1);
    CHECK(wal > 4 * 100 * 4096);
    sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(reader);
    CHECK_EQ_INT(store_wal_blocked(st, &wal), 0);
    CHECK_EQ_INT(wal, 0);
    CHECK_EQ_INT(store_close(st, &err), 0);
    cleanup();
}

static void test_parse_age_and_size(void)
{
    int64_t v;
    CHECK_EQ_INT(retention_parse_age("7d", &v), 0);
    CHECK_EQ_INT(v, 7LL * 86400000);
    CHECK_EQ_INT(retention_parse_age("12h", &v), 0);
    CHECK_EQ_INT(v, 12LL * 3600000);
    CHECK_EQ_INT(retention_parse_age("30m", &v), 0);
    CHECK_EQ_INT(v, 30LL * 60000);
    CHECK_EQ_INT(retention_parse_age("30", &v), -1);
    CHECK_EQ_INT(retention_parse_age("0m", &v), -1);
    CHECK_EQ_INT(retention_parse_age("7x", &v), -1);
    CHECK_EQ_INT(retention_parse_age("7dd", &v), -1);
    CHECK_EQ_INT(retention_parse_age("-1d", &v), -1);
    CHECK_EQ_INT(retention_parse_size("2GB", &v), 0);
    CHECK_EQ_INT(v, 2LL << 30);
    CHECK_EQ_INT(retention_parse_size("2g", &v), 0);
    CHECK_EQ_INT(v, 2LL << 30);
    CHECK_EQ_INT(retention_parse_size("500M", &v), 0);
    CHECK_EQ_INT(v, 500LL << 20);
    CHECK_EQ_INT(retention_parse_size("4096K", &v), 0);
    CHECK_EQ_INT(v, 4LL << 20);
    CHECK_EQ_INT(retention_parse_size("512K", &v), -1);   /* under 1M */
    CHECK_EQ_INT(retention_parse_size("2", &v), -1);
    CHECK_EQ_INT(retention_parse_size("2GBx", &v), -1);
    CHECK_EQ_INT(retention_parse_size("99999999999G", &v), -1);
}

TEST_LIST = {
    TEST(test_deletes_what_is_older_than_the_cutoff),
    TEST(test_everything_goes_and_pages_are_freed),
    TEST(test_a_minute_cut_in_two_keeps_its_rollups),
    TEST(test_absurd_events_go_by_arrival),
    TEST(test_wal_blocked_by_a_reader),
    TEST(test_parse_age_and_size),
    TEST_END,
};
