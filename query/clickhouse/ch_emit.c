/* query/clickhouse/ch_emit.c — the commands and the statement of the
 * ClickHouse dialect (see ch_query.h). ClickHouse 18.16 has no WITH of
 * subqueries, so each command wraps the SQL so far as a subquery: s0 is the
 * events of the selected functions, log groups and time range read with
 * FINAL (a batch the forwarder sent twice is one row), then filter,
 * fields/display, stats, sort, limit. The order is tracked and applied
 * where SQLite's planner applies it: limit and the final SELECT. */
#include "query/clickhouse/ch_int.h"
#include "query/builtins.h"
#include "common/xalloc.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* @initDuration and the X-Ray ids are of REPORT events only (text REPORT,
 * JSON platform.report), as on the store (query/emit_sql.c): the columns
 * also hold an INIT_REPORT's init duration and the XRAY line's trace. */
static const struct sysfield {
    const char *name, *expr;
    cty_t ty;
    int is_time;
} sysfields[] = {
    { "@timestamp", "ts", CT_NUM, 1 },
    { "@message", "message", CT_TEXT, 0 },
    { "@logStream", "stream", CT_TEXT, 0 },
    { "@log", "concat('000000000000:', log_group)", CT_TEXT, 0 },
    { "@ingestionTime", "ingest_ts", CT_NUM, 1 },
    { "@requestId", "request_id", CT_TEXT, 0 },
    { "@type", "type", CT_TEXT, 0 },
    { "@duration", "duration", CT_NUM, 0 },
    { "@billedDuration", "billed_duration", CT_NUM, 0 },
    { "@memorySize", "memory_size", CT_NUM, 0 },
    { "@maxMemoryUsed", "max_memory_used", CT_NUM, 0 },
    { "@initDuration", "if(kind = " OBS_STR(STORE_KIND_REPORT) ", init_duration, NULL)", CT_NUM, 0 },
    { "@xrayTraceId", "if(kind = " OBS_STR(STORE_KIND_REPORT) ", xray_trace_id, NULL)", CT_TEXT, 0 },
    { "@xraySegmentId", "if(kind = " OBS_STR(STORE_KIND_REPORT) ", xray_segment_id, NULL)", CT_TEXT, 0 },
    { "@emfError", "emf_error", CT_TEXT, 0 },
};

static void show_add(chem_t *e, const char *name)
{
    for (int i = 0; i < e->nshow; i++)
        if (strcmp(e->show[i], name) == 0)
            return;
    e->show = xrealloc(e->show, (size_t)(e->nshow + 1) * sizeof *e->show);
    e->show[e->nshow++] = xstrdup(name);
}

static void show_clear(chem_t *e)
{
    for (int i = 0; i < e->nshow; i++)
        free(e->show[i]);
    e->nshow = 0;
}

static void cols_clear(chem_t *e)
{
    for (int i = 0; i < e->n; i++)
        free(e->cols[i].name);
    e->n = 0;
}

static void new_ident(chem_t *e, char out[16])
{
    snprintf(out, 16, "c%d", ++e->ncols);
}

/* Wrap the SQL so far: "SELECT <head> FROM (<sql>) <tail>". */
static void wrap(chem_t *e, const char *head, const char *tail)
{
    buf_t w = { 0 };
    buf_printf(&w, "SELECT %s FROM (\n%s\n)%s%s", head, e->sql.p ? e->sql.p : "", tail && *tail ? " " : "",
               tail ? tail : "");
    buf_free(&e->sql);
    e->sql = w;
    e->step++;
}

static void refuse_cmd(chem_t *e, const qcmd_t *c, const char *what)
{
    qnode_t at;
    memset(&at, 0, sizeof at);
    at.start = c->start;
    ch__fail(e, &at, "not supported on the ClickHouse engine: %s (docs/scale-out.md; run it on the local store)",
             what);
}

static void cmd_filter(chem_t *e, const qcmd_t *c)
{
    cx_t x = { 0 };
    buf_t b = { 0 }, t = { 0 };
    ch__expr(e, c->cond, &x);
    if (!e->rc) {
        ch__as_bool(e, &x, &b);
        buf_printf(&t, "WHERE ifNull(%s, 0)", b.p);
        wrap(e, "*", t.p);
    }
    buf_free(&b);
    buf_free(&t);
    ch__cx_free(&x);
}

