/* agent/tail/tail_follow.c — follow mode (see tail.h).
 *
 * Every poll step (or sooner, when inotify reports a change) the loop
 * rescans the paths for new files, then for each tailed file: reads what
 * was appended, notices truncation (size below what was read: read again
 * from 0), notices rotation (the path now names another file, or none: the
 * old one is read to its end for rotate_wait_ms, then closed), and stores a
 * partial last line once it has been idle for idle_flush_ms. A file's
 * checkpoint (path, device, inode, fingerprint, offset of the last stored
 * line) is put before every commit, so rows and checkpoints commit together.
 * A rotated file is checkpointed under its own key, "<path>\x1f<inode>" (the
 * path belongs to the new file now); on start, files rotated away while the
 * agent was down are found by identity and read to their end
 * (tail_recover.c): so a kill during rotation loses nothing and doubles
 * nothing. A multi-line event
 * pending from a file (multiline.h) keeps its checkpoint at the event's first
 * line; it is stored when a line does not continue it, after
 * multiline_timeout_ms without data, at a truncation, and at the stop. */
#include "agent/tail/tail_int.h"
#include "agent/retention.h"
#include "common/xalloc.h"
#include "common/clock.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_BUDGET (4 * 1024 * 1024)  /* per file per step: fairness */

static volatile sig_atomic_t stop_requested, reload_requested;

void follow_request_stop(void)
{
    stop_requested = 1;   /* seen within a poll step */
}

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        reload_requested = 1;
    else
        stop_requested = 1;
}

static tailed_t *find_live(follower_t *f, const char *path)
{
    for (int i = 0; i < f->n; i++)
        if (!f->v[i]->rotated && strcmp(f->v[i]->path, path) == 0)
            return f->v[i];
    return NULL;
}

static void watch_dir_of(follower_t *f, const char *path, int is_dir)
{
    if (f->ifd < 0)
        return;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    if (!is_dir) {
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(dir, sizeof dir, ".");
    }
    inotify_add_watch(f->ifd, dir, IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                       IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF);
}

static int track(follower_t *f, const file_entry_t *e, obs_err_t *err)
{
    struct stat sb;
    int fd = open(e->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        return 0;  /* gone again, or unreadable: the next scan retries */
    }
    return tail__add_tailed(f, e->path, e->root, fd, &sb, -1, 0, err);
}


/* New files, and files whose path now names another inode (rotation). */
static int scan(follower_t *f, char *const *paths, int npaths, obs_err_t *err)
{
    file_list_t fl = { 0 };
    files_filter_t ff = { f->o->db_path, f->excl, f->nexcl };
    int rc = 0;
    for (int i = 0; i < npaths; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) == 0)
            watch_dir_of(f, paths[i], S_ISDIR(sb.st_mode));
    }
    files_scan(&fl, &ff, paths, npaths);
    for (int i = 0; i < fl.n && !rc; i++) {
        struct stat sb;
        if (stat(fl.v[i].path, &sb) != 0)
            continue;
        if (fl.v[i].root) {
            /* watch the function directory the file is in */
            watch_dir_of(f, fl.v[i].path, 0);
        }
        tailed_t *t = find_live(f, fl.v[i].path);
        if (t && t->dev == (int64_t)sb.st_dev && t->ino == (int64_t)sb.st_ino)
            continue;
        if (t) {  /* renamed away or deleted and recreated: drain the old one */
            tail__mark_rotated(f, t);
            rc = tail__live_siblings(f, t, err);
            if (rc)
                break;
        }
        rc = track(f, &fl.v[i], err);
    }
    files_list_free(&fl);
    /* a tailed path that vanished without a successor is also rotated */
    for (int i = 0; i < f->n; i++) {
        struct stat sb;
        tailed_t *t = f->v[i];
        if (!t->rotated && stat(t->path, &sb) != 0)
            tail__mark_rotated(f, t);
    }
    f->first_scan = 0;
    return rc;
}

/* After a rewind (tail_backpressure.c) the pipeline was reset: open t's stream
 * again before anything of t is stored or checkpointed. */
