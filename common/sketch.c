/* common/sketch.c — log-bucketed quantile sketch (see sketch.h).
 * Bucket i holds values in (gamma^(i-1), gamma^i], gamma = (1+a)/(1-a); its
 * representative value 2 gamma^i / (gamma + 1) is within a of every value in
 * it. Blob format: "SK1", varint zero count, then for the negative and the
 * positive store: varint bucket count, then (zigzag varint index delta,
 * varint count) pairs. */
#include "common/sketch.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double gamma_(void)
{
    return (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA);
}

static int32_t bucket_of(double v)
{
    double b = ceil(log(v) / log(gamma_()));
    return b > INT32_MAX ? INT32_MAX : b < INT32_MIN ? INT32_MIN : (int32_t)b;
}

static double value_of(int32_t i)
{
    double g = gamma_();
    return 2.0 * pow(g, i) / (g + 1.0);
}

void sketch_init(sketch_t *s)
{
    memset(s, 0, sizeof *s);
}

static void store_done(sketch_store_t *st)
{
    free(st->idx);
    free(st->cnt);
    memset(st, 0, sizeof *st);
}

void sketch_done(sketch_t *s)
{
    store_done(&s->pos);
    store_done(&s->neg);
    s->zero = 0;
}

/* Counts saturate rather than wrap: a weighted value (an EMF Counts entry)
 * may be as large as 2^53, and a minute may hold many of them. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void store_add(sketch_store_t *st, int32_t i, uint64_t count)
{
    int lo = 0, hi = st->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (st->idx[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < st->n && st->idx[lo] == i) {
        st->cnt[lo] = sat_add(st->cnt[lo], count);
        return;
    }
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 8;
        st->idx = xrealloc(st->idx, (size_t)st->cap * sizeof *st->idx);
        st->cnt = xrealloc(st->cnt, (size_t)st->cap * sizeof *st->cnt);
    }
    memmove(st->idx + lo + 1, st->idx + lo, (size_t)(st->n - lo) * sizeof *st->idx);
    memmove(st->cnt + lo + 1, st->cnt + lo, (size_t)(st->n - lo) * sizeof *st->cnt);
    st->idx[lo] = i;
    st->cnt[lo] = count;
    st->n++;
}

/* Merge the sorted store src into dst in one backward pass (dst grows to
 * hold both, equal indexes add up, then the result is moved to the front):
 * O(n + m), where adding src's buckets one by one costs a search and a
 * memmove each. */
static void store_merge(sketch_store_t *dst, const sketch_store_t *src)
{
    if (src->n == 0)
        return;
    int need = dst->n + src->n;
    if (need > dst->cap) {
        dst->cap = need;
        dst->idx = xrealloc(dst->idx, (size_t)need * sizeof *dst->idx);
        dst->cnt = xrealloc(dst->cnt, (size_t)need * sizeof *dst->cnt);
    }
    int i = dst->n - 1, j = src->n - 1, k = need - 1;
    while (j >= 0) {
        if (i >= 0 && dst->idx[i] > src->idx[j]) {
            dst->idx[k] = dst->idx[i];
            dst->cnt[k--] = dst->cnt[i--];
        } else if (i >= 0 && dst->idx[i] == src->idx[j]) {
            dst->idx[k] = dst->idx[i];
            dst->cnt[k--] = sat_add(dst->cnt[i--], src->cnt[j--]);
        } else {
            dst->idx[k] = src->idx[j];
            dst->cnt[k--] = src->cnt[j--];
        }
    }
    while (i >= 0 && k != i) {
        dst->idx[k] = dst->idx[i];
        dst->cnt[k--] = dst->cnt[i--];
    }
    int first = i >= 0 ? 0 : k + 1;   /* i >= 0 here: dst's head is in place */
    if (first > 0) {
        memmove(dst->idx, dst->idx + first, (size_t)(need - first) * sizeof *dst->idx);
        memmove(dst->cnt, dst->cnt + first, (size_t)(need - first) * sizeof *dst->cnt);
    }
    dst->n = need - first;
}

void sketch_merge(sketch_t *dst, const sketch_t *src)
{
    dst->zero = sat_add(dst->zero, src->zero);
    store_merge(&dst->neg, &src->neg);
    store_merge(&dst->pos, &src->pos);
}

void sketch_add(sketch_t *s, double v, uint64_t count)
{
    if (!isfinite(v) || count == 0)
        return;
    if (fabs(v) < SKETCH_MIN_VALUE)
        s->zero = sat_add(s->zero, count);
    else if (v > 0)
        store_add(&s->pos, bucket_of(v), count);
    else
        store_add(&s->neg, bucket_of(-v), count);
}

