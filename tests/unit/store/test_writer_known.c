/* tests/unit/store/test_writer_known.c — what the writer keeps in memory
 * (store/writer_known.c) and the ids it gives (store/txn.c, writer.c), each
 * test run with the writer thread and without it (OBS_WRITER_THREAD=0).
 * Covers store_stream_id (same id for the same pair before and after
 * commit and reopen, distinct ids matching the streams table, names that
 * only differ in where a separator falls, a rolled-back stream gone and
 * made again, past STORE_KNOWN_MAX streams), checkpoints (put/find/delete
 * round trip with size = max(size, offset), stream_id 0 for none,
 * updated_ms = now for 0; before commit, after reopen, gone after a
 * rollback; past STORE_KNOWN_MAX), and event ids (1..n in order, rowid_out
 * = the table's id, restarting from the table's max after a rollback), and
 * a row write failing on the writer's side: sticky until the rollback. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "store/store_int.h"
#include "common/clock.h"

#include <sqlite3.h>
#include <stdlib.h>

static int g_threaded;   /* the mode the current test runs in */

typedef struct tmp {
    char dir[64];
    char db[96];
} tmp_t;

static store_t *open_rw(const char *path)
{
    store_t *st = NULL;
    obs_err_t err;
    setenv("OBS_WRITER_THREAD", g_threaded ? "1" : "0", 1);
    int rc = store_open(path, NULL, &st, &err);
    if (rc)
        fprintf(stderr, "  store_open: %s\n", err.msg);
    CHECK_EQ_INT(rc, 0);
    if (st)
        CHECK_EQ_INT(store__wq_threaded(st->wq), g_threaded && sqlite3_threadsafe());
    return st;
}

static store_t *tmp_open(tmp_t *t)
{
    tmpdir_make(t->dir, sizeof t->dir, "known");
    snprintf(t->db, sizeof t->db, "%s/obs.db", t->dir);
    return open_rw(t->db);
}

static void commit(store_t *st)
{
    obs_err_t err;
    int rc = store_commit(st, &err);
    if (rc)
        fprintf(stderr, "  store_commit: %s\n", err.msg);
    CHECK_EQ_INT(rc, 0);
}

static int64_t q_int(store_t *st, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "  SQL error: %s\n", sqlite3_errmsg(store_db(st)));
        return -2;
    }
    if (a)
        sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static int64_t sid(store_t *st, const char *group, const char *stream)
{
    int64_t id = -1;
    obs_err_t err;
    int rc = store_stream_id(st, "fn", group, stream, &id, &err);
    if (rc)
        fprintf(stderr, "  store_stream_id: %s\n", err.msg);
    CHECK_EQ_INT(rc, 0);
    return id;
}

/* The id the streams table holds for the pair (-1: none). */
static int64_t table_sid(store_t *st, const char *group, const char *stream)
{
    return q_int(st, "SELECT id FROM streams WHERE log_group = ?1 AND stream = ?2", group, stream);
}

/* ---- streams ---------------------------------------------------------------- */

static void streams_stable(void)
{
    tmp_t t;
    store_t *st = tmp_open(&t);
    /* pairs that join to the same text around a separator are distinct */
    static const char *const pairs[][2] = {
        { "/aws/lambda/a", "s1" }, { "/aws/lambda/a", "s2" }, { "/aws/lambda/b", "s1" },
        { "g\x1fh", "s" },         { "g", "h\x1fs" },          { "", "x" },
        { "x", "" },
    };
    enum { NP = sizeof pairs / sizeof *pairs };
    int64_t ids[NP];
    for (int i = 0; i < NP; i++)
        ids[i] = sid(st, pairs[i][0], pairs[i][1]);
    for (int i = 0; i < NP; i++) {
        CHECK_EQ_INT(sid(st, pairs[i][0], pairs[i][1]), ids[i]);   /* again, same batch */
        CHECK_EQ_INT(table_sid(st, pairs[i][0], pairs[i][1]), ids[i]);
        for (int j = 0; j < i; j++)
            CHECK(ids[i] != ids[j]);
    }
    CHECK_EQ_INT(q_int(st, "SELECT count(*) FROM streams", NULL, NULL), NP);
    commit(st);
    for (int i = 0; i < NP; i++)
        CHECK_EQ_INT(sid(st, pairs[i][0], pairs[i][1]), ids[i]);
    commit(st);
    store_close(st, NULL);
    st = open_rw(t.db);
    for (int i = 0; i < NP; i++)
        CHECK_EQ_INT(sid(st, pairs[i][0], pairs[i][1]), ids[i]);
    /* a new one after reopening: the next after the largest */
    int64_t max = q_int(st, "SELECT max(id) FROM streams", NULL, NULL);
    int64_t n = sid(st, "/aws/lambda/c", "s1");
    CHECK_EQ_INT(n, max + 1);
    CHECK_EQ_INT(table_sid(st, "/aws/lambda/c", "s1"), n);
    CHECK_EQ_INT(q_int(st, "SELECT count(*) FROM streams", NULL, NULL), NP + 1);
    store_close(st, NULL);
    tmpdir_remove(t.dir);
}

