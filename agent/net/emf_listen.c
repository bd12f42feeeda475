/* agent/net/emf_listen.c — the EMF TCP/UDP endpoint on a libuv loop in its own
 * thread (emf_listen.h). The thread owns every socket; it talks to the main
 * thread only through the inbox (documents), a uv_async to stop, a
 * uv_async to resume reading when the inbox has room, and the stats, read
 * under a mutex. UDP sockets are emf_udp.c's (recvmsg, the kernel's drops
 * counted); a timer collects those drops every second. */
#include "agent/net/emf_listen.h"
#include "agent/net/emf_udp.h"
#include "agent/net/listen_addr.h"
#include "common/xalloc.h"
#include "common/clock.h"
#include "common/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>
#include <sys/socket.h>

#define READ_CHUNK 65536

typedef struct conn {
    uv_tcp_t h;                /* first: the handle's data is the conn */
    uv_timer_t idle;
    emf_framer_t fr;
    struct emf_listener *l;
    struct conn *prev, *next;
    int paused, closing;
    char rbuf[READ_CHUNK];
} conn_t;

struct emf_listener {
    emf_listen_opts_t o;
    inbox_t *ib;
    uv_loop_t loop;
    uv_thread_t thread;
    uv_async_t stop_async, space_async;
    uv_tcp_t tcp[LISTEN_MAX_ENDPOINTS];
    emf_udp_t udp[LISTEN_MAX_ENDPOINTS];
    uv_timer_t drops_timer;    /* collects the kernel's UDP drops */
    int ntcp, nudp;
    conn_t *conns;
    int nconns;
    size_t partial;            /* buffer bytes the connections' framers hold */
    char hostname[128];
    char describe[LISTEN_MAX_ENDPOINTS * 64];
    pthread_mutex_t mu;        /* guards stats */
    emf_listen_stats_t stats;
    int64_t last_warn_ms;
};

#define STAT_ADD(l, field, n)                                                                      \
    do {                                                                                           \
        pthread_mutex_lock(&(l)->mu);                                                              \
        (l)->stats.field += (n);                                                                   \
        pthread_mutex_unlock(&(l)->mu);                                                            \
    } while (0)

/* One line per event on stderr, at most one a second (a flood of refused
 * connections must not become a flood of log lines; the counters count all). */
static void warn(emf_listener_t *l, const char *fmt, ...) OBS_PRINTF(2, 3);
static void warn(emf_listener_t *l, const char *fmt, ...)
{
    int64_t now = obs_wall_ms();
    if (now - l->last_warn_ms < 1000)
        return;
    l->last_warn_ms = now;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    obs_log(OBS_LOG_WARN, "emf: %s", msg);
}

/* ---- documents -------------------------------------------------------------- */

typedef struct frame_ctx {
    emf_listener_t *l;
    const char *default_stream;
    int64_t documents;        /* queued by this read: added to the stats once */
} frame_ctx_t;

static void on_frame(void *ctx, const char *doc, size_t len)
{
    frame_ctx_t *c = ctx;
    emf_route_t r;
    emf_route(doc, len, c->default_stream, &r);
    inbox_push(c->l->ib, INBOX_EMF, r.function, r.log_group, r.stream, doc, len, obs_wall_ms(), NULL);
    c->documents++;
}

/* ---- TCP ------------------------------------------------------------------ */

static void on_conn_closed(uv_handle_t *h)
{
    conn_t *c = h->data;
    emf_framer_done(&c->fr);
    free(c);
}

static void on_idle_closed(uv_handle_t *h)
{
    conn_t *c = h->data;
    uv_close((uv_handle_t *)&c->h, on_conn_closed);
}

static void conn_close(conn_t *c)
{
    if (c->closing)
        return;
    c->closing = 1;
    emf_listener_t *l = c->l;
    frame_ctx_t fc = { l, l->hostname, 0 };
    emf_framer_finish(&c->fr, on_frame, &fc);   /* a last document without '\n' */
    STAT_ADD(l, documents, fc.documents);
    if (c->prev)
        c->prev->next = c->next;
    else
        l->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    l->nconns--;
    l->partial -= c->fr.cap;
    uv_timer_stop(&c->idle);
    uv_close((uv_handle_t *)&c->idle, on_idle_closed);
}

