/* agent/net_source.h — the EMF network endpoint as one more source of
 * follow mode: starts the listeners (emf_listen.h) with an inbox, and gives
 * follow_run the hooks that store their documents (net_ingest.h), count
 * them into the agent's counters, and stop them at the end. */
#ifndef OBS_NET_SOURCE_H
#define OBS_NET_SOURCE_H

#include "emf_listen.h"
#include "follow.h"

typedef struct net_source net_source_t;

#define NET_BUFFER_BYTES_DEFAULT (32 * 1024 * 1024)

/* Listen as o says; buffer_bytes bounds what waits for the store. */
int net_source_start(const emf_listen_opts_t *o, size_t buffer_bytes, store_t *st, pipeline_t *pl,
                     net_source_t **out, obs_err_t *err);
/* Fill fo's extra_* hooks with this source. */
void net_source_hook(net_source_t *ns, follow_opts_t *fo);
/* Stop (if follow_run did not) and free. NULL is a no-op. */
void net_source_free(net_source_t *ns);
const char *net_source_describe(const net_source_t *ns);

#endif
