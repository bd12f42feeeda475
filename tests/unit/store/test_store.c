/* tests/unit/store/test_store.c — store/: opening (schema, WAL, 0600, idempotent
 * reopen, non-SQLite and foreign files, read-only on a missing path),
 * streams, events with every column (NULL conventions), the obsword
 * full-text tokenizer, invocation merges, per-minute rollups, source
 * checkpoints, batching (store_maybe_commit, store_rollback) and
 * store_summary. Each test works in its own mkdtemp directory under /tmp,
 * removed at its end. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "store/schema.h"
#include "store/store.h"
#include "common/sketch.h"

#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- temp directory ---------------------------------------------------- */

typedef struct tmp {
    char dir[64];
    char db[96];
} tmp_t;

static void tmp_new(tmp_t *t)
{
    tmpdir_make(t->dir, sizeof t->dir, "store");
    snprintf(t->db, sizeof t->db, "%s/obs.db", t->dir);
}

static void tmp_rm(tmp_t *t)
{
    tmpdir_remove(t->dir);
}

static void write_file(const char *path, const char *bytes, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK_EQ_INT(write(fd, bytes, n), (long long)n);
    close(fd);
}

/* ---- SQL helpers --------------------------------------------------------- */

#define Q_NULL (-999999)
#define Q_ERR (-888888)

/* First column of the first row as an integer; Q_NULL for NULL or no row,
 * Q_ERR when the statement fails. Each call is its own read transaction. */
static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = Q_NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "  SQL error: %s: %s\n", sql, sqlite3_errmsg(db));
        return Q_ERR;
    }
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fprintf(stderr, "  SQL error: %s: %s\n", sql, sqlite3_errmsg(db));
        v = Q_ERR;
    }
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

/* First column as text into buf ("(null)" for NULL, "(none)" for no row). */
static const char *q_text(sqlite3 *db, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *s;
    snprintf(buf, size, "(error)");
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "  SQL error: %s: %s\n", sql, sqlite3_errmsg(db));
        return buf;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        snprintf(buf, size, "%s", t ? (const char *)t : "(null)");
    } else {
        snprintf(buf, size, "(none)");
    }
    sqlite3_finalize(s);
    return buf;
}

/* ---- fixtures ------------------------------------------------------------ */

static store_t *open_rw(const char *path, const store_opts_t *opts)
{
    store_t *st = NULL;
    obs_err_t err;
    memset(&err, 0, sizeof err);
    int rc = store_open(path, opts, &st, &err);
    if (rc)
        fprintf(stderr, "  store_open: %d %s\n", rc, err.msg);
    CHECK_EQ_INT(rc, 0);
    CHECK(st != NULL);
    return st;
}

static store_t *open_ro(const char *path)
{
    store_t *st = NULL;
    obs_err_t err;
    memset(&err, 0, sizeof err);
    int rc = store_open_readonly(path, &st, &err);
    if (rc)
        fprintf(stderr, "  store_open_readonly: %d %s\n", rc, err.msg);
    CHECK_EQ_INT(rc, 0);
    CHECK(st != NULL);
    return st;
}

static void commit(store_t *st)
{
    obs_err_t err;
    memset(&err, 0, sizeof err);
    int rc = store_commit(st, &err);
    if (rc)
        fprintf(stderr, "  store_commit: %s\n", err.msg);
    CHECK_EQ_INT(rc, 0);
}

static int64_t stream(store_t *st, const char *fn, const char *name)
{
    char group[128];
    int64_t id = -1;
    obs_err_t err;
    snprintf(group, sizeof group, "/aws/lambda/%s", fn);
    CHECK_EQ_INT(store_stream_id(st, fn, group, name, &id, &err), 0);
    return id;
}

/* An event with every optional field absent. */
static store_event_t blank_event(int64_t stream_id, int64_t ts, const char *msg, int full_text)
{
    store_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.ts_ms = ts;
    ev.ingest_ms = ts + 1;
    ev.stream_id = stream_id;
    ev.message = obs_span(msg, strlen(msg));
    ev.duration = ev.billed_duration = ev.init_duration = NAN;
    ev.restore_duration = ev.billed_restore_duration = NAN;
    ev.memory_size = ev.max_memory_used = -1;
    ev.json_at = -1;
    ev.full_text = full_text;
    return ev;
}

static int64_t append(store_t *st, const store_event_t *ev)
{
    int64_t rowid = -1;
    obs_err_t err;
    memset(&err, 0, sizeof err);
    int rc = store_event_append(st, ev, &rowid, &err);
    if (rc)
        fprintf(stderr, "  store_event_append: %s\n", err.msg);
    CHECK_EQ_INT(rc, 0);
    return rowid;
}

static store_invocation_t blank_invocation(const char *req, int64_t stream_id)
{
    store_invocation_t inv;
    memset(&inv, 0, sizeof inv);
    inv.request_id = obs_span(req, strlen(req));
    inv.stream_id = stream_id;
    inv.start_ts = inv.end_ts = -1;
    inv.duration = inv.billed_duration = inv.init_duration = inv.restore_duration = NAN;
    inv.memory_size = inv.max_memory_used = -1;
    return inv;
}

static void merge(store_t *st, const store_invocation_t *inv)
{
    obs_err_t err;
    memset(&err, 0, sizeof err);
    int rc = store_invocation_merge(st, inv, &err);
    if (rc)
        fprintf(stderr, "  store_invocation_merge: %s\n", err.msg);
    CHECK_EQ_INT(rc, 0);
}

static store_rollup_delta_t blank_delta(void)
{
    store_rollup_delta_t d;
    memset(&d, 0, sizeof d);
    d.duration = d.billed = d.gb_seconds = d.init = NAN;
    d.max_memory_used = d.memory_size = -1;
    return d;
}

/* ---- open ---------------------------------------------------------------- */

static void test_open_creates_schema(void)
{
    tmp_t t;
    char buf[64];
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    if (st) {
        sqlite3 *db = store_db(st);
        CHECK_EQ_INT(q_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
        CHECK_EQ_STR(q_text(db, "PRAGMA journal_mode", buf, sizeof buf), "wal");
        CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('streams',"
                               "'events','events_fts','invocations','rollup_minute','sources',"
                               "'agent_counters','invocations_v')"),
                     8);
        CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM events"), 0);
        CHECK_EQ_INT(store_close(st, NULL), 0);
    }
    struct stat sb;
    CHECK_EQ_INT(stat(t.db, &sb), 0);
    CHECK_EQ_INT(sb.st_mode & 0777, 0600);
    tmp_rm(&t);
}

