/* common/hash.h — FNV-1a, 64 bits: the byte hash of the in-memory tables
 * (streams, series, tokens, request ids, rollup slots) and of a tailed
 * file's fingerprints, which are stored in checkpoints: it must not change. */
#ifndef OBS_HASH_H
#define OBS_HASH_H

#include <stddef.h>
#include <stdint.h>

#define OBS_FNV_INIT 1469598103934665603ULL

/* h continued over the n bytes at p (start with OBS_FNV_INIT). */
static inline uint64_t obs_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

/* The same over a NUL-terminated string. */
static inline uint64_t obs_fnv_str(uint64_t h, const char *s)
{
    for (const unsigned char *b = (const unsigned char *)s; *b; b++)
        h = (h ^ *b) * 1099511628211ULL;
    return h;
}

#endif
