/* store/forward.c — the forwarder's connection to the store (see
 * forward.h): its state row, and the rows it ships, read in snapshots. Its
 * SQL is kept here, beside the code that reads the rows (as the other
 * readers do); the one table it writes, forward_state, is created by
 * migration v9 (schema.h). */
#include "store/forward.h"
#include "store/schema.h"
#include "common/xalloc.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQL_FWD_STATE_GET \
"SELECT agent, event_id, point_id, forwarded FROM forward_state WHERE target = ?1"
#define SQL_FWD_AGENT_ANY \
"SELECT agent FROM forward_state LIMIT 1"
#define SQL_FWD_STATE_NEW \
"INSERT OR IGNORE INTO forward_state(target, agent) VALUES(?1, ?2)"
#define SQL_FWD_ACK \
"UPDATE forward_state SET event_id = max(event_id, ?2), point_id = max(point_id, ?3),\n" \
"  forwarded = forwarded + ?4, acked_ts = ?5 WHERE target = ?1"
#define SQL_FWD_NOTE \
"UPDATE forward_state SET state = ?2, error = ?3, state_ts = ?4 WHERE target = ?1"
/* the columns of an event the forwarder ships (EVENT_COLS), and the JSON
 * object at the message's tail */
#define EVENT_COLS \
"e.id, e.ts, e.ingest_ts, e.stream_id, s.function, s.log_group, s.stream, e.kind, e.flags, e.type,\n" \
"  e.request_id, e.level, e.message, e.duration, e.billed_duration, e.init_duration, e.restore_duration,\n" \
"  e.billed_restore_duration, e.memory_size, e.max_memory_used, e.xray_trace_id, e.xray_segment_id,\n" \
"  e.status, e.error_type, e.throttle, e.outcome,\n" \
"  CASE WHEN e.json_at IS NULL THEN NULL ELSE substr(CAST(e.message AS BLOB), e.json_at + 1) END,\n" \
"  e.emf, e.emf_error\n" \
"FROM events e JOIN streams s ON s.id = e.stream_id\n"
#define SQL_FWD_EVENTS \
"SELECT " EVENT_COLS "WHERE e.id > ?1 AND e.id <= ?2 ORDER BY e.id LIMIT ?3"
#define SQL_FWD_EVENT \
"SELECT " EVENT_COLS "WHERE e.id = ?1"
#define SQL_FWD_PREV \
"SELECT id, kind FROM events WHERE id < ?2 AND id >= ?2 - 10000 AND stream_id = ?1 ORDER BY id DESC LIMIT 1"
#define SQL_FWD_MAX \
"SELECT coalesce(max(id), 0) FROM events"
#define INV_COLS \
"SELECT i.request_id, s.function, s.log_group, s.stream, i.start_ts, i.end_ts, i.version, i.error_type,\n" \
"  i.runtime_version, i.xray_trace_id, i.duration, i.billed_duration, i.init_duration, i.restore_duration,\n" \
"  i.memory_size, i.max_memory_used, i.cold, i.outcome, i.emulated, i.attempt\n" \
"FROM invocations i JOIN streams s ON s.id = i.stream_id\n"
#define SQL_FWD_INVOCATION INV_COLS "WHERE i.request_id = ?1"
#define SQL_FWD_INV_NEAR \
INV_COLS "WHERE i.stream_id = ?1 AND (i.end_ts IS NULL OR i.end_ts BETWEEN ?2 - 900000 AND ?2 + 900000)"
#define SQL_FWD_POINTS \
"SELECT p.id, p.ts, p.event_id, s.function, m.namespace, m.name, m.unit, m.dimensions, m.resolution, p.value,\n" \
"  p.count, p.sum, p.min, p.max\n" \
"FROM metric_points p JOIN metric_series m ON m.id = p.series_id\n" \
"  JOIN events e ON e.id = p.event_id JOIN streams s ON s.id = e.stream_id\n" \
"WHERE p.id > ?1 AND p.event_id <= ?2 ORDER BY p.id"

enum { Q_STATE_GET, Q_AGENT_ANY, Q_STATE_NEW, Q_ACK, Q_NOTE, Q_EVENTS, Q_EVENT, Q_PREV, Q_MAX, Q_INVOCATION,
       Q_INV_NEAR, Q_POINTS, Q__COUNT };

