/* tests/unit/query/test_split.c — queries run in parts on several threads
 * (query/run_split.c): which plans may split (the last command a binned
 * stats, or a stats without by of bare count/sum/min/max over filtered
 * events), what a part's SQL restricts (and how full-text candidates join
 * the events: driving the join, or "id IN" when a time range, a function
 * or --follow narrows them too), and, on a store of events with
 * numbers, text, JSON values of both kinds, full-text matches and times on
 * bin edges, that every
 * split answer — 2 to 7 threads, helpers that cannot open the store — is
 * byte for byte the one-statement answer, errors included. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/plantest.h"

#include "common/xalloc.h"
#include "query/query.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define T0 1793491200000LL  /* 2026-11-01T00:00:00Z */

static query_plan_opts_t opts(void)
{
    query_plan_opts_t o = { .since_ms = -1, .until_ms = -1, .span_known = 1 };
    o.span_first_ms = T0;
    o.span_last_ms = T0 + 4 * 3600000;
    return o;
}

static int split_of(const char *text, const query_plan_opts_t *o)
{
    query_plan_t *p = plan_of(text, o);
    int s = p ? (int)p->split : -1;
    query_plan_free(p);
    return s;
}

static void test_which_plans_split(void)
{
    query_plan_opts_t o = opts();
    CHECK_EQ_INT(split_of("stats count(*) by bin(5m)", &o), QSPLIT_BINS);
    CHECK_EQ_INT(split_of("filter @type = \"REPORT\" | stats avg(@duration), pct(@duration, 99) by bin(5m)", &o),
                 QSPLIT_BINS);
    CHECK_EQ_INT(split_of("stats count(*) as n by bin(5m) | sort n desc", &o), QSPLIT_NONE);  /* not last */
    CHECK_EQ_INT(split_of("fields @message | stats count(*) by bin(5m)", &o), QSPLIT_NONE);  /* GROUP BY plan */
    CHECK_EQ_INT(split_of("stats count(*)", &o), QSPLIT_IDS);
    CHECK_EQ_INT(split_of("filter @message like \"Task timed out after\" | stats count(*) as n, sum(@duration), "
                          "min(@requestId), max(@duration)", &o), QSPLIT_IDS);
    CHECK_EQ_INT(split_of("filter @duration > 5 | stats count(@initDuration)", &o), QSPLIT_IDS);
    CHECK_EQ_INT(split_of("stats avg(@duration)", &o), QSPLIT_NONE);        /* not a bare count/sum/min/max */
    CHECK_EQ_INT(split_of("stats pct(@duration, 50)", &o), QSPLIT_NONE);
    CHECK_EQ_INT(split_of("stats count_distinct(@logStream)", &o), QSPLIT_NONE);
    CHECK_EQ_INT(split_of("stats count(*) * 2 as twice", &o), QSPLIT_NONE);
    CHECK_EQ_INT(split_of("stats count(*) by @logStream", &o), QSPLIT_NONE);
    CHECK_EQ_INT(split_of("fields @duration * 2 as d | stats sum(d)", &o), QSPLIT_NONE);  /* not only filters */
    CHECK_EQ_INT(split_of("stats count(*) | limit 1", &o), QSPLIT_NONE);
    /* REPORT lines without full-text candidates: an index-only scan */
    CHECK_EQ_INT(split_of("filter @type = \"REPORT\" | stats count(*)", &o), QSPLIT_NONE);
    CHECK_EQ_INT(split_of("filter @type = \"REPORT\" and @message like \"Task timed out after\" | stats count(*)", &o),
                 QSPLIT_IDS);
    query_plan_opts_t f = opts();
    f.after_id = 5;                                                      /* --follow */
    CHECK_EQ_INT(split_of("stats count(*)", &f), QSPLIT_NONE);
    f = opts();
    f.with_ids = 1;                                                      /* --context */
    CHECK_EQ_INT(split_of("stats count(*)", &f), QSPLIT_NONE);

    query_plan_t *p = plan_of("stats count(*) as n, sum(@duration), min(@message), max(@duration)", &o);
    if (p) {
        CHECK_EQ_INT(p->ncolumns, 4);
        CHECK_EQ_INT(p->columns[0].merge, QMERGE_COUNT);
        CHECK_EQ_INT(p->columns[1].merge, QMERGE_SUM);
        CHECK_EQ_INT(p->columns[2].merge, QMERGE_MIN);
        CHECK_EQ_INT(p->columns[3].merge, QMERGE_MAX);
    }
    query_plan_free(p);
    p = plan_of("stats count(*) by bin(5m)", &o);
    if (p) {
        CHECK_EQ_INT(p->split_first_ms, T0);
        CHECK_EQ_INT(p->split_last_ms, T0 + 4 * 3600000);
        CHECK_EQ_INT(p->split_width_ms, 300000);
    }
    query_plan_free(p);
}

