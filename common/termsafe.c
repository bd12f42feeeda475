/* common/termsafe.c — the terminal sanitiser and the JSON string escape
 * (see termsafe.h): one decoder of units, two ways of writing them. */
#include "common/termsafe.h"
#include "common/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One unit at s (n > 0 bytes left): its length, and its code point in *cp,
 * or -1 for a byte that does not start valid UTF-8 (RFC 3629: no overlong
 * form, no surrogate, nothing past U+10FFFF, nothing cut short). */
static size_t decode(const unsigned char *s, size_t n, int32_t *cp)
{
    int32_t v;
    size_t len;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        v = s[0] & 0x1F;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        v = s[0] & 0x0F;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        v = s[0] & 0x07;
    } else {
        *cp = -1;
        return 1;
    }
    if (len > n) {
        *cp = -1;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = -1;
        return 1;
    }
    *cp = v;
    return len;
}

static int is_bidi_control(int32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t termsafe_unit(const char *s, size_t n, int flags, char esc[TERMSAFE_ESC_MAX])
{
    const unsigned char *p = (const unsigned char *)s;
    int32_t cp;
    size_t len = decode(p, n, &cp);
    esc[0] = '\0';
    if (cp < 0) {
        snprintf(esc, TERMSAFE_ESC_MAX, "\\x%02x", p[0]);
    } else if (cp == '\t') {
        if (!(flags & TERMSAFE_KEEP_TAB))
            memcpy(esc, "\\t", 3);
    } else if (cp == '\n') {
        if (!(flags & TERMSAFE_KEEP_NL))
            memcpy(esc, "\\n", 3);
    } else if (cp == '\r') {
        memcpy(esc, "\\r", 3);
    } else if (cp < 0x20 || cp == 0x7F) {
        snprintf(esc, TERMSAFE_ESC_MAX, "\\x%02x", (unsigned)cp);
    } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
        snprintf(esc, TERMSAFE_ESC_MAX, "\\u%04x", (unsigned)cp & 0xFFFFu);
    }
    return len;
}

int termsafe_clean(const char *s, size_t n, int flags)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F)
            continue;
        if ((c == '\t' && (flags & TERMSAFE_KEEP_TAB)) || (c == '\n' && (flags & TERMSAFE_KEEP_NL)))
            continue;
        if (c < 0x80)
            return 0;
        char esc[TERMSAFE_ESC_MAX];
        size_t len = termsafe_unit(s + i, n - i, flags, esc);
        if (esc[0])
            return 0;
        i += len - 1;
    }
    return 1;
}

/* Where the visible form goes: a growable buffer, a fixed one (cut at a
 * unit's boundary), or a FILE. */
typedef struct sink {
    buf_t *b;
    char *out;
    size_t cap, len;
    FILE *f;
    int full;
} sink_t;

static void put(sink_t *k, const char *s, size_t n)
{
    if (k->full)
        return;
    if (k->b) {
        buf_put(k->b, s, n);
    } else if (k->f) {
        fwrite(s, 1, n, k->f);
    } else if (k->len + n < k->cap) {
        memcpy(k->out + k->len, s, n);
        k->len += n;
        k->out[k->len] = '\0';
    } else {
        k->full = 1;
    }
}

static void visible(sink_t *k, const char *s, size_t n, int flags)
{
    size_t run = 0;   /* printable bytes not yet put */
    for (size_t i = 0; i < n && !k->full;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F) {
            i++;
            run++;
            continue;
        }
        char esc[TERMSAFE_ESC_MAX];
        size_t len = termsafe_unit(s + i, n - i, flags, esc);
        if (esc[0]) {
            put(k, s + i - run, run);
            put(k, esc, strlen(esc));
            run = 0;
        } else {
            run += len;
        }
        i += len;
    }
    put(k, s + n - run, run);
}

void termsafe_buf(buf_t *b, const char *s, size_t n, int flags)
{
    sink_t k = { .b = b };
    visible(&k, s, n, flags);
    if (!b->p)
        buf_put(b, "", 0);
}

char *termsafe_dup(const char *s, int flags)
{
    buf_t b = { 0 };
    termsafe_buf(&b, s, strlen(s), flags);
    return buf_take(&b);
}

size_t termsafe_copy(char *out, size_t cap, const char *s, size_t n, int flags)
{
    sink_t k = { .out = out, .cap = cap };
    out[0] = '\0';
    if (termsafe_clean(s, n, flags)) {   /* cut at a UTF-8 boundary */
        size_t m = n < cap - 1 ? n : cap - 1;
        while (m < n && m > 0 && ((unsigned char)s[m] & 0xC0) == 0x80)
            m--;
        memcpy(out, s, m);
        out[m] = '\0';
        return m;
    }
    for (size_t i = 0; i < n && !k.full;) {
        char esc[TERMSAFE_ESC_MAX];
        size_t len = termsafe_unit(s + i, n - i, flags, esc);
        if (esc[0])
            put(&k, esc, strlen(esc));
        else
            put(&k, s + i, len);
        i += len;
    }
    return k.len;
}

