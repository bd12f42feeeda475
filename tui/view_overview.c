/* tui/view_overview.c — the overview: one row per function (the columns
 * that fit the width, by priority; Conc, beside the throttle signals it
 * explains: the window's peak concurrency), a
 * totals row (account-wide), and below it the window's invocations, errors,
 * cold starts, throttle signals and peak concurrency per minute as
 * max-pooled sparklines. */
#include "tui/view_int.h"
#include "tui/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef enum col_id {
    C_INVOC, C_ERRORS, C_ERRPCT, C_TIMEOUT, C_CRASH, C_OOM, C_THROT, C_CONC, C_COLD, C_COLDPCT, C_P50,
    C_P95, C_P99, C_INITAVG, C_INITP99, C_MAXMEM, C_SIZE, C_HEAD, C_COST, C__COUNT
} col_id_t;

typedef struct col {
    const char *title;
    int width;
    fn_sort_t key;
    int prio;          /* lower shows first when the width is short */
} col_t;

static const col_t cols[C__COUNT] = {
    [C_INVOC] = { "Invoc", 7, FS_INVOCATIONS, 0 },
    [C_ERRORS] = { "Errors", 6, FS_ERRORS, 0 },
    [C_ERRPCT] = { "Err%", 6, FS_ERROR_PCT, 1 },
    [C_TIMEOUT] = { "Timeout", 7, FS_TIMEOUTS, 4 },
    [C_CRASH] = { "Crash", 5, FS_CRASHES, 6 },
    [C_OOM] = { "OOM", 4, FS_CRASHES, 6 },
    [C_THROT] = { "Throt", 5, FS_THROTTLES, 3 },
    [C_COLD] = { "Cold", 5, FS_COLD, 7 },
    [C_COLDPCT] = { "Cold%", 6, FS_COLD_PCT, 2 },
    [C_P50] = { "p50", 7, FS_P50, 5 },
    [C_P95] = { "p95", 7, FS_P95, 8 },
    [C_P99] = { "p99", 7, FS_P99, 1 },
    [C_INITAVG] = { "Init", 7, FS_INIT_AVG, 7 },
    [C_INITP99] = { "InitP99", 7, FS_INIT_P99, 9 },
    [C_MAXMEM] = { "MaxMem", 6, FS_MEM_PCT, 8 },
    [C_SIZE] = { "Size", 6, FS_MEM_PCT, 9 },
    [C_HEAD] = { "Head%", 6, FS_MEM_PCT, 3 },
    [C_COST] = { "Cost", 8, FS_COST, 2 },
    [C_CONC] = { "Conc", 5, FS_CONC, 1 },
};

#define NAME_MIN 14
#define NAME_MAX 32

/* Which columns fit in width w (beside the name); returns the name width. */
static int pick_columns(int w, int *show)
{
    int used = NAME_MIN;
    for (int i = 0; i < C__COUNT; i++)
        show[i] = 0;
    for (int prio = 0; prio <= 9; prio++)
        for (int i = 0; i < C__COUNT; i++)
            if (cols[i].prio == prio && used + 1 + cols[i].width <= w) {
                show[i] = 1;
                used += 1 + cols[i].width;
            }
    int name = NAME_MIN + (w - used);
    return name > NAME_MAX ? NAME_MAX : name;
}

static void cell(const fn_row_t *r, col_id_t id, int width, char *out, size_t n)
{
    int64_t fails = fn_row_failures(r);
    switch (id) {
    case C_INVOC: fmt_count(r->invocations, width, out, n); break;
    case C_ERRORS: fmt_count(fails, width, out, n); break;
    case C_ERRPCT: fmt_pct(r->invocations ? (double)fails / (double)r->invocations : NAN, out, n); break;
    case C_TIMEOUT: fmt_count(r->timeouts, width, out, n); break;
    case C_CRASH: fmt_count(r->crashes, width, out, n); break;
    case C_OOM: fmt_count(r->oom, width, out, n); break;
    case C_THROT: fmt_count(r->throttles, width, out, n); break;
    case C_COLD: fmt_count(r->cold, width, out, n); break;
    case C_COLDPCT: fmt_pct(r->invocations ? (double)r->cold / (double)r->invocations : NAN, out, n); break;
    case C_P50: fmt_ms(r->p50, out, n); break;
    case C_P95: fmt_ms(r->p95, out, n); break;
    case C_P99: fmt_ms(r->p99, out, n); break;
    case C_INITAVG: fmt_ms(r->init_avg, out, n); break;
    case C_INITP99: fmt_ms(r->init_p99, out, n); break;
    case C_MAXMEM:
        if (r->mem_max < 0 && r->emulated > 0)
            snprintf(out, n, "emul");
        else
            fmt_mb(r->mem_max, out, n);
        break;
    case C_SIZE: fmt_mb(r->mem_size, out, n); break;
    case C_HEAD:
        fmt_pct(r->mem_size > 0 && r->mem_max >= 0 ? 1.0 - (double)r->mem_max / (double)r->mem_size : NAN,
                out, n);
        break;
    case C_COST: fmt_money(r->cost, out, n); break;
    case C_CONC:
        if (r->conc_peak < 0)
            snprintf(out, n, "-");   /* a filtered total: the rows need not peak at once */
        else
            fmt_count(r->conc_peak, width, out, n);
        break;
    default: out[0] = '\0'; break;
    }
}

