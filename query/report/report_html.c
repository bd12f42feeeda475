/* query/report/report_html.c — the report as one self-contained HTML page:
 * the CSS inline, the charts inline SVG (report_svg.c), no script and no
 * reference to anything outside the file, so it opens the same offline, in
 * a mail attachment or a CI artifact. The same tables as the Markdown
 * (report_fmt.c), the charts of the account-wide series and of each
 * function's concurrency against its limit, the memory tables, and every
 * series as a table under a fold. */
#include "query/report/report_int.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char CSS[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1d2330;padding:0 16px}"
    "h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #d5dae3}"
    "h3{font-size:15px}p.meta{color:#4a5468}"
    "table{border-collapse:collapse;margin:8px 0 16px;font-variant-numeric:tabular-nums}"
    "th,td{border:1px solid #d5dae3;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}"
    "th{background:#f1f3f7;font-weight:600}tr.base td{color:#4a5468}tr.change td{color:#4a5468;font-style:italic}"
    "tr.all td{font-weight:600}td.pick{text-align:left;color:#0a6b3d}"
    "figure.chart{margin:16px 0}figcaption{font-weight:600}.unit,.note{font-weight:400;color:#4a5468}"
    "svg{display:block;max-width:100%;height:auto}"
    ".grid{stroke:#e3e7ee;stroke-width:1}.ylab{font-size:11px;text-anchor:end;fill:#4a5468}"
    ".xlab{font-size:11px;text-anchor:middle;fill:#4a5468}"
    ".line{fill:none;stroke-width:2}.dashed{stroke-dasharray:5 4}"
    ".limit{stroke:#c0262d;stroke-width:1.5;stroke-dasharray:8 4}.limlab{font-size:11px;fill:#c0262d;text-anchor:end}"
    ".c1{stroke:#2f6fdb;fill:#2f6fdb}.c2{stroke:#e08a1e;fill:#e08a1e}.c3{stroke:#2a9d5c;fill:#2a9d5c}"
    ".c4{stroke:#8a4fd6;fill:#8a4fd6}.c5{stroke:#c0262d;fill:#c0262d}.c6{stroke:#6b7689;fill:#6b7689}"
    ".line.c1,.line.c2,.line.c3,.line.c4,.line.c5,.line.c6{fill:none}"
    ".legend{font-size:12px;color:#4a5468}.key{margin-right:14px}"
    ".key:before{content:'';display:inline-block;width:16px;height:3px;margin-right:5px;vertical-align:middle;"
    "background:currentColor}"
    ".key.c1{color:#2f6fdb}.key.c2{color:#e08a1e}.key.c3{color:#2a9d5c}.key.c4{color:#8a4fd6}.key.c5{color:#c0262d}"
    ".key.c6{color:#6b7689}details{margin:8px 0}summary{cursor:pointer;font-weight:600}";

static void esc(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out); break;
        }
    }
}

static void td(FILE *out, const char *s)
{
    fputs("<td>", out);
    esc(out, s);
    fputs("</td>", out);
}

static void fig_rows(FILE *out, const report_t *r, const report_table_t *t, const report_fig_t *f, int all)
{
    report_fig_t none;
    report__absent(&none, f);
    report_num_t v;
    fprintf(out, "<tr%s>", all ? " class=\"all\"" : "");
    td(out, f->name);
    for (int i = 0; i < t->ncols; i++)
        td(out, report__cell(v, &t->cols[i], f));
    fputs("</tr>\n", out);
    if (!r->has_base)
        return;
    const report_fig_t *b = report__base_of(r, f->name);
    if (b) {
        fputs("<tr class=\"base\"><td>baseline</td>", out);
        for (int i = 0; i < t->ncols; i++)
            td(out, report__cell(v, &t->cols[i], b));
        fputs("</tr>\n", out);
    }
    fputs("<tr class=\"change\"><td>change</td>", out);
    for (int i = 0; i < t->ncols; i++) {
        const report_col_t *c = &t->cols[i];
        td(out, c->compare ? report__change(v, report__value(c, f), report__value(c, b ? b : &none)) : "");
    }
    fputs("</tr>\n", out);
}

static void head(FILE *out, const char *first, const report_col_t *cols, int n)
{
    fputs("<table><tr><th>", out);
    esc(out, first);
    fputs("</th>", out);
    for (int i = 0; i < n; i++) {
        fputs("<th>", out);
        esc(out, cols[i].head);
        fputs("</th>", out);
    }
    fputs("</tr>\n", out);
}

