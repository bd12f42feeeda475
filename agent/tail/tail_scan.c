/* agent/tail/tail_scan.c — follow mode's discovery: every poll step the
 * paths are scanned (tail_files.c); a file is known by identity, so one
 * already tailed is left alone whatever name it is found under; a path that
 * names another file than the one tailed under it was rotated (that one is
 * drained under its new name, then let go); a new file starts at its
 * checkpoint when the store has one for it and it holds that content, else
 * from its head (its end with --from tail on the first scan, for a path no
 * checkpoint ever named); a new file that holds a copy of what a tailed
 * sibling read (cp app.log app.log-2026...) is not read twice: it is read
 * from where that sibling was if the sibling is truncated (tail_recover.c). */
#include "agent/tail/tail_int.h"
#include "agent/tail/tail_doc.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

void tail__scope(const follower_t *f, tail_scope_t *sc)
{
    sc->paths = f->paths;
    sc->spelled = f->spelled;
    sc->npaths = f->npaths;
    sc->tailed = f->v;
    sc->ntailed = f->n;
    sc->listings = f->listings;
    sc->index = NULL;
}

static int seen_path(const follower_t *f, const char *path)
{
    return tail__strset_has(&f->seen, path);
}

static void note_seen(follower_t *f, const char *path)
{
    if (!seen_path(f, path))
        tail__strset_add(&f->seen, xstrdup(path));
}

/* A document or a gzip file in a followed directory (gzip is left out by
 * its name already, this finds it by its content): read whole by --once,
 * never followed. Said once; 1 when it is one. */
static int document_skipped(follower_t *f, const char *path, int fd)
{
    char head[DECODE_SNIFF_BYTES];
    ssize_t n = pread(fd, head, sizeof head, 0);
    if (n <= 0 || !tail_doc_is_whole(head, (size_t)n, DECODE_AUTO))
        return 0;
    tail__skip(&f->skips, f->st, OBS_LOG_INFO, "files_skipped_documents", path,
               "a gzip file or a document (an export, filter-log-events, Logs Insights results): "
               "not followed; obsagent --once reads it whole");
    return 1;
}

static int add_tailed(follower_t *f, tail_found_t *found, const store_source_t *ck, obs_err_t *err)
{
    tailed_t *t = tail_file_new(found->path, found->root, found->spelled, found->fd, &found->sb,
                                f->o->max_line);
    found->fd = -1;
    if (found->name_as)
        t->name_as = xstrdup(found->name_as);
    if (!ck && found->has_ck)
        ck = &found->ck;
    int rc = tail_file_name(t, f->pl, f->o->function, f->o->stream, f->o->log_group, err);
    if (rc) {
        tail_file_free(t);
        return rc == 1 ? 0 : rc;
    }
    tail_file_start(t, found->offset, ck, f->o->max_line);
    int64_t now = obs_mono_ms();
    t->first_offset = found->offset;
    t->rotated = found->rotated;
    if (ck && ck->offset == 0 && found->offset == 0 && !t->rotated)
        t->empty_seen_ms = ck->updated_ms;   /* nothing read of it when it was last looked at */
    t->rotated_ms = now;
    t->last_data_ms = t->last_used_ms = now;
    t->used_turn = f->turn;
    /* its checkpoint goes into the next batch, committed before its lines
     * are read: killed then, the next start knows it by identity */
    t->dirty = 1;
    f->added = 1;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 32;
        f->v = xrealloc(f->v, (size_t)f->cap * sizeof *f->v);
    }
    f->v[f->n++] = t;
    f->nopen++;
    if (!t->rotated)
        note_seen(f, t->path);
    if (f->nopen > f->max_open) {   /* over the open-file limit: opened again in its turn */
        tail_file_close(t);
        f->nopen--;
    }
    store_counter_add(f->st, "files_opened", 1);
    return 0;
}

int tail__add(follower_t *f, tail_found_t *found, obs_err_t *err)
{
    if (!found->offset && found->fd >= 0 && document_skipped(f, found->path, found->fd))
        return 0;
    return add_tailed(f, found, NULL, err);
}

