/* agent/forward/fwd_batch.c — one batch of the forwarder (see fwd_int.h):
 * read from the store in one snapshot, encoded as RowBinary rows of the
 * three ClickHouse tables. The event rows carry the discovered fields as
 * columns and the JSON object's fields as key/type/value arrays
 * (clickhouse/ch_json.c). Rows that changed after they were sent go again
 * with a larger version: the REPORT an XRAY line gave its trace to, and
 * every invocation a line of the batch says something about (by its
 * request id, or, for a line that names none, those of its stream that it
 * may have been attributed to). */
#include "agent/forward/fwd_int.h"
#include "common/xalloc.h"
#include "store/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct jsonrows {
    buf_t keys, types, vals;
    uint64_t n;
} jsonrows_t;

static int on_json(void *ctx, const char *key, size_t klen, int type, const char *v, size_t vlen)
{
    jsonrows_t *j = ctx;
    ch_rb_str(&j->keys, key, klen);
    ch_rb_u8(&j->types, (unsigned)type);
    ch_rb_str(&j->vals, v, vlen);
    j->n++;
    return 0;
}

static void nstr(buf_t *b, const char *s)
{
    ch_rb_nstr(b, s, s ? strlen(s) : 0);
}

static unsigned day_of(int64_t ts)
{
    int64_t d = ts >= 0 ? ts / 86400000 : 0;
    return d > 65535 ? 65535 : (unsigned)d;
}

static void encode_event(fwd_batch_t *b, const store_fwd_event_t *e, uint64_t ver)
{
    buf_t *o = &b->body[FWD_EVENTS];
    ch_rb_str(o, b->agent, strlen(b->agent));
    ch_rb_u64(o, (uint64_t)e->id);
    ch_rb_u64(o, ver);
    ch_rb_u16(o, day_of(e->ts));
    ch_rb_i64(o, e->ts);
    ch_rb_i64(o, e->ingest_ts);
    ch_rb_str(o, e->function, strlen(e->function));
    ch_rb_str(o, e->log_group, strlen(e->log_group));
    ch_rb_str(o, e->stream, strlen(e->stream));
    ch_rb_u8(o, (unsigned)e->kind);
    ch_rb_u32(o, (uint32_t)e->flags);
    nstr(o, e->type);
    nstr(o, e->request_id);
    nstr(o, e->level);
    ch_rb_str(o, e->message, (size_t)e->message_len);
    ch_rb_nf64(o, e->duration);
    ch_rb_nf64(o, e->billed_duration);
    ch_rb_nf64(o, e->init_duration);
    ch_rb_nf64(o, e->restore_duration);
    ch_rb_nf64(o, e->billed_restore_duration);
    ch_rb_ni64(o, e->memory_size, e->has_memory_size);
    ch_rb_ni64(o, e->max_memory_used, e->has_max_memory_used);
    nstr(o, e->xray_trace_id);
    nstr(o, e->xray_segment_id);
    nstr(o, e->status);
    nstr(o, e->error_type);
    nstr(o, e->throttle);
    ch_rb_nu8(o, (unsigned)e->outcome, e->has_outcome);
    /* json_at: the object runs from there to the end of the message */
    int json_at = e->json && e->json_len <= e->message_len ? e->message_len - e->json_len : 0;
    ch_rb_nu32(o, (uint32_t)json_at, e->json != NULL);
    jsonrows_t j;
    memset(&j, 0, sizeof j);
    if (e->json && ch_json_flatten(e->json, (size_t)e->json_len, on_json, &j) != 0) {
        buf_free(&j.keys);  /* not a JSON object after all: no fields, as json_extract finds none */
        buf_free(&j.types);
        buf_free(&j.vals);
        memset(&j, 0, sizeof j);
    }
    ch_rb_varint(o, j.n);
    buf_put(o, j.keys.p, j.keys.len);
    ch_rb_varint(o, j.n);
    buf_put(o, j.types.p, j.types.len);
    ch_rb_varint(o, j.n);
    buf_put(o, j.vals.p, j.vals.len);
    buf_free(&j.keys);
    buf_free(&j.types);
    buf_free(&j.vals);
    ch_rb_nu8(o, (unsigned)e->emf, e->has_emf);
    nstr(o, e->emf_error);
    b->nevents++;
}

static void rid_add(fwd_batch_t *b, const char *rid)
{
    if (!rid)
        return;
    if (b->nrids == b->rids_cap) {
        b->rids_cap = b->rids_cap ? b->rids_cap * 2 : 256;
        b->rids = xrealloc(b->rids, (size_t)b->rids_cap * sizeof *b->rids);
    }
    b->rids[b->nrids++] = xstrdup(rid);
}

typedef struct reader {
    fwd_batch_t *b;
    store_fwd_t *sf;
    obs_err_t *err;
    int64_t resend_ver;       /* an updated REPORT sent again: its version */
} reader_t;

static int on_invocation_rid(void *ctx, const store_fwd_invocation_t *v)
{
    rid_add(((reader_t *)ctx)->b, v->request_id);
    return 0;
}

static int on_resend(void *ctx, const store_fwd_event_t *e)
{
    reader_t *r = ctx;
    encode_event(r->b, e, (uint64_t)r->resend_ver);
    rid_add(r->b, e->request_id);
    return 0;
}

