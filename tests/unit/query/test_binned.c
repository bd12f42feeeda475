/* tests/unit/query/test_binned.c — the binned plan of `stats ... by bin()`
 * (query/emit_sql.c): obs_pack/obs_unpack keep every value and its type;
 * the planner picks the binned plan only where it may (events only
 * filtered, no full-text candidates, a fixed-length bin alone, only fields
 * of a covering index, the store's span known, few enough bins) with the
 * right first and last bins (weeks from Monday, clipped to --since/--end;
 * the query's range a filter, not an index bound); and on a store whose
 * events sit on bin edges, around gaps and in one stream of two, every
 * answer of the binned plan equals the GROUP BY plan's (`fields @message |`
 * in front). */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/plantest.h"
#include "tests/unit/sqlq.h"

#include "common/buf.h"
#include "common/xalloc.h"
#include "query/query.h"
#include "store/store.h"

#include <stdlib.h>
#include <unistd.h>

#define T0 1793491200000LL  /* 2026-11-01T00:00:00Z, a Sunday */

static void test_pack_roundtrip(void)
{
    CHECK_EQ_STR(q("SELECT obs_unpack(obs_pack(42, 2.5, 'tëxt', x'00ff', NULL), 0)"), "42");
    CHECK_EQ_STR(q("SELECT typeof(obs_unpack(obs_pack(42, 2.5), 0))"), "integer");
    CHECK_EQ_STR(q("SELECT obs_unpack(obs_pack(42, 2.5), 1)"), "2.5");
    CHECK_EQ_STR(q("SELECT typeof(obs_unpack(obs_pack(42, 2.5), 1))"), "real");
    CHECK_EQ_STR(q("SELECT obs_unpack(obs_pack(1, 'tëxt', 3), 1)"), "tëxt");
    CHECK_EQ_STR(q("SELECT hex(obs_unpack(obs_pack(1, x'00ff', 3), 1))"), "00FF");
    CHECK_EQ_STR(q("SELECT typeof(obs_unpack(obs_pack(1, x'00ff', 3), 1))"), "blob");
    CHECK_EQ_STR(q("SELECT obs_unpack(obs_pack(1, NULL, 3), 2)"), "3");
    CHECK_EQ_STR(q("SELECT obs_unpack(obs_pack(1, NULL, 3), 1)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_unpack(obs_pack(1, ''), 1) = ''"), "1");
    CHECK_EQ_STR(q("SELECT obs_unpack(obs_pack(-9223372036854775808, 1e308), 0)"), "-9223372036854775808");
    CHECK_EQ_STR(q("SELECT obs_unpack(obs_pack(1, 2), 2)"), "(null)");    /* past the end */
    CHECK_EQ_STR(q("SELECT obs_unpack('not a pack', 0)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_unpack(x'01ffff', 0)"), "(null)");       /* cut short */
    CHECK_EQ_STR(q("SELECT obs_unpack(x'03ffffff7f', 0)"), "(null)");   /* length past the end */
}

static query_plan_opts_t span(int64_t first, int64_t last)
{
    query_plan_opts_t o = { .since_ms = -1, .until_ms = -1, .span_known = 1 };
    o.span_first_ms = first;
    o.span_last_ms = last;
    return o;
}

static int binned(const char *text, const query_plan_opts_t *o)
{
    query_plan_t *p = plan_of(text, o);
    int b = p && strstr(p->sql, "obs_pack(count(*)") != NULL;
    query_plan_free(p);
    return b;
}

/* The first and last bin of a binned plan: its first two integer
 * parameters after the items' (the recursive CTE's seed and bound). */
static void bins_of(const char *text, const query_plan_opts_t *o, int64_t *first, int64_t *last)
{
    query_plan_t *p = plan_of(text, o);
    *first = *last = -1;
    if (!p)
        return;
    const char *seed = strstr(p->sql, "(x_bin) AS (SELECT ?"), *bound = strstr(p->sql, "WHERE x_bin < ?");
    if (seed && bound) {
        *first = p->params[atoi(seed + strlen("(x_bin) AS (SELECT ?")) - 1].i;
        *last = p->params[atoi(bound + strlen("WHERE x_bin < ?")) - 1].i;
    }
    query_plan_free(p);
}