static void test_reopen_idempotent(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t id1 = stream(st, "fn", "s1");
    commit(st);
    store_close(st, NULL);

    st = open_rw(t.db, NULL);
    if (st) {
        sqlite3 *db = store_db(st);
        CHECK_EQ_INT(q_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
        CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM streams"), 1);
        CHECK_EQ_INT(stream(st, "fn", "s1"), id1);
        store_close(st, NULL);
    }
    st = open_rw(t.db, NULL);
    store_close(st, NULL);
    struct stat sb;
    CHECK_EQ_INT(stat(t.db, &sb), 0);
    CHECK_EQ_INT(sb.st_mode & 0777, 0600);
    tmp_rm(&t);
}

static void test_open_not_sqlite(void)
{
    tmp_t t;
    tmp_new(&t);
    write_file(t.db, "hello world", 11);
    store_t *st = (store_t *)1;
    obs_err_t err;
    memset(&err, 0, sizeof err);
    int rc = store_open(t.db, NULL, &st, &err);
    CHECK(rc == OBS_ESCHEMA || rc == OBS_EDB);
    CHECK_EQ_INT(err.code, rc);
    CHECK(err.msg[0] != '\0');
    CHECK(st == NULL);
    /* The file is left as it was. */
    char back[32] = { 0 };
    int fd = open(t.db, O_RDONLY);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ_INT(read(fd, back, sizeof back), 11);
        close(fd);
    }
    CHECK_EQ_STR(back, "hello world");
    /* Read-only open of it fails the same way. */
    memset(&err, 0, sizeof err);
    rc = store_open_readonly(t.db, &st, &err);
    CHECK(rc == OBS_ESCHEMA || rc == OBS_EDB);
    CHECK(err.msg[0] != '\0');
    CHECK(st == NULL);
    tmp_rm(&t);
}

static void make_foreign(const char *path)
{
    sqlite3 *db = NULL;
    CHECK_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(db, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT);"
                                  "INSERT INTO customers(name) VALUES('ann');",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
}

static void test_open_foreign_sqlite(void)
{
    tmp_t t;
    tmp_new(&t);
    make_foreign(t.db);
    store_t *st = (store_t *)1;
    obs_err_t err;
    memset(&err, 0, sizeof err);
    int rc = store_open(t.db, NULL, &st, &err);
    CHECK_EQ_INT(rc, OBS_ESCHEMA);
    CHECK_EQ_INT(err.code, OBS_ESCHEMA);
    CHECK(err.msg[0] != '\0');
    CHECK(st == NULL);
    /* Its data is untouched and no obs table was added. */
    sqlite3 *db = NULL;
    CHECK_EQ_INT(sqlite3_open_v2(t.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM customers"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM sqlite_schema"), 1);
    CHECK_EQ_INT(q_int(db, "PRAGMA user_version"), 0);
    sqlite3_close(db);
    /* Read-only open: not an obs store either. */
    memset(&err, 0, sizeof err);
    rc = store_open_readonly(t.db, &st, &err);
    CHECK_EQ_INT(rc, OBS_ESCHEMA);
    CHECK(st == NULL);
    tmp_rm(&t);
}

/* A failed open must not change a database that is not ours (here: its
 * journal mode, which store_open's writer pragmas switch to WAL). */
