/* tests/unit/common/test_sketch.c — common/sketch: quantiles within 1% of the exact
 * nearest-rank value on several distributions, merging (also through the
 * blob encoding) equals adding everything to one sketch, negatives and
 * zeros, empty sketches, corrupt blobs rejected without side effects. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "common/sketch.h"

#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Deterministic xorshift so the test is reproducible. */
static uint64_t rng = 88172645463325252ULL;
static double next_uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double exact_rank(const double *sorted, int n, double q)
{
    int rank = (int)ceil(q * n);
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

static void check_accuracy(double *v, int n)
{
    sketch_t s;
    sketch_init(&s);
    for (int i = 0; i < n; i++)
        sketch_add(&s, v[i], 1);
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    CHECK_EQ_INT(sketch_count(&s), n);
    static const double qs[] = { 0, 0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1 };
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        double want = exact_rank(v, n, qs[i]);
        double got = sketch_quantile(&s, qs[i]);
        CHECK(fabs(got - want) <= 0.01 * fabs(want) + 1e-12);
    }
    sketch_done(&s);
}

static void test_log_uniform_accuracy(void)
{
    static double v[20000];
    for (int i = 0; i < 20000; i++)
        v[i] = exp(log(0.001) + next_uniform() * (log(1e7) - log(0.001)));
    check_accuracy(v, 20000);
}

static void test_latency_like_accuracy(void)
{
    static double v[5000];
    for (int i = 0; i < 5000; i++)  /* most near 50 ms, a tail to 3 s */
        v[i] = next_uniform() < 0.97 ? 40 + next_uniform() * 20 : 100 + next_uniform() * 2900;
    check_accuracy(v, 5000);
}

static void test_mixed_signs_and_zero(void)
{
    double v[] = { -100, -5, -5, 0, 0, 0, 1, 2, 3, 1000 };
    check_accuracy(v, 10);
    sketch_t s;
    sketch_init(&s);
    for (int i = 0; i < 10; i++)
        sketch_add(&s, v[i], 1);
    CHECK_NEAR(sketch_quantile(&s, 0.0), -100, 1);
    CHECK_EQ_INT(sketch_quantile(&s, 0.5) == 0.0, 1);  /* rank 5: a zero */
    sketch_done(&s);
}

static void test_empty_and_bad_q(void)
{
    sketch_t s;
    sketch_init(&s);
    CHECK(isnan(sketch_quantile(&s, 0.5)));
    sketch_add(&s, 7, 1);
    CHECK(isnan(sketch_quantile(&s, 1.5)));
    CHECK(isnan(sketch_quantile(&s, NAN)));
    sketch_add(&s, NAN, 1);       /* ignored */
    sketch_add(&s, INFINITY, 1);  /* ignored */
    CHECK_EQ_INT(sketch_count(&s), 1);
    sketch_done(&s);
}

static void test_merge_through_blobs_equals_one_sketch(void)
{
    sketch_t all, a, b, merged;
    sketch_init(&all);
    sketch_init(&a);
    sketch_init(&b);
    sketch_init(&merged);
    for (int i = 0; i < 3000; i++) {
        double x = (i % 7 == 0 ? -1 : 1) * (1 + next_uniform() * 500);
        sketch_add(&all, x, 1);
        sketch_add(i % 2 ? &a : &b, x, 1);
    }
    size_t la, lb;
    unsigned char *ba = sketch_encode(&a, &la), *bb = sketch_encode(&b, &lb);
    CHECK_EQ_INT(sketch_merge_blob(&merged, ba, la), 0);
    CHECK_EQ_INT(sketch_merge_blob(&merged, bb, lb), 0);
    CHECK_EQ_INT(sketch_count(&merged), 3000);
    for (double q = 0; q <= 1.0; q += 0.05)
        CHECK_EQ_INT(sketch_quantile(&merged, q) == sketch_quantile(&all, q), 1);
    free(ba);
    free(bb);
    sketch_done(&all);
    sketch_done(&a);
    sketch_done(&b);
    sketch_done(&merged);
}

static void test_weighted_add(void)
{
    sketch_t s;
    sketch_init(&s);
    sketch_add(&s, 10, 99);
    sketch_add(&s, 1000, 1);
    CHECK_EQ_INT(sketch_count(&s), 100);
    CHECK_NEAR(sketch_quantile(&s, 0.99), 10, 0.1);
    CHECK_NEAR(sketch_quantile(&s, 1.0), 1000, 10);
    sketch_done(&s);
}

static void test_corrupt_blobs_rejected(void)
{
    sketch_t s;
    sketch_init(&s);
    sketch_add(&s, 5, 3);
    size_t len;
    unsigned char *blob = sketch_encode(&s, &len);
    CHECK_EQ_INT(sketch_merge_blob(&s, (const unsigned char *)"XX", 2), -1);
    CHECK_EQ_INT(sketch_merge_blob(&s, (const unsigned char *)"SK2\0\0\0", 6), -1);
    for (size_t cut = 0; cut < len; cut++)  /* every truncation */
        CHECK_EQ_INT(sketch_merge_blob(&s, blob, cut), -1);
    unsigned char *longer = malloc(len + 1);
    memcpy(longer, blob, len);
    longer[len] = 0;
    CHECK_EQ_INT(sketch_merge_blob(&s, longer, len + 1), -1);  /* trailing byte */
    CHECK_EQ_INT(sketch_count(&s), 3);  /* unchanged by every failure */
    CHECK_EQ_INT(sketch_merge_blob(&s, blob, len), 0);
    CHECK_EQ_INT(sketch_count(&s), 6);
    free(longer);
    free(blob);
    sketch_done(&s);
}

typedef struct each_acc {
    double last;
    uint64_t total;
    int ascending, buckets;
} each_acc_t;

static void each_cb(void *ctx, double v, uint64_t n)
{
    each_acc_t *a = ctx;
    if (a->buckets && !(v > a->last))
        a->ascending = 0;
    a->last = v;
    a->total += n;
    a->buckets++;
}

static void test_each_walks_buckets_in_order(void)
{
    sketch_t s;
    sketch_init(&s);
    sketch_add(&s, -5, 2);
    sketch_add(&s, 0, 1);
    sketch_add(&s, 10, 3);
    sketch_add(&s, 1000, 4);
    each_acc_t a = { 0, 0, 1, 0 };
    sketch_each(&s, each_cb, &a);
    CHECK_EQ_INT(a.buckets, 4);
    CHECK_EQ_INT(a.total, 10);
    CHECK(a.ascending);
    CHECK_NEAR(a.last, 1000, 10);
    sketch_done(&s);
}

TEST_LIST = {
    TEST(test_each_walks_buckets_in_order),
    TEST(test_log_uniform_accuracy),
    TEST(test_latency_like_accuracy),
    TEST(test_mixed_signs_and_zero),
    TEST(test_empty_and_bad_q),
    TEST(test_merge_through_blobs_equals_one_sketch),
    TEST(test_weighted_add),
    TEST(test_corrupt_blobs_rejected),
    TEST_END,
};
