/* lambda/decode_insights.c — CloudWatch Logs Insights results as JSON:
 * the console's "Export results" table (logs-insights-results.json), an
 * array of rows keyed by the query's fields:
 *   [{"@timestamp": "2023-04-18 15:32:46.721",
 *     "@message": "END RequestId: 5d0c2a1e-...\n",
 *     "@logStream": "2023/04/18/[$LATEST]2a9d...",
 *     "@log": "111122223333:/aws/lambda/run-every-10-minutes"}, ...]
 * @timestamp is printed without a zone, to the millisecond, in UTC (the
 * sample's "2023-04-18 15:32:46.703" is the row whose message the Node.js
 * runtime stamped 2023-04-18T15:32:46.703Z); @message is the event as
 * CloudWatch holds it (with Lambda's final '\n'), or, for a JSON event, the
 * JSON itself as an object (DataBiosphere/azul pull request #5230 shows an
 * export whose "@message" is a CloudTrail object); @logStream is the
 * stream; @log is "account-id:log-group" (CloudWatch Logs user guide,
 * "Supported logs and discovered fields").
 * Rows come in the query's sort order (newest first by default).
 *
 * Also read: one row object per line (JSON lines), and the output of
 * `aws logs get-query-results`, {"results": [[{"field": "@timestamp",
 * "value": "2024-05-19 06:10:35.743"}, ...], ...], "statistics": ...,
 * "status": ...} (aws/aws-cli awscli/examples/logs/get-query-results.rst),
 * or its bare `--query results` array. Each row is parsed alone.
 *
 * Only @message is required: an export of `fields @message` has no time
 * (the pipeline's time rule applies). A message that is not a string is
 * printed back as compact JSON (cJSON keeps the keys' order; numbers are
 * printed by cJSON, so 1.50 comes back as 1.5). */
#include "lambda/decode_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* The fields of a row that make a record (any may be NULL). */
typedef struct row {
    const cJSON *ts, *msg, *stream, *log;
} row_t;

static int emit_row(const decode_doc_t *d, size_t at, const char *label, const row_t *w)
{
    decode_record_t r = { 0 };
    obs_span_t log;
    char *printed = NULL;
    int rc = 0;
    if (!w->msg || cJSON_IsNull(w->msg))
        return decode__fail(d, at, "%s has no \"@message\"", label);
    if (w->ts && cJSON_IsString(w->ts)) {
        const char *t = w->ts->valuestring;
        if (decode__text_time(t, strlen(t), &r.ts_ms) != 0)
            return decode__fail(d, at, "%s: \"@timestamp\" \"%.40s\" is not a time (Logs "
                                "Insights writes 2023-10-20 16:28:17.840, in UTC)", label, t);
        r.has_ts = 1;
    } else {
        rc = decode__ms_value(d, at, label, "@timestamp", w->ts, &r);
    }
    if (!rc)
        rc = decode__string_value(d, at, label, "@logStream", w->stream, &r.stream);
    if (!rc)
        rc = decode__string_value(d, at, label, "@log", w->log, &log);
    if (rc)
        return rc;
    r.log_group = log.p ? decode__group_of_log(log) : log;
    if (cJSON_IsString(w->msg)) {
        decode__set_message(&r, w->msg->valuestring, strlen(w->msg->valuestring));
    } else {
        printed = cJSON_PrintUnformatted(w->msg);
        if (!printed)
            return decode__fail(d, at, "%s: \"@message\" could not be printed back", label);
        decode__set_message(&r, printed, strlen(printed));
    }
    rc = decode__emit(d, &r);
    cJSON_free(printed);
    return rc;
}

/* A row as get-query-results gives it: [{"field": F, "value": V}, ...]. */
static int pairs_row(const decode_doc_t *d, size_t at, const char *label, const cJSON *a)
{
    row_t w = { 0 };
    size_t j = 0;
    for (const cJSON *it = a->child; it; it = it->next) {
        j++;
        const cJSON *f = cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "field") : NULL;
        if (!f || !cJSON_IsString(f))
            return decode__fail(d, at, "%s: item %zu is not a {\"field\": ..., \"value\": ...} "
                                "pair", label, j);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "value");
        const char *name = f->valuestring;
        if (strcmp(name, "@timestamp") == 0)
            w.ts = v;
        else if (strcmp(name, "@message") == 0)
            w.msg = v;
        else if (strcmp(name, "@logStream") == 0)
            w.stream = v;
        else if (strcmp(name, "@log") == 0)
            w.log = v;
    }
    return emit_row(d, at, label, &w);
}

static int row(const decode_doc_t *d, obs_span_t v, size_t k)
{
    char label[40];
    snprintf(label, sizeof label, "result %zu", k);
    size_t at = (size_t)(v.p - d->p);
    cJSON *t;
    int rc = decode__parse(d, v, label, &t);
    if (rc)
        return rc;
    if (cJSON_IsObject(t)) {
        row_t w = { cJSON_GetObjectItemCaseSensitive(t, "@timestamp"),
                    cJSON_GetObjectItemCaseSensitive(t, "@message"),
                    cJSON_GetObjectItemCaseSensitive(t, "@logStream"),
                    cJSON_GetObjectItemCaseSensitive(t, "@log") };
        rc = emit_row(d, at, label, &w);
    } else if (cJSON_IsArray(t)) {
        rc = pairs_row(d, at, label, t);
    } else {
        rc = decode__fail(d, at, "%s is %s, not an object", label, decode__json_type(t));
    }
    cJSON_Delete(t);
    return rc;
}

/* The rows of the array whose '[' is at s->i. */
static int rows(const decode_doc_t *d, decode_scan_t *s, size_t *k)
{
    return decode__elements(d, s, k, "in the array of results", "result", row);
}

/* An object at the top: get-query-results' output when it has a "results"
 * array, else one row (a line of JSON lines). */
static int object(const decode_doc_t *d, decode_scan_t *s, size_t *k)
{
    char label[40];
    snprintf(label, sizeof label, "result %zu", *k + 1);
    obs_span_t v;
    if (decode__value(s, &v))
        return decode__fail_scan(d, s, label);
    decode_scan_t in = { d->p, (size_t)(v.p - d->p) + v.len, (size_t)(v.p - d->p) + 1, 0, NULL, 0 };
    int results = 0;
    for (int first = 1; !results; first = 0) {
        obs_span_t key, x;
        if (decode__member(&in, first, &key) != 1)
            break;
        if (decode__key_is(key, "results") && in.i < in.n && in.p[in.i] == '[')
            results = 1;
        else if (decode__value(&in, &x))
            break;
    }
    if (!results)
        return row(d, v, ++*k);
    /* the output of get-query-results: check every member, stream the rows */
    in.i = (size_t)(v.p - d->p) + 1;
    for (int first = 1;; first = 0) {
        obs_span_t key;
        int more = decode__member(&in, first, &key);
        if (more < 0)
            return decode__fail_scan(d, &in, "in the output of get-query-results");
        if (!more)
            return 0;
        int rc;
        if (decode__key_is(key, "results") && in.i < in.n && in.p[in.i] == '[') {
            rc = rows(d, &in, k);
        } else {
            char what[80];
            snprintf(what, sizeof what, "the value of \"%.*s\"",
                     (int)(key.len > 40 ? 40 : key.len), key.p);
            rc = decode__skip(d, &in, what);
        }
        if (rc)
            return rc;
    }
}

int decode__insights_json(const decode_doc_t *d)
{
    return decode__top_values(d, object, rows,
                              "'[' (an exported table of results) or '{' (a result, one per line)");
}
