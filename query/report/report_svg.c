/* query/report/report_svg.c — a chart of a report's series as inline SVG:
 * lines (a polyline per unbroken run of values) or stacked bars per bucket
 * of time, a limit line, a y axis of five gridlines with their values and
 * a few times under the x axis. Every element that carries a number names
 * the table column it comes from (data-col), so the numbers can be checked
 * against the tables (tests/e2e/test_report.sh reads them back from a
 * browser). No script, no external reference. */
#include "query/report/report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define W 760
#define H 250
#define X0 64.0
#define X1 (W - 16.0)
#define Y0 206.0   /* the plot's bottom: value 0 */
#define Y1 20.0    /* its top: value ymax */

/* 1, 2, 2.5 or 5 x 10^k at or above v (1 when v <= 0). */
static double nice_ceil(double v)
{
    if (!(v > 0))
        return 1;
    double e = pow(10, floor(log10(v)));
    static const double steps[] = { 1, 2, 2.5, 5, 10 };
    for (size_t i = 0; i < OBS_ARRAY_LEN(steps); i++)
        if (v <= steps[i] * e * (1 + 1e-12))
            return steps[i] * e;
    return 10 * e;
}

static void esc(buf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buf_cat(b, "&lt;"); break;
        case '>': buf_cat(b, "&gt;"); break;
        case '&': buf_cat(b, "&amp;"); break;
        case '"': buf_cat(b, "&quot;"); break;
        default: buf_putc(b, *s); break;
        }
    }
}

static double x_of(const report_chart_t *c, int i)
{
    return X0 + (i + 0.5) * (X1 - X0) / c->nb;
}

static double y_of(double v, double ymax)
{
    return Y0 - (Y0 - Y1) * v / ymax;
}

/* The highest point the chart must show: each line's maximum, the bars'
 * stacked height, and the limit when it is not far above the data. */
static double top_of(const report_chart_t *c, int *limit_shown)
{
    double top = 0;
    for (int i = 0; i < c->nb; i++) {
        double stack = 0;
        for (int l = 0; l < c->nlines; l++) {
            double v = c->lines[l].v[i];
            if (isnan(v))
                continue;
            if (c->lines[l].bars)
                stack += v;
            else if (v > top)
                top = v;
        }
        if (stack > top)
            top = stack;
    }
    *limit_shown = !isnan(c->limit) && c->limit <= 4 * top;
    if (*limit_shown && c->limit > top)
        top = c->limit;
    return nice_ceil(top);
}

static void axes(buf_t *b, const report_chart_t *c, double ymax)
{
    for (int k = 0; k <= 4; k++) {
        double v = ymax * k / 4, y = y_of(v, ymax);
        report_num_t t;
        report__fixed(t, v, v == floor(v) ? 0 : v * 10 == floor(v * 10) ? 1 : 2);
        buf_printf(b, "<line class=\"grid\" data-v=\"%s\" x1=\"%.2f\" x2=\"%.2f\" y1=\"%.2f\" y2=\"%.2f\"/>", t, X0,
                   X1, y, y);
        buf_printf(b, "<text class=\"ylab\" x=\"%.2f\" y=\"%.2f\">%s</text>", X0 - 6, y + 4, t);
    }
    int every = c->nb > 6 ? (c->nb + 5) / 6 : 1;
    for (int i = 0; i < c->nb; i += every) {
        report_num_t t;
        report__clock(t, c->since + (int64_t)i * c->bucket_ms, c->bucket_ms);
        buf_printf(b, "<text class=\"xlab\" x=\"%.2f\" y=\"%.2f\">%s</text>", X0 + i * (X1 - X0) / c->nb, Y0 + 18,
                   t);
    }
}

static void line(buf_t *b, const report_chart_t *c, const report_line_t *l, double ymax)
{
    int run = 0;   /* points of the polyline open */
    for (int i = 0; i <= c->nb; i++) {
        int has = i < c->nb && !isnan(l->v[i]);
        if (!has) {
            if (run)
                buf_cat(b, "\"/>");
            run = 0;
            continue;
        }
        if (!run) {
            buf_printf(b, "<polyline class=\"line %s%s\" data-col=\"", l->cls, l->dashed ? " dashed" : "");
            esc(b, l->head);
            buf_cat(b, "\" points=\"");
        }
        buf_printf(b, "%s%.2f,%.2f", run ? " " : "", x_of(c, i), y_of(l->v[i], ymax));
        run++;
    }
    if (c->nb <= 40 && !l->dashed) {
        for (int i = 0; i < c->nb; i++)
            if (!isnan(l->v[i]))
                buf_printf(b, "<circle class=\"pt %s\" cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\"/>", l->cls, x_of(c, i),
                           y_of(l->v[i], ymax));
    }
}

static void bars(buf_t *b, const report_chart_t *c, double ymax)
{
    double w = (X1 - X0) / c->nb * 0.8;
    for (int i = 0; i < c->nb; i++) {
        double base = 0;
        for (int k = 0; k < c->nlines; k++) {
            const report_line_t *l = &c->lines[k];
            if (!l->bars || isnan(l->v[i]) || l->v[i] <= 0)
                continue;
            double y = y_of(base + l->v[i], ymax), h = y_of(base, ymax) - y;
            buf_printf(b, "<rect class=\"bar %s\" data-col=\"", l->cls);
            esc(b, l->head);
            buf_printf(b, "\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>", x_of(c, i) - w / 2, y, w, h);
            base += l->v[i];
        }
    }
}

void report__svg(buf_t *b, const report_chart_t *c)
{
    int limit_shown;
    double ymax = top_of(c, &limit_shown);
    buf_cat(b, "<figure class=\"chart\"><figcaption>");
    esc(b, c->title);
    if (c->unit && *c->unit) {
        buf_cat(b, " <span class=\"unit\">(");
        esc(b, c->unit);
        buf_cat(b, ")</span>");
    }
    if (!isnan(c->limit) && !limit_shown) {
        report_num_t t;
        buf_printf(b, " <span class=\"note\">limit %s: above the chart</span>", report__int(t, (int64_t)c->limit));
    }
    buf_printf(b, "</figcaption><svg viewBox=\"0 0 %d %d\" width=\"%d\" "
                  "height=\"%d\" data-buckets=\"%d\" data-table=\"", W, H, W, H, c->nb);
    esc(b, c->table);
    buf_cat(b, "\">");
    axes(b, c, ymax);
    bars(b, c, ymax);
    for (int l = 0; l < c->nlines; l++)
        if (!c->lines[l].bars)
            line(b, c, &c->lines[l], ymax);
    if (limit_shown) {
        report_num_t t;
        double y = y_of(c->limit, ymax);
        buf_printf(b, "<line class=\"limit\" data-v=\"%s\" x1=\"%.2f\" x2=\"%.2f\" y1=\"%.2f\" y2=\"%.2f\"/>",
                   report__int(t, (int64_t)c->limit), X0, X1, y, y);
        buf_printf(b, "<text class=\"limlab\" x=\"%.2f\" y=\"%.2f\">limit %s</text>", X1 - 4, y - 4, t);
    }
    buf_cat(b, "</svg><div class=\"legend\">");
    for (int l = 0; l < c->nlines; l++) {
        buf_printf(b, "<span class=\"key %s%s\">", c->lines[l].cls, c->lines[l].dashed ? " dashed" : "");
        esc(b, c->lines[l].head);
        buf_cat(b, "</span>");
    }
    buf_cat(b, "</div></figure>\n");
}
