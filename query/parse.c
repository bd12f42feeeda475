/* query/parse.c — recursive-descent parser for Logs Insights queries
 * (see parse.h). Grammar (spec §6.8, keywords case-insensitive):
 *
 *   query   := command { '|' command }
 *   command := fields item {, item}      | display item {, item}
 *            | (filter | where) expr     | stats item {, item} [[group] by item {, item}]
 *            | sort [by] expr [asc|desc] {, expr [asc|desc]}
 *            | limit [any] N             | dedup field {, field}
 *            | parse [field] "glob * pattern" as name {, name}
 *            | parse [field] /regex with (?<name>...)/
 *            | unnest expr into name
 *   item    := expr [as name]
 *
 * Operator precedence, loosest first (all binary operators left-associative
 * except '^'; comparisons do not chain):
 *
 *   1. or
 *   2. and
 *   3. not (prefix)
 *   4. = == != < <= > >=   like   not like   =~   in   not in
 *   5. + -
 *   6. * / %
 *   7. ^ (right-associative)
 *   8. - (prefix: -2^2 is (-2)^2, as in spec §6.8; "-<number>" folds to a number)
 *   9. literals, fields, calls f(...), count(*), (expr), [list]
 *
 * The right side of like / not like is a string or /regex/; of =~ a /regex/;
 * of in / not in a [list] of literals. A '/' is a regex where an operand is
 * expected (and as parse's pattern), division elsewhere: the parser re-lexes
 * a '/' token in QLEX_REGEX mode when it wants an operand.
 *
 * Limits: QUERY_MAX_TEXT bytes of text; QUERY_MAX_DEPTH levels of nesting
 * (parentheses, prefix operators, ^, call arguments); QUERY_MAX_CHAIN for the
 * height of the tree including left-assoc chains (a+b+c+...), so that the
 * recursive walkers (check, dump, free, emit) stay within a small stack;
 * QUERY_MAX_NODES nodes.
 *
 * Decisions: `limit any N` is accepted and parsed as `limit N` (the local
 * store returns the same rows); `sort` without asc/desc is ascending;
 * `sort by f` is `sort f`; `stats ... group by` is `stats ... by`; `where` is
 * `filter`; `==` is `=`. SOURCE, logfmt/csv parse, `parse ... multi` and the
 * newer commands (pattern, anomaly, diff, unmask, filterIndex, ...) are
 * rejected with a message naming them. */
#include "parse.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/xalloc.h"
#include "lex.h"

typedef struct parser {
    const char *t;
    size_t len;
    qtok_t tok;             /* current token */
    int prev_start, prev_end;  /* previous token */
    int nest, chain, nodes;
    const char *expect;     /* what may follow the current command */
    obs_err_t *err;
    char fbuf[96], pbuf[64];
} parser_t;

static int perr(parser_t *p, int off, const char *fmt, ...) OBS_PRINTF(3, 4);
static int perr(parser_t *p, int off, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return qlex_error(p->err, p->t, p->len, off, "%s", msg);
}

/* Quote a snippet of the text: 'abc', cut at a newline or 32 bytes. */
static const char *snippet(parser_t *p, char *buf, size_t size, int start, int end)
{
    int n = 0, cut = 0;
    while (start + n < end && p->t[start + n] != '\n' && p->t[start + n] != '\r') {
        if (n == 32) {
            cut = 1;
            break;
        }
        n++;
    }
    if (start + n < end)
        cut = 1;
    snprintf(buf, size, "'%.*s%s'", n, p->t + start, cut ? "..." : "");
    return buf;
}

/* How the current token is named in "found X". */
static const char *found(parser_t *p)
{
    qtok_t *k = &p->tok;
    if (k->kind == QT_EOF)
        return "end of query";
    if (k->kind == QT_STRING) {
        char s[64];
        snippet(p, s, sizeof s, k->start, k->end);
        snprintf(p->fbuf, sizeof p->fbuf, "string %s", s);
        return p->fbuf;
    }
    return snippet(p, p->fbuf, sizeof p->fbuf, k->start, k->end);
}

static const char *prev(parser_t *p)
{
    return snippet(p, p->pbuf, sizeof p->pbuf, p->prev_start, p->prev_end);
}

/* "column 12", or "line 2, column 12" when off is on another line than the
 * current token. */
static const char *where(parser_t *p, int off, char *buf, size_t size)
{
    int l1, c1, l2, c2;
    qlex_linecol(p->t, p->len, off, &l1, &c1);
    qlex_linecol(p->t, p->len, p->tok.start, &l2, &c2);
    if (l1 == l2)
        snprintf(buf, size, "column %d", c1);
    else
        snprintf(buf, size, "line %d, column %d", l1, c1);
    return buf;
}

