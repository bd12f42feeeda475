/* agent/net/telemetry.h — a Lambda Telemetry API batch (the JSON array Lambda
 * POSTs to a subscribed extension: {"time","type","record"} elements) turned
 * into the lines obs stores, as the JSON log format writes them: a
 * platform.* element becomes its own JSON line (the shape the classifier
 * knows from the JSON log format), a function or extension element becomes
 * its record (a text line as written, or a JSON-format application record),
 * each with the element's time. Pure: no sockets. */
#ifndef OBS_TELEMETRY_H
#define OBS_TELEMETRY_H

#include <stddef.h>
#include <stdint.h>

typedef struct telemetry_line {
    char *text;              /* owned, NUL-terminated, no newline */
    size_t len;
    int64_t ts_ms;           /* the element's "time", or -1 */
} telemetry_line_t;

typedef struct telemetry_batch {
    telemetry_line_t *lines;
    int n;
    int64_t logs_dropped_records, logs_dropped_bytes;   /* platform.logsDropped */
    int elements_bad;        /* elements that are not objects: stored as they are */
} telemetry_batch_t;

/* Parse a POST body. Returns 0, or -1 when the body is not a JSON array
 * (*why says so; nothing is filled). */
int telemetry_parse(const char *body, size_t len, telemetry_batch_t *out, const char **why);
void telemetry_batch_free(telemetry_batch_t *b);

/* a + b for non-negative counts, saturating at INT64_MAX (a hostile sender
 * can report any numbers). */
int64_t telemetry_count_add(int64_t a, int64_t b);

#endif
