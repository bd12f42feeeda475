/* query/cmds/emit_stats.c — the SQL of stats (part of the emitter:
 * query/emit_int.h; the SQLite dialect): its groups and aggregates, how
 * partial results of split runs merge, and binned stats, computed bin by
 * bin over a covering index in time order. The zero-fill of empty bins is
 * the runner's (query/run.c), from the columns this marks. */
#include "query/builtins.h"
#include "query/emit_int.h"
#include "query/plan_hints.h"
#include "query/cmds/cmds.h"
#include "common/xalloc.h"
#include "store/store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* count(...), count_distinct(...) and sum(...): what an empty bin has 0 of. */
static int is_count_or_sum(const qnode_t *n)
{
    return n->kind == QN_CALL && n->fn &&
           (!strcmp(n->fn->name, "count") || !strcmp(n->fn->name, "count_distinct") ||
            !strcmp(n->fn->name, "sum"));
}

static int by_is_bin(const qitem_t *it)
{
    return it->expr->kind == QN_CALL && it->expr->fn && strcmp(it->expr->fn->name, "bin") == 0;
}

/* Binned stats: `stats AGG... by bin(P)` straight over the events (only
 * filters before it, no full-text candidates) that names only fields of a
 * covering index (plan_covered) is computed bin by bin, each bin's
 * aggregates in one correlated subquery over a @timestamp range of that
 * index, so that SQLite reads the index in time order and never sorts the
 * rows into groups (its GROUP BY would: it cannot know that bin() keeps the
 * order). Fields outside the index would be read from the events' rows in
 * time order, which is not their order on disk: 2-3 times slower than
 * GROUP BY's one pass over the table. The bins run over the store's span
 * (clipped to the query's range); those with no row are dropped, as GROUP
 * BY has none of them. At most this many bins: each empty one costs an
 * index seek. */
#define BINNED_MAX_BINS 20000

/* The first and last bins when the stats can be binned, else 0. */
static int binned_span(const emitter_t *e, const qcmd_t *c, int cmd_index, const query_plan_opts_t *o,
                       int only_filters, int64_t *first, int64_t *last, int64_t *w)
{
    int report = e->report_only;
    if (!only_filters || e->prefiltered || !o->span_known || o->after_id > 0 || c->nby != 1 ||
        !by_is_bin(&c->by[0]) || c->by[0].expr->nargs != 1 || !plan_covered(e->q, cmd_index, report) ||
        ((o->nfunctions > 0 || o->nlog_groups > 0 || o->nlog_group_prefixes > 0) &&
         !report))  /* the stream id is in events_report only */
        return 0;
    const qnode_t *p = c->by[0].expr->args[0];
    int64_t lo = o->span_first_ms, hi = o->span_last_ms, origin = emit__period_origin_ms(p);
    if ((*w = emit__fixed_period_ms(p)) <= 0)
        return 0;
    if (o->since_ms >= 0 && o->since_ms > lo)
        lo = o->since_ms;
    if (o->until_ms >= 0 && o->until_ms - 1 < hi)
        hi = o->until_ms - 1;
    if (lo > hi)
        return 0;
    *first = lo - (((lo - origin) % *w + *w) % *w);
    *last = hi - (((hi - origin) % *w + *w) % *w);
    return (*last - *first) / *w < BINNED_MAX_BINS;
}

/* s<k>: the bins; s<k+1>: each bin's row count and aggregates, packed
 * (obs_pack, sqlfuncs_pack.c) and MATERIALIZED so that the subquery runs
 * once per bin; s<k+2>: the non-empty bins, unpacked into the stats' columns
 * (the key c<first>, then the items). */