static void test_open_foreign_keeps_journal_mode(void)
{
    tmp_t t;
    char buf[32];
    tmp_new(&t);
    make_foreign(t.db);
    store_t *st = NULL;
    obs_err_t err;
    CHECK_EQ_INT(store_open(t.db, NULL, &st, &err), OBS_ESCHEMA);
    sqlite3 *db = NULL;
    CHECK_EQ_INT(sqlite3_open_v2(t.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_EQ_STR(q_text(db, "PRAGMA journal_mode", buf, sizeof buf), "delete");
    sqlite3_close(db);
    tmp_rm(&t);
}

static void test_open_readonly_missing(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = (store_t *)1;
    obs_err_t err;
    memset(&err, 0, sizeof err);
    int rc = store_open_readonly(t.db, &st, &err);
    CHECK(rc < 0);
    CHECK_EQ_INT(err.code, rc);
    CHECK(strstr(err.msg, t.db) != NULL);
    CHECK(st == NULL);
    CHECK(access(t.db, F_OK) != 0);   /* not created */
    tmp_rm(&t);
}

/* ---- streams and events -------------------------------------------------- */

static void test_stream_id_stable(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t a = stream(st, "fn", "2024/01/02/[$LATEST]abc");
    int64_t b = stream(st, "fn", "other");
    int64_t c = stream(st, "fn2", "2024/01/02/[$LATEST]abc");   /* other log group */
    CHECK(a > 0);
    CHECK(a != b);
    CHECK(a != c && b != c);
    CHECK_EQ_INT(stream(st, "fn", "2024/01/02/[$LATEST]abc"), a);
    CHECK_EQ_INT(stream(st, "fn", "other"), b);
    commit(st);
    CHECK_EQ_INT(stream(st, "fn", "2024/01/02/[$LATEST]abc"), a);
    char buf[128], q[160];
    snprintf(q, sizeof q, "SELECT function || '|' || log_group || '|' || stream FROM streams WHERE id = %lld",
             (long long)a);
    CHECK_EQ_STR(q_text(store_db(st), q, buf, sizeof buf), "fn|/aws/lambda/fn|2024/01/02/[$LATEST]abc");
    store_close(st, NULL);
    tmp_rm(&t);
}

static void test_stream_touch(void)
{
    tmp_t t;
    char buf[64];
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t id = stream(st, "fn", "s");
    obs_err_t err;
    CHECK_EQ_INT(store_stream_touch(st, id, 5000, 9000, "python:3.12.v18", &err), 0);
    CHECK_EQ_INT(store_stream_touch(st, id, 3000, 7000, NULL, &err), 0);
    commit(st);
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q_int(db, "SELECT first_ts FROM streams"), 3000);
    CHECK_EQ_INT(q_int(db, "SELECT last_ts FROM streams"), 9000);
    CHECK_EQ_STR(q_text(db, "SELECT runtime_version FROM streams", buf, sizeof buf), "python:3.12.v18");
    store_close(st, NULL);
    tmp_rm(&t);
}

static void test_event_all_columns(void)
{
    tmp_t t;
    char buf[256];
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t sid = stream(st, "fn", "s");

    static const char msg[] = "REPORT RequestId: r1 {\"a\":1}";
    static const char raw[] = "RAW\0BYTES";
    store_event_t ev = blank_event(sid, 1700000000123LL, msg, 0);
    ev.ingest_ms = 1700000009999LL;
    ev.kind = 4;
    ev.type = "REPORT";
    ev.request_id = obs_span("r1", 2);
    ev.level = "ERROR";
    ev.flags = 1 | 8;
    ev.duration = 12.5;
    ev.billed_duration = 13;
    ev.memory_size = 128000000;
    ev.max_memory_used = 0;
    ev.init_duration = NAN;
    ev.restore_duration = 7.25;
    ev.billed_restore_duration = NAN;
    ev.xray_trace_id = obs_span("1-abc", 5);
    ev.xray_segment_id = obs_span(NULL, 0);
    ev.status = obs_span("timeout", 7);
    ev.error_type = obs_span("Runtime.ExitError", 17);
    ev.outcome = 2;
    ev.throttle = "SlowDown";
    ev.json_at = 21;
    ev.raw = obs_span(raw, sizeof raw - 1);
    int64_t rowid = append(st, &ev);
    CHECK(rowid > 0);

    store_event_t ev2 = blank_event(sid, 1700000000124LL, "plain", 0);
    int64_t rowid2 = append(st, &ev2);
    CHECK_EQ_INT(rowid2, rowid + 1);
    commit(st);
    store_close(st, NULL);

    store_t *ro = open_ro(t.db);
    if (!ro) {
        tmp_rm(&t);
        return;
    }
    sqlite3 *db = store_db(ro);
    char q[512];
#define COL(c) (snprintf(q, sizeof q, "SELECT " c " FROM events WHERE id = %lld", (long long)rowid), q)
    CHECK_EQ_INT(q_int(db, COL("ts")), 1700000000123LL);
    CHECK_EQ_INT(q_int(db, COL("ingest_ts")), 1700000009999LL);
    CHECK_EQ_INT(q_int(db, COL("stream_id")), sid);
    CHECK_EQ_INT(q_int(db, COL("kind")), 4);
    CHECK_EQ_STR(q_text(db, COL("type"), buf, sizeof buf), "REPORT");
    CHECK_EQ_STR(q_text(db, COL("request_id"), buf, sizeof buf), "r1");
    CHECK_EQ_STR(q_text(db, COL("level"), buf, sizeof buf), "ERROR");
    CHECK_EQ_STR(q_text(db, COL("message"), buf, sizeof buf), msg);
    CHECK_EQ_INT(q_int(db, COL("flags")), 9);
    CHECK_NEAR(q_real(db, COL("duration")), 12.5, 0);
    CHECK_NEAR(q_real(db, COL("billed_duration")), 13, 0);
    CHECK_EQ_INT(q_int(db, COL("memory_size")), 128000000);
    CHECK_EQ_INT(q_int(db, COL("max_memory_used")), 0);
    CHECK_EQ_INT(q_int(db, COL("init_duration IS NULL")), 1);
    CHECK_NEAR(q_real(db, COL("restore_duration")), 7.25, 0);
    CHECK_EQ_INT(q_int(db, COL("billed_restore_duration IS NULL")), 1);
    CHECK_EQ_STR(q_text(db, COL("xray_trace_id"), buf, sizeof buf), "1-abc");
    CHECK_EQ_INT(q_int(db, COL("xray_segment_id IS NULL")), 1);
    CHECK_EQ_STR(q_text(db, COL("status"), buf, sizeof buf), "timeout");
    CHECK_EQ_STR(q_text(db, COL("error_type"), buf, sizeof buf), "Runtime.ExitError");
    CHECK_EQ_INT(q_int(db, COL("outcome")), 2);
    CHECK_EQ_STR(q_text(db, COL("throttle"), buf, sizeof buf), "SlowDown");
    CHECK_EQ_INT(q_int(db, COL("json_at")), 21);
    CHECK_EQ_STR(q_text(db, COL("hex(raw)"), buf, sizeof buf), "524157004259544553");
    CHECK_EQ_STR(q_text(db, COL("typeof(raw)"), buf, sizeof buf), "blob");
    CHECK_EQ_STR(q_text(db, COL("typeof(message)"), buf, sizeof buf), "text");

    /* The all-absent event: every optional column is NULL (-1, NAN, 0 outcome). */
    snprintf(q, sizeof q,
             "SELECT (type IS NULL) + (request_id IS NULL) + (level IS NULL) + (duration IS NULL) +"
             " (billed_duration IS NULL) + (memory_size IS NULL) + (max_memory_used IS NULL) +"
             " (init_duration IS NULL) + (restore_duration IS NULL) +"
             " (billed_restore_duration IS NULL) + (xray_trace_id IS NULL) +"
             " (xray_segment_id IS NULL) + (status IS NULL) + (error_type IS NULL) +"
             " (outcome IS NULL) + (throttle IS NULL) + (json_at IS NULL) + (raw IS NULL)"
             " FROM events WHERE id = %lld",
             (long long)rowid2);
    CHECK_EQ_INT(q_int(db, q), 18);
    snprintf(q, sizeof q, "SELECT flags FROM events WHERE id = %lld", (long long)rowid2);
    CHECK_EQ_INT(q_int(db, q), 0);
#undef COL
    store_close(ro, NULL);
    tmp_rm(&t);
}

static void test_event_message_with_nul_bytes_kept(void)
{
    tmp_t t;
    char buf[64];
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t sid = stream(st, "fn", "s");
    store_event_t ev = blank_event(sid, 1000, "x", 0);
    ev.message = obs_span("a\0b", 3);
    append(st, &ev);
    commit(st);
    CHECK_EQ_STR(q_text(store_db(st), "SELECT hex(message) FROM events", buf, sizeof buf), "610062");
    CHECK_EQ_INT(q_int(store_db(st), "SELECT length(CAST(message AS BLOB)) FROM events"), 3);
    store_close(st, NULL);
    tmp_rm(&t);
}

/* ---- full text ----------------------------------------------------------- */

static int64_t fts_count(sqlite3 *db, const char *match)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT count(*) FROM events_fts WHERE events_fts MATCH '%s'", match);
    return q_int(db, q);
}

static int64_t fts_first(sqlite3 *db, const char *match)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT rowid FROM events_fts WHERE events_fts MATCH '%s' ORDER BY rowid", match);
    return q_int(db, q);
}

static void test_fts_indexed_only_when_full_text(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t sid = stream(st, "fn", "s");
    store_event_t a = blank_event(sid, 1000, "payment accepted for customer", 1);
    store_event_t b = blank_event(sid, 1001, "REPORT payment platform line", 0);
    int64_t ra = append(st, &a);
    append(st, &b);
    commit(st);
    store_close(st, NULL);

    store_t *ro = open_ro(t.db);
    if (ro) {
        sqlite3 *db = store_db(ro);
        CHECK_EQ_INT(fts_count(db, "payment"), 1);
        CHECK_EQ_INT(fts_first(db, "payment"), ra);
        CHECK_EQ_INT(fts_count(db, "customer"), 1);
        CHECK_EQ_INT(fts_count(db, "platform"), 0);
        CHECK_EQ_INT(fts_count(db, "report"), 0);
        store_close(ro, NULL);
    }
    tmp_rm(&t);
}

