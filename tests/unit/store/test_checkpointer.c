/* tests/unit/store/test_checkpointer.c — the WAL's bound with the
 * checkpointer thread (store/checkpointer.c): a long import of batches
 * committed back to back keeps the -wal file under twice the checkpoint
 * threshold plus one batch's pages, every page ends up in the database (the
 * rows read back after close, the WAL gone), and a reader holding an old
 * snapshot only delays the bound: once it ends, the next commits bring the
 * WAL back under it. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "store/store_int.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PAGES 100           /* the threshold the tests set (store_limit_wal) */
#define BATCH_ROWS 4000     /* ~180 WAL frames a batch */
#define BATCHES 60

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

static void append_batch(store_t *st, int64_t stream, int batch)
{
    obs_err_t err;
    char msg[256];
    for (int i = 0; i < BATCH_ROWS; i++) {
        store_event_t ev;
        memset(&ev, 0, sizeof ev);
        ev.ts_ms = ev.ingest_ms = 1700000000000LL + (int64_t)batch * BATCH_ROWS + i;
        ev.stream_id = stream;
        snprintf(msg, sizeof msg, "batch %d line %d: GET /orders/%d status %d took %d ms from handler%d",
                 batch, i, i * 7919 % 100000, 200 + i % 5, i % 997, i % 13);
        ev.message = obs_span(msg, strlen(msg));
        ev.duration = ev.billed_duration = ev.init_duration = NAN;
        ev.restore_duration = ev.billed_restore_duration = NAN;
        ev.memory_size = ev.max_memory_used = ev.json_at = -1;
        ev.full_text = 1;
        CHECK_EQ_INT(store_event_append(st, &ev, NULL, &err), 0);
    }
    int rc = store_commit(st, &err);
    if (rc)
        fprintf(stderr, "  store_commit: %s\n", err.msg);
    CHECK_EQ_INT(rc, 0);
}

typedef struct fixture {
    char dir[64], db[96], wal[104];
    store_t *st;
    int64_t stream;
} fixture_t;

static void open_fixture(fixture_t *f)
{
    obs_err_t err;
    tmpdir_make(f->dir, sizeof f->dir, "ckpt");
    snprintf(f->db, sizeof f->db, "%s/obs.db", f->dir);
    snprintf(f->wal, sizeof f->wal, "%s-wal", f->db);
    setenv("OBS_WRITER_THREAD", "1", 1);
    f->st = NULL;
    CHECK_EQ_INT(store_open(f->db, NULL, &f->st, &err), 0);
    CHECK(f->st && f->st->ckpt);   /* the checkpointer runs (SQLite built with threads) */
    CHECK_EQ_INT(store_limit_wal(f->st, PAGES * 4096, &err), 0);
    CHECK_EQ_INT(store_stream_id(f->st, "fn", "/aws/lambda/fn", "2026/12/07/[$LATEST]abc", &f->stream, &err), 0);
}

/* The bound checked after each commit: twice the threshold, plus two
 * batches' frames (the commit that crosses it, and one more when the
 * thread's checkpoint held a lock at the moment the WAL could start over),
 * plus the WAL header. A batch's frames: the first commit's WAL. */
static int64_t bound(int64_t batch_bytes)
{
    return 2 * PAGES * (4096 + 24) + 2 * batch_bytes + 32;
}

static void long_import_bounded(void)
{
    fixture_t f;
    open_fixture(&f);
    append_batch(f.st, f.stream, 0);
    int64_t batch = file_size(f.wal), max_wal = batch;
    for (int b = 1; b < BATCHES && f.st; b++) {
        append_batch(f.st, f.stream, b);
        int64_t wal = file_size(f.wal);
        if (wal > max_wal)
            max_wal = wal;
        if (wal > bound(batch))
            fprintf(stderr, "  batch %d: WAL %lld bytes, bound %lld\n", b, (long long)wal,
                    (long long)bound(batch));
        CHECK(wal <= bound(batch));
    }
    /* the store grew far past the bound, and commits ran the catch-up */
    CHECK(file_size(f.db) > 4 * bound(batch));
    CHECK(store__ckpt_catchups(f.st->ckpt) > 0);
    CHECK(max_wal > PAGES * 4096);   /* the threshold was crossed */
    store_close(f.st, NULL);
    CHECK_EQ_INT(file_size(f.wal), 0);   /* closed: everything is in the database */
    sqlite3 *h = NULL;
    CHECK_EQ_INT(sqlite3_open_v2(f.db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    CHECK_EQ_INT(sqlite3_prepare_v2(h, "SELECT count(*), count(DISTINCT id) FROM events", -1, &q, NULL),
                 SQLITE_OK);
    CHECK_EQ_INT(sqlite3_step(q), SQLITE_ROW);
    CHECK_EQ_INT(sqlite3_column_int64(q, 0), BATCHES * BATCH_ROWS);
    CHECK_EQ_INT(sqlite3_column_int64(q, 1), BATCHES * BATCH_ROWS);
    sqlite3_finalize(q);
    sqlite3_close(h);
    tmpdir_remove(f.dir);
}

/* A reader's snapshot keeps the frames it may read: the WAL grows past the
 * bound while it is held (no checkpoint can copy them), and comes back
 * under it within two commits of its end. */
static void reader_delays_the_bound(void)
{
    fixture_t f;
    open_fixture(&f);
    append_batch(f.st, f.stream, 0);
    int64_t batch = file_size(f.wal);
    sqlite3 *r = NULL;
    CHECK_EQ_INT(sqlite3_open_v2(f.db, &r, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_EQ_INT(sqlite3_exec(r, "BEGIN; SELECT count(*) FROM events;", NULL, NULL, NULL), SQLITE_OK);
    for (int b = 1; b <= 8; b++)
        append_batch(f.st, f.stream, b);
    int64_t held = file_size(f.wal);
    CHECK(held > bound(batch));
    CHECK_EQ_INT(sqlite3_exec(r, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(r);
    append_batch(f.st, f.stream, 9);    /* copies everything (the catch-up) */
    for (int b = 10; b < 14; b++) {     /* the WAL starts over, and stays under */
        append_batch(f.st, f.stream, b);
        int64_t wal = file_size(f.wal);
        if (wal > bound(batch))
            fprintf(stderr, "  batch %d: WAL held %lld, now %lld bytes\n", b, (long long)held, (long long)wal);
        /* journal_size_limit (store_limit_wal) truncates a WAL started over */
        CHECK(wal <= bound(batch));
    }
    store_close(f.st, NULL);
    tmpdir_remove(f.dir);
}

static void test_long_import_bounded(void)
{
    long_import_bounded();
}

static void test_reader_delays_the_bound(void)
{
    reader_delays_the_bound();
}

TEST_LIST = {
    TEST(test_long_import_bounded),
    TEST(test_reader_delays_the_bound),
    TEST_END,
};
