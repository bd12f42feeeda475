/* agent/tail/tail_follow.c — follow mode's loop (see tail.h).
 *
 * At start, the files rotated away while the agent was down are found by
 * identity, copies by content, and what is gone is counted
 * (tail_recover.c). Then every poll step (or sooner, when inotify reports a
 * change) the loop rescans the paths (tail_scan.c: new files, rotation),
 * and for each tailed file (tail_file.c): opens it if it was closed for
 * the open-file limit (tail_fdlimit.c), notices truncation or a rewrite
 * (the first bytes or the bytes before the read offset changed: read again
 * from 0, after reading the rest of the content from its copy when
 * copytruncate made one), reads what was appended, and stores a partial
 * last line once it has been idle for idle_flush_ms. A rotated file is
 * read to its end for rotate_wait_ms, then let go. Each file's checkpoint
 * (its identity, the content read, the offset of the last stored line) is
 * put before every commit, so rows and checkpoints commit together. A
 * multi-line event pending from a file (multiline.h) keeps its checkpoint
 * at the event's first line; it is stored when a line does not continue
 * it, after multiline_timeout_ms without data, at a truncation, and at the
 * stop. */
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
#define STOP_WAIT_MS 1000              /* at a stop, how long a locked store is tried again
                                          for what the network delivered */

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
    if ((rc = tail_file_stream(t, f->pl, err)))
        return rc;
    t->dirty = 1;
    return pipeline_flush(f->pl, t->ps, &t->ml, err);
}

/* What a recovery found (fs), read from now on unless rc says it failed;
 * fs is emptied either way. */
static int take_founds(follower_t *f, tail_founds_t *fs, int rc, obs_err_t *err)
{
    for (int i = 0; i < fs->n && !rc; i++)
        rc = tail__add(f, &fs->v[i], err);
    tail__founds_free(fs);
    return rc;
}

/* The file no longer holds what was read (truncated, rewritten): the rest
 * of that content is read from its copy when copytruncate made one (from
 * the start of the partial line), and the file from 0. The pending
 * multi-line event was read from the old content: stored first. */
static int restart(follower_t *f, tailed_t *t, int64_t seen_ms, obs_err_t *err)
{
    tail_scope_t sc;
    tail_founds_t fs = { 0 };
    int rc = flush_event(f, t, err);
    tail__scope(f, &sc);
    if (!rc)
        rc = tail__live_copy(f->st, &sc, t, seen_ms, &fs, err);
    rc = take_founds(f, &fs, rc, err);
    tail_file_start(t, 0, NULL, f->o->max_line);
    t->empty_seen_ms = 0;   /* its next look says when it was empty */
    t->dirty = 1;
    store_counter_add(f->st, "files_truncated", 1);
    return rc;
}

/* A rotated file rewritten or truncated under us (a copytruncate copy
 * overwritten by the next copy): not the content we were reading any more.
 * What it had and was not read is gone; its row goes. */
static int lost_rotated(follower_t *f, tailed_t *t, obs_err_t *err)
{
    int rc = flush_event(f, t, err);
    int64_t was = t->size_seen;
    t->dead = 1;
    t->dirty = 0;
    if (!rc && was > tail_file_consumed(t))
        rc = tail__missed(f->st, t->path, tail_file_consumed(t), was - tail_file_consumed(t),
                          "a rotated file rewritten before it was read to its end", err);
    if (!rc)
        rc = store_source_delete(f->st, t->dev, t->ino, err);
    return rc;
}

/* t's first bytes, nothing read of it before (t->empty_seen_ms): a copy
 * made by copytruncate before they were written holds bytes that were never
 * read, and nothing else says so (the file only grew, as far as what was
 * read of it can tell). Its siblings written since it was seen empty that
 * no checkpoint knows and that are not a copy of it are read from their
 * head. */
static int first_bytes(follower_t *f, tailed_t *t, obs_err_t *err)
{
    tail_scope_t sc;
    tail_founds_t fs = { 0 };
    int64_t seen_ms = t->empty_seen_ms;
    t->empty_seen_ms = 0;
    tail__scope(f, &sc);
    return take_founds(f, &fs, tail__live_siblings(f->st, &sc, t->path, seen_ms, &fs, err), err);
}

