/* tests/fuzz/fuzz_termsafe.c — libFuzzer target for the terminal sanitiser
 * (common/termsafe.c). The first byte picks the flags; the rest is the
 * text. Whatever it is, the visible form (growable, fixed-size and FILE
 * sinks) must be valid UTF-8 holding no C0 control but a kept tab or line
 * feed, no DEL, no C1 control and no bidi override or isolate, checked by a
 * scanner written apart from the sanitiser; termsafe_clean must say
 * whether the text came out unchanged; the JSON escape must parse as a JSON
 * string, and give back the input when the input is UTF-8 without NUL.
 *
 * Run with `make fuzz` (FUZZ_SECONDS=60); seeds in tests/fuzz/corpus/termsafe/. */
#include "common/termsafe.h"
#include "common/utf8.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require_safe(const char *s, size_t n, int tab, int nl)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!utf8_valid(s, n))
        abort();
    for (size_t i = 0; i < n; i++) {
        if ((p[i] < 0x20 && !(p[i] == '\t' && tab) && !(p[i] == '\n' && nl)) || p[i] == 0x7f)
            abort();
        if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
            abort();
        if (p[i] == 0xe2 && i + 2 < n &&
            ((p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae) ||
             (p[i + 1] == 0x81 && p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9)))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int flags = data[0] & (TERMSAFE_KEEP_TAB | TERMSAFE_KEEP_NL);
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    int tab = flags & TERMSAFE_KEEP_TAB, nl = flags & TERMSAFE_KEEP_NL;

    buf_t b = { 0 };
    termsafe_buf(&b, s, n, flags);
    require_safe(b.p, b.len, tab, nl);
    if (termsafe_clean(s, n, flags) != (b.len == n && memcmp(b.p, s, n) == 0))
        abort();

    char small[24];
    size_t m = termsafe_copy(small, sizeof small, s, n, flags);
    if (m != strlen(small) || m > b.len || memcmp(small, b.p, m) != 0)
        abort();   /* a prefix of the whole visible form, cut at a unit */
    require_safe(small, m, tab, nl);

    char *mem = NULL;
    size_t memlen = 0;
    FILE *f = open_memstream(&mem, &memlen);
    if (f) {
        termsafe_fwrite(f, s, n, flags);
        fclose(f);
        if (memlen != b.len || memcmp(mem, b.p, memlen) != 0)
            abort();
        free(mem);
    }
    buf_free(&b);

    buf_t j = { 0 };
    buf_putc(&j, '"');
    termsafe_json(&j, s, n);
    buf_putc(&j, '"');
    require_safe(j.p, j.len, 0, 0);
    cJSON *parsed = cJSON_Parse(j.p);
    if (!parsed || !cJSON_IsString(parsed))
        abort();
    if (utf8_valid(s, n) && !memchr(s, '\0', n) &&
        (strlen(parsed->valuestring) != n || memcmp(parsed->valuestring, s, n) != 0))
        abort();
    cJSON_Delete(parsed);
    buf_free(&j);
    return 0;
}
