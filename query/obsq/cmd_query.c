/* query/obsq/cmd_query.c — `obsq [options] QUERY`: a Logs Insights query over the
 * store: parse, check, plan, run, print. A syntax or semantic error prints
 * the query with a caret and exits 2; a failure while running exits 1. */
#include "query/query.h"
#include "query/clickhouse/ch_query.h"
#include "query/cmds/cmds.h"
#include "query/obsq/obsq.h"
#include "common/buf.h"
#include "common/xalloc.h"
#include "store/store.h"
#include "common/clock.h"
#include "common/termsafe.h"
#include "common/timesane.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

typedef struct qopts {
    const char *db;
    query_plan_opts_t plan;
    const char **functions;
    const char **log_groups;
    qfmt_t fmt;
    int fill, explain, follow, context, threads, strict, max_bins, max_bins_given;
    int64_t sane_first, sane_last;   /* the data's sane extent (0: none) */
    const char *query_file;
    char *query_text;            /* owned: what --query-file read */
    double interval;
    const char *request;
    const char *engine;          /* --engine URL: ClickHouse instead of the store */
} qopts_t;

#define QUERY_FILE_MAX (16 * 1024 * 1024)

/* The whole of FILE ('-': standard input), NUL-terminated; NULL after
 * saying why on stderr. A query holding a NUL byte is refused. */