static int add_founds(follower_t *f, tail_founds_t *fs, obs_err_t *err)
{
    int rc = 0;
    for (int i = 0; i < fs->n && !rc; i++)
        rc = add_tailed(f, &fs->v[i], NULL, err);
    tail__founds_free(fs);
    return rc;
}

void tail__mark_rotated(follower_t *f, tailed_t *t)
{
    char *now_at = NULL;
    struct stat sb;
    t->rotated = 1;
    t->rotated_ms = obs_mono_ms();
    t->dirty = 1;   /* its row says so, under its new name when it has one */
    /* its name now (app.log.1): where a restart finds it, and --status */
    int fd = tail__open_identity(t->path, t->dev, t->ino, &now_at, &sb);
    if (fd >= 0) {
        close(fd);
        free(t->path);
        t->path = now_at;
    }
    store_counter_add(f->st, "files_rotated", 1);
}

/* The scan's lookups go through f->index, caught up with the files added
 * since it was built (earlier in the same scan: two spellings of one file
 * in one listing are one file). */
static tailed_t *by_identity(follower_t *f, int64_t dev, int64_t ino)
{
    tail__index_catch_up(&f->index, f->v, f->n);
    return tail__index_identity(&f->index, f->v, dev, ino);
}

static tailed_t *find_live(follower_t *f, const char *path)
{
    tail__index_catch_up(&f->index, f->v, f->n);
    return tail__index_live(&f->index, f->v, path);
}

/* Watch path's directory (path itself when is_dir); last (PATH_MAX bytes)
 * is the directory watched last by this scan: a listing's files come by
 * directory, one watch each is enough. */
static void watch_dir_of(follower_t *f, const char *path, int is_dir, char *last)
{
    if (f->ifd < 0)
        return;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    if (!is_dir) {
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, slash ? "/" : ".");
    }
    if (strcmp(dir, last) == 0)
        return;
    memcpy(last, dir, sizeof dir);
    inotify_add_watch(f->ifd, dir, IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                       IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF);
}

/* A path the scan found is read now: what was said of it not being read
 * is forgotten (said again if it recurs). Not before it is taken: a path
 * skipped again at every scan would be said at every scan. */
static int take(follower_t *f, tail_found_t *found, const store_source_t *ck, obs_err_t *err)
{
    if (tail__skip_clear(&f->skips, found->path))
        obs_log(OBS_LOG_INFO, "%s can be read now", found->path);
    return add_tailed(f, found, ck, err);
}

