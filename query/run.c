/* query/run.c — executes a plan (see run.h). Zero-fill: when the result is
 * grouped only by bin() of a fixed-length unit (ms .. weeks), rows arrive
 * in bin order and every missing bin between the first and the last (or
 * the query range's edges) is written with 0 in the other columns, so a
 * quiet minute shows as 0 instead of vanishing — inside the fill range
 * only (run.h): one event in year 9999 or 0000 is a row of its own, never
 * billions of empty bins up to it. */
#include "query/run.h"
#include "common/clock.h"
#include "common/isotime.h"
#include "common/timesane.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

static const int64_t unit_ms[] = { 1, 1000, 60000, 3600000, 86400000, 604800000 };
static const int64_t unit_cap[] = { 1000, 60, 60, 24, 0, 0 };

int query_bind_plan(sqlite3_stmt *st, const query_plan_t *p)
{
    for (int i = 0; i < p->nparams; i++) {
        const query_param_t *q = &p->params[i];
        int rc;
        switch (q->type) {
        case QPT_INT: rc = sqlite3_bind_int64(st, i + 1, q->i); break;
        case QPT_REAL: rc = sqlite3_bind_double(st, i + 1, q->d); break;
        case QPT_TEXT: rc = sqlite3_bind_text(st, i + 1, q->s, -1, SQLITE_STATIC); break;
        default: rc = sqlite3_bind_null(st, i + 1); break;
        }
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

void query_read_row(sqlite3_stmt *st, int n, qval_t *row)
{
    for (int i = 0; i < n; i++) {
        qval_t *v = &row[i];
        memset(v, 0, sizeof *v);
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            v->type = QV_INT;
            v->i = sqlite3_column_int64(st, i);
            break;
        case SQLITE_FLOAT:
            v->type = QV_REAL;
            v->d = sqlite3_column_double(st, i);
            break;
        case SQLITE_NULL:
            v->type = QV_NULL;
            break;
        default:
            v->type = QV_TEXT;
            v->len = (size_t)sqlite3_column_bytes(st, i);
            v->s = xstrndup((const char *)sqlite3_column_text(st, i), v->len);
            break;
        }
    }
}

/* Bin width in ms, or 0 when not fixed (months, quarters, years). */
static int64_t bin_width(const query_plan_t *p)
{
    if (p->fill_unit < 0 || p->fill_unit > 5)
        return 0;
    int64_t n = p->fill_n;
    if (unit_cap[p->fill_unit] && n > unit_cap[p->fill_unit])
        n = unit_cap[p->fill_unit];  /* as obs_datefloor caps it */
    return n > 0 ? n * unit_ms[p->fill_unit] : 0;
}

static int capped(const query_run_opts_t *o, int64_t rows)
{
    return o->max_rows > 0 && rows >= o->max_rows;
}

static void write_zero_rows(qformat_t *out, const query_plan_t *p, const query_run_opts_t *o,
                            int64_t from, int64_t to, int64_t step, int64_t *rows)
{
    qval_t *row = xcalloc((size_t)p->ncolumns, sizeof *row);
    for (int64_t t = from; t < to && !capped(o, *rows); t += step) {
        for (int i = 0; i < p->ncolumns; i++) {
            memset(&row[i], 0, sizeof row[i]);
            /* counts and sums of an empty bin are 0; averages, maxima... are nothing */
            row[i].type = i == p->fill_column || p->columns[i].fill_zero ? QV_INT : QV_NULL;
            row[i].i = i == p->fill_column ? t : 0;
        }
        qformat_row(out, row);
        (*rows)++;
    }
    free(row);
}

static int64_t floor_to(int64_t t, int64_t w)
{
    return t - (((t % w) + w) % w);
}

int query_prepare_plan(sqlite3 *db, const query_plan_t *plan, sqlite3_stmt **out, obs_err_t *err)
{
    *out = NULL;
    if (sqlite3_prepare_v2(db, plan->sql, -1, out, NULL) == SQLITE_OK && query_bind_plan(*out, plan) == SQLITE_OK)
        return 0;
    const char *why = sqlite3_errmsg(db);
    if (strstr(why, "parser stack overflow") || strstr(why, "too large"))
        obs_err_set(err, OBS_EDB,
                    "the query nests expressions deeper than SQLite can compile (%s): use fewer nested "
                    "parentheses, functions or operators, or compute a part in an earlier fields command", why);
    else
        obs_err_set(err, OBS_EDB, "preparing the query: %s", why);
    sqlite3_finalize(*out);
    *out = NULL;
    return OBS_EDB;
}

void query_fill_range(const query_plan_t *p, const query_run_opts_t *o, int64_t *lo, int64_t *hi)
{
    int64_t w = o->fill && p->fill_column >= 0 ? bin_width(p) : 0;
    int64_t world_hi = obs_wall_ms() + OBS_TIME_AHEAD_MAX_MS;
    int64_t a = o->since_ms >= 0 ? o->since_ms : o->data_first;
    int64_t b = o->until_ms >= 0 ? o->until_ms : o->data_last > 0 ? o->data_last + 1 : world_hi;
    if (a < OBS_TIME_SANE_MIN_MS)
        a = OBS_TIME_SANE_MIN_MS;
    if (b > world_hi)
        b = world_hi;
    *lo = *hi = 0;
    if (w && a < b) {
        *lo = floor_to(a, w);
        *hi = b;
    }
}

/* The rows the fill writes: from the range's start (with --since/--start)
 * or the first row's bin, to the range's end (with --end) or the last
 * row's bin; no row: the whole range when both edges are given. */
int64_t query_sink_fill_rows(const query_sink_t *s)
{
    int64_t w = s->want_w;
    int since = s->o->since_ms >= 0, until = s->o->until_ms >= 0;
    if (!w)
        return 0;
    if (!s->data_rows)
        return since && until ? s->bound : 0;
    int64_t a = since ? s->lo : s->first, b = until ? s->hi - 1 : s->last;
    return b < a ? 0 : (b - a) / w + 1;
}

void query_sink_init(query_sink_t *s, const query_plan_t *p, const query_run_opts_t *o, qformat_t *out)
{
    memset(s, 0, sizeof *s);
    s->plan = p;
    s->o = o;
    s->out = out;
    s->w = o->fill && p->fill_column >= 0 ? bin_width(p) : 0;
    query_fill_range(p, o, &s->lo, &s->hi);
    if (s->lo >= s->hi)
        s->w = 0;   /* no range to fill in */
    s->next = s->w && o->since_ms >= 0 ? s->lo : INT64_MIN;
    s->want_w = s->w;
    if (!s->w)
        return;
    s->bound = (s->hi - s->lo - 1) / s->w + 1;
    /* the range alone decides it when the fill cannot write too many rows */
    s->pending = (o->max_bins > 0 && s->bound > o->max_bins) ||
                 (!o->fill_sparse && s->bound > QUERY_FILL_SPARSE_MIN);
}

/* The empty bins from the last row in range to the range's end, when the
 * query asked for an end. */
static void trail(query_sink_t *s)
{
    if (s->trailed || !s->w)
        return;
    s->trailed = 1;
    if (s->next != INT64_MIN && s->o->until_ms >= 0 && !capped(s->o, s->rows))
        write_zero_rows(s->out, s->plan, s->o, s->next, s->hi, s->w, &s->rows);
}

static void free_row(const query_plan_t *p, qval_t *row)
{
    for (int i = 0; i < p->ncolumns; i++) {
        free(row[i].s);
        row[i].s = NULL;
    }
}

/* Write one row, after the empty bins before it (s->w = 0: none). */
static int put_row(query_sink_t *s, qval_t *row)
{
    const query_plan_t *p = s->plan;
    if (!capped(s->o, s->rows) && s->w && row[p->fill_column].type == QV_INT) {
        int64_t t = row[p->fill_column].i;
        if (t >= s->hi) {
            trail(s);   /* rows come in bin order: the range is behind */
        } else if (t >= s->lo) {
            if (s->next != INT64_MIN && t > s->next)
                write_zero_rows(s->out, p, s->o, s->next, t, s->w, &s->rows);
            s->next = t + s->w;
        }
    }
    if (capped(s->o, s->rows)) {
        free_row(p, row);
        return 1;
    }
    qformat_row(s->out, row);
    s->rows++;
    return capped(s->o, s->rows);
}

/* Decided: fill (left_out 0) or not; the held rows out. */
static int release(query_sink_t *s, int left_out)
{
    int full = 0, n = s->plan->ncolumns;
    s->pending = 0;
    s->left_out = left_out;
    if (left_out)
        s->w = 0;
    for (int64_t i = 0; i < s->nheld; i++) {
        qval_t *row = &s->held[i * n];
        if (full)
            free_row(s->plan, row);
        else
            full = put_row(s, row);
    }
    free(s->held);
    s->held = NULL;
    s->nheld = s->held_cap = 0;
    return full;
}

/* Is the fill decided by what is known (the rows so far, or all of them
 * at the end)? 1 and *left_out when it is. */
static int decide(const query_sink_t *s, int at_end, int *left_out)
{
    const query_run_opts_t *o = s->o;
    int64_t rows = query_sink_fill_rows(s);  /* at the end the count; else at least that */
    *left_out = 0;
    if (o->max_bins > 0 && rows > o->max_bins) {
        *left_out = 1;
        return 1;
    }
    if (at_end) {
        if (!o->fill_sparse && rows > QUERY_FILL_SPARSE_MIN && rows > QUERY_FILL_SPARSE_RATIO * s->data_rows)
            *left_out = 2;
        return 1;
    }
    /* the range's bins bound the fill: within both limits it is decided */
    return (o->max_bins <= 0 || s->bound <= o->max_bins) &&
           (o->fill_sparse || s->bound <= QUERY_FILL_SPARSE_MIN || s->bound <= QUERY_FILL_SPARSE_RATIO * s->data_rows);
}

int query_sink_row(query_sink_t *s, qval_t *row)
{
    const query_plan_t *p = s->plan;
    s->seen++;
    if (s->want_w && row[p->fill_column].type == QV_INT) {
        int64_t t = row[p->fill_column].i;
        if (t >= s->lo && t < s->hi) {
            if (!s->data_rows++)
                s->first = t;
            s->last = t;
        }
    }
    if (!s->pending)
        return put_row(s, row);
    if (s->nheld == s->held_cap) {
        s->held_cap = s->held_cap ? 2 * s->held_cap : 64;
        s->held = xrealloc(s->held, (size_t)s->held_cap * (size_t)p->ncolumns * sizeof *s->held);
    }
    memcpy(&s->held[s->nheld++ * p->ncolumns], row, (size_t)p->ncolumns * sizeof *row);
    int left_out;
    return decide(s, 0, &left_out) ? release(s, left_out) : 0;
}

/* A bin width as bin() writes it: 5m, 1h, 500ms. */
static void width_text(int64_t w, char out[32])
{
    static const struct { int64_t ms; const char *unit; } u[] = {
        { 604800000, "w" }, { 86400000, "d" }, { 3600000, "h" }, { 60000, "m" }, { 1000, "s" },
    };
    for (size_t i = 0; i < sizeof u / sizeof *u; i++)
        if (w % u[i].ms == 0) {
            snprintf(out, 32, "%lld%s", (long long)(w / u[i].ms), u[i].unit);
            return;
        }
    snprintf(out, 32, "%lldms", (long long)w);
}

void query_sink_end(query_sink_t *s)
{
    int left_out;
    if (s->pending && decide(s, 1, &left_out))
        release(s, left_out);
    trail(s);
    if (!s->left_out || !s->o->notes)
        return;
    int64_t rows = query_sink_fill_rows(s);
    char from[32], to[32], width[32];
    isotime_format(s->o->since_ms >= 0 ? s->lo : s->first, from);
    isotime_format(s->o->until_ms >= 0 ? s->hi : s->last + s->want_w, to);
    width_text(s->want_w, width);
    fprintf(s->o->notes,
            "note: not zero-filled: only the %lld bin%s with data %s written, as CloudWatch does; filling the "
            "empty %s bins from %s to %s would write %lld rows, ",
            (long long)s->seen, s->seen == 1 ? "" : "s", s->seen == 1 ? "is" : "are", width, from, to,
            (long long)rows);
    if (s->left_out == 1)
        fprintf(s->o->notes, "more than --max-bins %lld", (long long)s->o->max_bins);
    else
        fprintf(s->o->notes, "over %d for each bin with data", QUERY_FILL_SPARSE_RATIO);
    fprintf(s->o->notes, " (--max-bins %lld fills them; --no-fill says not to)\n", (long long)rows);
}

void query_sink_drop(query_sink_t *s)
{
    for (int64_t i = 0; i < s->nheld; i++)
        free_row(s->plan, &s->held[i * s->plan->ncolumns]);
    free(s->held);
    s->held = NULL;
    s->nheld = s->held_cap = 0;
}

int query_run(sqlite3 *db, const query_plan_t *p, const query_run_opts_t *o, qformat_t *out,
              int64_t *rows_out, int64_t *max_id, obs_err_t *err)
{
    sqlite3_stmt *st = NULL;
    query_sink_t sink;
    int rc = SQLITE_DONE;
    if (query_prepare_plan(db, p, &st, err))
        return OBS_EDB;
    query_sink_init(&sink, p, o, out);
    qval_t *row = xcalloc((size_t)p->ncolumns + 1, sizeof *row);
    while (!capped(o, sink.rows) && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        query_read_row(st, p->ncolumns, row);
        if (max_id && p->has_ids) {
            int64_t id = sqlite3_column_int64(st, p->ncolumns);
            if (id > *max_id)
                *max_id = id;
        }
        if (query_sink_row(&sink, row))
            break;
    }
    if (capped(o, sink.rows))
        rc = SQLITE_DONE;
    if (rc == SQLITE_DONE)
        query_sink_end(&sink);
    else
        query_sink_drop(&sink);
    free(row);
    if (rc != SQLITE_DONE) {
        obs_err_set(err, OBS_EDB, "running the query: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return OBS_EDB;
    }
    sqlite3_finalize(st);
    *rows_out = sink.rows;
    return 0;
}

/* A query reads most pages once. Buffers recycled from a cache smaller than
 * the CPU's L2 are still in it when the next page is copied in: measured on
 * 2M lines, the rare-substring count 10.7-11.3 -> 9.2-9.7 ms, the frequent
 * word 83-110 -> 78-81 ms; the GROUP BY by stream unchanged (64 KiB slowed
 * it by 20%). obstop keeps the default: it reads the same pages every frame. */
int query_connection_setup(sqlite3 *db, const query_sqlctx_t *ctx, obs_err_t *err)
{
    sqlite3_exec(db, "PRAGMA cache_size=-256", NULL, NULL, NULL);
    return query_sqlfuncs_register(db, ctx, err);
}

int query_explain(sqlite3 *db, const query_plan_t *p, FILE *f, obs_err_t *err)
{
    sqlite3_stmt *st = NULL;
    size_t n = strlen(p->sql) + 32;
    char *sql = xmalloc(n);
    snprintf(sql, n, "EXPLAIN QUERY PLAN %s", p->sql);
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    free(sql);
    if (rc != SQLITE_OK || query_bind_plan(st, p) != SQLITE_OK) {
        obs_err_set(err, OBS_EDB, "explaining the query: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return OBS_EDB;
    }
    while (sqlite3_step(st) == SQLITE_ROW)
        fprintf(f, "  %*s%s\n", 0, "", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
    return 0;
}
