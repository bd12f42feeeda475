/* tui/model_overview.c — the overview model: the window, one row per
 * function with a totals row, the header's facts (store size, agent state)
 * and the per-minute series. Reads rollup_minute only (percentiles by
 * merging its per-minute sketches), never the events. */
#include "model.h"
#include "../common/obs.h"
#include "../common/sketch.h"
#include "../common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SQL_DATA_SPAN \
"SELECT (SELECT ts FROM events ORDER BY ts LIMIT 1), (SELECT ts FROM events ORDER BY ts DESC LIMIT 1)"
#define SQL_OVERVIEW \
"SELECT function, minute, events, invocations, errors, timeouts, crashes, oom,\n" \
"  throttle_signals, cold_starts, max_memory_used, memory_size, gb_seconds,\n" \
"  duration_sketch, init_sketch, init_sum\n" \
"FROM rollup_minute WHERE minute >= ?1 AND minute < ?2 ORDER BY function, minute"
#define SQL_SERIES \
"SELECT minute, sum(invocations), sum(errors + timeouts + crashes + oom), sum(cold_starts),\n" \
"  sum(throttle_signals) FROM rollup_minute\n" \
"WHERE minute >= ?1 AND minute < ?2 AND (?3 IS NULL OR function = ?3) GROUP BY minute"
#define SQL_LAST_EVENT "SELECT id, ingest_ts FROM events ORDER BY id DESC LIMIT 1"
#define SQL_SOURCES "SELECT path, dev, ino, offset, updated_ts FROM sources"

static int dberr(sqlite3 *db, obs_err_t *err, const char *what)
{
    return obs_err_set(err, OBS_EDB, "%s: %s", what, sqlite3_errmsg(db));
}

static int64_t floor_minute(int64_t ms)
{
    return ms - (((ms % 60000) + 60000) % 60000);
}

int model_window_resolve(sqlite3 *db, int64_t span_ms, int64_t now_ms, model_window_t *w,
                         obs_err_t *err)
{
    sqlite3_stmt *s;
    int64_t first = -1, last = -1;
    if (sqlite3_prepare_v2(db, SQL_DATA_SPAN, -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "reading the store's time span");
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        first = sqlite3_column_int64(s, 0);
        last = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);

    memset(w, 0, sizeof *w);
    w->span_ms = span_ms;
    int64_t end = floor_minute(now_ms) + 60000;
    if (last >= 0 && span_ms > 0 && last < end - span_ms) {
        end = floor_minute(last) + 60000;   /* an old store: show its last span */
        w->anchored_to_data = 1;
    }
    if (span_ms > 0) {
        w->since_ms = end - span_ms;
    } else {
        w->since_ms = first >= 0 ? floor_minute(first) : end - 60000;
        if (last >= 0 && floor_minute(last) + 60000 < end) {
            end = floor_minute(last) + 60000;
            w->anchored_to_data = 1;
        }
    }
    w->until_ms = end;
    return 0;
}

/* ---- overview rows ------------------------------------------------------ */

typedef struct acc {
    sketch_t dur, init;
    double init_sum;
} acc_t;

static void acc_reset(acc_t *a)
{
    sketch_done(&a->dur);
    sketch_done(&a->init);
    a->init_sum = 0;
}

/* Fill the row's percentiles from the accumulated sketches. */
static void acc_finish(acc_t *a, fn_row_t *r)
{
    uint64_t nd = sketch_count(&a->dur), ni = sketch_count(&a->init);
    r->p50 = nd ? sketch_quantile(&a->dur, 0.50) : NAN;
    r->p95 = nd ? sketch_quantile(&a->dur, 0.95) : NAN;
    r->p99 = nd ? sketch_quantile(&a->dur, 0.99) : NAN;
    r->init_avg = ni ? a->init_sum / (double)ni : NAN;
    r->init_p99 = ni ? sketch_quantile(&a->init, 0.99) : NAN;
}

static void merge_col(sqlite3_stmt *s, int col, sketch_t *a, sketch_t *b)
{
    if (sqlite3_column_type(s, col) != SQLITE_BLOB)
        return;
    const unsigned char *blob = sqlite3_column_blob(s, col);
    size_t len = (size_t)sqlite3_column_bytes(s, col);
    sketch_merge_blob(a, blob, len);   /* a corrupt blob leaves the sketch as it was */
    sketch_merge_blob(b, blob, len);
}

static void row_init(fn_row_t *r, const char *name)
{
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->mem_max = r->mem_size = -1;
    r->p50 = r->p95 = r->p99 = r->init_avg = r->init_p99 = NAN;
}

