/* tui/view_emf.c — EMF metrics: one row per series (latest, average,
 * maximum, count, a sparkline of its per-minute maxima), then the EMF
 * documents stored with errors, grouped by reason. The columns fit the
 * width: below 100 columns the unit goes, below 90 the latest value, and a
 * label too long for its column loses its middle, never its end (the
 * dimensions that tell two series apart); a reason wraps. */
#include "tui/view_int.h"
#include "tui/fmt.h"

#include <stdio.h>
#include <string.h>

#define UNIT_W 12
#define NUM_W 9
#define COUNT_W 7

typedef struct layout {
    int unit, latest;         /* shown */
    int lw, sx, sw;           /* label width, sparkline column and width */
} layout_t;

static layout_t lay_out(const canvas_t *c, const emf_model_t *m)
{
    layout_t l = { c->w >= 100, c->w >= 90, 0, 0, 0 };
    int fixed = (l.unit ? UNIT_W + 1 : 0) + (l.latest ? NUM_W + 1 : 0) + 2 * (NUM_W + 1) + COUNT_W + 2;
    int want = 12;
    for (int i = 0; i < m->n; i++) {
        int w = canvas_width(c, m->rows[i].label, strlen(m->rows[i].label)) + 1;
        want = w > want ? w : want;
    }
    int spark_min = c->w >= 60 ? 10 : 0;
    l.lw = c->w - fixed - spark_min;
    if (l.lw > want)
        l.lw = want;
    if (l.lw < 12)
        l.lw = 12;
    l.sx = l.lw + fixed;
    l.sw = c->w - l.sx;
    return l;
}

static void series_rows(canvas_t *t, const emf_model_t *m, const layout_t *l, int *r)
{
    int x;
    canvas_attr(t, *r, 0, t->w, CA_HEADER);
    x = canvas_printf(t, *r, 0, l->lw, CA_HEADER, "metric (namespace/name dimensions)");
    x = l->lw;
    if (l->unit)
        x += canvas_printf(t, *r, x, 0, CA_HEADER, "%-*s ", UNIT_W, "unit");
    if (l->latest)
        x += canvas_printf(t, *r, x, 0, CA_HEADER, "%*s ", NUM_W, "latest");
    canvas_printf(t, *r, x, 0, CA_HEADER, "%*s %*s %*s", NUM_W, "avg", NUM_W, "max", COUNT_W, "count");
    if (l->sw > 0)
        canvas_str(t, *r, l->sx, l->sw, CA_HEADER, "per minute (max)");
    (*r)++;
    if (m->n == 0)
        canvas_str(t, (*r)++, 0, 0, CA_DIM, "no EMF metric in this window");
    for (int i = 0; i < m->n; i++) {
        const emf_row_t *e = &m->rows[i];
        char latest[16], count[16];
        snprintf(latest, sizeof latest, "%.4g", e->latest);
        fmt_count(e->count, COUNT_W, count, sizeof count);
        view_text_middle(t, *r, 0, l->lw - 1, CA_NORMAL, e->label);
        x = l->lw;
        if (l->unit)
            x += canvas_printf(t, *r, x, 0, CA_DIM, "%-*.*s ", UNIT_W, UNIT_W, e->unit);
        if (l->latest)
            x += canvas_printf(t, *r, x, 0, CA_DIM, "%*s ", NUM_W, latest);
        canvas_printf(t, *r, x, 0, CA_DIM, "%*.4g %*.4g %*s", NUM_W, e->avg, NUM_W, e->max, COUNT_W, count);
        if (l->sw > 0)
            view_sparkline(t, *r, l->sx, l->sw, CA_GOOD, e->minutes, e->nminutes);
        (*r)++;
    }
}

static void error_rows(canvas_t *t, const emf_model_t *m, int *r, int rmax)
{
    canvas_attr(t, *r, 0, t->w, CA_HEADER);
    canvas_printf(t, (*r)++, 0, 0, CA_HEADER, "%-20s %-8s %6s  %s", "EMF errors: function", "kind", "count",
                  "reason");
    if (m->nerrors == 0)
        canvas_str(t, (*r)++, 0, 0, CA_DIM, "no EMF document with errors in this window");
    for (int i = 0; i < m->nerrors; i++) {
        const emf_err_row_t *e = &m->errors[i];
        int x = canvas_printf(t, *r, 0, 0, CA_NORMAL, "%-20.20s %-8s %6lld  ", e->function,
                              e->status == 2 ? "parse" : "invalid", (long long)e->count);
        if (t->w - x < 30) {   /* too narrow beside the numbers: below them */
            (*r)++;
            x = 2;
        }
        /* each line of the reason, wrapped under its column */
        for (const char *p = e->reason; *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            *r += view_text_wrap(t, *r, rmax, x, CA_BAD, p, len);
            p += len + (nl ? 1 : 0);
        }
        if (!*e->reason)
            (*r)++;
    }
}

void view_emf(canvas_t *c, app_t *a, int y, int h)
{
    const emf_model_t *m = &a->emf;
    int cap = m->n + 8;
    for (int i = 0; i < m->nerrors; i++)
        cap += 2 + (int)strlen(m->errors[i].reason) / 20;
    canvas_t *t = canvas_new(c->w, cap, c->ascii);
    layout_t l = lay_out(c, m);
    int r = 0;
    series_rows(t, m, &l, &r);
    r++;
    error_rows(t, m, &r, cap);
    int max_top = r - h > 0 ? r - h : 0;
    if (a->emf_top > max_top)
        a->emf_top = max_top;
    canvas_blit(c, y, h, t, a->emf_top);
    canvas_free(t);
}
