/* agent/prom/prom_http.c — serves GET /metrics (agent/prom/prom_text.c's rendering
 * of store_totals_read, streamed a piece at a time, then of
 * store_concurrency_read) with libmicrohttpd: one internal polling thread,
 * which alone uses a read-only store connection; small request limits; a
 * whole-connection deadline of PROM_CONN_SECONDS (http_deadline.h). */
#include "agent/prom/prom_http.h"
#include "agent/net/listen_addr.h"
#include "agent/net/http_deadline.h"
#include "agent/prom/prom_text.h"
#include "common/clock.h"
#include "common/xalloc.h"
#include "store/store.h"
#include "common/log.h"

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct prom_http {
    struct MHD_Daemon *d;
    store_t *st;              /* used by the daemon's thread only */
    int max_series;
    int fd;                   /* the listening socket until the daemon has it */
    char describe[128];
    http_deadline_t *deadline;  /* cuts a connection PROM_CONN_SECONDS after it opened */
};

/* ---- requests ------------------------------------------------------------ */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, char *body, const char *type)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

/* A scrape being sent: the totals read at once (one snapshot, bounded by
 * --metrics-max-series), their text written a piece at a time as the
 * client takes it, so only about one block of it is held. */
#define SCRAPE_BLOCK (32 * 1024)

typedef struct scrape {
    store_totals_t t;
    store_concurrency_t cc;   /* written after the totals, in one piece */
    prom_cursor_t *c;         /* NULL once the totals are written */
    int cc_written;
    buf_t b;                  /* written, not sent yet: from off */
    size_t off;
} scrape_t;

static ssize_t scrape_read(void *cls, uint64_t pos, char *out, size_t max)
{
    scrape_t *sc = cls;
    (void)pos;
    while (sc->c && sc->b.len - sc->off < max)
        if (!prom_cursor_next(sc->c, &sc->b)) {
            prom_cursor_free(sc->c);
            sc->c = NULL;
        }
    if (!sc->c && !sc->cc_written && sc->b.len - sc->off < max) {
        prom_render_concurrency(&sc->b, &sc->cc);
        sc->cc_written = 1;
    }
    size_t n = sc->b.len - sc->off;
    if (n == 0)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (n > max)
        n = max;
    memcpy(out, sc->b.p + sc->off, n);
    sc->off += n;
    if (sc->off == sc->b.len)
        sc->off = sc->b.len = 0;   /* all sent: the buffer is written again from its start */
    return (ssize_t)n;
}

static void scrape_free(void *cls)
{
    scrape_t *sc = cls;
    prom_cursor_free(sc->c);
    store_totals_free(&sc->t);
    store_concurrency_free(&sc->cc);
    buf_free(&sc->b);
    free(sc);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req)
{
    prom_http_t *m = cls;
    (void)version, (void)upload, (void)upload_size, (void)req;
    int metrics = strcmp(url, "/metrics") == 0, root = strcmp(url, "/") == 0;
    if (!metrics && !root)
        return reply(c, MHD_HTTP_NOT_FOUND, xstrdup("not found: the metrics are at /metrics\n"),
                     "text/plain; charset=utf-8");
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, xstrdup("only GET and HEAD\n"),
                     "text/plain; charset=utf-8");
    if (root)
        return reply(c, MHD_HTTP_OK, xstrdup("obsagent: Prometheus metrics at /metrics\n"),
                     "text/plain; charset=utf-8");
    if (strcmp(method, "HEAD") == 0)   /* the headers alone: no text is written (nor read) */
        return reply(c, MHD_HTTP_OK, xstrdup(""), PROM_CONTENT_TYPE);
    scrape_t *sc = xcalloc(1, sizeof *sc);
    obs_err_t err = { 0 };
    if (store_totals_read(m->st, m->max_series, &sc->t, &err)) {
        free(sc);
        buf_t b = { 0 };
        buf_printf(&b, "obsagent: %s\n", err.msg);
        return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, buf_take(&b), "text/plain; charset=utf-8");
    }
    int64_t now = obs_wall_ms();
    store_concurrency_query_t cq = { .since = now - PROM_CONCURRENCY_WINDOW_MS, .until = now + 1, .now = now };
    if (store_concurrency_read(m->st, &cq, &sc->cc, &err)) {
        store_totals_free(&sc->t);
        free(sc);
        buf_t b = { 0 };
        buf_printf(&b, "obsagent: %s\n", err.msg);
        return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, buf_take(&b), "text/plain; charset=utf-8");
    }
    sc->c = prom_cursor_new(&sc->t);
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SCRAPE_BLOCK, scrape_read,
                                                               sc, scrape_free);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, PROM_CONTENT_TYPE);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return rc;
}

