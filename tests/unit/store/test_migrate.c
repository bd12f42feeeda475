/* tests/unit/store/test_migrate.c — a store written by schema v1 (made here with
 * the v1 DDL, as an older obsagent left it) is migrated by store_open to
 * the current version with its rows intact (and its platform lines added to
 * the full-text index, v3); a v5 store gets the v6 retention indexes, a v6
 * store v7's emulated columns, a v7 store v8's checkpoints by identity, a
 * v8 store v9's init types (from the durations its REPORTs had) and timing,
 * a v9 store v10's flags on its events of absurd times, a v10 store v11's
 * forwarding watermark, a v11 store v12's evicted counts (0 for the rollups
 * it had), a v12 store v13's empty deferred_index (its time indexes
 * intact), a v13 store v14's metric_points (rebuilt: weighted points and
 * statistic sets, its rows and ids kept), a v14 store v15's attempts (its
 * invocations attempt 1, their indexes built); a read-only open of an old store refuses
 * with advice instead of reading a schema it does not know. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"
#include "store/schema.h"
#include "store/store.h"
#include "common/sketch.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], path[96];

static void make_v1_store(void)
{
    sqlite3 *db;
    tmpdir_make(dir, sizeof dir, "migrate");
    snprintf(path, sizeof path, "%s/old.db", dir);
    CHECK_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    /* events_fts needs the tokenizer at creation time, as with obsagent v1 */
    CHECK_EQ_INT(store_register_tokenizer(db, NULL), 0);
    CHECK_EQ_INT(sqlite3_exec(db, SQL_V1, NULL, NULL, NULL), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(db,
                              "INSERT INTO streams(function, log_group, stream) VALUES('fn','/aws/lambda/fn','s');"
                              "INSERT INTO events(ts, ingest_ts, stream_id, kind, message) VALUES(60000, 1, 1, 1, 'hello');"
                              "INSERT INTO events_fts(rowid, message) VALUES(1, 'hello');"
                              /* v1 left platform lines out of the index */
                              "INSERT INTO events(ts, ingest_ts, stream_id, kind, type, message) "
                              "VALUES(60000, 1, 1, 2, 'START', 'START RequestId: abc Version: $LATEST');"
                              "INSERT INTO events(ts, ingest_ts, stream_id, kind, type, message, duration, init_duration) "
                              "VALUES(61000, 1, 1, 4, 'REPORT', 'REPORT RequestId: abc', 120.5, 300);"
                              "INSERT INTO events(ts, ingest_ts, stream_id, kind, type, message, duration) "
                              "VALUES(62000, 1, 1, 4, 'REPORT', 'REPORT RequestId: abd', 80);"
                              "INSERT INTO rollup_minute(function, minute, events, invocations) VALUES('fn', 60000, 3, 2);"
                              "PRAGMA user_version=1;",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
}

/* Make v15's invocations, keyed by (request_id, attempt), v14's again: keyed
 * by request_id, no attempt (the table empty, as a new store's). */
#define UNDO_V15 \
    "DROP VIEW invocations_v; DROP TABLE invocations;" \
    "CREATE TABLE invocations(request_id TEXT PRIMARY KEY, stream_id INTEGER NOT NULL, start_ts INTEGER," \
    "  end_ts INTEGER, version TEXT, duration REAL, billed_duration REAL, memory_size INTEGER," \
    "  max_memory_used INTEGER, init_duration REAL, restore_duration REAL, cold INTEGER NOT NULL DEFAULT 0," \
    "  outcome INTEGER NOT NULL DEFAULT 0, error_type TEXT, runtime_version TEXT, xray_trace_id TEXT," \
    "  emulated INTEGER NOT NULL DEFAULT 0, init_type INTEGER, timing INTEGER NOT NULL DEFAULT 0);" \
    "CREATE INDEX invocations_stream_end ON invocations(stream_id, end_ts);" \
    "CREATE INDEX invocations_failed ON invocations(end_ts, stream_id) WHERE outcome >= 2;" \
    "CREATE INDEX invocations_cold ON invocations(end_ts, stream_id) WHERE cold = 1;" \
    "CREATE INDEX invocations_time ON invocations(coalesce(end_ts, start_ts));" \
    "CREATE VIEW invocations_v AS SELECT i.*, s.function, s.log_group, s.stream," \
    "  CASE i.outcome WHEN 0 THEN 'ok' WHEN 1 THEN 'error' WHEN 2 THEN 'timeout'" \
    "    WHEN 3 THEN 'crash' WHEN 4 THEN 'oom' END AS outcome_name," \
    "  CASE i.init_type WHEN 1 THEN 'on-demand' WHEN 2 THEN 'provisioned-concurrency'" \
    "    WHEN 3 THEN 'snap-start' END AS init_type_name" \
    "  FROM invocations i JOIN streams s ON s.id = i.stream_id;"
/* Turn v14's metric_points back into v13's: value NOT NULL, no count, sum,
 * min, max (with its indexes and the forwarder's trigger). */
#define UNDO_V14 \
    "DROP TABLE metric_points;" \
    "CREATE TABLE metric_points(id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, ts INTEGER NOT NULL," \
    "  value REAL NOT NULL, event_id INTEGER NOT NULL);" \
    "CREATE INDEX metric_points_series_ts ON metric_points(series_id, ts);" \
    "CREATE INDEX metric_points_ts ON metric_points(ts);" \
    "CREATE TRIGGER forward_points_top AFTER DELETE ON metric_points" \
    "  WHEN OLD.id > coalesce((SELECT max(id) FROM metric_points), 0)" \
    "BEGIN UPDATE forward_state SET point_id = coalesce((SELECT max(id) FROM metric_points), 0)" \
    "  WHERE point_id > coalesce((SELECT max(id) FROM metric_points), 0); END;"
/* Take v13's deferred_index away (a v12 store). */
#define UNDO_V13 "DROP TABLE deferred_index;"
/* Take v12's evicted counts away (a v11 store). */
#define UNDO_V12 \
    "ALTER TABLE rollup_minute DROP COLUMN evicted; ALTER TABLE rollup_hour DROP COLUMN evicted;"
/* Take v11's forwarding watermark away (a v10 store). */
#define UNDO_V11 \
    "DROP TRIGGER forward_events_top; DROP TRIGGER forward_points_top; DROP TABLE forward_state;"
/* Turn the current schema's invocations back into v8's: without v9's
 * init_type and timing, and the view over them as v1 made it. */
#define UNDO_V9 \
    "DROP VIEW invocations_v;" \
    "ALTER TABLE invocations DROP COLUMN init_type;" \
    "ALTER TABLE invocations DROP COLUMN timing;" \
    "CREATE VIEW invocations_v AS SELECT i.*, s.function, s.log_group, s.stream," \
    "  CASE i.outcome WHEN 0 THEN 'ok' WHEN 1 THEN 'error' WHEN 2 THEN 'timeout'" \
    "    WHEN 3 THEN 'crash' WHEN 4 THEN 'oom' END AS outcome_name" \
    "  FROM invocations i JOIN streams s ON s.id = i.stream_id;"

static void cleanup(void)
{
    tmpdir_remove(dir);
}

static long long q(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Quantile q of the sketch in the rollup row's column (-1: none). */
static double sketch_q(sqlite3 *db, const char *col, double qq)
{
    char sql[96];
    sqlite3_stmt *s;
    double v = -1;
    snprintf(sql, sizeof sql, "SELECT %s FROM rollup_minute", col);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) == SQLITE_BLOB) {
        sketch_t sk;
        sketch_init(&sk);
        if (sketch_merge_blob(&sk, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0)) == 0)
            v = sketch_quantile(&sk, qq);
        sketch_done(&sk);
    }
    sqlite3_finalize(s);
    return v;
}

