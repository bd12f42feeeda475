/* emf/emf_reasons.c — the list of reasons an EMF document (or part of it) is
 * dropped: one line each, the first EMF_REASONS_SHOWN written out and the
 * rest summarised, so a hostile document cannot build a huge string. Also
 * the helpers that make user text safe to put inside a reason. */
#include "emf/emf_int.h"

#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void append(emf_reasons_t *r, const char *s, size_t n)
{
    if (r->len + n + 2 > r->cap) {
        size_t cap = r->cap ? r->cap : 256;
        while (r->len + n + 2 > cap)
            cap *= 2;
        r->buf = xrealloc(r->buf, cap);
        r->cap = cap;
    }
    if (r->len)
        r->buf[r->len++] = '\n';
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len] = '\0';
}

void emf__reason_add(emf_reasons_t *r, const char *fmt, ...)
{
    r->count++;
    if (r->count > EMF_REASONS_SHOWN)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
    append(r, line, (size_t)n);
}

char *emf__reasons_take(emf_reasons_t *r)
{
    if (r->count > EMF_REASONS_SHOWN) {
        char line[64];
        int n = snprintf(line, sizeof line, "... and %d more",
                         r->count - EMF_REASONS_SHOWN);
        append(r, line, (size_t)n);
    }
    char *s = r->buf;
    r->buf = NULL;
    r->len = r->cap = 0;
    return s;
}

void emf__quote(char *dst, size_t n, const char *s)
{
    size_t i = 0, o = 0;
    size_t limit = n - 4 < EMF_QUOTE_MAX ? n - 4 : EMF_QUOTE_MAX;
    while (s[i] && o < limit) {
        unsigned char ch = (unsigned char)s[i];
        dst[o++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
        i++;
    }
    if (s[i]) {
        /* do not end inside a UTF-8 sequence: find the last lead byte and
         * drop its sequence when it is cut short */
        size_t k = o;
        while (k > 0 && ((unsigned char)dst[k - 1] & 0xC0) == 0x80)
            k--;
        if (k > 0 && (unsigned char)dst[k - 1] >= 0xC0) {
            unsigned char lead = (unsigned char)dst[k - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (o - (k - 1) < need)
                o = k - 1;
        }
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

const char *emf__type_name(const cJSON *item)
{
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsArray(item))
        return "an array";
    if (cJSON_IsObject(item))
        return "an object";
    if (cJSON_IsBool(item))
        return "a boolean";
    if (cJSON_IsNull(item))
        return "null";
    return "an invalid item";
}
