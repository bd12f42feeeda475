/* query/ast.c — freeing and dumping the query syntax tree (ast.h), and
 * the length of a period literal.
 *
 * The dump is the golden/debug form of a tree (tests/query/parse.golden):
 * one line per command, in order, each starting with the command name:
 *
 *   fields ITEM, ITEM            display ITEM, ...
 *   filter EXPR                  stats ITEM, ... [by ITEM, ...]
 *   sort EXPR asc|desc, ...      limit N
 *   parse [FIELD] glob "PATTERN" as NAME, ...
 *   parse [FIELD] regex /PATTERN/ as NAME, ...   (NAME = the named groups)
 *   dedup ITEM, ...              unnest EXPR into NAME
 *
 * ITEM is "[NAME] EXPR" when the checker has set the output name and there
 * is no alias, "EXPR as ALIAS" with an alias, else just "EXPR"; NAME is
 * printed as is, with newlines as \n. The directions of sort keys are
 * always printed. EXPR is fully parenthesised prefix form:
 *
 *   number     integers below 1e15 as such (100, -3), others in the shortest
 *              %g form that reads back exactly (0.5, 99.9, 1e+20)
 *   string     "..." with \" \\ \n \t \r escaped (other bytes as is)
 *   regex      /.../ with '/' written \/
 *   bool       true | false
 *   period     5m, 1h, 300s, 2mo (canonical unit: ms s m h d w mo q y)
 *   field      its path segments joined by '.', a segment in backticks
 *              when it holds anything but [A-Za-z0-9_@] (detail.`user.id`);
 *              an index [1] prints as the segment .1
 *   list       [e1, e2]
 *   *          *
 *   unary      (- x)  (not x)
 *   binary     (OP a b), OP one of + - * / % ^ = != < <= > >= and or
 *              like not_like =~ in not_in  (== is printed =)
 *   call       (name a b ...), name lower-case, canonical once checked
 *              (countDistinct -> count_distinct): (count *), (now)
 */
#include "query/ast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "query/builtins.h"
#include "query/lex.h"

void qnode_free(qnode_t *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->nargs; i++)
        qnode_free(n->args[i]);
    free(n->args);
    free(n->str);
    free(n->path);
    free(n->colref);
    free(n);
}

double qnode_period_ms(const qnode_t *p)
{
    static const double unit_ms[] = { 1, 1000, 60000, 3600000, 86400000, 604800000 };
    if (p->kind != QN_PERIOD || p->period.unit > QPU_W)
        return -1;
    return (double)p->period.n * unit_ms[p->period.unit];
}

static void items_free(qitem_t *items, int n)
{
    for (int i = 0; i < n; i++) {
        qnode_free(items[i].expr);
        free(items[i].alias);
        free(items[i].name);
    }
    free(items);
}

void query_ast_free(query_ast_t *q)
{
    if (!q)
        return;
    for (int i = 0; i < q->ncmds; i++) {
        qcmd_t *c = &q->cmds[i];
        items_free(c->items, c->nitems);
        items_free(c->by, c->nby);
        qnode_free(c->cond);
        for (int k = 0; k < c->nkeys; k++)
            qnode_free(c->keys[k].expr);
        free(c->keys);
        qnode_free(c->source);
        free(c->pattern);
        for (int k = 0; k < c->nnames; k++) {
            free(c->names[k]);
            if (c->groups)
                free(c->groups[k]);
        }
        free(c->names);
        free(c->groups);
        qnode_free(c->unnest_expr);
        free(c->unnest_into);
        qnode_free(c->arg);
    }
    for (int i = 0; i < q->source.ngroups; i++)
        free(q->source.groups[i]);
    free(q->source.groups);
    for (int i = 0; i < q->source.nprefixes; i++)
        free(q->source.prefixes[i]);
    free(q->source.prefixes);
    free(q->notes);
    for (int i = 0; i < q->nrefs; i++) {
        free(q->refs[i].name);
        free(q->refs[i].path);
    }
    free(q->refs);
    free(q->cmds);
    free(q->text);
    free(q);
}

/* --- dump --- */

static void put_quoted(buf_t *b, const char *s, char q)
{
    buf_put(b, &q, 1);
    for (; *s; s++) {
        switch (*s) {
        case '\n': buf_cat(b, "\\n"); break;
        case '\t': buf_cat(b, "\\t"); break;
        case '\r': buf_cat(b, "\\r"); break;
        case '\\':
            if (q == '/') {  /* a regex keeps its escapes as written */
                buf_put(b, s, 1);
                if (s[1])
                    buf_put(b, ++s, 1);
            } else {
                buf_cat(b, "\\\\");
            }
            break;
        default:
            if (*s == q)
                buf_put(b, "\\", 1);
            buf_put(b, s, 1);
        }
    }
    buf_put(b, &q, 1);
}

