/* query/check.c — semantic checks of a parsed query (see check.h).
 *
 * Rules, checked command by command in query order:
 *  - every function call resolves through query_builtin_find (unknown: error
 *    with query_builtin_suggest's "did you mean"), with its arity; median(x)
 *    is not a Logs Insights function: strict refuses it ("use pct(x, 50)"),
 *    lenient runs it as pct(x, 50) and says so;
 *  - aggregates and stats picks (count, avg, pct, earliest, ...) only in
 *    stats items, never nested in another one; bin() anywhere @timestamp
 *    exists (AWS lists it among the datetime functions of fields and
 *    filter), with a period argument; datefloor/dateceil take a period second;
 *  - a period literal only as an argument of bin/datefloor/dateceil, or of
 *    fixed length (ms to w) as an operand of + or - (`@timestamp + 9h`: its
 *    milliseconds); '*' only in count(*), a /regex/ only after like/=~ or as
 *    a function argument, a [list] only after in or as a function argument;
 *  - each stats item contains an aggregate, or combines aliases of earlier
 *    items of the same stats / its by keys (`a - b as c`); a field outside an
 *    aggregate in a stats item must be such a name;
 *  - at most 10 stats; sort and limit only after the last stats or pattern
 *    (lenient: a sort before it is let through with a note: it cannot
 *    change the stats' result); only limit after dedup; estimate last;
 *  - after a stats (or a pattern), only the fields it produced (its output
 *    names), plus names created later by fields/parse/unnest, exist — also
 *    for a later stats. An expression written as one of the stats' own
 *    (`sort bin(1h)` after `stats ... by bin(1h)`, `sort count(*)`) names
 *    that output column (qnode colref);
 *  - lenient: a field that exists nowhere it is used (after a stats, or an
 *    unknown @name) is marked missing, so it is empty, as in CloudWatch,
 *    and a note names it and the nearest existing one; strict: an error;
 *  - diff right after a pattern is folded into it; a diff or anomaly over
 *    events stands for `pattern @message` plus itself; filterIndex takes
 *    only field = literal and field in [...] (with and/or), before stats;
 *  - a field starting with '@' must be a system field (below) or a name
 *    created earlier in the query (alias, parse capture, unnest target);
 *    "@@x" (a JSON key that starts with '@') and "@aws.x" (resource-tag and
 *    index fields) are accepted as JSON fields; every other name is a JSON
 *    field and accepted. "@x" is also accepted when "x" was created earlier
 *    (AWS's parse sample groups (?<method2>...) and uses @method2): the
 *    emitter resolves "@x" to the created "x" when "@x" itself wasn't.
 * Output names: the alias, else a field's name (backticks removed), else the
 * expression text as written, trimmed. */
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
#include "query/cmds/cmds.h"

#define MAX_STATS 10

