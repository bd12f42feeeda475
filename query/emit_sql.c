/* query/emit_sql.c — AST -> SQL (see emit_sql.h).
 *
 * Each command becomes one CTE over the previous one (s0 is the events of
 * the selected functions and time range). The emitter tracks the relation
 * as a list of (output name, SQL column) pairs: system fields are f0..fN,
 * computed fields c1, c2, ...; a field that is not a column is a JSON field
 * of the event (json_extract over the event's JSON object, path bound as a
 * parameter). Ordering is tracked, not emitted per step (SQL does not keep
 * order through a CTE): limit, dedup and the final SELECT apply it.
 * Errors are sticky: after the first one every emit is a no-op.
 * This file: the commands and the statement; stats is in cmds/emit_stats.c,
 * expressions in emit_expr.c, index decisions (pre-filter, REPORT, stream join) in
 * plan_hints.c. */
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

/* report: a field of REPORT events only (text REPORT, JSON platform.report),
 * as CloudWatch discovers it from the REPORT line. The store also holds an
 * INIT_REPORT's init duration in init_duration, and the XRAY line's trace
 * (and a JSON platform.start's) in xray_trace_id, for obstop, the rollups
 * and the forwarder: the query reads them on REPORT events only, or
 * `filter @initDuration > 0` counts a failed init as a cold start and a
 * cold start twice. Durations and memory are on REPORT events only in the
 * store already (lambda/classify_*.c: e2e/test_query_report_fields checks
 * it on the real logs), so they are read as they are: a CASE costs 5% on a
 * scan of every event (docs/query-language.md §4.1). */
static const struct sysfield {
    const char *name, *expr;
    int is_time, numeric, report;
} sysfields[] = {
    { "@timestamp", "e.ts", 1, 1, 0 },
    { "@message", "e.message", 0, 0, 0 },
    { "@logStream", "s.stream", 0, 0, 0 },
    /* CloudWatch's @log is "<account>:<log group>"; there is no account
     * locally, so it is twelve zeros, and queries that parse it still work */
    { "@log", "('000000000000:' || s.log_group)", 0, 0, 0 },
    { "@ingestionTime", "e.ingest_ts", 1, 1, 0 },
    { "@requestId", "e.request_id", 0, 0, 0 },
    { "@type", "e.type", 0, 0, 0 },
    { "@duration", "e.duration", 0, 1, 0 },
    { "@billedDuration", "e.billed_duration", 0, 1, 0 },
    { "@memorySize", "e.memory_size", 0, 1, 0 },
    { "@maxMemoryUsed", "e.max_memory_used", 0, 1, 0 },
    { "@initDuration", "e.init_duration", 0, 1, 1 },
    { "@xrayTraceId", "e.xray_trace_id", 0, 0, 1 },
    { "@xraySegmentId", "e.xray_segment_id", 0, 0, 1 },
    { "@emfError", "e.emf_error", 0, 0, 0 },
    /* obs: 1 when the event's time is absurd (common/timesane.h), else 0 */
    { "@absurdTime", "((e.flags >> 8) & 1)", 0, 1, 0 },
};

/* ---- commands ------------------------------------------------------------- */

static void rel_free(rel_t *r)
{
    emit__rel_clear_cols(r);
    free(r->cols);
    emit__rel_show_clear(r);
    free(r->show);
    free(r->show_path);
    free(r->order);
    free(r->ties);
}

static void cmd_filter(emitter_t *e, const qcmd_t *c)
{
    buf_t w = { 0 };
    emit__expr(e, &w, c->cond);
    emit__step_begin(e);
    buf_printf(&e->sql, "SELECT * FROM s%d WHERE %s)", e->step - 1, w.p ? w.p : "1");
    free(w.p);
}

