/* query/emit_sql.c — AST -> SQL (see emit_sql.h).
 *
 * Each command becomes one CTE over the previous one (s0 is the events of
 * the selected functions and time range). The emitter tracks the relation
 * as a list of (output name, SQL column) pairs: system fields are f0..fN,
 * computed fields c1, c2, ...; a field that is not a column is a JSON field
 * of the event (json_extract over the event's JSON object, path bound as a
 * parameter). Ordering is tracked, not emitted per step (SQL does not keep
 * order through a CTE): limit, dedup and the final SELECT apply it.
 * Errors are sticky: after the first one every emit is a no-op. */
#include "emit_sql.h"
#include "builtins.h"
#include "prefilter.h"
#include "../common/buf.h"
#include "../common/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- relation ------------------------------------------------------------- */

typedef struct rcol {
    char *name;          /* output name */
    char ident[16];      /* SQL column in the current step */
    int is_time;
    int numeric;         /* a typed numeric column: compare without obs_num */
    int fill_zero;       /* a count or sum: an empty bin shows 0 (else nothing) */
} rcol_t;

typedef struct rel {
    rcol_t *cols;
    int n, cap;
    int has_event;       /* event columns (x_json, x_kind, ...) still present */
    char *order;         /* SQL ORDER BY terms, NULL = default */
    char **show;         /* names to output */
    int nshow;
    int show_from_display;
    int aggregated;
} rel_t;

static const struct sysfield {
    const char *name, *expr;
    int is_time, numeric;
} sysfields[] = {
    { "@timestamp", "e.ts", 1, 1 },
    { "@message", "e.message", 0, 0 },
    { "@logStream", "s.stream", 0, 0 },
    /* CloudWatch's @log is "<account>:<log group>"; there is no account
     * locally, so it is twelve zeros, and queries that parse it still work */
    { "@log", "('000000000000:' || s.log_group)", 0, 0 },
    { "@ingestionTime", "e.ingest_ts", 1, 1 },
    { "@requestId", "e.request_id", 0, 0 },
    { "@type", "e.type", 0, 0 },
    { "@duration", "e.duration", 0, 1 },
    { "@billedDuration", "e.billed_duration", 0, 1 },
    { "@memorySize", "e.memory_size", 0, 1 },
    { "@maxMemoryUsed", "e.max_memory_used", 0, 1 },
    { "@initDuration", "e.init_duration", 0, 1 },
    { "@xrayTraceId", "e.xray_trace_id", 0, 0 },
    { "@xraySegmentId", "e.xray_segment_id", 0, 0 },
    { "@emfError", "e.emf_error", 0, 0 },
};

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
    int stats_upto;           /* items [0, upto) of it are visible by alias */
} emitter_t;

static void fail(emitter_t *e, const qnode_t *at, const char *fmt, const char *arg)
{
    if (e->rc)
        return;
    e->rc = obs_err_set(e->err, OBS_EINVAL, fmt, arg);
    if (at && e->err) {
        int line = 1, col = 1;
        for (int i = 0; i < at->start && e->q->text[i]; i++) {
            if (e->q->text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        e->err->line = line;
        e->err->col = col;
    }
}

static int add_param(emitter_t *e, query_param_type_t t, int64_t i, double d, const char *s)
{
    if (e->nparams == e->pcap) {
        e->pcap = e->pcap ? e->pcap * 2 : 16;
        e->params = xrealloc(e->params, (size_t)e->pcap * sizeof *e->params);
    }
    query_param_t *p = &e->params[e->nparams++];
    p->type = t;
    p->i = i;
    p->d = d;
    p->s = s ? xstrdup(s) : NULL;
    return e->nparams;
}

static void emit_text_param(emitter_t *e, buf_t *b, const char *s)
{
    buf_printf(b, "?%d", add_param(e, QPT_TEXT, 0, 0, s));
}

static void emit_int_param(emitter_t *e, buf_t *b, int64_t v)
{
    buf_printf(b, "?%d", add_param(e, QPT_INT, v, 0, NULL));
}

static void emit_num_param(emitter_t *e, buf_t *b, double v)
{
    if (v == floor(v) && fabs(v) < 9e15)
        emit_int_param(e, b, (int64_t)v);
    else
        buf_printf(b, "?%d", add_param(e, QPT_REAL, 0, v, NULL));
}

static rcol_t *rel_add(rel_t *r, const char *name, const char *ident, int is_time, int numeric)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->cols = xrealloc(r->cols, (size_t)r->cap * sizeof *r->cols);
    }
    rcol_t *c = &r->cols[r->n++];
    c->name = xstrdup(name);
    snprintf(c->ident, sizeof c->ident, "%s", ident);
    c->is_time = is_time;
    c->numeric = numeric;
    c->fill_zero = 0;
    return c;
}

static const rcol_t *rel_find(const rel_t *r, const char *name)
{
    for (int i = r->n - 1; i >= 0; i--)
        if (strcmp(r->cols[i].name, name) == 0)
            return &r->cols[i];
    return NULL;
}

/* A field by name; @x also names a created x (AWS's own samples do this). */
static const rcol_t *find_field(const rel_t *r, const char *name)
{
    const rcol_t *c = rel_find(r, name);
    if (!c && name[0] == '@' && name[1] != '@')
        c = rel_find(r, name + 1);
    return c;
}

static void rel_clear_cols(rel_t *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->cols[i].name);
    r->n = 0;
}

