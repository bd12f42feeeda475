/* agent/tail/tail_skips.c — what is not read is said once (see tail_int.h):
 * a set of "reason\x1fpath" keys already said, so that a scan every poll
 * step does not repeat itself, and a counter per reason. Uses only
 * tail_index.c's string set. */
#include "agent/tail/tail_int.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tail__skip(tail_skips_t *s, store_t *st, int level, const char *counter, const char *path,
                const char *why)
{
    if (s) {
        char *k = xmalloc(strlen(counter) + strlen(path) + 2);
        sprintf(k, "%s\x1f%s", counter, path);
        if (!tail__strset_add(s, k))
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
            tail__strset_add(&n, k);
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
    tail__strset_free(s);
}