static int advance_mode(parser_t *p, int flags)
{
    int end = p->tok.end;
    p->prev_start = p->tok.start;
    p->prev_end = p->tok.end;
    qtok_free(&p->tok);
    return qlex_next(p->t, p->len, end, flags, &p->tok, p->err);
}

static int advance(parser_t *p)
{
    return advance_mode(p, 0);
}

/* Re-read the current token (a '/') as a regex literal. */
static int relex_regex(parser_t *p)
{
    int start = p->tok.start;
    qtok_free(&p->tok);
    return qlex_next(p->t, p->len, start, QLEX_REGEX, &p->tok, p->err);
}

static int tok_is_kw(const qtok_t *k, const char *kw)
{
    return k->kind == QT_IDENT && k->plain && strcasecmp(k->str, kw) == 0;
}

static int is_kw(parser_t *p, const char *kw)
{
    return tok_is_kw(&p->tok, kw);
}

/* The token after the current one (default mode), for two-word keywords. */
static void peek(parser_t *p, qtok_t *out)
{
    obs_err_t e;
    if (qlex_next(p->t, p->len, p->tok.end, 0, out, &e) != 0) {
        memset(out, 0, sizeof *out);
        out->kind = QT_EOF;
    }
}

static int peek_kw(parser_t *p, const char *kw)
{
    qtok_t n;
    peek(p, &n);
    int r = tok_is_kw(&n, kw);
    qtok_free(&n);
    return r;
}

static char *steal_str(parser_t *p)
{
    char *s = p->tok.str;
    p->tok.str = NULL;
    return s ? s : xstrdup("");
}

/* --- nodes --- */

static qnode_t *mk(parser_t *p, qnode_kind_t kind, int start, int end)
{
    if (++p->nodes > QUERY_MAX_NODES) {
        perr(p, start, "query is too complex (more than %d expression nodes)", QUERY_MAX_NODES);
        return NULL;
    }
    qnode_t *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->start = start;
    n->end = end;
    return n;
}

static void add_arg(qnode_t *n, qnode_t *a)
{
    if ((n->nargs & (n->nargs - 1)) == 0)
        n->args = xrealloc(n->args, sizeof *n->args * (size_t)(n->nargs ? n->nargs * 2 : 1));
    n->args[n->nargs++] = a;
}

static qnode_t *binary(parser_t *p, qop_t op, qnode_t *l, qnode_t *r)
{
    qnode_t *n = mk(p, QN_BINARY, l->start, r->end);
    if (!n) {
        qnode_free(l);
        qnode_free(r);
        return NULL;
    }
    n->op = op;
    add_arg(n, l);
    add_arg(n, r);
    return n;
}

static qnode_t *unary(parser_t *p, qop_t op, int start, qnode_t *x)
{
    qnode_t *n = mk(p, QN_UNARY, start, x->end);
    if (!n) {
        qnode_free(x);
        return NULL;
    }
    n->op = op;
    add_arg(n, x);
    return n;
}

/* One more level of nesting (and of tree height). */
static int enter(parser_t *p)
{
    if (++p->nest > QUERY_MAX_DEPTH)
        return perr(p, p->tok.start, "expression nested too deeply (more than %d levels)",
                    QUERY_MAX_DEPTH);
    if (++p->chain > QUERY_MAX_CHAIN)
        return perr(p, p->tok.start, "expression too long (more than %d operators in a row)",
                    QUERY_MAX_CHAIN);
    return 0;
}

static void leave(parser_t *p)
{
    p->nest--;
    p->chain--;
}

/* One more link of a left-associative chain. */
static int chain(parser_t *p)
{
    if (++p->chain > QUERY_MAX_CHAIN)
        return perr(p, p->tok.start, "expression too long (more than %d operators in a row)",
                    QUERY_MAX_CHAIN);
    return 0;
}

/* --- expressions --- */

static qnode_t *parse_expr(parser_t *p);

static qnode_t *expected_expr(parser_t *p)
{
    perr(p, p->tok.start, "expected an expression after %s, found %s", prev(p), found(p));
    return NULL;
}

