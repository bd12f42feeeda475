/* query/pattern/pattern_group.c — what the set's groups are made of, for
 * pattern_set.c and pattern_merge.c alike: the hash of keys and words, the
 * arena (offsets into one buffer, never pointers, so that it can grow) and
 * the joining of two groups into one. */
#include "query/pattern/pattern_int.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

uint64_t pattern__hash(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = seed ^ ((uint64_t)n * 0x9E3779B97F4A7C15ULL);
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h ^= v * 0xbf58476d1ce4e5b9ULL;
        h = ((h << 31) | (h >> 33)) * 0x94d049bb133111ebULL;
        s += 8;
        n -= 8;
    }
    uint64_t v = 0;
    memcpy(&v, s, n);
    h ^= v * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 29;
    return h;
}

uint32_t pattern__arena_put(pattern_set_t *s, const char *p, size_t n)
{
    if (s->alen + n + 1 > s->acap) {
        while (s->alen + n + 1 > s->acap)
            s->acap = s->acap ? s->acap * 2 : 1 << 16;
        s->arena = xrealloc(s->arena, s->acap);
    }
    uint32_t off = (uint32_t)s->alen;
    if (n)
        memcpy(s->arena + s->alen, p, n);
    s->arena[s->alen + n] = '\0';
    s->alen += n + 1;
    return off;
}

void pattern__join(pattern_set_t *s, int a, int b)
{
    pgroup_t *ga = &s->groups[a], *gb = &s->groups[b];
    gb->parent = a;
    ga->count += gb->count;
    ga->prev += gb->prev;
    /* the first messages of both, in input order */
    uint32_t off[2 * PATTERN_SAMPLES];
    int64_t seq[2 * PATTERN_SAMPLES];
    int n = 0, i = 0, j = 0;
    while (n < PATTERN_SAMPLES && (i < ga->nsamples || j < gb->nsamples)) {
        if (j >= gb->nsamples || (i < ga->nsamples && ga->sample_seq[i] < gb->sample_seq[j])) {
            off[n] = ga->sample[i];
            seq[n++] = ga->sample_seq[i++];
        } else {
            off[n] = gb->sample[j];
            seq[n++] = gb->sample_seq[j++];
        }
    }
    memcpy(ga->sample, off, (size_t)n * sizeof *off);
    memcpy(ga->sample_seq, seq, (size_t)n * sizeof *seq);
    ga->nsamples = n;
    if (gb->nts) {
        if (ga->nts + gb->nts > ga->cts) {
            ga->cts = ga->nts + gb->nts;
            ga->ts = xrealloc(ga->ts, (size_t)ga->cts * sizeof *ga->ts);
        }
        memcpy(ga->ts + ga->nts, gb->ts, (size_t)gb->nts * sizeof *gb->ts);
        ga->nts += gb->nts;
    }
    free(gb->ts);
    gb->ts = NULL;
    gb->nts = gb->cts = 0;
    if (ga->nslots != gb->nslots)
        return;
    pslot_t *sa = &s->slots[ga->slot0], *sb = &s->slots[gb->slot0];
    for (int k = 0; k < ga->nslots; k++)
        if (PK_IS_TYPED(sa[k].kind) && !sa[k].varies &&
            (sb[k].varies || sa[k].len != sb[k].len ||
             memcmp(s->arena + sa[k].off, s->arena + sb[k].off, sa[k].len) != 0))
            sa[k].varies = 1;
}

