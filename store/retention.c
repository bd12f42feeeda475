/* store/retention.c — deleting what is older than a cutoff, a small batch
 * at a time, inside the writer's open transaction (so a batch commits or
 * rolls back with the rows around it), and measuring the store's size.
 * The policy (when, which cutoff) is the agent's: agent/retention.c.
 * Events deleted from a minute whose rollup stays are counted in its
 * rollup's evicted column (and its hour's), in the same transaction. */
#include "store/schema.h"
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int prep(store_t *st, const char *sql, sqlite3_stmt **out, obs_err_t *err)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
        return store__dberr(st, err, "preparing a retention statement");
    return 0;
}

/* Run sql with ?1 = cutoff, ?2 = limit; *changes = rows it deleted. */
static int run(store_t *st, const char *sql, int64_t cutoff, int limit, int64_t *changes,
               obs_err_t *err)
{
    sqlite3_stmt *s = NULL;
    int rc = prep(st, sql, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, cutoff);
    if (sqlite3_bind_parameter_count(s) >= 2)
        sqlite3_bind_int(s, 2, limit);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store__dberr(st, err, "deleting old rows");
    else if (changes)
        *changes = sqlite3_changes64(st->db);
    sqlite3_finalize(s);
    return rc;
}

/* The bound of this batch of events: every event before it goes. */
static int events_bound(store_t *st, int64_t cutoff, int limit, int64_t *bound, obs_err_t *err)
{
    sqlite3_stmt *s = NULL;
    int rc = prep(st, SQL_RET_EVENTS_BOUND, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, cutoff);
    sqlite3_bind_int(s, 2, limit);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *bound = sqlite3_column_int64(s, 0) + 1;  /* ties of that ms go too */
    else if (step == SQLITE_DONE)
        *bound = cutoff;
    else
        rc = store__dberr(st, err, "finding old events");
    sqlite3_finalize(s);
    return rc;
}

int store_retention_delete(store_t *st, int64_t cutoff_ms, int limit, store_retention_counts_t *del,
                           int *done, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    int64_t bound = cutoff_ms, n = 0;
    int rc;
    memset(del, 0, sizeof *del);
    *done = 0;
    if (limit < 1)
        limit = 1;
    /* the batch's rollups are upserted at commit: write them first, or the
     * minutes deleted here would come back with this batch's part of them
     * (through the writer's queue: the connection is this thread's again
     * only once the writer has run them) */
    if ((rc = store__begin(st, err)) || (rc = store__flush_rollups(st, err)) ||
        (rc = store__flush_metrics(st, err)) || (rc = store__sync(st, err)) ||
        (rc = events_bound(st, cutoff_ms, limit, &bound, err)) ||
        (rc = run(st, SQL_RET_EVICTED_MINUTE, bound, limit, NULL, err)) ||
        (rc = run(st, SQL_RET_EVICTED_HOUR, bound, limit, NULL, err)) ||
        (rc = run(st, SQL_RET_FTS_DELETE, bound, limit, NULL, err)) ||
        (rc = run(st, SQL_RET_EVENTS_DELETE, bound, limit, &del->events, err)))
        return rc;
    /* the rest once the events are gone: a minute that still has events
     * keeps its rollups and invocations (if a stop comes in between) */
    if (bound != cutoff_ms)
        return 0;
    if ((rc = run(st, SQL_RET_POINTS_DELETE, cutoff_ms, limit, &del->points, err)) ||
        (rc = run(st, SQL_RET_INVOCATIONS_DELETE, cutoff_ms, limit, &del->invocations, err)) ||
        (rc = run(st, SQL_RET_ROLLUP_MINUTE_DELETE, cutoff_ms, limit, &n, err)))
        return rc;
    del->rollups = n;
    if ((rc = run(st, SQL_RET_ROLLUP_HOUR_DELETE, cutoff_ms, limit, &n, err)))
        return rc;
    del->rollups += n;
    if ((rc = run(st, SQL_RET_METRIC_ROLLUP_DELETE, cutoff_ms, limit, &n, err)))
        return rc;
    del->rollups += n;
    /* fewer than a batch everywhere: nothing older than the cutoff is left */
    *done = bound == cutoff_ms && del->points < limit && del->invocations < limit &&
            del->rollups < limit;
    return 0;
}

/* The first column of sql's row (?1 = a, ?2 = b when it has them), or
 * `none` when there is no row or it is NULL. */
static int one_int(store_t *st, const char *sql, int64_t a, int64_t b, int64_t none, int64_t *out,
                   obs_err_t *err)
{
    sqlite3_stmt *s = NULL;
    int rc = prep(st, sql, &s, err);
    if (rc)
        return rc;
    int np = sqlite3_bind_parameter_count(s);
    if (np >= 1)
        sqlite3_bind_int64(s, 1, a);
    if (np >= 2)
        sqlite3_bind_int64(s, 2, b);
    *out = none;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = store__dberr(st, err, "reading the store for retention");
    sqlite3_finalize(s);
    return rc;
}

