/* tests/unit/query/test_format.c — query/format.c's table: aligned from
 * every row when small; past 10,000 rows printed with the widths of the
 * first rows and streamed (a wider value cut with "…"), in memory that
 * stays flat whatever the number of rows. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "query/format.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static char *names[] = { "fn", "@message" };
static const int not_time[] = { 0, 0 };

static qval_t text(const char *s)
{
    qval_t v = { .type = QV_TEXT, .s = xstrdup(s), .len = strlen(s) };
    return v;
}

static void put(qformat_t *f, const char *a, const char *b)
{
    qval_t row[2] = { text(a), text(b) };
    qformat_row(f, row);
}

static void test_small_table_aligned_from_every_row(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    qformat_t *f = qformat_new(out, QFMT_TABLE, names, not_time, 2, 0);
    put(f, "a", "one");
    put(f, "longer", "two");
    CHECK_EQ_INT(qformat_widths_sampled(f), 0);
    qformat_finish(f);
    fclose(out);
    CHECK_EQ_STR(buf, "fn      @message\na       one\nlonger  two\n");
    free(buf);
}

static void test_large_table_streams_with_sampled_widths(void)
{
    char *buf = NULL, line[64];
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    qformat_t *f = qformat_new(out, QFMT_TABLE, names, not_time, 2, 0);
    for (int i = 0; i < 10000; i++)
        put(f, "abcd", "m");
    /* the widths are fixed now: the sample's rows are out already */
    fflush(out);
    CHECK(len > 10000 * 8);
    put(f, "abcdefgh", "wider, after the sample");
    CHECK_EQ_INT(qformat_widths_sampled(f), 10000);
    qformat_finish(f);
    fclose(out);
    int lines = 0;
    for (char *p = buf; (p = strchr(p, '\n')); p++)
        lines++;
    CHECK_EQ_INT(lines, 10002);
    CHECK(strncmp(buf, "fn    @message\nabcd  m\n", 23) == 0);
    snprintf(line, sizeof line, "abc\xe2\x80\xa6  wider, after the sample\n");
    CHECK(len > strlen(line) && strcmp(buf + len - strlen(line), line) == 0);
    free(buf);
}

static long peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* 400,000 rows of 200 bytes (80 MB of cells if held): the peak grows by
 * less than 16 MB. (Not measured under AddressSanitizer, whose quarantine
 * keeps freed memory.) */
static void test_large_table_memory_flat(void)
{
    char msg[201];
    memset(msg, 'x', 200);
    msg[200] = 0;
    FILE *out = fopen("/dev/null", "w");
    CHECK(out != NULL);
    if (!out)
        return;
    long before = peak_kb();
    qformat_t *f = qformat_new(out, QFMT_TABLE, names, not_time, 2, 100);
    for (int i = 0; i < 400000; i++)
        put(f, "fn", msg);
    CHECK_EQ_INT(qformat_widths_sampled(f), 10000);
    qformat_finish(f);
    fclose(out);
#if !defined(__SANITIZE_ADDRESS__)
    long grew = peak_kb() - before;
    if (grew >= 16 * 1024)
        fprintf(stderr, "  the table's peak grew by %ld KB\n", grew);
    CHECK(grew < 16 * 1024);
#else
    (void)before;
#endif
}

static void test_empty_table_says_so(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    qformat_t *f = qformat_new(out, QFMT_TABLE, names, not_time, 2, 0);
    qformat_finish(f);
    fclose(out);
    CHECK_EQ_STR(buf, "fn  @message\n(no results)\n");
    free(buf);
}

TEST_LIST = {
    TEST(test_small_table_aligned_from_every_row),
    TEST(test_large_table_streams_with_sampled_widths),
    TEST(test_large_table_memory_flat),
    TEST(test_empty_table_says_so),
    TEST_END,
};
