/* agent/prom/prom_http.h — the Prometheus endpoint: GET /metrics over HTTP
 * (libmicrohttpd, its own thread, its own read-only store connection), so
 * a scrape never waits for, nor blocks, the agent's writer. */
#ifndef OBS_PROM_HTTP_H
#define OBS_PROM_HTTP_H

#include "common/err.h"

#define PROM_DEFAULT_LISTEN "127.0.0.1:9464"
/* A connection lives at most this long (request and response; every
 * response closes its connection), however slowly its client sends. */
#define PROM_CONN_SECONDS 10
#define PROM_MAX_CONNECTIONS 32
#define PROM_MAX_PER_IP 8
/* Request line and headers must fit (a larger request gets 431). */
#define PROM_REQUEST_BYTES (16 * 1024)

typedef struct prom_http prom_http_t;

typedef struct prom_http_opts {
    const char *listen;       /* HOST:PORT ("[::1]:9464" for IPv6) */
    int allow_remote;         /* a non-loopback HOST is refused without it */
    const char *db_path;      /* the store, opened read-only */
    int max_series;           /* functions, and EMF series, per scrape (0: PROM_MAX_SERIES_DEFAULT) */
} prom_http_opts_t;

/* A scrape holds its text and its series in memory: about 4 KB per
 * function, 0.2 KB per EMF series. */
#define PROM_MAX_SERIES_DEFAULT 10000

/* Bind and start serving; a non-loopback address (allowed) prints a
 * warning on stderr. */
int prom_http_start(const prom_http_opts_t *o, prom_http_t **out, obs_err_t *err);
/* "http://HOST:PORT/metrics" */
const char *prom_http_describe(const prom_http_t *m);
/* Stop serving, close every connection and the store. NULL is a no-op. */
void prom_http_stop(prom_http_t *m);

#endif
