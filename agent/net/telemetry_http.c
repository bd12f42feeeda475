/* agent/net/telemetry_http.c — the Telemetry API receiver on libmicrohttpd
 * (telemetry_http.h). MHD owns the sockets, the parsing of HTTP, the
 * connection timeout and limits; this file collects a request's body,
 * turns it into lines (telemetry.c), queues them, and answers 200 only once
 * the batch that stores them has committed (the inbox's acknowledgements):
 * Lambda does not send an acknowledged batch again, so an answer given
 * before the commit could lose it to a crash. Each connection has its own
 * thread (MHD_USE_THREAD_PER_CONNECTION), so one waiting request holds up
 * no other. While the main loop is paused (the store locked or full), or
 * after it stopped taking batches, the answer is 503 at once, which Lambda
 * retries; a wait that ends with nothing of the batch in an open
 * transaction is a 503 too, and its records are dropped, never stored
 * after the answer. A connection is cut CONNECTION_DEADLINE_S after it
 * opened (http_deadline.h): the idle timeout alone lets a client that
 * trickles a byte at a time hold a slot. */
#include "agent/net/telemetry_http.h"
#include "agent/net/telemetry.h"
#include "agent/net/http_deadline.h"
#include "agent/net/listen_addr.h"
#include "common/xalloc.h"
#include "common/log.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONNECTION_TIMEOUT_S 10
#define CONNECTION_DEADLINE_S 30   /* a 4 MiB batch needs far less on a local link */
#define CONNECTION_LIMIT 64
#define ACK_WAIT_MS 10000          /* for the commit; a commit comes within a turn of the loop */

struct telemetry_server {
    struct MHD_Daemon *d;
    http_deadline_t *deadline;  /* a connection is cut CONNECTION_DEADLINE_S after it opened */
    inbox_t *ib;
    telemetry_opts_t o;
    pthread_mutex_t mu;
    telemetry_stats_t stats;
    int closing;               /* stopping: no batch is taken any more */
    int quiesced_fd;           /* the listening socket MHD_quiesce_daemon handed back, or -1 */
};

typedef struct request {
    char *body;
    size_t len, cap;
    int too_large;
} request_t;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "text/plain");
    enum MHD_Result ok = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ok;
}

static void count(telemetry_server_t *s, int64_t *field, int64_t n)
{
    pthread_mutex_lock(&s->mu);
    *field += n;
    pthread_mutex_unlock(&s->mu);
}

/* Queue a batch's lines for function/stream and wait until they are stored:
 * 200, 400 or 503. */
