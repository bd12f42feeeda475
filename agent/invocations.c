/* agent/invocations.c — the order-free merge of invocations and the
 * rollups derived from it (see invocations.h). An open-addressing table of
 * the recent invocations by request id. A changed invocation is written
 * into the open batch once, at the next flush (pipeline_sync, before every
 * checkpoint and before retention runs): its START, END, REPORT and
 * outcome lines of the same batch make one upsert, not one each (the
 * invocations table, keyed by request id text, cost 12-15% of an import's
 * CPU when written per line). A request id not in the table is looked up in the store
 * first, unless it cannot be there: no id stored at open or written since
 * has its hash (rid_set.h; a lookup waits for the writer thread).
 *
 * Attempts: Lambda runs an asynchronous event again under the same request
 * id when an attempt fails (a timeout, an error: two retries by default),
 * each attempt with its own START, END and REPORT. The table holds the last
 * attempt of each request id; a START or a REPORT that this attempt already
 * has begins the next one (attempt + 1). Any other line joins the last
 * attempt, so lines in reverse order (newest first: REPORT, END, then
 * START) still make one invocation. The lines' times are not asked: a
 * stream pasted newest first and then given times in that order by a tool
 * (a REPORT "before" its START) is one invocation all the same; retries
 * newest first are counted right, each START paired with the REPORT met
 * before it. Lines are merged once: a batch rolled back is forgotten with
 * its lines' offsets, and what was committed is read back from the store
 * (its last attempt), never read again from the file. */
#include "agent/invocations.h"
#include "common/hash.h"
#include "agent/rid_set.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB_BYTES 1000000LL   /* Logs Insights: @memorySize = MB x 1,000,000 */

/* How the end time was learnt: a better source replaces a worse one. */
enum { END_NONE, END_OUTCOME, END_END, END_REPORT };

typedef struct inv {
    char rid[64];
    size_t rid_len;
    uint64_t hash;
    int64_t stream_id;
    char *function;              /* owned: a stream may be let go before it */
    int64_t start_ts, end_ts;
    int end_rank;
    int has_report;
    double duration, billed, init, restore;
    int64_t memory_size, max_memory_used;  /* bytes, -1 */
    int has_init;                /* its REPORT has an Init Duration */
    int init_type;               /* STORE_INIT_* its stream said, 0 */
    int timing;                  /* STORE_TIMING_* */
    int outcome, emulated;
    int64_t counted_ts;          /* the time its rollup counts are at (-1: none):
                                    its first end, kept when a later line moves
                                    the end (the counts never move minutes) */
    char version[32], error_type[96], xray[48], runtime_version[48];
    int attempt;                 /* 1, 2, ...: Lambda's retries of the request id */
    int dirty;                   /* changed since written: written at the next flush */
} inv_t;

/* What an invocation counts as in the rollups (exists 0: nothing). */
typedef struct contrib {
    int exists;
    int64_t ts;
    int cold, outcome, emulated;
} contrib_t;

struct invocations {
    store_t *st;
    inv_t **tab;                 /* open addressing; NULL = empty */
    size_t cap, n;
    rid_set_t *written;          /* the hashes of the ids stored: one not here is not in the store */
    inv_t **dirty;               /* changed and not written yet */
    size_t ndirty, dirty_cap;
    inv_t **retired;             /* earlier attempts a later one replaced in tab: freed once written */
    size_t nretired, retired_cap;
    invocations_counts_t counts; /* since the last reset */
};

static void note_stored(void *ctx, const char *rid, size_t len)
{
    invocations_t *iv = ctx;
    rid_set_add(iv->written, obs_fnv(OBS_FNV_INIT, rid, len < 63 ? len : 63));   /* as find() hashes */
}

invocations_t *invocations_new(store_t *st)
{
    invocations_t *iv = xcalloc(1, sizeof *iv);
    iv->st = st;
    iv->written = rid_set_new();
    /* the ids already stored: one scan of the key index at start instead
     * of a lookup per new request id */
    int complete = 0;
    obs_err_t err;
    if (store_invocation_ids(st, RID_SET_MAX, note_stored, iv, &complete, &err) || !complete)
        rid_set_give_up(iv->written);
    return iv;
}

