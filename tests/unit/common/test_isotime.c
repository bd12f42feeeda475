/* tests/unit/common/test_isotime.c — common/isotime: every accepted shape, zones,
 * fractions, range checks, rejection of non-times, and formatting. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "common/isotime.h"

#include <stdlib.h>

/* Parse s from an exact-size heap copy (so ASan sees any overread). */
static int parse(const char *s, int64_t *ms, size_t *used)
{
    size_t n = strlen(s);
    char *p = malloc(n ? n : 1);
    memcpy(p, s, n);
    int rc = isotime_parse(p, n, ms, used);
    free(p);
    return rc;
}

static void test_iso_z(void)
{
    int64_t ms = 0;
    size_t used = 0;
    CHECK_EQ_INT(parse("2024-03-04T17:22:38.033Z", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958033LL);
    CHECK_EQ_INT(used, 24);
    CHECK_EQ_INT(parse("2019-06-07T19:11:20.562Z\tc793869b", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1559934680562LL);
    CHECK_EQ_INT(used, 24);
    CHECK_EQ_INT(parse("2024-03-04t17:22:38.033z", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958033LL);
}

static void test_no_zone_is_utc(void)
{
    int64_t ms = 0;
    size_t used = 0;
    CHECK_EQ_INT(parse("2020-03-27T03:40:05", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1585280405000LL);
    CHECK_EQ_INT(used, 19);
}

static void test_fraction_digits(void)
{
    int64_t ms = 0;
    size_t used = 0;
    CHECK_EQ_INT(parse("2024-03-04T17:22:38.5Z", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958500LL);
    CHECK_EQ_INT(parse("2024-03-04T17:22:38.03Z", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958030LL);
    CHECK_EQ_INT(parse("2024-03-04T17:22:38.033999999Z", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958033LL); /* truncated, not rounded */
    CHECK_EQ_INT(used, 30);
    /* a dot without digits is not a fraction */
    CHECK_EQ_INT(parse("2024-03-04T17:22:38.Z", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958000LL);
    CHECK_EQ_INT(used, 19);
}

static void test_offsets(void)
{
    int64_t ms = 0;
    size_t used = 0;
    CHECK_EQ_INT(parse("2024-03-04T17:22:38.033000+00:00 x", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958033LL);
    CHECK_EQ_INT(used, 32);
    CHECK_EQ_INT(parse("2024-03-04T19:22:38.033+02:00", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958033LL);
    CHECK_EQ_INT(parse("2024-03-04T12:22:38.033-0500", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958033LL);
    CHECK_EQ_INT(used, 28);
    /* a bad offset is left unconsumed, the time stays UTC */
    CHECK_EQ_INT(parse("2024-03-04T17:22:38.033+2", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1709572958033LL);
    CHECK_EQ_INT(used, 23);
    CHECK_EQ_INT(parse("2024-03-04T17:22:38+25:00", &ms, &used), 0);
    CHECK_EQ_INT(used, 19);
}

static void test_space_and_slash_forms(void)
{
    int64_t ms = 0;
    size_t used = 0;
    CHECK_EQ_INT(parse("2024-01-01 00:00:00 6bc2 INFO", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1704067200000LL);
    CHECK_EQ_INT(used, 19);
    CHECK_EQ_INT(parse("2021-12-12 21:21:45,123+0000", &ms, &used), 0);
    CHECK_EQ_INT(used, 28);
    CHECK_EQ_INT(ms % 1000, 123);
    CHECK_EQ_INT(parse("2020/03/27 03:40:05 EVENT", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1585280405000LL);
    CHECK_EQ_INT(used, 19);
    CHECK_EQ_INT(parse("2020/03/27 03:40:05.123456 x", &ms, &used), 0);
    CHECK_EQ_INT(ms, 1585280405123LL);
    /* a ',' fraction is only for the space form; T form stops before it */
    CHECK_EQ_INT(parse("2020-03-27T03:40:05,123", &ms, &used), 0);
    CHECK_EQ_INT(used, 19);
    /* mixed separators and slash-with-T are not times */
    CHECK_EQ_INT(parse("2020/03-27 03:40:05", &ms, &used), -1);
    CHECK_EQ_INT(parse("2020/03/27T03:40:05", &ms, &used), -1);
}

static void test_ranges(void)
{
    int64_t ms = 0;
    CHECK_EQ_INT(parse("2000-02-29T12:00:00Z", &ms, NULL), 0);
    CHECK_EQ_INT(ms, 951825600000LL);
    CHECK_EQ_INT(parse("1900-02-29T12:00:00Z", &ms, NULL), -1);
    CHECK_EQ_INT(parse("2023-02-29T12:00:00Z", &ms, NULL), -1);
    CHECK_EQ_INT(parse("2024-13-01T00:00:00Z", &ms, NULL), -1);
    CHECK_EQ_INT(parse("2024-00-01T00:00:00Z", &ms, NULL), -1);
    CHECK_EQ_INT(parse("2024-04-31T00:00:00Z", &ms, NULL), -1);
    CHECK_EQ_INT(parse("2024-01-01T24:00:00Z", &ms, NULL), -1);
    CHECK_EQ_INT(parse("2024-01-01T00:60:00Z", &ms, NULL), -1);
    CHECK_EQ_INT(parse("2024-01-01T00:00:61Z", &ms, NULL), -1);
    CHECK_EQ_INT(parse("2016-12-31T23:59:60Z", &ms, NULL), 0); /* leap second */
    CHECK_EQ_INT(parse("1969-12-31T23:59:59.999Z", &ms, NULL), 0);
    CHECK_EQ_INT(ms, -1);
    CHECK_EQ_INT(parse("1900-03-01T00:00:00Z", &ms, NULL), 0);
    CHECK_EQ_INT(ms, -2203891200000LL);
}

static void test_not_times(void)
{
    int64_t ms = 0;
    size_t used = 0;
    const char *bad[] = {
        "", "2", "2024", "2024-03-04", "2024-03-04T", "2024-03-04T17:22", "2024-03-04T17:22:3",
        "abcd-ef-ghTij:kl:mn", "START RequestId", "2024-3-04T17:22:38Z", "20240304T172238Z",
        "2024-03-04X17:22:38Z", "2024-03-04T17-22-38Z",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        if (parse(bad[k], &ms, &used) != -1) {
            fprintf(stderr, "  accepted: \"%s\"\n", bad[k]);
            check_failures++;
        }
    }
    /* NUL inside the digits */
    char nul[] = "2024-03-04T17:\00022:38Z";
    CHECK_EQ_INT(isotime_parse(nul, sizeof nul - 1, &ms, &used), -1);
    /* NULL outputs are allowed */
    CHECK_EQ_INT(parse("2024-03-04T17:22:38Z", NULL, NULL), 0);
}

static void test_truncated_everywhere(void)
{
    /* every prefix of a full timestamp parses or fails, never overreads */
    const char *full = "2024-03-04T17:22:38.033+02:00";
    size_t n = strlen(full);
    for (size_t k = 0; k <= n; k++) {
        char *p = malloc(k ? k : 1);
        memcpy(p, full, k);
        int64_t ms;
        size_t used = 0;
        int rc = isotime_parse(p, k, &ms, &used);
        CHECK(rc == -1 || used <= k);
        CHECK_EQ_INT(rc == 0, k >= 19);
        free(p);
    }
}

static void test_format(void)
{
    char out[32];
    isotime_format(1709572958033LL, out);
    CHECK_EQ_STR(out, "2024-03-04T17:22:38.033Z");
    isotime_format(0, out);
    CHECK_EQ_STR(out, "1970-01-01T00:00:00.000Z");
    isotime_format(-1, out);
    CHECK_EQ_STR(out, "1969-12-31T23:59:59.999Z");
    isotime_format(951825600000LL, out);
    CHECK_EQ_STR(out, "2000-02-29T12:00:00.000Z");
    isotime_format(253402300799999LL, out);
    CHECK_EQ_STR(out, "9999-12-31T23:59:59.999Z");
    isotime_format(INT64_MAX, out);
    CHECK_EQ_STR(out, "9999-12-31T23:59:59.999Z");
    isotime_format(INT64_MIN, out);
    CHECK_EQ_STR(out, "0000-01-01T00:00:00.000Z");
}

static void test_round_trip(void)
{
    /* every day over 1600..2400 in steps, plus odd milliseconds */
    for (int64_t ms = -11676096000000LL; ms < 13569465600000LL; ms += 86400000LL * 7 + 3601001) {
        char out[32];
        int64_t back = 0;
        isotime_format(ms, out);
        if (isotime_parse(out, strlen(out), &back, NULL) != 0 || back != ms) {
            fprintf(stderr, "  round trip %lld -> %s -> %lld\n", (long long)ms, out, (long long)back);
            check_failures++;
            break;
        }
    }
}

TEST_LIST = {
    TEST(test_iso_z),
    TEST(test_no_zone_is_utc),
    TEST(test_fraction_digits),
    TEST(test_offsets),
    TEST(test_space_and_slash_forms),
    TEST(test_ranges),
    TEST(test_not_times),
    TEST(test_truncated_everywhere),
    TEST(test_format),
    TEST(test_round_trip),
    TEST_END,
};
