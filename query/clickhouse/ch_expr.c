/* query/clickhouse/ch_expr.c — expressions in ClickHouse SQL (see
 * ch_int.h), each with a static type, computing what the SQLite dialect
 * computes: SQLite's comparisons between classes (NULL, numbers, text: a
 * number is less than any text) but where a side is a number (a literal,
 * arithmetic), which reads the other as obs_numval() does (text that is no
 * number is no value, as in arithmetic), its three-valued AND/OR, a JSON
 * field's value typed as json_extract() types it, division by zero as NULL
 * (how each type reads as a number or a boolean: ch_value.c), a time
 * compared with a string literal as a time, a period in + and - as its
 * milliseconds. Literals are quoted (clickhouse/ch_quote.c): ClickHouse 18.16
 * binds nothing over HTTP. What this file cannot write exactly is refused. */
#include "query/clickhouse/ch_int.h"
#include "query/builtins.h"
#include "query/timearg.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void field(chem_t *e, const qnode_t *n, cx_t *x);

/* The stats item of the current stats visible by its alias. */
static const qitem_t *stats_alias(const chem_t *e, const char *name)
{
    if (!e->stats)
        return NULL;
    for (int i = 0; i < e->stats_upto && i < e->stats->nitems; i++)
        if (e->stats->items[i].alias && strcmp(e->stats->items[i].alias, name) == 0)
            return &e->stats->items[i];
    return NULL;
}

static void field(chem_t *e, const qnode_t *n, cx_t *x)
{
    const qitem_t *alias = stats_alias(e, n->str);
    if (alias) {
        ch__expr(e, alias->expr, x);
        return;
    }
    const ccol_t *c = ch__find(e, n->str);
    if (c) {
        x->ty = c->ty;
        x->is_time = c->is_time;
        buf_cat(&x->v, c->ident);
        if (c->ty == CT_DYN)
            buf_printf(&x->t, "%s_t", c->ident);
        return;
    }
    const char *sep = n->path ? strchr(n->path, '\x1f') : NULL;
    if (sep) {
        char *first = xstrndup(n->path, (size_t)(sep - n->path));
        const ccol_t *base = ch__find(e, first);
        free(first);
        if (base) {
            ch__refuse(e, n, "a path into a field made by the query (jsonParse)");
            return;
        }
    }
    const char *path = n->path ? n->path : n->str;
    if (e->has_event && (path[0] != '@' || path[1] == '@')) {
        int at = path[0] == '@';  /* "@@key": a JSON key that starts with '@' */
        if (at)
            path++;
        buf_t key = { 0 };
        for (const char *seg = path;;) {
            const char *end = strchr(seg, '\x1f');
            size_t len = end ? (size_t)(end - seg) : strlen(seg);
            int digits = len > 0;
            for (size_t i = 0; i < len; i++)
                digits &= seg[i] >= '0' && seg[i] <= '9';
            ch_json_key_add(&key, seg, len, digits);
            if (!end)
                break;
            seg = end + 1;
        }
        buf_t q = { 0 };
        ch_quote(&q, key.p ? key.p : "", key.len);
        /* a field of a text format (VPC flow logs, Route 53) when the
         * event has no such JSON key, as the SQLite engine reads it */
        int text = !at && !strchr(path, '\x1f') && ch__textfield(e, path, q.p, x);
        if (!text)
            ch__dotted(path, q.p, x);
        buf_free(&q);
        buf_free(&key);
        return;
    }
    x->ty = CT_NULL;
    buf_cat(&x->v, "NULL");
}

/* ---- comparisons ------------------------------------------------------------ */

static qop_t flip(qop_t op)
{
    switch (op) {
    case QOP_LT: return QOP_GT;
    case QOP_LE: return QOP_GE;
    case QOP_GT: return QOP_LT;
    case QOP_GE: return QOP_LE;
    default: return op;
    }
}

