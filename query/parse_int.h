/* query/parse_int.h — what the files of the parser share (internal to
 * query/): the parser state and its token helpers (parse_util.c), the
 * expression grammar (parse_expr.c), the commands (parse.c). */
#ifndef OBS_QUERY_PARSE_INT_H
#define OBS_QUERY_PARSE_INT_H

#include "query/parse.h"
#include "query/lex.h"
#include "common/obs.h"


#define QP_MAX_UNSUP 8

typedef struct parser {
    const char *t;
    size_t len;
    qtok_t tok;             /* current token */
    int prev_start, prev_end;  /* previous token */
    int nest, chain, nodes;
    const char *expect;     /* what may follow the current command */
    obs_err_t *err;
    char fbuf[96], pbuf[64];
    /* what obsq does not support, collected so that one error names it all
       (qp_unsupported, qp_unsupported_error) */
    struct { int off; char msg[112]; } unsup[QP_MAX_UNSUP];
    int nunsup;
} parser_t;

int qp_perr(parser_t *p, int off, const char *fmt, ...) OBS_PRINTF(3, 4);
const char *qp_snippet(parser_t *p, char *buf, size_t size, int start, int end);
const char *qp_found(parser_t *p);
const char *qp_prev(parser_t *p);
const char *qp_where(parser_t *p, int off, char *buf, size_t size);
int qp_advance(parser_t *p);
int qp_relex_regex(parser_t *p);
int qp_tok_is_kw(const qtok_t *k, const char *kw);
int qp_is_kw(parser_t *p, const char *kw);
void qp_peek(parser_t *p, qtok_t *out);
int qp_peek_kw(parser_t *p, const char *kw);
int qp_peek_is(parser_t *p, qtok_kind_t kind);
char *qp_steal_str(parser_t *p);
qnode_t *qp_mk(parser_t *p, qnode_kind_t kind, int start, int end);
void qp_add_arg(qnode_t *n, qnode_t *a);
qnode_t *qp_binary(parser_t *p, qop_t op, qnode_t *l, qnode_t *r);
qnode_t *qp_unary(parser_t *p, qop_t op, int start, qnode_t *x);
int qp_enter(parser_t *p);
void qp_leave(parser_t *p);
int qp_chain(parser_t *p);

/* Something the query uses that obsq does not support (a command, a parse
 * form, a function): remembered, and parsing goes on. */
void qp_unsupported(parser_t *p, int off, const char *fmt, ...) OBS_PRINTF(3, 4);
/* Skip the rest of the current command: up to the next '|' outside
 * parentheses and brackets, or the end. 0, or a lexing error. */
int qp_skip_command(parser_t *p);
/* After the whole query: OBS_EINVAL with one message naming everything
 * unsupported (positioned at the first), or 0 when there is nothing. */
int qp_unsupported_error(parser_t *p);

/* The expression grammar (parse_expr.c): or-expression and below. */
qnode_t *qp_expr(parser_t *p);

/* SOURCE at the head of a query (query/cmds/source.c): the current token is
 * the keyword SOURCE; parses up to the '|' after it into *s. */
int qp_source(parser_t *p, qsource_t *s);

#endif
