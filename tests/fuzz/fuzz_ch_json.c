/* tests/fuzz/fuzz_ch_json.c — libFuzzer target for the forwarder's JSON
 * flattening (clickhouse/ch_json.c) and the TabSeparated reader
 * (clickhouse/ch_tsv.c): any bytes in must not crash or read past the
 * input; each flattened value has a type of ch_json_type and a non-empty
 * key; a value's text is within its bounds; TSV rows give at least one
 * field each and their fields lie inside the reader's row buffer.
 *
 * Run with `make fuzz`; seeds in tests/fuzz/corpus/ch_json/. */
#include "clickhouse/ch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_value(void *ctx, const char *key, size_t klen, int type, const char *v, size_t vlen)
{
    size_t *n = ctx;
    if (type < CH_JSON_INT || type > CH_JSON_JSON || klen == 0)
        abort();
    /* touch every byte, so ASan sees a span outside its buffer */
    unsigned sum = 0;
    for (size_t i = 0; i < klen; i++)
        sum += (unsigned char)key[i];
    for (size_t i = 0; i < vlen; i++)
        sum += (unsigned char)v[i];
    *n += 1 + (sum & 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p = malloc(size ? size : 1);   /* exact size: a read past it is caught */
    if (size)
        memcpy(p, data, size);
    size_t n = 0;
    int rc = ch_json_flatten(p, size, on_value, &n);
    if (rc != 0 && rc != 1)
        abort();
    ch_tsv_t t;
    ch_tsv_init(&t, p, size);
    while (ch_tsv_next(&t)) {
        if (t.nf < 1)
            abort();
        for (int i = 0; i < t.nf; i++)
            if (!t.f[i].null && t.f[i].len && (t.f[i].p < t.field.p || t.f[i].p + t.f[i].len > t.field.p + t.field.len))
                abort();
    }
    ch_tsv_done(&t);
    free(p);
    return 0;
}