static const char *cmp_sql(qop_t op)
{
    switch (op) {
    case QOP_EQ: return "=";
    case QOP_NE: return "!=";
    case QOP_LT: return "<";
    case QOP_LE: return "<=";
    case QOP_GT: return ">";
    default: return ">=";
    }
}

/* text OP number, in SQLite: text is greater than every number */
static int text_vs_number(qop_t op)
{
    return op == QOP_NE || op == QOP_GT || op == QOP_GE;
}

/* a time OP a string literal: the string is a time (the SQLite emitter's
 * emit_time_text), compared as epoch ms */
static void compare_time(chem_t *e, const cx_t *l, qop_t op, const qnode_t *lit, buf_t *out)
{
    int64_t ms;
    if (timearg_literal(lit->str, &ms) != 0) {
        ch__fail(e, lit, "\"%.60s\" is compared with a time but is none: write an ISO-8601 time such as "
                 "\"2026-11-01T01:00:00Z\"", lit->str);
        return;
    }
    buf_t m = { 0 }, r = { 0 };
    ch__num(&m, l);
    ch__num_lit(&r, (double)ms);
    buf_printf(out, "(%s %s %s)", m.p, cmp_sql(op), r.p);
    buf_free(&m);
    buf_free(&r);
}

/* l OP literal, into out (Nullable UInt8), as SQLite compares them. */
static void compare_lit(chem_t *e, const qnode_t *at, const cx_t *l, qop_t op, const qnode_t *lit, buf_t *out)
{
    const char *o = cmp_sql(op);
    if (l->ty == CT_NULL) {
        buf_cat(out, "CAST(NULL AS Nullable(UInt8))");
        return;
    }
    if (ch__is_num_lit(lit)) {
        buf_t r = { 0 };
        ch__num_lit(&r, ch__num_lit_value(lit));
        if (l->ty == CT_NUM || l->ty == CT_BOOL) {
            buf_printf(out, "(%s %s %s)", l->v.p, o, r.p);
        } else {  /* obs_numval(l): numeric text is a number, other text no value */
            buf_t m = { 0 };
            ch__num(&m, l);
            buf_printf(out, "(%s %s %s)", m.p, o, r.p);
            buf_free(&m);
        }
        buf_free(&r);
        return;
    }
    if (lit->kind != QN_STRING) {
        ch__refuse(e, at, "this comparison");
        return;
    }
    if (l->is_time) {
        compare_time(e, l, op, lit, out);
        return;
    }
    buf_t r = { 0 };
    ch_quote(&r, lit->str, strlen(lit->str));
    if (l->ty == CT_TEXT) {
        buf_printf(out, "(%s %s %s)", l->v.p, o, r.p);
    } else if (l->ty == CT_DYN) {  /* a JSON number is less than any text */
        buf_printf(out, "multiIf(%s = 0, NULL, %s <= 2, %d, %s %s %s)", l->t.p, l->t.p, !text_vs_number(op) && op != QOP_EQ,
                   l->v.p, o, r.p);
    } else {
        ch__refuse(e, at, "a number compared with a string (compare it with a number)");
    }
    buf_free(&r);
}

/* arithmetic or a negation: a number or no value, whatever its operands
 * (the SQLite emitter's is_number_expr, less the literals handled apart) */
static int is_number_expr(const qnode_t *n)
{
    if (n->missing || n->colref)
        return 0;
    if (n->kind == QN_BINARY)
        return n->op >= QOP_ADD && n->op <= QOP_POW;
    return n->kind == QN_UNARY && n->op == QOP_NEG;
}

