/* store/spans.c — read helper: the invocations and execution environments
 * of a time range as spans [start, end), which common/concur.c turns into
 * concurrency (docs/concurrency.md), and that concurrency (below).
 *
 * An invocation runs from its start to its end. Its start is its START
 * (platform.start) time when that is the line's own, else its end minus
 * its Duration; its end is its REPORT time when that is the line's own,
 * else its start plus its Duration. When neither time is the line's own
 * (a bare text file: START and REPORT take the time of the last timed line
 * before them, which can only be earlier than the truth; at the head of a
 * stream, of the first timed line after, which can only be later), its
 * start is the latest of the early bounds (START's time, the end minus the
 * Duration) and its end the start plus the Duration. An invocation that
 * has not ended is open until the caller's now, at most STORE_SPAN_MAX_MS.
 * A request that waited for its environment's init (an on-demand cold
 * start's Init Duration) or SnapStart restore (its Restore Duration) was
 * in flight for that long before its START too.
 *
 * An environment is its log stream: alive from its first line to its last,
 * and STORE_ENV_IDLE_MS after (idle, not yet reaped). */
#include "store/store_int.h"
#include "common/concur.h"
#include "common/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Streams that may hold a line of the range (an invocation's times are
 * its stream's lines'), with the idle time after their last line. */
#define SQL_SPAN_STREAMS \
"SELECT id, function, first_ts, last_ts FROM streams\n" \
"WHERE first_ts < ?2 AND last_ts >= ?1 ORDER BY function, id"
/* Invocations by the time the rollups count them at (invocations_time). */
#define SQL_SPAN_INVOCATIONS \
"SELECT stream_id, start_ts, end_ts, duration, billed_duration, memory_size, init_type, cold,\n" \
"  outcome, emulated, timing, init_duration, restore_duration FROM invocations\n" \
"WHERE coalesce(end_ts, start_ts) >= ?1 AND coalesce(end_ts, start_ts) < ?2"

/* stream id -> index into envs (open addressing; -1 empty) */
typedef struct idmap {
    int64_t *key;
    int32_t *val;
    size_t cap;
} idmap_t;

static size_t slot_of(const idmap_t *m, int64_t id)
{
    size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 20) & (m->cap - 1);
    while (m->val[i] >= 0 && m->key[i] != id)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void idmap_init(idmap_t *m, size_t n)
{
    m->cap = 64;
    while (m->cap < n * 2 + 2)
        m->cap *= 2;
    m->key = xmalloc(m->cap * sizeof *m->key);
    m->val = xmalloc(m->cap * sizeof *m->val);
    for (size_t i = 0; i < m->cap; i++)
        m->val[i] = -1;
}

static int32_t idmap_get(const idmap_t *m, int64_t id)
{
    return m->val[slot_of(m, id)];
}

static int selected(const store_spans_query_t *q, const char *fn)
{
    if (q->nfunctions <= 0)
        return 1;
    for (int i = 0; i < q->nfunctions; i++)
        if (strcmp(q->functions[i], fn) == 0)
            return 1;
    return 0;
}

static double col_real(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static int64_t col_int(sqlite3_stmt *s, int i, int64_t none)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? none : sqlite3_column_int64(s, i);
}

static int64_t max64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* The span of one invocation row (the rule atop this file); 0 when it has
 * no time at all. */