static void inv_free(inv_t *e)
{
    if (e)
        free(e->function);
    free(e);
}

static void free_retired(invocations_t *iv)
{
    for (size_t i = 0; i < iv->nretired; i++)
        inv_free(iv->retired[i]);
    iv->nretired = 0;
}

static void clear(invocations_t *iv)
{
    for (size_t i = 0; i < iv->cap; i++)
        inv_free(iv->tab[i]);
    free(iv->tab);
    free_retired(iv);
    iv->tab = NULL;
    iv->cap = iv->n = iv->ndirty = 0;
}

void invocations_free(invocations_t *iv)
{
    if (!iv)
        return;
    clear(iv);
    free(iv->dirty);
    free(iv->retired);
    rid_set_free(iv->written);
    free(iv);
}

void invocations_reset(invocations_t *iv)
{
    /* what was merged since the last commit is gone with the batch; what
     * was committed is read back from the store when needed */
    clear(iv);
    memset(&iv->counts, 0, sizeof iv->counts);
}

static inv_t **slot(inv_t **tab, size_t cap, uint64_t h, const char *rid, size_t n)
{
    size_t i = (size_t)h & (cap - 1);
    while (tab[i] && !(tab[i]->hash == h && tab[i]->rid_len == n && memcmp(tab[i]->rid, rid, n) == 0))
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

static void grow(invocations_t *iv)
{
    size_t cap = iv->cap ? iv->cap * 2 : 1024;
    inv_t **tab = xcalloc(cap, sizeof *tab);
    for (size_t i = 0; i < iv->cap; i++)
        if (iv->tab[i])
            *slot(tab, cap, iv->tab[i]->hash, iv->tab[i]->rid, iv->tab[i]->rid_len) = iv->tab[i];
    free(iv->tab);
    iv->tab = tab;
    iv->cap = cap;
}

static void copy_text(char *dst, size_t size, const char *p, size_t n)
{
    if (n >= size)
        n = size - 1;
    memcpy(dst, p, n);
    dst[n] = '\0';
}

static void copy_span(char *dst, size_t size, obs_span_t v)
{
    if (v.p && v.len)
        copy_text(dst, size, v.p, v.len);
}

/* The invocation of rid, made (from the store's row, if it has one) when
 * not in the table. NULL after a store error. */
static inv_t *find(invocations_t *iv, const invocation_source_t *src, obs_span_t rid, obs_err_t *err)
{
    size_t n = rid.len < 63 ? rid.len : 63;
    uint64_t h = obs_fnv(OBS_FNV_INIT, rid.p, n);
    if ((iv->n + 1) * 2 > iv->cap)
        grow(iv);
    inv_t **s = slot(iv->tab, iv->cap, h, rid.p, n);
    if (*s)
        return *s;
    inv_t *e = xcalloc(1, sizeof *e);
    memcpy(e->rid, rid.p, n);
    e->rid_len = n;
    e->hash = h;
    e->stream_id = src->stream_id;
    e->function = xstrdup(src->function);
    e->start_ts = e->end_ts = e->counted_ts = -1;
    e->duration = e->billed = e->init = e->restore = NAN;
    e->memory_size = e->max_memory_used = -1;
    e->attempt = 1;
    if (rid_set_may_have(iv->written, h)) {
        store_invocation_row_t row;
        int found;
        if (store_invocation_get(iv->st, obs_span(e->rid, n), &row, &found, err)) {
            free(e->function);
            free(e);
            return NULL;
        }
        if (found) {
            e->stream_id = row.stream_id;
            e->start_ts = row.start_ts;
            e->end_ts = row.end_ts;
            e->counted_ts = row.end_ts;
            e->end_rank = !isnan(row.duration) ? END_REPORT : row.end_ts >= 0 ? END_END : END_NONE;
            e->has_report = !isnan(row.duration);
            e->duration = row.duration;
            e->billed = row.billed_duration;
            e->init = row.init_duration;
            e->restore = row.restore_duration;
            e->memory_size = row.memory_size;
            e->max_memory_used = row.max_memory_used;
            e->has_init = !isnan(row.init_duration);
            e->init_type = row.init_type;
            e->timing = row.timing;
            e->attempt = row.attempt > 0 ? row.attempt : 1;
            e->outcome = row.outcome;
            e->emulated = row.emulated;
            copy_text(e->version, sizeof e->version, row.version, strlen(row.version));
            copy_text(e->error_type, sizeof e->error_type, row.error_type, strlen(row.error_type));
            copy_text(e->xray, sizeof e->xray, row.xray_trace_id, strlen(row.xray_trace_id));
        }
    }
    *s = e;
    iv->n++;
    return e;
}

/* A crash that used all the memory is an out-of-memory kill (not in an
 * emulator, whose REPORT always claims all the memory). */
static int outcome_of(const inv_t *e)
{
    if (e->outcome == LO_CRASH && !e->emulated && e->memory_size > 0 && e->max_memory_used >= e->memory_size)
        return LO_OOM;
    return e->outcome;
}

/* How its environment started, when it was the first invocation of one:
 * a Restore Duration says SnapStart; else what the stream said (JSON's
 * initializationType, a RESTORE_START, an INIT_REPORT ahead of requests);
 * else an Init Duration says on demand. */
static int init_type_of(const inv_t *e)
{
    if (!isnan(e->restore))
        return STORE_INIT_SNAP_START;
    if (e->init_type)
        return e->init_type;
    return e->has_init ? STORE_INIT_ON_DEMAND : 0;
}

/* A cold start a request waited for: an Init Duration on its REPORT, in an
 * environment not provisioned ahead of requests. */
static int cold_of(const inv_t *e)
{
    return e->has_init && init_type_of(e) != STORE_INIT_PROVISIONED;
}

static contrib_t contrib_of(const inv_t *e)
{
    contrib_t c = { 0 };
    c.ts = e->counted_ts >= 0 ? e->counted_ts : e->end_ts;
    c.exists = c.ts >= 0;
    c.cold = cold_of(e);
    c.outcome = outcome_of(e);
    c.emulated = e->emulated;
    return c;
}

static void rollup_count(invocations_t *iv, const char *function, const contrib_t *c, int sign)
{
    store_rollup_delta_t d;
    memset(&d, 0, sizeof d);
    d.duration = d.billed = d.gb_seconds = d.init = NAN;
    d.max_memory_used = d.memory_size = -1;
    d.invocations = sign;
    d.cold_starts = sign * c->cold;
    d.errors = sign * (c->outcome == LO_ERROR);
    d.timeouts = sign * (c->outcome == LO_TIMEOUT);
    d.crashes = sign * (c->outcome == LO_CRASH);
    d.oom = sign * (c->outcome == LO_OOM);
    d.emulated = sign * c->emulated;
    store_rollup_add(iv->st, function, c->ts, &d);
    iv->counts.invocations += d.invocations;
    iv->counts.cold_starts += d.cold_starts;
    iv->counts.errors += d.errors;
    iv->counts.timeouts += d.timeouts;
    iv->counts.crashes += d.crashes;
    iv->counts.oom += d.oom;
    iv->counts.emulated += d.emulated;
}

const invocations_counts_t *invocations_counts(const invocations_t *iv)
{
    return &iv->counts;
}

/* A REPORT's numbers, once, in its minute. */
static void rollup_report(invocations_t *iv, const inv_t *e, const lambda_line_t *r)
{
    store_rollup_delta_t d;
    memset(&d, 0, sizeof d);
    d.duration = r->duration_ms;
    d.billed = r->billed_duration_ms;
    d.init = r->init_duration_ms;
    d.gb_seconds = NAN;
    d.max_memory_used = d.memory_size = -1;
    if (!isnan(r->billed_duration_ms) && r->memory_size_mb > 0)
        d.gb_seconds = r->billed_duration_ms / 1000.0 * ((double)r->memory_size_mb / 1024.0);
    if (!e->emulated) {
        d.max_memory_used = r->max_memory_used_mb < 0 ? -1 : r->max_memory_used_mb * MB_BYTES;
        d.memory_size = r->memory_size_mb < 0 ? -1 : r->memory_size_mb * MB_BYTES;
    }
    store_rollup_add(iv->st, e->function, e->counted_ts, &d);
}

static int64_t mb_bytes(int64_t mb)
{
    return mb < 0 ? -1 : mb * MB_BYTES;
}

static obs_span_t text_span(const char *s)
{
    return obs_span(s[0] ? s : NULL, strlen(s));
}

/* Write the invocation's whole state into the open batch (the store's
 * upsert keeps what it already has where this has nothing). */
static int write_row(invocations_t *iv, const inv_t *e, obs_err_t *err)
{
    store_invocation_t w;
    memset(&w, 0, sizeof w);
    w.request_id = obs_span(e->rid, e->rid_len);
    w.stream_id = e->stream_id;
    w.start_ts = e->start_ts;
    w.end_ts = e->end_ts;
    w.version = text_span(e->version);
    w.error_type = text_span(e->error_type);
    w.xray_trace_id = text_span(e->xray);
    w.runtime_version = e->runtime_version[0] ? e->runtime_version : NULL;
    w.duration = e->duration;
    w.billed_duration = e->billed;
    w.init_duration = e->init;
    w.restore_duration = e->restore;
    w.memory_size = e->memory_size;
    w.max_memory_used = e->max_memory_used;
    w.cold = cold_of(e);
    w.outcome = outcome_of(e);
    w.emulated = e->emulated;
    w.init_type = init_type_of(e);
    w.timing = e->timing;
    w.attempt = e->attempt;
    rid_set_add(iv->written, e->hash);
    return store_invocation_merge(iv->st, &w, err);
}

/* end_ts was just set from a line: how that line's time was learnt. */
static void set_end_timing(inv_t *e, const invocation_source_t *src)
{
    e->timing = (e->timing & ~(STORE_TIMING_END | STORE_TIMING_END_LATE)) | (src->ts_own ? STORE_TIMING_END : 0) |
                (src->ts_late ? STORE_TIMING_END_LATE : 0);
}

/* Does line r begin the attempt after e (see the top)? A START or a
 * REPORT that e already has. */
static int next_attempt_begins(const inv_t *e, const lambda_line_t *r)
{
    return (r->kind == LK_START && e->start_ts >= 0) || (r->kind == LK_REPORT && e->has_report);
}

/* The attempt after e, in e's place in the table (e, written at the next
 * flush, is freed after it). */
static inv_t *next_attempt(invocations_t *iv, inv_t *e, const invocation_source_t *src)
{
    inv_t **s = slot(iv->tab, iv->cap, e->hash, e->rid, e->rid_len);
    inv_t *a = xcalloc(1, sizeof *a);
    memcpy(a->rid, e->rid, e->rid_len);
    a->rid_len = e->rid_len;
    a->hash = e->hash;
    a->stream_id = src->stream_id;
    a->function = xstrdup(src->function);
    a->start_ts = a->end_ts = a->counted_ts = -1;
    a->duration = a->billed = a->init = a->restore = NAN;
    a->memory_size = a->max_memory_used = -1;
    a->attempt = e->attempt + 1;
    if (e->dirty) {
        if (iv->nretired == iv->retired_cap) {
            iv->retired_cap = iv->retired_cap ? iv->retired_cap * 2 : 16;
            iv->retired = xrealloc(iv->retired, iv->retired_cap * sizeof *iv->retired);
        }
        iv->retired[iv->nretired++] = e;
    } else {
        inv_free(e);
    }
    *s = a;
    return a;
}

int invocations_merge(invocations_t *iv, const invocation_source_t *src, obs_span_t rid, const lambda_line_t *r,
                      int64_t ts, int *known_ended, obs_err_t *err)
{
    inv_t *e = find(iv, src, rid, err);
    if (!e)
        return err ? err->code : OBS_EDB;
    if (next_attempt_begins(e, r))
        e = next_attempt(iv, e, src);
    contrib_t before = contrib_of(e);
    if (known_ended)
        *known_ended = e->end_rank >= END_END;
    int first_report = 0;
    switch (r->kind) {
    case LK_START:
        if (e->start_ts < 0) {
            e->start_ts = ts;
            e->timing |= (src->ts_own ? STORE_TIMING_START : 0) | (src->ts_late ? STORE_TIMING_START_LATE : 0);
        }
        if (!e->version[0])
            copy_span(e->version, sizeof e->version, r->version);
        break;
    case LK_END:
        if (e->end_rank < END_END) {
            e->end_ts = ts;
            e->end_rank = END_END;
            set_end_timing(e, src);
        }
        break;
    case LK_REPORT:
        first_report = !e->has_report;
        e->end_ts = ts;
        e->end_rank = END_REPORT;
        set_end_timing(e, src);
        if (first_report) {
            e->has_report = 1;
            e->duration = r->duration_ms;
            e->billed = r->billed_duration_ms;
            e->init = r->init_duration_ms;
            e->restore = r->restore_duration_ms;
            e->memory_size = mb_bytes(r->memory_size_mb);
            e->max_memory_used = mb_bytes(r->max_memory_used_mb);
            /* an Init Duration, on an environment's first invocation:
             * a cold start unless provisioned (cold_of); a SnapStart
             * restore (Restore Duration) is kept apart by its kind */
            e->has_init = !isnan(r->init_duration_ms);
        }
        break;
    default:
        if (r->outcome != LO_NONE && e->end_rank <= END_OUTCOME) {
            if (e->end_rank < END_OUTCOME || ts > e->end_ts)
                set_end_timing(e, src);
            e->end_ts = e->end_rank == END_OUTCOME && e->end_ts > ts ? e->end_ts : ts;
            e->end_rank = END_OUTCOME;
        }
        break;
    }
    if (!e->xray[0])
        copy_span(e->xray, sizeof e->xray, r->xray_trace_id);
    if ((int)r->outcome > e->outcome) {
        e->outcome = r->outcome;
        e->error_type[0] = '\0';
        copy_span(e->error_type, sizeof e->error_type, r->error_type);
    } else if (r->outcome != LO_NONE && (int)r->outcome == e->outcome && !e->error_type[0]) {
        copy_span(e->error_type, sizeof e->error_type, r->error_type);
    }
    e->emulated |= src->emulated;
    if (src->init_type && !e->init_type)
        e->init_type = src->init_type;
    if (!e->runtime_version[0] && src->runtime_version)
        copy_text(e->runtime_version, sizeof e->runtime_version, src->runtime_version,
                  strlen(src->runtime_version));

    contrib_t after = contrib_of(e);
    e->counted_ts = after.ts;
    if (memcmp(&before, &after, sizeof before) != 0) {
        if (before.exists)
            rollup_count(iv, e->function, &before, -1);
        if (after.exists)
            rollup_count(iv, e->function, &after, +1);
    }
    if (first_report)
        rollup_report(iv, e, r);
    if (!e->dirty) {
        if (iv->ndirty == iv->dirty_cap) {
            iv->dirty_cap = iv->dirty_cap ? iv->dirty_cap * 2 : 64;
            iv->dirty = xrealloc(iv->dirty, iv->dirty_cap * sizeof *iv->dirty);
        }
        iv->dirty[iv->ndirty++] = e;
        e->dirty = 1;
    }
    return 0;
}

int invocations_flush(invocations_t *iv, obs_err_t *err)
{
    for (size_t k = 0; k < iv->ndirty; k++) {
        inv_t *e = iv->dirty[k];
        if (!e->dirty)
            continue;
        int rc = write_row(iv, e, err);
        if (rc)
            return rc;
        e->dirty = 0;
    }
    iv->ndirty = 0;
    free_retired(iv);
    if (iv->n > INVOCATIONS_CACHE_MAX)
        clear(iv);   /* all written: read back from the store when seen again */
    return 0;
}
