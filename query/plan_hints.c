/* query/plan_hints.c — what the planner learns from the AST before it
 * writes SQL (see plan_hints.h): the full-text pre-filter of the filters
 * that see every event, whether they require REPORT lines, and whether the
 * query uses the stream's fields. No SQL here. */
#include "query/plan_hints.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_match(char **acc, char *m)
{
    if (!m)
        return;
    if (!*acc) {
        *acc = m;
        return;
    }
    size_t n = strlen(*acc) + strlen(m) + 16;
    char *both = xmalloc(n);
    snprintf(both, n, "(%s) AND (%s)", *acc, m);
    free(*acc);
    free(m);
    *acc = both;
}

/* Collect pre-filters from the AND-ed `@message like ...` terms of c. */
static void collect_like(const qnode_t *n, const prefilter_vocab_t *vocab, char **acc)
{
    if (n->kind != QN_BINARY)
        return;
    if (n->op == QOP_AND) {
        collect_like(n->args[0], vocab, acc);
        collect_like(n->args[1], vocab, acc);
        return;
    }
    if ((n->op != QOP_LIKE && n->op != QOP_MATCH) || n->args[0]->kind != QN_FIELD ||
        strcmp(n->args[0]->str, "@message") != 0)
        return;
    const qnode_t *r = n->args[1];
    if (r->kind == QN_STRING && n->op == QOP_LIKE)
        add_match(acc, prefilter_substring(r->str, strlen(r->str), vocab));
    else if (r->kind == QN_REGEX || r->kind == QN_STRING)  /* =~ "text" is a regex */
        add_match(acc, prefilter_regex(r->str, vocab));
}

static int defines_message(const qcmd_t *c)
{
    for (int i = 0; i < c->nitems; i++)
        if (c->items[i].alias && strcmp(c->items[i].alias, "@message") == 0)
            return 1;
    for (int i = 0; i < c->nnames; i++)
        if (strcmp(c->names[i], "@message") == 0)
            return 1;
    return c->kind == QC_UNNEST && c->unnest_into && strcmp(c->unnest_into, "@message") == 0;
}

/* The MATCH expression every result row's event satisfies, from the filters
 * that see all events (before stats, limit, dedup or unnest change the
 * rows), or NULL. */
char *plan_fts_prefilter(const query_ast_t *q, const prefilter_vocab_t *vocab)
{
    char *acc = NULL;
    for (int i = 0; i < q->ncmds; i++) {
        const qcmd_t *c = &q->cmds[i];
        if (c->kind == QC_STATS || c->kind == QC_LIMIT || c->kind == QC_DEDUP ||
            c->kind == QC_UNNEST || c->kind == QC_PATTERN || defines_message(c))
            break;
        if (c->kind == QC_FILTER)
            collect_like(c->cond, vocab, &acc);
    }
    return acc;
}

/* Does a filter that sees every event require @type to be a REPORT line?
 * Then the planner adds the implied e.kind = STORE_KIND_REPORT, which lets SQLite answer
 * from the events_report partial index (schema v4). */
static int requires_report(const qnode_t *n)
{
    if (n->kind != QN_BINARY)
        return 0;
    if (n->op == QOP_AND)
        return requires_report(n->args[0]) || requires_report(n->args[1]);
    if (n->op != QOP_EQ)
        return 0;
    const qnode_t *f = n->args[0], *v = n->args[1];
    if (f->kind != QN_FIELD)
        f = n->args[1], v = n->args[0];
    return f->kind == QN_FIELD && strcmp(f->str, "@type") == 0 && v->kind == QN_STRING &&
           (strcmp(v->str, "REPORT") == 0 || strcmp(v->str, "platform.report") == 0);
}

int plan_report_only(const query_ast_t *q)
{
    for (int i = 0; i < q->ncmds; i++) {
        const qcmd_t *c = &q->cmds[i];
        if (c->kind == QC_STATS || c->kind == QC_LIMIT || c->kind == QC_DEDUP ||
            c->kind == QC_UNNEST || c->kind == QC_PATTERN)
            return 0;
        for (int k = 0; k < c->nitems; k++)
            if (c->items[k].alias && strcmp(c->items[k].alias, "@type") == 0)
                return 0;
        for (int k = 0; k < c->nnames; k++)
            if (strcmp(c->names[k], "@type") == 0)
                return 0;
        if (c->kind == QC_FILTER && requires_report(c->cond))
            return 1;
    }
    return 0;
}

/* Does any expression of the query name one of the stream's fields? */
static int node_uses_stream(const qnode_t *n)
{
    if (!n)
        return 0;
    if (n->kind == QN_FIELD)
        return strcmp(n->str, "@logStream") == 0 || strcmp(n->str, "@log") == 0;
    for (int i = 0; i < n->nargs; i++)
        if (node_uses_stream(n->args[i]))
            return 1;
    return 0;
}

static int items_use_stream(const qitem_t *v, int n)
{
    for (int i = 0; i < n; i++)
        if (node_uses_stream(v[i].expr))
            return 1;
    return 0;
}

int plan_uses_stream(const query_ast_t *q)
{
    for (int i = 0; i < q->ncmds; i++) {
        const qcmd_t *c = &q->cmds[i];
        if (items_use_stream(c->items, c->nitems) || items_use_stream(c->by, c->nby) ||
            node_uses_stream(c->cond) || node_uses_stream(c->source) ||
            node_uses_stream(c->unnest_expr) || node_uses_stream(c->arg))
            return 1;
        for (int k = 0; k < c->nkeys; k++)
            if (node_uses_stream(c->keys[k].expr))
                return 1;
    }
    return 0;
}

static const char *const report_fields[] = { "@timestamp", "@type", "@duration", "@billedDuration", "@memorySize",
                                             "@maxMemoryUsed", "@initDuration", "@logStream", "@log", NULL };
static const char *const ts_fields[] = { "@timestamp", NULL };

/* aliases: the items of the stats before this one (their names may be used
 * by the later items: `max(a) as x, max(b) as y, x - y as d`) */
static int node_covered(const qnode_t *n, const char *const *fields, const qitem_t *aliases, int naliases)
{
    if (!n)
        return 1;
    if (n->kind == QN_FIELD) {
        for (int i = 0; fields[i]; i++)
            if (strcmp(n->str, fields[i]) == 0)
                return 1;
        for (int i = 0; i < naliases; i++)
            if (aliases[i].alias && strcmp(n->str, aliases[i].alias) == 0)
                return 1;
        return 0;
    }
    for (int i = 0; i < n->nargs; i++)
        if (!node_covered(n->args[i], fields, aliases, naliases))
            return 0;
    return 1;
}

int plan_covered(const query_ast_t *q, int upto, int report_only)
{
    const char *const *fields = report_only ? report_fields : ts_fields;
    for (int i = 0; i <= upto && i < q->ncmds; i++) {
        const qcmd_t *c = &q->cmds[i];
        if (!node_covered(c->cond, fields, NULL, 0) || !node_covered(c->arg, fields, NULL, 0))
            return 0;
        for (int k = 0; k < c->nitems; k++)
            if (!node_covered(c->items[k].expr, fields, c->kind == QC_STATS ? c->items : NULL, k))
                return 0;
        for (int k = 0; k < c->nby; k++)
            if (!node_covered(c->by[k].expr, fields, NULL, 0))
                return 0;
    }
    return 1;
}
