/* query/vocab.c — fts_vocab lookups for the prefilter, remembered (vocab.h). */
#include "query/vocab.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct vocab_entry {
    char *frag;
    size_t len;
    char **tokens;
    int ntokens, rc;
};

/* Every indexed token containing frag, plus every 64-byte one (prefilter.h). */
static int store_lookup(sqlite3 *db, const char *frag, size_t len, char ***out, int *n)
{
    sqlite3_stmt *st;
    char **v = NULL;
    int cnt = 0, rc;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT token FROM fts_vocab WHERE instr(CAST(token AS BLOB), CAST(?1 AS BLOB)) > 0 "
                           "OR length(CAST(token AS BLOB)) = 64 LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, frag, (int)len, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, PREFILTER_MAX_CANDIDATES + 1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        v = xrealloc(v, (size_t)(cnt + 1) * sizeof *v);
        v[cnt++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        for (int i = 0; i < cnt; i++)
            free(v[i]);
        free(v);
        return -1;
    }
    *out = v;
    *n = cnt;
    return 0;
}

static char **copy_tokens(char *const *t, int n)
{
    char **c = n ? xcalloc((size_t)n, sizeof *c) : NULL;
    for (int i = 0; i < n; i++)
        c[i] = xstrdup(t[i]);
    return c;
}

static int remembered_lookup(void *ctx, const char *frag, size_t len, char ***out, int *n)
{
    query_vocab_t *qv = ctx;
    vocab_entry_t *e = NULL;
    for (int i = 0; i < qv->n && !e; i++)
        if (qv->entries[i].len == len && memcmp(qv->entries[i].frag, frag, len) == 0)
            e = &qv->entries[i];
    if (!e) {
        qv->entries = xrealloc(qv->entries, (size_t)(qv->n + 1) * sizeof *qv->entries);
        e = &qv->entries[qv->n++];
        e->frag = xstrndup(frag, len);
        e->len = len;
        e->rc = store_lookup(qv->db, frag, len, &e->tokens, &e->ntokens);
    }
    *out = copy_tokens(e->tokens, e->ntokens);
    *n = e->ntokens;
    return e->rc;
}

void query_vocab_init(query_vocab_t *qv, sqlite3 *db)
{
    memset(qv, 0, sizeof *qv);
    qv->v.lookup = remembered_lookup;
    qv->v.ctx = qv;
    qv->db = db;
}

void query_vocab_free(query_vocab_t *qv)
{
    for (int i = 0; i < qv->n; i++) {
        for (int k = 0; k < qv->entries[i].ntokens; k++)
            free(qv->entries[i].tokens[k]);
        free(qv->entries[i].tokens);
        free(qv->entries[i].frag);
    }
    free(qv->entries);
    memset(qv, 0, sizeof *qv);
}
