/* agent/net/listen_addr.h — where a listener binds: an endpoint of a listen
 * spec (emf_wire.h: HOST:PORT, [IPv6]:PORT) resolved to a socket address.
 * One resolver for the EMF endpoint, the Telemetry API receiver and
 * /metrics. */
#ifndef OBS_AGENT_LISTEN_ADDR_H
#define OBS_AGENT_LISTEN_ADDR_H

#include "agent/net/emf_wire.h"

#include <stddef.h>
#include <sys/socket.h>

/* Resolve e->host (a numeric address, localhost = 127.0.0.1, or a name such
 * as sandbox.localdomain: its first IPv4 address, else its first) with
 * e->port into *sa and *len, and set e->loopback from the address itself
 * (127.0.0.0/8, ::1, ::ffff:127.x). 0, or OBS_EINVAL saying which name did
 * not resolve. */
int listen_addr_resolve(emf_endpoint_t *e, struct sockaddr_storage *sa, socklen_t *len, obs_err_t *err);

/* The endpoint as given: "tcp://127.0.0.1:25888" with scheme, "[::1]:9464"
 * without. */
void listen_addr_name(const emf_endpoint_t *e, int scheme, char *out, size_t n);

#endif