static void row_add(fn_row_t *r, sqlite3_stmt *s)
{
    r->events += sqlite3_column_int64(s, 2);
    r->invocations += sqlite3_column_int64(s, 3);
    r->errors += sqlite3_column_int64(s, 4);
    r->timeouts += sqlite3_column_int64(s, 5);
    r->crashes += sqlite3_column_int64(s, 6);
    r->oom += sqlite3_column_int64(s, 7);
    r->throttles += sqlite3_column_int64(s, 8);
    r->cold += sqlite3_column_int64(s, 9);
    if (sqlite3_column_type(s, 10) != SQLITE_NULL && sqlite3_column_int64(s, 10) > r->mem_max)
        r->mem_max = sqlite3_column_int64(s, 10);
    if (sqlite3_column_type(s, 11) != SQLITE_NULL)
        r->mem_size = sqlite3_column_int64(s, 11);   /* the latest minute's size */
    r->gb_seconds += sqlite3_column_double(s, 12);
    int64_t minute = sqlite3_column_int64(s, 1);
    if (minute + 60000 > r->last_ts)
        r->last_ts = minute + 60000;
}

static void row_cost(fn_row_t *r, const model_prices_t *p)
{
    r->cost = r->gb_seconds * p->gb_second + (double)r->invocations * p->request;
}

static void agent_state(sqlite3 *db, agent_state_t *a, overview_t *o)
{
    sqlite3_stmt *s;
    a->last_write_ms = a->lag_bytes = -1;
    if (sqlite3_prepare_v2(db, SQL_LAST_EVENT, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW) {
            o->max_event_id = sqlite3_column_int64(s, 0);
            a->last_write_ms = sqlite3_column_int64(s, 1);
        }
        sqlite3_finalize(s);
    }
    if (sqlite3_prepare_v2(db, SQL_SOURCES, -1, &s, NULL) != SQLITE_OK)
        return;
    a->lag_bytes = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(s, 0);
        struct stat sb;
        a->sources++;
        if (sqlite3_column_int64(s, 4) > a->last_write_ms)
            a->last_write_ms = sqlite3_column_int64(s, 4);
        /* a key that is not a path (stdin) or a file gone or replaced: no lag */
        if (!path || stat(path, &sb) != 0 || (int64_t)sb.st_dev != sqlite3_column_int64(s, 1) ||
            (int64_t)sb.st_ino != sqlite3_column_int64(s, 2))
            continue;
        int64_t behind = (int64_t)sb.st_size - sqlite3_column_int64(s, 3);
        if (behind > 0) {
            a->lag_bytes += behind;
            a->sources_behind++;
        }
    }
    sqlite3_finalize(s);
}

static int64_t file_size(const char *path, const char *suffix)
{
    char p[4096];
    struct stat sb;
    snprintf(p, sizeof p, "%s%s", path, suffix);
    return stat(p, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int model_overview_load(sqlite3 *db, const char *db_path, const model_window_t *w,
                        const model_prices_t *prices, overview_t *out, obs_err_t *err)
{
    sqlite3_stmt *s;
    acc_t cur, all;
    int cap = 16, rc;
    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(db, SQL_OVERVIEW, -1, &s, NULL) != SQLITE_OK)
        return dberr(db, err, "reading the overview");
    sqlite3_bind_int64(s, 1, w->since_ms);
    sqlite3_bind_int64(s, 2, w->until_ms);
    memset(&cur, 0, sizeof cur);
    memset(&all, 0, sizeof all);
    out->rows = xcalloc((size_t)cap, sizeof *out->rows);
    row_init(&out->total, "total");
    fn_row_t *r = NULL;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *fn = (const char *)sqlite3_column_text(s, 0);
        fn = fn ? fn : "";
        if (!r || strcmp(r->name, fn) != 0) {
            if (r) {
                acc_finish(&cur, r);
                acc_reset(&cur);
            }
            if (out->n == cap) {
                cap *= 2;
                out->rows = xrealloc(out->rows, (size_t)cap * sizeof *out->rows);
            }
            r = &out->rows[out->n++];
            row_init(r, fn);
        }
        row_add(r, s);
        merge_col(s, 13, &cur.dur, &all.dur);
        merge_col(s, 14, &cur.init, &all.init);
        cur.init_sum += sqlite3_column_double(s, 15);
        all.init_sum += sqlite3_column_double(s, 15);
    }
    sqlite3_finalize(s);
    if (r)
        acc_finish(&cur, r);
    acc_reset(&cur);
    if (rc != SQLITE_DONE) {
        acc_reset(&all);
        model_overview_free(out);
        return dberr(db, err, "reading the overview");
    }
    fn_row_t *t = &out->total;
    for (int i = 0; i < out->n; i++) {
        fn_row_t *f = &out->rows[i];
        row_cost(f, prices);
        t->events += f->events;
        t->invocations += f->invocations;
        t->errors += f->errors;
        t->timeouts += f->timeouts;
        t->crashes += f->crashes;
        t->oom += f->oom;
        t->throttles += f->throttles;
        t->cold += f->cold;
        t->gb_seconds += f->gb_seconds;
        t->cost += f->cost;
        if (f->last_ts > t->last_ts)
            t->last_ts = f->last_ts;
    }
    acc_finish(&all, t);   /* percentiles over every function's invocations */
    acc_reset(&all);
    out->store_bytes = file_size(db_path, "") + file_size(db_path, "-wal");
    agent_state(db, &out->agent, out);
    return 0;
}