static int make_span(int64_t start_ts, int64_t end_ts, double duration, int timing, int64_t now,
                     store_inv_span_t *v)
{
    const int64_t none = INT64_MIN;
    int has_d = !isnan(duration);
    int64_t d = has_d ? (int64_t)ceil(duration) : 0;
    int own_start = (timing & STORE_TIMING_START) && start_ts != none;
    int own_end = (timing & STORE_TIMING_END) && end_ts != none;
    v->flags = 0;
    if (start_ts == none && end_ts == none)
        return 0;
    if (has_d && end_ts != none) {
        if (own_start) {
            v->start = start_ts;
        } else if (own_end) {
            v->start = end_ts - d;
        } else {
            /* the time rule's times: the latest of the bounds that can only
             * be early (a time from a line before); with none, the earliest
             * of the late ones */
            int start_early = start_ts != none && !(timing & STORE_TIMING_START_LATE);
            int end_early = !(timing & STORE_TIMING_END_LATE);
            if (start_early && end_early)
                v->start = max64(start_ts, end_ts - d);
            else if (end_early || start_ts == none)
                v->start = end_ts - d;
            else if (start_early)
                v->start = start_ts;
            else
                v->start = start_ts < end_ts - d ? start_ts : end_ts - d;
        }
        v->end = own_end ? end_ts : own_start ? max64(end_ts, v->start + d) : v->start + d;
    } else if (has_d) {
        v->start = start_ts;
        v->end = start_ts + d;
    } else if (start_ts != none && end_ts != none) {
        v->start = start_ts;
        v->end = end_ts;
    } else if (start_ts != none) {
        v->start = start_ts;   /* not ended: in flight */
        v->end = now < start_ts + STORE_SPAN_MAX_MS ? now : start_ts + STORE_SPAN_MAX_MS;
        v->flags |= STORE_SPAN_OPEN;
    } else {
        v->start = end_ts;     /* an end and nothing else: an instant */
        v->end = end_ts;
    }
    if (v->end <= v->start && !(v->flags & STORE_SPAN_OPEN))
        v->end = v->start + 1;   /* it ran: at least a millisecond */
    if (own_end || (own_start && (has_d || end_ts == none)))
        v->flags |= STORE_SPAN_EXACT;
    v->at = end_ts != none ? end_ts : start_ts;
    return 1;
}

