/* lambda/classify_json.c — the JSON log format: application records
 * ({"timestamp","level"|"log_level","message","requestId"|"AWSRequestId",...})
 * and system records ({"time","type":"platform.*","record":{...}}), and
 * the Telemetry API's elements logged one a line. cJSON does the parsing
 * (classify__parse_object, classify_common.c); every span set here points
 * into the line or into the tree. */
#include "lambda/classify.h"
#include "lambda/classify_int.h"
#include "common/isotime.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>


/* ---- small accessors ---------------------------------------------------- */

static obs_span_t str_span(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v) || !v->valuestring)
        return obs_span(NULL, 0);
    return obs_span(v->valuestring, strlen(v->valuestring));
}

static double num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static int64_t int_num(const cJSON *obj, const char *key)
{
    double v = num(obj, key);
    return isnan(v) || v < 0 || v > 9e15 ? -1 : (int64_t)v;
}

/* A number of seconds, milliseconds, microseconds or nanoseconds since the
 * epoch, told apart by size (each read as a time from 1973 to 2286). */
static int epoch_ms(double v, int64_t *ms)
{
    if (!(v >= 1e8) || v >= 1e19)
        return 0;
    *ms = v < 1e10 ? (int64_t)(v * 1000.0) : v < 1e13 ? (int64_t)v : v < 1e16 ? (int64_t)(v / 1e3) : (int64_t)(v / 1e6);
    return 1;
}

/* The record's own time from the first of keys it has: ISO 8601 text, the
 * Common Log Format (API Gateway's requestTime), or epoch s/ms/µs/ns
 * (API Gateway's requestTimeEpoch). 1 when found. */
static int set_time(lambda_line_t *out, const cJSON *obj, const char *const *keys)
{
    for (; *keys; keys++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, *keys);
        int64_t ms;
        int ok = 0;
        if (cJSON_IsString(v) && v->valuestring) {
            size_t n = strlen(v->valuestring);
            ok = isotime_parse(v->valuestring, n, &ms, NULL) == 0 ||
                 isotime_parse_clf(v->valuestring, n, &ms, NULL) == 0;
        } else if (cJSON_IsNumber(v)) {
            ok = epoch_ms(v->valuedouble, &ms);
        }
        if (ok) {
            out->has_ts = 1;
            out->ts_ms = ms;
            return 1;
        }
    }
    return 0;
}

/* X-Ray ids from a TraceContext value "Root=1-...;Parent=...;Sampled=1". */
static void set_tracing(lambda_line_t *out, const cJSON *record)
{
    obs_span_t v = str_span(cJSON_GetObjectItemCaseSensitive(record, "tracing"), "value");
    size_t i = 0;
    while (i < v.len) {
        const char *semi = memchr(v.p + i, ';', v.len - i);
        size_t e = semi ? (size_t)(semi - v.p) : v.len;
        const char *f = v.p + i;
        size_t fn = e - i;
        if (cl_has_prefix(f, fn, LIT("Root=")))
            out->xray_trace_id = obs_span(f + 5, fn - 5);
        else if (cl_has_prefix(f, fn, LIT("Parent=")))
            out->xray_segment_id = obs_span(f + 7, fn - 7);
        else if (fn == 9 && cl_has_prefix(f, fn, LIT("Sampled=")))
            out->xray_sampled = f[8] == '1' ? 1 : f[8] == '0' ? 0 : -1;
        i = e + 1;
    }
}

/* ---- platform.* records ------------------------------------------------- */

static lambda_kind_t platform_kind(const char *type)
{
    static const struct { const char *type; lambda_kind_t kind; } kinds[] = {
        { "platform.initStart", LK_INIT_START },
        { "platform.start", LK_START },
        { "platform.end", LK_END },               /* the Logs API's */
        { "platform.restoreStart", LK_INIT_START },  /* SnapStart: a restore starts */
        { "platform.report", LK_REPORT },
        { "platform.initReport", LK_INIT_REPORT },
        { "platform.restoreReport", LK_RESTORE_REPORT },
        { "platform.extension", LK_EXTENSION },
        { "platform.telemetrySubscription", LK_TELEMETRY },
    };
    for (size_t k = 0; k < OBS_ARRAY_LEN(kinds); k++)
        if (strcmp(type, kinds[k].type) == 0)
            return kinds[k].kind;
    return LK_PLATFORM;
}

