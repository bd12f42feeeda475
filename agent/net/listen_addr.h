/* agent/net/listen_addr.h — where a listener binds, for every listener (the
 * EMF endpoint, the Telemetry API receiver, /metrics): one parser of listen
 * specs (tcp://HOST:PORT, udp://HOST:PORT, [IPv6]:PORT, comma-separated)
 * and one resolver of an endpoint to a socket address. */
#ifndef OBS_AGENT_LISTEN_ADDR_H
#define OBS_AGENT_LISTEN_ADDR_H

#include "common/err.h"

#include <stddef.h>
#include <sys/socket.h>

#define LISTEN_MAX_ENDPOINTS 8

typedef struct listen_endpoint {
    int udp;                  /* 0 tcp, 1 udp */
    char host[64];            /* an IPv4 or IPv6 address, localhost, or a name */
    int port;
    int loopback;             /* a loopback address: from the text here (a name
                                 is not), from the address itself after
                                 listen_addr_resolve */
} listen_endpoint_t;

/* Parse a comma-separated list of tcp://HOST:PORT and udp://HOST:PORT
 * ("[::1]:25888" for IPv6). Returns the count, or OBS_EINVAL with the
 * offending item and what was expected in err. */
int listen_addr_parse(const char *spec, listen_endpoint_t *out, int max, obs_err_t *err);

/* Resolve e->host (a numeric address, localhost = 127.0.0.1, or a name such
 * as sandbox.localdomain: its first IPv4 address, else its first) with
 * e->port into *sa and *len, and set e->loopback from the address itself
 * (127.0.0.0/8, ::1, ::ffff:127.x). 0, or OBS_EINVAL saying which name did
 * not resolve. */
int listen_addr_resolve(listen_endpoint_t *e, struct sockaddr_storage *sa, socklen_t *len, obs_err_t *err);

/* The endpoint as given: "tcp://127.0.0.1:25888" with scheme, "[::1]:9464"
 * without. */
void listen_addr_name(const listen_endpoint_t *e, int scheme, char *out, size_t n);

#endif
