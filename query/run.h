/* query/run.h — runs a query plan on a store connection: binds the
 * parameters, steps the rows into a formatter, zero-fills time bins. */
#ifndef OBS_QUERY_RUN_H
#define OBS_QUERY_RUN_H

#include "emit_sql.h"
#include "format.h"

#include <sqlite3.h>

typedef struct query_run_opts {
    int fill;                /* zero-fill bins (plan->fill_column >= 0) */
    int64_t since_ms, until_ms;  /* the query range, to fill to its edges (-1 = data's) */
    int64_t max_rows;            /* 0 = no cap (with fill the cap is applied here) */
} query_run_opts_t;

/* Returns 0, or OBS_EDB with SQLite's message (a regex limit, ...). With a
 * plan built with_ids and max_id non-NULL, *max_id becomes the largest event
 * id printed (left as it was when none). */
int query_run(sqlite3 *db, const query_plan_t *plan, const query_run_opts_t *o, qformat_t *out,
              int64_t *rows_out, int64_t *max_id, obs_err_t *err);

/* Bind the plan's parameters (?1..?n) to a statement prepared from its SQL;
 * an SQLite result code. For callers that step the rows themselves. */
int query_bind_plan(sqlite3_stmt *st, const query_plan_t *plan);
/* Prepare the plan's SQL and bind its parameters: 0, or OBS_EDB with what
 * went wrong in *err (a query that nests deeper than SQLite's parser can
 * take is said to be so, with what to do about it). */
int query_prepare_plan(sqlite3 *db, const query_plan_t *plan, sqlite3_stmt **out, obs_err_t *err);

/* EXPLAIN QUERY PLAN of the plan's SQL, one line per step, to f. */
int query_explain(sqlite3 *db, const query_plan_t *plan, FILE *f, obs_err_t *err);

#endif
