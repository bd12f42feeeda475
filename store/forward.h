/* store/forward.h — what the ClickHouse forwarder (agent/forward/) reads
 * from the store and the one thing it writes there: its watermark, the
 * forward_state table of schema v9. It runs in a thread of its own with a
 * connection of its own (store_fwd_open): it reads committed rows only (a
 * read transaction is a snapshot) and writes only its own table, in
 * transactions of a few microseconds; the agent's writer waits for them
 * like for any lock (busy timeout), never the other way round for long. */
#ifndef OBS_STORE_FORWARD_H
#define OBS_STORE_FORWARD_H

#include "common/err.h"
#include "common/obs.h"

#include <stdint.h>

typedef struct store_fwd store_fwd_t;

/* Open the forwarder's connection to an existing store at the current
 * schema version (the agent opened and migrated it first). */
int store_fwd_open(const char *db_path, store_fwd_t **out, obs_err_t *err);
void store_fwd_close(store_fwd_t *f);

typedef struct store_fwd_state {
    char agent[128];          /* this store's name in ClickHouse's rows */
    int64_t event_id;         /* events with ids up to here are acknowledged */
    int64_t point_id;         /* metric points likewise */
    int64_t forwarded;        /* events acknowledged in all */
} store_fwd_state_t;

/* The state of target (the URL without its password), created with
 * new_agent when the store has none for it (a store has one agent name for
 * all its targets: an existing one is reused). */
int store_fwd_state_get(store_fwd_t *f, const char *target, const char *new_agent, store_fwd_state_t *out,
                        obs_err_t *err);
/* ClickHouse acknowledged everything up to event_id / point_id (n more events). */
int store_fwd_ack(store_fwd_t *f, const char *target, int64_t event_id, int64_t point_id, int64_t n,
                  int64_t now_ms, obs_err_t *err);
/* The forwarder's state for --status: "ok", "retrying" (with the error), "stopped". */
int store_fwd_note(store_fwd_t *f, const char *target, const char *state, const char *error, int64_t now_ms,
                   obs_err_t *err);

/* Reads between begin and end see one snapshot of what is committed. */
int store_fwd_read_begin(store_fwd_t *f, obs_err_t *err);
void store_fwd_read_end(store_fwd_t *f);

/* One event with its stream's names. Strings are NULL when the column is;
 * borrowed until the callback returns. Reals are NAN when NULL; has_* say
 * whether an integer column is set. */
typedef struct store_fwd_event {
    int64_t id, ts, ingest_ts, stream_id;
    const char *function, *log_group, *stream;
    int kind, flags;
    const char *type, *request_id, *level;
    const char *message;
    int message_len;
    double duration, billed_duration, init_duration, restore_duration, billed_restore_duration;
    int64_t memory_size, max_memory_used;
    int has_memory_size, has_max_memory_used;
    const char *xray_trace_id, *xray_segment_id, *status, *error_type, *throttle;
    int outcome, has_outcome;
    const char *json;         /* the JSON object at the message's tail, or NULL */
    int json_len;
    int emf, has_emf;
    const char *emf_error;
} store_fwd_event_t;

typedef int (*store_fwd_event_fn)(void *ctx, const store_fwd_event_t *ev);

/* The events with ids in (after, upto], at most limit of them, in id
 * order; upto 0 = no bound. */
int store_fwd_events(store_fwd_t *f, int64_t after, int64_t upto, int limit, store_fwd_event_fn fn, void *ctx,
                     obs_err_t *err);
/* The one event of this id (fn not called when there is none). */
int store_fwd_event(store_fwd_t *f, int64_t id, store_fwd_event_fn fn, void *ctx, obs_err_t *err);
/* The event of the stream before id (among the 10,000 ids before it): its
 * id and kind in *prev_id and *kind (0 and -1 when none). */
int store_fwd_prev_in_stream(store_fwd_t *f, int64_t stream_id, int64_t id, int64_t *prev_id, int *kind,
                             obs_err_t *err);
/* The largest event id (0 when there is none). */
int store_fwd_max_event(store_fwd_t *f, int64_t *max_id, obs_err_t *err);

typedef struct store_fwd_invocation {
    const char *request_id, *function, *log_group, *stream;
    int64_t start_ts, end_ts;          /* -1 when NULL */
    const char *version, *error_type, *runtime_version, *xray_trace_id;
    double duration, billed_duration, init_duration, restore_duration;
    int64_t memory_size, max_memory_used;   /* -1 when NULL */
    int cold, outcome, emulated;
    int attempt;                       /* 1, 2, ...: Lambda's retries of the request id */
} store_fwd_invocation_t;

typedef int (*store_fwd_invocation_fn)(void *ctx, const store_fwd_invocation_t *inv);

/* The invocations of a request id (one per attempt). */
int store_fwd_invocation(store_fwd_t *f, const char *request_id, store_fwd_invocation_fn fn, void *ctx,
                         obs_err_t *err);
/* The invocations of a stream that a line at ts without a request id may
 * have changed: in flight, or ended within 15 minutes of ts. */
int store_fwd_invocations_near(store_fwd_t *f, int64_t stream_id, int64_t ts, store_fwd_invocation_fn fn,
                               void *ctx, obs_err_t *err);

typedef struct store_fwd_point {
    int64_t id, ts, event_id;
    const char *function, *ns, *name, *unit, *dimensions;
    int resolution;
    double value;             /* NaN: a statistic set (no value) */
    int64_t count;            /* observations the row stands for */
    double sum, min, max;     /* NaN: derived (value * count, value, value) */
} store_fwd_point_t;

typedef int (*store_fwd_point_fn)(void *ctx, const store_fwd_point_t *p);

/* Metric points with ids after `after` whose events have ids up to
 * max_event_id, in id order (points are stored with their event, so in
 * the same order). */
int store_fwd_points(store_fwd_t *f, int64_t after, int64_t max_event_id, store_fwd_point_fn fn, void *ctx,
                     obs_err_t *err);

#endif
