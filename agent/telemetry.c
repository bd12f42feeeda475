/* agent/telemetry.c — Telemetry API batches into lines (telemetry.h). */
#include "telemetry.h"
#include "../common/isotime.h"
#include "../common/xalloc.h"

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

static void dropped(telemetry_batch_t *b, const cJSON *record)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(record, "droppedRecords");
    const cJSON *y = cJSON_GetObjectItemCaseSensitive(record, "droppedBytes");
    if (cJSON_IsNumber(r) && r->valuedouble > 0)
        b->logs_dropped_records += (int64_t)r->valuedouble;
    if (cJSON_IsNumber(y) && y->valuedouble > 0)
        b->logs_dropped_bytes += (int64_t)y->valuedouble;
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
