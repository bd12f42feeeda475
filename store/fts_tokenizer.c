/* store/fts_tokenizer.c — the "obsword" FTS5 tokenizer used by events_fts.
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

#include <sqlite3.h>
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
