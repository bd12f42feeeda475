/* query/ast.c — freeing and dumping the query syntax tree (ast.h).
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
#include "ast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "builtins.h"
#include "lex.h"

void qnode_free(qnode_t *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->nargs; i++)
        qnode_free(n->args[i]);
    free(n->args);
    free(n->str);
    free(n->path);
    free(n);
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
        for (int k = 0; k < c->nnames; k++)
            free(c->names[k]);
        free(c->names);
        qnode_free(c->unnest_expr);
        free(c->unnest_into);
    }
    free(q->cmds);
    free(q->text);
    free(q);
}

/* --- dump --- */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf_t;

static void put(buf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        while (b->n + n + 1 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 256;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void puts_(buf_t *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_quoted(buf_t *b, const char *s, char q)
{
    put(b, &q, 1);
    for (; *s; s++) {
        switch (*s) {
        case '\n': puts_(b, "\\n"); break;
        case '\t': puts_(b, "\\t"); break;
        case '\r': puts_(b, "\\r"); break;
        case '\\':
            if (q == '/') {  /* a regex keeps its escapes as written */
                put(b, s, 1);
                if (s[1])
                    put(b, ++s, 1);
            } else {
                puts_(b, "\\\\");
            }
            break;
        default:
            if (*s == q)
                put(b, "\\", 1);
            put(b, s, 1);
        }
    }
    put(b, &q, 1);
}

static void put_number(buf_t *b, double v)
{
    char s[64];
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(s, sizeof s, "%.0f", v);
        puts_(b, strcmp(s, "-0") == 0 ? "0" : s);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, v);
        if (strtod(s, NULL) == v || isnan(v))
            break;
    }
    puts_(b, s);
}

static void put_name(buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            puts_(b, "\\n");
        else
            put(b, s, 1);
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
            put(b, ".", 1);
        if (quote)
            put(b, "`", 1);
        put(b, seg, len);
        if (quote)
            put(b, "`", 1);
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
        puts_(b, "<null>");
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
        puts_(b, n->num != 0 ? "true" : "false");
        break;
    case QN_FIELD:
        put_field(b, n);
        break;
    case QN_PERIOD:
        snprintf(s, sizeof s, "%lld%s", (long long)n->period.n, qlex_unit_name(n->period.unit));
        puts_(b, s);
        break;
    case QN_STAR:
        puts_(b, "*");
        break;
    case QN_LIST:
        puts_(b, "[");
        for (int i = 0; i < n->nargs; i++) {
            if (i)
                puts_(b, ", ");
            dump_expr(b, n->args[i]);
        }
        puts_(b, "]");
        break;
    case QN_UNARY:
    case QN_BINARY:
        puts_(b, "(");
        puts_(b, op_name(n->op));
        for (int i = 0; i < n->nargs; i++) {
            puts_(b, " ");
            dump_expr(b, n->args[i]);
        }
        puts_(b, ")");
        break;
    case QN_CALL:
        puts_(b, "(");
        puts_(b, n->fn ? n->fn->name : n->str ? n->str : "?");
        for (int i = 0; i < n->nargs; i++) {
            puts_(b, " ");
            dump_expr(b, n->args[i]);
        }
        puts_(b, ")");
        break;
    }
}

static void dump_items(buf_t *b, const qitem_t *items, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            puts_(b, ", ");
        if (items[i].name && !items[i].alias) {
            puts_(b, "[");
            put_name(b, items[i].name);
            puts_(b, "] ");
        }
        dump_expr(b, items[i].expr);
        if (items[i].alias) {
            puts_(b, " as ");
            put_name(b, items[i].alias);
        }
    }
}

char *query_ast_dump(const query_ast_t *q)
{
    buf_t b = { 0 };
    char s[64];
    puts_(&b, "");
    for (int i = 0; q && i < q->ncmds; i++) {
        const qcmd_t *c = &q->cmds[i];
        switch (c->kind) {
        case QC_FIELDS:
        case QC_DISPLAY:
            puts_(&b, c->kind == QC_FIELDS ? "fields " : "display ");
            dump_items(&b, c->items, c->nitems);
            break;
        case QC_FILTER:
            puts_(&b, "filter ");
            dump_expr(&b, c->cond);
            break;
        case QC_STATS:
            puts_(&b, "stats ");
            dump_items(&b, c->items, c->nitems);
            if (c->nby) {
                puts_(&b, " by ");
                dump_items(&b, c->by, c->nby);
            }
            break;
        case QC_SORT:
            puts_(&b, "sort ");
            for (int k = 0; k < c->nkeys; k++) {
                if (k)
                    puts_(&b, ", ");
                dump_expr(&b, c->keys[k].expr);
                puts_(&b, c->keys[k].desc ? " desc" : " asc");
            }
            break;
        case QC_LIMIT:
            snprintf(s, sizeof s, "limit %lld", (long long)c->limit);
            puts_(&b, s);
            break;
        case QC_PARSE:
            puts_(&b, "parse ");
            if (c->source) {
                dump_expr(&b, c->source);
                puts_(&b, " ");
            }
            if (c->parse_mode == QP_GLOB) {
                puts_(&b, "glob ");
                put_quoted(&b, c->pattern ? c->pattern : "", '"');
            } else {
                puts_(&b, "regex ");
                put_quoted(&b, c->pattern ? c->pattern : "", '/');
            }
            puts_(&b, " as ");
            for (int k = 0; k < c->nnames; k++) {
                if (k)
                    puts_(&b, ", ");
                put_name(&b, c->names[k]);
            }
            break;
        case QC_DEDUP:
            puts_(&b, "dedup ");
            dump_items(&b, c->items, c->nitems);
            break;
        case QC_UNNEST:
            puts_(&b, "unnest ");
            dump_expr(&b, c->unnest_expr);
            puts_(&b, " into ");
            put_name(&b, c->unnest_into ? c->unnest_into : "");
            break;
        }
        puts_(&b, "\n");
    }
    return b.p;
}
