/* query/parse.c — recursive-descent parser for Logs Insights queries
 * (see parse.h). Grammar (spec §6.8, keywords case-insensitive):
 *
 *   query   := command { '|' command }
 *   command := fields item {, item}      | display item {, item}
 *            | (filter | where) expr     | stats item {, item} [[group] by item {, item}]
 *            | sort [by] expr [asc|desc] {, expr [asc|desc]}
 *            | limit [any] N             | dedup field {, field}
 *            | parse [field] "glob * pattern" as name {, name}
 *            | parse [field] /regex with (?<name>...)/
 *            | unnest expr into name
 *            | pattern expr              | diff [previousDay|previousWeek|previousMonth]
 *            | anomaly | unmask | estimate
 *            | filterIndex expr          (checked: field = literal, field in [...])
 *   item    := expr [as name]
 *   SOURCE ... (query/cmds/source.c) may open the query, once or more.
 *
 * Operator precedence, loosest first (all binary operators left-associative
 * except '^'; comparisons do not chain):
 *
 *   1. or
 *   2. and
 *   3. not (prefix)
 *   4. = == != < <= > >=   like   not like   =~   in   not in
 *   5. + -
 *   6. * / %
 *   7. ^ (right-associative)
 *   8. - (prefix: -2^2 is (-2)^2, as in spec §6.8; "-<number>" folds to a number)
 *   9. literals, fields, calls f(...), count(*), (expr), [list]
 *
 * The right side of like / not like is a string or /regex/; of =~ a /regex/
 * or a string (the string is the regex);
 * of in / not in a [list] of literals. A '/' is a regex where an operand is
 * expected (and as parse's pattern), division elsewhere: the parser re-lexes
 * a '/' token in QLEX_REGEX mode when it wants an operand.
 *
 * Limits: QUERY_MAX_TEXT bytes of text; QUERY_MAX_DEPTH levels of nesting
 * (parentheses, prefix operators, ^, call arguments); QUERY_MAX_CHAIN for the
 * height of the tree including left-assoc chains (a+b+c+...), so that the
 * recursive walkers (check, dump, free, emit) stay within a small stack;
 * QUERY_MAX_NODES nodes.
 *
 * Decisions: `limit any N` is accepted and parsed as `limit N` (the local
 * store returns the same rows); `sort` without asc/desc is ascending;
 * `sort by f` is `sort f`; `stats ... group by` is `stats ... by`; `where` is
 * `filter`; `==` is `=`. logfmt/csv parse, `parse ... multi`, `stats ...
 * offset`, the commands obsq lacks (join, lookup, ...) and the functions it
 * lacks (topk, ...) are collected as the parser goes and refused together,
 * in one message that names each of them (qp_unsupported_error). */
#include "query/parse_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"

static qitem_t *grow_items(qitem_t *a, int n)
{
    if ((n & (n - 1)) == 0)
        a = xrealloc(a, sizeof *a * (size_t)(n ? n * 2 : 1));
    memset(&a[n], 0, sizeof *a);
    return a;
}

/* A name after 'as', ',' or 'into': any identifier (@x, a.b, `x-y`). */
static char *parse_name(parser_t *p)
{
    if (p->tok.kind != QT_IDENT) {
        qp_perr(p, p->tok.start, "expected a field name after %s, found %s", qp_prev(p), qp_found(p));
        return NULL;
    }
    char *s = qp_steal_str(p);
    if (qp_advance(p)) {
        free(s);
        return NULL;
    }
    return s;
}

static int parse_item(parser_t *p, qitem_t *it)
{
    if (!(it->expr = qp_expr(p)))
        return OBS_EINVAL;
    if (qp_is_kw(p, "as")) {
        if (qp_advance(p) || !(it->alias = parse_name(p)))
            return OBS_EINVAL;
    }
    return 0;
}