static void test_planner_choice(void)
{
    query_plan_opts_t o = span(T0, T0 + 3 * 3600000);
    CHECK(binned("stats count(*) by bin(5m)", &o));
    CHECK(binned("filter @type = \"REPORT\" | stats avg(@duration), pct(@duration, 99) by bin(5m)", &o));
    CHECK(binned("filter @duration > 1 | filter @type = \"REPORT\" | stats count(*) as n by bin(1h) as t", &o));
    CHECK(binned("stats count(*) by bin(1w)", &o));
    CHECK(!binned("fields @message | stats count(*) by bin(5m)", &o));           /* not only filters */
    CHECK(!binned("parse @message \"* *\" as a, b | stats count(*) by bin(5m)", &o));
    CHECK(!binned("stats count(*) by bin(5m), @logStream", &o));                 /* not the bin alone */
    CHECK(!binned("stats count(*) by @logStream", &o));
    CHECK(!binned("stats count(*) by bin(1mo)", &o));                            /* calendar unit */
    CHECK(!binned("stats count(*)", &o));
    /* only fields of a covering index: events_report for REPORT-only
     * queries, else events_ts (@timestamp) */
    CHECK(binned("filter @type = \"REPORT\" | stats max(@maxMemoryUsed), count_distinct(@logStream) by bin(5m)", &o));
    CHECK(!binned("filter @type = \"REPORT\" | stats count_distinct(@requestId) by bin(5m)", &o));
    CHECK(!binned("filter @duration > 1000 | stats count(*) by bin(5m)", &o));   /* not REPORT-only */
    CHECK(!binned("stats avg(latency) by bin(5m)", &o));                         /* a JSON field */
    CHECK(binned("filter @timestamp > 5 | stats count(*) by bin(5m)", &o));
    CHECK(binned("filter @type = \"REPORT\" | stats max(@memorySize) as p, max(@maxMemoryUsed) as u, p - u as d "
                 "by bin(5m)", &o));                                            /* earlier items' names */
    CHECK(!binned("filter @type = \"REPORT\" | stats max(@memorySize) as p, p - max(zz) as d by bin(5m)", &o));
    const char *fn[] = { "f" };
    o.functions = fn;
    o.nfunctions = 1;
    CHECK(binned("filter @type = \"REPORT\" | stats count(*) by bin(5m)", &o));
    CHECK(!binned("stats count(*) by bin(5m)", &o));             /* the stream id: not in events_ts */
    o.nfunctions = 0;
    CHECK(binned("stats count(*) by bin(1s)", &o));                              /* 10,800 bins */
    o = span(T0, T0 + 86400000LL);
    CHECK(!binned("stats count(*) by bin(1s)", &o));                             /* 86,400: too many */
    CHECK(binned("stats count(*) by bin(5s)", &o));                              /* 17,280 */
    query_plan_opts_t none = { .since_ms = -1, .until_ms = -1 };
    CHECK(!binned("stats count(*) by bin(5m)", &none));                          /* span unknown */
    o = span(T0, T0 + 3600000);
    o.after_id = 10;
    CHECK(!binned("stats count(*) by bin(5m)", &o));                             /* --follow */
    /* the second stats works on the first one's rows */
    o = span(T0, T0 + 3600000);
    query_plan_t *p = plan_of("stats count(*) as n by bin(5m) | stats sum(n) as total", &o);
    CHECK(p && strstr(p->sql, "obs_pack") && strstr(p->sql, "sum("));
    query_plan_free(p);
}

static void test_planner_bins(void)
{
    int64_t first, last;
    query_plan_opts_t o = span(T0 + 299999, T0 + 3600000);
    bins_of("stats count(*) by bin(5m)", &o, &first, &last);
    CHECK_EQ_INT(first, T0);
    CHECK_EQ_INT(last, T0 + 3600000);
    o.since_ms = T0 + 600001;          /* --since inside the span */
    o.until_ms = T0 + 1200000;         /* --end on a bin edge: that bin is out */
    bins_of("stats count(*) by bin(5m)", &o, &first, &last);
    CHECK_EQ_INT(first, T0 + 600000);
    CHECK_EQ_INT(last, T0 + 900000);
    o = span(T0, T0 + 10 * 86400000LL);
    bins_of("stats count(*) by bin(1w)", &o, &first, &last);
    CHECK_EQ_INT(first, T0 - 6 * 86400000LL);   /* Monday 2026-10-26 */
    CHECK_EQ_INT(last, T0 + 8 * 86400000LL);    /* Monday 2026-11-09 (T0 + 10 d: a Wednesday) */
    bins_of("stats count(*) by bin(300s)", &o, &first, &last);   /* 300s counts as 60s */
    CHECK_EQ_INT(last - first, 10 * 86400000LL);
    CHECK(binned("stats count(*) by bin(300s)", &o));
    o.since_ms = T0 + 20 * 86400000LL;   /* a range after the span: nothing to bin */
    CHECK(!binned("stats count(*) by bin(5m)", &o));
}

