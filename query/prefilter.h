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
 * token). Runs that may be the end or the middle of a token need a
 * vocabulary of indexed tokens and are dropped. */
#ifndef OBS_QUERY_PREFILTER_H
#define OBS_QUERY_PREFILTER_H

#include <stddef.h>

/* For a case-sensitive substring. Returns a malloc'd MATCH expression, or
 * NULL when nothing can be required (the caller scans). */
char *prefilter_substring(const char *needle, size_t len);

/* For a regex (PCRE2 syntax): the same, for the longest literal every match
 * must contain; NULL when none can be found safely (alternation, groups,
 * flags other than (?i), case-insensitive non-ASCII text). */
char *prefilter_regex(const char *pattern);

#endif
