/* tests/fuzz/fuzz_decode.c — libFuzzer target for the line wrappers and
 * the choice of a format (lambda/decode.c): any bytes in, decode_sniff()
 * picks a format and every line goes through decode_line() in that format
 * and in each line format, then the classifier. Nothing may crash, read
 * past the input, or yield a message that is not inside the line.
 *
 * Run with `make fuzz` (FUZZ_SECONDS=60); seeds in tests/fuzz/corpus/decode/.
 */
#include "lambda/classify.h"
#include "lambda/decode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(obs_span_t s, const char *line, size_t len)
{
    if (s.p && s.len && (s.p < line || s.p + s.len > line + len))
        abort();
}

static void one(decode_state_t *st, const char *line, size_t len)
{
    decode_record_t r;
    int rc = decode_line(st, line, len, &r);
    if (rc < -1 || rc > 1)   /* -1: the tool's own line */
        abort();
    inside(r.message, line, len);
    inside(r.stream, line, len);
    if (r.function.len && r.function.p != st->function)
        abort();
    /* the message is classified as the pipeline would */
    char *copy = malloc(r.message.len ? r.message.len : 1);
    memcpy(copy, r.message.p ? r.message.p : "", r.message.len);
    lambda_line_t c;
    classify_line(copy, r.message.len, &c);
    classify_result_done(&c);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size ? size : 1);
    if (size)
        memcpy(in, data, size);
    decode_format_t f = decode_sniff(in, size);
    if (f <= DECODE_AUTO || f >= DECODE__COUNT)
        abort();
    static const decode_format_t line_formats[] = { DECODE_LAMBDA, DECODE_SAM_LOGS, DECODE_CONSOLE,
                                                    DECODE_TAIL, DECODE_DOCKER, DECODE_SAM_LOCAL, DECODE_CLOCK };
    decode_state_t st[1 + sizeof line_formats / sizeof line_formats[0]];
    decode_state_init(&st[0], decode_is_document(f) ? DECODE_LAMBDA : f);
    for (size_t k = 0; k < sizeof line_formats / sizeof line_formats[0]; k++)
        decode_state_init(&st[k + 1], line_formats[k]);
    size_t i = 0;
    while (i <= size) {
        const char *nl = i < size ? memchr(in + i, '\n', size - i) : NULL;
        size_t e = nl ? (size_t)(nl - in) : size;
        /* each line in an exact-size buffer of its own */
        char *line = malloc(e - i ? e - i : 1);
        memcpy(line, in + i, e - i);
        for (size_t k = 0; k < sizeof st / sizeof st[0]; k++)
            one(&st[k], line, e - i);
        free(line);
        if (!nl)
            break;
        i = e + 1;
    }
    free(in);
    return 0;
}
