/* store/txn.c — the writer's transaction: starting it (BEGIN IMMEDIATE,
 * after the test hook's page cap), and what a failed SQLite call means for
 * it (store__dberr: locked, full, or another error). A leaf of store/: the
 * files that write call it, it calls none of them. */
#include "store/schema.h"
#include "store/store_int.h"
#include "common/clock.h"

#include <stdio.h>
#include <stdlib.h>

/* A locked store (another connection holds the write lock) and a full one
 * (disk full, or the page limit) get codes of their own: follow mode pauses
 * on them instead of stopping (agent/tail/tail_backpressure.c). */
int store__dberr(store_t *st, obs_err_t *err, const char *what)
{
    int prim = sqlite3_errcode(st->db) & 0xff;
    int code = prim == SQLITE_BUSY || prim == SQLITE_LOCKED ? OBS_EBUSY
             : prim == SQLITE_FULL                           ? OBS_EFULL
                                                             : OBS_EDB;
    return obs_err_set(err, code, "%s: %s", what, sqlite3_errmsg(st->db));
}

/* Test hook (docs/operations.md, "Back-pressure"): with
 * OBS_TEST_MAX_PAGE_COUNT_FILE set, every write transaction first applies
 * PRAGMA max_page_count from the number in that file, so that a test can
 * fill the store (SQLITE_FULL, as a full disk gives) and free it again. */
static void test_page_cap(store_t *st)
{
    const char *p = getenv("OBS_TEST_MAX_PAGE_COUNT_FILE");
    char buf[32], sql[64];
    if (!p || !*p)
        return;
    FILE *fp = fopen(p, "r");
    if (!fp)
        return;
    long long n = fgets(buf, sizeof buf, fp) ? atoll(buf) : 0;
    fclose(fp);
    if (n > 0) {
        snprintf(sql, sizeof sql, "PRAGMA max_page_count=%lld", n);
        sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    }
}

int store__begin(store_t *st, obs_err_t *err)
{
    if (st->in_txn)
        return 0;
    test_page_cap(st);
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        int code = sqlite3_errcode(st->db) == SQLITE_BUSY ? OBS_EBUSY : OBS_EDB;
        return obs_err_set(err, code, "cannot start a write transaction: %s%s", sqlite3_errmsg(st->db),
                           code == OBS_EBUSY ? " (another connection holds the write lock: a sqlite3 shell, a checkpoint)" : "");
    }
    st->in_txn = 1;
    st->txn_rows = 0;
    if (st->wq)
        store__wq_clear_count(st->wq);
    /* events get their ids from the writer (store_event_append): the next
     * after the newest, as SQLite would give */
    sqlite3_stmt *q;
    st->next_event_id = st->next_stream_id = 1;
    if (sqlite3_prepare_v2(st->db, SQL_NEXT_IDS, -1, &q, NULL) == SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW) {
            st->next_event_id = sqlite3_column_int64(q, 0) + 1;
            st->next_stream_id = sqlite3_column_int64(q, 1) + 1;
        }
        sqlite3_finalize(q);
    }
    st->txn_changes = sqlite3_total_changes64(st->db);
    st->txn_started_ms = obs_mono_ms();
    return 0;
}
