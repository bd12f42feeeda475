/* store/schema.c — creates and migrates the schema by PRAGMA user_version:
 * each migration in STORE_MIGRATIONS runs in its own transaction and bumps
 * the version, so an interrupted upgrade resumes where it stopped. */
#include "store/schema.h"
#include "store/store_int.h"

#include <stdio.h>

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