static void put_number(buf_t *b, double v)
{
    char s[64];
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(s, sizeof s, "%.0f", v);
        buf_cat(b, strcmp(s, "-0") == 0 ? "0" : s);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, v);
        if (strtod(s, NULL) == v || isnan(v))
            break;
    }
    buf_cat(b, s);
}

static void put_name(buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            buf_cat(b, "\\n");
        else
            buf_put(b, s, 1);
    }
}

static void put_field(buf_t *b, const qnode_t *n)
{
    const char *path = n->path ? n->path : n->str ? n->str : "";
    const char *seg = path;
    for (;;) {
        const char *e = strchr(seg, '\x1f');
        size_t len = e ? (size_t)(e - seg) : strlen(seg);
        int quote = len == 0;
        for (size_t i = 0; i < len; i++) {
            char c = seg[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '@' || (unsigned char)c >= 0x80))
                quote = 1;
        }
        if (seg != path)
            buf_put(b, ".", 1);
        if (quote)
            buf_put(b, "`", 1);
        buf_put(b, seg, len);
        if (quote)
            buf_put(b, "`", 1);
        if (!e)
            break;
        seg = e + 1;
    }
}

static const char *op_name(qop_t op)
{
    switch (op) {
    case QOP_NEG: return "-";
    case QOP_NOT: return "not";
    case QOP_ADD: return "+";
    case QOP_SUB: return "-";
    case QOP_MUL: return "*";
    case QOP_DIV: return "/";
    case QOP_MOD: return "%";
    case QOP_POW: return "^";
    case QOP_EQ: return "=";
    case QOP_NE: return "!=";
    case QOP_LT: return "<";
    case QOP_LE: return "<=";
    case QOP_GT: return ">";
    case QOP_GE: return ">=";
    case QOP_AND: return "and";
    case QOP_OR: return "or";
    case QOP_LIKE: return "like";
    case QOP_NOT_LIKE: return "not_like";
    case QOP_MATCH: return "=~";
    case QOP_IN: return "in";
    case QOP_NOT_IN: return "not_in";
    default: return "?";
    }
}

static void dump_expr(buf_t *b, const qnode_t *n)
{
    char s[64];
    if (!n) {
        buf_cat(b, "<null>");
        return;
    }
    switch (n->kind) {
    case QN_NUMBER:
        put_number(b, n->num);
        break;
    case QN_STRING:
        put_quoted(b, n->str ? n->str : "", '"');
        break;
    case QN_REGEX:
        put_quoted(b, n->str ? n->str : "", '/');
        break;
    case QN_BOOL:
        buf_cat(b, n->num != 0 ? "true" : "false");
        break;
    case QN_FIELD:
        put_field(b, n);
        break;
    case QN_PERIOD:
        snprintf(s, sizeof s, "%lld%s", (long long)n->period.n, qlex_unit_name(n->period.unit));
        buf_cat(b, s);
        break;
    case QN_STAR:
        buf_cat(b, "*");
        break;
    case QN_LIST:
        buf_cat(b, "[");
        for (int i = 0; i < n->nargs; i++) {
            if (i)
                buf_cat(b, ", ");
            dump_expr(b, n->args[i]);
        }
        buf_cat(b, "]");
        break;
    case QN_UNARY:
    case QN_BINARY:
        buf_cat(b, "(");
        buf_cat(b, op_name(n->op));
        for (int i = 0; i < n->nargs; i++) {
            buf_cat(b, " ");
            dump_expr(b, n->args[i]);
        }
        buf_cat(b, ")");
        break;
    case QN_CALL:
        buf_cat(b, "(");
        buf_cat(b, n->fn ? n->fn->name : n->str ? n->str : "?");
        for (int i = 0; i < n->nargs; i++) {
            buf_cat(b, " ");
            dump_expr(b, n->args[i]);
        }
        buf_cat(b, ")");
        break;
    }
}

static void dump_items(buf_t *b, const qitem_t *items, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            buf_cat(b, ", ");
        if (items[i].name && !items[i].alias) {
            buf_cat(b, "[");
            put_name(b, items[i].name);
            buf_cat(b, "] ");
        }
        dump_expr(b, items[i].expr);
        if (items[i].alias) {
            buf_cat(b, " as ");
            put_name(b, items[i].alias);
        }
    }
}

