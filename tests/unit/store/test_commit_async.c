/* tests/unit/store/test_commit_async.c — store_commit_async: a bulk import's
 * commit and the next batch's BEGIN run on the writer thread while the
 * caller goes on. What it must keep: the batch (rows, full-text entries,
 * rollups, counters) is durable once store_commits() moves and not before
 * it is told to commit; the next batch's rows take the next ids; a failure
 * in the next batch is returned by a later call and loses nothing the
 * commit stored; without a writer thread it is store_commit. Each test runs
 * with the writer thread and without it. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "store/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int g_threaded;

typedef struct tmp {
    char dir[64];
    char db[96];
    char cap[96];
} tmp_t;

static void tmp_new(tmp_t *t)
{
    tmpdir_make(t->dir, sizeof t->dir, "commit-async");
    snprintf(t->db, sizeof t->db, "%s/obs.db", t->dir);
    snprintf(t->cap, sizeof t->cap, "%s/page-cap", t->dir);
    setenv("OBS_WRITER_THREAD", g_threaded ? "1" : "0", 1);
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -2;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static store_event_t event(int64_t stream_id, int64_t ts, const char *msg)
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
    ev.full_text = 1;
    return ev;
}

static int64_t append(store_t *st, int64_t sid, int64_t ts, const char *msg, int *rc_out)
{
    store_event_t ev = event(sid, ts, msg);
    int64_t id = -1;
    obs_err_t err = { 0 };
    *rc_out = store_event_append(st, &ev, &id, &err);
    return id;
}

/* The writer ran the commit: store_commits() reaches n (at most 5 s). */
static int commits_reach(store_t *st, int64_t n)
{
    for (int i = 0; i < 5000 && store_commits(st) < n; i++)
        usleep(1000);
    return store_commits(st) >= n;
}

/* A new store in its own directory, open for writing (*st) and reading
 * (*ro), with the stream "fn"/"s" (*sid); 0 when it could not be opened. */
static int fixture_open(tmp_t *t, store_t **st, store_t **ro, int64_t *sid)
{
    obs_err_t err = { 0 };
    tmp_new(t);
    CHECK_EQ_INT(store_open(t->db, NULL, st, &err), 0);
    CHECK_EQ_INT(store_open_readonly(t->db, ro, &err), 0);
    if (!*st || !*ro)
        return 0;
    CHECK_EQ_INT(store_stream_id(*st, "fn", "/aws/lambda/fn", "s", sid, &err), 0);
    return 1;
}