static const report_col_t *series_col(const char *head)
{
    for (int i = 0; i < report__nseries_cols; i++)
        if (strcmp(report__series_cols[i].head, head) == 0)
            return &report__series_cols[i];
    return NULL;
}

/* A series column's values as its cells read (so the chart plots what the
 * table says); nb of them, the rest NAN. */
static double *values(const report_period_t *p, const report_point_t *s, const char *col, int nb)
{
    const report_col_t *c = series_col(col);
    double *v = xmalloc((size_t)(nb ? nb : 1) * sizeof *v);
    for (int b = 0; b < nb; b++) {
        report_num_t t;
        v[b] = c && b < p->nbuckets ? report__num(report__cell(t, c, &s[b])) : NAN;
    }
    return v;
}

typedef struct chart_spec {
    const char *title, *unit;
    const char *cols[4];
    int bars;
    const char *base_col;     /* drawn dashed from the baseline's series, or NULL */
} chart_spec_t;

static void chart(FILE *out, const report_t *r, const chart_spec_t *cs, const char *table, const report_point_t *s,
                  const report_point_t *base_s, double limit)
{
    static const char *const cls[] = { "c1", "c2", "c3", "c4", "c5", "c6" };
    const report_period_t *p = &r->cur;
    report_line_t lines[6];
    char base_head[64];
    int n = 0;
    for (int i = 0; i < 4 && cs->cols[i]; i++, n++)
        lines[n] = (report_line_t){ cs->cols[i], cls[i], values(p, s, cs->cols[i], p->nbuckets), cs->bars, 0 };
    if (cs->base_col && base_s) {
        snprintf(base_head, sizeof base_head, "%s (baseline)", cs->base_col);
        lines[n++] = (report_line_t){ base_head, "c6", values(&r->base, base_s, cs->base_col, p->nbuckets), 0, 1 };
    }
    report_chart_t c = { cs->title, table, cs->unit, p->since, p->bucket_ms, p->nbuckets, lines, n, limit };
    buf_t b = { 0 };
    report__svg(&b, &c);
    fputs(b.p ? b.p : "", out);
    buf_free(&b);
    for (int i = 0; i < n; i++)
        free(lines[i].v);
}

static const chart_spec_t ALL_CHARTS[] = {
    { "Invocations per second, all functions", "per s", { "invocations/s" }, 0, "invocations/s" },
    { "Duration, all functions", "ms", { "p50 ms", "p95 ms", "p99 ms" }, 0, "p95 ms" },
    { "Concurrent executions, all functions, against the account limit", "",
      { "concurrency peak", "concurrency average" }, 0, "concurrency peak" },
    { "Execution environments alive, all functions", "", { "environments alive" }, 0, NULL },
    { "Cold starts by kind, all functions", "per bucket", { "cold on demand", "cold SnapStart", "provisioned inits" },
      1, NULL },
    { "Failures and throttle signals, all functions", "per bucket", { "failed", "timeouts", "throttle signals" }, 0,
      NULL },
};

static void series_table(FILE *out, const char *title, const report_period_t *p, const report_point_t *s)
{
    report_num_t v;
    fputs("<details><summary>", out);
    esc(out, title);
    fputs("</summary>\n", out);
    head(out, "time", report__series_cols, report__nseries_cols);
    for (int b = 0; b < p->nbuckets; b++) {
        fputs("<tr>", out);
        td(out, report__time(v, p->since + (int64_t)b * p->bucket_ms));
        for (int i = 0; i < report__nseries_cols; i++)
            td(out, report__cell(v, &report__series_cols[i], &s[b]));
        fputs("</tr>\n", out);
    }
    fputs("</table></details>\n", out);
}

static void power(FILE *out, const char *fn, const report_power_t *pw)
{
    report_num_t v;
    if (pw->n == 0)
        return;
    fputs("<h3>", out);
    esc(out, fn);
    fputs("</h3>\n<table><tr><th>memory MB</th><th>invocations</th><th>average ms</th><th>p95 ms</th>"
          "<th>average billed ms</th><th>cost per invocation USD</th><th>cost per 1M USD</th><th></th></tr>\n",
          out);
    for (int i = 0; i < pw->n; i++) {
        const report_mem_t *m = &pw->rows[i];
        fputs("<tr>", out);
        td(out, report__int(v, m->memory_mb));
        td(out, report__int(v, m->invocations));
        td(out, report__ms(v, m->avg_ms));
        td(out, report__ms(v, m->p95_ms));
        td(out, report__ms(v, m->avg_billed_ms));
        td(out, report__fixed(v, m->cost_per_invocation, 9));
        td(out, report__fixed(v, m->cost_per_million, 2));
        fprintf(out, "<td class=\"pick\">%s</td></tr>\n",
                i == pw->reference && i == pw->cheapest ? "ran at most; cheapest at equal p95"
                : i == pw->reference                    ? "ran at most"
                : i == pw->cheapest                     ? "cheapest at equal p95"
                                                        : "");
    }
    fputs("</table>\n", out);
}

