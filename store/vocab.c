/* store/vocab.c — fts_vocab, the distinct tokens of events_fts. The
 * writer's tokenizer notes every token of the documents it indexes; a token
 * not in its cache (store_vocab_t: bounded, emptied past a size) is queued
 * and inserted (INSERT OR IGNORE) in the same transaction as the rows that
 * carry it, so the vocabulary is always complete for what is committed.
 * The query planner looks up tokens containing a fragment here
 * (query/vocab.c, query/prefilter.c). */
#include "store/store_int.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, int len)
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static char **slot(char **set, int cap, const char *tok, int len)
{
    uint64_t i = hash(tok, len) & (uint64_t)(cap - 1);
    while (set[i] && !(strncmp(set[i], tok, (size_t)len) == 0 && set[i][len] == '\0'))
        i = (i + 1) & (uint64_t)(cap - 1);
    return &set[i];
}

void store__vocab_note(store_vocab_t *v, const char *tok, int len)
{
    if (v->cap && *slot(v->set, v->cap, tok, len))
        return;
    if ((v->used + 1) * 2 > v->cap) {
        int cap = v->cap ? v->cap * 2 : 1024;
        char **set = xcalloc((size_t)cap, sizeof *set);
        for (int i = 0; i < v->cap; i++)
            if (v->set[i])
                *slot(set, cap, v->set[i], (int)strlen(v->set[i])) = v->set[i];
        free(v->set);
        v->set = set;
        v->cap = cap;
    }
    char **s = slot(v->set, v->cap, tok, len);
    *s = xstrndup(tok, (size_t)len);
    v->used++;
    if (v->npending == v->pending_cap) {
        v->pending_cap = v->pending_cap ? v->pending_cap * 2 : 256;
        v->pending = xrealloc(v->pending, (size_t)v->pending_cap * sizeof *v->pending);
    }
    v->pending[v->npending++] = *s;
}

int store__flush_vocab(store_t *st, obs_err_t *err)
{
    sqlite3_stmt *q = st->stmt[STMT_VOCAB_ADD];
    store_vocab_t *v = &st->vocab;
    for (int i = 0; i < v->npending; i++) {
        sqlite3_bind_text(q, 1, v->pending[i], -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            return store__dberr(st, err, "updating the full-text vocabulary");
    }
    v->npending = 0;
    if (v->used > (v->max_cached > 0 ? v->max_cached : STORE_VOCAB_CACHE_MAX))
        store__vocab_free(v);  /* nothing pending points into it now */
    return 0;
}

void store__vocab_free(store_vocab_t *v)
{
    for (int i = 0; i < v->cap; i++)
        free(v->set[i]);
    free(v->set);
    free(v->pending);
    int max_cached = v->max_cached;  /* a setting, not content */
    memset(v, 0, sizeof *v);
    v->max_cached = max_cached;
}
