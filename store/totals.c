/* store/totals.c — read helper: every count since the store began, for the
 * Prometheus exposition (agent/prom/prom_http.c). Per function from
 * rollup_hour (one row per function and hour, the current hour included:
 * the writer upserts each minute into its hour too), with the hours'
 * duration sketches merged; per EMF series from metric_rollup_minute; and
 * agent_counters. One read transaction, so a scrape sees one snapshot.
 * Past max_series functions (EMF series), rows are counted, not kept: the
 * memory of a scrape follows the limit, not the store. */
#include "store/store_int.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define SQL_FN_TOTALS \
"SELECT function, events, error_lines, invocations, errors, timeouts, crashes, oom,\n" \
"  cold_starts, throttle_signals, emf_documents, emf_parsing_errors,\n" \
"  emf_validation_errors, duration_sum, billed_sum, init_sum, gb_seconds,\n" \
"  duration_sketch, init_sketch\n" \
"FROM rollup_hour ORDER BY function"
/* Summed by series_id first, in the table's key order (7x faster than
 * grouping the joined rows by the series' text identity); then series
 * that differ only in resolution are added together. */
#define SQL_METRIC_TOTALS \
"SELECT s.namespace, s.name, s.unit, s.dimensions, sum(r.c), sum(r.s)\n" \
"FROM (SELECT series_id, sum(count) AS c, sum(sum) AS s FROM metric_rollup_minute\n" \
"      GROUP BY series_id) r JOIN metric_series s ON s.id = r.series_id\n" \
"GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
#define SQL_COUNTERS \
"SELECT name, value FROM agent_counters ORDER BY name"

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return xstrdup(t ? (const char *)t : "");
}

/* Merge column i's sketch blob (NULL: none) into sk; -1 when corrupt. */
static int merge_col(sketch_t *sk, sqlite3_stmt *s, int i)
{
    const unsigned char *b = sqlite3_column_blob(s, i);
    return b ? sketch_merge_blob(sk, b, (size_t)sqlite3_column_bytes(s, i)) : 0;
}

static int read_functions(store_t *st, int max, store_totals_t *t)
{
    sqlite3_stmt *s;
    int cap = 0, rc;
    char *cut = NULL;         /* the last function left out */
    if (sqlite3_prepare_v2(st->db, SQL_FN_TOTALS, -1, &s, NULL) != SQLITE_OK)
        return SQLITE_ERROR;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *fn = (const char *)sqlite3_column_text(s, 0);
        store_fn_totals_t *f = t->nfns ? &t->fns[t->nfns - 1] : NULL;
        if (cut || (max && t->nfns == max && strcmp(f->function, fn ? fn : "") != 0)) {
            if (!cut || strcmp(cut, fn ? fn : "") != 0) {
                free(cut);
                cut = col_dup(s, 0);
                t->fns_cut++;
            }
            continue;
        }
        if (!f || strcmp(f->function, fn ? fn : "") != 0) {
            if (t->nfns == cap) {
                cap = cap ? cap * 2 : 16;
                t->fns = xrealloc(t->fns, (size_t)cap * sizeof *t->fns);
            }
            f = &t->fns[t->nfns++];
            memset(f, 0, sizeof *f);
            f->function = col_dup(s, 0);
            sketch_init(&f->duration);
            sketch_init(&f->init);
        }
        int64_t *n[] = { &f->events, &f->error_lines, &f->invocations, &f->errors, &f->timeouts,
                         &f->crashes, &f->oom, &f->cold_starts, &f->throttle_signals,
                         &f->emf_documents, &f->emf_parsing_errors, &f->emf_validation_errors };
        for (int i = 0; i < (int)(sizeof n / sizeof *n); i++)
            *n[i] += sqlite3_column_int64(s, 1 + i);
        f->duration_sum += sqlite3_column_double(s, 13);
        f->billed_sum += sqlite3_column_double(s, 14);
        f->init_sum += sqlite3_column_double(s, 15);
        f->gb_seconds += sqlite3_column_double(s, 16);
        if (merge_col(&f->duration, s, 17) || merge_col(&f->init, s, 18)) {
            rc = SQLITE_CORRUPT;
            break;
        }
    }
    free(cut);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : rc;
}

static int read_metrics(store_t *st, int max, store_totals_t *t)
{
    sqlite3_stmt *s;
    int cap = 0, rc;
    if (sqlite3_prepare_v2(st->db, SQL_METRIC_TOTALS, -1, &s, NULL) != SQLITE_OK)
        return SQLITE_ERROR;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (max && t->nmetrics == max) {
            t->metrics_cut++;
            continue;
        }
        if (t->nmetrics == cap) {
            cap = cap ? cap * 2 : 16;
            t->metrics = xrealloc(t->metrics, (size_t)cap * sizeof *t->metrics);
        }
        store_metric_totals_t *m = &t->metrics[t->nmetrics++];
        m->ns = col_dup(s, 0);
        m->name = col_dup(s, 1);
        m->unit = col_dup(s, 2);
        m->dimensions = col_dup(s, 3);
        m->count = sqlite3_column_int64(s, 4);
        m->sum = sqlite3_column_double(s, 5);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : rc;
}

static int read_counters(store_t *st, store_totals_t *t)
{
    sqlite3_stmt *s;
    int cap = 0, rc;
    if (sqlite3_prepare_v2(st->db, SQL_COUNTERS, -1, &s, NULL) != SQLITE_OK)
        return SQLITE_ERROR;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (t->ncounters == cap) {
            cap = cap ? cap * 2 : 16;
            t->counters = xrealloc(t->counters, (size_t)cap * sizeof *t->counters);
        }
        store_counter_value_t *c = &t->counters[t->ncounters++];
        c->name = col_dup(s, 0);
        c->value = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : rc;
}

int store_totals_read(store_t *st, int max_series, store_totals_t *out, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    memset(out, 0, sizeof *out);
    if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return store__dberr(st, err, "reading the totals");
    int rc = read_functions(st, max_series, out);
    if (!rc)
        rc = read_metrics(st, max_series, out);
    if (!rc)
        rc = read_counters(st, out);
    if (rc) {
        int r = rc == SQLITE_CORRUPT ? obs_err_set(err, OBS_EDB, "a rollup's duration sketch is corrupt")
                                     : store__dberr(st, err, "reading the totals");
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        store_totals_free(out);
        return r;
    }
    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    return 0;
}

void store_totals_free(store_totals_t *t)
{
    for (int i = 0; i < t->nfns; i++) {
        free(t->fns[i].function);
        sketch_done(&t->fns[i].duration);
        sketch_done(&t->fns[i].init);
    }
    for (int i = 0; i < t->nmetrics; i++) {
        free(t->metrics[i].ns);
        free(t->metrics[i].name);
        free(t->metrics[i].unit);
        free(t->metrics[i].dimensions);
    }
    for (int i = 0; i < t->ncounters; i++)
        free(t->counters[i].name);
    free(t->fns);
    free(t->metrics);
    free(t->counters);
    memset(t, 0, sizeof *t);
}