/* Does n name one of the aliases of items [from, to)? */
static int refs_alias(const qnode_t *n, const qitem_t *items, int from, int to)
{
    if (n->kind == QN_FIELD && n->str && !n->missing) {
        size_t first = n->path ? strcspn(n->path, "\x1f") : strlen(n->str);
        for (int i = from; i < to; i++) {
            const char *a = items[i].alias;
            if (a && (strcmp(a, n->str) == 0 || (n->path && strlen(a) == first && !strncmp(a, n->path, first)) ||
                      (n->str[0] == '@' && strcmp(a, n->str + 1) == 0)))
                return 1;
        }
    }
    for (int i = 0; i < n->nargs; i++)
        if (refs_alias(n->args[i], items, from, to))
            return 1;
    return 0;
}

/* The computed items gathered so far as one step: their columns join the
 * relation. */
static void fields_flush(emitter_t *e, buf_t *sel, rcol_t *added, int *nadded)
{
    if (!*nadded)
        return;
    emit__step_begin(e);
    buf_printf(&e->sql, "SELECT *%s FROM s%d)", sel->p, e->step - 1);
    for (int i = 0; i < *nadded; i++)
        emit__rel_add(&e->rel, added[i].name, added[i].ident, added[i].is_time, 0);
    *nadded = 0;
    sel->len = 0;
    if (sel->p)
        sel->p[0] = '\0';
}

/* fields / display: computed items become columns; plain fields are shown.
 * An item that uses the alias of an earlier item of the same command (`a
 * / 1000 as x, x * 2 as y`) starts a new step, so that it sees it. */
static void cmd_fields(emitter_t *e, const qcmd_t *c, int display)
{
    buf_t sel = { 0 };
    rcol_t *added = xcalloc((size_t)c->nitems + 1, sizeof *added);
    int nadded = 0, group = 0;  /* items [group, i) are in the pending step */
    if (display || e->rel.show_implicit) {
        emit__rel_show_clear(&e->rel);
        e->rel.show_from_display = display;
        e->rel.show_implicit = 0;
    }
    for (int i = 0; i < c->nitems; i++) {
        const qitem_t *it = &c->items[i];
        if (refs_alias(it->expr, c->items, group, i)) {
            fields_flush(e, &sel, added, &nadded);
            group = i;
        }
        if (it->expr->kind == QN_FIELD && !it->alias && !it->expr->colref) {
            if (display || !e->rel.show_from_display)
                emit__rel_show_add(&e->rel, it->expr->str, it->expr->path);
            continue;
        }
        char ident[16];
        emit__new_ident(e, ident);
        buf_cat(&sel, ", ");
        emit__expr(e, &sel, it->expr);
        buf_printf(&sel, " AS %s", ident);
        added[nadded].name = it->name;
        snprintf(added[nadded].ident, sizeof added[nadded].ident, "%s", ident);
        added[nadded].is_time = emit__expr_is_time(e, it->expr);
        added[nadded].numeric = 0;
        nadded++;
        if (display || !e->rel.show_from_display)
            emit__rel_show_add(&e->rel, it->name, NULL);
    }
    fields_flush(e, &sel, added, &nadded);
    free(added);
    free(sel.p);
}

/* A sort key on a field that exists nowhere (lenient checker) is empty on
 * every row: it is left out, so that it keeps the order; all of them: the
 * order stays as it was. Rows tied on every key come in their natural order
 * (rel.ties: events in import order, a stats' groups by key), ascending
 * after an ascending last key and descending after a descending one, so that
 * desc is the exact reverse of asc and `sort @timestamp desc` is the
 * default order (docs/query-language.md §3.5). */
