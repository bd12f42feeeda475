/* query/run_split.c — a query in parts on several threads (run_split.h).
 * A part is the same query planned over a narrower range of events
 * (query_plan_opts_t part_*, since/until): for binned stats a run of whole
 * bins — the parts' rows, each part's in bin order, concatenate; for a stats
 * without by a range of event ids — each part's one row merges column by
 * column (counts and sums add; minima and maxima compare by value, a
 * number before any text, as obs_min and obs_max do: text is a part's
 * answer only when none of its values is a number). There are a few parts per thread, taken in turn by whichever
 * thread is free: the calling thread starts at once on its connection while
 * the others open theirs, so a small query is done before they are ready,
 * and a part with more matches than the others does not hold up the run.
 * Parts collect their (few) rows in memory; the merged rows go out through
 * query_sink (zero-fill, row cap). */
#include "query/run_split.h"
#include "query/emit_sql.h"
#include "common/xalloc.h"
#include "store/store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parts per thread: enough to even out uneven parts, few enough that the
 * per-part cost (a statement reset, the full-text lookup of its range)
 * stays small. */
#define PARTS_PER_THREAD 4

typedef struct part {
    query_plan_t *plan;
    qval_t *rows;                 /* nrows rows of plan->ncolumns values */
    int64_t nrows, cap;
} part_t;

typedef struct split_run {
    part_t *parts;
    int nparts;
    atomic_int next;              /* the next part to take */
    atomic_int failed;            /* a part failed: take no more */
    const query_split_opts_t *so;
} split_run_t;

typedef struct worker {
    split_run_t *run;
    sqlite3 *db;                  /* the caller's connection (worker 0) or its own */
    obs_err_t err;
    int rc;
} worker_t;

static int cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > SPLIT_MAX_THREADS ? SPLIT_MAX_THREADS : (int)n;
}

/* Fewer than min full-text candidates? Counting stops there: ~0.3 ms for
 * 3,000 candidates, ~1 ms for 150,000 (min 20,000). */
static int few_candidates(sqlite3 *db, const query_plan_t *plan, int64_t min)
{
    sqlite3_stmt *st = NULL;
    int few = 1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM (SELECT 1 FROM events_fts WHERE events_fts MATCH ?1 LIMIT ?2)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, plan->params[plan->match_param].s, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, min);
        if (sqlite3_step(st) == SQLITE_ROW)
            few = sqlite3_column_int64(st, 0) < min;
    }
    sqlite3_finalize(st);
    return few;
}

int query_split_parts(sqlite3 *db, const query_plan_t *plan, const query_split_opts_t *so, int *threads,
                      int64_t *first_id, int64_t *last_id)
{
    sqlite3_stmt *st = NULL;
    int64_t events = 0, parts;
    *threads = 1;
    *first_id = *last_id = 0;
    if (plan->split == QSPLIT_NONE || so->threads == 1 || !so->db_path)
        return 1;
    /* two lookups: min() and max() together would scan the table */
    if (sqlite3_prepare_v2(db, "SELECT (SELECT min(id) FROM events), (SELECT max(id) FROM events)", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 1) == SQLITE_INTEGER) {
        *first_id = sqlite3_column_int64(st, 0);
        *last_id = sqlite3_column_int64(st, 1);
        events = *last_id - *first_id + 1;
    }
    sqlite3_finalize(st);
    int t = so->threads > 1 ? so->threads : cpus();
    int64_t min_events = so->threads > 1 ? 1 : so->min_events > 0 ? so->min_events : SPLIT_MIN_EVENTS;
    int64_t min_candidates = so->min_candidates > 0 ? so->min_candidates : SPLIT_MIN_CANDIDATES;
    if (t < 2 || events < min_events ||
        (so->threads == 0 && plan->match_param >= 0 && few_candidates(db, plan, min_candidates)))
        return 1;
    parts = (int64_t)t * PARTS_PER_THREAD;
    if (plan->split == QSPLIT_BINS) {
        int64_t bins = (plan->split_last_ms - plan->split_first_ms) / plan->split_width_ms + 1;
        if (bins < parts)
            parts = bins;
    } else if (events < parts) {
        parts = events;
    }
    if (parts < 2)
        return 1;
    *threads = t < parts ? t : (int)parts;
    return (int)parts;
}

/* ---- running the parts --------------------------------------------------- */

/* Run one part on w's connection; *st is the worker's statement, kept while
 * the parts' SQL is the same (only the parameters differ). */
