/* query/sqlfuncs/sqlfuncs_ip.c — IP address functions: isValidIp, isValidIpV4,
 * isValidIpV6, isIpInSubnet, isIpv4InSubnet, isIpv6InSubnet, ipv4ToNumber,
 * isPrivateIP, isPublicIP, isReservedIP.
 *
 * Addresses are parsed with inet_pton (IPv4: dotted quad, no leading zeros;
 * IPv6: RFC 4291 text, with embedded IPv4 allowed), after trimming ASCII
 * spaces. A CIDR is "addr/prefix" (prefix 0..32 or 0..128; without "/" the
 * whole address must match). The address and the subnet must be of the same
 * family (an IPv4-mapped IPv6 address is not an IPv4 address). Invalid
 * input gives 0 for the boolean functions and NULL for ipv4ToNumber; NULL
 * gives NULL.
 *   isPrivateIP: RFC 1918 (10/8, 172.16/12, 192.168/16) and, for IPv6, the
 *     unique-local range fc00::/7 (RFC 4193).
 *   isReservedIP: the other IANA special-purpose ranges: IPv4 0/8, 127/8,
 *     100.64/10, 169.254/16, 192.0.0/24, 192.0.2/24, 198.18/15,
 *     198.51.100/24, 203.0.113/24, 224/4, 240/4 (incl. 255.255.255.255);
 *     IPv6 ::/128, ::1/128, ::ffff:0:0/96, 64:ff9b::/96, 100::/64,
 *     2001::/23, 2001:db8::/32, fe80::/10, ff00::/8.
 *   isPublicIP: valid and neither private nor reserved. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

typedef struct ipaddr {
    int family;  /* 4 or 6 */
    unsigned char b[16];
} ipaddr_t;

/* Parse s[0..n) as an address; 1 when valid. */
static int parse_ip(const char *s, size_t n, ipaddr_t *ip)
{
    char buf[64];
    while (n && *s == ' ')
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    if (n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, ip->b) == 1) {
        ip->family = 4;
        return 1;
    }
    if (inet_pton(AF_INET6, buf, ip->b) == 1) {
        ip->family = 6;
        return 1;
    }
    return 0;
}

static int arg_ip(sqlite3_value *v, ipaddr_t *ip)
{
    const char *s = (const char *)sqlite3_value_text(v);
    return s && parse_ip(s, (size_t)sqlite3_value_bytes(v), ip);
}

/* Parse "addr[/prefix]"; 1 when valid. */
static int parse_cidr(sqlite3_value *v, ipaddr_t *net, int *prefix)
{
    const char *s = (const char *)sqlite3_value_text(v);
    if (!s)
        return 0;
    size_t n = (size_t)sqlite3_value_bytes(v);
    const char *slash = memchr(s, '/', n);
    if (!parse_ip(s, slash ? (size_t)(slash - s) : n, net))
        return 0;
    int max = net->family == 4 ? 32 : 128;
    if (!slash) {
        *prefix = max;
        return 1;
    }
    const char *p = slash + 1, *e = s + n;
    if (p == e || e - p > 3)
        return 0;
    int v10 = 0;
    for (; p < e; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v10 = v10 * 10 + (*p - '0');
    }
    if (v10 > max)
        return 0;
    *prefix = v10;
    return 1;
}

static int prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
    int full = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)full) != 0)
        return 0;
    if (rest) {
        unsigned char mask = (unsigned char)(0xFF << (8 - rest));
        return (a[full] & mask) == (b[full] & mask);
    }
    return 1;
}

