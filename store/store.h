/* store/store.h — the SQLite store: open (writer or read-only), schema
 * migrations, the batch writer (events + full-text index, invocations,
 * per-minute rollups, source checkpoints and agent counters committed in one
 * transaction), and read helpers (summaries, EMF series, the all-time
 * totals that /metrics serves).
 *
 * One writer (obsagent), many readers (obsq, obstop) in WAL mode. All values
 * handed to the writer are copied or bound before the call returns. */
#ifndef OBS_STORE_H
#define OBS_STORE_H

#include "common/err.h"
#include "common/obs.h"
#include "common/sketch.h"

#include <stdint.h>

typedef struct store store_t;
struct sqlite3;

typedef struct store_opts {
    int batch_rows;      /* commit after this many events (default 50,000) */
    int batch_ms;        /* ... or when the open transaction is this old (default 1000) */
} store_opts_t;

#define STORE_BATCH_ROWS_DEFAULT 50000
#define STORE_BATCH_MS_DEFAULT 1000

/* events.flags bits (documented in docs/schema.md) */
enum store_event_flag {
    EVF_TRUNCATED = 1,        /* longer than the line limit; the rest was dropped */
    EVF_INVALID_UTF8 = 2,     /* stored byte-exact, but is not valid UTF-8 */
    EVF_NUL = 4,              /* NUL bytes replaced by U+2400 in message; raw has the bytes */
    EVF_NO_NEWLINE = 8,       /* last line of its input, without a newline */
    EVF_TIME_INHERITED = 16,  /* no time of its own: the previous timed line's */
    EVF_TIME_ARRIVAL = 32,    /* no time of its own and none before: arrival time */
    EVF_TIME_FROM_NEXT = 128, /* at the head of its stream: the first timed line's time */
    EVF_TIME_ABSURD = 256,    /* before 2000, or over a day past its arrival (common/timesane.h) */
};
#define EVF_TIME_ABSURD_BIT 256   /* the same, for SQL text (OBS_STR) */

/* The events.kind values (lambda_kind_t, lambda/classify.h) that SQL text
 * names: a partial index's condition and the queries that use it must
 * spell the same number (OBS_STR). agent/pipeline.c, which knows both,
 * asserts at compile time that they agree with the classifier's enum. */
#define STORE_KIND_PLAIN 0
#define STORE_KIND_APP 1
#define STORE_KIND_REPORT 4
#define STORE_KIND_TIMEOUT 10
#define STORE_KIND_RUNTIME_EXIT 11
#define STORE_KIND_ERROR_TYPE 12

/* invocations.init_type (v9): how the execution environment an invocation
 * was the first of was initialised (NULL, 0 here: not a first invocation,
 * or nothing said so). Named in SQL, hence numbers. */
#define STORE_INIT_ON_DEMAND 1      /* with its first request (user-facing when its REPORT has an Init Duration) */
#define STORE_INIT_PROVISIONED 2    /* provisioned concurrency: ahead of any request */
#define STORE_INIT_SNAP_START 3     /* restored from a SnapStart snapshot */

/* invocations.timing (v9) bits: how its times were learnt. A time that is
 * its line's own is exact to the line; else the time rule gave it
 * (docs/formats.md): the time of a line before it, which can only be
 * earlier than the truth, or, at the head of a stream (and for a line
 * stored at its arrival), the time of a line after it, which can only be
 * later. */
#define STORE_TIMING_START 1        /* start_ts: the START / platform.start line's own */
#define STORE_TIMING_END 2          /* end_ts: the REPORT (END, outcome) line's own */
#define STORE_TIMING_START_LATE 4   /* start_ts: from a later line (or arrival) */
#define STORE_TIMING_END_LATE 8     /* end_ts: from a later line (or arrival) */

