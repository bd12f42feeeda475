/* tests/unit/query/test_fill.c — zero-fill of `stats ... by bin()`
 * (query/run.c) around absurd times: empty bins are written between rows
 * inside the fill range only (the query's range, else the data's sane
 * extent, clipped to [2000, now + 1 day]); a row in year 0000 or 9999 is
 * written as it is, with no empty bin towards it; the query's edges are
 * filled up to; a fill of more rows than --max-bins, or (without an
 * explicit --max-bins) of over 1,000 rows and over 100 per row with data,
 * is left out: only the rows with data are written, and a note says how
 * many rows the fill would have written. The sink is fed rows directly: no
 * store. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "common/clock.h"
#include "common/xalloc.h"
#include "query/run.h"

#include <stdlib.h>

#define MIN 60000LL
#define T0 1717200000000LL              /* 2024-06-01T00:00:00Z */
#define YEAR0 (-62167219200000LL)        /* 0000-01-01T00:00:00Z */
#define YEAR9999 253402300740000LL       /* 9999-12-31T23:59:00Z */

/* A plan of two columns, bin(1m) and count(*), as the planner makes one. */
static query_plan_t *bin_plan(void)
{
    query_plan_t *p = xcalloc(1, sizeof *p);
    p->ncolumns = 2;
    p->columns = xcalloc(2, sizeof *p->columns);
    p->columns[0].name = xstrdup("bin");
    p->columns[1].name = xstrdup("n");
    p->columns[1].fill_zero = 1;
    p->fill_column = 0;
    p->fill_n = 1;
    p->fill_unit = 2;   /* minutes */
    p->sql = xstrdup("");
    return p;
}

/* The rows (bin ms, count) through a sink into csv; returns the csv text
 * without its header (malloc'd), the rows written in *rows and, when
 * left_out is given, the sink's verdict (0 filled, 1 over --max-bins, 2
 * too sparse). */
static char *run_rows_left(const query_run_opts_t *o, const int64_t *bins, const int64_t *counts, int n,
                           int64_t *rows, int *left_out)
{
    query_plan_t *p = bin_plan();
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    char *names[] = { "bin", "n" };
    int is_time[] = { 0, 0 };
    qformat_t *fm = qformat_new(f, QFMT_CSV, names, is_time, 2, 0);
    qformat_no_header(fm);
    query_sink_t s;
    query_sink_init(&s, p, o, fm);
    for (int i = 0; i < n; i++) {
        qval_t row[2] = { { .type = QV_INT, .i = bins[i] }, { .type = QV_INT, .i = counts[i] } };
        query_sink_row(&s, row);
    }
    query_sink_end(&s);
    *rows = s.rows;
    if (left_out)
        *left_out = s.left_out;
    qformat_finish(fm);
    fclose(f);
    query_plan_free(p);
    return text;
}

static char *run_rows(const query_run_opts_t *o, const int64_t *bins, const int64_t *counts, int n, int64_t *rows)
{
    return run_rows_left(o, bins, counts, n, rows, NULL);
}

static query_run_opts_t opts(int64_t since, int64_t until, int64_t first, int64_t last)
{
    query_run_opts_t o = { 1, since, until, 0, first, last, 100000, 0, NULL };
    return o;
}

static void test_fill_between_rows(void)
{
    int64_t bins[] = { T0, T0 + 3 * MIN }, counts[] = { 2, 5 }, rows;
    query_run_opts_t o = opts(-1, -1, T0, T0 + 3 * MIN);
    char *out = run_rows(&o, bins, counts, 2, &rows);
    CHECK_EQ_INT(rows, 4);
    CHECK_EQ_STR(out, "1717200000000,2\n1717200060000,0\n1717200120000,0\n1717200180000,5\n");
    free(out);
}

static void test_absurd_rows_stand_alone(void)
{
    /* one event in 0000 and one in 9999 around two sane minutes: four
     * rows and the one empty minute between the sane ones, not billions */
    int64_t bins[] = { YEAR0, T0, T0 + 2 * MIN, YEAR9999 }, counts[] = { 1, 3, 4, 1 }, rows;
    query_run_opts_t o = opts(-1, -1, T0, T0 + 2 * MIN);
    char *out = run_rows(&o, bins, counts, 4, &rows);
    CHECK_EQ_INT(rows, 5);
    CHECK_EQ_STR(out, "-62167219200000,1\n1717200000000,3\n1717200060000,0\n1717200120000,4\n"
                      "253402300740000,1\n");
    free(out);
    /* the data's extent unknown: the world's bounds still keep them apart */
    o = opts(-1, -1, 0, 0);
    out = run_rows(&o, bins, counts, 4, &rows);
    CHECK_EQ_INT(rows, 5);
    free(out);
}