static qnode_t *parse_list(parser_t *p)
{
    int open = p->tok.start;
    qnode_t *list = mk(p, QN_LIST, open, open);
    if (!list || advance(p))
        goto fail;
    while (p->tok.kind != QT_RBRACK) {
        qnode_t *e = NULL;
        int s = p->tok.start;
        int neg = 0;
        if (p->tok.kind == QT_MINUS) {
            neg = 1;
            if (advance(p))
                goto fail;
        }
        if (p->tok.kind == QT_NUMBER) {
            if (!(e = mk(p, QN_NUMBER, s, p->tok.end)))
                goto fail;
            e->num = neg ? -p->tok.num : p->tok.num;
        } else if (!neg && p->tok.kind == QT_STRING) {
            if (!(e = mk(p, QN_STRING, s, p->tok.end)))
                goto fail;
            e->str = steal_str(p);
        } else if (!neg && (is_kw(p, "true") || is_kw(p, "false"))) {
            if (!(e = mk(p, QN_BOOL, s, p->tok.end)))
                goto fail;
            e->num = is_kw(p, "true");
        } else {
            perr(p, p->tok.start, "expected a string, number, true or false in the list, found %s",
                 found(p));
            goto fail;
        }
        add_arg(list, e);
        if (advance(p))
            goto fail;
        if (p->tok.kind == QT_COMMA) {
            if (advance(p))
                goto fail;
            continue;
        }
        if (p->tok.kind != QT_RBRACK) {
            char w[48];
            perr(p, p->tok.start, "expected ']' to close '[' at %s, found %s",
                 where(p, open, w, sizeof w), found(p));
            goto fail;
        }
    }
    list->end = p->tok.end;
    if (advance(p))
        goto fail;
    return list;
fail:
    qnode_free(list);
    return NULL;
}

static qnode_t *parse_call(parser_t *p, char *name, int start)
{
    int open = p->tok.start;
    qnode_t *call = mk(p, QN_CALL, start, start);
    if (!call) {
        free(name);
        return NULL;
    }
    for (char *c = name; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c + 32);
    call->str = name;
    if (advance(p))
        goto fail;
    if (p->tok.kind != QT_RPAREN) {
        for (;;) {
            qnode_t *a;
            /* No expression starts with '*': an argument that does is the
             * star of count(*) (the checker allows it nowhere else), and
             * what follows it must be ',' or ')'. */
            if (p->tok.kind == QT_STAR) {
                if (!(a = mk(p, QN_STAR, p->tok.start, p->tok.end)) || advance(p))
                    goto fail_a;
            } else if (!(a = parse_expr(p))) {
                goto fail;
            }
            add_arg(call, a);
            if (p->tok.kind == QT_COMMA) {
                if (advance(p))
                    goto fail;
                continue;
            }
            if (p->tok.kind == QT_RPAREN)
                break;
            char w[48];
            perr(p, p->tok.start, "expected ')' to close '(' at %s, found %s",
                 where(p, open, w, sizeof w), found(p));
            goto fail;
        fail_a:
            qnode_free(a);
            goto fail;
        }
    }
    call->end = p->tok.end;
    if (advance(p))
        goto fail;
    return call;
fail:
    qnode_free(call);
    return NULL;
}

static const char *const reserved[] = { "and", "or", "not", "like", "in", "as", "by" };

static qnode_t *parse_primary(parser_t *p)
{
    qtok_t *k = &p->tok;
    qnode_t *n;
    if (k->kind == QT_SLASH && relex_regex(p))
        return NULL;
    switch (k->kind) {
    case QT_NUMBER:
        if (!(n = mk(p, QN_NUMBER, k->start, k->end)))
            return NULL;
        n->num = k->num;
        break;
    case QT_STRING:
    case QT_REGEX:
        if (!(n = mk(p, k->kind == QT_STRING ? QN_STRING : QN_REGEX, k->start, k->end)))
            return NULL;
        n->str = steal_str(p);
        break;
    case QT_PERIOD:
        if (!(n = mk(p, QN_PERIOD, k->start, k->end)))
            return NULL;
        n->period.n = k->period_n;
        n->period.unit = k->unit;
        break;
    case QT_LBRACK:
        return parse_list(p);
    case QT_LPAREN: {
        int open = k->start;
        if (advance(p) || !(n = parse_expr(p)))
            return NULL;
        if (p->tok.kind != QT_RPAREN) {
            char w[48];
            perr(p, p->tok.start, "expected ')' to close '(' at %s, found %s",
                 where(p, open, w, sizeof w), found(p));
            qnode_free(n);
            return NULL;
        }
        n->start = open;
        n->end = p->tok.end;
        break;
    }
    case QT_IDENT: {
        if (is_kw(p, "true") || is_kw(p, "false")) {
            if (!(n = mk(p, QN_BOOL, k->start, k->end)))
                return NULL;
            n->num = is_kw(p, "true");
            break;
        }
        for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
            if (is_kw(p, reserved[i]))
                return expected_expr(p);
        int start = k->start, end = k->end, plain = k->plain;
        char *name = steal_str(p);
        char *path = k->path;
        k->path = NULL;
        if (advance(p)) {
            free(name);
            free(path);
            return NULL;
        }
        if (p->tok.kind == QT_LPAREN) {
            free(path);
            if (!plain) {
                perr(p, start, "'%.60s' is not a function name", name);
                free(name);
                return NULL;
            }
            return parse_call(p, name, start);
        }
        if (!(n = mk(p, QN_FIELD, start, end))) {
            free(name);
            free(path);
            return NULL;
        }
        n->str = name;
        n->path = path;
        return n;  /* already advanced */
    }
    default:
        return expected_expr(p);
    }
    if (advance(p)) {
        qnode_free(n);
        return NULL;
    }
    return n;
}