/* One event row. Spans are borrowed for the call. NAN / -1 / {NULL,0} = NULL. */
typedef struct store_event {
    int64_t ts_ms, ingest_ms, stream_id;
    int kind;                 /* lambda_kind_t */
    const char *type;         /* @type or NULL */
    obs_span_t request_id;
    const char *level;        /* normalised level name or NULL */
    obs_span_t message;
    int flags;
    double duration, billed_duration;
    int64_t memory_size, max_memory_used;           /* bytes */
    double init_duration, restore_duration, billed_restore_duration;
    obs_span_t xray_trace_id, xray_segment_id, status, error_type;
    int outcome;              /* lambda_outcome_t; 0 stored as NULL */
    const char *throttle;
    int64_t json_at;          /* byte offset of the embedded JSON object in
                                 message (it runs to the end), or -1 */
    obs_span_t raw;           /* original bytes when message had to be altered */
    int full_text;            /* 1: add the message to events_fts */
    int emf;                  /* emf_status_t; 0 (not EMF) stored as NULL */
    const char *emf_error;    /* reasons, one per line, or NULL */
} store_event_t;

/* What one line adds to an invocation row (merged, see SQL_INVOCATION_UPSERT). */
typedef struct store_invocation {
    obs_span_t request_id;
    int64_t stream_id;
    int64_t start_ts, end_ts;                 /* -1 = unknown */
    obs_span_t version, error_type, xray_trace_id;
    const char *runtime_version;
    double duration, billed_duration, init_duration, restore_duration;  /* NAN */
    int64_t memory_size, max_memory_used;     /* bytes, -1 */
    int cold;
    int outcome;
    int emulated;                             /* run by SAM local / the runtime emulator */
    int init_type;                            /* STORE_INIT_*, 0 = NULL */
    int timing;                               /* STORE_TIMING_* bits */
    int attempt;                              /* 1, 2, ...: Lambda's retries of the request id */
} store_invocation_t;

/* An invocation as stored (store_invocation_get): what a merge starts from. */
typedef struct store_invocation_row {
    int64_t stream_id, start_ts, end_ts;      /* -1 = unknown */
    double duration, billed_duration, init_duration, restore_duration;  /* NAN */
    int64_t memory_size, max_memory_used;     /* bytes, -1 */
    int cold, outcome, emulated;
    int init_type, timing;                    /* STORE_INIT_* (0 = NULL), STORE_TIMING_* bits */
    int attempt;                              /* 1, 2, ... */
    char version[64], error_type[128], xray_trace_id[64];   /* "" = none */
} store_invocation_row_t;

/* What one event adds to its function's minute. */
typedef struct store_rollup_delta {
    int events, error_lines, invocations, errors, timeouts, crashes, oom;
    int cold_starts, throttle_signals;
    int emf_documents, emf_parsing_errors, emf_validation_errors;
    int emulated;                                /* invocations run by an emulator */
    double duration, billed, gb_seconds, init;   /* NAN when absent */
    int64_t max_memory_used, memory_size;        /* bytes, -1 */
} store_rollup_delta_t;

/* What a metric point gives of sum, min and max itself (else derived from
 * its value: value * count, value, value). */
enum { STORE_POINT_SUM = 1, STORE_POINT_MIN = 2, STORE_POINT_MAX = 4 };

/* One EMF metric point with its series identity (namespace, name, unit,
 * resolution, dimensions): `count` observations of `value` (a plain value
 * when count is 1), or a statistic set (stats 1: no value, so nothing for
 * the quantile sketch). sum, min and max are used where `given` says so; a
 * statistic set gives all three. */
typedef struct store_metric_point {
    const char *ns, *name, *unit;
    int resolution;
    const char *dimensions;   /* canonical JSON object, keys sorted: {"k":"v"} */
    int64_t ts_ms;
    double value;
    int64_t count;            /* observations; 0 is taken as 1 for a value */
    int stats;                /* 1: a statistic set (value unused) */
    unsigned given;           /* STORE_POINT_* bits */
    double sum, min, max;
} store_metric_point_t;

/* A file's checkpoint: what the file is and how far it was read. A file is
 * known by (dev, ino), confirmed by its content: the hash of its first
 * bytes and the hash of the bytes just before offset (agent/tail/tail_ident.c
 * holds the rule). One row per (dev, ino). */