struct store_fwd {
    sqlite3 *db;
    sqlite3_stmt *q[Q__COUNT];
    int reading;
};

static int dberr(store_fwd_t *f, obs_err_t *err, const char *what)
{
    return obs_err_set(err, OBS_EDB, "%s: %s", what, sqlite3_errmsg(f->db));
}

int store_fwd_open(const char *db_path, store_fwd_t **out, obs_err_t *err)
{
    static const char *const sql[Q__COUNT] = {
        SQL_FWD_STATE_GET, SQL_FWD_AGENT_ANY, SQL_FWD_STATE_NEW, SQL_FWD_ACK, SQL_FWD_NOTE, SQL_FWD_EVENTS,
        SQL_FWD_EVENT, SQL_FWD_PREV, SQL_FWD_MAX, SQL_FWD_INVOCATION, SQL_FWD_INV_NEAR, SQL_FWD_POINTS,
    };
    store_fwd_t *f = xcalloc(1, sizeof *f);
    int rc = 0;
    *out = NULL;
    if (sqlite3_open_v2(db_path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = dberr(f, err, "opening the store for the forwarder");
        goto out;
    }
    sqlite3_busy_timeout(f->db, 30000);
    sqlite3_stmt *v = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(f->db, "PRAGMA user_version", -1, &v, NULL) == SQLITE_OK && sqlite3_step(v) == SQLITE_ROW)
        version = sqlite3_column_int(v, 0);
    sqlite3_finalize(v);
    if (version != STORE_SCHEMA_VERSION) {
        rc = obs_err_set(err, OBS_ESCHEMA, "the store is at schema version %d, the forwarder reads %d", version,
                         STORE_SCHEMA_VERSION);
        goto out;
    }
    for (int i = 0; i < Q__COUNT; i++)
        if (sqlite3_prepare_v3(f->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &f->q[i], NULL) != SQLITE_OK) {
            rc = dberr(f, err, "preparing the forwarder's statements");
            goto out;
        }
out:
    if (rc)
        store_fwd_close(f);
    else
        *out = f;
    return rc;
}

void store_fwd_close(store_fwd_t *f)
{
    if (!f)
        return;
    for (int i = 0; i < Q__COUNT; i++)
        sqlite3_finalize(f->q[i]);
    sqlite3_close(f->db);
    free(f);
}

static int step_done(store_fwd_t *f, sqlite3_stmt *st, obs_err_t *err, const char *what)
{
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r == SQLITE_DONE || r == SQLITE_ROW ? 0 : dberr(f, err, what);
}

int store_fwd_state_get(store_fwd_t *f, const char *target, const char *new_agent, store_fwd_state_t *out,
                        obs_err_t *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *get = f->q[Q_STATE_GET], *any = f->q[Q_AGENT_ANY], *ins = f->q[Q_STATE_NEW];
    for (int attempt = 0; attempt < 2; attempt++) {
        sqlite3_bind_text(get, 1, target, -1, SQLITE_STATIC);
        int r = sqlite3_step(get);
        if (r == SQLITE_ROW) {
            snprintf(out->agent, sizeof out->agent, "%s", (const char *)sqlite3_column_text(get, 0));
            out->event_id = sqlite3_column_int64(get, 1);
            out->point_id = sqlite3_column_int64(get, 2);
            out->forwarded = sqlite3_column_int64(get, 3);
        }
        sqlite3_reset(get);
        sqlite3_clear_bindings(get);
        if (r == SQLITE_ROW)
            return 0;
        if (r != SQLITE_DONE)
            return dberr(f, err, "reading the forwarder's state");
        /* a new target: the store's agent name if it has one */
        char agent[128];
        snprintf(agent, sizeof agent, "%s", new_agent);
        if (sqlite3_step(any) == SQLITE_ROW)
            snprintf(agent, sizeof agent, "%s", (const char *)sqlite3_column_text(any, 0));
        sqlite3_reset(any);
        sqlite3_bind_text(ins, 1, target, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, agent, -1, SQLITE_STATIC);
        int rc = step_done(f, ins, err, "creating the forwarder's state");
        if (rc)
            return rc;
    }
    return obs_err_set(err, OBS_EDB, "the forwarder's state could not be created");
}