static void rel_show_add(rel_t *r, const char *name)
{
    for (int i = 0; i < r->nshow; i++)
        if (strcmp(r->show[i], name) == 0)
            return;
    r->show = xrealloc(r->show, (size_t)(r->nshow + 1) * sizeof *r->show);
    r->show[r->nshow++] = xstrdup(name);
}

static void rel_show_clear(rel_t *r)
{
    for (int i = 0; i < r->nshow; i++)
        free(r->show[i]);
    r->nshow = 0;
}

static void rel_free(rel_t *r)
{
    rel_clear_cols(r);
    free(r->cols);
    rel_show_clear(r);
    free(r->show);
    free(r->order);
}

static void new_ident(emitter_t *e, char out[16])
{
    snprintf(out, 16, "c%d", ++e->ncols);
}

/* Begin CTE s<step+1> over s<step>. */
static void step_begin(emitter_t *e)
{
    e->step++;
    buf_printf(&e->sql, ",\ns%d AS (", e->step);
}

/* ---- expressions ----------------------------------------------------------- */

static void emit_expr(emitter_t *e, buf_t *b, const qnode_t *n);

/* '$."a"."b"[1]' from the field's path segments. */
static char *json_path(const char *path)
{
    buf_t p = { 0 };
    buf_cat(&p, "$");
    const char *seg = path;
    for (;;) {
        const char *end = strchr(seg, '\x1f');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        int digits = len > 0;
        for (size_t i = 0; i < len; i++)
            digits &= seg[i] >= '0' && seg[i] <= '9';
        if (digits) {
            buf_cat(&p, "[");
            buf_put(&p, seg, len);
            buf_cat(&p, "]");
        } else {
            buf_cat(&p, ".\"");
            for (size_t i = 0; i < len; i++) {
                if (seg[i] == '"' || seg[i] == '\\')
                    buf_put(&p, "\\", 1);
                buf_put(&p, seg + i, 1);
            }
            buf_cat(&p, "\"");
        }
        if (!end)
            break;
        seg = end + 1;
    }
    return p.p;
}

/* A stats item of the current stats, visible by its alias. */
static const qitem_t *stats_alias(const emitter_t *e, const char *name)
{
    if (!e->stats)
        return NULL;
    for (int i = 0; i < e->stats_upto && i < e->stats->nitems; i++)
        if (e->stats->items[i].alias && strcmp(e->stats->items[i].alias, name) == 0)
            return &e->stats->items[i];
    return NULL;
}

static void emit_field(emitter_t *e, buf_t *b, const qnode_t *n)
{
    const qitem_t *alias = stats_alias(e, n->str);
    if (alias) {
        buf_cat(b, "(");
        emit_expr(e, b, alias->expr);
        buf_cat(b, ")");
        return;
    }
    const rcol_t *c = find_field(&e->rel, n->str);
    if (c) {
        buf_cat(b, c->ident);
        return;
    }
    /* a.b.c where a is a created field (jsonParse(...) as a): a JSON path into it */
    const char *sep = n->path ? strchr(n->path, '\x1f') : NULL;
    if (sep) {
        char *first = xstrndup(n->path, (size_t)(sep - n->path));
        const rcol_t *base = find_field(&e->rel, first);
        free(first);
        if (base && base->ident[0] == 'c') {
            char *path = json_path(sep + 1);
            buf_printf(b, "json_extract(%s, ", base->ident);
            emit_text_param(e, b, path);
            buf_cat(b, ")");
            free(path);
            return;
        }
    }
    /* JSON fields; a key that starts with '@' is written with one more: @@key */
    const char *path = n->path ? n->path : n->str;
    if (e->rel.has_event && (path[0] != '@' || path[1] == '@')) {
        path = json_path(path[0] == '@' ? path + 1 : path);
        buf_cat(b, "json_extract(x_json, ");
        emit_text_param(e, b, path);
        buf_cat(b, ")");
        free((char *)path);
        return;
    }
    buf_cat(b, "NULL");  /* a field this relation does not have */
}

static int is_number_literal(const qnode_t *n)
{
    return n->kind == QN_NUMBER || (n->kind == QN_UNARY && n->op == QOP_NEG &&
                                    n->args[0]->kind == QN_NUMBER);
}

/* A typed numeric column or arithmetic: compare as is; anything else that
 * meets a number literal goes through obs_num() ("150" from parse = 150). */
static int is_typed_numeric(const emitter_t *e, const qnode_t *n)
{
    if (is_number_literal(n))
        return 1;
    if (n->kind == QN_FIELD) {
        const rcol_t *c = rel_find(&e->rel, n->str);
        return c && c->numeric;
    }
    if (n->kind == QN_BINARY)
        return n->op >= QOP_ADD && n->op <= QOP_POW;
    return 0;
}

static void emit_operand(emitter_t *e, buf_t *b, const qnode_t *n, int coerce)
{
    if (coerce) {
        buf_cat(b, "obs_num(");
        emit_expr(e, b, n);
        buf_cat(b, ")");
    } else {
        emit_expr(e, b, n);
    }
}

static const char *sql_binop(qop_t op)
{
    switch (op) {
    case QOP_ADD: return " + ";
    case QOP_SUB: return " - ";
    case QOP_MUL: return " * ";
    case QOP_DIV: return " / ";
    case QOP_MOD: return " % ";
    case QOP_EQ: return " = ";
    case QOP_NE: return " != ";
    case QOP_LT: return " < ";
    case QOP_LE: return " <= ";
    case QOP_GT: return " > ";
    case QOP_GE: return " >= ";
    case QOP_AND: return " AND ";
    case QOP_OR: return " OR ";
    default: return NULL;
    }
}

