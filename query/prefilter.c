/* query/prefilter.c — FTS pre-filter derivation (see prefilter.h). Must
 * mirror store/fts_tokenizer.c: token bytes, ASCII folding, the hex skip and
 * the 64-byte truncation. */
#include "query/prefilter.h"
#include "common/buf.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define TOKEN_MAX 64  /* OBSWORD_MAX_TOKEN */

static int token_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static int hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

typedef struct out {
    buf_t b;
    int terms;
} out_t;

static void term(out_t *o, const unsigned char *t, size_t n, int prefix)
{
    if (n > TOKEN_MAX) {
        n = TOKEN_MAX;  /* indexed as its first 64 bytes: the whole of that */
        prefix = 0;
    }
    if (o->terms++)
        buf_put(&o->b, " AND ", 5);
    buf_put(&o->b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char c = (char)((t[i] >= 'A' && t[i] <= 'Z') ? t[i] + 32 : t[i]);
        buf_put(&o->b, &c, 1);
    }
    buf_put(&o->b, prefix ? "\"*" : "\"", prefix ? 2 : 1);
}

/* Require one of the vocabulary tokens that contain (suffix: end with) the
 * run; drop the run when there is no vocabulary or too many candidates. */
static void vocab_term(out_t *o, const unsigned char *t, size_t n, int suffix,
                       const prefilter_vocab_t *v)
{
    char frag[TOKEN_MAX + 1];
    char **cand = NULL;
    int ncand = 0, kept = 0;
    if (!v || n > TOKEN_MAX)
        return;
    for (size_t i = 0; i < n; i++)
        frag[i] = (char)((t[i] >= 'A' && t[i] <= 'Z') ? t[i] + 32 : t[i]);
    frag[n] = '\0';
    if (v->lookup(v->ctx, frag, n, &cand, &ncand) != 0)
        return;
    if (ncand > PREFILTER_MAX_CANDIDATES)
        goto out;  /* too broad (and the lookup may have been cut): drop the run */
    {
        buf_t g = { 0 };
        for (int i = 0; i < ncand; i++) {
            size_t cl = strlen(cand[i]);
            /* a suffix must end the token, unless the token may be cut */
            if (suffix && cl != TOKEN_MAX && (cl < n || memcmp(cand[i] + cl - n, frag, n) != 0))
                continue;
            if (kept++)
                buf_put(&g, " OR \"", 5);
            else
                buf_put(&g, "(\"", 2);
            buf_put(&g, cand[i], cl);
            buf_put(&g, "\"", 1);
        }
        if (kept == 0) {
            /* no indexed token has it: nothing can match; the run itself
             * (not a token of the index) says so */
            buf_put(&g, "(\"", 2);
            buf_put(&g, frag, n);
            buf_put(&g, "\"", 1);
            kept = 1;
        }
        buf_put(&g, ")", 1);
        if (o->terms++)
            buf_put(&o->b, " AND ", 5);
        buf_put(&o->b, g.p, g.len);
        buf_free(&g);
    }
out:
    for (int i = 0; i < ncand; i++)
        free(cand[i]);
    free(cand);
}

/* A prefix shorter than this is dropped when a whole token is required too:
 * it matches many tokens (out* -> output, outbound, ...) and merging their
 * posting lists costs more than the exact check of the extra candidates.
 * Dropping a constraint only widens the candidates: nothing can be missed. */
#define SHORT_PREFIX 4

static int has_whole_token(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        if (!token_byte(s[i])) {
            i++;
            continue;
        }
        size_t a = i;
        int all_hex = 1, digit = 0;
        while (i < len && token_byte(s[i])) {
            all_hex &= hex(s[i]);
            digit |= s[i] >= '0' && s[i] <= '9';
            i++;
        }
        if (a > 0 && i < len && !(all_hex && digit))
            return 1;
    }
    return 0;
}

char *prefilter_substring(const char *needle, size_t len, const prefilter_vocab_t *vocab)
{
    const unsigned char *s = (const unsigned char *)needle;
    out_t o = { 0 };
    int whole = has_whole_token(s, len);
    for (size_t i = 0; i < len;) {
        if (!token_byte(s[i])) {
            i++;
            continue;
        }
        size_t a = i;
        while (i < len && token_byte(s[i]))
            i++;
        size_t n = i - a;
        int left = a > 0, right = i < len;
        int all_hex = 1, digit = 0;
        for (size_t k = a; k < i; k++) {
            all_hex &= hex(s[k]);
            digit |= s[k] >= '0' && s[k] <= '9';
        }
        if (left && right) {
            if (!(all_hex && digit))
                term(&o, s + a, n, 0);
        } else if (left && !all_hex && !(whole && n < SHORT_PREFIX)) {
            term(&o, s + a, n, 1);
        } else if (!left && !all_hex) {
            vocab_term(&o, s + a, n, right, vocab);  /* ends a token, or inside one */
        }
    }
    return o.b.p;
}

/* The longest run of literal bytes every match of the regex must contain
 * (its length, 0 when none), or -1 when the pattern is not simple enough to
 * tell (alternation, groups, flags other than a leading (?i)). A run ends at
 * any metacharacter; ?, * and {..} make the byte before them optional; x+
 * still contains x. */
static int required_literal(const char *re, char *best_out, size_t cap, int *ci)
{
    const char *p = re;
    char run[1024];
    size_t cur = 0, best = 0;
    *ci = 0;
    if (strncmp(p, "(?i)", 4) == 0) {
        *ci = 1;
        p += 4;
    }
    if (strpbrk(p, "|()"))
        return -1;
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\\') {
            unsigned char n = (unsigned char)p[1];
            if (!n)
                return -1;
            p++;
            if ((n >= '0' && n <= '9') || (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || n >= 0x80) {
                if (cur > best) {  /* \d, \w, \x41, \Q...: not one literal byte */
                    best = cur;
                    memcpy(best_out, run, best);
                }
                cur = 0;
                continue;
            }
            c = n;  /* escaped punctuation is itself */
        } else if (strchr(".^$[]{}*+?", (int)c)) {
            size_t valid = (c == '?' || c == '*' || c == '{') && cur ? cur - 1 : cur;
            if (valid > best) {
                best = valid;
                memcpy(best_out, run, best);
            }
            if (c == '[') {
                /* skip the class: [^]x] and []x] start with a literal ']';
                 * an escape inside one is not worth the risk: give up */
                const char *q = p + 1;
                if (*q == '^')
                    q++;
                if (*q == ']')
                    q++;
                const char *end = strchr(q, ']');
                if (!end || memchr(p, '\\', (size_t)(end - p)))
                    return -1;
                p = end;
            } else if (c == '{') {
                const char *end = strchr(p, '}');
                if (!end)
                    return -1;
                p = end;
            }
            cur = 0;
            continue;
        }
        if (cur < sizeof run)
            run[cur++] = (char)c;
    }
    if (cur > best) {
        best = cur;
        memcpy(best_out, run, best);
    }
    if (best >= cap)
        best = cap - 1;
    best_out[best] = '\0';
    return (int)best;
}

char *prefilter_regex(const char *pattern, const prefilter_vocab_t *vocab)
{
    char lit[1024];
    int ci;
    int n = required_literal(pattern, lit, sizeof lit, &ci);
    if (n <= 0)
        return NULL;
    if (ci)
        for (int i = 0; i < n; i++)
            if ((unsigned char)lit[i] >= 0x80)
                return NULL;  /* case folding beyond ASCII: not mirrored */
    return prefilter_substring(lit, (size_t)n, vocab);
}
