/* agent/tail/tail_fdlimit.c — follow mode keeps at most max_open files open
 * (--max-open-files, below RLIMIT_NOFILE with room for the store, the
 * sockets and the watches). Past it, a file idle for longest (not rotated:
 * a rotated file may be deleted, and could not be opened again) is closed;
 * it keeps its place (offset, partial line, pending event) and is opened
 * again, by identity, when its path shows new data: so every file is read,
 * in turn, however many there are. A file whose path names another file
 * when it is opened again was rotated while closed: it is looked for by
 * identity in its directory. */
#include "agent/tail/tail_int.h"
#include "common/clock.h"
#include "common/log.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int follow_open_files_limit(int wanted, int reserved)
{
    struct rlimit rl;
    long long soft = 1024;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        soft = (long long)rl.rlim_cur;
    else if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
        soft = 1 << 20;
    long long room = soft - reserved;
    if (room < 4)
        room = 4;
    if (wanted > 0 && wanted <= room)
        return wanted;
    if (wanted > 0)
        obs_log(OBS_LOG_WARN, "--max-open-files %d is above what the open-file limit allows (ulimit -n %lld, "
                              "less %d for the store and the sockets): %lld",
                wanted, soft, reserved, room);
    return room > 1 << 30 ? 1 << 30 : (int)room;
}

int tail__fd_wanted(const tailed_t *t)
{
    struct stat sb;
    if (t->fd >= 0)
        return 1;
    if (t->lr.end > t->lr.start || multiline_unstored(&t->ml))
        return 1;   /* a partial line or an event waits for its idle flush */
    if (stat(t->path, &sb) != 0 || (int64_t)sb.st_dev != t->dev || (int64_t)sb.st_ino != t->ino)
        return 1;   /* rotated while closed: found by identity */
    return (int64_t)sb.st_size != t->pos || ident_mtime_ms(&sb) != t->mtime_seen;
}

/* The open file read least recently that may be closed (not read this
 * turn, not rotated), or NULL. */
static tailed_t *victim(follower_t *f)
{
    tailed_t *best = NULL;
    for (int i = 0; i < f->n; i++) {
        tailed_t *t = f->v[i];
        if (t->fd < 0 || t->rotated || t->dead || t->used_turn == f->turn)
            continue;
        if (!best || t->last_used_ms < best->last_used_ms)
            best = t;
    }
    return best;
}

void tail__fd_used(follower_t *f, tailed_t *t)
{
    t->used_turn = f->turn;
    t->last_used_ms = obs_mono_ms();
}

int tail__fd_acquire(follower_t *f, tailed_t *t)
{
    if (t->fd >= 0)
        return 0;
    if (f->nopen >= f->max_open) {
        tailed_t *v = victim(f);
        if (!v)
            return -1;
        tail_file_close(v);
        f->nopen--;
        store_counter_add(f->st, "files_closed_idle", 1);
    }
    int r = tail_file_reopen(t);
    if (r != 0) {
        /* its path names another file now: find it by identity */
        char *p = NULL;
        struct stat sb;
        int fd = tail__open_identity(t->path, t->dev, t->ino, &p, &sb);
        if (fd >= 0) {
            free(t->path);
            t->path = p;
            t->fd = fd;
            t->verify = 1;
        }
        r = 1;
    }
    if (t->fd >= 0) {
        f->nopen++;
        store_counter_add(f->st, "files_reopened", 1);
    }
    tail__fd_used(f, t);
    return r;
}

void tail__fd_release(follower_t *f, tailed_t *t)
{
    if (t->fd >= 0) {
        tail_file_close(t);
        f->nopen--;
    }
}