static int ensure_stream(follower_t *f, tailed_t *t, obs_err_t *err)
{
    int rc;
    if (t->ps)
        return 0;
    if ((rc = pipeline_stream_open(f->pl, t->fn, t->group, t->stream, &t->ps, err)))
        return rc;
    t->src.stream_id = pipeline_stream_id(t->ps);
    return 0;
}

static int feed(follower_t *f, tailed_t *t, int at_eof, obs_err_t *err)
{
    int n = 0;
    int rc = pipeline_lines(f->pl, t->ps, &t->ml, &t->lr, at_eof, &n, err);
    if (n)
        t->dirty = 1;
    return rc;
}

/* Store t's pending multi-line event now; its checkpoint moves past it. */
static int flush_event(follower_t *f, tailed_t *t, obs_err_t *err)
{
    int rc;
    if (!multiline_unstored(&t->ml))
        return 0;
    if ((rc = ensure_stream(f, t, err)))
        return rc;
    t->dirty = 1;
    return pipeline_flush(f->pl, t->ps, &t->ml, err);
}

/* Start over at offset 0: copytruncate, or content rewritten in place. The
 * pending multi-line event was read from the old content: stored first. */
static int restart(follower_t *f, tailed_t *t, obs_err_t *err)
{
    int rc = flush_event(f, t, err);
    line_reader_done(&t->lr);
    line_reader_init(&t->lr, f->o->max_line);
    t->start = t->pos = 0;
    t->src.fingerprint_len = 0;
    t->dirty = 1;
    store_counter_add(f->st, "files_truncated", 1);
    return rc;
}

/* Read what is new in t; returns 0 or a store error. */
static int step(follower_t *f, tailed_t *t, obs_err_t *err)
{
    struct stat sb;
    int64_t got = 0;
    int rc = 0;
    if (fstat(t->fd, &sb) != 0)
        return 0;
    if ((rc = ensure_stream(f, t, err)))
        return rc;
    t->seen_mtime_ms = files_mtime_ms(&sb);
    if ((int64_t)sb.st_size < t->pos) {
        if ((rc = restart(f, t, err)))
            return rc;
        lseek(t->fd, 0, SEEK_SET);
    } else if (t->src.fingerprint_len > 0 && (int64_t)sb.st_size >= t->src.fingerprint_len) {
        /* truncated and regrown past where we were: the first bytes changed */
        uint64_t fp;
        if (files_fingerprint(t->fd, t->src.fingerprint_len, &fp) == 0 && fp != t->src.fingerprint) {
            if ((rc = restart(f, t, err)))
                return rc;
            lseek(t->fd, 0, SEEK_SET);
        }
    }
    if (lseek(t->fd, t->pos, SEEK_SET) != t->pos)
        return 0;
    while (got < READ_BUDGET && tail__bp_may_read(f)) {
        size_t avail;
        char *space = line_reader_space(&t->lr, &avail);
        ssize_t n = read(t->fd, space, avail);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        line_reader_added(&t->lr, (size_t)n);
        t->pos += n;
        got += n;
        tail__bp_read(f, n);
        t->last_data_ms = obs_mono_ms();
        if ((rc = feed(f, t, 0, err)))
            return rc;
    }
    /* a partial last line idle for long enough is stored as it is, once */
    if (!got && t->lr.end > t->lr.start && obs_mono_ms() - t->last_data_ms >= f->o->idle_flush_ms) {
        if ((rc = feed(f, t, 1, err)))
            return rc;
        store_counter_add(f->st, "partial_lines_flushed", 1);
    }
    /* a multi-line event with no line for long enough is complete */
    if (!got && multiline_unstored(&t->ml) && obs_mono_ms() - t->last_data_ms >= f->o->multiline_timeout_ms) {
        if ((rc = flush_event(f, t, err)))
            return rc;
        store_counter_add(f->st, "multiline_timeouts", 1);
    }
    /* identity of what is read: the first bytes, as many as there are (up to 1 KiB) */
    int64_t fp_len = t->pos < FILES_FINGERPRINT_MAX ? t->pos : FILES_FINGERPRINT_MAX;
    if (fp_len > t->src.fingerprint_len && files_fingerprint(t->fd, fp_len, &t->src.fingerprint) == 0)
        t->src.fingerprint_len = fp_len;
    return 0;
}

