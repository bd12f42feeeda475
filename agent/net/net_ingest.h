/* agent/net/net_ingest.h — the main loop's side of the inbox: every document
 * the network threads queued is stored through the pipeline (as one event
 * at its arrival time, EMF extracted as from a log line) in the stream its
 * route names, and released once committed. */
#ifndef OBS_NET_INGEST_H
#define OBS_NET_INGEST_H

#include "agent/net/inbox.h"
#include "agent/pipeline.h"

typedef struct net_ingest net_ingest_t;

net_ingest_t *net_ingest_new(pipeline_t *pl, store_t *st, inbox_t *ib);
void net_ingest_free(net_ingest_t *ni);
/* Store what waits (first what a rollback gave back); *stored (may be NULL)
 * gets how many. Documents are released once a commit holds them. Returns 0
 * or the store's error (that document and the rest are kept to retry). */
int net_ingest_drain(net_ingest_t *ni, int *stored, obs_err_t *err);
/* The open batch was rolled back and the pipeline reset: what the batch
 * held of the network's documents is stored again, first, by the next
 * drain (in streams opened anew). */
void net_ingest_rollback(net_ingest_t *ni);

/* A batch committed (or not: a no-op): the documents it held are
 * released, and the senders waiting for them hear that they are stored. */
void net_ingest_committed(net_ingest_t *ni);
/* Does a sender wait for a document of the open batch (commit soon)? */
int net_ingest_waited_on(const net_ingest_t *ni);
/* The agent stops without storing what it holds: every document (stored
 * in the open batch, to retry, or still queued) is dropped, its sender
 * told why; *emf and *tel get how many EMF documents and Telemetry API
 * records that was. */
void net_ingest_abandon(net_ingest_t *ni, const char *why, int64_t *emf, int64_t *tel);

#endif