static const char *const system_fields[] = {
    "@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@requestId", "@type",
    "@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed", "@initDuration",
    "@xrayTraceId", "@xraySegmentId", "@emfError", "@absurdTime",
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
enum { P_NONE, P_ARG, P_MATCH, P_IN, P_ADD };

typedef struct checker {
    query_ast_t *q;
    obs_err_t *err;
    int lenient;
    names_t created;         /* names created so far (aliases, captures) */
    names_t avail;           /* after a stats: the fields that exist */
    int after_stats;
    const char *agg_name;    /* "stats" or "pattern": what made avail */
    const qcmd_t *last_stats;  /* its items and keys (colref) */
    int has_ts;              /* @timestamp exists here (bin(), earliest, latest) */
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

static void cnote(checker_t *ck, int off, const char *fmt, ...) OBS_PRINTF(3, 4);
static void cnote(checker_t *ck, int off, const char *fmt, ...)
{
    qnote_t n;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n.msg, sizeof n.msg, fmt, ap);
    va_end(ap);
    qlex_linecol(ck->q->text, strlen(ck->q->text), off, &n.line, &n.col);
    for (int i = 0; i < ck->q->nnotes; i++)  /* once per message */
        if (strcmp(ck->q->notes[i].msg, n.msg) == 0)
            return;
    if (ck->q->nnotes >= 32)
        return;
    ck->q->notes = xrealloc(ck->q->notes, (size_t)(ck->q->nnotes + 1) * sizeof *ck->q->notes);
    ck->q->notes[ck->q->nnotes++] = n;
}

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

/* An item's output name: its alias; a field's name (without the backticks
 * it may be written with, as CloudWatch names the column: `detail-type`
 * and detail.`instance-id` make detail-type and detail.instance-id, which
 * later commands find written either way); else the expression's text. */
static void name_item(const checker_t *ck, qitem_t *it)
{
    free(it->name);
    if (it->alias)
        it->name = xstrdup(it->alias);
    else if (it->expr->kind == QN_FIELD && it->expr->str)
        it->name = xstrdup(it->expr->str);
    else
        it->name = node_text(ck, it->expr);
}

/* A JSON field the query reads from events (obsq says when no event has it). */
static void add_ref(checker_t *ck, const qnode_t *n)
{
    query_ast_t *q = ck->q;
    for (int i = 0; i < q->nrefs; i++)
        if (strcmp(q->refs[i].name, n->str) == 0)
            return;
    if (q->nrefs >= 64)
        return;
    q->refs = xrealloc(q->refs, (size_t)(q->nrefs + 1) * sizeof *q->refs);
    q->refs[q->nrefs].name = xstrdup(n->str);
    q->refs[q->nrefs].path = xstrdup(n->path ? n->path : n->str);
    qlex_linecol(q->text, strlen(q->text), n->start, &q->refs[q->nrefs].line, &q->refs[q->nrefs].col);
    q->nrefs++;
}

/* The closest of names to name (edit distance below 3, or a name that
 * differs only in case), or NULL. */
static const char *nearest(const char *name, const char *const *v, int n)
{
    const char *best = NULL;
    int best_d = 3;
    for (int i = 0; i < n; i++) {
        int d = query_edit_distance(name, v[i]);
        if (d < best_d) {
            best_d = d;
            best = v[i];
        }
    }
    return best;
}

/* "a, b, c" (at most ~110 bytes, then "...") */
static void list_names(const names_t *s, char *list, size_t size)
{
    size_t used = 0;
    list[0] = '\0';
    for (int i = 0; i < s->n; i++) {
        int w = snprintf(list + used, size - used, "%s%s", i ? ", " : "", s->v[i]);
        if (w < 0 || used + (size_t)w >= size - 4) {
            strcpy(list + (used < size - 4 ? used : size - 4), "...");
            break;
        }
        used += (size_t)w;
    }
}

/* A field that exists nowhere here: strict, the error composed in msg;
 * lenient, it is empty, and the note says why (where: "after stats (it
 * produces a, b)" or "") and the nearest existing name. */
static int missing(checker_t *ck, qnode_t *n, const char *msg, const char *where, const char *did_you_mean)
{
    if (!ck->lenient)
        return cerr(ck, n->start, "%s", msg);
    n->missing = 1;
    cnote(ck, n->start, "field '%.60s' does not exist%s, so it is empty here%s%.60s%s", n->str, where,
          did_you_mean ? ": did you mean '" : "", did_you_mean ? did_you_mean : "",
          did_you_mean ? "'?" : "");
    return 0;
}

static int check_field(checker_t *ck, qnode_t *n, const ctx_t *cx)
{
    const char *name = n->str ? n->str : "";
    char msg[256];
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
        char list[120];
        list_names(&ck->avail, list, sizeof list);
        snprintf(msg, sizeof msg, "field '%.60s' does not exist after %s; the previous %s produces: %s",
                 name, ck->agg_name, ck->agg_name, list);
        char where[160];
        snprintf(where, sizeof where, " after %s (it produces %s)", ck->agg_name, list);
        return missing(ck, n, msg, where, nearest(name, ck->avail.v, ck->avail.n));
    }
    if (name[0] != '@' || name[1] == '@' || strncmp(name, "@aws.", 5) == 0) {
        if (!names_has(&ck->created, name))
            add_ref(ck, n);
        return 0;
    }
    for (size_t i = 0; i < sizeof system_fields / sizeof *system_fields; i++)
        if (strcmp(name, system_fields[i]) == 0)
            return 0;
    if (names_has(&ck->created, name) || names_has(&ck->created, name + 1))
        return 0;  /* "@x" for a created "x": AWS's own parse sample does this */
    const char *best = nearest(name, system_fields, (int)(sizeof system_fields / sizeof *system_fields));
    int best_d = best ? query_edit_distance(name, best) : 3;
    for (int i = 0; i < ck->created.n; i++) {
        int d = ck->created.v[i][0] == '@' ? query_edit_distance(name, ck->created.v[i]) : 99;
        if (d < best_d) {
            best_d = d;
            best = ck->created.v[i];
        }
    }
    if (best)
        snprintf(msg, sizeof msg, "unknown field '%.60s': did you mean '%s'?", name, best);
    else
        snprintf(msg, sizeof msg, "unknown field '%.60s': names starting with '@' are system fields such "
                 "as @timestamp, @message, @duration (use `%.60s` for a JSON key)", name, name);
    return missing(ck, n, msg, " (names starting with '@' are system fields or created ones)", best);
}

