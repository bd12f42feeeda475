/* query/pattern/pattern_merge.c — step 3 and 4 of pattern.h: word places
 * that take many values become variables, and a group renders as its
 * pattern text.
 *
 * Merging: for each place p, the live groups with a plain word at p are
 * sorted by a hash of everything but that word (their frame: number and
 * kinds of places, separators, and the other words); a run of groups with
 * the same hash that are equal but at p (checked, not trusted to the hash)
 * and hold at least PATTERN_MIN_VARIANTS different words at p become one
 * group, whose place p is a variable (PK_WILD). Passes over every place
 * repeat until one merges nothing. Then every group equal to a group with
 * variables, where a variable takes any word, joins that group (the first
 * such, by its first message). More than MERGE_MAX_GROUPS groups: no
 * merging (each stays a pattern of its own shape). */
#include "query/pattern/pattern_int.h"
#include "common/buf.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MERGE_MAX_GROUPS 200000
#define WILD_HASH 0x2545F4914F6CDD1DULL

static pslot_t *slots_of(pattern_set_t *s, int g)
{
    return &s->slots[s->groups[g].slot0];
}

static uint64_t mix(uint64_t h, uint64_t i)
{
    h ^= (i + 1) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    return h;
}

/* The frame of a group: places and their kinds, separators' texts; word
 * places by kind only. Stored in its hash field (the key's hash is no
 * longer needed once every message is in). */
static uint64_t frame_hash(pattern_set_t *s, int g)
{
    const pslot_t *sl = slots_of(s, g);
    int n = s->groups[g].nslots;
    uint64_t h = (uint64_t)n;
    for (int i = 0; i < n; i++) {
        int k = sl[i].kind == PK_WILD ? PK_WORD : sl[i].kind;
        h = mix(h ^ (uint64_t)k, (uint64_t)i);
        if (k == PK_SEP || k == PK_LEVEL)
            h = mix(h ^ pattern__hash(s->arena + sl[i].off, sl[i].len, 3), (uint64_t)i);
    }
    return h;
}

/* The words of a group, summed by place: sum - mix(word p, p) is the hash
 * of all its words but the one at p. */
static uint64_t words_sum(const pattern_set_t *s, int g)
{
    const pslot_t *sl = &s->slots[s->groups[g].slot0];
    uint64_t sum = 0;
    for (int i = 0; i < s->groups[g].nslots; i++)
        if (sl[i].kind == PK_WORD || sl[i].kind == PK_WILD)
            sum += mix(sl[i].h, (uint64_t)i);
    return sum;
}

/* Are groups a and b equal at every place but skip (-1: none)? */
static int equal_but(pattern_set_t *s, int a, int b, int skip)
{
    const pslot_t *x = slots_of(s, a), *y = slots_of(s, b);
    if (s->groups[a].nslots != s->groups[b].nslots)
        return 0;
    for (int i = 0; i < s->groups[a].nslots; i++) {
        if (i == skip)
            continue;
        if (x[i].kind != y[i].kind)
            return 0;
        if ((x[i].kind == PK_WORD || x[i].kind == PK_SEP || x[i].kind == PK_LEVEL) &&
            (x[i].len != y[i].len || memcmp(s->arena + x[i].off, s->arena + y[i].off, x[i].len) != 0))
            return 0;
    }
    return 1;
}

typedef struct cand {
    uint64_t key;
    int g;
} cand_t;

static int by_key(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->g > y->g) - (x->g < y->g);
}

/* Count distinct word hashes at place p among the run's members that
 * equal its first one (up to the threshold). */
static int variants(pattern_set_t *s, const cand_t *run, int n, int p, int *same)
{
    uint64_t seen[PATTERN_MIN_VARIANTS];
    int nseen = 0;
    for (int i = 0; i < n; i++) {
        same[i] = i == 0 || equal_but(s, run[0].g, run[i].g, p);
        if (!same[i])
            continue;
        uint64_t h = slots_of(s, run[i].g)[p].h;
        int dup = 0;
        for (int k = 0; k < nseen; k++)
            dup |= seen[k] == h;
        if (!dup && nseen < PATTERN_MIN_VARIANTS)
            seen[nseen++] = h;
    }
    return nseen;
}

/* One pass over place p: 1 when something merged. */
static int merge_place(pattern_set_t *s, int p, cand_t *c, int *same, uint64_t *sums)
{
    int n = 0;
    for (int g = 0; g < s->ngroups; g++) {
        const pgroup_t *gr = &s->groups[g];
        if (gr->parent >= 0 || gr->nslots <= p || slots_of(s, g)[p].kind != PK_WORD)
            continue;
        c[n].key = mix(gr->hash, (uint64_t)p) + sums[g] - mix(slots_of(s, g)[p].h, (uint64_t)p);
        c[n++].g = g;
    }
    qsort(c, (size_t)n, sizeof *c, by_key);
    int merged = 0;
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && c[j].key == c[i].key)
            j++;
        if (j - i >= PATTERN_MIN_VARIANTS && variants(s, c + i, j - i, p, same) >= PATTERN_MIN_VARIANTS) {
            int a = c[i].g;
            for (int k = i + 1; k < j; k++)
                if (same[k - i])
                    pattern__join(s, a, c[k].g);
            pslot_t *sl = &slots_of(s, a)[p];
            sums[a] -= mix(sl->h, (uint64_t)p);
            sl->kind = PK_WILD;
            sl->h = WILD_HASH;
            sums[a] += mix(sl->h, (uint64_t)p);
            merged = 1;
        }
        i = j;
    }
    return merged;
}

