/* query/events.c — --request and --context (see events.h). */
#include "query/events.h"
#include "query/run.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define SQL_REQUEST_SPAN \
"SELECT stream_id, min(id), max(id) FROM events WHERE request_id = ?1\n" \
"  AND ts BETWEEN coalesce((SELECT min(start_ts) FROM invocations WHERE request_id = ?1), -1)\n" \
"                 AND coalesce((SELECT max(end_ts) FROM invocations WHERE request_id = ?1), 1 << 62)\n" \
"GROUP BY stream_id ORDER BY count(*) DESC LIMIT 1"
#define SQL_EVENTS_BETWEEN \
"SELECT e.ts, e.type, s.stream, e.message FROM events e JOIN streams s ON s.id = e.stream_id\n" \
"WHERE e.stream_id = ?1 AND e.id BETWEEN ?2 AND ?3 ORDER BY e.id"
#define SQL_BEFORE \
"SELECT e.ts, e.type, s.stream, e.message FROM events e JOIN streams s ON s.id = e.stream_id\n" \
"WHERE e.stream_id = ?1 AND e.id < ?2 ORDER BY e.id DESC LIMIT ?3"
#define SQL_AFTER \
"SELECT e.ts, e.type, s.stream, e.message FROM events e JOIN streams s ON s.id = e.stream_id\n" \
"WHERE e.stream_id = ?1 AND e.id >= ?2 ORDER BY e.id LIMIT ?3"

static qval_t text_val(const unsigned char *s, int n)
{
    qval_t v;
    memset(&v, 0, sizeof v);
    if (!s) {
        v.type = QV_NULL;
        return v;
    }
    v.type = QV_TEXT;
    v.len = (size_t)n;
    v.s = xstrndup((const char *)s, v.len);
    return v;
}

/* Columns ts, type, stream, message of st into row[from..]. */
static void event_cells(sqlite3_stmt *st, qval_t *row)
{
    memset(&row[0], 0, sizeof row[0]);
    row[0].type = QV_INT;
    row[0].i = sqlite3_column_int64(st, 0);
    for (int i = 1; i < 4; i++)
        row[i] = text_val(sqlite3_column_text(st, i), sqlite3_column_bytes(st, i));
}

int query_request_events(sqlite3 *db, const char *id, sqlite3_stmt **out, obs_err_t *err)
{
    sqlite3_stmt *span = NULL, *ev = NULL;
    int rc = 0;
    *out = NULL;
    if (sqlite3_prepare_v2(db, SQL_REQUEST_SPAN, -1, &span, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, SQL_EVENTS_BETWEEN, -1, &ev, NULL) != SQLITE_OK) {
        rc = obs_err_set(err, OBS_EDB, "reading the request: %s", sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_text(span, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(span) != SQLITE_ROW) {
        rc = obs_err_set(err, OBS_EINVAL, "no event names request id '%s'", id);
        goto out;
    }
    sqlite3_bind_int64(ev, 1, sqlite3_column_int64(span, 0));
    sqlite3_bind_int64(ev, 2, sqlite3_column_int64(span, 1));
    sqlite3_bind_int64(ev, 3, sqlite3_column_int64(span, 2));
    *out = ev;
    ev = NULL;
out:
    sqlite3_finalize(span);
    sqlite3_finalize(ev);
    return rc;
}

int query_events_request(sqlite3 *db, const char *id, qfmt_t fmt, FILE *out, obs_err_t *err)
{
    sqlite3_stmt *ev;
    int rc = query_request_events(db, id, &ev, err);
    if (rc)
        return rc;
    char *names[] = { "@timestamp", "@type", "@logStream", "@message" };
    int is_time[] = { 1, 0, 0, 0 };
    qformat_t *f = qformat_new(out, fmt, names, is_time, 4, 0);
    qval_t row[4];
    while (sqlite3_step(ev) == SQLITE_ROW) {
        event_cells(ev, row);
        qformat_row(f, row);
    }
    qformat_finish(f);
    sqlite3_finalize(ev);
    return 0;
}

static void context_rows(qformat_t *f, sqlite3_stmt *st, const char *mark_first, int reverse)
{
    /* `before` comes newest first: collect, then print oldest first */
    qval_t (*rows)[5] = NULL;
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        rows = xrealloc(rows, (size_t)(n + 1) * sizeof *rows);
        memset(&rows[n][0], 0, sizeof rows[n][0]);
        rows[n][0].type = QV_TEXT;
        rows[n][0].s = xstrdup(n == 0 && mark_first ? mark_first : "");
        rows[n][0].len = strlen(rows[n][0].s);
        event_cells(st, &rows[n][1]);
        n++;
    }
    for (int k = 0; k < n; k++)
        qformat_row(f, rows[reverse ? n - 1 - k : k]);
    free(rows);
    sqlite3_reset(st);
}

int query_events_context(sqlite3 *db, const query_plan_t *p, int n, qfmt_t fmt, FILE *out,
                         obs_err_t *err)
{
    sqlite3_stmt *q = NULL, *before = NULL, *after = NULL;
    int rc = 0, matches = 0;
    if (!p->has_ids)
        return obs_err_set(err, OBS_EINVAL, "--context needs a query that returns events, not stats");
    if ((rc = query_prepare_plan(db, p, &q, err)))
        goto out;
    if (sqlite3_prepare_v2(db, SQL_BEFORE, -1, &before, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, SQL_AFTER, -1, &after, NULL) != SQLITE_OK) {
        rc = obs_err_set(err, OBS_EDB, "preparing the query: %s", sqlite3_errmsg(db));
        goto out;
    }
    char *names[] = { "", "@timestamp", "@type", "@logStream", "@message" };
    int is_time[] = { 0, 1, 0, 0, 0 };
    qformat_t *f = qformat_new(out, fmt, names, is_time, 5, 0);
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, p->ncolumns);
        int64_t stream = sqlite3_column_int64(q, p->ncolumns + 1);
        if (matches++) {
            qval_t sep[5];
            memset(sep, 0, sizeof sep);
            sep[0].type = QV_TEXT;
            sep[0].s = xstrdup("--");
            sep[0].len = 2;
            for (int k = 1; k < 5; k++)
                sep[k].type = QV_NULL;
            qformat_row(f, sep);
        }
        sqlite3_bind_int64(before, 1, stream);
        sqlite3_bind_int64(before, 2, id);
        sqlite3_bind_int(before, 3, n);
        context_rows(f, before, NULL, 1);
        sqlite3_bind_int64(after, 1, stream);
        sqlite3_bind_int64(after, 2, id);
        sqlite3_bind_int(after, 3, n + 1);  /* the match itself, then n after */
        context_rows(f, after, ">", 0);
    }
    if (step != SQLITE_DONE) {
        rc = obs_err_set(err, OBS_EDB, "running the query: %s", sqlite3_errmsg(db));
        qformat_abort(f);
    } else {
        qformat_finish(f);
    }
out:
    sqlite3_finalize(q);
    sqlite3_finalize(before);
    sqlite3_finalize(after);
    return rc;
}
