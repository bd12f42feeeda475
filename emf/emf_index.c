/* emf/emf_index.c — find a root member by name. EMF references targets by
 * plain root member names; a root with few members is searched directly, a
 * root with many gets an open-addressing hash table so that thousands of
 * references against thousands of members stay linear, not quadratic. */
#include "emf/emf_int.h"
#include "common/hash.h"

#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Below this many members a linear search is faster than hashing. */
#define INDEX_MIN_MEMBERS 16

void emf__index_init(emf_index_t *ix, const cJSON *root)
{
    ix->root = root;
    ix->slots = NULL;
    ix->mask = 0;
    size_t n = 0;
    for (const cJSON *it = root->child; it; it = it->next)
        n++;
    if (n < INDEX_MIN_MEMBERS)
        return;
    size_t size = 32;
    while (size < 2 * n)
        size *= 2;
    ix->slots = xcalloc(size, sizeof *ix->slots);
    ix->mask = size - 1;
    for (const cJSON *it = root->child; it; it = it->next) {
        if (!it->string)
            continue;
        size_t k = (size_t)obs_fnv_str(OBS_FNV_INIT, it->string) & ix->mask;
        /* keep the first member of a name, like cJSON's own lookup */
        while (ix->slots[k] && strcmp(ix->slots[k]->string, it->string) != 0)
            k = (k + 1) & ix->mask;
        if (!ix->slots[k])
            ix->slots[k] = it;
    }
}

const cJSON *emf__index_get(const emf_index_t *ix, const char *key)
{
    if (!ix->slots)
        return cJSON_GetObjectItemCaseSensitive(ix->root, key);
    size_t k = (size_t)obs_fnv_str(OBS_FNV_INIT, key) & ix->mask;
    while (ix->slots[k]) {
        if (strcmp(ix->slots[k]->string, key) == 0)
            return ix->slots[k];
        k = (k + 1) & ix->mask;
    }
    return NULL;
}

void emf__index_done(emf_index_t *ix)
{
    free((void *)ix->slots);
    ix->slots = NULL;
}