static void emit_binary(emitter_t *e, buf_t *b, const qnode_t *n)
{
    const qnode_t *l = n->args[0], *r = n->args[1];
    switch (n->op) {
    case QOP_POW:
        buf_cat(b, "pow(");
        emit_expr(e, b, l);
        buf_cat(b, ", ");
        emit_expr(e, b, r);
        buf_cat(b, ")");
        return;
    case QOP_DIV:
        /* Logs Insights divides as numbers: 7 / 2 = 3.5 */
        buf_cat(b, "(CAST(");
        emit_expr(e, b, l);
        buf_cat(b, " AS REAL) / ");
        emit_expr(e, b, r);
        buf_cat(b, ")");
        return;
    case QOP_LIKE:
    case QOP_NOT_LIKE:
    case QOP_MATCH:
        buf_cat(b, n->op == QOP_NOT_LIKE ? "(NOT coalesce(" : "coalesce(");
        if (r->kind == QN_REGEX) {
            buf_cat(b, "obs_regexp(");
            emit_text_param(e, b, r->str);
            buf_cat(b, ", ");
            emit_expr(e, b, l);
            buf_cat(b, ")");
        } else {
            buf_cat(b, "instr(");
            emit_expr(e, b, l);
            buf_cat(b, ", ");
            emit_expr(e, b, r);
            buf_cat(b, ") > 0");
        }
        buf_cat(b, n->op == QOP_NOT_LIKE ? ", 0))" : ", 0)");
        return;
    case QOP_IN:
    case QOP_NOT_IN: {
        int numbers = 0;
        for (int i = 0; i < r->nargs; i++)
            numbers |= is_number_literal(r->args[i]);
        buf_cat(b, "(");
        emit_operand(e, b, l, numbers && !is_typed_numeric(e, l));
        buf_cat(b, n->op == QOP_IN ? " IN (" : " NOT IN (");
        for (int i = 0; i < r->nargs; i++) {
            if (i)
                buf_cat(b, ", ");
            emit_expr(e, b, r->args[i]);
        }
        buf_cat(b, "))");
        return;
    }
    default:
        break;
    }
    const char *op = sql_binop(n->op);
    if (!op) {
        fail(e, n, "operator not supported here%s", "");
        return;
    }
    int cmp = n->op >= QOP_EQ && n->op <= QOP_GE;
    int coerce_l = cmp && is_number_literal(r) && !is_typed_numeric(e, l);
    int coerce_r = cmp && is_number_literal(l) && !is_typed_numeric(e, r);
    buf_cat(b, "(");
    emit_operand(e, b, l, coerce_l);
    buf_cat(b, op);
    emit_operand(e, b, r, coerce_r);
    buf_cat(b, ")");
}

/* A period argument becomes two: n, unit (see obs_datefloor). */
static void emit_period(emitter_t *e, buf_t *b, const qnode_t *n)
{
    if (n->kind != QN_PERIOD) {
        fail(e, n, "expected a time period such as 5m or 1h%s", "");
        return;
    }
    emit_int_param(e, b, n->period.n);
    buf_cat(b, ", ");
    emit_int_param(e, b, (int64_t)n->period.unit);
}

static void emit_args(emitter_t *e, buf_t *b, const qnode_t *n, int from)
{
    for (int i = from; i < n->nargs; i++) {
        if (i > from)
            buf_cat(b, ", ");
        if (n->args[i]->kind == QN_PERIOD)
            emit_period(e, b, n->args[i]);
        else
            emit_expr(e, b, n->args[i]);
    }
}

/* A period of fixed length in ms (ms .. weeks), with the caps obs_datefloor
 * applies (300s counts as 60s); 0 for calendar units (months, quarters,
 * years) and invalid periods. */
static int64_t fixed_period_ms(const qnode_t *p)
{
    static const int64_t unit_ms[] = { 1, 1000, 60000, 3600000, 86400000, 604800000 };
    static const int64_t cap[] = { 1000, 60, 60, 24 };
    if (p->kind != QN_PERIOD || p->period.n < 1 || p->period.unit > QPU_W)
        return 0;
    int64_t n = p->period.n;
    if (p->period.unit <= QPU_H && n > cap[p->period.unit])
        n = cap[p->period.unit];
    if (n > 100000)
        n = 100000;
    return n * unit_ms[p->period.unit];
}

static void emit_time_column(emitter_t *e, buf_t *b, const qnode_t *at)
{
    const rcol_t *ts = rel_find(&e->rel, "@timestamp");
    if (!ts)
        fail(e, at, "%s needs @timestamp, which this stage no longer has", "this function");
    else
        buf_cat(b, ts->ident);
}