/* A store of the current schema, made, turned back by sql (which ends by
 * setting an older user_version) and opened again, which migrates it; NULL
 * (and a failed check) when that open fails. */
static store_t *downgraded(const char *name, const char *sql)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    sqlite3 *db;
    tmpdir_make(dir, sizeof dir, "migrate");
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    store_close(st, NULL);
    st = NULL;
    CHECK_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    return st;
}

static void test_readonly_refuses_old_schema(void)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    make_v1_store();
    CHECK_EQ_INT(store_open_readonly(path, &st, &err), OBS_ESCHEMA);
    CHECK(strstr(err.msg, "v1") != NULL && strstr(err.msg, "obsagent") != NULL);
    cleanup();
}

static void test_v1_migrates_with_rows_intact(void)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    make_v1_store();
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(STORE_SCHEMA_VERSION, 15);   /* a new version needs its own test here */
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events WHERE message = 'hello' AND emf IS NULL"), 1);
    CHECK_EQ_INT(q(db, "SELECT events + emf_documents + emf_validation_errors + evicted FROM rollup_minute"), 3);
    /* v5: the minute's duration and init sketches are built from its REPORTs */
    CHECK_NEAR(sketch_q(db, "duration_sketch", 0.0), 80, 0.8);     /* within 1% */
    CHECK_NEAR(sketch_q(db, "duration_sketch", 1.0), 120.5, 1.2);
    CHECK_NEAR(sketch_q(db, "init_sketch", 0.5), 300, 3);
    /* and the hour of that minute sums it (rollup_hour, v5) */
    CHECK_EQ_INT(q(db, "SELECT hour FROM rollup_hour WHERE function = 'fn'"), 0);
    CHECK_EQ_INT(q(db, "SELECT events * 10 + invocations FROM rollup_hour"), 32);
    CHECK_EQ_INT(q(db, "SELECT length(duration_sketch) > 0 FROM rollup_hour"), 1);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM metric_series"), 0);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM metric_rollup_minute"), 0);
    /* v3: every line is in the full-text index, the old platform line too */
    CHECK_EQ_INT(q(db, "SELECT rowid FROM events_fts WHERE events_fts MATCH 'requestid'"), 2);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'hello'"), 1);
    /* the migrated store takes new rows of the new schema */
    store_metric_point_t p = { .ns = "ns", .name = "Latency", .unit = "Milliseconds", .resolution = 60,
                              .dimensions = "{}", .ts_ms = 60000, .value = 12.5 };
    CHECK_EQ_INT(store_metric_point_add(st, "fn", 1, &p, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(q(db, "SELECT count FROM metric_rollup_minute"), 1);
    store_close(st, NULL);
    /* and opening again is a no-op */
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    CHECK_EQ_INT(q(store_db(st), "SELECT count(*) FROM metric_points"), 1);
    store_close(st, NULL);
    cleanup();
}

/* A v5 store (as obsagent v5 left it: the current schema without the v6
 * indexes, v7's columns and v8's sources table) gets the indexes retention
 * uses, and its rows are kept. */
static void test_v5_migrates_to_v6(void)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    sqlite3 *db;
    tmpdir_make(dir, sizeof dir, "migrate");
    snprintf(path, sizeof path, "%s/v5.db", dir);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    store_close(st, NULL);
    CHECK_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(db,
                              UNDO_V15 UNDO_V14 UNDO_V13 UNDO_V12 UNDO_V11 UNDO_V9 "DROP INDEX metric_points_ts; DROP INDEX invocations_time;"
                              "ALTER TABLE invocations DROP COLUMN emulated;"
                              "ALTER TABLE rollup_minute DROP COLUMN emulated;"
                              "ALTER TABLE rollup_hour DROP COLUMN emulated;"
                              /* v8's parts undone too: the sources table as v5 to v7 had it */
                              "DROP TABLE sources; DROP TABLE missed; DROP INDEX events_absurd;"
                              "CREATE TABLE sources(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
                              "  dev INTEGER NOT NULL, ino INTEGER NOT NULL, fingerprint INTEGER NOT NULL,"
                              "  fingerprint_len INTEGER NOT NULL, offset INTEGER NOT NULL, stream_id INTEGER,"
                              "  updated_ts INTEGER NOT NULL);"
                              "CREATE INDEX sources_updated ON sources(updated_ts);"
                              "INSERT INTO streams(function, log_group, stream) VALUES('fn','/aws/lambda/fn','s');"
                              "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts) VALUES('r1', 1, 10, 20);"
                              "INSERT INTO metric_points(series_id, ts, value, event_id) VALUES(1, 60000, 2.5, 1);"
                              "PRAGMA user_version=5;",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('metric_points_ts', 'invocations_time')"),
                 0);
    sqlite3_close(db);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    if (!st)
        return;
    db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('metric_points_ts', 'invocations_time')"),
                 2);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM invocations WHERE coalesce(end_ts, start_ts) < 30"), 1);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM metric_points WHERE ts < 120000"), 1);
    store_close(st, NULL);
    cleanup();
}

