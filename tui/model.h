/* tui/model.h — what obstop shows, read from the store and kept apart from
 * how it is drawn (views/). Every model reads a read-only connection:
 *   overview  per-function rows of a window, a totals row, the header's
 *             facts and per-minute series — from rollup_minute only;
 *   detail    one function: series, duration histogram, cold starts by
 *             runtime version and memory size, grouped errors, recent
 *             timeouts and crashes, memory sizes seen with their cost;
 *   emf       EMF series with latest/avg/max and per-minute values, and
 *             EMF errors with their reasons;
 *   tail      the newest events matching an obsq filter, followed live;
 *   concur    concurrency per function and minute, kept between refreshes.
 * Times are epoch ms; a window is [since, until). */
#ifndef OBS_TUI_MODEL_H
#define OBS_TUI_MODEL_H

#include "common/err.h"
#include "common/limits.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdint.h>

/* ---- window ------------------------------------------------------------ */

typedef struct model_window {
    int64_t span_ms;          /* 0 = all the store holds */
    int64_t since_ms, until_ms;
    int anchored_to_data;     /* the store's data ends before now - span: the
                                 window ends at its last minute instead */
} model_window_t;

/* Resolve a window of span_ms ending now (or at the store's last data, when
 * that is older than the span). */
int model_window_resolve(sqlite3 *db, int64_t span_ms, int64_t now_ms, model_window_t *w,
                         obs_err_t *err);

/* ---- overview ---------------------------------------------------------- */

typedef struct model_prices {
    double gb_second;         /* USD per GB-second (default x86: 0.0000166667) */
    double request;           /* USD per request (default 0.0000002) */
} model_prices_t;

typedef struct fn_row {
    char name[128];
    int64_t events, invocations, errors, timeouts, crashes, oom, throttles, cold;
    int64_t emulated;              /* invocations under an emulator: no memory figures */
    double p50, p95, p99;          /* duration ms, NAN when none */
    double init_avg, init_p99;     /* ms, NAN when no cold start */
    int64_t mem_max, mem_size;     /* bytes, -1 when unknown */
    double duration_sum, billed_sum;   /* ms */
    double gb_seconds, cost;
    int32_t conc_peak;             /* concurrent executions: the window's peak (tui/model_concur.c) */
    int32_t conc_limit;            /* the limit it is held to (--concurrency-limit, else the account's) */
} fn_row_t;

typedef struct agent_state {
    int64_t last_write_ms;    /* newest ingest time or checkpoint, -1 when none */
    int64_t lag_bytes;        /* bytes of the followed files not yet read, -1 unknown */
    int sources, sources_behind;
    /* from the agent's state file "<db>-agent" (store/agent_state.h) */
    enum agent_seen {
        AGENT_NEVER_SEEN,     /* no state file: no agent has followed or imported */
        AGENT_ALIVE,          /* its pid lives: running, importing or paused */
        AGENT_STOPPED,        /* stopped cleanly, at since_ms */
        AGENT_GONE,           /* its pid died without a clean stop */
    } seen;
    int running;              /* alive (following or importing) */
    int importing;            /* ... an import (--once) */
    int paused;               /* ... paused (store locked or full) */
    long pid;
    char reason[128];         /* why, when paused */
    int64_t since_ms;         /* in that state since */
} agent_state_t;

typedef struct overview {
    fn_row_t *rows;           /* sorted by the caller (model_overview_sort) */
    int n;
    fn_row_t total;
    int64_t store_bytes;      /* database + WAL */
    int64_t max_event_id;
    agent_state_t agent;
} overview_t;

/* The rows and totals; the header's facts come from model_header_load. */
int model_overview_load(sqlite3 *db, const char *db_path, const model_window_t *w,
                        const model_prices_t *prices, overview_t *out, obs_err_t *err);
void model_overview_free(overview_t *o);
/* The header's facts into o (store size, newest event id, agent state;
 * the lag too with with_lag, which stats every checkpointed file), for all
 * views that do not show the rows. */
void model_header_load(sqlite3 *db, const char *db_path, overview_t *o, int with_lag);

/* Sort keys of the overview's columns. */
typedef enum fn_sort {
    FS_NAME, FS_INVOCATIONS, FS_ERRORS, FS_ERROR_PCT, FS_TIMEOUTS, FS_CRASHES, FS_THROTTLES,
    FS_COLD, FS_COLD_PCT, FS_P50, FS_P95, FS_P99, FS_INIT_AVG, FS_INIT_P99, FS_MEM_PCT, FS_COST,
    FS_CONC, FS__COUNT
} fn_sort_t;
void model_overview_sort(overview_t *o, fn_sort_t key, int descending);
/* Failed invocations (errors + timeouts + crashes + out-of-memory), as
 * CloudWatch's Errors metric counts them. */
int64_t fn_row_failures(const fn_row_t *r);
double fn_row_key(const fn_row_t *r, fn_sort_t key);

/* ---- per-minute series --------------------------------------------------- */

/* SK_CONC, the peak concurrency of each minute, is not in the rollups:
 * model_series_load leaves it 0 and the app fills it (tui/model_concur.c). */
typedef enum series_kind { SK_INVOCATIONS, SK_ERRORS, SK_COLD, SK_THROTTLES, SK_CONC, SK__COUNT } series_kind_t;

typedef struct series {
    int64_t since_ms;         /* minute of v[0] */
    int n;                    /* minutes, zero-filled */
    double *v[SK__COUNT];
} series_t;

/* Per-minute counts of the window (function NULL = all), zero-filled. */
int model_series_load(sqlite3 *db, const model_window_t *w, const char *function, series_t *out,
                      obs_err_t *err);
void model_series_free(series_t *s);