int store_events_bound(store_t *st, int n, int64_t *bound, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    int rc = one_int(st, SQL_RET_EVENTS_NTH, n < 1 ? 1 : n, 0, -1, bound, err);
    if (!rc && *bound < 0)   /* fewer than n: all of them */
        rc = one_int(st, SQL_RET_EVENTS_LAST, 0, 0, -1, bound, err);
    return rc;
}

int store_retention_delete_absurd(store_t *st, int64_t arrived_before_ms, int limit, int64_t *deleted,
                                  int *done, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    int64_t bound;
    int rc;
    *deleted = 0;
    *done = 0;
    if (limit < 1)
        limit = 1;
    if ((rc = store__begin(st, err)) ||
        (rc = one_int(st, SQL_RET_ABSURD_BOUND, arrived_before_ms, limit, -1, &bound, err)))
        return rc;
    if (bound < 0)
        bound = arrived_before_ms;   /* fewer than a batch: all of them */
    else
        bound++;                     /* the others of that millisecond too */
    if ((rc = run(st, SQL_RET_ABSURD_EVICTED_MINUTE, bound, limit, NULL, err)) ||
        (rc = run(st, SQL_RET_ABSURD_EVICTED_HOUR, bound, limit, NULL, err)) ||
        (rc = run(st, SQL_RET_ABSURD_FTS_DELETE, bound, limit, NULL, err)) ||
        (rc = run(st, SQL_RET_ABSURD_DELETE, bound, limit, deleted, err)))
        return rc;
    *done = bound == arrived_before_ms;
    return 0;
}

int store_oldest_ms(store_t *st, int64_t *out, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    sqlite3_stmt *s = NULL;
    int rc = prep(st, SQL_RET_OLDEST, &s, err);
    if (rc)
        return rc;
    *out = -1;
    if (sqlite3_step(s) != SQLITE_ROW)
        rc = store__dberr(st, err, "finding the oldest event");
    else if (sqlite3_column_type(s, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return rc;
}

static int pragma_int(store_t *st, const char *sql, int64_t *out, obs_err_t *err)
{
    sqlite3_stmt *s = NULL;
    int rc = prep(st, sql, &s, err);
    if (rc)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store__dberr(st, err, sql);
    sqlite3_finalize(s);
    return rc;
}

static int64_t wal_size(store_t *st)
{
    char wal[4096];
    struct stat sb;
    snprintf(wal, sizeof wal, "%s-wal", sqlite3_db_filename(st->db, "main"));
    return stat(wal, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int store_size(store_t *st, store_size_t *out, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    int64_t pages = 0, free_pages = 0, page_size = 0;
    int rc;
    if ((rc = pragma_int(st, "PRAGMA page_count", &pages, err)) ||
        (rc = pragma_int(st, "PRAGMA freelist_count", &free_pages, err)) ||
        (rc = pragma_int(st, "PRAGMA page_size", &page_size, err)))
        return rc;
    out->file_bytes = pages * page_size;
    out->used_bytes = (pages - free_pages) * page_size;
    out->wal_bytes = wal_size(st);
    return 0;
}

int store_limit_wal(store_t *st, int64_t bytes, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    char sql[128];
    int64_t pages = bytes / 4096;   /* SQLite's default page size */
    if (pages < 100)
        pages = 100;
    if (pages > 16384)
        pages = 16384;  /* the writer's default checkpoint (SQL_PRAGMAS_WRITER) */
    /* the checkpointer's threshold when it runs (a pragma would put
     * SQLite's automatic checkpoint back in its place) */
    if (st->ckpt)
        store__ckpt_set_pages(st->ckpt, (int)pages);
    snprintf(sql, sizeof sql, st->ckpt ? "PRAGMA journal_size_limit=%lld;"
                                        : "PRAGMA wal_autocheckpoint=%lld; PRAGMA journal_size_limit=%lld;",
             st->ckpt ? (long long)pages * 4096 : (long long)pages, (long long)pages * 4096);
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store__dberr(st, err, "limiting the WAL");
    st->wal_limit = pages * 4096;
    return 0;
}

int store_wal_blocked(store_t *st, int64_t *wal_bytes)
{
    store__sync(st, NULL);
    *wal_bytes = st->wal_limit > 0 ? wal_size(st) : 0;
    if (st->wal_limit <= 0 || st->in_txn || *wal_bytes <= STORE_WAL_OVER * st->wal_limit)
        return 0;
    sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    *wal_bytes = wal_size(st);
    return *wal_bytes > STORE_WAL_OVER * st->wal_limit;
}