/* Say once that lines look like platform lines obs does not know (the
 * import's summary says it at the end; follow mode has no end). */
static void say_unrecognised(follower_t *f)
{
    const pipeline_stats_t *s = pipeline_stats(f->pl);
    if (s->unrecognised && !f->said_unrecognised) {
        f->said_unrecognised = 1;
        obs_log(OBS_LOG_WARN, "a line looks like a Lambda platform line but is not a shape obs knows "
                "(stored as a plain event; a wrapper around it? see --format): %s", s->unrecognised_first);
    }
}

static int checkpoint_all(follower_t *f, obs_err_t *err)
{
    say_unrecognised(f);
    int rc = pipeline_sync(f->pl, err);
    for (int i = 0; i < f->n && !rc; i++) {
        tailed_t *t = f->v[i];
        if (!t->dirty)
            continue;
        if ((rc = ensure_stream(f, t, err)))
            break;
        t->src.offset = t->start + t->lr.consumed - multiline_unstored(&t->ml);
        t->src.updated_ms = t->seen_mtime_ms;
        rc = store_source_put(f->st, t->key, &t->src, err);
        tail__bp_put(t);
        t->dirty = 0;
    }
    return rc;
}

/* Close rotated files that were read to their end and waited long enough.
 * Their checkpoint stays (fully read) while the file exists, so a restart
 * knows it was read; recovery drops it once the file is gone. Only a
 * committed checkpoint counts: a rolled-back batch rewinds the file. */
static void reap(follower_t *f)
{
    int64_t now = obs_mono_ms();
    for (int i = 0; i < f->n;) {
        tailed_t *t = f->v[i];
        struct stat sb;
        int drained = fstat(t->fd, &sb) != 0 || (int64_t)sb.st_size <= t->pos;
        if (t->rotated && !t->dirty && !t->put_pending && drained && !multiline_unstored(&t->ml) &&
            now - t->rotated_ms >= f->o->rotate_wait_ms) {
            tail__tailed_free(t);
            f->v[i] = f->v[--f->n];
        } else {
            i++;
        }
    }
}

/* Let go of every file (a recovery that failed half-way is tried again). */
static void drop_all(follower_t *f)
{
    for (int i = 0; i < f->n; i++)
        tail__tailed_free(f->v[i]);
    f->n = 0;
    for (int i = 0; i < f->nsuccessors; i++)
        free(f->successors[i]);
    f->nsuccessors = 0;
}

static void wait_for_change(follower_t *f, int ms)
{
    /* the extra source's fd (its serve() reads it) wakes the loop, but not
     * while paused: nothing serves it then, and it would stay readable */
    int extra = f->o->extra_fd >= 0 && f->bp.state == BP_RUNNING;
    if (f->ifd < 0 && !extra) {
        struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        return;
    }
    struct pollfd p[2] = { { f->ifd, POLLIN, 0 }, { f->o->extra_fd, POLLIN, 0 } };
    if (poll(p, extra ? 2 : 1, ms) > 0 && (p[0].revents & POLLIN)) {
        char buf[4096];
        while (read(f->ifd, buf, sizeof buf) > 0)
            ;  /* any change: just look again */
    }
}