static qnode_t *parse_unary(parser_t *p)
{
    if (p->tok.kind != QT_MINUS)
        return parse_primary(p);
    int start = p->tok.start;
    if (enter(p) || advance(p))
        return NULL;
    qnode_t *x = parse_unary(p);
    leave(p);
    if (!x)
        return NULL;
    if (x->kind == QN_NUMBER) {
        x->num = -x->num;
        x->start = start;
        return x;
    }
    return unary(p, QOP_NEG, start, x);
}

static qnode_t *parse_pow(parser_t *p)
{
    qnode_t *b = parse_unary(p);
    if (!b || p->tok.kind != QT_CARET)
        return b;
    if (enter(p) || advance(p)) {
        qnode_free(b);
        return NULL;
    }
    qnode_t *e = parse_pow(p);
    leave(p);
    if (!e) {
        qnode_free(b);
        return NULL;
    }
    return binary(p, QOP_POW, b, e);
}

static qnode_t *parse_mul(parser_t *p)
{
    int saved = p->chain;
    qnode_t *l = parse_pow(p);
    while (l) {
        qop_t op = p->tok.kind == QT_STAR ? QOP_MUL : p->tok.kind == QT_SLASH ? QOP_DIV
                 : p->tok.kind == QT_PERCENT ? QOP_MOD : QOP_NONE;
        if (op == QOP_NONE)
            break;
        qnode_t *r;
        if (chain(p) || advance(p) || !(r = parse_pow(p))) {
            qnode_free(l);
            return NULL;
        }
        l = binary(p, op, l, r);
    }
    p->chain = saved;
    return l;
}

static qnode_t *parse_add(parser_t *p)
{
    int saved = p->chain;
    qnode_t *l = parse_mul(p);
    while (l) {
        qop_t op = p->tok.kind == QT_PLUS ? QOP_ADD : p->tok.kind == QT_MINUS ? QOP_SUB : QOP_NONE;
        if (op == QOP_NONE)
            break;
        qnode_t *r;
        if (chain(p) || advance(p) || !(r = parse_mul(p))) {
            qnode_free(l);
            return NULL;
        }
        l = binary(p, op, l, r);
    }
    p->chain = saved;
    return l;
}

static qop_t cmp_op(qtok_kind_t k)
{
    switch (k) {
    case QT_EQ: case QT_EQEQ: return QOP_EQ;
    case QT_NE: return QOP_NE;
    case QT_LT: return QOP_LT;
    case QT_LE: return QOP_LE;
    case QT_GT: return QOP_GT;
    case QT_GE: return QOP_GE;
    default: return QOP_NONE;
    }
}

