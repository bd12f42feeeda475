/* tests/fuzz/fuzz_classify.c — libFuzzer target for the Lambda line
 * classifier: any bytes in, classify_line() must not crash, read past the
 * line, or leak; the result must be internally consistent.
 *
 * Run with `make fuzz` (FUZZ_SECONDS=60); seeds in tests/fuzz/corpus/classify/.
 */
#include "lambda/classify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort when a span lies outside the line (it may also point into the tree
 * or at a static string, which we cannot bound here: skip those). */
static void check_span(obs_span_t s, const char *line, size_t len)
{
    if (!s.p || s.len == 0)
        return;
    if (s.p >= line && s.p <= line + len && s.p + s.len > line + len)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so ASan sees any read past the end */
    char *line = malloc(size ? size : 1);
    if (size)
        memcpy(line, data, size);
    lambda_line_t r;
    classify_line(line, size, &r);
    if ((unsigned)r.kind >= LK__COUNT || (unsigned)r.outcome > LO_OOM)
        abort();
    if ((r.tree != NULL) != (r.json.p != NULL))
        abort();
    obs_span_t spans[] = { r.request_id, r.level_text, r.body, r.json, r.version,
                           r.xray_trace_id, r.xray_segment_id, r.status, r.error_type,
                           r.phase, r.runtime_version, r.runtime_version_arn, r.init_type,
                           r.ext_name, r.ext_state, r.ext_events };
    for (size_t k = 0; k < sizeof spans / sizeof spans[0]; k++)
        check_span(spans[k], line, size);
    /* touch every byte of every span so ASan checks them */
    volatile unsigned sum = 0;
    for (size_t k = 0; k < sizeof spans / sizeof spans[0]; k++)
        for (size_t i = 0; spans[k].p && i < spans[k].len; i++)
            sum += (unsigned char)spans[k].p[i];
    (void)classify_kind_name(r.kind);
    (void)classify_level_name(r.level);
    (void)classify_outcome_name(r.outcome);
    classify_result_done(&r);
    free(line);
    return 0;
}