/* ---- concurrency (tui/model_concur.c) ---------------------------------------- */

typedef struct conc_fn {
    char name[128];
    store_conc_bucket_t *min;  /* per minute of the window: peak, first invocations by kind */
    int32_t level;             /* in flight now */
} conc_fn_t;

/* Kept between refreshes (zero it before the first load). */
typedef struct conc_model {
    int64_t since, until;      /* the window read, whole minutes */
    int nmin;
    int64_t read_id;           /* events up to this id were read */
    conc_fn_t *fns;            /* by name: functions with an invocation in the window */
    int n;
    conc_fn_t all;             /* account-wide: every function's invocations together */
} conc_model_t;

int model_conc_load(store_t *st, const model_window_t *w, int64_t now_ms, conc_model_t *m, obs_err_t *err);
void model_conc_free(conc_model_t *m);
/* A function's figures (NULL: account-wide); NULL when it had none. */
const conc_fn_t *model_conc_of(const conc_model_t *m, const char *function);
/* The window's peak of f (0 for NULL). */
int32_t model_conc_peak(const conc_model_t *m, const conc_fn_t *f);
/* The window's peak, first invocations by kind and invocations by how they
 * were timed, of f. */
store_conc_bucket_t model_conc_sum(const conc_model_t *m, const conc_fn_t *f);
/* function's (NULL: account-wide) peak and limit into row, its minutes'
 * peaks into s's SK_CONC; either may be NULL. */
void model_conc_fill(const conc_model_t *m, const limits_t *l, fn_row_t *row, series_t *s, const char *function);
/* Each row's peak and limit into ov (the totals row: account-wide). */
void model_conc_rows(const conc_model_t *m, const limits_t *l, overview_t *ov);

/* ---- function detail ----------------------------------------------------- */

typedef struct hist_bin { double lo, hi; int64_t count; } hist_bin_t;

typedef struct cold_group {
    char runtime[96];
    int64_t mem_size;         /* bytes */
    int64_t count;
    double init_avg, init_max;
} cold_group_t;

typedef struct error_group {
    char key[160];            /* normalised message */
    char sample[256];         /* one message of the group */
    int64_t count, last_ts;
} error_group_t;

typedef struct failure {
    int64_t ts;
    char request_id[64];
    char outcome[16];         /* timeout, crash, oom, error */
    char error_type[64];
    double duration;
} failure_t;

typedef struct mem_size_row {
    int64_t mem_size, invocations, mem_max;
    double avg_ms, p95_ms, avg_billed_ms, cost_per_million;
} mem_size_row_t;

#define DETAIL_HIST_BINS 12
#define DETAIL_MAX_ROWS 8
#define DETAIL_ERROR_SAMPLE 5000   /* error lines grouped: the newest of the window */

typedef struct detail {
    fn_row_t row;
    series_t series;
    hist_bin_t hist[DETAIL_HIST_BINS];
    int nhist;
    cold_group_t cold[DETAIL_MAX_ROWS];
    int ncold;
    error_group_t errors[DETAIL_MAX_ROWS];
    int nerrors;
    failure_t failures[DETAIL_MAX_ROWS];
    int nfailures;
    mem_size_row_t mem[DETAIL_MAX_ROWS];
    int nmem;
    char hint[256];           /* memory right-sizing advice, "" when none */
} detail_t;

int model_detail_load(sqlite3 *db, const model_window_t *w, const model_prices_t *prices,
                      const char *function, detail_t *out, obs_err_t *err);
void model_detail_free(detail_t *d);

/* ---- EMF ----------------------------------------------------------------- */

typedef struct emf_row {
    char *label;              /* owned: "Namespace Name {dims}" */
    char *unit;               /* owned */
    double latest, avg, max;
    int64_t count;
    double *minutes;          /* owned: per-minute max over the window, zero-filled */
    int nminutes;
} emf_row_t;

typedef struct emf_err_row {
    char *function, *reason;  /* owned */
    int status;               /* 2 parse error, 3 invalid */
    int64_t count;
} emf_err_row_t;

typedef struct emf_model {
    emf_row_t *rows;
    int n;
    emf_err_row_t *errors;
    int nerrors;
} emf_model_t;

/* function NULL = every series. */
int model_emf_load(store_t *st, const model_window_t *w, const char *function, emf_model_t *out,
                   obs_err_t *err);
void model_emf_free(emf_model_t *m);

/* ---- live tail ------------------------------------------------------------ */

typedef struct tail_line {
    int64_t id, ts;
    char *function, *stream, *request_id, *type, *message;   /* owned; NULL when absent */
} tail_line_t;

typedef struct tail tail_t;

/* A tail of at most cap lines. */
tail_t *tail_new(int cap);
void tail_free(tail_t *t);
/* Set the filter (an obsq filter expression, "" = none), the function
 * (NULL = all) and whether START/END/REPORT lines are hidden; the next
 * poll reloads. A filter that does not compile is refused with the
 * position and what was expected in err, and the old one is kept. */
int tail_configure(tail_t *t, const char *filter, const char *function, int hide_platform,
                   obs_err_t *err);
/* Read what is new (everything, after a configure). Returns 0 or an error. */
int tail_poll(tail_t *t, sqlite3 *db, obs_err_t *err);
int tail_count(const tail_t *t);
/* Line i, 0 = oldest kept. */
const tail_line_t *tail_line(const tail_t *t, int i);
const char *tail_filter(const tail_t *t);

/* Every event of a request: lines of "HH:MM:SS.mmm message" into a
 * malloc'd array of malloc'd strings (*n of them). */
int model_request_lines(sqlite3 *db, const char *request_id, char ***lines, int *n, obs_err_t *err);
void model_lines_free(char **lines, int n);

#endif
