/* tui/view_detail.c — one function: its numbers, time series, its
 * concurrency against its limit with its cold starts by kind, duration
 * histogram, cold starts by runtime version and memory size, grouped error
 * messages, recent timeouts and crashes, its EMF metrics and the memory
 * sizes seen with the right-sizing hint. Drawn on a tall canvas and shown
 * from detail_top (scrolls with the arrows). */
#include "tui/view_int.h"
#include "tui/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DETAIL_ROWS 160

static int section(canvas_t *c, int y, const char *title)
{
    canvas_attr(c, y, 0, c->w, CA_HEADER);
    canvas_str(c, y, 0, 0, CA_HEADER, title);
    return y + 1;
}

static int numbers(canvas_t *c, const detail_t *d, int y)
{
    const fn_row_t *r = &d->row;
    char a[32], b[32], e[32], f[32], g[32], h[32], m[32], s[32], cost[32];
    int64_t fails = fn_row_failures(r);
    fmt_pct(r->invocations ? (double)fails / (double)r->invocations : NAN, a, sizeof a);
    fmt_pct(r->invocations ? (double)r->cold / (double)r->invocations : NAN, b, sizeof b);
    canvas_printf(c, y++, 0, 0, CA_BOLD,
                  "invocations %lld  errors %lld (%s)  timeouts %lld  crashes %lld  oom %lld  "
                  "throttles %lld  cold starts %lld (%s)",
                  (long long)r->invocations, (long long)fails, a, (long long)r->timeouts,
                  (long long)r->crashes, (long long)r->oom, (long long)r->throttles,
                  (long long)r->cold, b);
    fmt_ms(r->p50, a, sizeof a);
    fmt_ms(r->p95, b, sizeof b);
    fmt_ms(r->p99, e, sizeof e);
    fmt_ms(r->init_avg, f, sizeof f);
    fmt_ms(r->init_p99, g, sizeof g);
    if (r->mem_max < 0 && r->emulated > 0)
        snprintf(m, sizeof m, "emulated");
    else
        fmt_mb(r->mem_max, m, sizeof m);
    fmt_mb(r->mem_size, s, sizeof s);
    fmt_money(r->cost, cost, sizeof cost);
    snprintf(h, sizeof h, "%.1f", r->gb_seconds);
    canvas_printf(c, y++, 0, 0, CA_NORMAL,
                  "duration p50 %s p95 %s p99 %s  init avg %s p99 %s  memory %s of %s  %s GB-s %s",
                  a, b, e, f, g, m, s, h, cost);
    return y;
}

static int series(canvas_t *c, const detail_t *d, int y)
{
    static const char *label[SK__COUNT] = { "invocations", "errors", "cold starts", "throttles", "concurrency" };
    static const int attr[SK__COUNT] = { CA_GOOD, CA_BAD, CA_BAR, CA_WARN, CA_BAR };
    y = section(c, y, "per minute (the maximum minute of each column)");
    for (int k = 0; k < SK__COUNT; k++) {
        double max = 0;
        for (int i = 0; i < d->series.n; i++)
            max = d->series.v[k][i] > max ? d->series.v[k][i] : max;
        canvas_str(c, y, 0, 12, CA_NORMAL, label[k]);
        view_sparkline(c, y, 12, c->w - 24, attr[k], d->series.v[k], d->series.n);
        canvas_printf(c, y++, c->w - 11, 0, CA_DIM, "max %.0f", max);
    }
    return y;
}

#define CONC_ROWS 6

/* The function's concurrency: its peak against the limit, in flight now,
 * its cold starts by kind, how exact (its invocations timed by their lines
 * or by the time rule: docs/concurrency.md), and a chart of each column's peak (minutes
 * max-pooled) with the limit's line. */
