/* tests/unit/common/test_termsafe.c — common/termsafe: each kind of unit
 * made visible (C0, DEL, ESC sequences, C1 as UTF-8 and as a lone byte,
 * bidi controls, invalid UTF-8), printable text left alone, the flags, the
 * fixed-size copy cut at a unit's boundary, the JSON escape; and the
 * property: random bytes never come out terminal-unsafe (checked by a
 * scanner written apart from the sanitiser), and JSON-escaped valid UTF-8
 * parses back to itself. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "common/termsafe.h"
#include "common/utf8.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static char *vis(const char *s, size_t n, int flags)
{
    buf_t b = { 0 };
    termsafe_buf(&b, s, n, flags);
    return buf_take(&b);
}

#define VIS(lit) vis((lit), sizeof(lit) - 1, 0)

static void check_vis(const char *in, size_t n, int flags, const char *want, int line)
{
    char *got = vis(in, n, flags);
    if (strcmp(got, want) != 0) {
        char m[512];
        snprintf(m, sizeof m, "line %d: \"%.200s\" != \"%.200s\"", line, got, want);
        check_fail_(__FILE__, __LINE__, m);
    }
    free(got);
}
#define CHECK_VIS(lit, want) check_vis((lit), sizeof(lit) - 1, 0, (want), __LINE__)

static void test_printable_unchanged(void)
{
    CHECK_VIS("", "");
    CHECK_VIS("hello, world", "hello, world");
    CHECK_VIS("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    CHECK_VIS("back\\slash \\x1b", "back\\slash \\x1b");   /* a backslash stays */
    CHECK_EQ_INT(termsafe_clean("plain text", 10, 0), 1);
    CHECK_EQ_INT(termsafe_clean("caf\xc3\xa9", 5, 0), 1);
}

static void test_c0_and_del(void)
{
    CHECK_VIS("a\nb\tc\rd", "a\\nb\\tc\\rd");
    CHECK_VIS("\x1b[2J\x1b]0;title\x07", "\\x1b[2J\\x1b]0;title\\x07");
    CHECK_VIS("nul\0x", "nul\\x00x");
    CHECK_VIS("bs\b del\x7f", "bs\\x08 del\\x7f");
    CHECK_EQ_INT(termsafe_clean("\x1b", 1, 0), 0);
}

static void test_c1_utf8_and_lone_bytes(void)
{
    CHECK_VIS("\xc2\x9b" "31m", "\\u009b31m");       /* CSI as UTF-8 */
    CHECK_VIS("\xc2\x80\xc2\x9f\xc2\xa0", "\\u0080\\u009f\xc2\xa0");  /* U+00A0 is printable */
    CHECK_VIS("\x9b" "31m", "\\x9b31m");             /* CSI as one byte */
    CHECK_VIS("\x9d" "0;x\x9c", "\\x9d0;x\\x9c");     /* OSC ... ST */
    CHECK_VIS("\xc3", "\\xc3");                       /* cut sequence */
    CHECK_VIS("\xc0\xaf", "\\xc0\\xaf");             /* overlong '/' */
    CHECK_VIS("\xed\xa0\x80", "\\xed\\xa0\\x80");     /* surrogate */
    CHECK_VIS("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
    CHECK_VIS("\xe2\x82" "x", "\\xe2\\x82x");
    CHECK_EQ_INT(termsafe_clean("\x9b", 1, 0), 0);
    CHECK_EQ_INT(termsafe_clean("\xc2\x9b", 2, 0), 0);
}

static void test_bidi_controls(void)
{
    CHECK_VIS("a\xe2\x80\xae" "b", "a\\u202eb");
    CHECK_VIS("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069");
    CHECK_VIS("\xe2\x80\x8f", "\xe2\x80\x8f");        /* RLM is not an override */
}

static void test_flags(void)
{
    check_vis("a\tb\nc\r", 6, TERMSAFE_KEEP_TAB, "a\tb\\nc\\r", __LINE__);
    check_vis("a\tb\nc\r", 6, TERMSAFE_KEEP_NL, "a\\tb\nc\\r", __LINE__);
    CHECK_EQ_INT(termsafe_clean("a\tb", 3, TERMSAFE_KEEP_TAB), 1);
    CHECK_EQ_INT(termsafe_clean("a\nb", 3, TERMSAFE_KEEP_NL), 1);
    CHECK_EQ_INT(termsafe_clean("a\nb", 3, TERMSAFE_KEEP_TAB), 0);
}

static void test_copy_cuts_at_units(void)
{
    char out[8];
    CHECK_EQ_INT(termsafe_copy(out, sizeof out, "abc", 3, 0), 3);
    CHECK_EQ_STR(out, "abc");
    CHECK_EQ_INT(termsafe_copy(out, sizeof out, "abcdefghij", 10, 0), 7);
    CHECK_EQ_STR(out, "abcdefg");
    termsafe_copy(out, sizeof out, "abcde\x1b", 6, 0);      /* the escape does not fit */
    CHECK_EQ_STR(out, "abcde");
    termsafe_copy(out, sizeof out, "abcdef\xc3\xa9", 8, 0);  /* nor the last character */
    CHECK_EQ_STR(out, "abcdef");
    termsafe_copy(out, sizeof out, "\x1b\x1b", 2, 0);
    CHECK_EQ_STR(out, "\\x1b");
    char *d = termsafe_dup("x\x9by", 0);
    CHECK_EQ_STR(d, "x\\x9by");
    free(d);
}

static char *json(const char *s, size_t n)
{
    buf_t b = { 0 };
    termsafe_json(&b, s, n);
    return buf_take(&b);
}

static void test_json(void)
{
    static const char in[] = "q\"b\\ \n\t\r\b\f \x01 \x7f \xc2\x9b \x9b \xe2\x80\xae \xc3\xa9";
    char *j = json(in, sizeof in - 1);
    CHECK_EQ_STR(j, "q\\\"b\\\\ \\n\\t\\r\\b\\f \\u0001 \\u007f \\u009b \\ufffd \\u202e \xc3\xa9");
    free(j);
    char out[10];
    termsafe_json_copy(out, sizeof out, "abcdef\x1b", 7);   /* "abcdef\u001b" does not fit */
    CHECK_EQ_STR(out, "abcdef");
    termsafe_json_copy(out, sizeof out, "ab\"cd", 5);
    CHECK_EQ_STR(out, "ab\\\"cd");
}

/* The scanner of the property: what a terminal could take for a control.
 * Written from the definitions, not from termsafe.c. */
static int terminal_safe(const char *s, size_t n, int allow_tab, int allow_nl)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x20 && !(p[i] == '\t' && allow_tab) && !(p[i] == '\n' && allow_nl))
            return 0;
        if (p[i] == 0x7f)
            return 0;
        if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
            return 0;
        if (p[i] == 0xe2 && i + 2 < n && ((p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae) ||
                                          (p[i + 1] == 0x81 && p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9)))
            return 0;
    }
    return 1;
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 17;
    rnd_state ^= rnd_state << 5;
    return rnd_state;
}