/* Is t to be looked at this turn? Every file after a change; otherwise
 * (inotify said nothing) those with something pending on time, being
 * drained, or not looked at for FOLLOW_BACKSTOP_POLLS polls: a change
 * inotify does not report (a directory it could not watch, a file system
 * that does not tell) is seen within that. */
static int due(const follower_t *f, const tailed_t *t, int64_t now)
{
    return f->look_all || t->rotated || t->lr.end > t->lr.start || multiline_unstored(&t->ml) ||
           now - t->looked_ms >= (int64_t)f->o->poll_ms * FOLLOW_BACKSTOP_POLLS;
}

/* Read what is new in t; returns 0 or a store error. */
static int step(follower_t *f, tailed_t *t, obs_err_t *err)
{
    struct stat sb;
    int64_t got = 0;
    int rc = 0, eof = 0;
    if (t->dead)
        return 0;
    int64_t now = obs_mono_ms();
    if (!due(f, t, now))
        return 0;
    t->looked_ms = now;
    if (t->fd < 0) {
        if (!tail__fd_wanted(t))
            return 0;
        int r = tail__fd_acquire(f, t);
        if (r < 0)
            return 0;   /* no slot this turn: next turn */
        if (r == 1 && !t->rotated)
            tail__mark_rotated(f, t);
        if (t->fd < 0) {
            /* gone while it was closed: what it had unread is lost */
            store_source_t k;
            tail_file_describe(t);
            k = t->src;
            t->dead = 1;
            t->dirty = 0;
            if ((rc = flush_event(f, t, err)))
                return rc;
            rc = tail__missed(f->st, t->path, k.offset, k.size - k.offset,
                              "deleted while it was closed (the open-file limit)", err);
            return rc ? rc : store_source_delete(f->st, t->dev, t->ino, err);
        }
    }
    if ((rc = tail_file_stream(t, f->pl, err)))
        return rc;
    int64_t size_before = t->size_seen, mtime_before = t->mtime_seen;
    tail_change_t ch = tail_file_check(t, &sb);
    if (ch == TAIL_TRUNCATED || ch == TAIL_REWRITTEN) {
        t->size_seen = size_before;   /* what its content was known to have */
        if (t->rotated)
            return lost_rotated(f, t, err);
        if ((rc = restart(f, t, mtime_before, err)))
            return rc;
        t->size_seen = (int64_t)sb.st_size;
        if ((rc = tail_file_stream(t, f->pl, err)))
            return rc;
    }
    if (t->pos == 0 && !t->rotated) {
        if (ch == TAIL_UNCHANGED && !t->empty_seen_ms)
            t->empty_seen_ms = t->mtime_seen;   /* empty since (at least) its mtime */
        else if (ch == TAIL_GREW && t->empty_seen_ms && (rc = first_bytes(f, t, err)))
            return rc;
    }
    int64_t hole = ch != TAIL_UNCHANGED ? tail_file_skip_hole(t) : 0;
    if (hole) {
        tail__hole_skipped(f->st, t->path, hole);
        t->dirty = 1;
    }
    if (lseek(t->fd, t->pos, SEEK_SET) != t->pos)
        return 0;
    while (got < READ_BUDGET && tail__bp_may_read(f) && !eof) {
        int64_t n = tail_file_read(t, READ_BUDGET - got, &eof);
        if (n <= 0)
            break;
        got += n;
        tail__bp_read(f, n);
        tail__fd_used(f, t);
        t->last_data_ms = obs_mono_ms();
        if ((rc = feed(f, t, 0, err)))
            return rc;
    }
    if (!eof && (got || !tail__bp_may_read(f)))
        f->more = 1;   /* stopped by the budget or the batch's bound */
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
                "(stored, tied to no invocation; a wrapper around it? see --format): %s", s->unrecognised_first);
    }
}

static int checkpoint_all(follower_t *f, obs_err_t *err)
{
    say_unrecognised(f);
    int rc = pipeline_sync(f->pl, err);
    for (int i = 0; i < f->n && !rc; i++) {
        tailed_t *t = f->v[i];
        if (!t->dirty || t->dead)
            continue;
        if ((rc = tail_file_stream(t, f->pl, err)))
            break;
        tail_file_describe(t);
        rc = store_source_put(f->st, t->path, &t->src, err);
        tail__bp_put(t);
        t->dirty = 0;
    }
    return rc;
}

