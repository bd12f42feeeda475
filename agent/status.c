/* agent/status.c — `obsagent --status` (see status.h).
 *
 * Lag of a source = size of the file at its path - offset of its
 * checkpoint, computed only when the file at the path still has the
 * checkpoint's device and inode (another file, or none, is not the one the
 * offset counts in: shown as "rotated" or "gone" with lag "-"). Every
 * checkpoint is looked at: --status is a one-shot command, unlike obstop,
 * which bounds its lag to the 1,000 files checkpointed last. Then what was
 * missed (data gone before it was read: the file and the bytes lost), the
 * newest first. Paths, reasons and counter names come from the data (a
 * file's name can hold any byte): printed through the terminal sanitiser
 * (common/termsafe.h). */
#include "agent/status.h"
#include "store/agent_state.h"
#include "store/store.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/termsafe.h"

#include <sqlite3.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* s made safe for a terminal, in buf (cut when longer than it) */
static const char *vis(char *buf, size_t cap, const char *s)
{
    termsafe_copy(buf, cap, s ? s : "", s ? strlen(s) : 0, 0);
    return buf;
}

typedef struct lag_sum {
    FILE *out;
    int64_t lag, sources, behind, unknown;
} lag_sum_t;

static int one_source(void *ctx, const char *path, const store_source_t *src)
{
    lag_sum_t *s = ctx;
    struct stat sb;
    char v[16384];
    s->sources++;
    if (stat(path, &sb) != 0 || (int64_t)sb.st_dev != src->dev || (int64_t)sb.st_ino != src->ino) {
        /* the path names another file, or none: this checkpoint's file was
         * rotated away, or replaced or deleted */
        s->unknown++;
        fprintf(s->out, "source - %s %s\n", src->rotated ? "rotated" : "gone", vis(v, sizeof v, path));
        return 0;
    }
    int64_t lag = (int64_t)sb.st_size - src->offset;
    if (lag < 0)
        lag = 0;  /* truncated since: read again from 0 at the next look */
    s->lag += lag;
    s->behind += lag > 0;
    fprintf(s->out, "source %lld %s %s\n", (long long)lag, lag > 0 ? "behind" : "current", vis(v, sizeof v, path));
    return 0;
}

/* What could not be read: the newest records of the missed table. */
static void print_missed(store_t *st, FILE *out)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM missed", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        fprintf(out, "missed_records %lld\n", (long long)sqlite3_column_int64(q, 0));
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(store_db(st), "SELECT bytes, path, reason FROM missed ORDER BY id DESC LIMIT 20", -1,
                           &q, NULL) != SQLITE_OK)
        return;
    char v1[16384], v2[4096];
    while (sqlite3_step(q) == SQLITE_ROW)
        fprintf(out, "missed %lld %s: %s\n", (long long)sqlite3_column_int64(q, 0),
                vis(v1, sizeof v1, (const char *)sqlite3_column_text(q, 1)),
                vis(v2, sizeof v2, (const char *)sqlite3_column_text(q, 2)));
    sqlite3_finalize(q);
}

/* The agent's state file: running (or importing), paused since when and
 * why, or not running (stopped when, or ended without a clean stop). */
static void print_agent(const char *db, FILE *out)
{
    agent_state_info_t ai;
    char v[1024];
    if (agent_state_read(db, &ai) != 0) {
        fprintf(out, "agent_state not running\n");
        return;
    }
    if (strcmp(ai.state, "stopped") == 0) {   /* a clean stop, and when */
        fprintf(out, "agent_state not running\nagent_stopped_ms %lld\n", (long long)ai.since_ms);
        return;
    }
    if (kill((pid_t)ai.pid, 0) != 0 && errno == ESRCH) {
        fprintf(out, "agent_state not running (pid %ld ended without a clean stop)\n", ai.pid);
        return;
    }
    int64_t now = obs_wall_ms();
    fprintf(out, "agent_state %s\nagent_pid %ld\nagent_since_ms %lld\nagent_state_ms %lld\n", vis(v, sizeof v, ai.state),
            ai.pid, (long long)ai.since_ms, (long long)(now - ai.since_ms));
    if (ai.reason[0])
        fprintf(out, "agent_reason %s\n", vis(v, sizeof v, ai.reason));
}

/* The writer holding the store's lock (any writer: --once too). */
static void print_writer(const char *db, FILE *out)
{
    long pid = store_writer_pid(db);
    if (pid > 0 && !(kill((pid_t)pid, 0) != 0 && errno == ESRCH))
        fprintf(out, "writer_pid %ld\n", pid);
}

