/* query/report/report_int.h — what the files of query/report/ share
 * (report.h is the front door), a section per file. */
#ifndef OBS_QUERY_REPORT_INT_H
#define OBS_QUERY_REPORT_INT_H

#include "common/buf.h"
#include "query/report/report.h"

/* ---- report_series.c ------------------------------------------------------ */

/* A per-minute rollup row of the range: counts where the rollups keep them. */
typedef struct report_rollup_row {
    int fn;                   /* index into the period's fns */
    int64_t minute;
    int64_t invocations, errors, timeouts, crashes, throttles;   /* errors: every failed one */
    double gb_seconds;
} report_rollup_row_t;

/* A throttle signal (sub-minute buckets: read from the events). */
typedef struct report_signal {
    int fn;
    int64_t ts;
} report_signal_t;

/* Fill p's series (p->bucket_ms, p->nbuckets, p->fns set): counts per
 * bucket from the rollup rows when a bucket is whole minutes, else from the
 * invocations (at their end) and the signals; percentiles, cold starts by
 * kind, concurrency and environments from the spans. fn_of[] maps a span's
 * function to the period's. */
void report__series(report_period_t *p, const store_spans_t *sp, const int *fn_of, const report_rollup_row_t *rows,
                    size_t nrows, const report_signal_t *sig, size_t nsig);

/* ---- report_power.c -------------------------------------------------------- */

/* The memory table of the spans of function span_fn that end in [since,
 * until) (emulated ones left out: an emulator's REPORT claims all memory). */
void report__power(report_power_t *pw, const store_spans_t *sp, int span_fn, int64_t since, int64_t until,
                   double price_gb_s, double price_request);
void report__power_free(report_power_t *pw);

/* Nearest-rank percentile p (0-100) of sorted v[0..n): the value at rank
 * ceil(p/100 n); NAN when n = 0. */
double report__pct(const double *v, size_t n, double p);
/* Sort doubles ascending. */
void report__sort(double *v, size_t n);

/* ---- report_fmt.c ---------------------------------------------------------- */
/* Every number both writers print, as text; a chart plots the number its
 * text reads back as (report__num), so a chart's point and the table's cell
 * are the same number. NAN prints as "-". */

#define REPORT_NUM_MAX 48
typedef char report_num_t[REPORT_NUM_MAX];

const char *report__int(report_num_t out, int64_t v);        /* 12,345 */
const char *report__fixed(report_num_t out, double v, int decimals);   /* 1,234.5 */
const char *report__ms(report_num_t out, double ms);         /* duration: 123.4 */
const char *report__secs(report_num_t out, int64_t ms);      /* 12.345 s */
const char *report__pct_of(report_num_t out, double part, double whole);   /* 12.3% */
const char *report__usd(report_num_t out, double usd);       /* 0.000123 */
const char *report__change(report_num_t out, double cur, double base);     /* +12.3%, -, 0.0% */
const char *report__time(report_num_t out, int64_t ms);      /* 2026-12-07 01:02:03Z */
const char *report__clock(report_num_t out, int64_t ms, int64_t bucket_ms);   /* 01:02 or 01:02:03 */
const char *report__span(report_num_t out, int64_t ms);      /* 10 s, 5 min, 1 h */
/* The number a printed text reads as ("1,234.5" -> 1234.5; "-" -> NAN). */
double report__num(const char *text);

/* A column of a table: a field of a report_fig_t (summary tables) or a
 * report_point_t (the series), and how it is printed. Both writers
 * iterate the same tables. */
typedef enum report_vtype { RV_I64, RV_I32, RV_DBL } report_vtype_t;
typedef enum report_show {
    RS_INT,                   /* 12,345 */
    RS_FIXED,                 /* decimals as given */
    RS_MS,                    /* a duration in ms: 1 decimal */
    RS_SECS,                  /* ms printed as seconds: 12.345 s */
    RS_USD,                   /* 6 decimals */
    RS_TIME,                  /* an instant; "-" when the field at off2 is 0 */
    RS_LIMIT,                 /* a limit; " (account)" when the field at off2 is 0 */
    RS_PCT,                   /* the field as a share of the field at off2 */
} report_show_t;

typedef struct report_col {
    const char *head;
    size_t off;
    report_vtype_t type;
    report_show_t show;
    int decimals;             /* RS_FIXED */
    size_t off2;              /* RS_TIME, RS_LIMIT, RS_PCT */
    report_vtype_t type2;
    int compare;              /* shown against the baseline with its change */
} report_col_t;

/* What a function the baseline did not have stands against: nothing
 * counted, no durations, no cost per invocation, the same limit. */
void report__absent(report_fig_t *out, const report_fig_t *like);
/* The baseline's figures of the function (or the total) named name; NULL
 * without a baseline or when it did not have it. */
const report_fig_t *report__base_of(const report_t *r, const char *name);

/* A cell's text, and the number it is (NAN when none). */
const char *report__cell(report_num_t out, const report_col_t *c, const void *rec);
double report__value(const report_col_t *c, const void *rec);

typedef struct report_table {
    const char *title;
    const report_col_t *cols;
    int ncols;
} report_table_t;

/* The summary tables (traffic and latency, concurrency and limits, cold
 * starts, failures and throttling, cost, how the times were learnt) of a
 * report_fig_t, and the series' columns of a report_point_t. */
extern const report_table_t report__tables[];
extern const int report__ntables;
extern const report_col_t report__series_cols[];
extern const int report__nseries_cols;

/* ---- report_svg.c ------------------------------------------------------------ */

typedef struct report_line {
    const char *head;         /* the series' column head (data-col) */
    const char *cls;          /* its CSS class (colour) */
    double *v;                /* nb values (NAN: none), owned by the caller */
    int bars;                 /* drawn as stacked bars instead of a line */
    int dashed;               /* the baseline's */
} report_line_t;

typedef struct report_chart {
    const char *title;
    const char *table;        /* the table its numbers are in (data-table) */
    const char *unit;
    int64_t since, bucket_ms;
    int nb;
    const report_line_t *lines;
    int nlines;
    double limit;             /* a limit line, or NAN */
} report_chart_t;

/* Append the chart as an <svg> element. */
void report__svg(buf_t *b, const report_chart_t *c);

#endif
