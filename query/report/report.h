/* query/report/report.h — `obsq report`: the capacity figures of a time
 * range, read from the store and written as one self-contained HTML page
 * (inline SVG charts and CSS, nothing fetched) or as Markdown for a pull
 * request. Every number is computed once, here (report_build), and both
 * writers print the same text for it (report_fmt.c); docs/concurrency.md
 * defines each figure.
 *
 *   report_model.c   the range's figures per function and account-wide
 *   report_series.c  the figures per bucket of time
 *   report_power.c   the memory table (Power Tuning's view) and its pick
 *   report_fmt.c     numbers as text, shared by the writers
 *   report_svg.c     line and bar charts as SVG
 *   report_md.c      the Markdown writer
 *   report_html.c    the HTML writer */
#ifndef OBS_QUERY_REPORT_H
#define OBS_QUERY_REPORT_H

#include "common/err.h"
#include "common/limits.h"
#include "store/store.h"

#include <stdint.h>
#include <stdio.h>

typedef struct report_opts {
    int64_t since, until;             /* the range, ms (made whole minutes) */
    int64_t base_since, base_until;   /* the baseline's, or -1 */
    const char *const *functions;     /* only these (nfunctions > 0) */
    int nfunctions;
    limits_t limits;
    double price_gb_s, price_request; /* USD */
    int64_t now;                      /* invocations not ended are open until now */
    const char *db_path;              /* named in the report */
} report_opts_t;

/* Cold starts by kind (docs/concurrency.md). */
typedef struct report_colds {
    int64_t on_demand;        /* an Init Duration a request waited for */
    int64_t early;            /* on demand, initialised before its first request */
    int64_t snap_start;       /* restored from a SnapStart snapshot (the request waited) */
    int64_t provisioned;      /* provisioned concurrency, ahead of requests */
    int64_t user_facing;      /* on_demand + snap_start */
} report_colds_t;

/* One function's figures over a range, or the account's (all functions). */
typedef struct report_fig {
    char name[128];
    int64_t invocations, errors, timeouts, crashes, throttles;   /* rollups; errors: every failed
                                                                    invocation, crashes: with OOM kills */
    double gb_seconds;
    double cost, cost_per_million;        /* USD; NAN without invocations */
    double rate_avg, rate_peak;           /* invocations/s: over the range; its busiest bucket */
    double p50, p95, p99;                 /* duration ms, nearest rank; NAN when none */
    int64_t with_duration;                /* invocations whose REPORT gave a Duration */
    int32_t conc_peak;                    /* concurrent executions at the busiest instant */
    int64_t conc_peak_at;                 /* its first instant, ms */
    double conc_avg;                      /* time-weighted mean over the range */
    int limit, limit_own;                 /* the limit it is held to; its own row? */
    int64_t ms_near, ms_at;               /* time at >= 80% and >= 100% of the limit */
    int32_t envs_peak;                    /* environments alive at once, at most */
    report_colds_t colds;
    int64_t exact, estimated;             /* capacity invocations by how their times were learnt */
    int64_t emulated;                     /* invocations run by an emulator: left out of capacity */
    int64_t open;                         /* not ended at the range's end */
} report_fig_t;

/* The figures of one bucket of time, per function (fn[]) and account-wide. */
typedef struct report_point {
    double rate;                          /* invocations/s */
    double p50, p95, p99;                 /* NAN when none */
    int32_t conc_peak;
    double conc_avg;
    int32_t envs_peak;
    report_colds_t colds;
    int64_t invocations, errors, timeouts, crashes, throttles;
} report_point_t;

/* One memory size seen (non-emulated invocations with a REPORT). */
typedef struct report_mem {
    int64_t memory_mb;
    int64_t invocations;
    double avg_ms, p95_ms, avg_billed_ms;
    double cost_per_invocation, cost_per_million;   /* USD */
} report_mem_t;

/* A function's memory table and the size that would have been cheapest at
 * equal p95: of the sizes whose p95 is no higher than that of the size it
 * ran at most, the one that cost least per invocation. */
typedef struct report_power {
    report_mem_t *rows;                   /* by memory size */
    int n;
    int reference;                        /* the row it ran at most, -1 */
    int cheapest;                         /* the pick, -1 */
} report_power_t;

/* A range's figures. */
typedef struct report_period {
    int64_t since, until;
    int64_t bucket_ms;                    /* the series' bucket */
    int nbuckets;
    int nfns;
    report_fig_t *fns;                    /* by name */
    report_fig_t all;                     /* every function (the account) */
    report_point_t **fn_series;           /* [fn][bucket] */
    report_point_t *all_series;           /* [bucket] */
    report_power_t *power;                /* [fn] */
    int throttles_from_events;            /* sub-minute buckets: throttle signals from the events */
} report_period_t;

typedef struct report {
    report_opts_t opts;
    report_period_t cur;
    report_period_t base;                 /* valid when has_base */
    int has_base;
} report_t;

/* Read and compute everything the report shows. */
int report_build(store_t *st, const report_opts_t *opts, report_t *out, obs_err_t *err);
void report_free(report_t *r);

/* The bucket of a range's series: the smallest of 1 s, 5 s, 10 s, 15 s,
 * 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1 d that gives at most
 * REPORT_MAX_BUCKETS buckets. */
#define REPORT_MAX_BUCKETS 120
int64_t report_bucket_for(int64_t span_ms);

int report_write_md(FILE *out, const report_t *r);
int report_write_html(FILE *out, const report_t *r);

#endif