static void dump_bound(buf_t *b, const char *name, const qbound_t *v)
{
    char s[64];
    if (v->kind == QB_NONE)
        return;
    snprintf(s, sizeof s, " %s %s%lld", name, v->kind == QB_RELATIVE ? "now" : "@",
             (long long)v->ms);
    if (v->kind == QB_RELATIVE && v->ms >= 0)  /* "now+0" rather than "now0" */
        snprintf(s, sizeof s, " %s now+%lld", name, (long long)v->ms);
    buf_cat(b, s);
}

/* The SOURCE line: "source all", "source none", "source groups [a, b] prefixes [c]". */
static void dump_source(buf_t *b, const qsource_t *s)
{
    buf_cat(b, "source");
    if (s->all)
        buf_cat(b, " all");
    if (s->none)
        buf_cat(b, " none");
    if (s->ngroups) {
        buf_cat(b, " groups [");
        for (int i = 0; i < s->ngroups; i++) {
            if (i)
                buf_cat(b, ", ");
            put_quoted(b, s->groups[i], '"');
        }
        buf_cat(b, "]");
    }
    if (s->nprefixes) {
        buf_cat(b, " prefixes [");
        for (int i = 0; i < s->nprefixes; i++) {
            if (i)
                buf_cat(b, ", ");
            put_quoted(b, s->prefixes[i], '"');
        }
        buf_cat(b, "]");
    }
    dump_bound(b, "start", &s->start);
    dump_bound(b, "end", &s->end);
    buf_cat(b, "\n");
}

char *query_ast_dump(const query_ast_t *q)
{
    static const char *const diff_names[] = { "", " previous", " previousDay", " previousWeek",
                                              " previousMonth" };
    buf_t b = { 0 };
    char s[64];
    buf_cat(&b, "");
    if (q && q->source.present)
        dump_source(&b, &q->source);
    for (int i = 0; q && i < q->ncmds; i++) {
        const qcmd_t *c = &q->cmds[i];
        switch (c->kind) {
        case QC_FIELDS:
        case QC_DISPLAY:
            buf_cat(&b, c->kind == QC_FIELDS ? "fields " : "display ");
            dump_items(&b, c->items, c->nitems);
            break;
        case QC_FILTER:
            buf_cat(&b, c->index ? "filterIndex " : "filter ");
            dump_expr(&b, c->cond);
            break;
        case QC_STATS:
            buf_cat(&b, "stats ");
            dump_items(&b, c->items, c->nitems);
            if (c->nby) {
                buf_cat(&b, " by ");
                dump_items(&b, c->by, c->nby);
            }
            break;
        case QC_SORT:
            buf_cat(&b, "sort ");
            for (int k = 0; k < c->nkeys; k++) {
                if (k)
                    buf_cat(&b, ", ");
                dump_expr(&b, c->keys[k].expr);
                buf_cat(&b, c->keys[k].desc ? " desc" : " asc");
            }
            break;
        case QC_LIMIT:
            snprintf(s, sizeof s, "limit %lld", (long long)c->limit);
            buf_cat(&b, s);
            break;
        case QC_PARSE:
            buf_cat(&b, "parse ");
            if (c->source) {
                dump_expr(&b, c->source);
                buf_cat(&b, " ");
            }
            if (c->parse_mode == QP_GLOB) {
                buf_cat(&b, "glob ");
                put_quoted(&b, c->pattern ? c->pattern : "", '"');
            } else {
                buf_cat(&b, "regex ");
                put_quoted(&b, c->pattern ? c->pattern : "", '/');
            }
            buf_cat(&b, " as ");
            for (int k = 0; k < c->nnames; k++) {
                if (k)
                    buf_cat(&b, ", ");
                put_name(&b, c->names[k]);
            }
            break;
        case QC_DEDUP:
            buf_cat(&b, "dedup ");
            dump_items(&b, c->items, c->nitems);
            break;
        case QC_UNNEST:
            buf_cat(&b, "unnest ");
            dump_expr(&b, c->unnest_expr);
            buf_cat(&b, " into ");
            put_name(&b, c->unnest_into ? c->unnest_into : "");
            break;
        case QC_PATTERN:
            buf_cat(&b, "pattern ");
            dump_expr(&b, c->arg);
            if (c->diff != QD_NONE)
                buf_cat(&b, diff_names[c->diff]);
            if (c->want_anomaly)
                buf_cat(&b, " +anomaly");
            break;
        case QC_DIFF:
            buf_cat(&b, "diff");
            buf_cat(&b, diff_names[c->diff]);
            if (c->absorbed)
                buf_cat(&b, " (folded)");
            break;
        case QC_ANOMALY: buf_cat(&b, "anomaly"); break;
        case QC_UNMASK: buf_cat(&b, "unmask"); break;
        case QC_ESTIMATE: buf_cat(&b, "estimate"); break;
        }
        buf_cat(&b, "\n");
    }
    return b.p;
}
