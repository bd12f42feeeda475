/* agent/net_source.c — glue between the EMF listeners and follow mode
 * (net_source.h): the inbox's fd for the loop's poll, a serve hook that
 * stores what waits and adds the listeners' counts to the store's agent
 * counters, a rollback hook, and a stop hook. */
#include "net_source.h"
#include "net_ingest.h"
#include "../common/xalloc.h"

#include <stdlib.h>

struct net_source {
    store_t *st;
    inbox_t *ib;
    emf_listener_t *l;
    net_ingest_t *ni;
    emf_listen_stats_t counted;     /* what is already in the store's counters */
};

int net_source_start(const emf_listen_opts_t *o, size_t buffer_bytes, store_t *st, pipeline_t *pl,
                     net_source_t **out, obs_err_t *err)
{
    net_source_t *ns = xcalloc(1, sizeof *ns);
    ns->st = st;
    ns->ib = inbox_new(buffer_bytes ? buffer_bytes : NET_BUFFER_BYTES_DEFAULT);
    int rc = emf_listener_start(o, ns->ib, &ns->l, err);
    if (rc) {
        inbox_free(ns->ib);
        free(ns);
        return rc;
    }
    ns->ni = net_ingest_new(pl, st, ns->ib);
    *out = ns;
    return 0;
}

/* The listeners' counts since the last call, into the store's counters. */
static void count(net_source_t *ns, const emf_listen_stats_t *final)
{
    emf_listen_stats_t now;
    if (final)
        now = *final;
    else
        emf_listener_stats(ns->l, &now);
#define ADD(field, name)                                                                           \
    if (now.field != ns->counted.field)                                                            \
        store_counter_add(ns->st, name, now.field - ns->counted.field);
    ADD(documents, "emf_net_documents")
    ADD(tcp_connections, "emf_tcp_connections")
    ADD(tcp_refused, "emf_tcp_refused")
    ADD(tcp_idle_closed, "emf_tcp_idle_closed")
    ADD(tcp_paused, "emf_tcp_paused")
    ADD(udp_datagrams, "emf_udp_datagrams")
    ADD(udp_dropped, "emf_udp_dropped")
    ADD(frames_too_long, "emf_frames_too_long")
#undef ADD
    ns->counted = now;
}

static int serve(void *ctx, obs_err_t *err)
{
    net_source_t *ns = ctx;
    if (ns->l)
        count(ns, NULL);
    return net_ingest_drain(ns->ni, NULL, err);
}

static void rolled_back(void *ctx)
{
    net_source_t *ns = ctx;
    net_ingest_rollback(ns->ni);
}

/* Stop listening: the connections' last documents are queued, counted,
 * and stored by the serve that follows. */
static void stop(void *ctx)
{
    net_source_t *ns = ctx;
    if (!ns->l)
        return;
    emf_listen_stats_t final;
    emf_listener_stop(ns->l, &final);
    ns->l = NULL;
    count(ns, &final);
}

void net_source_hook(net_source_t *ns, follow_opts_t *fo)
{
    fo->extra_fd = inbox_fd(ns->ib);
    fo->extra_serve = serve;
    fo->extra_rolled_back = rolled_back;
    fo->extra_stop = stop;
    fo->extra_ctx = ns;
}

void net_source_free(net_source_t *ns)
{
    if (!ns)
        return;
    emf_listener_stop(ns->l, NULL);
    net_ingest_free(ns->ni);
    inbox_free(ns->ib);
    free(ns);
}

const char *net_source_describe(const net_source_t *ns)
{
    return ns->l ? emf_listener_describe(ns->l) : "";
}
