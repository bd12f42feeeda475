/* tui/model_emf.c — the EMF view's model: every series with a point in the
 * window (of one function or all) with its latest value (a statistic set's
 * average, as it has no value), average, maximum
 * and per-minute maxima (from metric_rollup_minute), and the EMF documents
 * stored with errors, grouped by reason. */
#include "tui/model.h"
#include "common/xalloc.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMF_MAX_SERIES 500

#define SQL_EMF_SERIES \
"SELECT s.id, s.namespace, s.name, s.unit, s.dimensions, sum(r.count), sum(r.sum), max(r.max)\n" \
"FROM metric_series s JOIN metric_rollup_minute r ON r.series_id = s.id\n" \
"WHERE r.minute >= ?1 AND r.minute < ?2 AND (?3 IS NULL OR s.id IN\n" \
"  (SELECT series_id FROM metric_series_function WHERE function = ?3))\n" \
"GROUP BY s.id ORDER BY s.namespace, s.name, s.dimensions LIMIT " OBS_STR(EMF_MAX_SERIES)
/* a statistic set has no value (v14): its average stands for it */
#define SQL_EMF_LATEST \
"SELECT coalesce(value, sum / nullif(count, 0)) FROM metric_points\n" \
"  WHERE series_id = ?1 AND ts < ?2 ORDER BY ts DESC LIMIT 1"
#define SQL_EMF_MINUTES \
"SELECT minute, max FROM metric_rollup_minute WHERE series_id = ?1 AND minute >= ?2 AND minute < ?3"

#define OBS_STR_(x) #x
#define OBS_STR(x) OBS_STR_(x)

/* "Namespace/Name k=v k=v" from the canonical dimensions object. */
static char *series_label(const char *ns, const char *name, const char *dims)
{
    char label[512];
    int n = snprintf(label, sizeof label, "%s/%s", ns ? ns : "", name ? name : "");
    cJSON *d = dims ? cJSON_Parse(dims) : NULL;
    const cJSON *kv;
    cJSON_ArrayForEach(kv, d) {
        if (n < 0 || (size_t)n >= sizeof label)
            break;
        n += snprintf(label + n, sizeof label - (size_t)n, " %s=%s", kv->string,
                      cJSON_IsString(kv) ? kv->valuestring : "?");
    }
    cJSON_Delete(d);
    return xstrdup(label);
}

static int dberr(sqlite3 *db, obs_err_t *err)
{
    return obs_err_set(err, OBS_EDB, "reading EMF metrics: %s", sqlite3_errmsg(db));
}

static void series_detail(sqlite3_stmt *latest, sqlite3_stmt *minutes, int64_t id,
                          const model_window_t *w, emf_row_t *r)
{
    sqlite3_bind_int64(latest, 1, id);
    sqlite3_bind_int64(latest, 2, w->until_ms);
    r->latest = sqlite3_step(latest) == SQLITE_ROW ? sqlite3_column_double(latest, 0) : NAN;
    sqlite3_reset(latest);
    int64_t n = (w->until_ms - w->since_ms) / 60000;
    r->nminutes = n < 1 ? 1 : (int)n;
    r->minutes = xcalloc((size_t)r->nminutes, sizeof(double));
    sqlite3_bind_int64(minutes, 1, id);
    sqlite3_bind_int64(minutes, 2, w->since_ms);
    sqlite3_bind_int64(minutes, 3, w->until_ms);
    while (sqlite3_step(minutes) == SQLITE_ROW) {
        int64_t i = (sqlite3_column_int64(minutes, 0) - w->since_ms) / 60000;
        if (i >= 0 && i < r->nminutes)
            r->minutes[i] = sqlite3_column_double(minutes, 1);
    }
    sqlite3_reset(minutes);
}

int model_emf_load(store_t *st, const model_window_t *w, const char *function, emf_model_t *out,
                   obs_err_t *err)
{
    sqlite3 *db = store_db(st);
    sqlite3_stmt *s = NULL, *latest = NULL, *minutes = NULL;
    int cap = 16;
    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(db, SQL_EMF_SERIES, -1, &s, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, SQL_EMF_LATEST, -1, &latest, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, SQL_EMF_MINUTES, -1, &minutes, NULL) != SQLITE_OK) {
        int rc = dberr(db, err);
        sqlite3_finalize(s);
        sqlite3_finalize(latest);
        return rc;
    }
    sqlite3_bind_int64(s, 1, w->since_ms);
    sqlite3_bind_int64(s, 2, w->until_ms);
    if (function)
        sqlite3_bind_text(s, 3, function, -1, SQLITE_STATIC);
    out->rows = xcalloc((size_t)cap, sizeof *out->rows);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (out->n == cap) {
            cap *= 2;
            out->rows = xrealloc(out->rows, (size_t)cap * sizeof *out->rows);
        }
        emf_row_t *r = &out->rows[out->n++];
        memset(r, 0, sizeof *r);
        r->label = series_label((const char *)sqlite3_column_text(s, 1),
                                (const char *)sqlite3_column_text(s, 2),
                                (const char *)sqlite3_column_text(s, 4));
        r->unit = xstrdup((const char *)sqlite3_column_text(s, 3));
        r->count = sqlite3_column_int64(s, 5);
        r->avg = r->count ? sqlite3_column_double(s, 6) / (double)r->count : NAN;
        r->max = sqlite3_column_double(s, 7);
        series_detail(latest, minutes, sqlite3_column_int64(s, 0), w, r);
    }
    sqlite3_finalize(s);
    sqlite3_finalize(latest);
    sqlite3_finalize(minutes);

    store_emf_error_t *e;
    int ne;
    if (store_emf_errors_list(st, w->since_ms, w->until_ms, &e, &ne, err)) {
        model_emf_free(out);
        return OBS_EDB;
    }
    out->errors = xcalloc((size_t)(ne > 0 ? ne : 1), sizeof *out->errors);
    for (int i = 0; i < ne; i++) {
        if (function && strcmp(e[i].function, function) != 0)
            continue;
        emf_err_row_t *r = &out->errors[out->nerrors++];
        r->function = xstrdup(e[i].function);
        r->reason = xstrdup(e[i].reason);
        r->status = e[i].status;
        r->count = e[i].count;
    }
    store_emf_errors_free(e, ne);
    return 0;
}

void model_emf_free(emf_model_t *m)
{
    for (int i = 0; i < m->n; i++) {
        free(m->rows[i].label);
        free(m->rows[i].unit);
        free(m->rows[i].minutes);
    }
    for (int i = 0; i < m->nerrors; i++) {
        free(m->errors[i].function);
        free(m->errors[i].reason);
    }
    free(m->rows);
    free(m->errors);
    memset(m, 0, sizeof *m);
}
