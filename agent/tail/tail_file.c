/* agent/tail/tail_file.c — one tailed file of follow mode: taking an open
 * file in (its start offset: the checkpoint when it is the same file; its
 * function and stream), marking it rotated (its checkpoint key then names
 * its inode), and letting it go. */
#include "agent/tail/tail_int.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tail__tailed_free(tailed_t *t)
{
    if (t->fd >= 0)
        close(t->fd);
    line_reader_done(&t->lr);
    multiline_done(&t->ml);
    free(t->path);
    free(t->root);
    free(t->key);
    free(t->fn);
    free(t->group);
    free(t->stream);
    free(t);
}

static char *rotated_key(const char *path, int64_t ino)
{
    char *k = xmalloc(strlen(path) + 32);
    sprintf(k, "%s\x1f%lld", path, (long long)ino);
    return k;
}

void tail__mark_rotated(follower_t *f, tailed_t *t)
{
    t->rotated = 1;
    t->rotated_ms = obs_mono_ms();
    free(t->key);
    t->key = rotated_key(t->path, t->ino);
    t->dirty = 1;  /* save its progress under the new key */
    store_counter_add(f->st, "files_rotated", 1);
}

/* Where to start a file: its checkpoint when it is the same file, its end
 * with --from tail on the first scan, else its head. */
static int64_t start_offset(follower_t *f, tailed_t *t, int64_t size, obs_err_t *err, int *rc)
{
    store_source_t old;
    int found = 0;
    *rc = store_source_get(f->st, t->path, &old, &found, err);
    if (*rc)
        return 0;
    if (found) {
        if (old.dev == t->dev && old.ino == t->ino && old.offset <= size && old.fingerprint_len <= size &&
            files_same_start(t->fd, old.fingerprint_len, old.fingerprint))
            return old.offset;
        return 0;  /* another file under that name */
    }
    for (int i = 0; i < f->nsuccessors; i++)
        if (strcmp(f->successors[i], t->path) == 0)
            return 0;
    return f->first_scan && f->o->from_tail ? size : 0;
}

int tail__add_tailed(follower_t *f, const char *path, const char *root, int fd,
                     const struct stat *sb, int64_t offset, int rotated, obs_err_t *err)
{
    pathmap_t pm;
    int rc = 0;
    tailed_t *t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    t->root = root ? xstrdup(root) : NULL;
    t->key = rotated ? rotated_key(path, (int64_t)sb->st_ino) : xstrdup(path);
    t->fd = fd;
    t->dev = (int64_t)sb->st_dev;
    t->ino = (int64_t)sb->st_ino;
    t->last_data_ms = obs_mono_ms();
    t->seen_mtime_ms = files_mtime_ms(sb);
    t->rotated = rotated;
    t->rotated_ms = obs_mono_ms();
    /* record its checkpoint in the next batch: for a recovered file, under its
     * rotated key; for a file now under a path, it replaces the row of the
     * file that had the path before (the same batch stores that file's last
     * progress under its rotated key), so no stale row outlives a kill */
    t->dirty = 1;
    f->added = 1;
    line_reader_init(&t->lr, f->o->max_line);
    t->start = t->pos = offset >= 0 ? offset : start_offset(f, t, (int64_t)sb->st_size, err, &rc);
    t->first_offset = t->start;
    if (!rc && pathmap_derive(t->root, t->path, &pm) != 0) {
        obs_log(OBS_LOG_WARN, "cannot name a function and stream after %s; use --function/--stream", t->path);
        tail__tailed_free(t);
        return 0;
    }
    if (!rc) {
        char group[400];
        const char *fn = f->o->function ? f->o->function : pm.function;
        if (f->o->log_group)
            snprintf(group, sizeof group, "%s", f->o->log_group);
        else
            pathmap_log_group(fn, group, sizeof group);
        t->fn = xstrdup(fn);
        t->group = xstrdup(group);
        t->stream = xstrdup(f->o->stream ? f->o->stream : pm.stream);
        rc = pipeline_stream_open(f->pl, t->fn, t->group, t->stream, &t->ps, err);
    }
    if (rc) {
        tail__tailed_free(t);
        return rc;
    }
    t->src.dev = t->dev;
    t->src.ino = t->ino;
    t->src.stream_id = pipeline_stream_id(t->ps);
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 32;
        f->v = xrealloc(f->v, (size_t)f->cap * sizeof *f->v);
    }
    f->v[f->n++] = t;
    store_counter_add(f->st, "files_opened", 1);
    return 0;
}
