/* lambda/decode_events.c — the JSON that `aws logs filter-log-events` and
 * `aws logs get-log-events` print: {"events": [event, ...], ...}.
 *
 * An event is a FilteredLogEvent (filter-log-events: logStreamName,
 * timestamp, message, ingestionTime, eventId; API reference
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilteredLogEvent.html)
 * or an OutputLogEvent (get-log-events: timestamp, message, ingestionTime,
 * and no stream: the stream was the command's argument). timestamp is the
 * event's time in ms since the epoch. The object around them also holds
 * nextToken / searchedLogStreams (filter) or nextForwardToken /
 * nextBackwardToken (get), which are skipped; see the AWS CLI's examples
 * aws/aws-cli awscli/examples/logs/filter-log-events.rst and
 * get-log-events.rst. Neither names the log group: records have none.
 *
 * Also read: pages saved one after the other (`>>`: several objects in a
 * row), the bare array `--query events` prints, and the events themselves
 * one a line (JSON Lines: `sam logs --output json` writes json.dumps of each
 * filter-log-events event, samcli CWLogEventJSONMapper). Each event is
 * parsed alone (decode_scan.c finds it), so memory follows one event. */
#include "lambda/decode_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>

static int event(const decode_doc_t *d, obs_span_t v, size_t k)
{
    char label[40];
    snprintf(label, sizeof label, "event %zu", k);
    size_t at = (size_t)(v.p - d->p);
    cJSON *e;
    int rc = decode__parse_object(d, v, label, &e);
    if (rc)
        return rc;
    decode_record_t r = { 0 };
    obs_span_t msg;
    rc = decode__get_string(d, at, label, e, "message", &msg);
    if (!rc && !msg.p)
        rc = decode__fail(d, at, "%s has no \"message\"", label);
    if (!rc)
        rc = decode__get_ms(d, at, label, e, "timestamp", &r);
    if (!rc)
        rc = decode__get_string(d, at, label, e, "logStreamName", &r.stream);
    if (!rc) {
        decode__set_message(&r, msg.p, msg.len);
        rc = decode__emit(d, &r);
    }
    cJSON_Delete(e);
    return rc;
}

/* The elements of the events array whose '[' is at s->i. */
static int events(const decode_doc_t *d, decode_scan_t *s, size_t *k)
{
    return decode__elements(d, s, k, "in the \"events\" array", "event", event);
}

/* Does the object whose '{' is at s.i name a member `name` at its top? */
static int has_member(decode_scan_t s, const char *name)
{
    s.i++;
    for (int first = 1;; first = 0) {
        obs_span_t key, v;
        if (decode__member(&s, first, &key) != 1)
            return 0;
        if (decode__key_is(key, name))
            return 1;
        if (decode__value(&s, &v))
            return 0;
    }
}

/* One object of the CLI's output, its '{' at s->i: a page of events, or
 * one event of JSON lines (a "message" and no "events"). */
static int page(const decode_doc_t *d, decode_scan_t *s, size_t *k)
{
    size_t start = s->i, seen = 0;
    if (!has_member(*s, "events") && has_member(*s, "message")) {
        obs_span_t v;
        if (decode__value(s, &v))
            return decode__fail_scan(d, s, "an event");
        return event(d, v, ++*k);
    }
    s->i++;
    for (int first = 1;; first = 0) {
        obs_span_t key;
        int more = decode__member(s, first, &key);
        if (more < 0)
            return decode__fail_scan(d, s, "in the output's object");
        if (!more)
            break;
        int rc;
        if (decode__key_is(key, "events")) {
            if (s->i >= s->n || s->p[s->i] != '[') {
                obs_span_t v;
                const char *what = decode__value(s, &v) == 0 ? "not an array" : "missing";
                return decode__fail(d, (size_t)(key.p - d->p), "\"events\" is %s: expected "
                                    "the array of events", what);
            }
            seen++;
            rc = events(d, s, k);
        } else {
            char label[80];
            snprintf(label, sizeof label, "the value of \"%.*s\"",
                     (int)(key.len > 40 ? 40 : key.len), key.p);
            rc = decode__skip(d, s, label);
        }
        if (rc)
            return rc;
    }
    if (!seen)
        return decode__fail(d, start, "this object has no \"events\" array and no \"message\": "
                            "it is neither the output of aws logs filter-log-events or "
                            "get-log-events nor one of their events");
    return 0;
}

int decode__events(const decode_doc_t *d)
{
    return decode__top_values(d, page, events,
                              "'{' (the output of aws logs filter-log-events or get-log-events) or '[' (its events)");
}
