/* query/parse_expr.c — the expression grammar, by precedence (loosest
 * first): or < and < not < comparison/like/in < + - < * / % < ^ < unary
 * minus; primaries are literals, fields, lists, calls and parentheses. */
#include "query/parse_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "query/builtins.h"

/* --- expressions --- */


static qnode_t *expected_expr(parser_t *p)
{
    qp_perr(p, p->tok.start, "expected an expression after %s, found %s", qp_prev(p), qp_found(p));
    return NULL;
}

static qnode_t *parse_list(parser_t *p)
{
    int open = p->tok.start;
    qnode_t *list = qp_mk(p, QN_LIST, open, open);
    if (!list || qp_advance(p))
        goto fail;
    while (p->tok.kind != QT_RBRACK) {
        qnode_t *e = NULL;
        int s = p->tok.start;
        int neg = 0;
        if (p->tok.kind == QT_MINUS) {
            neg = 1;
            if (qp_advance(p))
                goto fail;
        }
        if (p->tok.kind == QT_NUMBER) {
            if (!(e = qp_mk(p, QN_NUMBER, s, p->tok.end)))
                goto fail;
            e->num = neg ? -p->tok.num : p->tok.num;
        } else if (!neg && p->tok.kind == QT_STRING) {
            if (!(e = qp_mk(p, QN_STRING, s, p->tok.end)))
                goto fail;
            e->str = qp_steal_str(p);
        } else if (!neg && (qp_is_kw(p, "true") || qp_is_kw(p, "false"))) {
            if (!(e = qp_mk(p, QN_BOOL, s, p->tok.end)))
                goto fail;
            e->num = qp_is_kw(p, "true");
        } else {
            qp_perr(p, p->tok.start, "expected a string, number, true or false in the list, found %s",
                 qp_found(p));
            goto fail;
        }
        qp_add_arg(list, e);
        if (qp_advance(p))
            goto fail;
        if (p->tok.kind == QT_COMMA) {
            if (qp_advance(p))
                goto fail;
            continue;
        }
        if (p->tok.kind != QT_RBRACK) {
            char w[48];
            qp_perr(p, p->tok.start, "expected ']' to close '[' at %s, found %s",
                 qp_where(p, open, w, sizeof w), qp_found(p));
            goto fail;
        }
    }
    list->end = p->tok.end;
    if (qp_advance(p))
        goto fail;
    return list;
fail:
    qnode_free(list);
    return NULL;
}

