/* query/emit_expr.c — the SQL of expressions: fields (columns of the
 * relation, else JSON paths into the event, bound as parameters), literals
 * (always bound parameters; a period added to or subtracted from something
 * is its milliseconds), operators with CloudWatch's coercions (a time
 * compared with a string literal reads the string as a time), and
 * function calls through the builtins table; and the relation they are
 * written over (its columns, shown names and steps), which every command's
 * emitter shares. Part of the emitter (emit_int.h); errors are sticky. */
#include "query/emit_int.h"
#include "query/textfields.h"
#include "query/timearg.h"
#include "query/builtins.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void emit__fail(emitter_t *e, const qnode_t *at, const char *fmt, const char *arg)
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

void emit__text_param(emitter_t *e, buf_t *b, const char *s)
{
    buf_printf(b, "?%d", add_param(e, QPT_TEXT, 0, 0, s));
}

void emit__int_param(emitter_t *e, buf_t *b, int64_t v)
{
    buf_printf(b, "?%d", add_param(e, QPT_INT, v, 0, NULL));
}

void emit__num_param(emitter_t *e, buf_t *b, double v)
{
    if (v == floor(v) && fabs(v) < 9e15)
        emit__int_param(e, b, (int64_t)v);
    else
        buf_printf(b, "?%d", add_param(e, QPT_REAL, 0, v, NULL));
}

const rcol_t *emit__rel_find(const rel_t *r, const char *name)
{
    for (int i = r->n - 1; i >= 0; i--)
        if (strcmp(r->cols[i].name, name) == 0)
            return &r->cols[i];
    return NULL;
}

/* A field by name; @x also names a created x (AWS's own samples do this). */
const rcol_t *emit__find_field(const rel_t *r, const char *name)
{
    const rcol_t *c = emit__rel_find(r, name);
    if (!c && name[0] == '@' && name[1] != '@')
        c = emit__rel_find(r, name + 1);
    return c;
}

/* ---- the relation ------------------------------------------------------------ */

rcol_t *emit__rel_add(rel_t *r, const char *name, const char *ident, int is_time, int numeric)
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

void emit__rel_clear_cols(rel_t *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->cols[i].name);
    r->n = 0;
}

void emit__rel_show_add(rel_t *r, const char *name, const char *path)
{
    for (int i = 0; i < r->nshow; i++)
        if (strcmp(r->show[i], name) == 0)
            return;
    r->show = xrealloc(r->show, (size_t)(r->nshow + 1) * sizeof *r->show);
    r->show_path = xrealloc(r->show_path, (size_t)(r->nshow + 1) * sizeof *r->show_path);
    r->show_path[r->nshow] = path ? xstrdup(path) : NULL;
    r->show[r->nshow++] = xstrdup(name);
}

void emit__rel_show_clear(rel_t *r)
{
    for (int i = 0; i < r->nshow; i++) {
        free(r->show[i]);
        free(r->show_path[i]);
    }
    r->nshow = 0;
}

void emit__rel_set_ties(rel_t *r, const char *ties)
{
    char *t = ties ? xstrdup(ties) : NULL;
    free(r->ties);
    r->ties = t;
}

void emit__new_ident(emitter_t *e, char out[16])
{
    snprintf(out, 16, "c%d", ++e->ncols);
}

/* Begin CTE s<step+1> over s<step>. */
void emit__step_begin(emitter_t *e)
{
    e->step++;
    buf_printf(&e->sql, ",\ns%d AS (", e->step);
}

/* ---- expressions ----------------------------------------------------------- */


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