static qnode_t *parse_cmp(parser_t *p)
{
    qnode_t *l = parse_add(p), *r = NULL;
    if (!l)
        return NULL;
    qop_t op = cmp_op(p->tok.kind);
    int negated = 0;
    if (is_kw(p, "not") && (peek_kw(p, "like") || peek_kw(p, "in"))) {
        negated = 1;
        if (advance(p))
            goto fail;
    }
    if (op != QOP_NONE) {
        if (advance(p) || !(r = parse_add(p)))
            goto fail;
    } else if (is_kw(p, "like")) {
        op = negated ? QOP_NOT_LIKE : QOP_LIKE;
        if (advance(p))
            goto fail;
        if (p->tok.kind == QT_SLASH && relex_regex(p))
            goto fail;
        if (p->tok.kind != QT_STRING && p->tok.kind != QT_REGEX) {
            perr(p, p->tok.start, "expected a string or /regex/ after %s, found %s", prev(p),
                 found(p));
            goto fail;
        }
        if (!(r = parse_primary(p)))
            goto fail;
    } else if (p->tok.kind == QT_MATCH) {
        op = QOP_MATCH;
        if (advance(p))
            goto fail;
        if (p->tok.kind == QT_SLASH && relex_regex(p))
            goto fail;
        if (p->tok.kind != QT_REGEX) {
            perr(p, p->tok.start, "expected a /regex/ after '=~', found %s", found(p));
            goto fail;
        }
        if (!(r = parse_primary(p)))
            goto fail;
    } else if (is_kw(p, "in")) {
        op = negated ? QOP_NOT_IN : QOP_IN;
        if (advance(p))
            goto fail;
        if (p->tok.kind != QT_LBRACK) {
            perr(p, p->tok.start, "expected a list [...] after %s, found %s", prev(p), found(p));
            goto fail;
        }
        if (!(r = parse_list(p)))
            goto fail;
    } else {
        return l;
    }
    if (cmp_op(p->tok.kind) != QOP_NONE || p->tok.kind == QT_MATCH || is_kw(p, "like") ||
        is_kw(p, "in")) {
        perr(p, p->tok.start, "comparisons do not chain: use 'and' or parentheses before %s",
             found(p));
        qnode_free(l);
        qnode_free(r);
        return NULL;
    }
    return binary(p, op, l, r);
fail:
    qnode_free(l);
    return NULL;
}

static qnode_t *parse_not(parser_t *p)
{
    if (!is_kw(p, "not"))
        return parse_cmp(p);
    int start = p->tok.start;
    if (enter(p) || advance(p))
        return NULL;
    qnode_t *x = parse_not(p);
    leave(p);
    return x ? unary(p, QOP_NOT, start, x) : NULL;
}

static qnode_t *parse_and(parser_t *p)
{
    int saved = p->chain;
    qnode_t *l = parse_not(p);
    while (l && is_kw(p, "and")) {
        qnode_t *r;
        if (chain(p) || advance(p) || !(r = parse_not(p))) {
            qnode_free(l);
            return NULL;
        }
        l = binary(p, QOP_AND, l, r);
    }
    p->chain = saved;
    return l;
}

static qnode_t *parse_or(parser_t *p)
{
    int saved = p->chain;
    qnode_t *l = parse_and(p);
    while (l && is_kw(p, "or")) {
        qnode_t *r;
        if (chain(p) || advance(p) || !(r = parse_and(p))) {
            qnode_free(l);
            return NULL;
        }
        l = binary(p, QOP_OR, l, r);
    }
    p->chain = saved;
    return l;
}

static qnode_t *parse_expr(parser_t *p)
{
    if (enter(p))
        return NULL;
    qnode_t *n = parse_or(p);
    leave(p);
    return n;
}

/* --- commands --- */

static qitem_t *grow_items(qitem_t *a, int n)
{
    if ((n & (n - 1)) == 0)
        a = xrealloc(a, sizeof *a * (size_t)(n ? n * 2 : 1));
    memset(&a[n], 0, sizeof *a);
    return a;
}

/* A name after 'as', ',' or 'into': any identifier (@x, a.b, `x-y`). */
static char *parse_name(parser_t *p)
{
    if (p->tok.kind != QT_IDENT) {
        perr(p, p->tok.start, "expected a field name after %s, found %s", prev(p), found(p));
        return NULL;
    }
    char *s = steal_str(p);
    if (advance(p)) {
        free(s);
        return NULL;
    }
    return s;
}

static int parse_item(parser_t *p, qitem_t *it)
{
    if (!(it->expr = parse_expr(p)))
        return OBS_EINVAL;
    if (is_kw(p, "as")) {
        if (advance(p) || !(it->alias = parse_name(p)))
            return OBS_EINVAL;
    }
    return 0;
}

static int parse_items(parser_t *p, qitem_t **items, int *n)
{
    for (;;) {
        *items = grow_items(*items, *n);
        (*n)++;
        if (parse_item(p, &(*items)[*n - 1]))
            return OBS_EINVAL;
        if (p->tok.kind != QT_COMMA)
            return 0;
        if (advance(p))
            return OBS_EINVAL;
    }
}

