/* agent/net/listen_addr.c — resolves listen endpoints for bind() (see
 * listen_addr.h). */
#include "agent/net/listen_addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static int is_loopback(const struct sockaddr_storage *sa)
{
    if (sa->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(a))
        return 1;
    return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
}

int listen_addr_resolve(emf_endpoint_t *e, struct sockaddr_storage *sa, socklen_t *len, obs_err_t *err)
{
    const char *host = strcmp(e->host, "localhost") == 0 ? "127.0.0.1" : e->host;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = e->udp ? SOCK_DGRAM : SOCK_STREAM;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0 || !res) {
        char name[128];
        listen_addr_name(e, 1, name, sizeof name);
        return obs_err_set(err, OBS_EINVAL, "listen address %s: cannot resolve %s (%s)", name, e->host,
                           rc ? gai_strerror(rc) : "no address");
    }
    const struct addrinfo *pick = res;  /* an IPv4 address if the name has one */
    for (const struct addrinfo *a = res; a; a = a->ai_next)
        if (a->ai_family == AF_INET) {
            pick = a;
            break;
        }
    memset(sa, 0, sizeof *sa);
    memcpy(sa, pick->ai_addr, pick->ai_addrlen);
    *len = (socklen_t)pick->ai_addrlen;
    freeaddrinfo(res);
    if (sa->ss_family == AF_INET)
        ((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)e->port);
    else
        ((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)e->port);
    e->loopback = is_loopback(sa);
    return 0;
}

void listen_addr_name(const emf_endpoint_t *e, int scheme, char *out, size_t n)
{
    int v6 = strchr(e->host, ':') != NULL;
    snprintf(out, n, "%s%s%.63s%s:%d", scheme ? (e->udp ? "udp://" : "tcp://") : "", v6 ? "[" : "", e->host,
             v6 ? "]" : "", e->port);
}