int report_write_html(FILE *out, const report_t *r)
{
    const report_period_t *p = &r->cur;
    report_num_t a, b, c;
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>obs report %s to %s"
                 "</title>\n<style>%s</style></head><body>\n",
            report__time(a, p->since), report__time(b, p->until), CSS);
    fprintf(out, "<h1>obs report: %s to %s</h1>\n<p class=\"meta\">Store <code>", a, b);
    esc(out, r->opts.db_path ? r->opts.db_path : "");
    fprintf(out, "</code>; %d function%s; series in buckets of %s.", p->nfns, p->nfns == 1 ? "" : "s",
            report__span(c, p->bucket_ms));
    if (r->has_base)
        fprintf(out, " Baseline: %s to %s.", report__time(a, r->base.since), report__time(b, r->base.until));
    fprintf(out, "<br>Limits: account %s", report__int(a, r->opts.limits.account));
    for (int i = 0; i < r->opts.limits.n; i++) {
        fputs("; ", out);
        esc(out, r->opts.limits.fn[i].name);
        fprintf(out, " %s", report__int(a, r->opts.limits.fn[i].limit));
    }
    fprintf(out, ".<br>Concurrency counts each invocation from its start to its end: %s exact to the line, %s "
                 "from the time rule; %s emulated invocations left out; %s in flight at the end.</p>\n",
            report__int(a, p->all.exact), report__int(b, p->all.estimated), report__int(c, p->all.emulated),
            report__int(c, p->all.open));

    for (int t = 0; t < report__ntables; t++) {
        const report_table_t *tb = &report__tables[t];
        fputs("<h2>", out);
        esc(out, tb->title);
        fputs("</h2>\n", out);
        head(out, "function", tb->cols, tb->ncols);
        for (int f = 0; f < p->nfns; f++)
            fig_rows(out, r, tb, &p->fns[f], 0);
        fig_rows(out, r, tb, &p->all, 1);
        fputs("</table>\n", out);
    }

    fputs("<h2>Over time</h2>\n", out);
    const report_point_t *base_s = r->has_base ? r->base.all_series : NULL;
    for (size_t i = 0; i < OBS_ARRAY_LEN(ALL_CHARTS); i++)
        chart(out, r, &ALL_CHARTS[i], "Over time: all functions", p->all_series, base_s,
              i == 2 ? (double)r->opts.limits.account : NAN);
    for (int f = 0; f < p->nfns; f++) {
        char title[256], table[192];
        snprintf(title, sizeof title, "Concurrent executions: %s, against its limit", p->fns[f].name);
        snprintf(table, sizeof table, "Over time: %s", p->fns[f].name);
        chart_spec_t cs = { title, "", { "concurrency peak", "concurrency average" }, 0, NULL };
        chart(out, r, &cs, table, p->fn_series[f], NULL, (double)p->fns[f].limit);
    }

    fputs("<h2>Memory sizes (Power Tuning's view)</h2>\n<p>The invocations each memory size ran (emulated ones left "
          "out), and of the sizes whose p95 is no higher than that of the size a function ran at most, the one "
          "whose invocation cost least.</p>\n",
          out);
    for (int f = 0; f < p->nfns; f++)
        power(out, p->fns[f].name, &p->power[f]);

    fprintf(out, "<h2>The series</h2>\n<p>Per bucket of %s; counts of invocations at their end.%s</p>\n",
            report__span(a, p->bucket_ms),
            p->throttles_from_events ? " Buckets under a minute: counts from the invocations and each throttle "
                                       "signal's line."
                                     : "");
    series_table(out, "Over time: all functions", p, p->all_series);
    if (r->has_base)
        series_table(out, "Over time: all functions (baseline)", &r->base, r->base.all_series);
    for (int f = 0; f < p->nfns; f++) {
        char title[192];
        snprintf(title, sizeof title, "Over time: %s", p->fns[f].name);
        series_table(out, title, p, p->fn_series[f]);
    }
    fputs("</body></html>\n", out);
    return ferror(out) ? -1 : 0;
}
