/* agent/tail/tail_file.c — one tailed file (see tail_int.h): the object that
 * both --once and follow mode read a file through. It identifies the file
 * (device, inode, and what it read of it), finds its checkpoint by identity
 * and judges it (tail_ident.c), reads into its line reader keeping the last
 * bytes read (the window its checkpoint is confirmed by), describes its
 * checkpoint, notices a truncation or a rewrite, rewinds, and can be closed
 * while idle and reopened by identity. It stores nothing: the pipeline and
 * the store are its callers' (a decoder can sit between its line reader and
 * the pipeline). */
#include "agent/tail/tail_int.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

tailed_t *tail_file_new(const char *path, const char *root, const char *spelled, int fd, const struct stat *sb,
                        size_t max_line)
{
    tailed_t *t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    t->root = root ? xstrdup(root) : NULL;
    t->spelled = spelled ? xstrdup(spelled) : NULL;
    t->fd = fd;
    t->dev = (int64_t)sb->st_dev;
    t->ino = (int64_t)sb->st_ino;
    t->size_seen = (int64_t)sb->st_size;
    t->mtime_seen = ident_mtime_ms(sb);
    t->regular = S_ISREG(sb->st_mode);
    line_reader_init(&t->lr, max_line);
    return t;
}

void tail_file_free(tailed_t *t)
{
    if (!t)
        return;
    if (t->fd >= 0)
        close(t->fd);
    line_reader_done(&t->lr);
    multiline_done(&t->ml);
    free(t->path);
    free(t->root);
    free(t->spelled);
    free(t->name_as);
    free(t->fn);
    free(t->group);
    free(t->stream);
    free(t);
}

int tail_file_name(tailed_t *t, pipeline_t *pl, const char *function, const char *stream,
                   const char *log_group, obs_err_t *err)
{
    pathmap_t pm;
    char group[400];
    const char *named = t->name_as ? t->name_as : t->root || !t->spelled ? t->path : t->spelled;
    if (pathmap_derive(t->root, named, &pm) != 0) {
        obs_log(OBS_LOG_WARN, "cannot name a function and stream after %s; use --function/--stream", t->path);
        return 1;
    }
    const char *fn = function ? function : pm.function;
    if (log_group)
        snprintf(group, sizeof group, "%s", log_group);
    else
        pathmap_log_group(fn, group, sizeof group);
    t->fn = xstrdup(fn);
    t->group = xstrdup(group);
    t->stream = xstrdup(stream ? stream : pm.stream);
    return tail_file_stream(t, pl, err);
}

int tail_file_stream(tailed_t *t, pipeline_t *pl, obs_err_t *err)
{
    int rc;
    if (t->ps)
        return 0;
    if ((rc = pipeline_stream_open(pl, t->fn, t->group, t->stream, &t->ps, err)))
        return rc;
    t->src.stream_id = pipeline_stream_id(t->ps);
    return 0;
}

int tail_file_lookup(tailed_t *t, store_t *st, store_source_t *old, char **old_path, tail_known_t *out,
                     obs_err_t *err)
{
    struct stat sb;
    int found = 0;
    int rc = store_source_find(st, t->dev, t->ino, old, old_path, &found, err);
    *out = TAIL_NEW;
    if (rc || !found)
        return rc;
    if (t->fd < 0 || fstat(t->fd, &sb) != 0) {
        *out = TAIL_REPLACED;
        return 0;
    }
    *out = ident_judge(t->fd, &sb, old) == IDENT_SAME ? TAIL_RESUME : TAIL_REPLACED;
    return 0;
}

void tail_file_start(tailed_t *t, int64_t offset, const store_source_t *ck, size_t max_line)
{
    line_reader_done(&t->lr);
    line_reader_init(&t->lr, max_line);
    t->start = t->pos = offset;
    t->ring_from = offset;
    t->head = 0;
    t->head_len = 0;
    t->vhash = 0;
    t->vend = t->vlen = 0;
    t->verify = 1;
    if (ck && ck->offset == offset) {   /* what the file holds up to offset */
        t->head = ck->fingerprint;
        t->head_len = ck->fingerprint_len;
        t->vhash = ck->window_fp;
        t->vlen = ck->window_len;
        t->vend = offset;
    }
    t->src.dev = t->dev;
    t->src.ino = t->ino;
    t->src.offset = offset;
    if (ck && ck->offset == offset) {
        t->src.fingerprint = ck->fingerprint;
        t->src.fingerprint_len = ck->fingerprint_len;
        t->src.window_fp = ck->window_fp;
        t->src.window_len = ck->window_len;
    } else {
        t->src.fingerprint = t->src.window_fp = 0;
        t->src.fingerprint_len = t->src.window_len = 0;
    }
}