static void cmd_sort(emitter_t *e, const qcmd_t *c)
{
    buf_t ord = { 0 };
    int desc = 0;
    for (int i = 0; i < c->nkeys; i++) {
        if (c->keys[i].expr->missing)
            continue;
        if (ord.len)
            buf_cat(&ord, ", ");
        buf_cat(&ord, "obs_sortkey(");
        emit__expr(e, &ord, c->keys[i].expr);
        buf_cat(&ord, c->keys[i].desc ? ") DESC" : ") ASC");
        desc = c->keys[i].desc;
    }
    if (!ord.len) {
        free(ord.p);
        return;
    }
    for (const char *t = e->rel.ties; t && *t;) {
        size_t n = strcspn(t, ",");
        buf_cat(&ord, ", ");
        buf_put(&ord, t, n);
        buf_cat(&ord, desc ? " DESC" : " ASC");
        t += n;
        t += strspn(t, ", ");
    }
    free(e->rel.order);
    e->rel.order = ord.p;
}

static const char *current_order(emitter_t *e)
{
    if (e->rel.order)
        return e->rel.order;
    const rcol_t *ts = emit__rel_find(&e->rel, "@timestamp");
    if (ts && !e->rel.aggregated) {
        /* After an id (a follow poll) the few new events are found by rowid
         * range; "+" keeps SQLite from walking the whole events(ts) index in
         * time order instead (21 ms vs 4 ms at 200k events, measured). */
        char buf[64];
        snprintf(buf, sizeof buf, e->ascending ? "%s%s ASC, x_id ASC" : "%s%s DESC, x_id DESC",
                 e->after_id ? "+" : "", ts->ident);
        e->rel.order = xstrdup(buf);
        return e->rel.order;
    }
    return NULL;
}

static void cmd_limit(emitter_t *e, const qcmd_t *c)
{
    const char *ord = current_order(e);
    emit__step_begin(e);
    buf_printf(&e->sql, "SELECT * FROM s%d%s%s LIMIT ", e->step - 1, ord ? " ORDER BY " : "",
              ord ? ord : "");
    emit__int_param(e, &e->sql, c->limit);
    buf_cat(&e->sql, ")");
}

static void cmd_dedup(emitter_t *e, const qcmd_t *c)
{
    buf_t keys = { 0 }, nulls = { 0 };
    for (int i = 0; i < c->nitems; i++) {
        buf_t x = { 0 };
        emit__expr(e, &x, c->items[i].expr);
        buf_printf(&keys, "%s%s", i ? ", " : "", x.p);
        buf_printf(&nulls, " OR %s IS NULL", x.p);
        free(x.p);
    }
    const char *ord = current_order(e);
    emit__step_begin(e);
    buf_printf(&e->sql,
              "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY %s%s%s) AS x_rn%d "
              "FROM s%d) WHERE x_rn%d = 1%s)",
              keys.p, ord ? " ORDER BY " : "", ord ? ord : "", e->step, e->step - 1, e->step,
              nulls.p);
    free(keys.p);
    free(nulls.p);
}

static void cmd_parse(emitter_t *e, const qcmd_t *c)
{
    buf_t src = { 0 }, sel = { 0 };
    if (c->source)
        emit__expr(e, &src, c->source);
    else
        buf_cat(&src, emit__rel_find(&e->rel, "@message") ? emit__rel_find(&e->rel, "@message")->ident : "NULL");
    char (*idents)[16] = xcalloc((size_t)c->nnames + 1, sizeof *idents);
    for (int i = 0; i < c->nnames; i++) {
        emit__new_ident(e, idents[i]);
        if (c->parse_mode == QP_GLOB) {
            buf_cat(&sel, ", obs_glob_group(");
            emit__text_param(e, &sel, c->pattern);
            buf_printf(&sel, ", %s, %d)", src.p, i);
        } else {
            buf_cat(&sel, ", obs_regex_group(");
            emit__text_param(e, &sel, c->pattern);
            buf_printf(&sel, ", %s, ", src.p);
            emit__text_param(e, &sel, c->groups[i]);
            buf_cat(&sel, ")");
        }
        buf_printf(&sel, " AS %s", idents[i]);
    }
    if (c->nnames) {
        emit__step_begin(e);
        buf_printf(&e->sql, "SELECT *%s FROM s%d)", sel.p, e->step - 1);
        for (int i = 0; i < c->nnames; i++)
            emit__rel_add(&e->rel, c->names[i], idents[i], 0, 0);
    }
    free(idents);
    free(src.p);
    free(sel.p);
}

