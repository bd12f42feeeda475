/* agent/tail/tail_ident.c — what a file is, and the one rule that says
 * whether an open file is the file a checkpoint describes (see tail_int.h).
 * A leaf of agent/tail/: pread and hashing, no store, no pipeline. */
#include "agent/tail/tail_int.h"
#include "common/hash.h"

#include <string.h>
#include <unistd.h>

int ident_hash_at(int fd, int64_t from, int64_t len, uint64_t *out)
{
    unsigned char buf[4096];
    uint64_t h = OBS_FNV_INIT;
    while (len > 0) {
        size_t want = len < (int64_t)sizeof buf ? (size_t)len : sizeof buf;
        ssize_t n = pread(fd, buf, want, (off_t)from);
        if (n != (ssize_t)want)
            return -1;
        h = obs_fnv(h, buf, want);
        from += n;
        len -= n;
    }
    *out = h;
    return 0;
}

int ident_describe(int fd, int64_t offset, store_source_t *ck)
{
    int64_t hl = offset < IDENT_HEAD_MAX ? offset : IDENT_HEAD_MAX;
    int64_t wl = offset < IDENT_WINDOW_MAX ? offset : IDENT_WINDOW_MAX;
    uint64_t head, win;
    if (ident_hash_at(fd, 0, hl, &head) != 0 || ident_hash_at(fd, offset - wl, wl, &win) != 0)
        return -1;
    ck->offset = offset;
    ck->fingerprint = hl ? head : 0;
    ck->fingerprint_len = hl;
    ck->window_fp = wl ? win : 0;
    ck->window_len = wl;
    return 0;
}

int ident_holds(int fd, int64_t size, const store_source_t *ck)
{
    uint64_t h;
    if (ck->offset > size || ck->fingerprint_len > size || ck->window_len > ck->offset)
        return 0;
    if (ck->fingerprint_len > 0 &&
        (ident_hash_at(fd, 0, ck->fingerprint_len, &h) != 0 || h != ck->fingerprint))
        return 0;
    if (ck->window_len > 0 &&
        (ident_hash_at(fd, ck->offset - ck->window_len, ck->window_len, &h) != 0 || h != ck->window_fp))
        return 0;
    return 1;
}

ident_verdict_t ident_judge(int fd, const struct stat *sb, const store_source_t *ck)
{
    if ((int64_t)sb->st_dev != ck->dev || (int64_t)sb->st_ino != ck->ino)
        return IDENT_OTHER;
    return ident_holds(fd, (int64_t)sb->st_size, ck) ? IDENT_SAME : IDENT_REPLACED;
}

static int all_digits(const char *p, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

int ident_sibling_name(const char *base, const char *name)
{
    size_t bl = strlen(base);
    if (strncmp(name, base, bl) == 0)   /* app.log.1, app.log-20261121, app.log_old */
        return name[bl] == '.' || name[bl] == '-' || name[bl] == '_';
    /* app.1.log, app.1.log.gz: the stem, a number, the extension */
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return 0;
    size_t stem = (size_t)(dot - base);
    if (strncmp(name, base, stem) != 0 || name[stem] != '.')
        return 0;
    const char *num = name + stem + 1, *end = strchr(num, '.');
    return end && all_digits(num, (size_t)(end - num)) && strncmp(end, dot, strlen(dot)) == 0;
}

int64_t ident_mtime_ms(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000 + sb->st_mtim.tv_nsec / 1000000;
}
