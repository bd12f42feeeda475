/* tui/model_overview.c — the overview model: the window, one row per
 * function with a totals row, the header's facts (store size, agent state)
 * and the per-minute series. Reads rollup_minute only (percentiles by
 * merging sketches), never the events: per function, the window's whole
 * hours from rollup_hour and its edge minutes from rollup_minute, each a
 * primary-key range. */
#include "tui/model.h"
#include "common/obs.h"
#include "common/sketch.h"
#include "common/xalloc.h"
#include "store/agent_state.h"
#include "common/timesane.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The data's sane extent (common/timesane.h): an event in year 0000 or
 * 9999 must not stretch the "all" window over millennia of minutes. */
#define SQL_DATA_SPAN \
"SELECT (SELECT ts FROM events WHERE ts >= ?1 ORDER BY ts LIMIT 1),\n" \
"  (SELECT ts FROM events WHERE ts <= ?2 ORDER BY ts DESC LIMIT 1)"
/* The functions: a skip-scan of rollup_minute's primary key (function,
 * minute), one seek per function (DISTINCT would read every row, and
 * streams has one row per cold start). Each function's window is then
 * aggregated by SQLite, sketches merged by obs_sketch_sum()
 * (store/sketch_sql.c). */
#define SQL_FUNCTIONS \
"WITH RECURSIVE f(name) AS (SELECT min(function) FROM rollup_minute\n" \
"  UNION ALL SELECT (SELECT min(function) FROM rollup_minute WHERE function > name)\n" \
"  FROM f WHERE name IS NOT NULL)\n" \
"SELECT name FROM f WHERE name IS NOT NULL"
/* A window is its whole hours from rollup_hour and the minutes at its two
 * edges from rollup_minute: ?2..?4 and ?5..?3 in minutes, ?4..?5 in hours. */
#define OVERVIEW_COLS \
"events, invocations, errors, timeouts, crashes, oom, throttle_signals, cold_starts,\n" \
"  max_memory_used, gb_seconds, duration_sketch, init_sketch, init_sum, duration_sum, billed_sum, emulated"
#define SQL_OVERVIEW \
"SELECT count(*), sum(events), sum(invocations), sum(errors), sum(timeouts), sum(crashes), sum(oom),\n" \
"  sum(throttle_signals), sum(cold_starts), max(max_memory_used), sum(gb_seconds),\n" \
"  obs_sketch_sum(duration_sketch), obs_sketch_sum(init_sketch), sum(init_sum),\n" \
"  sum(duration_sum), sum(billed_sum), sum(emulated) FROM (\n" \
"  SELECT " OVERVIEW_COLS " FROM rollup_minute WHERE function = ?1 AND minute >= ?2 AND minute < ?4\n" \
"  UNION ALL\n" \
"  SELECT " OVERVIEW_COLS " FROM rollup_hour WHERE function = ?1 AND hour >= ?4 AND hour < ?5\n" \
"  UNION ALL\n" \
"  SELECT " OVERVIEW_COLS " FROM rollup_minute WHERE function = ?1 AND minute >= ?5 AND minute < ?3)"
#define SQL_MEMORY_SIZE \
"SELECT memory_size FROM rollup_minute WHERE function = ?1 AND minute >= ?2 AND minute < ?3\n" \
"  AND memory_size IS NOT NULL ORDER BY minute DESC LIMIT 1"
/* Summed per minute in C (no GROUP BY: its sort cost more than the scan);
 * all functions from the covering index rollup_minute_series, one from its
 * primary-key range. */
#define SERIES_COLS "minute, invocations, errors + timeouts + crashes + oom, cold_starts, throttle_signals"
#define SQL_SERIES_ALL "SELECT " SERIES_COLS " FROM rollup_minute WHERE minute >= ?1 AND minute < ?2"
#define SQL_SERIES_FN \
"SELECT " SERIES_COLS " FROM rollup_minute WHERE function = ?3 AND minute >= ?1 AND minute < ?2"
#define SQL_LAST_EVENT "SELECT id, ingest_ts FROM events ORDER BY id DESC LIMIT 1"
/* the files the agent read last: one stat() each */