/* A v6 store (the current schema without v7's emulated columns and v8's
 * sources table) gets them, 0 for what it holds, and takes emulated
 * invocations after. */
static void test_v6_migrates_to_v7(void)
{
    store_t *st = downgraded("v6", UNDO_V15 UNDO_V14 UNDO_V13 UNDO_V12 UNDO_V11 UNDO_V9 "ALTER TABLE invocations DROP COLUMN emulated;"
                             "ALTER TABLE rollup_minute DROP COLUMN emulated;"
                             "ALTER TABLE rollup_hour DROP COLUMN emulated;"
                             "DROP TABLE sources; DROP TABLE missed; DROP INDEX events_absurd;"
                             "CREATE TABLE sources(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
                             "  dev INTEGER NOT NULL, ino INTEGER NOT NULL, fingerprint INTEGER NOT NULL,"
                             "  fingerprint_len INTEGER NOT NULL, offset INTEGER NOT NULL, stream_id INTEGER,"
                             "  updated_ts INTEGER NOT NULL);"
                             "CREATE INDEX sources_updated ON sources(updated_ts);"
                             "INSERT INTO streams(function, log_group, stream) VALUES('fn','/aws/lambda/fn','s');"
                             "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts) VALUES('r1', 1, 10, 20);"
                             "INSERT INTO rollup_minute(function, minute, events, invocations) VALUES('fn', 0, 3, 1);"
                             "PRAGMA user_version=6;");
    sqlite3 *db;
    obs_err_t err = { 0 };
    if (!st)
        return;
    db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM invocations WHERE request_id = 'r1' AND emulated = 0"), 1);
    CHECK_EQ_INT(q(db, "SELECT invocations * 10 + emulated FROM rollup_minute"), 10);
    store_invocation_t inv = { 0 };
    inv.request_id = obs_span("r2", 2);
    inv.stream_id = 1;
    inv.start_ts = inv.end_ts = -1;
    inv.memory_size = inv.max_memory_used = -1;
    inv.duration = inv.billed_duration = inv.init_duration = inv.restore_duration = 0.0 / 0.0;
    inv.emulated = 1;
    CHECK_EQ_INT(store_invocation_merge(st, &inv, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(q(db, "SELECT emulated FROM invocations WHERE request_id = 'r2'"), 1);
    store_close(st, NULL);
    cleanup();
}

/* A v7 store's checkpoints (keyed by path; a rotated file's by
 * "path\x1finode") become one row per (device, inode) in v8: a rotated row
 * keeps its path and is marked rotated, and when a file had both a path row
 * and a rotated row, the rotated one (its later progress) is kept. */
static void test_v7_sources_migrate_to_v8(void)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    sqlite3 *db;
    /* the current schema, then its sources table put back as v5 to v7 had it */
    tmpdir_make(dir, sizeof dir, "migrate");
    snprintf(path, sizeof path, "%s/v7.db", dir);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    store_close(st, NULL);
    CHECK_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(db,
                              UNDO_V15 UNDO_V14 UNDO_V13 UNDO_V12 UNDO_V11 UNDO_V9 "DROP TABLE sources; DROP TABLE missed; DROP INDEX events_absurd;"
                              "CREATE TABLE sources(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
                              "  dev INTEGER NOT NULL, ino INTEGER NOT NULL, fingerprint INTEGER NOT NULL,"
                              "  fingerprint_len INTEGER NOT NULL, offset INTEGER NOT NULL, stream_id INTEGER,"
                              "  updated_ts INTEGER NOT NULL);"
                              "CREATE INDEX sources_updated ON sources(updated_ts);"
                              "INSERT INTO sources(path, dev, ino, fingerprint, fingerprint_len, offset, updated_ts)"
                              "  VALUES('/l/fn/a.log', 1, 10, 7, 100, 100, 5),"
                              "        ('/l/fn/b.log', 1, 20, 8, 100, 300, 5),"
                              "        ('/l/fn/b.log' || char(31) || '20', 1, 20, 8, 1024, 4000, 6),"
                              "        ('/l/fn/c.log' || char(31) || '30', 1, 30, 9, 1024, 2000, 6);"
                              "PRAGMA user_version=7;",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM sources"), 3);
    CHECK_EQ_INT(q(db, "SELECT offset * 10 + rotated FROM sources WHERE path = '/l/fn/a.log'"), 1000);
    CHECK_EQ_INT(q(db, "SELECT offset * 10 + rotated FROM sources WHERE path = '/l/fn/b.log'"), 40001);
    CHECK_EQ_INT(q(db, "SELECT offset * 10 + rotated FROM sources WHERE path = '/l/fn/c.log'"), 20001);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM sources WHERE instr(path, char(31)) > 0"), 0);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('sources_updated', 'sources_path', 'missed')"),
                 3);
    store_source_t src;
    int found = 0;
    CHECK_EQ_INT(store_source_find(st, 1, 20, &src, NULL, &found, &err), 0);
    CHECK_EQ_INT(found, 1);
    CHECK_EQ_INT(src.fingerprint_len, 1024);
    CHECK_EQ_INT(src.window_len, 0);   /* none known: the head alone confirms it */
    store_close(st, NULL);
    cleanup();
}

