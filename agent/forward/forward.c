/* agent/forward/forward.c — the forwarder's thread (see forward.h): read
 * a batch after the watermark, INSERT it into the three tables, and only
 * then move the watermark in the store. A failure leaves the watermark
 * where it was: the same batch (or a larger one) is sent again after a
 * backoff of 1, 2, 4 ... 30 s, which the tables' keys make harmless. The
 * store is the buffer: the agent goes on storing while ClickHouse is away.
 * The state ("ok", "retrying" and why) is written beside the watermark for
 * obsagent --status; the agent's log says when forwarding stops and starts
 * again, once each. */
#include "agent/forward/fwd_int.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IDLE_MS 250                   /* nothing new: look again after */
#define BACKOFF_MAX_MS 30000
#define RETENTION_EVERY_MS 3600000    /* without TTLs: drop old partitions hourly */

struct forward {
    ch_url_t url;
    char target[400];                 /* the URL without its password */
    char db_path[4096];
    int64_t retention_ms;
    int batch;
    int has_ttl;
    ch_conn_t *conn;
    store_fwd_t *sf;
    store_fwd_state_t state;
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    int64_t acked_id;                 /* the watermark, for forward_drain */
    int64_t start_ms;                 /* forward_start (monotonic) */
    forward_progress_t run;           /* this run's acknowledged rows (under mu) */
    int failing;
    int schema_ok;                    /* the tables are there (else made first) */
};

const char *forward_target(const forward_t *f)
{
    return f->target;
}

/* Sleep ms, or less when told to stop. */
static void nap(forward_t *f, int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&f->mu);
    if (!f->stop)
        pthread_cond_timedwait(&f->cv, &f->mu, &ts);
    pthread_mutex_unlock(&f->mu);
}

static int stopping(forward_t *f)
{
    pthread_mutex_lock(&f->mu);
    int s = f->stop;
    pthread_mutex_unlock(&f->mu);
    return s;
}

/* A batch out: events, then the invocations and points; after any failure
 * the whole batch goes again. */
static int send_batch(forward_t *f, fwd_batch_t *b, obs_err_t *err)
{
    int rc = 0;
    for (int t = 0; !rc && t < FWD__TABLES; t++) {
        if (!b->body[t].len)
            continue;
        buf_t sql = { 0 };
        fwd__insert_sql(&sql, f->url.database, (fwd_table_t)t);
        rc = ch_exec(f->conn, sql.p, b->body[t].p, b->body[t].len, NULL, err);
        buf_free(&sql);
    }
    return rc;
}

/* One round: 1 when a batch went, 0 when there was nothing new, or an error. */
static int round_once(forward_t *f, obs_err_t *err)
{
    fwd_batch_t b;
    memset(&b, 0, sizeof b);
    b.agent = f->state.agent;
    b.after = f->state.event_id;
    b.point_after = f->state.point_id;
    int rc = fwd__batch_read(f->sf, &b, f->batch, err);
    if (!rc && b.last_id == b.after && b.last_point == b.point_after) {
        fwd__batch_free(&b);
        return 0;
    }
    if (!rc)
        rc = send_batch(f, &b, err);
    if (!rc)
        rc = store_fwd_ack(f->sf, f->target, b.last_id, b.last_point, b.last_id - b.after, obs_wall_ms(), err);
    if (!rc) {
        f->state.forwarded += b.nevents;
        f->state.event_id = b.last_id;
        f->state.point_id = b.last_point;
        pthread_mutex_lock(&f->mu);
        f->acked_id = b.last_id;
        f->run.events += b.nfresh;
        f->run.invocations += b.ninvocations;
        f->run.points += b.npoints;
        f->run.ms = obs_mono_ms() - f->start_ms;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
    }
    fwd__batch_free(&b);
    return rc ? rc : 1;
}

static void note(forward_t *f, const char *state, const char *error)
{
    obs_err_t e = { 0 };
    if (store_fwd_note(f->sf, f->target, state, error, obs_wall_ms(), &e))
        obs_log(OBS_LOG_WARN, "forward: %s", e.msg);
}

static void *run(void *arg)
{
    forward_t *f = arg;
    int64_t backoff = 1000, last_retention = 0;
    while (!stopping(f)) {
        obs_err_t err = { 0 };
        int rc = 0;
        if (!f->schema_ok && !(rc = fwd__schema_ensure(f->conn, &f->url, f->retention_ms, &f->has_ttl, &err)))
            f->schema_ok = 1;
        if (!rc && f->retention_ms > 0 && !f->has_ttl && obs_wall_ms() - last_retention >= RETENTION_EVERY_MS) {
            rc = fwd__retention_apply(f->conn, f->url.database, f->retention_ms, obs_wall_ms(), &err);
            if (!rc)
                last_retention = obs_wall_ms();
        }
        if (!rc)
            rc = round_once(f, &err);
        if (rc < 0) {
            if (!f->failing)
                obs_log(OBS_LOG_WARN, "forward to %s paused: %s; the events wait in the store, retrying", f->target,
                        err.msg);
            if (!f->failing || backoff >= BACKOFF_MAX_MS)
                note(f, "retrying", err.msg);
            f->failing = 1;
            nap(f, backoff);
            backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
            continue;
        }
        if (f->failing) {
            obs_log(OBS_LOG_INFO, "forward to %s resumed", f->target);
            note(f, "ok", NULL);
            f->failing = 0;
        }
        backoff = 1000;
        if (rc == 0)
            nap(f, IDLE_MS);
    }
    return NULL;
}

