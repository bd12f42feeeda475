/* query/parse_util.c — the parser's state and token helpers: errors with
 * what was found and expected, advancing (and re-reading a '/' as a regex),
 * keywords, node construction, and the depth/chain/node limits. */
#include "query/parse_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"

int qp_perr(parser_t *p, int off, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return qlex_error(p->err, p->t, p->len, off, "%s", msg);
}

/* Quote a snippet of the text: 'abc', cut at a newline or 32 bytes. */
const char *qp_snippet(parser_t *p, char *buf, size_t size, int start, int end)
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
const char *qp_found(parser_t *p)
{
    qtok_t *k = &p->tok;
    if (k->kind == QT_EOF)
        return "end of query";
    if (k->kind == QT_STRING) {
        char s[64];
        qp_snippet(p, s, sizeof s, k->start, k->end);
        snprintf(p->fbuf, sizeof p->fbuf, "string %s", s);
        return p->fbuf;
    }
    return qp_snippet(p, p->fbuf, sizeof p->fbuf, k->start, k->end);
}

const char *qp_prev(parser_t *p)
{
    return qp_snippet(p, p->pbuf, sizeof p->pbuf, p->prev_start, p->prev_end);
}

/* "column 12", or "line 2, column 12" when off is on another line than the
 * current token. */
const char *qp_where(parser_t *p, int off, char *buf, size_t size)
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

static int qp_advance_mode(parser_t *p, int flags)
{
    int end = p->tok.end;
    p->prev_start = p->tok.start;
    p->prev_end = p->tok.end;
    qtok_free(&p->tok);
    return qlex_next(p->t, p->len, end, flags, &p->tok, p->err);
}

int qp_advance(parser_t *p)
{
    return qp_advance_mode(p, 0);
}

/* Re-read the current token (a '/') as a regex literal. */
int qp_relex_regex(parser_t *p)
{
    int start = p->tok.start;
    qtok_free(&p->tok);
    return qlex_next(p->t, p->len, start, QLEX_REGEX, &p->tok, p->err);
}

int qp_tok_is_kw(const qtok_t *k, const char *kw)
{
    return k->kind == QT_IDENT && k->plain && strcasecmp(k->str, kw) == 0;
}

int qp_is_kw(parser_t *p, const char *kw)
{
    return qp_tok_is_kw(&p->tok, kw);
}

/* The token after the current one (default mode), for two-word keywords. */
void qp_peek(parser_t *p, qtok_t *out)
{
    obs_err_t e;
    if (qlex_next(p->t, p->len, p->tok.end, 0, out, &e) != 0) {
        memset(out, 0, sizeof *out);
        out->kind = QT_EOF;
    }
}

int qp_peek_kw(parser_t *p, const char *kw)
{
    qtok_t n;
    qp_peek(p, &n);
    int r = qp_tok_is_kw(&n, kw);
    qtok_free(&n);
    return r;
}

int qp_peek_is(parser_t *p, qtok_kind_t kind)
{
    qtok_t n;
    qp_peek(p, &n);
    int r = n.kind == kind;
    qtok_free(&n);
    return r;
}

char *qp_steal_str(parser_t *p)
{
    char *s = p->tok.str;
    p->tok.str = NULL;
    return s ? s : xstrdup("");
}

/* --- nodes --- */

qnode_t *qp_mk(parser_t *p, qnode_kind_t kind, int start, int end)
{
    if (++p->nodes > QUERY_MAX_NODES) {
        qp_perr(p, start, "query is too complex (more than %d expression nodes)", QUERY_MAX_NODES);
        return NULL;
    }
    qnode_t *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->start = start;
    n->end = end;
    return n;
}

void qp_add_arg(qnode_t *n, qnode_t *a)
{
    if ((n->nargs & (n->nargs - 1)) == 0)
        n->args = xrealloc(n->args, sizeof *n->args * (size_t)(n->nargs ? n->nargs * 2 : 1));
    n->args[n->nargs++] = a;
}

