/* query/plan_hints.h — AST analyses the planner uses to pick indexes. */
#ifndef OBS_QUERY_PLAN_HINTS_H
#define OBS_QUERY_PLAN_HINTS_H

#include "query/ast.h"
#include "query/prefilter.h"

/* The MATCH expression every result row's event satisfies, from the
 * `@message like/=~` terms of the filters that see every event (before
 * stats, limit, dedup or unnest change the rows), or NULL. */
char *plan_fts_prefilter(const query_ast_t *q, const prefilter_vocab_t *vocab);
/* 1 when such a filter requires @type = "REPORT" (or platform.report):
 * the planner may then add the implied kind (STORE_KIND_REPORT). */
int plan_report_only(const query_ast_t *q);
/* 1 when an expression of the query names @logStream or @log. */
int plan_uses_stream(const query_ast_t *q);
/* 1 when every field that commands [0, upto] name is in one covering index:
 * events_report (REPORT-only queries: the REPORT fields, @type, the stream)
 * or events_ts (@timestamp alone). A scan of a time range then reads the
 * index alone, in time order, never the events' rows. */
int plan_covered(const query_ast_t *q, int upto, int report_only);

#endif
