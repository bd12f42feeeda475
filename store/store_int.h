/* store/store_int.h — the store_t layout and helpers shared by the
 * files of store/ only (store__ prefix). Not for other modules. */
#ifndef OBS_STORE_INT_H
#define OBS_STORE_INT_H

#include "store/store.h"

#include "common/buf.h"
#include "common/sketch.h"
#include "store/wqueue.h"

#include <sqlite3.h>

enum store_stmt_id {
    STMT_STREAM_FIND, STMT_STREAM_INSERT, STMT_STREAM_TOUCH,
    STMT_EVENT_INSERT, STMT_FTS_INSERT, STMT_INVOCATION_UPSERT,
    STMT_ROLLUP_UPSERT, STMT_ROLLUP_HOUR_UPSERT, STMT_SOURCE_FIND, STMT_SOURCE_UPSERT, STMT_COUNTER_ADD,
    STMT_SERIES_FIND, STMT_SERIES_INSERT, STMT_POINT_INSERT, STMT_METRIC_ROLLUP_UPSERT,
    STMT_SERIES_FUNCTION_ADD, STMT_VOCAB_ADD, STMT_SOURCE_DELETE, STMT_INVOCATION_GET,
    STMT_EVENT_SET_XRAY, STMT_MISSED_ADD, STMT_MISSED_TRIM, STMT_COMMIT, STMT_BEGIN,
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
    store_wq_t *wq;               /* the writer's statement queue (wqueue.h); NULL for a reader */
    int64_t next_event_id;        /* the id the next event gets (read at BEGIN) */
    buf_t tokens;                 /* an event's tokens for the full-text index */
    int64_t next_stream_id;       /* ... and the next new stream (writer_known.c) */
    struct store_known_stream *kstreams;  /* writer_known.c */
    int kstream_cap, kstream_used;
    struct store_known_source *ksources;
    int ksource_cap, ksource_used;
    int known_state;              /* STORE_KNOWN_* */
    struct store_ckpt *ckpt;      /* checkpointer.c; NULL: SQLite's automatic checkpoint */
};

/* ---- checkpointer.c: WAL checkpoints on a thread of their own -------------- */
typedef struct store_ckpt store_ckpt_t;
#define STORE_CHECKPOINT_PAGES 16384   /* 64 MiB of WAL, as SQL_PRAGMAS_WRITER's */
/* Checkpoint path's WAL on another thread and connection whenever a commit
 * of writer leaves more than pages in it, and on the committing thread past
 * twice that; NULL (nothing changed) when threads are not available. */
store_ckpt_t *store__ckpt_start(const char *path, sqlite3 *writer, int pages);
void store__ckpt_set_pages(store_ckpt_t *ck, int pages);
/* Checkpoints run by commits past twice the threshold (0 for NULL). */
int64_t store__ckpt_catchups(store_ckpt_t *ck);
void store__ckpt_stop(store_ckpt_t *ck, sqlite3 *writer);

/* ---- writer_known.c: streams and checkpoints held in memory ---------------- */
enum { STORE_KNOWN_UNLOADED, STORE_KNOWN_ALL, STORE_KNOWN_SOME };
#define STORE_KNOWN_MAX 65536
void store__known_free(store_t *st);
/* (writer.c) A checkpoint as SQLite holds it, after the writer ran. */
int store__source_read(store_t *st, int64_t dev, int64_t ino, store_source_t *out, char **path_out,
                       int *found_out, obs_err_t *err);

/* Before any use of the connection other than recording a statement: wait
 * for the writer thread to run what it was given; its failure, if any. */
static inline int store__sync(store_t *st, obs_err_t *err)
{
    return st->wq ? store__wq_sync(st->wq, err) : 0;
}

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

/* ---- rollup.c, metrics.c, fts_tokenizer.c: what a batch accumulates -------------- */
/* The flushes record their upserts in the writer's queue: they have run
 * only after a store__sync (or the commit they go before). */
int store__flush_rollups(store_t *st, obs_err_t *err);
void store__rollups_free(store_t *st);
int store__flush_metrics(store_t *st, obs_err_t *err);
void store__metrics_reset(store_t *st, int keep_series);
void store__vocab_note(store_vocab_t *v, const char *tok, int len);
int store__flush_vocab(store_t *st, obs_err_t *err);
void store__vocab_free(store_vocab_t *v);

/* ---- sketch_sql.c, fts_tokenizer.c: what a connection registers ---------- */
int store__register_functions(sqlite3 *db, obs_err_t *err);
/* Register obsword on a connection. */
int store__register_tokenizer(sqlite3 *db, obs_err_t *err);
/* The tokens of text, each noted in vocab, as the string the writer thread
 * gives FTS5 (fts_tokenizer.c: tokenized here, on the parsing thread). */
void store__obsword_tokens(store_vocab_t *vocab, const char *text, size_t n, buf_t *out);

#endif
