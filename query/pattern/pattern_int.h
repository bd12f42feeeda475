/* query/pattern/pattern_int.h — what the files of the pattern engine share
 * (internal to query/pattern/): tokens (pattern_token.c), the groups and
 * their places (pattern_group.c, pattern_set.c, pattern_merge.c), anomalies
 * (pattern_anomaly.c). */
#ifndef OBS_QUERY_PATTERN_INT_H
#define OBS_QUERY_PATTERN_INT_H

#include "query/pattern/pattern.h"

/* ---- pattern_token.c: kinds of tokens and places ------------------------ */

typedef enum ptok_kind {
    PK_SEP,        /* whitespace or punctuation, kept as is */
    PK_WORD,       /* letters and digits that are nothing else */
    PK_LEVEL,      /* a level word: ERROR, warn, INFO, debug, ... (never varies) */
    PK_TIME, PK_ID, PK_IP, PK_ARN, PK_NUMBER,  /* typed: never split a group */
    PK_REST,       /* what follows PATTERN_MAX_TOKENS tokens (typed, "Token") */
    PK_WILD,       /* a word place merged into a variable (pattern_merge.c) */
} ptok_kind_t;

#define PK_IS_TYPED(k) ((k) >= PK_TIME && (k) <= PK_REST)

typedef struct ptok {
    uint8_t kind;
    uint32_t off, len;
} ptok_t;

/* Cut s[0..len) into at most PATTERN_MAX_TOKENS tokens (the last a PK_REST
 * when the message is longer): the count. */
int pattern__tokenize(const char *s, size_t len, ptok_t *out);
/* The name of a typed kind in <Name-n>: "Time", "ID", ... */
const char *pattern__kind_name(int kind);
/* The severity a level word says, or NULL when it is none. */
const char *pattern__level(const char *s, size_t len);

/* ---- pattern_group.c, pattern_set.c: the groups ------------------------- */

typedef struct pslot {
    uint8_t kind;
    uint8_t varies;      /* typed: not every message has the same value */
    uint32_t off, len;   /* in the arena: SEP/WORD/LEVEL text; typed: first value */
    uint64_t h;          /* WORD: hash of the text (pattern_merge.c) */
} pslot_t;

typedef struct pgroup {
    uint64_t hash;       /* of the key (stage 2: of the frame) */
    uint32_t key_off, key_len;
    uint32_t slot0;      /* index of its first slot in the set's slots */
    int nslots;
    int parent;          /* -1, or the group it was merged into */
    int out_index;       /* a live group's place among the patterns (finish) */
    int64_t count, prev;
    uint32_t sample[PATTERN_SAMPLES];  /* arena offsets of samples (NUL-terminated) */
    int64_t sample_seq[PATTERN_SAMPLES];  /* their places in the input */
    int nsamples;
    int64_t *ts;         /* anomaly: the times of its current messages */
    int64_t nts, cts;
} pgroup_t;

struct pattern_set {
    pattern_opts_t o;
    char *arena;
    size_t alen, acap;
    pslot_t *slots;
    size_t nslots, cslots;
    pgroup_t *groups;
    int ngroups, cgroups;
    int32_t *table;      /* open addressing over groups, -1 empty */
    uint32_t tmask;
    int64_t total, min_ts, max_ts;
    char *key;           /* scratch */
    size_t kcap;
};

/* Bytes into the arena: their offset. */
uint32_t pattern__arena_put(pattern_set_t *s, const char *p, size_t n);
uint64_t pattern__hash(const void *p, size_t n, uint64_t seed);
/* Merge group b into group a (counts, samples, times, typed places). */
void pattern__join(pattern_set_t *s, int a, int b);

/* ---- pattern_merge.c: stage 3 and the display ---------------------------- */

/* Merge word places that vary (see pattern.h), then absorb groups that
 * match a merged one. */
void pattern__merge(pattern_set_t *s);
/* The pattern text of a live group (malloc'd) and its severity. */
char *pattern__render(const pattern_set_t *s, const pgroup_t *g, const char **severity);

/* ---- pattern_anomaly.c -------------------------------------------------- */

/* The anomalies of one pattern, from its times, over [lo, hi] with the
 * first event of the whole input at first_ts. *out malloc'd. */
void pattern__anomalies(const int64_t *ts, int64_t n, int64_t lo, int64_t hi, int64_t first_ts,
                        pattern_anomaly_t **out, int *nout);

#endif