static void cmd_unnest(emitter_t *e, const qcmd_t *c)
{
    buf_t x = { 0 };
    char ident[16];
    emit__expr(e, &x, c->unnest_expr);
    emit__new_ident(e, ident);
    emit__step_begin(e);
    buf_printf(&e->sql,
              "SELECT p.*, j.value AS %s, j.key AS x_k%d FROM s%d p, json_each(CASE WHEN json_valid(%s) AND "
              "json_type(%s) = 'array' THEN %s ELSE json_array(%s) END) j)",
              ident, e->step, e->step - 1, x.p, x.p, x.p, x.p);
    emit__rel_add(&e->rel, c->unnest_into, ident, 0, 0);
    free(x.p);
    /* "Each record includes the unnested field; all other fields come from
     * the original record" (AWS): the field is a column, after those shown
     * before it (the default @timestamp and @message when none were chosen);
     * a display before it chose the columns, a display or fields after it
     * chooses them (docs/query-language.md §3.9) */
    if (!e->rel.show_from_display) {
        if (e->rel.nshow == 0 && !e->rel.aggregated) {
            emit__rel_show_add(&e->rel, "@timestamp", NULL);
            emit__rel_show_add(&e->rel, "@message", NULL);
            e->rel.show_implicit = 1;
        }
        emit__rel_show_add(&e->rel, c->unnest_into, NULL);
    }
    /* the rows of one event: in the order of its array */
    buf_t ties = { 0 };
    buf_printf(&ties, "%s%sx_k%d", e->rel.ties ? e->rel.ties : "", e->rel.ties ? ", " : "", e->step);
    emit__rel_set_ties(&e->rel, ties.p);
    free(ties.p);
}

/* ---- the statement ------------------------------------------------------- */

static void emit_id_range(emitter_t *e, const char *id, const query_plan_opts_t *o)
{
    buf_printf(&e->sql, " AND %s BETWEEN ", id);
    emit__int_param(e, &e->sql, o->part_first_id);
    buf_cat(&e->sql, " AND ");
    emit__int_param(e, &e->sql, o->part_last_id);
}

/* The streams of the log groups named, or whose name starts with a
 * prefix: CTE x_sel, computed once from the small streams table (no join
 * per event, and not once per bin of a binned stats). */
static void emit_log_groups(emitter_t *e, const query_plan_opts_t *o)
{
    buf_cat(&e->sql, "x_sel AS MATERIALIZED (SELECT id FROM streams WHERE 0");
    if (o->nlog_groups > 0) {
        buf_cat(&e->sql, " OR log_group IN (");
        for (int i = 0; i < o->nlog_groups; i++) {
            if (i)
                buf_cat(&e->sql, ", ");
            emit__text_param(e, &e->sql, o->log_groups[i]);
        }
        buf_cat(&e->sql, ")");
    }
    for (int i = 0; i < o->nlog_group_prefixes; i++) {
        buf_cat(&e->sql, " OR substr(log_group, 1, ");
        emit__int_param(e, &e->sql, (int64_t)strlen(o->log_group_prefixes[i]));
        buf_cat(&e->sql, ") = ");
        emit__text_param(e, &e->sql, o->log_group_prefixes[i]);
    }
    buf_cat(&e->sql, "),\n");
}

/* A diff in the query: its range [diff_lo, diff_hi) is the query's (up to
 * now when open-ended) and [prev_lo, prev_hi) the one it is compared with;
 * 1. Without a start there is no range to compare: an error. */
