/* tests/fuzz/fuzz_decode_doc.c — libFuzzer target for the document decoders
 * (lambda/decode_doc.c and the files it picks) and common/inflate.c.
 *
 * The first byte chooses: its low two bits the format (events-json,
 * insights-json, insights-csv, subscription; bit 0x10 telemetry-json
 * instead); bit 0x04 inflates the rest
 * first (gzip, bounded at 1 MiB) and decodes what comes out; bit 0x08 makes
 * emit fail on the third record. The rest is the document. Any bytes in:
 * no crash, no read past the document, no leak; the result is consistent
 * (0, or OBS_EINVAL with a message and a position, or emit's own error
 * after exactly the records before it); every byte of every span is read;
 * decode__doc_sniff, on any prefix, answers a document format or AUTO; and
 * a JSON document cut in half yields the first records of the whole, none
 * changed (a CSV's last field may be cut and still be a field).
 *
 * Run with `make fuzz` (FUZZ_SECONDS=60); seeds in tests/fuzz/corpus/decode_doc/. */
#include "common/inflate.h"
#include "lambda/decode_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const decode_format_t formats[4] = { DECODE_EVENTS_JSON, DECODE_INSIGHTS_JSON,
                                            DECODE_INSIGHTS_CSV, DECODE_SUBSCRIPTION };

typedef struct sink {
    size_t count;
    size_t fail_at;
    uint64_t *hashes;   /* one per record, when kept */
    size_t cap;
    uint64_t h;
} sink_t;

/* FNV-1a over every byte of the span (which also has ASan check them). */
static void touch(sink_t *s, obs_span_t sp)
{
    if (sp.len && !sp.p)
        abort();
    for (size_t i = 0; i < sp.len; i++)
        s->h = (s->h ^ (unsigned char)sp.p[i]) * 1099511628211u;
    s->h = (s->h ^ 0xff) * 1099511628211u;
}

static int emit(void *ctx, const decode_record_t *r, obs_err_t *err)
{
    sink_t *s = ctx;
    if (++s->count == s->fail_at)
        return obs_err_set(err, -99, "stop");
    if (s->fail_at && s->count > s->fail_at)
        abort(); /* a record after emit failed */
    if (!r->message.p)
        abort();
    if (r->has_ts && (r->ts_ms < -62167219200000 || r->ts_ms > 253402300799999))
        abort();
    s->h = 1469598103934665603u ^ (uint64_t)r->has_ts ^ (uint64_t)(r->has_ts ? r->ts_ms : 0);
    touch(s, r->message);
    touch(s, r->stream);
    touch(s, r->log_group);
    if (r->function.len)
        abort();
    if (s->count > s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->hashes = realloc(s->hashes, s->cap * sizeof *s->hashes);
    }
    s->hashes[s->count - 1] = s->h;
    return 0;
}

/* Decode; the records' hashes in *out (freed by the caller). */
static size_t decode(decode_format_t f, const char *p, size_t n, size_t fail_at, uint64_t **out)
{
    sink_t s = { 0, fail_at, NULL, 0, 0 };
    obs_err_t err = { 0 };
    int rc = decode_document(f, p, n, emit, &s, &err);
    if (rc == -99) {
        if (s.count != fail_at)
            abort();
    } else if (rc == OBS_EINVAL) {
        if (err.code != OBS_EINVAL || err.msg[0] == '\0' || err.line < 1 || err.col < 1)
            abort();
    } else if (rc != 0) {
        abort();
    }
    *out = s.hashes;
    return rc == -99 ? s.count - 1 : s.count;
}

/* The records of the document's first half are the first records of the
 * whole (JSON: a record is only emitted once its object has closed). */
static void check_half(decode_format_t f, const char *p, size_t n)
{
    if (f == DECODE_INSIGHTS_CSV)
        return;
    uint64_t *whole, *part;
    size_t nw = decode(f, p, n, 0, &whole);
    size_t half = n / 2;
    char *pre = malloc(half ? half : 1);
    memcpy(pre, p, half);
    size_t np = decode(f, pre, half, 0, &part);
    free(pre);
    if (np > nw || (np && memcmp(part, whole, np * sizeof *part) != 0))
        abort();
    free(whole);
    free(part);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned sel = data[0];
    size_t n = size - 1;
    /* an exact-size copy, so ASan sees any read past the end */
    char *p = malloc(n ? n : 1);
    memcpy(p, data + 1, n);

    decode_format_t sn = decode__doc_sniff(p, n);
    if (sn != DECODE_AUTO && sn != DECODE_EVENTS_JSON && sn != DECODE_INSIGHTS_JSON &&
        sn != DECODE_INSIGHTS_CSV && sn != DECODE_SUBSCRIPTION && sn != DECODE_TELEMETRY_JSON)
        abort();
    /* bit 0x10 picks the Telemetry API batches, the format added last */
    decode_format_t f = (sel & 0x10) ? DECODE_TELEMETRY_JSON : formats[sel & 3];
    /* a prefix sniffs without reading past it */
    size_t half = n / 2;
    char *pre = malloc(half ? half : 1);
    memcpy(pre, p, half);
    (void)decode__doc_sniff(pre, half);
    free(pre);

    size_t fail_at = (sel & 0x08) ? 3 : 0;
    if (sel & 0x04) {
        char *out = NULL;
        size_t len = 0;
        obs_err_t err = { 0 };
        int rc = inflate_gzip(p, n, 1u << 20, &out, &len, &err);
        if (rc == 0) {
            if (!out || out[len] != '\0' || len > (1u << 20))
                abort();
            uint64_t *h;
            decode(f, out, len, fail_at, &h);
            free(h);
            free(out);
        } else if (rc != OBS_EINVAL || out || len || err.msg[0] == '\0') {
            abort();
        }
    } else if (fail_at) {
        uint64_t *h;
        decode(f, p, n, fail_at, &h);
        free(h);
    } else {
        check_half(f, p, n);
    }
    free(p);
    return 0;
}