static int parse_items(parser_t *p, qitem_t **items, int *n)
{
    for (;;) {
        *items = grow_items(*items, *n);
        (*n)++;
        if (parse_item(p, &(*items)[*n - 1]))
            return OBS_EINVAL;
        if (p->tok.kind != QT_COMMA)
            return 0;
        if (qp_advance(p))
            return OBS_EINVAL;
    }
}

static int parse_stats(parser_t *p, qcmd_t *c)
{
    if (parse_items(p, &c->items, &c->nitems))
        return OBS_EINVAL;
    p->expect = "',', 'by', '|' or end of query";
    if (qp_is_kw(p, "group") && qp_peek_kw(p, "by")) {
        if (qp_advance(p))
            return OBS_EINVAL;
    }
    if (!qp_is_kw(p, "by"))
        return 0;
    if (qp_advance(p))
        return OBS_EINVAL;
    p->expect = "',', '|' or end of query";
    if (parse_items(p, &c->by, &c->nby))
        return OBS_EINVAL;
    if (qp_is_kw(p, "offset")) {
        qp_unsupported(p, p->tok.start, "stats ... by ... offset is not supported");
        return qp_skip_command(p);
    }
    return 0;
}

static int parse_sort(parser_t *p, qcmd_t *c)
{
    if (qp_is_kw(p, "by")) {
        qtok_t n;
        qp_peek(p, &n);
        int field = n.kind == QT_COMMA || n.kind == QT_PIPE || n.kind == QT_EOF ||
                    qp_tok_is_kw(&n, "asc") || qp_tok_is_kw(&n, "desc");
        qtok_free(&n);
        if (!field && qp_advance(p))
            return OBS_EINVAL;
        if (field) {
            /* "sort by": a field named by; parse_primary refuses the keyword */
            qp_perr(p, p->tok.start, "expected a field after 'sort by', found %s", qp_found(p));
            return OBS_EINVAL;
        }
    }
    p->expect = "',', 'asc', 'desc', '|' or end of query";
    for (;;) {
        if ((c->nkeys & (c->nkeys - 1)) == 0)
            c->keys = xrealloc(c->keys, sizeof *c->keys * (size_t)(c->nkeys ? c->nkeys * 2 : 1));
        qsort_key_t *k = &c->keys[c->nkeys++];
        k->desc = 0;
        if (!(k->expr = qp_expr(p)))
            return OBS_EINVAL;
        if (qp_is_kw(p, "asc") || qp_is_kw(p, "desc")) {
            k->desc = qp_is_kw(p, "desc");
            if (qp_advance(p))
                return OBS_EINVAL;
        }
        if (p->tok.kind != QT_COMMA)
            return 0;
        if (qp_advance(p))
            return OBS_EINVAL;
    }
}

static int parse_limit(parser_t *p, qcmd_t *c)
{
    if (qp_is_kw(p, "any")) {
        qtok_t n;
        qp_peek(p, &n);
        int num = n.kind == QT_NUMBER;
        qtok_free(&n);
        if (num && qp_advance(p))
            return OBS_EINVAL;
    }
    double v = p->tok.num;
    if (p->tok.kind != QT_NUMBER || v < 1 || v > 1e15 || v != floor(v))
        return qp_perr(p, p->tok.start, "expected a positive whole number after %s, found %s",
                    qp_prev(p), qp_found(p));
    c->limit = (int64_t)v;
    return qp_advance(p);
}

static int add_name(parser_t *p, qcmd_t *c, char *name, int off)
{
    for (int i = 0; i < c->nnames; i++) {
        if (strcmp(c->names[i], name) == 0) {
            qp_perr(p, off, "field '%.60s' is named twice in parse", name);
            free(name);
            return OBS_EINVAL;
        }
    }
    if ((c->nnames & (c->nnames - 1)) == 0)
        c->names = xrealloc(c->names, sizeof *c->names * (size_t)(c->nnames ? c->nnames * 2 : 1));
    c->names[c->nnames++] = name;
    return 0;
}

/* The offset in the query text of byte i of a regex token at off: the
 * lexer wrote each \/ of the text as one '/'. */