/* one computed column: "*, v AS cN[, t AS cN_t]" */
static void add_column(chem_t *e, const char *name, const cx_t *x, int show)
{
    char ident[16];
    buf_t h = { 0 };
    new_ident(e, ident);
    buf_printf(&h, "*, %s AS %s", x->v.p ? x->v.p : "NULL", ident);
    if (x->ty == CT_DYN)
        buf_printf(&h, ", %s AS %s_t", x->t.p, ident);
    wrap(e, h.p, NULL);
    buf_free(&h);
    ch__add(e, name, ident, x->ty, x->is_time);
    if (show)
        show_add(e, name);
}

static void cmd_fields(chem_t *e, const qcmd_t *c, int display)
{
    if (display) {
        show_clear(e);
        e->show_from_display = 1;
    }
    for (int i = 0; i < c->nitems && !e->rc; i++) {
        const qitem_t *it = &c->items[i];
        int show = display || !e->show_from_display;
        if (it->expr->kind == QN_FIELD && !it->alias && !it->expr->colref) {
            if (it->expr->path && strchr(it->expr->path, '\x1f') && !ch__find(e, it->expr->str)) {
                /* a dotted JSON field shown: computed once, named as written */
                cx_t x = { 0 };
                ch__expr(e, it->expr, &x);
                if (!e->rc)
                    add_column(e, it->expr->str, &x, show);
                ch__cx_free(&x);
            } else if (show) {
                show_add(e, it->expr->str);
            }
            continue;
        }
        cx_t x = { 0 };
        ch__expr(e, it->expr, &x);
        if (!e->rc)
            add_column(e, it->name, &x, show);
        ch__cx_free(&x);
    }
}

static int is_count_or_sum(const qnode_t *n)
{
    return n->kind == QN_CALL && n->fn &&
           (!strcmp(n->fn->name, "count") || !strcmp(n->fn->name, "count_distinct") || !strcmp(n->fn->name, "sum"));
}

/* ORDER BY terms for a column in SQLite's order of values: NULL first, then
 * numbers, then text (bytes) */
static void order_term(buf_t *o, const ccol_t *c, int desc)
{
    const char *d = desc ? "DESC" : "ASC";
    if (o->len)
        buf_cat(o, ", ");
    if (c->ty == CT_DYN)
        buf_printf(o, "%s_t > 0 %s, %s_t >= 3 %s, if(%s_t IN (1, 2), toFloat64OrZero(%s), 0) %s, %s %s", c->ident, d,
                   c->ident, d, c->ident, c->ident, d, c->ident, d);
    else
        buf_printf(o, "%s %s NULLS %s", c->ident, d, desc ? "LAST" : "FIRST");
}