/* Are a and b the same expression (function names by their canonical
 * name, field names exactly)? */
static int same_expr(const qnode_t *a, const qnode_t *b)
{
    if (a->kind != b->kind || a->op != b->op || a->nargs != b->nargs)
        return 0;
    switch (a->kind) {
    case QN_NUMBER:
    case QN_BOOL:
        if (a->num != b->num)
            return 0;
        break;
    case QN_STRING:
    case QN_REGEX:
    case QN_FIELD:
        if (strcmp(a->str ? a->str : "", b->str ? b->str : "") != 0)
            return 0;
        break;
    case QN_PERIOD:
        if (a->period.n != b->period.n || a->period.unit != b->period.unit)
            return 0;
        break;
    case QN_CALL: {
        const query_builtin_t *fa = query_builtin_find(a->str), *fb = query_builtin_find(b->str);
        if (fa != fb || (!fa && strcmp(a->str, b->str) != 0))
            return 0;
        break;
    }
    default:
        break;
    }
    for (int i = 0; i < a->nargs; i++)
        if (!same_expr(a->args[i], b->args[i]))
            return 0;
    return 1;
}

/* After a stats: is n written as one of its items or keys? Then it names
 * that output column. */
static int as_column(checker_t *ck, qnode_t *n)
{
    const qcmd_t *st = ck->last_stats;
    if (!ck->after_stats || !st || n->kind == QN_FIELD)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        const qitem_t *v = pass ? st->items : st->by;
        int nv = pass ? st->nitems : st->nby;
        for (int i = 0; i < nv; i++) {
            if (v[i].name && same_expr(v[i].expr, n) && names_has(&ck->avail, v[i].name)) {
                free(n->colref);
                n->colref = xstrdup(v[i].name);
                return 1;
            }
        }
    }
    return 0;
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
    if (!fn && strcmp(n->str, "median") == 0 && n->nargs == 1) {
        /* not in AWS's function list, but in published queries */
        char *arg = node_text(ck, n->args[0]);
        if (!ck->lenient) {
            int rc = cerr(ck, n->start, "median() is not a Logs Insights function: use pct(%.60s, 50)", arg);
            free(arg);
            return rc;
        }
        cnote(ck, n->start, "median(%.60s) runs as pct(%.60s, 50): median is not in AWS's function list",
              arg, arg);
        free(arg);
        free(n->str);
        n->str = xstrdup("pct");
        qnode_t *fifty = xcalloc(1, sizeof *fifty);
        fifty->kind = QN_NUMBER;
        fifty->num = 50;
        fifty->start = fifty->end = n->end;
        n->args = xrealloc(n->args, 2 * sizeof *n->args);
        n->args[n->nargs++] = fifty;
        fn = query_builtin_find("pct");
    }
    if (!fn) {
        /* the name as written (n->str is lower-cased) */
        int len = (int)strlen(n->str) > 60 ? 60 : (int)strlen(n->str);
        const char *written = ck->q->text + n->start;
        /* CloudWatch functions obsq does not have: say so, not "unknown" */
        if (query_builtin_unsupported(n->str))
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
        if (n->args[0]->kind != QN_PERIOD)
            return cerr(ck, n->args[0]->start, "bin() expects a time period such as 5m or 1h");
        if (!ck->has_ts) {
            char list[120], msg[256];
            list_names(&ck->avail, list, sizeof list);
            snprintf(msg, sizeof msg, "bin() needs @timestamp, which does not exist after %s (it "
                     "produces %s): carry it with max(@timestamp) as t, then use datefloor(t, 5m)",
                     ck->agg_name, list);
            if (!ck->lenient)
                return cerr(ck, n->start, "%s", msg);
            n->missing = 1;
            cnote(ck, n->start, "%s; it is empty here", msg);
            return 0;
        }
    }
    if (strcmp(fn->name, "unmask") == 0)
        cnote(ck, n->start, "unmask: nothing is masked locally (there is no data protection "
              "policy): values are shown as stored");
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

