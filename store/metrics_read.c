/* store/metrics_read.c — read helpers for EMF metrics: series with count,
 * sum, min, max and quantiles over a range of minutes (merging the minutes'
 * sketches, so a read costs O(minutes), not O(points)), and the EMF
 * documents stored with errors, grouped by reason. */
#include "store/store_int.h"
#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SQL_SERIES_ROLLUPS \
"SELECT s.id, s.namespace, s.name, s.unit, s.resolution, s.dimensions,\n" \
"  r.count, r.sum, r.min, r.max, r.sketch\n" \
"FROM metric_series s JOIN metric_rollup_minute r ON r.series_id = s.id\n" \
"WHERE (?1 < 0 OR r.minute >= ?1) AND (?2 < 0 OR r.minute < ?2)\n" \
"  AND (?3 IS NULL OR s.namespace = ?3) AND (?4 IS NULL OR s.name = ?4)\n" \
"  AND (?5 IS NULL OR s.id IN (SELECT series_id FROM metric_series_function\n" \
"                              WHERE function = ?5))\n" \
"  AND (?6 IS NULL OR s.id IN (SELECT series_id FROM metric_series_function\n" \
"                              WHERE function IN (SELECT value FROM json_each(?6))))\n" \
"ORDER BY s.namespace, s.name, s.dimensions, s.unit, s.resolution, s.id"

#define SQL_EMF_ERRORS \
"SELECT st.function, e.emf, e.emf_error, count(*) FROM events e\n" \
"JOIN streams st ON st.id = e.stream_id\n" \
"WHERE e.emf >= 2 AND (?1 < 0 OR e.ts >= ?1) AND (?2 < 0 OR e.ts < ?2)\n" \
"GROUP BY st.function, e.emf, e.emf_error ORDER BY count(*) DESC, st.function"

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return xstrdup(t ? (const char *)t : "");
}