static void test_fts_tokenizer_rule(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t sid = stream(st, "fn", "s");
    store_event_t a = blank_event(sid, 1000,
                                  "Calling DynamoDB for order_id 12345 deadbeef1 beef "
                                  "c793869b-ee49-115b-a5b6-4fd21e8dedac caf\xc3\xa9 v2 x1y",
                                  1);
    store_event_t b = blank_event(sid, 1001, "unrelated words here", 1);
    int64_t ra = append(st, &a);
    int64_t rb = append(st, &b);
    commit(st);
    sqlite3 *db = store_db(st);

    /* case folding, in the text and in the query */
    CHECK_EQ_INT(fts_count(db, "dynamodb"), 1);
    CHECK_EQ_INT(fts_first(db, "dynamodb"), ra);
    CHECK_EQ_INT(fts_count(db, "DYNAMODB"), 1);
    CHECK_EQ_INT(fts_count(db, "calling"), 1);
    /* numbers and hex-with-digit tokens are not indexed */
    CHECK_EQ_INT(fts_count(db, "12345"), 0);
    CHECK_EQ_INT(fts_count(db, "deadbeef1"), 0);
    CHECK_EQ_INT(fts_count(db, "c793869b"), 0);
    CHECK_EQ_INT(fts_count(db, "4fd21e8dedac"), 0);
    /* hex letters without a digit are words; "ee49" has a digit, "x1y" is not hex */
    CHECK_EQ_INT(fts_count(db, "beef"), 1);
    CHECK_EQ_INT(fts_count(db, "x1y"), 1);
    CHECK_EQ_INT(fts_count(db, "v2"), 1);
    /* '_' separates */
    CHECK_EQ_INT(fts_count(db, "order"), 1);
    CHECK_EQ_INT(fts_count(db, "id"), 1);
    /* bytes >= 0x80 are token bytes */
    CHECK_EQ_INT(fts_count(db, "caf\xc3\xa9"), 1);
    /* prefix queries */
    CHECK_EQ_INT(fts_count(db, "dyna*"), 1);
    CHECK_EQ_INT(fts_count(db, "unrel*"), 1);
    CHECK_EQ_INT(fts_first(db, "unrel*"), rb);
    CHECK_EQ_INT(fts_count(db, "zzz*"), 0);
    /* AND of two words from different rows */
    CHECK_EQ_INT(fts_count(db, "beef AND words"), 0);
    CHECK_EQ_INT(fts_count(db, "beef OR words"), 2);
    store_close(st, NULL);
    tmp_rm(&t);
}

/* A token longer than 64 bytes is indexed as its first 64 bytes, so that a
 * prefix query for any start of it still finds the row (the pre-filter rule
 * of docs/schema.md relies on this). */
static void test_fts_long_token_truncated(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t sid = stream(st, "fn", "s");
    char msg[200], word65[70], word64w[70], word64k[70];
    memset(word65, 'w', 65);
    word65[65] = '\0';
    memset(word64w, 'w', 64);
    word64w[64] = '\0';
    memset(word64k, 'k', 64);
    word64k[64] = '\0';
    snprintf(msg, sizeof msg, "%s %s end", word65, word64k);
    store_event_t a = blank_event(sid, 1000, msg, 1);
    append(st, &a);
    commit(st);
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(fts_count(db, word64k), 1);
    CHECK_EQ_INT(fts_count(db, "end"), 1);
    CHECK_EQ_INT(fts_count(db, "www*"), 1);     /* a prefix of the long token */
    CHECK_EQ_INT(fts_count(db, word64w), 1);    /* its first 64 bytes */
    CHECK_EQ_INT(fts_count(db, "kkk"), 0);      /* whole tokens only */
    store_close(st, NULL);
    tmp_rm(&t);
}

/* ---- invocations --------------------------------------------------------- */

static void test_invocation_start_then_report(void)
{
    tmp_t t;
    char buf[64];
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t sid = stream(st, "fn", "s");

    store_invocation_t a = blank_invocation("req-1", sid);
    a.start_ts = 1000;
    a.version = obs_span("$LATEST", 7);
    a.cold = 1;
    a.runtime_version = "nodejs:20.v22";
    merge(st, &a);

    store_invocation_t b = blank_invocation("req-1", sid);
    b.start_ts = 1500;   /* a later start does not replace the first */
    b.end_ts = 2000;
    b.duration = 12.5;
    b.billed_duration = 13;
    b.memory_size = 128000000;
    b.max_memory_used = 70000000;
    b.init_duration = 166.5;
    b.xray_trace_id = obs_span("1-abc", 5);
    merge(st, &b);
    commit(st);

    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM invocations"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT start_ts FROM invocations"), 1000);
    CHECK_EQ_INT(q_int(db, "SELECT end_ts FROM invocations"), 2000);
    CHECK_NEAR(q_real(db, "SELECT duration FROM invocations"), 12.5, 0);
    CHECK_NEAR(q_real(db, "SELECT billed_duration FROM invocations"), 13, 0);
    CHECK_EQ_INT(q_int(db, "SELECT memory_size FROM invocations"), 128000000);
    CHECK_EQ_INT(q_int(db, "SELECT max_memory_used FROM invocations"), 70000000);
    CHECK_NEAR(q_real(db, "SELECT init_duration FROM invocations"), 166.5, 0);
    CHECK_EQ_INT(q_int(db, "SELECT restore_duration IS NULL FROM invocations"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT cold FROM invocations"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT outcome FROM invocations"), 0);
    CHECK_EQ_STR(q_text(db, "SELECT version FROM invocations", buf, sizeof buf), "$LATEST");
    CHECK_EQ_STR(q_text(db, "SELECT runtime_version FROM invocations", buf, sizeof buf), "nodejs:20.v22");
    CHECK_EQ_STR(q_text(db, "SELECT xray_trace_id FROM invocations", buf, sizeof buf), "1-abc");
    CHECK_EQ_STR(q_text(db, "SELECT outcome_name || ' ' || function FROM invocations_v", buf, sizeof buf),
                 "ok fn");
    store_close(st, NULL);
    tmp_rm(&t);
}

static void test_invocation_outcome_only_increases(void)
{
    tmp_t t;
    char buf[64];
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t sid = stream(st, "fn", "s");
    sqlite3 *db = store_db(st);

    store_invocation_t a = blank_invocation("req-2", sid);
    a.outcome = 2;
    a.error_type = obs_span("Sandbox.Timedout", 16);
    merge(st, &a);
    store_invocation_t b = blank_invocation("req-2", sid);
    b.outcome = 1;
    b.error_type = obs_span("TypeError", 9);
    merge(st, &b);
    commit(st);
    CHECK_EQ_INT(q_int(db, "SELECT outcome FROM invocations WHERE request_id = 'req-2'"), 2);
    CHECK_EQ_STR(q_text(db, "SELECT error_type FROM invocations WHERE request_id = 'req-2'", buf,
                        sizeof buf),
                 "Sandbox.Timedout");

    store_invocation_t c = blank_invocation("req-2", sid);
    c.outcome = 3;
    c.error_type = obs_span("Runtime.ExitError", 17);
    merge(st, &c);
    store_invocation_t d = blank_invocation("req-2", sid);   /* success says nothing */
    d.outcome = 0;
    merge(st, &d);
    commit(st);
    CHECK_EQ_INT(q_int(db, "SELECT outcome FROM invocations WHERE request_id = 'req-2'"), 3);
    CHECK_EQ_STR(q_text(db, "SELECT error_type FROM invocations WHERE request_id = 'req-2'", buf,
                        sizeof buf),
                 "Runtime.ExitError");

    /* Less severe first, without an error type: the more severe one brings its own. */
    store_invocation_t e = blank_invocation("req-3", sid);
    e.outcome = 1;
    merge(st, &e);
    store_invocation_t f = blank_invocation("req-3", sid);
    f.outcome = 4;
    f.error_type = obs_span("Runtime.OutOfMemory", 19);
    merge(st, &f);
    commit(st);
    CHECK_EQ_INT(q_int(db, "SELECT outcome FROM invocations WHERE request_id = 'req-3'"), 4);
    CHECK_EQ_STR(q_text(db, "SELECT error_type FROM invocations WHERE request_id = 'req-3'", buf,
                        sizeof buf),
                 "Runtime.OutOfMemory");
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM invocations"), 2);
    store_close(st, NULL);
    tmp_rm(&t);
}