/* Does concrete group g fit group w, whose variables take any word? */
static int fits(pattern_set_t *s, int w, int g)
{
    const pslot_t *x = slots_of(s, w), *y = slots_of(s, g);
    if (s->groups[w].nslots != s->groups[g].nslots)
        return 0;
    for (int i = 0; i < s->groups[w].nslots; i++) {
        if (x[i].kind == PK_WILD && (y[i].kind == PK_WORD || y[i].kind == PK_WILD))
            continue;
        if (x[i].kind != y[i].kind)
            return 0;
        if ((x[i].kind == PK_WORD || x[i].kind == PK_SEP || x[i].kind == PK_LEVEL) &&
            (x[i].len != y[i].len || memcmp(s->arena + x[i].off, s->arena + y[i].off, x[i].len) != 0))
            return 0;
    }
    return 1;
}

static int has_wild(pattern_set_t *s, int g)
{
    const pslot_t *sl = slots_of(s, g);
    for (int i = 0; i < s->groups[g].nslots; i++)
        if (sl[i].kind == PK_WILD)
            return 1;
    return 0;
}

/* Groups that fit a group with variables join it. */
static void absorb(pattern_set_t *s, cand_t *c)
{
    int n = 0;
    for (int g = 0; g < s->ngroups; g++)
        if (s->groups[g].parent < 0) {
            c[n].key = s->groups[g].hash;
            c[n++].g = g;
        }
    qsort(c, (size_t)n, sizeof *c, by_key);
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && c[j].key == c[i].key)
            j++;
        for (int w = i; w < j && (j - i) <= 20000; w++) {
            if (s->groups[c[w].g].parent >= 0 || !has_wild(s, c[w].g))
                continue;
            for (int k = i; k < j; k++)
                if (k != w && s->groups[c[k].g].parent < 0 && fits(s, c[w].g, c[k].g) &&
                    !fits(s, c[k].g, c[w].g))
                    pattern__join(s, c[w].g, c[k].g);
        }
        i = j;
    }
}

void pattern__merge(pattern_set_t *s)
{
    if (s->ngroups < 2 || s->ngroups > MERGE_MAX_GROUPS)
        return;
    int maxslots = 0;
    uint64_t *sums = xcalloc((size_t)s->ngroups, sizeof *sums);
    for (int g = 0; g < s->ngroups; g++) {
        pslot_t *sl = slots_of(s, g);
        for (int i = 0; i < s->groups[g].nslots; i++)
            if (sl[i].kind == PK_WORD)
                sl[i].h = pattern__hash(s->arena + sl[i].off, sl[i].len, 11);
        s->groups[g].hash = frame_hash(s, g);
        sums[g] = words_sum(s, g);
        if (s->groups[g].nslots > maxslots)
            maxslots = s->groups[g].nslots;
    }
    cand_t *c = xmalloc((size_t)s->ngroups * sizeof *c);
    int *same = xmalloc((size_t)s->ngroups * sizeof *same);
    for (int changed = 1; changed;) {
        changed = 0;
        for (int p = 0; p < maxslots; p++)
            changed |= merge_place(s, p, c, same, sums);
    }
    absorb(s, c);
    free(c);
    free(same);
    free(sums);
}

/* ---- display -------------------------------------------------------------- */

static const char *severity_of(const pattern_set_t *s, const pgroup_t *g)
{
    const pslot_t *sl = &s->slots[g->slot0];
    for (int i = 0; i < g->nslots; i++)
        if (sl[i].kind == PK_LEVEL)
            return pattern__level(s->arena + sl[i].off, sl[i].len);
    const char *sev = "Info";
    for (int i = 0; i < g->nslots; i++) {
        if (sl[i].kind != PK_WORD)
            continue;
        char w[64];
        size_t n = sl[i].len < sizeof w - 1 ? sl[i].len : sizeof w - 1;
        memcpy(w, s->arena + sl[i].off, n);
        w[n] = '\0';
        if (strcasestr(w, "error") || strcasestr(w, "exception"))
            return "Error";
        if (strcasestr(w, "warn"))
            sev = "Warning";
    }
    return sev;
}

char *pattern__render(const pattern_set_t *s, const pgroup_t *g, const char **severity)
{
    buf_t b = { 0 };
    const pslot_t *sl = &s->slots[g->slot0];
    int var = 0;
    buf_cat(&b, "");
    for (int i = 0; i < g->nslots; i++) {
        /* times and ids are per event by nature: a variable even in a
         * pattern of one message; numbers, addresses, ARNs when they vary */
        if (sl[i].kind == PK_WILD || sl[i].kind == PK_TIME || sl[i].kind == PK_ID ||
            (PK_IS_TYPED(sl[i].kind) && sl[i].varies))
            buf_printf(&b, "<%s-%d>", pattern__kind_name(sl[i].kind == PK_WILD ? PK_REST : sl[i].kind),
                       ++var);
        else
            buf_put(&b, s->arena + sl[i].off, sl[i].len);
    }
    *severity = severity_of(s, g);
    return buf_take(&b);
}
