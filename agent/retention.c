/* agent/retention.c — follow mode's retention policy (see retention.h).
 *
 * Each turn (between the loop's reads, in its write transaction) deletes
 * batches of RETENTION_BATCH rows per table until nothing is due or the
 * turn has used RETENTION_TURN_MS, so ingest waits little — except when
 * the store would pass its size limit with the next turn's reading: then
 * the turn deletes on until it would not, however long that takes.
 *
 * By age: the cutoff is the whole minute at or before now - max_age, by
 * event time; once nothing is older, the next look is RETENTION_AGE_EVERY_MS
 * later. By size: a sixteenth of the limit is the WAL's (checkpointed and
 * truncated at that size, store_limit_wal), another is headroom for the
 * batch read between two turns, the rest is for the pages in use, measured
 * each turn (free pages are reused by SQLite and not counted: the file
 * stays at its high-water mark, docs/operations.md). The pages in use plus
 * what one turn's reading may add (twice the largest growth seen between
 * two turns, decaying) must fit: when they do not, the oldest whole minute
 * goes (all of it, even when the store is back under the limit half-way),
 * then the next, until they are back under 90% of it. Deleting before the limit
 * is reached keeps the file's high-water mark under it. The WAL is not measured: it only shrinks at a
 * checkpoint after the commit, so a WAL grown past its share for a while
 * (a big first batch, a reader holding a checkpoint back) would otherwise
 * have retention delete everything. */
#include "agent/retention.h"
#include "common/xalloc.h"
#include "common/clock.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RETENTION_BATCH 2000
#define RETENTION_TURN_MS 50
#define RETENTION_AGE_EVERY_MS 10000
#define MINUTE_MS 60000

struct retention {
    retention_opts_t o;
    store_t *st;
    int64_t age_due_ms;     /* monotonic: when to look for old rows again */
    int shrinking;          /* over the size limit, not yet back under 90% */
    int64_t last_used;      /* bytes in use at the end of the last turn */
    int64_t growth;         /* what a turn's reading may add (bytes) */
    int64_t size_cut;       /* the minute being deleted for the size limit, or -1 */
    int stuck_said;         /* said that nothing is left to delete */
};