static void compare(chem_t *e, const qnode_t *n, buf_t *out)
{
    const qnode_t *l = n->args[0], *r = n->args[1];
    qop_t op = n->op;
    if (l->kind == QN_STRING || ch__is_num_lit(l)) {  /* the literal on the right */
        const qnode_t *t = l;
        l = r;
        r = t;
        op = flip(op);
    }
    cx_t a = { 0 };
    ch__expr(e, l, &a);
    if (r->kind == QN_STRING || ch__is_num_lit(r)) {
        if (!e->rc)
            compare_lit(e, n, &a, op, r, out);
        ch__cx_free(&a);
        return;
    }
    cx_t b = { 0 };
    ch__expr(e, r, &b);
    int lnum = is_number_expr(l), rnum = is_number_expr(r);
    if (!e->rc) {
        if ((a.ty == CT_NUM || a.ty == CT_BOOL) && (b.ty == CT_NUM || b.ty == CT_BOOL)) {
            buf_printf(out, "(%s %s %s)", a.v.p, cmp_sql(op), b.v.p);
        } else if ((lnum || rnum) && a.ty != CT_NULL && b.ty != CT_NULL) {
            /* arithmetic on one side: the other is read as a number */
            buf_t x = { 0 }, y = { 0 };
            ch__num(&x, &a);
            ch__num(&y, &b);
            buf_printf(out, "(%s %s %s)", x.p, cmp_sql(op), y.p);
            buf_free(&x);
            buf_free(&y);
        } else if (a.ty == CT_TEXT && b.ty == CT_TEXT)
            buf_printf(out, "(%s %s %s)", a.v.p, cmp_sql(op), b.v.p);
        else if (a.ty == CT_NULL || b.ty == CT_NULL)
            buf_cat(out, "CAST(NULL AS Nullable(UInt8))");
        else
            ch__refuse(e, n, "a comparison of two fields of different kinds (a JSON field with another field)");
    }
    ch__cx_free(&a);
    ch__cx_free(&b);
}

/* a regular expression RE2 (ClickHouse) reads as PCRE2 (SQLite) does, or refused */
static void regex_lit(chem_t *e, const qnode_t *at, const char *re, buf_t *out)
{
    static const char *const pcre_only[] = { "(?=", "(?!", "(?<=", "(?<!", "(?>", "*+", "++", "?+", "}+", "\\G",
                                             "\\K", "(?|", "(?R", "(?(", "\\Z", "\\z", "\\h", "\\R", NULL };
    for (int i = 0; pcre_only[i]; i++)
        if (strstr(re, pcre_only[i])) {
            ch__refuse(e, at, "this regular expression (lookaround, backreferences and some PCRE escapes are PCRE's "
                          "only)");
            return;
        }
    for (const char *p = re; *p; p++)
        if (*p == '\\' && p[1] >= '1' && p[1] <= '9') {
            ch__refuse(e, at, "a backreference in a regular expression");
            return;
        }
    buf_t w = { 0 };
    /* 18.16 checks a literal it finds in the pattern case-sensitively
     * before running it, so (?i)ABC missed abc: an alternative that matches
     * nothing keeps it from finding one */
    buf_printf(&w, "(?:%s)|[^\\s\\S]", re);
    ch_quote(out, w.p, w.len);
    buf_free(&w);
}

static void like(chem_t *e, const qnode_t *n, buf_t *out)
{
    const qnode_t *r = n->args[1];
    cx_t a = { 0 };
    ch__expr(e, n->args[0], &a);
    buf_t test = { 0 }, pat = { 0 };
    const char *v = a.v.p;
    if (r->kind == QN_REGEX || (n->op == QOP_MATCH && r->kind == QN_STRING))
        regex_lit(e, n, r->str, &pat);
    else if (r->kind == QN_STRING)
        ch_quote(&pat, r->str, strlen(r->str));
    else
        ch__refuse(e, n, "like with a pattern that is not a literal");
    if (!e->rc && (a.ty == CT_NUM || a.ty == CT_BOOL))
        ch__refuse(e, n, "like on a number");
    if (!e->rc) {
        int regex = r->kind == QN_REGEX || n->op == QOP_MATCH;
        if (a.ty == CT_NULL)
            buf_cat(&test, "CAST(NULL AS Nullable(UInt8))");
        else if (a.ty == CT_DYN)
            buf_printf(&test, "if(%s = 0, NULL, %s(%s, %s)%s)", a.t.p, regex ? "match" : "position", v, pat.p,
                       regex ? "" : " > 0");
        else
            buf_printf(&test, "%s(%s, %s)%s", regex ? "match" : "position", v, pat.p, regex ? "" : " > 0");
        buf_printf(out, n->op == QOP_NOT_LIKE ? "(NOT ifNull(%s, 0))" : "ifNull(%s, 0)", test.p);
    }
    buf_free(&test);
    buf_free(&pat);
    ch__cx_free(&a);
}

