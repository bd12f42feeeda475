/* query/ast.h — the syntax tree of a Logs Insights query: a pipeline of
 * commands over expressions. Produced by the parser (query/parse.c),
 * annotated by the checker (query/check.c), read by the SQL emitter
 * (query/emit_sql.c). It knows nothing of SQL. Every node carries the byte
 * range [start, end) of the query text it came from, for error carets. */
#ifndef OBS_QUERY_AST_H
#define OBS_QUERY_AST_H

#include <stdint.h>

typedef enum qnode_kind {
    QN_NUMBER,      /* num */
    QN_STRING,      /* str: the unescaped value */
    QN_REGEX,       /* str: the pattern between the slashes, unescaped \/ */
    QN_BOOL,        /* num: 1 or 0 (true/false) */
    QN_FIELD,       /* str: the field name as written, backticks removed
                       ("@message", "detail.user.id", "foo-bar") */
    QN_LIST,        /* args: the elements of [a, b, ...] */
    QN_PERIOD,      /* a time period literal: 5m, 1h, 300s, 1mo (see period) */
    QN_STAR,        /* the * of count(*) */
    QN_UNARY,       /* op: QOP_NEG or QOP_NOT; args[0] */
    QN_BINARY,      /* op; args[0], args[1] */
    QN_CALL,        /* str: function name lower-cased; args; fn set by the checker */
} qnode_kind_t;

typedef enum qop {
    QOP_NONE = 0,
    QOP_NEG, QOP_NOT,
    QOP_ADD, QOP_SUB, QOP_MUL, QOP_DIV, QOP_MOD, QOP_POW,
    QOP_EQ, QOP_NE, QOP_LT, QOP_LE, QOP_GT, QOP_GE,
    QOP_AND, QOP_OR,
    QOP_LIKE, QOP_NOT_LIKE,   /* right side QN_STRING (substring) or QN_REGEX */
    QOP_MATCH,                /* =~, right side QN_REGEX */
    QOP_IN, QOP_NOT_IN,       /* right side QN_LIST */
} qop_t;

/* Calendar-aware period units. */
typedef enum qperiod_unit {
    QPU_MS, QPU_S, QPU_M, QPU_H, QPU_D, QPU_W, QPU_MO, QPU_Q, QPU_Y
} qperiod_unit_t;

struct query_builtin;

typedef struct qnode {
    qnode_kind_t kind;
    qop_t op;
    int start, end;               /* byte offsets in the query text */
    double num;
    char *str;                    /* owned */
    char *path;                   /* owned, QN_FIELD only: the name's segments joined
                                     by '\x1f'; a backticked segment's dots separate
                                     segments too, as CloudWatch flattens JSON (one at
                                     an end or doubled stays), and [i] is a segment "i":
                                     detail.`user.id` -> "detail\x1fuser\x1fid",
                                     `a..b` -> "a..b", users[1].a -> "users\x1f1\x1fa" */
    struct qnode **args;          /* owned */
    int nargs;
    struct {
        int64_t n;                /* as written (capping is the emitter's job) */
        qperiod_unit_t unit;
    } period;
    const struct query_builtin *fn;  /* QN_CALL: set by the checker */
    int missing;                  /* set by the lenient checker: a field (or a bin()
                                     call) that does not exist where it is used; it is
                                     empty there, as in CloudWatch */
    char *colref;                 /* owned; set by the checker: after a stats, this
                                     expression is the one of a stats output column
                                     and names it (`sort bin(1h)` after `by bin(1h)`) */
} qnode_t;

typedef enum qcmd_kind {
    QC_FIELDS, QC_DISPLAY, QC_FILTER, QC_STATS, QC_SORT, QC_LIMIT, QC_PARSE, QC_DEDUP,
    QC_UNNEST,
    QC_PATTERN,                   /* pattern EXPR: rows become its patterns */
    QC_DIFF,                      /* diff [previousDay|previousWeek|previousMonth] */
    QC_ANOMALY,                   /* anomaly: the anomalies of the patterns before it */
    QC_UNMASK,                    /* unmask: the identity (no data protection locally) */
    QC_ESTIMATE,                  /* estimate: the bytes the query would read, last */
} qcmd_kind_t;

/* What `diff` compares the query's range with. */
typedef enum qdiff {
    QD_NONE, QD_PREVIOUS, QD_DAY, QD_WEEK, QD_MONTH
} qdiff_t;

