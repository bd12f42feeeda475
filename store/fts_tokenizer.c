/* store/fts_tokenizer.c — the "obsword" FTS5 tokenizer used by events_fts,
 * and fts_vocab, the distinct tokens it noted (below).
 *
 * Rule (the query planner's pre-filter must apply the same one, see
 * docs/schema.md): a token is a maximal run of ASCII letters and digits and
 * bytes >= 0x80; everything else (including '_') separates tokens. ASCII
 * letters are folded to lower case; other bytes are kept as they are. A token
 * is skipped (not indexed) when it is made only of hex digits and contains at
 * least one decimal digit (numbers, hex ids, UUID parts), or when it is longer
 * than OBSWORD_MAX_TOKEN bytes. Skipping these keeps the vocabulary small
 * (request ids and numbers are unique per line) and the index cheap. */
#include "store/store_int.h"
#include "common/xalloc.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define OBSWORD_MAX_TOKEN 64

static int is_token_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int skipped(const unsigned char *t, int n)
{
    int digit = 0;
    for (int i = 0; i < n; i++) {
        if (!is_hex(t[i]))
            return 0;
        digit |= t[i] <= '9';
    }
    return digit;
}

/* The tokenizer instance is the vocabulary to note tokens in (the writer),
 * or a dummy non-NULL handle (readers). */
static char no_vocab;

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)argv;
    if (argc != 0)
        return SQLITE_ERROR;
    *out = (Fts5Tokenizer *)(ctx ? ctx : &no_vocab);
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
    (void)t;
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                        int (*emit)(void *, int, const char *, int, int, int))
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char folded[OBSWORD_MAX_TOKEN];
    store_vocab_t *vocab = (void *)t != (void *)&no_vocab && (flags & FTS5_TOKENIZE_DOCUMENT)
                               ? (store_vocab_t *)t : NULL;
    for (int i = 0; i < n;) {
        if (!is_token_byte(s[i])) {
            i++;
            continue;
        }
        int start = i;
        while (i < n && is_token_byte(s[i]))
            i++;
        int len = i - start;
        if (skipped(s + start, len))
            continue;
        if (len > OBSWORD_MAX_TOKEN)
            len = OBSWORD_MAX_TOKEN;
        for (int k = 0; k < len; k++) {
            unsigned char c = s[start + k];
            folded[k] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
        }
        if (vocab)
            store__vocab_note(vocab, (const char *)folded, len);
        int rc = emit(ctx, 0, (const char *)folded, len, start, start + len);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

int store_register_tokenizer(sqlite3 *db, obs_err_t *err)
{
    return store__register_tokenizer(db, NULL, err);
}

int store__register_tokenizer(sqlite3 *db, store_vocab_t *vocab, obs_err_t *err)
{
    static fts5_tokenizer tok = { tok_create, tok_delete, tok_tokenize };
    fts5_api *api = fts5_api_of(db);
    if (!api)
        return obs_err_set(err, OBS_EDB, "this SQLite has no FTS5 (%s)", sqlite3_libversion());
    if (api->xCreateTokenizer(api, "obsword", vocab, &tok, NULL) != SQLITE_OK)
        return obs_err_set(err, OBS_EDB, "registering the obsword tokenizer: %s", sqlite3_errmsg(db));
    return 0;
}

/* ---- fts_vocab, the distinct tokens of events_fts. The
 * writer's tokenizer notes every token of the documents it indexes; a token
 * not in its cache (store_vocab_t: bounded, emptied past a size) is queued
 * and inserted (INSERT OR IGNORE) in the same transaction as the rows that
 * carry it, so the vocabulary is always complete for what is committed.
 * The query planner looks up tokens containing a fragment here
 * (query/vocab.c, query/prefilter.c). */

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
