/* tests/unit/store/test_spans.c — store/spans.c on a store whose rows are
 * written here with SQL: each rule of an invocation's span (its lines' own
 * times, end - Duration, the latest bound when neither time is its own, in
 * flight until now and capped, an instant), which rows the range reads,
 * the function filter, emulated invocations and their environment, and
 * environments alive from their first line to their last plus the idle
 * time. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>

static char dir[64], path[96];
static store_t *st;

static void setup(const char *rows)
{
    obs_err_t err = { 0 };
    tmpdir_make(dir, sizeof dir, "spans");
    snprintf(path, sizeof path, "%s/obs.db", dir);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    char *msg = NULL;
    CHECK_EQ_INT(sqlite3_exec(store_db(st), rows, NULL, NULL, &msg), SQLITE_OK);
    if (msg)
        fprintf(stderr, "  %s\n", msg);
    sqlite3_free(msg);
}

static void teardown(void)
{
    store_close(st, NULL);
    tmpdir_remove(dir);
}

static const store_inv_span_t *by_start(const store_spans_t *s, int64_t start)
{
    for (size_t i = 0; i < s->ninv; i++)
        if (s->inv[i].start == start)
            return &s->inv[i];
    return NULL;
}

#define STREAMS \
    "INSERT INTO streams(id, function, log_group, stream, first_ts, last_ts) VALUES" \
    "(1, 'api', '/aws/lambda/api', 's1', 100000, 200000)," \
    "(2, 'api', '/aws/lambda/api', 's2', 150000, 150000)," \
    "(3, 'worker', '/aws/lambda/worker', 's3', 100000, 900000)," \
    "(4, 'old', '/aws/lambda/old', 's4', -900000, -800000);"

static void test_span_rules(void)
{
    setup(STREAMS
          "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts, duration, timing) VALUES"
          /* both times the lines' own: START to REPORT */
          "('own', 1, 110000, 110500, 400.2, 3),"
          /* only the REPORT's own: end - Duration */
          "('end', 1, 100000, 120700, 300.5, 2),"
          /* only the START's own: start + Duration */
          "('start', 1, 130000, 125000, 250, 1),"
          /* neither: the latest of what the times and the Duration say */
          "('rule', 1, 100000, 140000, 1000, 0),"
          "('rule2', 1, 145000, 144000, 1000, 0),"
          /* a START from a later line (the head of a stream): not a bound */
          "('late', 1, 160000, 150500, 400, 4);"
          "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts, timing) VALUES"
          /* no REPORT: START to END; not ended: open until now, capped */
          "('noreport', 3, 150000, 151000, 3),"
          "('open', 3, 160000, NULL, 1),"
          "('open-old', 3, 100100, NULL, 1),"
          /* an end and nothing else: an instant (a millisecond) */
          "('instant', 3, NULL, 170000, 2);");
    store_spans_t s;
    obs_err_t err = { 0 };
    store_spans_query_t q = { 100000, 200000, NULL, 0, 165000 };
    CHECK_EQ_INT(store_spans_read(st, &q, &s, &err), 0);
    CHECK_EQ_INT(s.nfunctions, 2);   /* 'old' is out of range */
    CHECK_EQ_STR(s.functions[0], "api");
    CHECK_EQ_STR(s.functions[1], "worker");
    CHECK_EQ_INT(s.ninv, 10);
    const store_inv_span_t *v;
    CHECK((v = by_start(&s, 110000)) && v->end == 110500 && (v->flags & STORE_SPAN_EXACT) && v->fn == 0);
    CHECK((v = by_start(&s, 120700 - 301)) && v->end == 120700 && (v->flags & STORE_SPAN_EXACT));
    CHECK((v = by_start(&s, 130000)) && v->end == 130250 && (v->flags & STORE_SPAN_EXACT));
    CHECK((v = by_start(&s, 139000)) && v->end == 140000 && !(v->flags & STORE_SPAN_EXACT));
    CHECK((v = by_start(&s, 145000)) && v->end == 146000 && !(v->flags & STORE_SPAN_EXACT));
    CHECK((v = by_start(&s, 150000)) && v->end == 151000 && v->fn == 1);
    CHECK((v = by_start(&s, 150100)) && v->end == 150500 && !(v->flags & STORE_SPAN_EXACT));
    CHECK((v = by_start(&s, 160000)) && v->end == 165000 && (v->flags & STORE_SPAN_OPEN));
    CHECK((v = by_start(&s, 100100)) && v->end == 165000 && (v->flags & STORE_SPAN_OPEN));
    CHECK((v = by_start(&s, 170000)) && v->end == 170001 && v->at == 170000);
    CHECK((v = by_start(&s, 110000)) && v->at == 110500 && isnan(v->billed) && v->memory_size == -1);
    store_spans_free(&s);
    teardown();
}