static void emit_call(emitter_t *e, buf_t *b, const qnode_t *n)
{
    const query_builtin_t *fn = n->fn;
    if (!fn) {
        fail(e, n, "unknown function '%s'", n->str);
        return;
    }
    const char *name = fn->name;
    if (strcmp(name, "ispresent") == 0) {
        buf_cat(b, "(");
        emit_expr(e, b, n->args[0]);
        buf_cat(b, " IS NOT NULL)");
    } else if (strcmp(name, "coalesce") == 0) {
        buf_cat(b, n->nargs > 1 ? "coalesce(" : "(");
        emit_args(e, b, n, 0);
        buf_cat(b, ")");
    } else if (strcmp(name, "if") == 0) {
        buf_cat(b, "(CASE WHEN ");
        emit_expr(e, b, n->args[0]);
        buf_cat(b, " THEN ");
        emit_expr(e, b, n->args[1]);
        buf_cat(b, " ELSE ");
        emit_expr(e, b, n->args[2]);
        buf_cat(b, " END)");
    } else if (strcmp(name, "case") == 0) {
        buf_cat(b, "(CASE");
        int i = 0;
        for (; i + 1 < n->nargs; i += 2) {
            buf_cat(b, " WHEN ");
            emit_expr(e, b, n->args[i]);
            buf_cat(b, " THEN ");
            emit_expr(e, b, n->args[i + 1]);
        }
        if (i < n->nargs) {
            buf_cat(b, " ELSE ");
            emit_expr(e, b, n->args[i]);
        }
        buf_cat(b, " END)");
    } else if (strcmp(name, "bin") == 0) {
        const qnode_t *p = n->args[0];
        int64_t w = fixed_period_ms(p);
        if (w > 0) {
            /* plain arithmetic, the same floor as obs_datefloor (sqlfuncs_time.c):
             * ts - ((ts - origin) mod w), weeks counted from Monday 1970-01-05 */
            int64_t origin = p->period.unit == QPU_W ? 4 * 86400000LL : 0;
            buf_cat(b, "(");
            emit_time_column(e, b, n);
            buf_cat(b, " - (((");
            emit_time_column(e, b, n);
            buf_printf(b, " - %lld) %% ", (long long)origin);
            emit_int_param(e, b, w);
            buf_cat(b, " + ");
            emit_int_param(e, b, w);
            buf_cat(b, ") % ");
            emit_int_param(e, b, w);
            buf_cat(b, "))");
        } else {
            buf_cat(b, "obs_datefloor(");
            emit_time_column(e, b, n);
            buf_cat(b, ", ");
            emit_period(e, b, p);
            buf_cat(b, ")");
        }
    } else if (strcmp(name, "count") == 0) {
        if (n->nargs == 0 || n->args[0]->kind == QN_STAR) {
            buf_cat(b, "count(*)");
        } else {
            buf_cat(b, "count(");
            emit_expr(e, b, n->args[0]);
            buf_cat(b, ")");
        }
    } else if (strcmp(name, "count_distinct") == 0) {
        buf_cat(b, "count(DISTINCT ");
        emit_expr(e, b, n->args[0]);
        buf_cat(b, ")");
    } else if (!strcmp(name, "avg") || !strcmp(name, "sum") || !strcmp(name, "min") ||
               !strcmp(name, "max") || !strcmp(name, "stddev") || !strcmp(name, "variance") ||
               !strcmp(name, "pct")) {
        /* numeric aggregates see parse-extracted text as numbers */
        buf_printf(b, "%s(obs_num(", fn->sql);
        emit_expr(e, b, n->args[0]);
        buf_cat(b, ")");
        if (n->nargs > 1) {
            buf_cat(b, ", ");
            emit_expr(e, b, n->args[1]);
        }
        buf_cat(b, ")");
    } else if (!strcmp(name, "earliest") || !strcmp(name, "latest")) {
        buf_printf(b, "%s(", fn->sql);
        emit_time_column(e, b, n);
        buf_cat(b, ", ");
        emit_expr(e, b, n->args[0]);
        buf_cat(b, ")");
    } else if (fn->sql) {
        buf_printf(b, "%s(", fn->sql);
        emit_args(e, b, n, 0);
        buf_cat(b, ")");
    } else {
        fail(e, n, "function '%s' cannot be used here", fn->display);
    }
}

static void emit_expr(emitter_t *e, buf_t *b, const qnode_t *n)
{
    if (e->rc)
        return;
    switch (n->kind) {
    case QN_NUMBER:
        emit_num_param(e, b, n->num);
        break;
    case QN_STRING:
        emit_text_param(e, b, n->str);
        break;
    case QN_REGEX:  /* as a function argument (regexReplace): the pattern */
        emit_text_param(e, b, n->str);
        break;
    case QN_BOOL:
        buf_cat(b, n->num ? "1" : "0");
        break;
    case QN_FIELD:
        emit_field(e, b, n);
        break;
    case QN_LIST:
        buf_cat(b, "json_array(");
        emit_args(e, b, n, 0);
        buf_cat(b, ")");
        break;
    case QN_PERIOD:
        fail(e, n, "a time period is only an argument of bin, datefloor or dateceil%s", "");
        break;
    case QN_STAR:
        buf_cat(b, "*");
        break;
    case QN_UNARY:
        buf_cat(b, n->op == QOP_NOT ? "(NOT coalesce(" : "(-(");
        emit_expr(e, b, n->args[0]);
        buf_cat(b, n->op == QOP_NOT ? ", 0))" : "))");
        break;
    case QN_BINARY:
        emit_binary(e, b, n);
        break;
    case QN_CALL:
        emit_call(e, b, n);
        break;
    }
}

/* Is the expression a time value (to print as a timestamp)? */
static int expr_is_time(const emitter_t *e, const qnode_t *n)
{
    if (n->kind == QN_FIELD) {
        const rcol_t *c = rel_find(&e->rel, n->str);
        return c && c->is_time;
    }
    if (n->kind != QN_CALL || !n->fn)
        return 0;
    const char *f = n->fn->name;
    if (!strcmp(f, "bin") || !strcmp(f, "datefloor") || !strcmp(f, "dateceil") ||
        !strcmp(f, "frommillis"))
        return 1;
    if ((!strcmp(f, "min") || !strcmp(f, "max") || !strcmp(f, "earliest") || !strcmp(f, "latest") ||
         !strcmp(f, "sortsfirst") || !strcmp(f, "sortslast")) && n->nargs == 1)
        return expr_is_time(e, n->args[0]);
    return 0;
}

