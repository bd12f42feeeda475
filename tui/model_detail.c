/* tui/model_detail.c — the function-detail model: the function's overview
 * row and series (rollups), a duration histogram (from the merged duration
 * sketch), cold starts by runtime version and memory size, error messages
 * grouped by their normalised text, recent timeouts and crashes, and the
 * memory sizes seen with their durations and cost, which give the
 * right-sizing hint. Error lines and failures come through partial indexes
 * (newest first, bounded); invocations by (stream, time). */
#include "tui/model.h"
#include "tui/normalize.h"
#include "common/sketch.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQL_DURATION_SKETCHES \
"SELECT duration_sketch FROM rollup_minute\n" \
"WHERE function = ?1 AND minute >= ?2 AND minute < ?3 AND duration_sketch IS NOT NULL"
/* "+stream_id" in these queries keeps SQLite on the partial indexes
 * (events_errors, invocations_failed, invocations_cold: a few % of the
 * rows, by time) rather than on every row of the function's streams. */
#define SQL_COLD_GROUPS \
"SELECT coalesce(i.runtime_version, '-'), coalesce(i.memory_size, -1), count(*),\n" \
"  avg(i.init_duration), max(i.init_duration) FROM invocations i\n" \
"WHERE cold = 1 AND i.end_ts >= ?2 AND i.end_ts < ?3\n" \
"  AND +i.stream_id IN (SELECT id FROM streams WHERE function = ?1)\n" \
"GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 8"
/* The newest DETAIL_ERROR_SAMPLE error lines of the window, newest first
 * through the partial index events_errors (its WHERE repeated word for
 * word), then grouped. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define SQL_ERROR_GROUPS \
"WITH recent AS (SELECT e.ts, e.message, e.json_at FROM events e\n" \
"  WHERE (level IN ('ERROR', 'FATAL') OR outcome IS NOT NULL) AND e.ts >= ?2 AND e.ts < ?3\n" \
"    AND +e.stream_id IN (SELECT id FROM streams WHERE function = ?1)\n" \
"  ORDER BY e.ts DESC LIMIT " STR(DETAIL_ERROR_SAMPLE) ")\n" \
"SELECT obs_error_key(message, json_at) AS k, count(*), max(ts), message FROM recent\n" \
"GROUP BY k ORDER BY 2 DESC, 3 DESC LIMIT 8"
#define SQL_FAILURES \
"SELECT i.end_ts, i.request_id, CASE i.outcome WHEN 2 THEN 'timeout' WHEN 3 THEN 'crash'\n" \
"  ELSE 'oom' END, coalesce(i.error_type, ''), i.duration FROM invocations i\n" \
"WHERE outcome >= 2 AND i.end_ts >= ?2 AND i.end_ts < ?3\n" \
"  AND +i.stream_id IN (SELECT id FROM streams WHERE function = ?1)\n" \
"ORDER BY i.end_ts DESC LIMIT 8"
#define SQL_MEM_SIZE_COUNT \
"SELECT count(DISTINCT memory_size) FROM rollup_minute\n" \
"WHERE function = ?1 AND minute >= ?2 AND minute < ?3"
/* Several sizes in the window: per size from the invocations; p95 from the
 * sketch of each size's durations (obs_sketch_of, registered
 * on every store connection): one pass, within 1%. */
#define SQL_MEM_SIZES \
"SELECT memory_size, count(*), avg(duration), avg(billed_duration), max(max_memory_used),\n" \
"  obs_sketch_of(duration) FROM invocations_v\n" \
"WHERE function = ?1 AND duration IS NOT NULL AND memory_size IS NOT NULL\n" \
"  AND end_ts >= ?2 AND end_ts < ?3 GROUP BY memory_size ORDER BY memory_size LIMIT 8"

static int prep(sqlite3 *db, const char *sql, const char *fn, const model_window_t *w,
                sqlite3_stmt **s, obs_err_t *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, s, NULL) != SQLITE_OK)
        return obs_err_set(err, OBS_EDB, "reading the function detail: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(*s, 1, fn, -1, SQLITE_STATIC);
    sqlite3_bind_int64(*s, 2, w->since_ms);
    sqlite3_bind_int64(*s, 3, w->until_ms);
    return 0;
}

static void copy_col(sqlite3_stmt *s, int i, char *out, size_t n)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    snprintf(out, n, "%s", t ? t : "");
}

/* ---- histogram ------------------------------------------------------------ */

typedef struct hist_ctx {
    hist_bin_t *bins;
    int n, logscale;
} hist_ctx_t;

static void hist_add(void *ctx, double v, uint64_t count)
{
    hist_ctx_t *h = ctx;
    double lo = h->bins[0].lo, hi = h->bins[h->n - 1].hi;
    double f = h->logscale ? (log(v) - log(lo)) / (log(hi) - log(lo)) : (v - lo) / (hi - lo);
    int i = (int)(f * h->n);
    i = i < 0 ? 0 : i >= h->n ? h->n - 1 : i;
    h->bins[i].count += (int64_t)count;
}

