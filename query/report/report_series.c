/* query/report/report_series.c — what a period's spans say, per function
 * and account-wide, over the range and per bucket of time: concurrency
 * (peak, its instant, time-weighted average, time at 80% and 100% of the
 * limit) and environments alive, from common/concur.c over the spans
 * (emulated invocations and their environments left out); duration
 * percentiles and cold starts by kind, of the invocations counted in the
 * range or bucket (at their end, as the rollups count them); and the
 * counts per bucket: from the rollups when a bucket is whole minutes, else
 * from the invocations and the throttle signals' own times. */
#include "query/report/report_int.h"
#include "common/concur.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int bucket_of(const report_period_t *p, int64_t t)
{
    if (t < p->since || t >= p->until)
        return -1;
    int b = (int)((t - p->since) / p->bucket_ms);
    return b < p->nbuckets ? b : -1;
}

static void count_kind(report_colds_t *c, const store_inv_span_t *s)
{
    switch (s->init_type) {
    case STORE_INIT_ON_DEMAND:
        if (s->cold) {
            c->on_demand++;
            c->user_facing++;
        } else {
            c->early++;
        }
        break;
    case STORE_INIT_PROVISIONED: c->provisioned++; break;
    case STORE_INIT_SNAP_START:
        c->snap_start++;
        c->user_facing++;
        break;
    default: break;
    }
}

static void count_outcome(report_point_t *pt, int outcome)
{
    pt->invocations++;
    pt->errors += outcome > 0;
    pt->timeouts += outcome == 2;
    pt->crashes += outcome >= 3;
}

/* Concurrency of the spans selected (fn < 0: all functions) over the range
 * and its buckets, into the figure and the series. */
