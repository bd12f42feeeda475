/* common/sketch.h — a mergeable quantile sketch with relative accuracy
 * SKETCH_ALPHA (1%): every value lands in a logarithmic bucket whose width
 * is 2% of its value, so any quantile read back is within 1% of the true
 * value at that rank (the DDSketch idea). Rollups store one sketch per
 * series and minute; a query merges the minutes it needs. Pure. */
#ifndef OBS_SKETCH_H
#define OBS_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#define SKETCH_ALPHA 0.01
/* |v| below this counts as zero. */
#define SKETCH_MIN_VALUE 1e-9

typedef struct sketch_store {
    int32_t *idx;       /* bucket indexes, ascending */
    uint64_t *cnt;
    int n, cap;
} sketch_store_t;

typedef struct sketch {
    sketch_store_t pos, neg;  /* neg holds |v| of negative values */
    uint64_t zero;
} sketch_t;

void sketch_init(sketch_t *s);
void sketch_done(sketch_t *s);

/* Add `count` copies of v (a finite number). */
void sketch_add(sketch_t *s, double v, uint64_t count);
uint64_t sketch_count(const sketch_t *s);

/* The value at nearest rank ceil(q * n) (q in [0, 1]), within SKETCH_ALPHA
 * relative error; NAN when empty. */
double sketch_quantile(const sketch_t *s, double q);

/* Add every value of src into dst (exact: the buckets add up). */
void sketch_merge(sketch_t *dst, const sketch_t *src);

/* Every occupied bucket in ascending value order: fn(ctx, its value (within
 * SKETCH_ALPHA of each value in it), how many). For histograms. */
void sketch_each(const sketch_t *s, void (*fn)(void *ctx, double value, uint64_t count), void *ctx);

/* Serialise to a malloc'd blob (*len bytes); free() it. */
unsigned char *sketch_encode(const sketch_t *s, size_t *len);
/* Add a serialised sketch into s. Returns 0, or -1 when the blob is corrupt
 * (s is then unchanged). */
int sketch_merge_blob(sketch_t *s, const unsigned char *blob, size_t len);

#endif