/* An expression with an optional alias (fields, display, stats, by). */
typedef struct qitem {
    qnode_t *expr;
    char *alias;                  /* owned; NULL when none */
    char *name;                   /* owned: the output column name, set by the
                                     checker: the alias, else the expression text
                                     as written ("count(*)", "bin(5m)") */
} qitem_t;

typedef struct qsort_key {
    qnode_t *expr;
    int desc;                     /* 1 desc, 0 asc (default asc, see docs) */
} qsort_key_t;

typedef enum qparse_mode {
    QP_GLOB,                      /* "text * text" as a, b */
    QP_REGEX,                     /* /(?<name>...)/ */
} qparse_mode_t;

typedef struct qcmd {
    qcmd_kind_t kind;
    int start, end;
    qitem_t *items;               /* fields, display, stats aggregates, dedup keys */
    int nitems;
    qitem_t *by;                  /* stats ... by */
    int nby;
    qnode_t *cond;                /* filter */
    qsort_key_t *keys;            /* sort */
    int nkeys;
    int64_t limit;                /* limit */
    /* parse */
    qnode_t *source;              /* field parsed (NULL = @message) */
    qparse_mode_t parse_mode;
    char *pattern;                /* glob text, or the regex PCRE2 compiles: as written but
                                     for each (?<@name>...), written (?<_name>...) */
    char **names;                 /* capture names: glob `as` list, or the regex's named
                                     groups ("@name" for (?<@name>...)) */
    char **groups;                /* regex: the group in pattern of each name ("_name"
                                     for "@name"); NULL for a glob */
    int nnames;
    /* unnest */
    qnode_t *unnest_expr;
    char *unnest_into;
    /* filter: written filterIndex (only field = literal / field in [...]) */
    int index;
    /* pattern: its input; what a diff and an anomaly folded into it ask
       (set by the checker, see check.c) */
    qnode_t *arg;
    qdiff_t diff;                 /* pattern, diff */
    int want_anomaly;             /* pattern: an anomaly command reads its anomalies */
    int absorbed;                 /* diff: folded into the pattern before it, no step */
} qcmd_t;

/* A time bound of SOURCE ... START= / END=. */
typedef enum qbound_kind { QB_NONE, QB_RELATIVE, QB_ABSOLUTE } qbound_kind_t;
typedef struct qbound {
    qbound_kind_t kind;
    int64_t ms;                   /* relative: ms from now (<= 0); absolute: epoch ms */
} qbound_t;

/* The log groups and range a query selects with SOURCE (CloudWatch's
 * dashboards and API). Empty lists with `all` 0 and `none` 0: no SOURCE. */
typedef struct qsource {
    int present;                  /* the query has a SOURCE clause */
    char **groups;                /* owned: exact log group names */
    int ngroups;
    char **prefixes;              /* owned: logGroups(namePrefix: [...]) */
    int nprefixes;
    int all;                      /* logGroups() or namePrefix: []: every group */
    int none;                     /* only classes no local group is in */
    qbound_t start, end;
    int start_off;                /* byte offset of SOURCE, for notes */
    int accounts_off;             /* 1 + offset of accountIdentifiers (ignored), or 0 */
} qsource_t;

/* Something the lenient checker let through, said on stderr (obsq prints
 * it as "note:" with a caret, like an error). */
typedef struct qnote {
    int line, col;
    char msg[256];
} qnote_t;

typedef struct query_ast {
    char *text;                   /* owned copy of the query */
    qcmd_t *cmds;
    int ncmds;
    qsource_t source;             /* SOURCE ... at its head */
    qnote_t *notes;               /* owned */
    int nnotes;
    /* the JSON fields the query reads from events (checker): their names
       (paths as in qnode) and where first written */
    struct qref { char *name, *path; int line, col; } *refs;  /* owned */
    int nrefs;
} query_ast_t;

void query_ast_free(query_ast_t *q);
void qnode_free(qnode_t *n);

/* The milliseconds of a period literal of fixed length (ms to w), as
 * written (bin's caps are not applied: 90m is 5,400,000); -1 for months,
 * quarters and years, which have no fixed length. */
double qnode_period_ms(const qnode_t *p);

/* Debug/golden form: one line per command, expressions fully parenthesised,
 * e.g. "filter (= @type \"REPORT\")". Returns a malloc'd string. */
char *query_ast_dump(const query_ast_t *q);

#endif
