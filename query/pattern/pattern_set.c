/* query/pattern/pattern_set.c — step 2 of pattern.h and the set's life:
 * each message's tokens make a key (its separators, words and level words,
 * and the kinds of its typed tokens); messages of one key are one group,
 * found through an open-addressing table. A group keeps its places, the
 * first value of each typed place and whether it varies, its counts, its
 * first messages and (for anomaly) its times (pattern_group.c). Then
 * pattern_set_finish merges (pattern_merge.c), renders and sorts. */
#include "query/pattern/pattern_int.h"
#include "common/isotime.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_BYTES 1024

pattern_set_t *pattern_set_new(const pattern_opts_t *o)
{
    pattern_set_t *s = xcalloc(1, sizeof *s);
    if (o)
        s->o = *o;
    else
        s->o.lo = s->o.hi = -1;
    s->tmask = 1023;
    s->table = xmalloc((s->tmask + 1) * sizeof *s->table);
    memset(s->table, 0xff, (s->tmask + 1) * sizeof *s->table);
    s->min_ts = INT64_MAX;
    s->max_ts = INT64_MIN;
    return s;
}

static void grow_table(pattern_set_t *s)
{
    uint32_t mask = s->tmask * 2 + 1;
    int32_t *t = xmalloc(((size_t)mask + 1) * sizeof *t);
    memset(t, 0xff, ((size_t)mask + 1) * sizeof *t);
    for (int i = 0; i < s->ngroups; i++) {
        uint32_t k = (uint32_t)s->groups[i].hash & mask;
        while (t[k] >= 0)
            k = (k + 1) & mask;
        t[k] = i;
    }
    free(s->table);
    s->table = t;
    s->tmask = mask;
}

/* The key of a message's tokens into s->key: its length. For each token
 * its kind, then for the static ones (separators, words, level words) the
 * length in two bytes and the text; *text_at[i] is where token i's text
 * starts in the key. */
static size_t make_key(pattern_set_t *s, const char *msg, const ptok_t *t, int n, uint32_t *text_at)
{
    size_t need = (size_t)n * 3;
    for (int i = 0; i < n; i++)
        if (!PK_IS_TYPED(t[i].kind))
            need += t[i].len;
    if (need > s->kcap) {
        s->kcap = need * 2;
        s->key = xrealloc(s->key, s->kcap);
    }
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        s->key[k++] = (char)t[i].kind;
        if (PK_IS_TYPED(t[i].kind))
            continue;
        s->key[k++] = (char)(t[i].len & 0xff);
        s->key[k++] = (char)(t[i].len >> 8);
        text_at[i] = (uint32_t)k;
        memcpy(s->key + k, msg + t[i].off, t[i].len);
        k += t[i].len;
    }
    return k;
}

static int new_group(pattern_set_t *s, uint64_t h, size_t klen, const char *msg, const ptok_t *t, int n,
                     const uint32_t *text_at)
{
    if (s->ngroups == s->cgroups) {
        s->cgroups = s->cgroups ? s->cgroups * 2 : 256;
        s->groups = xrealloc(s->groups, (size_t)s->cgroups * sizeof *s->groups);
    }
    if (s->nslots + (size_t)n > s->cslots) {
        while (s->nslots + (size_t)n > s->cslots)
            s->cslots = s->cslots ? s->cslots * 2 : 4096;
        s->slots = xrealloc(s->slots, s->cslots * sizeof *s->slots);
    }
    pgroup_t *g = &s->groups[s->ngroups];
    memset(g, 0, sizeof *g);
    g->hash = h;
    g->key_off = pattern__arena_put(s, s->key, klen);
    g->key_len = (uint32_t)klen;
    g->slot0 = (uint32_t)s->nslots;
    g->nslots = n;
    g->parent = -1;
    for (int i = 0; i < n; i++) {
        pslot_t *sl = &s->slots[s->nslots++];
        memset(sl, 0, sizeof *sl);
        sl->kind = t[i].kind;
        sl->len = t[i].len;
        sl->off = PK_IS_TYPED(t[i].kind) ? pattern__arena_put(s, msg + t[i].off, t[i].len)
                                         : g->key_off + text_at[i];
    }
    uint32_t k = (uint32_t)h & s->tmask;
    while (s->table[k] >= 0)
        k = (k + 1) & s->tmask;
    s->table[k] = s->ngroups;
    if ((uint32_t)++s->ngroups * 2 > s->tmask)
        grow_table(s);
    return s->ngroups - 1;
}

static int find_group(const pattern_set_t *s, uint64_t h, size_t klen)
{
    for (uint32_t k = (uint32_t)h & s->tmask; s->table[k] >= 0; k = (k + 1) & s->tmask) {
        const pgroup_t *g = &s->groups[s->table[k]];
        if (g->hash == h && g->key_len == klen && memcmp(s->arena + g->key_off, s->key, klen) == 0)
            return s->table[k];
    }
    return -1;
}

