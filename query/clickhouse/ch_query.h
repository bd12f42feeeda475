/* query/clickhouse/ch_query.h — the ClickHouse engine of the query
 * language (obsq --engine clickhouse://...): the same checked AST as the
 * SQLite planner (query/emit_sql.c), compiled by a second dialect into
 * ClickHouse SQL over the forwarder's tables (agent/forward/), using only
 * functions ClickHouse 18.16 and current releases both have; then run over
 * HTTP, its rows out through the same zero-fill and formats. What the
 * dialect cannot express exactly as SQLite computes it is refused with a
 * message naming it (docs/scale-out.md lists what), never approximated. */
#ifndef OBS_QUERY_CH_QUERY_H
#define OBS_QUERY_CH_QUERY_H

#include "clickhouse/ch.h"
#include "query/emit_sql.h"
#include "query/format.h"
#include "query/run.h"

/* How a result column comes back (TabSeparated): */
typedef enum ch_kind {
    CHK_NUM,                  /* a number (or NULL) */
    CHK_TEXT,                 /* text (or NULL) */
    CHK_DYN,                  /* two fields: a JSON value's text and its type (clickhouse/ch.h) */
} ch_kind_t;

typedef struct query_ch_plan {
    query_plan_t *plan;       /* sql, columns, zero-fill (params: none, literals are quoted) */
    ch_kind_t *kinds;         /* per column */
} query_ch_plan_t;

/* Compile for the tables of database `database`. 0, or OBS_EINVAL with
 * what the engine cannot do and where (err->line, err->col). */
int query_ch_plan_build(const query_ast_t *q, const query_plan_opts_t *o, const char *database, query_ch_plan_t **out,
                        obs_err_t *err);
void query_ch_plan_free(query_ch_plan_t *p);

/* Run it on a connection: rows through zero-fill and the cap into out. */
int query_ch_run(ch_conn_t *c, const query_ch_plan_t *p, const query_run_opts_t *ro, qformat_t *out, int64_t *rows,
                 obs_err_t *err);

#endif