/* Does the dimensions object have every "key=value" of the filter? */
static int dims_match(const char *json, const char *const *want, int n)
{
    if (n == 0)
        return 1;
    cJSON *o = cJSON_Parse(json);
    int ok = o != NULL;
    for (int i = 0; ok && i < n; i++) {
        const char *eq = strchr(want[i], '=');
        if (!eq) {
            ok = 0;
            break;
        }
        char key[512];
        size_t kl = (size_t)(eq - want[i]);
        if (kl >= sizeof key) {
            ok = 0;
            break;
        }
        memcpy(key, want[i], kl);
        key[kl] = '\0';
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
        ok = cJSON_IsString(v) && strcmp(v->valuestring, eq + 1) == 0;
    }
    cJSON_Delete(o);
    return ok;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Quantiles from the sketch, clamped into the exact [min, max] (still within
 * 1%, and exact for a constant series). */
static void set_quantiles(store_metric_series_t *p, const sketch_t *sk)
{
    p->p50 = clamp(sketch_quantile(sk, 0.50), p->min, p->max);
    p->p90 = clamp(sketch_quantile(sk, 0.90), p->min, p->max);
    p->p99 = clamp(sketch_quantile(sk, 0.99), p->min, p->max);
}

static int64_t floor_minute(int64_t ms)
{
    return ms < 0 ? ms : ms - ms % 60000;
}

int store_metric_series_list(store_t *st, const store_metric_filter_t *f, store_metric_series_t **out,
                             int *n, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    sqlite3_stmt *s;
    store_metric_series_t *v = NULL;
    int cnt = 0, cap = 0, rc;
    int64_t cur = 0;
    sketch_t sk;

    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db, SQL_SERIES_ROLLUPS, -1, &s, NULL) != SQLITE_OK)
        return store__dberr(st, err, "reading metric series");
    sqlite3_bind_int64(s, 1, floor_minute(f->since_ms));
    sqlite3_bind_int64(s, 2, f->until_ms);
    if (f->ns)
        sqlite3_bind_text(s, 3, f->ns, -1, SQLITE_STATIC);
    if (f->name)
        sqlite3_bind_text(s, 4, f->name, -1, SQLITE_STATIC);
    if (f->function)
        sqlite3_bind_text(s, 5, f->function, -1, SQLITE_STATIC);
    if (f->nfunctions > 0) {   /* the list as a JSON array, for json_each */
        cJSON *a = cJSON_CreateStringArray(f->functions, f->nfunctions);
        char *text = cJSON_PrintUnformatted(a);
        sqlite3_bind_text(s, 6, text, -1, SQLITE_TRANSIENT);
        free(text);
        cJSON_Delete(a);
    }
    sketch_init(&sk);
    int skip = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (id != cur) {
            if (cnt && !skip)
                set_quantiles(&v[cnt - 1], &sk);
            sketch_done(&sk);
            sketch_init(&sk);
            cur = id;
            skip = !dims_match((const char *)sqlite3_column_text(s, 5), f->dims, f->ndims);
            if (skip)
                continue;
            if (cnt == cap) {
                cap = cap ? cap * 2 : 16;
                v = xrealloc(v, (size_t)cap * sizeof *v);
            }
            store_metric_series_t *p = &v[cnt++];
            memset(p, 0, sizeof *p);
            p->ns = col_dup(s, 1);
            p->name = col_dup(s, 2);
            p->unit = col_dup(s, 3);
            p->resolution = sqlite3_column_int(s, 4);
            p->dimensions = col_dup(s, 5);
            p->min = INFINITY;
            p->max = -INFINITY;
        } else if (skip) {
            continue;
        }
        store_metric_series_t *p = &v[cnt - 1];
        p->count += sqlite3_column_int64(s, 6);
        p->sum += sqlite3_column_double(s, 7);
        if (sqlite3_column_double(s, 8) < p->min)
            p->min = sqlite3_column_double(s, 8);
        if (sqlite3_column_double(s, 9) > p->max)
            p->max = sqlite3_column_double(s, 9);
        if (sketch_merge_blob(&sk, sqlite3_column_blob(s, 10), (size_t)sqlite3_column_bytes(s, 10))) {
            rc = SQLITE_CORRUPT;
            break;
        }
    }
    if (cnt && !skip)
        set_quantiles(&v[cnt - 1], &sk);
    sketch_done(&sk);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        store_metric_series_free(v, cnt);
        return rc == SQLITE_CORRUPT ? obs_err_set(err, OBS_EDB, "a metric rollup's sketch is corrupt")
                                    : store__dberr(st, err, "reading metric series");
    }
    *out = v;
    *n = cnt;
    return 0;
}

void store_metric_series_free(store_metric_series_t *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].ns);
        free(v[i].name);
        free(v[i].unit);
        free(v[i].dimensions);
    }
    free(v);
}

int store_emf_errors_list(store_t *st, int64_t since_ms, int64_t until_ms, store_emf_error_t **out,
                          int *n, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    sqlite3_stmt *s;
    store_emf_error_t *v = NULL;
    int cnt = 0, cap = 0, rc;

    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(st->db, SQL_EMF_ERRORS, -1, &s, NULL) != SQLITE_OK)
        return store__dberr(st, err, "reading EMF errors");
    sqlite3_bind_int64(s, 1, since_ms);
    sqlite3_bind_int64(s, 2, until_ms);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            v = xrealloc(v, (size_t)cap * sizeof *v);
        }
        store_emf_error_t *e = &v[cnt++];
        e->function = col_dup(s, 0);
        e->status = sqlite3_column_int(s, 1);
        e->reason = col_dup(s, 2);
        e->count = sqlite3_column_int64(s, 3);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        store_emf_errors_free(v, cnt);
        return store__dberr(st, err, "reading EMF errors");
    }
    *out = v;
    *n = cnt;
    return 0;
}

void store_emf_errors_free(store_emf_error_t *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].function);
        free(v[i].reason);
    }
    free(v);
}