typedef struct store_source {
    int64_t dev, ino;
    uint64_t fingerprint;      /* hash of the first fingerprint_len bytes */
    int64_t fingerprint_len;
    uint64_t window_fp;        /* hash of the window_len bytes that end at offset */
    int64_t window_len;
    int64_t offset;            /* read and stored up to here */
    int64_t size;              /* the file's size when last looked at */
    int64_t stream_id;
    int64_t updated_ms;        /* the file's mtime when last looked at (follow mode), or
                                  when it was put (0 given: now) */
    int rotated;               /* its path names another file now (or none) */
} store_source_t;

/* ---- open / close ------------------------------------------------------ */

/* Open (creating if needed) a store for writing, migrate it to the current
 * schema. opts may be NULL for defaults. */
int store_open(const char *path, const store_opts_t *opts, store_t **out, obs_err_t *err);

/* Open an existing store read-only (never writes, never migrates). */
int store_open_readonly(const char *path, store_t **out, obs_err_t *err);

/* The pid written in the store's writer lock (<db>-lock), or 0: the writer
 * that holds it, or the last one if it ended without a clean stop (a
 * reader checks that the pid is alive). store_open takes the lock and fails
 * with OBS_EBUSY, naming the holder, while another writer has it. */
long store_writer_pid(const char *db_path);

/* Commit what is pending (writer) and close. NULL is a no-op. */
int store_close(store_t *st, obs_err_t *err);

/* The connection, for read helpers in other modules. */
struct sqlite3 *store_db(store_t *st);

/* Register the obsword FTS5 tokenizer on a connection (store_open* do it). */
int store_register_tokenizer(struct sqlite3 *db, obs_err_t *err);

/* ---- writer ------------------------------------------------------------ */

/* Find or create a stream; returns its id in *id_out and the runtime version
 * known for it (or NULL; borrowed until the next call) in *rtv_out. */
int store_stream_id(store_t *st, const char *function, const char *log_group,
                    const char *stream, int64_t *id_out, obs_err_t *err);
int store_stream_touch(store_t *st, int64_t id, int64_t first_ts, int64_t last_ts,
                       const char *runtime_version, obs_err_t *err);

int store_event_append(store_t *st, const store_event_t *ev, int64_t *rowid_out, obs_err_t *err);
int store_invocation_merge(store_t *st, const store_invocation_t *inv, obs_err_t *err);
/* Give event id (a REPORT) the X-Ray ids of the XRAY line after it, unless
 * it has its own. */
int store_event_set_xray(store_t *st, int64_t event_id, obs_span_t trace_id, obs_span_t segment_id,
                         obs_err_t *err);
/* The stored invocation of a request id, its last attempt (the open batch's
 * writes included): *found 1 with *out filled, or 0. 0, or OBS_EDB. */
int store_invocation_get(store_t *st, obs_span_t request_id, store_invocation_row_t *out, int *found,
                         obs_err_t *err);
/* Call fn with each stored request id, up to max of them: *complete is 1
 * when that was all, 0 when the store holds more (fn saw max). */
int store_invocation_ids(store_t *st, int64_t max, void (*fn)(void *ctx, const char *rid, size_t len),
                         void *ctx, int *complete, obs_err_t *err);
void store_rollup_add(store_t *st, const char *function, int64_t ts_ms,
                      const store_rollup_delta_t *d);

/* Store a metric point of event_id (emitted by `function`), and count it into
 * its series' minute (count, sum, min, max, quantile sketch). */
int store_metric_point_add(store_t *st, const char *function, int64_t event_id,
                           const store_metric_point_t *p, obs_err_t *err);
void store_counter_add(store_t *st, const char *name, int64_t delta);

/* The checkpoint of the file (dev, ino); found_out = 0 when it has none.
 * path_out (may be NULL): the name it was last seen under, malloc'd. */
int store_source_find(store_t *st, int64_t dev, int64_t ino, store_source_t *out, char **path_out,
                      int *found_out, obs_err_t *err);
