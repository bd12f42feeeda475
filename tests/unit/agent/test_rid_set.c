/* tests/unit/agent/test_rid_set.c — agent/rid_set: the bounded set of
 * request-id hashes. Covers add/may_have, the zero hash (kept as 1), growth
 * over 100k random hashes (no false negative; random hashes not added are
 * not reported), hashes that collide in their low bits, giving up by hand
 * (may_have always 1, complete 0, adds ignored) and by size (past
 * RID_SET_MAX distinct hashes). */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "agent/rid_set.h"

#include <stdlib.h>

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s += 0x9e3779b97f4a7c15ULL;   /* splitmix64 */
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void test_add_may_have(void)
{
    rid_set_t *s = rid_set_new();
    CHECK_EQ_INT(rid_set_complete(s), 1);
    CHECK_EQ_INT(rid_set_may_have(s, 42), 0);
    rid_set_add(s, 42);
    rid_set_add(s, 42);   /* twice: still one */
    rid_set_add(s, UINT64_MAX);
    CHECK_EQ_INT(rid_set_may_have(s, 42), 1);
    CHECK_EQ_INT(rid_set_may_have(s, UINT64_MAX), 1);
    CHECK_EQ_INT(rid_set_may_have(s, 43), 0);
    CHECK_EQ_INT(rid_set_may_have(s, 41), 0);
    CHECK_EQ_INT(rid_set_complete(s), 1);
    rid_set_free(s);
    rid_set_free(NULL);
}

/* 0 marks an empty slot: a zero hash is kept (as 1, which then also answers). */
static void test_zero_hash(void)
{
    rid_set_t *s = rid_set_new();
    CHECK_EQ_INT(rid_set_may_have(s, 0), 0);
    CHECK_EQ_INT(rid_set_may_have(s, 1), 0);
    rid_set_add(s, 0);
    CHECK_EQ_INT(rid_set_may_have(s, 0), 1);
    CHECK_EQ_INT(rid_set_may_have(s, 2), 0);
    rid_set_free(s);
}

static void test_growth_random(void)
{
    enum { N = 100000 };
    rid_set_t *s = rid_set_new();
    uint64_t r = 99;
    for (int i = 0; i < N; i++)
        rid_set_add(s, rng_next(&r));
    CHECK_EQ_INT(rid_set_complete(s), 1);
    int missing = 0, extra = 0;
    r = 99;
    for (int i = 0; i < N; i++)
        missing += !rid_set_may_have(s, rng_next(&r));
    for (int i = 0; i < N; i++)   /* the next N of the stream were never added */
        extra += rid_set_may_have(s, rng_next(&r));
    CHECK_EQ_INT(missing, 0);
    CHECK_EQ_INT(extra, 0);
    rid_set_free(s);
}

/* Hashes alike in their low bits (the slot is taken from them) probe far. */
static void test_colliding_low_bits(void)
{
    rid_set_t *s = rid_set_new();
    int missing = 0, extra = 0;
    for (uint64_t k = 1; k <= 5000; k++)
        rid_set_add(s, k << 40);
    for (uint64_t k = 1; k <= 5000; k++)
        missing += !rid_set_may_have(s, k << 40);
    for (uint64_t k = 5001; k <= 6000; k++)
        extra += rid_set_may_have(s, k << 40);
    CHECK_EQ_INT(missing, 0);
    CHECK_EQ_INT(extra, 0);
    rid_set_free(s);
}

static void test_give_up_by_hand(void)
{
    rid_set_t *s = rid_set_new();
    rid_set_add(s, 5);
    rid_set_give_up(s);
    CHECK_EQ_INT(rid_set_complete(s), 0);
    CHECK_EQ_INT(rid_set_may_have(s, 5), 1);
    CHECK_EQ_INT(rid_set_may_have(s, 6), 1);
    CHECK_EQ_INT(rid_set_may_have(s, 0), 1);
    rid_set_add(s, 7);   /* ignored, no crash */
    CHECK_EQ_INT(rid_set_may_have(s, 8), 1);
    CHECK_EQ_INT(rid_set_complete(s), 0);
    rid_set_free(s);
}

/* RID_SET_MAX distinct hashes fit; one more gives up. */
static void test_give_up_past_max(void)
{
    rid_set_t *s = rid_set_new();
    uint64_t r = 7;
    for (int i = 0; i < RID_SET_MAX; i++)
        rid_set_add(s, rng_next(&r));
    CHECK_EQ_INT(rid_set_complete(s), 1);
    uint64_t last = rng_next(&r);
    CHECK_EQ_INT(rid_set_may_have(s, last), 0);
    rid_set_add(s, last);
    CHECK_EQ_INT(rid_set_complete(s), 0);
    CHECK_EQ_INT(rid_set_may_have(s, rng_next(&r)), 1);
    rid_set_free(s);
}

TEST_LIST = {
    TEST(test_add_may_have),
    TEST(test_zero_hash),
    TEST(test_growth_random),
    TEST(test_colliding_low_bits),
    TEST(test_give_up_by_hand),
    TEST(test_give_up_past_max),
    TEST_END,
};