static int part_collect(worker_t *w, part_t *pt, sqlite3_stmt **st, const char **st_sql)
{
    int n = pt->plan->ncolumns, rc;
    if (*st && strcmp(*st_sql, pt->plan->sql) == 0) {
        sqlite3_reset(*st);
        if (query_bind_plan(*st, pt->plan) != SQLITE_OK)
            return obs_err_set(&w->err, OBS_EDB, "running the query: %s", sqlite3_errmsg(w->db));
    } else {
        sqlite3_finalize(*st);
        *st = NULL;
        if (query_prepare_plan(w->db, pt->plan, st, &w->err))
            return OBS_EDB;
        *st_sql = pt->plan->sql;
    }
    while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
        if (pt->nrows == pt->cap) {
            pt->cap = pt->cap ? pt->cap * 2 : 4;
            pt->rows = xrealloc(pt->rows, (size_t)(pt->cap * n) * sizeof *pt->rows);
        }
        query_read_row(*st, n, &pt->rows[pt->nrows * n]);
        pt->nrows++;
    }
    if (rc != SQLITE_DONE)
        return obs_err_set(&w->err, OBS_EDB, "running the query: %s", sqlite3_errmsg(w->db));
    return 0;
}

/* Take parts until none is left (or one failed). */
static void work(worker_t *w)
{
    split_run_t *r = w->run;
    sqlite3_stmt *st = NULL;
    const char *st_sql = NULL;
    int k;
    while (!atomic_load(&r->failed) && (k = atomic_fetch_add(&r->next, 1)) < r->nparts)
        if ((w->rc = part_collect(w, &r->parts[k], &st, &st_sql))) {
            atomic_store(&r->failed, 1);
            break;
        }
    sqlite3_finalize(st);
}

/* A helper thread: its own connection, then parts. One that cannot open
 * the store takes none; the others do its share. */
static void *helper(void *arg)
{
    worker_t *w = arg;
    store_t *st = NULL;
    obs_err_t ignored = { 0 };
    if (store_open_readonly(w->run->so->db_path, &st, &ignored) == 0 &&
        query_connection_setup(store_db(st), w->run->so->ctx, &ignored) == 0) {
        w->db = store_db(st);
        work(w);
    }
    store_close(st, NULL);
    return NULL;
}

/* ---- merging ------------------------------------------------------------- */

static double num(const qval_t *v)
{
    return v->type == QV_INT ? (double)v->i : v->d;
}

/* SQLite's order of values: NULL, numbers (by value), text (by bytes). */
static int val_cmp(const qval_t *a, const qval_t *b)
{
    int ra = a->type == QV_NULL ? 0 : a->type == QV_TEXT ? 2 : 1;
    int rb = b->type == QV_NULL ? 0 : b->type == QV_TEXT ? 2 : 1;
    if (ra != rb || ra == 0)
        return ra - rb;
    if (ra == 1) {
        if (a->type == QV_INT && b->type == QV_INT)
            return a->i < b->i ? -1 : a->i > b->i;
        return num(a) < num(b) ? -1 : num(a) > num(b);
    }
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    return c ? c : a->len < b->len ? -1 : a->len > b->len;
}

/* Merge v (taken over) into acc as column merge m; OBS_EDB on an integer
 * overflow of a sum, as SQLite's sum() fails on it. Parts come in id
 * order, so of equal minima (1 and 1.0) the first one's stays, as in one
 * pass over the events. */
static int merge_value(qval_t *acc, qval_t *v, query_merge_t m, obs_err_t *err)
{
    int keep_v = 0, rc = 0;
    if (v->type == QV_NULL) {
        keep_v = 0;
    } else if (acc->type == QV_NULL) {
        keep_v = 1;
    } else if (m == QMERGE_COUNT || m == QMERGE_SUM) {
        if (acc->type == QV_INT && v->type == QV_INT) {
            if (__builtin_add_overflow(acc->i, v->i, &acc->i))
                rc = obs_err_set(err, OBS_EDB, "running the query: integer overflow");
        } else {
            acc->d = num(acc) + num(v);
            acc->type = QV_REAL;
        }
    } else if ((v->type == QV_TEXT) != (acc->type == QV_TEXT)) {
        keep_v = acc->type == QV_TEXT;  /* a number wins over text, for min and max */
    } else {
        int c = val_cmp(v, acc);
        keep_v = m == QMERGE_MIN ? c < 0 : c > 0;
    }
    if (keep_v) {
        free(acc->s);
        *acc = *v;
    } else {
        free(v->s);
    }
    memset(v, 0, sizeof *v);
    return rc;
}

static void free_values(qval_t *v, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        free(v[i].s);
}