/* Forwarding to ClickHouse (schema v9's forward_state): per target, the
 * state, how far ClickHouse has acknowledged, and the lag — the events
 * stored and not acknowledged, and how long the oldest of them has
 * waited (from its ingest time). */
static void print_forward(store_t *st, FILE *out)
{
    sqlite3_stmt *q = NULL, *lag = NULL;
    if (sqlite3_prepare_v2(store_db(st), "SELECT target, agent, event_id, forwarded, acked_ts, state, error, state_ts "
                           "FROM forward_state ORDER BY target", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(store_db(st), "SELECT count(*), min(ingest_ts) FROM events WHERE id > ?1", -1, &lag,
                           NULL) != SQLITE_OK)
        goto out;
    int64_t now = obs_wall_ms();
    while (sqlite3_step(q) == SQLITE_ROW) {
        fprintf(out, "forward %s\nforward_agent %s\nforward_state %s\n", (const char *)sqlite3_column_text(q, 0),
                (const char *)sqlite3_column_text(q, 1),
                sqlite3_column_type(q, 5) == SQLITE_NULL ? "never run" : (const char *)sqlite3_column_text(q, 5));
        if (sqlite3_column_type(q, 6) != SQLITE_NULL)
            fprintf(out, "forward_error %s\n", (const char *)sqlite3_column_text(q, 6));
        if (sqlite3_column_type(q, 7) != SQLITE_NULL)
            fprintf(out, "forward_state_ms %lld\n", (long long)(now - sqlite3_column_int64(q, 7)));
        fprintf(out, "forward_event_id %lld\nforward_events %lld\n", (long long)sqlite3_column_int64(q, 2),
                (long long)sqlite3_column_int64(q, 3));
        if (sqlite3_column_type(q, 4) != SQLITE_NULL)
            fprintf(out, "forward_acked_ms %lld\n", (long long)sqlite3_column_int64(q, 4));
        sqlite3_bind_int64(lag, 1, sqlite3_column_int64(q, 2));
        if (sqlite3_step(lag) == SQLITE_ROW) {
            int64_t n = sqlite3_column_int64(lag, 0);
            int64_t oldest = sqlite3_column_type(lag, 1) == SQLITE_NULL ? now : sqlite3_column_int64(lag, 1);
            fprintf(out, "forward_lag_events %lld\nforward_lag_seconds %.1f\n", (long long)n,
                    n ? (double)(now - oldest) / 1000.0 : 0.0);
        }
        sqlite3_reset(lag);
    }
out:
    sqlite3_finalize(q);
    sqlite3_finalize(lag);
}

int agent_status_print(const char *db, FILE *out)
{
    obs_err_t err = { 0 };
    store_t *st = NULL;
    sqlite3_stmt *q = NULL;
    lag_sum_t sum = { out, 0, 0, 0, 0 };
    int rc = 0;
    if (store_open_readonly(db, &st, &err)) {
        obs_log(OBS_LOG_ERROR, "%s", err.msg);
        return 1;
    }
    if (sqlite3_prepare_v2(store_db(st), "SELECT name, value FROM agent_counters ORDER BY name", -1, &q,
                           NULL) != SQLITE_OK) {
        obs_log(OBS_LOG_ERROR, "reading the counters: %s", sqlite3_errmsg(store_db(st)));
        store_close(st, NULL);
        return 1;
    }
    char v[16384];
    fprintf(out, "store %s\n", vis(v, sizeof v, db));
    print_agent(db, out);
    print_writer(db, out);
    while (sqlite3_step(q) == SQLITE_ROW)
        fprintf(out, "%s %lld\n", vis(v, sizeof v, (const char *)sqlite3_column_text(q, 0)),
                (long long)sqlite3_column_int64(q, 1));
    sqlite3_finalize(q);
    print_missed(st, out);
    print_forward(st, out);
    if (store_sources_each(st, one_source, &sum, &err)) {
        obs_log(OBS_LOG_ERROR, "%s", err.msg);
        rc = 1;
    } else {
        fprintf(out, "lag_bytes %lld\n", (long long)sum.lag);
        fprintf(out, "sources %lld\n", (long long)sum.sources);
        fprintf(out, "sources_behind %lld\n", (long long)sum.behind);
        fprintf(out, "sources_lag_unknown %lld\n", (long long)sum.unknown);
    }
    store_close(st, NULL);
    return rc;
}