/* The ring keeps the last TAIL_RING bytes read: buf is what was just read
 * at file offset `at`. */
static void ring_add(tailed_t *t, const char *buf, int64_t n, int64_t at)
{
    if (n >= TAIL_RING) {
        buf += n - TAIL_RING;
        at += n - TAIL_RING;
        n = TAIL_RING;
    }
    for (int64_t i = 0; i < n; i++)
        t->ring[(at + i) % TAIL_RING] = (unsigned char)buf[i];
    if (at + n - t->ring_from > TAIL_RING)
        t->ring_from = at + n - TAIL_RING;
}

/* Hash of the file's bytes [from, to) from the ring; -1 when it does not
 * hold them all. */
static int ring_hash(const tailed_t *t, int64_t from, int64_t to, uint64_t *out)
{
    uint64_t h = OBS_FNV_INIT;
    if (from < t->ring_from || to > t->pos || from > to)
        return -1;
    for (int64_t o = from; o < to; o++)
        h = obs_fnv(h, &t->ring[o % TAIL_RING], 1);
    *out = h;
    return 0;
}

int64_t tail_file_read(tailed_t *t, int64_t budget, int *eof)
{
    int64_t got = 0;
    *eof = 0;
    while (got < budget) {
        size_t avail;
        char *space = line_reader_space(&t->lr, &avail);
        if ((int64_t)avail > budget - got)
            avail = (size_t)(budget - got);
        ssize_t n = read(t->fd, space, avail);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return got ? got : -1;
        if (n == 0) {
            *eof = 1;
            break;
        }
        /* still the content read so far? (rewritten between the last look
         * and this read: the bytes just read are another content's) */
        uint64_t vh;
        if (t->regular && t->vlen > 0 && t->vend == t->pos &&
            (ident_hash_at(t->fd, t->vend - t->vlen, t->vlen, &vh) != 0 || vh != t->vhash)) {
            t->verify = 1;
            *eof = 1;
            return 0;
        }
        ring_add(t, space, n, t->pos);
        line_reader_added(&t->lr, (size_t)n);
        t->pos += n;
        got += n;
        if (t->pos > t->size_seen)
            t->size_seen = t->pos;
        /* the first bytes, once: what the file starts with */
        if (t->regular && t->head_len < IDENT_HEAD_MAX && t->pos > t->head_len) {
            int64_t hl = t->pos < IDENT_HEAD_MAX ? t->pos : IDENT_HEAD_MAX;
            uint64_t h;
            if (ring_hash(t, 0, hl, &h) == 0 || ident_hash_at(t->fd, 0, hl, &h) == 0) {
                t->head = h;
                t->head_len = hl;
            }
        }
        break;   /* one read per call keeps the caller's loop in charge */
    }
    /* what was read last is what the file is checked against */
    if (got) {
        int64_t wl = t->pos - t->ring_from < IDENT_WINDOW_MAX ? t->pos - t->ring_from : IDENT_WINDOW_MAX;
        if (ring_hash(t, t->pos - wl, t->pos, &t->vhash) == 0) {
            t->vend = t->pos;
            t->vlen = wl;
        }
    }
    return got;
}