#define SQL_SOURCES \
"SELECT path, dev, ino, offset, updated_ts FROM sources ORDER BY updated_ts DESC LIMIT 1000"

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
    sqlite3_bind_int64(s, 1, OBS_TIME_SANE_MIN_MS);
    sqlite3_bind_int64(s, 2, now_ms + OBS_TIME_AHEAD_MAX_MS);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL &&
        sqlite3_column_type(s, 1) != SQLITE_NULL) {
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

static void row_init(fn_row_t *r, const char *name)
{
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->mem_max = r->mem_size = -1;
    r->p50 = r->p95 = r->p99 = r->init_avg = r->init_p99 = NAN;
}

/* Decode the sketch in column col into *sk (empty when NULL or corrupt). */
static void col_sketch(sqlite3_stmt *s, int col, sketch_t *sk)
{
    sketch_init(sk);
    if (sqlite3_column_type(s, col) == SQLITE_BLOB)
        sketch_merge_blob(sk, sqlite3_column_blob(s, col), (size_t)sqlite3_column_bytes(s, col));
}

static void percentiles(fn_row_t *r, const sketch_t *dur, const sketch_t *init, double init_sum)
{
    uint64_t nd = sketch_count(dur), ni = sketch_count(init);
    r->p50 = nd ? sketch_quantile(dur, 0.50) : NAN;
    r->p95 = nd ? sketch_quantile(dur, 0.95) : NAN;
    r->p99 = nd ? sketch_quantile(dur, 0.99) : NAN;
    r->init_avg = ni ? init_sum / (double)ni : NAN;
    r->init_p99 = ni ? sketch_quantile(init, 0.99) : NAN;
}

/* One function's row over the window; 0 when it has no minute in it. */
static int load_row(sqlite3_stmt *agg, sqlite3_stmt *mem, fn_row_t *r, sketch_t *all_dur,
                    sketch_t *all_init, double *all_init_sum)
{
    if (sqlite3_step(agg) != SQLITE_ROW || sqlite3_column_int64(agg, 0) == 0)
        return 0;
    r->events = sqlite3_column_int64(agg, 1);
    r->invocations = sqlite3_column_int64(agg, 2);
    r->errors = sqlite3_column_int64(agg, 3);
    r->timeouts = sqlite3_column_int64(agg, 4);
    r->crashes = sqlite3_column_int64(agg, 5);
    r->oom = sqlite3_column_int64(agg, 6);
    r->throttles = sqlite3_column_int64(agg, 7);
    r->cold = sqlite3_column_int64(agg, 8);
    if (sqlite3_column_type(agg, 9) != SQLITE_NULL)
        r->mem_max = sqlite3_column_int64(agg, 9);
    r->gb_seconds = sqlite3_column_double(agg, 10);
    sketch_t dur, init;
    col_sketch(agg, 11, &dur);
    col_sketch(agg, 12, &init);
    double init_sum = sqlite3_column_double(agg, 13);
    r->duration_sum = sqlite3_column_double(agg, 14);
    r->billed_sum = sqlite3_column_double(agg, 15);
    r->emulated = sqlite3_column_int64(agg, 16);
    percentiles(r, &dur, &init, init_sum);
    sketch_merge(all_dur, &dur);
    sketch_merge(all_init, &init);
    *all_init_sum += init_sum;
    sketch_done(&dur);
    sketch_done(&init);
    if (sqlite3_step(mem) == SQLITE_ROW)
        r->mem_size = sqlite3_column_int64(mem, 0);   /* the latest minute's size */
    return 1;
}

static void row_cost(fn_row_t *r, const model_prices_t *p)
{
    r->cost = r->gb_seconds * p->gb_second + (double)r->invocations * p->request;
}

/* The newest event, and with with_lag the bytes not read yet of the
 * 1,000 files the agent checkpointed last (one stat() each: the
 * caller decides how often). */
static void agent_state(sqlite3 *db, agent_state_t *a, overview_t *o, int with_lag)
{
    sqlite3_stmt *s;
    a->last_write_ms = -1;
    if (sqlite3_prepare_v2(db, SQL_LAST_EVENT, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW) {
            o->max_event_id = sqlite3_column_int64(s, 0);
            a->last_write_ms = sqlite3_column_int64(s, 1);
        }
        sqlite3_finalize(s);
    }
    if (!with_lag || sqlite3_prepare_v2(db, SQL_SOURCES, -1, &s, NULL) != SQLITE_OK)
        return;
    a->lag_bytes = 0;
    a->sources = a->sources_behind = 0;
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
    sqlite3_stmt *fns = NULL, *agg = NULL, *mem = NULL;
    int cap = 16, rc;
    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(db, SQL_FUNCTIONS, -1, &fns, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, SQL_OVERVIEW, -1, &agg, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, SQL_MEMORY_SIZE, -1, &mem, NULL) != SQLITE_OK) {
        rc = dberr(db, err, "reading the overview");
        sqlite3_finalize(fns);
        sqlite3_finalize(agg);
        return rc;
    }
    /* the whole hours inside the window: [h1, h2) (none: both at its end) */
    int64_t h1 = w->since_ms + (3600000 - ((w->since_ms % 3600000) + 3600000) % 3600000) % 3600000;
    int64_t h2 = w->until_ms - ((w->until_ms % 3600000) + 3600000) % 3600000;
    if (h1 >= h2)
        h1 = h2 = w->until_ms;
    sketch_t all_dur, all_init;
    double all_init_sum = 0;
    sketch_init(&all_dur);
    sketch_init(&all_init);
    out->rows = xcalloc((size_t)cap, sizeof *out->rows);
    row_init(&out->total, "total");
    while ((rc = sqlite3_step(fns)) == SQLITE_ROW) {
        const char *fn = (const char *)sqlite3_column_text(fns, 0);
        if (out->n == cap) {
            cap *= 2;
            out->rows = xrealloc(out->rows, (size_t)cap * sizeof *out->rows);
        }
        fn_row_t *r = &out->rows[out->n];
        row_init(r, fn ? fn : "");
        for (sqlite3_stmt *q = agg; q; q = q == agg ? mem : NULL) {
            sqlite3_reset(q);
            sqlite3_bind_text(q, 1, r->name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 2, w->since_ms);
            sqlite3_bind_int64(q, 3, w->until_ms);
        }
        sqlite3_bind_int64(agg, 4, h1);
        sqlite3_bind_int64(agg, 5, h2);
        out->n += load_row(agg, mem, r, &all_dur, &all_init, &all_init_sum);
    }
    sqlite3_finalize(fns);
    sqlite3_finalize(agg);
    sqlite3_finalize(mem);
    if (rc != SQLITE_DONE) {
        sketch_done(&all_dur);
        sketch_done(&all_init);
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
        t->emulated += f->emulated;
        t->gb_seconds += f->gb_seconds;
        t->cost += f->cost;
    }
    percentiles(t, &all_dur, &all_init, all_init_sum);   /* over every function's invocations */
    sketch_done(&all_dur);
    sketch_done(&all_init);
    (void)db_path;
    return 0;
}