int follow_run(store_t *st, pipeline_t *pl, const follow_opts_t *o, char *const *paths, int npaths,
               obs_err_t *err)
{
    follower_t f = { 0 };
    struct sigaction sa;
    int rc = 0;
    f.st = st;
    f.pl = pl;
    f.o = o;
    f.first_scan = 1;
    f.paths = paths;
    f.npaths = npaths;
    f.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);  /* -1: polling alone */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if ((rc = tail__excludes_init(&f, err))) {
        tail__excludes_done(&f);
        if (f.ifd >= 0)
            close(f.ifd);
        return rc;
    }

    if (npaths == 0 && o->extra_fd < 0)   /* what main() allows only with /metrics */
        obs_log(OBS_LOG_INFO, "no path and no network input: serving %s's metrics only (Ctrl-C or SIGTERM "
                        "stops)", o->db_path);
    else if (npaths == 0)
        obs_log(OBS_LOG_INFO, "storing what the network inputs receive into %s (Ctrl-C or SIGTERM stops)",
                o->db_path);
    else
    obs_log(OBS_LOG_INFO, "following %d path%s into %s (%s; Ctrl-C or SIGTERM stops)", npaths,
            npaths == 1 ? "" : "s", o->db_path, f.ifd >= 0 ? "inotify + polling" : "polling");
    tail__bp_init(&f);
    /* recovery opens files and writes (streams, dropped checkpoints): with
     * the store locked or full, it is undone and tried again */
    while (!stop_requested) {
        if (!tail__bp_ready(&f)) {
            wait_for_change(&f, o->poll_ms);
            continue;
        }
        rc = tail__recover(&f, paths, npaths, err);
        if (!rc || !tail__bp_failed(&f, err))
            break;
        drop_all(&f);
        rc = 0;
    }
    int64_t last_scan = 0;
    while (!stop_requested && !rc) {
        if (reload_requested) {
            reload_requested = 0;
            tail__reload(&f);
            last_scan = 0;  /* rescan now */
        }
        if (!tail__bp_ready(&f)) {  /* paused: nothing is read */
            wait_for_change(&f, o->poll_ms);
            continue;
        }
        int64_t now = obs_mono_ms();
        if (now - last_scan >= o->poll_ms) {
            rc = scan(&f, paths, npaths, err);
            last_scan = now;
        }
        /* A file's checkpoint is committed before its lines are read:
         * killed then, the next start knows the file under its rotated
         * name, and its rotated siblings by their mtimes (tail_recover.c),
         * even if it was renamed away in between. */
        if (!rc && f.added) {
            f.added = 0;
            rc = checkpoint_all(&f, err);
            if (!rc)
                rc = tail__bp_commit(&f, 1, err);
        }
        for (int i = 0; i < f.n && !rc && !stop_requested; i++)
            rc = step(&f, f.v[i], err);
        if (!rc)
            rc = checkpoint_all(&f, err);
        if (!rc)
            reap(&f);
        if (!rc && o->extra_serve)
            rc = o->extra_serve(o->extra_ctx, err);
        if (!rc)
            rc = retention_turn(o->retention, err);
        if (!rc)
            rc = tail__bp_commit(&f, 0, err);
        if (rc && tail__bp_failed(&f, err))
            rc = 0;  /* rolled back to the committed checkpoints; paused */
        if (!rc && !stop_requested)
            wait_for_change(&f, o->poll_ms);
    }
    /* stop: what was read is committed with its checkpoints (pending
     * multi-line events stored); a partial last line stays unread and is
     * read again on restart. A store that is locked or full at this point
     * keeps its last committed checkpoints: what was read after them is
     * read again on restart, so the stop is still clean. The extra source
     * stops first, so that what it received last is served with the rest. */
    int stored = 0;
    if (o->extra_stop)
        o->extra_stop(o->extra_ctx);
    if (!rc && tail__bp_ready(&f)) {
        for (int i = 0; i < f.n && !rc; i++)
            rc = flush_event(&f, f.v[i], err);
        if (!rc)
            rc = checkpoint_all(&f, err);
        if (!rc && o->extra_serve)
            rc = o->extra_serve(o->extra_ctx, err);
        if (!rc)
            rc = tail__bp_commit(&f, 1, err);
        stored = !rc;
        if (rc && tail__bp_failed(&f, err))
            rc = 0;
    }
    for (int i = 0; i < f.n; i++)
        tail__tailed_free(f.v[i]);
    free(f.v);
    for (int i = 0; i < f.nsuccessors; i++)
        free(f.successors[i]);
    free(f.successors);
    if (f.ifd >= 0)
        close(f.ifd);
    if (!rc && stored)
        obs_log(OBS_LOG_INFO, "stopped; everything read is stored");
    else if (!rc)
        obs_log(OBS_LOG_INFO, "stopped while paused (store %s); everything committed is kept "
                        "and the rest is read again from the files on restart",
                f.bp.state == BP_LOCKED ? "locked" : "full");
    tail__bp_done(&f);
    tail__excludes_done(&f);
    return rc;
}
