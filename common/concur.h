/* common/concur.h — concurrency of a set of time spans: how many are open at
 * each instant (a step function built once), its peak and time-weighted
 * average per bucket, its level at an instant, and how long it stays at or
 * above a level. Pure: memory in, numbers out; docs/concurrency.md says what
 * obs feeds it (invocations, execution environments).
 *
 * A span is [start, end) in ms: open at start, closed at end, so one that
 * ends at t and one that starts at t are never open together. A span with
 * end <= start is never open. */
#ifndef OBS_COMMON_CONCUR_H
#define OBS_COMMON_CONCUR_H

#include <stddef.h>
#include <stdint.h>

typedef struct concur_span {
    int64_t start, end;
} concur_span_t;

/* The step function: its change points in time order, one per distinct
 * time, with the level from that time to the next. */
typedef struct concur {
    int64_t *t;
    int32_t *level;
    size_t n;
} concur_t;

/* Build c from n spans (c need not be initialised; concur_done frees). */
void concur_build(concur_t *c, const concur_span_t *spans, size_t n);
void concur_done(concur_t *c);

/* The level at instant t. */
int32_t concur_level_at(const concur_t *c, int64_t t);

/* For each of nb buckets [since + i * bucket_ms, since + (i + 1) * bucket_ms):
 * peak[i] the highest level at any instant of it, avg[i] its time-weighted
 * mean level (the spans' time inside it / bucket_ms). Either may be NULL. */
void concur_buckets(const concur_t *c, int64_t since, int64_t bucket_ms, int nb, int32_t *peak, double *avg);

/* Milliseconds of [since, until) at which the level is >= level (level <= 0:
 * all of them). */
int64_t concur_time_at_least(const concur_t *c, int64_t since, int64_t until, int32_t level);

/* The highest level in [since, until) and the first instant it is reached
 * (*at = since when the level is 0 throughout; at may be NULL). */
int32_t concur_peak(const concur_t *c, int64_t since, int64_t until, int64_t *at);

/* Sort n signed 64-bit keys in place (LSD radix sort on the keys' offsets
 * from their minimum: a few passes over the array for times in ms). */
void concur_sort_i64(int64_t *v, size_t n);

#endif