qnode_t *qp_binary(parser_t *p, qop_t op, qnode_t *l, qnode_t *r)
{
    qnode_t *n = qp_mk(p, QN_BINARY, l->start, r->end);
    if (!n) {
        qnode_free(l);
        qnode_free(r);
        return NULL;
    }
    n->op = op;
    qp_add_arg(n, l);
    qp_add_arg(n, r);
    return n;
}

qnode_t *qp_unary(parser_t *p, qop_t op, int start, qnode_t *x)
{
    qnode_t *n = qp_mk(p, QN_UNARY, start, x->end);
    if (!n) {
        qnode_free(x);
        return NULL;
    }
    n->op = op;
    qp_add_arg(n, x);
    return n;
}

/* One more level of nesting (and of tree height). */
int qp_enter(parser_t *p)
{
    if (++p->nest > QUERY_MAX_DEPTH)
        return qp_perr(p, p->tok.start, "expression nested too deeply (more than %d levels)",
                    QUERY_MAX_DEPTH);
    if (++p->chain > QUERY_MAX_CHAIN)
        return qp_perr(p, p->tok.start, "expression too long (more than %d operators in a row)",
                    QUERY_MAX_CHAIN);
    return 0;
}

void qp_leave(parser_t *p)
{
    p->nest--;
    p->chain--;
}

/* One more link of a left-associative chain. */
int qp_chain(parser_t *p)
{
    if (++p->chain > QUERY_MAX_CHAIN)
        return qp_perr(p, p->tok.start, "expression too long (more than %d operators in a row)",
                    QUERY_MAX_CHAIN);
    return 0;
}

/* --- what obsq does not support --- */

void qp_unsupported(parser_t *p, int off, const char *fmt, ...)
{
    if (p->nunsup == QP_MAX_UNSUP)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->unsup[p->nunsup].msg, sizeof p->unsup[p->nunsup].msg, fmt, ap);
    va_end(ap);
    p->unsup[p->nunsup++].off = off;
}

int qp_skip_command(parser_t *p)
{
    int depth = 0;
    while (p->tok.kind != QT_EOF && !(p->tok.kind == QT_PIPE && depth == 0)) {
        if (p->tok.kind == QT_LPAREN || p->tok.kind == QT_LBRACK)
            depth++;
        else if ((p->tok.kind == QT_RPAREN || p->tok.kind == QT_RBRACK) && depth > 0)
            depth--;
        if (qp_advance(p))
            return OBS_EINVAL;
    }
    return 0;
}

/* One item: its own message ("the join command is not supported by obsq").
 * Several: "not supported by obsq: the join command (column 12); function
 * 'topk' (line 2, column 8)", each without its "is not supported" tail. */
int qp_unsupported_error(parser_t *p)
{
    if (p->nunsup == 0)
        return 0;
    if (p->nunsup == 1)
        return qp_perr(p, p->unsup[0].off, "%s", p->unsup[0].msg);
    char msg[256];
    size_t used = (size_t)snprintf(msg, sizeof msg, "not supported by obsq:");
    for (int i = 0; i < p->nunsup && used < sizeof msg; i++) {
        char what[112];
        snprintf(what, sizeof what, "%s", p->unsup[i].msg);
        char *tail = strstr(what, " is not supported");
        if (tail)
            *tail = '\0';
        int line, col;
        qlex_linecol(p->t, p->len, p->unsup[i].off, &line, &col);
        char where[48];
        if (line > 1 || memchr(p->t, '\n', p->len))
            snprintf(where, sizeof where, "line %d, column %d", line, col);
        else
            snprintf(where, sizeof where, "column %d", col);
        used += (size_t)snprintf(msg + used, sizeof msg - used, "%s %s (%s)", i ? ";" : "", what, where);
    }
    return qp_perr(p, p->unsup[0].off, "%s", msg);
}
