/* query/check.h — the semantic checker of a parsed query (query/parse.h):
 * resolves functions against query/builtins.h, checks arity, where
 * aggregates, bin() and literals may appear, command order and field
 * names, and names every output column. See check.c for the rules. */
#ifndef OBS_QUERY_CHECK_H
#define OBS_QUERY_CHECK_H

#include "common/err.h"
#include "query/ast.h"

/* Check and annotate q in place: sets every QN_CALL's fn and every qitem's
 * name. Returns 0, or OBS_EINVAL with err's message, line and col set (the
 * first error in query order, as far as possible). Strict: a field that
 * does not exist where it is used, and a sort before a stats, are errors. */
int query_check(query_ast_t *q, obs_err_t *err);

/* The same, lenient as CloudWatch is: such a field is empty there (its
 * node is marked missing), a sort before a stats is run in order; each is
 * said in q->notes, with the nearest existing field ("did you mean"). */
int query_check_lenient(query_ast_t *q, obs_err_t *err);

#endif
