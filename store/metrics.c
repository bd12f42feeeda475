/* store/metrics.c — EMF metric points: series lookup (an in-memory cache in
 * front of metric_series), point rows, and the batch's per-(series, minute)
 * accumulators and (series, function) pairs, upserted at commit. The sketch
 * of a minute already stored is merged with the batch's by the SQL function
 * obs_sketch_merge() (store/sketch_sql.c). */
#include "store/store_int.h"
#include "common/hash.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERIES_CACHE_MAX 100000

static uint64_t mix(uint64_t a, uint64_t b)
{
    return (a ^ (b + 0x9E3779B97F4A7C15ULL + (a << 6) + (a >> 2))) * 0xff51afd7ed558ccdULL;
}

/* ---- series cache ---------------------------------------------------------- */

static store_series_entry_t *series_slot(store_series_entry_t *tab, int cap, const char *key)
{
    uint64_t i = obs_fnv_str(OBS_FNV_INIT, key) & (uint64_t)(cap - 1);
    while (tab[i].key && strcmp(tab[i].key, key) != 0)
        i = (i + 1) & (uint64_t)(cap - 1);
    return &tab[i];
}

static void series_cache_put(store_t *st, const char *key, int64_t id)
{
    if (st->series_used >= SERIES_CACHE_MAX) {
        /* High-cardinality dimensions: start over rather than grow forever. */
        for (int i = 0; i < st->series_cap; i++)
            free(st->series[i].key);
        memset(st->series, 0, (size_t)st->series_cap * sizeof *st->series);
        st->series_used = 0;
    }
    if ((st->series_used + 1) * 2 > st->series_cap) {
        int cap = st->series_cap ? st->series_cap * 2 : 256;
        store_series_entry_t *tab = xcalloc((size_t)cap, sizeof *tab);
        for (int i = 0; i < st->series_cap; i++)
            if (st->series[i].key)
                *series_slot(tab, cap, st->series[i].key) = st->series[i];
        free(st->series);
        st->series = tab;
        st->series_cap = cap;
    }
    store_series_entry_t *e = series_slot(st->series, st->series_cap, key);
    e->key = xstrdup(key);
    e->id = id;
    st->series_used++;
}

static int series_id(store_t *st, const store_metric_point_t *p, int64_t *id, obs_err_t *err)
{
    char stack[512];
    size_t need = strlen(p->ns) + strlen(p->name) + strlen(p->unit) + strlen(p->dimensions) + 32;
    char *key = need <= sizeof stack ? stack : xmalloc(need);
    int rc = 0;
    snprintf(key, need, "%s\x1f%s\x1f%s\x1f%d\x1f%s", p->ns, p->name, p->unit, p->resolution,
             p->dimensions);
    if (st->series_cap) {
        store_series_entry_t *e = series_slot(st->series, st->series_cap, key);
        if (e->key) {
            *id = e->id;
            goto out;
        }
    }
    /* a series not seen since open: the writer thread must be done first */
    if ((rc = store__sync(st, err)))
        goto out;
    sqlite3_stmt *f = st->stmt[STMT_SERIES_FIND];
    sqlite3_bind_text(f, 1, p->ns, -1, SQLITE_STATIC);
    sqlite3_bind_text(f, 2, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(f, 3, p->unit, -1, SQLITE_STATIC);
    sqlite3_bind_int(f, 4, p->resolution);
    sqlite3_bind_text(f, 5, p->dimensions, -1, SQLITE_STATIC);
    int step = sqlite3_step(f);
    if (step == SQLITE_ROW)
        *id = sqlite3_column_int64(f, 0);
    sqlite3_reset(f);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = store__dberr(st, err, "looking up a metric series");
        goto out;
    }
    if (step == SQLITE_DONE) {
        sqlite3_stmt *ins = st->stmt[STMT_SERIES_INSERT];
        sqlite3_bind_text(ins, 1, p->ns, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, p->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, p->unit, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 4, p->resolution);
        sqlite3_bind_text(ins, 5, p->dimensions, -1, SQLITE_STATIC);
        step = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (step != SQLITE_DONE) {
            rc = store__dberr(st, err, "adding a metric series");
            goto out;
        }
        *id = sqlite3_last_insert_rowid(st->db);
    }
    series_cache_put(st, key, *id);
out:
    if (key != stack)
        free(key);
    return rc;
}

/* ---- batch accumulators ------------------------------------------------------ */

static store_metric_slot_t *mslot(store_t *st, int64_t series, int64_t minute)
{
    if ((st->mslot_used + 1) * 2 > st->mslot_cap) {
        int cap = st->mslot_cap ? st->mslot_cap * 2 : 64;
        store_metric_slot_t *tab = xcalloc((size_t)cap, sizeof *tab);
        for (int i = 0; i < st->mslot_cap; i++) {
            store_metric_slot_t *o = &st->mslots[i];
            if (!o->series_id)
                continue;
            uint64_t k = mix((uint64_t)o->series_id, (uint64_t)o->minute_ms) & (uint64_t)(cap - 1);
            while (tab[k].series_id)
                k = (k + 1) & (uint64_t)(cap - 1);
            tab[k] = *o;
        }
        free(st->mslots);
        st->mslots = tab;
        st->mslot_cap = cap;
    }
    uint64_t k = mix((uint64_t)series, (uint64_t)minute) & (uint64_t)(st->mslot_cap - 1);
    while (st->mslots[k].series_id &&
           !(st->mslots[k].series_id == series && st->mslots[k].minute_ms == minute))
        k = (k + 1) & (uint64_t)(st->mslot_cap - 1);
    store_metric_slot_t *s = &st->mslots[k];
    if (!s->series_id) {
        s->series_id = series;
        s->minute_ms = minute;
        s->min = INFINITY;
        s->max = -INFINITY;
        sketch_init(&s->sketch);
        st->mslot_used++;
    }
    return s;
}