static int regex_text_off(const parser_t *p, int off, size_t i)
{
    size_t t = (size_t)off + 1;
    for (size_t k = 0; k < i && t < p->len; k++) {
        if (p->t[t] == '\\' && t + 1 < p->len && p->t[t + 1] == '/')
            t++;
        t++;
    }
    return (int)t;
}

/* A group name re[s..e): a letter or '_', then letters, digits and '_';
 * a leading '@' names a field such as @duration_ms (CloudWatch's own
 * samples write (?<@name>...)). */
static int group_name_ok(const char *re, size_t s, size_t e)
{
    if (re[s] == '@')
        s++;
    if (re[e] != '>' || e == s || (re[s] >= '0' && re[s] <= '9'))
        return 0;
    for (size_t j = s; j < e; j++) {
        char ch = re[j];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return 0;
    }
    return 1;
}

/* PCRE2 names no group @x: the regex names it _x instead (same length, so
 * PCRE2's error offsets still point into the pattern as written), which
 * must not be the name of another of its groups. */
static int add_group(parser_t *p, qcmd_t *c, char *re, size_t s, size_t e, int at)
{
    char *name = xstrndup(re + s, e - s);
    if (add_name(p, c, name, at))
        return OBS_EINVAL;
    c->groups = xrealloc(c->groups, sizeof *c->groups * (size_t)c->nnames);
    c->groups[c->nnames - 1] = NULL;
    if (re[s] == '@')
        re[s] = '_';
    char *group = xstrndup(re + s, e - s);
    for (int i = 0; i < c->nnames - 1; i++) {
        if (strcmp(c->groups[i], group) == 0) {
            free(group);
            return qp_perr(p, at, "the parse regex cannot have both (?<%s>...) and (?<%s>...): "
                           "rename one", c->names[i], name);
        }
    }
    c->groups[c->nnames - 1] = group;
    return 0;
}

/* Collect the named groups (?<name>...) and (?P<name>...) of a regex. */
static int regex_names(parser_t *p, qcmd_t *c, char *re, int off)
{
    int in_class = 0;
    for (size_t i = 0; re[i]; i++) {
        if (re[i] == '\\') {
            if (re[i + 1])
                i++;
            continue;
        }
        if (in_class) {
            if (re[i] == ']')
                in_class = 0;
            continue;
        }
        if (re[i] == '[') {
            in_class = 1;
            if (re[i + 1] == '^')
                i++;
            if (re[i + 1] == ']')
                i++;
            continue;
        }
        if (re[i] != '(' || re[i + 1] != '?')
            continue;
        size_t s;
        if (re[i + 2] == '<' && re[i + 3] != '=' && re[i + 3] != '!')
            s = i + 3;
        else if (re[i + 2] == 'P' && re[i + 3] == '<')
            s = i + 4;
        else
            continue;
        size_t e = s;
        while (re[e] && re[e] != '>')
            e++;
        int at = regex_text_off(p, off, i);
        if (!group_name_ok(re, s, e))
            return qp_perr(p, at, "invalid group name in parse regex: (?<%.*s", (int)(e - s > 40 ? 40 : e - s),
                        re + s);
        if (add_group(p, c, re, s, e, at))
            return OBS_EINVAL;
        i = e;
    }
    return 0;
}

/* parse ... logfmt / csv: remembered as unsupported, the rest of the
 * command skipped; the command stays a parse that captures nothing. */
static int unsupported_form(parser_t *p, qcmd_t *c)
{
    qp_unsupported(p, p->tok.start, "parse ... %s is not supported", p->tok.str);
    c->parse_mode = QP_GLOB;
    c->pattern = xstrdup("");
    return qp_skip_command(p);
}

