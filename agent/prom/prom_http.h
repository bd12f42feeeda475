/* agent/prom/prom_http.h — the Prometheus endpoint: GET /metrics over HTTP
 * (libmicrohttpd, its own thread, its own read-only store connection), so
 * a scrape never waits for, nor blocks, the agent's writer. */
#ifndef OBS_METRICS_HTTP_H
#define OBS_METRICS_HTTP_H

#include "common/err.h"

#define METRICS_DEFAULT_LISTEN "127.0.0.1:9464"
/* A connection lives at most this long (request and response; every
 * response closes its connection), however slowly its client sends. */
#define METRICS_CONN_SECONDS 10
#define METRICS_MAX_CONNECTIONS 32
#define METRICS_MAX_PER_IP 8
/* Request line and headers must fit (a larger request gets 431). */
#define METRICS_REQUEST_BYTES (16 * 1024)

typedef struct metrics_http metrics_http_t;

typedef struct metrics_http_opts {
    const char *listen;       /* HOST:PORT ("[::1]:9464" for IPv6) */
    int allow_remote;         /* a non-loopback HOST is refused without it */
    const char *db_path;      /* the store, opened read-only */
} metrics_http_opts_t;

/* Bind and start serving; a non-loopback address (allowed) prints a
 * warning on stderr. */
int metrics_http_start(const metrics_http_opts_t *o, metrics_http_t **out, obs_err_t *err);
/* "http://HOST:PORT/metrics" */
const char *metrics_http_describe(const metrics_http_t *m);
/* Stop serving, close every connection and the store. NULL is a no-op. */
void metrics_http_stop(metrics_http_t *m);

#endif
