/* query/report/report_model.c — a report's figures: for the range (and the
 * baseline's), the functions that have rows in it, their counts from the
 * per-minute rollups (the same numbers obsq summary and obstop show for
 * the same words), their cost, and what the invocations' spans say
 * (report_series.c) and their memory table (report_power.c). */
#include "query/report/report_int.h"
#include "common/xalloc.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define SQL_ROLLUP_ROWS \
"SELECT function, minute, invocations, errors + timeouts + crashes + oom, timeouts, crashes + oom,\n" \
"  throttle_signals, gb_seconds FROM rollup_minute WHERE minute >= ?1 AND minute < ?2\n" \
"ORDER BY function, minute"
/* Sub-minute buckets: each throttle signal at its line's time. */
#define SQL_SIGNALS \
"SELECT e.ts, s.function FROM events e JOIN streams s ON s.id = e.stream_id\n" \
"WHERE e.ts >= ?1 AND e.ts < ?2 AND e.throttle IS NOT NULL"

int64_t report_bucket_for(int64_t span_ms)
{
    static const int64_t steps[] = { 1000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000,
                                     900000, 1800000, 3600000, 7200000, 10800000, 21600000, 43200000,
                                     86400000 };
    for (size_t i = 0; i < OBS_ARRAY_LEN(steps); i++)
        if (span_ms <= steps[i] * REPORT_MAX_BUCKETS)
            return steps[i];
    int64_t days = (span_ms / REPORT_MAX_BUCKETS + 86399999) / 86400000;
    return days * 86400000;
}

static int selected(const report_opts_t *o, const char *fn)
{
    if (o->nfunctions <= 0)
        return 1;
    for (int i = 0; i < o->nfunctions; i++)
        if (strcmp(o->functions[i], fn) == 0)
            return 1;
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const report_fig_t *)a)->name, ((const report_fig_t *)b)->name);
}

