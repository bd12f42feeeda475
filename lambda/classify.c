/* lambda/classify.c — the Lambda line classifier's entry point: resets the
 * result and dispatches on the first byte to the recognisers: text platform
 * lines (classify_text.c), runtime prefixes (classify_runtime.c), the JSON
 * log format (classify_json.c); then the throttle signals (throttle.c).
 * A message that is the Python runtime's LAMBDA_WARNING and the record it
 * wrote after it is read as that record (classify__warning_head).
 * What wraps a line (an export's time, `sam logs`' stream) is taken off
 * before: lambda/decode.c. */
#include "lambda/classify.h"
#include "lambda/classify_int.h"
#include "lambda/throttle.h"

#include <cjson/cJSON.h>
#include <string.h>

/* ---- dispatch ---------------------------------------------------------- */

/* "I, [" etc.: the head of a Ruby Logger line (classify_runtime.c). */
static int ruby_head(const char *p, size_t n)
{
    return n > 4 && p[1] == ',' && p[2] == ' ' && p[3] == '[' && strchr("DIWEFAU", p[0]);
}

/* A platform line led by blanks: a copy from the console's table that
 * kept its empty first cell ("\tSTART RequestId: ..."). Only Lambda's own
 * keyword lines are read so; any other blank-led line (a stack frame, an
 * indented print) stays as it is. */
static void led_platform_line(const char *line, size_t len, lambda_line_t *out)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i == len || line[i] < 'A' || line[i] > 'Z')
        return;
    lambda_line_t t;
    classify__reset(&t, line + i, len - i);
    if (!classify__text(line + i, len - i, &t))
        return;
    int platform = 0;
    switch (t.kind) {
    case LK_START: case LK_END: case LK_REPORT: case LK_INIT_START: case LK_INIT_REPORT:
    case LK_RESTORE_REPORT: case LK_EXTENSION: case LK_TELEMETRY: case LK_RUNTIME_EXIT:
        platform = 1;
        break;
    case LK_PLATFORM:
        platform = t.request_id.len || (t.type && strcmp(t.type, "XRAY") == 0);
        break;
    default:
        break;
    }
    if (platform)
        *out = t;
    else
        classify_result_done(&t);   /* an app line's tree (a Ruby error head's) */
}

/* The Python runtime's warning before an unhandled error (its runtime
 * interface client from 2.0 until the warning became a logging record):
 * "LAMBDA_WARNING: Unhandled exception. ... runtimes-update.html\r", written
 * straight before the error record, one CloudWatch event with it — the
 * JSON log format's error object or the text format's "[ERROR] Type: msg"
 * and its traceback. The warning ends at its \r (a copy may have made it a
 * line break). Warnings one after the other are skipped together, so the
 * classifier never recurses more than once. */
size_t classify__warning_head(const char *line, size_t len)
{
    static const char head[] = "LAMBDA_WARNING: ";
    size_t at = 0;
    while (cl_has_prefix(line + at, len - at, head, sizeof head - 1)) {
        size_t i = at + sizeof head - 1;
        while (i < len && line[i] != '\r' && line[i] != '\n')
            i++;
        while (i < len && (line[i] == '\r' || line[i] == '\n'))
            i++;
        if (i == len)
            break;
        at = i;
    }
    return at;
}

void classify_line(const char *line, size_t len, lambda_line_t *out)
{
    classify__reset(out, line, len);
    if (!line || len == 0)
        return;
    size_t warned = classify__warning_head(line, len);
    if (warned) {   /* the record after the warning says what the event is */
        classify_line(line + warned, len - warned, out);
        return;
    }
    switch (line[0]) {
    case '{':
        if (classify__json(line, len, out)) {
            struct cJSON *root = out->outer;
            size_t n;
            const char *text = classify__telemetry_text(root, &n);
            classify_line(text, n, out);   /* resets *out */
            classify__telemetry_done(out, root);
        }
        break;
    case '[':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        if (!classify__runtime(line, len, out) && !classify__id_line(line, len, out))
            classify__text(line, len, out);   /* "<reqid> Task timed out ..." */
        break;
    case ' ':
    case '\t':
        led_platform_line(line, len, out);
        break;
    default:
        if (!(ruby_head(line, len) && classify__runtime(line, len, out)) &&
            !(line[0] >= 'a' && line[0] <= 'f' && classify__id_line(line, len, out)))
            classify__text(line, len, out);
        break;
    }
    if (out->kind == LK_APP || out->kind == LK_PLAIN || out->kind == LK_ERROR_TYPE)
        out->throttle = throttle_detect(line, len, out->tree);
}

void classify_result_done(lambda_line_t *out)
{
    if (!out)
        return;
    cJSON_Delete(out->tree);
    cJSON_Delete(out->outer);
    out->tree = NULL;
    out->outer = NULL;
    out->json = obs_span(NULL, 0);
}

