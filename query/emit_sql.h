/* query/emit_sql.h — the planner: a checked query AST in, one SQLite
 * statement (a chain of CTEs, one per command) plus its bound parameters and
 * the output columns out. Every literal of the query is a bound parameter;
 * every identifier in the SQL is generated here (c1, c2, ...), never taken
 * from the query text. The SQL dialect lives only in this file. */
#ifndef OBS_QUERY_EMIT_SQL_H
#define OBS_QUERY_EMIT_SQL_H

#include "query/ast.h"
#include "query/prefilter.h"
#include "common/err.h"

typedef struct query_plan_opts {
    int64_t since_ms, until_ms;         /* [since, until), -1 = open */
    const char *const *functions;       /* only these functions (NULL/0 = all) */
    int nfunctions;
    int64_t max_rows;                   /* 0 = no cap */
    const prefilter_vocab_t *vocab;     /* full-text vocabulary, or NULL */
    int64_t after_id;                   /* only events with a larger id (--follow); 0 = all */
    int with_ids;                       /* append the event id and stream id as two
                                           extra columns (not in `columns`) */
    int ascending;                      /* default order oldest first (--follow) */
    int span_known;                     /* span_first_ms / span_last_ms are set: */
    int64_t span_first_ms, span_last_ms; /* the store's first and last event times,
                                           which let `stats ... by bin()` be
                                           computed bin by bin (emit_sql.c) */
    int64_t part_first_id, part_last_id; /* one part of a split run (run_split.c):
                                           only events with ids in [first, last];
                                           last 0 = all */
    /* log groups (SOURCE, obsq --log-group): events of the groups named, or
       whose name starts with one of the prefixes (both empty: all groups);
       with --function too, what both select */
    const char *const *log_groups;
    int nlog_groups;
    const char *const *log_group_prefixes;
    int nlog_group_prefixes;
    int select_none;                    /* select no event (a SOURCE of a class no
                                           local group is in) */
    int source_selects;                 /* the groups come from the query's SOURCE */
    int64_t now_ms;                     /* the query's "now" (diff's default end); 0 =
                                           unknown */
} query_plan_opts_t;

typedef enum query_param_type { QPT_NULL, QPT_INT, QPT_REAL, QPT_TEXT } query_param_type_t;

typedef struct query_param {
    query_param_type_t type;
    int64_t i;
    double d;
    char *s;                            /* owned */
} query_param_t;

/* How the rows of a query's parts combine (run_split.c). */
typedef enum query_split {
    QSPLIT_NONE,                        /* one statement, one thread */
    QSPLIT_BINS,                        /* binned stats, last: parts are time ranges
                                           on bin edges; their rows concatenate */
    QSPLIT_IDS                          /* stats without by, last, over filtered
                                           events: parts are id ranges; their one
                                           row each merges column by column */
} query_split_t;

/* How one column of QSPLIT_IDS parts merges. */
typedef enum query_merge { QMERGE_COUNT, QMERGE_SUM, QMERGE_MIN, QMERGE_MAX } query_merge_t;

typedef struct query_column {
    char *name;                         /* owned: the output column name */
    int is_time;                        /* epoch ms, printed as a timestamp */
    int fill_zero;                      /* zero-fill writes 0 here (else nothing) */
    query_merge_t merge;                /* QSPLIT_IDS only */
} query_column_t;

typedef struct query_plan {
    char *sql;                          /* owned */
    query_param_t *params;              /* ?1 .. ?n */
    int nparams;
    query_column_t *columns;            /* the SELECT's columns, in order */
    int ncolumns;
    int has_ids;                        /* with_ids honoured: 2 more columns follow */
    int aggregated;                     /* the result rows are groups, not events */
    /* Zero-fill: set when the result is grouped only by bin(): the column
     * index of the bin, and the period (see obs_datefloor). -1 otherwise. */
    int fill_column;
    int64_t fill_n;
    int fill_unit;
    /* Whether the query can run in parts on several threads, and for
     * QSPLIT_BINS the first and last bins (epoch ms) and their width. */
    query_split_t split;
    int64_t split_first_ms, split_last_ms, split_width_ms;
    int match_param;                    /* params[i]: the full-text MATCH expression
                                           of the candidates, or -1 */
} query_plan_t;

int query_plan_build(const query_ast_t *q, const query_plan_opts_t *o, query_plan_t **out,
                     obs_err_t *err);
void query_plan_free(query_plan_t *p);

#endif
