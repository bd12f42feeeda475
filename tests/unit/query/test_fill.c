/* tests/unit/query/test_fill.c — zero-fill of `stats ... by bin()`
 * (query/run.c) around absurd times: empty bins are written between rows
 * inside the fill range only (the query's range, else the data's sane
 * extent, clipped to [2000, now + 1 day]); a row in year 0000 or 9999 is
 * written as it is, with no empty bin towards it; the query's edges are
 * filled up to; and a range of more bins than --max-bins is refused before
 * a row is written. The sink is fed rows directly: no store. */
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
 * without its header (malloc'd) and the rows written in *rows. */
static char *run_rows(const query_run_opts_t *o, const int64_t *bins, const int64_t *counts, int n, int64_t *rows)
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
    qformat_finish(fm);
    fclose(f);
    query_plan_free(p);
    return text;
}

static query_run_opts_t opts(int64_t since, int64_t until, int64_t first, int64_t last)
{
    query_run_opts_t o = { 1, since, until, 0, first, last, 1000000 };
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

static void test_too_many_bins_refused(void)
{
    query_plan_t *p = bin_plan();
    obs_err_t err = { 0 };
    /* 2000 .. tomorrow in minutes: ~14 million bins */
    query_run_opts_t o = opts(0, INT64_MAX / 2, 0, 0);
    CHECK_EQ_INT(query_fill_check(p, &o, &err), OBS_EINVAL);
    CHECK(strstr(err.msg, "--max-bins 1000000") && strstr(err.msg, "--no-fill"));
    o.max_bins = 0;   /* no cap */
    CHECK_EQ_INT(query_fill_check(p, &o, &err), 0);
    o = opts(-1, -1, T0, T0 + 999999 * MIN);   /* the data's extent: 1,000,000 bins */
    CHECK_EQ_INT(query_fill_check(p, &o, &err), 0);
    o.data_last += MIN;
    CHECK_EQ_INT(query_fill_check(p, &o, &err), OBS_EINVAL);
    o.fill = 0;                                 /* --no-fill */
    CHECK_EQ_INT(query_fill_check(p, &o, &err), 0);
    query_plan_free(p);
}

TEST_LIST = {
    TEST(test_fill_between_rows),
    TEST(test_absurd_rows_stand_alone),
    TEST(test_query_edges_filled),
    TEST(test_too_many_bins_refused),
    TEST_END,
};
