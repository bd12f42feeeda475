/* store/wqueue.h — the writer's statement queue: the row writes of a batch
 * (events and their full-text entries, metric points, invocation merges,
 * stream touches) are recorded with their values and run by a second
 * thread on the store's connection, so that parsing the next lines and
 * writing the last ones use both cores. Internal to store/.
 *
 * One producer (the thread that owns the store_t) records statements; one
 * writer thread runs them in order. The connection is never used by both at
 * once: every other use of it first waits until the writer has run all it
 * was given (store__wq_sync). A statement that fails stops the writer: the
 * ones after it are dropped, and the failure is returned by every later
 * store call until the batch is rolled back (store__wq_clear_error).
 *
 * Bound: at most WQ_BLOCKS_MAX blocks of WQ_BLOCK_BYTES wait or run (the
 * producer waits when they are all full), plus one block as large as a
 * single statement's values when one does not fit (an event is at most the
 * line limit plus the multi-line event limit). */
#ifndef OBS_STORE_WQUEUE_H
#define OBS_STORE_WQUEUE_H

#include "common/err.h"
#include "common/obs.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define WQ_BLOCK_BYTES (16 * 1024)
#define WQ_BLOCKS_MAX 64

typedef struct store_wq store_wq_t;

/* A queue that runs statements of stmts[] on db. threaded = 0 runs each
 * statement as soon as it is recorded (same code, one thread): obsagent's
 * OBS_WRITER_THREAD=0, and SQLite builds without thread support. The runs
 * of stmts[counted] that succeed are counted (the store: its COMMITs). */
store_wq_t *store__wq_new(sqlite3 *db, sqlite3_stmt **stmts, int threaded, int counted);
/* Wait for the writer, stop it, free everything. */
void store__wq_free(store_wq_t *q);
int store__wq_threaded(const store_wq_t *q);

/* Record one statement: start (stmt is an index into stmts[], what says
 * what it does for an error message: a string literal), its values in
 * parameter order (?1, ?2, ...), end. The values are copied. start returns
 * the pending failure, if any (then nothing is recorded). */
int store__wq_start(store_wq_t *q, int stmt, const char *what, obs_err_t *err);
void store__wq_null(store_wq_t *q);
void store__wq_int(store_wq_t *q, int64_t v);
void store__wq_real(store_wq_t *q, double v);      /* NaN: NULL */
void store__wq_text(store_wq_t *q, const char *p, size_t len);
void store__wq_str(store_wq_t *q, const char *s);  /* NULL: NULL */
void store__wq_span(store_wq_t *q, obs_span_t v);  /* empty: NULL */
void store__wq_blob(store_wq_t *q, const void *p, size_t len);
void store__wq_end(store_wq_t *q);

/* Hand every statement recorded so far to the writer now, without waiting
 * for it (else the last ones wait for their block to fill or a sync). */
void store__wq_give(store_wq_t *q);
/* Wait until every recorded statement ran; then the connection is the
 * caller's until the next start. Returns the first failure since the last
 * clear (OBS_EBUSY, OBS_EFULL or OBS_EDB, as store__dberr words them), or 0.
 * err may be NULL. */
int store__wq_sync(store_wq_t *q, obs_err_t *err);
/* Forget a failure (the batch it broke was rolled back). */
void store__wq_clear_error(store_wq_t *q);
/* Successful runs of stmts[counted] so far (any thread may ask). */
int64_t store__wq_counted(const store_wq_t *q);
/* Statements recorded since the last clear_count (store_txn_idle). */
int64_t store__wq_count(const store_wq_t *q);
void store__wq_clear_count(store_wq_t *q);

#endif
