/* common/inflate.c — gzip members inflated from memory to memory (see
 * inflate.h). zlib's gzip wrapper (windowBits 16 + MAX_WBITS) reads each
 * member's header and checks its CRC-32 and length trailer; after a member
 * ends, the next bytes must start another member (1f 8b, RFC 1952 §2.3.1),
 * which inflateReset() then reads the same way. zlib allocates through
 * xmalloc, so running out of memory aborts like everywhere else. */
#include "common/inflate.h"

#include "common/xalloc.h"

#include <stdint.h>
#include <stdlib.h>

#define ZLIB_CONST
#include <zlib.h>

/* zlib counts in uInt: hand it at most this much at a time. */
#define STEP ((size_t)1 << 30)

static voidpf zalloc_x(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return xcalloc(items ? items : 1, size ? size : 1);
}

static void zfree_x(voidpf opaque, voidpf p)
{
    (void)opaque;
    free(p);
}

static int is_member_start(const unsigned char *p, size_t n)
{
    return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

int inflate_gzip(const char *p, size_t n, size_t max_out, char **out, size_t *out_len,
                 obs_err_t *err)
{
    const unsigned char *in = (const unsigned char *)p;
    *out = NULL;
    *out_len = 0;
    if (!is_member_start(in, n))
        return obs_err_set(err, OBS_EINVAL, "gzip: the data does not start with a gzip header "
                                            "(bytes 1f 8b)");

    z_stream z = { 0 };
    z.zalloc = zalloc_x;
    z.zfree = zfree_x;
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return obs_err_set(err, OBS_EINVAL, "gzip: zlib could not start: %s",
                           z.msg ? z.msg : "unknown error");

    /* the buffer may hold one byte more than max_out: that byte is how a
     * bomb is seen without asking zlib for more */
    size_t limit = max_out < SIZE_MAX - 1 ? max_out + 1 : max_out;
    size_t cap = n <= (SIZE_MAX - 4096) / 4 ? n * 4 + 4096 : limit;
    if (cap > limit)
        cap = limit;
    char *buf = xmalloc(cap + 1);
    size_t len = 0, fed = 0, member_at = 0;
    int member = 1, rc = 0;

    for (;;) {
        if (z.avail_in == 0 && fed < n) {
            size_t k = n - fed < STEP ? n - fed : STEP;
            z.next_in = in + fed;
            z.avail_in = (uInt)k;
            fed += k;
        }
        if (len > max_out || (len == cap && cap >= limit)) {
            rc = obs_err_set(err, OBS_EINVAL,
                             "gzip: the data inflates to more than %zu bytes, the limit "
                             "(a gzip bomb, or too large to import at once)", max_out);
            break;
        }
        if (len == cap) {
            cap = cap <= limit / 2 ? cap * 2 : limit;
            buf = xrealloc(buf, cap + 1);
        }
        size_t room = cap - len < STEP ? cap - len : STEP;
        z.next_out = (Bytef *)(buf + len);
        z.avail_out = (uInt)room;
        int zr = inflate(&z, Z_NO_FLUSH);
        len += room - z.avail_out;
        size_t at = fed - z.avail_in; /* input bytes consumed so far */
        if (zr == Z_STREAM_END) {
            if (len > max_out)
                continue; /* reported at the top of the loop */
            if (at == n)
                break;
            if (!is_member_start(in + at, n - at)) {
                rc = obs_err_set(err, OBS_EINVAL,
                                 "gzip: the %zu bytes after member %d (from byte %zu) are not "
                                 "another gzip member", n - at, member, at);
                break;
            }
            inflateReset(&z);
            member++;
            member_at = at;
        } else if (zr == Z_OK) {
            continue;
        } else if (zr == Z_BUF_ERROR && z.avail_out == 0) {
            continue; /* out of room: grow */
        } else if (zr == Z_BUF_ERROR) {
            rc = obs_err_set(err, OBS_EINVAL,
                             "gzip: member %d (from byte %zu) is cut short: the data ends at "
                             "byte %zu before the member does", member, member_at, n);
            break;
        } else {
            rc = obs_err_set(err, OBS_EINVAL, "gzip: member %d (from byte %zu) is corrupt near "
                             "byte %zu: %s", member, member_at, at,
                             zr == Z_NEED_DICT ? "it needs a preset dictionary"
                             : z.msg           ? z.msg
                                               : "invalid data");
            break;
        }
    }
    inflateEnd(&z);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}
