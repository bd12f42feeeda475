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
#include "common/hash.h"
#include "common/buf.h"
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

/* Call fn with each token of s[0..n) as the rule above says: folded, at
 * most OBSWORD_MAX_TOKEN bytes, with where it starts. */
static int each_token(const unsigned char *s, int n, int (*fn)(void *, const char *, int, int, int), void *ctx)
{
    unsigned char folded[OBSWORD_MAX_TOKEN];
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
        int rc = fn(ctx, (const char *)folded, len, start, start + len);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/* The tokens of a message as the writer's thread hands them to FTS5: a NUL,
 * then each token followed by a NUL (stored messages hold no NUL byte: they
 * are replaced, see the schema's flags). */
typedef struct token_string {
    buf_t *out;
    store_vocab_t *vocab;
} token_string_t;

static int put_token(void *ctx, const char *tok, int len, int start, int end)
{
    (void)start;
    (void)end;
    token_string_t *ts = ctx;
    store__vocab_note(ts->vocab, tok, len);
    buf_put(ts->out, tok, (size_t)len);
    buf_putc(ts->out, '\0');
    return SQLITE_OK;
}

void store__obsword_tokens(store_vocab_t *vocab, const char *text, size_t n, buf_t *out)
{
    token_string_t ts = { out, vocab };
    out->len = 0;
    buf_putc(out, '\0');
    each_token((const unsigned char *)text, (int)n, put_token, &ts);
}

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    static char instance;
    (void)ctx;
    (void)argv;
    if (argc != 0)
        return SQLITE_ERROR;
    *out = (Fts5Tokenizer *)&instance;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
    (void)t;
}

typedef struct emit_ctx {
    void *ctx;
    int (*emit)(void *, int, const char *, int, int, int);
} emit_ctx_t;

static int emit_token(void *c, const char *tok, int len, int start, int end)
{
    emit_ctx_t *e = c;
    return e->emit(e->ctx, 0, tok, len, start, end);
}

/* A document that starts with a NUL was tokenized already (store_event_append
 * on the parsing thread, store__obsword_tokens): its NUL-ended tokens are
 * taken as they are. Anything else (a query, a message being deleted) is
 * tokenized by the rule. */
static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                        int (*emit)(void *, int, const char *, int, int, int))
{
    (void)t;
    if (n > 0 && text[0] == '\0' && (flags & FTS5_TOKENIZE_DOCUMENT)) {
        for (int i = 1; i < n;) {
            const char *z = memchr(text + i, '\0', (size_t)(n - i));
            int end = z ? (int)(z - text) : n;
            if (end > i) {
                int rc = emit(ctx, 0, text + i, end - i, i, end);
                if (rc != SQLITE_OK)
                    return rc;
            }
            i = end + 1;
        }
        return SQLITE_OK;
    }
    emit_ctx_t e = { ctx, emit };
    return each_token((const unsigned char *)text, n, emit_token, &e);
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
    return store__register_tokenizer(db, err);
}

int store__register_tokenizer(sqlite3 *db, obs_err_t *err)
{
    static fts5_tokenizer tok = { tok_create, tok_delete, tok_tokenize };
    fts5_api *api = fts5_api_of(db);
    if (!api)
        return obs_err_set(err, OBS_EDB, "this SQLite has no FTS5 (%s)", sqlite3_libversion());
    if (api->xCreateTokenizer(api, "obsword", NULL, &tok, NULL) != SQLITE_OK)
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

static char **slot(char **set, int cap, const char *tok, int len)
{
    uint64_t i = obs_fnv(OBS_FNV_INIT, tok, (size_t)len) & (uint64_t)(cap - 1);
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
    store_vocab_t *v = &st->vocab;
    for (int i = 0; i < v->npending; i++) {
        int rc = store__wq_start(st->wq, STMT_VOCAB_ADD, "updating the full-text vocabulary", err);
        if (rc)
            return rc;
        store__wq_str(st->wq, v->pending[i]);   /* copied: the set may be freed below */
        store__wq_end(st->wq);
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
