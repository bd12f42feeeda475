/* tests/unit/query/test_timearg.c — query/timearg: ISO-8601, epoch ms and
 * "ago" durations; everything else rejected. And the time literals of a
 * query: ISO-8601 or a date alone, nothing else. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "query/timearg.h"

#define NOW 1793491200000LL  /* 2026-11-01T00:00:00Z */

static void test_iso(void)
{
    int64_t ms = 0;
    CHECK_EQ_INT(timearg_parse("2026-11-01T00:00:00Z", NOW, &ms), 0);
    CHECK_EQ_INT(ms, NOW);
    CHECK_EQ_INT(timearg_parse("2026-11-01T01:00:00.250+01:00", NOW, &ms), 0);
    CHECK_EQ_INT(ms, NOW + 250);
}

static void test_epoch_ms(void)
{
    int64_t ms = 0;
    CHECK_EQ_INT(timearg_parse("1793491200000", NOW, &ms), 0);
    CHECK_EQ_INT(ms, NOW);
    CHECK_EQ_INT(timearg_parse("0", NOW, &ms), 0);
    CHECK_EQ_INT(ms, 0);
}

static void test_durations_ago(void)
{
    int64_t ms = 0;
    CHECK_EQ_INT(timearg_parse("90s", NOW, &ms), 0);
    CHECK_EQ_INT(ms, NOW - 90000);
    CHECK_EQ_INT(timearg_parse("15m", NOW, &ms), 0);
    CHECK_EQ_INT(ms, NOW - 900000);
    CHECK_EQ_INT(timearg_parse("2h", NOW, &ms), 0);
    CHECK_EQ_INT(ms, NOW - 7200000);
    CHECK_EQ_INT(timearg_parse("7d", NOW, &ms), 0);
    CHECK_EQ_INT(ms, NOW - 7 * 86400000LL);
    CHECK_EQ_INT(timearg_parse("1w", NOW, &ms), 0);
    CHECK_EQ_INT(ms, NOW - 7 * 86400000LL);
}

/* Before 1970 is the epoch: -1 is obsq's "no bound", and a negative time
 * must not silently become one. */
static void test_before_1970_is_the_epoch(void)
{
    int64_t ms = 42;
    CHECK_EQ_INT(timearg_parse("0000-01-01T00:00:00Z", NOW, &ms), 0);
    CHECK_EQ_INT(ms, 0);
    CHECK_EQ_INT(timearg_parse("1969-12-31T23:59:59.999Z", NOW, &ms), 0);
    CHECK_EQ_INT(ms, 0);
    CHECK_EQ_INT(timearg_parse("100000w", NOW, &ms), 0);
    CHECK_EQ_INT(ms, 0);
    CHECK_EQ_INT(timearg_parse("9999-12-31T23:59:59Z", NOW, &ms), 0);
    CHECK_EQ_INT(ms, 253402300799000LL);
}

static void test_rejected(void)
{
    int64_t ms = 42;
    const char *bad[] = { "", "m", "15x", "15mm", "-5m", "yesterday", "2026-13-01T00:00:00Z",
                          "2026-11-01T00:00:00Zjunk", "99999999999999999999d" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_EQ_INT(timearg_parse(bad[i], NOW, &ms), -1);
    CHECK_EQ_INT(ms, 42);  /* untouched by failures */
    CHECK_EQ_INT(timearg_parse("15", NOW, &ms), 0);  /* 15 ms after the epoch */
    CHECK_EQ_INT(ms, 15);
}

/* What `@timestamp >= "..."` reads as a time. */
static void test_literals(void)
{
    int64_t ms = 42;
    CHECK_EQ_INT(timearg_literal("2026-11-01T01:00:00Z", &ms), 0);
    CHECK_EQ_INT(ms, NOW + 3600000);
    CHECK_EQ_INT(timearg_literal(" 2026-11-01 01:00:00.5 ", &ms), 0);  /* no zone: UTC */
    CHECK_EQ_INT(ms, NOW + 3600500);
    CHECK_EQ_INT(timearg_literal("2026-11-01T03:00:00+02:00", &ms), 0);
    CHECK_EQ_INT(ms, NOW + 3600000);
    CHECK_EQ_INT(timearg_literal("2026-11-01", &ms), 0);  /* a date: its midnight */
    CHECK_EQ_INT(ms, NOW);
    CHECK_EQ_INT(timearg_literal("1969-12-31T23:59:59Z", &ms), 0);  /* not clamped */
    CHECK_EQ_INT(ms, -1000);
    ms = 42;
    const char *bad[] = { "", "  ", "yesterday", "1793491200000", "5m", "2026-11-01x", "2026-13-01",
                          "2026-11-01T00:00:00Zjunk", "2026/11/01" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_EQ_INT(timearg_literal(bad[i], &ms), -1);
    CHECK_EQ_INT(ms, 42);
}

TEST_LIST = {
    TEST(test_iso),
    TEST(test_epoch_ms),
    TEST(test_durations_ago),
    TEST(test_rejected),
    TEST(test_before_1970_is_the_epoch),
    TEST(test_literals),
    TEST_END,
};
