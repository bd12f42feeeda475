/* tests/unit/agent/test_line_reader.c — agent/line_reader: splitting on '\n',
 * stripping one trailing '\r', byte-at-a-time input, the max_line cut
 * (LINE_TRUNCATED, tail skipped, also across many feeds), the last line
 * without '\n' (only at EOF, LINE_NO_NEWLINE), empty lines, NUL bytes, and
 * the `consumed` byte count. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "agent/line_reader.h"

#include <stdlib.h>

#define MAXL 64

/* The lines collected from one input. */
typedef struct collected {
    int n;
    char text[64][256];
    size_t len[64];
    int flags[64];
} collected_t;

static void take(line_reader_t *lr, collected_t *c, int at_eof)
{
    line_t l;
    while (line_reader_next(lr, &l, at_eof)) {
        if (c->n >= 64) {
            CHECK(!"too many lines");
            return;
        }
        CHECK(l.len <= sizeof c->text[0]);
        memcpy(c->text[c->n], l.p, l.len);
        c->len[c->n] = l.len;
        c->flags[c->n] = l.flags;
        c->n++;
    }
}

/* Feed `in` in pieces of `piece` bytes (0 = all at once), taking lines after
 * every piece, then signal EOF. Returns the reader's final consumed count. */
static int64_t feed(const char *in, size_t len, size_t piece, size_t max_line, collected_t *c)
{
    line_reader_t lr;
    memset(c, 0, sizeof *c);
    line_reader_init(&lr, max_line);
    size_t off = 0;
    while (off < len) {
        size_t avail;
        char *dst = line_reader_space(&lr, &avail);
        CHECK(avail > 0);
        size_t n = piece ? piece : len - off;
        if (n > len - off)
            n = len - off;
        if (n > avail)
            n = avail;
        memcpy(dst, in + off, n);
        line_reader_added(&lr, n);
        off += n;
        take(&lr, c, 0);
    }
    take(&lr, c, 1);
    int64_t consumed = lr.consumed;
    line_reader_done(&lr);
    return consumed;
}

#define CHECK_LINE(c, i, s, fl)                                          \
    do {                                                                 \
        CHECK_EQ_INT((c).len[i], sizeof(s) - 1);                         \
        CHECK(memcmp((c).text[i], (s), sizeof(s) - 1) == 0);             \
        CHECK_EQ_INT((c).flags[i], (fl));                                \
    } while (0)

static void test_split_on_newline(void)
{
    collected_t c;
    static const char in[] = "alpha\nbeta\ngamma delta\n";
    int64_t consumed = feed(in, sizeof in - 1, 0, MAXL, &c);
    CHECK_EQ_INT(c.n, 3);
    CHECK_LINE(c, 0, "alpha", 0);
    CHECK_LINE(c, 1, "beta", 0);
    CHECK_LINE(c, 2, "gamma delta", 0);
    CHECK_EQ_INT(consumed, sizeof in - 1);
}

static void test_no_line_until_newline(void)
{
    line_reader_t lr;
    line_t l;
    size_t avail;
    line_reader_init(&lr, MAXL);
    char *dst = line_reader_space(&lr, &avail);
    memcpy(dst, "abc", 3);
    line_reader_added(&lr, 3);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 0), 0);
    CHECK_EQ_INT(lr.consumed, 0);
    dst = line_reader_space(&lr, &avail);
    memcpy(dst, "d\nx", 3);
    line_reader_added(&lr, 3);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 0), 1);
    CHECK_EQ_INT(l.len, 4);
    CHECK(memcmp(l.p, "abcd", 4) == 0);
    CHECK_EQ_INT(l.flags, 0);
    CHECK_EQ_INT(lr.consumed, 5);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 0), 0);
    line_reader_done(&lr);
}

static void test_strip_one_cr(void)
{
    collected_t c;
    static const char in[] = "a\r\nb\r\r\n\r\nc\rd\n";
    int64_t consumed = feed(in, sizeof in - 1, 0, MAXL, &c);
    CHECK_EQ_INT(c.n, 4);
    CHECK_LINE(c, 0, "a", 0);
    CHECK_LINE(c, 1, "b\r", 0);
    CHECK_LINE(c, 2, "", 0);
    CHECK_LINE(c, 3, "c\rd", 0);   /* a '\r' inside a line stays */
    CHECK_EQ_INT(consumed, sizeof in - 1);
}

