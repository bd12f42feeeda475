/* agent/net/inbox.c — a mutex-guarded FIFO with an eventfd, and the
 * acknowledgements a sender waits on (inbox.h). */
#include "agent/net/inbox.h"
#include "common/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct inbox {
    pthread_mutex_t mu;
    inbox_item_t *head, *tail;
    size_t bytes, max;
    int efd;
    int was_full;
    int stalled;
    void (*on_space)(void *ctx);
    void *space_ctx;
};

inbox_t *inbox_new(size_t max_bytes)
{
    inbox_t *ib = xcalloc(1, sizeof *ib);
    pthread_mutex_init(&ib->mu, NULL);
    ib->max = max_bytes;
    ib->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return ib;
}

static size_t item_size(const inbox_item_t *it)
{
    return sizeof *it + it->len + strlen(it->function) + strlen(it->stream) + strlen(it->log_group) + 4;
}

struct inbox_ack {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int refs;                 /* the sender's and each item's */
    int pending;              /* items not committed yet */
    int in_batch;             /* items in the open batch */
    inbox_ack_state_t state;
    char why[200];
};

inbox_ack_t *inbox_ack_new(void)
{
    inbox_ack_t *a = xcalloc(1, sizeof *a);
    pthread_mutex_init(&a->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&a->cv, &ca);
    pthread_condattr_destroy(&ca);
    a->refs = 1;
    a->state = ACK_WAITING;
    return a;
}

void inbox_ack_unref(inbox_ack_t *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->mu);
    int last = --a->refs == 0;
    pthread_mutex_unlock(&a->mu);
    if (last) {
        pthread_cond_destroy(&a->cv);
        pthread_mutex_destroy(&a->mu);
        free(a);
    }
}

inbox_ack_state_t inbox_ack_wait(inbox_ack_t *a, int ms, const char **why)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&a->mu);
    while (a->state == ACK_WAITING && a->pending > 0) {
        int rc = pthread_cond_timedwait(&a->cv, &a->mu, &until);
        if (rc == ETIMEDOUT && a->state == ACK_WAITING && a->in_batch == 0) {
            a->state = ACK_CANCELLED;   /* nothing of it is being stored: give up */
            break;
        }
        if (rc == ETIMEDOUT) {   /* in an open batch: its commit or rollback is near */
            until.tv_sec += 1;
        }
    }
    if (a->state == ACK_WAITING && a->pending == 0)
        a->state = ACK_STORED;
    inbox_ack_state_t st = a->state;
    if (why)
        *why = a->why;
    pthread_mutex_unlock(&a->mu);
    return st;
}

int inbox_ack_taken(inbox_ack_t *a)
{
    pthread_mutex_lock(&a->mu);
    int ok = a->state == ACK_WAITING;
    if (ok)
        a->in_batch++;
    pthread_mutex_unlock(&a->mu);
    return ok;
}