/* ---- commands ------------------------------------------------------------- */

static void cmd_filter(emitter_t *e, const qcmd_t *c)
{
    buf_t w = { 0 };
    emit_expr(e, &w, c->cond);
    step_begin(e);
    buf_printf(&e->sql, "SELECT * FROM s%d WHERE %s)", e->step - 1, w.p ? w.p : "1");
    free(w.p);
}

/* fields / display: computed items become columns; plain fields are shown. */
static void cmd_fields(emitter_t *e, const qcmd_t *c, int display)
{
    buf_t sel = { 0 };
    rcol_t *added = xcalloc((size_t)c->nitems + 1, sizeof *added);
    int nadded = 0;
    if (display) {
        rel_show_clear(&e->rel);
        e->rel.show_from_display = 1;
    } else if (e->rel.show_from_display) {
        /* fields after display: display still decides */
    }
    for (int i = 0; i < c->nitems; i++) {
        const qitem_t *it = &c->items[i];
        if (it->expr->kind == QN_FIELD && !it->alias) {
            if (display || !e->rel.show_from_display)
                rel_show_add(&e->rel, it->expr->str);
            continue;
        }
        char ident[16];
        new_ident(e, ident);
        buf_cat(&sel, ", ");
        emit_expr(e, &sel, it->expr);
        buf_printf(&sel, " AS %s", ident);
        added[nadded].name = it->name;
        snprintf(added[nadded].ident, sizeof added[nadded].ident, "%s", ident);
        added[nadded].is_time = expr_is_time(e, it->expr);
        added[nadded].numeric = 0;
        nadded++;
        if (display || !e->rel.show_from_display)
            rel_show_add(&e->rel, it->name);
    }
    if (nadded) {
        step_begin(e);
        buf_printf(&e->sql, "SELECT *%s FROM s%d)", sel.p, e->step - 1);
        for (int i = 0; i < nadded; i++)
            rel_add(&e->rel, added[i].name, added[i].ident, added[i].is_time, 0);
    }
    free(added);
    free(sel.p);
}

/* count(...), count_distinct(...) and sum(...): what an empty bin has 0 of. */
static int is_count_or_sum(const qnode_t *n)
{
    return n->kind == QN_CALL && n->fn &&
           (!strcmp(n->fn->name, "count") || !strcmp(n->fn->name, "count_distinct") ||
            !strcmp(n->fn->name, "sum"));
}

static int by_is_bin(const qitem_t *it)
{
    return it->expr->kind == QN_CALL && it->expr->fn && strcmp(it->expr->fn->name, "bin") == 0;
}

static void cmd_stats(emitter_t *e, const qcmd_t *c, int last_stats, int tail_free, query_plan_t *plan)
{
    buf_t sel = { 0 }, group = { 0 };
    int total = c->nby + c->nitems;
    rcol_t *out = xcalloc((size_t)total, sizeof *out);

    for (int i = 0; i < c->nby; i++) {
        char ident[16];
        new_ident(e, ident);
        buf_t x = { 0 };
        emit_expr(e, &x, c->by[i].expr);
        buf_printf(&sel, "%s%s AS %s", i ? ", " : "", x.p ? x.p : "NULL", ident);
        buf_printf(&group, "%s%s", i ? ", " : "", x.p ? x.p : "NULL");
        free(x.p);
        out[i].name = c->by[i].name;
        snprintf(out[i].ident, sizeof out[i].ident, "%s", ident);
        out[i].is_time = expr_is_time(e, c->by[i].expr);
    }
    e->stats = c;
    for (int i = 0; i < c->nitems; i++) {
        char ident[16];
        new_ident(e, ident);
        e->stats_upto = i;
        buf_printf(&sel, "%s", c->nby || i ? ", " : "");
        emit_expr(e, &sel, c->items[i].expr);
        buf_printf(&sel, " AS %s", ident);
        out[c->nby + i].name = c->items[i].name;
        snprintf(out[c->nby + i].ident, sizeof out[c->nby + i].ident, "%s", ident);
        out[c->nby + i].is_time = expr_is_time(e, c->items[i].expr);
        out[c->nby + i].numeric = 1;
        out[c->nby + i].fill_zero = is_count_or_sum(c->items[i].expr);
    }
    e->stats = NULL;
    step_begin(e);
    buf_printf(&e->sql, "SELECT %s FROM s%d", sel.p ? sel.p : "NULL", e->step - 1);
    if (c->nby)
        buf_printf(&e->sql, " GROUP BY %s", group.p);
    buf_cat(&e->sql, ")");

    rel_clear_cols(&e->rel);
    rel_show_clear(&e->rel);
    e->rel.show_from_display = 0;
    e->rel.has_event = 0;
    e->rel.aggregated = 1;
    free(e->rel.order);
    e->rel.order = NULL;
    buf_t ord = { 0 };
    for (int i = 0; i < total; i++) {
        rel_add(&e->rel, out[i].name, out[i].ident, out[i].is_time, out[i].numeric)->fill_zero =
            out[i].fill_zero;
        rel_show_add(&e->rel, out[i].name);
        if (i < c->nby)
            buf_printf(&ord, "%s%s ASC", i ? ", " : "", out[i].ident);
    }
    e->rel.order = ord.p;  /* groups in key order unless sorted */
    if (last_stats && tail_free && c->nby == 1 && by_is_bin(&c->by[0])) {
        plan->fill_column = 0;
        plan->fill_n = c->by[0].expr->args[0]->period.n;
        plan->fill_unit = (int)c->by[0].expr->args[0]->period.unit;
    }
    free(out);
    free(sel.p);
    free(group.p);
}

