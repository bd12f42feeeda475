/* query/check.c — semantic checks of a parsed query (see check.h).
 *
 * Rules, checked command by command in query order:
 *  - every function call resolves through query_builtin_find (unknown: error
 *    with query_builtin_suggest's "did you mean"), with its arity;
 *  - aggregates and stats picks (count, avg, pct, earliest, ...) only in
 *    stats items, never nested in another one; bin() only in stats `by` keys,
 *    with a period argument; datefloor/dateceil take a period second;
 *  - a period literal only as an argument of bin/datefloor/dateceil, '*' only
 *    in count(*), a /regex/ only after like/=~ or as a function argument, a
 *    [list] only after in or as a function argument;
 *  - each stats item contains an aggregate, or combines aliases of earlier
 *    items of the same stats / its by keys (`a - b as c`); a field outside an
 *    aggregate in a stats item must be such a name;
 *  - at most 10 stats; sort and limit only after the last stats; only limit
 *    after dedup;
 *  - after a stats, only the fields it produced (its output names), plus
 *    names created later by fields/parse/unnest, can be referenced — also by
 *    a later stats;
 *  - a field starting with '@' must be a system field (below) or a name
 *    created earlier in the query (alias, parse capture, unnest target);
 *    "@@x" (a JSON key that starts with '@') and "@aws.x" (resource-tag and
 *    index fields) are accepted as JSON fields; every other name is a JSON
 *    field and accepted. "@x" is also accepted when "x" was created earlier
 *    (AWS's parse sample groups (?<method2>...) and uses @method2): the
 *    emitter resolves "@x" to the created "x" when "@x" itself wasn't.
 * Output names: the alias, else the expression text as written, trimmed. */
#include "query/check.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "query/builtins.h"
#include "query/lex.h"

#define MAX_STATS 10

static const char *const system_fields[] = {
    "@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@requestId", "@type",
    "@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed", "@initDuration",
    "@xrayTraceId", "@xraySegmentId", "@emfError",
};

typedef struct names {
    const char **v;   /* borrowed from the tree */
    int n, cap;
} names_t;

static void names_add(names_t *s, const char *name)
{
    if (!name)
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = xrealloc(s->v, sizeof *s->v * (size_t)s->cap);
    }
    s->v[s->n++] = name;
}

/* name, or its first segment "a" of "a.b" / "a[1]", is in s */
static int names_has(const names_t *s, const char *name)
{
    size_t first = strcspn(name, ".[");
    for (int i = 0; i < s->n; i++) {
        if (strcmp(s->v[i], name) == 0)
            return 1;
        if (name[first] && strlen(s->v[i]) == first && strncmp(s->v[i], name, first) == 0)
            return 1;
    }
    return 0;
}

enum { W_PLAIN, W_STATS_ITEM, W_BY_KEY };
enum { P_NONE, P_ARG, P_MATCH, P_IN };

typedef struct checker {
    query_ast_t *q;
    obs_err_t *err;
    names_t created;         /* names created so far (aliases, captures) */
    names_t avail;           /* after a stats: the fields that exist */
    int after_stats;
    names_t local;           /* stats being checked: earlier aliases and by-key names */
    int refs_local;          /* the current stats item referenced one of them */
} checker_t;

typedef struct ctx {
    int where;               /* W_* */
    const char *agg;         /* enclosing aggregate (display name) or NULL */
    int parent;              /* P_*: what this node is to its parent */
    const query_builtin_t *fn;  /* P_ARG: the function */
    int argi, nargs;         /* P_ARG: which argument, of how many */
} ctx_t;

static int cerr(checker_t *ck, int off, const char *fmt, ...) OBS_PRINTF(3, 4);
static int cerr(checker_t *ck, int off, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return qlex_error(ck->err, ck->q->text, strlen(ck->q->text), off, "%s", msg);
}

/* The expression text as written, trimmed: the default output name. */
static char *node_text(const checker_t *ck, const qnode_t *n)
{
    const char *t = ck->q->text;
    int s = n->start, e = n->end;
    while (s < e && isspace((unsigned char)t[s]))
        s++;
    while (e > s && isspace((unsigned char)t[e - 1]))
        e--;
    return xstrndup(t + s, (size_t)(e - s));
}

static void name_item(const checker_t *ck, qitem_t *it)
{
    free(it->name);
    it->name = it->alias ? xstrdup(it->alias) : node_text(ck, it->expr);
}