static int parse_parse(parser_t *p, qcmd_t *c)
{
    if (p->tok.kind == QT_IDENT && (qp_is_kw(p, "logfmt") || qp_is_kw(p, "csv")) && qp_peek_kw(p, "as"))
        return unsupported_form(p, c);
    if (p->tok.kind == QT_IDENT) {
        if (!(c->source = qp_mk(p, QN_FIELD, p->tok.start, p->tok.end)))
            return OBS_EINVAL;
        c->source->str = qp_steal_str(p);
        c->source->path = p->tok.path;
        p->tok.path = NULL;
        if (qp_advance(p))
            return OBS_EINVAL;
    }
    if (p->tok.kind == QT_SLASH && qp_relex_regex(p))
        return OBS_EINVAL;
    int off = p->tok.start;
    if (p->tok.kind == QT_STRING) {
        c->parse_mode = QP_GLOB;
        c->pattern = qp_steal_str(p);
        if (qp_advance(p))
            return OBS_EINVAL;
        if (!qp_is_kw(p, "as"))
            return qp_perr(p, p->tok.start,
                        "expected 'as' and field names after the parse pattern, found %s", qp_found(p));
        do {
            char *name;
            if (qp_advance(p) || !(name = parse_name(p)))
                return OBS_EINVAL;
            if (add_name(p, c, name, p->prev_start))
                return OBS_EINVAL;
        } while (p->tok.kind == QT_COMMA);
        int stars = 0;
        for (const char *s = c->pattern; *s; s++)
            stars += *s == '*';
        if (stars == 0)
            return qp_perr(p, off, "the parse pattern has no '*' to capture");
        if (stars != c->nnames)
            return qp_perr(p, off, "the parse pattern has %d '*' but %d field name%s after 'as'",
                        stars, c->nnames, c->nnames == 1 ? "" : "s");
    } else if (p->tok.kind == QT_REGEX) {
        c->parse_mode = QP_REGEX;
        c->pattern = qp_steal_str(p);
        if (regex_names(p, c, c->pattern, off))
            return OBS_EINVAL;
        if (c->nnames == 0)
            return qp_perr(p, off, "the parse regex has no named group such as (?<name>...)");
        if (qp_advance(p))
            return OBS_EINVAL;
        if (qp_is_kw(p, "as"))
            return qp_perr(p, p->tok.start,
                        "'as' after a parse regex is not supported: name the captures with (?<name>...)");
        if (qp_is_kw(p, "multi")) {
            qp_unsupported(p, p->tok.start, "'parse ... multi' is not supported");
            if (qp_advance(p))
                return OBS_EINVAL;
        }
    } else if (qp_is_kw(p, "logfmt") || qp_is_kw(p, "csv")) {
        return unsupported_form(p, c);
    } else {
        return qp_perr(p, p->tok.start,
                    "expected a \"glob * pattern\" or /regex/ after %s, found %s", qp_prev(p), qp_found(p));
    }
    p->expect = "'|' or end of query";
    return 0;
}

static int parse_dedup(parser_t *p, qcmd_t *c)
{
    p->expect = "',', '|' or end of query";
    for (;;) {
        if (p->tok.kind != QT_IDENT)
            return qp_perr(p, p->tok.start, "expected a field name after %s, found %s", qp_prev(p),
                        qp_found(p));
        c->items = grow_items(c->items, c->nitems);
        qitem_t *it = &c->items[c->nitems++];
        if (!(it->expr = qp_mk(p, QN_FIELD, p->tok.start, p->tok.end)))
            return OBS_EINVAL;
        it->expr->str = qp_steal_str(p);
        it->expr->path = p->tok.path;
        p->tok.path = NULL;
        if (qp_advance(p))
            return OBS_EINVAL;
        if (p->tok.kind != QT_COMMA)
            return 0;
        if (qp_advance(p))
            return OBS_EINVAL;
    }
}

static int parse_unnest(parser_t *p, qcmd_t *c)
{
    if (!(c->unnest_expr = qp_expr(p)))
        return OBS_EINVAL;
    if (!qp_is_kw(p, "into"))
        return qp_perr(p, p->tok.start, "expected 'into' after the unnest expression, found %s",
                    qp_found(p));
    if (qp_advance(p) || !(c->unnest_into = parse_name(p)))
        return OBS_EINVAL;
    return 0;
}