static void hostname_agent(char *out, size_t n)
{
    char host[256] = "host";
    unsigned char r[4] = { 0 };
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    FILE *u = fopen("/dev/urandom", "rb");
    if (!u || fread(r, 1, sizeof r, u) != sizeof r) {
        uint64_t t = (uint64_t)obs_wall_ms() ^ (uint64_t)getpid();
        memcpy(r, &t, sizeof r);
    }
    if (u)
        fclose(u);
    snprintf(out, n, "%.100s-%02x%02x%02x%02x", host, r[0], r[1], r[2], r[3]);
}

int forward_start(const forward_opts_t *o, forward_t **out, obs_err_t *err)
{
    forward_t *f = xcalloc(1, sizeof *f);
    int rc;
    *out = NULL;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    f->start_ms = obs_mono_ms();
    f->retention_ms = o->retention_ms;
    f->batch = o->batch_events > 0 ? o->batch_events : FORWARD_BATCH_DEFAULT;
    snprintf(f->db_path, sizeof f->db_path, "%s", o->db_path);
    if ((rc = ch_url_parse(o->url, &f->url, err)))
        goto fail;
    ch_url_password_from_env(&f->url);
    ch_url_redacted(&f->url, f->target, sizeof f->target);
    if ((rc = ch_conn_new(&f->url, 120000, &f->conn, err)) || (rc = store_fwd_open(o->db_path, &f->sf, err)))
        goto fail;
    char agent[128];
    hostname_agent(agent, sizeof agent);
    if ((rc = store_fwd_state_get(f->sf, f->target, agent, &f->state, err)))
        goto fail;
    f->acked_id = f->state.event_id;
    obs_err_t e = { 0 };
    if (fwd__schema_ensure(f->conn, &f->url, f->retention_ms, &f->has_ttl, &e)) {
        if (e.code != OBS_EIO) {  /* refused: a bad database, no rights — say so now */
            rc = obs_err_set(err, e.code, "--forward %s: %s", f->target, e.msg);
            goto fail;
        }
        obs_log(OBS_LOG_WARN, "forward to %s: %s; the events wait in the store, retrying", f->target, e.msg);
        note(f, "retrying", e.msg);
        f->failing = 1;
    } else {
        f->schema_ok = 1;
    }
    if (!f->failing) {
        note(f, "ok", NULL);
        obs_log(OBS_LOG_INFO, "forwarding to %s as agent %s, from event %lld", f->target, f->state.agent,
                (long long)f->state.event_id);
    }
    /* from here on only the thread uses f->conn and f->sf */
    if (pthread_create(&f->thread, NULL, run, f) != 0) {
        rc = obs_err_set(err, OBS_EIO, "cannot start the forwarder's thread: %s", strerror(errno));
        goto fail;
    }
    f->started = 1;
    *out = f;
    return 0;
fail:
    forward_stop(f);
    return rc;
}

int forward_drain(forward_t *f, int64_t timeout_ms, obs_err_t *err)
{
    int64_t upto = 0, deadline = obs_mono_ms() + timeout_ms;
    obs_err_t e = { 0 };
    store_fwd_t *probe = NULL;
    if (store_fwd_open(f->db_path, &probe, &e) || store_fwd_max_event(probe, &upto, &e)) {
        store_fwd_close(probe);
        return obs_err_set(err, e.code, "forward: %s", e.msg);
    }
    store_fwd_close(probe);
    pthread_mutex_lock(&f->mu);
    while (f->acked_id < upto && obs_mono_ms() < deadline) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&f->cv, &f->mu, &ts);
    }
    int64_t left = upto - f->acked_id;
    pthread_mutex_unlock(&f->mu);
    if (left > 0)
        return obs_err_set(err, OBS_EIO, "forward to %s: events up to id %lld not acknowledged after %lld s (%lld "
                           "ids left); they stay in the store, and the next run with --forward sends them",
                           f->target, (long long)upto, (long long)(timeout_ms / 1000), (long long)left);
    return 0;
}

void forward_progress(forward_t *f, forward_progress_t *out)
{
    pthread_mutex_lock(&f->mu);
    *out = f->run;
    pthread_mutex_unlock(&f->mu);
}

void forward_stop(forward_t *f)
{
    if (!f)
        return;
    if (f->started) {
        pthread_mutex_lock(&f->mu);
        f->stop = 1;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        pthread_join(f->thread, NULL);
        if (f->sf)
            note(f, "stopped", NULL);
    }
    ch_conn_free(f->conn);
    store_fwd_close(f->sf);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
}
