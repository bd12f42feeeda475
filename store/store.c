/* store/store.c — opening and closing a store (writer or read-only), the
 * prepared-statement cache, and the batching of writes into transactions:
 * one transaction holds up to batch_rows events or batch_ms of time. */
#include "store/schema.h"
#include "store/store_int.h"
#include "common/xalloc.h"
#include "common/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A directory is not a store (SQLite would say "disk I/O error"). */
static int not_a_dir(const char *path, obs_err_t *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return obs_err_set(err, OBS_EIO, "%s is a directory, not a store file", path);
    return 0;
}

/* The writer refuses a store in a world-writable directory (sticky or not,
 * /tmp included): another user could plant the -wal or -shm file SQLite
 * opens by name beside the store, or swap the store, and read or alter what
 * the agent writes (docs/security.md, "Store safety"). A missing directory
 * is created 0700. */
static int private_dir(const char *path, obs_err_t *err)
{
    char dir[4096];
    struct stat sb;
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    /* a missing directory (one level) is made, private: --db /tmp/obs/obs.db
     * works from the first run, also in Lambda, where /tmp is the place */
    if (stat(dir, &sb) != 0 && (errno != ENOENT || mkdir(dir, 0700) != 0 || stat(dir, &sb) != 0))
        return obs_err_set(err, OBS_EIO, "cannot create store %s: %s: %s", path, dir, strerror(errno));
    if (sb.st_mode & S_IWOTH)
        return obs_err_set(err, OBS_EINVAL,
                           "refusing store %s: its directory %s is writable by every user "
                           "(put the store in a directory of its own, e.g. mkdir -m 700)",
                           path, dir);
    return 0;
}

/* Create the file ourselves so that it is 0600 (SQLite would use 0644). */
static int create_private(const char *path, obs_err_t *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST)
        return obs_err_set(err, OBS_EIO, "cannot create store %s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return 0;
}

/* Before SQLite's first use: no global allocation statistics (nothing here
 * reads them), so that an allocation takes no process-wide mutex — 5-8% of
 * an import's CPU (300,012 lines, interleaved runs). Too late when
 * something initialised SQLite before (then it returns SQLITE_MISUSE and
 * nothing changes). */
static pthread_once_t sqlite_configured = PTHREAD_ONCE_INIT;
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int open_common(const char *path, int flags, store_t **out, obs_err_t *err)
{
    pthread_once(&sqlite_configured, configure_sqlite);
    store_t *st = xcalloc(1, sizeof *st);
    st->lock_fd = -1;
    /* One connection, one thread: SQLite's per-call mutexes are not needed. */
    int rc = sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        obs_err_set(err, rc == SQLITE_CANTOPEN ? OBS_EIO : OBS_EDB, "cannot open store %s: %s", path,
                    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        sqlite3_close(st->db);
        free(st);
        return err ? err->code : OBS_EDB;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 5000);
    rc = store__register_tokenizer(st->db, err);
    /* the sketch functions: rollup upserts and the v5 migration (writer),
     * merged percentiles of rollups (readers) */
    if (!rc)
        rc = store__register_functions(st->db, err);
    if (rc) {
        sqlite3_close(st->db);
        free(st);
        return rc;
    }
    *out = st;
    return 0;
}