static int any_null(int argc, sqlite3_value **argv)
{
    for (int i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            return 1;
    return 0;
}

static void valid(sqlite3_context *c, sqlite3_value **argv, int family)
{
    ipaddr_t ip;
    if (any_null(1, argv))
        return;
    int ok = arg_ip(argv[0], &ip) && (!family || ip.family == family);
    sqlite3_result_int(c, ok);
}

static void fn_isvalidip(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    valid(c, argv, 0);
}

static void fn_isvalidipv4(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    valid(c, argv, 4);
}

static void fn_isvalidipv6(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    valid(c, argv, 6);
}

static void in_subnet(sqlite3_context *c, sqlite3_value **argv, int family)
{
    ipaddr_t ip, net;
    int prefix;
    if (any_null(2, argv))
        return;
    int ok = arg_ip(argv[0], &ip) && parse_cidr(argv[1], &net, &prefix) &&
             ip.family == net.family && (!family || ip.family == family) &&
             prefix_match(ip.b, net.b, prefix);
    sqlite3_result_int(c, ok);
}

static void fn_isipinsubnet(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    in_subnet(c, argv, 0);
}

static void fn_isipv4insubnet(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    in_subnet(c, argv, 4);
}

static void fn_isipv6insubnet(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    in_subnet(c, argv, 6);
}

static void fn_ipv4tonumber(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    ipaddr_t ip;
    (void)argc;
    if (!any_null(1, argv) && arg_ip(argv[0], &ip) && ip.family == 4)
        sqlite3_result_int64(c, (int64_t)ip.b[0] << 24 | ip.b[1] << 16 | ip.b[2] << 8 | ip.b[3]);
}

typedef struct range {
    const char *net;
    int prefix;
} range_t;

static const range_t private_ranges[] = {
    { "10.0.0.0", 8 }, { "172.16.0.0", 12 }, { "192.168.0.0", 16 }, { "fc00::", 7 },
};

static const range_t reserved_ranges[] = {
    { "0.0.0.0", 8 }, { "127.0.0.0", 8 }, { "100.64.0.0", 10 }, { "169.254.0.0", 16 },
    { "192.0.0.0", 24 }, { "192.0.2.0", 24 }, { "198.18.0.0", 15 }, { "198.51.100.0", 24 },
    { "203.0.113.0", 24 }, { "224.0.0.0", 4 }, { "240.0.0.0", 4 },
    { "::", 128 }, { "::1", 128 }, { "::ffff:0:0", 96 }, { "64:ff9b::", 96 }, { "100::", 64 },
    { "2001::", 23 }, { "2001:db8::", 32 }, { "fe80::", 10 }, { "ff00::", 8 },
};

static int in_ranges(const ipaddr_t *ip, const range_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ipaddr_t net;
        if (parse_ip(r[i].net, strlen(r[i].net), &net) && net.family == ip->family &&
            prefix_match(ip->b, net.b, r[i].prefix))
            return 1;
    }
    return 0;
}

static int is_private(const ipaddr_t *ip)
{
    return in_ranges(ip, private_ranges, sizeof private_ranges / sizeof *private_ranges);
}

static int is_reserved(const ipaddr_t *ip)
{
    return in_ranges(ip, reserved_ranges, sizeof reserved_ranges / sizeof *reserved_ranges);
}

enum ipclass { IPC_PRIVATE, IPC_RESERVED, IPC_PUBLIC };

static void classify(sqlite3_context *c, sqlite3_value **argv, enum ipclass want)
{
    ipaddr_t ip;
    if (any_null(1, argv))
        return;
    if (!arg_ip(argv[0], &ip)) {
        sqlite3_result_int(c, 0);
        return;
    }
    int r = want == IPC_PRIVATE ? is_private(&ip)
          : want == IPC_RESERVED ? is_reserved(&ip)
                                 : !is_private(&ip) && !is_reserved(&ip);
    sqlite3_result_int(c, r);
}

static void fn_isprivateip(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    classify(c, argv, IPC_PRIVATE);
}

static void fn_isreservedip(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    classify(c, argv, IPC_RESERVED);
}

static void fn_ispublicip(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    classify(c, argv, IPC_PUBLIC);
}

static const sqlfn_def_t defs[] = {
    { "obs_isvalidip", 1, fn_isvalidip },
    { "obs_isvalidipv4", 1, fn_isvalidipv4 },
    { "obs_isvalidipv6", 1, fn_isvalidipv6 },
    { "obs_isipinsubnet", 2, fn_isipinsubnet },
    { "obs_isipv4insubnet", 2, fn_isipv4insubnet },
    { "obs_isipv6insubnet", 2, fn_isipv6insubnet },
    { "obs_ipv4tonumber", 1, fn_ipv4tonumber },
    { "obs_isprivateip", 1, fn_isprivateip },
    { "obs_isreservedip", 1, fn_isreservedip },
    { "obs_ispublicip", 1, fn_ispublicip },
};

int query_sqlfuncs__register_ip(sqlite3 *db)
{
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