static void emit_binned(emitter_t *e, const qcmd_t *c, int64_t first, int64_t last, int64_t w, const buf_t *aggs,
                        const rcol_t *out)
{
    int src = e->step;
    e->recursive = 1;
    e->step++;
    buf_printf(&e->sql, ",\ns%d(x_bin) AS (SELECT ", e->step);
    emit__int_param(e, &e->sql, first);
    buf_printf(&e->sql, " UNION ALL SELECT x_bin + ");
    emit__int_param(e, &e->sql, w);
    buf_printf(&e->sql, " FROM s%d WHERE x_bin < ", e->step);
    emit__int_param(e, &e->sql, last);
    buf_cat(&e->sql, ")");
    e->step++;
    buf_printf(&e->sql, ",\ns%d AS MATERIALIZED (SELECT x_bin, (SELECT obs_pack(count(*)%s) FROM s%d WHERE f0 >= x_bin AND f0 < x_bin + ",
               e->step, aggs->p ? aggs->p : "", src);
    emit__int_param(e, &e->sql, w);
    buf_printf(&e->sql, ") AS x_pack FROM s%d)", e->step - 1);
    emit__step_begin(e);
    buf_printf(&e->sql, "SELECT x_bin AS %s", out[0].ident);
    for (int i = 0; i < c->nitems; i++)
        buf_printf(&e->sql, ", obs_unpack(x_pack, %d) AS %s", i + 1, out[1 + i].ident);
    buf_printf(&e->sql, " FROM s%d WHERE obs_unpack(x_pack, 0) > 0)", e->step - 1);
}

/* How an item of a stats without by merges across parts, or -1: only a
 * bare count, sum, min or max (avg, pct, count_distinct... need more than
 * the parts' results). */
int emit__item_merge(const qnode_t *n)
{
    if (n->kind != QN_CALL || !n->fn)
        return -1;
    const char *f = n->fn->name;
    return !strcmp(f, "count") ? QMERGE_COUNT : !strcmp(f, "sum") ? QMERGE_SUM
         : !strcmp(f, "min") ? QMERGE_MIN : !strcmp(f, "max") ? QMERGE_MAX : -1;
}

/* Is a stats item's value always a number (or missing)? Not min and max
 * (text when no value is a number) nor the pick functions and values: a
 * later comparison with a number reads those through obs_numval(). */
static int item_is_number(const qnode_t *n)
{
    if (n->kind != QN_CALL || !n->fn)
        return 1;
    const char *f = n->fn->name;
    return strcmp(f, "min") && strcmp(f, "max") && strcmp(f, "earliest") && strcmp(f, "latest") &&
           strcmp(f, "sortsfirst") && strcmp(f, "sortslast") && strcmp(f, "values");
}

/* Can the query run in parts (run_split.c)? Only when this stats is the
 * query's last command, so that the parts' rows are the answer:
 * - binned stats: parts are runs of whole bins, their rows concatenate;
 * - stats without by over the events, only filtered, every item a bare
 *   count/sum/min/max: parts are id ranges, their rows merge. Not when
 *   the events are REPORT lines without full-text candidates: that is an
 *   index-only scan, which each part would read whole. */
static void split_decide(emitter_t *e, const qcmd_t *c, int cmd_index, int binned, int only_filters,
                         const query_plan_opts_t *o, query_plan_t *plan)
{
    plan->split = QSPLIT_NONE;
    if (cmd_index != e->q->ncmds - 1 || o->after_id > 0 || o->with_ids)
        return;
    if (binned) {
        plan->split = QSPLIT_BINS;
        return;
    }
    if (c->nby || !only_filters || (e->report_only && !e->prefiltered))
        return;
    for (int i = 0; i < c->nitems; i++)
        if (emit__item_merge(c->items[i].expr) < 0)
            return;
    plan->split = QSPLIT_IDS;
}