static int check_field(checker_t *ck, qnode_t *n, const ctx_t *cx)
{
    const char *name = n->str ? n->str : "";
    if (cx->where == W_STATS_ITEM && !cx->agg) {
        if (names_has(&ck->local, name)) {
            ck->refs_local = 1;
            return 0;
        }
        return cerr(ck, n->start,
                    "field '%.60s' must be inside an aggregate function in stats, such as "
                    "count(%.60s) or max(%.60s)", name, name, name);
    }
    if (ck->after_stats) {
        if (names_has(&ck->avail, name))
            return 0;
        char list[120] = "";
        size_t used = 0;
        for (int i = 0; i < ck->avail.n; i++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", ck->avail.v[i]);
            if (w < 0 || used + (size_t)w >= sizeof list - 4) {
                strcpy(list + (used < sizeof list - 4 ? used : sizeof list - 4), "...");
                break;
            }
            used += (size_t)w;
        }
        return cerr(ck, n->start,
                    "field '%.60s' does not exist after stats; the previous stats produces: %s",
                    name, list);
    }
    if (name[0] != '@' || name[1] == '@' || strncmp(name, "@aws.", 5) == 0)
        return 0;
    for (size_t i = 0; i < sizeof system_fields / sizeof *system_fields; i++)
        if (strcmp(name, system_fields[i]) == 0)
            return 0;
    if (names_has(&ck->created, name) || names_has(&ck->created, name + 1))
        return 0;  /* "@x" for a created "x": AWS's own parse sample does this */
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < sizeof system_fields / sizeof *system_fields; i++) {
        int d = query_edit_distance(name, system_fields[i]);
        if (d < best_d) {
            best_d = d;
            best = system_fields[i];
        }
    }
    for (int i = 0; i < ck->created.n; i++) {
        int d = ck->created.v[i][0] == '@' ? query_edit_distance(name, ck->created.v[i]) : 99;
        if (d < best_d) {
            best_d = d;
            best = ck->created.v[i];
        }
    }
    if (best)
        return cerr(ck, n->start, "unknown field '%.60s': did you mean '%s'?", name, best);
    return cerr(ck, n->start,
                "unknown field '%.60s': names starting with '@' are system fields such as "
                "@timestamp, @message, @duration (use `%.60s` for a JSON key)", name, name);
}

static int is_agg(const query_builtin_t *fn)
{
    return fn && (fn->kind == QF_AGGREGATE || fn->kind == QF_STATS_PICK);
}

static int is_period_fn(const query_builtin_t *fn)
{
    return fn && (strcmp(fn->name, "bin") == 0 || strcmp(fn->name, "datefloor") == 0 ||
                  strcmp(fn->name, "dateceil") == 0);
}

static int check_expr(checker_t *ck, qnode_t *n, const ctx_t *cx);

static int check_call(checker_t *ck, qnode_t *n, const ctx_t *cx)
{
    const query_builtin_t *fn = query_builtin_find(n->str);
    if (!fn) {
        /* CloudWatch functions obsq does not have: say so, not "unknown" */
        static const char *const unsupported[] = { "topk", "rate", "histogram", "countovertime",
                                                   "sumovertime" };
        /* the name as written (n->str is lower-cased) */
        int len = (int)strlen(n->str) > 60 ? 60 : (int)strlen(n->str);
        const char *written = ck->q->text + n->start;
        for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
            if (strcmp(n->str, unsupported[i]) == 0)
                return cerr(ck, n->start, "function '%.*s' is not supported by obsq "
                            "(docs/query-language.md lists what is)", len, written);
        const char *s = query_builtin_suggest(n->str);
        if (s)
            return cerr(ck, n->start, "unknown function '%.*s': did you mean '%s'?", len, written, s);
        return cerr(ck, n->start, "unknown function '%.*s'", len, written);
    }
    n->fn = fn;
    const char *d = fn->display;
    if (n->nargs < fn->min_args || (fn->max_args >= 0 && n->nargs > fn->max_args)) {
        char want[48];
        if (fn->max_args < 0)
            snprintf(want, sizeof want, "at least %d argument%s", fn->min_args,
                     fn->min_args == 1 ? "" : "s");
        else if (fn->min_args == fn->max_args)
            snprintf(want, sizeof want, "%d argument%s", fn->min_args, fn->min_args == 1 ? "" : "s");
        else if (fn->min_args == 0)
            snprintf(want, sizeof want, "at most %d argument%s", fn->max_args,
                     fn->max_args == 1 ? "" : "s");
        else
            snprintf(want, sizeof want, "%d to %d arguments", fn->min_args, fn->max_args);
        return cerr(ck, n->start, "%s() takes %s, found %d", d, want, n->nargs);
    }
    ctx_t sub = *cx;
    if (is_agg(fn)) {
        if (cx->agg)
            return cerr(ck, n->start, "aggregate function '%s' cannot be nested inside '%s'", d,
                        cx->agg);
        if (cx->where == W_BY_KEY)
            return cerr(ck, n->start, "aggregate function '%s' cannot be a stats 'by' key", d);
        if (cx->where != W_STATS_ITEM)
            return cerr(ck, n->start, "aggregate function '%s' is only allowed in stats", d);
        sub.agg = d;
    }
    if (fn->kind == QF_BIN) {
        if (cx->where != W_BY_KEY)
            return cerr(ck, n->start,
                        "bin() is only allowed as a stats 'by' key, e.g. stats count(*) by bin(5m)");
        if (n->args[0]->kind != QN_PERIOD)
            return cerr(ck, n->args[0]->start, "bin() expects a time period such as 5m or 1h");
    }
    if ((strcmp(fn->name, "datefloor") == 0 || strcmp(fn->name, "dateceil") == 0) &&
        n->args[1]->kind != QN_PERIOD)
        return cerr(ck, n->args[1]->start,
                    "%s() expects a time period such as 5m or 1h as its second argument", d);
    for (int i = 0; i < n->nargs; i++) {
        sub.parent = P_ARG;
        sub.fn = fn;
        sub.argi = i;
        sub.nargs = n->nargs;
        if (check_expr(ck, n->args[i], &sub))
            return OBS_EINVAL;
    }
    return 0;
}