static int concurrency(canvas_t *c, const app_t *a, int y)
{
    const conc_fn_t *f = model_conc_of(&a->conc, a->detail_fn);
    store_conc_bucket_t sum = model_conc_sum(&a->conc, f);
    int own = 0, limit = limits_of(&a->limits, a->detail_fn, &own);
    char title[160];
    snprintf(title, sizeof title, "concurrent executions per minute (the peak of each column) against the %slimit %d",
             own ? "" : "account's ", limit);
    y = section(c, y, title);
    canvas_printf(c, y++, 0, 0, sum.peak >= limit ? CA_BAD : sum.peak >= limits_level(limit, LIMITS_NEAR) ? CA_WARN
                                                                                                        : CA_NORMAL,
                  "peak %d (%.0f%% of the limit)  in flight now %d", (int)sum.peak, 100.0 * sum.peak / limit,
                  f ? (int)f->level : 0);
    canvas_printf(c, y++, 0, 0, CA_NORMAL,
                  "cold starts by kind: on demand %d (a request waited), provisioned %d, SnapStart %d",
                  (int)sum.on_demand, (int)sum.provisioned, (int)sum.snap_start);
    canvas_printf(c, y++, 0, 0, CA_DIM, "timed: %d invocations exact to the line, %d from the time rule",
                  (int)sum.exact, (int)sum.estimated);
    int w = c->w - 14;
    if (!f || w < 8)
        return y;
    double v[1024], col[1024];
    int n = a->conc.nmin < 1024 ? a->conc.nmin : 1024;
    for (int i = 0; i < n; i++)
        v[i] = f->min[i + a->conc.nmin - n].peak;
    if (w > 1024)
        w = 1024;
    spark_pool(v, n, col, w);
    double top = sum.peak > 0 ? sum.peak : 1;
    int limit_shown = limit <= 2 * top;
    if (limit_shown && limit > top)
        top = limit;
    /* a column is as many rows high as its peak is sixths of the top */
    int limit_row = limit_shown ? CONC_ROWS - (int)((double)limit / top * CONC_ROWS + 0.5) : -1;
    for (int r = 0; r < CONC_ROWS; r++) {
        char line[1024 * 3 + 1];
        size_t len = 0;
        for (int x = 0; x < w; x++) {
            int h = (int)(col[x] / top * CONC_ROWS + 0.5);
            if (col[x] > 0 && h == 0)
                h = 1;   /* any execution shows */
            const char *g = h >= CONC_ROWS - r ? (c->ascii ? "#" : "\u2588")
                            : r == limit_row   ? (c->ascii ? "-" : "\u2500")
                                               : " ";
            size_t gl = strlen(g);
            memcpy(line + len, g, gl);
            len += gl;
        }
        line[len] = '\0';
        if (r == limit_row)
            canvas_printf(c, y, 0, 0, CA_WARN, "limit %d", limit);
        else if (r == 0)
            canvas_printf(c, y, 0, 0, CA_DIM, "%8.0f", top);
        else if (r == CONC_ROWS - 1)
            canvas_printf(c, y, 0, 0, CA_DIM, "%8d", 0);
        canvas_str(c, y++, 12, w, CA_BAR, line);
    }
    if (!limit_shown)
        canvas_printf(c, y++, 12, 0, CA_DIM, "limit %d: above the chart", limit);
    return y;
}

static int histogram(canvas_t *c, const detail_t *d, int y)
{
    y = section(c, y, "duration histogram");
    if (d->nhist == 0) {
        canvas_str(c, y++, 0, 0, CA_DIM, "no REPORT durations in this window");
        return y;
    }
    int64_t max = 0;
    for (int i = 0; i < d->nhist; i++)
        max = d->hist[i].count > max ? d->hist[i].count : max;
    int bw = c->w - 32;
    for (int i = 0; i < d->nhist; i++) {
        char lo[32], hi[32], bar[1024];
        fmt_ms(d->hist[i].lo, lo, sizeof lo);
        fmt_ms(d->hist[i].hi, hi, sizeof hi);
        canvas_printf(c, y, 0, 0, CA_NORMAL, "%8s-%-8s", lo, hi);
        int len = max > 0 ? (int)((double)d->hist[i].count / (double)max * bw + 0.999) : 0;
        if (len > bw)
            len = bw;
        bar[0] = '\0';
        for (int k = 0; k < len && (size_t)(k + 1) * 3 < sizeof bar; k++)
            strcat(bar, c->ascii ? "#" : "\u2588");
        canvas_str(c, y, 18, bw, CA_BAR, bar);
        canvas_printf(c, y++, 19 + len, 0, CA_DIM, "%lld", (long long)d->hist[i].count);
    }
    return y;
}

static int cold_starts(canvas_t *c, const detail_t *d, int y)
{
    y = section(c, y, "cold starts by runtime version and memory size");
    if (d->ncold == 0)
        canvas_str(c, y++, 0, 0, CA_DIM, "no cold start in this window");
    else
        canvas_printf(c, y++, 0, 0, CA_DIM, "%-32s %8s %7s %9s %9s", "runtime version", "memory",
                      "count", "init avg", "init max");
    for (int i = 0; i < d->ncold; i++) {
        const cold_group_t *g = &d->cold[i];
        char mem[16], avg[16], max[16];
        fmt_mb(g->mem_size, mem, sizeof mem);
        fmt_ms(g->init_avg, avg, sizeof avg);
        fmt_ms(g->init_max, max, sizeof max);
        canvas_printf(c, y++, 0, 0, CA_NORMAL, "%-32.32s %8s %7lld %9s %9s", g->runtime, mem,
                      (long long)g->count, avg, max);
    }
    return y;
}

