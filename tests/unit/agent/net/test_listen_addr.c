/* tests/unit/agent/net/test_listen_addr.c — agent/net/listen_addr.c: listen
 * specs and their errors; numeric IPv4 and IPv6 endpoints and localhost
 * resolve to the address and port given, with the loopback flag taken from
 * the address (127.0.0.0/8, ::1) and not from the text; names print back as
 * given. No name needs DNS here (localhost
 * comes from the resolver's own rules or /etc/hosts). */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "agent/net/emf_wire.h"
#include "agent/net/listen_addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>

static void test_parse(void)
{
    listen_endpoint_t e[LISTEN_MAX_ENDPOINTS];
    obs_err_t err;
    CHECK_EQ_INT(listen_addr_parse(EMF_DEFAULT_LISTEN, e, LISTEN_MAX_ENDPOINTS, &err), 2);
    CHECK(!e[0].udp && e[1].udp);
    CHECK_EQ_STR(e[0].host, "127.0.0.1");
    CHECK_EQ_INT(e[0].port, 25888);
    CHECK(e[0].loopback && e[1].loopback);
    CHECK_EQ_INT(listen_addr_parse(" tcp://[::1]:9 , udp://0.0.0.0:25888,", e, LISTEN_MAX_ENDPOINTS, &err), 2);
    CHECK_EQ_STR(e[0].host, "::1");
    CHECK(e[0].loopback);
    CHECK(!e[1].loopback);
    CHECK_EQ_INT(listen_addr_parse("tcp://localhost:1", e, LISTEN_MAX_ENDPOINTS, &err), 1);
    CHECK(e[0].loopback);

    CHECK_EQ_INT(listen_addr_parse("http://127.0.0.1:1", e, LISTEN_MAX_ENDPOINTS, &err), OBS_EINVAL);
    CHECK(strstr(err.msg, "expected tcp://HOST:PORT") != NULL);
    CHECK_EQ_INT(listen_addr_parse("tcp://127.0.0.1:70000", e, LISTEN_MAX_ENDPOINTS, &err), OBS_EINVAL);
    CHECK(strstr(err.msg, "port must be 1-65535") != NULL);
    CHECK_EQ_INT(listen_addr_parse("tcp://127.0.0.1", e, LISTEN_MAX_ENDPOINTS, &err), OBS_EINVAL);
    CHECK_EQ_INT(listen_addr_parse("tcp://::1:5", e, LISTEN_MAX_ENDPOINTS, &err), OBS_EINVAL);
    CHECK(strstr(err.msg, "IPv6 goes in [ ]") != NULL);
    CHECK_EQ_INT(listen_addr_parse(" , ", e, LISTEN_MAX_ENDPOINTS, &err), OBS_EINVAL);
}

static listen_endpoint_t ep(const char *spec)
{
    listen_endpoint_t e;
    obs_err_t err;
    memset(&e, 0, sizeof e);
    CHECK_EQ_INT(listen_addr_parse(spec, &e, 1, &err), 1);
    return e;
}

static void test_ipv4(void)
{
    listen_endpoint_t e = ep("tcp://127.0.0.9:25888");
    struct sockaddr_storage sa;
    socklen_t len;
    obs_err_t err;
    e.loopback = 0;  /* the resolver decides */
    CHECK_EQ_INT(listen_addr_resolve(&e, &sa, &len, &err), 0);
    CHECK_EQ_INT(sa.ss_family, AF_INET);
    CHECK_EQ_INT(len, sizeof(struct sockaddr_in));
    const struct sockaddr_in *a = (const struct sockaddr_in *)&sa;
    CHECK_EQ_INT(ntohs(a->sin_port), 25888);
    CHECK_EQ_INT(ntohl(a->sin_addr.s_addr), 0x7f000009);
    CHECK_EQ_INT(e.loopback, 1);
    e = ep("udp://0.0.0.0:9");
    e.loopback = 1;
    CHECK_EQ_INT(listen_addr_resolve(&e, &sa, &len, &err), 0);
    CHECK_EQ_INT(e.loopback, 0);
    char name[80];
    listen_addr_name(&e, 1, name, sizeof name);
    CHECK_EQ_STR(name, "udp://0.0.0.0:9");
}

static void test_ipv6(void)
{
    listen_endpoint_t e = ep("tcp://[::1]:9464");
    struct sockaddr_storage sa;
    socklen_t len;
    obs_err_t err;
    CHECK_EQ_INT(listen_addr_resolve(&e, &sa, &len, &err), 0);
    CHECK_EQ_INT(sa.ss_family, AF_INET6);
    CHECK_EQ_INT(ntohs(((const struct sockaddr_in6 *)&sa)->sin6_port), 9464);
    CHECK_EQ_INT(e.loopback, 1);
    char name[80];
    listen_addr_name(&e, 0, name, sizeof name);
    CHECK_EQ_STR(name, "[::1]:9464");
    e = ep("tcp://[::]:1");
    CHECK_EQ_INT(listen_addr_resolve(&e, &sa, &len, &err), 0);
    CHECK_EQ_INT(e.loopback, 0);
    e = ep("tcp://[::ffff:127.0.0.1]:1");   /* v4-mapped loopback */
    CHECK_EQ_INT(listen_addr_resolve(&e, &sa, &len, &err), 0);
    CHECK_EQ_INT(e.loopback, 1);
}

static void test_localhost(void)
{
    listen_endpoint_t e = ep("tcp://localhost:4243");
    struct sockaddr_storage sa;
    socklen_t len;
    obs_err_t err;
    CHECK_EQ_INT(listen_addr_resolve(&e, &sa, &len, &err), 0);
    CHECK_EQ_INT(sa.ss_family, AF_INET);   /* 127.0.0.1, not ::1 */
    CHECK_EQ_INT(ntohl(((const struct sockaddr_in *)&sa)->sin_addr.s_addr), 0x7f000001);
    CHECK_EQ_INT(ntohs(((const struct sockaddr_in *)&sa)->sin_port), 4243);
    CHECK_EQ_INT(e.loopback, 1);
}

TEST_LIST = {
    TEST(test_parse),
    TEST(test_ipv4),
    TEST(test_ipv6),
    TEST(test_localhost),
    TEST_END,
};