static void test_invocation_cold_sticks(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t sid = stream(st, "fn", "s");
    store_invocation_t a = blank_invocation("req-c", sid);
    a.cold = 1;
    merge(st, &a);
    store_invocation_t b = blank_invocation("req-c", sid);
    b.cold = 0;
    b.duration = 5;
    merge(st, &b);
    store_invocation_t c = blank_invocation("req-c", sid);   /* later line, no duration */
    merge(st, &c);
    commit(st);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT cold FROM invocations"), 1);
    CHECK_NEAR(q_real(store_db(st), "SELECT duration FROM invocations"), 5, 0);
    store_close(st, NULL);
    tmp_rm(&t);
}

/* ---- rollups ------------------------------------------------------------- */

/* Quantile q of the sketch in column col of the single rollup row; *n gets
 * its count (-1 when the column is NULL). */
static double rollup_sketch_q(sqlite3 *db, const char *col, double q, int64_t *n)
{
    char sql[128];
    sqlite3_stmt *s;
    double v = NAN;
    *n = -1;
    snprintf(sql, sizeof sql, "SELECT %s FROM rollup_minute", col);
    CHECK_EQ_INT(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_BLOB) {
        sketch_t sk;
        sketch_init(&sk);
        CHECK_EQ_INT(sketch_merge_blob(&sk, sqlite3_column_blob(s, 0),
                                       (size_t)sqlite3_column_bytes(s, 0)), 0);
        *n = (int64_t)sketch_count(&sk);
        v = sketch_quantile(&sk, q);
        sketch_done(&sk);
    }
    sqlite3_finalize(s);
    return v;
}

static void test_rollup_same_minute(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    stream(st, "fn", "s");   /* opens the batch */
    const int64_t minute = 1700000040000LL;   /* a multiple of 60000 */
    CHECK_EQ_INT(minute % 60000, 0);

    store_rollup_delta_t d1 = blank_delta();
    d1.events = 1;
    d1.invocations = 1;
    d1.errors = 1;
    d1.cold_starts = 1;
    d1.duration = 10;
    d1.billed = 11;
    d1.gb_seconds = 0.5;
    d1.init = 100;
    d1.max_memory_used = 60000000;
    d1.memory_size = 128000000;
    store_rollup_add(st, "fn", minute + 5000, &d1);

    store_rollup_delta_t d2 = blank_delta();
    d2.events = 2;
    d2.error_lines = 1;
    d2.invocations = 1;
    d2.timeouts = 1;
    d2.throttle_signals = 1;
    d2.duration = 30;
    d2.billed = 31;
    d2.gb_seconds = 0.25;
    d2.max_memory_used = 50000000;
    store_rollup_add(st, "fn", minute + 59999, &d2);
    commit(st);

    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT minute FROM rollup_minute"), minute);
    CHECK_EQ_INT(q_int(db, "SELECT events FROM rollup_minute"), 3);
    CHECK_EQ_INT(q_int(db, "SELECT error_lines FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT invocations FROM rollup_minute"), 2);
    CHECK_EQ_INT(q_int(db, "SELECT errors FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT timeouts FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT crashes FROM rollup_minute"), 0);
    CHECK_EQ_INT(q_int(db, "SELECT cold_starts FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT throttle_signals FROM rollup_minute"), 1);
    CHECK_NEAR(q_real(db, "SELECT duration_sum FROM rollup_minute"), 40, 1e-9);
    CHECK_NEAR(q_real(db, "SELECT duration_max FROM rollup_minute"), 30, 0);
    CHECK_NEAR(q_real(db, "SELECT billed_sum FROM rollup_minute"), 42, 1e-9);
    CHECK_NEAR(q_real(db, "SELECT gb_seconds FROM rollup_minute"), 0.75, 1e-12);
    CHECK_NEAR(q_real(db, "SELECT init_sum FROM rollup_minute"), 100, 0);
    CHECK_NEAR(q_real(db, "SELECT init_max FROM rollup_minute"), 100, 0);
    CHECK_EQ_INT(q_int(db, "SELECT max_memory_used FROM rollup_minute"), 60000000);
    CHECK_EQ_INT(q_int(db, "SELECT memory_size FROM rollup_minute"), 128000000);
    int64_t n;
    CHECK_NEAR(rollup_sketch_q(db, "duration_sketch", 0.5, &n), 10, 0.1);
    CHECK_EQ_INT(n, 2);
    CHECK_NEAR(rollup_sketch_q(db, "duration_sketch", 1.0, &n), 30, 0.3);
    CHECK_NEAR(rollup_sketch_q(db, "init_sketch", 0.5, &n), 100, 1);
    CHECK_EQ_INT(n, 1);

    /* A later batch for the same minute adds to the row. */
    stream(st, "fn", "s");
    store_rollup_delta_t d3 = blank_delta();
    d3.events = 1;
    d3.invocations = 1;
    d3.duration = 50;
    d3.max_memory_used = 70000000;
    store_rollup_add(st, "fn", minute + 1, &d3);
    commit(st);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM rollup_minute"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT events FROM rollup_minute"), 4);
    CHECK_EQ_INT(q_int(db, "SELECT invocations FROM rollup_minute"), 3);
    CHECK_NEAR(q_real(db, "SELECT duration_sum FROM rollup_minute"), 90, 1e-9);
    CHECK_NEAR(q_real(db, "SELECT duration_max FROM rollup_minute"), 50, 0);
    CHECK_NEAR(q_real(db, "SELECT init_max FROM rollup_minute"), 100, 0);
    CHECK_EQ_INT(q_int(db, "SELECT max_memory_used FROM rollup_minute"), 70000000);
    CHECK_EQ_INT(q_int(db, "SELECT memory_size FROM rollup_minute"), 128000000);
    /* the hour's row has the same sums (v5) */
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM rollup_hour"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT hour FROM rollup_hour"), minute - minute % 3600000);
    CHECK_EQ_INT(q_int(db, "SELECT events FROM rollup_hour"), 4);
    CHECK_EQ_INT(q_int(db, "SELECT invocations + 10 * timeouts + 100 * cold_starts FROM rollup_hour"), 113);
    CHECK_NEAR(q_real(db, "SELECT duration_sum FROM rollup_hour"), 90, 1e-9);
    CHECK_EQ_INT(q_int(db, "SELECT max_memory_used FROM rollup_hour"), 70000000);
    CHECK_EQ_INT(q_int(db, "SELECT length(duration_sketch) = (SELECT length(duration_sketch) FROM rollup_minute)"
                           " FROM rollup_hour"), 1);
    /* the sketches merge too; a batch without init durations keeps the old */
    CHECK_NEAR(rollup_sketch_q(db, "duration_sketch", 0.5, &n), 30, 0.3);
    CHECK_EQ_INT(n, 3);
    CHECK_NEAR(rollup_sketch_q(db, "duration_sketch", 1.0, &n), 50, 0.5);
    CHECK_NEAR(rollup_sketch_q(db, "init_sketch", 0.5, &n), 100, 1);
    CHECK_EQ_INT(n, 1);
    store_close(st, NULL);
    tmp_rm(&t);
}

