/* query/clickhouse/ch_dotted.c — a dotted field name (a.b.c) over the
 * flattened JSON arrays, read as the SQLite engine reads it: the nested path
 * first (json_extract's $.a.b.c), then the keys that hold dots themselves,
 * as CloudWatch flattens {"attributes": {"http.route": ...}} to
 * attributes.http.route (obs_json_flat(): at each object the longest run of
 * segments joined by '.' first). The flattened arrays escape a '.' inside a
 * member name (ch_json_key_add), so each way of grouping the segments is
 * its own key; the first one a row has is its value. */
#include "query/clickhouse/ch_int.h"
#include "clickhouse/ch.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SEGS 8            /* 128 groupings at most; more: the nested path only */

typedef struct seg {
    const char *p;
    size_t n;
} seg_t;

typedef struct keys {
    buf_t *v;                 /* the quoted keys, in the order they are tried */
    int n, cap;
} keys_t;

static int all_digits(const char *p, size_t n)
{
    int d = n > 0;
    for (size_t i = 0; i < n; i++)
        d &= p[i] >= '0' && p[i] <= '9';
    return d;
}

static void keys_add(keys_t *k, const buf_t *key)
{
    buf_t q = { 0 };
    ch_quote(&q, key->p ? key->p : "", key->len);
    for (int i = 0; i < k->n; i++) {   /* a grouping that spells an earlier key */
        if (strcmp(k->v[i].p, q.p) == 0) {
            buf_free(&q);
            return;
        }
    }
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 16;
        k->v = xrealloc(k->v, (size_t)k->cap * sizeof *k->v);
    }
    k->v[k->n++] = q;
}

/* The groupings of segs[i..n) after prefix, in obs_json_flat()'s order:
 * the longest run first. A run of one segment is that segment (digits: an
 * array index); a longer run is one member name with dots in it. */
static void group(keys_t *k, const seg_t *segs, int i, int n, const buf_t *prefix)
{
    if (i == n) {
        keys_add(k, prefix);
        return;
    }
    for (int j = n - 1; j >= i; j--) {
        buf_t key = { 0 };
        if (prefix->len)
            buf_put(&key, prefix->p, prefix->len);
        if (j == i) {
            ch_json_key_add(&key, segs[i].p, segs[i].n, all_digits(segs[i].p, segs[i].n));
        } else {
            buf_t run = { 0 };
            for (int s = i; s <= j; s++) {
                if (s > i)
                    buf_cat(&run, ".");
                buf_put(&run, segs[s].p, segs[s].n);
            }
            ch_json_key_add(&key, run.p, run.len, 0);
            buf_free(&run);
        }
        group(k, segs, j + 1, n, &key);
        buf_free(&key);
    }
}

void ch__dotted(const char *path, const char *nested_q, cx_t *x)
{
    seg_t segs[MAX_SEGS];
    int n = 0;
    for (const char *s = path; s; n++) {
        const char *end = strchr(s, '\x1f');
        if (n == MAX_SEGS) {
            n = 0;
            break;
        }
        segs[n].p = s;
        segs[n].n = end ? (size_t)(end - s) : strlen(s);
        s = end ? end + 1 : NULL;
    }
    keys_t k = { 0 };
    k.v = xcalloc(16, sizeof *k.v);
    k.cap = 16;
    buf_cat(&k.v[k.n++], nested_q);   /* json_extract's nested path comes first */
    if (n >= 2) {
        buf_t empty = { 0 };
        group(&k, segs, 0, n, &empty);
    }
    x->ty = CT_DYN;
    if (k.n == 1) {
        buf_printf(&x->v, "x_json_values[indexOf(x_json_keys, %s)]", nested_q);
        buf_printf(&x->t, "x_json_types[indexOf(x_json_keys, %s)]", nested_q);
    } else {
        buf_cat(&x->v, "multiIf(");
        buf_cat(&x->t, "multiIf(");
        for (int i = 0; i < k.n; i++) {
            const char *q = k.v[i].p;
            buf_printf(&x->v, "indexOf(x_json_keys, %s) > 0, x_json_values[indexOf(x_json_keys, %s)], ", q, q);
            buf_printf(&x->t, "indexOf(x_json_keys, %s) > 0, x_json_types[indexOf(x_json_keys, %s)], ", q, q);
        }
        buf_cat(&x->v, "'')");
        buf_printf(&x->t, "%d)", CH_JSON_MISSING);
    }
    for (int i = 0; i < k.n; i++)
        buf_free(&k.v[i]);
    free(k.v);
}