static int diff_range(emitter_t *e, const query_plan_opts_t *o)
{
    const qcmd_t *pat = NULL;
    for (int i = 0; i < e->q->ncmds && !pat; i++)
        if (e->q->cmds[i].kind == QC_PATTERN && e->q->cmds[i].diff != QD_NONE)
            pat = &e->q->cmds[i];
    if (!pat)
        return 0;
    if (o->since_ms < 0) {
        qnode_t at;
        memset(&at, 0, sizeof at);
        at.start = pat->start;
        emit__fail(e, &at, "diff compares the query's time range with the one before it: give "
                   "one (--since 1h, --start/--end, or SOURCE ... START=-1h)%s", "");
        return 0;
    }
    e->diff_lo = o->since_ms;
    e->diff_hi = o->until_ms >= 0 ? o->until_ms : o->now_ms > 0 ? o->now_ms + 1 : INT64_MAX / 2;
    emit__diff_range(pat->diff, e->diff_lo, e->diff_hi, &e->prev_lo, &e->prev_hi);
    return 1;
}

static void emit_base(emitter_t *e, const query_plan_opts_t *o)
{
    int groups = o->nlog_groups > 0 || o->nlog_group_prefixes > 0;
    buf_cat(&e->sql, "WITH ");
    if (groups)
        emit_log_groups(e, o);
    buf_cat(&e->sql, "s0 AS (SELECT e.id AS x_id, e.kind AS x_kind, e.stream_id AS x_stream,\n"
                    "  CASE WHEN e.json_at IS NULL THEN NULL\n"
                    "    ELSE CAST(substr(CAST(e.message AS BLOB), e.json_at + 1) AS TEXT) END AS x_json");
    /* The stream table is joined only when the query uses its fields or
     * selects functions: REPORT stats then stay an index-only scan. */
    int join = o->nfunctions > 0 || plan_uses_stream(e->q);
    e->report_only = plan_report_only(e->q);
    for (size_t i = 0; i < sizeof sysfields / sizeof *sysfields; i++) {
        char ident[16];
        snprintf(ident, sizeof ident, "f%zu", i);
        int stream_col = strstr(sysfields[i].expr, "s.") != NULL;
        if (stream_col && !join)
            buf_printf(&e->sql, ",\n  NULL AS %s", ident);
        else if (sysfields[i].report && !e->report_only)  /* kind is a column of events_report */
            buf_printf(&e->sql, ",\n  CASE WHEN e.kind = " OBS_STR(STORE_KIND_REPORT) " THEN %s END AS %s",
                       sysfields[i].expr, ident);
        else  /* a REPORT-only query (e.kind = 4 below): the column as it is */
            buf_printf(&e->sql, ",\n  %s AS %s", sysfields[i].expr, ident);
        if (strcmp(sysfields[i].name, "@message") == 0)
            snprintf(e->msg_ident, sizeof e->msg_ident, "%s", ident);
        emit__rel_add(&e->rel, sysfields[i].name, ident, sysfields[i].is_time, sysfields[i].numeric);
    }
    char *match = plan_fts_prefilter(e->q, o->vocab);
    e->prefiltered = match != NULL;
    /* Full-text candidates and nothing else to narrow the events by (no
     * time range, function or --follow id): the candidates drive the join,
     * in id order, each looked up once (8% faster than materializing them
     * for "id IN (...)"). Otherwise IN leaves SQLite the choice of an index
     * for the other terms. */
    int fts_drives = match && o->since_ms < 0 && o->until_ms < 0 && o->after_id <= 0 && o->nfunctions == 0;
    buf_printf(&e->sql, "\n  FROM %s%s WHERE 1",
               fts_drives ? "events_fts x_f CROSS JOIN events e ON e.id = x_f.rowid" : "events e",
               join ? " JOIN streams s ON s.id = e.stream_id" : "");
    /* Binned stats read each bin's time range of an index: the query's
     * range is then a filter ("+"), not a bound SQLite could take instead
     * of the bin's (every bin would read on to the range's end). */
    int binned = emit__binned_ahead(e, o);
    const char *ts = binned ? "+e.ts" : "e.ts";
    int64_t since = o->since_ms, until = o->until_ms;
    if (diff_range(e, o)) {  /* the events of both ranges; the pattern step tells them apart */
        since = e->prev_lo < e->diff_lo ? e->prev_lo : e->diff_lo;
        until = e->prev_hi > e->diff_hi ? e->prev_hi : e->diff_hi;
    }
    if (since >= 0) {
        buf_printf(&e->sql, " AND %s >= ", ts);
        emit__int_param(e, &e->sql, since);
    }
    if (until >= 0) {
        buf_printf(&e->sql, " AND %s < ", ts);
        emit__int_param(e, &e->sql, until);
    }
    if (o->select_none)
        buf_cat(&e->sql, " AND 0");
    if (groups)  /* binned: "+" keeps SQLite from seeking (stream, ts) per
                    stream and bin instead of reading the covering index (5x
                    slower, measured) */
        buf_cat(&e->sql, binned ? " AND +e.stream_id IN x_sel" : " AND e.stream_id IN x_sel");
    if (o->after_id > 0) {
        buf_cat(&e->sql, " AND e.id > ");
        emit__int_param(e, &e->sql, o->after_id);
    }
    if (o->nfunctions > 0) {
        buf_cat(&e->sql, " AND s.function IN (");
        for (int i = 0; i < o->nfunctions; i++) {
            if (i)
                buf_cat(&e->sql, ", ");
            emit__text_param(e, &e->sql, o->functions[i]);
        }
        buf_cat(&e->sql, ")");
    }
    if (e->report_only)
        buf_cat(&e->sql, " AND e.kind = " OBS_STR(STORE_KIND_REPORT));  /* implied by @type = REPORT */
    if (match) {
        /* every event is in events_fts (schema v3): candidates come from it */
        buf_cat(&e->sql, fts_drives ? " AND x_f.events_fts MATCH "
                                    : " AND e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ");
        e->match_param = e->nparams;  /* the one emit__text_param adds */
        emit__text_param(e, &e->sql, match);
        if (o->part_last_id > 0)  /* a part: its share of the candidates */
            emit_id_range(e, fts_drives ? "x_f.rowid" : "rowid", o);
        if (!fts_drives)
            buf_cat(&e->sql, ")");
        free(match);
    } else if (o->part_last_id > 0) {
        emit_id_range(e, "e.id", o);  /* a part: a range of the table */
    }
    buf_cat(&e->sql, ")");
    e->rel.has_event = 1;
    emit__rel_set_ties(&e->rel, "x_id");  /* import order */
}

