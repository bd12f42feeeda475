/* store/checkpointer.c — the writer's WAL checkpoints on a thread and a
 * connection of their own. SQLite's automatic checkpoint runs inside the
 * COMMIT that crosses its threshold, on the writer's thread: copying 64 MiB
 * of pages back into the database there took a fifth of an import's time,
 * while the other core waited. Here the commit only says that the WAL has
 * grown past the threshold (sqlite3_wal_hook, which replaces the automatic
 * checkpoint), and this thread runs a PASSIVE checkpoint, which copies what
 * no reader still needs without taking the write lock, so the writer goes
 * on.
 *
 * The WAL starts over from its beginning only at a write that finds every
 * frame copied, and in a long import the writer appends the next batch
 * while this thread copies the last: it never found them all, and the WAL
 * grew to 1.8 times the store (654 MB beside a 366 MB store, 1,000,007
 * lines). So a commit that leaves the WAL past twice the threshold copies
 * what is left itself, on the writer's connection between two transactions
 * (PASSIVE again: a reader's snapshot still holds its frames), and the next
 * write starts the WAL over. The WAL then stays under twice the threshold
 * plus two batches' pages (the second when this thread held a lock at the
 * moment the WAL could have started over; docs/security.md, "Bounds"). */
#include "store/store_int.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

struct store_ckpt {
    sqlite3 *db;              /* its own connection */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;        /* wanted or stop set; a run ended */
    int pages;                /* checkpoint past this many WAL pages */
    int wanted, running, stop;
    int64_t runs;
    int64_t catchups;         /* checkpoints run by a commit (above) */
};

static int on_commit(void *arg, sqlite3 *db, const char *name, int wal_pages)
{
    store_ckpt_t *ck = arg;
    pthread_mutex_lock(&ck->mu);
    if (wal_pages >= 2 * ck->pages) {
        /* copy what is left here, after the thread's run if one is going
         * (it holds the checkpoint lock) */
        while (ck->running)
            pthread_cond_wait(&ck->cv, &ck->mu);
        ck->running = 1;
        ck->catchups++;
        pthread_mutex_unlock(&ck->mu);
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&ck->mu);
        ck->running = 0;
        pthread_cond_broadcast(&ck->cv);
    } else if (wal_pages >= ck->pages && !ck->wanted) {
        ck->wanted = 1;
        pthread_cond_broadcast(&ck->cv);
    }
    pthread_mutex_unlock(&ck->mu);
    return SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
    store_ckpt_t *ck = arg;
    pthread_mutex_lock(&ck->mu);
    for (;;) {
        while ((!ck->wanted || ck->running) && !ck->stop)
            pthread_cond_wait(&ck->cv, &ck->mu);
        if (ck->stop)
            break;
        ck->running = 1;
        pthread_mutex_unlock(&ck->mu);
        /* a failure (busy: a reader, a sqlite3 shell's checkpoint) is tried
         * at the next commit past the threshold */
        sqlite3_wal_checkpoint_v2(ck->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&ck->mu);
        ck->wanted = 0;
        ck->running = 0;
        ck->runs++;
        pthread_cond_broadcast(&ck->cv);
    }
    pthread_mutex_unlock(&ck->mu);
    return NULL;
}

store_ckpt_t *store__ckpt_start(const char *path, sqlite3 *writer, int pages)
{
    if (!sqlite3_threadsafe())
        return NULL;   /* SQLite's automatic checkpoint stays */
    store_ckpt_t *ck = xcalloc(1, sizeof *ck);
    if (sqlite3_open_v2(path, &ck->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_exec(ck->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close(ck->db);
        free(ck);
        return NULL;
    }
    sqlite3_busy_timeout(ck->db, 1000);
    ck->pages = pages;
    pthread_mutex_init(&ck->mu, NULL);
    pthread_cond_init(&ck->cv, NULL);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int started = pthread_create(&ck->thread, NULL, checkpointer_main, ck) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!started) {
        sqlite3_close(ck->db);
        pthread_mutex_destroy(&ck->mu);
        pthread_cond_destroy(&ck->cv);
        free(ck);
        return NULL;
    }
    sqlite3_wal_hook(writer, on_commit, ck);
    return ck;
}

void store__ckpt_set_pages(store_ckpt_t *ck, int pages)
{
    pthread_mutex_lock(&ck->mu);
    ck->pages = pages;
    pthread_mutex_unlock(&ck->mu);
}

int64_t store__ckpt_catchups(store_ckpt_t *ck)
{
    if (!ck)
        return 0;
    pthread_mutex_lock(&ck->mu);
    int64_t n = ck->catchups;
    pthread_mutex_unlock(&ck->mu);
    return n;
}

void store__ckpt_stop(store_ckpt_t *ck, sqlite3 *writer)
{
    if (!ck)
        return;
    sqlite3_wal_hook(writer, NULL, NULL);
    pthread_mutex_lock(&ck->mu);
    ck->stop = 1;
    pthread_cond_broadcast(&ck->cv);
    pthread_mutex_unlock(&ck->mu);
    pthread_join(ck->thread, NULL);
    sqlite3_close(ck->db);   /* before the writer's: its close checkpoints the rest */
    pthread_mutex_destroy(&ck->mu);
    pthread_cond_destroy(&ck->cv);
    free(ck);
}
