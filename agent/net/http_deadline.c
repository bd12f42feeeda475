/* agent/net/http_deadline.c — the whole-connection watchdog (http_deadline.h).
 * libmicrohttpd reports a connection closed before it closes the socket,
 * so the watchdog never shuts down a descriptor reused by another. */
#include "agent/net/http_deadline.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

typedef struct conn {
    int fd;
    time_t deadline;          /* CLOCK_MONOTONIC seconds */
    int cut;                  /* shut down already */
    struct conn *prev, *next;
} conn_t;

struct http_deadline {
    int seconds;
    pthread_t thread;
    pthread_mutex_t mu;       /* conns, stopping */
    pthread_cond_t cv;
    conn_t *conns;
    int stopping;
};

static time_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

void http_deadline_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode what)
{
    http_deadline_t *d = cls;
    pthread_mutex_lock(&d->mu);
    if (what == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_t *k = xcalloc(1, sizeof *k);
        k->fd = ci ? ci->connect_fd : -1;
        k->deadline = now_s() + d->seconds;
        k->next = d->conns;
        if (d->conns)
            d->conns->prev = k;
        d->conns = k;
        *socket_ctx = k;
    } else if (*socket_ctx) {
        conn_t *k = *socket_ctx;
        if (k->prev)
            k->prev->next = k->next;
        else
            d->conns = k->next;
        if (k->next)
            k->next->prev = k->prev;
        free(k);
        *socket_ctx = NULL;
    }
    pthread_mutex_unlock(&d->mu);
}

static void *watch(void *arg)
{
    http_deadline_t *d = arg;
    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        time_t now = now_s();
        for (conn_t *k = d->conns; k; k = k->next)
            if (!k->cut && k->fd >= 0 && now >= k->deadline) {
                shutdown(k->fd, SHUT_RDWR);   /* the daemon sees it end and closes it */
                k->cut = 1;
            }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&d->cv, &d->mu, &ts);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

http_deadline_t *http_deadline_new(int seconds)
{
    http_deadline_t *d = xcalloc(1, sizeof *d);
    d->seconds = seconds;
    pthread_mutex_init(&d->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&d->thread, NULL, watch, d) != 0) {
        pthread_mutex_destroy(&d->mu);
        pthread_cond_destroy(&d->cv);
        free(d);
        return NULL;
    }
    return d;
}

void http_deadline_free(http_deadline_t *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stopping = 1;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    for (conn_t *k = d->conns, *n; k; k = n) {
        n = k->next;
        free(k);
    }
    pthread_mutex_destroy(&d->mu);
    pthread_cond_destroy(&d->cv);
    free(d);
}