static void streams_rollback(void)
{
    tmp_t t;
    store_t *st = tmp_open(&t);
    int64_t a = sid(st, "/aws/lambda/a", "kept");
    commit(st);
    int64_t b = sid(st, "/aws/lambda/a", "rolled back");
    CHECK(b != a);
    CHECK_EQ_INT(table_sid(st, "/aws/lambda/a", "rolled back"), b);
    store_rollback(st);
    CHECK_EQ_INT(table_sid(st, "/aws/lambda/a", "rolled back"), -1);
    CHECK_EQ_INT(sid(st, "/aws/lambda/a", "kept"), a);
    int64_t c = sid(st, "/aws/lambda/a", "other");
    int64_t b2 = sid(st, "/aws/lambda/a", "rolled back");
    CHECK(c != a && b2 != a && b2 != c);
    CHECK_EQ_INT(table_sid(st, "/aws/lambda/a", "other"), c);
    CHECK_EQ_INT(table_sid(st, "/aws/lambda/a", "rolled back"), b2);
    commit(st);
    CHECK_EQ_INT(q_int(st, "SELECT count(*) FROM streams", NULL, NULL), 3);
    store_close(st, NULL);
    st = open_rw(t.db);
    CHECK_EQ_INT(sid(st, "/aws/lambda/a", "rolled back"), b2);
    store_close(st, NULL);
    tmpdir_remove(t.dir);
}

/* Past STORE_KNOWN_MAX streams not all are in memory: SQLite is asked. */
static void streams_past_max(void)
{
    enum { N = STORE_KNOWN_MAX + 40 };
    tmp_t t;
    store_t *st = tmp_open(&t);
    char name[32];
    int64_t bad = 0;
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "s%d", i);
        bad += sid(st, "g", name) != i + 1;
    }
    for (int i = N - 1; i >= 0; i -= 97) {
        snprintf(name, sizeof name, "s%d", i);
        bad += sid(st, "g", name) != i + 1;
    }
    CHECK_EQ_INT(bad, 0);
    commit(st);
    CHECK_EQ_INT(q_int(st, "SELECT count(*) FROM streams WHERE stream = 's' || (id - 1)", NULL, NULL), N);
    store_close(st, NULL);
    st = open_rw(t.db);
    for (int i = 0; i < N; i += 97) {
        snprintf(name, sizeof name, "s%d", i);
        bad += sid(st, "g", name) != i + 1;
    }
    snprintf(name, sizeof name, "s%d", N - 1);
    bad += sid(st, "g", name) != N;
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(sid(st, "g", "new"), N + 1);
    CHECK_EQ_INT(table_sid(st, "g", "new"), N + 1);
    store_close(st, NULL);
    tmpdir_remove(t.dir);
}

/* ---- checkpoints -------------------------------------------------------------- */