static char *read_query(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        termsafe_eprintf("obsq: --query-file %s: %s\n", path, strerror(errno));
        return NULL;
    }
    buf_t b = { 0 };
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= QUERY_FILE_MAX)
        buf_put(&b, chunk, n);
    int bad = ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad || b.len > QUERY_FILE_MAX || (b.len && memchr(b.p, '\0', b.len))) {
        termsafe_eprintf("obsq: --query-file %s: %s\n", path,
                bad ? "read error" : b.len > QUERY_FILE_MAX ? "larger than 16 MiB" : "holds a NUL byte");
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* arg as a number from lo to hi into *out: 0, or -1 after saying what opt takes. */
static int int_option(const char *opt, const char *arg, long lo, long hi, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*end || v < lo || v > hi) {
        termsafe_eprintf("obsq: %s takes a number from %ld to %ld, not '%s'\n", opt, lo, hi, arg);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int parse_opts(int argc, char **argv, qopts_t *o, const char **query)
{
    int64_t now = obs_wall_ms();
    int c, fmt;
    obs_cli_parser_t p;
    obs_cli_parser_init(&p, &obsq_cli_spec);
    while ((c = obs_cli_next(&p, argc, argv)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 's':
        case 'S':
        case 'E': {
            int64_t *dst = c == 'E' ? &o->plan.until_ms : &o->plan.since_ms;
            if (timearg_parse(optarg, now, dst)) {
                termsafe_eprintf("obsq: invalid time '%s': expected 15m, 2h, 7d, an ISO-8601 time "
                                "or epoch ms\n", optarg);
                return 2;
            }
            break;
        }
        case 'f':
            o->functions = xrealloc(o->functions, (size_t)(o->plan.nfunctions + 1) * sizeof *o->functions);
            o->functions[o->plan.nfunctions++] = optarg;
            o->plan.functions = o->functions;
            break;
        case 'g':
            o->log_groups = xrealloc(o->log_groups, (size_t)(o->plan.nlog_groups + 1) * sizeof *o->log_groups);
            o->log_groups[o->plan.nlog_groups++] = optarg;
            o->plan.log_groups = o->log_groups;
            break;
        case 'X': o->strict = 1; break;
        case 'o':
            if (obsq_output_parse("obsq", optarg, &fmt))
                return 2;
            o->fmt = (qfmt_t)fmt;
            break;
        case 'm': {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (*end || v < 1) {
                termsafe_eprintf("obsq: --max-rows takes a positive number, not '%s'\n", optarg);
                return 2;
            }
            o->plan.max_rows = v;
            break;
        }
        case 'F': o->fill = 0; break;
        case 'B':
            if (int_option("--max-bins", optarg, 1, 1000000000, &o->max_bins))
                return 2;
            o->max_bins_given = 1;  /* fill up to it, however sparse */
            break;
        case 'C':
            if (int_option("--context", optarg, 0, 1000, &o->context))
                return 2;
            break;
        case 'T':
            if (int_option("--threads", optarg, 1, 64, &o->threads))
                return 2;
            break;
        case 'w': o->follow = 1; break;
        case 'i': {
            char *end;
            o->interval = strtod(optarg, &end);
            if (*end || !(o->interval >= 0.05 && o->interval <= 3600)) {
                termsafe_eprintf("obsq: --interval takes seconds from 0.05 to 3600, not '%s'\n", optarg);
                return 2;
            }
            break;
        }
        case 'r': o->request = optarg; break;
        case 'Q': o->query_file = optarg; break;
        case 'x': o->explain = 1; break;
        case 'K': o->engine = optarg; break;
        case 'h': obs_cli_help(stdout, &obsq_cli_spec); return -1;
        case 'V': obs_cli_version(stdout, "obsq"); return -1;
        default: fprintf(stderr, "(see obsq --help)\n"); return 2;
        }
    }
    if (o->request) {
        if (optind != argc) {
            fprintf(stderr, "obsq: --request ID takes no query\n");
            return 2;
        }
        return 0;
    }
    if (o->query_file) {
        if (optind != argc) {
            fprintf(stderr, "obsq: --query-file takes the place of the QUERY argument\n");
            return 2;
        }
        if (!(o->query_text = read_query(o->query_file)))
            return 2;
        *query = o->query_text;
        return 0;
    }
    if (optind + 1 != argc) {
        return obs_cli_usage_error(&obsq_cli_spec, optind >= argc ? "no query given"
                                                                  : "one query expected (quote it)");
    }
    *query = argv[optind];
    return 0;
}

static void print_explain(FILE *f, const query_plan_t *p)
{
    fprintf(f, "-- SQL\n%s\n-- parameters\n", p->sql);
    for (int i = 0; i < p->nparams; i++) {
        const query_param_t *q = &p->params[i];
        if (q->type == QPT_TEXT)
            fprintf(f, "  ?%d = '%s'\n", i + 1, q->s);
        else if (q->type == QPT_INT)
            fprintf(f, "  ?%d = %lld\n", i + 1, (long long)q->i);
        else if (q->type == QPT_REAL)
            fprintf(f, "  ?%d = %.17g\n", i + 1, q->d);
        else
            fprintf(f, "  ?%d = NULL\n", i + 1);
    }
    fprintf(f, "-- SQLite plan\n");
}

/* The store's first and last event times (two index lookups), which let
 * the planner compute `stats ... by bin()` bin by bin. */
static void store_span(sqlite3 *db, query_plan_opts_t *o)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT (SELECT min(ts) FROM events), (SELECT max(ts) FROM events)", -1, &st,
                           NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
        o->span_known = 1;
        o->span_first_ms = sqlite3_column_int64(st, 0);
        o->span_last_ms = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
}

/* The data's sane extent: its first and last event times inside the sane
 * world [2000-01-01, now + 1 day] (common/timesane.h), two index seeks.
 * Zero-fill runs inside it when the query has no range of its own. */
static void sane_span(sqlite3 *db, int64_t now, qopts_t *o)
{
    sqlite3_stmt *st;
    o->sane_first = o->sane_last = 0;
    if (sqlite3_prepare_v2(db, "SELECT (SELECT min(ts) FROM events WHERE ts >= ?1), "
                               "(SELECT max(ts) FROM events WHERE ts <= ?2)", -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(st, 1, OBS_TIME_SANE_MIN_MS);
    sqlite3_bind_int64(st, 2, now + OBS_TIME_AHEAD_MAX_MS);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
        sqlite3_column_type(st, 1) == SQLITE_INTEGER) {
        o->sane_first = sqlite3_column_int64(st, 0);
        o->sane_last = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
}

static query_run_opts_t run_opts(const qopts_t *o)
{
    query_run_opts_t ro = { o->fill, o->plan.since_ms, o->plan.until_ms, o->plan.max_rows,
                            o->sane_first, o->sane_last, o->max_bins, o->max_bins_given, stderr };
    return ro;
}

/* The store's distinct log groups (col 0) or functions (col 1), in order,
 * one index seek each (streams' unique key and streams_function): a store
 * of 15,803 streams of 4 groups costs 5 seeks, not a scan. At most 1,000;
 * NULL-terminated, freed with free_values. */
static char **distinct_values(sqlite3 *db, int col)
{
    sqlite3_stmt *st;
    char **v = xcalloc(1, sizeof *v);
    int n = 0;
    if (sqlite3_prepare_v2(db, col ? "SELECT min(function) FROM streams WHERE function > ?1"
                                   : "SELECT min(log_group) FROM streams WHERE log_group > ?1", -1, &st, NULL) != SQLITE_OK)
        return v;  /* an old store: nothing to say */
    char *last = xstrdup("");
    while (n < 1000) {
        sqlite3_bind_text(st, 1, last, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL)
            break;
        free(last);
        last = xstrdup((const char *)sqlite3_column_text(st, 0));
        v = xrealloc(v, (size_t)(n + 2) * sizeof *v);
        v[n++] = xstrdup(last);
        v[n] = NULL;
        sqlite3_reset(st);
    }
    free(last);
    sqlite3_finalize(st);
    return v;
}

static void free_values(char **v)
{
    for (int i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static int has_value(char **v, const char *name, int prefix)
{
    for (int i = 0; v[i]; i++)
        if (prefix ? strncmp(v[i], name, strlen(name)) == 0 : strcmp(v[i], name) == 0)
            return 1;
    return 0;
}

/* An import that drops the indexes of events by time builds them at its end
 * (deferred_index names them meanwhile, store/schema.c): a query by time
 * scans until then, and says why it may be slow. */
static void note_deferred(sqlite3 *db, FILE *f)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM deferred_index", -1, &q, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) > 0)
        fputs("note: the store's indexes by time are not built yet (an import builds them at its end; "
              "one that was stopped, at the next obsagent run): this query scans, and answers the same\n",
              f);
    sqlite3_finalize(q);
}

/* Say on stderr which selected log groups or functions the store has no
 * events of (a query copied from a dashboard names the dashboard's); then
 * drop a log-group selection that holds every group of the store (a
 * dashboard's SOURCE logGroups(namePrefix: ['/aws/lambda/']) on a store of
 * Lambda logs), so that the query pays no test per event for it. */
static void query_selection(sqlite3 *db, query_plan_opts_t *o, FILE *f)
{
    struct { const char *const *v; int n, col, prefix; const char *what; } sel[] = {
        { o->log_groups, o->nlog_groups, 0, 0, "log group" },
        { o->log_group_prefixes, o->nlog_group_prefixes, 0, 1, "log group starting with" },
        { o->functions, o->nfunctions, 1, 0, "function" },
    };
    char **have[2] = { NULL, NULL };
    for (size_t k = 0; k < sizeof sel / sizeof *sel; k++) {
        for (int i = 0; i < sel[k].n; i++) {
            if (!have[sel[k].col])
                have[sel[k].col] = distinct_values(db, sel[k].col);
            if (has_value(have[sel[k].col], sel[k].v[i], sel[k].prefix))
                continue;
            buf_t all = { 0 };
            for (int g = 0; have[sel[k].col][g] && all.len < 200; g++)
                buf_printf(&all, "%s%s", g ? ", " : "", have[sel[k].col][g]);
            buf_t line = { 0 };   /* names from the store: made safe for the terminal */
            buf_printf(&line, "note: the store has no %s '%s'%s%s%s", sel[k].what, sel[k].v[i],
                       all.len ? " (it holds: " : "", all.len ? all.p : "", all.len >= 200 ? ", ...)" : all.len ? ")" : "");
            termsafe_fwrite(f, line.p, line.len, 0);
            fputc('\n', f);
            buf_free(&line);
            buf_free(&all);
        }
    }
    char **groups = have[0];
    int every = groups && groups[0];
    for (int g = 0; every && groups[g]; g++) {
        int in = 0;
        for (int i = 0; !in && i < o->nlog_groups; i++)
            in = strcmp(groups[g], o->log_groups[i]) == 0;
        for (int i = 0; !in && i < o->nlog_group_prefixes; i++)
            in = strncmp(groups[g], o->log_group_prefixes[i], strlen(o->log_group_prefixes[i])) == 0;
        every = in;
    }
    if (every)
        o->nlog_groups = o->nlog_group_prefixes = 0;
    free_values(have[0]);
    free_values(have[1]);
}

static qformat_t *formatter(const query_plan_t *plan, qfmt_t fmt, int width)
{
    char **names = xcalloc((size_t)plan->ncolumns + 1, sizeof *names);
    int *is_time = xcalloc((size_t)plan->ncolumns + 1, sizeof *is_time);
    for (int i = 0; i < plan->ncolumns; i++) {
        names[i] = plan->columns[i].name;
        is_time[i] = plan->columns[i].is_time;
    }
    qformat_t *f = qformat_new(stdout, fmt, names, is_time, plan->ncolumns, width);
    free(names);
    free(is_time);
    return f;
}

static void sleep_s(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    nanosleep(&ts, NULL);
}

static int terminal_width(void);

/* --engine clickhouse://...: the query compiled by the ClickHouse dialect
 * and run there (query/clickhouse/); the same formats and zero-fill. */
static int run_on_clickhouse(const char *text, const query_ast_t *ast, qopts_t *o, obs_err_t *err)
{
    ch_url_t u;
    ch_conn_t *c = NULL;
    query_ch_plan_t *cp = NULL;
    int rc;
    if (o->follow || o->context || o->request) {
        fprintf(stderr, "obsq: --follow, --context and --request read the store, not --engine\n");
        return 2;
    }
    if ((rc = ch_url_parse(o->engine, &u, err))) {
        fprintf(stderr, "obsq: --engine: %s\n", err->msg);
        return 2;
    }
    ch_url_password_from_env(&u);
    if (query_ch_plan_build(ast, &o->plan, u.database, &cp, err)) {
        query_error_print(stderr, text, err);
        return 2;
    }
    if (o->explain) {
        printf("-- ClickHouse SQL\n%s\n", cp->plan->sql);
        query_ch_plan_free(cp);
        return 0;
    }
    rc = 1;
    if (ch_conn_new(&u, 0, &c, err) == 0) {
        qformat_t *f = formatter(cp->plan, o->fmt, terminal_width());
        /* the data's extent is not known here: with no range asked for,
         * only the gaps between the rows are filled (bounded by the rows);
         * with a range, its bins are capped as on the store */
        query_run_opts_t ro = { o->fill, o->plan.since_ms, o->plan.until_ms, o->plan.max_rows, 0, 0, o->max_bins,
                                o->max_bins_given, stderr };
        int64_t rows = 0;
        if (query_ch_run(c, cp, &ro, f, &rows, err)) {
            qformat_abort(f);
        } else {
            qformat_finish(f);
            rc = 0;
        }
    }
    if (rc)
        fprintf(stderr, "obsq: %s\n", err->msg);
    ch_conn_free(c);
    query_ch_plan_free(cp);
    return rc;
}

/* --follow: print the matches, then every interval the matches among events
 * newer than the newest one printed (a stats query is re-run and reprinted
 * under a time line). Runs until interrupted. */
static int follow(sqlite3 *db, const query_ast_t *ast, qopts_t *o, const query_plan_t *plan0,
                  obs_err_t *err)
{
    double interval = o->interval > 0 ? o->interval : 1.0;
    int aggregated = plan0->aggregated;
    qfmt_t fmt = o->fmt == QFMT_JSON ? QFMT_JSONL : o->fmt;  /* a stream of rows */
    int64_t last = 0;
    query_plan_t *next = NULL;
    for (int batch = 0;; batch++) {
        const query_plan_t *plan = plan0;
        if (batch) {
            sleep_s(interval);
            o->plan.after_id = aggregated ? 0 : last;
            int rc = query_plan_build(ast, &o->plan, &next, err);
            if (rc)
                return rc;
            plan = next;
        }
        qformat_t *f = formatter(plan, fmt, terminal_width());
        if (batch && !aggregated)
            qformat_no_header(f);
        if (aggregated) {
            char now[32];
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            qformat_time((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, now);
            printf("-- %s\n", now);
        }
        query_run_opts_t ro = run_opts(o);
        int64_t rows = 0;
        int rc = query_run(db, plan, &ro, f, &rows, &last, err);
        if (rc) {
            qformat_abort(f);
            query_plan_free(next);
            return rc;
        }
        qformat_finish(f);
        fflush(stdout);
        query_plan_free(next);
        next = NULL;
    }
}

static int terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

int obsq_cmd_query(int argc, char **argv)
{
    qopts_t o;
    const char *text = NULL;
    obs_err_t err = { 0 };
    query_ast_t *ast = NULL;
    query_plan_t *plan = NULL;
    store_t *st = NULL;
    query_vocab_t vocab;
    query_source_owned_t source = { 0 };
    int rc;

    query_vocab_init(&vocab, NULL);
    memset(&o, 0, sizeof o);
    o.db = getenv("OBS_DB");
    o.plan.since_ms = o.plan.until_ms = -1;
    o.fill = 1;
    o.max_bins = OBSQ_MAX_BINS;
    rc = parse_opts(argc, argv, &o, &text);
    if (rc) {
        free(o.functions);
        free(o.log_groups);
        free(o.query_text);
        return rc < 0 ? 0 : rc;
    }
    if (!o.db || !*o.db)
        o.db = "obs.db";
    if (o.request) {
        rc = 1;
        if (store_open_readonly(o.db, &st, &err) ||
            query_events_request(store_db(st), o.request, o.fmt, stdout, &err))
            goto fail;
        rc = 0;
        goto out;
    }
    query_compile_opts_t co = { o.strict };
    if (query_compile_opts(text, strlen(text), &co, &ast, &err)) {
        query_error_print(stderr, text, &err);
        rc = 2;
        goto out;
    }
    query_notes_print(stderr, ast);
    int64_t now = obs_wall_ms();
    o.plan.now_ms = now;
    query_source_apply(ast, now, &o.plan, &source);
    if (o.engine) {
        rc = run_on_clickhouse(text, ast, &o, &err);
        goto out;
    }
    rc = 1;
    if (store_open_readonly(o.db, &st, &err))
        goto fail;
    query_selection(store_db(st), &o.plan, stderr);
    note_deferred(store_db(st), stderr);
    query_vocab_init(&vocab, store_db(st));
    o.plan.vocab = &vocab.v;
    o.plan.with_ids = o.context > 0 || o.follow;
    o.plan.ascending = o.follow;
    if (!o.follow)
        store_span(store_db(st), &o.plan);
    sane_span(store_db(st), now, &o);
    if (query_plan_build(ast, &o.plan, &plan, &err)) {
        query_error_print(stderr, text, &err);
        rc = 2;
        goto out;
    }
    query_sqlctx_t ctx = { now, o.plan.since_ms >= 0 ? o.plan.since_ms : 0,
                           o.plan.until_ms >= 0 ? o.plan.until_ms : now };
    if (query_connection_setup(store_db(st), &ctx, &err))
        goto fail;
    query_split_opts_t so = { o.db, &ctx, o.threads, 0, 0 };
    if (o.explain) {
        print_explain(stdout, plan);
        if (query_explain(store_db(st), plan, stdout, &err))
            goto fail;
        int64_t first_id, last_id;
        int threads, parts = query_split_parts(store_db(st), plan, &so, &threads, &first_id, &last_id);
        if (parts > 1 && plan->split == QSPLIT_BINS)
            printf("-- run as %d parts (runs of whole bins) on %d threads\n", parts, threads);
        else if (parts > 1)
            printf("-- run as %d parts (ranges of the event ids %lld..%lld) on %d threads\n", parts,
                   (long long)first_id, (long long)last_id, threads);
        rc = 0;
        goto out;
    }
    if (o.context > 0) {
        if (query_events_context(store_db(st), plan, o.context, o.fmt, stdout, &err))
            goto fail;
        rc = 0;
        goto out;
    }
    if (o.follow) {
        if (follow(store_db(st), ast, &o, plan, &err))
            goto fail;
        rc = 0;
        goto out;
    }
    char **names = xcalloc((size_t)plan->ncolumns + 1, sizeof *names);
    int *is_time = xcalloc((size_t)plan->ncolumns + 1, sizeof *is_time);
    for (int i = 0; i < plan->ncolumns; i++) {
        names[i] = plan->columns[i].name;
        is_time[i] = plan->columns[i].is_time;
    }
    qformat_t *fmt = qformat_new(stdout, o.fmt, names, is_time, plan->ncolumns, terminal_width());
    free(names);
    free(is_time);
    query_run_opts_t ro = run_opts(&o);
    int64_t rows = 0;
    int run_rc = query_run_split(store_db(st), ast, &o.plan, plan, &so, &ro, fmt, &rows, &err);
    if (run_rc) {
        qformat_abort(fmt);  /* an error prints no (partial) table */
        goto fail;
    }
    int empty = qformat_empty_columns(fmt);
    int64_t sampled = qformat_widths_sampled(fmt);
    qformat_finish(fmt);
    if (sampled)
        fprintf(stderr, "obsq: %lld rows, printed as they came: the columns are as wide as the first %lld "
                        "needed, a wider value after them is cut with '\xe2\x80\xa6' (-o csv, json or jsonl keep "
                        "every value whole)\n", (long long)rows, (long long)sampled);
    if (empty)
        obsq_field_notes(store_db(st), ast, stderr);
    rc = 0;
    goto out;
fail:
    termsafe_eprintf("obsq: %s\n", err.msg);
out:
    query_plan_free(plan);
    query_ast_free(ast);
    query_vocab_free(&vocab);
    store_close(st, NULL);
    query_source_free(&source);
    free(o.functions);
    free(o.log_groups);
    free(o.query_text);
    return rc;
}
