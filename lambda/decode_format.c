/* lambda/decode_format.c — the decoders' formats by name (--format), and
 * what a format is: a leaf of the decoder's files. */
#include "lambda/decode.h"

#include <string.h>

static const char *const format_names[DECODE__COUNT] = {
    [DECODE_AUTO] = "auto",
    [DECODE_LAMBDA] = "lambda",
    [DECODE_SAM_LOGS] = "sam-logs",
    [DECODE_CONSOLE] = "console",
    [DECODE_TAIL] = "tail",
    [DECODE_DOCKER] = "docker",
    [DECODE_SAM_LOCAL] = "sam-local",
    [DECODE_CLOCK] = "clock",
    [DECODE_EVENTS_JSON] = "events-json",
    [DECODE_INSIGHTS_JSON] = "insights-json",
    [DECODE_INSIGHTS_CSV] = "insights-csv",
    [DECODE_SUBSCRIPTION] = "subscription",
    [DECODE_TELEMETRY_JSON] = "telemetry-json",
};

const char *decode_format_name(decode_format_t f)
{
    return (unsigned)f < DECODE__COUNT ? format_names[f] : "?";
}

int decode_format_parse(const char *name, decode_format_t *out)
{
    for (int f = 0; f < DECODE__COUNT; f++) {
        if (strcmp(name, format_names[f]) == 0) {
            *out = (decode_format_t)f;
            return 0;
        }
    }
    return -1;
}

int decode_is_gzip(const char *p, size_t n)
{
    return n >= 2 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b;
}

int decode_is_document(decode_format_t f)
{
    return f >= DECODE_EVENTS_JSON && f < DECODE__COUNT;
}