static void check_source(store_t *st, int64_t dev, int64_t ino, const store_source_t *want,
                         const char *want_path, int64_t now_lo)
{
    store_source_t got;
    char *path = NULL;
    int found = -1;
    obs_err_t err;
    memset(&got, 0, sizeof got);
    CHECK_EQ_INT(store_source_find(st, dev, ino, &got, &path, &found, &err), 0);
    CHECK_EQ_INT(found, want != NULL);
    if (!want || !found) {
        CHECK(path == NULL);
        return;
    }
    CHECK_EQ_STR(path, want_path);
    free(path);
    CHECK_EQ_INT(got.dev, dev);
    CHECK_EQ_INT(got.ino, ino);
    CHECK(got.fingerprint == want->fingerprint);
    CHECK_EQ_INT(got.fingerprint_len, want->fingerprint_len);
    CHECK(got.window_fp == want->window_fp);
    CHECK_EQ_INT(got.window_len, want->window_len);
    CHECK_EQ_INT(got.offset, want->offset);
    CHECK_EQ_INT(got.size, want->size > want->offset ? want->size : want->offset);
    CHECK_EQ_INT(got.stream_id, want->stream_id > 0 ? want->stream_id : 0);
    if (want->updated_ms > 0)
        CHECK_EQ_INT(got.updated_ms, want->updated_ms);
    else
        CHECK(got.updated_ms >= now_lo && got.updated_ms <= obs_wall_ms());
    CHECK_EQ_INT(got.rotated, want->rotated != 0);
}

static void sources_roundtrip(void)
{
    tmp_t t;
    store_t *st = tmp_open(&t);
    obs_err_t err;
    int64_t now = obs_wall_ms();
    int64_t s1 = sid(st, "g", "s");
    store_source_t a = { .dev = 2049, .ino = 11, .fingerprint = 0xFEDCBA9876543210ULL, .fingerprint_len = 1024,
                         .window_fp = 0x8000000000000001ULL, .window_len = 512, .offset = 900, .size = 100,
                         .stream_id = s1, .updated_ms = 1700000000123, .rotated = 5 };
    store_source_t b = { .dev = 2049, .ino = 12, .offset = 7, .size = 70, .stream_id = -4, .updated_ms = 0 };
    store_source_t c = { .dev = 1, .ino = 13, .offset = 1, .stream_id = -4, .updated_ms = -1 };
    CHECK_EQ_INT(store_source_put(st, "/l/a.log", &a, &err), 0);
    CHECK_EQ_INT(store_source_put(st, "/l/b.log", &b, &err), 0);
    CHECK_EQ_INT(store_source_put(st, "/l/c.log", &c, &err), 0);
    CHECK_EQ_INT(store_source_delete(st, 1, 13, &err), 0);
    /* before commit (from memory), then as SQLite holds it (after reopening) */
    for (int pass = 0; pass < 2; pass++) {
        check_source(st, 2049, 11, &a, "/l/a.log", now);
        check_source(st, 2049, 12, &b, "/l/b.log", now);
        check_source(st, 1, 13, NULL, NULL, now);
        check_source(st, 2049, 99, NULL, NULL, now);
        if (pass == 0) {
            CHECK_EQ_INT(q_int(st, "SELECT count(*) FROM sources", NULL, NULL), 2);
            CHECK_EQ_INT(q_int(st, "SELECT count(*) FROM sources WHERE path = '/l/b.log' AND stream_id IS NULL"
                               " AND size = 70", NULL, NULL), 1);
            CHECK_EQ_INT(q_int(st, "SELECT size FROM sources WHERE path = '/l/a.log'", NULL, NULL), 900);
            commit(st);
            store_close(st, NULL);
            st = open_rw(t.db);
        }
    }
    /* the updated_ms given for b (now) is kept as is after reopening */
    store_source_t got;
    int found;
    CHECK_EQ_INT(store_source_find(st, 2049, 12, &got, NULL, &found, &err), 0);
    int64_t b_ms = got.updated_ms;
    /* a rolled-back put and delete are gone, in memory as in SQLite */
    store_source_t a2 = a;
    a2.offset = 5000;
    a2.size = 6000;
    CHECK_EQ_INT(store_source_put(st, "/l/a2.log", &a2, &err), 0);
    CHECK_EQ_INT(store_source_delete(st, 2049, 12, &err), 0);
    store_source_t d = { .dev = 3, .ino = 3, .offset = 3, .updated_ms = 3 };
    CHECK_EQ_INT(store_source_put(st, "/l/d.log", &d, &err), 0);
    check_source(st, 2049, 11, &a2, "/l/a2.log", now);
    check_source(st, 2049, 12, NULL, NULL, now);
    check_source(st, 3, 3, &d, "/l/d.log", now);
    store_rollback(st);
    check_source(st, 2049, 11, &a, "/l/a.log", now);
    b.updated_ms = b_ms;
    check_source(st, 2049, 12, &b, "/l/b.log", now);
    check_source(st, 3, 3, NULL, NULL, now);
    CHECK_EQ_INT(q_int(st, "SELECT count(*) FROM sources", NULL, NULL), 2);
    store_close(st, NULL);
    tmpdir_remove(t.dir);
}