static void cmd_sort(emitter_t *e, const qcmd_t *c)
{
    buf_t ord = { 0 };
    for (int i = 0; i < c->nkeys; i++) {
        if (i)
            buf_cat(&ord, ", ");
        buf_cat(&ord, "obs_sortkey(");
        emit_expr(e, &ord, c->keys[i].expr);
        buf_cat(&ord, c->keys[i].desc ? ") DESC" : ") ASC");
    }
    free(e->rel.order);
    e->rel.order = ord.p;
}

static const char *current_order(emitter_t *e)
{
    if (e->rel.order)
        return e->rel.order;
    const rcol_t *ts = rel_find(&e->rel, "@timestamp");
    if (ts && !e->rel.aggregated) {
        char buf[64];
        snprintf(buf, sizeof buf, e->ascending ? "%s ASC, x_id ASC" : "%s DESC, x_id DESC",
                 ts->ident);
        e->rel.order = xstrdup(buf);
        return e->rel.order;
    }
    return NULL;
}

static void cmd_limit(emitter_t *e, const qcmd_t *c)
{
    const char *ord = current_order(e);
    step_begin(e);
    buf_printf(&e->sql, "SELECT * FROM s%d%s%s LIMIT ", e->step - 1, ord ? " ORDER BY " : "",
              ord ? ord : "");
    emit_int_param(e, &e->sql, c->limit);
    buf_cat(&e->sql, ")");
}

static void cmd_dedup(emitter_t *e, const qcmd_t *c)
{
    buf_t keys = { 0 }, nulls = { 0 };
    for (int i = 0; i < c->nitems; i++) {
        buf_t x = { 0 };
        emit_expr(e, &x, c->items[i].expr);
        buf_printf(&keys, "%s%s", i ? ", " : "", x.p);
        buf_printf(&nulls, " OR %s IS NULL", x.p);
        free(x.p);
    }
    const char *ord = current_order(e);
    step_begin(e);
    buf_printf(&e->sql,
              "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY %s%s%s) AS x_rn%d "
              "FROM s%d) WHERE x_rn%d = 1%s)",
              keys.p, ord ? " ORDER BY " : "", ord ? ord : "", e->step, e->step - 1, e->step,
              nulls.p);
    free(keys.p);
    free(nulls.p);
}

static void cmd_parse(emitter_t *e, const qcmd_t *c)
{
    buf_t src = { 0 }, sel = { 0 };
    if (c->source)
        emit_expr(e, &src, c->source);
    else
        buf_cat(&src, rel_find(&e->rel, "@message") ? rel_find(&e->rel, "@message")->ident : "NULL");
    char (*idents)[16] = xcalloc((size_t)c->nnames + 1, sizeof *idents);
    for (int i = 0; i < c->nnames; i++) {
        new_ident(e, idents[i]);
        if (c->parse_mode == QP_GLOB) {
            buf_cat(&sel, ", obs_glob_group(");
            emit_text_param(e, &sel, c->pattern);
            buf_printf(&sel, ", %s, %d)", src.p, i);
        } else {
            buf_cat(&sel, ", obs_regex_group(");
            emit_text_param(e, &sel, c->pattern);
            buf_printf(&sel, ", %s, ", src.p);
            emit_text_param(e, &sel, c->names[i]);
            buf_cat(&sel, ")");
        }
        buf_printf(&sel, " AS %s", idents[i]);
    }
    if (c->nnames) {
        step_begin(e);
        buf_printf(&e->sql, "SELECT *%s FROM s%d)", sel.p, e->step - 1);
        for (int i = 0; i < c->nnames; i++)
            rel_add(&e->rel, c->names[i], idents[i], 0, 0);
    }
    free(idents);
    free(src.p);
    free(sel.p);
}

static void cmd_unnest(emitter_t *e, const qcmd_t *c)
{
    buf_t x = { 0 };
    char ident[16];
    emit_expr(e, &x, c->unnest_expr);
    new_ident(e, ident);
    step_begin(e);
    buf_printf(&e->sql,
              "SELECT p.*, j.value AS %s FROM s%d p, json_each(CASE WHEN json_valid(%s) AND "
              "json_type(%s) = 'array' THEN %s ELSE json_array(%s) END) j)",
              ident, e->step - 1, x.p, x.p, x.p, x.p);
    rel_add(&e->rel, c->unnest_into, ident, 0, 0);
    free(x.p);
}

/* ---- full-text pre-filter --------------------------------------------------- */

static void add_match(char **acc, char *m)
{
    if (!m)
        return;
    if (!*acc) {
        *acc = m;
        return;
    }
    size_t n = strlen(*acc) + strlen(m) + 16;
    char *both = xmalloc(n);
    snprintf(both, n, "(%s) AND (%s)", *acc, m);
    free(*acc);
    free(m);
    *acc = both;
}

/* Collect pre-filters from the AND-ed `@message like ...` terms of c. */
static void collect_like(const qnode_t *n, const prefilter_vocab_t *vocab, char **acc)
{
    if (n->kind != QN_BINARY)
        return;
    if (n->op == QOP_AND) {
        collect_like(n->args[0], vocab, acc);
        collect_like(n->args[1], vocab, acc);
        return;
    }
    if ((n->op != QOP_LIKE && n->op != QOP_MATCH) || n->args[0]->kind != QN_FIELD ||
        strcmp(n->args[0]->str, "@message") != 0)
        return;
    const qnode_t *r = n->args[1];
    if (r->kind == QN_STRING)
        add_match(acc, prefilter_substring(r->str, strlen(r->str), vocab));
    else if (r->kind == QN_REGEX)
        add_match(acc, prefilter_regex(r->str, vocab));
}

