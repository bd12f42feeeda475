/* store/writer.c — the rows of a batch: streams, events (+ their full-text
 * entries), invocation merges and source checkpoints. Every call joins the
 * open transaction (store.c starts it on first use). */
#include "store/schema.h"
#include "store/store_int.h"
#include "common/clock.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void bind_span(sqlite3_stmt *s, int i, obs_span_t v)
{
    if (v.p && v.len)
        sqlite3_bind_text(s, i, v.p, (int)v.len, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static void bind_str(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static void bind_real(sqlite3_stmt *s, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_double(s, i, v);
}

static void bind_int(sqlite3_stmt *s, int i, int64_t v)
{
    if (v < 0)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int64(s, i, v);
}

/* Step a write statement to completion, then reset and unbind it. */
static int run(store_t *st, sqlite3_stmt *s, obs_err_t *err, const char *what)
{
    int rc = sqlite3_step(s);
    int ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    if (!ok)
        store__dberr(st, err, what);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return ok ? 0 : OBS_EDB;
}

int store_stream_id(store_t *st, const char *function, const char *log_group, const char *stream,
                    int64_t *id_out, obs_err_t *err)
{
    sqlite3_stmt *f = st->stmt[STMT_STREAM_FIND];
    int rc;
    if ((rc = store__begin(st, err)))
        return rc;
    sqlite3_bind_text(f, 1, log_group, -1, SQLITE_STATIC);
    sqlite3_bind_text(f, 2, stream, -1, SQLITE_STATIC);
    rc = sqlite3_step(f);
    if (rc == SQLITE_ROW) {
        *id_out = sqlite3_column_int64(f, 0);
        sqlite3_reset(f);
        return 0;
    }
    sqlite3_reset(f);
    if (rc != SQLITE_DONE)
        return store__dberr(st, err, "looking up a stream");

    sqlite3_stmt *ins = st->stmt[STMT_STREAM_INSERT];
    sqlite3_bind_text(ins, 1, function, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, log_group, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, stream, -1, SQLITE_STATIC);
    if ((rc = run(st, ins, err, "adding a stream")))
        return rc;
    *id_out = sqlite3_last_insert_rowid(st->db);
    return 0;
}

int store_stream_touch(store_t *st, int64_t id, int64_t first_ts, int64_t last_ts,
                       const char *runtime_version, obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_STREAM_TOUCH];
    int rc;
    if ((rc = store__begin(st, err)))
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, first_ts);
    sqlite3_bind_int64(s, 3, last_ts);
    bind_str(s, 4, runtime_version);
    return run(st, s, err, "updating a stream");
}

int store_event_append(store_t *st, const store_event_t *ev, int64_t *rowid_out, obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_EVENT_INSERT];
    int rc;
    if ((rc = store__begin(st, err)))
        return rc;
    sqlite3_bind_int64(s, 1, ev->ts_ms);
    sqlite3_bind_int64(s, 2, ev->ingest_ms);
    sqlite3_bind_int64(s, 3, ev->stream_id);
    sqlite3_bind_int(s, 4, ev->kind);
    bind_str(s, 5, ev->type);
    bind_span(s, 6, ev->request_id);
    bind_str(s, 7, ev->level);
    sqlite3_bind_text(s, 8, ev->message.p ? ev->message.p : "", (int)ev->message.len, SQLITE_STATIC);
    sqlite3_bind_int(s, 9, ev->flags);
    bind_real(s, 10, ev->duration);
    bind_real(s, 11, ev->billed_duration);
    bind_int(s, 12, ev->memory_size);
    bind_int(s, 13, ev->max_memory_used);
    bind_real(s, 14, ev->init_duration);
    bind_real(s, 15, ev->restore_duration);
    bind_real(s, 16, ev->billed_restore_duration);
    bind_span(s, 17, ev->xray_trace_id);
    bind_span(s, 18, ev->xray_segment_id);
    bind_span(s, 19, ev->status);
    bind_span(s, 20, ev->error_type);
    if (ev->outcome)
        sqlite3_bind_int(s, 21, ev->outcome);
    bind_str(s, 22, ev->throttle);
    bind_int(s, 23, ev->json_at);
    if (ev->raw.p)
        sqlite3_bind_blob(s, 24, ev->raw.p, (int)ev->raw.len, SQLITE_STATIC);
    if (ev->emf)
        sqlite3_bind_int(s, 25, ev->emf);
    bind_str(s, 26, ev->emf_error);
    if ((rc = run(st, s, err, "storing an event")))
        return rc;
    int64_t rowid = sqlite3_last_insert_rowid(st->db);
    if (ev->full_text && ev->message.len) {
        sqlite3_stmt *f = st->stmt[STMT_FTS_INSERT];
        sqlite3_bind_int64(f, 1, rowid);
        sqlite3_bind_text(f, 2, ev->message.p, (int)ev->message.len, SQLITE_STATIC);
        if ((rc = run(st, f, err, "indexing an event")))
            return rc;
    }
    st->txn_rows++;
    if (rowid_out)
        *rowid_out = rowid;
    return 0;
}