/* A period: an argument of bin/datefloor/dateceil, or a fixed length
 * added to or subtracted from something (`@timestamp - 30d`). */
static int check_period(checker_t *ck, const qnode_t *n, const ctx_t *cx)
{
    if (cx->parent == P_ARG && is_period_fn(cx->fn))
        return 0;
    if (cx->parent != P_ADD)
        return cerr(ck, n->start, "a time period is only allowed in bin(), datefloor() or dateceil(), "
                    "or added to or subtracted from a time (@timestamp - 30d)");
    if (qnode_period_ms(n) < 0)
        return cerr(ck, n->start, "a month, quarter or year has no fixed length to add or subtract: "
                    "use days (30d)");
    return 0;
}

static int check_expr(checker_t *ck, qnode_t *n, const ctx_t *cx)
{
    ctx_t sub = *cx;
    sub.parent = P_NONE;
    if (cx->where == W_PLAIN && as_column(ck, n))
        return 0;
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
        return check_period(ck, n, cx);
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
        if (n->op == QOP_ADD || n->op == QOP_SUB)
            sub.parent = P_ADD;
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
        if (!fn || is_agg(fn) || strcmp(n->str, "median") == 0)
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
    if (n->kind == QN_CALL && (is_agg(query_builtin_find(n->str)) || strcmp(n->str, "median") == 0))
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
                                         "limit", "parse", "dedup", "unnest", "pattern", "diff",
                                         "anomaly", "unmask", "estimate" };
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
    ck->agg_name = "stats";
    ck->last_stats = c;
    ck->has_ts = names_has(&ck->avail, "@timestamp");
    return 0;
}

static void create(checker_t *ck, const char *name)
{
    names_add(&ck->created, name);
    if (ck->after_stats)
        names_add(&ck->avail, name);
    if (name && strcmp(name, "@timestamp") == 0)
        ck->has_ts = 1;
}

/* filterIndex: what a field index can answer — field = literal, field in
 * [...], and those joined by and/or. */
static int index_cond(const qnode_t *n)
{
    if (n->kind != QN_BINARY)
        return 0;
    if (n->op == QOP_AND || n->op == QOP_OR)
        return index_cond(n->args[0]) && index_cond(n->args[1]);
    const qnode_t *l = n->args[0], *r = n->args[1];
    int lit_r = r->kind == QN_STRING || r->kind == QN_NUMBER || r->kind == QN_BOOL;
    int lit_l = l->kind == QN_STRING || l->kind == QN_NUMBER || l->kind == QN_BOOL;
    if (n->op == QOP_EQ)
        return (l->kind == QN_FIELD && lit_r) || (r->kind == QN_FIELD && lit_l);
    return n->op == QOP_IN && l->kind == QN_FIELD;
}