static void test_rollup_two_minutes_two_functions(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    stream(st, "fn", "s");
    const int64_t minute = 1700000040000LL;
    store_rollup_delta_t d = blank_delta();
    d.events = 1;
    store_rollup_add(st, "fn", minute + 59999, &d);
    store_rollup_add(st, "fn", minute + 60000, &d);
    store_rollup_add(st, "fn", minute + 60001, &d);
    store_rollup_add(st, "other", minute, &d);
    commit(st);
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM rollup_minute"), 3);
    char q[160];
    snprintf(q, sizeof q, "SELECT events FROM rollup_minute WHERE function = 'fn' AND minute = %lld",
             (long long)minute);
    CHECK_EQ_INT(q_int(db, q), 1);
    snprintf(q, sizeof q, "SELECT events FROM rollup_minute WHERE function = 'fn' AND minute = %lld",
             (long long)(minute + 60000));
    CHECK_EQ_INT(q_int(db, q), 2);
    snprintf(q, sizeof q, "SELECT events FROM rollup_minute WHERE function = 'other' AND minute = %lld",
             (long long)minute);
    CHECK_EQ_INT(q_int(db, q), 1);
    /* No duration in any delta: duration_max stays NULL, sums 0. */
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM rollup_minute WHERE duration_max IS NULL"), 3);
    CHECK_EQ_INT(q_int(db, "SELECT sum(duration_sum) FROM rollup_minute"), 0);
    store_close(st, NULL);
    tmp_rm(&t);
}

static void test_rollup_many_slots(void)
{
    /* Enough (function, minute) pairs to make the batch table grow. */
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    stream(st, "fn", "s");
    store_rollup_delta_t d = blank_delta();
    d.events = 1;
    for (int rep = 0; rep < 2; rep++)
        for (int m = 0; m < 300; m++)
            store_rollup_add(st, m % 2 ? "odd" : "even", (int64_t)m * 60000 + 7, &d);
    commit(st);
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM rollup_minute"), 300);
    CHECK_EQ_INT(q_int(db, "SELECT sum(events) FROM rollup_minute"), 600);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM rollup_minute WHERE events != 2"), 0);
    store_close(st, NULL);
    tmp_rm(&t);
}

/* store_commit is documented as "no-op when nothing is pending"; rollup
 * deltas are pending work, so a batch holding only rollups must be written. */
static void test_rollup_only_batch_commits(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    store_rollup_delta_t d = blank_delta();
    d.events = 1;
    store_rollup_add(st, "fn", 1700000040000LL, &d);
    commit(st);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT count(*) FROM rollup_minute"), 1);
    store_close(st, NULL);
    tmp_rm(&t);
}

/* ---- sources ------------------------------------------------------------- */

/* A checkpoint is keyed by the file's identity (device, inode), not by the
 * spelling of its path (schema v7). */
static void test_source_roundtrip(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    int64_t sid = stream(st, "fn", "s");
    obs_err_t err;
    store_source_t got;
    char *path = NULL;
    int found = -1;

    memset(&got, 0, sizeof got);
    CHECK_EQ_INT(store_source_find(st, 2049, 1234567, &got, &path, &found, &err), 0);
    CHECK_EQ_INT(found, 0);
    CHECK(path == NULL);

    store_source_t src = { .dev = 2049, .ino = 1234567, .fingerprint = 0xFEDCBA9876543210ULL,
                           .fingerprint_len = 1024, .window_fp = 0x0123456789ABCDEFULL, .window_len = 1024,
                           .offset = 987654321, .size = 987654400, .stream_id = sid };
    CHECK_EQ_INT(store_source_put(st, "/logs/fn/s.log", &src, &err), 0);
    commit(st);
    CHECK_EQ_INT(store_source_find(st, 2049, 1234567, &got, &path, &found, &err), 0);
    CHECK_EQ_INT(found, 1);
    CHECK_EQ_STR(path, "/logs/fn/s.log");
    free(path);
    CHECK_EQ_INT(got.dev, 2049);
    CHECK_EQ_INT(got.ino, 1234567);
    CHECK(got.fingerprint == 0xFEDCBA9876543210ULL);
    CHECK_EQ_INT(got.fingerprint_len, 1024);
    CHECK(got.window_fp == 0x0123456789ABCDEFULL);
    CHECK_EQ_INT(got.window_len, 1024);
    CHECK_EQ_INT(got.offset, 987654321);
    CHECK_EQ_INT(got.size, 987654400);
    CHECK_EQ_INT(got.stream_id, sid);
    CHECK_EQ_INT(got.rotated, 0);

    /* The same file put again (under another name, rotated): updated in place. */
    src.offset = 5;
    src.rotated = 1;
    CHECK_EQ_INT(store_source_put(st, "/logs/fn/s.log.1", &src, &err), 0);
    commit(st);
    CHECK_EQ_INT(store_source_find(st, 2049, 1234567, &got, &path, &found, &err), 0);
    CHECK_EQ_INT(found, 1);
    CHECK_EQ_STR(path, "/logs/fn/s.log.1");
    free(path);
    CHECK_EQ_INT(got.offset, 5);
    CHECK_EQ_INT(got.rotated, 1);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT count(*) FROM sources"), 1);
    /* Another file (another inode) under the first name: a row of its own. */
    src.ino = 99;
    src.rotated = 0;
    CHECK_EQ_INT(store_source_put(st, "/logs/fn/s.log", &src, &err), 0);
    commit(st);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT count(*) FROM sources"), 2);
    CHECK_EQ_INT(store_source_find(st, 2049, 99, &got, NULL, &found, &err), 0);
    CHECK_EQ_INT(found, 1);
    /* deleted by identity */
    CHECK_EQ_INT(store_source_delete(st, 2049, 1234567, &err), 0);
    commit(st);
    CHECK_EQ_INT(store_source_find(st, 2049, 1234567, &got, NULL, &found, &err), 0);
    CHECK_EQ_INT(found, 0);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT count(*) FROM sources"), 1);
    store_close(st, NULL);
    tmp_rm(&t);
}

