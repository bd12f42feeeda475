/* tui/model_concur.c — the concurrency obstop shows, per function and
 * account-wide: each minute's peak, the environments' first invocations by
 * how they started (store/spans.c), and what is in flight now.
 *
 * Kept between refreshes, as a minute's figures change only when lines of
 * invocations open in it arrive or while one is in flight: a refresh reads
 * again from STORE_SPAN_MAX_MS (and a minute for an init's wait) before
 * the older of now and the oldest event stored since the last read, to the
 * window's end; the rest is kept. A window of another size, or one that
 * moved back, is read whole. Rows deleted (retention) stay counted until
 * then. */
#include "tui/model.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN_MS (STORE_SPAN_MAX_MS + 60000)

static int64_t floor_min(int64_t ms)
{
    int64_t r = ms % 60000;
    return r < 0 ? ms - r - 60000 : ms - r;
}

/* The oldest time among events stored after id (INT64_MAX: none). */
static int oldest_since(sqlite3 *db, int64_t id, int64_t *max_id, int64_t *oldest, obs_err_t *err)
{
    sqlite3_stmt *s;
    *oldest = INT64_MAX;
    *max_id = id;
    if (sqlite3_prepare_v2(db, "SELECT max(id), min(ts) FROM events WHERE id > ?1", -1, &s, NULL) != SQLITE_OK)
        return obs_err_set(err, OBS_EDB, "reading the newest events: %s", sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        *max_id = sqlite3_column_int64(s, 0);
        *oldest = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    return 0;
}

/* Into to (nmin minutes from since): old's minutes before fresh_from, then
 * the fresh read's (NULL: none) from there. */
static void merge(conc_fn_t *to, const conc_fn_t *old, const conc_model_t *om, const store_fn_concurrency_t *fresh,
                  int64_t since, int nmin, int64_t fresh_from)
{
    to->min = xcalloc((size_t)nmin, sizeof *to->min);
    for (int i = 0; i < nmin; i++) {
        int64_t t = since + (int64_t)i * 60000;
        if (t < fresh_from) {
            int64_t k = old && old->min ? (t - om->since) / 60000 : -1;
            if (k >= 0 && k < om->nmin)
                to->min[i] = old->min[k];
        } else if (fresh) {
            to->min[i] = fresh->buckets[(t - fresh_from) / 60000];
        }
    }
    to->level = fresh ? fresh->level : 0;
}

static const conc_fn_t *find(const conc_model_t *m, const char *name)
{
    for (int i = 0; i < m->n; i++)
        if (strcmp(m->fns[i].name, name) == 0)
            return &m->fns[i];
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const conc_fn_t *)a)->name, ((const conc_fn_t *)b)->name);
}

int model_conc_load(store_t *st, const model_window_t *w, int64_t now_ms, conc_model_t *m, obs_err_t *err)
{
    int64_t max_id, oldest;
    int rc = oldest_since(store_db(st), m->read_id, &max_id, &oldest, err);
    if (rc)
        return rc;
    int64_t since = w->since_ms, until = w->until_ms;
    int nmin = (int)((until - since) / 60000);
    if (nmin < 1)
        nmin = 1, until = since + 60000;
    int64_t fresh_from = since;
    if (m->nmin && m->until - m->since == until - since && since >= m->since) {
        int64_t changed = oldest < now_ms ? oldest : now_ms;
        fresh_from = floor_min(changed - MARGIN_MS);
        if (fresh_from > m->until)
            fresh_from = m->until;   /* what the last read did not cover */
        if (fresh_from < since)
            fresh_from = since;
    }
    store_concurrency_t c = { 0 };
    if (fresh_from < until) {
        store_concurrency_query_t q = { fresh_from, until, now_ms, (int)((until - fresh_from) / 60000) };
        if ((rc = store_concurrency_read(st, &q, &c, err)))
            return rc;
    }
    conc_model_t out = { .since = since, .until = until, .nmin = nmin, .read_id = max_id };
    out.fns = xcalloc((size_t)(m->n + c.nfns) + 1, sizeof *out.fns);
    for (int i = 0; i < c.nfns; i++) {
        conc_fn_t *f = &out.fns[out.n++];
        snprintf(f->name, sizeof f->name, "%s", c.fns[i].function);
        merge(f, find(m, f->name), m, &c.fns[i], since, nmin, fresh_from);
    }
    for (int i = 0; i < m->n; i++) {   /* the kept minutes of functions not read again */
        if (store_concurrency_of(&c, m->fns[i].name))
            continue;
        conc_fn_t *f = &out.fns[out.n];
        snprintf(f->name, sizeof f->name, "%s", m->fns[i].name);
        merge(f, &m->fns[i], m, NULL, since, nmin, fresh_from);
        int any = 0;
        for (int k = 0; k < nmin && !any; k++)
            any = f->min[k].peak || f->min[k].on_demand || f->min[k].provisioned || f->min[k].snap_start ||
                  f->min[k].exact || f->min[k].estimated;
        if (any)
            out.n++;
        else
            free(f->min);
    }
    qsort(out.fns, (size_t)out.n, sizeof *out.fns, by_name);
    merge(&out.all, &m->all, m, fresh_from < until ? &c.all : NULL, since, nmin, fresh_from);
    store_concurrency_free(&c);
    model_conc_free(m);
    *m = out;
    return 0;
}

void model_conc_free(conc_model_t *m)
{
    for (int i = 0; i < m->n; i++)
        free(m->fns[i].min);
    free(m->fns);
    free(m->all.min);
    memset(m, 0, sizeof *m);
}

const conc_fn_t *model_conc_of(const conc_model_t *m, const char *function)
{
    return function ? find(m, function) : m->nmin ? &m->all : NULL;
}

int32_t model_conc_peak(const conc_model_t *m, const conc_fn_t *f)
{
    int32_t p = 0;
    for (int i = 0; f && i < m->nmin; i++)
        p = f->min[i].peak > p ? f->min[i].peak : p;
    return p;
}

store_conc_bucket_t model_conc_sum(const conc_model_t *m, const conc_fn_t *f)
{
    store_conc_bucket_t s = { 0 };
    for (int i = 0; f && i < m->nmin; i++) {
        s.peak = f->min[i].peak > s.peak ? f->min[i].peak : s.peak;
        s.on_demand += f->min[i].on_demand;
        s.provisioned += f->min[i].provisioned;
        s.snap_start += f->min[i].snap_start;
        s.exact += f->min[i].exact;
        s.estimated += f->min[i].estimated;
    }
    return s;
}

/* ---- into the overview's rows and series ------------------------------------ */

void model_conc_fill(const conc_model_t *m, const limits_t *l, fn_row_t *row, series_t *s, const char *function)
{
    const conc_fn_t *f = model_conc_of(m, function);
    if (row) {
        row->conc_peak = model_conc_peak(m, f);
        row->conc_limit = function ? limits_of(l, function, NULL) : l->account;
    }
    if (s && s->v[SK_CONC]) {
        for (int i = 0; i < s->n; i++) {
            int64_t k = (s->since_ms + (int64_t)i * 60000 - m->since) / 60000;
            s->v[SK_CONC][i] = f && k >= 0 && k < m->nmin ? f->min[k].peak : 0;
        }
    }
}

void model_conc_rows(const conc_model_t *m, const limits_t *l, overview_t *ov)
{
    for (int i = 0; i < ov->n; i++)
        model_conc_fill(m, l, &ov->rows[i], NULL, ov->rows[i].name);
    model_conc_fill(m, l, &ov->total, NULL, NULL);
}