static int defines_message(const qcmd_t *c)
{
    for (int i = 0; i < c->nitems; i++)
        if (c->items[i].alias && strcmp(c->items[i].alias, "@message") == 0)
            return 1;
    for (int i = 0; i < c->nnames; i++)
        if (strcmp(c->names[i], "@message") == 0)
            return 1;
    return c->kind == QC_UNNEST && c->unnest_into && strcmp(c->unnest_into, "@message") == 0;
}

/* The MATCH expression every result row's event satisfies, from the filters
 * that see all events (before stats, limit, dedup or unnest change the
 * rows), or NULL. */
static char *fts_prefilter(const query_ast_t *q, const prefilter_vocab_t *vocab)
{
    char *acc = NULL;
    for (int i = 0; i < q->ncmds; i++) {
        const qcmd_t *c = &q->cmds[i];
        if (c->kind == QC_STATS || c->kind == QC_LIMIT || c->kind == QC_DEDUP ||
            c->kind == QC_UNNEST || defines_message(c))
            break;
        if (c->kind == QC_FILTER)
            collect_like(c->cond, vocab, &acc);
    }
    return acc;
}

/* Does a filter that sees every event require @type to be a REPORT line?
 * Then the planner adds the implied e.kind = 4, which lets SQLite answer
 * from the events_report partial index (schema v4). */
static int requires_report(const qnode_t *n)
{
    if (n->kind != QN_BINARY)
        return 0;
    if (n->op == QOP_AND)
        return requires_report(n->args[0]) || requires_report(n->args[1]);
    if (n->op != QOP_EQ)
        return 0;
    const qnode_t *f = n->args[0], *v = n->args[1];
    if (f->kind != QN_FIELD)
        f = n->args[1], v = n->args[0];
    return f->kind == QN_FIELD && strcmp(f->str, "@type") == 0 && v->kind == QN_STRING &&
           (strcmp(v->str, "REPORT") == 0 || strcmp(v->str, "platform.report") == 0);
}

static int report_only(const query_ast_t *q)
{
    for (int i = 0; i < q->ncmds; i++) {
        const qcmd_t *c = &q->cmds[i];
        if (c->kind == QC_STATS || c->kind == QC_LIMIT || c->kind == QC_DEDUP ||
            c->kind == QC_UNNEST)
            return 0;
        for (int k = 0; k < c->nitems; k++)
            if (c->items[k].alias && strcmp(c->items[k].alias, "@type") == 0)
                return 0;
        for (int k = 0; k < c->nnames; k++)
            if (strcmp(c->names[k], "@type") == 0)
                return 0;
        if (c->kind == QC_FILTER && requires_report(c->cond))
            return 1;
    }
    return 0;
}

/* Does any expression of the query name one of the stream's fields? */
static int node_uses_stream(const qnode_t *n)
{
    if (!n)
        return 0;
    if (n->kind == QN_FIELD)
        return strcmp(n->str, "@logStream") == 0 || strcmp(n->str, "@log") == 0;
    for (int i = 0; i < n->nargs; i++)
        if (node_uses_stream(n->args[i]))
            return 1;
    return 0;
}

static int items_use_stream(const qitem_t *v, int n)
{
    for (int i = 0; i < n; i++)
        if (node_uses_stream(v[i].expr))
            return 1;
    return 0;
}

static int query_uses_stream(const query_ast_t *q)
{
    for (int i = 0; i < q->ncmds; i++) {
        const qcmd_t *c = &q->cmds[i];
        if (items_use_stream(c->items, c->nitems) || items_use_stream(c->by, c->nby) ||
            node_uses_stream(c->cond) || node_uses_stream(c->source) ||
            node_uses_stream(c->unnest_expr))
            return 1;
        for (int k = 0; k < c->nkeys; k++)
            if (node_uses_stream(c->keys[k].expr))
                return 1;
    }
    return 0;
}

/* ---- the statement ------------------------------------------------------- */

