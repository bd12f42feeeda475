/* store/wqueue.c — the writer's statement queue (wqueue.h): statements and
 * their values recorded into blocks by the store's thread, run in order by
 * a writer thread on the same connection. A leaf of store/. */
#include "store/wqueue.h"
#include "common/xalloc.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { V_NULL, V_INT, V_REAL, V_TEXT, V_BLOB };

typedef struct wq_block {
    struct wq_block *next;
    size_t used, cap;
    unsigned char data[];
} wq_block_t;

/* A statement in a block: header, then its values, each a tag byte and its
 * bytes (8 for numbers; a 4-byte length and the bytes for text and blobs). */
typedef struct wq_head {
    const char *what;
    uint16_t stmt, nvalues;
} wq_head_t;

struct store_wq {
    sqlite3 *db;
    sqlite3_stmt **stmts;
    int threaded;
    int counted;              /* the statement whose runs are counted */
    int64_t ran;              /* its successful runs (atomic) */

    /* the producer's side */
    wq_block_t *cur;          /* being filled; not seen by the writer */
    size_t op_at;             /* where the open statement starts in cur */
    int in_op;
    int nvalues;              /* values of the open statement so far */
    int64_t count;

    /* shared, under mu */
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    wq_block_t *head, *tail;  /* given to the writer, in order */
    wq_block_t *spare;        /* run, kept for reuse (at most WQ_BLOCKS_MAX) */
    int nspare;
    int given;                /* blocks given and not yet run */
    int writer_sleeps;        /* the writer waits for work */
    int waiting;              /* the producer waits: 1 for room, 2 for all run */
    int stop;
    int failed;               /* a statement failed: the rest are dropped */
    int fail_code;
    char fail_msg[512];
    pthread_t thread;
};

static wq_block_t *block_new(size_t cap)
{
    wq_block_t *b = xmalloc(sizeof *b + cap);
    b->next = NULL;
    b->used = 0;
    b->cap = cap;
    return b;
}

/* ---- the writer's side ------------------------------------------------------ */

static const unsigned char *bind_value(sqlite3_stmt *s, int i, const unsigned char *p)
{
    int tag = *p++;
    int64_t iv;
    double dv;
    uint32_t n;
    switch (tag) {
    case V_INT:
        memcpy(&iv, p, 8);
        sqlite3_bind_int64(s, i, iv);
        return p + 8;
    case V_REAL:
        memcpy(&dv, p, 8);
        sqlite3_bind_double(s, i, dv);
        return p + 8;
    case V_TEXT:
    case V_BLOB:
        memcpy(&n, p, 4);
        p += 4;
        if (tag == V_TEXT)
            sqlite3_bind_text(s, i, (const char *)p, (int)n, SQLITE_STATIC);
        else
            sqlite3_bind_blob(s, i, p, (int)n, SQLITE_STATIC);
        return p + n;
    default:
        sqlite3_bind_null(s, i);
        return p;
    }
}

static void fail(store_wq_t *q, const char *what)
{
    int prim = sqlite3_errcode(q->db) & 0xff;
    int code = prim == SQLITE_BUSY || prim == SQLITE_LOCKED ? OBS_EBUSY
             : prim == SQLITE_FULL                           ? OBS_EFULL
                                                             : OBS_EDB;
    char msg[sizeof q->fail_msg];
    snprintf(msg, sizeof msg, "%s: %s", what, sqlite3_errmsg(q->db));
    pthread_mutex_lock(&q->mu);
    if (!q->failed) {
        __atomic_store_n(&q->failed, 1, __ATOMIC_RELEASE);
        q->fail_code = code;
        memcpy(q->fail_msg, msg, sizeof msg);
    }
    pthread_mutex_unlock(&q->mu);
}

/* Run the statements of b in order; after a failure, none. */
static void run_block(store_wq_t *q, const wq_block_t *b, int failed)
{
    const unsigned char *p = b->data, *end = b->data + b->used;
    while (p < end) {
        wq_head_t h;
        memcpy(&h, p, sizeof h);
        p += sizeof h;
        sqlite3_stmt *s = q->stmts[h.stmt];
        for (int i = 1; i <= h.nvalues; i++)
            p = bind_value(s, i, p);
        if (!failed) {
            int rc = sqlite3_step(s);
            if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
                fail(q, h.what);
                failed = 1;
            } else if (h.stmt == q->counted) {
                __atomic_add_fetch(&q->ran, 1, __ATOMIC_RELEASE);
            }
            sqlite3_reset(s);
        }
        sqlite3_clear_bindings(s);
    }
}

