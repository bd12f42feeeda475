/* agent/tail/tail_backpressure.c — follow mode when the store cannot take a batch.
 *
 * The file is the buffer: the agent reads only inside its own write
 * transaction, which it opens (BEGIN IMMEDIATE, short busy timeout) before
 * it reads anything. When another connection holds the write lock, nothing
 * is read, so nothing piles up in memory; the files keep the lines, and the
 * lag (--status) grows. Within a batch, reading stops once max_pending bytes
 * were read since the last commit (and the batch commits), which bounds what
 * one batch holds whatever --batch-rows says.
 *
 * A batch that fails (disk full: SQLITE_FULL; a lock that appears in the
 * middle of a batch) is rolled back, and every file goes back to its last
 * committed checkpoint: the rows and checkpoints of the batch went together,
 * so re-reading from there stores each line once. Keeping the batch and
 * retrying its commit was the other choice; it is not safe here, because
 * SQLite may roll the transaction back by itself on SQLITE_FULL, and
 * because the pipeline's state (times, open invocations) would have to be
 * kept in step with a transaction whose fate is unknown. The pipeline is
 * reset instead, as after a restart. Then the agent pauses, and tries again
 * (a locked store at every poll, a full one after 1 s, doubling up to 8 s).
 * A WAL grown past STORE_WAL_OVER times its share of --max-db-size, which
 * a checkpoint cannot start over because a reader holds an old snapshot,
 * is a full store too: nothing is written until the reader lets go.
 *
 * The pause is visible three ways: one line on stderr when it starts and
 * when it ends; the state file next to the store (agent_state.h: a blocked
 * writer cannot write its state into the store it is blocked on); and the
 * counters pauses_locked, pauses_full and paused_ms, written with the first
 * batch after the pause. */
#include "agent/tail/tail_int.h"
#include "common/clock.h"
#include "common/log.h"

#include <stdio.h>
#include <string.h>

#define BUSY_TIMEOUT_MS 200
#define FULL_RETRY_MIN_MS 1000
#define FULL_RETRY_MAX_MS 8000

static const char *state_name(bp_state_t s)
{
    return s == BP_LOCKED ? "locked" : s == BP_FULL ? "full" : "running";
}

void tail__bp_init(follower_t *f)
{
    backpressure_t *b = &f->bp;
    memset(b, 0, sizeof *b);
    b->max_pending = f->o->max_pending_bytes > 0 ? f->o->max_pending_bytes : FOLLOW_MAX_PENDING_DEFAULT;
    b->since_ms = obs_mono_ms();
    b->since_wall_ms = obs_wall_ms();
    b->as = agent_state_new(f->o->db_path);
    agent_state_set(b->as, "running", NULL, b->since_wall_ms);
    store_set_busy_timeout(f->st, BUSY_TIMEOUT_MS);
}

void tail__bp_done(follower_t *f)
{
    agent_state_free(f->bp.as);
    f->bp.as = NULL;
}

static void pause_for(follower_t *f, bp_state_t s, const char *why)
{
    backpressure_t *b = &f->bp;
    int64_t now = obs_mono_ms();
    if (b->state == BP_FULL && s == BP_FULL) {
        b->retry_ms = b->retry_ms * 2 > FULL_RETRY_MAX_MS ? FULL_RETRY_MAX_MS : b->retry_ms * 2;
    } else {
        b->retry_ms = s == BP_FULL ? FULL_RETRY_MIN_MS : 0;
    }
    b->retry_at_ms = now + b->retry_ms;
    if (b->state == s)
        return;  /* the same pause goes on: said once */
    if (b->state == BP_RUNNING) {
        b->since_ms = now;
        b->since_wall_ms = obs_wall_ms();
    }
    b->state = s;
    if (f->o->extra.paused)
        f->o->extra.paused(f->o->extra.ctx, 1);
    obs_log(OBS_LOG_WARN, "paused, store %s: %s; nothing more is read until it takes writes "
                    "again (what is committed is kept; the log files hold the rest)",
            state_name(s), why);
    char reason[320];
    snprintf(reason, sizeof reason, "store %s: %s", state_name(s), why);
    agent_state_set(b->as, "paused", reason, b->since_wall_ms);
}