/* Commands of CloudWatch's current syntax page that obsq does not have. */
static const char *const unsupported[] = {
    "addtotals", "lookup", "join", "autoregress", "logcompare", "filldown", "fillmissing",
    "cidrlookup", "outlier", "accum", "appendcols", "sessionize", "countFrequent",
    "relevantfields", "expand",
};

/* pattern EXPR (the expression to cluster; @message when none is given,
 * which CloudWatch's console never writes but costs nothing to allow) */
static int parse_pattern(parser_t *p, qcmd_t *c)
{
    if (p->tok.kind == QT_PIPE || p->tok.kind == QT_EOF) {
        if (!(c->arg = qp_mk(p, QN_FIELD, c->start, c->start)))
            return OBS_EINVAL;
        c->arg->str = xstrdup("@message");
        return 0;
    }
    return (c->arg = qp_expr(p)) ? 0 : OBS_EINVAL;
}

static int parse_diff(parser_t *p, qcmd_t *c)
{
    static const struct { const char *kw; qdiff_t d; } mods[] = {
        { "previousDay", QD_DAY }, { "previousWeek", QD_WEEK }, { "previousMonth", QD_MONTH },
    };
    c->diff = QD_PREVIOUS;
    p->expect = "previousDay, previousWeek, previousMonth, '|' or end of query";
    for (size_t i = 0; i < sizeof mods / sizeof *mods; i++) {
        if (qp_is_kw(p, mods[i].kw)) {
            c->diff = mods[i].d;
            p->expect = "'|' or end of query";
            return qp_advance(p);
        }
    }
    return 0;
}

static int parse_command(parser_t *p, qcmd_t *c, int first)
{
    static const struct { const char *name; qcmd_kind_t kind; } cmds[] = {
        { "fields", QC_FIELDS }, { "display", QC_DISPLAY }, { "filter", QC_FILTER },
        { "where", QC_FILTER }, { "stats", QC_STATS }, { "sort", QC_SORT },
        { "limit", QC_LIMIT }, { "parse", QC_PARSE }, { "dedup", QC_DEDUP },
        { "unnest", QC_UNNEST }, { "filterIndex", QC_FILTER }, { "pattern", QC_PATTERN },
        { "diff", QC_DIFF }, { "anomaly", QC_ANOMALY }, { "unmask", QC_UNMASK },
        { "estimate", QC_ESTIMATE },
    };
    c->start = p->tok.start;
    if (p->tok.kind != QT_IDENT) {
        if (first)
            return qp_perr(p, p->tok.start, "expected a command such as fields, filter or stats, found %s",
                        qp_found(p));
        return qp_perr(p, p->tok.start, "expected a command after '|', found %s", qp_found(p));
    }
    if (qp_is_kw(p, "source"))
        return qp_perr(p, p->tok.start, "SOURCE must open the query, before its other commands");
    int found_cmd = -1;
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (qp_is_kw(p, cmds[i].name))
            found_cmd = (int)i;
    if (found_cmd < 0) {
        for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++) {
            if (qp_is_kw(p, unsupported[i])) {
                /* remembered; the command is read past and left a no-op */
                qp_unsupported(p, p->tok.start, "the %s command is not supported by obsq",
                               unsupported[i]);
                c->kind = QC_UNMASK;
                int rc = qp_advance(p) || qp_skip_command(p) ? OBS_EINVAL : 0;
                c->end = p->prev_end;
                return rc;
            }
        }
        char s[64];
        return qp_perr(p, p->tok.start,
                    "unknown command %s: expected fields, display, filter, stats, sort, limit, "
                    "parse, dedup, unnest, pattern, diff, anomaly, filterIndex, unmask or estimate",
                    qp_snippet(p, s, sizeof s, p->tok.start, p->tok.end));
    }
    c->kind = cmds[found_cmd].kind;
    c->index = !strcmp(cmds[found_cmd].name, "filterIndex");
    if (qp_advance(p))
        return OBS_EINVAL;
    int rc;
    p->expect = "'|' or end of query";
    switch (c->kind) {
    case QC_FIELDS:
    case QC_DISPLAY:
        p->expect = "',', 'as', '|' or end of query";
        rc = parse_items(p, &c->items, &c->nitems);
        if (!rc)
            p->expect = c->items[c->nitems - 1].alias ? "',', '|' or end of query"
                                                      : "',', 'as', '|' or end of query";
        break;
    case QC_FILTER:
        rc = (c->cond = qp_expr(p)) ? 0 : OBS_EINVAL;
        break;
    case QC_STATS:
        rc = parse_stats(p, c);
        break;
    case QC_SORT:
        rc = parse_sort(p, c);
        break;
    case QC_LIMIT:
        rc = parse_limit(p, c);
        break;
    case QC_PARSE:
        rc = parse_parse(p, c);
        break;
    case QC_DEDUP:
        rc = parse_dedup(p, c);
        break;
    case QC_UNNEST:
        rc = parse_unnest(p, c);
        break;
    case QC_PATTERN:
        rc = parse_pattern(p, c);
        break;
    case QC_DIFF:
        rc = parse_diff(p, c);
        break;
    case QC_ANOMALY:
    case QC_UNMASK:
    case QC_ESTIMATE:
        rc = 0;
        break;
    default:
        rc = OBS_EINVAL;
    }
    c->end = p->prev_end;
    return rc;
}

