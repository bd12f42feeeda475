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

/* Upsert slot s's sums into q's row of (function, key); the sketches are
 * given encoded. */
static int upsert(sqlite3_stmt *q, const store_rollup_slot_t *s, int64_t key, const unsigned char *dur,
                  size_t dur_len, const unsigned char *init, size_t init_len)
{
    sqlite3_bind_text(q, 1, s->function, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, key);
    sqlite3_bind_int(q, 3, s->sum.events);
    sqlite3_bind_int(q, 4, s->sum.error_lines);
    sqlite3_bind_int(q, 5, s->sum.invocations);
    sqlite3_bind_int(q, 6, s->sum.errors);
    sqlite3_bind_int(q, 7, s->sum.timeouts);
    sqlite3_bind_int(q, 8, s->sum.crashes);
    sqlite3_bind_int(q, 9, s->sum.oom);
    sqlite3_bind_int(q, 10, s->sum.cold_starts);
    sqlite3_bind_int(q, 11, s->sum.throttle_signals);
    sqlite3_bind_double(q, 12, s->sum.duration);
    if (!isnan(s->duration_max))
        sqlite3_bind_double(q, 13, s->duration_max);
    sqlite3_bind_double(q, 14, s->sum.billed);
    sqlite3_bind_double(q, 15, s->sum.gb_seconds);
    sqlite3_bind_double(q, 16, s->sum.init);
    if (!isnan(s->init_max))
        sqlite3_bind_double(q, 17, s->init_max);
    if (s->sum.max_memory_used >= 0)
        sqlite3_bind_int64(q, 18, s->sum.max_memory_used);
    if (s->sum.memory_size >= 0)
        sqlite3_bind_int64(q, 19, s->sum.memory_size);
    sqlite3_bind_int(q, 20, s->sum.emf_documents);
    sqlite3_bind_int(q, 21, s->sum.emf_parsing_errors);
    sqlite3_bind_int(q, 22, s->sum.emf_validation_errors);
    if (dur)
        sqlite3_bind_blob(q, 23, dur, (int)dur_len, SQLITE_STATIC);
    if (init)
        sqlite3_bind_blob(q, 24, init, (int)init_len, SQLITE_STATIC);
    sqlite3_bind_int(q, 25, s->sum.emulated);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc;
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
    sqlite3_stmt *minute = st->stmt[STMT_ROLLUP_UPSERT], *hour = st->stmt[STMT_ROLLUP_HOUR_UPSERT];
    for (int i = 0; i < st->rollup_cap; i++) {
        store_rollup_slot_t *s = &st->rollups[i];
        if (!s->function)
            continue;
        size_t dl, il;
        unsigned char *dur = encode(&s->duration_sk, &dl), *init = encode(&s->init_sk, &il);
        int64_t h = s->minute_ms - (((s->minute_ms % 3600000) + 3600000) % 3600000);
        int rc = upsert(minute, s, s->minute_ms, dur, dl, init, il);
        if (rc == SQLITE_DONE)
            rc = upsert(hour, s, h, dur, dl, init, il);
        free(dur);
        free(init);
        if (rc != SQLITE_DONE)
            return store__dberr(st, err, "updating rollups");
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