static void in_list(chem_t *e, const qnode_t *n, buf_t *out)
{
    const qnode_t *list = n->args[1];
    cx_t a = { 0 };
    ch__expr(e, n->args[0], &a);
    if (e->rc || list->kind != QN_LIST) {
        ch__cx_free(&a);
        ch__refuse(e, n, "in with something else than a list of literals");
        return;
    }
    /* numbers only: x is read as a number, and other text is no value as
     * in SQLite's obs_numval(x) IN (...); with text in the list, each
     * element compares with its own type */
    int numbers_only = list->nargs > 0;
    for (int i = 0; i < list->nargs; i++)
        numbers_only &= ch__is_num_lit(list->args[i]);
    buf_t none = { 0 };
    if (numbers_only && (a.ty == CT_TEXT || a.ty == CT_DYN)) {
        buf_cat(&none, "isNull(");
        ch__num(&none, &a);
        buf_cat(&none, ")");
    } else if (a.ty == CT_DYN) {
        buf_printf(&none, "%s = 0", a.t.p);
    } else {
        buf_printf(&none, "isNull(%s)", a.v.p);
    }
    buf_t any = { 0 };
    for (int i = 0; i < list->nargs && !e->rc; i++) {
        buf_printf(&any, "%sifNull(", i ? " OR " : "");
        compare_lit(e, n, &a, QOP_EQ, list->args[i], &any);
        buf_cat(&any, ", 0)");
    }
    if (!e->rc)
        buf_printf(out, "if(%s, NULL, %s(%s))", none.p, n->op == QOP_NOT_IN ? "NOT " : "", any.p ? any.p : "0");
    buf_free(&none);
    buf_free(&any);
    ch__cx_free(&a);
}

static void logic(chem_t *e, const qnode_t *n, buf_t *out)
{
    cx_t a = { 0 }, b = { 0 };
    buf_t x = { 0 }, y = { 0 };
    ch__expr(e, n->args[0], &a);
    ch__expr(e, n->args[1], &b);
    if (!e->rc) {
        ch__as_bool(e, &a, &x);
        ch__as_bool(e, &b, &y);
        int and = n->op == QOP_AND;
        /* SQLite: 0 AND NULL = 0, 1 OR NULL = 1, else NULL with a NULL */
        buf_printf(out, "multiIf(ifNull(%s, %d) = %d OR ifNull(%s, %d) = %d, %d, isNull(%s) OR isNull(%s), NULL, %d)",
                   x.p, and, !and, y.p, and, !and, !and, x.p, y.p, and);
    }
    buf_free(&x);
    buf_free(&y);
    ch__cx_free(&a);
    ch__cx_free(&b);
}

