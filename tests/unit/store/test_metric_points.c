/* tests/unit/store/test_metric_points.c — store_metric_point_add with the
 * points of schema v14: a value with a count is one row that counts `count`
 * times in the minute's rollup and its sketch; a statistic set is one row
 * with no value that adds to count, sum, min and max and nothing to the
 * sketch (so a series of statistic sets has no percentiles); given sum,
 * min and max replace the derived ones; and the rows say so (count, NULL
 * value, NULL sum/min/max when derived). */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>

static char dir[64], path[96];

static store_t *open_store(void)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    tmpdir_make(dir, sizeof dir, "points");
    snprintf(path, sizeof path, "%s/p.db", dir);
    CHECK_EQ_INT(store_open(path, NULL, &st, &err), 0);
    return st;
}

static double qd(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    double v = NAN;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

static store_metric_point_t point(const char *name, double value, int64_t count)
{
    store_metric_point_t p = { .ns = "ns", .name = name, .unit = "Milliseconds", .resolution = 60,
                               .dimensions = "{}", .ts_ms = 60000, .value = value, .count = count };
    return p;
}

/* The one series named name, over all minutes. */
static store_metric_series_t series(store_t *st, const char *name)
{
    store_metric_filter_t f = { .since_ms = -1, .until_ms = -1, .name = name };
    store_metric_series_t *v = NULL, r;
    int n = 0;
    obs_err_t err = { 0 };
    memset(&r, 0, sizeof r);
    CHECK_EQ_INT(store_metric_series_list(st, &f, &v, &n, &err), 0);
    CHECK_EQ_INT(n, 1);
    if (n == 1) {
        r = v[0];
        r.ns = r.name = r.unit = r.dimensions = NULL;
    }
    store_metric_series_free(v, n);
    return r;
}

static void test_weighted_values(void)
{
    store_t *st = open_store();
    obs_err_t err = { 0 };
    store_metric_point_t a = point("w", 2, 667), b = point("w", 10, 333), c = point("w", 5, 0);
    CHECK_EQ_INT(store_metric_point_add(st, "fn", 1, &a, &err), 0);
    CHECK_EQ_INT(store_metric_point_add(st, "fn", 1, &b, &err), 0);
    CHECK_EQ_INT(store_metric_point_add(st, "fn", 1, &c, &err), 0);   /* count 0: one value */
    CHECK_EQ_INT(store_commit(st, &err), 0);
    sqlite3 *db = store_db(st);
    /* one row per point, not per observation */
    CHECK_EQ_INT(qd(db, "SELECT count(*) FROM metric_points"), 3);
    CHECK_EQ_INT(qd(db, "SELECT sum(count) FROM metric_points"), 1001);
    CHECK_EQ_INT(qd(db, "SELECT count(*) FROM metric_points WHERE sum IS NULL AND min IS NULL AND max IS NULL"), 3);
    CHECK_EQ_INT(qd(db, "SELECT count FROM metric_rollup_minute"), 1001);
    CHECK_NEAR(qd(db, "SELECT sum FROM metric_rollup_minute"), 2 * 667 + 10 * 333 + 5, 1e-9);
    store_metric_series_t s = series(st, "w");
    CHECK_EQ_INT(s.count, 1001);
    CHECK_NEAR(s.min, 2, 0);
    CHECK_NEAR(s.max, 10, 0);
    CHECK_NEAR(s.p50, 2, 0.02);     /* the 501st of 1001 is a 2 */
    CHECK_NEAR(s.p90, 10, 0.1);
    /* the readers' one rule gives the same from the rows */
    CHECK_NEAR(qd(db, "SELECT sum(coalesce(sum, value * count)) FROM metric_points"), 2 * 667 + 10 * 333 + 5, 1e-9);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

static void test_statistic_sets(void)
{
    store_t *st = open_store();
    obs_err_t err = { 0 };
    store_metric_point_t a = point("s", 0, 17), b = point("s", 0, 3);
    a.stats = b.stats = 1;
    a.sum = 17.13, a.min = 10, a.max = 30;
    b.sum = 2, b.min = 0.5, b.max = 1;
    CHECK_EQ_INT(store_metric_point_add(st, "fn", 1, &a, &err), 0);
    CHECK_EQ_INT(store_metric_point_add(st, "fn", 2, &b, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    sqlite3 *db = store_db(st);
    CHECK_EQ_INT(qd(db, "SELECT count(*) FROM metric_points WHERE value IS NULL"), 2);
    CHECK_NEAR(qd(db, "SELECT sum FROM metric_points WHERE event_id = 1"), 17.13, 0);
    store_metric_series_t s = series(st, "s");
    CHECK_EQ_INT(s.count, 20);
    CHECK_NEAR(s.sum, 19.13, 1e-9);
    CHECK_NEAR(s.min, 0.5, 0);
    CHECK_NEAR(s.max, 30, 0);
    /* no distribution: no percentile rather than an invented one */
    CHECK(isnan(s.p50) && isnan(s.p90) && isnan(s.p99));
    /* a value in the same minute: the percentiles rank what has values */
    store_metric_point_t c = point("s", 20, 4);
    CHECK_EQ_INT(store_metric_point_add(st, "fn", 3, &c, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    s = series(st, "s");
    CHECK_EQ_INT(s.count, 24);
    CHECK_NEAR(s.sum, 99.13, 1e-9);
    CHECK_NEAR(s.p50, 20, 0.2);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

/* A Values object with Sum, Min and Max: Sum on the first row (0 on the
 * others), Min and Max on each: what CloudWatch publishes. */
static void test_given_statistics(void)
{
    store_t *st = open_store();
    obs_err_t err = { 0 };
    store_metric_point_t a = point("g", 1.0219, 3), b = point("g", 4.1126, 5);
    a.given = b.given = STORE_POINT_SUM | STORE_POINT_MIN | STORE_POINT_MAX;
    a.sum = 22.7, b.sum = 0;
    a.min = b.min = 0.98;
    a.max = b.max = 4.3;
    CHECK_EQ_INT(store_metric_point_add(st, "fn", 1, &a, &err), 0);
    CHECK_EQ_INT(store_metric_point_add(st, "fn", 1, &b, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    store_metric_series_t s = series(st, "g");
    CHECK_EQ_INT(s.count, 8);
    CHECK_NEAR(s.sum, 22.7, 1e-12);
    CHECK_NEAR(s.min, 0.98, 0);
    CHECK_NEAR(s.max, 4.3, 0);
    CHECK_NEAR(s.p50, 4.1126, 0.05);   /* the values' distribution, within [min, max] */
    sqlite3 *db = store_db(st);
    CHECK_NEAR(qd(db, "SELECT sum(coalesce(sum, value * count)) FROM metric_points"), 22.7, 1e-12);
    CHECK_NEAR(qd(db, "SELECT min(coalesce(min, value)) FROM metric_points"), 0.98, 0);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

/* Counts as large as 2^53 add up without wrapping. */
static void test_huge_counts(void)
{
    store_t *st = open_store();
    obs_err_t err = { 0 };
    int64_t big = (int64_t)1 << 53;
    for (int i = 0; i < 3; i++) {
        store_metric_point_t a = point("h", 2, big);
        CHECK_EQ_INT(store_metric_point_add(st, "fn", 1, &a, &err), 0);
    }
    CHECK_EQ_INT(store_commit(st, &err), 0);
    store_metric_series_t s = series(st, "h");
    CHECK_EQ_INT(s.count, 3 * big);
    CHECK_NEAR(s.p50, 2, 0.02);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

TEST_LIST = {
    TEST(test_weighted_values),
    TEST(test_statistic_sets),
    TEST(test_given_statistics),
    TEST(test_huge_counts),
    TEST_END,
};