/* Put (insert or replace) the checkpoint of the file src->dev/src->ino,
 * seen under path. */
int store_source_put(store_t *st, const char *path, const store_source_t *src, obs_err_t *err);
int store_source_delete(store_t *st, int64_t dev, int64_t ino, obs_err_t *err);

/* Every checkpoint: fn(ctx, path, src) for each, by path; stops at fn's
 * first non-zero. */
int store_sources_each(store_t *st, int (*fn)(void *ctx, const char *path, const store_source_t *src),
                       void *ctx, obs_err_t *err);

/* Record what could not be read: a file and the bytes known lost (the
 * newest 1,000 records are kept; obsagent --status lists them). Joins the
 * open batch. */
int store_missed_add(store_t *st, const char *path, int64_t bytes, const char *reason, obs_err_t *err);

/* Start the write transaction now (it is otherwise started by the first
 * write): fails with OBS_EBUSY when another connection holds the write lock
 * past the busy timeout. No-op when one is open. */
int store_begin(store_t *st, obs_err_t *err);
/* Is a write transaction open? */
int store_in_txn(const store_t *st);
/* Is a write transaction open with nothing written or pending in it? */
int store_txn_idle(const store_t *st);
/* How long a write waits for another connection's lock (default 5000 ms). */
void store_set_busy_timeout(store_t *st, int ms);

/* A bulk import: when input_bytes is at least STORE_DEFER_BYTES_PER_EVENT
 * times the events the store holds, drop the indexes by time of events,
 * invocations and metric points (events_ts, events_report, invocations_time,
 * invocations_failed, invocations_cold, metric_points_ts: each insert lands
 * anywhere in them) and name
 * them in deferred_index, in a transaction of their own; *deferred_out = 1
 * then, and also when a killed import left them to build. store_build_deferred
 * builds what deferred_index names, sorting once (*built_out: how many).
 * Both run between batches (after store_commit; else an error). Queries
 * meanwhile scan where they would have used the indexes. */
#define STORE_DEFER_BYTES_PER_EVENT 200
int store_defer_time_indexes(store_t *st, int64_t input_bytes, int *deferred_out, obs_err_t *err);
int store_build_deferred(store_t *st, int64_t *built_out, obs_err_t *err);

/* Commit when the batch is full (batch_rows) or old (batch_ms). Call only at
 * a point where every pending row's checkpoint has been put. */
int store_maybe_commit(store_t *st, obs_err_t *err);
/* Commit now (no-op when nothing is pending). */
int store_commit(store_t *st, obs_err_t *err);
/* A bulk import's commits: the batch's COMMIT and the next batch's BEGIN
 * are given to the writer thread, and this thread goes on reading while it
 * runs them. The next batch is open at once (its rows take the ids after
 * this one's). A failure of either is returned by a later store call; what
 * must not be acknowledged before it is stored waits for store_commit or
 * for store_commits() to move. Without a writer thread both run before it
 * returns. */
int store_commit_async(store_t *st, obs_err_t *err);
int store_maybe_commit_async(store_t *st, obs_err_t *err);
/* Drop the open batch (after an error, so that no row is kept without its
 * checkpoint). */
void store_rollback(store_t *st);
/* Batches committed since the store was opened (counted when their COMMIT
 * ran): a change says that what was appended before it is durable. */
int64_t store_commits(const store_t *st);

/* ---- retention (store/retention.c) ------------------------------------- */

typedef struct store_retention_counts {
    int64_t events, points, invocations, rollups;  /* rows deleted */
} store_retention_counts_t;

/* Delete, in the open write transaction (started if needed), at most about
 * `limit` rows of each table that are older than cutoff_ms (any ms):
 * events (ts, with their full-text entries; the events of the last
 * millisecond taken are all taken), metric points (ts), invocations (end,
 * else start; one with neither is kept), per-minute rollups of functions and
 * metrics and hourly rollups whose whole minute or hour is before the
 * cutoff (a minute cut in two keeps its rollup: the counts of all of it,
 * and in its evicted column how many of its events were deleted; so does
 * its hour). *done = 1 when nothing older than the cutoff is left. */
