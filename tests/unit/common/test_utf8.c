/* tests/unit/common/test_utf8.c — agent/utf8: valid ASCII and 2/3/4-byte sequences
 * (boundaries included), overlongs, surrogates, code points above U+10FFFF,
 * sequences truncated at the end of the buffer, lone continuation bytes,
 * NULs, and an invalid byte at every position of ASCII runs that cross the
 * 8-byte fast path. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "common/utf8.h"

#define V(lit) utf8_valid((lit), sizeof(lit) - 1)

static void test_ascii(void)
{
    CHECK_EQ_INT(utf8_valid("", 0), 1);
    CHECK_EQ_INT(utf8_valid(NULL, 0), 1);
    CHECK_EQ_INT(V("a"), 1);
    CHECK_EQ_INT(V("hello, world"), 1);
    CHECK_EQ_INT(V("\x01\x7f~"), 1);
    CHECK_EQ_INT(V("0123456789abcdefghijklmnopqrstuvwxyz"), 1);
}

static void test_nul_is_valid(void)
{
    CHECK_EQ_INT(V("\0"), 1);
    CHECK_EQ_INT(V("a\0b\0\0\0\0\0\0\0\0c"), 1);
    CHECK_EQ_INT(V("\0\xc3\xa9\0"), 1);
}

static void test_valid_multibyte(void)
{
    CHECK_EQ_INT(V("\xc2\x80"), 1);             /* U+0080, smallest 2-byte */
    CHECK_EQ_INT(V("\xc3\xa9"), 1);             /* é */
    CHECK_EQ_INT(V("\xdf\xbf"), 1);             /* U+07FF */
    CHECK_EQ_INT(V("\xe0\xa0\x80"), 1);         /* U+0800, smallest 3-byte */
    CHECK_EQ_INT(V("\xe2\x82\xac"), 1);         /* € */
    CHECK_EQ_INT(V("\xe2\x90\x80"), 1);         /* U+2400 */
    CHECK_EQ_INT(V("\xed\x9f\xbf"), 1);         /* U+D7FF, just below surrogates */
    CHECK_EQ_INT(V("\xee\x80\x80"), 1);         /* U+E000, just above */
    CHECK_EQ_INT(V("\xef\xbf\xbf"), 1);         /* U+FFFF */
    CHECK_EQ_INT(V("\xf0\x90\x80\x80"), 1);     /* U+10000, smallest 4-byte */
    CHECK_EQ_INT(V("\xf0\x9f\x98\x80"), 1);     /* 😀 */
    CHECK_EQ_INT(V("\xf4\x8f\xbf\xbf"), 1);     /* U+10FFFF, largest */
    CHECK_EQ_INT(V("caf\xc3\xa9 \xe2\x82\xac 5 \xf0\x9f\x98\x80!"), 1);
    CHECK_EQ_INT(V("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"), 1);
}

static void test_overlongs(void)
{
    CHECK_EQ_INT(V("\xc0\xaf"), 0);             /* '/' in 2 bytes */
    CHECK_EQ_INT(V("\xc0\x80"), 0);             /* NUL in 2 bytes */
    CHECK_EQ_INT(V("\xc1\xbf"), 0);
    CHECK_EQ_INT(V("\xe0\x80\xaf"), 0);         /* '/' in 3 bytes */
    CHECK_EQ_INT(V("\xe0\x9f\xbf"), 0);         /* U+07FF in 3 bytes */
    CHECK_EQ_INT(V("\xf0\x80\x80\xaf"), 0);     /* '/' in 4 bytes */
    CHECK_EQ_INT(V("\xf0\x8f\xbf\xbf"), 0);     /* U+FFFF in 4 bytes */
}

static void test_surrogates(void)
{
    CHECK_EQ_INT(V("\xed\xa0\x80"), 0);         /* U+D800 */
    CHECK_EQ_INT(V("\xed\xbf\xbf"), 0);         /* U+DFFF */
    CHECK_EQ_INT(V("\xed\xa0\xbd\xed\xb8\x80"), 0);   /* CESU-8 pair */
}

static void test_above_max(void)
{
    CHECK_EQ_INT(V("\xf4\x90\x80\x80"), 0);     /* U+110000 */
    CHECK_EQ_INT(V("\xf5\x80\x80\x80"), 0);
    CHECK_EQ_INT(V("\xf7\xbf\xbf\xbf"), 0);
    CHECK_EQ_INT(V("\xf8\x88\x80\x80\x80"), 0); /* old 5-byte form */
    CHECK_EQ_INT(V("\xfc\x84\x80\x80\x80\x80"), 0);
    CHECK_EQ_INT(V("\xfe"), 0);
    CHECK_EQ_INT(V("\xff"), 0);
}