static void binary(chem_t *e, const qnode_t *n, cx_t *x)
{
    switch (n->op) {
    case QOP_EQ: case QOP_NE: case QOP_LT: case QOP_LE: case QOP_GT: case QOP_GE:
        x->ty = CT_BOOL;
        compare(e, n, &x->v);
        return;
    case QOP_AND: case QOP_OR:
        x->ty = CT_BOOL;
        logic(e, n, &x->v);
        return;
    case QOP_LIKE: case QOP_NOT_LIKE: case QOP_MATCH:
        x->ty = CT_BOOL;
        like(e, n, &x->v);
        return;
    case QOP_IN: case QOP_NOT_IN:
        x->ty = CT_BOOL;
        in_list(e, n, &x->v);
        return;
    case QOP_ADD: case QOP_SUB: case QOP_MUL: case QOP_DIV: case QOP_POW:
        break;
    default:
        ch__refuse(e, n, n->op == QOP_MOD ? "the % operator (SQLite's integer remainder)" : "this operator");
        return;
    }
    cx_t a = { 0 }, b = { 0 };
    buf_t l = { 0 }, r = { 0 };
    ch__expr(e, n->args[0], &a);
    ch__expr(e, n->args[1], &b);
    ch__num(&l, &a);
    ch__num(&r, &b);
    x->ty = CT_NUM;
    /* a time plus or minus a number (a period) is a time; time - time is not */
    if (n->op == QOP_ADD)
        x->is_time = a.is_time != b.is_time;
    else if (n->op == QOP_SUB)
        x->is_time = a.is_time && !b.is_time;
    if (!e->rc) {
        if (n->op == QOP_DIV)  /* as a number; by zero: NULL, as in SQLite */
            buf_printf(&x->v, "if(%s = 0, NULL, toFloat64(%s) / %s)", r.p, l.p, r.p);
        else if (n->op == QOP_POW)
            buf_printf(&x->v, "pow(%s, %s)", l.p, r.p);
        else
            buf_printf(&x->v, "(%s %c %s)", l.p, n->op == QOP_ADD ? '+' : n->op == QOP_SUB ? '-' : '*', r.p);
    }
    buf_free(&l);
    buf_free(&r);
    ch__cx_free(&a);
    ch__cx_free(&b);
}

/* ---- functions ------------------------------------------------------------------ */

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

/* t floored to a fixed period, as bin() and obs_datefloor() floor it */
static void floor_time(chem_t *e, const qnode_t *at, const char *t, const qnode_t *p, cx_t *x)
{
    int64_t w = fixed_period_ms(p);
    if (w <= 0) {
        ch__refuse(e, at, "a calendar period (months, quarters, years) in bin or datefloor");
        return;
    }
    int64_t origin = p->period.unit == QPU_W ? 4 * 86400000LL : 0;
    x->ty = CT_NUM;
    x->is_time = 1;
    /* the divisor an Int64: ClickHouse types a remainder by its divisor's
     * type (Int64 % 60000 is an Int16, and wraps) */
    buf_printf(&x->v, "(%s - (((%s - %lld) %% toInt64(%lld) + toInt64(%lld)) %% toInt64(%lld)))", t, t,
               (long long)origin, (long long)w, (long long)w, (long long)w);
}

/* the values an aggregate reads: typed numbers as they are, text and JSON
 * values as obs_numval() reads them (numeric text, else skipped) */
static void agg_input(chem_t *e, const qnode_t *arg, buf_t *num, buf_t *cond)
{
    cx_t a = { 0 };
    ch__expr(e, arg, &a);
    if (e->rc) {
        ch__cx_free(&a);
        return;
    }
    switch (a.ty) {
    case CT_NUM:
    case CT_BOOL:
        buf_printf(num, "%s", a.v.p);
        buf_printf(cond, "NOT isNull(%s)", a.v.p);
        break;
    case CT_TEXT:
        ch__text_num(num, a.v.p);
        ch__text_isnum(cond, a.v.p);
        break;
    case CT_DYN:
        ch__dyn_num(num, a.v.p, a.t.p);
        ch__dyn_isnum(cond, a.v.p, a.t.p);
        break;
    case CT_NULL:
        buf_cat(num, "CAST(NULL AS Nullable(Float64))");
        buf_cat(cond, "0");
        break;
    }
    ch__cx_free(&a);
}