static void emit_final(emitter_t *e, const query_plan_opts_t *o, query_plan_t *plan)
{
    rel_t *r = &e->rel;
    if (r->nshow == 0 && !r->aggregated) {
        emit__rel_show_add(r, "@timestamp", NULL);
        emit__rel_show_add(r, "@message", NULL);
    }
    const char *ord = current_order(e);
    buf_cat(&e->sql, "\nSELECT ");
    plan->columns = xcalloc((size_t)r->nshow + 1, sizeof *plan->columns);
    for (int i = 0; i < r->nshow; i++) {
        const rcol_t *c = emit__find_field(r, r->show[i]);
        qnode_t f;
        memset(&f, 0, sizeof f);
        f.kind = QN_FIELD;
        f.str = r->show[i];
        f.path = r->show_path[i];  /* a.b of the query: a JSON path */
        if (i)
            buf_cat(&e->sql, ", ");
        emit__field(e, &e->sql, &f);
        plan->columns[i].name = xstrdup(r->show[i]);
        plan->columns[i].is_time = c && c->is_time;
        plan->columns[i].fill_zero = c && c->fill_zero;
        if (plan->split == QSPLIT_IDS)  /* the last command is the stats: column i is item i */
            plan->columns[i].merge = (query_merge_t)emit__item_merge(e->q->cmds[e->q->ncmds - 1].items[i].expr);
    }
    plan->ncolumns = r->nshow;
    plan->aggregated = r->aggregated;
    if (o->with_ids && !r->aggregated) {
        buf_cat(&e->sql, ", x_id, x_stream");
        plan->has_ids = 1;
    }
    buf_printf(&e->sql, " FROM s%d", e->step);
    if (ord)
        buf_printf(&e->sql, " ORDER BY %s", ord);
    if (o->max_rows > 0 && plan->fill_column < 0) {  /* with fill: run.c caps */
        buf_cat(&e->sql, " LIMIT ");
        emit__int_param(e, &e->sql, o->max_rows);
    }
}