static void test_query_edges_filled(void)
{
    /* --since T0 --end T0+4m: empty bins from the start and up to the end,
     * the 9999 row after them */
    int64_t bins[] = { T0 + 2 * MIN, YEAR9999 }, counts[] = { 7, 1 }, rows;
    query_run_opts_t o = opts(T0, T0 + 4 * MIN, T0, T0 + 2 * MIN);
    char *out = run_rows(&o, bins, counts, 2, &rows);
    CHECK_EQ_INT(rows, 5);
    CHECK_EQ_STR(out, "1717200000000,0\n1717200060000,0\n1717200120000,7\n1717200180000,0\n"
                      "253402300740000,1\n");
    free(out);
    /* an end past the sane world is clipped to it: a day past now */
    int64_t now = obs_wall_ms(), lo, hi;
    query_plan_t *p = bin_plan();
    o = opts(now - 10 * MIN, INT64_MAX / 2, 0, 0);
    query_fill_range(p, &o, &lo, &hi);
    CHECK(hi <= obs_wall_ms() + 86400000LL && hi >= now + 86400000LL);
    CHECK_EQ_INT(lo % MIN, 0);
    /* a start before 2000 is clipped to 2000 */
    o = opts(0, -1, 0, 0);
    query_fill_range(p, &o, &lo, &hi);
    CHECK_EQ_INT(lo, 946684800000LL);
    query_plan_free(p);
}

/* n rows of count 1 at bins[i] */
static char *ones(const query_run_opts_t *o, const int64_t *bins, int n, int64_t *rows, int *left_out)
{
    int64_t *c = xcalloc((size_t)n, sizeof *c);
    for (int i = 0; i < n; i++)
        c[i] = 1;
    char *out = run_rows_left(o, bins, c, n, rows, left_out);
    free(c);
    return out;
}

static void test_too_many_bins_left_out(void)
{
    int64_t rows;
    int left;
    /* 2000 .. tomorrow in minutes: ~14 million bins; two rows a day apart
     * (1,441 bins) are written as they are, the fill left out: sparse */
    int64_t two[] = { T0, T0 + 1440 * MIN };
    query_run_opts_t o = opts(-1, -1, 0, 0);
    free(ones(&o, two, 2, &rows, &left));
    CHECK_EQ_INT(rows, 2);
    CHECK_EQ_INT(left, 2);
    /* an explicit --max-bins fills them however sparse */
    o.fill_sparse = 1;
    free(ones(&o, two, 2, &rows, &left));
    CHECK_EQ_INT(rows, 1441);
    CHECK_EQ_INT(left, 0);
    /* ... up to it: one more bin than --max-bins is left out */
    o.max_bins = 1440;
    free(ones(&o, two, 2, &rows, &left));
    CHECK_EQ_INT(rows, 2);
    CHECK_EQ_INT(left, 1);
    o.max_bins = 0;   /* no cap */
    free(ones(&o, two, 2, &rows, &left));
    CHECK_EQ_INT(rows, 1441);
    /* 1,000 rows or fewer are always filled */
    int64_t near[] = { T0, T0 + 999 * MIN };
    o = opts(-1, -1, 0, 0);
    free(ones(&o, near, 2, &rows, &left));
    CHECK_EQ_INT(rows, 1000);
    CHECK_EQ_INT(left, 0);
    /* 1 row with data in 100 fills; fewer does not: 20 rows over 2,000
     * bins (the range's edges given) and 20 over 2,020 */
    int64_t b[20];
    for (int i = 0; i < 20; i++)
        b[i] = T0 + i * 100 * MIN;
    o = opts(T0, T0 + 2000 * MIN, T0, T0 + 1900 * MIN);
    free(ones(&o, b, 20, &rows, &left));
    CHECK_EQ_INT(rows, 2000);
    CHECK_EQ_INT(left, 0);
    o = opts(T0, T0 + 2020 * MIN, T0, T0 + 1900 * MIN);
    free(ones(&o, b, 20, &rows, &left));
    CHECK_EQ_INT(rows, 20);
    CHECK_EQ_INT(left, 2);
    /* the data's extent decides up front: a dense 5,000 minutes (over the
     * 1,000 floor, under --max-bins) stream through filled */
    int64_t *d = xcalloc(5000, sizeof *d);
    for (int i = 0; i < 5000; i++)
        d[i] = T0 + (i + (i >= 2500)) * MIN;   /* one gap */
    o = opts(-1, -1, T0, T0 + 5000 * MIN);
    free(ones(&o, d, 5000, &rows, &left));
    CHECK_EQ_INT(rows, 5001);
    CHECK_EQ_INT(left, 0);
    /* over --max-bins with data in every bin: left out, every row written */
    o.max_bins = 4000;
    free(ones(&o, d, 5000, &rows, &left));
    CHECK_EQ_INT(rows, 5000);
    CHECK_EQ_INT(left, 1);
    /* --no-fill: nothing to decide */
    o.fill = 0;
    free(ones(&o, two, 2, &rows, &left));
    CHECK_EQ_INT(rows, 2);
    CHECK_EQ_INT(left, 0);
    free(d);
}

/* --max-rows counts the rows written when the fill is decided late */
static void test_max_rows_after_held_rows(void)
{
    int64_t rows;
    int left;
    int64_t b[30];
    for (int i = 0; i < 30; i++)
        b[i] = T0 + i * 50 * MIN;
    query_run_opts_t o = opts(-1, -1, 0, 0);  /* the world's extent: held to the end */
    o.max_rows = 70;
    char *out = ones(&o, b, 30, &rows, &left);
    CHECK_EQ_INT(rows, 70);
    CHECK_EQ_INT(left, 0);
    CHECK(strncmp(out, "1717200000000,1\n1717200060000,0\n", 32) == 0);
    free(out);
}

TEST_LIST = {
    TEST(test_fill_between_rows),
    TEST(test_absurd_rows_stand_alone),
    TEST(test_query_edges_filled),
    TEST(test_too_many_bins_left_out),
    TEST(test_max_rows_after_held_rows),
    TEST_END,
};