static int check_expr(checker_t *ck, qnode_t *n, const ctx_t *cx)
{
    ctx_t sub = *cx;
    sub.parent = P_NONE;
    switch (n->kind) {
    case QN_NUMBER:
    case QN_STRING:
    case QN_BOOL:
        return 0;
    case QN_REGEX:
        if (cx->parent != P_MATCH && cx->parent != P_ARG)
            return cerr(ck, n->start,
                        "a /regex/ is only allowed after like or =~, or as a function argument");
        return 0;
    case QN_PERIOD:
        if (cx->parent != P_ARG || !is_period_fn(cx->fn))
            return cerr(ck, n->start,
                        "a time period is only allowed in bin(), datefloor() or dateceil()");
        return 0;
    case QN_STAR:
        if (cx->parent != P_ARG || strcmp(cx->fn->name, "count") != 0 || cx->nargs != 1)
            return cerr(ck, n->start, "'*' is only allowed in count(*)");
        return 0;
    case QN_LIST:
        if (cx->parent != P_IN && cx->parent != P_ARG)
            return cerr(ck, n->start, "a [list] is only allowed after in, or as a function argument");
        for (int i = 0; i < n->nargs; i++)
            if (check_expr(ck, n->args[i], &sub))
                return OBS_EINVAL;
        return 0;
    case QN_FIELD:
        return check_field(ck, n, cx);
    case QN_UNARY:
        return check_expr(ck, n->args[0], &sub);
    case QN_BINARY:
        if (check_expr(ck, n->args[0], &sub))
            return OBS_EINVAL;
        if (n->op == QOP_LIKE || n->op == QOP_NOT_LIKE || n->op == QOP_MATCH)
            sub.parent = P_MATCH;
        else if (n->op == QOP_IN || n->op == QOP_NOT_IN)
            sub.parent = P_IN;
        return check_expr(ck, n->args[1], &sub);
    case QN_CALL:
        return check_call(ck, n, cx);
    }
    return 0;
}

/* Does n call an aggregate? An unknown function counts as one, so that
 * check_expr reports it by name. */
static int contains_agg(const qnode_t *n)
{
    if (n->kind == QN_CALL) {
        const query_builtin_t *fn = query_builtin_find(n->str);
        if (!fn || is_agg(fn))
            return 1;
    }
    for (int i = 0; i < n->nargs; i++)
        if (contains_agg(n->args[i]))
            return 1;
    return 0;
}

/* Does n name a field of `local` outside any aggregate? */
static int refs_names(const qnode_t *n, const names_t *local)
{
    if (n->kind == QN_FIELD)
        return names_has(local, n->str ? n->str : "");
    if (n->kind == QN_CALL && is_agg(query_builtin_find(n->str)))
        return 0;
    for (int i = 0; i < n->nargs; i++)
        if (refs_names(n->args[i], local))
            return 1;
    return 0;
}

static int check_plain(checker_t *ck, qnode_t *n)
{
    ctx_t cx = { W_PLAIN, NULL, P_NONE, NULL, 0, 0 };
    return check_expr(ck, n, &cx);
}