static void test_byte_at_a_time_same_lines(void)
{
    static const char in[] = "first line\r\n\nsecond\n"
                             "0123456789012345678901234567890123456789012345678901234567890123456789\n"
                             "third\r\r\nlast";
    collected_t whole, bytes, threes;
    int64_t cw = feed(in, sizeof in - 1, 0, MAXL, &whole);
    int64_t cb = feed(in, sizeof in - 1, 1, MAXL, &bytes);
    int64_t c3 = feed(in, sizeof in - 1, 3, MAXL, &threes);
    CHECK_EQ_INT(whole.n, 6);
    CHECK_LINE(whole, 0, "first line", 0);
    CHECK_LINE(whole, 1, "", 0);
    CHECK_LINE(whole, 2, "second", 0);
    CHECK_LINE(whole, 3, "0123456789012345678901234567890123456789012345678901234567890123",
               LINE_TRUNCATED);
    CHECK_LINE(whole, 4, "third\r", 0);
    CHECK_LINE(whole, 5, "last", LINE_NO_NEWLINE);
    CHECK_EQ_INT(bytes.n, whole.n);
    CHECK_EQ_INT(threes.n, whole.n);
    for (int i = 0; i < whole.n && i < bytes.n && i < threes.n; i++) {
        CHECK_EQ_INT(bytes.len[i], whole.len[i]);
        CHECK(memcmp(bytes.text[i], whole.text[i], whole.len[i]) == 0);
        CHECK_EQ_INT(bytes.flags[i], whole.flags[i]);
        CHECK_EQ_INT(threes.len[i], whole.len[i]);
        CHECK(memcmp(threes.text[i], whole.text[i], whole.len[i]) == 0);
        CHECK_EQ_INT(threes.flags[i], whole.flags[i]);
    }
    CHECK_EQ_INT(cw, sizeof in - 1);
    CHECK_EQ_INT(cb, sizeof in - 1);
    CHECK_EQ_INT(c3, sizeof in - 1);
}

static void test_exactly_max_line_not_truncated(void)
{
    char in[MAXL + 2];
    memset(in, 'x', MAXL);
    in[MAXL] = '\n';
    collected_t c;
    int64_t consumed = feed(in, MAXL + 1, 0, MAXL, &c);
    CHECK_EQ_INT(c.n, 1);
    CHECK_EQ_INT(c.len[0], MAXL);
    CHECK_EQ_INT(c.flags[0], 0);
    CHECK_EQ_INT(consumed, MAXL + 1);
}

static void test_long_line_truncated_rest_skipped(void)
{
    /* 200 bytes of 'A'..: cut to 64, then the next line is intact. */
    char in[300];
    size_t n = 0;
    for (int i = 0; i < 200; i++)
        in[n++] = (char)('A' + i % 26);
    in[n++] = '\n';
    memcpy(in + n, "next\n", 5);
    n += 5;
    collected_t c;
    int64_t consumed = feed(in, n, 0, MAXL, &c);
    CHECK_EQ_INT(c.n, 2);
    CHECK_EQ_INT(c.len[0], MAXL);
    CHECK(memcmp(c.text[0], in, MAXL) == 0);
    CHECK_EQ_INT(c.flags[0], LINE_TRUNCATED);
    CHECK_LINE(c, 1, "next", 0);
    CHECK_EQ_INT(consumed, (int64_t)n);
}

static void test_max_plus_one_is_truncated(void)
{
    char in[MAXL + 8];
    memset(in, 'y', MAXL + 1);
    in[MAXL + 1] = '\n';
    memcpy(in + MAXL + 2, "z\n", 2);
    collected_t c;
    int64_t consumed = feed(in, MAXL + 4, 0, MAXL, &c);
    CHECK_EQ_INT(c.n, 2);
    CHECK_EQ_INT(c.len[0], MAXL);
    CHECK_EQ_INT(c.flags[0], LINE_TRUNCATED);
    CHECK_LINE(c, 1, "z", 0);
    CHECK_EQ_INT(consumed, MAXL + 4);
}