static void recycle(store_wq_t *q, wq_block_t *b)
{
    /* under mu */
    if (b->cap == WQ_BLOCK_BYTES && q->nspare < WQ_BLOCKS_MAX) {
        b->used = 0;
        b->next = q->spare;
        q->spare = b;
        q->nspare++;
    } else {
        free(b);
    }
}

static void *writer_main(void *arg)
{
    store_wq_t *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->head && !q->stop) {
            q->writer_sleeps = 1;
            pthread_cond_wait(&q->work, &q->mu);
            q->writer_sleeps = 0;
        }
        if (!q->head)
            break;
        wq_block_t *b = q->head;   /* stays at the head while it runs */
        int failed = q->failed;
        pthread_mutex_unlock(&q->mu);
        run_block(q, b, failed);
        pthread_mutex_lock(&q->mu);
        q->head = b->next;
        if (!q->head)
            q->tail = NULL;
        __atomic_store_n(&q->given, q->given - 1, __ATOMIC_RELEASE);
        recycle(q, b);
        /* wake the producer when what it waits for came (room: half the
         * blocks free, not one, so that both sides switch seldom) */
        if ((q->waiting == 1 && q->given <= WQ_BLOCKS_MAX / 2) || (q->waiting == 2 && q->given == 0) ||
            q->failed)
            pthread_cond_signal(&q->done);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* ---- the producer's side ---------------------------------------------------- */

store_wq_t *store__wq_new(sqlite3 *db, sqlite3_stmt **stmts, int threaded, int counted)
{
    store_wq_t *q = xcalloc(1, sizeof *q);
    q->db = db;
    q->stmts = stmts;
    q->counted = counted;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->done, NULL);
    q->cur = block_new(WQ_BLOCK_BYTES);
    if (threaded && sqlite3_threadsafe()) {
        /* the writer takes no signal: they stay the main thread's */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        q->threaded = pthread_create(&q->thread, NULL, writer_main, q) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    return q;
}

int store__wq_threaded(const store_wq_t *q)
{
    return q->threaded;
}

/* Give the writer the statements of cur up to upto; what follows (an open
 * statement) moves to the next block, which has room for extra more. */
static void give(store_wq_t *q, size_t upto, size_t extra)
{
    wq_block_t *b = q->cur;
    size_t carry = b->used - upto;
    size_t cap = carry + extra > WQ_BLOCK_BYTES ? carry + extra : WQ_BLOCK_BYTES;
    wq_block_t *next = NULL;
    b->used = upto;
    if (!q->threaded) {
        if (upto)
            run_block(q, b, q->failed);
        if (cap == b->cap) {
            /* the carried bytes move to the front of the same block */
            memmove(b->data, b->data + upto, carry);
            b->used = carry;
            q->op_at = 0;
            return;
        }
        next = block_new(cap);
        memcpy(next->data, b->data + upto, carry);
        next->used = carry;
        free(b);
        q->cur = next;
        q->op_at = 0;
        return;
    }
    pthread_mutex_lock(&q->mu);
    if (upto) {
        while (q->given >= WQ_BLOCKS_MAX) {
            q->waiting = 1;
            pthread_cond_wait(&q->done, &q->mu);
            q->waiting = 0;
        }
        if (q->tail)
            q->tail->next = b;
        else
            q->head = b;
        q->tail = b;
        __atomic_store_n(&q->given, q->given + 1, __ATOMIC_RELEASE);
        if (q->writer_sleeps)
            pthread_cond_signal(&q->work);
        if (cap == WQ_BLOCK_BYTES && q->spare) {
            next = q->spare;
            q->spare = next->next;
            q->nspare--;
            next->next = NULL;
        }
    }
    pthread_mutex_unlock(&q->mu);
    if (!upto) {
        /* nothing to give: only the open statement grows past the block */
        next = block_new(cap);
        memcpy(next->data, b->data, carry);
        next->used = carry;
        free(b);
        q->cur = next;
        q->op_at = 0;
        return;
    }
    if (!next)
        next = block_new(cap);
    memcpy(next->data, b->data + upto, carry);
    next->used = carry;
    q->cur = next;
    q->op_at = 0;
}

static unsigned char *room(store_wq_t *q, size_t n)
{
    if (q->cur->used + n > q->cur->cap)
        give(q, q->op_at, n);
    unsigned char *p = q->cur->data + q->cur->used;
    q->cur->used += n;
    return p;
}

