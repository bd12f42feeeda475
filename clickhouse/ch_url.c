/* clickhouse/ch_url.c — the ClickHouse URL of --forward and --engine
 * (see ch.h): scheme, user and password (%XX decoded), host, port and
 * database; pure, and fuzzed (tests/fuzz/fuzz_ch_url.c). A message about a
 * bad URL never repeats the password. */
#include "clickhouse/ch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decode [s, s + n) with %XX escapes into out (cap bytes with the NUL):
 * 0, or -1 when it does not fit, an escape is broken or decodes to NUL. */
static int decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = hexval(s[i + 1]), lo = hi < 0 ? -1 : hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return 0;
}

static int host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
}

int ch_url_parse(const char *s, ch_url_t *out, obs_err_t *err)
{
    static const char want[] = "expected clickhouse://[user[:password]@]HOST:PORT/DATABASE";
    memset(out, 0, sizeof *out);
    const char *p;
    if (strncmp(s, "clickhouse://", 13) == 0)
        p = s + 13;
    else if (strncmp(s, "http://", 7) == 0)
        p = s + 7;
    else if (strncmp(s, "https://", 8) == 0)
        p = s + 8, out->tls = 1;
    else
        return obs_err_set(err, OBS_EINVAL, "not a ClickHouse URL (%s; https:// for TLS)", want);
    const char *slash = strchr(p, '/');
    if (!slash)
        return obs_err_set(err, OBS_EINVAL, "no /DATABASE in the ClickHouse URL (%s)", want);
    /* the user part ends at the last '@' before the path (a password may hold '@' escaped or not) */
    const char *at = NULL;
    for (const char *q = p; q < slash; q++)
        if (*q == '@')
            at = q;
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        size_t ulen = colon ? (size_t)(colon - p) : (size_t)(at - p);
        if (ulen == 0 || decode(p, ulen, out->user, sizeof out->user))
            return obs_err_set(err, OBS_EINVAL, "a bad user name in the ClickHouse URL (%s)", want);
        if (colon) {
            if (decode(colon + 1, (size_t)(at - colon - 1), out->password, sizeof out->password))
                return obs_err_set(err, OBS_EINVAL, "a bad password in the ClickHouse URL (%%XX escapes, at most "
                                   "255 bytes)");
            out->has_password = 1;
        }
        p = at + 1;
    }
    const char *hend;
    if (*p == '[') {  /* [IPv6]:port */
        const char *close = memchr(p, ']', (size_t)(slash - p));
        if (!close || close == p + 1 || (size_t)(close - p - 1) >= sizeof out->host)
            return obs_err_set(err, OBS_EINVAL, "a bad [IPv6] host in the ClickHouse URL (%s)", want);
        for (const char *q = p + 1; q < close; q++)
            if (!(hexval(*q) >= 0 || *q == ':' || *q == '.'))
                return obs_err_set(err, OBS_EINVAL, "a bad [IPv6] host in the ClickHouse URL (%s)", want);
        memcpy(out->host, p + 1, (size_t)(close - p - 1));
        hend = close + 1;
    } else {
        hend = p;
        while (hend < slash && *hend != ':')
            hend++;
        if (hend == p || (size_t)(hend - p) >= sizeof out->host)
            return obs_err_set(err, OBS_EINVAL, "no HOST in the ClickHouse URL (%s)", want);
        for (const char *q = p; q < hend; q++)
            if (!host_char(*q))
                return obs_err_set(err, OBS_EINVAL, "a bad character in the host of the ClickHouse URL (%s)", want);
        memcpy(out->host, p, (size_t)(hend - p));
    }
    if (hend >= slash || *hend != ':')
        return obs_err_set(err, OBS_EINVAL, "no :PORT in the ClickHouse URL (its HTTP port, 8123 by default; %s)",
                           want);
    long port = 0;
    const char *q = hend + 1;
    if (q == slash)
        return obs_err_set(err, OBS_EINVAL, "no PORT after ':' in the ClickHouse URL (%s)", want);
    for (; q < slash; q++) {
        if (*q < '0' || *q > '9' || port > 65535)
            return obs_err_set(err, OBS_EINVAL, "a bad PORT in the ClickHouse URL (1 to 65535)");
        port = port * 10 + (*q - '0');
    }
    if (port < 1 || port > 65535)
        return obs_err_set(err, OBS_EINVAL, "a bad PORT in the ClickHouse URL (1 to 65535)");
    out->port = (int)port;
    const char *db = slash + 1;
    size_t dlen = strlen(db);
    if (dlen == 0 || dlen >= sizeof out->database)
        return obs_err_set(err, OBS_EINVAL, "no DATABASE in the ClickHouse URL (%s)", want);
    for (size_t i = 0; i < dlen; i++) {
        char c = db[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return obs_err_set(err, OBS_EINVAL, "a bad DATABASE name in the ClickHouse URL (letters, digits "
                               "and _ only)");
    }
    memcpy(out->database, db, dlen);
    return 0;
}

void ch_url_password_from_env(ch_url_t *u)
{
    const char *pw = getenv(CH_PASSWORD_ENV);
    if (!u->has_password && pw && strlen(pw) < sizeof u->password) {
        strcpy(u->password, pw);
        u->has_password = 1;
    }
}

void ch_url_redacted(const ch_url_t *u, char *out, size_t n)
{
    int v6 = strchr(u->host, ':') != NULL;
    snprintf(out, n, "%s://%s%s%s%s%s:%d/%s", u->tls ? "https" : "clickhouse", u->user, u->user[0] ? "@" : "",
             v6 ? "[" : "", u->host, v6 ? "]" : "", u->port, u->database);
}
