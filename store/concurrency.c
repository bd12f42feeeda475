/* store/concurrency.c — read helper: each function's concurrent executions
 * at an instant and their peak over a window (and per bucket), and the
 * account-wide total, for obstop and /metrics: store/spans.c's invocation
 * spans through common/concur.c's step function (docs/concurrency.md). */
#include "store/store_int.h"
#include "common/concur.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

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