static void test_long_line_across_many_feeds(void)
{
    /* 1000-byte line fed 7 bytes at a time, then 1 byte at a time. */
    size_t n = 0;
    char *in = malloc(1100);
    memcpy(in, "pre\n", 4);
    n = 4;
    for (int i = 0; i < 1000; i++)
        in[n++] = (char)('a' + i % 26);
    in[n++] = '\n';
    memcpy(in + n, "post\n", 5);
    n += 5;
    static const size_t pieces[] = { 7, 1, 63, 64, 65 };
    for (size_t k = 0; k < sizeof pieces / sizeof *pieces; k++) {
        collected_t c;
        int64_t consumed = feed(in, n, pieces[k], MAXL, &c);
        CHECK_EQ_INT(c.n, 3);
        CHECK_LINE(c, 0, "pre", 0);
        CHECK_EQ_INT(c.len[1], MAXL);
        CHECK(memcmp(c.text[1], in + 4, MAXL) == 0);
        CHECK_EQ_INT(c.flags[1], LINE_TRUNCATED);
        CHECK_LINE(c, 2, "post", 0);
        CHECK_EQ_INT(consumed, (int64_t)n);
    }
    free(in);
}

static void test_long_last_line_without_newline(void)
{
    char in[150];
    memset(in, 'q', sizeof in);
    collected_t c;
    int64_t consumed = feed(in, sizeof in, 10, MAXL, &c);
    CHECK_EQ_INT(c.n, 1);
    CHECK_EQ_INT(c.len[0], MAXL);
    CHECK(c.flags[0] & LINE_TRUNCATED);
    CHECK_EQ_INT(consumed, (int64_t)sizeof in);
}

static void test_last_line_only_at_eof(void)
{
    line_reader_t lr;
    line_t l;
    size_t avail;
    line_reader_init(&lr, MAXL);
    char *dst = line_reader_space(&lr, &avail);
    memcpy(dst, "one\ntail", 8);
    line_reader_added(&lr, 8);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 0), 1);
    CHECK_EQ_INT(l.len, 3);
    CHECK(memcmp(l.p, "one", 3) == 0);
    CHECK_EQ_INT(l.flags, 0);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 0), 0);   /* not without EOF */
    CHECK_EQ_INT(lr.consumed, 4);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 1), 1);
    CHECK_EQ_INT(l.len, 4);
    CHECK(memcmp(l.p, "tail", 4) == 0);
    CHECK_EQ_INT(l.flags, LINE_NO_NEWLINE);
    CHECK_EQ_INT(lr.consumed, 8);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 1), 0);   /* nothing more */
    line_reader_done(&lr);
}

static void test_last_line_cr_stripped_at_eof(void)
{
    collected_t c;
    feed("x\ny\r", 4, 0, MAXL, &c);
    CHECK_EQ_INT(c.n, 2);
    CHECK_LINE(c, 0, "x", 0);
    CHECK_LINE(c, 1, "y", LINE_NO_NEWLINE);
}

static void test_eof_after_newline_no_extra_line(void)
{
    collected_t c;
    int64_t consumed = feed("a\nb\n", 4, 1, MAXL, &c);
    CHECK_EQ_INT(c.n, 2);
    CHECK_LINE(c, 1, "b", 0);
    CHECK_EQ_INT(consumed, 4);
}

static void test_empty_lines(void)
{
    collected_t c;
    int64_t consumed = feed("\n\n\r\nx\n\n", 7, 0, MAXL, &c);
    CHECK_EQ_INT(c.n, 5);
    CHECK_LINE(c, 0, "", 0);
    CHECK_LINE(c, 1, "", 0);
    CHECK_LINE(c, 2, "", 0);
    CHECK_LINE(c, 3, "x", 0);
    CHECK_LINE(c, 4, "", 0);
    CHECK_EQ_INT(consumed, 7);
}

static void test_nul_bytes_preserved(void)
{
    static const char in[] = "a\0b\0\0c\n\0\n";
    collected_t c, c1;
    int64_t consumed = feed(in, sizeof in - 1, 0, MAXL, &c);
    feed(in, sizeof in - 1, 1, MAXL, &c1);
    CHECK_EQ_INT(c.n, 2);
    CHECK_EQ_INT(c.len[0], 6);
    CHECK(memcmp(c.text[0], "a\0b\0\0c", 6) == 0);
    CHECK_EQ_INT(c.len[1], 1);
    CHECK_EQ_INT(c.text[1][0], 0);
    CHECK_EQ_INT(c1.n, 2);
    CHECK_EQ_INT(c1.len[0], 6);
    CHECK(memcmp(c1.text[0], "a\0b\0\0c", 6) == 0);
    CHECK_EQ_INT(consumed, sizeof in - 1);
}