static int errors(canvas_t *c, const detail_t *d, int y)
{
    char title[96];
    snprintf(title, sizeof title, "top error messages, of the newest %d error lines (numbers and ids as #)",
             DETAIL_ERROR_SAMPLE);
    y = section(c, y, title);
    if (d->nerrors == 0)
        canvas_str(c, y++, 0, 0, CA_DIM, "no error line in this window");
    for (int i = 0; i < d->nerrors; i++) {
        char last[32];
        view_clock(d->errors[i].last_ts, 1, last, sizeof last);
        int x = canvas_printf(c, y, 0, 0, CA_BAD, "%7lld", (long long)d->errors[i].count);
        x += canvas_printf(c, y, x, 0, CA_DIM, "  last %s  ", last);
        canvas_str(c, y++, x, 0, CA_NORMAL, d->errors[i].key);
    }
    return y;
}

static int failures(canvas_t *c, const detail_t *d, int y)
{
    y = section(c, y, "recent timeouts and crashes");
    if (d->nfailures == 0)
        canvas_str(c, y++, 0, 0, CA_DIM, "none in this window");
    for (int i = 0; i < d->nfailures; i++) {
        const failure_t *f = &d->failures[i];
        char when[32], dur[16];
        view_clock(f->ts, 1, when, sizeof when);
        fmt_ms(f->duration, dur, sizeof dur);
        canvas_printf(c, y++, 0, 0, CA_NORMAL, "%s  %-8s %9s  %-36s %s", when, f->outcome, dur,
                      f->request_id, f->error_type);
    }
    return y;
}

static int emf(canvas_t *c, const app_t *a, int y)
{
    y = section(c, y, "EMF metrics of this function (Tab to the EMF view for all)");
    int shown = 0;
    for (int i = 0; i < a->emf.n && shown < 8; i++, shown++) {
        const emf_row_t *r = &a->emf.rows[i];
        canvas_printf(c, y, 0, 40, CA_NORMAL, "%s", r->label);
        canvas_printf(c, y, 41, 0, CA_DIM, "latest %g avg %.4g max %g", r->latest, r->avg, r->max);
        y++;
    }
    if (shown == 0)
        canvas_str(c, y++, 0, 0, CA_DIM, "none in this window");
    return y;
}

static int memory(canvas_t *c, const detail_t *d, int y)
{
    y = section(c, y, "memory sizes seen (right-sizing)");
    if (d->nmem)
        canvas_printf(c, y++, 0, 0, CA_DIM, "%8s %11s %9s %9s %9s %9s %12s", "memory", "invocations",
                      "avg", "p95", "billed", "max used", "cost per 1M");
    for (int i = 0; i < d->nmem; i++) {
        const mem_size_row_t *m = &d->mem[i];
        char size[16], avg[16], p95[16], billed[16], used[16], cost[16];
        fmt_mb(m->mem_size, size, sizeof size);
        fmt_ms(m->avg_ms, avg, sizeof avg);
        fmt_ms(m->p95_ms, p95, sizeof p95);
        fmt_ms(m->avg_billed_ms, billed, sizeof billed);
        fmt_mb(m->mem_max, used, sizeof used);
        fmt_money(m->cost_per_million, cost, sizeof cost);
        canvas_printf(c, y++, 0, 0, CA_NORMAL, "%8s %11lld %9s %9s %9s %9s %12s", size,
                      (long long)m->invocations, avg, p95, billed, used, cost);
    }
    if (d->hint[0])
        canvas_str(c, y++, 0, 0, CA_WARN, d->hint);
    return y;
}

void view_detail(canvas_t *c, app_t *a, int y, int h)
{
    if (!a->have_detail) {
        canvas_str(c, y, 0, 0, CA_DIM, "loading...");
        return;
    }
    canvas_t *t = canvas_new(c->w, DETAIL_ROWS, c->ascii);
    const detail_t *d = &a->detail;
    int r = numbers(t, d, 0);
    r = series(t, d, r + 1);
    r = concurrency(t, a, r + 1);
    r = histogram(t, d, r + 1);
    r = cold_starts(t, d, r + 1);
    r = errors(t, d, r + 1);
    r = failures(t, d, r + 1);
    r = emf(t, a, r + 1);
    r = memory(t, d, r + 1);
    int max_top = r - h > 0 ? r - h : 0;
    if (a->detail_top > max_top)
        a->detail_top = max_top;
    canvas_blit(c, y, h, t, a->detail_top);
    canvas_free(t);
}