void emit__field(emitter_t *e, buf_t *b, const qnode_t *n)
{
    const qitem_t *alias = stats_alias(e, n->str);
    if (alias) {
        buf_cat(b, "(");
        emit__expr(e, b, alias->expr);
        buf_cat(b, ")");
        return;
    }
    const rcol_t *c = emit__find_field(&e->rel, n->str);
    if (c) {
        buf_cat(b, c->ident);
        return;
    }
    /* a.b.c where a is a created field (jsonParse(...) as a): a JSON path into it */
    const char *sep = n->path ? strchr(n->path, '\x1f') : NULL;
    if (sep) {
        char *first = xstrndup(n->path, (size_t)(sep - n->path));
        const rcol_t *base = emit__find_field(&e->rel, first);
        free(first);
        if (base && base->ident[0] == 'c') {
            char *path = json_path(sep + 1);
            buf_printf(b, "json_extract(%s, ", base->ident);
            emit__text_param(e, b, path);
            buf_cat(b, ")");
            free(path);
            return;
        }
    }
    /* JSON fields; a key that starts with '@' is written with one more: @@key */
    const char *path = n->path ? n->path : n->str;
    if (e->rel.has_event && (path[0] != '@' || path[1] == '@')) {
        /* a field CloudWatch discovers in a text format (VPC flow logs,
         * Route 53): from the line's words when the event has no such JSON key */
        const char *text = path[0] != '@' && !strchr(path, '\x1f') && e->msg_ident[0] &&
                           query_textfield_known(path) ? path : NULL;
        /* a dotted name may also be a key with dots in it, as CloudWatch
         * flattens {"attributes": {"http.route": ...}} to attributes.http.route */
        const char *flat = strchr(path, '\x1f') ? (path[0] == '@' ? path + 1 : path) : NULL;
        char *jpath = json_path(path[0] == '@' ? path + 1 : path);
        buf_cat(b, text || flat ? "COALESCE(json_extract(x_json, " : "json_extract(x_json, ");
        emit__text_param(e, b, jpath);
        buf_cat(b, ")");
        if (text) {
            buf_printf(b, ", obs_textfield(%s, ", e->msg_ident);
            emit__text_param(e, b, text);
            buf_cat(b, "))");
        } else if (flat) {
            buf_cat(b, ", obs_json_flat(x_json, ");
            emit__text_param(e, b, flat);
            buf_cat(b, "))");
        }
        free(jpath);
        return;
    }
    buf_cat(b, "NULL");  /* a field this relation does not have */
}

static int is_number_literal(const qnode_t *n)
{
    return n->kind == QN_NUMBER || (n->kind == QN_UNARY && n->op == QOP_NEG &&
                                    n->args[0]->kind == QN_NUMBER);
}

/* A number by its kind: a number literal, a period (in + and -: its
 * milliseconds), arithmetic or a negation (whose operands are read as
 * numbers, so it is a number or no value). */
static int is_number_expr(const qnode_t *n)
{
    if (is_number_literal(n) || n->kind == QN_PERIOD)
        return 1;
    if (n->missing || n->colref)
        return 0;
    if (n->kind == QN_BINARY)
        return n->op >= QOP_ADD && n->op <= QOP_POW;
    return n->kind == QN_UNARY && n->op == QOP_NEG;
}

/* A number expression or a typed numeric column: read as it is. Anything
 * else that is read as a number (compared with one, in arithmetic, in a
 * numeric aggregate) goes through obs_numval(): numeric text is its number
 * ("150" from parse = 150), other text is no value (NULL), as a missing
 * field is. */
static int is_typed_numeric(const emitter_t *e, const qnode_t *n)
{
    if (is_number_expr(n))
        return 1;
    if (n->kind == QN_FIELD && !n->missing && !n->colref) {
        const rcol_t *c = emit__rel_find(&e->rel, n->str);
        return c && c->numeric;
    }
    return 0;
}

/* n, read as a number when coerce: obs_num() keeps text that is no number
 * (x in [1, "a"] compares each element with its own type), obs_numval()
 * makes it no value. */
static void emit_operand(emitter_t *e, buf_t *b, const qnode_t *n, const char *coerce)
{
    if (coerce) {
        buf_printf(b, "%s(", coerce);
        emit__expr(e, b, n);
        buf_cat(b, ")");
    } else {
        emit__expr(e, b, n);
    }
}

