/* agent/net/net_source.h — the network inputs as one more source of follow
 * mode: starts the EMF listeners (emf_listen.h) and the Telemetry API
 * receiver (telemetry_http.h) with one inbox, and gives follow_run the
 * hooks that store what they received (net_ingest.h), count it into the
 * agent's counters, and stop them at the end. */
#ifndef OBS_NET_SOURCE_H
#define OBS_NET_SOURCE_H

#include "agent/net/emf_listen.h"
#include "agent/tail/tail.h"
#include "agent/net/telemetry_http.h"

typedef struct net_source net_source_t;

#define NET_BUFFER_BYTES_DEFAULT (32 * 1024 * 1024)

typedef struct net_opts {
    emf_listen_opts_t emf;      /* spec NULL: no EMF endpoint */
    telemetry_opts_t telemetry; /* listen NULL: no receiver */
    size_t buffer_bytes;        /* what waits for the store, at most */
} net_opts_t;

int net_source_start(const net_opts_t *o, store_t *st, pipeline_t *pl, net_source_t **out, obs_err_t *err);
/* Fill fo's extra_* hooks with this source. */
void net_source_hook(net_source_t *ns, follow_opts_t *fo);
/* Stop (if follow_run did not) and free. NULL is a no-op. */
void net_source_free(net_source_t *ns);
/* One line for stderr: where it listens. */
void net_source_describe(const net_source_t *ns, char *out, size_t n);

#endif