/* The agent's own word on its state: its state file; a running state is
 * believed only while its pid lives. */
static void agent_file(const char *db_path, agent_state_t *a)
{
    agent_state_info_t info;
    a->running = a->paused = a->importing = 0;
    a->reason[0] = '\0';
    a->seen = AGENT_NEVER_SEEN;
    if (!db_path || !*db_path || agent_state_read(db_path, &info) != 0)
        return;
    a->pid = info.pid;
    a->since_ms = info.since_ms;
    if (strcmp(info.state, "stopped") == 0) {
        a->seen = AGENT_STOPPED;
        return;
    }
    if (info.pid <= 0 || (kill((pid_t)info.pid, 0) != 0 && errno != EPERM)) {
        a->seen = AGENT_GONE;   /* a file left by an agent that died */
        return;
    }
    a->seen = AGENT_ALIVE;
    a->running = 1;
    a->importing = strcmp(info.state, "importing") == 0;
    a->paused = strcmp(info.state, "paused") == 0;
    snprintf(a->reason, sizeof a->reason, "%.127s", info.reason);
    a->since_ms = info.since_ms;
}

void model_header_load(sqlite3 *db, const char *db_path, overview_t *o, int with_lag)
{
    o->store_bytes = file_size(db_path, "") + file_size(db_path, "-wal");
    agent_state(db, &o->agent, o, with_lag);
    agent_file(db_path, &o->agent);
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
    case FS_CONC: return (double)r->conc_peak;
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
    if (sqlite3_prepare_v2(db, function ? SQL_SERIES_FN : SQL_SERIES_ALL, -1, &s, NULL) != SQLITE_OK) {
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
        for (int k = 0; k < SK_CONC; k++)
            out->v[k][i] += sqlite3_column_double(s, k + 1);
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
