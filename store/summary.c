/* store/summary.c — read helper: one summary row per function. Counts come
 * from rollup_minute (O(minutes)); duration percentiles from the
 * invocations of that function (nearest-rank, as CloudWatch's pct()). */
#include "store/store_int.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQL_SUMMARY_COUNTS \
"SELECT function, sum(events), sum(invocations), sum(errors), sum(timeouts),\n" \
"  sum(crashes), sum(oom), sum(cold_starts), sum(throttle_signals), sum(error_lines),\n" \
"  max(duration_max), sum(init_sum), max(max_memory_used), max(memory_size),\n" \
"  sum(gb_seconds), min(minute), max(minute), sum(emulated), sum(evicted)\n" \
"FROM rollup_minute WHERE minute >= ?1 AND minute < ?2\n" \
"GROUP BY function ORDER BY function"
/* an invocation is in the minutes of its end (its start when it has none),
 * as the rollups count it */
#define IN_RANGE \
"\n  AND (?3 IS NULL OR coalesce(end_ts, start_ts) >= ?3)" \
"\n  AND (?4 IS NULL OR coalesce(end_ts, start_ts) < ?4)"
#define SQL_SUMMARY_INIT_COUNT \
"SELECT count(init_duration) FROM invocations_v WHERE function = ?1" IN_RANGE
#define SQL_SUMMARY_DURATIONS \
"SELECT duration FROM invocations_v WHERE function = ?1 AND duration IS NOT NULL" IN_RANGE "\n" \
"ORDER BY duration LIMIT 1 OFFSET ?2"
#define SQL_SUMMARY_NDUR \
"SELECT count(duration) FROM invocations_v WHERE function = ?1" IN_RANGE

typedef struct range {
    int64_t since, until;     /* [since, until), whole minutes */
} range_t;

static int64_t scalar(sqlite3 *db, const char *sql, const char *fn, int64_t arg, const range_t *r,
                      double *dout)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, fn, -1, SQLITE_STATIC);
    if (arg >= 0)
        sqlite3_bind_int64(s, 2, arg);
    if (r->since != INT64_MIN)   /* an open range keeps invocations without a time */
        sqlite3_bind_int64(s, 3, r->since);
    if (r->until != INT64_MAX)
        sqlite3_bind_int64(s, 4, r->until);
    if (sqlite3_step(s) == SQLITE_ROW) {
        v = sqlite3_column_int64(s, 0);
        if (dout)
            *dout = sqlite3_column_double(s, 0);
    }
    sqlite3_finalize(s);
    return v;
}

/* Nearest-rank percentile: the value at rank ceil(p/100 * n). */
static double percentile(sqlite3 *db, const char *fn, int64_t n, double p, const range_t *r)
{
    double v = NAN;
    if (n <= 0)
        return NAN;
    int64_t rank = (int64_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    scalar(db, SQL_SUMMARY_DURATIONS, fn, rank - 1, r, &v);
    return v;
}

static double col_real(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static int64_t col_int(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, i);
}

static int selected(const store_summary_filter_t *f, const char *fn)
{
    if (!f || f->nfunctions <= 0)
        return 1;
    for (int i = 0; i < f->nfunctions; i++)
        if (strcmp(f->functions[i], fn) == 0)
            return 1;
    return 0;
}

int store_summary(store_t *st, const store_summary_filter_t *f, store_fn_summary_t **out, int *n,
                  obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    sqlite3_stmt *s;
    int cap = 8, cnt = 0, rc;
    store_fn_summary_t *rows = xcalloc((size_t)cap, sizeof *rows);
    /* the minutes that hold since and until: the range in whole minutes */
    range_t span = { INT64_MIN, INT64_MAX };
    if (f && f->since_ms >= 0)
        span.since = f->since_ms - f->since_ms % 60000;
    if (f && f->until_ms >= 0)
        span.until = f->until_ms - f->until_ms % 60000 + (f->until_ms % 60000 ? 60000 : 0);

    if (sqlite3_prepare_v2(st->db, SQL_SUMMARY_COUNTS, -1, &s, NULL) != SQLITE_OK) {
        free(rows);
        return store__dberr(st, err, "reading the summary");
    }
    sqlite3_bind_int64(s, 1, span.since);
    sqlite3_bind_int64(s, 2, span.until);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (!selected(f, name ? name : ""))
            continue;
        if (cnt == cap) {
            cap *= 2;
            rows = xrealloc(rows, (size_t)cap * sizeof *rows);
        }
        store_fn_summary_t *r = &rows[cnt++];
        memset(r, 0, sizeof *r);
        const char *fn = (const char *)sqlite3_column_text(s, 0);
        snprintf(r->function, sizeof r->function, "%s", fn ? fn : "");
        r->events = sqlite3_column_int64(s, 1);
        r->invocations = sqlite3_column_int64(s, 2);
        r->errors = sqlite3_column_int64(s, 3);
        r->timeouts = sqlite3_column_int64(s, 4);
        r->crashes = sqlite3_column_int64(s, 5);
        r->oom = sqlite3_column_int64(s, 6);
        r->cold_starts = sqlite3_column_int64(s, 7);
        r->throttle_signals = sqlite3_column_int64(s, 8);
        r->error_lines = sqlite3_column_int64(s, 9);
        r->max_ms = col_real(s, 10);
        double init_sum = sqlite3_column_double(s, 11);
        r->max_memory_used = col_int(s, 12);
        r->memory_size = col_int(s, 13);
        r->gb_seconds = sqlite3_column_double(s, 14);
        r->first_ts = sqlite3_column_int64(s, 15);
        r->last_ts = sqlite3_column_int64(s, 16) + 60000;
        r->emulated = sqlite3_column_int64(s, 17);
        r->evicted = sqlite3_column_int64(s, 18);

        int64_t ninit = scalar(st->db, SQL_SUMMARY_INIT_COUNT, r->function, -1, &span, NULL);
        r->avg_init_ms = ninit > 0 ? init_sum / (double)ninit : NAN;
        int64_t ndur = scalar(st->db, SQL_SUMMARY_NDUR, r->function, -1, &span, NULL);
        r->p50_ms = percentile(st->db, r->function, ndur, 50, &span);
        r->p99_ms = percentile(st->db, r->function, ndur, 99, &span);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        free(rows);
        return store__dberr(st, err, "reading the summary");
    }
    *out = rows;
    *n = cnt;
    return 0;
}
