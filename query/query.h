/* query/query.h — the query library's front door: what obsq, obstop's tail
 * filter, the benchmarks, the fuzzer and the tests include. A Logs Insights
 * query goes through it in four steps:
 *
 *   query_compile()     text -> checked AST (lex.c, parse.c, check.c); an
 *                       error carries the line and column (query_error_print)
 *   query_plan_build()  AST + options (range, functions, the store's
 *                       vocabulary) -> one SQL statement and its bound
 *                       parameters (emit_sql.c: the SQLite dialect)
 *   query_run()         the plan on a connection set up by
 *                       query_connection_setup() -> rows into a formatter
 *                       (format.h); query_run_split() runs it in parts on
 *                       several threads when it can (run_split.c)
 *   query_plan_free(), query_ast_free()
 *
 * Plus what the programs built on it share: event views (one invocation,
 * matches in context: events.h) and the time arguments (timearg.h). The
 * stages' own headers (lex.h, parse.h, check.h, emit_int.h,
 * builtins.h, prefilter.h, plan_hints.h) are the library's, and its unit
 * tests'. */
#ifndef OBS_QUERY_H
#define OBS_QUERY_H

#include "common/err.h"
#include "query/ast.h"
#include "query/emit_sql.h"
#include "query/errfmt.h"
#include "query/events.h"
#include "query/format.h"
#include "query/run.h"
#include "query/run_split.h"
#include "query/sqlfuncs/sqlfuncs.h"
#include "query/timearg.h"
#include "query/vocab.h"

#include <stddef.h>

/* Compile a query text of len bytes: 0 with *out (query_ast_free), or
 * OBS_EINVAL with what is wrong and where (err->line, err->col) and *out
 * NULL. As lenient as CloudWatch (query_check_lenient): what it let
 * through is in (*out)->notes. */
int query_compile(const char *text, size_t len, query_ast_t **out, obs_err_t *err);

/* The same with a choice: strict makes those notes errors (obsq --strict). */
typedef struct query_compile_opts {
    int strict;
} query_compile_opts_t;
int query_compile_opts(const char *text, size_t len, const query_compile_opts_t *o, query_ast_t **out,
                       obs_err_t *err);

/* Print the notes of a compiled query on f, each as "note: ..." with the
 * query line and a caret, like an error. */
void query_notes_print(FILE *f, const query_ast_t *q);

#endif
