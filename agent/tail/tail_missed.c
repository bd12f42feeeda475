/* agent/tail/tail_missed.c — data that is gone before it was read: a file
 * deleted, compressed, rewritten or truncated (copytruncate without a copy
 * to be found) while the agent was not reading it. It is never silent: one
 * line on stderr names the file, where reading had got to and the bytes
 * known lost; the counters files_missed and bytes_missed count it; and a row
 * of the missed table keeps it for obsagent --status. The bytes are a lower
 * bound: what was known written (the file's size when last looked at)
 * past what was read; what was written after that is unknown. A leaf of
 * agent/tail/. */
#include "agent/tail/tail_int.h"
#include "common/log.h"

#include <stdio.h>

int tail__missed(store_t *st, const char *path, int64_t offset, int64_t bytes, const char *why,
                 obs_err_t *err)
{
    char reason[512];
    if (bytes < 0)
        bytes = 0;
    if (bytes > 0)
        snprintf(reason, sizeof reason, "%s; read to byte %lld: the %lld bytes known written after it are lost, "
                                        "and whatever was written later", why, (long long)offset, (long long)bytes);
    else
        snprintf(reason, sizeof reason, "%s; read to byte %lld: whatever was written after the agent last looked "
                                        "at it is lost", why, (long long)offset);
    obs_log(OBS_LOG_WARN, "missed: %s: %s", path, reason);
    store_counter_add(st, "files_missed", 1);
    store_counter_add(st, "bytes_missed", bytes);
    return store_missed_add(st, path, bytes, reason, err);
}
