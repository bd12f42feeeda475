/* agent/net/emf_wire.c — framing and routing of the EMF agent protocol
 * (emf_wire.h). Pure. */
#include "agent/net/emf_wire.h"
#include "common/xalloc.h"
#include "lambda/log_group.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
                if (f->cap > EMF_FRAMER_KEEP) {
                    free(f->buf);
                    f->buf = NULL;
                    f->cap = 0;
                }
            }
        }
        if (!nl)
            break;
        p = nl + 1;
        n -= take + 1;
    }
    return got;
}

int emf_framer_drop(emf_framer_t *f)
{
    int had = f->len > 0;
    if (had)
        f->discarding = 1;
    f->len = f->cap = 0;
    free(f->buf);
    f->buf = NULL;
    return had;
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
    obs_span_t fn = lambda_group_function(obs_span(out->log_group, strlen(out->log_group)));
    if (!fn.len)
        fn = obs_span(out->log_group, strlen(out->log_group));
    snprintf(out->function, sizeof out->function, "%.*s", (int)fn.len, fn.p);
    snprintf(out->stream, sizeof out->stream, "%s", stream ? stream : default_stream);
    cJSON_Delete(j);
}
