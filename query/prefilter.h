/* query/prefilter.h — derives, from a `like` string or a regex, an FTS5
 * MATCH expression over events_fts (obsword tokenizer) that every event
 * containing the text satisfies: a pre-filter that can never drop a match
 * (the exact predicate always runs after it). Pure.
 *
 * Rule (docs/schema.md "Full-text index"): split the needle into token runs
 * the way obsword does. A run with a separator on both sides inside the
 * needle is a whole token of any matching line: require it, unless obsword
 * skips such a token (hex digits with a decimal digit). A run with a
 * separator only before it is the start of a token: require the prefix, if
 * it has a non-hex character (so no extension of it can be a skipped hex
 * token). A run that may be the end or the middle of a token (and has a
 * non-hex character) is looked up in the vocabulary of indexed tokens:
 * any of the tokens containing it (or ending with it), and every 64-byte
 * token (it may be a longer one cut, hiding the run), is required. Without
 * a vocabulary, or with too many candidates, such runs are dropped. */
#ifndef OBS_QUERY_PREFILTER_H
#define OBS_QUERY_PREFILTER_H

#include <stddef.h>

/* The vocabulary of indexed tokens (fts_vocab), or NULL. `lookup` puts in
 * *out (malloc'd array of malloc'd strings, *n of them) every indexed token
 * that contains the bytes of `frag` (lower-case, len bytes; compare bytes,
 * not characters: a needle may start inside a UTF-8 sequence) plus every
 * token of exactly 64 bytes; returns 0, or -1 on failure (the run is then
 * dropped). */
typedef struct prefilter_vocab {
    int (*lookup)(void *ctx, const char *frag, size_t len, char ***out, int *n);
    void *ctx;
} prefilter_vocab_t;

#define PREFILTER_MAX_CANDIDATES 200

/* For a case-sensitive substring. Returns a malloc'd MATCH expression, or
 * NULL when nothing can be required (the caller scans). vocab may be NULL. */
char *prefilter_substring(const char *needle, size_t len, const prefilter_vocab_t *vocab);

/* For a regex (PCRE2 syntax): the same, for the longest literal every match
 * must contain; NULL when none can be found safely (alternation, groups,
 * flags other than (?i), case-insensitive non-ASCII text). */
char *prefilter_regex(const char *pattern, const prefilter_vocab_t *vocab);

#endif