static void test_truncated_at_end(void)
{
    CHECK_EQ_INT(V("\xc3"), 0);
    CHECK_EQ_INT(V("abc\xc3"), 0);
    CHECK_EQ_INT(V("\xe2\x82"), 0);
    CHECK_EQ_INT(V("\xe2"), 0);
    CHECK_EQ_INT(V("\xf0\x9f\x98"), 0);
    CHECK_EQ_INT(V("\xf0\x9f"), 0);
    CHECK_EQ_INT(V("0123456789\xf0\x9f\x98"), 0);
    /* Length cuts a valid sequence short. */
    CHECK_EQ_INT(utf8_valid("\xe2\x82\xac", 2), 0);
    CHECK_EQ_INT(utf8_valid("\xf0\x9f\x98\x80", 3), 0);
    CHECK_EQ_INT(utf8_valid("\xf0\x9f\x98\x80", 4), 1);
}

static void test_bad_continuation(void)
{
    CHECK_EQ_INT(V("\x80"), 0);                 /* lone continuation bytes */
    CHECK_EQ_INT(V("\xbf"), 0);
    CHECK_EQ_INT(V("a\x80" "b"), 0);
    CHECK_EQ_INT(V("\xc3\xa9\xa9"), 0);         /* one continuation too many */
    CHECK_EQ_INT(V("\xc3" "a"), 0);             /* lead byte then ASCII */
    CHECK_EQ_INT(V("\xe2\x28\xa1"), 0);         /* bad 2nd byte */
    CHECK_EQ_INT(V("\xe2\x82\x28"), 0);         /* bad 3rd byte */
    CHECK_EQ_INT(V("\xf0\x9f\x98\x28"), 0);     /* bad 4th byte */
    CHECK_EQ_INT(V("\xf0\x9f\x28\x80"), 0);
    CHECK_EQ_INT(V("\xc3\xc3\xa9"), 0);         /* lead where continuation expected */
    CHECK_EQ_INT(V("\xc3\x00"), 0);             /* NUL is not a continuation */
}

/* Every position 0..17 of ASCII runs of several lengths (so the bad byte
 * lands before, inside and after 8-byte words), with several bad bytes. */
static void test_invalid_at_every_position(void)
{
    static const unsigned char bad[] = { 0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xed, 0xf4, 0xf8, 0xff };
    static const size_t lens[] = { 18, 19, 24, 25, 33 };
    char buf[40];
    for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
        size_t len = lens[li];
        memset(buf, 'a', len);
        CHECK_EQ_INT(utf8_valid(buf, len), 1);
        for (size_t pos = 0; pos < 18; pos++) {
            for (size_t b = 0; b < sizeof bad; b++) {
                memset(buf, 'a', len);
                buf[pos] = (char)bad[b];
                if (utf8_valid(buf, len) != 0) {
                    fprintf(stderr, "  len %zu pos %zu byte %02x: valid?\n", len, pos, bad[b]);
                    CHECK(!"invalid byte accepted");
                }
            }
            /* A valid 2-byte sequence at the same place is accepted. */
            if (pos + 1 < len) {
                memset(buf, 'a', len);
                buf[pos] = '\xc3';
                buf[pos + 1] = '\xa9';
                if (utf8_valid(buf, len) != 1) {
                    fprintf(stderr, "  len %zu pos %zu: valid sequence rejected\n", len, pos);
                    CHECK(!"valid sequence rejected");
                }
            }
        }
    }
}

static void test_truncated_after_long_ascii(void)
{
    /* Lead byte as the very last byte after exact multiples of 8. */
    char buf[33];
    for (size_t len = 1; len <= sizeof buf; len++) {
        memset(buf, 'z', len);
        buf[len - 1] = '\xe2';
        CHECK_EQ_INT(utf8_valid(buf, len), 0);
        buf[len - 1] = 'z';
        CHECK_EQ_INT(utf8_valid(buf, len), 1);
    }
    /* Valid 4-byte sequence ending exactly at the end after 16 ASCII bytes. */
    CHECK_EQ_INT(V("0123456789abcdef\xf0\x9f\x98\x80"), 1);
    CHECK_EQ_INT(V("0123456789abcdef\xf0\x9f\x98\x80" "01234567"), 1);
}

TEST_LIST = {
    TEST(test_ascii),
    TEST(test_nul_is_valid),
    TEST(test_valid_multibyte),
    TEST(test_overlongs),
    TEST(test_surrogates),
    TEST(test_above_max),
    TEST(test_truncated_at_end),
    TEST(test_bad_continuation),
    TEST(test_invalid_at_every_position),
    TEST(test_truncated_after_long_ascii),
    TEST_END,
};
