/* agent/tail/tail_index.c — the lookups a scan makes for every file it
 * lists, in hash tables: a set of strings (the paths checkpoints named, the
 * skips already said), and an index of the tailed files by identity, by
 * path and by the stem of their name, rebuilt at each scan. A scan of N
 * files costs O(N) with them; with a pass over every tailed file per listed
 * file it cost O(N^2): 8,270 files followed kept two thirds of a core busy
 * with nothing written. A leaf of agent/tail/. */
#include "agent/tail/tail_int.h"
#include "common/hash.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- a set of strings ------------------------------------------------------- */

static uint64_t slot_of(const char *k, int cap)
{
    return obs_fnv_str(OBS_FNV_INIT, k) & (uint64_t)(cap - 1);
}

int tail__strset_add(tail_strset_t *s, char *k)
{
    if ((s->used + 1) * 2 > s->cap) {
        int cap = s->cap ? s->cap * 2 : 64;
        char **keys = xcalloc((size_t)cap, sizeof *keys);
        for (int i = 0; i < s->cap; i++) {
            if (!s->keys[i])
                continue;
            uint64_t j = slot_of(s->keys[i], cap);
            while (keys[j])
                j = (j + 1) & (uint64_t)(cap - 1);
            keys[j] = s->keys[i];
        }
        free(s->keys);
        s->keys = keys;
        s->cap = cap;
    }
    uint64_t j = slot_of(k, s->cap);
    while (s->keys[j]) {
        if (strcmp(s->keys[j], k) == 0) {
            free(k);
            return 0;
        }
        j = (j + 1) & (uint64_t)(s->cap - 1);
    }
    s->keys[j] = k;
    s->used++;
    return 1;
}

int tail__strset_has(const tail_strset_t *s, const char *k)
{
    if (!s->cap)
        return 0;
    for (uint64_t j = slot_of(k, s->cap); s->keys[j]; j = (j + 1) & (uint64_t)(s->cap - 1))
        if (strcmp(s->keys[j], k) == 0)
            return 1;
    return 0;
}

void tail__strset_free(tail_strset_t *s)
{
    for (int i = 0; i < s->cap; i++)
        free(s->keys[i]);
    free(s->keys);
    memset(s, 0, sizeof *s);
}

/* ---- the tailed files, by identity, path and stem --------------------------------
 * Three open-addressing tables of indexes into the follower's array (an
 * index, not a pointer: the array may be reallocated); a key may be there
 * more than once (a rotated file and the live one under the same path), so
 * a lookup walks its whole probe run. */

static uint64_t id_hash(int64_t dev, int64_t ino)
{
    int64_t k[2] = { dev, ino };
    return obs_fnv(OBS_FNV_INIT, k, sizeof k);
}

/* The length of path's "directory/stem" (the name up to its last dot, the
 * key of the app.1.log sibling form), or 0 when the name has no stem. */
static size_t stem_len(const char *path)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? (size_t)(dot - path) : 0;
}

static void put(int *tab, int cap, uint64_t h, int i)
{
    uint64_t j = h & (uint64_t)(cap - 1);
    while (tab[j] >= 0)
        j = (j + 1) & (uint64_t)(cap - 1);
    tab[j] = i;
}

static void insert(tail_index_t *x, tailed_t *const *v, int i)
{
    const tailed_t *t = v[i];
    put(x->by_id, x->cap, id_hash(t->dev, t->ino), i);
    put(x->by_path, x->cap, obs_fnv_str(OBS_FNV_INIT, t->path), i);
    size_t sl = stem_len(t->path);
    if (sl)
        put(x->by_stem, x->cap, obs_fnv(OBS_FNV_INIT, t->path, sl), i);
}