/* A v8 store gets v9's init_type from what its REPORTs said (an Init
 * Duration: on demand; a Restore Duration: SnapStart; neither: none),
 * timing 0, and the view names the kind. */
static void test_v8_migrates_to_v9(void)
{
    store_t *st = downgraded("v8", UNDO_V15 UNDO_V14 UNDO_V13 UNDO_V12 UNDO_V11 UNDO_V9 "DROP INDEX events_absurd;"
                             "INSERT INTO streams(function, log_group, stream) VALUES('fn','/aws/lambda/fn','s');"
                             "INSERT INTO invocations(request_id, stream_id, end_ts, init_duration, cold) "
                             "  VALUES('cold', 1, 20, 150.5, 1);"
                             "INSERT INTO invocations(request_id, stream_id, end_ts, restore_duration) "
                             "  VALUES('snap', 1, 30, 80);"
                             "INSERT INTO invocations(request_id, stream_id, end_ts, duration) VALUES('warm', 1, 40, 9);"
                             "PRAGMA user_version=8;");
    sqlite3 *db;
    if (!st)
        return;
    db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(q(db, "SELECT init_type FROM invocations WHERE request_id = 'cold'"), STORE_INIT_ON_DEMAND);
    CHECK_EQ_INT(q(db, "SELECT init_type FROM invocations WHERE request_id = 'snap'"), STORE_INIT_SNAP_START);
    CHECK_EQ_INT(q(db, "SELECT init_type IS NULL FROM invocations WHERE request_id = 'warm'"), 1);
    CHECK_EQ_INT(q(db, "SELECT sum(timing) FROM invocations"), 0);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM invocations_v WHERE init_type_name = 'snap-start' AND function = 'fn'"),
                 1);
    store_close(st, NULL);
    cleanup();
}