static int read_streams(sqlite3 *db, const store_spans_query_t *q, store_spans_t *out, idmap_t *map)
{
    sqlite3_stmt *s;
    size_t cap = 256;
    if (sqlite3_prepare_v2(db, SQL_SPAN_STREAMS, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, q->since - STORE_SPAN_MAX_MS - STORE_ENV_IDLE_MS);
    sqlite3_bind_int64(s, 2, q->until + STORE_SPAN_MAX_MS);
    out->envs = xmalloc(cap * sizeof *out->envs);
    int rc, fcap = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *fn = (const char *)sqlite3_column_text(s, 1);
        if (!fn || !selected(q, fn))
            continue;
        if (!out->nfunctions || strcmp(out->functions[out->nfunctions - 1], fn) != 0) {
            if (out->nfunctions == fcap) {
                fcap = fcap ? fcap * 2 : 16;
                out->functions = xrealloc(out->functions, (size_t)fcap * sizeof *out->functions);
            }
            out->functions[out->nfunctions++] = xstrdup(fn);
        }
        if (out->nenvs == cap) {
            cap *= 2;
            out->envs = xrealloc(out->envs, cap * sizeof *out->envs);
        }
        store_env_span_t *e = &out->envs[out->nenvs++];
        e->stream_id = sqlite3_column_int64(s, 0);
        e->fn = out->nfunctions - 1;
        e->start = sqlite3_column_int64(s, 2);
        e->end = sqlite3_column_int64(s, 3) + STORE_ENV_IDLE_MS;
        e->emulated = 0;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return -1;
    idmap_init(map, out->nenvs);
    for (size_t i = 0; i < out->nenvs; i++) {
        size_t k = slot_of(map, out->envs[i].stream_id);
        map->key[k] = out->envs[i].stream_id;
        map->val[k] = (int32_t)i;
    }
    return 0;
}

static int read_invocations(sqlite3 *db, const store_spans_query_t *q, store_spans_t *out, const idmap_t *map)
{
    sqlite3_stmt *s;
    size_t cap = 1024;
    if (sqlite3_prepare_v2(db, SQL_SPAN_INVOCATIONS, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, q->since - STORE_SPAN_MAX_MS);
    sqlite3_bind_int64(s, 2, q->until + STORE_SPAN_MAX_MS);
    out->inv = xmalloc(cap * sizeof *out->inv);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int32_t env = idmap_get(map, sqlite3_column_int64(s, 0));
        if (env < 0)
            continue;   /* a function not asked for */
        store_inv_span_t v;
        if (!make_span(col_int(s, 1, INT64_MIN), col_int(s, 2, INT64_MIN), col_real(s, 3),
                       sqlite3_column_int(s, 10), q->now, &v))
            continue;
        /* the init or restore its request waited for */
        double wait = sqlite3_column_int(s, 7) ? col_real(s, 11)
                      : sqlite3_column_int(s, 6) == STORE_INIT_SNAP_START ? col_real(s, 12)
                                                                          : NAN;
        if (!isnan(wait) && wait > 0)
            v.start -= (int64_t)ceil(wait);
        if (v.end <= q->since || v.start >= q->until)
            continue;   /* not open in the range */
        v.duration = col_real(s, 3);
        v.billed = col_real(s, 4);
        v.memory_size = col_int(s, 5, -1);
        v.init_type = (uint8_t)sqlite3_column_int(s, 6);
        v.cold = (uint8_t)sqlite3_column_int(s, 7);
        v.outcome = (uint8_t)sqlite3_column_int(s, 8);
        if (sqlite3_column_int(s, 9)) {
            v.flags |= STORE_SPAN_EMULATED;
            out->envs[env].emulated = 1;
        }
        v.env = env;
        v.fn = out->envs[env].fn;
        if (out->ninv == cap) {
            cap *= 2;
            out->inv = xrealloc(out->inv, cap * sizeof *out->inv);
        }
        out->inv[out->ninv++] = v;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Keep the environments alive in the range and the functions that have
 * one or an invocation there; the indexes follow. */
static void keep_in_range(const store_spans_query_t *q, store_spans_t *out)
{
    int32_t *to = xmalloc((out->nenvs ? out->nenvs : 1) * sizeof *to);
    int32_t *fto = xmalloc((size_t)(out->nfunctions ? out->nfunctions : 1) * sizeof *fto);
    for (int f = 0; f < out->nfunctions; f++)
        fto[f] = -1;
    for (size_t i = 0; i < out->ninv; i++)
        fto[out->inv[i].fn] = 0;
    size_t n = 0;
    for (size_t i = 0; i < out->nenvs; i++) {
        const store_env_span_t *e = &out->envs[i];
        to[i] = -1;
        if (e->end > q->since && e->start < q->until) {
            to[i] = (int32_t)n;
            fto[e->fn] = 0;
            out->envs[n++] = *e;
        }
    }
    out->nenvs = n;
    int nf = 0;
    for (int f = 0; f < out->nfunctions; f++) {
        if (fto[f] < 0) {
            free(out->functions[f]);
            continue;
        }
        fto[f] = nf;
        out->functions[nf++] = out->functions[f];
    }
    out->nfunctions = nf;
    for (size_t i = 0; i < out->ninv; i++) {
        out->inv[i].env = out->inv[i].env >= 0 ? to[out->inv[i].env] : -1;
        out->inv[i].fn = fto[out->inv[i].fn];
    }
    for (size_t i = 0; i < out->nenvs; i++)
        out->envs[i].fn = fto[out->envs[i].fn];
    free(to);
    free(fto);
}

int store_spans_read(store_t *st, const store_spans_query_t *q, store_spans_t *out, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    idmap_t map = { 0 };
    memset(out, 0, sizeof *out);
    /* one snapshot for both reads */
    int txn = sqlite3_get_autocommit(st->db) && sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    int rc = read_streams(st->db, q, out, &map);
    if (!rc)
        rc = read_invocations(st->db, q, out, &map);
    if (rc)
        store__dberr(st, err, "reading invocations");
    if (txn)
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    free(map.key);
    free(map.val);
    if (rc) {
        store_spans_free(out);
        return err->code;
    }
    keep_in_range(q, out);
    return 0;
}

void store_spans_free(store_spans_t *s)
{
    for (int i = 0; i < s->nfunctions; i++)
        free(s->functions[i]);
    free(s->functions);
    free(s->inv);
    free(s->envs);
    memset(s, 0, sizeof *s);
}

/* ---- concurrency: each function's concurrent executions
 * at an instant and their peak over a window (and per bucket), and the
 * account-wide total, for obstop and /metrics: store/spans.c's invocation
 * spans through common/concur.c's step function (docs/concurrency.md). */

/* The level at now, the window's peak and its buckets' peaks of the
 * invocations of function fn (-1: all), emulated ones left out; and its
 * buckets' first invocations by kind, emulated ones in, and how its
 * invocations were timed. */
static void fill(const store_spans_t *sp, int fn, const store_concurrency_query_t *q, concur_span_t *v,
                 store_fn_concurrency_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < sp->ninv; i++) {
        const store_inv_span_t *s = &sp->inv[i];
        if ((s->flags & STORE_SPAN_EMULATED) || (fn >= 0 && s->fn != fn))
            continue;
        v[n].start = s->start;
        v[n].end = s->end;
        n++;
    }
    concur_t c;
    concur_build(&c, v, n);
    /* an invocation in flight is open until now: the level of the
     * millisecond before it */
    out->level = concur_level_at(&c, q->now - 1);
    out->peak = concur_peak(&c, q->since, q->until, NULL);
    if (q->nbuckets > 0) {
        int64_t bucket = (q->until - q->since) / q->nbuckets;
        if (bucket <= 0)
            bucket = 1;
        int32_t *pk = xmalloc((size_t)q->nbuckets * sizeof *pk);
        concur_buckets(&c, q->since, bucket, q->nbuckets, pk, NULL);
        out->buckets = xcalloc((size_t)q->nbuckets, sizeof *out->buckets);
        for (int b = 0; b < q->nbuckets; b++)
            out->buckets[b].peak = pk[b];
        free(pk);
        for (size_t i = 0; i < sp->ninv; i++) {
            const store_inv_span_t *s = &sp->inv[i];
            if ((fn >= 0 && s->fn != fn) || s->at < q->since)
                continue;   /* an emulator's cold starts count, as in the report */
            int64_t b = (s->at - q->since) / bucket;
            if (b >= q->nbuckets)
                continue;
            out->buckets[b].on_demand += s->cold != 0;
            out->buckets[b].provisioned += s->init_type == STORE_INIT_PROVISIONED;
            out->buckets[b].snap_start += s->init_type == STORE_INIT_SNAP_START;
            if (!(s->flags & STORE_SPAN_EMULATED)) {
                out->buckets[b].exact += (s->flags & STORE_SPAN_EXACT) != 0;
                out->buckets[b].estimated += !(s->flags & STORE_SPAN_EXACT);
            }
        }
    }
    concur_done(&c);
}

int store_concurrency_read(store_t *st, const store_concurrency_query_t *q, store_concurrency_t *out, obs_err_t *err)
{
    int sync_rc = store__sync(st, err);
    if (sync_rc)
        return sync_rc;
    memset(out, 0, sizeof *out);
    /* the window's spans: one open at now (now at or after the window's
     * end) started in it, as nothing is stored after the window's end */
    store_spans_query_t sq = { .since = q->since, .until = q->until, .now = q->now };
    store_spans_t sp;
    int rc = store_spans_read(st, &sq, &sp, err);
    if (rc)
        return rc;
    out->nbuckets = q->nbuckets > 0 ? q->nbuckets : 0;
    concur_span_t *v = xmalloc((sp.ninv + 1) * sizeof *v);
    out->fns = xcalloc((size_t)sp.nfunctions + 1, sizeof *out->fns);
    for (int f = 0; f < sp.nfunctions; f++) {
        out->fns[out->nfns].function = xstrdup(sp.functions[f]);
        fill(&sp, f, q, v, &out->fns[out->nfns]);
        out->nfns++;
    }
    fill(&sp, -1, q, v, &out->all);
    for (size_t i = 0; i < sp.ninv; i++) {
        if (sp.inv[i].flags & STORE_SPAN_EMULATED)
            continue;
        out->exact += (sp.inv[i].flags & STORE_SPAN_EXACT) != 0;
        out->estimated += !(sp.inv[i].flags & STORE_SPAN_EXACT);
    }
    free(v);
    store_spans_free(&sp);
    return 0;
}

void store_concurrency_free(store_concurrency_t *c)
{
    for (int i = 0; i < c->nfns; i++) {
        free(c->fns[i].function);
        free(c->fns[i].buckets);
    }
    free(c->fns);
    free(c->all.buckets);
    memset(c, 0, sizeof *c);
}

const store_fn_concurrency_t *store_concurrency_of(const store_concurrency_t *c, const char *function)
{
    for (int i = 0; i < c->nfns; i++)
        if (strcmp(c->fns[i].function, function) == 0)
            return &c->fns[i];
    return NULL;
}