static int parse_stats(parser_t *p, qcmd_t *c)
{
    if (parse_items(p, &c->items, &c->nitems))
        return OBS_EINVAL;
    p->expect = "',', 'by', '|' or end of query";
    if (is_kw(p, "group") && peek_kw(p, "by")) {
        if (advance(p))
            return OBS_EINVAL;
    }
    if (!is_kw(p, "by"))
        return 0;
    if (advance(p))
        return OBS_EINVAL;
    p->expect = "',', '|' or end of query";
    if (parse_items(p, &c->by, &c->nby))
        return OBS_EINVAL;
    if (is_kw(p, "offset"))
        return perr(p, p->tok.start, "stats ... by ... offset is not supported");
    return 0;
}

static int parse_sort(parser_t *p, qcmd_t *c)
{
    if (is_kw(p, "by")) {
        qtok_t n;
        peek(p, &n);
        int field = n.kind == QT_COMMA || n.kind == QT_PIPE || n.kind == QT_EOF ||
                    tok_is_kw(&n, "asc") || tok_is_kw(&n, "desc");
        qtok_free(&n);
        if (!field && advance(p))
            return OBS_EINVAL;
        if (field) {
            /* "sort by": a field named by; parse_primary refuses the keyword */
            perr(p, p->tok.start, "expected a field after 'sort by', found %s", found(p));
            return OBS_EINVAL;
        }
    }
    p->expect = "',', 'asc', 'desc', '|' or end of query";
    for (;;) {
        if ((c->nkeys & (c->nkeys - 1)) == 0)
            c->keys = xrealloc(c->keys, sizeof *c->keys * (size_t)(c->nkeys ? c->nkeys * 2 : 1));
        qsort_key_t *k = &c->keys[c->nkeys++];
        k->desc = 0;
        if (!(k->expr = parse_expr(p)))
            return OBS_EINVAL;
        if (is_kw(p, "asc") || is_kw(p, "desc")) {
            k->desc = is_kw(p, "desc");
            if (advance(p))
                return OBS_EINVAL;
        }
        if (p->tok.kind != QT_COMMA)
            return 0;
        if (advance(p))
            return OBS_EINVAL;
    }
}

static int parse_limit(parser_t *p, qcmd_t *c)
{
    if (is_kw(p, "any")) {
        qtok_t n;
        peek(p, &n);
        int num = n.kind == QT_NUMBER;
        qtok_free(&n);
        if (num && advance(p))
            return OBS_EINVAL;
    }
    double v = p->tok.num;
    if (p->tok.kind != QT_NUMBER || v < 1 || v > 1e15 || v != floor(v))
        return perr(p, p->tok.start, "expected a positive whole number after %s, found %s",
                    prev(p), found(p));
    c->limit = (int64_t)v;
    return advance(p);
}

static int add_name(parser_t *p, qcmd_t *c, char *name, int off)
{
    for (int i = 0; i < c->nnames; i++) {
        if (strcmp(c->names[i], name) == 0) {
            perr(p, off, "field '%.60s' is named twice in parse", name);
            free(name);
            return OBS_EINVAL;
        }
    }
    if ((c->nnames & (c->nnames - 1)) == 0)
        c->names = xrealloc(c->names, sizeof *c->names * (size_t)(c->nnames ? c->nnames * 2 : 1));
    c->names[c->nnames++] = name;
    return 0;
}

/* Collect the named groups (?<name>...) and (?P<name>...) of a regex. */
static int regex_names(parser_t *p, qcmd_t *c, const char *re, int off)
{
    int in_class = 0;
    for (size_t i = 0; re[i]; i++) {
        if (re[i] == '\\') {
            if (re[i + 1])
                i++;
            continue;
        }
        if (in_class) {
            if (re[i] == ']')
                in_class = 0;
            continue;
        }
        if (re[i] == '[') {
            in_class = 1;
            if (re[i + 1] == '^')
                i++;
            if (re[i + 1] == ']')
                i++;
            continue;
        }
        if (re[i] != '(' || re[i + 1] != '?')
            continue;
        size_t s;
        if (re[i + 2] == '<' && re[i + 3] != '=' && re[i + 3] != '!')
            s = i + 3;
        else if (re[i + 2] == 'P' && re[i + 3] == '<')
            s = i + 4;
        else
            continue;
        size_t e = s;
        while (re[e] && re[e] != '>')
            e++;
        int ok = re[e] == '>' && e > s && !(re[s] >= '0' && re[s] <= '9');
        for (size_t j = s; ok && j < e; j++) {
            char ch = re[j];
            ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '_';
        }
        if (!ok)
            return perr(p, off, "invalid group name in parse regex: (?<%.*s", (int)(e - s > 40 ? 40 : e - s),
                        re + s);
        if (add_name(p, c, xstrndup(re + s, e - s), off))
            return OBS_EINVAL;
        i = e;
    }
    return 0;
}

