/* store/schema.c — creates and migrates the schema by PRAGMA user_version:
 * each migration in STORE_MIGRATIONS runs in its own transaction and bumps
 * the version, so an interrupted upgrade resumes where it stopped; and the
 * indexes of events by time a bulk import drops and builds at its end. */
#include "store/schema.h"
#include "store/store_int.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>

static int user_version(sqlite3 *db, int *v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* A file with tables but user_version 0 was not made by us. */
static int is_foreign(sqlite3 *db)
{
    sqlite3_stmt *st;
    int foreign = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            foreign = sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
    }
    return foreign;
}

static const char *const migrations[] = STORE_MIGRATIONS;

/* Refuse, without writing anything, a file that is not an obs store or is
 * newer than this program. Sets *version. */
int store__check(sqlite3 *db, int *version, obs_err_t *err)
{
    const int latest = (int)OBS_ARRAY_LEN(migrations);
    int v;

    if (user_version(db, &v) != 0)
        return obs_err_set(err, OBS_ESCHEMA, "not an obs store (cannot read its version): %s",
                           sqlite3_errmsg(db));
    if (v > latest)
        return obs_err_set(err, OBS_ESCHEMA,
                           "store schema v%d is newer than this program (v%d); upgrade obs", v, latest);
    if (v == 0 && is_foreign(db))
        return obs_err_set(err, OBS_ESCHEMA, "the file is a SQLite database but not an obs store");
    *version = v;
    return 0;
}

int store__migrate(sqlite3 *db, obs_err_t *err)
{
    const int latest = (int)OBS_ARRAY_LEN(migrations);
    int v, rc;

    if ((rc = store__check(db, &v, err)))
        return rc;
    for (; v < latest; v++) {
        char bump[64];
        char *msg = NULL;
        int now = v;
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d;", v + 1);
        /* the version is read again inside the write transaction: a
         * connection that migrated meanwhile (a writer without the lock of
         * writer_lock.c: an older obsagent) is not run over */
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
            user_version(db, &now) != 0) {
            obs_err_set(err, OBS_ESCHEMA, "migrating the store to v%d: %s", v + 1,
                        msg ? msg : sqlite3_errmsg(db));
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return OBS_ESCHEMA;
        }
        if (now > v) {
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
            v = now - 1;
            continue;
        }
        if (sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, bump, NULL, NULL, &msg) != SQLITE_OK ||
            sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
            obs_err_set(err, OBS_ESCHEMA, "migrating the store to v%d: %s", v + 1,
                        msg ? msg : sqlite3_errmsg(db));
            sqlite3_free(msg);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return OBS_ESCHEMA;
        }
    }
    return 0;
}

/* ---- indexes a bulk import builds at its end (v13) ---------------------------- */

/* The indexes by time of events, invocations and metric points: their keys
 * come in no order when files are read one after another (each over its own
 * span of time), so each insert lands anywhere in them and each commit
 * rewrites most of their pages: about a fifth of an import into an empty
 * store for the events', a tenth more for the others'. Built at the end by
 * one sort they cost a fraction of that (docs/performance.md). */
static const char *const time_indexes[] = { "events_report", "events_ts", "invocations_time", "invocations_failed",
                                            "invocations_cold", "metric_points_ts" };

static int64_t q_int1(sqlite3 *db, const char *sql, const char *arg)
{
    sqlite3_stmt *q;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return -1;
    if (arg)
        sqlite3_bind_text(q, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

static int exec_named(sqlite3 *db, const char *sql, const char *name)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Run fn in a write transaction of its own, between batches. */
static int own_txn(store_t *st, const char *what, int (*fn)(store_t *, void *), void *arg, obs_err_t *err)
{
    int rc;
    if ((rc = store__sync(st, err)))
        return rc;
    if (st->in_txn)
        return obs_err_set(err, OBS_EDB, "%s: a batch is not committed", what);
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return store__dberr(st, err, what);
    if (fn(st, arg) != 0 || sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = store__dberr(st, err, what);
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return 0;
}

typedef struct defer_arg {
    int64_t input_bytes;
    int deferred;
} defer_arg_t;

static int defer_txn(store_t *st, void *arg)
{
    defer_arg_t *a = arg;
    int64_t pending = q_int1(st->db, SQL_DEFERRED_COUNT, NULL);
    if (pending < 0)
        return -1;
    if (pending > 0) {   /* an import a kill stopped: they are still to build */
        a->deferred = 1;
        return 0;
    }
    int64_t events = q_int1(st->db, SQL_EVENTS_SPAN, NULL);
    if (events < 0)
        return -1;
    if (a->input_bytes < STORE_DEFER_BYTES_PER_EVENT * events)
        return 0;
    for (size_t i = 0; i < OBS_ARRAY_LEN(time_indexes); i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", time_indexes[i]);
        if (exec_named(st->db, SQL_DEFERRED_ADD, time_indexes[i]) != 0 ||
            sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
            return -1;
    }
    a->deferred = 1;
    return 0;
}

int store_defer_time_indexes(store_t *st, int64_t input_bytes, int *deferred_out, obs_err_t *err)
{
    defer_arg_t a = { input_bytes, 0 };
    int rc = own_txn(st, "deferring the time indexes", defer_txn, &a, err);
    *deferred_out = !rc && a.deferred;
    return rc;
}

#define DEFERRED_MAX 8   /* more rows than time_indexes names: not ours, an error */

static int build_txn(store_t *st, void *arg)
{
    int64_t *built = arg;
    char *name[DEFERRED_MAX], *sql[DEFERRED_MAX];
    int n = 0, rc = 0;
    sqlite3_stmt *q;
    /* read first: the table and the schema change below */
    if (sqlite3_prepare_v2(st->db, SQL_DEFERRED_LIST, -1, &q, NULL) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < DEFERRED_MAX) {
        name[n] = xstrdup((const char *)sqlite3_column_text(q, 0));
        sql[n] = xstrdup((const char *)sqlite3_column_text(q, 1));
        n++;
    }
    rc = rc == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(q);
    for (int i = 0; i < n; i++) {
        int64_t exists = rc ? -1 : q_int1(st->db, SQL_INDEX_EXISTS, name[i]);
        if (exists < 0 || (exists == 0 && sqlite3_exec(st->db, sql[i], NULL, NULL, NULL) != SQLITE_OK) ||
            exec_named(st->db, SQL_DEFERRED_DONE, name[i]) != 0)
            rc = -1;
        else
            (*built)++;
        free(name[i]);
        free(sql[i]);
    }
    return rc;
}

int store_build_deferred(store_t *st, int64_t *built_out, obs_err_t *err)
{
    int64_t built = 0;
    int rc = store__sync(st, err);
    if (!rc && q_int1(st->db, SQL_DEFERRED_COUNT, NULL) > 0) {
        /* the sort may use a helper thread (SQLite's multi-threaded sorter) */
        sqlite3_exec(st->db, "PRAGMA threads=1", NULL, NULL, NULL);
        rc = own_txn(st, "building the time indexes", build_txn, &built, err);
        sqlite3_exec(st->db, "PRAGMA threads=0", NULL, NULL, NULL);
    }
    if (built_out)
        *built_out = rc ? 0 : built;
    return rc;
}
