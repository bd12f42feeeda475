/* query/parse.h — the query parser: text -> query_ast_t (query/ast.h).
 * Hand-written recursive descent over query/lex.h tokens; see parse.c for
 * the grammar, the operator precedence and the limits. */
#ifndef OBS_QUERY_PARSE_H
#define OBS_QUERY_PARSE_H

#include <stddef.h>

#include "common/err.h"
#include "query/ast.h"

#define QUERY_MAX_TEXT  (1024 * 1024)  /* bytes of query text */
#define QUERY_MAX_DEPTH 200            /* expression nesting (parens, unary, calls, ^) */
#define QUERY_MAX_CHAIN 2000           /* tree height incl. chains like a+b+c+... */
#define QUERY_MAX_NODES 200000         /* expression nodes in one query */

/* Parse `len` bytes of `text` (need not be NUL-terminated). On success
 * returns 0 and *out (free with query_ast_free); on error returns OBS_EINVAL
 * with err->msg, err->line and err->col (1-based, column in bytes) set and
 * *out NULL. The tree is syntactic only: run query_check() next. */
int query_parse(const char *text, size_t len, query_ast_t **out, obs_err_t *err);

#endif