static int open_writer(const char *path, const store_opts_t *opts, store_t **out, obs_err_t *err)
{
    store_t *st = NULL;
    char *msg = NULL;
    int rc;

    int lock_fd = -1;
    *out = NULL;
    /* the writer lock first: the schema is created and migrated by its
     * holder only, so two agents started at once never both create it */
    if ((rc = not_a_dir(path, err)) || (rc = private_dir(path, err)) ||
        (rc = store__lock_take(path, &lock_fd, err)))
        return rc;
    if ((rc = create_private(path, err)) ||
        (rc = open_common(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &st, err))) {
        store__lock_release(lock_fd);
        return rc;
    }
    st->lock_fd = lock_fd;
    st->opts.batch_rows = opts && opts->batch_rows > 0 ? opts->batch_rows : STORE_BATCH_ROWS_DEFAULT;
    st->opts.batch_ms = opts && opts->batch_ms > 0 ? opts->batch_ms : STORE_BATCH_MS_DEFAULT;

    /* Check before the pragmas: a foreign file must be left as it was. */
    int version;
    if ((rc = store__check(st->db, &version, err))) {
        int code = sqlite3_errcode(st->db) & 0xff;
        if (code == SQLITE_NOTADB)
            obs_err_set(err, OBS_ESCHEMA, "%s is not an obs store (not a SQLite database)", path);
        else if (code == SQLITE_CORRUPT)
            obs_err_set(err, OBS_ESCHEMA, "%s is damaged (truncated or corrupted): %s", path,
                        sqlite3_errmsg(st->db));
        else if (err) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            obs_err_set(err, err->code, "%s: %s", path, why);
        }
        goto fail;
    }
    if (sqlite3_exec(st->db, SQL_PRAGMAS_WRITER, NULL, NULL, &msg) != SQLITE_OK) {
        int code = sqlite3_errcode(st->db) & 0xff;
        rc = obs_err_set(err, code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? OBS_ESCHEMA : OBS_EDB,
                         "%s is not usable as a store%s: %s", path,
                         code == SQLITE_CORRUPT ? " (damaged)" : "", msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        goto fail;
    }
    /* open_common registered obs_sketch_of(), which the v5 backfill uses */
    if ((rc = store__migrate(st->db, err)) || (rc = store__prepare_writer(st, err)))
        goto fail;
    /* row writes on a second thread (wqueue.h); OBS_WRITER_THREAD=0 keeps
     * them on this one (same statements, same order: for A/B benchmarks) */
    const char *wt = getenv("OBS_WRITER_THREAD");
    int threads = !(wt && strcmp(wt, "0") == 0);
    st->wq = store__wq_new(st->db, st->stmt, threads, STMT_COMMIT);
    if (threads)
        st->ckpt = store__ckpt_start(path, st->db, STORE_CHECKPOINT_PAGES);
    *out = st;
    return 0;
fail:
    store_close(st, NULL);
    return rc;
}

int store_open(const char *path, const store_opts_t *opts, store_t **out, obs_err_t *err)
{
    int rc = open_writer(path, opts, out, err);
    if (rc)
        store__explain_access(path, 1, err);
    return rc;
}

static int open_reader(const char *path, store_t **out, obs_err_t *err)
{
    store_t *st = NULL;
    sqlite3_stmt *q = NULL;
    int rc, v = -1;

    *out = NULL;
    if (access(path, F_OK) != 0)
        return obs_err_set(err, OBS_EIO, errno == ENOENT ? "no store at %s (import logs first: obsagent "
                           "--once --db %s LOGS)" : "cannot open store %s: %s", path,
                           errno == ENOENT ? path : strerror(errno));
    if ((rc = not_a_dir(path, err)))
        return rc;
    if ((rc = open_common(path, SQLITE_OPEN_READONLY, &st, err)))
        return rc;
    st->readonly = 1;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (v < 0) {
        rc = obs_err_set(err, OBS_ESCHEMA, "%s is not an obs store: %s", path, sqlite3_errmsg(st->db));
    } else if (v == 0) {
        rc = obs_err_set(err, OBS_ESCHEMA, "%s is not an obs store (no schema version)", path);
    } else if (v > STORE_SCHEMA_VERSION) {
        rc = obs_err_set(err, OBS_ESCHEMA, "%s has schema v%d, newer than this program (v%d)", path, v,
                         STORE_SCHEMA_VERSION);
    } else if (v < STORE_SCHEMA_VERSION) {
        rc = obs_err_set(err, OBS_ESCHEMA,
                         "%s has schema v%d; run obsagent on it once to migrate it to v%d", path, v,
                         STORE_SCHEMA_VERSION);
    }
    if (rc) {
        store_close(st, NULL);
        return rc;
    }
    *out = st;
    return 0;
}

int store_open_readonly(const char *path, store_t **out, obs_err_t *err)
{
    int rc = open_reader(path, out, err);
    if (rc)
        store__explain_access(path, 0, err);
    return rc;
}