static unsigned take(telemetry_server_t *s, const request_t *q, const char *function, const char *stream,
                     const char **text)
{
    pthread_mutex_lock(&s->mu);
    int closing = s->closing;
    pthread_mutex_unlock(&s->mu);
    if (closing) {
        *text = "busy: the agent is stopping; retry\n";
        count(s, &s->stats.busy, 1);
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    if (inbox_full(s->ib) || inbox_stalled(s->ib)) {
        *text = inbox_stalled(s->ib) ? "busy: the store is locked or full; retry\n"
                                     : "busy: the store is behind; retry\n";
        count(s, &s->stats.busy, 1);
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    telemetry_batch_t b;
    const char *why;
    if (telemetry_parse(q->body ? q->body : "", q->len, &b, &why) != 0) {
        *text = why;
        count(s, &s->stats.rejected, 1);
        return MHD_HTTP_BAD_REQUEST;
    }
    char group[512];
    snprintf(group, sizeof group, "/aws/lambda/%s", function);
    inbox_ack_t *ack = inbox_ack_new();
    for (int i = 0; i < b.n; i++)
        inbox_push(s->ib, INBOX_TELEMETRY, function, group, stream, b.lines[i].text, b.lines[i].len,
                   b.lines[i].ts_ms, ack);
    int n = b.n;
    int64_t dropped_records = b.logs_dropped_records, dropped_bytes = b.logs_dropped_bytes;
    telemetry_batch_free(&b);
    const char *failed;
    inbox_ack_state_t st = inbox_ack_wait(ack, ACK_WAIT_MS, &failed);
    unsigned code = MHD_HTTP_OK;
    *text = "OK";
    if (st == ACK_STORED) {
        pthread_mutex_lock(&s->mu);
        s->stats.batches++;
        s->stats.lines += n;
        s->stats.logs_dropped_records = telemetry_count_add(s->stats.logs_dropped_records, dropped_records);
        s->stats.logs_dropped_bytes = telemetry_count_add(s->stats.logs_dropped_bytes, dropped_bytes);
        pthread_mutex_unlock(&s->mu);
    } else {
        /* not stored, and never will be: Lambda sends it again */
        *text = st == ACK_FAILED ? "not stored: the agent is stopping and cannot write the store; retry\n"
                                 : "busy: not stored in time (the store is behind); retry\n";
        count(s, st == ACK_FAILED ? &s->stats.not_stored : &s->stats.busy, 1);
        code = MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    inbox_ack_unref(ack);
    return code;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *data, size_t *data_size, void **ctx)
{
    telemetry_server_t *s = cls;
    (void)version;
    int upload = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0;
    if (!upload) {
        if (strcmp(method, "GET") == 0 && strcmp(url, "/") == 0)
            return reply(c, MHD_HTTP_OK, "obsagent: Lambda Telemetry API receiver; POST batches here\n");
        return reply(c, strcmp(method, "GET") == 0 ? MHD_HTTP_NOT_FOUND : MHD_HTTP_METHOD_NOT_ALLOWED,
                     "POST a Telemetry API batch (a JSON array)\n");
    }
    request_t *q = *ctx;
    if (!q) {   /* the headers are in: the body follows */
        *ctx = xcalloc(1, sizeof *q);
        return MHD_YES;
    }
    if (*data_size) {
        if (q->len + *data_size > s->o.max_body) {
            q->too_large = 1;
        } else {
            if (q->len + *data_size > q->cap) {
                q->cap = (q->len + *data_size) * 2;
                q->body = xrealloc(q->body, q->cap);
            }
            memcpy(q->body + q->len, data, *data_size);
            q->len += *data_size;
        }
        *data_size = 0;
        return MHD_YES;
    }
    if (q->too_large) {
        count(s, &s->stats.too_large, 1);
        return reply(c, MHD_HTTP_CONTENT_TOO_LARGE, "the batch is larger than the receiver takes\n");
    }
    /* the route: /FUNCTION and ?stream=NAME */
    const char *fn = url[0] == '/' && url[1] ? url + 1 : s->o.function ? s->o.function : "telemetry";
    const char *st = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "stream");
    if (!st || !*st)
        st = s->o.stream ? s->o.stream : "telemetry";
    char function[256];
    snprintf(function, sizeof function, "%s", fn);
    char *slash = strchr(function, '/');
    if (slash)
        *slash = '\0';
    const char *text;
    unsigned code = take(s, q, function, st, &text);
    return reply(c, code, text);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    request_t *q = *ctx;
    if (q) {
        free(q->body);
        free(q);
        *ctx = NULL;
    }
}

int telemetry_start(const telemetry_opts_t *o, inbox_t *ib, telemetry_server_t **out, obs_err_t *err)
{
    /* HOST:PORT is a tcp:// listen endpoint without its scheme; HOST may be
     * a name (sandbox.localdomain in Lambda) */
    char spec[300];
    listen_endpoint_t e;
    struct sockaddr_storage sa;
    socklen_t len;
    if (snprintf(spec, sizeof spec, "tcp://%s", o->listen) >= (int)sizeof spec || strchr(o->listen, ',') ||
        strstr(o->listen, "://"))
        return obs_err_set(err, OBS_EINVAL, "telemetry listen address '%.100s': expected HOST:PORT", o->listen);
    if (listen_addr_parse(spec, &e, 1, err) != 1 || listen_addr_resolve(&e, &sa, &len, err))
        return OBS_EINVAL;
    int loopback = e.loopback;
    if (!loopback && !o->allow_remote)
        return obs_err_set(err, OBS_EINVAL,
                           "%s is not a loopback address: anyone who can reach it could write to the store; "
                           "add --listen-public to mean it", o->listen);
    telemetry_server_t *s = xcalloc(1, sizeof *s);
    s->o = *o;
    if (!s->o.max_body)
        s->o.max_body = TELEMETRY_MAX_BODY_DEFAULT;
    s->ib = ib;
    s->quiesced_fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    if (!(s->deadline = http_deadline_new(CONNECTION_DEADLINE_S))) {
        pthread_mutex_destroy(&s->mu);
        free(s);
        return obs_err_set(err, OBS_EIO, "cannot start the Telemetry receiver's watchdog thread");
    }
    s->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC |
                                (sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
                            0, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, http_deadline_notify, s->deadline, MHD_OPTION_END);
    if (!s->d) {
        http_deadline_free(s->deadline);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return obs_err_set(err, OBS_EIO, "cannot listen on %s for the Telemetry API (in use?)", o->listen);
    }
    if (!loopback)
        obs_log(OBS_LOG_WARN, "warning: Telemetry API receiver %s is reachable from other hosts", o->listen);
    *out = s;
    return 0;
}

void telemetry_close(telemetry_server_t *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->closing = 1;
    pthread_mutex_unlock(&s->mu);
    if (s->quiesced_fd < 0)
        s->quiesced_fd = MHD_quiesce_daemon(s->d);   /* no new connection; closed after the stop */
}

void telemetry_stop(telemetry_server_t *s, telemetry_stats_t *final)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    if (s->quiesced_fd >= 0)
        close(s->quiesced_fd);
    http_deadline_free(s->deadline);
    if (final)
        *final = s->stats;
    pthread_mutex_destroy(&s->mu);
    free(s);
}

void telemetry_stats(telemetry_server_t *s, telemetry_stats_t *out)
{
    pthread_mutex_lock(&s->mu);
    *out = s->stats;
    pthread_mutex_unlock(&s->mu);
}

const char *telemetry_listen(const telemetry_server_t *s)
{
    return s->o.listen;
}