static const char *cmd_name(qcmd_kind_t k)
{
    static const char *const names[] = { "fields", "display", "filter", "stats", "sort",
                                         "limit", "parse", "dedup", "unnest" };
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

static int check_stats(checker_t *ck, qcmd_t *c)
{
    ck->local.n = 0;
    for (int i = 0; i < c->nby; i++) {
        name_item(ck, &c->by[i]);
        names_add(&ck->local, c->by[i].name);
    }
    for (int i = 0; i < c->nitems; i++) {
        qitem_t *it = &c->items[i];
        name_item(ck, it);
        if (!contains_agg(it->expr) && !refs_names(it->expr, &ck->local)) {
            char *text = node_text(ck, it->expr);
            cerr(ck, it->expr->start,
                 "stats needs an aggregate function such as count(*) or avg(x), found '%.60s'", text);
            free(text);
            return OBS_EINVAL;
        }
        ctx_t cx = { W_STATS_ITEM, NULL, P_NONE, NULL, 0, 0 };
        ck->refs_local = 0;
        if (check_expr(ck, it->expr, &cx))
            return OBS_EINVAL;
        names_add(&ck->local, it->name);
        names_add(&ck->created, it->name);
    }
    for (int i = 0; i < c->nby; i++) {
        ctx_t cx = { W_BY_KEY, NULL, P_NONE, NULL, 0, 0 };
        if (check_expr(ck, c->by[i].expr, &cx))
            return OBS_EINVAL;
        names_add(&ck->created, c->by[i].name);
    }
    /* from here on, only the stats output exists */
    ck->avail.n = 0;
    for (int i = 0; i < c->nitems; i++)
        names_add(&ck->avail, c->items[i].name);
    for (int i = 0; i < c->nby; i++)
        names_add(&ck->avail, c->by[i].name);
    ck->after_stats = 1;
    return 0;
}

static void create(checker_t *ck, const char *name)
{
    names_add(&ck->created, name);
    if (ck->after_stats)
        names_add(&ck->avail, name);
}

static int check_cmd(checker_t *ck, qcmd_t *c)
{
    switch (c->kind) {
    case QC_FIELDS:
    case QC_DISPLAY:
        for (int i = 0; i < c->nitems; i++) {
            name_item(ck, &c->items[i]);
            if (check_plain(ck, c->items[i].expr))
                return OBS_EINVAL;
            if (c->items[i].alias)
                create(ck, c->items[i].alias);
        }
        return 0;
    case QC_FILTER:
        return check_plain(ck, c->cond);
    case QC_STATS:
        return check_stats(ck, c);
    case QC_SORT:
        for (int i = 0; i < c->nkeys; i++)
            if (check_plain(ck, c->keys[i].expr))
                return OBS_EINVAL;
        return 0;
    case QC_LIMIT:
        return 0;
    case QC_PARSE:
        if (c->source && check_plain(ck, c->source))
            return OBS_EINVAL;
        for (int i = 0; i < c->nnames; i++)
            create(ck, c->names[i]);
        return 0;
    case QC_DEDUP:
        for (int i = 0; i < c->nitems; i++) {
            name_item(ck, &c->items[i]);
            if (check_plain(ck, c->items[i].expr))
                return OBS_EINVAL;
        }
        return 0;
    case QC_UNNEST:
        if (check_plain(ck, c->unnest_expr))
            return OBS_EINVAL;
        create(ck, c->unnest_into);
        return 0;
    }
    return 0;
}

int query_check(query_ast_t *q, obs_err_t *err)
{
    obs_err_t dummy;
    checker_t ck = { 0 };
    ck.q = q;
    ck.err = err ? err : &dummy;
    int last_stats = -1, nstats = 0, dedup = -1, rc = 0;
    for (int i = 0; i < q->ncmds; i++)
        if (q->cmds[i].kind == QC_STATS)
            last_stats = i;
    for (int i = 0; i < q->ncmds && rc == 0; i++) {
        qcmd_t *c = &q->cmds[i];
        if (dedup >= 0 && c->kind != QC_LIMIT) {
            rc = cerr(&ck, c->start, "only limit may follow dedup, found %s", cmd_name(c->kind));
            break;
        }
        if ((c->kind == QC_SORT || c->kind == QC_LIMIT) && i < last_stats) {
            rc = cerr(&ck, c->start, "%s must come after the last stats command",
                      cmd_name(c->kind));
            break;
        }
        if (c->kind == QC_STATS && ++nstats > MAX_STATS) {
            rc = cerr(&ck, c->start, "a query may have at most %d stats commands", MAX_STATS);
            break;
        }
        if (c->kind == QC_DEDUP)
            dedup = i;
        rc = check_cmd(&ck, c);
    }
    free(ck.created.v);
    free(ck.avail.v);
    free(ck.local.v);
    return rc;
}