int store_fwd_ack(store_fwd_t *f, const char *target, int64_t event_id, int64_t point_id, int64_t n,
                  int64_t now_ms, obs_err_t *err)
{
    sqlite3_stmt *st = f->q[Q_ACK];
    sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, event_id);
    sqlite3_bind_int64(st, 3, point_id);
    sqlite3_bind_int64(st, 4, n);
    sqlite3_bind_int64(st, 5, now_ms);
    return step_done(f, st, err, "writing the forwarder's watermark");
}

int store_fwd_note(store_fwd_t *f, const char *target, const char *state, const char *error, int64_t now_ms,
                   obs_err_t *err)
{
    sqlite3_stmt *st = f->q[Q_NOTE];
    sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    if (error)
        sqlite3_bind_text(st, 3, error, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ms);
    return step_done(f, st, err, "writing the forwarder's state");
}

int store_fwd_read_begin(store_fwd_t *f, obs_err_t *err)
{
    if (sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return dberr(f, err, "reading the store");
    f->reading = 1;
    return 0;
}

void store_fwd_read_end(store_fwd_t *f)
{
    if (f->reading)
        sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL);
    f->reading = 0;
}

static const char *text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static double real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static int64_t int_or(sqlite3_stmt *st, int i, int64_t dflt)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? dflt : sqlite3_column_int64(st, i);
}

static int each_event(store_fwd_t *f, sqlite3_stmt *st, store_fwd_event_fn fn, void *ctx, obs_err_t *err)
{
    int r, rc = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        store_fwd_event_t e;
        memset(&e, 0, sizeof e);
        e.id = sqlite3_column_int64(st, 0);
        e.ts = sqlite3_column_int64(st, 1);
        e.ingest_ts = sqlite3_column_int64(st, 2);
        e.stream_id = sqlite3_column_int64(st, 3);
        e.function = text(st, 4);
        e.log_group = text(st, 5);
        e.stream = text(st, 6);
        e.kind = sqlite3_column_int(st, 7);
        e.flags = sqlite3_column_int(st, 8);
        e.type = text(st, 9);
        e.request_id = text(st, 10);
        e.level = text(st, 11);
        e.message = (const char *)sqlite3_column_blob(st, 12);
        e.message_len = sqlite3_column_bytes(st, 12);
        if (!e.message)
            e.message = "";
        e.duration = real(st, 13);
        e.billed_duration = real(st, 14);
        e.init_duration = real(st, 15);
        e.restore_duration = real(st, 16);
        e.billed_restore_duration = real(st, 17);
        e.has_memory_size = sqlite3_column_type(st, 18) != SQLITE_NULL;
        e.memory_size = sqlite3_column_int64(st, 18);
        e.has_max_memory_used = sqlite3_column_type(st, 19) != SQLITE_NULL;
        e.max_memory_used = sqlite3_column_int64(st, 19);
        e.xray_trace_id = text(st, 20);
        e.xray_segment_id = text(st, 21);
        e.status = text(st, 22);
        e.error_type = text(st, 23);
        e.throttle = text(st, 24);
        e.has_outcome = sqlite3_column_type(st, 25) != SQLITE_NULL;
        e.outcome = sqlite3_column_int(st, 25);
        e.json = sqlite3_column_type(st, 26) == SQLITE_NULL ? NULL : (const char *)sqlite3_column_blob(st, 26);
        e.json_len = sqlite3_column_bytes(st, 26);
        if (sqlite3_column_type(st, 26) != SQLITE_NULL && !e.json)
            e.json = "";
        e.has_emf = sqlite3_column_type(st, 27) != SQLITE_NULL;
        e.emf = sqlite3_column_int(st, 27);
        e.emf_error = text(st, 28);
        if ((rc = fn(ctx, &e)))
            break;
    }
    if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
        rc = dberr(f, err, "reading events to forward");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int store_fwd_events(store_fwd_t *f, int64_t after, int64_t upto, int limit, store_fwd_event_fn fn, void *ctx,
                     obs_err_t *err)
{
    sqlite3_stmt *st = f->q[Q_EVENTS];
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, upto > 0 ? upto : INT64_MAX);
    sqlite3_bind_int(st, 3, limit);
    return each_event(f, st, fn, ctx, err);
}