static void resume(follower_t *f)
{
    backpressure_t *b = &f->bp;
    int64_t ms = obs_mono_ms() - b->since_ms;
    obs_log(OBS_LOG_INFO, "resumed after %lld ms paused (store %s)", (long long)ms,
            state_name(b->state));
    store_counter_add(f->st, b->state == BP_LOCKED ? "pauses_locked" : "pauses_full", 1);
    store_counter_add(f->st, "paused_ms", ms);
    b->state = BP_RUNNING;
    if (f->o->extra.paused)
        f->o->extra.paused(f->o->extra.ctx, 0);
    b->since_ms = obs_mono_ms();
    b->since_wall_ms = obs_wall_ms();
    agent_state_set(b->as, "running", NULL, b->since_wall_ms);
}

int tail__bp_ready(follower_t *f)
{
    backpressure_t *b = &f->bp;
    obs_err_t err = { 0 };
    if (store_in_txn(f->st))
        return 1;
    if (b->state != BP_RUNNING && obs_mono_ms() < b->retry_at_ms)
        return 0;
    int64_t wal;
    if (store_wal_blocked(f->st, &wal)) {
        char why[256];
        snprintf(why, sizeof why, "its WAL has %lld bytes, over %d times its share of --max-db-size, and a "
                                  "reader holds an old snapshot (an obsq whose output waits, in a pager?)",
                 (long long)wal, STORE_WAL_OVER);
        pause_for(f, BP_FULL, why);
        return 0;
    }
    if (store_begin(f->st, &err) != 0) {
        pause_for(f, err.code == OBS_EBUSY ? BP_LOCKED : BP_FULL, err.msg);
        return 0;
    }
    if (b->state == BP_LOCKED)
        resume(f);  /* a full store resumes at its first commit */
    return 1;
}

int tail__bp_may_read(const follower_t *f)
{
    return f->bp.pending_bytes < f->bp.max_pending;
}

void tail__bp_read(follower_t *f, int64_t n)
{
    f->bp.pending_bytes += n;
}

void tail__bp_put(tailed_t *t)
{
    t->put = t->src;
    t->put_pending = 1;
}

int tail__bp_commit(follower_t *f, int force, obs_err_t *err)
{
    int was = store_in_txn(f->st), rc;
    if (force || store_txn_idle(f->st) || f->bp.pending_bytes >= f->bp.max_pending)
        rc = store_commit(f->st, err);
    else
        rc = store_maybe_commit(f->st, err);
    if (rc || !was || store_in_txn(f->st))
        return rc;
    for (int i = 0; i < f->n; i++) {
        tailed_t *t = f->v[i];
        if (t->put_pending) {
            t->done = t->put;
            t->committed = 1;
            t->put_pending = 0;
        }
    }
    f->bp.pending_bytes = 0;
    if (f->o->extra.committed)
        f->o->extra.committed(f->o->extra.ctx);
    if (f->bp.state == BP_FULL)
        resume(f);
    return 0;
}

/* Back to the last committed checkpoint (or, never committed, to where the
 * file was started): what was read after it is read again. The checkpoint
 * says what the file held up to it: if it holds something else now, the
 * next look sees that (tail_file_check). */
static void rewind_file(follower_t *f, tailed_t *t)
{
    int64_t off = t->committed ? t->done.offset : t->first_offset;
    multiline_done(&t->ml);
    tail_file_start(t, off, t->committed ? &t->done : NULL, f->o->max_line);
    t->ps = NULL;          /* the pipeline is reset: reopened before use */
    t->dirty = 1;          /* its checkpoint is put again with the next batch */
    t->put_pending = 0;
    t->last_data_ms = obs_mono_ms();
}

int tail__bp_failed(follower_t *f, const obs_err_t *err)
{
    if (err->code != OBS_EBUSY && err->code != OBS_EFULL)
        return 0;
    store_rollback(f->st);
    pipeline_reset(f->pl);
    if (f->o->extra.rolled_back)   /* the network's documents of the batch: again */
        f->o->extra.rolled_back(f->o->extra.ctx);
    for (int i = 0; i < f->n; i++)
        rewind_file(f, f->v[i]);
    f->bp.pending_bytes = 0;
    pause_for(f, err->code == OBS_EBUSY ? BP_LOCKED : BP_FULL, err->msg);
    return 1;
}
