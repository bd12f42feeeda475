/* query/clickhouse/ch_value.c — the dialect's values and bookkeeping (see
 * ch_int.h): a value of each static type read as SQLite reads it — numeric
 * text as obs_numval() does (other text is no value), text as a boolean
 * by its numeric head, a JSON field by the type the forwarder kept beside
 * its text — as a number or a boolean; number literals; the relation's columns; the first error, with
 * its position, and the refusal of what cannot be written exactly. */
#include "query/clickhouse/ch_int.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* numeric text, as obs_num() reads it (query/sqlfuncs/sqlfuncs_numeric.c) */
#define NUMRE "'^[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]*[+-]?([0-9]+(\\\\.[0-9]*)?|\\\\.[0-9]+)([eE][+-]?[0-9]+)?[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]*$'"
#define TRIMRE "'^[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]*\\\\+?|[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]*$'"
/* the number at the head of a text, as SQLite's arithmetic reads it (0 when none) */
#define PREFIXRE "'^[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]*[+-]?(?:[0-9]+\\\\.?[0-9]*|\\\\.[0-9]+)(?:[eE][+-]?[0-9]+)?'"

void ch__fail(chem_t *e, const qnode_t *at, const char *fmt, const char *arg)
{
    if (e->rc)
        return;
    e->rc = obs_err_set(e->err, OBS_EINVAL, fmt, arg);
    if (at && e->err) {
        int line = 1, col = 1;
        for (int i = 0; i < at->start && e->q->text[i]; i++) {
            if (e->q->text[i] == '\n')
                line++, col = 1;
            else
                col++;
        }
        e->err->line = line;
        e->err->col = col;
    }
}

void ch__cx_free(cx_t *x)
{
    buf_free(&x->v);
    buf_free(&x->t);
    memset(x, 0, sizeof *x);
}

const ccol_t *ch__find(const chem_t *e, const char *name)
{
    for (int i = e->n - 1; i >= 0; i--)
        if (strcmp(e->cols[i].name, name) == 0)
            return &e->cols[i];
    if (name[0] == '@' && name[1] != '@')
        for (int i = e->n - 1; i >= 0; i--)
            if (strcmp(e->cols[i].name, name + 1) == 0)
                return &e->cols[i];
    return NULL;
}

ccol_t *ch__add(chem_t *e, const char *name, const char *ident, cty_t ty, int is_time)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 32;
        e->cols = xrealloc(e->cols, (size_t)e->cap * sizeof *e->cols);
    }
    ccol_t *c = &e->cols[e->n++];
    memset(c, 0, sizeof *c);
    c->name = xstrdup(name);
    snprintf(c->ident, sizeof c->ident, "%s", ident);
    c->ty = ty;
    c->is_time = is_time;
    return c;
}

void ch__refuse(chem_t *e, const qnode_t *at, const char *what)
{
    ch__fail(e, at, "not supported on the ClickHouse engine: %s (docs/scale-out.md; run it on the local store)",
             what);
}

void ch__num_lit(buf_t *b, double d)
{
    if (d == floor(d) && fabs(d) < 9e15)
        buf_printf(b, "toFloat64(%lld)", (long long)d);
    else
        buf_printf(b, "toFloat64(%.17g)", d);
}

/* x (any type but DYN) as a Nullable number: obs_num's reading for text
 * (NULL when the text is not a number). */
void ch__text_num(buf_t *b, const char *v)
{
    buf_printf(b, "if(match(%s, " NUMRE "), toFloat64OrNull(replaceRegexpAll(%s, " TRIMRE ", '')), NULL)", v, v);
}

/* "is this text a number" */
void ch__text_isnum(buf_t *b, const char *v)
{
    buf_printf(b, "match(%s, " NUMRE ")", v);
}

/* The value of a JSON field whose text is v and type t, as a number, or NULL (text that is not numeric). */
void ch__dyn_num(buf_t *b, const char *v, const char *t)
{
    buf_printf(b, "multiIf(%s IN (1, 2), toFloat64OrNull(%s), %s >= 3, ", t, v, t);
    ch__text_num(b, v);
    buf_cat(b, ", NULL)");
}

void ch__dyn_isnum(buf_t *b, const char *v, const char *t)
{
    buf_printf(b, "(%s IN (1, 2) OR (%s >= 3 AND ", t, t);
    ch__text_isnum(b, v);
    buf_cat(b, "))");
}

/* x as a Nullable number, as obs_numval() reads it: numeric text is its
 * number, other text no value */
void ch__num(buf_t *b, const cx_t *x)
{
    switch (x->ty) {
    case CT_NUM:
    case CT_BOOL:
        buf_printf(b, "%s", x->v.p);
        return;
    case CT_TEXT:
        ch__text_num(b, x->v.p);
        return;
    case CT_DYN:
        ch__dyn_num(b, x->v.p, x->t.p);
        return;
    case CT_NULL:
        buf_cat(b, "CAST(NULL AS Nullable(Float64))");
        return;
    }
}

/* a value as a boolean reads as SQLite's WHERE reads text: by its numeric
 * head (0 when none) */
static void bool_num(const cx_t *x, buf_t *b)
{
    switch (x->ty) {
    case CT_TEXT:
        buf_printf(b, "toFloat64OrZero(replaceRegexpAll(extract(%s, " PREFIXRE "), " TRIMRE ", ''))", x->v.p);
        return;
    case CT_DYN:
        buf_printf(b, "multiIf(%s IN (1, 2), toFloat64OrNull(%s), %s >= 3, toFloat64OrZero(replaceRegexpAll(extract(%s, "
                   PREFIXRE "), " TRIMRE ", '')), NULL)", x->t.p, x->v.p, x->t.p, x->v.p);
        return;
    default:
        ch__num(b, x);
        return;
    }
}

void ch__as_bool(chem_t *e, const cx_t *x, buf_t *out)
{
    (void)e;
    switch (x->ty) {
    case CT_BOOL:
        buf_printf(out, "%s", x->v.p);
        return;
    case CT_NULL:
        buf_cat(out, "CAST(NULL AS Nullable(UInt8))");
        return;
    default: {
        buf_t n = { 0 };
        bool_num(x, &n);
        buf_printf(out, "(%s != 0)", n.p ? n.p : "NULL");
        buf_free(&n);
    }
    }
}

int ch__is_num_lit(const qnode_t *n)
{
    return (n->kind == QN_NUMBER || (n->kind == QN_UNARY && n->op == QOP_NEG && n->args[0]->kind == QN_NUMBER)) &&
           !n->missing && !n->colref;
}

double ch__num_lit_value(const qnode_t *n)
{
    return n->kind == QN_NUMBER ? n->num : -n->args[0]->num;
}
