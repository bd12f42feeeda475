/* store/rollup.c — per-minute, per-function rollups. Deltas of the open batch
 * accumulate in a small hash table keyed by (function, minute) and are
 * upserted into rollup_minute just before the batch commits, so a batch
 * costs one upsert per function-minute rather than one per event. Each
 * minute also keeps quantile sketches of its durations and init durations
 * (merged into the stored minute by obs_sketch_merge). Each minute's sums
 * go into its hour's row of rollup_hour too (schema v5). */
#include "store/store_int.h"
#include "common/hash.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t slot_hash(const char *fn, int64_t minute)
{
    return (obs_fnv_str(OBS_FNV_INIT, fn) ^ (uint64_t)minute) * 0x9E3779B97F4A7C15ULL;
}

static void slot_init(store_rollup_slot_t *s, const char *fn, int64_t minute)
{
    memset(s, 0, sizeof *s);
    s->function = xstrdup(fn);
    s->minute_ms = minute;
    s->sum.duration = s->sum.billed = s->sum.gb_seconds = s->sum.init = 0;
    s->sum.max_memory_used = s->sum.memory_size = -1;
    s->duration_max = s->init_max = NAN;
    sketch_init(&s->duration_sk);
    sketch_init(&s->init_sk);
}

static void slot_done(store_rollup_slot_t *s)
{
    free(s->function);
    s->function = NULL;
    sketch_done(&s->duration_sk);
    sketch_done(&s->init_sk);
}

/* A sketch as a blob (NULL when empty), to free(). */
static unsigned char *encode(const sketch_t *sk, size_t *len)
{
    *len = 0;
    return sketch_count(sk) ? sketch_encode(sk, len) : NULL;
}

/* Record the upsert of slot s's sums into stmt's row of (function, key) in
 * the writer's queue; the sketches are given encoded (copied). */
static int upsert(store_t *st, int stmt, const store_rollup_slot_t *s, int64_t key, const unsigned char *dur,
                  size_t dur_len, const unsigned char *init, size_t init_len, obs_err_t *err)
{
    store_wq_t *q = st->wq;
    int rc = store__wq_start(q, stmt, "updating rollups", err);
    if (rc)
        return rc;
    store__wq_str(q, s->function);
    store__wq_int(q, key);
    store__wq_int(q, s->sum.events);
    store__wq_int(q, s->sum.error_lines);
    store__wq_int(q, s->sum.invocations);
    store__wq_int(q, s->sum.errors);
    store__wq_int(q, s->sum.timeouts);
    store__wq_int(q, s->sum.crashes);
    store__wq_int(q, s->sum.oom);
    store__wq_int(q, s->sum.cold_starts);
    store__wq_int(q, s->sum.throttle_signals);
    store__wq_real(q, s->sum.duration);
    store__wq_real(q, s->duration_max);   /* NaN: NULL */
    store__wq_real(q, s->sum.billed);
    store__wq_real(q, s->sum.gb_seconds);
    store__wq_real(q, s->sum.init);
    store__wq_real(q, s->init_max);
    if (s->sum.max_memory_used >= 0)
        store__wq_int(q, s->sum.max_memory_used);
    else
        store__wq_null(q);
    if (s->sum.memory_size >= 0)
        store__wq_int(q, s->sum.memory_size);
    else
        store__wq_null(q);
    store__wq_int(q, s->sum.emf_documents);
    store__wq_int(q, s->sum.emf_parsing_errors);
    store__wq_int(q, s->sum.emf_validation_errors);
    if (dur)
        store__wq_blob(q, dur, dur_len);
    else
        store__wq_null(q);
    if (init)
        store__wq_blob(q, init, init_len);
    else
        store__wq_null(q);
    store__wq_int(q, s->sum.emulated);
    store__wq_end(q);
    return 0;
}

static store_rollup_slot_t *find_slot(store_rollup_slot_t *tab, int cap, const char *fn, int64_t minute)
{
    uint64_t i = slot_hash(fn, minute) & (uint64_t)(cap - 1);
    for (;; i = (i + 1) & (uint64_t)(cap - 1)) {
        store_rollup_slot_t *s = &tab[i];
        if (!s->function || (s->minute_ms == minute && strcmp(s->function, fn) == 0))
            return s;
    }
}