static void test_part_sql(void)
{
    query_plan_opts_t o = opts();
    o.part_first_id = 11;
    o.part_last_id = 20;
    /* full-text candidates: the part takes its share of them, whether they
     * drive the join (nothing else narrows the events) or not */
    query_plan_t *p = plan_of("filter @message like \"Task timed out\" | stats count(*)", &o);
    CHECK(p && strstr(p->sql, "FROM events_fts x_f CROSS JOIN events e ON e.id = x_f.rowid WHERE 1 AND "
                              "x_f.events_fts MATCH ?1 AND x_f.rowid BETWEEN ?2 AND ?3)"));
    CHECK(p && p->match_param == 0 && p->params[1].i == 11 && p->params[2].i == 20);
    query_plan_free(p);
    o.since_ms = T0;
    p = plan_of("filter @message like \"Task timed out\" | stats count(*)", &o);
    CHECK(p && strstr(p->sql, "FROM events e WHERE 1 AND e.ts >= ?1 AND e.id IN (SELECT rowid FROM events_fts "
                              "WHERE events_fts MATCH ?2 AND rowid BETWEEN ?3 AND ?4)"));
    CHECK(p && p->match_param == 1);
    query_plan_free(p);
    o.since_ms = -1;
    query_plan_opts_t f = opts();   /* a function, --follow: IN too */
    const char *fn[] = { "a" };
    f.functions = fn;
    f.nfunctions = 1;
    p = plan_of("filter @message like \"Task timed out\"", &f);
    CHECK(p && strstr(p->sql, "AND e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?"));
    query_plan_free(p);
    f = opts();
    f.after_id = 7;
    p = plan_of("filter @message like \"Task timed out\"", &f);
    CHECK(p && strstr(p->sql, "AND e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?"));
    query_plan_free(p);
    /* else a range of the table */
    p = plan_of("filter @duration > 5 | stats count(*)", &o);
    CHECK(p && strstr(p->sql, "AND e.id BETWEEN ?1 AND ?2"));
    query_plan_free(p);
}

/* ---- split answers equal one statement's --------------------------------- */

static char dir[64], db[96];