int store_retention_delete(store_t *st, int64_t cutoff_ms, int limit, store_retention_counts_t *del,
                           int *done, obs_err_t *err);

/* The time just after the n oldest events (so that deleting what is
 * before it takes them, and the others of the n-th's millisecond); -1 when
 * there is no event. */
int store_events_bound(store_t *st, int n, int64_t *bound, obs_err_t *err);

/* Delete at most about `limit` events of absurd time (EVF_TIME_ABSURD) that
 * arrived before arrived_before_ms, the first arrived first, with their
 * full-text entries (counted in their minutes' and hours' evicted);
 * *deleted: how many; *done = 1 when none is left. */
int store_retention_delete_absurd(store_t *st, int64_t arrived_before_ms, int limit, int64_t *deleted,
                                  int *done, obs_err_t *err);

/* Time of the oldest event or metric point (ms), -1 when there is none. */
int store_oldest_ms(store_t *st, int64_t *out, obs_err_t *err);

typedef struct store_size {
    int64_t file_bytes;   /* pages of the database (as the writer sees it) */
    int64_t used_bytes;   /* of which in use (not on the free list) */
    int64_t wal_bytes;    /* the -wal file */
} store_size_t;
int store_size(store_t *st, store_size_t *out, obs_err_t *err);

/* Keep the WAL near `bytes`: checkpoint at that size and truncate the file
 * back to it after a checkpoint (never above the writer's default). */
int store_limit_wal(store_t *st, int64_t bytes, obs_err_t *err);

/* Over a limit set by store_limit_wal, the WAL can still grow while a
 * reader holds an old snapshot (a checkpoint cannot start it over). Past
 * STORE_WAL_OVER times that limit, try a checkpoint that waits for the
 * readers (for the busy timeout) and truncates: 1 when the WAL is still
 * over (*wal_bytes: its size; the writer should wait), 0 when not. Outside
 * a transaction only. */
#define STORE_WAL_OVER 4
int store_wal_blocked(store_t *st, int64_t *wal_bytes);

/* ---- read helpers ------------------------------------------------------ */

typedef struct store_fn_summary {
    char function[128];
    int64_t events, invocations, errors, timeouts, crashes, oom, cold_starts;
    int64_t throttle_signals, error_lines;
    double p50_ms, p99_ms, max_ms, avg_init_ms;   /* NAN when no invocation */
    int64_t max_memory_used, memory_size;         /* bytes, -1 when unknown */
    double gb_seconds;
    int64_t first_ts, last_ts;
    int64_t emulated;         /* invocations run by an emulator (SAM local, the RIE) */
    int64_t evicted;          /* of the events, deleted by retention (rollups kept) */
} store_fn_summary_t;

/* Which functions and minutes a summary covers. */
typedef struct store_summary_filter {
    int64_t since_ms, until_ms;       /* [since, until); -1 = open. Whole minutes. */
    const char *const *functions;     /* only these (nfunctions > 0), else every one */
    int nfunctions;
} store_summary_filter_t;

/* Per-function summary over f (NULL: the whole store), ordered by function
 * name. *out is a malloc'd array of *n entries (free()). */
int store_summary(store_t *st, const store_summary_filter_t *f, store_fn_summary_t **out, int *n,
                  obs_err_t *err);

/* Which metric series to read, and over which minutes. */
typedef struct store_metric_filter {
    int64_t since_ms, until_ms;   /* [since, until); -1 = open. Whole minutes. */
    const char *ns, *name, *function;  /* NULL = any */
    const char *const *functions; /* emitted by one of these (nfunctions > 0), else any */
    int nfunctions;
    const char *const *dims;      /* "key=value" strings the series must have */
    int ndims;
} store_metric_filter_t;

typedef struct store_metric_series {
    char *ns, *name, *unit, *dimensions;  /* owned */
    int resolution;
    int64_t count;
    double sum, min, max, p50, p90, p99;  /* quantiles within 1% (sketch) */
} store_metric_series_t;

