/* query/cmds/source.c — SOURCE, the log-group selection of CloudWatch's API
 * and dashboards, read at the head of a query (see cmds.h):
 *
 *   SOURCE '/aws/lambda/a' | SOURCE "/aws/lambda/b" | fields ...
 *   SOURCE "arn:aws:logs:eu-west-2:111122223333:log-group:orders:*" START=-8h END=0s | ...
 *   SOURCE logGroups(namePrefix: ['/aws/lambda/or', '/app'], class: "STANDARD") | ...
 *   SOURCE logGroups() START=-604800s END=0s | ...
 *
 * A string names one log group (an ARN is cut to its name); logGroups()
 * selects every group, namePrefix those whose name starts with one of the
 * prefixes (an empty list: every group). Every local log group is of the
 * Standard class: class "STANDARD" changes nothing, class
 * "INFREQUENT_ACCESS" alone selects nothing. accountIdentifiers are
 * accepted and ignored (one local account, 000000000000; a note says so).
 * dataSource(...) is refused (no data sources locally). START= and END= take
 * a period relative to now (-8h, -604800s, 0s; months count 30 days), 0,
 * epoch seconds (epoch ms from 1e11 up), or an ISO-8601 time in quotes. */
#include "query/cmds/cmds.h"
#include "query/parse_int.h"
#include "common/isotime.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void add_str(char ***v, int *n, char *s)
{
    *v = xrealloc(*v, (size_t)(*n + 1) * sizeof **v);
    (*v)[(*n)++] = s;
}

/* "arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]" -> NAME; else the text. */
static char *group_name(char *s)
{
    const char *lg = strstr(s, ":log-group:");
    if (strncmp(s, "arn:", 4) != 0 || !lg)
        return s;
    char *name = xstrdup(lg + 11);
    size_t n = strlen(name);
    if (n >= 2 && strcmp(name + n - 2, ":*") == 0)
        name[n - 2] = '\0';
    free(s);
    return name;
}

static const int64_t unit_ms[] = { 1, 1000, 60000, 3600000, 86400000, 604800000,
                                   30 * 86400000LL, 91 * 86400000LL, 365 * 86400000LL };

/* START= / END= value */
static int parse_bound(parser_t *p, qbound_t *b)
{
    int neg = 0;
    if (qp_advance(p))  /* the '=' */
        return OBS_EINVAL;
    if (p->tok.kind == QT_MINUS) {
        neg = 1;
        if (qp_advance(p))
            return OBS_EINVAL;
    }
    if (p->tok.kind == QT_PERIOD) {
        b->kind = QB_RELATIVE;
        b->ms = p->tok.period_n * unit_ms[p->tok.unit] * (neg ? -1 : 1);
    } else if (p->tok.kind == QT_NUMBER && p->tok.num >= 0 && p->tok.num < 1e15) {
        int64_t v = (int64_t)p->tok.num;
        if (neg || v == 0) {  /* -3600: seconds before now; 0: now */
            b->kind = QB_RELATIVE;
            b->ms = -v * 1000;
        } else {
            b->kind = QB_ABSOLUTE;
            b->ms = v >= 100000000000LL ? v : v * 1000;
        }
    } else if (p->tok.kind == QT_STRING && !neg &&
               isotime_parse(p->tok.str, strlen(p->tok.str), &b->ms, NULL) == 0) {
        b->kind = QB_ABSOLUTE;
    } else {
        return qp_perr(p, p->tok.start, "expected a time after %s (-8h, 0s, epoch seconds or "
                       "an ISO-8601 time in quotes), found %s", qp_prev(p), qp_found(p));
    }
    return qp_advance(p);
}

