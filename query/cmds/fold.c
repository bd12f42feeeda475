/* query/cmds/fold.c — diff and anomaly work on patterns: before the
 * checker reads a query (query/check.c), each is folded into the pattern
 * command it reads, so that the rest of the library sees only pattern
 * commands carrying what to compute (a diff's range, the anomalies). No
 * SQL. See cmds.h. */
#include "query/cmds/cmds.h"
#include "query/lex.h"
#include "common/xalloc.h"

#include <string.h>

/* A pattern command standing for `pattern @message`, made at c's place. */
static void make_pattern(qcmd_t *c)
{
    qnode_t *m = xcalloc(1, sizeof *m);
    m->kind = QN_FIELD;
    m->start = m->end = c->start;
    m->str = xstrdup("@message");
    c->kind = QC_PATTERN;
    c->arg = m;
}

/* diff and anomaly work on patterns: fold a diff into the pattern right
 * before it; a diff over events becomes `pattern @message` itself with the
 * diff; an anomaly marks the pattern it reads (the last one before it,
 * with no stats between), or over events gets `pattern @message` inserted
 * before it. 0, or an error. */
int query__fold_patterns(query_ast_t *q, obs_err_t *err)
{
    for (int i = 0; i < q->ncmds; i++) {
        qcmd_t *c = &q->cmds[i];
        if (c->kind != QC_DIFF && c->kind != QC_ANOMALY)
            continue;
        int pat = -1, agg = 0;
        for (int k = i - 1; k >= 0 && pat < 0 && !agg; k--) {
            if (q->cmds[k].kind == QC_PATTERN)
                pat = k;
            else if (q->cmds[k].kind == QC_STATS)
                agg = 1;
        }
        if (c->kind == QC_DIFF) {
            if (pat >= 0 && pat == i - 1 && q->cmds[pat].diff == QD_NONE) {
                q->cmds[pat].diff = c->diff;
                c->absorbed = 1;
            } else if (pat < 0 && !agg) {
                qdiff_t d = c->diff;
                make_pattern(c);
                c->diff = d;
            } else {
                return qlex_error(err, q->text, strlen(q->text), c->start, "diff compares the patterns of "
                                  "events: put it right after pattern, or over events (`filter ... | diff`)");
            }
            continue;
        }
        if (pat >= 0) {
            q->cmds[pat].want_anomaly = 1;
            continue;
        }
        if (agg)
            return qlex_error(err, q->text, strlen(q->text), c->start, "anomaly finds unusual patterns: add "
                              "`| pattern @message` before it, over events");
        q->cmds = xrealloc(q->cmds, (size_t)(q->ncmds + 1) * sizeof *q->cmds);
        memmove(&q->cmds[i + 1], &q->cmds[i], (size_t)(q->ncmds - i) * sizeof *q->cmds);
        q->ncmds++;
        memset(&q->cmds[i], 0, sizeof q->cmds[i]);
        q->cmds[i].start = q->cmds[i].end = q->cmds[i + 1].start;
        make_pattern(&q->cmds[i]);
        q->cmds[i].want_anomaly = 1;
        i++;
    }
    return 0;
}