static void aggregate(chem_t *e, const qnode_t *n, const char *name, cx_t *x)
{
    buf_t num = { 0 }, cond = { 0 };
    x->ty = CT_NUM;
    if (!strcmp(name, "count")) {
        if (n->nargs == 0 || n->args[0]->kind == QN_STAR) {
            buf_cat(&x->v, "count()");
            return;
        }
        cx_t a = { 0 };
        ch__expr(e, n->args[0], &a);
        if (a.ty == CT_DYN)
            buf_printf(&x->v, "countIf(%s > 0)", a.t.p);
        else if (a.ty == CT_NULL)
            buf_cat(&x->v, "toUInt64(0)");
        else
            buf_printf(&x->v, "count(%s)", a.v.p);
        ch__cx_free(&a);
        return;
    }
    if (!strcmp(name, "count_distinct")) {
        cx_t a = { 0 };
        ch__expr(e, n->args[0], &a);
        if (a.ty == CT_DYN)  /* 1 and 1.0 are one value, 1 and "1" two, as in SQLite */
            buf_printf(&x->v, "uniqExactIf(tuple(%s >= 3, if(%s >= 3, %s, toString(toFloat64OrZero(%s)))), %s > 0)",
                       a.t.p, a.t.p, a.v.p, a.v.p, a.t.p);
        else if (a.ty == CT_NULL)
            buf_cat(&x->v, "toUInt64(0)");
        else
            buf_printf(&x->v, "uniqExact(%s)", a.v.p);
        ch__cx_free(&a);
        return;
    }
    agg_input(e, n->args[0], &num, &cond);
    if (e->rc)
        goto out;
    x->is_time = (!strcmp(name, "min") || !strcmp(name, "max")) && n->args[0]->kind == QN_FIELD &&
                 ch__find(e, n->args[0]->str) && ch__find(e, n->args[0]->str)->is_time;
    if (!strcmp(name, "sum") || !strcmp(name, "avg")) {
        buf_printf(&x->v, "if(countIf(%s) = 0, NULL, %sIf(toFloat64(assumeNotNull(%s)), %s))", cond.p, name, num.p,
                   cond.p);
    } else if (!strcmp(name, "min") || !strcmp(name, "max")) {
        cx_t a = { 0 };
        ch__expr(e, n->args[0], &a);
        if (a.ty == CT_NUM || a.ty == CT_BOOL) {
            buf_printf(&x->v, "%s(%s)", name, a.v.p);
        } else {
            ch__cx_free(&a);
            ch__refuse(e, n, "min and max of text or JSON values (a number, or text when no value is one)");
            goto out;
        }
        ch__cx_free(&a);
    } else if (!strcmp(name, "pct")) {
        if (n->nargs < 2 || !ch__is_num_lit(n->args[1])) {
            ch__refuse(e, n, "pct with a percentile that is not a number");
            goto out;
        }
        double p = ch__num_lit_value(n->args[1]);
        p = p < 0 ? 0 : p > 100 ? 100 : p;
        /* nearest rank: the value at rank ceil(p/100 * N), at least 1 */
        buf_printf(&x->v, "if(countIf(%s) = 0, NULL, arraySort(groupArrayIf(toFloat64(assumeNotNull(%s)), %s))"
                   "[toUInt64(greatest(1, ceil(%.17g / 100 * countIf(%s))))])", cond.p, num.p, cond.p, p, cond.p);
    } else if (!strcmp(name, "stddev") || !strcmp(name, "variance")) {
        buf_printf(&x->v, "if(countIf(%s) = 0, NULL, %sIf(toFloat64(assumeNotNull(%s)), %s))", cond.p,
                   name[0] == 's' ? "stddevPop" : "varPop", num.p, cond.p);
    } else {
        ch__refuse(e, n, "this aggregate");
    }
out:
    buf_free(&num);
    buf_free(&cond);
}