static int parse_parse(parser_t *p, qcmd_t *c)
{
    if (p->tok.kind == QT_IDENT && (is_kw(p, "logfmt") || is_kw(p, "csv")) && peek_kw(p, "as"))
        return perr(p, p->tok.start, "parse ... %s is not supported", p->tok.str);
    if (p->tok.kind == QT_IDENT) {
        if (!(c->source = mk(p, QN_FIELD, p->tok.start, p->tok.end)))
            return OBS_EINVAL;
        c->source->str = steal_str(p);
        c->source->path = p->tok.path;
        p->tok.path = NULL;
        if (advance(p))
            return OBS_EINVAL;
    }
    if (p->tok.kind == QT_SLASH && relex_regex(p))
        return OBS_EINVAL;
    int off = p->tok.start;
    if (p->tok.kind == QT_STRING) {
        c->parse_mode = QP_GLOB;
        c->pattern = steal_str(p);
        if (advance(p))
            return OBS_EINVAL;
        if (!is_kw(p, "as"))
            return perr(p, p->tok.start,
                        "expected 'as' and field names after the parse pattern, found %s", found(p));
        do {
            char *name;
            if (advance(p) || !(name = parse_name(p)))
                return OBS_EINVAL;
            if (add_name(p, c, name, p->prev_start))
                return OBS_EINVAL;
        } while (p->tok.kind == QT_COMMA);
        int stars = 0;
        for (const char *s = c->pattern; *s; s++)
            stars += *s == '*';
        if (stars == 0)
            return perr(p, off, "the parse pattern has no '*' to capture");
        if (stars != c->nnames)
            return perr(p, off, "the parse pattern has %d '*' but %d field name%s after 'as'",
                        stars, c->nnames, c->nnames == 1 ? "" : "s");
    } else if (p->tok.kind == QT_REGEX) {
        c->parse_mode = QP_REGEX;
        c->pattern = steal_str(p);
        if (regex_names(p, c, c->pattern, off))
            return OBS_EINVAL;
        if (c->nnames == 0)
            return perr(p, off, "the parse regex has no named group such as (?<name>...)");
        if (advance(p))
            return OBS_EINVAL;
        if (is_kw(p, "as"))
            return perr(p, p->tok.start,
                        "'as' after a parse regex is not supported: name the captures with (?<name>...)");
        if (is_kw(p, "multi"))
            return perr(p, p->tok.start, "'parse ... multi' is not supported");
    } else if (is_kw(p, "logfmt") || is_kw(p, "csv")) {
        return perr(p, p->tok.start, "parse ... %s is not supported", p->tok.str);
    } else {
        return perr(p, p->tok.start,
                    "expected a \"glob * pattern\" or /regex/ after %s, found %s", prev(p), found(p));
    }
    p->expect = "'|' or end of query";
    return 0;
}

static int parse_dedup(parser_t *p, qcmd_t *c)
{
    p->expect = "',', '|' or end of query";
    for (;;) {
        if (p->tok.kind != QT_IDENT)
            return perr(p, p->tok.start, "expected a field name after %s, found %s", prev(p),
                        found(p));
        c->items = grow_items(c->items, c->nitems);
        qitem_t *it = &c->items[c->nitems++];
        if (!(it->expr = mk(p, QN_FIELD, p->tok.start, p->tok.end)))
            return OBS_EINVAL;
        it->expr->str = steal_str(p);
        it->expr->path = p->tok.path;
        p->tok.path = NULL;
        if (advance(p))
            return OBS_EINVAL;
        if (p->tok.kind != QT_COMMA)
            return 0;
        if (advance(p))
            return OBS_EINVAL;
    }
}

static int parse_unnest(parser_t *p, qcmd_t *c)
{
    if (!(c->unnest_expr = parse_expr(p)))
        return OBS_EINVAL;
    if (!is_kw(p, "into"))
        return perr(p, p->tok.start, "expected 'into' after the unnest expression, found %s",
                    found(p));
    if (advance(p) || !(c->unnest_into = parse_name(p)))
        return OBS_EINVAL;
    return 0;
}

static const char *const unsupported[] = {
    "unmask", "pattern", "anomaly", "diff", "filterIndex", "addtotals", "lookup", "join",
    "autoregress", "logcompare", "filldown", "fillmissing", "cidrlookup", "outlier", "accum",
    "appendcols", "sessionize", "countFrequent", "relevantfields", "expand",
};