void inbox_ack_untaken(inbox_ack_t *a)
{
    pthread_mutex_lock(&a->mu);
    if (a->in_batch > 0)
        a->in_batch--;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

void inbox_ack_fail(inbox_ack_t *a, const char *why)
{
    pthread_mutex_lock(&a->mu);
    if (a->state == ACK_WAITING) {
        a->state = ACK_FAILED;
        snprintf(a->why, sizeof a->why, "%s", why);
    }
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

/* The item is gone: stored when its batch committed (stored), else dropped. */
static void ack_release(inbox_ack_t *a, int stored)
{
    pthread_mutex_lock(&a->mu);
    a->pending--;
    if (stored && a->in_batch > 0)
        a->in_batch--;
    if (!stored && a->state == ACK_WAITING)
        a->state = ACK_FAILED;   /* never stored: the sender must not hear 200 */
    if (a->pending == 0 || a->state != ACK_WAITING)
        pthread_cond_broadcast(&a->cv);
    int last = --a->refs == 0;
    pthread_mutex_unlock(&a->mu);
    if (last) {
        pthread_cond_destroy(&a->cv);
        pthread_mutex_destroy(&a->mu);
        free(a);
    }
}

void inbox_free(inbox_t *ib)
{
    if (!ib)
        return;
    for (inbox_item_t *it = ib->head, *next; it; it = next) {
        next = it->next;
        if (it->ack)
            ack_release(it->ack, 0);
        free(it);
    }
    if (ib->efd >= 0)
        close(ib->efd);
    pthread_mutex_destroy(&ib->mu);
    free(ib);
}

int inbox_fd(const inbox_t *ib)
{
    return ib->efd;
}

void inbox_push(inbox_t *ib, inbox_kind_t kind, const char *function, const char *log_group,
                const char *stream, const char *line, size_t len, int64_t arrival_ms, inbox_ack_t *ack)
{
    size_t fl = strlen(function) + 1, gl = strlen(log_group) + 1, sl = strlen(stream) + 1;
    inbox_item_t *it = xmalloc(sizeof *it + fl + gl + sl + len + 1);
    char *p = (char *)(it + 1);
    memcpy(p, function, fl);
    it->function = p;
    memcpy(p += fl, log_group, gl);
    it->log_group = p;
    memcpy(p += gl, stream, sl);
    it->stream = p;
    memcpy(p += sl, line, len);
    p[len] = '\0';
    it->line = p;
    it->len = len;
    it->arrival_ms = arrival_ms;
    it->kind = kind;
    it->next = NULL;
    it->ack = ack;
    if (ack) {
        pthread_mutex_lock(&ack->mu);
        ack->refs++;
        ack->pending++;
        pthread_mutex_unlock(&ack->mu);
    }
    pthread_mutex_lock(&ib->mu);
    int was_empty = ib->head == NULL;
    if (ib->tail)
        ib->tail->next = it;
    else
        ib->head = it;
    ib->tail = it;
    ib->bytes += item_size(it);
    if (ib->bytes >= ib->max)
        ib->was_full = 1;
    pthread_mutex_unlock(&ib->mu);
    if (was_empty) {
        uint64_t one = 1;
        if (write(ib->efd, &one, sizeof one) < 0) {
            /* the counter is already non-zero: the reader will wake */
        }
    }
}

int inbox_full(inbox_t *ib)
{
    pthread_mutex_lock(&ib->mu);
    int full = ib->bytes >= ib->max;
    pthread_mutex_unlock(&ib->mu);
    return full;
}

size_t inbox_max(const inbox_t *ib)
{
    return ib->max;
}

size_t inbox_bytes(inbox_t *ib)
{
    pthread_mutex_lock(&ib->mu);
    size_t b = ib->bytes;
    pthread_mutex_unlock(&ib->mu);
    return b;
}

inbox_item_t *inbox_take(inbox_t *ib)
{
    uint64_t v;
    if (read(ib->efd, &v, sizeof v) < 0) {
        /* nothing signalled (EAGAIN): the list may still hold items */
    }
    pthread_mutex_lock(&ib->mu);
    inbox_item_t *all = ib->head;
    ib->head = ib->tail = NULL;
    pthread_mutex_unlock(&ib->mu);
    return all;
}

/* Free items, telling their acknowledgements whether they were stored, and
 * take their bytes off the inbox's (under its lock, which stays held). */
static void free_items(inbox_t *ib, inbox_item_t *items, int stored)
{
    size_t freed = 0;
    for (inbox_item_t *it = items, *next; it; it = next) {
        next = it->next;
        freed += item_size(it);
        if (it->ack)
            ack_release(it->ack, stored);
        free(it);
    }
    pthread_mutex_lock(&ib->mu);
    ib->bytes -= freed < ib->bytes ? freed : ib->bytes;
}

void inbox_release(inbox_t *ib, inbox_item_t *items)
{
    free_items(ib, items, 1);
    int space = ib->was_full && ib->bytes < ib->max;
    if (space)
        ib->was_full = 0;
    void (*fn)(void *) = ib->on_space;
    void *ctx = ib->space_ctx;
    pthread_mutex_unlock(&ib->mu);
    if (space && fn)
        fn(ctx);
}

void inbox_drop(inbox_t *ib, inbox_item_t *items)
{
    free_items(ib, items, 0);
    pthread_mutex_unlock(&ib->mu);
}

void inbox_set_stalled(inbox_t *ib, int stalled)
{
    pthread_mutex_lock(&ib->mu);
    ib->stalled = stalled;
    pthread_mutex_unlock(&ib->mu);
}

int inbox_stalled(inbox_t *ib)
{
    pthread_mutex_lock(&ib->mu);
    int s = ib->stalled;
    pthread_mutex_unlock(&ib->mu);
    return s;
}

void inbox_on_space(inbox_t *ib, void (*fn)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&ib->mu);
    ib->on_space = fn;
    ib->space_ctx = ctx;
    pthread_mutex_unlock(&ib->mu);
}