/* Series matching f with aggregates over f's minutes, ordered by namespace,
 * name, dimensions; series without a point in range are left out. */
int store_metric_series_list(store_t *st, const store_metric_filter_t *f,
                             store_metric_series_t **out, int *n, obs_err_t *err);
void store_metric_series_free(store_metric_series_t *v, int n);

typedef struct store_emf_error {
    char *function, *reason;   /* owned */
    int status;                /* emf_status_t: 2 parse error, 3 invalid */
    int64_t count;             /* documents with this reason text */
} store_emf_error_t;

/* EMF documents stored with errors, grouped by function, status and reason,
 * in [since, until) (-1 = open). */
int store_emf_errors_list(store_t *st, int64_t since_ms, int64_t until_ms,
                          store_emf_error_t **out, int *n, obs_err_t *err);
void store_emf_errors_free(store_emf_error_t *v, int n);

/* ---- invocations and environments as time spans (store/spans.c) ---------- */
/* What concurrency is computed from (common/concur.h); docs/concurrency.md
 * says how each span is made and how exact it is for each kind of input. */

/* The longest an invocation runs (Lambda's 900 s timeout) with a margin for
 * its lines' times: an invocation not ended is open at most this long. */
#define STORE_SPAN_MAX_MS (16 * 60 * 1000LL)
/* How long an execution environment counts as alive after its last line:
 * idle, not yet reaped (Lambda does not say when it reaps one). */
#define STORE_ENV_IDLE_MS (5 * 60 * 1000LL)

enum store_span_flag {
    STORE_SPAN_EXACT = 1,     /* from its lines' own times (else the time rule's) */
    STORE_SPAN_OPEN = 2,      /* not ended: open until the query's now, capped */
    STORE_SPAN_EMULATED = 4,  /* run by an emulator: left out of capacity figures */
};

/* One invocation. */
typedef struct store_inv_span {
    int64_t start, end;       /* [start, end), ms: from START to REPORT, or end - Duration */
    int64_t at;               /* where its counts are (as the rollups count it): its end, else its start */
    double duration, billed;  /* ms; NAN without a REPORT */
    int64_t memory_size;      /* bytes, -1 */
    int32_t fn;               /* index into store_spans_t.functions */
    int32_t env;              /* index into store_spans_t.envs: its stream, -1 */
    uint8_t init_type;        /* STORE_INIT_*, 0 */
    uint8_t cold;             /* a cold start a request waited for (on demand, Init Duration) */
    uint8_t outcome;          /* lambda_outcome_t */
    uint8_t flags;            /* STORE_SPAN_* */
} store_inv_span_t;

/* One execution environment (a log stream). */
typedef struct store_env_span {
    int64_t start, end;       /* [its first line, its last line + STORE_ENV_IDLE_MS) */
    int64_t stream_id;
    int32_t fn;
    int emulated;             /* an emulated invocation of the range ran in it */
} store_env_span_t;

typedef struct store_spans {
    char **functions;         /* owned, in name order */
    int nfunctions;
    store_inv_span_t *inv;    /* every invocation open at some instant of the range */
    size_t ninv;
    store_env_span_t *envs;   /* every environment alive at some instant of it */
    size_t nenvs;
} store_spans_t;

typedef struct store_spans_query {
    int64_t since, until;     /* the range, ms: [since, until) */
    const char *const *functions;   /* only these (nfunctions > 0), else every one */
    int nfunctions;
    int64_t now;              /* an invocation not ended is open until now (at most
                                 STORE_SPAN_MAX_MS after its start) */
} store_spans_query_t;

/* The invocations and environments of q's functions open at some instant
 * of q's range, read from the invocations (by their time) and streams. */
int store_spans_read(store_t *st, const store_spans_query_t *q, store_spans_t *out, obs_err_t *err);
void store_spans_free(store_spans_t *s);

