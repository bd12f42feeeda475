/* tests/unit/store/test_concurrency.c — store/concurrency.c on rows written
 * here with SQL, its numbers worked out by hand: each function's level at
 * now and peak over the window (and per bucket), the account-wide total
 * across functions, emulated invocations left out, and how many were
 * timed by their lines. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>

static char dir[64], path[96];

/* api: two streams; a's invocations [100 s, 130 s) and [140 s, 150 s),
 * b's [120 s, 145 s) and one in flight from 155 s; worker: [125 s, 160 s);
 * sam (emulated): [100 s, 190 s). All times the lines' own (timing 3)
 * but worker's (the time rule: 0). a1 was an on-demand cold start, b1 a
 * provisioned environment's first, w1 a SnapStart restore's first, s1 an
 * emulator's cold start. No Init or Restore Duration: the spans start at
 * START. */
#define ROWS \
    "INSERT INTO streams(id, function, log_group, stream, first_ts, last_ts) VALUES" \
    "(1, 'api', '/aws/lambda/api', 'a', 100000, 150000)," \
    "(2, 'api', '/aws/lambda/api', 'b', 120000, 155000)," \
    "(3, 'worker', '/aws/lambda/worker', 'w', 125000, 160000)," \
    "(4, 'sam', '/aws/lambda/sam', 's', 100000, 190000);" \
    "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts, duration, timing, emulated) VALUES" \
    "('a1', 1, 100000, 130000, 30000, 3, 0)," \
    "('a2', 1, 140000, 150000, 10000, 3, 0)," \
    "('b1', 2, 120000, 145000, 25000, 3, 0)," \
    "('w1', 3, 125000, 160000, 35000, 0, 0)," \
    "('s1', 4, 100000, 190000, 90000, 3, 1);" \
    "INSERT INTO invocations(request_id, stream_id, start_ts, end_ts, timing) VALUES" \
    "('b2', 2, 155000, NULL, 1);" \
    "UPDATE invocations SET cold = 1, init_type = 1 WHERE request_id = 'a1';" \
    "UPDATE invocations SET init_type = 2 WHERE request_id = 'b1';" \
    "UPDATE invocations SET init_type = 3 WHERE request_id = 'w1';" \
    "UPDATE invocations SET cold = 1, init_type = 1 WHERE request_id = 's1';"

static void test_levels_and_peaks(void)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    tmpdir_make(dir, sizeof dir, "concurrency");
    snprintf(path, sizeof path, "%s/obs.db", dir);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    CHECK_EQ_INT(sqlite3_exec(store_db(st), ROWS, NULL, NULL, NULL), SQLITE_OK);

    /* the window [100 s, 160 s) in 6 buckets of 10 s, now at 157 s */
    store_concurrency_query_t q = { 100000, 160000, 157000, 6 };
    store_concurrency_t c;
    CHECK_EQ_INT(store_concurrency_read(st, &q, &c, &err), 0);
    CHECK_EQ_INT(c.nfns, 3);
    const store_fn_concurrency_t *api = store_concurrency_of(&c, "api"), *w = store_concurrency_of(&c, "worker");
    CHECK(api != NULL && w != NULL);
    /* sam ran only emulated: no concurrency */
    const store_fn_concurrency_t *sam = store_concurrency_of(&c, "sam");
    CHECK(sam != NULL && sam->peak == 0 && sam->level == 0);
    if (api && w) {
        CHECK_EQ_INT(api->level, 1);   /* b2, in flight since 155 s */
        CHECK_EQ_INT(api->peak, 2);    /* a1 and b1 over [120 s, 130 s), b1 and a2 over [140 s, 145 s) */
        const int32_t want_api[6] = { 1, 1, 2, 1, 2, 1 };
        for (int i = 0; i < 6; i++)
            CHECK_EQ_INT(api->buckets[i].peak, want_api[i]);
        /* counted where the rollups count them: at their end */
        CHECK_EQ_INT(api->buckets[3].on_demand, 1);   /* a1 ended at 130 s */
        CHECK_EQ_INT(api->buckets[4].provisioned, 1); /* b1 at 145 s */
        CHECK_EQ_INT(api->buckets[3].provisioned + api->buckets[4].on_demand + api->buckets[5].snap_start, 0);
        CHECK_EQ_INT(w->level, 1);
        CHECK_EQ_INT(w->peak, 1);
    }
    /* account-wide: a1, b1, w1 over [125 s, 130 s); b1, w1, a2 over [140 s, 145 s) */
    CHECK_EQ_INT(c.all.peak, 3);
    CHECK_EQ_INT(c.all.level, 2);   /* w1 and b2 at 157 s */
    const int32_t want_all[6] = { 1, 1, 3, 2, 3, 2 };
    for (int i = 0; i < 6; i++)
        CHECK_EQ_INT(c.all.buckets[i].peak, want_all[i]);
    int od = 0, pc = 0, ss = 0;
    for (int i = 0; i < 6; i++) {
        od += c.all.buckets[i].on_demand;
        pc += c.all.buckets[i].provisioned;
        ss += c.all.buckets[i].snap_start;
    }
    CHECK_EQ_INT(od, 1);   /* sam's ended at 190 s, after the window */
    CHECK_EQ_INT(pc, 1);
    CHECK_EQ_INT(ss, 0);   /* w1 ended at 160 s: after the window */
    /* timed, counted where they ended: a1, b1, a2 by their lines, and b2,
     * not ended, at its start (155 s) by its START's; w1 (the time rule)
     * ended at 160 s, after the window */
    int ex = 0, est = 0;
    for (int i = 0; i < 6; i++) {
        ex += c.all.buckets[i].exact;
        est += c.all.buckets[i].estimated;
    }
    CHECK_EQ_INT(ex, 4);
    CHECK_EQ_INT(est, 0);
    if (w)
        CHECK_EQ_INT(w->buckets[5].exact + w->buckets[5].estimated, 0);
    CHECK_EQ_INT((int)c.exact, 4);
    CHECK_EQ_INT((int)c.estimated, 1);
    store_concurrency_free(&c);

    /* without buckets, now past the window's end: the level of what is
     * still open then (b2: in flight, capped at STORE_SPAN_MAX_MS) */
    store_concurrency_query_t q2 = { 100000, 130000, 170000, 0 };
    CHECK_EQ_INT(store_concurrency_read(st, &q2, &c, &err), 0);
    CHECK(c.all.buckets == NULL);
    CHECK_EQ_INT(c.all.peak, 3);
    CHECK_EQ_INT(c.all.level, 0);   /* b2 started after the window: not read */
    store_concurrency_free(&c);

    /* an emulator's cold start is counted where it ended (as the report
     * counts it), though it adds no concurrency */
    store_concurrency_query_t q3 = { 180000, 200000, 200000, 2 };
    CHECK_EQ_INT(store_concurrency_read(st, &q3, &c, &err), 0);
    sam = store_concurrency_of(&c, "sam");
    CHECK(sam != NULL && sam->buckets[0].on_demand == 0 && sam->buckets[1].on_demand == 1 && sam->peak == 0);
    store_concurrency_free(&c);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

TEST_LIST = {
    TEST(test_levels_and_peaks),
    TEST_END,
};
