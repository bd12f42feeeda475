/* agent/rid_set.c — a growing open-addressing set of 64-bit hashes (see
 * rid_set.h). 0 marks an empty slot, so a zero hash is stored as 1. */
#include "agent/rid_set.h"
#include "common/xalloc.h"

#include <stdlib.h>

struct rid_set {
    uint64_t *tab;
    size_t cap, n;
    int gave_up;
};

rid_set_t *rid_set_new(void)
{
    rid_set_t *s = xcalloc(1, sizeof *s);
    s->cap = 1024;
    s->tab = xcalloc(s->cap, sizeof *s->tab);
    return s;
}

void rid_set_free(rid_set_t *s)
{
    if (s) {
        free(s->tab);
        free(s);
    }
}

static size_t slot(const uint64_t *tab, size_t cap, uint64_t h)
{
    size_t k = (size_t)(h ^ (h >> 29)) & (cap - 1);
    while (tab[k] && tab[k] != h)
        k = (k + 1) & (cap - 1);
    return k;
}

void rid_set_give_up(rid_set_t *s)
{
    s->gave_up = 1;
    free(s->tab);
    s->tab = NULL;
    s->cap = s->n = 0;
}

void rid_set_add(rid_set_t *s, uint64_t h)
{
    if (s->gave_up)
        return;
    h = h ? h : 1;
    size_t k = slot(s->tab, s->cap, h);
    if (s->tab[k])
        return;   /* there already */
    if ((s->n + 1) * 2 > s->cap) {
        if (s->n >= RID_SET_MAX) {
            rid_set_give_up(s);
            return;
        }
        size_t cap = s->cap * 2;
        uint64_t *tab = xcalloc(cap, sizeof *tab);
        for (size_t i = 0; i < s->cap; i++)
            if (s->tab[i])
                tab[slot(tab, cap, s->tab[i])] = s->tab[i];
        free(s->tab);
        s->tab = tab;
        s->cap = cap;
        k = slot(s->tab, s->cap, h);
    }
    s->tab[k] = h;
    s->n++;
}

int rid_set_may_have(const rid_set_t *s, uint64_t h)
{
    if (s->gave_up)
        return 1;
    h = h ? h : 1;
    return s->tab[slot(s->tab, s->cap, h)] == h;
}

int rid_set_complete(const rid_set_t *s)
{
    return !s->gave_up;
}