/* An operand of arithmetic: a number, or no value. */
static void emit_num_operand(emitter_t *e, buf_t *b, const qnode_t *n)
{
    emit_operand(e, b, n, is_typed_numeric(e, n) ? NULL : "obs_numval");
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

/* Is text a string literal compared with time, a time value? Then it is
 * read as a time (`@timestamp >= "2026-11-01T01:00:00Z"`), as CloudWatch
 * compares them, not as text that every number sorts before. */
static int is_time_text(const emitter_t *e, const qnode_t *time, const qnode_t *text)
{
    return text->kind == QN_STRING && !text->colref && emit__expr_is_time(e, time);
}

/* Such a string as epoch ms; one that is no time is an error. */
static void emit_time_text(emitter_t *e, buf_t *b, const qnode_t *text)
{
    int64_t ms;
    if (timearg_literal(text->str, &ms) != 0) {
        emit__fail(e, text, "\"%.60s\" is compared with a time but is none: write an ISO-8601 time such as "
                   "\"2026-11-01T01:00:00Z\"", text->str);
        return;
    }
    emit__int_param(e, b, ms);
}

static void emit_binary(emitter_t *e, buf_t *b, const qnode_t *n)
{
    const qnode_t *l = n->args[0], *r = n->args[1];
    switch (n->op) {
    case QOP_POW:
        buf_cat(b, "pow(");
        emit_num_operand(e, b, l);
        buf_cat(b, ", ");
        emit_num_operand(e, b, r);
        buf_cat(b, ")");
        return;
    case QOP_DIV:
        /* Logs Insights divides as numbers: 7 / 2 = 3.5 */
        buf_cat(b, "(CAST(");
        emit_num_operand(e, b, l);
        buf_cat(b, " AS REAL) / ");
        emit_num_operand(e, b, r);
        buf_cat(b, ")");
        return;
    case QOP_LIKE:
    case QOP_NOT_LIKE:
    case QOP_MATCH:
        buf_cat(b, n->op == QOP_NOT_LIKE ? "(NOT coalesce(" : "coalesce(");
        if (r->kind == QN_REGEX || (n->op == QOP_MATCH && r->kind == QN_STRING)) {  /* =~ "re" */
            buf_cat(b, "obs_regexp(");
            emit__text_param(e, b, r->str);
            buf_cat(b, ", ");
            emit__expr(e, b, l);
            buf_cat(b, ")");
        } else {
            buf_cat(b, "instr(");
            emit__expr(e, b, l);
            buf_cat(b, ", ");
            emit__expr(e, b, r);
            buf_cat(b, ") > 0");
        }
        buf_cat(b, n->op == QOP_NOT_LIKE ? ", 0))" : ", 0)");
        return;
    case QOP_IN:
    case QOP_NOT_IN: {
        /* a list of numbers only: x is read as a number (other text is no
         * value, as in x = 1 or x = 2); with text in it too, each element
         * compares with its own type */
        int numbers = 0, texts = 0;
        for (int i = 0; i < r->nargs; i++) {
            numbers |= is_number_literal(r->args[i]);
            texts |= !is_number_literal(r->args[i]);
        }
        buf_cat(b, "(");
        emit_operand(e, b, l, !numbers || is_typed_numeric(e, l) ? NULL : texts ? "obs_num" : "obs_numval");
        buf_cat(b, n->op == QOP_IN ? " IN (" : " NOT IN (");
        for (int i = 0; i < r->nargs; i++) {
            if (i)
                buf_cat(b, ", ");
            emit__expr(e, b, r->args[i]);
        }
        buf_cat(b, "))");
        return;
    }
    default:
        break;
    }
    const char *op = sql_binop(n->op);
    if (!op) {
        emit__fail(e, n, "operator not supported here%s", "");
        return;
    }
    /* arithmetic reads both operands as numbers; a comparison with a number
     * (or of a time with text, read as a time) reads the other side as one */
    int arith = n->op >= QOP_ADD && n->op <= QOP_MOD;
    int cmp = n->op >= QOP_EQ && n->op <= QOP_GE;
    int time_l = cmp && is_time_text(e, r, l), time_r = cmp && is_time_text(e, l, r);
    int coerce_l = (arith || (cmp && (is_number_expr(r) || time_r))) && !is_typed_numeric(e, l);
    int coerce_r = (arith || (cmp && (is_number_expr(l) || time_l))) && !is_typed_numeric(e, r);
    buf_cat(b, "(");
    if (time_l)
        emit_time_text(e, b, l);
    else
        emit_operand(e, b, l, coerce_l ? "obs_numval" : NULL);
    buf_cat(b, op);
    if (time_r)
        emit_time_text(e, b, r);
    else
        emit_operand(e, b, r, coerce_r ? "obs_numval" : NULL);
    buf_cat(b, ")");
}

/* A period argument becomes two: n, unit (see obs_datefloor). */
static void emit_period(emitter_t *e, buf_t *b, const qnode_t *n)
{
    if (n->kind != QN_PERIOD) {
        emit__fail(e, n, "expected a time period such as 5m or 1h%s", "");
        return;
    }
    emit__int_param(e, b, n->period.n);
    buf_cat(b, ", ");
    emit__int_param(e, b, (int64_t)n->period.unit);
}

static void emit_args(emitter_t *e, buf_t *b, const qnode_t *n, int from)
{
    for (int i = from; i < n->nargs; i++) {
        if (i > from)
            buf_cat(b, ", ");
        if (n->args[i]->kind == QN_PERIOD)
            emit_period(e, b, n->args[i]);
        else
            emit__expr(e, b, n->args[i]);
    }
}

/* SQLite refuses a call of more than SQLITE_MAX_FUNCTION_ARG (127 by
 * default) arguments. The variadic functions (concat, greatest, least,
 * coalesce) mean the same over contiguous runs of their arguments, each
 * folded by the function first (concat and coalesce are associative;
 * greatest and least skip what a run gives no value for, and keep the first
 * of equal values), so a longer call is written as a tree of calls of at
 * most this many arguments each: depth 3 covers 2 million arguments. */
#define EMIT_MAX_CALL_ARGS 127

/* sql(args[from..to)) as such a tree; one argument of coalesce is itself. */
static void emit_variadic(emitter_t *e, buf_t *b, const char *sql, const qnode_t *n, int from, int to)
{
    int count = to - from;
    if (count == 1 && strcmp(sql, "coalesce") == 0) {
        buf_cat(b, "(");
        emit__expr(e, b, n->args[from]);
        buf_cat(b, ")");
        return;
    }
    int run = (count + EMIT_MAX_CALL_ARGS - 1) / EMIT_MAX_CALL_ARGS;  /* args per inner call */
    buf_printf(b, "%s(", sql);
    for (int i = from; i < to; i += run) {
        if (i > from)
            buf_cat(b, ", ");
        if (run == 1)
            emit__expr(e, b, n->args[i]);
        else
            emit_variadic(e, b, sql, n, i, i + run < to ? i + run : to);
    }
    buf_cat(b, ")");
}

/* A period of fixed length in ms (ms .. weeks), with the caps obs_datefloor
 * applies (300s counts as 60s); 0 for calendar units (months, quarters,
 * years) and invalid periods. */
int64_t emit__fixed_period_ms(const qnode_t *p)
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

int64_t emit__period_origin_ms(const qnode_t *p)
{
    return p->period.unit == QPU_W ? 4 * 86400000LL : 0;
}

static void emit_time_column(emitter_t *e, buf_t *b, const qnode_t *at)
{
    const rcol_t *ts = emit__rel_find(&e->rel, "@timestamp");
    if (!ts)
        emit__fail(e, at, "%s needs @timestamp, which this stage no longer has", "this function");
    else
        buf_cat(b, ts->ident);
}

static void emit_call(emitter_t *e, buf_t *b, const qnode_t *n)
{
    const query_builtin_t *fn = n->fn;
    if (!fn) {
        emit__fail(e, n, "unknown function '%s'", n->str);
        return;
    }
    const char *name = fn->name;
    if (strcmp(name, "unmask") == 0) {  /* nothing is masked locally */
        buf_cat(b, "(");
        emit__expr(e, b, n->args[0]);
        buf_cat(b, ")");
    } else if (strcmp(name, "ispresent") == 0) {
        buf_cat(b, "(");
        emit__expr(e, b, n->args[0]);
        buf_cat(b, " IS NOT NULL)");
    } else if (strcmp(name, "coalesce") == 0) {
        emit_variadic(e, b, "coalesce", n, 0, n->nargs);
    } else if (strcmp(name, "if") == 0) {
        buf_cat(b, "(CASE WHEN ");
        emit__expr(e, b, n->args[0]);
        buf_cat(b, " THEN ");
        emit__expr(e, b, n->args[1]);
        buf_cat(b, " ELSE ");
        emit__expr(e, b, n->args[2]);
        buf_cat(b, " END)");
    } else if (strcmp(name, "case") == 0) {
        buf_cat(b, "(CASE");
        int i = 0;
        for (; i + 1 < n->nargs; i += 2) {
            buf_cat(b, " WHEN ");
            emit__expr(e, b, n->args[i]);
            buf_cat(b, " THEN ");
            emit__expr(e, b, n->args[i + 1]);
        }
        if (i < n->nargs) {
            buf_cat(b, " ELSE ");
            emit__expr(e, b, n->args[i]);
        }
        buf_cat(b, " END)");
    } else if (strcmp(name, "bin") == 0) {
        const qnode_t *p = n->args[0];
        int64_t w = emit__fixed_period_ms(p);
        if (w > 0) {
            /* plain arithmetic, the same floor as obs_datefloor (sqlfuncs_time.c):
             * ts - ((ts - origin) mod w), weeks counted from Monday 1970-01-05 */
            int64_t origin = emit__period_origin_ms(p);
            buf_cat(b, "(");
            emit_time_column(e, b, n);
            buf_cat(b, " - (((");
            emit_time_column(e, b, n);
            buf_printf(b, " - %lld) %% ", (long long)origin);
            emit__int_param(e, b, w);
            buf_cat(b, " + ");
            emit__int_param(e, b, w);
            buf_cat(b, ") % ");
            emit__int_param(e, b, w);
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
            emit__expr(e, b, n->args[0]);
            buf_cat(b, ")");
        }
    } else if (strcmp(name, "count_distinct") == 0) {
        buf_cat(b, "count(DISTINCT ");
        emit__expr(e, b, n->args[0]);
        buf_cat(b, ")");
    } else if (!strcmp(name, "avg") || !strcmp(name, "sum") || !strcmp(name, "min") ||
               !strcmp(name, "max") || !strcmp(name, "stddev") || !strcmp(name, "variance") ||
               !strcmp(name, "pct")) {
        /* numeric aggregates see parse-extracted text as numbers and skip
         * other text (SQLite's avg and sum would count it as 0); pct,
         * stddev and variance skip it themselves, and so do obs_min and
         * obs_max while any value is a number (sqlfuncs_agg.c). A typed
         * numeric column is read as it is (SQLite's min and max of an
         * indexed column can then read the index's end). */
        int minmax = !strcmp(name, "min") || !strcmp(name, "max");
        if (minmax && is_typed_numeric(e, n->args[0]))
            buf_printf(b, "%s(", name);
        else if (minmax)
            buf_printf(b, "obs_%s(", name);
        else
            buf_printf(b, "%s(", fn->sql);
        if (minmax)
            emit__expr(e, b, n->args[0]);
        else
            emit_num_operand(e, b, n->args[0]);
        if (n->nargs > 1) {
            buf_cat(b, ", ");
            emit__expr(e, b, n->args[1]);
        }
        buf_cat(b, ")");
    } else if (!strcmp(name, "earliest") || !strcmp(name, "latest")) {
        buf_printf(b, "%s(", fn->sql);
        emit_time_column(e, b, n);
        buf_cat(b, ", ");
        emit__expr(e, b, n->args[0]);
        buf_cat(b, ")");
    } else if (fn->sql && fn->max_args < 0) {
        emit_variadic(e, b, fn->sql, n, 0, n->nargs);
    } else if (fn->sql) {
        buf_printf(b, "%s(", fn->sql);
        emit_args(e, b, n, 0);
        buf_cat(b, ")");
    } else {
        emit__fail(e, n, "function '%s' cannot be used here", fn->display);
    }
}

void emit__expr(emitter_t *e, buf_t *b, const qnode_t *n)
{
    if (e->rc)
        return;
    if (n->missing) {  /* the lenient checker found it nowhere: empty */
        buf_cat(b, "NULL");
        return;
    }
    if (n->colref) {  /* a stats' own expression: its output column */
        qnode_t f;
        memset(&f, 0, sizeof f);
        f.kind = QN_FIELD;
        f.str = n->colref;
        emit__field(e, b, &f);
        return;
    }
    switch (n->kind) {
    case QN_NUMBER:
        emit__num_param(e, b, n->num);
        break;
    case QN_STRING:
        emit__text_param(e, b, n->str);
        break;
    case QN_REGEX:  /* as a function argument (regexReplace): the pattern */
        emit__text_param(e, b, n->str);
        break;
    case QN_BOOL:
        buf_cat(b, n->num ? "1" : "0");
        break;
    case QN_FIELD:
        emit__field(e, b, n);
        break;
    case QN_LIST:
        buf_cat(b, "json_array(");
        emit_args(e, b, n, 0);
        buf_cat(b, ")");
        break;
    case QN_PERIOD:  /* an operand of + or - (the checker's rule): its milliseconds */
        if (qnode_period_ms(n) < 0)
            emit__fail(e, n, "a month, quarter or year has no fixed length to add or subtract%s", "");
        else
            emit__num_param(e, b, qnode_period_ms(n));
        break;
    case QN_STAR:
        buf_cat(b, "*");
        break;
    case QN_UNARY:
        /* an operand is a parameter, a column, a call or parenthesized:
         * "-" needs no parentheses of its own (each level of nesting
         * counts against SQLite's parser stack) */
        buf_cat(b, n->op == QOP_NOT ? "(NOT coalesce(" : "(-");
        if (n->op == QOP_NOT)
            emit__expr(e, b, n->args[0]);
        else
            emit_num_operand(e, b, n->args[0]);
        buf_cat(b, n->op == QOP_NOT ? ", 0))" : ")");
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
int emit__expr_is_time(const emitter_t *e, const qnode_t *n)
{
    if (n->colref) {
        const rcol_t *c = emit__find_field(&e->rel, n->colref);
        return c && c->is_time;
    }
    if (n->missing)
        return 0;
    if (n->kind == QN_FIELD) {
        const rcol_t *c = emit__rel_find(&e->rel, n->str);
        return c && c->is_time;
    }
    if (n->kind == QN_BINARY && (n->op == QOP_ADD || n->op == QOP_SUB)) {
        /* a time plus or minus a number (a period) is a time; a time minus
         * a time is a duration */
        int l = emit__expr_is_time(e, n->args[0]), r = emit__expr_is_time(e, n->args[1]);
        return n->op == QOP_ADD ? l != r : l && !r;
    }
    if (n->kind != QN_CALL || !n->fn)
        return 0;
    const char *f = n->fn->name;
    if (!strcmp(f, "bin") || !strcmp(f, "datefloor") || !strcmp(f, "dateceil") ||
        !strcmp(f, "frommillis"))
        return 1;
    if ((!strcmp(f, "min") || !strcmp(f, "max") || !strcmp(f, "earliest") || !strcmp(f, "latest") ||
         !strcmp(f, "sortsfirst") || !strcmp(f, "sortslast")) && n->nargs == 1)
        return emit__expr_is_time(e, n->args[0]);
    return 0;
}
