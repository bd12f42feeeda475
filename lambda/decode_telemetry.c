/* lambda/decode_telemetry.c — Telemetry API (and Logs API) batches as an
 * extension receives them and people save or paste them: a JSON array of
 * events, [{"time": "2022-10-21T14:05:05.764Z", "type": "platform.start",
 * "record": {...}}, {"time": ..., "type": "function", "record": "<the
 * line>\n"}, ...] (the Telemetry API reference, "Telemetry API Event
 * schema"), several arrays in a row, or event objects one after the other.
 *
 * Each event's own JSON text is its record's message: the classifier reads
 * a platform.* event as Lambda's JSON log format does, and a function or
 * extension event as the line its record holds (lambda/classify_json.c).
 * The event's "time" is the record's time. Each event is parsed alone. */
#include "lambda/decode_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

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
    obs_span_t time;
    rc = decode__get_string(d, at, label, e, "time", &time);
    if (!rc && time.p) {
        if (decode__text_time(time.p, time.len, &r.ts_ms) != 0)
            rc = decode__fail(d, at, "%s: \"time\" \"%.40s\" is not a time (the Telemetry API "
                              "writes 2022-10-21T14:05:05.764Z)", label, time.p);
        r.has_ts = 1;
    }
    if (!rc) {
        decode__set_message(&r, v.p, v.len);
        rc = decode__emit(d, &r);
    }
    cJSON_Delete(e);
    return rc;
}

/* The events of a batch whose '[' is at s->i. */
static int batch(const decode_doc_t *d, decode_scan_t *s, size_t *k)
{
    return decode__elements(d, s, k, "in the batch", "event", event);
}

/* One event object at the top of the document, its '{' at s->i. */
static int single(const decode_doc_t *d, decode_scan_t *s, size_t *k)
{
    obs_span_t v;
    char label[40];
    snprintf(label, sizeof label, "event %zu", *k + 1);
    if (decode__value(s, &v))
        return decode__fail_scan(d, s, label);
    return event(d, v, ++*k);
}

int decode__telemetry(const decode_doc_t *d)
{
    return decode__top_values(d, single, batch, "'[' (a Telemetry API batch) or '{' (one of its events)");
}