static void load_histogram(sqlite3 *db, const model_window_t *w, const char *fn, detail_t *d)
{
    sqlite3_stmt *s;
    sketch_t sk;
    sketch_init(&sk);
    if (prep(db, SQL_DURATION_SKETCHES, fn, w, &s, NULL) == 0) {
        while (sqlite3_step(s) == SQLITE_ROW)
            sketch_merge_blob(&sk, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
        sqlite3_finalize(s);
    }
    if (sketch_count(&sk) > 0) {
        double lo = sketch_quantile(&sk, 0), hi = sketch_quantile(&sk, 1);
        lo = lo > 0 ? lo * 0.99 : 0;   /* bucket values are within 1% */
        hi = hi * 1.01 + 1e-9;
        hist_ctx_t h = { d->hist, DETAIL_HIST_BINS, lo > 0 && hi / lo > 20 };
        d->nhist = DETAIL_HIST_BINS;
        for (int i = 0; i < d->nhist; i++) {
            double a = (double)i / d->nhist, b = (double)(i + 1) / d->nhist;
            d->hist[i].lo = h.logscale ? lo * pow(hi / lo, a) : lo + (hi - lo) * a;
            d->hist[i].hi = h.logscale ? lo * pow(hi / lo, b) : lo + (hi - lo) * b;
            d->hist[i].count = 0;
        }
        sketch_each(&sk, hist_add, &h);
    }
    sketch_done(&sk);
}

/* ---- error groups ------------------------------------------------------- */

/* obs_error_key(message, json_at): normalize_error_key() as SQL. */
static void sql_error_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    char key[160];
    (void)argc;
    const char *m = (const char *)sqlite3_value_text(argv[0]);
    if (!m) {
        sqlite3_result_null(ctx);
        return;
    }
    long long at = sqlite3_value_type(argv[1]) == SQLITE_NULL ? -1 : sqlite3_value_int64(argv[1]);
    size_t n = normalize_error_key(m, (size_t)sqlite3_value_bytes(argv[0]), at, key, sizeof key);
    sqlite3_result_text(ctx, key, (int)n, SQLITE_TRANSIENT);
}

static int load_errors(sqlite3 *db, const model_window_t *w, const char *fn, detail_t *d,
                       obs_err_t *err)
{
    sqlite3_stmt *s;
    if (sqlite3_create_function(db, "obs_error_key", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                sql_error_key, NULL, NULL) != SQLITE_OK)
        return obs_err_set(err, OBS_EDB, "registering obs_error_key: %s", sqlite3_errmsg(db));
    if (prep(db, SQL_ERROR_GROUPS, fn, w, &s, err))
        return OBS_EDB;
    while (d->nerrors < DETAIL_MAX_ROWS && sqlite3_step(s) == SQLITE_ROW) {
        error_group_t *g = &d->errors[d->nerrors++];
        copy_col(s, 0, g->key, sizeof g->key);
        g->count = sqlite3_column_int64(s, 1);
        g->last_ts = sqlite3_column_int64(s, 2);
        copy_col(s, 3, g->sample, sizeof g->sample);
    }
    sqlite3_finalize(s);
    return 0;
}

/* ---- memory sizes and the hint -------------------------------------------- */

static double cost_per_million(int64_t mem_size, double avg_billed_ms, const model_prices_t *p)
{
    double gb = (double)mem_size / 1e6 / 1024.0;
    return (avg_billed_ms / 1000.0 * gb * p->gb_second + p->request) * 1e6;
}

static int load_mem_sizes(sqlite3 *db, const model_window_t *w, const model_prices_t *p,
                          const char *fn, detail_t *d, obs_err_t *err)
{
    sqlite3_stmt *s;
    /* one size in the window (the usual case): its row is the rollups' */
    int64_t sizes = 2;
    if (prep(db, SQL_MEM_SIZE_COUNT, fn, w, &s, err))
        return OBS_EDB;
    if (sqlite3_step(s) == SQLITE_ROW)
        sizes = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    const fn_row_t *r = &d->row;
    if (sizes == 1 && r->mem_size > 0 && r->invocations > 0) {
        mem_size_row_t *m = &d->mem[d->nmem++];
        m->mem_size = r->mem_size;
        m->invocations = r->invocations;
        m->mem_max = r->mem_max;
        m->avg_ms = r->duration_sum / (double)r->invocations;
        m->avg_billed_ms = r->billed_sum / (double)r->invocations;
        m->p95_ms = r->p95;
        m->cost_per_million = cost_per_million(m->mem_size, m->avg_billed_ms, p);
        return 0;
    }
    if (prep(db, SQL_MEM_SIZES, fn, w, &s, err))
        return OBS_EDB;
    while (d->nmem < DETAIL_MAX_ROWS && sqlite3_step(s) == SQLITE_ROW) {
        mem_size_row_t *m = &d->mem[d->nmem++];
        m->mem_size = sqlite3_column_int64(s, 0);
        m->invocations = sqlite3_column_int64(s, 1);
        m->avg_ms = sqlite3_column_double(s, 2);
        m->avg_billed_ms = sqlite3_column_double(s, 3);
        m->mem_max = sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 4);
        sketch_t sk;
        sketch_init(&sk);
        if (sqlite3_column_type(s, 5) == SQLITE_BLOB)
            sketch_merge_blob(&sk, sqlite3_column_blob(s, 5), (size_t)sqlite3_column_bytes(s, 5));
        m->p95_ms = sketch_count(&sk) ? sketch_quantile(&sk, 0.95) : NAN;
        sketch_done(&sk);
        m->cost_per_million = cost_per_million(m->mem_size, m->avg_billed_ms, p);
    }
    sqlite3_finalize(s);
    return 0;
}