/* The Logs API's platform.fault carries the old text as a string record:
 * "RequestId: X Process exited before completing request". */
static void fault_text(lambda_line_t *out, const char *text)
{
    lambda_line_t t;
    size_t n = strlen(text);
    classify__reset(&t, text, n);
    if (n)
        classify__text(text, n, &t);
    if (t.kind == LK_RUNTIME_EXIT) {
        out->request_id = t.request_id;
        out->status = t.status;
        out->error_type = t.error_type;
        out->outcome = t.outcome;
    }
    cJSON_Delete(t.tree);
}

static void platform_record(lambda_line_t *out, const cJSON *root, const char *type)
{
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(root, "record");
    out->kind = platform_kind(type);
    out->type = type;
    static const char *const time_key[] = { "time", NULL };
    set_time(out, root, time_key);
    if (cJSON_IsString(rec) && rec->valuestring) {
        fault_text(out, rec->valuestring);
        return;
    }
    if (!cJSON_IsObject(rec))
        return;
    out->request_id = str_span(rec, "requestId");
    out->version = str_span(rec, "version");
    out->status = str_span(rec, "status");
    out->error_type = str_span(rec, "errorType");
    out->phase = str_span(rec, "phase");
    out->init_type = str_span(rec, "initializationType");
    if (!out->init_type.p && strcmp(type, "platform.restoreStart") == 0)
        out->init_type = obs_span("snap-start", 10);
    out->runtime_version = str_span(rec, "runtimeVersion");
    out->runtime_version_arn = str_span(rec, "runtimeVersionArn");
    out->ext_name = str_span(rec, "name");
    out->ext_state = str_span(rec, "state");
    out->ext_events = str_span(rec, out->kind == LK_TELEMETRY ? "types" : "events");
    set_tracing(out, rec);

    const cJSON *m = cJSON_GetObjectItemCaseSensitive(rec, "metrics");
    switch (out->kind) {
    case LK_REPORT:
        out->duration_ms = num(m, "durationMs");
        out->billed_duration_ms = num(m, "billedDurationMs");
        out->memory_size_mb = int_num(m, "memorySizeMB");
        out->max_memory_used_mb = int_num(m, "maxMemoryUsedMB");
        out->init_duration_ms = num(m, "initDurationMs");
        out->restore_duration_ms = num(m, "restoreDurationMs");
        out->billed_restore_duration_ms = num(m, "billedRestoreDurationMs");
        out->outcome = classify__status_outcome(out->status, out->error_type);
        break;
    case LK_INIT_REPORT:
        out->init_duration_ms = num(m, "durationMs");
        break;
    case LK_RESTORE_REPORT:
        out->restore_duration_ms = num(m, "durationMs");
        out->billed_restore_duration_ms = num(m, "billedDurationMs");
        break;
    default:
        if (strcmp(type, "platform.runtimeDone") == 0)
            out->outcome = classify__status_outcome(out->status, out->error_type);
        break;
    }
}

/* ---- application records ------------------------------------------------ */

static int node_uncaught_phrase(obs_span_t m)
{
    return cl_has_prefix(m.p, m.len, LIT("Invoke Error")) ||
           cl_has_prefix(m.p, m.len, LIT("Uncaught Exception")) ||
           cl_has_prefix(m.p, m.len, LIT("Unhandled Promise Rejection"));
}

