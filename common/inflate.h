/* common/inflate.h — gzip data (RFC 1952) inflated from memory to memory,
 * with zlib. Several members one after the other (what `cat a.gz b.gz`
 * makes, and what Firehose writes to S3: one member per CloudWatch Logs
 * record) inflate to their contents one after the other. The output is
 * bounded, so a small file that inflates to gigabytes (a gzip bomb) is
 * refused rather than followed. Pure: no files. */
#ifndef OBS_INFLATE_H
#define OBS_INFLATE_H

#include "common/err.h"

#include <stddef.h>

/* Inflate the gzip members p[0..n) into a new buffer of at most max_out
 * bytes. OUT: *out (owned by the caller, freed with free(); NUL-terminated
 * after *out_len bytes, so it may be handed to text parsers) and *out_len.
 * Returns 0, or OBS_EINVAL (nothing in *out) when p does not start with a
 * gzip member, a member is corrupt or cut short, bytes after a member are
 * not another member, or the contents pass max_out bytes. */
int inflate_gzip(const char *p, size_t n, size_t max_out, char **out, size_t *out_len,
                 obs_err_t *err);

#endif