/* ---- start / stop ----------------------------------------------------------- */

/* A listening TCP socket at sa (v6 sockets take v6 only). */
static int bind_listen(const listen_endpoint_t *e, const struct sockaddr_storage *sa, socklen_t len, int *fd_out,
                       obs_err_t *err)
{
    int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0)
        return obs_err_set(err, OBS_EIO, "cannot create a socket: %s", strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (sa->ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (const struct sockaddr *)sa, len) != 0 || listen(fd, 64) != 0) {
        int e2 = errno;
        char name[128];
        close(fd);
        listen_addr_name(e, 0, name, sizeof name);
        return obs_err_set(err, OBS_EIO, "cannot listen on %s for /metrics: %s", name, strerror(e2));
    }
    *fd_out = fd;
    return 0;
}

int prom_http_start(const prom_http_opts_t *o, prom_http_t **out, obs_err_t *err)
{
    /* HOST:PORT is an EMF tcp:// endpoint without its scheme */
    char spec[200];
    listen_endpoint_t e;
    *out = NULL;
    if (snprintf(spec, sizeof spec, "tcp://%s", o->listen) >= (int)sizeof spec || strchr(o->listen, ',') ||
        strstr(o->listen, "://"))
        return obs_err_set(err, OBS_EINVAL, "--metrics-listen '%.100s': expected HOST:PORT", o->listen);
    struct sockaddr_storage sa;
    socklen_t len;
    if (listen_addr_parse(spec, &e, 1, err) != 1 || listen_addr_resolve(&e, &sa, &len, err))
        return OBS_EINVAL;
    if (!e.loopback && !o->allow_remote)
        return obs_err_set(err, OBS_EINVAL,
                           "--metrics-listen %s is not a loopback address: anyone who can reach it could read "
                           "the metrics; add --listen-public to mean it", e.host);
    prom_http_t *m = xcalloc(1, sizeof *m);
    m->fd = -1;
    m->max_series = o->max_series ? o->max_series : PROM_MAX_SERIES_DEFAULT;
    int rc = store_open_readonly(o->db_path, &m->st, err);
    if (!rc && !(m->deadline = http_deadline_new(PROM_CONN_SECONDS)))
        rc = obs_err_set(err, OBS_EIO, "cannot start the /metrics watchdog thread");
    if (!rc)
        rc = bind_listen(&e, &sa, len, &m->fd, err);
    if (!rc) {
        m->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | (sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0), 0,
                                NULL, NULL, on_request, m,
                                MHD_OPTION_LISTEN_SOCKET, m->fd,
                                MHD_OPTION_CONNECTION_LIMIT, (unsigned)PROM_MAX_CONNECTIONS,
                                MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PROM_MAX_PER_IP,
                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)PROM_REQUEST_BYTES,
                                MHD_OPTION_NOTIFY_CONNECTION, http_deadline_notify, m->deadline,
                                MHD_OPTION_END);
        if (!m->d)
            rc = obs_err_set(err, OBS_EIO, "cannot start the /metrics HTTP server");
        else
            m->fd = -1;   /* MHD_quiesce_daemon hands it back at the stop */
    }
    if (rc) {
        prom_http_stop(m);
        return rc;
    }
    char name[80];   /* a host of at most 63 bytes, brackets, a port */
    listen_addr_name(&e, 0, name, sizeof name);
    snprintf(m->describe, sizeof m->describe, "http://%s/metrics", name);
    if (!e.loopback)
        obs_log(OBS_LOG_WARN, "warning: /metrics on %s:%d is reachable from other hosts", e.host, e.port);
    *out = m;
    return 0;
}

const char *prom_http_describe(const prom_http_t *m)
{
    return m->describe;
}

void prom_http_stop(prom_http_t *m)
{
    if (!m)
        return;
    if (m->d) {
        MHD_socket fd = MHD_quiesce_daemon(m->d);
        MHD_stop_daemon(m->d);
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
    }
    if (m->fd >= 0)
        close(m->fd);
    http_deadline_free(m->deadline);   /* after the daemon: no more notifications */
    store_close(m->st, NULL);
    free(m);
}