/* A v9 store: its events of absurd times (before 2000, over a day past
 * their arrival) are flagged, the others not, and the index that finds
 * them by arrival is made (v10). */
static void test_v9_flags_absurd_times(void)
{
    store_t *st = downgraded("v9", UNDO_V15 UNDO_V14 UNDO_V13 UNDO_V12 UNDO_V11 "DROP INDEX events_absurd;"
                             "INSERT INTO streams(id, function, log_group, stream) VALUES(1, 'fn', '/aws/lambda/fn', 's');"
                             "INSERT INTO events(ts, ingest_ts, stream_id, kind, message, flags) VALUES"
                             "  (-62167219200000, 1796600000000, 1, 1, 'year zero', 0),"
                             "  (946684799999, 1796600000000, 1, 1, 'a ms before 2000', 16),"
                             "  (946684800000, 1796600000000, 1, 1, '2000', 0),"
                             "  (1796600000000 + 86400000, 1796600000000, 1, 1, 'a day ahead', 0),"
                             "  (1796600000000 + 86400001, 1796600000000, 1, 1, 'past a day ahead', 0),"
                             "  (1717200000000, 1796600000000, 1, 1, 'replayed old logs', 0);"
                             "PRAGMA user_version=9;");
    sqlite3 *db;
    if (!st)
        return;
    db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(q(db, "SELECT group_concat(id || ':' || flags, ' ') = '1:256 2:272 3:0 4:0 5:256 6:0' FROM "
                       "(SELECT id, flags FROM events ORDER BY id)"), 1);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'events_absurd'"), 1);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events WHERE flags & 256 != 0 AND ingest_ts < 1796600000001"), 3);
    store_close(st, NULL);
    cleanup();
}