void model_overview_free(overview_t *o)
{
    free(o->rows);
    o->rows = NULL;
    o->n = 0;
}

/* ---- sorting ------------------------------------------------------------ */

static double ratio(int64_t a, int64_t b)
{
    return b > 0 ? (double)a / (double)b : NAN;
}

int64_t fn_row_failures(const fn_row_t *r)
{
    return r->errors + r->timeouts + r->crashes + r->oom;
}

double fn_row_key(const fn_row_t *r, fn_sort_t key)
{
    switch (key) {
    case FS_INVOCATIONS: return (double)r->invocations;
    case FS_ERRORS: return (double)fn_row_failures(r);
    case FS_ERROR_PCT: return ratio(fn_row_failures(r), r->invocations);
    case FS_TIMEOUTS: return (double)r->timeouts;
    case FS_CRASHES: return (double)(r->crashes + r->oom);
    case FS_THROTTLES: return (double)r->throttles;
    case FS_COLD: return (double)r->cold;
    case FS_COLD_PCT: return ratio(r->cold, r->invocations);
    case FS_P50: return r->p50;
    case FS_P95: return r->p95;
    case FS_P99: return r->p99;
    case FS_INIT_AVG: return r->init_avg;
    case FS_INIT_P99: return r->init_p99;
    case FS_MEM_PCT: return r->mem_size > 0 && r->mem_max >= 0 ? ratio(r->mem_max, r->mem_size) : NAN;
    case FS_COST: return r->cost;
    default: return 0;
    }
}

static fn_sort_t sort_key;
static int sort_desc;

/* NAN (no data) sorts last either way; ties by name. */
static int cmp_rows(const void *pa, const void *pb)
{
    const fn_row_t *a = pa, *b = pb;
    if (sort_key != FS_NAME) {
        double x = fn_row_key(a, sort_key), y = fn_row_key(b, sort_key);
        if (isnan(x) != isnan(y))
            return isnan(x) ? 1 : -1;
        if (!isnan(x) && x != y)
            return (x < y) == !sort_desc ? -1 : 1;
    }
    int c = strcmp(a->name, b->name);
    return sort_key == FS_NAME && sort_desc ? -c : c;
}

void model_overview_sort(overview_t *o, fn_sort_t key, int descending)
{
    sort_key = key;
    sort_desc = descending;
    qsort(o->rows, (size_t)o->n, sizeof *o->rows, cmp_rows);
}

/* ---- per-minute series ---------------------------------------------------- */

int model_series_load(sqlite3 *db, const model_window_t *w, const char *function, series_t *out,
                      obs_err_t *err)
{
    sqlite3_stmt *s;
    memset(out, 0, sizeof *out);
    out->since_ms = w->since_ms;
    int64_t n = (w->until_ms - w->since_ms) / 60000;
    out->n = n < 1 ? 1 : n > 10 * 1440 * 366 ? 10 * 1440 * 366 : (int)n;
    for (int k = 0; k < SK__COUNT; k++)
        out->v[k] = xcalloc((size_t)out->n, sizeof(double));
    if (sqlite3_prepare_v2(db, SQL_SERIES, -1, &s, NULL) != SQLITE_OK) {
        model_series_free(out);
        return dberr(db, err, "reading the time series");
    }
    sqlite3_bind_int64(s, 1, w->since_ms);
    sqlite3_bind_int64(s, 2, w->until_ms);
    if (function)
        sqlite3_bind_text(s, 3, function, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t i = (sqlite3_column_int64(s, 0) - w->since_ms) / 60000;
        if (i < 0 || i >= out->n)
            continue;
        for (int k = 0; k < SK__COUNT; k++)
            out->v[k][i] = sqlite3_column_double(s, k + 1);
    }
    sqlite3_finalize(s);
    return 0;
}

void model_series_free(series_t *s)
{
    for (int k = 0; k < SK__COUNT; k++) {
        free(s->v[k]);
        s->v[k] = NULL;
    }
    s->n = 0;
}