int64_t tail_file_skip_hole(tailed_t *t)
{
    unsigned char buf[4096];
    int64_t at = 0;
    if (t->pos != 0 || t->lr.end != t->lr.start || !t->regular || t->fd < 0)
        return 0;
    for (;;) {
        ssize_t n = pread(t->fd, buf, sizeof buf, (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        ssize_t i = 0;
        while (i < n && buf[i] == 0)
            i++;
        at += i;
        if (i < n)
            break;
    }
    if (at > 0)
        tail_file_start(t, at, NULL, t->lr.max_line);
    return at;
}

int64_t tail_file_consumed(const tailed_t *t)
{
    return t->start + t->lr.consumed - multiline_unstored(&t->ml);
}

void tail_file_describe(tailed_t *t)
{
    int64_t off = tail_file_consumed(t);
    store_source_t *s = &t->src;
    int64_t hl = off < IDENT_HEAD_MAX ? off : IDENT_HEAD_MAX;
    int64_t wl = off < IDENT_WINDOW_MAX ? off : IDENT_WINDOW_MAX;
    s->dev = t->dev;
    s->ino = t->ino;
    s->size = t->size_seen > off ? t->size_seen : off;
    s->updated_ms = t->mtime_seen;
    s->rotated = t->rotated;
    if (off == s->offset && s->fingerprint_len == hl && s->window_len == wl)
        return;   /* described already */
    s->offset = off;
    /* from the bytes read (the ring), else from the file */
    uint64_t h;
    if (hl == t->head_len) {
        s->fingerprint = t->head;
        s->fingerprint_len = hl;
    } else if (ring_hash(t, 0, hl, &h) == 0 || (t->fd >= 0 && ident_hash_at(t->fd, 0, hl, &h) == 0)) {
        s->fingerprint = h;
        s->fingerprint_len = hl;
    } else {
        s->fingerprint = 0;
        s->fingerprint_len = 0;
    }
    if (ring_hash(t, off - wl, off, &h) == 0 || (t->fd >= 0 && ident_hash_at(t->fd, off - wl, wl, &h) == 0)) {
        s->window_fp = h;
        s->window_len = wl;
    } else {
        s->window_fp = 0;
        s->window_len = 0;
    }
    if (!hl)
        s->fingerprint = 0;
    if (!wl)
        s->window_fp = 0;
}

tail_change_t tail_file_check(tailed_t *t, struct stat *sb_out)
{
    struct stat sb;
    uint64_t h;
    if (fstat(t->fd, &sb) != 0)
        return TAIL_UNCHANGED;
    if (sb_out)
        *sb_out = sb;
    int64_t size = (int64_t)sb.st_size, mtime = ident_mtime_ms(&sb);
    int changed = t->verify || size != t->size_seen || mtime != t->mtime_seen;
    t->verify = 0;
    t->mtime_seen = mtime;
    if (size < t->pos || size < t->vend) {
        t->size_seen = size;
        return TAIL_TRUNCATED;
    }
    t->size_seen = size;
    if (changed) {
        /* a file rewritten in place, or truncated and grown again past
         * what was read: the bytes read are not there any more */
        if (t->head_len > 0 && (ident_hash_at(t->fd, 0, t->head_len, &h) != 0 || h != t->head))
            return TAIL_REWRITTEN;
        if (t->vlen > 0 && (ident_hash_at(t->fd, t->vend - t->vlen, t->vlen, &h) != 0 || h != t->vhash))
            return TAIL_REWRITTEN;
    }
    return size > t->pos ? TAIL_GREW : TAIL_UNCHANGED;
}

void tail_file_known_at(const tailed_t *t, int64_t at, store_source_t *k)
{
    uint64_t h;
    int64_t wl = at < IDENT_WINDOW_MAX ? at : IDENT_WINDOW_MAX;
    memset(k, 0, sizeof *k);
    k->dev = t->dev;
    k->ino = t->ino;
    k->offset = at;
    k->size = t->size_seen;
    k->fingerprint = t->head;
    k->fingerprint_len = t->head_len < at ? t->head_len : at;
    if (k->fingerprint_len != t->head_len &&
        (ring_hash(t, 0, k->fingerprint_len, &h) == 0 ||
         (t->fd >= 0 && ident_hash_at(t->fd, 0, k->fingerprint_len, &h) == 0)))
        k->fingerprint = h;
    else if (k->fingerprint_len != t->head_len)
        k->fingerprint_len = 0;
    if (at == t->vend && t->vlen == wl) {
        k->window_fp = t->vhash;
        k->window_len = wl;
    } else if (ring_hash(t, at - wl, at, &h) == 0) {
        k->window_fp = h;
        k->window_len = wl;
    }
}

int tail_file_holds(const tailed_t *t)
{
    struct stat sb;
    uint64_t h;
    if (t->fd < 0 || fstat(t->fd, &sb) != 0 || (int64_t)sb.st_size < t->vend)
        return 0;
    if (t->head_len > 0 && (ident_hash_at(t->fd, 0, t->head_len, &h) != 0 || h != t->head))
        return 0;
    return t->vlen == 0 || (ident_hash_at(t->fd, t->vend - t->vlen, t->vlen, &h) == 0 && h == t->vhash);
}

void tail_file_close(tailed_t *t)
{
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}

int tail_file_reopen(tailed_t *t)
{
    struct stat sb;
    if (t->fd >= 0)
        return 0;
    int fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 1;
    if (fstat(fd, &sb) != 0 || (int64_t)sb.st_dev != t->dev || (int64_t)sb.st_ino != t->ino) {
        close(fd);
        return 1;
    }
    t->fd = fd;
    t->verify = 1;
    return 0;
}
