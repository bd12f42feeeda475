/* agent/net/net_source.c — glue between the network listeners and follow mode
 * (net_source.h): the inbox's fd for the loop's poll, a serve hook that
 * stores what waits and adds the listeners' counts to the store's agent
 * counters, and the hooks of a batch's fate (rolled back, committed: the
 * Telemetry API's waiting senders hear it), of a pause, and of the stop
 * (take nothing new; then store or say exactly what was not stored). */
#include "agent/net/net_source.h"
#include "agent/net/net_ingest.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>

struct net_source {
    store_t *st;
    inbox_t *ib;
    emf_listener_t *l;
    telemetry_server_t *tel;
    net_ingest_t *ni;
    emf_listen_stats_t counted;     /* what is already in the store's counters */
    telemetry_stats_t tcounted;
};

int net_source_start(const net_opts_t *o, store_t *st, pipeline_t *pl, net_source_t **out, obs_err_t *err)
{
    net_source_t *ns = xcalloc(1, sizeof *ns);
    ns->st = st;
    ns->ib = inbox_new(o->buffer_bytes ? o->buffer_bytes : NET_BUFFER_BYTES_DEFAULT);
    int rc = 0;
    if (o->emf.spec)
        rc = emf_listener_start(&o->emf, ns->ib, &ns->l, err);
    if (!rc && o->telemetry.listen)
        rc = telemetry_start(&o->telemetry, ns->ib, &ns->tel, err);
    if (rc) {
        emf_listener_stop(ns->l, NULL);
        inbox_free(ns->ib);
        free(ns);
        return rc;
    }
    ns->ni = net_ingest_new(pl, st, ns->ib);
    *out = ns;
    return 0;
}

#define ADD(now, was, field, name)                                                                 \
    if ((now).field != (was).field)                                                                \
        store_counter_add(ns->st, name, (now).field - (was).field);

/* The listeners' counts since the last call, into the store's counters. */
static void count_emf(net_source_t *ns, const emf_listen_stats_t *now)
{
    ADD(*now, ns->counted, documents, "emf_net_documents")
    ADD(*now, ns->counted, tcp_connections, "emf_tcp_connections")
    ADD(*now, ns->counted, tcp_refused, "emf_tcp_refused")
    ADD(*now, ns->counted, tcp_idle_closed, "emf_tcp_idle_closed")
    ADD(*now, ns->counted, tcp_paused, "emf_tcp_paused")
    ADD(*now, ns->counted, udp_datagrams, "emf_udp_datagrams")
    ADD(*now, ns->counted, udp_dropped, "emf_udp_dropped")
    ADD(*now, ns->counted, udp_kernel_dropped, "emf_udp_kernel_dropped")
    ADD(*now, ns->counted, frames_too_long, "emf_frames_too_long")
    ADD(*now, ns->counted, frames_over_buffer, "emf_frames_over_buffer")
    ns->counted = *now;
}

static void count_telemetry(net_source_t *ns, const telemetry_stats_t *now)
{
    ADD(*now, ns->tcounted, batches, "telemetry_batches")
    ADD(*now, ns->tcounted, lines, "telemetry_lines")
    ADD(*now, ns->tcounted, rejected, "telemetry_rejected")
    ADD(*now, ns->tcounted, busy, "telemetry_busy")
    ADD(*now, ns->tcounted, too_large, "telemetry_too_large")
    ADD(*now, ns->tcounted, not_stored, "telemetry_not_stored")
    ADD(*now, ns->tcounted, logs_dropped_records, "telemetry_logs_dropped_records")
    ADD(*now, ns->tcounted, logs_dropped_bytes, "telemetry_logs_dropped_bytes")
    ns->tcounted = *now;
}
#undef ADD

static int serve(void *ctx, obs_err_t *err)
{
    net_source_t *ns = ctx;
    if (ns->l) {
        emf_listen_stats_t now;
        emf_listener_stats(ns->l, &now);
        count_emf(ns, &now);
    }
    if (ns->tel) {
        telemetry_stats_t now;
        telemetry_stats(ns->tel, &now);
        count_telemetry(ns, &now);
    }
    return net_ingest_drain(ns->ni, NULL, err);
}

static void rolled_back(void *ctx)
{
    net_source_t *ns = ctx;
    net_ingest_rollback(ns->ni);
}

static void committed(void *ctx)
{
    net_source_t *ns = ctx;
    net_ingest_committed(ns->ni);
}

/* Paused: a Telemetry API sender is told at once to come back. */
static void paused(void *ctx, int on)
{
    net_source_t *ns = ctx;
    inbox_set_stalled(ns->ib, on);
}

static int waiting(void *ctx)
{
    net_source_t *ns = ctx;
    if (net_ingest_waited_on(ns->ni))
        return 2;
    return inbox_bytes(ns->ib) > 0;
}

/* Stop taking anything new: the EMF listeners close (what arrived last is
 * queued and counted), the Telemetry API receiver answers 503 to new
 * batches; both are stored by the serve that follows. The receiver's
 * senders still waiting hear their answer in finish(). */
static void stop(void *ctx)
{
    net_source_t *ns = ctx;
    if (ns->l) {
        emf_listen_stats_t final;
        emf_listener_stop(ns->l, &final);
        ns->l = NULL;
        count_emf(ns, &final);
    }
    telemetry_close(ns->tel);
}

/* After the last commit: what was not stored (the store locked or full at
 * the stop) is dropped, said exactly, and its senders answered 503. */
static int64_t finish(void *ctx, int stored, const char *why)
{
    net_source_t *ns = ctx;
    int64_t emf = 0, tel = 0;
    if (!stored)
        net_ingest_abandon(ns->ni, why, &emf, &tel);
    else
        net_ingest_committed(ns->ni);
    if (ns->tel) {
        telemetry_stats_t final;
        telemetry_stop(ns->tel, &final);   /* every waiting sender has its answer now */
        ns->tel = NULL;
        count_telemetry(ns, &final);
    }
    if (emf || tel)
        obs_log(OBS_LOG_ERROR, "not stored at the stop: %lld EMF document%s received over TCP/UDP (lost) and "
                               "%lld Telemetry API record%s (%s): %s",
                (long long)emf, emf == 1 ? "" : "s", (long long)tel, tel == 1 ? "" : "s",
                tel ? "their batches were answered 503: Lambda sends them again" : "none waiting", why);
    return emf + tel;
}

void net_source_hook(net_source_t *ns, follow_opts_t *fo)
{
    fo->extra.fd = inbox_fd(ns->ib);
    fo->extra.ctx = ns;
    fo->extra.serve = serve;
    fo->extra.rolled_back = rolled_back;
    fo->extra.committed = committed;
    fo->extra.paused = paused;
    fo->extra.waiting = waiting;
    fo->extra.stop = stop;
    fo->extra.finish = finish;
}

void net_source_free(net_source_t *ns)
{
    if (!ns)
        return;
    emf_listener_stop(ns->l, NULL);
    telemetry_stop(ns->tel, NULL);
    net_ingest_free(ns->ni);
    inbox_free(ns->ib);
    free(ns);
}

void net_source_describe(const net_source_t *ns, char *out, size_t n)
{
    int k = snprintf(out, n, "%s%s", ns->l ? "EMF endpoint on " : "", ns->l ? emf_listener_describe(ns->l) : "");
    if (ns->tel && k >= 0 && (size_t)k < n)
        snprintf(out + k, n - (size_t)k, "%sTelemetry API receiver on http://%s/", k ? "; " : "",
                 telemetry_listen(ns->tel));
}