int pattern_set_add(pattern_set_t *s, const char *msg, size_t len, int64_t ts, unsigned flags)
{
    ptok_t t[PATTERN_MAX_TOKENS];
    uint32_t text_at[PATTERN_MAX_TOKENS];
    if (!flags)
        return -1;
    int n = pattern__tokenize(msg, len, t);
    size_t klen = make_key(s, msg, t, n, text_at);
    uint64_t h = pattern__hash(s->key, klen, 0x5bd1e995);
    int gi = find_group(s, h, klen);
    if (gi < 0) {
        gi = new_group(s, h, klen, msg, t, n, text_at);
    } else {
        pslot_t *sl = &s->slots[s->groups[gi].slot0];
        for (int i = 0; i < n; i++)
            if (PK_IS_TYPED(sl[i].kind) && !sl[i].varies &&
                (sl[i].len != t[i].len || memcmp(s->arena + sl[i].off, msg + t[i].off, t[i].len) != 0))
                sl[i].varies = 1;
    }
    pgroup_t *g = &s->groups[gi];
    if (flags & PATTERN_PREVIOUS)
        g->prev++;
    if (!(flags & PATTERN_CURRENT))
        return gi;
    g->count++;
    s->total++;
    if (g->nsamples < PATTERN_SAMPLES) {
        size_t n_s = len < SAMPLE_BYTES ? len : SAMPLE_BYTES;
        uint32_t off = pattern__arena_put(s, msg, n_s);
        g = &s->groups[gi];
        g->sample[g->nsamples] = off;
        g->sample_seq[g->nsamples++] = s->total;
    }
    if (ts < s->min_ts)
        s->min_ts = ts;
    if (ts > s->max_ts)
        s->max_ts = ts;
    if (s->o.anomaly) {
        if (g->nts == g->cts) {
            g->cts = g->cts ? g->cts * 2 : 8;
            g->ts = xrealloc(g->ts, (size_t)g->cts * sizeof *g->ts);
        }
        g->ts[g->nts++] = ts;
    }
    return gi;
}

/* ---- finish --------------------------------------------------------------- */

typedef struct rendered {
    int g;
    char *text;
    const char *severity;
} rendered_t;

static int by_text(const void *a, const void *b)
{
    const rendered_t *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->g > y->g) - (x->g < y->g);
}

static int by_rank(const void *a, const void *b)
{
    const pattern_out_t *x = a, *y = b;
    int64_t dx = x->count - x->prev, dy = y->count - y->prev;
    dx = dx < 0 ? -dx : dx;
    dy = dy < 0 ? -dy : dy;
    if (dx != dy)
        return dx < dy ? 1 : -1;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->text, y->text);
}

void pattern_set_finish(pattern_set_t *s, pattern_out_t **out, int *nout, int64_t *total)
{
    pattern__merge(s);
    rendered_t *r = xcalloc((size_t)s->ngroups + 1, sizeof *r);
    int n = 0;
    for (int i = 0; i < s->ngroups; i++) {
        if (s->groups[i].parent >= 0)
            continue;
        r[n].g = i;
        r[n].text = pattern__render(s, &s->groups[i], &r[n].severity);
        n++;
    }
    /* two groups that render alike are one pattern */
    qsort(r, (size_t)n, sizeof *r, by_text);
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (m && strcmp(r[m - 1].text, r[i].text) == 0) {
            pattern__join(s, r[m - 1].g, r[i].g);
            free(r[i].text);
            continue;
        }
        r[m++] = r[i];
    }
    int64_t lo = s->o.lo >= 0 ? s->o.lo : s->min_ts, hi = s->o.hi >= 0 ? s->o.hi - 1 : s->max_ts;
    pattern_out_t *v = xcalloc((size_t)m + 1, sizeof *v);
    int k = 0;
    for (int i = 0; i < m; i++) {
        pgroup_t *g = &s->groups[r[i].g];
        pattern_out_t *o = &v[k++];
        o->group = r[i].g;
        o->text = r[i].text;
        o->count = g->count;
        o->prev = g->prev;
        o->severity = r[i].severity;
        snprintf(o->id, sizeof o->id, "%016llx", (unsigned long long)pattern__hash(o->text, strlen(o->text), 7));
        for (int j = 0; j < g->nsamples; j++)
            o->samples[o->nsamples++] = xstrdup(s->arena + g->sample[j]);
        if (s->o.anomaly && g->nts)
            pattern__anomalies(g->ts, g->nts, lo, hi, s->min_ts, &o->anomalies, &o->nanomalies);
    }
    free(r);
    qsort(v, (size_t)k, sizeof *v, by_rank);
    for (int i = 0; i < k; i++)
        s->groups[v[i].group].out_index = i;
    *out = v;
    *nout = k;
    if (total)
        *total = s->total;
}

int pattern_set_pattern_of(const pattern_set_t *s, int g)
{
    if (g < 0 || g >= s->ngroups)
        return -1;
    while (s->groups[g].parent >= 0)
        g = s->groups[g].parent;
    return s->groups[g].out_index;
}

void pattern_set_free(pattern_set_t *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->ngroups; i++)
        free(s->groups[i].ts);
    free(s->groups);
    free(s->slots);
    free(s->arena);
    free(s->table);
    free(s->key);
    free(s);
}

void pattern_out_free(pattern_out_t *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].text);
        for (int j = 0; j < v[i].nsamples; j++)
            free(v[i].samples[j]);
        free(v[i].anomalies);
    }
    free(v);
}
