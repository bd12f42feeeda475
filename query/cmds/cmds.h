/* query/cmds/cmds.h — the commands CloudWatch added beside the core ones
 * (SOURCE, pattern, diff, anomaly, estimate): what the rest of the query
 * library calls of them. source.c reads SOURCE (the parser's
 * qp_source, in query/parse_int.h) and turns it into log-group and time
 * selection (below); fold.c gives diff and anomaly to the pattern they
 * read, for the checker; emit_pattern.c writes the SQL of pattern, diff,
 * anomaly and estimate for the planner (query/emit_int.h). */
#ifndef OBS_QUERY_CMDS_H
#define OBS_QUERY_CMDS_H

#include "query/ast.h"
#include "query/emit_sql.h"

/* diff and anomaly over patterns (fold.c): a diff right after a pattern
 * is folded into it; a diff over events becomes `pattern @message` with the
 * diff; an anomaly marks the pattern it reads (the last one before it, no
 * stats between), or over events gets `pattern @message` inserted before
 * it. 0, or OBS_EINVAL with err positioned (a diff or anomaly after a stats). */
#include "common/err.h"
int query__fold_patterns(query_ast_t *q, obs_err_t *err);

/* Apply the query's SOURCE to the plan options: its log groups and
 * prefixes become o->log_groups / o->log_group_prefixes (appended: each
 * array is allocated afresh and owned by the caller's *owned, freed with
 * query_source_free), its START/END narrow [since, until) (relative bounds
 * from now_ms). A SOURCE that can select nothing locally (only the
 * Infrequent Access class) sets o->select_none. */
typedef struct query_source_owned {
    const char **groups, **prefixes;
} query_source_owned_t;
void query_source_apply(const query_ast_t *q, int64_t now_ms, query_plan_opts_t *o,
                        query_source_owned_t *owned);
void query_source_free(query_source_owned_t *owned);

#endif
