/* store/store_internal.h — the store_t layout and helpers shared by the
 * files of store/ only (store__ prefix). Not for other modules. */
#ifndef OBS_STORE_INTERNAL_H
#define OBS_STORE_INTERNAL_H

#include "store.h"

#include <sqlite3.h>

enum store_stmt_id {
    STMT_STREAM_FIND, STMT_STREAM_INSERT, STMT_STREAM_TOUCH,
    STMT_EVENT_INSERT, STMT_FTS_INSERT, STMT_INVOCATION_UPSERT,
    STMT_ROLLUP_UPSERT, STMT_SOURCE_FIND, STMT_SOURCE_UPSERT, STMT_COUNTER_ADD,
    STMT__COUNT
};

/* One (function, minute) accumulator of the open batch. */
typedef struct store_rollup_slot {
    char *function;           /* owned; NULL = empty slot */
    int64_t minute_ms;
    store_rollup_delta_t sum; /* NAN/-1 fields mean "none yet" */
    double duration_max, init_max;
} store_rollup_slot_t;

typedef struct store_counter {
    const char *name;         /* static string from the caller */
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
    store_rollup_slot_t *rollups;  /* open-addressing table */
    int rollup_cap, rollup_used;
    store_counter_t counters[32];
    int ncounters;
};

int store__check(sqlite3 *db, int *version, obs_err_t *err);
int store__migrate(sqlite3 *db, obs_err_t *err);
int store__prepare_writer(store_t *st, obs_err_t *err);
int store__begin(store_t *st, obs_err_t *err);
int store__flush_rollups(store_t *st, obs_err_t *err);
void store__rollups_free(store_t *st);
int64_t store__now_ms(void);

/* Report a SQLite failure on st's connection into err. */
int store__dberr(store_t *st, obs_err_t *err, const char *what);

#endif
