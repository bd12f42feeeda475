/* query/sqlfuncs/sqlfuncs.c — registers the whole SQL function library on one
 * connection (see sqlfuncs.h): calls each sqlfuncs_*.c file's
 * registration in turn and turns a failure into an obs_err_t. */
#include "query/sqlfuncs/sqlfuncs.h"

#include "query/sqlfuncs/sqlfuncs_int.h"

int query_sqlfuncs_register(sqlite3 *db, const query_sqlctx_t *ctx, obs_err_t *err)
{
    query_sqlctx_t zero = { 0, 0, 0 };
    int rc = query_sqlfuncs__register_string(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_encode(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_hash(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_numeric(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_time(db, ctx ? ctx : &zero);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_datefmt(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_ip(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_json(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_regex(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_glob(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_agg(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_pick(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_sort(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_pack(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_pattern(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_textfields(db);
    if (rc == SQLITE_OK)
        rc = query_sqlfuncs__register_jsonflat(db);
    if (rc != SQLITE_OK)
        return obs_err_set(err, OBS_EDB, "register SQL functions: %s", sqlite3_errmsg(db));
    return 0;
}
