/* common/concur.c — the step function of how many spans are open (see
 * concur.h). Starts and ends are sorted apart (radix sort: times in ms are
 * a narrow range of 64-bit keys) and merged into one change point per
 * distinct time; every question is then a binary search and a walk. */
#include "common/concur.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)

void concur_sort_i64(int64_t *v, size_t n)
{
    if (n < 2)
        return;
    int64_t lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
        if (v[i] < lo)
            lo = v[i];
        if (v[i] > hi)
            hi = v[i];
    }
    uint64_t range = (uint64_t)hi - (uint64_t)lo;
    if (range == 0)
        return;
    uint64_t *a = xmalloc(n * sizeof *a), *b = xmalloc(n * sizeof *b);
    for (size_t i = 0; i < n; i++)
        a[i] = (uint64_t)v[i] - (uint64_t)lo;
    size_t *count = xmalloc(RADIX * sizeof *count);
    for (int shift = 0; shift < 64 && (range >> shift) != 0; shift += RADIX_BITS) {
        memset(count, 0, RADIX * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(a[i] >> shift) & (RADIX - 1)]++;
        size_t sum = 0;
        for (unsigned d = 0; d < RADIX; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            b[count[(a[i] >> shift) & (RADIX - 1)]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = (int64_t)(a[i] + (uint64_t)lo);
    free(count);
    free(a);
    free(b);
}

void concur_build(concur_t *c, const concur_span_t *spans, size_t n)
{
    memset(c, 0, sizeof *c);
    int64_t *starts = xmalloc((n ? n : 1) * sizeof *starts);
    int64_t *ends = xmalloc((n ? n : 1) * sizeof *ends);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (spans[i].end <= spans[i].start)
            continue;   /* never open */
        starts[m] = spans[i].start;
        ends[m] = spans[i].end;
        m++;
    }
    concur_sort_i64(starts, m);
    concur_sort_i64(ends, m);
    c->t = xmalloc((2 * m + 1) * sizeof *c->t);
    c->level = xmalloc((2 * m + 1) * sizeof *c->level);
    size_t i = 0, j = 0;
    int32_t level = 0;
    while (i < m || j < m) {
        int64_t t = j >= m || (i < m && starts[i] < ends[j]) ? starts[i] : ends[j];
        int32_t delta = 0;
        while (i < m && starts[i] == t) {
            delta++;
            i++;
        }
        while (j < m && ends[j] == t) {
            delta--;
            j++;
        }
        if (delta == 0)
            continue;   /* as many closed as opened at t: the level holds */
        level += delta;
        c->t[c->n] = t;
        c->level[c->n] = level;
        c->n++;
    }
    free(starts);
    free(ends);
}

void concur_done(concur_t *c)
{
    free(c->t);
    free(c->level);
    memset(c, 0, sizeof *c);
}

/* The first change point after t (n when none). */
static size_t after(const concur_t *c, int64_t t)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->t[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int32_t concur_level_at(const concur_t *c, int64_t t)
{
    size_t k = after(c, t);
    return k ? c->level[k - 1] : 0;
}

void concur_buckets(const concur_t *c, int64_t since, int64_t bucket_ms, int nb, int32_t *peak, double *avg)
{
    size_t k = after(c, since);
    int32_t cur = k ? c->level[k - 1] : 0;
    for (int i = 0; i < nb; i++) {
        int64_t pos = since + (int64_t)i * bucket_ms, end = pos + bucket_ms;
        while (k < c->n && c->t[k] <= pos)   /* a change at the bucket's first instant */
            cur = c->level[k++];
        int32_t pk = cur;
        int64_t area = 0;
        while (k < c->n && c->t[k] < end) {
            area += (int64_t)cur * (c->t[k] - pos);
            pos = c->t[k];
            cur = c->level[k++];
            if (cur > pk)
                pk = cur;
        }
        area += (int64_t)cur * (end - pos);
        if (peak)
            peak[i] = pk;
        if (avg)
            avg[i] = (double)area / (double)bucket_ms;
    }
}

int64_t concur_time_at_least(const concur_t *c, int64_t since, int64_t until, int32_t level)
{
    if (until <= since)
        return 0;
    size_t k = after(c, since);
    int32_t cur = k ? c->level[k - 1] : 0;
    int64_t pos = since, total = 0;
    while (k < c->n && c->t[k] < until) {
        if (cur >= level)
            total += c->t[k] - pos;
        pos = c->t[k];
        cur = c->level[k++];
    }
    if (cur >= level)
        total += until - pos;
    return total;
}

int32_t concur_peak(const concur_t *c, int64_t since, int64_t until, int64_t *at)
{
    size_t k = after(c, since);
    int32_t cur = k ? c->level[k - 1] : 0, pk = cur;
    int64_t when = since;
    while (k < c->n && c->t[k] < until) {
        cur = c->level[k];
        if (cur > pk) {
            pk = cur;
            when = c->t[k];
        }
        k++;
    }
    if (at)
        *at = when;
    return pk;
}