/* Colour of a cell: errors, timeouts, crashes red when non-zero, headroom
 * yellow under 10%, the concurrency's peak yellow from 80% of its limit and
 * red at it. */
static int cell_attr(const fn_row_t *r, col_id_t id, int base)
{
    if (base == CA_SELECTED)
        return base;
    switch (id) {
    case C_ERRORS: case C_ERRPCT: return fn_row_failures(r) ? CA_BAD : base;
    case C_TIMEOUT: return r->timeouts ? CA_BAD : base;
    case C_CRASH: return r->crashes ? CA_BAD : base;
    case C_OOM: return r->oom ? CA_BAD : base;
    case C_THROT: return r->throttles ? CA_WARN : base;
    case C_CONC:
        return r->conc_limit > 0 && r->conc_peak >= r->conc_limit                                ? CA_BAD
               : r->conc_limit > 0 && r->conc_peak >= limits_level(r->conc_limit, LIMITS_NEAR) ? CA_WARN
                                                                                              : base;
    case C_HEAD:
        return r->mem_size > 0 && r->mem_max >= 0 && (double)r->mem_max >= 0.9 * (double)r->mem_size
               ? CA_WARN : base;
    default: return base;
    }
}

static void draw_row(canvas_t *c, int y, const fn_row_t *r, const int *show, int name_w, int attr)
{
    canvas_attr(c, y, 0, c->w, attr);
    if (r->emulated > 0 && name_w > 8) {   /* the mark stays when the name is cut */
        static const char mark[] = " [emul]";
        int keep = name_w - 1 - (int)(sizeof mark - 1);
        char t[sizeof r->name + sizeof mark];
        snprintf(t, sizeof t, "%.*s%s", keep, r->name, mark);
        canvas_str(c, y, 0, name_w, attr, t);
    } else {
        canvas_str(c, y, 0, name_w, attr, r->name);
    }
    int x = name_w;
    for (int i = 0; i < C__COUNT; i++) {
        if (!show[i])
            continue;
        char buf[32];
        cell(r, (col_id_t)i, cols[i].width, buf, sizeof buf);
        canvas_rstr(c, y, x + 1, cols[i].width, cell_attr(r, (col_id_t)i, attr), buf);
        x += 1 + cols[i].width;
    }
}

static void draw_header(canvas_t *c, int y, const app_t *a, const int *show, int name_w)
{
    canvas_attr(c, y, 0, c->w, CA_HEADER);
    const char *arrow = c->ascii ? (a->sort_desc ? "v" : "^") : (a->sort_desc ? "\u25bc" : "\u25b2");
    char t[40];
    snprintf(t, sizeof t, "Function%s", a->sort == FS_NAME ? arrow : "");
    canvas_str(c, y, 0, name_w, CA_HEADER, t);
    int x = name_w;
    for (int i = 0; i < C__COUNT; i++) {
        if (!show[i])
            continue;
        if (cols[i].key == a->sort) {   /* the arrow replaces a letter when the title fills the column */
            int len = (int)strlen(cols[i].title);
            snprintf(t, sizeof t, "%.*s%s", len + 1 > cols[i].width ? cols[i].width - 1 : len, cols[i].title, arrow);
        } else {
            snprintf(t, sizeof t, "%s", cols[i].title);
        }
        canvas_rstr(c, y, x + 1, cols[i].width, CA_HEADER, t);
        x += 1 + cols[i].width;
    }
}