int store_invocation_merge(store_t *st, const store_invocation_t *inv, obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_INVOCATION_UPSERT];
    int rc;
    if ((rc = store__begin(st, err)))
        return rc;
    bind_span(s, 1, inv->request_id);
    sqlite3_bind_int64(s, 2, inv->stream_id);
    bind_int(s, 3, inv->start_ts);
    bind_int(s, 4, inv->end_ts);
    bind_span(s, 5, inv->version);
    bind_real(s, 6, inv->duration);
    bind_real(s, 7, inv->billed_duration);
    bind_int(s, 8, inv->memory_size);
    bind_int(s, 9, inv->max_memory_used);
    bind_real(s, 10, inv->init_duration);
    bind_real(s, 11, inv->restore_duration);
    sqlite3_bind_int(s, 12, inv->cold);
    sqlite3_bind_int(s, 13, inv->outcome);
    bind_span(s, 14, inv->error_type);
    bind_str(s, 15, inv->runtime_version);
    bind_span(s, 16, inv->xray_trace_id);
    sqlite3_bind_int(s, 17, inv->emulated);
    if (inv->init_type > 0)
        sqlite3_bind_int(s, 18, inv->init_type);
    sqlite3_bind_int(s, 19, inv->timing);
    return run(st, s, err, "updating an invocation");
}

int store_event_set_xray(store_t *st, int64_t event_id, obs_span_t trace_id, obs_span_t segment_id,
                         obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_EVENT_SET_XRAY];
    int rc;
    if ((rc = store__begin(st, err)))
        return rc;
    sqlite3_bind_int64(s, 1, event_id);
    bind_span(s, 2, trace_id);
    bind_span(s, 3, segment_id);
    return run(st, s, err, "giving a REPORT its X-Ray trace");
}

static void col_copy(sqlite3_stmt *s, int i, char *out, size_t size)
{
    const unsigned char *v = sqlite3_column_text(s, i);
    snprintf(out, size, "%s", v ? (const char *)v : "");
}

static int64_t col_int(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, i);
}

static double col_real(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

int store_invocation_get(store_t *st, obs_span_t request_id, store_invocation_row_t *out, int *found,
                         obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_INVOCATION_GET];
    bind_span(s, 1, request_id);
    int rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW) {
        out->stream_id = sqlite3_column_int64(s, 0);
        out->start_ts = col_int(s, 1);
        out->end_ts = col_int(s, 2);
        out->duration = col_real(s, 3);
        out->billed_duration = col_real(s, 4);
        out->memory_size = col_int(s, 5);
        out->max_memory_used = col_int(s, 6);
        out->init_duration = col_real(s, 7);
        out->restore_duration = col_real(s, 8);
        out->cold = sqlite3_column_int(s, 9);
        out->outcome = sqlite3_column_int(s, 10);
        out->emulated = sqlite3_column_int(s, 11);
        col_copy(s, 12, out->version, sizeof out->version);
        col_copy(s, 13, out->error_type, sizeof out->error_type);
        col_copy(s, 14, out->xray_trace_id, sizeof out->xray_trace_id);
        out->init_type = sqlite3_column_int(s, 15);
        out->timing = sqlite3_column_int(s, 16);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store__dberr(st, err, "reading an invocation");
    return 0;
}