/* v10 -> v11: forward_state appears, and its watermark comes down when
 * retention deletes the newest rows (so that the ids SQLite gives next,
 * max(id) + 1, are above it), never when it deletes older ones. */
static void test_v10_migrates_to_v11_watermark_follows_deletes(void)
{
    store_t *st = downgraded("v10", UNDO_V15 UNDO_V14 UNDO_V13 UNDO_V12 UNDO_V11 "PRAGMA user_version=10;");
    sqlite3 *db;
    if (!st)
        return;
    db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(sqlite3_exec(db,
                              "INSERT INTO events(id, ts, ingest_ts, stream_id, kind, message) VALUES"
                              "  (1, 1, 1, 1, 0, 'a'), (2, 2, 2, 1, 0, 'b'), (3, 3, 3, 1, 0, 'c'),"
                              "  (4, 4, 4, 1, 0, 'd'), (5, 5, 5, 1, 0, 'e');"
                              "INSERT INTO forward_state(target, agent, event_id) VALUES('t', 'a', 5), ('u', 'a', 2);"
                              "DELETE FROM events WHERE id = 1;", NULL, NULL, NULL), SQLITE_OK);
    CHECK_EQ_INT(q(db, "SELECT event_id FROM forward_state WHERE target = 't'"), 5);   /* not the newest */
    CHECK_EQ_INT(sqlite3_exec(db, "DELETE FROM events WHERE id >= 4", NULL, NULL, NULL), SQLITE_OK);
    CHECK_EQ_INT(q(db, "SELECT event_id FROM forward_state WHERE target = 't'"), 3);
    CHECK_EQ_INT(q(db, "SELECT event_id FROM forward_state WHERE target = 'u'"), 2);   /* below: kept */
    CHECK_EQ_INT(sqlite3_exec(db, "DELETE FROM events", NULL, NULL, NULL), SQLITE_OK);
    CHECK_EQ_INT(q(db, "SELECT event_id FROM forward_state WHERE target = 't'"), 0);
    CHECK_EQ_INT(sqlite3_exec(db, "INSERT INTO events(ts, ingest_ts, stream_id, kind, message) VALUES(9, 9, 1, 0, 'n')",
                              NULL, NULL, NULL), SQLITE_OK);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM events WHERE id > (SELECT event_id FROM forward_state WHERE target = 't')"), 1);
    store_close(st, NULL);
    cleanup();
}

