/* lambda/decode_doc.c — documents: which document format some bytes start
 * (decode__doc_sniff, for decode_sniff) and decode_document, which hands a
 * whole document to its format's decoder (decode_events.c,
 * decode_insights.c, decode_csv.c, decode_subscription.c, decode_telemetry.c).
 *
 * Sniffing reads the names of the first object's members (and of the first
 * element of its "events" or "results" array) with decode_scan.c's scanner,
 * as far as the bytes go, so a document cut short still sniffs as its
 * format. A CloudWatch event a line (`sam logs --output json`) is
 * events-json too. A JSON object that is none of these (a Lambda JSON log line, an
 * application's own JSON) is DECODE_AUTO: lines, not a document. */
#include "lambda/decode_int.h"

enum {
    K_MESSAGE_TYPE = 1 << 0,    /* subscription envelope */
    K_LOG_EVENTS = 1 << 1,
    K_OWNER = 1 << 2,
    K_LOG_GROUP = 1 << 3,
    K_LOG_STREAM = 1 << 4,
    K_AT_MESSAGE = 1 << 5,      /* Logs Insights row */
    K_FIELD = 1 << 6,           /* get-query-results' {"field", "value"} */
    K_STATUS = 1 << 7,          /* get-query-results' "status", "statistics" */
    K_MESSAGE = 1 << 8,         /* a log event of filter/get-log-events */
    K_TIMESTAMP = 1 << 9,
    K_STREAM_NAME = 1 << 10,
    K_INGESTION = 1 << 11,
    K_EVENT_ID = 1 << 12,
    K_TOKEN = 1 << 13,          /* their pagination tokens */
    K_EVENTS_OK = 1 << 14,      /* "events": [ {message, timestamp...} */
    K_EVENTS_EMPTY = 1 << 15,   /* "events": [] */
    K_RESULTS_OK = 1 << 16,     /* "results": [[ {field ...} */
    K_RESULTS_EMPTY = 1 << 17,  /* "results": [] */
    K_TIME = 1 << 18,           /* a Telemetry API event: time, type, record */
    K_TYPE = 1 << 19,
    K_RECORD = 1 << 20,
    K_TIMESTAMP_MS = 1 << 21,   /* "timestamp" is a number (a CloudWatch event's ms) */
};

static const struct {
    const char *name;
    unsigned bit;
} keys[] = {
    { "messageType", K_MESSAGE_TYPE },
    { "logEvents", K_LOG_EVENTS },
    { "owner", K_OWNER },
    { "logGroup", K_LOG_GROUP },
    { "logStream", K_LOG_STREAM },
    { "@message", K_AT_MESSAGE },
    { "field", K_FIELD },
    { "status", K_STATUS },
    { "statistics", K_STATUS },
    { "message", K_MESSAGE },
    { "timestamp", K_TIMESTAMP },
    { "logStreamName", K_STREAM_NAME },
    { "ingestionTime", K_INGESTION },
    { "eventId", K_EVENT_ID },
    { "nextToken", K_TOKEN },
    { "nextForwardToken", K_TOKEN },
    { "nextBackwardToken", K_TOKEN },
    { "searchedLogStreams", K_TOKEN },
    { "time", K_TIME },
    { "type", K_TYPE },
    { "record", K_RECORD },
};

static unsigned keys_of(decode_scan_t *s, int top);

/* s at the '[' of a top object's "events" or "results": what its first
 * element says. */
static unsigned first_element(decode_scan_t s, int results)
{
    s.i++;
    decode__ws(&s);
    if (s.i >= s.n)
        return 0;
    if (s.p[s.i] == ']')
        return results ? K_RESULTS_EMPTY : K_EVENTS_EMPTY;
    if (results) {
        if (s.p[s.i] != '[')
            return 0;
        s.i++;
        decode__ws(&s);
        return s.i < s.n && s.p[s.i] == '{' && (keys_of(&s, 0) & K_FIELD) ? K_RESULTS_OK : 0;
    }
    if (s.p[s.i] != '{')
        return 0;
    unsigned k = keys_of(&s, 0);
    return (k & K_MESSAGE) && (k & (K_TIMESTAMP | K_STREAM_NAME | K_INGESTION)) ? K_EVENTS_OK : 0;
}

/* The members of the object whose '{' is at s->i, as far as the bytes go. */
static unsigned keys_of(decode_scan_t *s, int top)
{
    unsigned bits = 0;
    s->i++;
    for (int first = 1;; first = 0) {
        obs_span_t key, v;
        if (decode__member(s, first, &key) != 1)
            break;
        for (size_t k = 0; k < OBS_ARRAY_LEN(keys); k++)
            if (decode__key_is(key, keys[k].name))
                bits |= keys[k].bit;
        if (decode__key_is(key, "timestamp") && s->i < s->n && s->p[s->i] >= '0' && s->p[s->i] <= '9')
            bits |= K_TIMESTAMP_MS;
        if (top && s->i < s->n && s->p[s->i] == '[') {
            if (decode__key_is(key, "events"))
                bits |= first_element(*s, 0);
            else if (decode__key_is(key, "results"))
                bits |= first_element(*s, 1);
        }
        if (decode__value(s, &v))
            break;
    }
    return bits;
}

