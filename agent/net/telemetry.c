/* agent/net/telemetry.c — Telemetry API batches into lines (telemetry.h). */
#include "agent/net/telemetry.h"
#include "common/isotime.h"
#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static void add(telemetry_batch_t *b, int *cap, char *text, int64_t ts)
{
    /* a line must not span lines: an element's text with newlines (a
     * multi-line function record) is one event; JSON escapes them anyway */
    if (b->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        b->lines = xrealloc(b->lines, (size_t)*cap * sizeof *b->lines);
    }
    telemetry_line_t *l = &b->lines[b->n++];
    l->text = text;
    l->len = strlen(text);
    l->ts_ms = ts;
}

static int64_t element_time(const cJSON *e)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "time");
    int64_t ms;
    size_t used;
    if (cJSON_IsString(t) && isotime_parse(t->valuestring, strlen(t->valuestring), &ms, &used) == 0)
        return ms;
    return -1;
}

/* A reported count: a number from 0 to 2^53 (beyond, the sender is lying
 * and converting would be undefined); anything else counts 0. */
static int64_t count_of(const cJSON *n)
{
    if (!cJSON_IsNumber(n) || !(n->valuedouble > 0))
        return 0;
    return n->valuedouble < 0x1p53 ? (int64_t)n->valuedouble : INT64_C(1) << 53;
}

static void dropped(telemetry_batch_t *b, const cJSON *record)
{
    b->logs_dropped_records = telemetry_count_add(b->logs_dropped_records,
                                                  count_of(cJSON_GetObjectItemCaseSensitive(record, "droppedRecords")));
    b->logs_dropped_bytes = telemetry_count_add(b->logs_dropped_bytes,
                                                count_of(cJSON_GetObjectItemCaseSensitive(record, "droppedBytes")));
}

int64_t telemetry_count_add(int64_t a, int64_t b)
{
    int64_t sum;
    return __builtin_add_overflow(a, b, &sum) ? INT64_MAX : sum;
}

int telemetry_parse(const char *body, size_t len, telemetry_batch_t *out, const char **why)
{
    memset(out, 0, sizeof *out);
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsArray(root)) {
        *why = root ? "the body is JSON but not an array of telemetry events" : "the body is not JSON";
        cJSON_Delete(root);
        return -1;
    }
    int cap = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        if (!cJSON_IsObject(e)) {
            out->elements_bad++;
            char *raw = cJSON_PrintUnformatted(e);
            add(out, &cap, raw ? raw : xstrdup(""), -1);
            continue;
        }
        int64_t ts = element_time(e);
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
        const cJSON *record = cJSON_GetObjectItemCaseSensitive(e, "record");
        const char *t = cJSON_IsString(type) ? type->valuestring : "";
        if ((strcmp(t, "function") == 0 || strcmp(t, "extension") == 0) && cJSON_IsString(record)) {
            add(out, &cap, xstrdup(record->valuestring), ts);   /* the line as written */
        } else if ((strcmp(t, "function") == 0 || strcmp(t, "extension") == 0) && cJSON_IsObject(record)) {
            add(out, &cap, cJSON_PrintUnformatted(record), ts);  /* a JSON-format application record */
        } else {
            if (strcmp(t, "platform.logsDropped") == 0 && cJSON_IsObject(record))
                dropped(out, record);
            add(out, &cap, cJSON_PrintUnformatted(e), ts);       /* platform.*: as the JSON log format has it */
        }
    }
    cJSON_Delete(root);
    return 0;
}

void telemetry_batch_free(telemetry_batch_t *b)
{
    for (int i = 0; i < b->n; i++)
        free(b->lines[i].text);
    free(b->lines);
    memset(b, 0, sizeof *b);
}