static void emit_base(emitter_t *e, const query_plan_opts_t *o)
{
    buf_cat(&e->sql, "WITH s0 AS (SELECT e.id AS x_id, e.kind AS x_kind, e.stream_id AS x_stream,\n"
                    "  CASE WHEN e.json_at IS NULL THEN NULL\n"
                    "    ELSE CAST(substr(CAST(e.message AS BLOB), e.json_at + 1) AS TEXT) END AS x_json");
    /* The stream table is joined only when the query uses its fields or
     * selects functions: REPORT stats then stay an index-only scan. */
    int join = o->nfunctions > 0 || query_uses_stream(e->q);
    for (size_t i = 0; i < sizeof sysfields / sizeof *sysfields; i++) {
        char ident[16];
        snprintf(ident, sizeof ident, "f%zu", i);
        int stream_col = strstr(sysfields[i].expr, "s.") != NULL;
        buf_printf(&e->sql, ",\n  %s AS %s", stream_col && !join ? "NULL" : sysfields[i].expr, ident);
        rel_add(&e->rel, sysfields[i].name, ident, sysfields[i].is_time, sysfields[i].numeric);
    }
    buf_cat(&e->sql, join ? "\n  FROM events e JOIN streams s ON s.id = e.stream_id WHERE 1"
                         : "\n  FROM events e WHERE 1");
    if (o->since_ms >= 0) {
        buf_cat(&e->sql, " AND e.ts >= ");
        emit_int_param(e, &e->sql, o->since_ms);
    }
    if (o->until_ms >= 0) {
        buf_cat(&e->sql, " AND e.ts < ");
        emit_int_param(e, &e->sql, o->until_ms);
    }
    if (o->after_id > 0) {
        buf_cat(&e->sql, " AND e.id > ");
        emit_int_param(e, &e->sql, o->after_id);
    }
    if (o->nfunctions > 0) {
        buf_cat(&e->sql, " AND s.function IN (");
        for (int i = 0; i < o->nfunctions; i++) {
            if (i)
                buf_cat(&e->sql, ", ");
            emit_text_param(e, &e->sql, o->functions[i]);
        }
        buf_cat(&e->sql, ")");
    }
    if (report_only(e->q))
        buf_cat(&e->sql, " AND e.kind = 4");  /* implied by @type = REPORT */
    char *match = fts_prefilter(e->q, o->vocab);
    if (match) {
        /* every event is in events_fts (schema v3): candidates come from it */
        buf_cat(&e->sql, " AND e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ");
        emit_text_param(e, &e->sql, match);
        buf_cat(&e->sql, ")");
        free(match);
    }
    buf_cat(&e->sql, ")");
    e->rel.has_event = 1;
}

static void emit_final(emitter_t *e, const query_plan_opts_t *o, query_plan_t *plan)
{
    rel_t *r = &e->rel;
    if (r->nshow == 0 && !r->aggregated) {
        rel_show_add(r, "@timestamp");
        rel_show_add(r, "@message");
    }
    const char *ord = current_order(e);
    buf_cat(&e->sql, "\nSELECT ");
    plan->columns = xcalloc((size_t)r->nshow + 1, sizeof *plan->columns);
    for (int i = 0; i < r->nshow; i++) {
        const rcol_t *c = find_field(r, r->show[i]);
        qnode_t f;
        memset(&f, 0, sizeof f);
        f.kind = QN_FIELD;
        f.str = r->show[i];
        if (i)
            buf_cat(&e->sql, ", ");
        emit_field(e, &e->sql, &f);
        plan->columns[i].name = xstrdup(r->show[i]);
        plan->columns[i].is_time = c && c->is_time;
        plan->columns[i].fill_zero = c && c->fill_zero;
    }
    plan->ncolumns = r->nshow;
    plan->aggregated = r->aggregated;
    if (o->with_ids && !r->aggregated) {
        buf_cat(&e->sql, ", x_id, x_stream");
        plan->has_ids = 1;
    }
    buf_printf(&e->sql, " FROM s%d", e->step);
    if (ord)
        buf_printf(&e->sql, " ORDER BY %s", ord);
    if (o->max_rows > 0 && plan->fill_column < 0) {  /* with fill: run.c caps */
        buf_cat(&e->sql, " LIMIT ");
        emit_int_param(e, &e->sql, o->max_rows);
    }
}

int query_plan_build(const query_ast_t *q, const query_plan_opts_t *o, query_plan_t **out,
                     obs_err_t *err)
{
    emitter_t e;
    query_plan_t *plan = xcalloc(1, sizeof *plan);
    memset(&e, 0, sizeof e);
    e.err = err;
    e.q = q;
    e.ascending = o->ascending;
    plan->fill_column = -1;

    int last_stats = -1;
    for (int i = 0; i < q->ncmds; i++)
        if (q->cmds[i].kind == QC_STATS)
            last_stats = i;

    emit_base(&e, o);
    for (int i = 0; i < q->ncmds && !e.rc; i++) {
        const qcmd_t *c = &q->cmds[i];
        switch (c->kind) {
        case QC_FILTER: cmd_filter(&e, c); break;
        case QC_FIELDS: cmd_fields(&e, c, 0); break;
        case QC_DISPLAY: cmd_fields(&e, c, 1); break;
        case QC_STATS: {
            int tail_free = 1;  /* nothing after it reorders or drops bins */
            for (int k = i + 1; k < q->ncmds; k++)
                tail_free &= q->cmds[k].kind != QC_LIMIT && q->cmds[k].kind != QC_DEDUP &&
                             q->cmds[k].kind != QC_FILTER && q->cmds[k].kind != QC_SORT;
            cmd_stats(&e, c, i == last_stats, tail_free, plan);
            break;
        }
        case QC_SORT: cmd_sort(&e, c); break;
        case QC_LIMIT: cmd_limit(&e, c); break;
        case QC_DEDUP: cmd_dedup(&e, c); break;
        case QC_PARSE: cmd_parse(&e, c); break;
        case QC_UNNEST: cmd_unnest(&e, c); break;
        }
    }
    if (!e.rc)
        emit_final(&e, o, plan);
    plan->sql = e.sql.p;
    plan->params = e.params;
    plan->nparams = e.nparams;
    rel_free(&e.rel);
    if (e.rc) {
        query_plan_free(plan);
        return e.rc;
    }
    *out = plan;
    return 0;
}

void query_plan_free(query_plan_t *p)
{
    if (!p)
        return;
    free(p->sql);
    for (int i = 0; i < p->nparams; i++)
        free(p->params[i].s);
    free(p->params);
    for (int i = 0; i < p->ncolumns; i++)
        free(p->columns[i].name);
    free(p->columns);
    free(p);
}