/* Past STORE_KNOWN_MAX checkpoints: the ones not in memory are read. */
static void sources_past_max(void)
{
    enum { N = STORE_KNOWN_MAX + 40 };
    tmp_t t;
    store_t *st = tmp_open(&t);
    obs_err_t err;
    char path[32];
    for (int i = 0; i < N; i++) {
        store_source_t s = { .dev = 1, .ino = i, .offset = i, .updated_ms = 1 };
        snprintf(path, sizeof path, "/l/%d", i);
        CHECK_EQ_INT(store_source_put(st, path, &s, &err), 0);
    }
    for (int pass = 0; pass < 2; pass++) {
        int bad = 0;
        for (int i = N - 1; i >= 0; i -= 53) {
            store_source_t got;
            int found = 0;
            store_source_find(st, 1, i, &got, NULL, &found, &err);
            bad += !found || got.offset != i;
        }
        CHECK_EQ_INT(bad, 0);
        /* one deleted past the bound is not found */
        CHECK_EQ_INT(store_source_delete(st, 1, N - 1, &err), 0);
        store_source_t got;
        int found = -1;
        CHECK_EQ_INT(store_source_find(st, 1, N - 1, &got, NULL, &found, &err), 0);
        CHECK_EQ_INT(found, 0);
        store_source_t back = { .dev = 1, .ino = N - 1, .offset = N - 1, .updated_ms = 1 };
        snprintf(path, sizeof path, "/l/%d", N - 1);
        CHECK_EQ_INT(store_source_put(st, path, &back, &err), 0);
        commit(st);
        store_close(st, NULL);
        st = open_rw(t.db);
    }
    CHECK_EQ_INT(q_int(st, "SELECT count(*) FROM sources WHERE offset = ino", NULL, NULL), N);
    store_close(st, NULL);
    tmpdir_remove(t.dir);
}

/* ---- event ids ---------------------------------------------------------------- */

static int64_t append(store_t *st, int64_t stream_id, int64_t ts, const char *msg)
{
    store_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.ts_ms = ev.ingest_ms = ts;
    ev.stream_id = stream_id;
    ev.message = obs_span(msg, strlen(msg));
    ev.duration = ev.billed_duration = ev.init_duration = NAN;
    ev.restore_duration = ev.billed_restore_duration = NAN;
    ev.memory_size = ev.max_memory_used = ev.json_at = -1;
    ev.full_text = 1;
    int64_t id = -1;
    obs_err_t err;
    CHECK_EQ_INT(store_event_append(st, &ev, &id, &err), 0);
    return id;
}

static int64_t events_where(store_t *st, const char *cond)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE %s", cond);
    return q_int(st, sql, NULL, NULL);
}