static int on_event(void *ctx, const store_fwd_event_t *e)
{
    reader_t *r = ctx;
    fwd_batch_t *b = r->b;
    int rc = 0;
    encode_event(b, e, (uint64_t)e->id);
    b->last_id = e->id;
    b->nfresh++;
    if (e->request_id) {
        rid_add(b, e->request_id);
    } else if (e->has_outcome) {  /* attributed to a request of its stream */
        rc = store_fwd_invocations_near(r->sf, e->stream_id, e->ts, on_invocation_rid, r, r->err);
    }
    if (!rc && e->type && strcmp(e->type, "XRAY") == 0) {
        /* the REPORT before it got its trace (store_event_set_xray): sent
         * again if an earlier batch had sent it */
        int64_t prev;
        int kind;
        rc = store_fwd_prev_in_stream(r->sf, e->stream_id, e->id, &prev, &kind, r->err);
        if (!rc && kind == STORE_KIND_REPORT && prev <= b->after) {
            r->resend_ver = e->id;
            rc = store_fwd_event(r->sf, prev, on_resend, r, r->err);
        }
    }
    return rc;
}

static void encode_invocation(fwd_batch_t *b, const store_fwd_invocation_t *v)
{
    buf_t *o = &b->body[FWD_INVOCATIONS];
    ch_rb_str(o, b->agent, strlen(b->agent));
    ch_rb_str(o, v->request_id, strlen(v->request_id));
    ch_rb_u16(o, (unsigned)v->attempt);
    ch_rb_u64(o, (uint64_t)b->last_id);
    ch_rb_str(o, v->function, strlen(v->function));
    ch_rb_str(o, v->log_group, strlen(v->log_group));
    ch_rb_str(o, v->stream, strlen(v->stream));
    ch_rb_ni64(o, v->start_ts, v->start_ts >= 0);
    ch_rb_ni64(o, v->end_ts, v->end_ts >= 0);
    nstr(o, v->version);
    ch_rb_nf64(o, v->duration);
    ch_rb_nf64(o, v->billed_duration);
    ch_rb_nf64(o, v->init_duration);
    ch_rb_nf64(o, v->restore_duration);
    ch_rb_ni64(o, v->memory_size, v->memory_size >= 0);
    ch_rb_ni64(o, v->max_memory_used, v->max_memory_used >= 0);
    ch_rb_u8(o, (unsigned)v->cold);
    ch_rb_u8(o, (unsigned)v->outcome);
    ch_rb_u8(o, (unsigned)v->emulated);
    nstr(o, v->error_type);
    nstr(o, v->runtime_version);
    nstr(o, v->xray_trace_id);
    b->ninvocations++;
}

static int on_invocation(void *ctx, const store_fwd_invocation_t *v)
{
    encode_invocation(ctx, v);
    return 0;
}

static int on_point(void *ctx, const store_fwd_point_t *p)
{
    fwd_batch_t *b = ctx;
    buf_t *o = &b->body[FWD_POINTS];
    ch_rb_str(o, b->agent, strlen(b->agent));
    ch_rb_u64(o, (uint64_t)p->id);
    ch_rb_u16(o, day_of(p->ts));
    ch_rb_i64(o, p->ts);
    ch_rb_str(o, p->function, strlen(p->function));
    ch_rb_str(o, p->ns, strlen(p->ns));
    ch_rb_str(o, p->name, strlen(p->name));
    ch_rb_str(o, p->unit, strlen(p->unit));
    ch_rb_u8(o, (unsigned)p->resolution);
    ch_rb_str(o, p->dimensions, strlen(p->dimensions));
    ch_rb_f64(o, p->value);   /* NaN for a statistic set: the column predates v14 and is not Nullable */
    ch_rb_u64(o, (uint64_t)p->event_id);
    ch_rb_u64(o, (uint64_t)p->count);
    ch_rb_nf64(o, p->sum);
    ch_rb_nf64(o, p->min);
    ch_rb_nf64(o, p->max);
    b->last_point = p->id;
    b->npoints++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int fwd__batch_read(store_fwd_t *sf, fwd_batch_t *b, int limit, obs_err_t *err)
{
    reader_t r = { b, sf, err, 0 };
    b->last_id = b->after;
    b->last_point = b->point_after;
    int rc = store_fwd_read_begin(sf, err);
    if (!rc)
        rc = store_fwd_events(sf, b->after, 0, limit, on_event, &r, err);
    if (!rc && b->last_id > b->after) {
        if (b->nrids > 0)  /* rids is NULL when no line named a request */
            qsort(b->rids, (size_t)b->nrids, sizeof *b->rids, cmp_str);
        for (int i = 0; !rc && i < b->nrids; i++)
            if (i == 0 || strcmp(b->rids[i], b->rids[i - 1]) != 0)
                rc = store_fwd_invocation(sf, b->rids[i], on_invocation, b, err);
        if (!rc)
            rc = store_fwd_points(sf, b->point_after, b->last_id, on_point, b, err);
    }
    store_fwd_read_end(sf);
    return rc;
}

void fwd__batch_free(fwd_batch_t *b)
{
    for (int t = 0; t < FWD__TABLES; t++)
        buf_free(&b->body[t]);
    for (int i = 0; i < b->nrids; i++)
        free(b->rids[i]);
    free(b->rids);
    memset(b, 0, sizeof *b);
}
