/* query/emit_int.h — what the files of the SQL emitter share (internal
 * to query/: emit_sql.c the commands and the statement, emit_expr.c the
 * expressions): the relation being built and the emitter's state. */
#ifndef OBS_QUERY_EMIT_INT_H
#define OBS_QUERY_EMIT_INT_H

#include "query/emit_sql.h"
#include "common/buf.h"

typedef struct rcol {
    char *name;          /* output name */
    char ident[16];      /* SQL column in the current step */
    int is_time;
    int numeric;         /* a typed numeric column: read without obs_numval */
    int fill_zero;       /* a count or sum: an empty bin shows 0 (else nothing) */
} rcol_t;

typedef struct rel {
    rcol_t *cols;
    int n, cap;
    int has_event;       /* event columns (x_json, x_kind, ...) still present */
    char *order;         /* SQL ORDER BY terms, NULL = default */
    char *ties;          /* the columns that order the rows naturally, ascending
                            ("x_id": events in import order; a stats' keys), a
                            sort's last terms; NULL: none (one row) */
    char **show;         /* names to output */
    char **show_path;    /* their path segments as the query wrote them
                            (qnode path: a.b is a JSON path), or NULL */
    int nshow;
    int show_from_display;
    int show_implicit;   /* show holds what no fields/display chose: the
                            default @timestamp, @message and an unnest's
                            field; the next fields replaces it */
    int aggregated;
} rel_t;

typedef struct emitter {
    buf_t sql;
    query_param_t *params;
    int nparams, pcap;
    int step;
    int ncols;
    rel_t rel;
    obs_err_t *err;
    int rc;
    const query_ast_t *q;
    const qcmd_t *stats;      /* the stats being emitted (alias lookups) */
    int ascending;            /* default order oldest first */
    int after_id;             /* only events after an id (--follow, obstop's tail) */
    int stats_upto;           /* items [0, upto) of it are visible by alias */
    int prefiltered;          /* s0 takes its candidates from events_fts */
    int match_param;          /* the parameter holding its MATCH expression, or -1 */
    int report_only;          /* s0 is the REPORT lines (STORE_KIND_REPORT) */
    int recursive;            /* a CTE refers to itself: WITH RECURSIVE */
    const query_plan_opts_t *o;
    char msg_ident[16];       /* s0's @message column */
    int64_t diff_lo, diff_hi; /* diff: the query's range [lo, hi) ... */
    int64_t prev_lo, prev_hi; /* ... and the one it is compared with */
} emitter_t;

/* The relation (emit_expr.c): a column added, all columns dropped, a shown
 * name added (path: its segments, or NULL), the shown names dropped, a new
 * column identifier c<n>, and the start of CTE s<step+1> over s<step>. */
rcol_t *emit__rel_add(rel_t *r, const char *name, const char *ident, int is_time, int numeric);
void emit__rel_clear_cols(rel_t *r);
void emit__rel_show_add(rel_t *r, const char *name, const char *path);
void emit__rel_show_clear(rel_t *r);
/* The rows' natural order becomes ties (copied; NULL: none). */
void emit__rel_set_ties(rel_t *r, const char *ties);
void emit__new_ident(emitter_t *e, char out[16]);
void emit__step_begin(emitter_t *e);

/* stats (query/cmds/emit_stats.c): its step, with the plan's columns (which
 * zero-fill, how split runs merge); whether the first stats will be binned;
 * how an aggregate's partial results merge (query_merge_t), or -1. */
void emit__stats(emitter_t *e, const qcmd_t *c, int cmd_index, int last_stats, int tail_free,
                 int only_filters, const query_plan_opts_t *o, query_plan_t *plan);
int emit__binned_ahead(const emitter_t *e, const query_plan_opts_t *o);
int emit__item_merge(const qnode_t *n);

/* The new commands' steps (query/cmds/emit_pattern.c): pattern (with a diff
 * or anomalies folded into it), anomaly, estimate. */
void emit__pattern(emitter_t *e, const qcmd_t *c);
void emit__anomaly(emitter_t *e, const qcmd_t *c);
void emit__estimate(emitter_t *e, const qcmd_t *c);
/* The range [lo, hi) diff compares the query's range [since, until) with. */
void emit__diff_range(qdiff_t d, int64_t since, int64_t until, int64_t *lo, int64_t *hi);

/* Record the first error (sticky), with the position of node at. */
void emit__fail(emitter_t *e, const qnode_t *at, const char *fmt, const char *arg);
/* Append "?N" for a new bound parameter. */
void emit__text_param(emitter_t *e, buf_t *b, const char *s);
void emit__int_param(emitter_t *e, buf_t *b, int64_t v);
void emit__num_param(emitter_t *e, buf_t *b, double v);
/* A column of the relation by output name (the latest definition wins);
 * find_field also lets @x name a created x. */
const rcol_t *emit__rel_find(const rel_t *r, const char *name);
const rcol_t *emit__find_field(const rel_t *r, const char *name);
/* Append the SQL of an expression / a field reference. */
void emit__expr(emitter_t *e, buf_t *b, const qnode_t *n);
void emit__field(emitter_t *e, buf_t *b, const qnode_t *n);
/* A period of fixed length in ms (ms .. weeks, with obs_datefloor's caps),
 * 0 for calendar units; and the origin its bins count from (weeks from
 * Monday 1970-01-05): bin(p) of t is t - ((t - origin) mod length). */
int64_t emit__fixed_period_ms(const qnode_t *p);
int64_t emit__period_origin_ms(const qnode_t *p);
/* Is the expression a time value (printed as a timestamp)? */
int emit__expr_is_time(const emitter_t *e, const qnode_t *n);

#endif