static void cmd_stats(chem_t *e, const qcmd_t *c, int last_stats, int tail_free, query_plan_t *plan)
{
    buf_t sel = { 0 }, group = { 0 };
    int total = c->nby + c->nitems;
    ccol_t *out = xcalloc((size_t)total + 1, sizeof *out);
    for (int i = 0; i < c->nby && !e->rc; i++) {
        cx_t x = { 0 };
        ch__expr(e, c->by[i].expr, &x);
        new_ident(e, out[i].ident);
        out[i].name = c->by[i].name;
        out[i].ty = x.ty;
        out[i].is_time = x.is_time;
        buf_printf(&sel, "%s%s AS %s", sel.len ? ", " : "", x.v.p ? x.v.p : "NULL", out[i].ident);
        buf_printf(&group, "%s%s", group.len ? ", " : "", x.v.p ? x.v.p : "NULL");
        if (x.ty == CT_DYN) {
            buf_printf(&sel, ", %s AS %s_t", x.t.p, out[i].ident);
            buf_printf(&group, ", %s", x.t.p);
        }
        ch__cx_free(&x);
    }
    e->stats = c;
    for (int i = 0; i < c->nitems && !e->rc; i++) {
        cx_t x = { 0 };
        e->stats_upto = i;
        ch__expr(e, c->items[i].expr, &x);
        ccol_t *o = &out[c->nby + i];
        new_ident(e, o->ident);
        o->name = c->items[i].name;
        o->ty = x.ty;
        o->is_time = x.is_time;
        o->fill_zero = is_count_or_sum(c->items[i].expr);
        buf_printf(&sel, "%s%s AS %s", sel.len ? ", " : "", x.v.p ? x.v.p : "NULL", o->ident);
        if (x.ty == CT_DYN)
            buf_printf(&sel, ", %s AS %s_t", x.t.p, o->ident);
        ch__cx_free(&x);
    }
    e->stats = NULL;
    if (!e->rc) {
        buf_t tail = { 0 };
        if (c->nby)
            buf_printf(&tail, "GROUP BY %s", group.p);
        wrap(e, sel.p ? sel.p : "NULL", tail.p);
        buf_free(&tail);
        cols_clear(e);
        show_clear(e);
        e->show_from_display = 0;
        e->has_event = 0;
        e->aggregated = 1;
        free(e->order);
        free(e->ties[0]);
        free(e->ties[1]);
        buf_t ord = { 0 }, desc = { 0 };
        for (int i = 0; i < total; i++) {
            ccol_t *col = ch__add(e, out[i].name, out[i].ident, out[i].ty, out[i].is_time);
            col->fill_zero = out[i].fill_zero;
            show_add(e, out[i].name);
            if (i < c->nby) {
                order_term(&ord, col, 0);
                order_term(&desc, col, 1);
            }
        }
        e->order = ord.len ? buf_take(&ord) : NULL;
        e->ties[0] = e->order ? xstrdup(e->order) : NULL;
        e->ties[1] = desc.len ? buf_take(&desc) : NULL;
        buf_free(&ord);
        buf_free(&desc);
        if (last_stats && tail_free && c->nby == 1 && c->by[0].expr->kind == QN_CALL && c->by[0].expr->fn &&
            !strcmp(c->by[0].expr->fn->name, "bin")) {
            plan->fill_column = 0;
            plan->fill_n = c->by[0].expr->args[0]->period.n;
            plan->fill_unit = (int)c->by[0].expr->args[0]->period.unit;
        }
    }
    free(out);
    buf_free(&sel);
    buf_free(&group);
}

static void cmd_sort(chem_t *e, const qcmd_t *c)
{
    buf_t ord = { 0 };
    int desc = 0;
    for (int i = 0; i < c->nkeys && !e->rc; i++) {
        if (c->keys[i].expr->missing)
            continue;
        cx_t x = { 0 };
        ch__expr(e, c->keys[i].expr, &x);
        if (!e->rc && x.ty != CT_NUM && x.ty != CT_BOOL && x.ty != CT_NULL)
            refuse_cmd(e, c, "sort by text or a JSON field (the natural order of text)");
        if (!e->rc && x.ty != CT_NULL) {
            ccol_t tmp;
            memset(&tmp, 0, sizeof tmp);
            tmp.ty = CT_NUM;
            /* the key as a column of the step: computed into it */
            char ident[16];
            new_ident(e, ident);
            buf_t h = { 0 };
            buf_printf(&h, "*, %s AS %s", x.v.p, ident);
            wrap(e, h.p, NULL);
            buf_free(&h);
            snprintf(tmp.ident, sizeof tmp.ident, "%s", ident);
            order_term(&ord, &tmp, c->keys[i].desc);
            desc = c->keys[i].desc;
        }
        ch__cx_free(&x);
    }
    if (ord.len && !e->rc) {
        /* ties: in the rows' natural order (events in import order, a
         * stats' groups by key), in the last key's direction, as on the
         * store (docs/query-language.md §3.5) */
        if (e->has_event)
            buf_cat(&ord, desc ? ", x_id DESC" : ", x_id ASC");
        else if (e->ties[desc])
            buf_printf(&ord, ", %s", e->ties[desc]);
        free(e->order);
        e->order = buf_take(&ord);
    }
    buf_free(&ord);
}

static const char *current_order(chem_t *e)
{
    if (e->order)
        return e->order;
    const ccol_t *ts = ch__find(e, "@timestamp");
    if (ts && !e->aggregated) {
        char buf[96];
        snprintf(buf, sizeof buf, e->o->ascending ? "%s ASC, x_id ASC" : "%s DESC, x_id DESC", ts->ident);
        e->order = xstrdup(buf);
    }
    return e->order;
}

