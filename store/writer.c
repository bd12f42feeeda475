/* store/writer.c — the rows of a batch: events (+ their full-text
 * entries), stream touches, invocation merges, X-Ray traces, missed data;
 * recorded into the writer's queue (wqueue.h), run by its thread. Every call
 * joins the open transaction (txn.c starts it on first use). Streams and
 * checkpoints: writer_known.c. */
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

/* Start recording a row write: the transaction, then the statement. */
static int wq_start(store_t *st, int stmt, const char *what, obs_err_t *err)
{
    int rc = store__begin(st, err);
    return rc ? rc : store__wq_start(st->wq, stmt, what, err);
}

static void wq_int(store_wq_t *q, int64_t v)
{
    if (v < 0)
        store__wq_null(q);
    else
        store__wq_int(q, v);
}

int store_stream_touch(store_t *st, int64_t id, int64_t first_ts, int64_t last_ts,
                       const char *runtime_version, obs_err_t *err)
{
    int rc;
    if ((rc = wq_start(st, STMT_STREAM_TOUCH, "updating a stream", err)))
        return rc;
    store__wq_int(st->wq, id);
    store__wq_int(st->wq, first_ts);
    store__wq_int(st->wq, last_ts);
    store__wq_str(st->wq, runtime_version);
    store__wq_end(st->wq);
    return 0;
}

int store_event_append(store_t *st, const store_event_t *ev, int64_t *rowid_out, obs_err_t *err)
{
    store_wq_t *q = st->wq;
    int rc;
    if ((rc = wq_start(st, STMT_EVENT_INSERT, "storing an event", err)))
        return rc;
    /* the id is given here, not by SQLite, so that the next line need not
     * wait for the writer thread to learn it (its full-text entry, its
     * metric points) */
    int64_t id = st->next_event_id++;
    store__wq_int(q, ev->ts_ms);
    store__wq_int(q, ev->ingest_ms);
    store__wq_int(q, ev->stream_id);
    store__wq_int(q, ev->kind);
    store__wq_str(q, ev->type);
    store__wq_span(q, ev->request_id);
    store__wq_str(q, ev->level);
    store__wq_text(q, ev->message.p ? ev->message.p : "", ev->message.p ? ev->message.len : 0);
    store__wq_int(q, ev->flags);
    store__wq_real(q, ev->duration);
    store__wq_real(q, ev->billed_duration);
    wq_int(q, ev->memory_size);
    wq_int(q, ev->max_memory_used);
    store__wq_real(q, ev->init_duration);
    store__wq_real(q, ev->restore_duration);
    store__wq_real(q, ev->billed_restore_duration);
    store__wq_span(q, ev->xray_trace_id);
    store__wq_span(q, ev->xray_segment_id);
    store__wq_span(q, ev->status);
    store__wq_span(q, ev->error_type);
    if (ev->outcome)
        store__wq_int(q, ev->outcome);
    else
        store__wq_null(q);
    store__wq_str(q, ev->throttle);
    wq_int(q, ev->json_at);
    if (ev->raw.p)
        store__wq_blob(q, ev->raw.p, ev->raw.len);
    else
        store__wq_null(q);
    if (ev->emf)
        store__wq_int(q, ev->emf);
    else
        store__wq_null(q);
    store__wq_str(q, ev->emf_error);
    store__wq_int(q, id);
    store__wq_end(q);
    if (ev->full_text && ev->message.len) {
        /* tokenized here, on the parsing thread; the writer's FTS5 takes
         * the tokens as they are */
        store__obsword_tokens(&st->vocab, ev->message.p, ev->message.len, &st->tokens);
        if ((rc = store__wq_start(q, STMT_FTS_INSERT, "indexing an event", err)))
            return rc;
        store__wq_int(q, id);
        store__wq_text(q, st->tokens.p, st->tokens.len);
        store__wq_end(q);
    }
    st->txn_rows++;
    if (rowid_out)
        *rowid_out = id;
    return 0;
}

int store_invocation_merge(store_t *st, const store_invocation_t *inv, obs_err_t *err)
{
    store_wq_t *q = st->wq;
    int rc;
    if ((rc = wq_start(st, STMT_INVOCATION_UPSERT, "updating an invocation", err)))
        return rc;
    store__wq_span(q, inv->request_id);
    store__wq_int(q, inv->stream_id);
    wq_int(q, inv->start_ts);
    wq_int(q, inv->end_ts);
    store__wq_span(q, inv->version);
    store__wq_real(q, inv->duration);
    store__wq_real(q, inv->billed_duration);
    wq_int(q, inv->memory_size);
    wq_int(q, inv->max_memory_used);
    store__wq_real(q, inv->init_duration);
    store__wq_real(q, inv->restore_duration);
    store__wq_int(q, inv->cold);
    store__wq_int(q, inv->outcome);
    store__wq_span(q, inv->error_type);
    store__wq_str(q, inv->runtime_version);
    store__wq_span(q, inv->xray_trace_id);
    store__wq_int(q, inv->emulated);
    if (inv->init_type > 0)
        store__wq_int(q, inv->init_type);
    else
        store__wq_null(q);
    store__wq_int(q, inv->timing);
    store__wq_int(q, inv->attempt > 0 ? inv->attempt : 1);
    store__wq_end(q);
    return 0;
}

int store_event_set_xray(store_t *st, int64_t event_id, obs_span_t trace_id, obs_span_t segment_id,
                         obs_err_t *err)
{
    int rc;
    if ((rc = wq_start(st, STMT_EVENT_SET_XRAY, "giving a REPORT its X-Ray trace", err)))
        return rc;
    store__wq_int(st->wq, event_id);
    store__wq_span(st->wq, trace_id);
    store__wq_span(st->wq, segment_id);
    store__wq_end(st->wq);
    return 0;
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
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
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
        out->attempt = sqlite3_column_int(s, 17);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store__dberr(st, err, "reading an invocation");
    return 0;
}

int store_invocation_ids(store_t *st, int64_t max, void (*fn)(void *ctx, const char *rid, size_t len),
                         void *ctx, int *complete, obs_err_t *err)
{
    sqlite3_stmt *q;
    int64_t n = 0;
    int rc = store__sync(st, err), step;
    *complete = 0;
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(st->db, SQL_INVOCATION_IDS, -1, &q, NULL) != SQLITE_OK)
        return store__dberr(st, err, "reading request ids");
    while ((step = sqlite3_step(q)) == SQLITE_ROW && n < max) {
        fn(ctx, (const char *)sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0));
        n++;
    }
    *complete = step == SQLITE_DONE;
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = store__dberr(st, err, "reading request ids");
    sqlite3_finalize(q);
    return rc;
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

int store__source_read(store_t *st, int64_t dev, int64_t ino, store_source_t *out, char **path_out,
                        int *found_out, obs_err_t *err)
{
    sqlite3_stmt *s = st->stmt[STMT_SOURCE_FIND];
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
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

int store_sources_each(store_t *st, int (*fn)(void *ctx, const char *path, const store_source_t *src),
                       void *ctx, obs_err_t *err)
{
    sqlite3_stmt *s;
    int rc = store__sync(st, err), step;
    if (rc)
        return rc;
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
    if ((rc = store__sync(st, err)) || (rc = store__begin(st, err)))
        return rc;
    sqlite3_bind_int64(s, 1, obs_wall_ms());
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, bytes);
    sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC);
    if ((rc = run(st, s, err, "recording missed data")))
        return rc;
    return run(st, st->stmt[STMT_MISSED_TRIM], err, "trimming the missed records");
}