int store_fwd_event(store_fwd_t *f, int64_t id, store_fwd_event_fn fn, void *ctx, obs_err_t *err)
{
    sqlite3_stmt *st = f->q[Q_EVENT];
    sqlite3_bind_int64(st, 1, id);
    return each_event(f, st, fn, ctx, err);
}

int store_fwd_prev_in_stream(store_fwd_t *f, int64_t stream_id, int64_t id, int64_t *prev_id, int *kind,
                             obs_err_t *err)
{
    sqlite3_stmt *st = f->q[Q_PREV];
    *prev_id = 0;
    *kind = -1;
    sqlite3_bind_int64(st, 1, stream_id);
    sqlite3_bind_int64(st, 2, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *prev_id = sqlite3_column_int64(st, 0);
        *kind = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : dberr(f, err, "reading a stream's events");
}

int store_fwd_max_event(store_fwd_t *f, int64_t *max_id, obs_err_t *err)
{
    sqlite3_stmt *st = f->q[Q_MAX];
    int r = sqlite3_step(st);
    *max_id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return r == SQLITE_ROW ? 0 : dberr(f, err, "reading the last event id");
}

static int each_invocation(store_fwd_t *f, sqlite3_stmt *st, store_fwd_invocation_fn fn, void *ctx,
                           obs_err_t *err)
{
    int r, rc = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        store_fwd_invocation_t v;
        v.request_id = text(st, 0);
        v.function = text(st, 1);
        v.log_group = text(st, 2);
        v.stream = text(st, 3);
        v.start_ts = int_or(st, 4, -1);
        v.end_ts = int_or(st, 5, -1);
        v.version = text(st, 6);
        v.error_type = text(st, 7);
        v.runtime_version = text(st, 8);
        v.xray_trace_id = text(st, 9);
        v.duration = real(st, 10);
        v.billed_duration = real(st, 11);
        v.init_duration = real(st, 12);
        v.restore_duration = real(st, 13);
        v.memory_size = int_or(st, 14, -1);
        v.max_memory_used = int_or(st, 15, -1);
        v.cold = sqlite3_column_int(st, 16);
        v.outcome = sqlite3_column_int(st, 17);
        v.emulated = sqlite3_column_int(st, 18);
        v.attempt = sqlite3_column_int(st, 19);
        if ((rc = fn(ctx, &v)))
            break;
    }
    if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
        rc = dberr(f, err, "reading invocations to forward");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int store_fwd_invocation(store_fwd_t *f, const char *request_id, store_fwd_invocation_fn fn, void *ctx,
                         obs_err_t *err)
{
    sqlite3_stmt *st = f->q[Q_INVOCATION];
    sqlite3_bind_text(st, 1, request_id, -1, SQLITE_STATIC);
    return each_invocation(f, st, fn, ctx, err);
}

int store_fwd_invocations_near(store_fwd_t *f, int64_t stream_id, int64_t ts, store_fwd_invocation_fn fn,
                               void *ctx, obs_err_t *err)
{
    sqlite3_stmt *st = f->q[Q_INV_NEAR];
    sqlite3_bind_int64(st, 1, stream_id);
    sqlite3_bind_int64(st, 2, ts);
    return each_invocation(f, st, fn, ctx, err);
}

int store_fwd_points(store_fwd_t *f, int64_t after, int64_t max_event_id, store_fwd_point_fn fn, void *ctx,
                     obs_err_t *err)
{
    sqlite3_stmt *st = f->q[Q_POINTS];
    int r, rc = 0;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, max_event_id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        store_fwd_point_t p;
        p.id = sqlite3_column_int64(st, 0);
        p.ts = sqlite3_column_int64(st, 1);
        p.event_id = sqlite3_column_int64(st, 2);
        p.function = text(st, 3);
        p.ns = text(st, 4);
        p.name = text(st, 5);
        p.unit = text(st, 6);
        p.dimensions = text(st, 7);
        p.resolution = sqlite3_column_int(st, 8);
        p.value = real(st, 9);
        p.count = sqlite3_column_int64(st, 10);
        p.sum = real(st, 11);
        p.min = real(st, 12);
        p.max = real(st, 13);
        if ((rc = fn(ctx, &p)))
            break;
    }
    if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
        rc = dberr(f, err, "reading metric points to forward");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}
