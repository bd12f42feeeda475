/* tests/unit/sqlq.h — helpers for the SQL function tests: an in-memory
 * SQLite connection with query/sqlfuncs registered, and q(sql), the first
 * column of the first row as text ("(null)" for NULL, "ERR: message" for an
 * error). Results live in a small ring of static buffers. */
#ifndef OBS_TEST_SQLQ_H
#define OBS_TEST_SQLQ_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "query/sqlfuncs/sqlfuncs.h"

static sqlite3 *sqlq_db;

static inline void sqlq_open(void)
{
    query_sqlctx_t ctx = { 1700000000123LL, 1699990000000LL, 1700000000000LL };
    obs_err_t err;
    if (sqlite3_open(":memory:", &sqlq_db) != SQLITE_OK ||
        query_sqlfuncs_register(sqlq_db, &ctx, &err) != 0) {
        fprintf(stderr, "cannot set up the test database\n");
        exit(2);
    }
}

static inline const char *q(const char *sql)
{
    static char ring[8][8192];
    static int next;
    char *out = ring[next++ % 8];
    sqlite3_stmt *st;
    if (!sqlq_db)
        sqlq_open();
    if (sqlite3_prepare_v2(sqlq_db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, 8192, "ERR: %s", sqlite3_errmsg(sqlq_db));
        return out;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, 8192, "%s", t ? (const char *)t : "(null)");
    } else if (rc == SQLITE_DONE) {
        snprintf(out, 8192, "(no row)");
    } else {
        snprintf(out, 8192, "ERR: %s", sqlite3_errmsg(sqlq_db));
    }
    sqlite3_finalize(st);
    return out;
}

/* Run statements that return no rows (setup); 0 on success. */
static inline int sqlq_exec(const char *sql)
{
    if (!sqlq_db)
        sqlq_open();
    return sqlite3_exec(sqlq_db, sql, NULL, NULL, NULL);
}

#endif
