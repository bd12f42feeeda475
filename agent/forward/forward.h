/* agent/forward/forward.h — the ClickHouse forwarder of obsagent
 * (--forward clickhouse://...): a thread that ships what the store has
 * committed — events, invocations, EMF metric points — to ClickHouse's HTTP
 * interface, from a watermark kept in the store (store/forward.h) and
 * advanced only after ClickHouse acknowledged. A batch sent again (after a
 * crash, a timeout) replaces itself: the tables are ReplacingMergeTree
 * keyed by this store's agent name and the local ids, read with FINAL.
 * While ClickHouse cannot take a batch, forwarding waits and retries with
 * backoff; the store is the buffer. docs/scale-out.md has the schema. */
#ifndef OBS_AGENT_FORWARD_H
#define OBS_AGENT_FORWARD_H

#include "common/err.h"

#include <stdint.h>

typedef struct forward_opts {
    const char *url;          /* clickhouse://[user[:password]@]HOST:PORT/DATABASE */
    const char *db_path;      /* the store (opened and migrated by the agent first) */
    int64_t retention_ms;     /* --retention: ClickHouse keeps as long (0: forever) */
    int batch_events;         /* events per INSERT (0: FORWARD_BATCH_DEFAULT) */
} forward_opts_t;

#define FORWARD_BATCH_DEFAULT 50000

typedef struct forward forward_t;

/* Check the URL, connect, create or migrate the tables, and start the
 * thread. An unreachable ClickHouse is not an error here: the thread
 * retries (said on stderr); a bad URL or a refused schema is. */
int forward_start(const forward_opts_t *o, forward_t **out, obs_err_t *err);
/* --once: wait until everything committed so far is acknowledged, at most
 * timeout_ms. 0; or OBS_EIO with how many events are left (they stay in the
 * store for the next run). */
int forward_drain(forward_t *f, int64_t timeout_ms, obs_err_t *err);
/* What this run shipped so far: events (each once, not counting rows sent
 * again), invocation and metric point rows acknowledged since
 * forward_start, and the milliseconds from the start to the last
 * acknowledgement. */
typedef struct forward_progress {
    int64_t events, invocations, points;
    int64_t ms;
} forward_progress_t;
void forward_progress(forward_t *f, forward_progress_t *out);

/* Stop the thread (after the statement in flight) and free. NULL: no-op. */
void forward_stop(forward_t *f);

/* The URL without its password (for messages), valid while f lives. */
const char *forward_target(const forward_t *f);

#endif
