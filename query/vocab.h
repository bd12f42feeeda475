/* query/vocab.h — the prefilter's vocabulary (prefilter.h) over the store's
 * fts_vocab table, each lookup remembered: a query planned again (the parts
 * of a split run, run_split.c) asks the store once per fragment. */
#ifndef OBS_QUERY_VOCAB_H
#define OBS_QUERY_VOCAB_H

#include "query/prefilter.h"

#include <sqlite3.h>

typedef struct vocab_entry vocab_entry_t;

typedef struct query_vocab {
    prefilter_vocab_t v;          /* what the planner takes (query_plan_opts_t.vocab) */
    sqlite3 *db;
    vocab_entry_t *entries;
    int n;
} query_vocab_t;

void query_vocab_init(query_vocab_t *qv, sqlite3 *db);
void query_vocab_free(query_vocab_t *qv);

#endif