static void concurrency(report_period_t *p, const store_spans_t *sp, const int *fn_of, int fn, report_fig_t *fig,
                        report_point_t *series)
{
    concur_span_t *v = xmalloc((sp->ninv + sp->nenvs + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < sp->ninv; i++) {
        const store_inv_span_t *s = &sp->inv[i];
        if ((s->flags & STORE_SPAN_EMULATED) || (fn >= 0 && fn_of[s->fn] != fn))
            continue;
        v[n].start = s->start;
        v[n].end = s->end;
        n++;
        fig->exact += (s->flags & STORE_SPAN_EXACT) != 0;
        fig->estimated += !(s->flags & STORE_SPAN_EXACT);
        fig->open += (s->flags & STORE_SPAN_OPEN) && s->end >= p->until;
    }
    for (size_t i = 0; i < sp->ninv; i++)
        fig->emulated += (sp->inv[i].flags & STORE_SPAN_EMULATED) && (fn < 0 || fn_of[sp->inv[i].fn] == fn);
    concur_t c;
    concur_build(&c, v, n);
    fig->conc_peak = concur_peak(&c, p->since, p->until, &fig->conc_peak_at);
    double avg;
    int64_t span = p->until - p->since;
    concur_buckets(&c, p->since, span, 1, NULL, &avg);
    fig->conc_avg = avg;
    fig->ms_near = concur_time_at_least(&c, p->since, p->until, limits_level(fig->limit, LIMITS_NEAR));
    fig->ms_at = concur_time_at_least(&c, p->since, p->until, fig->limit);
    int32_t *pk = xmalloc((size_t)p->nbuckets * sizeof *pk);
    double *av = xmalloc((size_t)p->nbuckets * sizeof *av);
    concur_buckets(&c, p->since, p->bucket_ms, p->nbuckets, pk, av);
    for (int b = 0; b < p->nbuckets; b++) {
        series[b].conc_peak = pk[b];
        series[b].conc_avg = av[b];
    }
    concur_done(&c);

    /* environments alive: those where no emulated invocation ran */
    n = 0;
    for (size_t i = 0; i < sp->nenvs; i++) {
        const store_env_span_t *e = &sp->envs[i];
        if (e->emulated || (fn >= 0 && fn_of[e->fn] != fn))
            continue;
        v[n].start = e->start;
        v[n].end = e->end;
        n++;
    }
    concur_build(&c, v, n);
    fig->envs_peak = concur_peak(&c, p->since, p->until, NULL);
    concur_buckets(&c, p->since, p->bucket_ms, p->nbuckets, pk, NULL);
    for (int b = 0; b < p->nbuckets; b++)
        series[b].envs_peak = pk[b];
    concur_done(&c);
    free(pk);
    free(av);
    free(v);
}

/* Duration percentiles of the range and of each bucket, for the spans
 * selected (fn < 0: all). */
static void percentiles(report_period_t *p, const store_spans_t *sp, const int *fn_of, int fn, report_fig_t *fig,
                        report_point_t *series)
{
    int nb = p->nbuckets;
    size_t *start = xcalloc((size_t)nb + 1, sizeof *start), n = 0;
    for (size_t i = 0; i < sp->ninv; i++) {
        const store_inv_span_t *s = &sp->inv[i];
        int b = bucket_of(p, s->at);
        if (b < 0 || isnan(s->duration) || (fn >= 0 && fn_of[s->fn] != fn))
            continue;
        start[b + 1]++;
        n++;
    }
    for (int b = 0; b < nb; b++)
        start[b + 1] += start[b];
    double *d = xmalloc((n ? n : 1) * sizeof *d);
    size_t *fill = xmalloc(((size_t)nb + 1) * sizeof *fill);
    memcpy(fill, start, ((size_t)nb + 1) * sizeof *fill);
    for (size_t i = 0; i < sp->ninv; i++) {
        const store_inv_span_t *s = &sp->inv[i];
        int b = bucket_of(p, s->at);
        if (b < 0 || isnan(s->duration) || (fn >= 0 && fn_of[s->fn] != fn))
            continue;
        d[fill[b]++] = s->duration;
    }
    for (int b = 0; b < nb; b++) {
        size_t k = start[b + 1] - start[b];
        report__sort(d + start[b], k);
        series[b].p50 = report__pct(d + start[b], k, 50);
        series[b].p95 = report__pct(d + start[b], k, 95);
        series[b].p99 = report__pct(d + start[b], k, 99);
    }
    report__sort(d, n);
    fig->with_duration = (int64_t)n;
    fig->p50 = report__pct(d, n, 50);
    fig->p95 = report__pct(d, n, 95);
    fig->p99 = report__pct(d, n, 99);
    free(fill);
    free(start);
    free(d);
}

void report__series(report_period_t *p, const store_spans_t *sp, const int *fn_of, const report_rollup_row_t *rows,
                    size_t nrows, const report_signal_t *sig, size_t nsig)
{
    int nb = p->nbuckets, whole_minutes = p->bucket_ms % 60000 == 0;
    p->fn_series = xcalloc((size_t)(p->nfns ? p->nfns : 1), sizeof *p->fn_series);
    for (int f = 0; f < p->nfns; f++)
        p->fn_series[f] = xcalloc((size_t)nb, sizeof **p->fn_series);
    p->all_series = xcalloc((size_t)nb, sizeof *p->all_series);

    /* counts per bucket */
    if (whole_minutes) {
        for (size_t i = 0; i < nrows; i++) {
            int b = bucket_of(p, rows[i].minute);
            if (b < 0)
                continue;
            report_point_t *t[2] = { &p->fn_series[rows[i].fn][b], &p->all_series[b] };
            for (int k = 0; k < 2; k++) {
                t[k]->invocations += rows[i].invocations;
                t[k]->errors += rows[i].errors;
                t[k]->timeouts += rows[i].timeouts;
                t[k]->crashes += rows[i].crashes;
                t[k]->throttles += rows[i].throttles;
            }
        }
    } else {
        p->throttles_from_events = 1;
        for (size_t i = 0; i < sp->ninv; i++) {
            int b = bucket_of(p, sp->inv[i].at);
            if (b >= 0) {
                count_outcome(&p->fn_series[fn_of[sp->inv[i].fn]][b], sp->inv[i].outcome);
                count_outcome(&p->all_series[b], sp->inv[i].outcome);
            }
        }
        for (size_t i = 0; i < nsig; i++) {
            int b = bucket_of(p, sig[i].ts);
            if (b >= 0) {
                p->fn_series[sig[i].fn][b].throttles++;
                p->all_series[b].throttles++;
            }
        }
    }
    double secs = (double)p->bucket_ms / 1000.0;
    for (int b = 0; b < nb; b++) {
        for (int f = 0; f < p->nfns; f++) {
            report_point_t *t = &p->fn_series[f][b];
            t->rate = (double)t->invocations / secs;
            if (t->rate > p->fns[f].rate_peak)
                p->fns[f].rate_peak = t->rate;
        }
        p->all_series[b].rate = (double)p->all_series[b].invocations / secs;
        if (p->all_series[b].rate > p->all.rate_peak)
            p->all.rate_peak = p->all_series[b].rate;
    }

    /* cold starts by kind, of the invocations counted in the range */
    for (size_t i = 0; i < sp->ninv; i++) {
        const store_inv_span_t *s = &sp->inv[i];
        int b = bucket_of(p, s->at);
        if (b < 0 || !s->init_type)
            continue;
        int f = fn_of[s->fn];
        count_kind(&p->fns[f].colds, s);
        count_kind(&p->all.colds, s);
        count_kind(&p->fn_series[f][b].colds, s);
        count_kind(&p->all_series[b].colds, s);
    }

    for (int f = 0; f < p->nfns; f++) {
        concurrency(p, sp, fn_of, f, &p->fns[f], p->fn_series[f]);
        percentiles(p, sp, fn_of, f, &p->fns[f], p->fn_series[f]);
    }
    concurrency(p, sp, fn_of, -1, &p->all, p->all_series);
    percentiles(p, sp, fn_of, -1, &p->all, p->all_series);
}