/* A file the scan found that no tailed file is: where to start it. */
static int take_new(follower_t *f, const file_entry_t *e, obs_err_t *err)
{
    struct stat sb;
    tail_scope_t sc;
    int fd = open(e->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        char why[300];
        if (errno == ENOENT)
            return 0;   /* gone again */
        snprintf(why, sizeof why, "cannot open it: %s (tried again at every scan)", strerror(errno));
        tail__skip(&f->skips, f->st, OBS_LOG_WARN, "files_unreadable", e->path, why);
        return 0;
    }
    if (fstat(fd, &sb) != 0 || (int64_t)sb.st_dev != e->dev || (int64_t)sb.st_ino != e->ino) {
        close(fd);
        return 0;   /* another file since the scan: the next one sees it */
    }
    if (document_skipped(f, e->path, fd)) {
        close(fd);
        return 0;
    }
    tail__scope(f, &sc);
    tail_found_t found = { (char *)e->path, (char *)e->root, (char *)e->spelled, NULL, fd, sb, 0, 0, 0, { 0 } };
    tailed_t probe = { 0 };
    store_source_t old;
    char *old_path = NULL;
    tail_known_t known;
    probe.fd = fd;
    probe.dev = (int64_t)sb.st_dev;
    probe.ino = (int64_t)sb.st_ino;
    int rc = tail_file_lookup(&probe, f->st, &old, &old_path, &known, err);
    if (!rc && known == TAIL_RESUME) {
        found.offset = old.offset;
        free(old_path);
        return take(f, &found, &old, err);
    }
    if (!rc && known == TAIL_REPLACED) {
        /* its identity's checkpoint describes content that is not here:
         * look for where it went, else count it missed; this file is new */
        tail_founds_t fs = { 0 };
        rc = tail__content_gone(f->st, &sc, old_path, &old, probe.dev, probe.ino,
                                TAIL_REPLACED_WHY, &fs, err);
        if (!rc)
            rc = store_source_delete(f->st, probe.dev, probe.ino, err);
        if (!rc)
            rc = add_founds(f, &fs, err);
        else
            tail__founds_free(&fs);
    }
    free(old_path);
    if (rc) {
        close(fd);
        return rc;
    }
    const tailed_t *of = NULL;
    tail__scope(f, &sc);   /* add_founds may have added files */
    tail__index_catch_up(&f->index, f->v, f->n);
    sc.index = &f->index;
    int copy = known == TAIL_NEW ? tail__copy_of_tailed(&sc, fd, &sb, e->path, &of) : 0;
    if (copy == 2) {   /* not taken yet: the next scan looks again */
        close(fd);
        return 0;
    }
    if (copy) {
        char why[PATH_MAX + 128];
        snprintf(why, sizeof why, "a copy of %s, which is read (the copy is read from where %s was if that is "
                                  "truncated)", of->path, of->path);
        tail__skip(&f->skips, f->st, OBS_LOG_INFO, "files_skipped_copy", e->path, why);
        close(fd);
        return 0;
    }
    found.offset = f->first_scan && f->o->from_tail && !seen_path(f, e->path) ? (int64_t)sb.st_size : 0;
    return take(f, &found, NULL, err);
}

int tail__scan(follower_t *f, obs_err_t *err)
{
    file_list_t fl = { 0 };
    files_filter_t ff = { f->o->db_path, f->excl, f->nexcl, &f->skips, f->st, 0, 0 };
    int rc = 0;
    char last[PATH_MAX] = "";
    for (int i = 0; i < f->npaths; i++) {
        struct stat sb;
        if (stat(f->paths[i], &sb) == 0)
            watch_dir_of(f, f->paths[i], S_ISDIR(sb.st_mode), last);
    }
    files_scan(&fl, &ff, f->paths, f->npaths);
    tail__index_build(&f->index, f->v, f->n);
    for (int i = 0; i < fl.n && !rc; i++) {
        const file_entry_t *e = &fl.v[i];
        if (e->root)
            watch_dir_of(f, e->path, 0, last);   /* the function directory the file is in */
        tailed_t *known = by_identity(f, e->dev, e->ino);
        if (known) {   /* tailed already, under this name or another */
            if (strcmp(known->path, e->path) == 0)
                known->listed_turn = f->turn;   /* its path still names it */
            continue;
        }
        tailed_t *t = find_live(f, e->path);
        if (t) {   /* renamed away, or deleted and recreated: drain the old one */
            tail_scope_t sc;
            tail_founds_t fs = { 0 };
            tail__mark_rotated(f, t);
            tail__scope(f, &sc);
            rc = tail__live_siblings(f->st, &sc, e->path, t->mtime_seen, &fs, err);
            if (!rc)
                rc = add_founds(f, &fs, err);
            else
                tail__founds_free(&fs);
        }
        if (!rc)
            rc = take_new(f, e, err);
    }
    files_list_free(&fl);
    /* a tailed path that names no file now, or another one, was rotated
     * (one the listing just found there is not looked at again) */
    for (int i = 0; i < f->n; i++) {
        struct stat sb;
        tailed_t *t = f->v[i];
        if (!t->rotated && !t->dead && t->listed_turn != f->turn &&
            (stat(t->path, &sb) != 0 || (int64_t)sb.st_dev != t->dev || (int64_t)sb.st_ino != t->ino))
            tail__mark_rotated(f, t);
    }
    f->first_scan = 0;
    return rc;
}
