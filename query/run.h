/* query/run.h — runs a query plan on a store connection: binds the
 * parameters, steps the rows into a formatter, zero-fills time bins. */
#ifndef OBS_QUERY_RUN_H
#define OBS_QUERY_RUN_H

#include "query/emit_sql.h"
#include "query/format.h"
#include "query/sqlfuncs/sqlfuncs.h"

#include <sqlite3.h>
#include <stdio.h>

/* Zero-fill writes the empty bins only inside one range: the query's
 * range when it has one (each edge), else the data's sane extent, both
 * clipped to the sane world [2000-01-01, now + 1 day] (common/timesane.h).
 * A row outside it (an absurd time) is written as it is, with no empty
 * bins around it. The fill is left out, and only the bins with data are
 * written (as CloudWatch does), when it would write more than max_bins
 * rows, or, unless fill_sparse, more than QUERY_FILL_SPARSE_MIN rows and
 * more than QUERY_FILL_SPARSE_RATIO times the rows with data: a note on
 * o->notes then says so, how many rows the fill would have written and
 * the --max-bins that fills them. Where the range does not decide it (the
 * range's bins are an upper bound: the fill starts at the first row
 * without a start, ends at the last without an end), the sink holds the
 * rows until it knows: at most max_bins rows, or 1/RATIO of the range's
 * bins. */
#define QUERY_FILL_SPARSE_MIN 1000
#define QUERY_FILL_SPARSE_RATIO 100
typedef struct query_run_opts {
    int fill;                /* zero-fill bins (plan->fill_column >= 0) */
    int64_t since_ms, until_ms;  /* the query range, to fill to its edges (-1 = none) */
    int64_t max_rows;            /* 0 = no cap (with fill the cap is applied here) */
    int64_t data_first, data_last; /* the data's sane extent (0 = not known: the world's) */
    int64_t max_bins;            /* fill at most this many rows (0 = no cap) */
    int fill_sparse;             /* fill however few bins have data (obsq --max-bins given) */
    FILE *notes;                 /* where a left-out fill is said (NULL: nowhere) */
} query_run_opts_t;

/* The zero-fill range [*lo, *hi) of a plan run with o (*lo >= *hi: no
 * fill), its first bin aligned. */
void query_fill_range(const query_plan_t *p, const query_run_opts_t *o, int64_t *lo, int64_t *hi);

/* Returns 0, or OBS_EDB with SQLite's message (a regex limit, ...). With a
 * plan built with_ids and max_id non-NULL, *max_id becomes the largest event
 * id printed (left as it was when none). */
int query_run(sqlite3 *db, const query_plan_t *plan, const query_run_opts_t *o, qformat_t *out,
              int64_t *rows_out, int64_t *max_id, obs_err_t *err);

/* The rows of a plan out through zero-fill and the row cap: query_run's
 * last stage, shared with run_split.c. */
typedef struct query_sink {
    const query_plan_t *plan;
    const query_run_opts_t *o;
    qformat_t *out;
    int64_t rows;                /* rows written, zero-filled ones included */
    int64_t w, next;             /* zero-fill: the bin width (0 = none), the next bin */
    int64_t lo, hi;              /* zero-fill: only in [lo, hi) (query_fill_range) */
    int trailed;                 /* the empty bins up to the range's end are written */
    /* whether to fill (run.h, above) */
    int64_t want_w;              /* the bin width the fill would use (0: no fill asked) */
    int64_t bound;               /* bins in [lo, hi): at least the rows the fill writes */
    int64_t seen;                /* rows given */
    int64_t data_rows;           /* rows in [lo, hi) */
    int64_t first, last;         /* their first and last bin */
    int pending;                 /* undecided: rows held in held[] */
    int left_out;                /* 0 filled (or none asked), 1 over max_bins, 2 too sparse */
    qval_t *held;                /* nheld rows of plan->ncolumns values */
    int64_t nheld, held_cap;
} query_sink_t;

void query_sink_init(query_sink_t *s, const query_plan_t *p, const query_run_opts_t *o, qformat_t *out);
/* Write one row (its values are taken over, or freed when dropped), after
 * the empty bins before it; 1 once the cap is reached, else 0. */
int query_sink_row(query_sink_t *s, qval_t *row);
/* After the last row: the empty bins up to the query range's end (or, the
 * fill left out, the held rows and the note). */
void query_sink_end(query_sink_t *s);
/* The rows a zero-fill writes, the rows with data among them included,
 * given the rows seen so far (run.h, above). */
int64_t query_sink_fill_rows(const query_sink_t *s);
/* Instead of query_sink_end, on an error: the held rows freed, unwritten. */
void query_sink_drop(query_sink_t *s);
/* The current row's first n columns as values (text copied). */
void query_read_row(sqlite3_stmt *st, int n, qval_t *row);

/* Bind the plan's parameters (?1..?n) to a statement prepared from its SQL;
 * an SQLite result code. For callers that step the rows themselves. */
int query_bind_plan(sqlite3_stmt *st, const query_plan_t *plan);
/* Prepare the plan's SQL and bind its parameters: 0, or OBS_EDB with what
 * went wrong in *err (a query that nests deeper than SQLite's parser can
 * take is said to be so, with what to do about it). */
int query_prepare_plan(sqlite3 *db, const query_plan_t *plan, sqlite3_stmt **out, obs_err_t *err);

/* Set up a read connection to run queries on (obsq's, and a split run's
 * helpers'): the SQL functions with ctx (sqlfuncs.h), and a page cache of
 * 256 KiB instead of SQLite's 2 MiB (see run.c). 0, or OBS_EDB. */
int query_connection_setup(sqlite3 *db, const query_sqlctx_t *ctx, obs_err_t *err);

/* EXPLAIN QUERY PLAN of the plan's SQL, one line per step, to f. */
int query_explain(sqlite3 *db, const query_plan_t *plan, FILE *f, obs_err_t *err);

#endif
