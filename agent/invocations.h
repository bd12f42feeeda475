/* agent/invocations.h — invocations merged by request id and attempt (Lambda's
 * retries of one request id: invocations.c), in whatever order
 * their lines arrive: START, END, REPORT, XRAY, timeout, crash and error
 * lines each add what they know to one invocation, kept in memory while it
 * is recent (and read back from the store when it is not), and written
 * into the open batch once per batch, at invocations_flush. The per-minute rollups are derived from the same merge:
 * when what an invocation counts as changes (a timeout line after its
 * REPORT, an invocation whose REPORT moves it to another minute), the
 * rollups get the difference, so rollups and the invocations table agree
 * whatever the order.
 *
 * What an invocation counts as, in its function's minute of end (the first
 * of END, REPORT or an outcome line to come; a later one does not move it;
 * one not ended yet counts nothing):
 * one invocation,
 * a cold start when its REPORT has an Init Duration and its environment was
 * not provisioned ahead of requests (a SnapStart restore, with a Restore
 * Duration, is not counted as one; both are kept apart by init_type), an error,
 * timeout, crash or out-of-memory kill by its outcome (the worst any of its
 * lines says), an emulated invocation when an emulator ran it. A REPORT
 * adds its durations and memory to its attempt (emulated ones: no memory). */
#ifndef OBS_AGENT_INVOCATIONS_H
#define OBS_AGENT_INVOCATIONS_H

#include "lambda/classify.h"
#include "store/store.h"

typedef struct invocations invocations_t;

/* Invocations kept in memory at most (more: the written ones are let go). */
#define INVOCATIONS_CACHE_MAX 16384

invocations_t *invocations_new(store_t *st);
void invocations_free(invocations_t *iv);

/* Forget everything not written and committed (the batch was rolled back). */
void invocations_reset(invocations_t *iv);

/* Where a line was seen, and what its stream knows besides it. */
typedef struct invocation_source {
    int64_t stream_id;
    const char *function;        /* the rollups' key (copied) */
    const char *runtime_version; /* the stream's, or NULL */
    int emulated;                /* the stream is an emulator's */
    int init_type;               /* STORE_INIT_*: this line's invocation is the
                                    first after its environment's init, which
                                    started so (0: it is not, or no init seen) */
    int ts_own;                  /* the line's time is its own (a timestamp on
                                    it or a wrapper's), not the time rule's */
    int ts_late;                 /* ... the time rule took it from a later line
                                    (the head of a stream) or its arrival */
} invocation_source_t;

/* Merge what line r (classified, at time ts) says into the invocation of
 * request id rid (r->request_id, or the one the caller gave a line
 * without): its last attempt, or the next one when r begins it. *known_ended
 * (may be NULL) gets 1 when that attempt had ended (END or REPORT) before
 * this line: a START that comes after its REPORT. 0, or a store error. */
int invocations_merge(invocations_t *iv, const invocation_source_t *src, obs_span_t rid, const lambda_line_t *r,
                      int64_t ts, int *known_ended, obs_err_t *err);

/* What the merged invocations count as so far (the rollups' sums). */
typedef struct invocations_counts {
    int64_t invocations, cold_starts, errors, timeouts, crashes, oom, emulated;
} invocations_counts_t;
const invocations_counts_t *invocations_counts(const invocations_t *iv);

/* Write the invocations changed since the last flush into the open batch
 * (before a checkpoint is put, and before retention deletes in the batch:
 * a row written after would come back); then let go of the
 * invocations kept when over INVOCATIONS_CACHE_MAX (they are read back
 * when seen again). */
int invocations_flush(invocations_t *iv, obs_err_t *err);

#endif