/* The fields a pattern (and a diff, an anomaly folded into it) produces. */
static void pattern_outputs(checker_t *ck, const qcmd_t *c)
{
    static const char *const base[] = { "@pattern", "@ratio", "@sampleCount", "@severityLabel",
                                        "@patternId", "@logSamples" };
    static const char *const diff[] = { "@previousSampleCount", "@diffSampleCount", "@diffDescription" };
    ck->avail.n = 0;
    for (size_t i = 0; i < sizeof base / sizeof *base; i++)
        names_add(&ck->avail, base[i]);
    if (c->diff != QD_NONE)
        for (size_t i = 0; i < sizeof diff / sizeof *diff; i++)
            names_add(&ck->avail, diff[i]);
    ck->after_stats = 1;
    ck->agg_name = "pattern";
    ck->last_stats = NULL;
    ck->has_ts = 0;
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
        if (c->index && ck->after_stats)
            return cerr(ck, c->start, "filterIndex reads events: put it before %s", ck->agg_name);
        if (c->index && !index_cond(c->cond))
            return cerr(ck, c->cond->start, "filterIndex takes field = value or field in [...] (joined "
                        "by and/or), what an index can answer: use filter for other conditions");
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
    case QC_PATTERN:
        if (check_plain(ck, c->arg))
            return OBS_EINVAL;
        pattern_outputs(ck, c);
        return 0;
    case QC_DIFF:  /* folded into the pattern before it */
        return 0;
    case QC_ANOMALY: {
        static const char *const out[] = { "@timestamp", "@anomalyType", "@description" };
        for (size_t i = 0; i < sizeof out / sizeof *out; i++)
            create(ck, out[i]);
        cnote(ck, c->start, "anomaly: obsq finds frequency spikes and new patterns with plain "
              "statistics over the query's range (docs/query-language.md), not CloudWatch's "
              "machine-learning model");
        return 0;
    }
    case QC_UNMASK:
        cnote(ck, c->start, "unmask: nothing is masked locally (there is no data protection "
              "policy): values are shown as stored");
        return 0;
    case QC_ESTIMATE:
        return 0;
    }
    return 0;
}

static void check_source(checker_t *ck)
{
    const qsource_t *s = &ck->q->source;
    if (s->accounts_off)
        cnote(ck, s->accounts_off - 1, "SOURCE accountIdentifiers ignored: a local store has one "
              "account, 000000000000");
    if (s->none)
        cnote(ck, s->start_off, "SOURCE selects only the Infrequent Access class: every local "
              "log group is Standard, so nothing is selected");
}

static int check_query(query_ast_t *q, obs_err_t *err, int lenient)
{
    obs_err_t dummy;
    checker_t ck = { 0 };
    ck.q = q;
    ck.err = err ? err : &dummy;
    ck.lenient = lenient;
    ck.has_ts = 1;
    ck.agg_name = "stats";
    int last_agg = -1, nstats = 0, dedup = -1, rc = 0;
    rc = query__fold_patterns(q, ck.err);
    for (int i = 0; i < q->ncmds; i++)
        if (q->cmds[i].kind == QC_STATS || q->cmds[i].kind == QC_PATTERN)
            last_agg = i;
    check_source(&ck);
    for (int i = 0; i < q->ncmds && rc == 0; i++) {
        qcmd_t *c = &q->cmds[i];
        if (dedup >= 0 && c->kind != QC_LIMIT) {
            rc = cerr(&ck, c->start, "only limit may follow dedup, found %s", cmd_name(c->kind));
            break;
        }
        if (c->kind == QC_ESTIMATE && i != q->ncmds - 1) {
            rc = cerr(&ck, c->start, "estimate must be the last command");
            break;
        }
        if ((c->kind == QC_SORT || c->kind == QC_LIMIT) && i < last_agg) {
            const char *what = q->cmds[last_agg].kind == QC_PATTERN ? "pattern" : "stats";
            if (lenient && c->kind == QC_SORT) {
                cnote(&ck, c->start, "sort before %s: it cannot change what %s computes (AWS's "
                      "docs want sort after the last stats)", what, what);
            } else {
                rc = cerr(&ck, c->start, "%s must come after the last %s command", cmd_name(c->kind),
                          what);
                break;
            }
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

int query_check(query_ast_t *q, obs_err_t *err)
{
    return check_query(q, err, 0);
}

int query_check_lenient(query_ast_t *q, obs_err_t *err)
{
    return check_query(q, err, 1);
}