static void event_ids(void)
{
    tmp_t t;
    store_t *st = tmp_open(&t);
    int64_t s = sid(st, "g", "s");
    int bad = 0;
    for (int i = 1; i <= 3000; i++)
        bad += append(st, s, 1000 + i, "hello event") != i;
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(events_where(st, "ts - 1000 = id"), 3000);
    commit(st);
    /* a rolled-back batch: its ids are given again */
    for (int i = 3001; i <= 3100; i++)
        bad += append(st, s, 5000 + i, "rolled back") != i;
    CHECK_EQ_INT(events_where(st, "ts - 5000 = id"), 100);
    store_rollback(st);
    CHECK_EQ_INT(events_where(st, "1"), 3000);
    for (int i = 3001; i <= 3050; i++)
        bad += append(st, s, 9000 + i, "kept") != i;
    CHECK_EQ_INT(bad, 0);
    commit(st);
    CHECK_EQ_INT(events_where(st, "ts - 9000 = id AND message = 'kept'"), 50);
    CHECK_EQ_INT(events_where(st, "1"), 3050);
    /* the full-text entries name the same ids */
    CHECK_EQ_INT(q_int(st, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'kept'", NULL, NULL), 50);
    CHECK_EQ_INT(q_int(st, "SELECT min(rowid) FROM events_fts WHERE events_fts MATCH 'kept'", NULL, NULL), 3001);
    store_close(st, NULL);
    st = open_rw(t.db);
    CHECK_EQ_INT(append(st, s, 1, "after reopen"), 3051);
    store_close(st, NULL);
    tmpdir_remove(t.dir);
}

/* A row write that fails on the writer's side (its id taken behind the
 * store's back) fails the batch: every store call after it returns the
 * failure, naming the write, until the batch is rolled back; then the
 * store works again, from the table's ids. */
static void write_failure(void)
{
    tmp_t t;
    store_t *st = tmp_open(&t);
    obs_err_t err;
    int64_t s = sid(st, "g", "s");
    for (int i = 1; i <= 10; i++)
        CHECK_EQ_INT(append(st, s, i, "ok"), i);
    commit(st);
    CHECK_EQ_INT(append(st, s, 11, "ok"), 11);
    int64_t doomed = sid(st, "g", "doomed");
    CHECK(sqlite3_exec(store_db(st), "INSERT INTO events(id, ts, ingest_ts, stream_id, kind, message) "
                                     "VALUES(12, 0, 0, 1, 0, 'behind its back')",
                       NULL, NULL, NULL) == SQLITE_OK);
    int64_t id = -1;
    store_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.stream_id = s;
    ev.message = obs_span("clash", 5);
    ev.duration = ev.billed_duration = ev.init_duration = NAN;
    ev.restore_duration = ev.billed_restore_duration = NAN;
    ev.memory_size = ev.max_memory_used = ev.json_at = -1;
    CHECK_EQ_INT(store_event_append(st, &ev, &id, &err), 0);   /* recorded; fails when run */
    CHECK_EQ_INT(id, 12);
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(store_commit(st, &err), OBS_EDB);
    CHECK(strstr(err.msg, "storing an event") != NULL);
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(store_event_append(st, &ev, &id, &err), OBS_EDB);
    CHECK(strstr(err.msg, "storing an event") != NULL);
    CHECK_EQ_INT(store_commit(st, NULL), OBS_EDB);
    store_rollback(st);
    CHECK_EQ_INT(events_where(st, "1"), 10);
    CHECK_EQ_INT(table_sid(st, "g", "doomed"), -1);
    CHECK_EQ_INT(append(st, s, 11, "again"), 11);
    int64_t d2 = sid(st, "g", "doomed");
    CHECK_EQ_INT(d2, doomed);   /* the next after the largest again */
    commit(st);
    CHECK_EQ_INT(table_sid(st, "g", "doomed"), d2);
    CHECK_EQ_INT(events_where(st, "id = 11 AND message = 'again'"), 1);
    CHECK_EQ_INT(events_where(st, "1"), 11);
    store_close(st, NULL);
    tmpdir_remove(t.dir);
}

/* ---- both modes ---------------------------------------------------------------- */

#define BOTH(fn)                                                   \
    static void test_##fn##_thread(void) { g_threaded = 1; fn(); } \
    static void test_##fn##_no_thread(void) { g_threaded = 0; fn(); }
BOTH(streams_stable)
BOTH(streams_rollback)
BOTH(streams_past_max)
BOTH(sources_roundtrip)
BOTH(sources_past_max)
BOTH(event_ids)
BOTH(write_failure)

TEST_LIST = {
    TEST(test_streams_stable_thread),   TEST(test_streams_stable_no_thread),
    TEST(test_streams_rollback_thread), TEST(test_streams_rollback_no_thread),
    TEST(test_streams_past_max_thread), TEST(test_streams_past_max_no_thread),
    TEST(test_sources_roundtrip_thread), TEST(test_sources_roundtrip_no_thread),
    TEST(test_sources_past_max_thread), TEST(test_sources_past_max_no_thread),
    TEST(test_event_ids_thread),        TEST(test_event_ids_no_thread),
    TEST(test_write_failure_thread),    TEST(test_write_failure_no_thread),
    TEST_END,
};