/* A string or a [list of strings] after "key:" of logGroups(...). */
static int parse_strings(parser_t *p, char ***v, int *n, int *given_empty)
{
    if (p->tok.kind == QT_STRING) {
        add_str(v, n, qp_steal_str(p));
        return qp_advance(p);
    }
    if (p->tok.kind != QT_LBRACK)
        return qp_perr(p, p->tok.start, "expected a string or a [list] of strings after %s, found %s",
                       qp_prev(p), qp_found(p));
    if (qp_advance(p))
        return OBS_EINVAL;
    int count = 0;
    while (p->tok.kind == QT_STRING) {
        add_str(v, n, qp_steal_str(p));
        count++;
        if (qp_advance(p))
            return OBS_EINVAL;
        if (p->tok.kind != QT_COMMA)
            break;
        if (qp_advance(p))
            return OBS_EINVAL;
    }
    if (p->tok.kind != QT_RBRACK)
        return qp_perr(p, p->tok.start, "expected a string or ']' in the list, found %s", qp_found(p));
    if (given_empty && count == 0)
        *given_empty = 1;
    return qp_advance(p);
}

static void free_strs(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* logGroups( key: value, ... ) — the current token is '(' */
static int parse_log_groups(parser_t *p, qsource_t *s)
{
    char **classes = NULL, **accounts = NULL;
    int nclasses = 0, naccounts = 0, prefix_key = 0, empty_prefixes = 0, rc = 0;
    int nprefixes0 = s->nprefixes;
    if ((rc = qp_advance(p)))
        goto out;
    while (p->tok.kind != QT_RPAREN) {
        if (p->tok.kind != QT_IDENT) {
            rc = qp_perr(p, p->tok.start, "expected namePrefix, class or accountIdentifiers in "
                         "logGroups(...), found %s", qp_found(p));
            goto out;
        }
        int key_off = p->tok.start;
        const char *k = p->tok.str;
        int which = !strcasecmp(k, "namePrefix") ? 1
                  : !strcasecmp(k, "class") || !strcasecmp(k, "logGroupClass") ? 2
                  : !strcasecmp(k, "accountIdentifiers") || !strcasecmp(k, "accountIdentifier") ? 3 : 0;
        if (!which) {
            rc = qp_perr(p, key_off, "unknown key %s in logGroups(...): expected namePrefix, class "
                         "or accountIdentifiers", qp_found(p));
            goto out;
        }
        if ((rc = qp_advance(p)))
            goto out;
        if (p->tok.kind != QT_COLON) {
            rc = qp_perr(p, p->tok.start, "expected ':' after %s, found %s", qp_prev(p), qp_found(p));
            goto out;
        }
        if ((rc = qp_advance(p)))
            goto out;
        if (which == 1) {
            prefix_key = 1;
            rc = parse_strings(p, &s->prefixes, &s->nprefixes, &empty_prefixes);
        } else if (which == 2) {
            rc = parse_strings(p, &classes, &nclasses, NULL);
        } else {
            rc = parse_strings(p, &accounts, &naccounts, NULL);
            s->accounts_off = key_off + 1;
        }
        if (rc)
            goto out;
        if (p->tok.kind == QT_COMMA && (rc = qp_advance(p)))
            goto out;
    }
    if ((rc = qp_advance(p)))  /* ')' */
        goto out;
    if (!prefix_key || (empty_prefixes && s->nprefixes == nprefixes0))
        s->all = 1;
    if (nclasses) {
        int standard = 0;
        for (int i = 0; i < nclasses; i++)
            standard |= !strcasecmp(classes[i], "STANDARD");
        if (!standard)
            s->none = 1;
    }
out:
    free_strs(classes, nclasses);
    free_strs(accounts, naccounts);
    return rc;
}

/* dataSource([...]): refused, read past */
static int parse_data_source(parser_t *p)
{
    qp_unsupported(p, p->tok.start, "SOURCE dataSource(...) is not supported (there are no data "
                   "sources locally: select log groups)");
    int depth = 0;
    do {
        if (p->tok.kind == QT_LPAREN)
            depth++;
        else if (p->tok.kind == QT_RPAREN)
            depth--;
        if (qp_advance(p))
            return OBS_EINVAL;
    } while (depth > 0 && p->tok.kind != QT_EOF);
    return 0;
}

int qp_source(parser_t *p, qsource_t *s)
{
    if (!s->present)
        s->start_off = p->tok.start;
    s->present = 1;
    if (qp_advance(p))
        return OBS_EINVAL;
    int specs = 0;
    for (;;) {
        if (p->tok.kind == QT_STRING) {
            add_str(&s->groups, &s->ngroups, group_name(qp_steal_str(p)));
            if (qp_advance(p))
                return OBS_EINVAL;
        } else if (qp_is_kw(p, "logGroups") && qp_peek_is(p, QT_LPAREN)) {
            if (qp_advance(p) || parse_log_groups(p, s))
                return OBS_EINVAL;
        } else if (qp_is_kw(p, "dataSource") && qp_peek_is(p, QT_LPAREN)) {
            if (qp_advance(p) || parse_data_source(p))
                return OBS_EINVAL;
        } else if (specs == 0) {
            return qp_perr(p, p->tok.start, "expected a log group name in quotes, logGroups(...) "
                           "or dataSource(...) after SOURCE, found %s", qp_found(p));
        } else {
            break;
        }
        specs++;
        if (p->tok.kind == QT_COMMA && qp_advance(p))
            return OBS_EINVAL;
    }
    while ((qp_is_kw(p, "start") || qp_is_kw(p, "end")) && qp_peek_is(p, QT_EQ)) {
        qbound_t *b = qp_is_kw(p, "start") ? &s->start : &s->end;
        if (qp_advance(p) || parse_bound(p, b))
            return OBS_EINVAL;
    }
    p->expect = "a log group, logGroups(...), START=, END= or '|'";
    return 0;
}

/* ---- applying it ------------------------------------------------------- */

static const char **append(const char *const *v, int n, char **more, int nmore)
{
    const char **out = xcalloc((size_t)(n + nmore) + 1, sizeof *out);
    for (int i = 0; i < n; i++)
        out[i] = v[i];
    for (int i = 0; i < nmore; i++)
        out[n + i] = more[i];
    return out;
}

static int64_t bound_ms(const qbound_t *b, int64_t now_ms)
{
    return b->kind == QB_RELATIVE ? now_ms + b->ms : b->ms;
}

void query_source_apply(const query_ast_t *q, int64_t now_ms, query_plan_opts_t *o,
                        query_source_owned_t *owned)
{
    const qsource_t *s = &q->source;
    memset(owned, 0, sizeof *owned);
    if (!s->present)
        return;
    if (s->none)
        o->select_none = 1;
    /* logGroups() selects everything: it narrows nothing */
    if (!s->all && (s->ngroups || s->nprefixes)) {
        owned->groups = append(o->log_groups, o->nlog_groups, s->groups, s->ngroups);
        owned->prefixes = append(o->log_group_prefixes, o->nlog_group_prefixes, s->prefixes,
                                 s->nprefixes);
        o->log_groups = owned->groups;
        o->nlog_groups += s->ngroups;
        o->log_group_prefixes = owned->prefixes;
        o->nlog_group_prefixes += s->nprefixes;
        o->source_selects = 1;
    }
    if (s->start.kind != QB_NONE) {
        int64_t v = bound_ms(&s->start, now_ms);
        if (o->since_ms < 0 || v > o->since_ms)
            o->since_ms = v;
    }
    if (s->end.kind != QB_NONE) {
        int64_t v = bound_ms(&s->end, now_ms);
        if (s->end.kind == QB_RELATIVE && s->end.ms == 0)
            v++;  /* END=0s: up to now, now included */
        if (o->until_ms < 0 || v < o->until_ms)
            o->until_ms = v;
    }
}

void query_source_free(query_source_owned_t *owned)
{
    free(owned->groups);
    free(owned->prefixes);
    memset(owned, 0, sizeof *owned);
}