static void note_function(store_t *st, int64_t series, const char *function)
{
    if ((st->sfn_used + 1) * 2 > st->sfn_cap) {
        int cap = st->sfn_cap ? st->sfn_cap * 2 : 64;
        store_series_fn_t *tab = xcalloc((size_t)cap, sizeof *tab);
        for (int i = 0; i < st->sfn_cap; i++) {
            store_series_fn_t *o = &st->sfn[i];
            if (!o->series_id)
                continue;
            uint64_t k = mix((uint64_t)o->series_id, obs_fnv_str(0, o->function)) & (uint64_t)(cap - 1);
            while (tab[k].series_id)
                k = (k + 1) & (uint64_t)(cap - 1);
            tab[k] = *o;
        }
        free(st->sfn);
        st->sfn = tab;
        st->sfn_cap = cap;
    }
    uint64_t k = mix((uint64_t)series, obs_fnv_str(0, function)) & (uint64_t)(st->sfn_cap - 1);
    while (st->sfn[k].series_id) {
        if (st->sfn[k].series_id == series && strcmp(st->sfn[k].function, function) == 0)
            return;
        k = (k + 1) & (uint64_t)(st->sfn_cap - 1);
    }
    st->sfn[k].series_id = series;
    st->sfn[k].function = xstrdup(function);
    st->sfn_used++;
}

static int64_t sat_add64(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

int store_metric_point_add(store_t *st, const char *function, int64_t event_id,
                           const store_metric_point_t *p, obs_err_t *err)
{
    int64_t id;
    int rc;
    int64_t count = p->count > 0 ? p->count : p->stats ? 0 : 1;
    unsigned given = p->stats ? STORE_POINT_SUM | STORE_POINT_MIN | STORE_POINT_MAX : p->given;
    double sum = given & STORE_POINT_SUM ? p->sum : p->value * (double)count;
    double min = given & STORE_POINT_MIN ? p->min : p->value;
    double max = given & STORE_POINT_MAX ? p->max : p->value;
    if ((rc = store__begin(st, err)) || (rc = series_id(st, p, &id, err)))
        return rc;
    if ((rc = store__wq_start(st->wq, STMT_POINT_INSERT, "storing a metric point", err)))
        return rc;
    store__wq_int(st->wq, id);
    store__wq_int(st->wq, p->ts_ms);
    if (p->stats)
        store__wq_null(st->wq);
    else
        store__wq_real(st->wq, p->value);
    store__wq_int(st->wq, event_id);
    store__wq_int(st->wq, count);
    store__wq_real(st->wq, given & STORE_POINT_SUM ? sum : NAN);   /* NaN: NULL */
    store__wq_real(st->wq, given & STORE_POINT_MIN ? min : NAN);
    store__wq_real(st->wq, given & STORE_POINT_MAX ? max : NAN);
    store__wq_end(st->wq);

    int64_t minute = p->ts_ms - (((p->ts_ms % 60000) + 60000) % 60000);
    store_metric_slot_t *m = mslot(st, id, minute);
    m->count = sat_add64(m->count, count);
    m->sum += sum;
    if (min < m->min)
        m->min = min;
    if (max > m->max)
        m->max = max;
    if (!p->stats)   /* a statistic set has no distribution: nothing to rank */
        sketch_add(&m->sketch, p->value, (uint64_t)count);
    note_function(st, id, function);
    return 0;
}

int store__flush_metrics(store_t *st, obs_err_t *err)
{
    store_wq_t *q = st->wq;
    int rc;
    for (int i = 0; i < st->mslot_cap; i++) {
        store_metric_slot_t *m = &st->mslots[i];
        if (!m->series_id)
            continue;
        if ((rc = store__wq_start(q, STMT_METRIC_ROLLUP_UPSERT, "updating metric rollups", err)))
            return rc;
        size_t len;
        unsigned char *blob = sketch_encode(&m->sketch, &len);
        store__wq_int(q, m->series_id);
        store__wq_int(q, m->minute_ms);
        store__wq_int(q, m->count);
        store__wq_real(q, m->sum);
        store__wq_real(q, m->min);
        store__wq_real(q, m->max);
        store__wq_blob(q, blob, len);
        store__wq_end(q);
        free(blob);
    }
    for (int i = 0; i < st->sfn_cap; i++) {
        store_series_fn_t *e = &st->sfn[i];
        if (!e->series_id)
            continue;
        if ((rc = store__wq_start(q, STMT_SERIES_FUNCTION_ADD, "recording a series' function", err)))
            return rc;
        store__wq_int(q, e->series_id);
        store__wq_str(q, e->function);
        store__wq_end(q);
    }
    store__metrics_reset(st, 1);
    return 0;
}

void store__metrics_reset(store_t *st, int keep_series)
{
    for (int i = 0; i < st->mslot_cap; i++)
        if (st->mslots[i].series_id)
            sketch_done(&st->mslots[i].sketch);
    free(st->mslots);
    st->mslots = NULL;
    st->mslot_cap = st->mslot_used = 0;
    for (int i = 0; i < st->sfn_cap; i++)
        free(st->sfn[i].function);
    free(st->sfn);
    st->sfn = NULL;
    st->sfn_cap = st->sfn_used = 0;
    if (keep_series)
        return;
    for (int i = 0; i < st->series_cap; i++)
        free(st->series[i].key);
    free(st->series);
    st->series = NULL;
    st->series_cap = st->series_used = 0;
}