void emit__stats(emitter_t *e, const qcmd_t *c, int cmd_index, int last_stats, int tail_free,
                 int only_filters, const query_plan_opts_t *o, query_plan_t *plan)
{
    int64_t first = 0, last = 0, w = 0;
    int binned = binned_span(e, c, cmd_index, o, only_filters, &first, &last, &w);
    buf_t aggs = { 0 };
    buf_t sel = { 0 }, group = { 0 };
    int total = c->nby + c->nitems;
    rcol_t *out = xcalloc((size_t)total, sizeof *out);

    for (int i = 0; i < c->nby; i++) {
        char ident[16];
        emit__new_ident(e, ident);
        buf_t x = { 0 };
        if (!binned)  /* binned: the key is the bin itself */
            emit__expr(e, &x, c->by[i].expr);
        buf_printf(&sel, "%s%s AS %s", i ? ", " : "", x.p ? x.p : "NULL", ident);
        buf_printf(&group, "%s%s", i ? ", " : "", x.p ? x.p : "NULL");
        free(x.p);
        out[i].name = c->by[i].name;
        snprintf(out[i].ident, sizeof out[i].ident, "%s", ident);
        out[i].is_time = emit__expr_is_time(e, c->by[i].expr);
    }
    e->stats = c;
    for (int i = 0; i < c->nitems; i++) {
        char ident[16];
        emit__new_ident(e, ident);
        e->stats_upto = i;
        if (binned) {
            buf_cat(&aggs, ", ");
            emit__expr(e, &aggs, c->items[i].expr);
        } else {
            buf_printf(&sel, "%s", c->nby || i ? ", " : "");
            emit__expr(e, &sel, c->items[i].expr);
            buf_printf(&sel, " AS %s", ident);
        }
        out[c->nby + i].name = c->items[i].name;
        snprintf(out[c->nby + i].ident, sizeof out[c->nby + i].ident, "%s", ident);
        out[c->nby + i].is_time = emit__expr_is_time(e, c->items[i].expr);
        out[c->nby + i].numeric = item_is_number(c->items[i].expr);
        out[c->nby + i].fill_zero = is_count_or_sum(c->items[i].expr);
    }
    e->stats = NULL;
    split_decide(e, c, cmd_index, binned, only_filters, o, plan);
    if (plan->split == QSPLIT_BINS) {
        plan->split_first_ms = first;
        plan->split_last_ms = last;
        plan->split_width_ms = w;
    }
    if (binned) {
        emit_binned(e, c, first, last, w, &aggs, out);
    } else {
        emit__step_begin(e);
        buf_printf(&e->sql, "SELECT %s FROM s%d", sel.p ? sel.p : "NULL", e->step - 1);
        if (c->nby)
            buf_printf(&e->sql, " GROUP BY %s", group.p);
        buf_cat(&e->sql, ")");
    }
    free(aggs.p);

    emit__rel_clear_cols(&e->rel);
    emit__rel_show_clear(&e->rel);
    e->rel.show_from_display = 0;
    e->rel.show_implicit = 0;
    e->rel.has_event = 0;
    e->rel.aggregated = 1;
    free(e->rel.order);
    e->rel.order = NULL;
    buf_t ord = { 0 }, ties = { 0 };
    for (int i = 0; i < total; i++) {
        emit__rel_add(&e->rel, out[i].name, out[i].ident, out[i].is_time, out[i].numeric)->fill_zero =
            out[i].fill_zero;
        emit__rel_show_add(&e->rel, out[i].name, NULL);
        if (i < c->nby) {
            buf_printf(&ord, "%s%s ASC", i ? ", " : "", out[i].ident);
            buf_printf(&ties, "%s%s", i ? ", " : "", out[i].ident);
        }
    }
    e->rel.order = ord.p;  /* groups in key order unless sorted */
    emit__rel_set_ties(&e->rel, ties.p);  /* one group per key: a total order */
    free(ties.p);
    if (last_stats && tail_free && c->nby == 1 && by_is_bin(&c->by[0])) {
        plan->fill_column = 0;
        plan->fill_n = c->by[0].expr->args[0]->period.n;
        plan->fill_unit = (int)c->by[0].expr->args[0]->period.unit;
    }
    free(out);
    free(sel.p);
    free(group.p);
}

/* Will the first stats be binned (only filters before it)? */
int emit__binned_ahead(const emitter_t *e, const query_plan_opts_t *o)
{
    int64_t first, last, w;
    for (int k = 0; k < e->q->ncmds; k++) {
        const qcmd_t *c = &e->q->cmds[k];
        if (c->kind == QC_STATS)
            return binned_span(e, c, k, o, 1, &first, &last, &w);
        if (c->kind != QC_FILTER)
            return 0;
    }
    return 0;
}