/* The query's range is a filter of the binned plan: as an index bound SQLite
 * could take it instead of the bin's and read every bin on to the range's
 * end (10x slower with --start on 2M lines). */
static void test_planner_range_filter(void)
{
    query_plan_opts_t o = span(T0, T0 + 3 * 3600000);
    o.since_ms = T0 + 1;
    o.until_ms = T0 + 3600000;
    query_plan_t *p = plan_of("stats count(*) by bin(5m)", &o);
    CHECK(p && strstr(p->sql, "obs_pack") && strstr(p->sql, "+e.ts >= ?") && strstr(p->sql, "+e.ts < ?"));
    query_plan_free(p);
    p = plan_of("stats count(*) by @logStream", &o);   /* not binned: the time index's bounds */
    CHECK(p && strstr(p->sql, " e.ts >= ?") && strstr(p->sql, " e.ts < ?") && !strstr(p->sql, "+e.ts"));
    query_plan_free(p);
    p = plan_of("fields @message | stats count(*) by bin(5m)", &o);   /* GROUP BY plan */
    CHECK(p && strstr(p->sql, " e.ts >= ?") && !strstr(p->sql, "+e.ts"));
    query_plan_free(p);
}

/* ---- both plans on one store --------------------------------------------- */

static char dir[64], db[96];