static int64_t minute_floor(int64_t ms)
{
    return ms - ((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS;
}

static int64_t wal_share(int64_t max_bytes)
{
    return max_bytes / 16;
}

/* The limit less the WAL's share and the headroom for a batch */
static int64_t pages_share(const retention_t *r)
{
    return r->o.max_bytes - 2 * wal_share(r->o.max_bytes);
}

/* What the next turn's reading may add: twice the largest recent growth,
 * at most half the pages' share */
static int64_t ahead(const retention_t *r)
{
    int64_t half = pages_share(r) / 2;
    return 2 * r->growth < half ? 2 * r->growth : half;
}

int retention_new(const retention_opts_t *o, store_t *st, retention_t **out, obs_err_t *err)
{
    *out = NULL;
    if (!o->max_age_ms && !o->max_bytes)
        return 0;
    if (o->max_bytes && store_limit_wal(st, wal_share(o->max_bytes), err))
        return err->code;
    retention_t *r = xcalloc(1, sizeof *r);
    r->o = *o;
    r->st = st;
    r->size_cut = -1;
    *out = r;
    return 0;
}

void retention_free(retention_t *r)
{
    free(r);
}

/* Over the limit: the cutoff that takes the oldest minute (-1: nothing to
 * take). Updates r->shrinking. */
static int size_cutoff(retention_t *r, int64_t *cutoff, obs_err_t *err)
{
    store_size_t sz;
    int64_t oldest;
    int rc;
    *cutoff = r->size_cut;   /* a minute begun is deleted whole */
    if (r->size_cut >= 0)
        return 0;
    if ((rc = store_size(r->st, &sz, err)))
        return rc;
    int64_t pages_max = pages_share(r), need = sz.used_bytes + ahead(r);
    if (need > pages_max)
        r->shrinking = 1;
    else if (need <= pages_max / 10 * 9)
        r->shrinking = r->stuck_said = 0;
    if (!r->shrinking)
        return 0;
    if ((rc = store_oldest_ms(r->st, &oldest, err)))
        return rc;
    if (oldest >= 0) {
        *cutoff = r->size_cut = minute_floor(oldest) + MINUTE_MS;
    } else if (!r->stuck_said) {
        r->stuck_said = 1;
        obs_log(OBS_LOG_WARN, "the store has %lld bytes in use with no event left to delete; "
                        "--max-db-size %lld cannot be kept", (long long)sz.used_bytes,
                (long long)r->o.max_bytes);
    }
    return 0;
}

/* The pages in use now (-1: not measured) */
static int64_t used_now(retention_t *r, obs_err_t *err)
{
    store_size_t sz;
    return store_size(r->st, &sz, err) ? -1 : sz.used_bytes;
}

/* The pages in use plus what the next turn's reading may add exceed the
 * pages' share of the limit (unmeasured counts as not over). */
static int over_limit(const retention_t *r)
{
    if (!r->o.max_bytes)
        return 0;
    store_size_t sz;
    obs_err_t e = { 0 };
    if (store_size(r->st, &sz, &e))
        return 0;
    return sz.used_bytes + ahead(r) > pages_share(r);
}

int retention_turn(retention_t *r, obs_err_t *err)
{
    int64_t t0 = obs_mono_ms(), age_cutoff = -1, deleted = 0;
    int rc = 0;
    if (!r)
        return 0;
    if (r->o.max_bytes) {
        int64_t used = used_now(r, err), grew = used - r->last_used;
        if (used < 0)
            return err->code;
        r->growth = r->growth / 8 * 7;
        if (r->last_used > 0 && grew > r->growth)
            r->growth = grew;
    }
    if (r->o.max_age_ms && t0 >= r->age_due_ms)
        age_cutoff = minute_floor(obs_wall_ms() - r->o.max_age_ms);
    for (;;) {
        int64_t cutoff = age_cutoff;
        if (r->o.max_bytes) {
            int64_t c;
            if ((rc = size_cutoff(r, &c, err)))
                break;
            if (c > cutoff)
                cutoff = c;
        }
        if (cutoff < 0)
            break;
        store_retention_counts_t del;
        int done;
        if ((rc = store_retention_delete(r->st, cutoff, RETENTION_BATCH, &del, &done, err)))
            break;
        store_counter_add(r->st, "retention_events_deleted", del.events);
        store_counter_add(r->st, "retention_points_deleted", del.points);
        store_counter_add(r->st, "retention_invocations_deleted", del.invocations);
        store_counter_add(r->st, "retention_rollups_deleted", del.rollups);
        int64_t n = del.events + del.points + del.invocations + del.rollups;
        deleted += n;
        if (done && r->size_cut >= 0 && cutoff >= r->size_cut)
            r->size_cut = -1;
        if (done && age_cutoff >= 0 && cutoff >= age_cutoff) {
            age_cutoff = -1;  /* nothing older than the age limit is left */
            r->age_due_ms = t0 + RETENTION_AGE_EVERY_MS;
        }
        if (done && n == 0)
            break;
        /* the time budget keeps ingest waiting little, but never lets the
         * next turn's reading carry the store past its limit: on a slow or
         * loaded machine deleting takes longer than reading */
        if (obs_mono_ms() - t0 >= RETENTION_TURN_MS && !over_limit(r))
            break;
    }
    if (deleted)
        store_counter_add(r->st, "retention_runs", 1);
    if (!rc && r->o.max_bytes && (r->last_used = used_now(r, err)) < 0)
        rc = err->code;
    return rc;
}

/* A number and one unit letter from units (with its multiplier in mult),
 * then optionally `suffix`. */
static int parse_unit(const char *s, const char *units, const int64_t *mult, char suffix,
                      int64_t min, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno || v < 0)
        return -1;
    for (int i = 0; units[i]; i++) {
        if ((*end | 0x20) != units[i])
            continue;
        end++;
        if (suffix && (*end | 0x20) == suffix)
            end++;
        if (*end || v > INT64_MAX / mult[i] || v * mult[i] < min)
            return -1;
        *out = v * mult[i];
        return 0;
    }
    return -1;
}

int retention_parse_age(const char *s, int64_t *ms_out)
{
    static const int64_t mult[] = { MINUTE_MS, 60 * MINUTE_MS, 24 * 60 * MINUTE_MS };
    return parse_unit(s, "mhd", mult, 0, MINUTE_MS, ms_out);
}

int retention_parse_size(const char *s, int64_t *bytes_out)
{
    static const int64_t mult[] = { 1024, 1024 * 1024, 1024 * 1024 * 1024 };
    return parse_unit(s, "kmg", mult, 'b', 1024 * 1024, bytes_out);
}