static void grow(store_t *st)
{
    int cap = st->rollup_cap ? st->rollup_cap * 2 : 64;
    store_rollup_slot_t *tab = xcalloc((size_t)cap, sizeof *tab);
    for (int i = 0; i < st->rollup_cap; i++) {
        store_rollup_slot_t *old = &st->rollups[i];
        if (old->function)
            *find_slot(tab, cap, old->function, old->minute_ms) = *old;
    }
    free(st->rollups);
    st->rollups = tab;
    st->rollup_cap = cap;
}

static double max_nan(double a, double b)
{
    if (isnan(a))
        return b;
    if (isnan(b))
        return a;
    return a > b ? a : b;
}

void store_rollup_add(store_t *st, const char *function, int64_t ts_ms, const store_rollup_delta_t *d)
{
    int64_t minute = ts_ms - (((ts_ms % 60000) + 60000) % 60000);
    if ((st->rollup_used + 1) * 2 > st->rollup_cap)
        grow(st);
    store_rollup_slot_t *s = find_slot(st->rollups, st->rollup_cap, function, minute);
    if (!s->function) {
        slot_init(s, function, minute);
        st->rollup_used++;
    }
    s->sum.events += d->events;
    s->sum.error_lines += d->error_lines;
    s->sum.invocations += d->invocations;
    s->sum.errors += d->errors;
    s->sum.timeouts += d->timeouts;
    s->sum.crashes += d->crashes;
    s->sum.oom += d->oom;
    s->sum.cold_starts += d->cold_starts;
    s->sum.throttle_signals += d->throttle_signals;
    s->sum.emf_documents += d->emf_documents;
    s->sum.emf_parsing_errors += d->emf_parsing_errors;
    s->sum.emf_validation_errors += d->emf_validation_errors;
    s->sum.emulated += d->emulated;
    if (!isnan(d->duration)) {
        s->sum.duration += d->duration;
        s->duration_max = max_nan(s->duration_max, d->duration);
        sketch_add(&s->duration_sk, d->duration, 1);
    }
    if (!isnan(d->billed))
        s->sum.billed += d->billed;
    if (!isnan(d->gb_seconds))
        s->sum.gb_seconds += d->gb_seconds;
    if (!isnan(d->init)) {
        s->sum.init += d->init;
        s->init_max = max_nan(s->init_max, d->init);
        sketch_add(&s->init_sk, d->init, 1);
    }
    if (d->max_memory_used > s->sum.max_memory_used)
        s->sum.max_memory_used = d->max_memory_used;
    if (d->memory_size >= 0)
        s->sum.memory_size = d->memory_size;
}

int store__flush_rollups(store_t *st, obs_err_t *err)
{
    for (int i = 0; i < st->rollup_cap; i++) {
        store_rollup_slot_t *s = &st->rollups[i];
        if (!s->function)
            continue;
        size_t dl, il;
        unsigned char *dur = encode(&s->duration_sk, &dl), *init = encode(&s->init_sk, &il);
        int64_t h = s->minute_ms - (((s->minute_ms % 3600000) + 3600000) % 3600000);
        int rc = upsert(st, STMT_ROLLUP_UPSERT, s, s->minute_ms, dur, dl, init, il, err);
        if (!rc)
            rc = upsert(st, STMT_ROLLUP_HOUR_UPSERT, s, h, dur, dl, init, il, err);
        free(dur);
        free(init);
        if (rc)
            return rc;
        slot_done(s);
    }
    st->rollup_used = 0;
    return 0;
}

void store__rollups_free(store_t *st)
{
    for (int i = 0; i < st->rollup_cap; i++)
        if (st->rollups[i].function)
            slot_done(&st->rollups[i]);
    free(st->rollups);
    st->rollups = NULL;
    st->rollup_cap = st->rollup_used = 0;
}
