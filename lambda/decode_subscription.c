/* lambda/decode_subscription.c — CloudWatch Logs subscription filter
 * payloads, once inflated (common/inflate.c): envelopes
 *   {"messageType": "DATA_MESSAGE", "owner": "123456789012",
 *    "logGroup": "/aws/lambda/f", "logStream": "2024/05/09/[$LATEST]abc",
 *    "subscriptionFilters": ["name"],
 *    "logEvents": [{"id": "...", "timestamp": 1440442987000, "message": "..."}]}
 * (the shape AWS documents in "Validating the flow of log events",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/ValidateLogEventFlow.html,
 * and Powertools' CloudWatchLogsDecode type). Each envelope's logGroup and
 * logStream are its events' group and stream; timestamp is ms since the
 * epoch. CloudWatch also sends CONTROL_MESSAGE envelopes to check that a
 * destination is reachable (their one event says "CWL CONTROL MESSAGE:
 * Checking health of destination ..."; open-telemetry/opentelemetry-collector-contrib
 * issue #38433): they are not log events and yield no record.
 *
 * Several envelopes one after the other, with or without whitespace
 * between them: what Firehose writes to S3, where records follow each
 * other with no delimiter unless the stream is set to add newlines
 * (Amazon Data Firehose developer guide, "Data delivery",
 * https://docs.aws.amazon.com/firehose/latest/dev/basic-deliver.html).
 * Each envelope is parsed alone, so memory follows one envelope. */
#include "lambda/decode_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static int log_event(const decode_doc_t *d, size_t at, const char *label, const cJSON *e,
                     obs_span_t group, obs_span_t stream)
{
    decode_record_t r = { 0 };
    obs_span_t msg;
    if (!cJSON_IsObject(e))
        return decode__fail(d, at, "%s is %s, not an object", label, decode__json_type(e));
    int rc = decode__get_string(d, at, label, e, "message", &msg);
    if (!rc && !msg.p)
        rc = decode__fail(d, at, "%s has no \"message\"", label);
    if (!rc)
        rc = decode__get_ms(d, at, label, e, "timestamp", &r);
    if (rc)
        return rc;
    decode__set_message(&r, msg.p, msg.len);
    r.log_group = group;
    r.stream = stream;
    return decode__emit(d, &r);
}

/* s inside an envelope (past its '{'): past the '[' of its logEvents; 0
 * when not found. */
static int events_array(decode_scan_t *s)
{
    for (int first = 1;; first = 0) {
        obs_span_t key, v;
        if (decode__member(s, first, &key) != 1)
            return 0;
        if (decode__key_is(key, "logEvents") && s->i < s->n && s->p[s->i] == '[') {
            s->i++;
            return 1;
        }
        if (decode__value(s, &v))
            return 0;
    }
}

static int envelope(const decode_doc_t *d, obs_span_t v, size_t k)
{
    char label[64];
    snprintf(label, sizeof label, "envelope %zu", k);
    size_t at = (size_t)(v.p - d->p);
    cJSON *env;
    int rc = decode__parse_object(d, v, label, &env);
    if (rc)
        return rc;
    obs_span_t type, group, stream;
    rc = decode__get_string(d, at, label, env, "messageType", &type);
    if (!rc && !type.p)
        rc = decode__fail(d, at, "%s has no \"messageType\" (DATA_MESSAGE or CONTROL_MESSAGE)",
                          label);
    if (!rc && decode__key_is(type, "CONTROL_MESSAGE"))
        goto out;
    if (!rc && !decode__key_is(type, "DATA_MESSAGE"))
        rc = decode__fail(d, at, "%s: \"messageType\" is \"%.*s\", not DATA_MESSAGE or "
                          "CONTROL_MESSAGE", label, (int)(type.len > 40 ? 40 : type.len), type.p);
    if (!rc)
        rc = decode__get_string(d, at, label, env, "logGroup", &group);
    if (!rc)
        rc = decode__get_string(d, at, label, env, "logStream", &stream);
    if (rc)
        goto out;
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(env, "logEvents");
    if (!events || !cJSON_IsArray(events)) {
        rc = decode__fail(d, at, "%s: \"logEvents\" is %s, not an array", label,
                          events ? decode__json_type(events) : "missing");
        goto out;
    }
    /* a scan beside the tree, so an event's error points at the event */
    decode_scan_t es = { v.p, v.len, 1, 0, NULL, 0 };
    int located = events_array(&es);
    size_t j = 0;
    for (const cJSON *e = events->child; e && !rc; e = e->next) {
        char elabel[96];
        snprintf(elabel, sizeof elabel, "%s, event %zu", label, ++j);
        obs_span_t ev;
        size_t eat = at;
        if (located && decode__element(&es, j == 1) == 1 && decode__value(&es, &ev) == 0)
            eat = (size_t)(ev.p - d->p);
        else
            located = 0;
        rc = log_event(d, eat, elabel, e, group, stream);
    }
out:
    cJSON_Delete(env);
    return rc;
}

int decode__subscription(const decode_doc_t *d)
{
    decode_scan_t s = { d->p, d->n, decode__bom(d->p, d->n), 0, NULL, 0 };
    size_t k = 0;
    for (;;) {
        decode__ws(&s);
        if (s.i >= s.n)
            return 0;
        char label[40];
        snprintf(label, sizeof label, "envelope %zu", k + 1);
        obs_span_t v;
        if (s.p[s.i] != '{') {
            s.at = s.i;
            s.what = "'{' (a subscription filter's envelope)";
            s.cut = 0;
            return decode__fail_scan(d, &s, label);
        }
        if (decode__value(&s, &v))
            return decode__fail_scan(d, &s, label);
        int rc = envelope(d, v, ++k);
        if (rc)
            return rc;
    }
}