int query_plan_build(const query_ast_t *q, const query_plan_opts_t *o, query_plan_t **out,
                     obs_err_t *err)
{
    emitter_t e;
    query_plan_t *plan = xcalloc(1, sizeof *plan);
    memset(&e, 0, sizeof e);
    e.err = err;
    e.q = q;
    e.ascending = o->ascending;
    e.after_id = o->after_id > 0;
    e.o = o;
    plan->fill_column = -1;
    e.match_param = -1;

    int last_stats = -1;
    for (int i = 0; i < q->ncmds; i++)
        if (q->cmds[i].kind == QC_STATS)
            last_stats = i;

    emit_base(&e, o);
    for (int i = 0; i < q->ncmds && !e.rc; i++) {
        const qcmd_t *c = &q->cmds[i];
        switch (c->kind) {
        case QC_FILTER: cmd_filter(&e, c); break;
        case QC_FIELDS: cmd_fields(&e, c, 0); break;
        case QC_DISPLAY: cmd_fields(&e, c, 1); break;
        case QC_STATS: {
            int tail_free = 1;  /* nothing after it reorders or drops bins */
            for (int k = i + 1; k < q->ncmds; k++)
                tail_free &= q->cmds[k].kind != QC_LIMIT && q->cmds[k].kind != QC_DEDUP &&
                             q->cmds[k].kind != QC_FILTER && q->cmds[k].kind != QC_SORT;
            int only_filters = 1;  /* the events, only filtered */
            for (int k = 0; k < i; k++)
                only_filters &= q->cmds[k].kind == QC_FILTER;
            emit__stats(&e, c, i, i == last_stats, tail_free, only_filters, o, plan);
            break;
        }
        case QC_SORT: cmd_sort(&e, c); break;
        case QC_LIMIT: cmd_limit(&e, c); break;
        case QC_DEDUP: cmd_dedup(&e, c); break;
        case QC_PARSE: cmd_parse(&e, c); break;
        case QC_UNNEST: cmd_unnest(&e, c); break;
        case QC_PATTERN: emit__pattern(&e, c); break;
        case QC_ANOMALY: emit__anomaly(&e, c); break;
        case QC_ESTIMATE: emit__estimate(&e, c); break;
        case QC_DIFF:     /* folded into its pattern */
        case QC_UNMASK:   /* nothing is masked locally */
            break;
        }
    }
    if (!e.rc)
        emit_final(&e, o, plan);
    if (!e.rc && e.recursive) {  /* "WITH s0" -> "WITH RECURSIVE s0" */
        buf_t r = { 0 };
        buf_printf(&r, "WITH RECURSIVE%s", e.sql.p + 4);
        buf_free(&e.sql);
        e.sql = r;
    }
    plan->sql = e.sql.p;
    plan->match_param = e.match_param;
    plan->params = e.params;
    plan->nparams = e.nparams;
    rel_free(&e.rel);
    if (e.rc) {
        query_plan_free(plan);
        return e.rc;
    }
    *out = plan;
    return 0;
}

void query_plan_free(query_plan_t *p)
{
    if (!p)
        return;
    free(p->sql);
    for (int i = 0; i < p->nparams; i++)
        free(p->params[i].s);
    free(p->params);
    for (int i = 0; i < p->ncolumns; i++)
        free(p->columns[i].name);
    free(p->columns);
    free(p);
}