static void call(chem_t *e, const qnode_t *n, cx_t *x)
{
    const query_builtin_t *fn = n->fn;
    if (!fn) {
        ch__fail(e, n, "unknown function '%s'", n->str);
        return;
    }
    const char *name = fn->name;
    if (fn->kind == QF_AGGREGATE || fn->kind == QF_STATS_PICK) {
        if (!strcmp(name, "earliest") || !strcmp(name, "latest") || !strcmp(name, "sortsfirst") ||
            !strcmp(name, "sortslast") || !strcmp(name, "values")) {
            char what[96];
            snprintf(what, sizeof what, "the function %s", fn->display);
            ch__refuse(e, n, what);
            return;
        }
        aggregate(e, n, name, x);
        return;
    }
    if (!strcmp(name, "unmask") || !strcmp(name, "frommillis") || !strcmp(name, "tomillis")) {
        ch__expr(e, n->args[0], x);
        if (!strcmp(name, "frommillis"))
            x->is_time = 1;
        if (!strcmp(name, "tomillis"))
            x->is_time = 0;
        if (strcmp(name, "unmask") && x->ty != CT_NUM && x->ty != CT_NULL) {
            ch__cx_free(x);
            ch__refuse(e, n, "fromMillis/toMillis of something other than a number");
        }
        return;
    }
    if (!strcmp(name, "ispresent")) {
        cx_t a = { 0 };
        ch__expr(e, n->args[0], &a);
        x->ty = CT_BOOL;
        if (a.ty == CT_DYN)
            buf_printf(&x->v, "(%s > 0)", a.t.p);
        else if (a.ty == CT_NULL)
            buf_cat(&x->v, "toUInt8(0)");
        else
            buf_printf(&x->v, "(NOT isNull(%s))", a.v.p);
        ch__cx_free(&a);
        return;
    }
    if (!strcmp(name, "bin")) {
        const ccol_t *ts = ch__find(e, "@timestamp");
        if (!ts) {
            ch__fail(e, n, "%s needs @timestamp, which this stage no longer has", "bin");
            return;
        }
        floor_time(e, n, ts->ident, n->args[0], x);
        return;
    }
    if (!strcmp(name, "datefloor")) {
        cx_t a = { 0 };
        ch__expr(e, n->args[0], &a);
        if (!e->rc && a.ty != CT_NUM)
            ch__refuse(e, n, "datefloor of something other than a time");
        if (!e->rc)
            floor_time(e, n, a.v.p, n->args[1], x);
        ch__cx_free(&a);
        return;
    }
    if (!strcmp(name, "abs") || !strcmp(name, "floor") || !strcmp(name, "ceil")) {
        cx_t a = { 0 };
        ch__expr(e, n->args[0], &a);
        if (!e->rc && a.ty != CT_NUM)
            ch__refuse(e, n, "abs, floor and ceil of something other than a number");
        x->ty = CT_NUM;
        if (!e->rc)
            buf_printf(&x->v, "%s(%s)", name, a.v.p);
        ch__cx_free(&a);
        return;
    }
    if (!strcmp(name, "round")) {  /* obs_round: C's round() of x * 10^d, half away from zero */
        cx_t a = { 0 };
        buf_t v = { 0 };
        ch__expr(e, n->args[0], &a);
        long d = 0;
        if (n->nargs > 1 && !ch__is_num_lit(n->args[1]))
            ch__refuse(e, n, "round with a number of places that is not a number");
        if (!e->rc && n->nargs > 1)
            d = (long)ch__num_lit_value(n->args[1]);
        d = d > 15 ? 15 : d < -15 ? -15 : d;
        if (!e->rc && a.ty != CT_NULL) {
            buf_t m = { 0 };
            if (a.ty == CT_NUM || a.ty == CT_BOOL)
                buf_printf(&m, "toFloat64(%s)", a.v.p);
            else if (a.ty == CT_TEXT)
                ch__text_num(&m, a.v.p);
            else
                ch__dyn_num(&m, a.v.p, a.t.p);
            double scale = pow(10.0, (double)d);
            buf_printf(&v, "(%s * %.17g)", m.p, scale);
            buf_printf(&x->v, "(if(%s >= 0, if(%s - floor(%s) >= 0.5, ceil(%s), floor(%s)), -if(-%s - floor(-%s) >= 0.5, "
                       "ceil(-%s), floor(-%s))) / %.17g)", v.p, v.p, v.p, v.p, v.p, v.p, v.p, v.p, v.p, scale);
            buf_free(&m);
        } else if (!e->rc) {
            buf_cat(&x->v, "NULL");
        }
        x->ty = CT_NUM;
        buf_free(&v);
        ch__cx_free(&a);
        return;
    }
    if (!strcmp(name, "strlen") || !strcmp(name, "isempty")) {
        cx_t a = { 0 };
        ch__expr(e, n->args[0], &a);
        if (!e->rc && a.ty != CT_TEXT && a.ty != CT_NULL)
            ch__refuse(e, n, "strlen and isempty of something other than text");
        x->ty = !strcmp(name, "strlen") ? CT_NUM : CT_BOOL;
        if (!e->rc && x->ty == CT_NUM)
            buf_printf(&x->v, "lengthUTF8(%s)", a.v.p);
        else if (!e->rc)
            buf_printf(&x->v, "(isNull(%s) OR %s = '')", a.v.p, a.v.p);
        ch__cx_free(&a);
        return;
    }
    char what[96];
    snprintf(what, sizeof what, "the function %s", fn->display);
    ch__refuse(e, n, what);
}