static int find_fn(const report_period_t *p, const char *name)
{
    int lo = 0, hi = p->nfns;
    while (lo < hi) {
        int mid = (lo + hi) / 2, c = strcmp(p->fns[mid].name, name);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void add_fn(report_period_t *p, const char *name)
{
    for (int i = 0; i < p->nfns; i++)
        if (strcmp(p->fns[i].name, name) == 0)
            return;
    p->fns = xrealloc(p->fns, (size_t)(p->nfns + 1) * sizeof *p->fns);
    report_fig_t *f = &p->fns[p->nfns++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
}

/* The rollup rows of the range; the functions that have one are added. */
static int read_rollups(store_t *st, const report_opts_t *o, report_period_t *p, report_rollup_row_t **rows_out,
                        size_t *n_out, char ***names_out)
{
    sqlite3_stmt *s;
    size_t n = 0, cap = 256;
    report_rollup_row_t *rows = xmalloc(cap * sizeof *rows);
    char **names = xmalloc(cap * sizeof *names);
    if (sqlite3_prepare_v2(store_db(st), SQL_ROLLUP_ROWS, -1, &s, NULL) != SQLITE_OK) {
        free(rows);
        free(names);
        return -1;
    }
    sqlite3_bind_int64(s, 1, p->since);
    sqlite3_bind_int64(s, 2, p->until);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *fn = (const char *)sqlite3_column_text(s, 0);
        if (!fn || !selected(o, fn))
            continue;
        if (n == cap) {
            cap *= 2;
            rows = xrealloc(rows, cap * sizeof *rows);
            names = xrealloc(names, cap * sizeof *names);
        }
        if (!n || strcmp(names[n - 1], fn) != 0) {
            add_fn(p, fn);
            names[n] = xstrdup(fn);
        } else {
            names[n] = names[n - 1];
        }
        report_rollup_row_t *r = &rows[n++];
        r->fn = -1;
        r->minute = sqlite3_column_int64(s, 1);
        r->invocations = sqlite3_column_int64(s, 2);
        r->errors = sqlite3_column_int64(s, 3);
        r->timeouts = sqlite3_column_int64(s, 4);
        r->crashes = sqlite3_column_int64(s, 5);
        r->throttles = sqlite3_column_int64(s, 6);
        r->gb_seconds = sqlite3_column_double(s, 7);
    }
    sqlite3_finalize(s);
    *rows_out = rows;
    *n_out = n;
    *names_out = names;
    return rc == SQLITE_DONE ? 0 : -1;
}

static int read_signals(store_t *st, const report_opts_t *o, const report_period_t *p, report_signal_t **out,
                        size_t *n_out)
{
    sqlite3_stmt *s;
    size_t n = 0, cap = 64;
    *out = xmalloc(cap * sizeof **out);
    if (sqlite3_prepare_v2(store_db(st), SQL_SIGNALS, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, p->since);
    sqlite3_bind_int64(s, 2, p->until);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *fn = (const char *)sqlite3_column_text(s, 1);
        int f = fn && selected(o, fn) ? find_fn(p, fn) : -1;
        if (f < 0)
            continue;
        if (n == cap) {
            cap *= 2;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[n].ts = sqlite3_column_int64(s, 0);
        (*out)[n++].fn = f;
    }
    sqlite3_finalize(s);
    *n_out = n;
    return rc == SQLITE_DONE ? 0 : -1;
}

static void add_counts(report_fig_t *f, const report_rollup_row_t *r)
{
    f->invocations += r->invocations;
    f->errors += r->errors;
    f->timeouts += r->timeouts;
    f->crashes += r->crashes;
    f->throttles += r->throttles;
    f->gb_seconds += r->gb_seconds;
}

static void money(report_fig_t *f, const report_opts_t *o, double secs)
{
    f->cost = f->gb_seconds * o->price_gb_s + (double)f->invocations * o->price_request;
    f->cost_per_million = f->invocations > 0 ? f->cost / (double)f->invocations * 1e6 : NAN;
    f->rate_avg = (double)f->invocations / secs;
}

static int build_period(store_t *st, const report_opts_t *o, int64_t since, int64_t until, report_period_t *p,
                        obs_err_t *err)
{
    report_rollup_row_t *rows = NULL;
    report_signal_t *sig = NULL;
    char **names = NULL;
    size_t nrows = 0, nsig = 0;
    int *fn_of = NULL, rc = 0;
    store_spans_t sp;
    memset(&sp, 0, sizeof sp);
    memset(p, 0, sizeof *p);
    p->since = since;
    p->until = until;
    p->bucket_ms = report_bucket_for(until - since);
    p->nbuckets = (int)((until - since + p->bucket_ms - 1) / p->bucket_ms);
    snprintf(p->all.name, sizeof p->all.name, "all functions");

    store_spans_query_t q = { since, until, o->functions, o->nfunctions, o->now };
    if ((rc = store_spans_read(st, &q, &sp, err)))
        goto out;
    if (read_rollups(st, o, p, &rows, &nrows, &names)) {
        rc = obs_err_set(err, OBS_EDB, "reading the rollups: %s", sqlite3_errmsg(store_db(st)));
        goto out;
    }
    for (int i = 0; i < sp.nfunctions; i++)
        add_fn(p, sp.functions[i]);
    qsort(p->fns, (size_t)p->nfns, sizeof *p->fns, cmp_name);
    for (size_t i = 0; i < nrows; i++)
        rows[i].fn = find_fn(p, names[i]);
    fn_of = xmalloc((size_t)(sp.nfunctions ? sp.nfunctions : 1) * sizeof *fn_of);
    for (int i = 0; i < sp.nfunctions; i++)
        fn_of[i] = find_fn(p, sp.functions[i]);
    if (p->bucket_ms % 60000 && read_signals(st, o, p, &sig, &nsig)) {
        rc = obs_err_set(err, OBS_EDB, "reading the throttle signals: %s", sqlite3_errmsg(store_db(st)));
        goto out;
    }

    double secs = (double)(until - since) / 1000.0;
    for (size_t i = 0; i < nrows; i++) {
        add_counts(&p->fns[rows[i].fn], &rows[i]);
        add_counts(&p->all, &rows[i]);
    }
    for (int f = 0; f < p->nfns; f++) {
        p->fns[f].limit = limits_of(&o->limits, p->fns[f].name, &p->fns[f].limit_own);
        money(&p->fns[f], o, secs);
    }
    p->all.limit = o->limits.account;
    p->all.limit_own = 1;
    money(&p->all, o, secs);
    report__series(p, &sp, fn_of, rows, nrows, sig, nsig);
    p->power = xcalloc((size_t)(p->nfns ? p->nfns : 1), sizeof *p->power);
    for (int i = 0; i < sp.nfunctions; i++)
        report__power(&p->power[fn_of[i]], &sp, i, since, until, o->price_gb_s, o->price_request);
out:
    for (size_t i = 0; i < nrows; i++)
        if (!i || names[i] != names[i - 1])
            free(names[i]);
    free(names);
    free(rows);
    free(sig);
    free(fn_of);
    store_spans_free(&sp);
    return rc;
}

static void period_free(report_period_t *p)
{
    for (int f = 0; f < p->nfns; f++) {
        if (p->fn_series)
            free(p->fn_series[f]);
        if (p->power)
            report__power_free(&p->power[f]);
    }
    free(p->fn_series);
    free(p->all_series);
    free(p->power);
    free(p->fns);
    memset(p, 0, sizeof *p);
}

int report_build(store_t *st, const report_opts_t *opts, report_t *out, obs_err_t *err)
{
    memset(out, 0, sizeof *out);
    out->opts = *opts;
    /* one snapshot for every read */
    sqlite3 *db = store_db(st);
    int txn = sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    int rc = build_period(st, opts, opts->since, opts->until, &out->cur, err);
    if (!rc && opts->base_since >= 0) {
        rc = build_period(st, opts, opts->base_since, opts->base_until, &out->base, err);
        out->has_base = rc == 0;
    }
    if (txn)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc)
        report_free(out);
    return rc;
}

void report_free(report_t *r)
{
    period_free(&r->cur);
    period_free(&r->base);
    r->has_base = 0;
}