static void cmd_limit(chem_t *e, const qcmd_t *c)
{
    const char *ord = current_order(e);
    buf_t t = { 0 };
    buf_printf(&t, "%s%s LIMIT %lld", ord ? "ORDER BY " : "", ord ? ord : "", (long long)c->limit);
    wrap(e, "*", t.p);
    buf_free(&t);
}

static void emit_base(chem_t *e, const char *database)
{
    const query_plan_opts_t *o = e->o;
    buf_t h = { 0 }, w = { 0 };
    buf_cat(&h, "SELECT id AS x_id, json_keys AS x_json_keys, json_types AS x_json_types, json_values AS x_json_values");
    for (size_t i = 0; i < sizeof sysfields / sizeof *sysfields; i++) {
        char ident[16];
        snprintf(ident, sizeof ident, "f%zu", i);
        buf_printf(&h, ",\n  %s AS %s", sysfields[i].expr, ident);
        ch__add(e, sysfields[i].name, ident, sysfields[i].ty, sysfields[i].is_time);
    }
    buf_cat(&h, "\nFROM ");
    ch_quote_ident(&h, database);
    buf_cat(&h, ".events FINAL WHERE 1");
    if (o->since_ms >= 0)
        buf_printf(&h, " AND ts >= %lld AND day >= toDate(%lld)", (long long)o->since_ms,
                   (long long)(o->since_ms / 86400000));
    if (o->until_ms >= 0)
        buf_printf(&h, " AND ts < %lld AND day <= toDate(%lld)", (long long)o->until_ms,
                   (long long)((o->until_ms - 1) / 86400000 < 0 ? 0 : (o->until_ms - 1) / 86400000));
    if (o->select_none)
        buf_cat(&h, " AND 0");
    if (o->nfunctions > 0) {
        buf_cat(&h, " AND function IN (");
        for (int i = 0; i < o->nfunctions; i++) {
            if (i)
                buf_cat(&h, ", ");
            ch_quote(&h, o->functions[i], strlen(o->functions[i]));
        }
        buf_cat(&h, ")");
    }
    if (o->nlog_groups > 0 || o->nlog_group_prefixes > 0) {
        buf_cat(&h, " AND (0");
        for (int i = 0; i < o->nlog_groups; i++) {
            buf_cat(&h, " OR log_group = ");
            ch_quote(&h, o->log_groups[i], strlen(o->log_groups[i]));
        }
        for (int i = 0; i < o->nlog_group_prefixes; i++) {
            buf_cat(&h, " OR startsWith(log_group, ");
            ch_quote(&h, o->log_group_prefixes[i], strlen(o->log_group_prefixes[i]));
            buf_cat(&h, ")");
        }
        buf_cat(&h, ")");
    }
    buf_free(&e->sql);
    e->sql = h;
    buf_free(&w);
    e->has_event = 1;
}

