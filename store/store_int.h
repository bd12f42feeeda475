/* store/store_int.h — the store_t layout and helpers shared by the
 * files of store/ only (store__ prefix). Not for other modules. */
#ifndef OBS_STORE_INT_H
#define OBS_STORE_INT_H

#include "store/store.h"

#include "common/sketch.h"

#include <sqlite3.h>

enum store_stmt_id {
    STMT_STREAM_FIND, STMT_STREAM_INSERT, STMT_STREAM_TOUCH,
    STMT_EVENT_INSERT, STMT_FTS_INSERT, STMT_INVOCATION_UPSERT,
    STMT_ROLLUP_UPSERT, STMT_ROLLUP_HOUR_UPSERT, STMT_SOURCE_FIND, STMT_SOURCE_UPSERT, STMT_COUNTER_ADD,
    STMT_SERIES_FIND, STMT_SERIES_INSERT, STMT_POINT_INSERT, STMT_METRIC_ROLLUP_UPSERT,
    STMT_SERIES_FUNCTION_ADD, STMT_VOCAB_ADD, STMT_SOURCE_DELETE, STMT_INVOCATION_GET,
    STMT_EVENT_SET_XRAY, STMT_MISSED_ADD, STMT_MISSED_TRIM,
    STMT__COUNT
};

/* One (function, minute) accumulator of the open batch. */
typedef struct store_rollup_slot {
    char *function;           /* owned; NULL = empty slot */
    int64_t minute_ms;
    store_rollup_delta_t sum; /* NAN/-1 fields mean "none yet" */
    double duration_max, init_max;
    sketch_t duration_sk, init_sk; /* the minute's durations and init durations */
} store_rollup_slot_t;

/* Series identity -> id, kept across batches (cleared on rollback). */
typedef struct store_series_entry {
    char *key;                /* owned "ns\x1fname\x1funit\x1fres\x1fdims"; NULL = empty */
    int64_t id;
} store_series_entry_t;

/* One (series, minute) accumulator of the open batch. */
typedef struct store_metric_slot {
    int64_t series_id;        /* 0 = empty slot */
    int64_t minute_ms;
    int64_t count;
    double sum, min, max;
    sketch_t sketch;
} store_metric_slot_t;

/* One (series, function) pair seen in the open batch. */
typedef struct store_series_fn {
    int64_t series_id;        /* 0 = empty slot */
    char *function;           /* owned */
} store_series_fn_t;

/* Tokens the writer's tokenizer has seen (so that each is added to
 * fts_vocab once, not once per line), and the ones the open batch must
 * still add. A cache: past max_cached tokens (0 = STORE_VOCAB_CACHE_MAX) it
 * is emptied after a commit, so that months of unique words (ids with
 * letters, user names) cannot grow the agent's memory; a token seen again
 * after that is inserted again, which INSERT OR IGNORE makes harmless. */
#define STORE_VOCAB_CACHE_MAX 262144   /* ~15 MB of tokens */
typedef struct store_vocab {
    char **set;               /* open addressing; owned strings */
    int cap, used;
    char **pending;           /* borrowed from set */
    int npending, pending_cap;
    int max_cached;
} store_vocab_t;

typedef struct store_counter {
    char *name;               /* owned copy */
    int64_t delta;
} store_counter_t;

struct store {
    sqlite3 *db;
    int readonly;
    store_opts_t opts;
    sqlite3_stmt *stmt[STMT__COUNT];
    int in_txn;
    int64_t commits;              /* batches committed since open */
    int64_t txn_rows;
    int64_t txn_started_ms;
    int64_t txn_changes;       /* sqlite3_total_changes64() at BEGIN */
    store_rollup_slot_t *rollups;  /* open-addressing table */
    int rollup_cap, rollup_used;
    store_counter_t *counters;    /* every name counted since open: no fixed cap */
    int ncounters, counters_cap;
    int lock_fd;                  /* the writer lock (writer_lock.c), -1 for a reader */
    store_series_entry_t *series;
    int series_cap, series_used;
    store_metric_slot_t *mslots;
    int mslot_cap, mslot_used;
    store_series_fn_t *sfn;
    int sfn_cap, sfn_used;
    store_vocab_t vocab;
    int64_t wal_limit;            /* store_limit_wal's bytes (0: none) */
};

/* ---- schema.c ------------------------------------------------------------ */
int store__check(sqlite3 *db, int *version, obs_err_t *err);

/* ---- access.c ---------------------------------------------------------- */
/* After a failed open: when a permission of the store, its -wal or -shm, or
 * its directory is why, replace err's message with one that names the path,
 * its mode and owner and who may not read or write it, and return 1; else
 * leave err as it is and return 0. */
int store__explain_access(const char *path, int write, obs_err_t *err);
int store__migrate(sqlite3 *db, obs_err_t *err);

/* ---- writer_lock.c: one writer per store ---------------------------------- */
/* Take the store's writer lock (<db>-lock, flock) and write our pid into
 * it; OBS_EBUSY naming the holder's pid when another process has it. */
int store__lock_take(const char *db_path, int *fd_out, obs_err_t *err);
void store__lock_release(int fd);

/* ---- store.c ------------------------------------------------------------- */
int store__prepare_writer(store_t *st, obs_err_t *err);

/* ---- txn.c: the write transaction ---------------------------------------- */
/* Start the write transaction unless one is open. */
int store__begin(store_t *st, obs_err_t *err);
/* Report a SQLite failure on st's connection into err: OBS_EBUSY (locked),
 * OBS_EFULL (full) or OBS_EDB. */
int store__dberr(store_t *st, obs_err_t *err, const char *what);

/* ---- rollup.c, metrics.c, vocab.c: what a batch accumulates -------------- */
int store__flush_rollups(store_t *st, obs_err_t *err);
void store__rollups_free(store_t *st);
int store__flush_metrics(store_t *st, obs_err_t *err);
void store__metrics_reset(store_t *st, int keep_series);
void store__vocab_note(store_vocab_t *v, const char *tok, int len);
int store__flush_vocab(store_t *st, obs_err_t *err);
void store__vocab_free(store_vocab_t *v);

/* ---- sketch_sql.c, fts_tokenizer.c: what a connection registers ---------- */
int store__register_functions(sqlite3 *db, obs_err_t *err);
/* Register obsword; with vocab set, document tokens are noted in it. */
int store__register_tokenizer(sqlite3 *db, store_vocab_t *vocab, obs_err_t *err);

#endif