int store__wq_start(store_wq_t *q, int stmt, const char *what, obs_err_t *err)
{
    /* the writer sets it under mu; a read without the lock sees it by the
     * next statement at the latest, and sync reads it under the lock */
    if (__atomic_load_n(&q->failed, __ATOMIC_ACQUIRE))
        return store__wq_sync(q, err);
    q->op_at = q->cur->used;
    q->in_op = 1;
    q->nvalues = 0;
    wq_head_t h = { what, (uint16_t)stmt, 0 };
    memcpy(room(q, sizeof h), &h, sizeof h);
    return 0;
}

static void value(store_wq_t *q, int tag, const void *p, size_t n, int with_len)
{
    size_t need = 1 + (with_len ? 4 : 0) + n;
    unsigned char *d = room(q, need);
    *d++ = (unsigned char)tag;
    if (with_len) {
        uint32_t len = (uint32_t)n;
        memcpy(d, &len, 4);
        d += 4;
    }
    if (n)
        memcpy(d, p, n);
    q->nvalues++;
}

void store__wq_null(store_wq_t *q)
{
    value(q, V_NULL, NULL, 0, 0);
}

void store__wq_int(store_wq_t *q, int64_t v)
{
    value(q, V_INT, &v, 8, 0);
}

void store__wq_real(store_wq_t *q, double v)
{
    if (isnan(v))
        value(q, V_NULL, NULL, 0, 0);
    else
        value(q, V_REAL, &v, 8, 0);
}

void store__wq_text(store_wq_t *q, const char *p, size_t len)
{
    value(q, V_TEXT, p, len, 1);
}

void store__wq_str(store_wq_t *q, const char *s)
{
    if (s)
        value(q, V_TEXT, s, strlen(s), 1);
    else
        value(q, V_NULL, NULL, 0, 0);
}

void store__wq_span(store_wq_t *q, obs_span_t v)
{
    if (v.p && v.len)
        value(q, V_TEXT, v.p, v.len, 1);
    else
        value(q, V_NULL, NULL, 0, 0);
}

void store__wq_blob(store_wq_t *q, const void *p, size_t len)
{
    value(q, V_BLOB, p, len, 1);
}

void store__wq_end(store_wq_t *q)
{
    /* the header learns how many values follow it */
    wq_head_t h;
    memcpy(&h, q->cur->data + q->op_at, sizeof h);
    h.nvalues = (uint16_t)q->nvalues;
    memcpy(q->cur->data + q->op_at, &h, sizeof h);
    q->in_op = 0;
    q->count++;
    /* without a thread: run it now; with one: give it at once when the
     * writer has nothing to do (else when the block is full) */
    if (!q->threaded || __atomic_load_n(&q->given, __ATOMIC_ACQUIRE) == 0)
        give(q, q->cur->used, 0);
}

void store__wq_give(store_wq_t *q)
{
    if (q->cur->used && !q->in_op)
        give(q, q->cur->used, 0);
}

int store__wq_sync(store_wq_t *q, obs_err_t *err)
{
    store__wq_give(q);
    pthread_mutex_lock(&q->mu);
    while (q->given > 0) {
        q->waiting = 2;
        pthread_cond_wait(&q->done, &q->mu);
        q->waiting = 0;
    }
    int code = q->failed ? q->fail_code : 0;
    if (code && err)
        obs_err_set(err, code, "%s", q->fail_msg);
    pthread_mutex_unlock(&q->mu);
    return code;
}

void store__wq_clear_error(store_wq_t *q)
{
    store__wq_sync(q, NULL);
    pthread_mutex_lock(&q->mu);
    __atomic_store_n(&q->failed, 0, __ATOMIC_RELEASE);
    q->fail_code = 0;
    q->fail_msg[0] = 0;
    pthread_mutex_unlock(&q->mu);
}

int64_t store__wq_counted(const store_wq_t *q)
{
    return __atomic_load_n(&q->ran, __ATOMIC_ACQUIRE);
}

int64_t store__wq_count(const store_wq_t *q)
{
    return q->count;
}

void store__wq_clear_count(store_wq_t *q)
{
    q->count = 0;
}

void store__wq_free(store_wq_t *q)
{
    if (!q)
        return;
    store__wq_sync(q, NULL);
    if (q->threaded) {
        pthread_mutex_lock(&q->mu);
        q->stop = 1;
        pthread_cond_signal(&q->work);
        pthread_mutex_unlock(&q->mu);
        pthread_join(q->thread, NULL);
    }
    while (q->spare) {
        wq_block_t *b = q->spare;
        q->spare = b->next;
        free(b);
    }
    free(q->cur);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->done);
    free(q);
}
