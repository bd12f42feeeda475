/* tests/unit/tui/test_fmt.c — obstop's formatting: counts that fit their
 * column, durations, sizes, money; sparklines that max-pool (a spike
 * survives any downsampling) and never draw a non-zero value as blank; the
 * error-message grouping key. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tui/fmt.h"
#include "tui/normalize.h"

#include <math.h>
#include <string.h>

static void test_count_fits_its_column(void)
{
    char b[32];
    fmt_count(12345, 7, b, sizeof b);
    CHECK_EQ_STR(b, "12345");
    fmt_count(1234567, 7, b, sizeof b);
    CHECK_EQ_STR(b, "1234567");
    fmt_count(1234567, 5, b, sizeof b);
    CHECK_EQ_STR(b, "1.2M");
    fmt_count(987654, 4, b, sizeof b);
    CHECK_EQ_STR(b, "988k");
    fmt_count(0, 3, b, sizeof b);
    CHECK_EQ_STR(b, "0");
}

static void test_durations_sizes_money(void)
{
    char b[32];
    fmt_ms(NAN, b, sizeof b);
    CHECK_EQ_STR(b, "-");
    fmt_ms(3.456, b, sizeof b);
    CHECK_EQ_STR(b, "3.46ms");
    fmt_ms(61.04, b, sizeof b);
    CHECK_EQ_STR(b, "61.0ms");
    fmt_ms(850, b, sizeof b);
    CHECK_EQ_STR(b, "850ms");
    fmt_ms(6060, b, sizeof b);
    CHECK_EQ_STR(b, "6.06s");
    fmt_ms(14900, b, sizeof b);
    CHECK_EQ_STR(b, "14.9s");
    fmt_ms(123000, b, sizeof b);
    CHECK_EQ_STR(b, "2m03s");
    fmt_pct(0.0761, b, sizeof b);
    CHECK_EQ_STR(b, "7.6%");
    fmt_pct(1, b, sizeof b);
    CHECK_EQ_STR(b, "100%");
    fmt_pct(0, b, sizeof b);
    CHECK_EQ_STR(b, "0%");
    fmt_mb(128000000, b, sizeof b);
    CHECK_EQ_STR(b, "128MB");
    fmt_mb(-1, b, sizeof b);
    CHECK_EQ_STR(b, "-");
    fmt_size(4404019, b, sizeof b);
    CHECK_EQ_STR(b, "4.2MiB");
    fmt_size(512, b, sizeof b);
    CHECK_EQ_STR(b, "512B");
    fmt_money(0.00271, b, sizeof b);
    CHECK_EQ_STR(b, "$0.0027");
    fmt_money(12.345, b, sizeof b);
    CHECK_EQ_STR(b, "$12.35");
    fmt_money(0, b, sizeof b);
    CHECK_EQ_STR(b, "$0");
}

static void test_pool_keeps_spikes(void)
{
    double in[1000], out[10];
    for (int i = 0; i < 1000; i++)
        in[i] = 1;
    in[537] = 50;   /* one minute's spike among a thousand */
    spark_pool(in, 1000, out, 10);
    for (int j = 0; j < 10; j++)
        CHECK_NEAR(out[j], j == 5 ? 50 : 1, 0);
    /* fewer inputs than columns: each input covers its columns */
    double few[2] = { 3, 7 }, wide[4];
    spark_pool(few, 2, wide, 4);
    CHECK_NEAR(wide[0], 3, 0);
    CHECK_NEAR(wide[1], 3, 0);
    CHECK_NEAR(wide[2], 7, 0);
    CHECK_NEAR(wide[3], 7, 0);
}

static void test_sparkline_glyphs(void)
{
    double v[4] = { 0, 1, 500, 1000 };
    char out[64];
    spark_render(v, 4, 0, 0, out, sizeof out);
    /* zero is blank, a tiny non-zero value still shows the lowest block */
    CHECK_EQ_STR(out, " \u2581\u2584\u2588");
    spark_render(v, 4, 0, 1, out, sizeof out);
    CHECK_EQ_STR(out, " .=@");
    /* a cap too small for the next glyph stops before it */
    spark_render(v, 4, 0, 0, out, 5);
    CHECK_EQ_STR(out, " \u2581");
}

static void test_error_keys_group(void)
{
    char a[160], b[160];
    const char *m1 = "2026-11-01T02:35:30.513Z\t8e695008-6e3f-40a0-9a41-bdbec354a15e\tTask timed out after 6.00 seconds";
    const char *m2 = "2026-11-01T03:00:01.000Z\t1ccce4a9-5535-4d9c-8147-dbeaa4cd8886\tTask timed out after 3.00 seconds";
    normalize_message(m1, strlen(m1), a, sizeof a);
    normalize_message(m2, strlen(m2), b, sizeof b);
    CHECK_EQ_STR(a, "# Task timed out after # seconds");
    CHECK_EQ_STR(a, b);
    normalize_message("retry  attempt 3 of 5:\tuser_42 failed", 37, a, sizeof a);
    CHECK_EQ_STR(a, "retry attempt # of # failed");   /* "5:" and "user_42" are numbered words */
    /* JSON lines group by errorType and message, platform records by type and status */
    const char *j = "{\"timestamp\":\"2026-11-01T02:39:39.238Z\",\"level\":\"ERROR\",\"errorType\":\"TypeError\","
                    "\"errorMessage\":\"bad id 42\"}";
    normalize_error_key(j, strlen(j), 0, a, sizeof a);
    CHECK_EQ_STR(a, "TypeError: bad id #");
    const char *p = "{\"time\":\"x\",\"type\":\"platform.report\",\"record\":{\"status\":\"timeout\"}}";
    normalize_error_key(p, strlen(p), 0, a, sizeof a);
    CHECK_EQ_STR(a, "platform.report timeout");
    const char *t = "2026-11-01T02:40:00.492Z\tabc-123\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"boom\"}";
    const char *brace = strchr(t, '{');
    normalize_error_key(t, strlen(t), brace - t, a, sizeof a);
    CHECK_EQ_STR(a, "Error: boom");
    /* not JSON after all: the whole line */
    normalize_error_key("x {oops", 7, 2, a, sizeof a);
    CHECK_EQ_STR(a, "x {oops");
}

static void test_key_is_cut_on_a_character(void)
{
    char out[8];
    /* "ab" + three 2-byte characters: the third does not fit in 7 bytes */
    const char *m = "ab\xc3\xa9\xc3\xa9\xc3\xa9";
    size_t n = normalize_message(m, strlen(m), out, sizeof out);
    CHECK_EQ_INT(n, 6);
    CHECK_EQ_STR(out, "ab\xc3\xa9\xc3\xa9");
}

TEST_LIST = {
    TEST(test_count_fits_its_column),
    TEST(test_durations_sizes_money),
    TEST(test_pool_keeps_spikes),
    TEST(test_sparkline_glyphs),
    TEST(test_error_keys_group),
    TEST(test_key_is_cut_on_a_character),
    TEST_END,
};
