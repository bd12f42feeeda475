/* agent/net/emf_wire.c — listen specs, framing and routing of the EMF agent
 * protocol (emf_wire.h). Pure. */
#include "agent/net/emf_wire.h"
#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- listen specs ------------------------------------------------------------ */

static int is_loopback(const char *host)
{
    return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

static int parse_one(const char *item, size_t n, emf_endpoint_t *e, obs_err_t *err)
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
    e->loopback = is_loopback(e->host);
    return 0;
}

int emf_endpoints_parse(const char *spec, emf_endpoint_t *out, int max, obs_err_t *err)
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

/* ---- framing ------------------------------------------------------------------- */

void emf_framer_init(emf_framer_t *f, size_t max_frame)
{
    memset(f, 0, sizeof *f);
    f->max = max_frame;
}

void emf_framer_done(emf_framer_t *f)
{
    free(f->buf);
    memset(f, 0, sizeof *f);
}

static int deliver(const char *p, size_t n, void (*fn)(void *, const char *, size_t), void *ctx)
{
    if (n && p[n - 1] == '\r')
        n--;
    if (n == 0)
        return 0;
    fn(ctx, p, n);
    return 1;
}

int emf_framer_feed(emf_framer_t *f, const char *p, size_t n,
                    void (*fn)(void *ctx, const char *frame, size_t len), void *ctx)
{
    int got = 0;
    while (n > 0) {
        const char *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;
        if (f->discarding) {
            if (nl)
                f->discarding = 0;
        } else if (f->len + take > f->max) {
            f->too_long++;
            f->len = 0;
            f->discarding = nl == NULL;
        } else if (nl && f->len == 0) {
            got += deliver(p, take, fn, ctx);   /* the usual case: no copy */
        } else {
            if (f->len + take > f->cap) {
                f->cap = (f->len + take) * 2 < f->max ? (f->len + take) * 2 : f->max;
                f->buf = xrealloc(f->buf, f->cap ? f->cap : 1);
            }
            memcpy(f->buf + f->len, p, take);
            f->len += take;
            if (nl) {
                got += deliver(f->buf, f->len, fn, ctx);
                f->len = 0;
            }
        }
        if (!nl)
            break;
        p = nl + 1;
        n -= take + 1;
    }
    return got;
}

int emf_framer_finish(emf_framer_t *f, void (*fn)(void *ctx, const char *frame, size_t len), void *ctx)
{
    int got = 0;
    if (!f->discarding && f->len)
        got = deliver(f->buf, f->len, fn, ctx);
    f->len = 0;
    f->discarding = 0;
    return got;
}

/* ---- routing ---------------------------------------------------------------- */

static const char *str_item(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

void emf_route(const char *doc, size_t len, const char *default_stream, emf_route_t *out)
{
    memset(out, 0, sizeof *out);
    const char *group = NULL, *stream = NULL;
    cJSON *j = cJSON_ParseWithLength(doc, len);
    if (cJSON_IsObject(j)) {
        const cJSON *aws = cJSON_GetObjectItemCaseSensitive(j, "_aws");
        if (cJSON_IsObject(aws)) {
            group = str_item(aws, "LogGroupName");
            stream = str_item(aws, "LogStreamName");
        }
        if (!group)   /* the legacy ("v0") form puts them at the top */
            group = str_item(j, "LogGroupName");
        if (!stream)
            stream = str_item(j, "LogStreamName");
    }
    out->has_group = group != NULL;
    snprintf(out->log_group, sizeof out->log_group, "%s", group ? group : EMF_DEFAULT_LOG_GROUP);
    const char *fn = out->log_group;
    if (strncmp(fn, "/aws/lambda/", 12) == 0 && fn[12])
        fn += 12;
    snprintf(out->function, sizeof out->function, "%s", fn);
    snprintf(out->stream, sizeof out->stream, "%s", stream ? stream : default_stream);
    cJSON_Delete(j);
}