static qnode_t *parse_call(parser_t *p, char *name, int start)
{
    int open = p->tok.start;
    if (query_builtin_unsupported(name))  /* say so, and read the call on */
        qp_unsupported(p, start, "function '%.60s' is not supported by obsq (docs/query-language.md "
                       "lists what is)", name);
    qnode_t *call = qp_mk(p, QN_CALL, start, start);
    if (!call) {
        free(name);
        return NULL;
    }
    for (char *c = name; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c + 32);
    call->str = name;
    if (qp_advance(p))
        goto fail;
    if (p->tok.kind != QT_RPAREN) {
        for (;;) {
            qnode_t *a;
            /* No expression starts with '*': an argument that does is the
             * star of count(*) (the checker allows it nowhere else), and
             * what follows it must be ',' or ')'. */
            if (p->tok.kind == QT_STAR) {
                if (!(a = qp_mk(p, QN_STAR, p->tok.start, p->tok.end)) || qp_advance(p))
                    goto fail_a;
            } else if (!(a = qp_expr(p))) {
                goto fail;
            }
            qp_add_arg(call, a);
            if (p->tok.kind == QT_COMMA) {
                if (qp_advance(p))
                    goto fail;
                continue;
            }
            if (p->tok.kind == QT_RPAREN)
                break;
            char w[48];
            qp_perr(p, p->tok.start, "expected ')' to close '(' at %s, found %s",
                 qp_where(p, open, w, sizeof w), qp_found(p));
            goto fail;
        fail_a:
            qnode_free(a);
            goto fail;
        }
    }
    call->end = p->tok.end;
    if (qp_advance(p))
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
    if (k->kind == QT_SLASH && qp_relex_regex(p))
        return NULL;
    switch (k->kind) {
    case QT_NUMBER:
        if (!(n = qp_mk(p, QN_NUMBER, k->start, k->end)))
            return NULL;
        n->num = k->num;
        break;
    case QT_STRING:
    case QT_REGEX:
        if (!(n = qp_mk(p, k->kind == QT_STRING ? QN_STRING : QN_REGEX, k->start, k->end)))
            return NULL;
        n->str = qp_steal_str(p);
        break;
    case QT_PERIOD:
        if (!(n = qp_mk(p, QN_PERIOD, k->start, k->end)))
            return NULL;
        n->period.n = k->period_n;
        n->period.unit = k->unit;
        break;
    case QT_LBRACK:
        return parse_list(p);
    case QT_LPAREN: {
        int open = k->start;
        if (qp_advance(p) || !(n = qp_expr(p)))
            return NULL;
        if (p->tok.kind != QT_RPAREN) {
            char w[48];
            qp_perr(p, p->tok.start, "expected ')' to close '(' at %s, found %s",
                 qp_where(p, open, w, sizeof w), qp_found(p));
            qnode_free(n);
            return NULL;
        }
        n->start = open;
        n->end = p->tok.end;
        break;
    }
    case QT_IDENT: {
        if (qp_is_kw(p, "true") || qp_is_kw(p, "false")) {
            if (!(n = qp_mk(p, QN_BOOL, k->start, k->end)))
                return NULL;
            n->num = qp_is_kw(p, "true");
            break;
        }
        if (qp_is_kw(p, "like")) {
            qtok_t nx;
            qp_peek(p, &nx);
            int call = nx.kind == QT_LPAREN;
            qtok_free(&nx);
            if (call) {
                qp_perr(p, k->start, "like is an operator, not a function: write x like /re/ "
                        "(or x like \"text\"), not like(x, /re/)");
                return NULL;
            }
        }
        for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
            if (qp_is_kw(p, reserved[i]))
                return expected_expr(p);
        int start = k->start, end = k->end, plain = k->plain;
        char *name = qp_steal_str(p);
        char *path = k->path;
        k->path = NULL;
        if (qp_advance(p)) {
            free(name);
            free(path);
            return NULL;
        }
        if (p->tok.kind == QT_LPAREN) {
            free(path);
            if (!plain) {
                qp_perr(p, start, "'%.60s' is not a function name", name);
                free(name);
                return NULL;
            }
            return parse_call(p, name, start);
        }
        if (!(n = qp_mk(p, QN_FIELD, start, end))) {
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
    if (qp_advance(p)) {
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
    if (qp_enter(p) || qp_advance(p))
        return NULL;
    qnode_t *x = parse_unary(p);
    qp_leave(p);
    if (!x)
        return NULL;
    if (x->kind == QN_NUMBER) {
        x->num = -x->num;
        x->start = start;
        return x;
    }
    return qp_unary(p, QOP_NEG, start, x);
}

static qnode_t *parse_pow(parser_t *p)
{
    qnode_t *b = parse_unary(p);
    if (!b || p->tok.kind != QT_CARET)
        return b;
    if (qp_enter(p) || qp_advance(p)) {
        qnode_free(b);
        return NULL;
    }
    qnode_t *e = parse_pow(p);
    qp_leave(p);
    if (!e) {
        qnode_free(b);
        return NULL;
    }
    return qp_binary(p, QOP_POW, b, e);
}

/* operand (op operand)*, left-associative; op_at says which operator the
 * current token is (QOP_NONE: the chain ends). */
static qnode_t *left_chain(parser_t *p, qnode_t *(*operand)(parser_t *), qop_t (*op_at)(parser_t *))
{
    int saved = p->chain;
    qnode_t *l = operand(p);
    qop_t op;
    while (l && (op = op_at(p)) != QOP_NONE) {
        qnode_t *r;
        if (qp_chain(p) || qp_advance(p) || !(r = operand(p))) {
            qnode_free(l);
            return NULL;
        }
        l = qp_binary(p, op, l, r);
    }
    p->chain = saved;
    return l;
}

static qop_t mul_op(parser_t *p)
{
    return p->tok.kind == QT_STAR ? QOP_MUL : p->tok.kind == QT_SLASH ? QOP_DIV
         : p->tok.kind == QT_PERCENT ? QOP_MOD : QOP_NONE;
}

static qop_t add_op(parser_t *p)
{
    return p->tok.kind == QT_PLUS ? QOP_ADD : p->tok.kind == QT_MINUS ? QOP_SUB : QOP_NONE;
}

static qop_t and_op(parser_t *p)
{
    return qp_is_kw(p, "and") ? QOP_AND : QOP_NONE;
}

static qop_t or_op(parser_t *p)
{
    return qp_is_kw(p, "or") ? QOP_OR : QOP_NONE;
}

static qnode_t *parse_mul(parser_t *p)
{
    return left_chain(p, parse_pow, mul_op);
}

static qnode_t *parse_add(parser_t *p)
{
    return left_chain(p, parse_mul, add_op);
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
    if (qp_is_kw(p, "not") && (qp_peek_kw(p, "like") || qp_peek_kw(p, "in"))) {
        negated = 1;
        if (qp_advance(p))
            goto fail;
    }
    if (op != QOP_NONE) {
        if (qp_advance(p) || !(r = parse_add(p)))
            goto fail;
    } else if (qp_is_kw(p, "like")) {
        op = negated ? QOP_NOT_LIKE : QOP_LIKE;
        if (qp_advance(p))
            goto fail;
        if (p->tok.kind == QT_SLASH && qp_relex_regex(p))
            goto fail;
        if (p->tok.kind != QT_STRING && p->tok.kind != QT_REGEX) {
            qp_perr(p, p->tok.start, "expected a string or /regex/ after %s, found %s", qp_prev(p),
                 qp_found(p));
            goto fail;
        }
        if (!(r = parse_primary(p)))
            goto fail;
    } else if (p->tok.kind == QT_MATCH) {
        op = QOP_MATCH;
        if (qp_advance(p))
            goto fail;
        if (p->tok.kind == QT_SLASH && qp_relex_regex(p))
            goto fail;
        if (p->tok.kind != QT_REGEX && p->tok.kind != QT_STRING) {  /* "text" is a regex too */
            qp_perr(p, p->tok.start, "expected a /regex/ or string after '=~', found %s", qp_found(p));
            goto fail;
        }
        if (!(r = parse_primary(p)))
            goto fail;
    } else if (qp_is_kw(p, "in")) {
        op = negated ? QOP_NOT_IN : QOP_IN;
        if (qp_advance(p))
            goto fail;
        if (p->tok.kind != QT_LBRACK) {
            qp_perr(p, p->tok.start, "expected a list [...] after %s, found %s", qp_prev(p), qp_found(p));
            goto fail;
        }
        if (!(r = parse_list(p)))
            goto fail;
    } else {
        return l;
    }
    if (cmp_op(p->tok.kind) != QOP_NONE || p->tok.kind == QT_MATCH || qp_is_kw(p, "like") ||
        qp_is_kw(p, "in")) {
        qp_perr(p, p->tok.start, "comparisons do not chain: use 'and' or parentheses before %s",
             qp_found(p));
        qnode_free(l);
        qnode_free(r);
        return NULL;
    }
    return qp_binary(p, op, l, r);
fail:
    qnode_free(l);
    return NULL;
}

/* not x, or !x as published queries write it (filter !ispresent(f)):
 * both bind looser than a comparison. */
static qnode_t *parse_not(parser_t *p)
{
    if (!qp_is_kw(p, "not") && p->tok.kind != QT_BANG)
        return parse_cmp(p);
    int start = p->tok.start;
    if (qp_enter(p) || qp_advance(p))
        return NULL;
    qnode_t *x = parse_not(p);
    qp_leave(p);
    return x ? qp_unary(p, QOP_NOT, start, x) : NULL;
}

static qnode_t *parse_and(parser_t *p)
{
    return left_chain(p, parse_not, and_op);
}

static qnode_t *parse_or(parser_t *p)
{
    return left_chain(p, parse_and, or_op);
}

qnode_t *qp_expr(parser_t *p)
{
    if (qp_enter(p))
        return NULL;
    qnode_t *n = parse_or(p);
    qp_leave(p);
    return n;
}

/* --- commands --- */
