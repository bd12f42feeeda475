/* tui/view_emf.c — EMF metrics: one row per series (latest, average,
 * maximum, count, a sparkline of its per-minute maxima), then the EMF
 * documents stored with errors, grouped by reason. */
#include "tui/view_int.h"
#include "tui/fmt.h"

#include <stdio.h>
#include <string.h>

void view_emf(canvas_t *c, app_t *a, int y, int h)
{
    const emf_model_t *m = &a->emf;
    canvas_t *t = canvas_new(c->w, m->n + m->nerrors + 8, c->ascii);
    /* the label column is as wide as the longest label, leaving the
     * numbers (52 columns) and at least 12 for the sparkline */
    int r = 0, lw = 12;
    for (int i = 0; i < m->n; i++) {
        int w = canvas_width(c, m->rows[i].label, strlen(m->rows[i].label)) + 1;
        lw = w > lw ? w : lw;
    }
    if (lw > c->w - 52 - 12)
        lw = c->w - 52 - 12 > 12 ? c->w - 52 - 12 : 12;
    int sw = c->w - lw - 52;
    if (sw < 6)
        sw = 6;
    canvas_attr(t, r, 0, t->w, CA_HEADER);
    canvas_printf(t, r++, 0, 0, CA_HEADER, "%-*s %-12s %9s %9s %9s %7s  %s", lw - 1, "metric (namespace/name dimensions)", "unit",
                  "latest", "avg", "max", "count", "per minute (max)");
    if (m->n == 0)
        canvas_str(t, r++, 0, 0, CA_DIM, "no EMF metric in this window");
    for (int i = 0; i < m->n; i++) {
        const emf_row_t *e = &m->rows[i];
        char latest[16], count[16];
        snprintf(latest, sizeof latest, "%.4g", e->latest);
        fmt_count(e->count, 7, count, sizeof count);
        canvas_str(t, r, 0, lw - 1, CA_NORMAL, e->label);
        canvas_printf(t, r, lw, 0, CA_DIM, "%-12.12s %9s %9.4g %9.4g %7s", e->unit, latest, e->avg, e->max,
                      count);
        view_sparkline(t, r, lw + 52, sw, CA_GOOD, e->minutes, e->nminutes);
        r++;
    }
    r++;
    canvas_attr(t, r, 0, t->w, CA_HEADER);
    canvas_printf(t, r++, 0, 0, CA_HEADER, "%-24s %-10s %7s  %s", "EMF errors: function", "kind", "count",
                  "reason");
    if (m->nerrors == 0)
        canvas_str(t, r++, 0, 0, CA_DIM, "no EMF document with errors in this window");
    for (int i = 0; i < m->nerrors; i++) {
        const emf_err_row_t *e = &m->errors[i];
        int x = canvas_printf(t, r, 0, 0, CA_NORMAL, "%-24.24s %-10s %7lld  ", e->function,
                              e->status == 2 ? "parse" : "invalid", (long long)e->count);
        /* a reason may hold several lines: show the first */
        const char *nl = strchr(e->reason, '\n');
        canvas_text(t, r++, x, 0, CA_BAD, e->reason, nl ? (size_t)(nl - e->reason) : strlen(e->reason));
    }
    int max_top = r - h > 0 ? r - h : 0;
    if (a->emf_top > max_top)
        a->emf_top = max_top;
    canvas_blit(c, y, h, t, a->emf_top);
    canvas_free(t);
}