/* The parts' rows out, in part order: concatenated (bins) or merged. */
static int write_rows(split_run_t *r, const query_plan_t *plan, query_sink_t *sink, obs_err_t *err)
{
    int n = plan->ncolumns, rc = 0, full = 0;
    if (plan->split == QSPLIT_BINS) {
        for (int k = 0; k < r->nparts; k++)
            for (int64_t i = 0; i < r->parts[k].nrows; i++) {
                qval_t *row = &r->parts[k].rows[i * n];
                if (full)
                    free_values(row, n);
                else
                    full = query_sink_row(sink, row);
            }
        return 0;
    }
    qval_t *acc = xcalloc((size_t)n, sizeof *acc);
    int have = 0;
    for (int k = 0; k < r->nparts; k++)
        for (int64_t i = 0; i < r->parts[k].nrows; i++, have = 1)
            for (int c = 0; c < n; c++) {
                qval_t *v = &r->parts[k].rows[i * n + c];
                if (rc) {
                    free(v->s);
                    v->s = NULL;
                } else
                    rc = merge_value(&acc[c], v, plan->columns[c].merge, err);
            }
    if (!rc && have)
        query_sink_row(sink, acc);
    else
        free_values(acc, n);
    free(acc);
    return rc;
}

/* ---- the run ------------------------------------------------------------- */

/* Plan part k of n: its share of the bins or of the ids [first, last]. */
static int plan_part(const query_ast_t *q, const query_plan_opts_t *o, const query_plan_t *plan, int k, int n,
                     int64_t first, int64_t last, query_plan_t **out, obs_err_t *err)
{
    query_plan_opts_t po = *o;
    if (plan->split == QSPLIT_BINS) {
        int64_t w = plan->split_width_ms, bins = (plan->split_last_ms - plan->split_first_ms) / w + 1;
        if (k > 0)
            po.since_ms = plan->split_first_ms + w * (bins * k / n);
        if (k < n - 1)
            po.until_ms = plan->split_first_ms + w * (bins * (k + 1) / n);
    } else {
        int64_t span = last - first + 1;
        po.part_first_id = first + span * k / n;
        po.part_last_id = first + span * (k + 1) / n - 1;
    }
    return query_plan_build(q, &po, out, err);
}

int query_run_split(sqlite3 *db, const query_ast_t *q, const query_plan_opts_t *o, const query_plan_t *plan,
                    const query_split_opts_t *so, const query_run_opts_t *ro, qformat_t *out,
                    int64_t *rows_out, obs_err_t *err)
{
    int64_t first, last;
    int nthreads, rc = 0;
    int nparts = query_split_parts(db, plan, so, &nthreads, &first, &last);
    if (nparts <= 1)
        return query_run(db, plan, ro, out, rows_out, NULL, err);

    split_run_t run = { .nparts = nparts, .so = so };
    atomic_init(&run.next, 0);
    atomic_init(&run.failed, 0);
    run.parts = xcalloc((size_t)nparts, sizeof *run.parts);
    for (int k = 0; k < nparts && !rc; k++)
        rc = plan_part(q, o, plan, k, nparts, first, last, &run.parts[k].plan, err);

    worker_t *workers = xcalloc((size_t)nthreads, sizeof *workers);
    pthread_t *threads = xcalloc((size_t)nthreads, sizeof *threads);
    int *started = xcalloc((size_t)nthreads, sizeof *started);
    for (int t = 0; t < nthreads; t++)
        workers[t].run = &run;
    if (!rc) {
        for (int t = 1; t < nthreads; t++)
            started[t] = pthread_create(&threads[t], NULL, helper, &workers[t]) == 0;
        workers[0].db = db;
        work(&workers[0]);  /* without helpers, this does every part */
        for (int t = 1; t < nthreads; t++)
            if (started[t])
                pthread_join(threads[t], NULL);
        for (int t = 0; t < nthreads && !rc; t++)
            if (workers[t].rc) {
                *err = workers[t].err;
                rc = workers[t].rc;
            }
    }
    if (!rc) {
        query_sink_t sink;
        query_sink_init(&sink, plan, ro, out);
        rc = write_rows(&run, plan, &sink, err);
        if (!rc)
            query_sink_end(&sink);
        else
            query_sink_drop(&sink);
        *rows_out = sink.rows;
    }
    for (int k = 0; k < nparts; k++) {
        if (rc)
            free_values(run.parts[k].rows, run.parts[k].nrows * plan->ncolumns);
        free(run.parts[k].rows);
        query_plan_free(run.parts[k].plan);
    }
    free(run.parts);
    free(workers);
    free(threads);
    free(started);
    return rc;
}