static void make_store(void)
{
    obs_err_t err;
    store_t *st = two_stream_store(dir, db, "binned");
    sqlite3 *h = store_db(st);
    sqlite3_stmt *ins;
    CHECK_EQ_INT(sqlite3_prepare_v2(h, "INSERT INTO events(ts, ingest_ts, stream_id, kind, type, message, "
                                       "duration, request_id) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                    -1, &ins, NULL), SQLITE_OK);
    srand(7);
    for (int i = 0; i < 3000; i++) {
        /* on 5-minute edges, 1 ms before and after, and anywhere; the
         * second hour is empty (a gap of empty bins) */
        int64_t minute = rand() % 240, ts = T0 + minute * 60000;
        if (minute >= 60 && minute < 120)
            ts += 3600000;
        switch (i % 4) {
        case 0: ts = ts - ts % 300000; break;
        case 1: ts = ts - ts % 300000 - 1; break;
        case 2: ts = ts - ts % 300000 + 1; break;
        default: ts += rand() % 60000; break;
        }
        int report = i % 3 != 0;
        char req[32];
        snprintf(req, sizeof req, "req-%04d", i);
        sqlite3_bind_int64(ins, 1, ts);
        sqlite3_bind_int(ins, 2, 1 + i % 2);
        sqlite3_bind_int(ins, 3, report ? 4 : 1);
        if (report)
            sqlite3_bind_text(ins, 4, "REPORT", -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 4);
        sqlite3_bind_text(ins, 5, report ? "REPORT RequestId: x" : "hello", -1, SQLITE_STATIC);
        if (report)
            sqlite3_bind_double(ins, 6, (rand() % 100000) / 7.0);
        else
            sqlite3_bind_null(ins, 6);
        sqlite3_bind_text(ins, 7, req, -1, SQLITE_TRANSIENT);
        CHECK_EQ_INT(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    CHECK_EQ_INT(store_close(st, &err), 0);
}

/* The rows of a plan as text, one line each, columns separated by '|'
 * (reals to 12 significant digits: sums in another order may differ in
 * the last bits). */
static char *rows_of(sqlite3 *h, const query_plan_t *p, int *nrows)
{
    sqlite3_stmt *st;
    buf_t out = { 0 };
    *nrows = 0;
    if (sqlite3_prepare_v2(h, p->sql, -1, &st, NULL) != SQLITE_OK || query_bind_plan(st, p) != SQLITE_OK) {
        fprintf(stderr, "  %s\n", sqlite3_errmsg(h));
        check_failures++;
        return xstrdup("");
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            if (sqlite3_column_type(st, i) == SQLITE_FLOAT)
                buf_printf(&out, "%.12g|", sqlite3_column_double(st, i));
            else
                buf_printf(&out, "%s|", sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "NULL");
        }
        buf_putc(&out, '\n');
        (*nrows)++;
    }
    sqlite3_finalize(st);
    return buf_take(&out);
}

/* count_sql: the number of non-empty bins, computed apart with SQL */
static void same_answers(sqlite3 *h, const char *query, query_plan_opts_t o, const char *count_sql)
{
    char grouped_q[512];
    snprintf(grouped_q, sizeof grouped_q, "fields @message | %s", query);
    query_plan_t *b = plan_of(query, &o), *g = plan_of(grouped_q, &o);
    if (!b || !g) {
        query_plan_free(b);
        query_plan_free(g);
        return;
    }
    CHECK(strstr(b->sql, "obs_pack") != NULL);
    CHECK(strstr(g->sql, "GROUP BY") != NULL);
    int nb, ng, want = -1;
    char *rb = rows_of(h, b, &nb), *rg = rows_of(h, g, &ng);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(h, count_sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        want = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (strcmp(rb, rg) != 0 || nb != want || want < 1) {
        fprintf(stderr, "  %s: binned %d rows, GROUP BY %d (want %d)\n--- binned\n%.2000s--- GROUP BY\n%.2000s",
                query, nb, ng, want, rb, rg);
        check_failures++;
    }
    free(rb);
    free(rg);
    query_plan_free(b);
    query_plan_free(g);
}

static void test_both_plans_agree(void)
{
    make_store();
    store_t *st;
    obs_err_t err;
    CHECK_EQ_INT(store_open_readonly(db, &st, &err), 0);
    sqlite3 *h = store_db(st);
    query_sqlctx_t ctx = { T0, T0, T0 };
    CHECK_EQ_INT(query_sqlfuncs_register(h, &ctx, &err), 0);
    query_plan_opts_t o = span(0, 0);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(h, "SELECT min(ts), max(ts) FROM events", -1, &s, NULL);
    sqlite3_step(s);
    o.span_first_ms = sqlite3_column_int64(s, 0);
    o.span_last_ms = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    CHECK_EQ_INT(o.span_first_ms, T0 - 1);

    same_answers(h, "stats count(*) by bin(5m)", o, "SELECT count(DISTINCT ts / 300000) FROM events");
    same_answers(h,
                 "filter @type = \"REPORT\" | stats count(*) as n, sum(@duration), avg(@duration), "
                 "min(@duration), max(@duration), pct(@duration, 90), stddev(@duration), "
                 "earliest(@duration), latest(@maxMemoryUsed), count_distinct(@logStream) by bin(5m)",
                 o, "SELECT count(DISTINCT ts / 300000) FROM events WHERE type = 'REPORT'");
    same_answers(h, "filter @type = \"REPORT\" and @duration > 5000 | stats max(@duration) by bin(1m)", o,
                 "SELECT count(DISTINCT ts / 60000) FROM events WHERE type = 'REPORT' AND duration > 5000");
    same_answers(h, "stats count(*) by bin(1h)", o, "SELECT count(DISTINCT ts / 3600000) FROM events");
    same_answers(h, "stats count(*) by bin(1w)", o,   /* weeks from Monday 1970-01-05 */
                 "SELECT count(DISTINCT (ts - 345600000) / 604800000) FROM events");
    o.since_ms = T0 + 600001;
    o.until_ms = T0 + 3 * 3600000 + 1;
    same_answers(h, "stats count(*) as n by bin(10m)", o,
                 "SELECT count(DISTINCT ts / 600000) FROM events WHERE ts >= 1793491800001 AND ts < 1793502000001");
    const char *fn[] = { "b" };
    o.functions = fn;
    o.nfunctions = 1;
    same_answers(h, "filter @type = \"REPORT\" | stats avg(@duration) by bin(10m)", o,
                 "SELECT count(DISTINCT ts / 600000) FROM events WHERE ts >= 1793491800001 AND ts < 1793502000001 "
                 "AND type = 'REPORT' AND stream_id = 2");
    store_close(st, NULL);
    tmpdir_remove(dir);
}

TEST_LIST = {
    TEST(test_pack_roundtrip),
    TEST(test_planner_choice),
    TEST(test_planner_bins),
    TEST(test_planner_range_filter),
    TEST(test_both_plans_agree),
    TEST_END,
};