static void test_consumed_counts_everything(void)
{
    /* lines + newlines + '\r's + skipped tails: every input byte. */
    char in[400];
    size_t n = 0;
    memcpy(in + n, "ab\r\n", 4);
    n += 4;
    for (int i = 0; i < 100; i++)
        in[n++] = 'L';
    in[n++] = '\n';
    in[n++] = '\n';
    for (int i = 0; i < 80; i++)
        in[n++] = 'M';
    in[n++] = '\r';
    in[n++] = '\n';
    memcpy(in + n, "end", 3);
    n += 3;
    collected_t c;
    int64_t consumed = feed(in, n, 5, MAXL, &c);
    CHECK_EQ_INT(c.n, 5);
    CHECK_LINE(c, 0, "ab", 0);
    CHECK_EQ_INT(c.len[1], MAXL);
    CHECK_EQ_INT(c.flags[1], LINE_TRUNCATED);
    CHECK_LINE(c, 2, "", 0);
    CHECK_EQ_INT(c.len[3], MAXL);
    CHECK_EQ_INT(c.flags[3], LINE_TRUNCATED);
    CHECK_LINE(c, 4, "end", LINE_NO_NEWLINE);
    CHECK_EQ_INT(consumed, (int64_t)n);
}

static void test_consumed_partial_progress(void)
{
    /* consumed covers only what was returned or skipped so far. */
    line_reader_t lr;
    line_t l;
    size_t avail;
    line_reader_init(&lr, MAXL);
    char big[100];
    memset(big, 'B', sizeof big);
    char *dst = line_reader_space(&lr, &avail);
    memcpy(dst, "hi\n", 3);
    memcpy(dst + 3, big, sizeof big);   /* over-long, no newline yet */
    line_reader_added(&lr, 3 + sizeof big);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 0), 1);
    CHECK_EQ_INT(lr.consumed, 3);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 0), 1);
    CHECK_EQ_INT(l.len, MAXL);
    CHECK_EQ_INT(l.flags, LINE_TRUNCATED);
    CHECK_EQ_INT(lr.consumed, 3 + 100);   /* cut part + skipped tail so far */
    CHECK_EQ_INT(line_reader_next(&lr, &l, 0), 0);
    dst = line_reader_space(&lr, &avail);
    memcpy(dst, "BBB\nok\n", 7);
    line_reader_added(&lr, 7);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 0), 1);
    CHECK_EQ_INT(l.len, 2);
    CHECK(memcmp(l.p, "ok", 2) == 0);
    CHECK_EQ_INT(l.flags, 0);
    CHECK_EQ_INT(lr.consumed, 3 + 100 + 7);
    CHECK_EQ_INT(line_reader_next(&lr, &l, 1), 0);
    line_reader_done(&lr);
}

static void test_default_max_line(void)
{
    line_reader_t lr;
    line_reader_init(&lr, 0);
    CHECK_EQ_INT(lr.max_line, LINE_MAX_DEFAULT);
    line_reader_done(&lr);
}

TEST_LIST = {
    TEST(test_split_on_newline),
    TEST(test_no_line_until_newline),
    TEST(test_strip_one_cr),
    TEST(test_byte_at_a_time_same_lines),
    TEST(test_exactly_max_line_not_truncated),
    TEST(test_long_line_truncated_rest_skipped),
    TEST(test_max_plus_one_is_truncated),
    TEST(test_long_line_across_many_feeds),
    TEST(test_long_last_line_without_newline),
    TEST(test_last_line_only_at_eof),
    TEST(test_last_line_cr_stripped_at_eof),
    TEST(test_eof_after_newline_no_extra_line),
    TEST(test_empty_lines),
    TEST(test_nul_bytes_preserved),
    TEST(test_consumed_counts_everything),
    TEST(test_consumed_partial_progress),
    TEST(test_default_max_line),
    TEST_END,
};
