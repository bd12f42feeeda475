/* query/builtins.h — the function table of the query language: every
 * function of Logs Insights the checker accepts, its arity, its kind, and
 * the SQL function that implements it (registered from C by
 * query/sqlfuncs*.c). One table serves the checker (names, arity, "did you
 * mean"), the emitter (SQL names) and the docs. */
#ifndef OBS_QUERY_BUILTINS_H
#define OBS_QUERY_BUILTINS_H

typedef enum qfn_kind {
    QF_SCALAR,       /* usable anywhere */
    QF_AGGREGATE,    /* only in stats: avg, count, pct, ... */
    QF_STATS_PICK,   /* only in stats, picks a value: earliest, latest, sortsFirst, sortsLast */
    QF_BIN,          /* bin(period): only as a stats `by` key (or inside one) */
} qfn_kind_t;

typedef struct query_builtin {
    const char *name;        /* lower-case name as the checker matches it */
    const char *display;     /* name as documented ("isPresent", "count_distinct") */
    int min_args, max_args;  /* max -1 = variadic */
    qfn_kind_t kind;
    const char *sql;         /* SQL function name, e.g. "obs_strlen", or a built-in
                                SQLite one ("abs"); NULL when the emitter
                                writes it inline (ispresent, coalesce, bin, count) */
    const char *doc;         /* one line for docs and --help */
} query_builtin_t;

/* Look up by name, case-insensitively ("isPresent" == "ispresent"); also
 * accepts the documented aliases (countDistinct, percentile, strftime). */
const query_builtin_t *query_builtin_find(const char *name);

/* Case-insensitive edit distance of two names (99 beyond 64 bytes), for
 * "did you mean" suggestions of functions and fields. */
int query_edit_distance(const char *a, const char *b);

/* The closest known name to an unknown one (edit distance), or NULL. */
const char *query_builtin_suggest(const char *name);

/* Is name (any case) a function of CloudWatch's that obsq does not have
 * (topk, rate, ...)? 1 or 0. */
int query_builtin_unsupported(const char *name);

/* The whole table, for docs and tests. */
const query_builtin_t *query_builtins(int *n);

#endif