/* Bytes drawn so that controls, lead and continuation bytes and the bidi
 * sequences are frequent, not 1 in 256. */
static size_t random_bytes(char *s, size_t cap)
{
    static const char *pieces[] = { "\x1b[", "\xc2\x9b", "\x9b", "\xe2\x80\xae", "\xc3\xa9", "\n", "\t", "\r", "\x7f",
                                    "\xf0\x9f\x98", "\xed\xa0\x80", "a", "\\", "\"", "\xe2\x81\xa9" };
    size_t n = 0, want = rnd() % cap;
    while (n < want) {
        if (rnd() % 2) {
            s[n++] = (char)(rnd() & 0xff);
        } else {
            const char *p = pieces[rnd() % (sizeof pieces / sizeof *pieces)];
            size_t l = strlen(p);
            if (n + l > want)
                break;
            memcpy(s + n, p, l);
            n += l;
        }
    }
    return n;
}

static void test_property_random_bytes(void)
{
    char in[96], out[64];
    int bad = 0;
    for (int round = 0; round < 50000 && !bad; round++) {
        size_t n = random_bytes(in, sizeof in);
        int flags = (int)(rnd() % 4);
        char *v = vis(in, n, flags);
        bad |= !terminal_safe(v, strlen(v), flags & TERMSAFE_KEEP_TAB, flags & TERMSAFE_KEEP_NL);
        bad |= termsafe_clean(in, n, flags) != (strlen(v) == n && memcmp(v, in, n) == 0);
        free(v);
        size_t m = termsafe_copy(out, sizeof out, in, n, flags);
        bad |= m != strlen(out) || !terminal_safe(out, m, flags & TERMSAFE_KEEP_TAB, flags & TERMSAFE_KEEP_NL);
        char *j = json(in, n);
        bad |= !terminal_safe(j, strlen(j), 0, 0);
        free(j);
        if (bad) {
            fprintf(stderr, "  unsafe output for %zu random bytes (round %d)\n", n, round);
            check_fail_(__FILE__, __LINE__, "random bytes came out terminal-unsafe");
        }
    }
}

static void test_property_json_round_trip(void)
{
    char in[96];
    int bad = 0;
    for (int round = 0; round < 20000 && !bad; round++) {
        size_t n = random_bytes(in, sizeof in);
        if (!utf8_valid(in, n) || memchr(in, '\0', n))
            continue;
        buf_t b = { 0 };
        buf_putc(&b, '"');
        termsafe_json(&b, in, n);
        buf_putc(&b, '"');
        cJSON *parsed = cJSON_Parse(b.p);
        bad = !parsed || !cJSON_IsString(parsed) || strlen(parsed->valuestring) != n ||
              memcmp(parsed->valuestring, in, n) != 0;
        cJSON_Delete(parsed);
        buf_free(&b);
    }
    CHECK(!bad);
}

TEST_LIST = {
    TEST(test_printable_unchanged),
    TEST(test_c0_and_del),
    TEST(test_c1_utf8_and_lone_bytes),
    TEST(test_bidi_controls),
    TEST(test_flags),
    TEST(test_copy_cuts_at_units),
    TEST(test_json),
    TEST(test_property_random_bytes),
    TEST(test_property_json_round_trip),
    TEST_END,
};
