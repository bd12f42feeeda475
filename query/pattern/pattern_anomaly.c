/* query/pattern/pattern_anomaly.c — what `anomaly` finds in one pattern,
 * with plain statistics over the query's range [lo, hi] (not a trained
 * model; docs/query-language.md says which of CloudWatch's five kinds):
 *
 *  - frequency: the range is cut into ANOMALY_BINS equal bins (at least a
 *    second each); a bin holding at least ANOMALY_MIN_COUNT events and more
 *    than the mean of the other bins plus ANOMALY_SIGMAS times their
 *    standard deviation (at least 1) is a spike; the largest spike is
 *    reported, at its bin's start;
 *  - new pattern: a pattern first seen in the second half of the range,
 *    when the input has events in the first half, is reported at its
 *    first time.
 * Pure arithmetic on the times the set kept. */
#include "query/pattern/pattern_int.h"
#include "common/isotime.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define ANOMALY_BINS 30
#define ANOMALY_MIN_COUNT 5
#define ANOMALY_SIGMAS 4.0

static void add(pattern_anomaly_t **out, int *n, pattern_anomaly_type_t type, int64_t ts)
{
    *out = xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
    (*out)[*n].type = type;
    (*out)[*n].ts = ts;
    (*out)[*n].desc[0] = '\0';
    (*n)++;
}

void pattern__anomalies(const int64_t *ts, int64_t n, int64_t lo, int64_t hi, int64_t first_ts,
                        pattern_anomaly_t **out, int *nout)
{
    *out = NULL;
    *nout = 0;
    if (n <= 0 || hi < lo)
        return;
    int64_t width = (hi - lo) / ANOMALY_BINS + 1;
    if (width < 1000)
        width = 1000;
    int64_t count[ANOMALY_BINS] = { 0 }, first = INT64_MAX;
    int nbins = (int)((hi - lo) / width) + 1;
    if (nbins > ANOMALY_BINS)
        nbins = ANOMALY_BINS;
    for (int64_t i = 0; i < n; i++) {
        if (ts[i] < first)
            first = ts[i];
        int64_t b = (ts[i] - lo) / width;
        if (b >= 0 && b < nbins)
            count[b]++;
    }
    char t1[32], t2[32];
    if (nbins >= 4) {
        double total = 0, sq = 0;
        for (int b = 0; b < nbins; b++) {
            total += (double)count[b];
            sq += (double)count[b] * (double)count[b];
        }
        int best = -1;
        double best_excess = 0, best_mean = 0;
        for (int b = 0; b < nbins; b++) {
            if (count[b] < ANOMALY_MIN_COUNT)
                continue;
            double c = (double)count[b], k = nbins - 1;
            double mean = (total - c) / k, var = (sq - c * c) / k - mean * mean;
            double sd = var > 1 ? sqrt(var) : 1;
            double excess = c - (mean + ANOMALY_SIGMAS * sd);
            if (excess > 0 && excess > best_excess) {
                best = b;
                best_excess = excess;
                best_mean = mean;
            }
        }
        if (best >= 0) {
            add(out, nout, PA_FREQUENCY, lo + best * width);
            isotime_format(lo + best * width, t1);
            snprintf((*out)[*nout - 1].desc, sizeof (*out)[*nout - 1].desc,
                     "%lld events in the %lld s from %s, against %.1f in the other bins on average",
                     (long long)count[best], (long long)(width / 1000), t1, best_mean);
        }
    }
    int64_t mid = lo + (hi - lo) / 2;
    if (first > mid && first_ts <= mid) {
        add(out, nout, PA_NEW, first);
        isotime_format(first, t1);
        isotime_format(mid, t2);
        snprintf((*out)[*nout - 1].desc, sizeof (*out)[*nout - 1].desc,
                 "new pattern: first seen at %s, none before %s (the first half of the range)", t1, t2);
    }
}