void ch__expr(chem_t *e, const qnode_t *n, cx_t *x)
{
    if (e->rc)
        return;
    if (n->missing) {
        x->ty = CT_NULL;
        buf_cat(&x->v, "NULL");
        return;
    }
    if (n->colref) {
        qnode_t f;
        memset(&f, 0, sizeof f);
        f.kind = QN_FIELD;
        f.str = n->colref;
        field(e, &f, x);
        return;
    }
    switch (n->kind) {
    case QN_NUMBER:
        x->ty = CT_NUM;
        ch__num_lit(&x->v, n->num);
        return;
    case QN_STRING:
        x->ty = CT_TEXT;
        ch_quote(&x->v, n->str, strlen(n->str));
        return;
    case QN_BOOL:
        x->ty = CT_BOOL;
        buf_cat(&x->v, n->num ? "toUInt8(1)" : "toUInt8(0)");
        return;
    case QN_FIELD:
        field(e, n, x);
        return;
    case QN_PERIOD:  /* an operand of + or - (the checker's rule): its milliseconds */
        if (qnode_period_ms(n) < 0) {
            ch__fail(e, n, "a month, quarter or year has no fixed length to add or subtract%s", "");
            return;
        }
        x->ty = CT_NUM;
        ch__num_lit(&x->v, qnode_period_ms(n));
        return;
    case QN_UNARY: {
        cx_t a = { 0 };
        ch__expr(e, n->args[0], &a);
        if (n->op == QOP_NOT) {
            buf_t b = { 0 };
            ch__as_bool(e, &a, &b);
            x->ty = CT_BOOL;
            buf_printf(&x->v, "(NOT ifNull(%s, 0))", b.p ? b.p : "0");
            buf_free(&b);
        } else {
            buf_t b = { 0 };
            ch__num(&b, &a);
            x->ty = CT_NUM;
            buf_printf(&x->v, "(-%s)", b.p ? b.p : "0");
            buf_free(&b);
        }
        ch__cx_free(&a);
        return;
    }
    case QN_BINARY:
        binary(e, n, x);
        return;
    case QN_CALL:
        call(e, n, x);
        return;
    default:
        ch__refuse(e, n, n->kind == QN_LIST ? "a list outside in [...]" : n->kind == QN_REGEX ? "a regex argument"
                                                                                          : "this expression");
        return;
    }
}