static int parse_command(parser_t *p, qcmd_t *c, int first)
{
    static const struct { const char *name; qcmd_kind_t kind; } cmds[] = {
        { "fields", QC_FIELDS }, { "display", QC_DISPLAY }, { "filter", QC_FILTER },
        { "where", QC_FILTER }, { "stats", QC_STATS }, { "sort", QC_SORT },
        { "limit", QC_LIMIT }, { "parse", QC_PARSE }, { "dedup", QC_DEDUP },
        { "unnest", QC_UNNEST },
    };
    c->start = p->tok.start;
    if (p->tok.kind != QT_IDENT) {
        if (first)
            return perr(p, p->tok.start, "expected a command such as fields, filter or stats, found %s",
                        found(p));
        return perr(p, p->tok.start, "expected a command after '|', found %s", found(p));
    }
    if (is_kw(p, "source"))
        return perr(p, p->tok.start, "SOURCE is not supported: select functions with --function");
    int found_cmd = -1;
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (is_kw(p, cmds[i].name))
            found_cmd = (int)i;
    if (found_cmd < 0) {
        for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
            if (is_kw(p, unsupported[i]))
                return perr(p, p->tok.start, "the %s command is not supported by obsq",
                            unsupported[i]);
        char s[64];
        return perr(p, p->tok.start,
                    "unknown command %s: expected fields, display, filter, stats, sort, limit, "
                    "parse, dedup or unnest",
                    snippet(p, s, sizeof s, p->tok.start, p->tok.end));
    }
    c->kind = cmds[found_cmd].kind;
    if (advance(p))
        return OBS_EINVAL;
    int rc;
    p->expect = "'|' or end of query";
    switch (c->kind) {
    case QC_FIELDS:
    case QC_DISPLAY:
        p->expect = "',', 'as', '|' or end of query";
        rc = parse_items(p, &c->items, &c->nitems);
        if (!rc)
            p->expect = c->items[c->nitems - 1].alias ? "',', '|' or end of query"
                                                      : "',', 'as', '|' or end of query";
        break;
    case QC_FILTER:
        rc = (c->cond = parse_expr(p)) ? 0 : OBS_EINVAL;
        break;
    case QC_STATS:
        rc = parse_stats(p, c);
        break;
    case QC_SORT:
        rc = parse_sort(p, c);
        break;
    case QC_LIMIT:
        rc = parse_limit(p, c);
        break;
    case QC_PARSE:
        rc = parse_parse(p, c);
        break;
    case QC_DEDUP:
        rc = parse_dedup(p, c);
        break;
    case QC_UNNEST:
        rc = parse_unnest(p, c);
        break;
    default:
        rc = OBS_EINVAL;
    }
    c->end = p->prev_end;
    return rc;
}

int query_parse(const char *text, size_t len, query_ast_t **out, obs_err_t *err)
{
    *out = NULL;
    if (len > QUERY_MAX_TEXT) {
        obs_err_set(err, OBS_EINVAL, "query is too long (%zu bytes; the limit is %d)", len,
                    QUERY_MAX_TEXT);
        if (err)
            err->line = err->col = 1;
        return OBS_EINVAL;
    }
    obs_err_t dummy;
    if (!err)
        err = &dummy;
    query_ast_t *q = xcalloc(1, sizeof *q);
    q->text = xmalloc(len + 1);
    if (len)
        memcpy(q->text, text, len);
    q->text[len] = '\0';
    parser_t p = { 0 };
    p.t = q->text;
    p.len = len;
    p.err = err;
    if (qlex_next(p.t, p.len, 0, 0, &p.tok, err))
        goto fail;
    if (p.tok.kind == QT_EOF) {
        perr(&p, p.tok.start, "empty query: expected a command such as fields, filter or stats");
        goto fail;
    }
    for (;;) {
        if ((q->ncmds & (q->ncmds - 1)) == 0)
            q->cmds = xrealloc(q->cmds, sizeof *q->cmds * (size_t)(q->ncmds ? q->ncmds * 2 : 1));
        qcmd_t *c = &q->cmds[q->ncmds++];
        memset(c, 0, sizeof *c);
        if (parse_command(&p, c, q->ncmds == 1))
            goto fail;
        if (p.tok.kind == QT_EOF)
            break;
        if (p.tok.kind != QT_PIPE) {
            perr(&p, p.tok.start, "expected %s, found %s", p.expect, found(&p));
            goto fail;
        }
        if (advance(&p))
            goto fail;
    }
    qtok_free(&p.tok);
    *out = q;
    return 0;
fail:
    qtok_free(&p.tok);
    query_ast_free(q);
    return OBS_EINVAL;
}