static void make_store(void)
{
    obs_err_t err;
    store_t *st = two_stream_store(dir, db, "split");
    sqlite3 *h = store_db(st);
    sqlite3_stmt *ins;
    CHECK_EQ_INT(sqlite3_prepare_v2(h, "INSERT INTO events(ts, ingest_ts, stream_id, kind, type, message, "
                                       "duration, max_memory_used, request_id, json_at) "
                                       "VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                    -1, &ins, NULL), SQLITE_OK);
    srand(11);
    for (int i = 0; i < 4000; i++) {
        int64_t ts = T0 + (int64_t)(rand() % (4 * 3600)) * 1000 + rand() % 1000;
        if (i % 3 == 1)  /* on a 10-minute edge (so on every shorter bin's), or 1 ms before */
            ts = ts - ts % 600000 - (i % 2);
        int kind = i % 5 == 0 ? 4 : 1;
        char msg[96], req[32];
        snprintf(req, sizeof req, "req-%05d", rand() % 100000);
        sqlite3_bind_int64(ins, 1, ts);
        sqlite3_bind_int(ins, 2, 1 + i % 2);
        sqlite3_bind_int(ins, 3, kind);
        sqlite3_bind_null(ins, 9);
        if (kind == 4) {
            snprintf(msg, sizeof msg, "REPORT RequestId: %s", req);
            sqlite3_bind_text(ins, 4, "REPORT", -1, SQLITE_STATIC);
            /* quarters: exact in binary, so sums are the same in any order */
            sqlite3_bind_double(ins, 6, (rand() % 40000) / 4.0);
            sqlite3_bind_int64(ins, 7, (int64_t)(rand() % 512) * 1000000);
        } else {
            switch (i % 7) {
            case 0: snprintf(msg, sizeof msg, "Task timed out after %d.00 seconds", 1 + rand() % 9); break;
            case 1: snprintf(msg, sizeof msg, "{\"v\": %d, \"w\": 0.25}", rand() % 1000 - 500); break;
            case 2: snprintf(msg, sizeof msg, "{\"v\": \"t%03d\"}", rand() % 1000); break;
            default: snprintf(msg, sizeof msg, "line %d of the handler: sqs batch", rand()); break;
            }
            if (msg[0] == '{')
                sqlite3_bind_int(ins, 9, 0);
            sqlite3_bind_null(ins, 4);
            sqlite3_bind_null(ins, 6);
            sqlite3_bind_null(ins, 7);
        }
        sqlite3_bind_text(ins, 5, msg, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 8, req, -1, SQLITE_TRANSIENT);
        CHECK_EQ_INT(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    CHECK_EQ_INT(sqlite3_exec(h, "INSERT INTO events_fts(events_fts) VALUES ('rebuild')", NULL, NULL, NULL),
                 SQLITE_OK);
    CHECK_EQ_INT(store_close(st, &err), 0);
}

/* The query's CSV output and exit code, run in one statement (threads 1)
 * or split (helpers open `path`). */
static char *answer(sqlite3 *h, const char *text, query_plan_opts_t o, const query_run_opts_t *ro, int threads,
                    const char *path, int *rc, int *parts)
{
    query_ast_t *ast = NULL;
    query_plan_t *plan = NULL;
    obs_err_t err = { 0 };
    char *out = NULL;
    size_t len = 0;
    *rc = -1;
    if (query_compile(text, strlen(text), &ast, &err) ||
        query_plan_build(ast, &o, &plan, &err)) {
        fprintf(stderr, "  %s: %s\n", text, err.msg);
        check_failures++;
        query_ast_free(ast);
        return xstrdup("");
    }
    FILE *f = open_memstream(&out, &len);
    char **names = xcalloc((size_t)plan->ncolumns, sizeof *names);
    int *is_time = xcalloc((size_t)plan->ncolumns, sizeof *is_time);
    for (int i = 0; i < plan->ncolumns; i++) {
        names[i] = plan->columns[i].name;
        is_time[i] = plan->columns[i].is_time;
    }
    qformat_t *fmt = qformat_new(f, QFMT_CSV, names, is_time, plan->ncolumns, 0);
    query_sqlctx_t ctx = { T0, T0, T0 };
    query_split_opts_t so = { path, &ctx, threads, 0, 0 };
    int64_t rows = 0, first, last;
    int t;
    *parts = query_split_parts(h, plan, &so, &t, &first, &last);
    *rc = query_run_split(h, ast, &o, plan, &so, ro, fmt, &rows, &err);
    if (*rc) {
        qformat_abort(fmt);
        fprintf(f, "error: %s", err.msg);
    } else {
        qformat_finish(fmt);
    }
    fclose(f);
    free(names);
    free(is_time);
    query_plan_free(plan);
    query_ast_free(ast);
    return out;
}

static void same_split(sqlite3 *h, const char *text, query_plan_opts_t o, query_run_opts_t ro, int want_split)
{
    int rc1, rcn, parts;
    char *one = answer(h, text, o, &ro, 1, db, &rc1, &parts);
    CHECK_EQ_INT(parts, 1);
    for (int threads = 2; threads <= 7; threads++) {
        char *split = answer(h, text, o, &ro, threads, threads == 5 ? "/nonexistent/obs.db" : db, &rcn, &parts);
        if (strcmp(one, split) != 0 || rc1 != rcn || (want_split && parts < 2) || (!want_split && parts != 1)) {
            fprintf(stderr, "  %s (%d threads, %d parts): differs\n--- one statement (%d)\n%s--- split (%d)\n%s\n",
                    text, threads, parts, rc1, one, rcn, split);
            check_failures++;
        }
        free(split);
    }
    if (strlen(one) < 10) {  /* a header and a row at least */
        fprintf(stderr, "  %s: no answer: %s\n", text, one);
        check_failures++;
    }
    free(one);
}

static void test_automatic(sqlite3 *h);

static void test_split_answers(void)
{
    make_store();
    store_t *st;
    obs_err_t err;
    CHECK_EQ_INT(store_open_readonly(db, &st, &err), 0);
    sqlite3 *h = store_db(st);
    query_sqlctx_t ctx = { T0, T0, T0 };
    CHECK_EQ_INT(query_sqlfuncs_register(h, &ctx, &err), 0);
    query_plan_opts_t o = opts();
    query_run_opts_t ro = { 1, -1, -1, 0, 0, 0, 0, 0, NULL };

    same_split(h, "stats count(*), count(@duration), sum(@duration), min(@duration), max(@duration), "
                  "sum(@maxMemoryUsed), min(@message), max(@message), min(@requestId), max(@requestId)", o, ro, 1);
    /* numbers and text in one field: numbers sort first, as in SQLite */
    same_split(h, "stats count(v), sum(v), min(v), max(v), sum(w), min(w)", o, ro, 1);
    same_split(h, "filter @message like \"Task timed out after\" | stats count(*) as n, max(@requestId), min(@timestamp)", o,
               ro, 1);
    same_split(h, "filter @message like \"sqs\" and @message not like \"line 1\" | stats count(*)", o, ro, 1);
    same_split(h, "filter @duration > 1e9 | stats count(*), sum(@duration), min(@duration)", o, ro, 1);  /* empty */
    same_split(h, "stats sum(@timestamp * 1000000)", o, ro, 1);  /* integer overflow: an error either way */
    same_split(h, "stats avg(@duration)", o, ro, 0);             /* not split */
    same_split(h, "filter @type = \"REPORT\" | stats count(*) as n, avg(@duration), pct(@duration, 50), "
                  "max(@maxMemoryUsed) by bin(5m)", o, ro, 1);
    same_split(h, "stats count(*) by bin(1h)", o, ro, 1);
    query_plan_opts_t r = o;
    r.since_ms = T0 + 3600000 + 123;   /* inside bins */
    r.until_ms = T0 + 3 * 3600000 + 7;
    query_run_opts_t rr = { 1, r.since_ms, r.until_ms, 0, 0, 0, 0, 0, NULL };
    same_split(h, "filter @type = \"REPORT\" | stats count(*), sum(@duration) by bin(10m)", r, rr, 1);
    same_split(h, "filter @duration > 100 | stats count(*), sum(@duration)", r, rr, 1);
    rr.fill = 0;
    same_split(h, "filter @type = \"REPORT\" and @duration > 9000 | stats max(@duration) by bin(1m)", r, rr, 1);
    rr.fill = 1;
    rr.max_rows = 5;   /* the cap over the merged rows */
    same_split(h, "stats count(*) by bin(1m)", r, rr, 1);
    const char *fn[] = { "b" };
    r.functions = fn;
    r.nfunctions = 1;
    same_split(h, "filter @type = \"REPORT\" | stats count(*) by bin(30m)", r, rr, 1);
    same_split(h, "filter @message like \"Task timed out after\" | stats count(*)", r, rr, 1);
    test_automatic(h);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

/* Without --threads: big enough stores only, and for full-text candidates
 * enough of them (thresholds lowered to this store's size). */
static int parts_of(sqlite3 *h, const char *text, const query_split_opts_t *so)
{
    query_plan_opts_t o = opts();
    query_plan_t *p = plan_of(text, &o);
    int64_t first, last;
    int threads, parts = p ? query_split_parts(h, p, so, &threads, &first, &last) : -1;
    if (parts > 1 && (threads < 2 || threads > SPLIT_MAX_THREADS || parts < threads)) {
        fprintf(stderr, "  %s: %d parts on %d threads\n", text, parts, threads);
        check_failures++;
    }
    query_plan_free(p);
    return parts;
}

static void test_automatic(sqlite3 *h)
{
    query_sqlctx_t ctx = { T0, T0, T0 };
    query_split_opts_t so = { db, &ctx, 0, 0, 0 };
    CHECK_EQ_INT(parts_of(h, "stats count(*)", &so), 1);            /* 4,000 events: too few */
    so.min_events = 4000;
    CHECK(parts_of(h, "stats count(*)", &so) > 1);
    so.min_events = 4001;
    CHECK_EQ_INT(parts_of(h, "stats count(*)", &so), 1);
    so.min_events = 1000;
    /* ~460 "Task timed out after" lines (every 7th app line) */
    so.min_candidates = 400;
    CHECK(parts_of(h, "filter @message like \"Task timed out after\" | stats count(*)", &so) > 1);
    so.min_candidates = 3000;
    CHECK_EQ_INT(parts_of(h, "filter @message like \"Task timed out after\" | stats count(*)", &so), 1);
    CHECK(parts_of(h, "filter @message like /Task \\w+ out/ | stats count(*)", &so) > 1);  /* no candidates: a scan */
    so.threads = 2;                                                  /* --threads: no thresholds */
    CHECK(parts_of(h, "filter @message like \"Task timed out after\" | stats count(*)", &so) > 1);
    so.threads = 1;
    CHECK_EQ_INT(parts_of(h, "stats count(*)", &so), 1);
}

TEST_LIST = {
    TEST(test_which_plans_split),
    TEST(test_part_sql),
    TEST(test_split_answers),
    TEST_END,
};