static void on_idle(uv_timer_t *t)
{
    conn_t *c = t->data;
    STAT_ADD(c->l, tcp_idle_closed, 1);
    conn_close(c);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    conn_t *c = h->data;
    (void)suggested;
    *buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    conn_t *c = s->data;
    emf_listener_t *l = c->l;
    if (n < 0) {
        conn_close(c);
        return;
    }
    if (n == 0)
        return;
    frame_ctx_t fc = { l, l->hostname, 0 };
    int64_t before = c->fr.too_long;
    size_t held = c->fr.cap;
    emf_framer_feed(&c->fr, buf->base, (size_t)n, on_frame, &fc);
    STAT_ADD(l, documents, fc.documents);
    if (c->fr.too_long > before) {
        STAT_ADD(l, frames_too_long, c->fr.too_long - before);
        warn(l, "dropped a TCP document longer than %s (--emf-max-frame)", "the frame limit");
    }
    l->partial += c->fr.cap - held;   /* wraps back when the buffer shrank */
    if (l->partial > l->o.max_partial) {
        /* the connections' unfinished documents hold as much as the
         * buffer: the one that just grew is dropped */
        l->partial -= c->fr.cap;
        if (emf_framer_drop(&c->fr)) {
            STAT_ADD(l, frames_over_buffer, 1);
            warn(l, "dropped a TCP document not yet ended: unfinished documents hold %s (--emf-buffer)",
                 "as much as the buffer");
        }
    }
    uv_timer_again(&c->idle);
    /* the store is behind: this connection waits (the client's socket
     * buffers fill and it blocks), the others too as they read */
    if (inbox_full(l->ib)) {
        uv_read_stop(s);
        c->paused = 1;
        STAT_ADD(l, tcp_paused, 1);
    }
}

static void on_connection(uv_stream_t *server, int status)
{
    emf_listener_t *l = server->data;
    if (status < 0)
        return;
    conn_t *c = xcalloc(1, sizeof *c);
    c->l = l;
    uv_tcp_init(&l->loop, &c->h);
    c->h.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->h) != 0) {
        uv_close((uv_handle_t *)&c->h, on_conn_closed);
        return;
    }
    emf_framer_init(&c->fr, l->o.max_frame);
    if (l->nconns >= l->o.max_connections) {
        STAT_ADD(l, tcp_refused, 1);
        warn(l, "refused a TCP connection: %s are open (--emf-max-connections)", "as many as allowed");
        uv_close((uv_handle_t *)&c->h, on_conn_closed);
        return;
    }
    uv_timer_init(&l->loop, &c->idle);
    c->idle.data = c;
    uv_timer_start(&c->idle, on_idle, (uint64_t)l->o.idle_timeout_ms, (uint64_t)l->o.idle_timeout_ms);
    c->next = l->conns;
    if (l->conns)
        l->conns->prev = c;
    l->conns = c;
    l->nconns++;
    STAT_ADD(l, tcp_connections, 1);
    uv_read_start((uv_stream_t *)&c->h, on_alloc, on_read);
}

/* The inbox has room again: read the paused connections. */
static void on_space_async(uv_async_t *a)
{
    emf_listener_t *l = a->data;
    for (conn_t *c = l->conns; c; c = c->next)
        if (c->paused && !inbox_full(l->ib)) {
            c->paused = 0;
            uv_read_start((uv_stream_t *)&c->h, on_alloc, on_read);
        }
}

static void space_cb(void *ctx)
{
    emf_listener_t *l = ctx;
    uv_async_send(&l->space_async);
}

/* ---- UDP ------------------------------------------------------------------ */

