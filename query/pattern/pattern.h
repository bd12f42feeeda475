/* query/pattern/pattern.h — the clustering behind Logs Insights' `pattern`
 * (and the `diff` and `anomaly` built on it): messages in, patterns out.
 * Pure C over memory: no SQL, no I/O; query/sqlfuncs/sqlfuncs_pattern.c
 * feeds it from a query's rows.
 *
 * The algorithm (docs/query-language.md, "pattern"), deterministic for a
 * given input order:
 *  1. Tokens (pattern_token.c). A message is cut at whitespace into words;
 *     a word that is wholly a time, a UUID or other id, an IP address or an
 *     ARN is one typed token; any other word is cut again: a part of it
 *     that is wholly one of those (a time or a request id between quotes in
 *     JSON) is one typed token, the rest is runs of letters and digits (one
 *     that starts with a letter goes on through hyphens: payments-service)
 *     and single punctuation characters; a run is a number (with a unit:
 *     12ms, 3.5s, 0.65), an id (8 or more characters, a letter and 3 digits
 *     among them), a level word (ERROR, warn, ...) or a plain word.
 *     Whitespace and punctuation are separators.
 *  2. Shapes (pattern_set.c). Messages whose separators, words and level
 *     words are the same, and whose typed tokens are of the same types in
 *     the same places, are one group: typed tokens never split a group.
 *  3. Word variables (pattern_merge.c). Groups that differ in exactly one
 *     word, at the same place, are merged when that place takes at least
 *     PATTERN_MIN_VARIANTS different words (a user name, a table): the place
 *     becomes <Token-n>. Repeated until nothing merges; then a group that
 *     matches a merged one word for word is absorbed into it. Level words
 *     never vary.
 *  4. Display: times and ids show as <Time-n>, <ID-n>; an address, ARN or
 *     number whose value is the same in every message of the pattern shows
 *     that value, one that varies <IP-n>, <ARN-n>, <Number-n>; a merged
 *     word <Token-n> (n counts the dynamic places from 1).
 *     Severity: the first level word; else Error when a word contains
 *     "error" or "exception", Warning for "warn"; else Info.
 * Messages longer than PATTERN_MAX_TOKENS tokens (or PATTERN_MAX_BYTES
 * bytes) keep the rest as one last place, compared as a whole. */
#ifndef OBS_QUERY_PATTERN_H
#define OBS_QUERY_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define PATTERN_MIN_VARIANTS 5     /* words at one place before it is a variable */
#define PATTERN_MAX_TOKENS 128
#define PATTERN_MAX_BYTES 4096
#define PATTERN_SAMPLES 3          /* messages kept per pattern */

enum { PATTERN_CURRENT = 1, PATTERN_PREVIOUS = 2 };  /* pattern_set_add flags */

typedef struct pattern_opts {
    int anomaly;                   /* keep times, find anomalies (pattern_anomaly.c) */
    int64_t lo, hi;                /* the query's range for anomalies; -1: the data's */
} pattern_opts_t;

typedef enum pattern_anomaly_type { PA_FREQUENCY, PA_NEW } pattern_anomaly_type_t;

typedef struct pattern_anomaly {
    pattern_anomaly_type_t type;
    int64_t ts;                    /* the bin's start, or the first time seen */
    char desc[192];
} pattern_anomaly_t;

typedef struct pattern_out {
    char *text;                    /* owned: the pattern, <Type-n> for variables */
    int64_t count;                 /* messages of the current range */
    int64_t prev;                  /* of the previous range (diff) */
    const char *severity;          /* "Error", "Warning", "Info", "Debug" */
    char id[17];                   /* hex of a hash of text */
    char *samples[PATTERN_SAMPLES];  /* owned: the first messages, in input order */
    int nsamples;
    pattern_anomaly_t *anomalies;  /* owned */
    int nanomalies;
    int group;                     /* the set's group it stands for */
} pattern_out_t;

typedef struct pattern_set pattern_set_t;

pattern_set_t *pattern_set_new(const pattern_opts_t *o);
/* One message (not NUL-terminated) of time ts, in the current and/or the
 * previous range (flags): the number of its group (pattern_set_pattern_of),
 * or -1 when flags is 0. */
int pattern_set_add(pattern_set_t *s, const char *msg, size_t len, int64_t ts, unsigned flags);
/* The patterns, most messages first (diff: largest change first), then by
 * text; *out owned (pattern_out_free). Also the number of messages of the
 * current range. The set takes no more messages. */
void pattern_set_finish(pattern_set_t *s, pattern_out_t **out, int *n, int64_t *total);
/* After finish: the index in *out of the pattern a message of group g
 * (pattern_set_add's answer) belongs to. */
int pattern_set_pattern_of(const pattern_set_t *s, int g);
void pattern_set_free(pattern_set_t *s);
void pattern_out_free(pattern_out_t *v, int n);

#endif
