/* agent/net/listen_addr.c — listen specs parsed, and their endpoints
 * resolved for bind() (see listen_addr.h). */
#include "agent/net/listen_addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_loopback_name(const char *host)
{
    return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

static int parse_one(const char *item, size_t n, listen_endpoint_t *e, obs_err_t *err)
{
    char s[160];
    if (n >= sizeof s)
        return obs_err_set(err, OBS_EINVAL, "listen address too long: '%.40s...'", item);
    memcpy(s, item, n);
    s[n] = '\0';
    memset(e, 0, sizeof *e);
    const char *rest;
    if (strncmp(s, "tcp://", 6) == 0)
        rest = s + 6;
    else if (strncmp(s, "udp://", 6) == 0)
        rest = s + 6, e->udp = 1;
    else
        return obs_err_set(err, OBS_EINVAL, "listen address '%s': expected tcp://HOST:PORT or udp://HOST:PORT", s);
    const char *colon;
    size_t hl;
    if (rest[0] == '[') {   /* [v6]:port */
        const char *close = strchr(rest, ']');
        if (!close || close[1] != ':')
            return obs_err_set(err, OBS_EINVAL, "listen address '%s': expected [IPv6]:PORT", s);
        hl = (size_t)(close - rest - 1);
        if (hl == 0 || hl >= sizeof e->host)
            return obs_err_set(err, OBS_EINVAL, "listen address '%s': bad host", s);
        memcpy(e->host, rest + 1, hl);
        colon = close + 1;
    } else {
        colon = strrchr(rest, ':');
        if (!colon)
            return obs_err_set(err, OBS_EINVAL, "listen address '%s': expected HOST:PORT", s);
        hl = (size_t)(colon - rest);
        if (hl == 0 || hl >= sizeof e->host || memchr(rest, ':', hl))
            return obs_err_set(err, OBS_EINVAL, "listen address '%s': bad host (IPv6 goes in [ ])", s);
        memcpy(e->host, rest, hl);
    }
    e->host[hl] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end || port < 1 || port > 65535)
        return obs_err_set(err, OBS_EINVAL, "listen address '%s': port must be 1-65535", s);
    e->port = (int)port;
    e->loopback = is_loopback_name(e->host);
    return 0;
}

int listen_addr_parse(const char *spec, listen_endpoint_t *out, int max, obs_err_t *err)
{
    int n = 0;
    const char *p = spec;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len && p[0] == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (len) {
            if (n == max)
                return obs_err_set(err, OBS_EINVAL, "more than %d listen addresses", max);
            if (parse_one(p, len, &out[n], err))
                return OBS_EINVAL;
            n++;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (n == 0)
        return obs_err_set(err, OBS_EINVAL, "no listen address in '%s'", spec);
    return n;
}

static int is_loopback(const struct sockaddr_storage *sa)
{
    if (sa->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(a))
        return 1;
    return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
}

int listen_addr_resolve(listen_endpoint_t *e, struct sockaddr_storage *sa, socklen_t *len, obs_err_t *err)
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

void listen_addr_name(const listen_endpoint_t *e, int scheme, char *out, size_t n)
{
    int v6 = strchr(e->host, ':') != NULL;
    snprintf(out, n, "%s%s%.63s%s:%d", scheme ? (e->udp ? "udp://" : "tcp://") : "", v6 ? "[" : "", e->host,
             v6 ? "]" : "", e->port);
}