/* Let go of rotated files read to their end that waited long enough, and
 * of files that are not ours any more. A rotated file's checkpoint stays
 * (read to its end) while the file exists, so a restart knows it was read.
 * Only a committed checkpoint counts: a rolled-back batch rewinds the
 * file. */
static void reap(follower_t *f)
{
    int64_t now = obs_mono_ms();
    for (int i = 0; i < f->n;) {
        tailed_t *t = f->v[i];
        struct stat sb;
        int go = t->dead ? !t->put_pending && !multiline_unstored(&t->ml)
                         : t->rotated && !t->dirty && !t->put_pending && !multiline_unstored(&t->ml) &&
                               now - t->rotated_ms >= f->o->rotate_wait_ms &&
                               (t->fd < 0 || fstat(t->fd, &sb) != 0 || (int64_t)sb.st_size <= t->pos);
        if (go) {
            tail__fd_release(f, t);
            pipeline_stream_release(f->pl, t->ps);
            tail_file_free(t);
            f->v[i] = f->v[--f->n];
        } else {
            i++;
        }
    }
}

/* Let go of every file (a recovery that failed half-way is tried again). */
static void drop_all(follower_t *f)
{
    for (int i = 0; i < f->n; i++) {
        tail__fd_release(f, f->v[i]);
        pipeline_stream_release(f->pl, f->v[i]->ps);
        tail_file_free(f->v[i]);
    }
    f->n = 0;
}

static int note_row_path(void *ctx, const char *path, const store_source_t *src)
{
    follower_t *f = ctx;
    (void)src;
    tail__strset_add(&f->seen, xstrdup(path));
    return 0;
}

/* At start: the paths checkpoints name (a new file under one is read from
 * its head, --from tail or not), then the files rotated away, copied or
 * lost while the agent was down (tail_recover.c). */
static int start_files(follower_t *f, obs_err_t *err)
{
    file_list_t fl = { 0 };
    files_filter_t ff = { f->o->db_path, f->excl, f->nexcl, &f->skips, f->st, 0, 0 };
    tail_founds_t fs = { 0 };
    tail_scope_t sc;
    tail__strset_free(&f->seen);
    int rc = store_sources_each(f->st, note_row_path, f, err);
    files_scan(&fl, &ff, f->paths, f->npaths);
    tail__scope(f, &sc);
    if (!rc)
        rc = tail__recover(f->st, &sc, &fl, &fs, err);
    rc = take_founds(f, &fs, rc, err);
    files_list_free(&fl);
    return rc;
}

static void free_paths(follower_t *f)
{
    for (int i = 0; i < f->npaths; i++)
        free(f->paths[i]);
    free(f->paths);
    f->paths = NULL;
    tail__strset_free(&f->seen);
    tail__index_free(&f->index);
}

/* Wait up to ms for a change; sets f->look_all when every file is to be
 * looked at in the next turn: polling alone (no inotify), an inotify event
 * (any: which file it names is not used), or bytes left unread. Without
 * one, the next turn looks only at the files due (step). */