int query_parse(const char *text, size_t len, query_ast_t **out, obs_err_t *err)
{
    *out = NULL;
    if (len > QUERY_MAX_TEXT) {
        obs_err_set(err, OBS_EINVAL, "query is too long (%zu bytes; the limit is %d)", len,
                    QUERY_MAX_TEXT);
        if (err)
            err->line = err->col = 1;
        return OBS_EINVAL;
    }
    obs_err_t dummy;
    if (!err)
        err = &dummy;
    query_ast_t *q = xcalloc(1, sizeof *q);
    q->text = xmalloc(len + 1);
    if (len)
        memcpy(q->text, text, len);
    q->text[len] = '\0';
    parser_t p = { 0 };
    p.t = q->text;
    p.len = len;
    p.err = err;
    if (qlex_next(p.t, p.len, 0, 0, &p.tok, err))
        goto fail;
    if (p.tok.kind == QT_EOF) {
        qp_perr(&p, p.tok.start, "empty query: expected a command such as fields, filter or stats");
        goto fail;
    }
    /* SOURCE ... | SOURCE ... | (dashboards write one per log group) */
    while (qp_is_kw(&p, "source")) {
        if (qp_source(&p, &q->source))
            goto fail;
        if (p.tok.kind == QT_EOF) {
            qp_perr(&p, p.tok.start, "expected '|' and a command after SOURCE, found end of query");
            goto fail;
        }
        if (p.tok.kind != QT_PIPE) {
            qp_perr(&p, p.tok.start, "expected %s, found %s", p.expect, qp_found(&p));
            goto fail;
        }
        if (qp_advance(&p))
            goto fail;
    }
    for (;;) {
        if ((q->ncmds & (q->ncmds - 1)) == 0)
            q->cmds = xrealloc(q->cmds, sizeof *q->cmds * (size_t)(q->ncmds ? q->ncmds * 2 : 1));
        qcmd_t *c = &q->cmds[q->ncmds++];
        memset(c, 0, sizeof *c);
        if (parse_command(&p, c, q->ncmds == 1 && !q->source.present))
            goto fail;
        if (p.tok.kind == QT_EOF)
            break;
        if (p.tok.kind != QT_PIPE) {
            qp_perr(&p, p.tok.start, "expected %s, found %s", p.expect, qp_found(&p));
            goto fail;
        }
        if (qp_advance(&p))
            goto fail;
    }
    if (qp_unsupported_error(&p))
        goto fail;
    qtok_free(&p.tok);
    *out = q;
    return 0;
fail:
    qtok_free(&p.tok);
    query_ast_free(q);
    return OBS_EINVAL;
}
