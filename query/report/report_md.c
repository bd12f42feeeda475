/* query/report/report_md.c — the report as Markdown (GitHub's tables), for
 * a pull request: what was read, the summary tables (with the baseline's
 * row and the change under each function's when there is one), the memory
 * tables, and every series the HTML charts draw, in tables whose headings
 * the charts name. */
#include "query/report/report_int.h"

#include <math.h>
#include <string.h>

/* A cell: '|' would end it, a line break would end the table. */
static void cell(FILE *out, const char *s)
{
    fputs("| ", out);
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else
            fputc(*s == '\n' ? ' ' : *s, out);
    }
    fputc(' ', out);
}

static void head(FILE *out, const char *first, const report_col_t *cols, int n)
{
    cell(out, first);
    for (int i = 0; i < n; i++)
        cell(out, cols[i].head);
    fputs("|\n|---", out);
    for (int i = 0; i < n; i++)
        fputs("|---:", out);
    fputs("|\n", out);
}

static void fig_row(FILE *out, const char *label, const report_table_t *t, const report_fig_t *f)
{
    report_num_t v;
    cell(out, label);
    for (int i = 0; i < t->ncols; i++)
        cell(out, report__cell(v, &t->cols[i], f));
    fputs("|\n", out);
}

static void change_row(FILE *out, const char *label, const report_table_t *t, const report_fig_t *f,
                       const report_fig_t *b)
{
    report_num_t v;
    cell(out, label);
    for (int i = 0; i < t->ncols; i++) {
        const report_col_t *c = &t->cols[i];
        cell(out, c->compare ? report__change(v, report__value(c, f), report__value(c, b)) : "");
    }
    fputs("|\n", out);
}

static void fig_rows(FILE *out, const report_t *r, const report_table_t *t, const report_fig_t *f)
{
    char label[192];
    fig_row(out, f->name, t, f);
    const report_fig_t *b = report__base_of(r, f->name);
    if (!r->has_base)
        return;
    report_fig_t none;
    report__absent(&none, f);
    snprintf(label, sizeof label, "%s (baseline)", f->name);
    if (b)
        fig_row(out, label, t, b);
    snprintf(label, sizeof label, "%s (change)", f->name);
    change_row(out, label, t, f, b ? b : &none);
}

static void series_table(FILE *out, const char *title, const report_period_t *p, const report_point_t *s)
{
    report_num_t v;
    fprintf(out, "\n#### %s\n\n", title);
    head(out, "time", report__series_cols, report__nseries_cols);
    for (int b = 0; b < p->nbuckets; b++) {
        cell(out, report__time(v, p->since + (int64_t)b * p->bucket_ms));
        for (int i = 0; i < report__nseries_cols; i++)
            cell(out, report__cell(v, &report__series_cols[i], &s[b]));
        fputs("|\n", out);
    }
}

static void power(FILE *out, const char *fn, const report_power_t *pw)
{
    report_num_t v;
    if (pw->n == 0)
        return;
    fprintf(out, "\n### %s\n\n", fn);
    fputs("| memory MB | invocations | average ms | p95 ms | average billed ms | cost per invocation USD | "
          "cost per 1M USD | |\n|---:|---:|---:|---:|---:|---:|---:|---|\n", out);
    for (int i = 0; i < pw->n; i++) {
        const report_mem_t *m = &pw->rows[i];
        cell(out, report__int(v, m->memory_mb));
        cell(out, report__int(v, m->invocations));
        cell(out, report__ms(v, m->avg_ms));
        cell(out, report__ms(v, m->p95_ms));
        cell(out, report__ms(v, m->avg_billed_ms));
        cell(out, report__fixed(v, m->cost_per_invocation, 9));
        cell(out, report__fixed(v, m->cost_per_million, 2));
        cell(out, i == pw->reference && i == pw->cheapest ? "ran at most; cheapest at equal p95"
                  : i == pw->reference                    ? "ran at most"
                  : i == pw->cheapest                     ? "cheapest at equal p95"
                                                          : "");
        fputs("|\n", out);
    }
}

int report_write_md(FILE *out, const report_t *r)
{
    const report_period_t *p = &r->cur;
    report_num_t a, b, c;
    fprintf(out, "# obs report: %s to %s\n\n", report__time(a, p->since), report__time(b, p->until));
    fprintf(out, "Store `%s`; %d function%s; series in buckets of %s.", r->opts.db_path ? r->opts.db_path : "",
            p->nfns, p->nfns == 1 ? "" : "s", report__span(c, p->bucket_ms));
    if (r->has_base)
        fprintf(out, " Baseline: %s to %s.", report__time(a, r->base.since), report__time(b, r->base.until));
    fprintf(out, "\nLimits: account %s", report__int(a, r->opts.limits.account));
    for (int i = 0; i < r->opts.limits.n; i++)
        fprintf(out, "; %s %s", r->opts.limits.fn[i].name, report__int(a, r->opts.limits.fn[i].limit));
    fprintf(out, ".\nConcurrency counts each invocation from its start to its end (docs/concurrency.md): "
                 "%s exact to the line, %s from the time rule; %s emulated invocations left out; %s in flight "
                 "at the end.\n",
            report__int(a, p->all.exact), report__int(b, p->all.estimated), report__int(c, p->all.emulated),
            report__int(c, p->all.open));

    for (int t = 0; t < report__ntables; t++) {
        const report_table_t *tb = &report__tables[t];
        fprintf(out, "\n## %s\n\n", tb->title);
        head(out, "function", tb->cols, tb->ncols);
        for (int f = 0; f < p->nfns; f++)
            fig_rows(out, r, tb, &p->fns[f]);
        fig_rows(out, r, tb, &p->all);
    }

    fputs("\n## Memory sizes (Power Tuning's view)\n\nThe invocations each memory size ran (emulated ones left "
          "out), and of the sizes whose p95 is no higher than that of the size a function ran at most, the one "
          "whose invocation cost least.\n",
          out);
    for (int f = 0; f < p->nfns; f++)
        power(out, p->fns[f].name, &p->power[f]);

    fprintf(out, "\n## Over time\n\nPer bucket of %s; counts of invocations at their end.%s\n",
            report__span(a, p->bucket_ms),
            p->throttles_from_events ? " Buckets under a minute: counts from the invocations and each throttle "
                                       "signal's line."
                                     : "");
    char title[192];
    series_table(out, "Over time: all functions", p, p->all_series);
    if (r->has_base)
        series_table(out, "Over time: all functions (baseline)", &r->base, r->base.all_series);
    for (int f = 0; f < p->nfns; f++) {
        snprintf(title, sizeof title, "Over time: %s", p->fns[f].name);
        fputs("\n<details><summary>", out);
        fputs(p->fns[f].name, out);
        fputs("</summary>\n", out);
        series_table(out, title, p, p->fn_series[f]);
        fputs("\n</details>\n", out);
    }
    return ferror(out) ? -1 : 0;
}