static void emit_final(chem_t *e, query_ch_plan_t *cp)
{
    query_plan_t *plan = cp->plan;
    if (e->nshow == 0 && !e->aggregated) {
        show_add(e, "@timestamp");
        show_add(e, "@message");
    }
    const char *ord = current_order(e);
    buf_t h = { 0 }, t = { 0 };
    plan->columns = xcalloc((size_t)e->nshow + 1, sizeof *plan->columns);
    cp->kinds = xcalloc((size_t)e->nshow + 1, sizeof *cp->kinds);
    for (int i = 0; i < e->nshow && !e->rc; i++) {
        const ccol_t *c = ch__find(e, e->show[i]);
        cx_t x = { 0 };
        if (c) {
            x.ty = c->ty;
            buf_cat(&x.v, c->ident);
            if (c->ty == CT_DYN)
                buf_printf(&x.t, "%s_t", c->ident);
        } else {
            qnode_t f;
            memset(&f, 0, sizeof f);
            f.kind = QN_FIELD;
            f.str = e->show[i];
            ch__expr(e, &f, &x);
        }
        buf_printf(&h, "%s%s", i ? ", " : "", x.v.p ? x.v.p : "NULL");
        if (x.ty == CT_DYN)
            buf_printf(&h, ", %s", x.t.p);
        plan->columns[i].name = xstrdup(e->show[i]);
        plan->columns[i].is_time = c && c->is_time;
        plan->columns[i].fill_zero = c && c->fill_zero;
        cp->kinds[i] = x.ty == CT_DYN ? CHK_DYN : x.ty == CT_TEXT || x.ty == CT_NULL ? CHK_TEXT : CHK_NUM;
        ch__cx_free(&x);
    }
    plan->ncolumns = e->nshow;
    plan->aggregated = e->aggregated;
    if (ord)
        buf_printf(&t, "ORDER BY %s", ord);
    if (e->o->max_rows > 0 && plan->fill_column < 0)
        buf_printf(&t, "%sLIMIT %lld", t.len ? " " : "", (long long)e->o->max_rows);
    if (!e->rc) {
        wrap(e, h.p ? h.p : "NULL", t.p);
        buf_cat(&e->sql, "\nFORMAT TabSeparated");
    }
    buf_free(&h);
    buf_free(&t);
}

int query_ch_plan_build(const query_ast_t *q, const query_plan_opts_t *o, const char *database, query_ch_plan_t **out,
                        obs_err_t *err)
{
    chem_t e;
    memset(&e, 0, sizeof e);
    e.q = q;
    e.o = o;
    e.err = err;
    query_ch_plan_t *cp = xcalloc(1, sizeof *cp);
    cp->plan = xcalloc(1, sizeof *cp->plan);
    cp->plan->fill_column = -1;
    cp->plan->match_param = -1;
    *out = NULL;
    if (o->after_id > 0 || o->with_ids)
        ch__fail(&e, NULL, "not supported on the ClickHouse engine: %s", "--follow and --context");
    int last_stats = -1;
    for (int i = 0; i < q->ncmds; i++)
        if (q->cmds[i].kind == QC_STATS)
            last_stats = i;
    emit_base(&e, database);
    for (int i = 0; i < q->ncmds && !e.rc; i++) {
        const qcmd_t *c = &q->cmds[i];
        switch (c->kind) {
        case QC_FILTER: cmd_filter(&e, c); break;
        case QC_FIELDS: cmd_fields(&e, c, 0); break;
        case QC_DISPLAY: cmd_fields(&e, c, 1); break;
        case QC_STATS: {
            int tail_free = 1;
            for (int k = i + 1; k < q->ncmds; k++)
                tail_free &= q->cmds[k].kind != QC_LIMIT && q->cmds[k].kind != QC_DEDUP &&
                             q->cmds[k].kind != QC_FILTER && q->cmds[k].kind != QC_SORT;
            cmd_stats(&e, c, i == last_stats, tail_free, cp->plan);
            break;
        }
        case QC_SORT: cmd_sort(&e, c); break;
        case QC_LIMIT: cmd_limit(&e, c); break;
        case QC_UNMASK: break;
        case QC_PARSE: refuse_cmd(&e, c, "parse"); break;
        case QC_DEDUP: refuse_cmd(&e, c, "dedup"); break;
        case QC_UNNEST: refuse_cmd(&e, c, "unnest"); break;
        case QC_PATTERN: refuse_cmd(&e, c, "pattern"); break;
        case QC_DIFF: refuse_cmd(&e, c, "diff"); break;
        case QC_ANOMALY: refuse_cmd(&e, c, "anomaly"); break;
        case QC_ESTIMATE: refuse_cmd(&e, c, "estimate"); break;
        }
    }
    if (!e.rc)
        emit_final(&e, cp);
    cp->plan->sql = buf_take(&e.sql);
    cols_clear(&e);
    free(e.cols);
    show_clear(&e);
    free(e.show);
    free(e.order);
    free(e.ties[0]);
    free(e.ties[1]);
    if (e.rc) {
        query_ch_plan_free(cp);
        return e.rc;
    }
    *out = cp;
    return 0;
}

void query_ch_plan_free(query_ch_plan_t *p)
{
    if (!p)
        return;
    query_plan_free(p->plan);
    free(p->kinds);
    free(p);
}
