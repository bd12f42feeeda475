/* clickhouse/ch_json.c — an event's JSON object as the key/type/value
 * arrays of the ClickHouse events table (see ch.h), so that a dotted field
 * is one indexOf() and no JSON function (ClickHouse 18.16 has no
 * path-based JSONExtract). The values read as SQLite's json_extract() reads
 * them: strings unescaped, numbers typed integer or real, true/false 1/0,
 * objects and arrays as their text without blanks. Pure; fuzzed
 * (tests/fuzz/fuzz_ch_json.c). */
#include "clickhouse/ch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 128

typedef struct walk {
    const char *p, *end;
    ch_json_fn fn;
    void *ctx;
    buf_t key, val;
    int stop;
} walk_t;

static void ws(walk_t *w)
{
    while (w->p < w->end && (*w->p == ' ' || *w->p == '\t' || *w->p == '\n' || *w->p == '\r'))
        w->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

static void utf8(buf_t *b, unsigned cp)
{
    char x[4];
    if (cp < 0x80) {
        buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        x[0] = (char)(0xc0 | (cp >> 6));
        x[1] = (char)(0x80 | (cp & 0x3f));
        buf_put(b, x, 2);
    } else if (cp < 0x10000) {
        x[0] = (char)(0xe0 | (cp >> 12));
        x[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        x[2] = (char)(0x80 | (cp & 0x3f));
        buf_put(b, x, 3);
    } else {
        x[0] = (char)(0xf0 | (cp >> 18));
        x[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        x[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        x[3] = (char)(0x80 | (cp & 0x3f));
        buf_put(b, x, 4);
    }
}

/* A string at w->p ('"'): unescaped into out (when not NULL); its raw text
 * is [*raw, w->p). -1 when broken. */
static int string(walk_t *w, buf_t *out, const char **raw)
{
    *raw = w->p;
    w->p++;
    while (w->p < w->end && *w->p != '"') {
        char c = *w->p++;
        if ((unsigned char)c < 0x20)
            return -1;
        if (c != '\\') {
            if (out)
                buf_putc(out, c);
            continue;
        }
        if (w->p >= w->end)
            return -1;
        char e = *w->p++;
        unsigned cp;
        switch (e) {
        case '"': case '\\': case '/': c = e; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u':
            if (w->end - w->p < 4 || hex4(w->p, &cp))
                return -1;
            w->p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && w->end - w->p >= 6 && w->p[0] == '\\' && w->p[1] == 'u') {
                unsigned lo;
                if (!hex4(w->p + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    w->p += 6;
                }
            }
            if (out)
                utf8(out, cp);
            continue;
        default:
            return -1;
        }
        if (out)
            buf_putc(out, c);
    }
    if (w->p >= w->end)
        return -1;
    w->p++;
    return 0;
}

/* The text of [s, e) without the blanks between tokens. */
static void minify(buf_t *b, const char *s, const char *e)
{
    int in = 0;
    for (const char *q = s; q < e; q++) {
        char c = *q;
        if (in) {
            buf_putc(b, c);
            if (c == '\\' && q + 1 < e)
                buf_putc(b, *++q);
            else if (c == '"')
                in = 0;
        } else if (c == '"') {
            in = 1;
            buf_putc(b, c);
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            buf_putc(b, c);
        }
    }
}

static int value(walk_t *w, int depth);

static void emit(walk_t *w, int type, const char *v, size_t n)
{
    if (!w->stop && w->key.len)
        w->stop = w->fn(w->ctx, w->key.p, w->key.len, type, v, n);
}

static int container(walk_t *w, int depth)
{
    char open = *w->p, close = open == '{' ? '}' : ']';
    const char *start = w->p;
    size_t keylen = w->key.len;
    long index = 0;
    w->p++;
    ws(w);
    if (w->p < w->end && *w->p == close) {
        w->p++;
    } else {
        for (;;) {
            ws(w);
            w->key.len = keylen;
            if (w->key.p)
                w->key.p[keylen] = '\0';
            if (open == '{') {
                const char *raw;
                buf_t name = { 0 };
                if (w->p >= w->end || *w->p != '"' || string(w, &name, &raw)) {
                    buf_free(&name);
                    return -1;
                }
                ch_json_key_add(&w->key, name.p ? name.p : "", name.len, 0);
                buf_free(&name);
                ws(w);
                if (w->p >= w->end || *w->p != ':')
                    return -1;
                w->p++;
                ws(w);
            } else {
                char num[24];
                int len = snprintf(num, sizeof num, "%ld", index++);
                ch_json_key_add(&w->key, num, (size_t)len, 1);
            }
            if (value(w, depth + 1))
                return -1;
            ws(w);
            if (w->p < w->end && *w->p == ',') {
                w->p++;
                continue;
            }
            if (w->p < w->end && *w->p == close) {
                w->p++;
                break;
            }
            return -1;
        }
    }
    w->key.len = keylen;
    if (w->key.p)
        w->key.p[keylen] = '\0';
    if (depth > 0 && keylen) {
        w->val.len = 0;
        minify(&w->val, start, w->p);
        emit(w, CH_JSON_JSON, w->val.p, w->val.len);
    }
    return 0;
}

static int number(walk_t *w)
{
    const char *s = w->p;
    int real = 0;
    if (w->p < w->end && *w->p == '-')
        w->p++;
    while (w->p < w->end && ((*w->p >= '0' && *w->p <= '9') || *w->p == '.' || *w->p == 'e' || *w->p == 'E' ||
                             *w->p == '+' || *w->p == '-')) {
        real |= *w->p == '.' || *w->p == 'e' || *w->p == 'E';
        w->p++;
    }
    if (w->p == s || (w->p == s + 1 && *s == '-'))
        return -1;
    if (!real) {  /* an integer SQLite cannot hold is a real */
        char buf[32];
        size_t n = (size_t)(w->p - s);
        if (n >= sizeof buf) {
            real = 1;
        } else {
            memcpy(buf, s, n);
            buf[n] = '\0';
            errno = 0;
            (void)strtoll(buf, NULL, 10);
            real = errno == ERANGE;
        }
    }
    emit(w, real ? CH_JSON_REAL : CH_JSON_INT, s, (size_t)(w->p - s));
    return 0;
}

static int word(walk_t *w, const char *lit, int type, const char *v)
{
    size_t n = strlen(lit);
    if ((size_t)(w->end - w->p) < n || memcmp(w->p, lit, n) != 0)
        return -1;
    w->p += n;
    if (type)
        emit(w, type, v, 1);
    return 0;
}

static int value(walk_t *w, int depth)
{
    ws(w);
    if (w->p >= w->end)
        return -1;
    switch (*w->p) {
    case '{':
    case '[':
        if (depth >= MAX_DEPTH)
            return -1;
        return container(w, depth);
    case '"': {
        const char *raw;
        w->val.len = 0;
        if (w->val.p)
            w->val.p[0] = '\0';
        if (string(w, &w->val, &raw))
            return -1;
        emit(w, CH_JSON_TEXT, w->val.p ? w->val.p : "", w->val.len);
        return 0;
    }
    case 't': return word(w, "true", CH_JSON_INT, "1");
    case 'f': return word(w, "false", CH_JSON_INT, "0");
    case 'n': return word(w, "null", 0, NULL);
    default: return number(w);
    }
}

int ch_json_flatten(const char *p, size_t n, ch_json_fn fn, void *ctx)
{
    walk_t w = { p, p + n, fn, ctx, { 0 }, { 0 }, 0 };
    ws(&w);
    int rc = w.p < w.end && *w.p == '{' ? container(&w, 0) : -1;
    int stop = w.stop;
    buf_free(&w.key);
    buf_free(&w.val);
    return stop ? stop : rc ? 1 : 0;
}

void ch_json_key_add(buf_t *key, const char *seg, size_t n, int index)
{
    if (key->len)
        buf_putc(key, '.');
    if (index) {
        buf_put(key, seg, n);
        return;
    }
    int digits = 1;
    for (size_t i = 0; i < n; i++)
        digits &= seg[i] >= '0' && seg[i] <= '9';
    if (digits)  /* "" and "12" as names: not array indexes */
        buf_putc(key, '\\');
    for (size_t i = 0; i < n; i++) {
        if (seg[i] == '.' || seg[i] == '\\')
            buf_putc(key, '\\');
        buf_putc(key, seg[i]);
    }
    if (!key->p)
        buf_cat(key, "");
}
