/* agent/net/inbox.c — a mutex-guarded FIFO with an eventfd (inbox.h). */
#include "agent/net/inbox.h"
#include "common/xalloc.h"

#include <pthread.h>
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

void inbox_free(inbox_t *ib)
{
    if (!ib)
        return;
    for (inbox_item_t *it = ib->head, *next; it; it = next) {
        next = it->next;
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
                const char *stream, const char *line, size_t len, int64_t arrival_ms)
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

void inbox_release(inbox_t *ib, inbox_item_t *items)
{
    size_t freed = 0;
    for (inbox_item_t *it = items, *next; it; it = next) {
        next = it->next;
        freed += item_size(it);
        free(it);
    }
    pthread_mutex_lock(&ib->mu);
    ib->bytes -= freed < ib->bytes ? freed : ib->bytes;
    int space = ib->was_full && ib->bytes < ib->max;
    if (space)
        ib->was_full = 0;
    void (*fn)(void *) = ib->on_space;
    void *ctx = ib->space_ctx;
    pthread_mutex_unlock(&ib->mu);
    if (space && fn)
        fn(ctx);
}

void inbox_on_space(inbox_t *ib, void (*fn)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&ib->mu);
    ib->on_space = fn;
    ib->space_ctx = ctx;
    pthread_mutex_unlock(&ib->mu);
}