/* What could not be read is recorded with the file's name and the bytes
 * known lost; only the newest 1,000 records are kept. */
static void test_missed_records(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    obs_err_t err;
    CHECK_EQ_INT(store_missed_add(st, "/logs/fn/s.log", 4096, "deleted while the agent was down", &err), 0);
    commit(st);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT bytes FROM missed WHERE path = '/logs/fn/s.log'"), 4096);
    for (int i = 0; i < 1100; i++)
        CHECK_EQ_INT(store_missed_add(st, "/logs/fn/t.log", i, "test", &err), 0);
    commit(st);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT count(*) FROM missed"), 1000);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT max(bytes) FROM missed"), 1099);
    store_close(st, NULL);
    tmp_rm(&t);
}

/* Counters have no fixed cap: every name counted is stored. */
static void test_counters_uncapped(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    for (int i = 0; i < 100; i++) {
        char name[32];
        snprintf(name, sizeof name, "counter_%03d", i);
        store_counter_add(st, name, i + 1);
        store_counter_add(st, name, 1);
    }
    commit(st);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT count(*) FROM agent_counters"), 100);
    CHECK_EQ_INT(q_int(store_db(st), "SELECT value FROM agent_counters WHERE name = 'counter_099'"), 101);
    store_close(st, NULL);
    tmp_rm(&t);
}

/* One writer per store: a second store_open of the same file fails with
 * OBS_EBUSY and names the holder's pid; after the first closes, it opens. */
static void test_writer_lock(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *a = open_rw(t.db, NULL), *b = NULL;
    obs_err_t err = { 0 };
    char pid[32];
    snprintf(pid, sizeof pid, "pid %ld", (long)getpid());
    CHECK_EQ_INT(store_open(t.db, NULL, &b, &err), OBS_EBUSY);
    CHECK(b == NULL);
    CHECK(strstr(err.msg, pid) != NULL);
    CHECK_EQ_INT(store_writer_pid(t.db), getpid());
    /* a reader is not a writer */
    store_t *r = NULL;
    CHECK_EQ_INT(store_open_readonly(t.db, &r, &err), 0);
    store_close(r, NULL);
    store_close(a, NULL);
    CHECK_EQ_INT(store_writer_pid(t.db), 0);
    CHECK_EQ_INT(store_open(t.db, NULL, &b, &err), 0);
    store_close(b, NULL);
    tmp_rm(&t);
}

/* ---- batching ------------------------------------------------------------ */

static void test_maybe_commit_batch_rows(void)
{
    tmp_t t;
    tmp_new(&t);
    store_opts_t opts = { .batch_rows = 2, .batch_ms = 600000 };
    store_t *st = open_rw(t.db, &opts);
    store_t *ro = open_ro(t.db);
    if (!st || !ro) {
        store_close(st, NULL);
        store_close(ro, NULL);
        tmp_rm(&t);
        return;
    }
    sqlite3 *rdb = store_db(ro);
    obs_err_t err;
    int64_t sid = stream(st, "fn", "s");

    store_event_t e1 = blank_event(sid, 1000, "one", 1);
    append(st, &e1);
    CHECK_EQ_INT(store_maybe_commit(st, &err), 0);
    CHECK_EQ_INT(q_int(rdb, "SELECT count(*) FROM events"), 0);
    CHECK_EQ_INT(q_int(rdb, "SELECT count(*) FROM streams"), 0);

    store_event_t e2 = blank_event(sid, 1001, "two", 1);
    append(st, &e2);
    CHECK_EQ_INT(store_maybe_commit(st, &err), 0);
    CHECK_EQ_INT(q_int(rdb, "SELECT count(*) FROM events"), 2);
    CHECK_EQ_INT(q_int(rdb, "SELECT count(*) FROM streams"), 1);
    CHECK_EQ_INT(fts_count(rdb, "two"), 1);

    /* The count starts again with the next batch. */
    store_event_t e3 = blank_event(sid, 1002, "three", 1);
    append(st, &e3);
    CHECK_EQ_INT(store_maybe_commit(st, &err), 0);
    CHECK_EQ_INT(q_int(rdb, "SELECT count(*) FROM events"), 2);
    CHECK_EQ_INT(store_close(st, &err), 0);   /* close commits what is pending */
    CHECK_EQ_INT(q_int(rdb, "SELECT count(*) FROM events"), 3);
    store_close(ro, NULL);
    tmp_rm(&t);
}

static void test_maybe_commit_batch_ms(void)
{
    tmp_t t;
    tmp_new(&t);
    store_opts_t opts = { .batch_rows = 1000, .batch_ms = 30 };
    store_t *st = open_rw(t.db, &opts);
    store_t *ro = open_ro(t.db);
    obs_err_t err;
    int64_t sid = stream(st, "fn", "s");
    store_event_t e1 = blank_event(sid, 1000, "one", 0);
    append(st, &e1);
    usleep(60 * 1000);
    CHECK_EQ_INT(store_maybe_commit(st, &err), 0);
    CHECK_EQ_INT(q_int(store_db(ro), "SELECT count(*) FROM events"), 1);
    store_close(st, NULL);
    store_close(ro, NULL);
    tmp_rm(&t);
}

static void test_rollback_drops_batch(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    obs_err_t err;
    int64_t sid = stream(st, "fn", "s");
    store_event_t e1 = blank_event(sid, 1000, "kept", 1);
    append(st, &e1);
    commit(st);

    store_event_t e2 = blank_event(sid, 1001, "dropped", 1);
    append(st, &e2);
    store_invocation_t inv = blank_invocation("req-x", sid);
    merge(st, &inv);
    store_rollup_delta_t d = blank_delta();
    d.events = 1;
    store_rollup_add(st, "fn", 1000, &d);
    store_counter_add(st, "lines", 7);
    store_source_t src = { .dev = 1, .ino = 2, .fingerprint = 3, .fingerprint_len = 4, .offset = 5 };
    CHECK_EQ_INT(store_source_put(st, "p.log", &src, &err), 0);
    store_rollback(st);
    commit(st);   /* nothing pending now */

    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM events"), 1);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM events WHERE message = 'dropped'"), 0);
    CHECK_EQ_INT(fts_count(db, "dropped"), 0);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM invocations"), 0);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM rollup_minute"), 0);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM sources"), 0);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM agent_counters"), 0);

    /* The store is usable after a rollback. */
    store_event_t e3 = blank_event(sid, 1002, "after", 1);
    append(st, &e3);
    store_counter_add(st, "lines", 2);
    commit(st);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM events"), 2);
    CHECK_EQ_INT(q_int(db, "SELECT value FROM agent_counters WHERE name = 'lines'"), 2);
    store_close(st, NULL);
    tmp_rm(&t);
}

static void test_counters_accumulate(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    stream(st, "fn", "s");
    store_counter_add(st, "lines", 3);
    store_counter_add(st, "bytes", 100);
    store_counter_add(st, "lines", 4);
    commit(st);
    stream(st, "fn", "s");
    store_counter_add(st, "lines", 10);
    commit(st);
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(q_int(db, "SELECT value FROM agent_counters WHERE name = 'lines'"), 17);
    CHECK_EQ_INT(q_int(db, "SELECT value FROM agent_counters WHERE name = 'bytes'"), 100);
    store_close(st, NULL);
    tmp_rm(&t);
}