/* v11 -> v12: the rollups a v11 store had keep their counts and say that
 * none of their events was evicted. */
static void test_v11_migrates_to_v12_nothing_evicted(void)
{
    store_t *st = downgraded("v11", UNDO_V15 UNDO_V14 UNDO_V13 UNDO_V12
                             "INSERT INTO rollup_minute(function, minute, events) VALUES('fn', 60000, 7);"
                             "INSERT INTO rollup_hour(function, hour, events) VALUES('fn', 0, 7);"
                             "PRAGMA user_version=11;");
    sqlite3 *db;
    if (!st)
        return;
    db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(q(db, "SELECT events * 10 + evicted FROM rollup_minute WHERE function = 'fn'"), 70);
    CHECK_EQ_INT(q(db, "SELECT events * 10 + evicted FROM rollup_hour WHERE function = 'fn'"), 70);
    store_close(st, NULL);
    cleanup();
}

/* v12 -> v13: nothing is deferred, the time indexes stay. */
static void test_v12_migrates_to_v13_nothing_deferred(void)
{
    store_t *st = downgraded("v12", UNDO_V15 UNDO_V14 UNDO_V13 "PRAGMA user_version=12;");
    if (!st)
        return;
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM deferred_index"), 0);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('events_ts', 'events_report')"), 2);
    store_close(st, NULL);
    cleanup();
}

/* v13 -> v14: metric_points is rebuilt with its rows (ids kept, one
 * observation each, sum/min/max derived), its indexes and the forwarder's
 * trigger; it then takes a statistic set (no value). A time index an
 * import had deferred is built by the migration, and the deferred build
 * after it finds it there. */
static void test_v13_migrates_to_v14_points_kept(void)
{
    store_t *st = downgraded("v13", UNDO_V15 UNDO_V14
                             "INSERT INTO metric_points(id, series_id, ts, value, event_id) VALUES"
                             "  (5, 1, 60000, 2.5, 1), (9, 1, 61000, 3.5, 2);"
                             "INSERT INTO forward_state(target, agent, point_id) VALUES('t', 'a', 9);"
                             "INSERT INTO deferred_index(name, sql) SELECT name, sql FROM sqlite_schema"
                             "  WHERE name = 'metric_points_ts';"
                             "DROP INDEX metric_points_ts;"
                             "PRAGMA user_version=13;");
    obs_err_t err = { 0 };
    if (!st)
        return;
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(q(db, "SELECT group_concat(id || ':' || value || ':' || count || ':' ||"
                       "  coalesce(sum, min, max, 'derived'), ' ') = '5:2.5:1:derived 9:3.5:1:derived'"
                       "  FROM metric_points"), 1);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('metric_points_ts',"
                       "  'metric_points_series_ts', 'forward_points_top')"), 3);
    int64_t built = -1;
    CHECK_EQ_INT(store_build_deferred(st, &built, &err), 0);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM deferred_index"), 0);
    /* a statistic set has no value */
    CHECK_EQ_INT(sqlite3_exec(db, "INSERT INTO metric_points(series_id, ts, value, event_id, count, sum, min, max)"
                                  "  VALUES(1, 62000, NULL, 3, 17, 17.13, 10, 30)", NULL, NULL, NULL), SQLITE_OK);
    /* the trigger still brings the watermark down */
    CHECK_EQ_INT(sqlite3_exec(db, "DELETE FROM metric_points WHERE id >= 9", NULL, NULL, NULL), SQLITE_OK);
    CHECK_EQ_INT(q(db, "SELECT point_id FROM forward_state WHERE target = 't'"), 5);
    store_close(st, NULL);
    cleanup();
}

