/* tests/fuzz/fuzz_telemetry.c — libFuzzer target for the Telemetry API batch
 * parser (agent/net/telemetry.c): any bytes in, telemetry_parse() must not
 * crash, overflow the stack or leak; a refusal carries a reason and fills
 * nothing; an accepted batch has one NUL-terminated line per element whose
 * len is its strlen, non-negative dropped counters, and no more bad
 * elements than lines. (The HTTP in front of it is libmicrohttpd's, fuzzed
 * upstream.)
 *
 * Run with `make fuzz` (FUZZ_SECONDS=60); seeds in tests/fuzz/corpus/telemetry/. */
#include "agent/net/telemetry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so ASan sees any read past the end */
    char *body = malloc(size ? size : 1);
    if (size)
        memcpy(body, data, size);
    telemetry_batch_t b;
    const char *why = NULL;
    if (telemetry_parse(body, size, &b, &why) != 0) {
        if (!why || !*why || b.n || b.lines)
            abort();
    } else {
        if (b.n < 0 || (b.n && !b.lines) || b.elements_bad > b.n)
            abort();
        if (b.logs_dropped_records < 0 || b.logs_dropped_bytes < 0)
            abort();
        for (int i = 0; i < b.n; i++)
            if (!b.lines[i].text || b.lines[i].len != strlen(b.lines[i].text))
                abort();
    }
    telemetry_batch_free(&b);
    free(body);
    return 0;
}