static void wait_for_change(follower_t *f, int ms)
{
    /* the extra source's fd (its serve() reads it) wakes the loop, but not
     * while paused: nothing serves it then, and it would stay readable */
    int extra = f->o->extra.fd >= 0 && f->bp.state == BP_RUNNING;
    f->look_all = f->ifd < 0 || f->more;
    if (f->ifd < 0 && !extra) {
        struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        return;
    }
    struct pollfd p[2] = { { f->ifd, POLLIN, 0 }, { f->o->extra.fd, POLLIN, 0 } };
    if (poll(p, extra ? 2 : 1, ms) > 0 && (p[0].revents & POLLIN)) {
        char buf[4096];
        while (read(f->ifd, buf, sizeof buf) > 0)
            f->look_all = 1;  /* any change: look at everything again */
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
    f.look_all = 1;
    f.paths = xcalloc((size_t)npaths + 1, sizeof *f.paths);
    for (int i = 0; i < npaths; i++)
        f.paths[i] = files_absolute(paths[i]);
    f.spelled = paths;
    f.npaths = npaths;
    f.max_open = o->max_open_files > 0 ? o->max_open_files : 1 << 30;
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
        free_paths(&f);
        return rc;
    }
    f.listings = tail__listings_new();

    if (npaths == 0 && o->extra.fd < 0)   /* what main() allows only with /metrics */
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
        rc = start_files(&f, err);
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
        f.turn++;
        f.more = 0;
        if (now - last_scan >= (int64_t)o->poll_ms * (f.look_all ? 1 : FOLLOW_BACKSTOP_POLLS)) {
            rc = tail__scan(&f, err);
            last_scan = now;
        }
        /* A file's checkpoint is committed before its lines are read:
         * killed then, the next start knows the file by its identity,
         * even if it was renamed away in between (tail_recover.c). */
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
        if (!rc && o->extra.serve)
            rc = o->extra.serve(o->extra.ctx, err);
        /* what the extra source merged (invocations) goes into the batch
         * before retention deletes in it: a row written after would come back */
        if (!rc)
            rc = pipeline_sync(f.pl, err);
        if (!rc)
            rc = retention_turn(o->retention, err);
        /* a sender waiting for its batch (the Telemetry API answers once it
         * is stored): commit now rather than when the batch is due */
        if (!rc)
            rc = tail__bp_commit(&f, o->extra.waiting && o->extra.waiting(o->extra.ctx) == 2, err);
        if (rc && tail__bp_failed(&f, err))
            rc = 0;  /* rolled back to the committed checkpoints; paused */
        if (!rc && !stop_requested)
            wait_for_change(&f, f.more ? 0 : o->poll_ms);
    }
    /* stop: what was read is committed with its checkpoints (pending
     * multi-line events stored); a partial last line stays unread and is
     * read again on restart. The extra source stops first (it takes
     * nothing new), so that what it received last is stored with the rest.
     * A store that is locked or full at this point keeps its last
     * committed checkpoints: what was read from files after them is read
     * again on restart. What the network delivered cannot be read again:
     * while it holds something, the store is tried again for up to
     * STOP_WAIT_MS, and what still could not be stored is said exactly
     * (the extra source's finish()), and makes the exit status 1. */
    int stored = 0;
    int64_t lost = 0;
    if (o->extra.stop)
        o->extra.stop(o->extra.ctx);
    int64_t give_up = obs_mono_ms() + (o->extra.waiting && o->extra.waiting(o->extra.ctx) ? STOP_WAIT_MS : 0);
    while (!rc && !stored) {
        if (tail__bp_ready(&f)) {
            for (int i = 0; i < f.n && !rc; i++)
                rc = flush_event(&f, f.v[i], err);
            if (!rc)
                rc = checkpoint_all(&f, err);
            if (!rc && o->extra.serve)
                rc = o->extra.serve(o->extra.ctx, err);
            if (!rc)
                rc = tail__bp_commit(&f, 1, err);
            stored = !rc;
            if (rc && tail__bp_failed(&f, err))
                rc = 0;
        }
        if (stored || obs_mono_ms() >= give_up)
            break;
        struct timespec ts = { 0, 50 * 1000000L };
        nanosleep(&ts, NULL);
    }
    if (!stored)
        store_rollback(st);   /* nothing of a half batch, counters included, is kept */
    if (o->extra.finish) {
        char why[160];
        snprintf(why, sizeof why, "the store is %s", f.bp.state == BP_FULL ? "full" : "locked by another connection");
        lost = o->extra.finish(o->extra.ctx, stored, rc ? err->msg : why);
    }
    drop_all(&f);
    free(f.v);
    free_paths(&f);
    tail__listings_free(f.listings);
    tail__skips_free(&f.skips);
    if (f.ifd >= 0)
        close(f.ifd);
    if (!rc && stored)
        obs_log(OBS_LOG_INFO, "stopped; everything read is stored");
    else if (!rc)
        obs_log(OBS_LOG_INFO, "stopped while paused (store %s); everything committed is kept, "
                        "and what was read from files after it is read again from them on restart",
                f.bp.state == BP_LOCKED ? "locked" : "full");
    tail__bp_done(&f);
    tail__excludes_done(&f);
    if (!rc && lost)
        rc = obs_err_set(err, OBS_EBUSY, "stopped with %lld network item%s not stored (said above)",
                         (long long)lost, lost == 1 ? "" : "s");
    return rc;
}