int store_has_invocations(store_t *st)
{
    sqlite3_stmt *q;
    int any = 1;
    if (sqlite3_prepare_v2(st->db, "SELECT EXISTS(SELECT 1 FROM invocations)", -1, &q, NULL) == SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW)
            any = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
    }
    return any;
}

static void source_row(sqlite3_stmt *s, int c, store_source_t *out)
{
    out->fingerprint = (uint64_t)sqlite3_column_int64(s, c);
    out->fingerprint_len = sqlite3_column_int64(s, c + 1);
    out->window_fp = (uint64_t)sqlite3_column_int64(s, c + 2);
    out->window_len = sqlite3_column_int64(s, c + 3);
    out->offset = sqlite3_column_int64(s, c + 4);
    out->size = sqlite3_column_int64(s, c + 5);
    out->stream_id = sqlite3_column_int64(s, c + 6);
    out->updated_ms = sqlite3_column_int64(s, c + 7);
    out->rotated = sqlite3_column_int(s, c + 8);
}

int store_source_find(store_t *st, int64_t dev, int64_t ino, store_source_t *out, char **path_out,
                      int *found_out, obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_SOURCE_FIND];
    sqlite3_bind_int64(s, 1, dev);
    sqlite3_bind_int64(s, 2, ino);
    int rc = sqlite3_step(s);
    *found_out = rc == SQLITE_ROW;
    if (path_out)
        *path_out = NULL;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->dev = dev;
        out->ino = ino;
        source_row(s, 1, out);
        if (path_out)
            *path_out = xstrdup((const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store__dberr(st, err, "reading a checkpoint");
    return 0;
}

int store_source_put(store_t *st, const char *path, const store_source_t *src, obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_SOURCE_UPSERT];
    int rc;
    if ((rc = store__begin(st, err)))
        return rc;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, src->dev);
    sqlite3_bind_int64(s, 3, src->ino);
    sqlite3_bind_int64(s, 4, (int64_t)src->fingerprint);
    sqlite3_bind_int64(s, 5, src->fingerprint_len);
    sqlite3_bind_int64(s, 6, (int64_t)src->window_fp);
    sqlite3_bind_int64(s, 7, src->window_len);
    sqlite3_bind_int64(s, 8, src->offset);
    sqlite3_bind_int64(s, 9, src->size > src->offset ? src->size : src->offset);
    if (src->stream_id > 0)
        sqlite3_bind_int64(s, 10, src->stream_id);
    sqlite3_bind_int64(s, 11, src->updated_ms > 0 ? src->updated_ms : obs_wall_ms());
    sqlite3_bind_int(s, 12, src->rotated != 0);
    return run(st, s, err, "saving a checkpoint");
}

int store_source_delete(store_t *st, int64_t dev, int64_t ino, obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_SOURCE_DELETE];
    int rc;
    if ((rc = store__begin(st, err)))
        return rc;
    sqlite3_bind_int64(s, 1, dev);
    sqlite3_bind_int64(s, 2, ino);
    return run(st, s, err, "removing a checkpoint");
}

int store_sources_each(store_t *st, int (*fn)(void *ctx, const char *path, const store_source_t *src),
                       void *ctx, obs_err_t *err)
{
    sqlite3_stmt *s;
    int rc = 0, step;
    if (sqlite3_prepare_v2(st->db, SQL_SOURCES_ALL, -1, &s, NULL) != SQLITE_OK)
        return store__dberr(st, err, "reading checkpoints");
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        store_source_t src;
        memset(&src, 0, sizeof src);
        src.dev = sqlite3_column_int64(s, 1);
        src.ino = sqlite3_column_int64(s, 2);
        source_row(s, 3, &src);
        rc = fn(ctx, (const char *)sqlite3_column_text(s, 0), &src);
    }
    sqlite3_finalize(s);
    return rc;
}

int store_missed_add(store_t *st, const char *path, int64_t bytes, const char *reason, obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_MISSED_ADD];
    int rc;
    if ((rc = store__begin(st, err)))
        return rc;
    sqlite3_bind_int64(s, 1, obs_wall_ms());
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, bytes);
    sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC);
    if ((rc = run(st, s, err, "recording missed data")))
        return rc;
    return run(st, st->stmt[STMT_MISSED_TRIM], err, "trimming the missed records");
}