/* v14 -> v15: the invocations a v14 store had are attempt 1 of their request
 * id, with their columns, indexes and view; an index of theirs a killed
 * import left deferred is built, and no longer listed; a request id then
 * takes a second attempt. */
static void test_v14_migrates_to_v15_attempts(void)
{
    store_t *st = downgraded("v14", UNDO_V15
                             "INSERT INTO streams(function, log_group, stream) VALUES('fn', '/aws/lambda/fn', 's');"
                             "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts, billed_duration, outcome,"
                             "  init_type, timing) VALUES('r1', 1, 10, 20, 120552, 2, 1, 3), ('r2', 1, 30, NULL, NULL, 0,"
                             "  NULL, 1);"
                             "INSERT INTO deferred_index(name, sql) SELECT name, sql FROM sqlite_schema"
                             "  WHERE name = 'invocations_failed';"
                             "DROP INDEX invocations_failed;"
                             "PRAGMA user_version=14;");
    obs_err_t err = { 0 };
    if (!st)
        return;
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM invocations WHERE attempt = 1"), 2);
    CHECK_EQ_INT(q(db, "SELECT billed_duration * 10 + outcome FROM invocations WHERE request_id = 'r1'"), 1205522);
    CHECK_EQ_INT(q(db, "SELECT init_type * 10 + timing FROM invocations_v WHERE request_id = 'r1' "
                       "AND outcome_name = 'timeout' AND function = 'fn'"), 13);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('invocations_stream_end', "
                       "'invocations_failed', 'invocations_cold', 'invocations_time')"), 4);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM deferred_index"), 0);
    /* the second attempt of r1 is a row of its own; merging into it again does not add a third */
    store_invocation_t w;
    memset(&w, 0, sizeof w);
    w.request_id = obs_span("r1", 2);
    w.stream_id = 1;
    w.start_ts = 40;
    w.end_ts = -1;
    w.duration = w.billed_duration = w.init_duration = w.restore_duration = NAN;
    w.memory_size = w.max_memory_used = -1;
    w.attempt = 2;
    CHECK_EQ_INT(store_invocation_merge(st, &w, &err), 0);
    w.end_ts = 50;
    CHECK_EQ_INT(store_invocation_merge(st, &w, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    store_invocation_row_t row;
    int found = 0;
    CHECK_EQ_INT(store_invocation_get(st, obs_span("r1", 2), &row, &found, &err), 0);
    CHECK_EQ_INT(found, 1);
    CHECK_EQ_INT(row.attempt, 2);
    CHECK_EQ_INT(row.start_ts, 40);
    CHECK_EQ_INT(row.end_ts, 50);
    CHECK_EQ_INT(q(db, "SELECT count(*) FROM invocations"), 3);
    store_close(st, NULL);
    cleanup();
}

TEST_LIST = {
    TEST(test_v13_migrates_to_v14_points_kept),
    TEST(test_v14_migrates_to_v15_attempts),
    TEST(test_v12_migrates_to_v13_nothing_deferred),
    TEST(test_v11_migrates_to_v12_nothing_evicted),
    TEST(test_v9_flags_absurd_times),
    TEST(test_v10_migrates_to_v11_watermark_follows_deletes),
    TEST(test_readonly_refuses_old_schema),
    TEST(test_v5_migrates_to_v6),
    TEST(test_v6_migrates_to_v7),
    TEST(test_v7_sources_migrate_to_v8),
    TEST(test_v8_migrates_to_v9),
    TEST(test_v1_migrates_with_rows_intact),
    TEST_END,
};