/* A datagram: one or more documents, or dropped when the inbox is full. */
static void on_udp(void *ctx, const char *buf, size_t n, int truncated)
{
    emf_listener_t *l = ctx;
    if (n == 0)
        return;
    STAT_ADD(l, udp_datagrams, 1);
    if (truncated) {
        STAT_ADD(l, frames_too_long, 1);
        warn(l, "dropped a UDP datagram longer than %s bytes", "65536");
        return;
    }
    if (inbox_full(l->ib)) {   /* UDP cannot wait: counted, said */
        STAT_ADD(l, udp_dropped, 1);
        warn(l, "dropped a UDP datagram: %s", "the store is behind (TCP waits instead)");
        return;
    }
    emf_framer_t fr;
    emf_framer_init(&fr, l->o.max_frame);
    frame_ctx_t fc = { l, l->hostname, 0 };
    emf_framer_feed(&fr, buf, n, on_frame, &fc);
    emf_framer_finish(&fr, on_frame, &fc);
    STAT_ADD(l, documents, fc.documents);
    if (fr.too_long)
        STAT_ADD(l, frames_too_long, fr.too_long);
    emf_framer_done(&fr);
}

/* The datagrams the kernel dropped (the receive buffer was full): counted
 * and said, like the ones the agent drops itself. */
static void collect_drops(emf_listener_t *l)
{
    int64_t d = 0;
    for (int i = 0; i < l->nudp; i++)
        d += emf_udp_take_drops(&l->udp[i]);
    if (d > 0) {
        STAT_ADD(l, udp_kernel_dropped, d);
        warn(l, "the kernel dropped %s (its receive buffer was full): counted as emf_udp_kernel_dropped",
             "UDP datagrams");
    }
}

static void on_drops_timer(uv_timer_t *t)
{
    collect_drops(t->data);
}

/* ---- start / stop ------------------------------------------------------------ */

/* Close every connection (queueing their last partial documents), then
 * the listening sockets and the asyncs: uv_run then returns. */
static void close_all(emf_listener_t *l)
{
    while (l->conns)
        conn_close(l->conns);
    for (int i = 0; i < l->ntcp; i++)
        if (!uv_is_closing((uv_handle_t *)&l->tcp[i]))
            uv_close((uv_handle_t *)&l->tcp[i], NULL);
    collect_drops(l);
    for (int i = 0; i < l->nudp; i++)
        emf_udp_close(&l->udp[i]);
    if (!uv_is_closing((uv_handle_t *)&l->drops_timer))
        uv_close((uv_handle_t *)&l->drops_timer, NULL);
    if (!uv_is_closing((uv_handle_t *)&l->stop_async))
        uv_close((uv_handle_t *)&l->stop_async, NULL);
    if (!uv_is_closing((uv_handle_t *)&l->space_async))
        uv_close((uv_handle_t *)&l->space_async, NULL);
}

static void on_stop_async(uv_async_t *a)
{
    close_all(a->data);
}

static void run(void *arg)
{
    emf_listener_t *l = arg;
    uv_run(&l->loop, UV_RUN_DEFAULT);
}

/* eps[i] is bound at sas[i] (listen_addr_resolve). */
static int bind_all(emf_listener_t *l, const listen_endpoint_t *eps, const struct sockaddr_storage *sas, int n,
                    obs_err_t *err)
{
    size_t dl = 0;
    for (int i = 0; i < n; i++) {
        const listen_endpoint_t *e = &eps[i];
        const struct sockaddr_storage *sa = &sas[i];
        char name[160];
        listen_addr_name(e, 1, name, sizeof name);
        int rc;
        if (e->udp) {
            emf_udp_t *u = &l->udp[l->nudp++];
            rc = emf_udp_open(u, &l->loop, (const struct sockaddr *)sa,
                              sa->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
                              on_udp, l);
        } else {
            uv_tcp_t *t = &l->tcp[l->ntcp++];
            uv_tcp_init(&l->loop, t);
            t->data = l;
            rc = uv_tcp_bind(t, (const struct sockaddr *)sa, 0);
            if (!rc)
                /* the kernel's cap (net.core.somaxconn): with a short accept
                 * queue, a burst that overflows it has Linux hand some
                 * connections out twice (seen: 2,024-2,039 accepts for
                 * 2,000 connects at 128; none at 511 or more) */
                rc = uv_listen((uv_stream_t *)t, SOMAXCONN, on_connection);
        }
        if (rc)
            return obs_err_set(err, OBS_EIO, "cannot listen on %s: %s", name, uv_strerror(rc));
        if (dl < sizeof l->describe)
            dl += (size_t)snprintf(l->describe + dl, sizeof l->describe - dl, "%s%.100s", i ? " " : "", name);
    }
    return 0;
}