static uint64_t store_count(const sketch_store_t *st)
{
    uint64_t c = 0;
    for (int i = 0; i < st->n; i++)
        c = sat_add(c, st->cnt[i]);
    return c;
}

uint64_t sketch_count(const sketch_t *s)
{
    return sat_add(sat_add(store_count(&s->neg), s->zero), store_count(&s->pos));
}

double sketch_quantile(const sketch_t *s, double q)
{
    uint64_t n = sketch_count(s);
    if (n == 0 || !(q >= 0 && q <= 1))
        return NAN;
    uint64_t rank = (uint64_t)ceil(q * (double)n);  /* 1-based nearest rank */
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    /* Most negative first: the negative store in descending |v|. */
    for (int i = s->neg.n - 1; i >= 0; i--) {
        seen = sat_add(seen, s->neg.cnt[i]);
        if (seen >= rank)
            return -value_of(s->neg.idx[i]);
    }
    seen = sat_add(seen, s->zero);
    if (seen >= rank)
        return 0.0;
    for (int i = 0; i < s->pos.n; i++) {
        seen = sat_add(seen, s->pos.cnt[i]);
        if (seen >= rank)
            return value_of(s->pos.idx[i]);
    }
    return value_of(s->pos.idx[s->pos.n - 1]);
}

void sketch_each(const sketch_t *s, void (*fn)(void *ctx, double value, uint64_t count), void *ctx)
{
    for (int i = s->neg.n - 1; i >= 0; i--)
        fn(ctx, -value_of(s->neg.idx[i]), s->neg.cnt[i]);
    if (s->zero)
        fn(ctx, 0.0, s->zero);
    for (int i = 0; i < s->pos.n; i++)
        fn(ctx, value_of(s->pos.idx[i]), s->pos.cnt[i]);
}

/* ---- encoding ------------------------------------------------------------ */

typedef struct out_buf {
    unsigned char *p;
    size_t len, cap;
} out_buf_t;

static void put_varint(out_buf_t *b, uint64_t v)
{
    if (b->len + 10 > b->cap) {
        b->cap = b->cap * 2 + 32;
        b->p = xrealloc(b->p, b->cap);
    }
    while (v >= 0x80) {
        b->p[b->len++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    b->p[b->len++] = (unsigned char)v;
}

static void put_store(out_buf_t *b, const sketch_store_t *st)
{
    int64_t prev = 0;
    put_varint(b, (uint64_t)st->n);
    for (int i = 0; i < st->n; i++) {
        int64_t d = (int64_t)st->idx[i] - prev;
        put_varint(b, ((uint64_t)d << 1) ^ (uint64_t)(d >> 63));
        put_varint(b, st->cnt[i]);
        prev = st->idx[i];
    }
}

unsigned char *sketch_encode(const sketch_t *s, size_t *len)
{
    out_buf_t b = { 0 };
    b.cap = 64;
    b.p = xmalloc(b.cap);
    memcpy(b.p, "SK1", 3);
    b.len = 3;
    put_varint(&b, s->zero);
    put_store(&b, &s->neg);
    put_store(&b, &s->pos);
    *len = b.len;
    return b.p;
}

static int get_varint(const unsigned char *p, size_t len, size_t *at, uint64_t *v)
{
    uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*at >= len)
            return -1;
        unsigned char c = p[(*at)++];
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

/* Decode one store into a temporary; checks bounds before touching s. */
static int get_store(const unsigned char *p, size_t len, size_t *at, sketch_store_t *tmp)
{
    uint64_t n, d, c;
    int64_t prev = 0;
    if (get_varint(p, len, at, &n) || n > len)
        return -1;
    for (uint64_t i = 0; i < n; i++) {
        if (get_varint(p, len, at, &d) || get_varint(p, len, at, &c))
            return -1;
        int64_t delta = (int64_t)(d >> 1) ^ -(int64_t)(d & 1);
        int64_t idx = prev + delta;
        if (idx < INT32_MIN || idx > INT32_MAX)
            return -1;
        store_add(tmp, (int32_t)idx, c);
        prev = idx;
    }
    return 0;
}

int sketch_merge_blob(sketch_t *s, const unsigned char *blob, size_t len)
{
    sketch_t tmp;
    size_t at = 3;
    uint64_t zero;
    int rc = -1;
    sketch_init(&tmp);
    if (len < 3 || memcmp(blob, "SK1", 3) != 0)
        goto out;
    if (get_varint(blob, len, &at, &zero) || get_store(blob, len, &at, &tmp.neg) ||
        get_store(blob, len, &at, &tmp.pos) || at != len)
        goto out;
    tmp.zero = zero;
    sketch_merge(s, &tmp);
    rc = 0;
out:
    sketch_done(&tmp);
    return rc;
}
