/* query/run_split.h — runs a query in parts on several threads, each part
 * on its own read-only connection, when the plan allows it (emit_sql.h:
 * query_split_t) and the store is large enough to gain from it. */
#ifndef OBS_QUERY_RUN_SPLIT_H
#define OBS_QUERY_RUN_SPLIT_H

#include "query/ast.h"
#include "query/run.h"
#include "query/sqlfuncs/sqlfuncs.h"

/* Without --threads: split only stores of at least this many events, and
 * queries narrowed through the full-text index only when it has at least
 * this many candidates; one thread per CPU, at most SPLIT_MAX_THREADS.
 * Below these a helper's connection (opening, its cold page cache) costs
 * more than the share of the work it takes: 3,000 candidates take ~6 ms
 * here in one thread and ~4 ms more in two. */
#define SPLIT_MIN_EVENTS 100000
#define SPLIT_MIN_CANDIDATES 20000
#define SPLIT_MAX_THREADS 4

typedef struct query_split_opts {
    const char *db_path;          /* the store, opened again by each thread */
    const query_sqlctx_t *ctx;    /* the SQL functions' context (sqlfuncs.h) */
    int threads;                  /* --threads: 0 = automatic, 1 = never split,
                                     N = N threads whatever the store's size */
    int64_t min_events, min_candidates; /* automatic: the thresholds above
                                     (0: SPLIT_MIN_EVENTS, SPLIT_MIN_CANDIDATES) */
} query_split_opts_t;

/* The parts the plan would run in on db (1: not split), the threads that
 * would take them, and the event ids the parts split (QSPLIT_IDS). */
int query_split_parts(sqlite3 *db, const query_plan_t *plan, const query_split_opts_t *so, int *threads,
                      int64_t *first_id, int64_t *last_id);

/* Run q — planned from opts o as plan — as query_run does, in parts when
 * query_split_parts says so, on db and on the helpers' connections. The
 * answer is query_run's. For id parts it is over the events up to the last
 * id read before the run (a row stored during it is in no part); bins are
 * each read whole by one part, the later ones maybe a little later. */
int query_run_split(sqlite3 *db, const query_ast_t *q, const query_plan_opts_t *o, const query_plan_t *plan,
                    const query_split_opts_t *so, const query_run_opts_t *ro, qformat_t *out,
                    int64_t *rows_out, obs_err_t *err);

#endif
