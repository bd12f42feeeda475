/* agent/tail/tail_skips.c — what is not read is said once (see tail_int.h):
 * a set of "reason\x1fpath" keys already said, so that a scan every poll
 * step does not repeat itself, and a counter per reason. A leaf of
 * agent/tail/. */
#include "agent/tail/tail_int.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Insert k (owned) unless present: 1 when it was new. */
static int set_add(tail_skips_t *s, char *k)
{
    if ((s->used + 1) * 2 > s->cap) {
        int cap = s->cap ? s->cap * 2 : 64;
        char **keys = xcalloc((size_t)cap, sizeof *keys);
        for (int i = 0; i < s->cap; i++) {
            if (!s->keys[i])
                continue;
            uint64_t j = obs_fnv_str(OBS_FNV_INIT, s->keys[i]) % (uint64_t)cap;
            while (keys[j])
                j = (j + 1) % (uint64_t)cap;
            keys[j] = s->keys[i];
        }
        free(s->keys);
        s->keys = keys;
        s->cap = cap;
    }
    uint64_t j = obs_fnv_str(OBS_FNV_INIT, k) % (uint64_t)s->cap;
    while (s->keys[j]) {
        if (strcmp(s->keys[j], k) == 0) {
            free(k);
            return 0;
        }
        j = (j + 1) % (uint64_t)s->cap;
    }
    s->keys[j] = k;
    s->used++;
    return 1;
}

void tail__skip(tail_skips_t *s, store_t *st, int level, const char *counter, const char *path,
                const char *why)
{
    if (s) {
        char *k = xmalloc(strlen(counter) + strlen(path) + 2);
        sprintf(k, "%s\x1f%s", counter, path);
        if (!set_add(s, k))
            return;
    }
    obs_log(level, "not read: %s: %s", path, why);
    if (st)
        store_counter_add(st, counter, 1);
}

/* Remove every key of path (rebuilding the table without them). */
int tail__skip_clear(tail_skips_t *s, const char *path)
{
    int was_unreadable = 0, any = 0;
    size_t pl = strlen(path);
    if (!s || !s->used)
        return 0;
    for (int i = 0; i < s->cap; i++) {
        const char *k = s->keys[i];
        const char *sep = k ? strchr(k, '\x1f') : NULL;
        if (sep && strlen(sep + 1) == pl && memcmp(sep + 1, path, pl) == 0) {
            any = 1;
            was_unreadable |= strncmp(k, "files_unreadable", (size_t)(sep - k)) == 0;
        }
    }
    if (!any)
        return 0;
    tail_skips_t n = { 0 };
    for (int i = 0; i < s->cap; i++) {
        char *k = s->keys[i];
        const char *sep = k ? strchr(k, '\x1f') : NULL;
        if (!k)
            continue;
        if (sep && strlen(sep + 1) == pl && memcmp(sep + 1, path, pl) == 0)
            free(k);
        else
            set_add(&n, k);
    }
    free(s->keys);
    *s = n;
    return was_unreadable;
}

void tail__hole_skipped(store_t *st, const char *path, int64_t bytes)
{
    obs_log(OBS_LOG_INFO, "%s: the %lld NUL bytes it starts with are skipped (a hole: a writer that does not "
            "append goes on at its old offset after copytruncate empties the file)", path, (long long)bytes);
    store_counter_add(st, "nul_hole_bytes", bytes);
}

void tail__skips_free(tail_skips_t *s)
{
    for (int i = 0; i < s->cap; i++)
        free(s->keys[i]);
    free(s->keys);
    memset(s, 0, sizeof *s);
}