void termsafe_fwrite(FILE *f, const char *s, size_t n, int flags)
{
    sink_t k = { .f = f };
    visible(&k, s, n, flags);
}

void termsafe_eprintf(const char *fmt, ...)
{
    char stack[1024], *msg = stack;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(stack, sizeof stack, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    if ((size_t)m >= sizeof stack) {
        msg = xmalloc((size_t)m + 1);
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)m + 1, fmt, ap);
        va_end(ap);
    }
    termsafe_fwrite(stderr, msg, (size_t)m, TERMSAFE_KEEP_TAB | TERMSAFE_KEEP_NL);
    if (msg != stack)
        free(msg);
}

static void json_units(sink_t *k, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n && !k->full;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
            i++;
            run++;
            continue;
        }
        int32_t cp;
        size_t len = decode((const unsigned char *)s + i, n - i, &cp);
        char esc[TERMSAFE_ESC_MAX] = "";
        if (cp == '"' || cp == '\\')
            snprintf(esc, sizeof esc, "\\%c", (char)cp);
        else if (cp == '\n' || cp == '\t' || cp == '\r' || cp == '\b' || cp == '\f')
            snprintf(esc, sizeof esc, "\\%c", cp == '\n' ? 'n' : cp == '\t' ? 't' : cp == '\r' ? 'r' : cp == '\b' ? 'b' : 'f');
        else if (cp < 0)
            memcpy(esc, "\\ufffd", 7);
        else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_bidi_control(cp))
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp & 0xFFFFu);
        if (esc[0]) {
            put(k, s + i - run, run);
            put(k, esc, strlen(esc));
            run = 0;
        } else {
            run += len;
        }
        i += len;
    }
    put(k, s + n - run, run);
}

void termsafe_json(buf_t *b, const char *s, size_t n)
{
    sink_t k = { .b = b };
    json_units(&k, s, n);
    if (!b->p)
        buf_put(b, "", 0);
}

size_t termsafe_json_copy(char *out, size_t cap, const char *s, size_t n)
{
    buf_t b = { 0 };
    termsafe_json(&b, s, n);
    size_t m = b.len < cap - 1 ? b.len : cap - 1;
    /* cut before an escape or a UTF-8 sequence that does not fit */
    size_t cut = m;
    for (size_t i = 0; i < m;) {
        size_t u = b.p[i] == '\\' ? (b.p[i + 1] == 'u' ? 6 : 2) : 1;
        if (u == 1 && ((unsigned char)b.p[i] & 0xC0) == 0xC0) {
            int32_t cp;
            u = decode((const unsigned char *)b.p + i, b.len - i, &cp);
        }
        if (i + u > m) {
            cut = i;
            break;
        }
        i += u;
    }
    memcpy(out, b.p, cut);
    out[cut] = '\0';
    buf_free(&b);
    return cut;
}

const char *termsafe_cell(char *out, size_t cap, const char *s, int width)
{
    size_t n = strlen(s), o = 0;
    int cols = 0;
    for (size_t i = 0; i < n && cols < width;) {
        char esc[TERMSAFE_ESC_MAX];
        size_t len = termsafe_unit(s + i, n - i, 0, esc);
        const char *u = esc[0] ? esc : s + i;
        size_t ulen = esc[0] ? strlen(esc) : len;
        int ucols = esc[0] ? (int)ulen : 1;
        if (cols + ucols > width) {
            ulen = esc[0] ? (size_t)(width - cols) : 0;   /* an escape may be cut: it is ASCII */
            ucols = (int)ulen;
        }
        if (o + ulen + 1 > cap)
            break;
        memcpy(out + o, u, ulen);
        o += ulen;
        cols += ucols;
        i += len;
        if (!ulen)
            break;
    }
    while (cols < width && o + 2 <= cap) {
        out[o++] = ' ';
        cols++;
    }
    out[o] = '\0';
    return out;
}

void termsafe_json_text(buf_t *b, const char *json)
{
    size_t n = strlen(json), run = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)json[i];
        if (c < 0x7F) {
            i++;
            run++;
            continue;
        }
        int32_t cp;
        size_t len = decode((const unsigned char *)json + i, n - i, &cp);
        char esc[TERMSAFE_ESC_MAX] = "";
        if (cp < 0)
            memcpy(esc, "\\ufffd", 7);
        else if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp))
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp & 0xFFFFu);
        if (esc[0]) {
            buf_put(b, json + i - run, run);
            buf_cat(b, esc);
            run = 0;
        } else {
            run += len;
        }
        i += len;
    }
    buf_put(b, json + n - run, run);
}