/* The right-sizing rule (docs/dashboard.md): at >= 90% of the memory size
 * the function is close to out-of-memory; under 50% (and above 128 MB) a
 * size of 1.5x the maximum used, rounded up to 64 MB, would do, and the
 * cost of memory falls in proportion if durations hold. */
static void memory_hint(const fn_row_t *r, const model_prices_t *p, char *out, size_t n)
{
    out[0] = '\0';
    if (r->emulated > 0 && r->mem_max < 0) {
        snprintf(out, n, "%lld invocations ran under an emulator (sam local, the RIE, serverless-offline): "
                 "their memory is not Lambda's, so no memory figure or hint for them",
                 (long long)r->emulated);
        return;
    }
    if (r->mem_size <= 0 || r->mem_max < 0)
        return;
    double used = (double)r->mem_max / (double)r->mem_size;
    long long size_mb = (long long)(r->mem_size / 1000000), max_mb = (long long)(r->mem_max / 1000000);
    if (used >= 0.9) {
        snprintf(out, n, "max memory used %lld of %lld MB (%.0f%%): close to the limit%s; raise the memory size",
                 max_mb, size_mb, used * 100, r->oom ? ", out-of-memory kills seen" : "");
        return;
    }
    long long suggest = (long long)ceil(max_mb * 1.5 / 64.0) * 64;
    if (suggest < 128)
        suggest = 128;
    if (used < 0.5 && suggest < size_mb) {
        double memory_cost = r->gb_seconds * p->gb_second;
        snprintf(out, n, "max memory used %lld of %lld MB (%.0f%%): %lld MB would do; "
                 "saves ~$%.4f of $%.4f in this window if durations hold (measure: less memory is less CPU)",
                 max_mb, size_mb, used * 100, suggest, memory_cost * (1 - (double)suggest / (double)size_mb),
                 memory_cost);
        return;
    }
    snprintf(out, n, "max memory used %lld of %lld MB (%.0f%%): the size fits", max_mb, size_mb, used * 100);
}

/* ---- load --------------------------------------------------------------- */

int model_detail_load(sqlite3 *db, const model_window_t *w, const model_prices_t *prices,
                      const char *fn, detail_t *d, obs_err_t *err)
{
    overview_t o;
    sqlite3_stmt *s;
    memset(d, 0, sizeof *d);
    snprintf(d->row.name, sizeof d->row.name, "%s", fn);
    d->row.p50 = d->row.p95 = d->row.p99 = d->row.init_avg = d->row.init_p99 = NAN;
    d->row.mem_max = d->row.mem_size = -1;
    if (model_overview_load(db, "", w, prices, &o, err))
        return OBS_EDB;
    for (int i = 0; i < o.n; i++)
        if (strcmp(o.rows[i].name, fn) == 0)
            d->row = o.rows[i];
    model_overview_free(&o);
    if (model_series_load(db, w, fn, &d->series, err))
        return OBS_EDB;
    load_histogram(db, w, fn, d);

    if (prep(db, SQL_COLD_GROUPS, fn, w, &s, err))
        goto fail;
    while (d->ncold < DETAIL_MAX_ROWS && sqlite3_step(s) == SQLITE_ROW) {
        cold_group_t *c = &d->cold[d->ncold++];
        copy_col(s, 0, c->runtime, sizeof c->runtime);
        c->mem_size = sqlite3_column_int64(s, 1);
        c->count = sqlite3_column_int64(s, 2);
        c->init_avg = sqlite3_column_type(s, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 3);
        c->init_max = sqlite3_column_type(s, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 4);
    }
    sqlite3_finalize(s);

    if (load_errors(db, w, fn, d, err))
        goto fail;

    if (prep(db, SQL_FAILURES, fn, w, &s, err))
        goto fail;
    while (d->nfailures < DETAIL_MAX_ROWS && sqlite3_step(s) == SQLITE_ROW) {
        failure_t *f = &d->failures[d->nfailures++];
        f->ts = sqlite3_column_int64(s, 0);
        copy_col(s, 1, f->request_id, sizeof f->request_id);
        copy_col(s, 2, f->outcome, sizeof f->outcome);
        copy_col(s, 3, f->error_type, sizeof f->error_type);
        f->duration = sqlite3_column_type(s, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 4);
    }
    sqlite3_finalize(s);

    if (load_mem_sizes(db, w, prices, fn, d, err))
        goto fail;
    memory_hint(&d->row, prices, d->hint, sizeof d->hint);
    return 0;
fail:
    model_detail_free(d);
    return OBS_EDB;
}

void model_detail_free(detail_t *d)
{
    model_series_free(&d->series);
}
