/* tests/unit/common/test_concur.c — the concurrency step function against a
 * brute-force count: for every millisecond, the spans open at it. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "common/concur.h"

#include <stdlib.h>

static uint64_t rs = 88172645463325252ULL;
static uint64_t next(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

/* the spans open at instant t, counted one by one */
static int open_at(const concur_span_t *s, int n, int64_t t)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += s[i].start <= t && t < s[i].end;
    return k;
}

static void test_known_schedule(void)
{
    /* 0..1000, 500..1500, 1000..2000 (a hand-off at 1000), 1200..1300 */
    concur_span_t s[] = { { 0, 1000 }, { 500, 1500 }, { 1000, 2000 }, { 1200, 1300 }, { 700, 700 } };
    concur_t c;
    concur_build(&c, s, 5);
    CHECK_EQ_INT(concur_level_at(&c, -1), 0);
    CHECK_EQ_INT(concur_level_at(&c, 0), 1);
    CHECK_EQ_INT(concur_level_at(&c, 500), 2);
    CHECK_EQ_INT(concur_level_at(&c, 999), 2);
    CHECK_EQ_INT(concur_level_at(&c, 1000), 2);   /* one ends, one starts */
    CHECK_EQ_INT(concur_level_at(&c, 1250), 3);
    CHECK_EQ_INT(concur_level_at(&c, 1999), 1);
    CHECK_EQ_INT(concur_level_at(&c, 2000), 0);
    int64_t at;
    CHECK_EQ_INT(concur_peak(&c, 0, 3000, &at), 3);
    CHECK_EQ_INT(at, 1200);
    CHECK_EQ_INT(concur_peak(&c, 1300, 3000, &at), 2);
    CHECK_EQ_INT(at, 1300);
    int32_t pk[2];
    double avg[2];
    concur_buckets(&c, 0, 1000, 2, pk, avg);
    CHECK_EQ_INT(pk[0], 2);
    CHECK_EQ_INT(pk[1], 3);
    CHECK_NEAR(avg[0], 1.5, 1e-12);          /* 1000 + 500 ms open in 1000 ms */
    CHECK_NEAR(avg[1], (500 + 1000 + 100) / 1000.0, 1e-12);
    CHECK_EQ_INT(concur_time_at_least(&c, 0, 3000, 2), 1000);
    CHECK_EQ_INT(concur_time_at_least(&c, 0, 3000, 3), 100);
    CHECK_EQ_INT(concur_time_at_least(&c, 0, 3000, 0), 3000);
    concur_done(&c);
}

static void test_empty(void)
{
    concur_t c;
    concur_build(&c, NULL, 0);
    int32_t pk[3] = { 9, 9, 9 };
    double avg[3] = { 9, 9, 9 };
    concur_buckets(&c, 100, 60000, 3, pk, avg);
    CHECK_EQ_INT(pk[0] + pk[1] + pk[2], 0);
    CHECK_NEAR(avg[0] + avg[1] + avg[2], 0, 0);
    CHECK_EQ_INT(concur_peak(&c, 0, 10, NULL), 0);
    concur_done(&c);
}

static void test_random_against_brute_force(void)
{
    enum { N = 300, T = 6000, B = 250 };
    for (int round = 0; round < 20; round++) {
        concur_span_t s[N];
        int n = 10 + (int)(next() % (N - 10));
        for (int i = 0; i < n; i++) {
            s[i].start = (int64_t)(next() % T) - 500;
            s[i].end = s[i].start + (int64_t)(next() % (round % 3 == 0 ? 50 : 2000)) - 5;
        }
        concur_t c;
        concur_build(&c, s, (size_t)n);
        int32_t pk[T / B];
        double avg[T / B];
        concur_buckets(&c, 0, B, T / B, pk, avg);
        int bad = 0;
        int64_t at_least[4] = { 0 };
        int brute_peak = 0;
        int64_t brute_at = 0;
        for (int b = 0; b < T / B; b++) {
            int p = 0;
            int64_t sum = 0;
            for (int64_t t = (int64_t)b * B; t < (int64_t)(b + 1) * B; t++) {
                int k = open_at(s, n, t);
                bad += k != concur_level_at(&c, t);
                sum += k;
                if (k > p)
                    p = k;
                for (int l = 0; l < 4; l++)
                    at_least[l] += k >= l * 3 + 1;
                if (k > brute_peak) {
                    brute_peak = k;
                    brute_at = t;
                }
            }
            bad += p != pk[b];
            bad += fabs((double)sum / B - avg[b]) > 1e-9;
        }
        CHECK_EQ_INT(bad, 0);
        for (int l = 0; l < 4; l++)
            CHECK_EQ_INT(concur_time_at_least(&c, 0, T, l * 3 + 1), at_least[l]);
        int64_t at;
        CHECK_EQ_INT(concur_peak(&c, 0, T, &at), brute_peak);
        if (brute_peak)
            CHECK_EQ_INT(at, brute_at);
        concur_done(&c);
    }
}

static void test_sort(void)
{
    enum { N = 5000 };
    int64_t v[N];
    for (int i = 0; i < N; i++)
        v[i] = (int64_t)(next() % 4000000000000ULL) - 2000000000000LL;
    v[7] = INT64_MIN / 4;
    v[9] = INT64_MAX / 4;
    concur_sort_i64(v, N);
    int sorted = 1;
    for (int i = 1; i < N; i++)
        sorted &= v[i - 1] <= v[i];
    CHECK(sorted);
    CHECK_EQ_INT(v[0], INT64_MIN / 4);
    CHECK_EQ_INT(v[N - 1], INT64_MAX / 4);
}

TEST_LIST = {
    TEST(test_known_schedule),
    TEST(test_empty),
    TEST(test_random_against_brute_force),
    TEST(test_sort),
    TEST_END,
};
