/* agent/net/emf_listen.h — the CloudWatch agent's EMF endpoint: TCP and UDP
 * listeners (default 127.0.0.1:25888) on a libuv loop in their own thread.
 * TCP streams are split on '\n' (partial frames across reads, many
 * long-lived connections); a UDP datagram holds one or more documents.
 * Each document is routed (emf_wire.h) and handed to the main loop through
 * the inbox; the main loop alone writes the store. Limits: frame size,
 * connection count, idle time, the bytes of partial documents all
 * connections hold (a document whose part takes them past it is dropped,
 * counted and said); a connection whose documents cannot be
 * queued (inbox full) stops being read until there is room, UDP
 * datagrams are then dropped and counted. Nothing a client sends is
 * interpreted here beyond the route. */
#ifndef OBS_EMF_LISTEN_H
#define OBS_EMF_LISTEN_H

#include "agent/net/emf_wire.h"
#include "agent/net/inbox.h"
#include "common/err.h"

#include <stdint.h>

typedef struct emf_listen_opts {
    const char *spec;          /* "tcp://127.0.0.1:25888,udp://..." */
    int allow_remote;          /* a non-loopback address is refused without it */
    size_t max_frame;          /* bytes per document (default 1 MiB) */
    int max_connections;       /* open TCP connections (default 256) */
    int idle_timeout_ms;       /* a TCP connection silent this long is closed (default 300 s) */
    size_t max_partial;        /* buffers of partial documents, all connections together
                                * (default: the inbox's bound, --emf-buffer) */
} emf_listen_opts_t;

#define EMF_MAX_FRAME_DEFAULT (1024 * 1024)
#define EMF_MAX_CONNECTIONS_DEFAULT 256
#define EMF_IDLE_TIMEOUT_MS_DEFAULT 300000

typedef struct emf_listen_stats {
    int64_t documents;         /* queued for the store */
    int64_t tcp_connections, tcp_refused, tcp_idle_closed, tcp_paused;
    int64_t udp_datagrams, udp_dropped;
    int64_t udp_kernel_dropped;  /* dropped by the kernel (receive buffer full): SO_RXQ_OVFL */
    int64_t frames_too_long;
    int64_t frames_over_buffer;  /* partial documents dropped: max_partial was reached */
} emf_listen_stats_t;

typedef struct emf_listener emf_listener_t;

/* Bind every endpoint (errors, e.g. the port in use, are returned here),
 * then serve on a thread. */
int emf_listener_start(const emf_listen_opts_t *o, inbox_t *ib, emf_listener_t **out, obs_err_t *err);
/* Stop serving, close every connection (their last partial documents are
 * queued), join the thread; *final (may be NULL) gets the last stats. NULL
 * is a no-op. */
void emf_listener_stop(emf_listener_t *l, emf_listen_stats_t *final);
void emf_listener_stats(emf_listener_t *l, emf_listen_stats_t *out);
/* The bound addresses, for logs: "tcp://127.0.0.1:25888 udp://...". */
const char *emf_listener_describe(const emf_listener_t *l);

#endif