static void test_batch_durable_next_open(void)
{
    tmp_t t;
    store_t *st = NULL, *ro = NULL;
    obs_err_t err = { 0 };
    int64_t sid = -1;
    if (!fixture_open(&t, &st, &ro, &sid))
        goto out;
    sqlite3 *r = store_db(ro);
    int rc;
    int64_t a = append(st, sid, 60000, "alpha payment", &rc);
    CHECK_EQ_INT(rc, 0);
    int64_t b = append(st, sid, 60001, "beta payment", &rc);
    CHECK_EQ_INT(rc, 0);
    store_rollup_delta_t d;
    memset(&d, 0, sizeof d);
    d.duration = d.billed = d.gb_seconds = d.init = NAN;
    d.max_memory_used = d.memory_size = -1;
    d.events = 2;
    store_rollup_add(st, "fn", 60000, &d);
    store_counter_add(st, "lines", 2);
    CHECK_EQ_INT(store_commits(st), 0);   /* nothing committed before it is told */
    CHECK_EQ_INT(q_int(r, "SELECT count(*) FROM events"), 0);

    CHECK_EQ_INT(store_commit_async(st, &err), 0);
    CHECK(store_in_txn(st));              /* the next batch is open at once */
    CHECK(commits_reach(st, 1));
    CHECK_EQ_INT(q_int(r, "SELECT count(*) FROM events"), 2);
    CHECK_EQ_INT(q_int(r, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'payment'"), 2);
    CHECK_EQ_INT(q_int(r, "SELECT events FROM rollup_minute WHERE function = 'fn'"), 2);
    CHECK_EQ_INT(q_int(r, "SELECT value FROM agent_counters WHERE name = 'lines'"), 2);
    CHECK_EQ_INT(q_int(r, "SELECT count(*) FROM fts_vocab WHERE token = 'payment'"), 1);

    /* the next batch: the next id, invisible until its own commit */
    int64_t c = append(st, sid, 60002, "gamma", &rc);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(b, a + 1);
    CHECK_EQ_INT(c, b + 1);
    store_counter_add(st, "lines", 1);
    CHECK_EQ_INT(q_int(r, "SELECT count(*) FROM events"), 2);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(store_commits(st), 2);
    CHECK(!store_in_txn(st));
    CHECK_EQ_INT(q_int(r, "SELECT count(*) FROM events"), 3);
    CHECK_EQ_INT(q_int(r, "SELECT max(id) FROM events"), c);
    CHECK_EQ_INT(q_int(r, "SELECT value FROM agent_counters WHERE name = 'lines'"), 3);

    /* a commit with nothing pending commits nothing */
    CHECK_EQ_INT(store_commit_async(st, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(store_commits(st), 2);
out:
    store_close(st, NULL);
    store_close(ro, NULL);
    tmpdir_remove(t.dir);
}

/* The store fills up in the batch after an asynchronous commit: the failure
 * comes back from a later call (an append or the final commit), the
 * committed batch stays whole, and after a rollback the store takes rows. */
static void test_failure_after_async_commit(void)
{
    tmp_t t;
    store_t *st = NULL, *ro = NULL;
    obs_err_t err = { 0 };
    int64_t sid = -1;
    if (!fixture_open(&t, &st, &ro, &sid))
        goto out;
    sqlite3 *r = store_db(ro);
    int rc = 0;
    CHECK_EQ_INT(store_commit(st, &err), 0);
    /* a cap a few pages over what the store holds now, from the next BEGIN
     * (the test hook of store__begin; it stays on the connection) */
    int64_t pages = q_int(r, "PRAGMA page_count");
    FILE *fp = fopen(t.cap, "w");
    CHECK(fp != NULL);
    if (!fp)
        goto out;
    fprintf(fp, "%lld\n", (long long)(pages + 40));
    fclose(fp);
    setenv("OBS_TEST_MAX_PAGE_COUNT_FILE", t.cap, 1);
    for (int i = 0; i < 20 && !rc; i++)
        append(st, sid, 1000 + i, "kept", &rc);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(store_commit_async(st, &err), 0);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    for (int i = 0; i < 2000 && !rc; i++)
        append(st, sid, 5000 + i, big, &rc);
    if (!rc)
        rc = store_commit(st, &err);
    CHECK_EQ_INT(rc, OBS_EFULL);
    CHECK(commits_reach(st, 2));
    CHECK_EQ_INT(store_commits(st), 2);   /* the stream's, then the 20 rows' */
    CHECK_EQ_INT(q_int(r, "SELECT count(*) FROM events WHERE message = 'kept'"), 20);
    CHECK_EQ_INT(q_int(r, "SELECT count(*) FROM events WHERE message != 'kept'"), 0);
    store_rollback(st);
    unsetenv("OBS_TEST_MAX_PAGE_COUNT_FILE");
    fp = fopen(t.cap, "w");
    if (fp) {
        fprintf(fp, "1000000\n");
        fclose(fp);
    }
    setenv("OBS_TEST_MAX_PAGE_COUNT_FILE", t.cap, 1);
    append(st, sid, 9000, "after", &rc);
    CHECK_EQ_INT(rc, 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    CHECK_EQ_INT(q_int(r, "SELECT count(*) FROM events"), 21);
    unsetenv("OBS_TEST_MAX_PAGE_COUNT_FILE");
out:
    store_close(st, NULL);
    store_close(ro, NULL);
    tmpdir_remove(t.dir);
}

#define BOTH(fn)                                                   \
    static void fn##_thread(void) { g_threaded = 1; fn(); }        \
    static void fn##_no_thread(void) { g_threaded = 0; fn(); }
BOTH(test_batch_durable_next_open)
BOTH(test_failure_after_async_commit)

TEST_LIST = {
    TEST(test_batch_durable_next_open_thread), TEST(test_batch_durable_next_open_no_thread),
    TEST(test_failure_after_async_commit_thread), TEST(test_failure_after_async_commit_no_thread),
    TEST_END,
};