decode_format_t decode__doc_sniff(const char *p, size_t n)
{
    decode_scan_t s = { p, n, decode__bom(p, n), 0, NULL, 0 };
    decode__ws(&s);
    if (s.i >= n)
        return DECODE_AUTO;
    if (p[s.i] == '{') {
        unsigned k = keys_of(&s, 1);
        if ((k & (K_MESSAGE_TYPE | K_LOG_EVENTS)) ||
            (k & (K_OWNER | K_LOG_GROUP | K_LOG_STREAM)) == (K_OWNER | K_LOG_GROUP | K_LOG_STREAM))
            return DECODE_SUBSCRIPTION;
        if ((k & K_EVENTS_OK) || ((k & K_EVENTS_EMPTY) && (k & K_TOKEN)))
            return DECODE_EVENTS_JSON;
        /* one of those events a line (`sam logs --output json`): its message,
         * its time in ms and a key only CloudWatch's events have — a JSON
         * log record's "timestamp" is text, and it has none of these */
        if ((k & (K_MESSAGE | K_TIMESTAMP_MS)) == (K_MESSAGE | K_TIMESTAMP_MS) &&
            (k & (K_STREAM_NAME | K_INGESTION | K_EVENT_ID)))
            return DECODE_EVENTS_JSON;
        if ((k & (K_RESULTS_OK | K_AT_MESSAGE)) || ((k & K_RESULTS_EMPTY) && (k & K_STATUS)))
            return DECODE_INSIGHTS_JSON;
        return DECODE_AUTO;
    }
    if (p[s.i] == '[') {
        s.i++;
        decode__ws(&s);
        if (s.i >= n)
            return DECODE_AUTO;
        if (p[s.i] == ']')
            return DECODE_INSIGHTS_JSON; /* an empty export */
        if (p[s.i] == '[') {
            s.i++;
            decode__ws(&s);
            return s.i < n && p[s.i] == '{' && (keys_of(&s, 0) & K_FIELD) ? DECODE_INSIGHTS_JSON
                                                                            : DECODE_AUTO;
        }
        if (p[s.i] != '{')
            return DECODE_AUTO;
        unsigned k = keys_of(&s, 0);
        if (k & K_AT_MESSAGE)
            return DECODE_INSIGHTS_JSON;
        if ((k & K_MESSAGE) && (k & (K_STREAM_NAME | K_INGESTION | K_EVENT_ID)))
            return DECODE_EVENTS_JSON;
        if ((k & (K_TIME | K_TYPE | K_RECORD)) == (K_TIME | K_TYPE | K_RECORD))
            return DECODE_TELEMETRY_JSON;
        return DECODE_AUTO;
    }
    return decode__csv_sniff(p, n) ? DECODE_INSIGHTS_CSV : DECODE_AUTO;
}

static const char *const names[DECODE__COUNT] = {
    [DECODE_EVENTS_JSON] = "events-json",
    [DECODE_INSIGHTS_JSON] = "insights-json",
    [DECODE_INSIGHTS_CSV] = "insights-csv",
    [DECODE_SUBSCRIPTION] = "subscription",
    [DECODE_TELEMETRY_JSON] = "telemetry-json",
};

int decode_document(decode_format_t f, const char *p, size_t n, decode_emit_fn emit, void *ctx,
                    obs_err_t *err)
{
    const char *name = (unsigned)f < DECODE__COUNT ? names[f] : NULL;
    if (!name)
        return obs_err_set(err, OBS_EINVAL, "format %d is not a document format (events-json, "
                           "insights-json, insights-csv, subscription, telemetry-json)", (int)f);
    if (!emit || (!p && n))
        return obs_err_set(err, OBS_EINVAL, "%s: no document or no place for its records", name);
    if (n > DECODE_DOCUMENT_MAX)
        return obs_err_set(err, OBS_EINVAL, "%s: the document is %zu bytes, more than the %d MiB "
                           "a document may be (documents are parsed in memory)", name, n,
                           DECODE_DOCUMENT_MAX >> 20);
    decode_doc_t d = { name, p ? p : "", n, emit, ctx, err };
    switch (f) {
    case DECODE_EVENTS_JSON:
        return decode__events(&d);
    case DECODE_INSIGHTS_JSON:
        return decode__insights_json(&d);
    case DECODE_INSIGHTS_CSV:
        return decode__insights_csv(&d);
    case DECODE_TELEMETRY_JSON:
        return decode__telemetry(&d);
    default:
        return decode__subscription(&d);
    }
}