static void destroy(emf_listener_t *l)
{
    close_all(l);
    uv_run(&l->loop, UV_RUN_DEFAULT);   /* let the closes finish */
    uv_loop_close(&l->loop);
    inbox_on_space(l->ib, NULL, NULL);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

int emf_listener_start(const emf_listen_opts_t *o, inbox_t *ib, emf_listener_t **out, obs_err_t *err)
{
    listen_endpoint_t eps[LISTEN_MAX_ENDPOINTS];
    struct sockaddr_storage sas[LISTEN_MAX_ENDPOINTS];
    socklen_t len;
    int n = listen_addr_parse(o->spec, eps, LISTEN_MAX_ENDPOINTS, err);
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++)
        if (listen_addr_resolve(&eps[i], &sas[i], &len, err))
            return OBS_EINVAL;
    for (int i = 0; i < n; i++)
        if (!eps[i].loopback && !o->allow_remote)
            return obs_err_set(err, OBS_EINVAL,
                               "%s is not a loopback address: anyone who can reach it could write to the "
                               "store; add --listen-public to mean it", eps[i].host);
    emf_listener_t *l = xcalloc(1, sizeof *l);
    l->o = *o;
    if (!l->o.max_frame)
        l->o.max_frame = EMF_MAX_FRAME_DEFAULT;
    if (!l->o.max_connections)
        l->o.max_connections = EMF_MAX_CONNECTIONS_DEFAULT;
    if (!l->o.idle_timeout_ms)
        l->o.idle_timeout_ms = EMF_IDLE_TIMEOUT_MS_DEFAULT;
    if (!l->o.max_partial)
        l->o.max_partial = inbox_max(ib);
    l->ib = ib;
    pthread_mutex_init(&l->mu, NULL);
    if (gethostname(l->hostname, sizeof l->hostname - 1) != 0 || !l->hostname[0])
        snprintf(l->hostname, sizeof l->hostname, "localhost");
    uv_loop_init(&l->loop);
    uv_async_init(&l->loop, &l->stop_async, on_stop_async);
    l->stop_async.data = l;
    uv_async_init(&l->loop, &l->space_async, on_space_async);
    l->space_async.data = l;
    uv_timer_init(&l->loop, &l->drops_timer);
    l->drops_timer.data = l;
    uv_timer_start(&l->drops_timer, on_drops_timer, 1000, 1000);
    for (int i = 0; i < LISTEN_MAX_ENDPOINTS; i++)
        l->udp[i].fd = -1;
    int rc = bind_all(l, eps, sas, n, err);
    if (rc) {
        destroy(l);
        return rc;
    }
    for (int i = 0; i < n; i++)
        if (!eps[i].loopback)
            obs_log(OBS_LOG_WARN, "warning: EMF endpoint %s:%d is reachable from other hosts",
                    eps[i].host, eps[i].port);
    inbox_on_space(ib, space_cb, l);
    if (uv_thread_create(&l->thread, run, l) != 0) {
        destroy(l);
        return obs_err_set(err, OBS_EIO, "cannot start the EMF listener thread");
    }
    *out = l;
    return 0;
}

void emf_listener_stop(emf_listener_t *l, emf_listen_stats_t *final)
{
    if (!l)
        return;
    uv_async_send(&l->stop_async);
    uv_thread_join(&l->thread);
    if (final)
        *final = l->stats;
    destroy(l);
}

void emf_listener_stats(emf_listener_t *l, emf_listen_stats_t *out)
{
    pthread_mutex_lock(&l->mu);
    *out = l->stats;
    pthread_mutex_unlock(&l->mu);
}

const char *emf_listener_describe(const emf_listener_t *l)
{
    return l->describe;
}