int store__prepare_writer(store_t *st, obs_err_t *err)
{
    static const char *const sql[STMT__COUNT] = {
        [STMT_STREAM_FIND] = SQL_STREAM_FIND,
        [STMT_STREAM_INSERT] = SQL_STREAM_INSERT,
        [STMT_STREAM_TOUCH] = SQL_STREAM_TOUCH,
        [STMT_EVENT_INSERT] = SQL_EVENT_INSERT,
        [STMT_FTS_INSERT] = SQL_FTS_INSERT,
        [STMT_INVOCATION_UPSERT] = SQL_INVOCATION_UPSERT,
        [STMT_INVOCATION_GET] = SQL_INVOCATION_GET,
        [STMT_EVENT_SET_XRAY] = SQL_EVENT_SET_XRAY,
        [STMT_ROLLUP_UPSERT] = SQL_ROLLUP_UPSERT,
        [STMT_ROLLUP_HOUR_UPSERT] = SQL_ROLLUP_HOUR_UPSERT,
        [STMT_SOURCE_FIND] = SQL_SOURCE_FIND,
        [STMT_SOURCE_UPSERT] = SQL_SOURCE_UPSERT,
        [STMT_COUNTER_ADD] = SQL_COUNTER_ADD,
        [STMT_SERIES_FIND] = SQL_SERIES_FIND,
        [STMT_SERIES_INSERT] = SQL_SERIES_INSERT,
        [STMT_POINT_INSERT] = SQL_POINT_INSERT,
        [STMT_METRIC_ROLLUP_UPSERT] = SQL_METRIC_ROLLUP_UPSERT,
        [STMT_SERIES_FUNCTION_ADD] = SQL_SERIES_FUNCTION_ADD,
        [STMT_VOCAB_ADD] = SQL_VOCAB_ADD,
        [STMT_SOURCE_DELETE] = SQL_SOURCE_DELETE,
        [STMT_MISSED_ADD] = SQL_MISSED_ADD,
        [STMT_MISSED_TRIM] = SQL_MISSED_TRIM,
        [STMT_COMMIT] = SQL_COMMIT,
        [STMT_BEGIN] = SQL_BEGIN,
    };
    for (int i = 0; i < STMT__COUNT; i++) {
        if (sqlite3_prepare_v3(st->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
            SQLITE_OK)
            return store__dberr(st, err, "preparing a store statement");
    }
    return 0;
}

struct sqlite3 *store_db(store_t *st)
{
    store__sync(st, NULL);
    return st->db;
}

static int flush_counters(store_t *st, obs_err_t *err)
{
    for (int i = 0; i < st->ncounters; i++) {
        if (!st->counters[i].delta)
            continue;
        int rc = store__wq_start(st->wq, STMT_COUNTER_ADD, "updating agent counters", err);
        if (rc)
            return rc;
        store__wq_str(st->wq, st->counters[i].name);
        store__wq_int(st->wq, st->counters[i].delta);
        store__wq_end(st->wq);
        st->counters[i].delta = 0;
    }
    return 0;
}

static int counters_pending(const store_t *st)
{
    for (int i = 0; i < st->ncounters; i++)
        if (st->counters[i].delta)
            return 1;
    return 0;
}

/* The batch's sums (rollups, metric rollups, new tokens, counters) and its
 * COMMIT, recorded in the writer's queue behind its rows; 1 when there is
 * nothing to commit. */
static int record_commit(store_t *st, obs_err_t *err)
{
    int rc;
    if (!st->in_txn && !st->rollup_used && !st->mslot_used && !st->vocab.npending &&
        !counters_pending(st))
        return 1;
    if ((rc = store__begin(st, err)))
        return rc;
    if ((rc = store__flush_rollups(st, err)) || (rc = store__flush_metrics(st, err)) ||
        (rc = store__flush_vocab(st, err)) || (rc = flush_counters(st, err)) ||
        (rc = store__wq_start(st->wq, STMT_COMMIT, "committing a batch", err)))
        return rc;
    store__wq_end(st->wq);
    return 0;
}

int store_commit(store_t *st, obs_err_t *err)
{
    int rc = record_commit(st, err);
    if (rc == 1)
        return store__sync(st, err);
    if (rc || (rc = store__sync(st, err)))
        return rc;
    st->in_txn = 0;
    return 0;
}

int store_commit_async(store_t *st, obs_err_t *err)
{
    int rc = record_commit(st, err);
    if (rc == 1)
        return 0;
    if (rc || (rc = store__wq_start(st->wq, STMT_BEGIN, "starting the next batch", err)))
        return rc;
    store__wq_end(st->wq);
    store__wq_give(st->wq);
    /* the next batch is open as far as this thread is concerned: its events
     * and streams take the ids after this one's, as they would after a
     * BEGIN here (the writer lock keeps every other agent out) */
    st->txn_rows = 0;
    store__wq_clear_count(st->wq);
    st->txn_changes = -1;   /* unknown until a sync: store_txn_idle says no */
    st->txn_started_ms = obs_mono_ms();
    return 0;
}

int64_t store_commits(const store_t *st)
{
    return st->wq ? store__wq_counted(st->wq) : 0;
}

void store_rollback(store_t *st)
{
    if (st->wq)
        store__wq_clear_error(st->wq);   /* waits for the writer first */
    if (!st->in_txn)
        return;
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_txn = 0;
    store__known_free(st);   /* the batch's new streams and checkpoints are gone */
    store__rollups_free(st);
    store__metrics_reset(st, 0);  /* series ids inserted by the batch are gone */
    store__vocab_free(&st->vocab);  /* and so are the batch's new tokens */
    for (int i = 0; i < st->ncounters; i++)
        st->counters[i].delta = 0;
}

int store_begin(store_t *st, obs_err_t *err)
{
    return store__begin(st, err);
}

int store_in_txn(const store_t *st)
{
    return st->in_txn;
}

int store_txn_idle(const store_t *st)
{
    if (st->wq && store__wq_count(st->wq))
        return 0;   /* statements recorded in the batch */
    return st->in_txn && st->txn_changes >= 0 && sqlite3_total_changes64(st->db) == st->txn_changes &&
           !st->rollup_used &&
           !st->mslot_used && !st->vocab.npending && !counters_pending(st);
}

void store_set_busy_timeout(store_t *st, int ms)
{
    store__sync(st, NULL);
    sqlite3_busy_timeout(st->db, ms);
}

static int batch_due(const store_t *st)
{
    return st->in_txn &&
           (st->txn_rows >= st->opts.batch_rows || obs_mono_ms() - st->txn_started_ms >= st->opts.batch_ms);
}

int store_maybe_commit(store_t *st, obs_err_t *err)
{
    return batch_due(st) ? store_commit(st, err) : 0;
}

int store_maybe_commit_async(store_t *st, obs_err_t *err)
{
    return batch_due(st) ? store_commit_async(st, err) : 0;
}

void store_counter_add(store_t *st, const char *name, int64_t delta)
{
    for (int i = 0; i < st->ncounters; i++) {
        if (strcmp(st->counters[i].name, name) == 0) {
            st->counters[i].delta += delta;
            return;
        }
    }
    if (st->ncounters == st->counters_cap) {
        st->counters_cap = st->counters_cap ? st->counters_cap * 2 : 64;
        st->counters = xrealloc(st->counters, (size_t)st->counters_cap * sizeof *st->counters);
    }
    st->counters[st->ncounters].name = xstrdup(name);
    st->counters[st->ncounters].delta = delta;
    st->ncounters++;
}

int store_close(store_t *st, obs_err_t *err)
{
    int rc = 0;
    if (!st)
        return 0;
    if (!st->readonly)
        rc = store_commit(st, err);
    store__wq_free(st->wq);   /* waits for the writer and stops it */
    st->wq = NULL;
    store__ckpt_stop(st->ckpt, st->db);
    st->ckpt = NULL;
    store__known_free(st);
    for (int i = 0; i < STMT__COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    store__rollups_free(st);
    store__metrics_reset(st, 0);
    sqlite3_close(st->db);
    store__vocab_free(&st->vocab);
    buf_free(&st->tokens);
    for (int i = 0; i < st->ncounters; i++)
        free(st->counters[i].name);
    free(st->counters);
    store__lock_release(st->lock_fd);   /* after SQLite let go of the file */
    free(st);
    return rc;
}