static void test_range_filter_and_envs(void)
{
    setup(STREAMS
          "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts, duration, timing, emulated, "
          "  init_type, cold, outcome, memory_size, billed_duration) VALUES"
          "('a', 1, 100000, 101000, 1000, 3, 0, 1, 1, 2, 128000000, 1100),"
          "('b', 2, 150000, 150500, 500, 3, 1, NULL, 0, 0, 128000000, 500),"
          /* ends before the range, starts before: not open in it */
          "('c', 3, 10000, 20000, 10000, 3, 0, NULL, 0, 0, NULL, NULL),"
          /* counted after the range but open in it (a long one) */
          "('d', 3, 199000, 260000, 61000, 3, 0, NULL, 0, 0, NULL, NULL),"
          /* in flight: open until now, at most STORE_SPAN_MAX_MS */
          "('e', 3, 155000, NULL, NULL, 1, 0, NULL, 0, 0, NULL, NULL);"
          /* a request that waited for an on-demand init, or a SnapStart restore */
          "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts, duration, timing, init_type, cold,"
          "  init_duration, restore_duration) VALUES"
          "('f', 3, 170000, 170100, 100, 3, 1, 1, 250.5, NULL),"
          "('g', 3, 180000, 180100, 100, 3, 3, 0, NULL, 300),"
          "('h', 3, 190000, 190100, 100, 3, 2, 0, 900, NULL);");
    store_spans_t s;
    obs_err_t err = { 0 };
    store_spans_query_t q = { 100000, 200000, NULL, 0, 300000 };
    CHECK_EQ_INT(store_spans_read(st, &q, &s, &err), 0);
    CHECK_EQ_INT(s.ninv, 7);
    const store_inv_span_t *v = by_start(&s, 100000);
    CHECK(v && v->init_type == 1 && v->cold == 1 && v->outcome == 2 && v->memory_size == 128000000);
    CHECK(v && v->billed == 1100);
    v = by_start(&s, 150000);
    CHECK(v && (v->flags & STORE_SPAN_EMULATED) && v->env >= 0 && s.envs[v->env].emulated == 1);
    v = by_start(&s, 199000);
    CHECK(v && v->at == 260000);
    CHECK((v = by_start(&s, 170000 - 251)) && v->end == 170100);   /* its init first */
    CHECK((v = by_start(&s, 180000 - 300)) && v->end == 180100);   /* its restore first */
    CHECK((v = by_start(&s, 190000)) && v->end == 190100);         /* provisioned ahead: no wait */
    for (size_t i = 0; i < s.ninv; i++)
        if (s.inv[i].flags & STORE_SPAN_OPEN)
            CHECK_EQ_INT(s.inv[i].end, 300000);
    /* the environments of the range: s1, s2, s3 (s4 ended long before) */
    CHECK_EQ_INT(s.nenvs, 3);
    int64_t sum = 0;
    for (size_t i = 0; i < s.nenvs; i++)
        sum += s.envs[i].end - s.envs[i].start;
    CHECK_EQ_INT(sum, (200000 - 100000) + (150000 - 150000) + (900000 - 100000) + 3 * STORE_ENV_IDLE_MS);
    store_spans_free(&s);
    q.now = 5000000;
    CHECK_EQ_INT(store_spans_read(st, &q, &s, &err), 0);
    for (size_t i = 0; i < s.ninv; i++)
        if (s.inv[i].flags & STORE_SPAN_OPEN)
            CHECK_EQ_INT(s.inv[i].end, 155000 + STORE_SPAN_MAX_MS);
    store_spans_free(&s);
    q.now = 300000;

    /* one function only */
    const char *only[] = { "worker" };
    q.functions = only;
    q.nfunctions = 1;
    CHECK_EQ_INT(store_spans_read(st, &q, &s, &err), 0);
    CHECK_EQ_INT(s.nfunctions, 1);
    CHECK_EQ_INT(s.ninv, 5);
    CHECK_EQ_INT(s.nenvs, 1);
    CHECK_EQ_INT(s.inv[0].fn, 0);
    store_spans_free(&s);
    teardown();
}

TEST_LIST = {
    TEST(test_span_rules),
    TEST(test_range_filter_and_envs),
    TEST_END,
};