static void draw_series(canvas_t *c, app_t *a, int y, int h)
{
    static const char *label[SK__COUNT] = { "invocations", "errors", "cold starts", "throttles", "concurrency" };
    static const int attr[SK__COUNT] = { CA_GOOD, CA_BAD, CA_BAR, CA_WARN, CA_BAR };
    const series_t *s = &a->series;
    if (h < 2 || s->n == 0)
        return;
    canvas_printf(c, y, 0, 0, CA_HEADER, "per minute, %s (the maximum minute of each column)",
                  a->function[0] ? a->function : "all functions");
    canvas_attr(c, y, 0, c->w, CA_HEADER);
    int lw = 12, rw = 18, sw = c->w - lw - rw - 1;
    for (int k = 0; k < SK__COUNT && k + 1 < h; k++) {
        double max = 0, sum = 0;
        for (int i = 0; i < s->n; i++) {
            sum += s->v[k][i];
            if (s->v[k][i] > max)
                max = s->v[k][i];
        }
        canvas_str(c, y + 1 + k, 0, lw, CA_NORMAL, label[k]);
        view_sparkline(c, y + 1 + k, lw, sw, attr[k], s->v[k], s->n);
        char buf[32], tot[16];
        fmt_count((int64_t)sum, 7, tot, sizeof tot);
        snprintf(buf, sizeof buf, "max %.0f", max);
        if (k == SK_CONC) {   /* peaks do not add up: the limit instead */
            int lim = a->function[0] ? limits_of(&a->limits, a->function, NULL) : a->limits.account;
            snprintf(tot, sizeof tot, "lim %d", lim);
        }
        canvas_printf(c, y + 1 + k, lw + sw + 1, 0, CA_DIM, "%-7s %s", tot, buf);
    }
    if (h > SK__COUNT + 1) {
        char from[32], to[32];
        int dated = a->win.until_ms - a->win.since_ms > 20 * 3600000LL;
        view_clock(a->win.since_ms, dated, from, sizeof from);
        view_clock(a->win.until_ms, dated, to, sizeof to);
        canvas_str(c, y + 1 + SK__COUNT, lw, 0, CA_DIM, from);
        canvas_rstr(c, y + 1 + SK__COUNT, lw, sw, CA_DIM, to);
    }
}

void view_overview(canvas_t *c, app_t *a, int y, int h)
{
    int show[C__COUNT];
    int name_w = pick_columns(c->w, show);
    int idx[4096];
    int n = app_visible_rows(a, idx, 4096);
    /* the table takes what it needs (header, rows, totals), the series
     * follow it when they fit */
    int emul = 0;   /* a line under the totals says what [emul] means */
    for (int i = 0; i < n && !emul; i++)
        emul = a->ov.rows[idx[i]].emulated > 0;
    int series_h = h >= 14 ? SK__COUNT + 2 : 0;
    int table_h = h - series_h - (series_h ? 1 : 0) - emul;
    if (n + 2 < table_h)
        table_h = (n > 0 ? n : 1) + 2;
    draw_header(c, y, a, show, name_w);
    if (n == 0) {
        canvas_str(c, y + 1, 0, 0, CA_DIM, a->ov.n ? "no function matches the filter"
                                                   : "no invocations in this window (w: wider window)");
    }
    int rows = table_h - 2;   /* header and totals */
    if (rows < 1)
        rows = 1;
    if (a->selected >= n)
        a->selected = n > 0 ? n - 1 : 0;
    if (a->selected < a->top)
        a->top = a->selected;
    if (a->selected >= a->top + rows)
        a->top = a->selected - rows + 1;
    int line = y + 1;
    for (int i = a->top; i < n && i < a->top + rows; i++, line++)
        draw_row(c, line, &a->ov.rows[idx[i]], show, name_w, i == a->selected ? CA_SELECTED : CA_NORMAL);
    if (n > 0) {
        fn_row_t t = a->ov.total;
        if (n != a->ov.n) {   /* filtered: total what is shown */
            memset(&t, 0, sizeof t);
            t.p50 = t.p95 = t.p99 = t.init_avg = t.init_p99 = NAN;
            t.mem_max = t.mem_size = -1;
            for (int i = 0; i < n; i++) {
                const fn_row_t *r = &a->ov.rows[idx[i]];
                t.invocations += r->invocations;
                t.errors += r->errors;
                t.timeouts += r->timeouts;
                t.crashes += r->crashes;
                t.oom += r->oom;
                t.throttles += r->throttles;
                t.cold += r->cold;
                t.cost += r->cost;
            }
            t.conc_peak = -1;
        }
        snprintf(t.name, sizeof t.name, "total (%d)", n);
        t.emulated = 0;
        draw_row(c, line, &t, show, name_w, CA_BOLD);
    }
    if (emul)
        canvas_str(c, y + table_h, 0, 0, CA_DIM,
                   "[emul]: invocations under an emulator (sam local, the RIE, serverless-offline); "
                   "their memory is not Lambda's and is left out");
    if (series_h)
        draw_series(c, a, y + table_h + emul + 1, series_h);
}
