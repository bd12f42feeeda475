/* agent/net/telemetry_http.h — the Lambda Telemetry API receiver: an HTTP
 * listener (libmicrohttpd, its own thread) that takes the batches Lambda
 * POSTs to a subscribed extension (JSON arrays, agent/net/telemetry.h) and
 * hands their lines to the main loop through the inbox. The route: the
 * URL's path names the function (POST /orders), else the default; the
 * query's ?stream= the stream. 200 is answered once the batch is committed
 * to the store; a full inbox, a paused store or a stop answer 503, which
 * Lambda retries; a body that is not a JSON array answers 400 and is
 * counted. */
#ifndef OBS_TELEMETRY_HTTP_H
#define OBS_TELEMETRY_HTTP_H

#include "agent/net/inbox.h"
#include "common/err.h"

#include <stdint.h>

typedef struct telemetry_opts {
    const char *listen;        /* "HOST:PORT" */
    int allow_remote;          /* a non-loopback address needs it */
    const char *function;      /* default function (else "telemetry") */
    const char *stream;        /* default stream (else "telemetry") */
    size_t max_body;           /* bytes (default 4 MiB: twice Lambda's largest batch) */
} telemetry_opts_t;

#define TELEMETRY_MAX_BODY_DEFAULT (4 * 1024 * 1024)

typedef struct telemetry_stats {
    int64_t batches, lines, rejected, busy, too_large;
    int64_t not_stored;        /* answered 503 because the agent stopped without storing them */
    int64_t logs_dropped_records, logs_dropped_bytes;
} telemetry_stats_t;

typedef struct telemetry_server telemetry_server_t;

/* Bind (errors such as a port in use are returned here) and serve. */
int telemetry_start(const telemetry_opts_t *o, inbox_t *ib, telemetry_server_t **out, obs_err_t *err);
/* Take no more batches (each is answered 503); the ones waiting for a
 * commit still get their answer. Then telemetry_stop. NULL: no-op. */
void telemetry_close(telemetry_server_t *s);
/* Stop and free; *final (may be NULL) gets the last stats. NULL: no-op. */
void telemetry_stop(telemetry_server_t *s, telemetry_stats_t *final);
void telemetry_stats(telemetry_server_t *s, telemetry_stats_t *out);
/* The listen address as given ("HOST:PORT"). */
const char *telemetry_listen(const telemetry_server_t *s);

#endif
