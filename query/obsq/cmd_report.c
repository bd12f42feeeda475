/* query/obsq/cmd_report.c — `obsq report`: the capacity report of a time
 * range (query/report/) as one HTML page or as Markdown, on stdout. The
 * range is whole minutes: its start rounded down, its end up; without
 * one, all the minutes the store holds. A baseline is as long as the range
 * unless --baseline-end says otherwise. */
#include "query/obsq/obsq.h"
#include "query/report/report.h"
#include "query/timearg.h"
#include "common/clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQL_DATA_MINUTES "SELECT min(minute), max(minute) FROM rollup_minute"

static int64_t floor_min(int64_t ms)
{
    return ms - (((ms % 60000) + 60000) % 60000);
}

static int64_t ceil_min(int64_t ms)
{
    int64_t f = floor_min(ms);
    return f == ms ? ms : f + 60000;
}

typedef struct report_args {
    obsq_scope_t sc;
    report_opts_t o;
    int md;
    int64_t base_end;         /* -1: as long as the range */
} report_args_t;

static int price(const char *arg, double *out)
{
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end || !(v >= 0) || v > 1)
        return -1;
    *out = v;
    return 0;
}

/* One option: 0, 2 (usage, said), -1 (--help printed). */
static int option(report_args_t *a, int c, const char *arg)
{
    char why[256];
    if (c == 'o') {
        if (strcmp(arg, "md") != 0 && strcmp(arg, "html") != 0) {
            fprintf(stderr, "obsq report: -o takes html or md, not '%s'\n", arg);
            return 2;
        }
        a->md = strcmp(arg, "md") == 0;
        return 0;
    }
    int r = obsq_scope_opt(&a->sc, &obsq_report_spec, c, arg);
    if (r)
        return r == 1 ? 0 : 2;
    switch (c) {
    case 'B':
    case 'b':
        if (timearg_parse(arg, obs_wall_ms(), c == 'B' ? &a->o.base_since : &a->base_end)) {
            fprintf(stderr, "obsq report: invalid time '%s': expected 15m, 2h, 7d, an ISO-8601 time or epoch ms\n",
                    arg);
            return 2;
        }
        return 0;
    case 'L':
        if (limits_add(&a->o.limits, arg, why, sizeof why)) {
            fprintf(stderr, "obsq report: --concurrency-limit: %s\n", why);
            return 2;
        }
        return 0;
    case 'A':
        if (limits_set_account(&a->o.limits, arg, why, sizeof why)) {
            fprintf(stderr, "obsq report: --account-limit: %s\n", why);
            return 2;
        }
        return 0;
    case 'G':
    case 'R':
        if (price(arg, c == 'G' ? &a->o.price_gb_s : &a->o.price_request)) {
            fprintf(stderr, "obsq report: %s takes a price in USD from 0 to 1, not '%s'\n",
                    c == 'G' ? "--price-gb-s" : "--price-request", arg);
            return 2;
        }
        return 0;
    case 'h':
        obs_cli_help(stdout, &obsq_report_spec);
        return -1;
    default:
        fprintf(stderr, "(see obsq report --help)\n");
        return 2;
    }
}

/* The range: what was asked, else the minutes the store holds. */
static int resolve_range(store_t *st, report_args_t *a, obs_err_t *err)
{
    sqlite3_stmt *s;
    int64_t first = -1, last = -1;
    if (sqlite3_prepare_v2(store_db(st), SQL_DATA_MINUTES, -1, &s, NULL) != SQLITE_OK)
        return obs_err_set(err, OBS_EDB, "reading the store's range: %s", sqlite3_errmsg(store_db(st)));
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        first = sqlite3_column_int64(s, 0);
        last = sqlite3_column_int64(s, 1) + 60000;
    }
    sqlite3_finalize(s);
    int64_t now = a->o.now;
    a->o.since = floor_min(a->sc.since_ms >= 0 ? a->sc.since_ms : first >= 0 ? first : now - 3600000);
    a->o.until = ceil_min(a->sc.until_ms >= 0 ? a->sc.until_ms : last >= 0 && a->sc.since_ms < 0 ? last
                                                                : now);
    if (a->o.until <= a->o.since)
        return obs_err_set(err, OBS_EINVAL, "the range is empty: its end is not after its start");
    if (a->o.base_since >= 0) {
        a->o.base_since = floor_min(a->o.base_since);
        a->o.base_until = a->base_end >= 0 ? ceil_min(a->base_end) : a->o.base_since + (a->o.until - a->o.since);
        if (a->o.base_until <= a->o.base_since)
            return obs_err_set(err, OBS_EINVAL, "the baseline is empty: its end is not after its start");
    } else if (a->base_end >= 0) {
        return obs_err_set(err, OBS_EINVAL, "--baseline-end needs --baseline-start");
    }
    return 0;
}

int obsq_cmd_report(int argc, char **argv)
{
    obs_err_t err = { 0 };
    store_t *st = NULL;
    report_args_t a;
    obs_cli_parser_t p;
    report_t r;
    int c, rc = 0;

    memset(&a, 0, sizeof a);
    obsq_scope_init(&a.sc);
    limits_init(&a.o.limits);
    a.o.price_gb_s = 0.0000166667;
    a.o.price_request = 0.0000002;
    a.o.base_since = a.o.base_until = a.base_end = -1;
    a.o.now = obs_wall_ms();
    obs_cli_parser_init(&p, &obsq_report_spec);
    while (!rc && (c = obs_cli_next(&p, argc, argv)) != -1)
        rc = c == '?' ? 2 : option(&a, c, optarg);
    if (!rc && optind < argc)
        rc = obs_cli_usage_error(&obsq_report_spec, "unexpected argument '%s'", argv[optind]);
    if (rc) {
        obsq_scope_done(&a.sc);
        return rc < 0 ? 0 : rc;
    }
    a.o.functions = a.sc.functions;
    a.o.nfunctions = a.sc.nfunctions;
    a.o.db_path = obsq_scope_db(&a.sc);
    if (store_open_readonly(a.o.db_path, &st, &err) || resolve_range(st, &a, &err) ||
        report_build(st, &a.o, &r, &err)) {
        fprintf(stderr, "obsq report: %s\n", err.msg);
        store_close(st, NULL);
        obsq_scope_done(&a.sc);
        return err.code == OBS_EINVAL ? 2 : 1;
    }
    /* a function asked for that the range does not have: said, not a silent empty row */
    for (int i = 0; i < a.o.nfunctions; i++) {
        int found = 0;
        for (int k = 0; k < r.cur.nfns && !found; k++)
            found = strcmp(r.cur.fns[k].name, a.o.functions[i]) == 0;
        if (!found)
            fprintf(stderr, "obsq report: note: no invocation or environment of function '%s' in the range\n",
                    a.o.functions[i]);
    }
    rc = a.md ? report_write_md(stdout, &r) : report_write_html(stdout, &r);
    if (fflush(stdout) || rc) {
        fprintf(stderr, "obsq report: writing the report failed\n");
        rc = 1;
    }
    report_free(&r);
    store_close(st, NULL);
    obsq_scope_done(&a.sc);
    return rc;
}