/* ---- summary ------------------------------------------------------------- */

static void test_summary(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    const int64_t m0 = 1700000040000LL;
    int64_t sa = stream(st, "alpha", "s");
    int64_t sb = stream(st, "beta", "s");
    int64_t sc = stream(st, "gamma", "s");
    (void)sc;

    /* alpha: durations 1..100 over two minutes; 3 errors, 2 cold (init 100, 300). */
    for (int i = 1; i <= 100; i++) {
        char req[32];
        snprintf(req, sizeof req, "a-%03d", i);
        store_invocation_t inv = blank_invocation(req, sa);
        inv.duration = i;
        inv.memory_size = 128000000;
        inv.max_memory_used = 50000000 + i;
        if (i <= 2)
            inv.init_duration = i == 1 ? 100 : 300;
        merge(st, &inv);
        store_rollup_delta_t d = blank_delta();
        d.events = 4;
        d.invocations = 1;
        d.errors = i % 40 == 0 ? 1 : 0;   /* 40, 80 */
        d.timeouts = i == 99;
        d.cold_starts = i <= 2;
        d.init = i <= 2 ? inv.init_duration : NAN;
        d.duration = i;
        d.gb_seconds = 0.01;
        d.max_memory_used = inv.max_memory_used;
        d.memory_size = inv.memory_size;
        store_rollup_add(st, "alpha", m0 + (i <= 50 ? 0 : 60000) + i, &d);
    }
    /* beta: three durations 30, 10, 20 */
    static const double bd[] = { 30, 10, 20 };
    for (int i = 0; i < 3; i++) {
        char req[32];
        snprintf(req, sizeof req, "b-%d", i);
        store_invocation_t inv = blank_invocation(req, sb);
        inv.duration = bd[i];
        merge(st, &inv);
        store_rollup_delta_t d = blank_delta();
        d.events = 1;
        d.invocations = 1;
        d.duration = bd[i];
        d.throttle_signals = i == 0;
        store_rollup_add(st, "beta", m0 + 120000, &d);
    }
    /* gamma: log lines only */
    store_rollup_delta_t g = blank_delta();
    g.events = 5;
    g.error_lines = 2;
    store_rollup_add(st, "gamma", m0, &g);
    commit(st);
    store_close(st, NULL);

    store_t *ro = open_ro(t.db);
    store_fn_summary_t *rows = NULL;
    int n = -1;
    obs_err_t err;
    CHECK_EQ_INT(store_summary(ro, NULL, &rows, &n, &err), 0);
    CHECK_EQ_INT(n, 3);
    if (n == 3) {
        store_fn_summary_t *a = &rows[0], *b = &rows[1], *c = &rows[2];
        CHECK_EQ_STR(a->function, "alpha");
        CHECK_EQ_STR(b->function, "beta");
        CHECK_EQ_STR(c->function, "gamma");

        CHECK_EQ_INT(a->events, 400);
        CHECK_EQ_INT(a->invocations, 100);
        CHECK_EQ_INT(a->errors, 2);
        CHECK_EQ_INT(a->timeouts, 1);
        CHECK_EQ_INT(a->cold_starts, 2);
        CHECK_NEAR(a->p50_ms, 50, 0);
        CHECK_NEAR(a->p99_ms, 99, 0);
        CHECK_NEAR(a->max_ms, 100, 0);
        CHECK_NEAR(a->avg_init_ms, 200, 1e-9);
        CHECK_EQ_INT(a->max_memory_used, 50000100);
        CHECK_EQ_INT(a->memory_size, 128000000);
        CHECK_NEAR(a->gb_seconds, 1.0, 1e-9);
        CHECK_EQ_INT(a->first_ts, m0);
        CHECK_EQ_INT(a->last_ts, m0 + 120000);

        CHECK_EQ_INT(b->events, 3);
        CHECK_EQ_INT(b->invocations, 3);
        CHECK_EQ_INT(b->throttle_signals, 1);
        CHECK_NEAR(b->p50_ms, 20, 0);   /* rank ceil(1.5) = 2 */
        CHECK_NEAR(b->p99_ms, 30, 0);   /* rank ceil(2.97) = 3 */
        CHECK_NEAR(b->max_ms, 30, 0);
        CHECK(isnan(b->avg_init_ms));
        CHECK_EQ_INT(b->memory_size, -1);
        CHECK_EQ_INT(b->first_ts, m0 + 120000);

        CHECK_EQ_INT(c->events, 5);
        CHECK_EQ_INT(c->error_lines, 2);
        CHECK_EQ_INT(c->invocations, 0);
        CHECK(isnan(c->p50_ms));
        CHECK(isnan(c->p99_ms));
        CHECK(isnan(c->max_ms));
        CHECK_EQ_INT(c->max_memory_used, -1);
    }
    free(rows);
    store_close(ro, NULL);
    tmp_rm(&t);
}

static void test_summary_empty_store(void)
{
    tmp_t t;
    tmp_new(&t);
    store_t *st = open_rw(t.db, NULL);
    store_fn_summary_t *rows = NULL;
    int n = -1;
    obs_err_t err;
    CHECK_EQ_INT(store_summary(st, NULL, &rows, &n, &err), 0);
    CHECK_EQ_INT(n, 0);
    free(rows);
    store_close(st, NULL);
    tmp_rm(&t);
}

TEST_LIST = {
    TEST(test_open_creates_schema),
    TEST(test_reopen_idempotent),
    TEST(test_open_not_sqlite),
    TEST(test_open_foreign_sqlite),
    TEST(test_open_foreign_keeps_journal_mode),
    TEST(test_open_readonly_missing),
    TEST(test_stream_id_stable),
    TEST(test_stream_touch),
    TEST(test_event_all_columns),
    TEST(test_event_message_with_nul_bytes_kept),
    TEST(test_fts_indexed_only_when_full_text),
    TEST(test_fts_tokenizer_rule),
    TEST(test_fts_long_token_truncated),
    TEST(test_invocation_start_then_report),
    TEST(test_invocation_outcome_only_increases),
    TEST(test_invocation_cold_sticks),
    TEST(test_rollup_same_minute),
    TEST(test_rollup_two_minutes_two_functions),
    TEST(test_rollup_many_slots),
    TEST(test_rollup_only_batch_commits),
    TEST(test_source_roundtrip),
    TEST(test_missed_records),
    TEST(test_counters_uncapped),
    TEST(test_writer_lock),
    TEST(test_maybe_commit_batch_rows),
    TEST(test_maybe_commit_batch_ms),
    TEST(test_rollback_drops_batch),
    TEST(test_counters_accumulate),
    TEST(test_summary),
    TEST(test_summary_empty_store),
    TEST_END,
};
