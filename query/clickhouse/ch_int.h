/* query/clickhouse/ch_int.h — what the files of the ClickHouse dialect
 * share: an expression's SQL and its static type (ch_expr.c), the relation
 * a command reads (its columns by name), and the emitter's state
 * (ch_emit.c). Errors are sticky, as in the SQLite emitter. */
#ifndef OBS_QUERY_CH_INT_H
#define OBS_QUERY_CH_INT_H

#include "query/clickhouse/ch_query.h"
#include "common/buf.h"

/* The type an expression has in the SQL written for it. */
typedef enum cty {
    CT_NULL,                  /* always NULL */
    CT_NUM,                   /* Nullable(Float64) or an integer column */
    CT_TEXT,                  /* Nullable(String) */
    CT_BOOL,                  /* Nullable(UInt8): 1, 0 or NULL */
    CT_DYN,                   /* a JSON value: text in v, its type (ch_json_type) in t */
} cty_t;

typedef struct cx {
    cty_t ty;
    buf_t v, t;               /* t: CT_DYN only */
    int is_time;
} cx_t;

typedef struct ccol {
    char *name;               /* the output name */
    char ident[16];           /* c<n> (and c<n>_t for a CT_DYN one) */
    cty_t ty;
    int is_time, fill_zero;
} ccol_t;

typedef struct chem {
    const query_ast_t *q;
    const query_plan_opts_t *o;
    obs_err_t *err;
    int rc;
    buf_t sql;                /* the CTE chain */
    int step, ncols;
    ccol_t *cols;             /* the relation */
    int n, cap;
    int has_event;            /* the event's columns (json arrays, ...) are here */
    int aggregated;
    char *order;              /* ORDER BY terms, NULL = default */
    char *ties[2];            /* after a stats: its keys' ORDER BY terms, ascending
                                 [0] and descending [1], a sort's last terms
                                 (events: x_id, their import order) */
    char **show;
    int nshow;
    int show_from_display;
    const qcmd_t *stats;
    int stats_upto;
} chem_t;

/* Record the first error, positioned at node at (may be NULL). */
void ch__fail(chem_t *e, const qnode_t *at, const char *fmt, const char *arg);
/* The SQL of an expression (x zeroed by the caller; ch__cx_free after). */
void ch__expr(chem_t *e, const qnode_t *n, cx_t *x);
void ch__cx_free(cx_t *x);
/* A column of the relation by output name (latest wins; @x names x). */
const ccol_t *ch__find(const chem_t *e, const char *name);
ccol_t *ch__add(chem_t *e, const char *name, const char *ident, cty_t ty, int is_time);
/* x as a boolean / a number / a string for SQL that needs one (ch_value.c). */
void ch__as_bool(chem_t *e, const cx_t *x, buf_t *out);
/* x as a Nullable number, as obs_numval() reads it: numeric text is its
 * number, other text (and a JSON object or array) no value; what
 * arithmetic and a comparison with a number read. */
void ch__num(buf_t *b, const cx_t *x);
/* A field named name that a text log format has (query/textfields.h):
 * its JSON key (key_q, quoted) first, else the line's word; 0 when name is
 * no such field or the relation has no message (ch_textfield.c). */
int ch__textfield(chem_t *e, const char *name, const char *key_q, cx_t *x);
/* A JSON field by its name's segments (path: separated by '\x1f'; its
 * nested key quoted in nested_q): the nested key, else a key holding dots
 * (ch_dotted.c). */
void ch__dotted(const char *path, const char *nested_q, cx_t *x);
/* Refuse what the dialect cannot write exactly, naming it. */
void ch__refuse(chem_t *e, const qnode_t *at, const char *what);
/* A number literal; text v read as obs_num() reads it (NULL when it is no
 * number) and whether it reads; the same for a JSON value of text v, type t. */
void ch__num_lit(buf_t *b, double d);
void ch__text_num(buf_t *b, const char *v);
void ch__text_isnum(buf_t *b, const char *v);
void ch__dyn_num(buf_t *b, const char *v, const char *t);
void ch__dyn_isnum(buf_t *b, const char *v, const char *t);
/* n is a number literal (a negated one too), and its value. */
int ch__is_num_lit(const qnode_t *n);
double ch__num_lit_value(const qnode_t *n);

#endif