static void app_record(lambda_line_t *out, const cJSON *root)
{
    const cJSON *log_level = cJSON_GetObjectItemCaseSensitive(root, "log_level");
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(root, "message");
    obs_span_t level = str_span(root, "level");
    if (!level.p)
        level = str_span(root, "log_level");
    out->level_text = level;
    out->level = classify__level(level.p, level.len);
    /* the record's own time: Lambda's JSON format ("timestamp"), common
     * loggers' and API Gateway access logs' keys; else an EMF document's
     * _aws.Timestamp — the best evidence of when a bare document was
     * written (CloudWatch stamps an event when it is written) */
    static const char *const time_keys[] = { "timestamp", "time", "@timestamp", "requestTimeEpoch",
                                             "requestTime", NULL };
    static const char *const emf_key[] = { "Timestamp", NULL };
    int has_time = set_time(out, root, time_keys);
    if (!has_time)
        set_time(out, cJSON_GetObjectItemCaseSensitive(root, "_aws"), emf_key);

    /* Lambda's JSON format; the Java runtime's and its Log4j2 layout's;
     * loggers that copy the context's awsRequestId (Node) or
     * aws_request_id (Python); Powertools */
    static const char *const rid_keys[] = { "requestId", "AWSRequestId", "awsRequestId", "AWSrequestId",
                                            "aws_request_id", "function_request_id", NULL };
    out->request_id = obs_span(NULL, 0);
    for (int i = 0; rid_keys[i] && !out->request_id.p; i++)
        out->request_id = str_span(root, rid_keys[i]);

    obs_span_t msg = obs_span(NULL, 0);
    if (cJSON_IsString(message) && message->valuestring) {
        msg = obs_span(message->valuestring, strlen(message->valuestring));
        out->body = msg;
    }
    out->error_type = str_span(root, "errorType");
    if (!out->error_type.p && cJSON_IsObject(message))
        out->error_type = str_span(message, "errorType");

    int appish = level.p || log_level || has_time || cJSON_GetObjectItemCaseSensitive(root, "timestamp") ||
                 out->request_id.p;
    int bare_error = !appish && !message && str_span(root, "errorType").p &&
                     str_span(root, "errorMessage").p;
    if (!appish && !bare_error)
        return;
    out->kind = LK_APP;

    /* Python's uncaught error: the runtime's error object with the
     * record's time and level and no message ("log_level" until its
     * runtime interface client 4.0.4, "level" since) */
    int python_uncaught = str_span(root, "errorType").p &&
                          (log_level || (!message && str_span(root, "errorMessage").p && out->level >= LL_ERROR));
    if (bare_error ||                                   /* Go's error JSON */
        python_uncaught ||
        (node_uncaught_phrase(msg) && (out->error_type.p || out->level == LL_ERROR)))
        out->outcome = LO_ERROR;
}

/* A Telemetry API (or Logs API) element of type "function" or "extension",
 * one a line as an extension logs what it receives:
 * {"time":"...","type":"function","record":"<the line as written>\n"}, or
 * with the JSON log format an object record. An object record is the tree
 * (an EMF document is the record), read as an application record; a text
 * record is classified as the line it is by the dispatcher (classify.c),
 * then classify__telemetry_done gives it the element's time (Lambda's, as
 * a CloudWatch event's would be). */
static const char *const element_time[] = { "time", NULL };

static void telemetry_object(lambda_line_t *out, cJSON *root, cJSON *record)
{
    out->tree = cJSON_DetachItemViaPointer(root, record);
    out->outer = root;
    app_record(out, record);
    out->kind = LK_APP;
    set_time(out, root, element_time);
}

const char *classify__telemetry_text(const struct cJSON *root, size_t *n)
{
    const cJSON *record = cJSON_GetObjectItemCaseSensitive(root, "record");
    const char *text = record->valuestring;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    *n = len;
    return text;
}

void classify__telemetry_done(lambda_line_t *out, struct cJSON *root)
{
    out->outer = root;
    if (out->kind == LK_PLAIN)
        out->kind = LK_APP;
    set_time(out, root, element_time);
}

int classify__json(const char *line, size_t len, lambda_line_t *out)
{
    size_t olen;
    cJSON *t = classify__parse_object(line, len, &olen);
    if (!t)
        return 0;
    out->tree = t;
    out->json = obs_span(line, olen);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(t, "type");
    cJSON *record = cJSON_GetObjectItemCaseSensitive(t, "record");
    if (cJSON_IsString(type) && type->valuestring &&
        (strcmp(type->valuestring, "function") == 0 || strcmp(type->valuestring, "extension") == 0) &&
        ((cJSON_IsString(record) && record->valuestring) || cJSON_IsObject(record)) &&
        cJSON_GetObjectItemCaseSensitive(t, "time")) {
        if (cJSON_IsObject(record)) {
            telemetry_object(out, t, record);
            return 0;
        }
        out->tree = NULL;
        out->json = obs_span(NULL, 0);
        out->outer = t;   /* the dispatcher classifies its text */
        return 1;
    }
    if (cJSON_IsString(type) && type->valuestring &&
        strncmp(type->valuestring, "platform.", 9) == 0 &&
        cJSON_GetObjectItemCaseSensitive(t, "record")) {
        platform_record(out, t, type->valuestring);
        return 0;
    }
    app_record(out, t);
    return 0;
}
