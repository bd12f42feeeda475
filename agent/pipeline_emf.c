/* agent/pipeline_emf.c — EMF candidates and points (see pipeline_emf.h).
 * Dimensions are stored as a canonical JSON object (keys sorted, as
 * emf_extract gives them), built once per dimension set. */
#include "agent/pipeline_emf.h"
#include "common/buf.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pipeline__emf_candidate(const lambda_line_t *r, obs_span_t text)
{
    if (!r->tree || !r->json.p)
        return 0;
    if (r->json.p == text.p)
        return 1;  /* the whole message */
    const char *b = r->body.p, *end = r->body.p + r->body.len;
    while (b && b < end && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'))  /* JSON's blanks */
        b++;
    return b == r->json.p && r->kind == LK_APP;
}

void pipeline__emf_not_a_document(const lambda_line_t *r, emf_result_t *em)
{
    em->status = EMF_PARSE_ERROR;
    em->errors = xstrdup(r->tree ? "CloudWatch would not parse this EMF document: it has no _aws object"
                                 : "CloudWatch would not parse this EMF document: it is not one JSON object");
    em->nerrors = 1;
}

static void put_json_string(buf_t *b, const char *s)
{
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            buf_put(b, esc, 2);
        } else if (*p < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            buf_put(b, esc, 6);
        } else {
            buf_put(b, (const char *)p, 1);
        }
    }
    buf_putc(b, '"');
}

static void dims_json(buf_t *b, const emf_dim_t *d, int n)
{
    b->len = 0;
    buf_put(b, "{", 1);
    for (int i = 0; i < n; i++) {
        if (i)
            buf_put(b, ",", 1);
        put_json_string(b, d[i].key);
        buf_put(b, ":", 1);
        put_json_string(b, d[i].value);
    }
    buf_put(b, "}", 1);
}

int pipeline__emf_store(store_t *st, const char *function, int64_t event_id, const emf_result_t *res,
                        obs_err_t *err)
{
    buf_t dims = { 0 };
    const emf_dim_t *last = NULL;
    int rc = 0;
    for (int i = 0; i < res->npoints && !rc; i++) {
        const emf_point_t *p = &res->points[i];
        if (!dims.p || p->dims != last || p->ndims == 0) {
            dims_json(&dims, p->dims, p->ndims);
            last = p->dims;
        }
        store_metric_point_t mp = {
            .ns = p->ns, .name = p->name, .unit = p->unit, .resolution = p->resolution,
            .dimensions = dims.p, .ts_ms = p->ts_ms, .value = p->value, .count = (int64_t)p->count,
            .stats = p->stats, .sum = p->sum, .min = p->min, .max = p->max,
            .given = (p->given & EMF_GIVEN_SUM ? STORE_POINT_SUM : 0u) |
                     (p->given & EMF_GIVEN_MIN ? STORE_POINT_MIN : 0u) |
                     (p->given & EMF_GIVEN_MAX ? STORE_POINT_MAX : 0u),
        };
        rc = store_metric_point_add(st, function, event_id, &mp, err);
    }
    buf_free(&dims);
    return rc;
}
