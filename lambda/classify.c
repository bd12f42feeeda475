/* lambda/classify.c — the Lambda line classifier's entry point: resets the
 * result and dispatches on the first byte to the recognisers: text platform
 * lines (classify_text.c), runtime prefixes (classify_runtime.c), the JSON
 * log format (classify_json.c); then the throttle signals (throttle.c). */
#include "lambda/classify.h"
#include "lambda/classify_int.h"
#include "lambda/throttle.h"

#include <cjson/cJSON.h>
#include <string.h>

/* ---- dispatch ---------------------------------------------------------- */

void classify__line(const char *line, size_t len, lambda_line_t *out, int allow_export_prefix)
{
    classify__reset(out, line, len);
    if (!line || len == 0)
        return;
    switch (line[0]) {
    case '{':
        classify__json(line, len, out);
        break;
    case '[':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
        if (classify__runtime(line, len, out) || !allow_export_prefix)
            break;
        /* "<ISO with T> [<stream name> ]<line>": the export's time, the
         * rest classified as a line of its own */
        int64_t ts;
        size_t rest = classify__export_prefix(line, len, &ts);
        if (rest) {
            classify__line(line + rest, len - rest, out, 0);
            out->has_ts = 1;
            out->ts_ms = ts;
        }
        break;
    }
    default:
        classify__text(line, len, out);
        break;
    }
}

void classify_line(const char *line, size_t len, lambda_line_t *out)
{
    classify__line(line, len, out, 1);
    if (out->kind == LK_APP || out->kind == LK_PLAIN || out->kind == LK_ERROR_TYPE)
        out->throttle = throttle_detect(line, len, out->tree);
}

void classify_result_done(lambda_line_t *out)
{
    if (!out)
        return;
    cJSON_Delete(out->tree);
    out->tree = NULL;
    out->json = obs_span(NULL, 0);
}

