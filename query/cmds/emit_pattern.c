/* query/cmds/emit_pattern.c — the SQL of pattern, diff, anomaly and
 * estimate (part of the emitter: query/emit_int.h; the SQLite dialect).
 *
 * pattern EXPR is two steps: one row holding the aggregate obs_patterns()
 * over the rows so far (query/sqlfuncs/sqlfuncs_pattern.c: the value, its
 * @timestamp, whether it lies in the query's range and/or — for a diff —
 * in the range it is compared with, and the range for anomalies), then
 * json_each() over its array: one row per pattern, in its order (x_ord),
 * with @pattern, @ratio, @sampleCount, @severityLabel, @patternId,
 * @logSamples and, with a diff, @previousSampleCount, @diffSampleCount,
 * @diffDescription; a hidden x_anom column holds the pattern's anomalies.
 * anomaly turns each pattern row into one row per anomaly of it
 * (@timestamp, @anomalyType, @description added). estimate reads the
 * bytes of the messages of s0, the events the query starts from. */
#include "query/cmds/cmds.h"
#include "query/emit_int.h"
#include "common/isotime.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- diff's ranges ---------------------------------------------------------- */

/* The same time of day, a calendar month earlier (the day clamped to the
 * length of that month). */
static int64_t month_before(int64_t ms)
{
    int64_t day = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000, rest = ms - day * 86400000;
    int64_t y;
    int m, d;
    isotime_civil_from_days(day, &y, &m, &d);
    if (--m == 0) {
        m = 12;
        y--;
    }
    static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int max = len[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (d > max)
        d = max;
    return isotime_days_from_civil(y, m, d) * 86400000 + rest;
}

void emit__diff_range(qdiff_t d, int64_t since, int64_t until, int64_t *lo, int64_t *hi)
{
    switch (d) {
    case QD_DAY:
        *lo = since - 86400000;
        *hi = until - 86400000;
        break;
    case QD_WEEK:
        *lo = since - 7 * 86400000LL;
        *hi = until - 7 * 86400000LL;
        break;
    case QD_MONTH:
        *lo = month_before(since);
        *hi = month_before(until);
        break;
    default:
        *lo = since - (until - since);
        *hi = since;
        break;
    }
}

/* ---- pattern ------------------------------------------------------------------ */

static const struct pcol {
    const char *name;
    int numeric, shown, diff_only;
} pcols[] = {
    { "@pattern", 0, 1, 0 }, { "@ratio", 1, 1, 0 }, { "@sampleCount", 1, 1, 0 },
    { "@severityLabel", 0, 1, 0 }, { "@patternId", 0, 0, 0 }, { "@logSamples", 0, 0, 0 },
    { "@previousSampleCount", 1, 1, 1 }, { "@diffSampleCount", 1, 1, 1 },
    { "@diffDescription", 0, 1, 1 },
};

static void range_flags(emitter_t *e, const char *ts)
{
    buf_printf(&e->sql, "((%s >= ", ts);
    emit__int_param(e, &e->sql, e->diff_lo);
    buf_printf(&e->sql, " AND %s < ", ts);
    emit__int_param(e, &e->sql, e->diff_hi);
    buf_printf(&e->sql, ") + 2 * (%s >= ", ts);
    emit__int_param(e, &e->sql, e->prev_lo);
    buf_printf(&e->sql, " AND %s < ", ts);
    emit__int_param(e, &e->sql, e->prev_hi);
    buf_cat(&e->sql, "))");
}

void emit__pattern(emitter_t *e, const qcmd_t *c)
{
    buf_t x = { 0 };
    emit__expr(e, &x, c->arg);
    if (e->rc) {
        free(x.p);
        return;
    }
    const rcol_t *ts = emit__rel_find(&e->rel, "@timestamp");
    char tsid[16];
    snprintf(tsid, sizeof tsid, "%s", ts ? ts->ident : "0");
    emit__step_begin(e);
    buf_printf(&e->sql, "SELECT obs_patterns(%s, %s, ", x.p, tsid);
    if (c->diff != QD_NONE && ts)
        range_flags(e, tsid);
    else
        buf_cat(&e->sql, "1");
    buf_printf(&e->sql, ", %d, ", c->want_anomaly ? 1 : 0);
    if (e->o->since_ms >= 0)
        emit__int_param(e, &e->sql, e->o->since_ms);
    else
        buf_cat(&e->sql, "NULL");
    buf_cat(&e->sql, ", ");
    if (e->o->until_ms >= 0)
        emit__int_param(e, &e->sql, e->o->until_ms);
    else
        buf_cat(&e->sql, "NULL");
    buf_printf(&e->sql, ") AS x_pp FROM s%d)", e->step - 1);
    free(x.p);

    emit__rel_clear_cols(&e->rel);
    emit__rel_show_clear(&e->rel);
    emit__step_begin(e);
    buf_cat(&e->sql, "SELECT j.key AS x_ord");
    for (size_t i = 0; i < sizeof pcols / sizeof *pcols; i++) {
        if (pcols[i].diff_only && c->diff == QD_NONE)
            continue;
        char ident[16];
        emit__new_ident(e, ident);
        buf_printf(&e->sql, ", json_extract(j.value, '$[%zu]') AS %s", i, ident);
        emit__rel_add(&e->rel, pcols[i].name, ident, 0, pcols[i].numeric);
        if (pcols[i].shown)
            emit__rel_show_add(&e->rel, pcols[i].name, NULL);
    }
    buf_printf(&e->sql, ", json_extract(j.value, '$[9]') AS x_anom FROM s%d p, json_each(p.x_pp) j)",
               e->step - 1);
    e->rel.show_from_display = 0;
    e->rel.show_implicit = 0;
    e->rel.has_event = 0;
    e->rel.aggregated = 1;
    free(e->rel.order);
    e->rel.order = xstrdup("x_ord ASC");
    emit__rel_set_ties(&e->rel, "x_ord");
}

void emit__anomaly(emitter_t *e, const qcmd_t *c)
{
    static const char *const names[] = { "@anomalyType", "@timestamp", "@description" };
    char ident[3][16];
    (void)c;
    emit__step_begin(e);
    buf_cat(&e->sql, "SELECT p.*, a.key AS x_aord");
    for (int i = 0; i < 3; i++) {
        emit__new_ident(e, ident[i]);
        buf_printf(&e->sql, ", json_extract(a.value, '$[%d]') AS %s", i, ident[i]);
    }
    buf_printf(&e->sql, " FROM s%d p, json_each(p.x_anom) a)", e->step - 1);
    /* shown: @timestamp, what was shown, then the anomaly's type and description */
    int n = e->rel.nshow;
    char **show = e->rel.show, **paths = e->rel.show_path;
    e->rel.show = NULL;
    e->rel.show_path = NULL;
    e->rel.nshow = 0;
    emit__rel_show_add(&e->rel, "@timestamp", NULL);
    for (int i = 0; i < n; i++) {
        emit__rel_show_add(&e->rel, show[i], paths[i]);
        free(show[i]);
        free(paths[i]);
    }
    free(show);
    free(paths);
    for (int i = 0; i < 3; i++)
        emit__rel_add(&e->rel, names[i], ident[i], i == 1, i == 1);
    emit__rel_show_add(&e->rel, "@anomalyType", NULL);
    emit__rel_show_add(&e->rel, "@description", NULL);
    char *ord = e->rel.order;
    buf_t o = { 0 };
    buf_printf(&o, "%s%sx_aord ASC", ord ? ord : "", ord ? ", " : "");
    free(ord);
    e->rel.order = buf_take(&o);
    buf_printf(&o, "%s%sx_aord", e->rel.ties ? e->rel.ties : "", e->rel.ties ? ", " : "");
    emit__rel_set_ties(&e->rel, o.p);
    free(o.p);
}

void emit__estimate(emitter_t *e, const qcmd_t *c)
{
    char ident[16];
    (void)c;
    emit__new_ident(e, ident);
    emit__step_begin(e);
    buf_printf(&e->sql, "SELECT coalesce(sum(length(CAST(%s AS BLOB))), 0) AS %s FROM s0)", e->msg_ident, ident);
    emit__rel_clear_cols(&e->rel);
    emit__rel_show_clear(&e->rel);
    emit__rel_add(&e->rel, "@estimatedBytes", ident, 0, 1);
    emit__rel_show_add(&e->rel, "@estimatedBytes", NULL);
    e->rel.show_from_display = 0;
    e->rel.show_implicit = 0;
    e->rel.has_event = 0;
    e->rel.aggregated = 1;
    free(e->rel.order);
    e->rel.order = NULL;
    emit__rel_set_ties(&e->rel, NULL);  /* one row */
}
