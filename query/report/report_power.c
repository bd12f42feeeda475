/* query/report/report_power.c — the memory table Power Tuning would draw,
 * from the invocations a function actually ran: per memory size seen, its
 * invocations, average and p95 duration, average billed duration and what
 * an invocation cost (billed GB-seconds at the GB-second price, and the
 * request price); and the size that would have been cheapest at equal p95:
 * of the sizes whose p95 is no higher than that of the size the function
 * ran at most, the one whose invocation cost least (the smaller on a tie).
 * Emulated invocations are left out (an emulator's REPORT claims all the
 * memory). Also the nearest-rank percentile the report uses. */
#include "query/report/report_int.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void report__sort(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
}

double report__pct(const double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    return v[rank - 1];
}

typedef struct inv_mem {
    int64_t mb;
    double duration, billed;
} inv_mem_t;

static int cmp_mem(const void *a, const void *b)
{
    const inv_mem_t *x = a, *y = b;
    if (x->mb != y->mb)
        return x->mb < y->mb ? -1 : 1;
    return x->duration < y->duration ? -1 : x->duration > y->duration;
}

void report__power(report_power_t *pw, const store_spans_t *sp, int span_fn, int64_t since, int64_t until,
                   double price_gb_s, double price_request)
{
    memset(pw, 0, sizeof *pw);
    pw->reference = pw->cheapest = -1;
    size_t n = 0;
    inv_mem_t *v = xmalloc((sp->ninv ? sp->ninv : 1) * sizeof *v);
    for (size_t i = 0; i < sp->ninv; i++) {
        const store_inv_span_t *s = &sp->inv[i];
        if (s->fn != span_fn || (s->flags & STORE_SPAN_EMULATED) || isnan(s->duration) || s->memory_size <= 0 ||
            s->at < since || s->at >= until)
            continue;
        v[n].mb = s->memory_size / 1000000;
        v[n].duration = s->duration;
        v[n].billed = isnan(s->billed) ? s->duration : s->billed;
        n++;
    }
    qsort(v, n, sizeof *v, cmp_mem);
    double *durations = xmalloc((n ? n : 1) * sizeof *durations);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double sum = 0, billed = 0;
        while (j < n && v[j].mb == v[i].mb) {
            durations[j - i] = v[j].duration;
            sum += v[j].duration;
            billed += v[j].billed;
            j++;
        }
        pw->rows = xrealloc(pw->rows, (size_t)(pw->n + 1) * sizeof *pw->rows);
        report_mem_t *r = &pw->rows[pw->n++];
        r->memory_mb = v[i].mb;
        r->invocations = (int64_t)(j - i);
        r->avg_ms = sum / (double)(j - i);
        r->p95_ms = report__pct(durations, j - i, 95);   /* sorted by duration within a size */
        r->avg_billed_ms = billed / (double)(j - i);
        /* GB-seconds as the rollups count them: billed ms / 1000 x MB / 1024 */
        r->cost_per_invocation = r->avg_billed_ms / 1000.0 * ((double)r->memory_mb / 1024.0) * price_gb_s +
                                 price_request;
        r->cost_per_million = r->cost_per_invocation * 1e6;
        i = j;
    }
    free(durations);
    free(v);
    for (int i = 0; i < pw->n; i++)
        if (pw->reference < 0 || pw->rows[i].invocations > pw->rows[pw->reference].invocations)
            pw->reference = i;
    if (pw->reference < 0)
        return;
    double ref_p95 = pw->rows[pw->reference].p95_ms;
    for (int i = 0; i < pw->n; i++) {
        const report_mem_t *r = &pw->rows[i];
        if (r->p95_ms > ref_p95)
            continue;
        if (pw->cheapest < 0 || r->cost_per_invocation < pw->rows[pw->cheapest].cost_per_invocation)
            pw->cheapest = i;
    }
}

void report__power_free(report_power_t *pw)
{
    free(pw->rows);
    memset(pw, 0, sizeof *pw);
}
