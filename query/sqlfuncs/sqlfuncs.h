/* query/sqlfuncs/sqlfuncs.h — the SQL function library of the query language: every
 * obs_* function named in query/builtins.c plus the helpers the emitter
 * uses (obs_num, obs_like, obs_regexp, obs_regex_group, obs_glob_group,
 * obs_timefmt, obs_sortkey, the obs_natural collation, ...), registered on
 * one SQLite connection. Conventions: timestamps are INTEGER epoch ms (UTC),
 * booleans INTEGER 1/0, NULL in gives NULL out (except presence tests), a
 * period is two arguments (n, qperiod_unit_t). See docs in each
 * query/sqlfuncs_*.c for the exact semantics of its functions. */
#ifndef OBS_QUERY_SQLFUNCS_H
#define OBS_QUERY_SQLFUNCS_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/err.h"

/* Times a query runs with: now() and queryStartTime() etc. read these. */
typedef struct query_sqlctx {
    int64_t now_ms;    /* wall clock at query start, epoch ms */
    int64_t start_ms;  /* start of the query range, epoch ms */
    int64_t end_ms;    /* end of the query range, epoch ms */
} query_sqlctx_t;

/* Register every function, aggregate and the obs_natural collation on db.
 * ctx is copied. Returns 0, or OBS_EDB with the SQLite message in err. */
int query_sqlfuncs_register(sqlite3 *db, const query_sqlctx_t *ctx, obs_err_t *err);

#endif