/* ---- concurrency per function now (store/spans.c) ----------------- */
/* For obstop and /metrics: each function's concurrent executions at an
 * instant and their peak over a window (and per bucket of it), from the
 * spans above (emulated invocations left out), and the account-wide total
 * the same way. */

typedef struct store_concurrency_query {
    int64_t since, until;     /* the window [since, until), ms */
    int64_t now;              /* the instant of `level` (and the spans' now) */
    int nbuckets;             /* > 0: peaks per bucket of (until - since) / nbuckets */
} store_concurrency_query_t;

/* One bucket: the peak, and the environments' first invocations by how
 * they started, counted where the rollups count an invocation (its end,
 * else its start). */
typedef struct store_conc_bucket {
    int32_t peak;
    int32_t on_demand;        /* cold starts a request waited for (an Init Duration) */
    int32_t provisioned;      /* first invocations of provisioned environments */
    int32_t snap_start;       /* first invocations after a SnapStart restore */
    int32_t exact, estimated; /* invocations timed by their lines' own times / by the time rule
                                 (emulated ones left out), counted as the kinds are */
} store_conc_bucket_t;

typedef struct store_fn_concurrency {
    char *function;           /* owned; NULL in the account-wide row */
    int32_t level;            /* in flight at now (open at its last millisecond) */
    int32_t peak;             /* the highest in the window */
    store_conc_bucket_t *buckets;   /* owned, nbuckets, or NULL */
} store_fn_concurrency_t;

typedef struct store_concurrency {
    store_fn_concurrency_t *fns;   /* in name order, every function with a span in the window */
    int nfns;
    store_fn_concurrency_t all;    /* the account: every function's invocations together */
    int nbuckets;
    size_t exact, estimated;  /* invocations timed by their lines / by the time rule */
} store_concurrency_t;

int store_concurrency_read(store_t *st, const store_concurrency_query_t *q, store_concurrency_t *out, obs_err_t *err);
void store_concurrency_free(store_concurrency_t *c);
/* The row of function (NULL when it had no span in the window). */
const store_fn_concurrency_t *store_concurrency_of(const store_concurrency_t *c, const char *function);

/* ---- totals over all time (Prometheus /metrics) -------------------------- */

/* One function's counts since the store began (sums of rollup_hour, which
 * the writer fills with every minute's: counters that only grow). */
typedef struct store_fn_totals {
    char *function;           /* owned */
    int64_t events, error_lines, invocations, errors, timeouts, crashes, oom;
    int64_t cold_starts, throttle_signals;
    int64_t emf_documents, emf_parsing_errors, emf_validation_errors;
    double duration_sum, billed_sum, init_sum;   /* milliseconds */
    double gb_seconds;
    sketch_t duration, init;  /* every REPORT duration / init duration, ms */
} store_fn_totals_t;

/* One EMF series' points since the store began; series that differ only in
 * storage resolution are added together. */
typedef struct store_metric_totals {
    char *ns, *name, *unit, *dimensions;   /* owned; dimensions canonical JSON */
    int64_t count;
    double sum;
} store_metric_totals_t;

typedef struct store_counter_value {
    char *name;               /* owned */
    int64_t value;
} store_counter_value_t;

typedef struct store_totals {
    store_fn_totals_t *fns;   /* by function name */
    int nfns;
    store_metric_totals_t *metrics;  /* by namespace, name, unit, dimensions */
    int nmetrics;
    store_counter_value_t *counters; /* agent_counters, by name */
    int ncounters;
    int64_t fns_cut, metrics_cut;    /* functions and EMF series left out (max_series) */
} store_totals_t;

/* Read every total in one read transaction (a consistent snapshot), from
 * rollup_hour, metric_rollup_minute and agent_counters only: O(functions x
 * hours + series x minutes), never the events. At most max_series
 * functions and max_series EMF series (the first by name; 0: no limit):
 * the others are only counted, in fns_cut and metrics_cut. */
int store_totals_read(store_t *st, int max_series, store_totals_t *out, obs_err_t *err);
void store_totals_free(store_totals_t *t);

#endif