void tail__index_build(tail_index_t *x, tailed_t *const *v, int n)
{
    int cap = 64;
    while (cap < 2 * n + 64)
        cap *= 2;
    if (cap != x->cap) {
        free(x->by_id);
        free(x->by_path);
        free(x->by_stem);
        x->by_id = xmalloc((size_t)cap * sizeof *x->by_id);
        x->by_path = xmalloc((size_t)cap * sizeof *x->by_path);
        x->by_stem = xmalloc((size_t)cap * sizeof *x->by_stem);
        x->cap = cap;
    }
    memset(x->by_id, 0xff, (size_t)cap * sizeof *x->by_id);   /* -1: empty */
    memset(x->by_path, 0xff, (size_t)cap * sizeof *x->by_path);
    memset(x->by_stem, 0xff, (size_t)cap * sizeof *x->by_stem);
    for (int i = 0; i < n; i++)
        insert(x, v, i);
    x->n = n;
}

void tail__index_catch_up(tail_index_t *x, tailed_t *const *v, int n)
{
    if (n < x->n || 2 * n > x->cap) {
        tail__index_build(x, v, n);   /* shrunk since (not while a scan runs), or too full */
        return;
    }
    for (int i = x->n; i < n; i++)
        insert(x, v, i);
    x->n = n;
}

tailed_t *tail__index_identity(const tail_index_t *x, tailed_t *const *v, int64_t dev, int64_t ino)
{
    for (uint64_t j = id_hash(dev, ino) & (uint64_t)(x->cap - 1); x->by_id[j] >= 0;
         j = (j + 1) & (uint64_t)(x->cap - 1)) {
        tailed_t *t = v[x->by_id[j]];
        if (t->dev == dev && t->ino == ino && !t->dead)
            return t;
    }
    return NULL;
}

tailed_t *tail__index_live(const tail_index_t *x, tailed_t *const *v, const char *path)
{
    for (uint64_t j = obs_fnv_str(OBS_FNV_INIT, path) & (uint64_t)(x->cap - 1); x->by_path[j] >= 0;
         j = (j + 1) & (uint64_t)(x->cap - 1)) {
        tailed_t *t = v[x->by_path[j]];
        if (!t->rotated && !t->dead && strcmp(t->path, path) == 0)
            return t;
    }
    return NULL;
}

static void note(int *out, int *n, int max, int i)
{
    for (int k = 0; k < *n; k++)
        if (out[k] == i)
            return;
    if (*n < max)
        out[(*n)++] = i;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* A sibling name starts with the tailed file's whole name or its stem,
 * followed by '.', '-' or '_' (ident_sibling_name): each such prefix of
 * path is looked up, as a whole path and as a directory/stem. */
int tail__index_siblings_of(const tail_index_t *x, tailed_t *const *v, const char *path, int *out, int max)
{
    const char *slash = strrchr(path, '/');
    size_t base = slash ? (size_t)(slash - path) + 1 : 0;
    int n = 0;
    for (size_t k = base + 1; path[k]; k++) {
        if (path[k] != '.' && path[k] != '-' && path[k] != '_')
            continue;
        uint64_t h = obs_fnv(OBS_FNV_INIT, path, k);
        for (uint64_t j = h & (uint64_t)(x->cap - 1); x->by_path[j] >= 0; j = (j + 1) & (uint64_t)(x->cap - 1)) {
            const char *p = v[x->by_path[j]]->path;
            if (strncmp(p, path, k) == 0 && p[k] == '\0')
                note(out, &n, max, x->by_path[j]);
        }
        for (uint64_t j = h & (uint64_t)(x->cap - 1); x->by_stem[j] >= 0; j = (j + 1) & (uint64_t)(x->cap - 1)) {
            const char *p = v[x->by_stem[j]]->path;
            if (stem_len(p) == k && strncmp(p, path, k) == 0)
                note(out, &n, max, x->by_stem[j]);
        }
    }
    qsort(out, (size_t)n, sizeof *out, cmp_int);   /* the order of the follower's array */
    return n;
}

void tail__index_free(tail_index_t *x)
{
    free(x->by_id);
    free(x->by_path);
    free(x->by_stem);
    memset(x, 0, sizeof *x);
}
