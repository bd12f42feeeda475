/* lambda/decode_scan.c — what the document decoders share (see
 * decode_int.h): the JSON scanner that finds where a value begins and ends
 * without building it (so each event, envelope or row is parsed alone with
 * cJSON and memory follows one object, not the document), errors with their
 * line, column and offset, and the record fields every format fills the
 * same way. A leaf: it calls no other file of lambda/. */
#include "lambda/decode_int.h"

#include "common/isotime.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

size_t decode__bom(const char *p, size_t n)
{
    return n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void decode__ws(decode_scan_t *s)
{
    while (s->i < s->n && is_ws(s->p[s->i]))
        s->i++;
}

static int fail(decode_scan_t *s, size_t at, const char *what)
{
    s->at = at;
    s->what = what;
    s->cut = 0;
    return -1;
}

/* The document ends inside the value that starts at `at`. */
static int cut(decode_scan_t *s, size_t at, const char *what)
{
    fail(s, at, what);
    s->cut = 1;
    return -1;
}

/* s->i at the opening quote: past the closing one; 0, or -1 at the end. */
static int scan_string(decode_scan_t *s)
{
    for (size_t i = s->i + 1; i < s->n; i++) {
        if (s->p[i] == '\\')
            i++;
        else if (s->p[i] == '"') {
            s->i = i + 1;
            return 0;
        }
    }
    return -1;
}

int decode__value(decode_scan_t *s, obs_span_t *v)
{
    decode__ws(s);
    size_t b = s->i;
    if (b >= s->n)
        return fail(s, b, "a value");
    char c = s->p[b];
    if (c == '"') {
        if (scan_string(s))
            return cut(s, b, "a '\"' to close the string that opens here");
    } else if (c == '{' || c == '[') {
        const char *what = c == '{' ? "a '}' to close the object that opens here"
                                    : "a ']' to close the array that opens here";
        size_t depth = 0, i = b;
        for (; i < s->n; i++) {
            char x = s->p[i];
            if (x == '"') {
                s->i = i;
                if (scan_string(s))
                    return cut(s, b, what);
                i = s->i - 1;
            } else if (x == '{' || x == '[') {
                depth++;
            } else if (x == '}' || x == ']') {
                if (--depth == 0)
                    break;
            }
        }
        if (i >= s->n)
            return cut(s, b, what);
        s->i = i + 1;
    } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
        size_t i = b;
        while (i < s->n && !is_ws(s->p[i]) && s->p[i] != ',' && s->p[i] != '}' &&
               s->p[i] != ']' && s->p[i] != ':' && s->p[i] != '"')
            i++;
        s->i = i;
    } else {
        return fail(s, b, "a value");
    }
    v->p = s->p + b;
    v->len = s->i - b;
    return 0;
}

int decode__member(decode_scan_t *s, int first, obs_span_t *key)
{
    decode__ws(s);
    if (s->i >= s->n)
        return fail(s, s->n, first ? "a member or '}'" : "',' or '}'");
    if (s->p[s->i] == '}') {
        s->i++;
        return 0;
    }
    if (!first) {
        if (s->p[s->i] != ',')
            return fail(s, s->i, "',' or '}' after a member");
        s->i++;
        decode__ws(s);
    }
    if (s->i >= s->n || s->p[s->i] != '"')
        return fail(s, s->i, "a member's name in quotes");
    size_t b = s->i;
    if (scan_string(s))
        return cut(s, b, "a '\"' to close the member's name that opens here");
    key->p = s->p + b + 1;
    key->len = s->i - b - 2;
    decode__ws(s);
    if (s->i >= s->n || s->p[s->i] != ':')
        return fail(s, s->i, "':' after a member's name");
    s->i++;
    decode__ws(s);
    return 1;
}

int decode__element(decode_scan_t *s, int first)
{
    decode__ws(s);
    if (s->i >= s->n)
        return fail(s, s->n, first ? "an element or ']'" : "',' or ']'");
    if (s->p[s->i] == ']') {
        s->i++;
        return 0;
    }
    if (!first) {
        if (s->p[s->i] != ',')
            return fail(s, s->i, "',' or ']' after an element");
        s->i++;
        decode__ws(s);
    }
    return 1;
}

int decode__key_is(obs_span_t key, const char *name)
{
    size_t n = strlen(name);
    return key.len == n && memcmp(key.p, name, n) == 0;
}

static void line_col(const char *p, size_t at, int *line, int *col)
{
    size_t l = 1, c = 1;
    for (size_t i = 0; i < at; i++) {
        if (p[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l > INT32_MAX ? INT32_MAX : (int)l;
    *col = c > INT32_MAX ? INT32_MAX : (int)c;
}

int decode__fail(const decode_doc_t *d, size_t at, const char *fmt, ...)
{
    if (at > d->n)
        at = d->n;
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int line, col;
    line_col(d->p, at, &line, &col);
    obs_err_set(d->err, OBS_EINVAL, "%s: %s (line %d, column %d, offset %zu)", d->name, what,
                line, col, at);
    if (d->err) {
        d->err->line = line;
        d->err->col = col;
    }
    return OBS_EINVAL;
}

int decode__fail_scan(const decode_doc_t *d, const decode_scan_t *s, const char *prefix)
{
    char found[40];
    if (s->cut || s->at >= s->n) {
        snprintf(found, sizeof found, "the end of the document");
    } else {
        unsigned char c = (unsigned char)s->p[s->at];
        if (c >= 0x20 && c < 0x7f)
            snprintf(found, sizeof found, "'%c'", c);
        else
            snprintf(found, sizeof found, "byte 0x%02x", c);
    }
    return decode__fail(d, s->at, "%s: expected %s, found %s", prefix, s->what, found);
}

int decode__elements(const decode_doc_t *d, decode_scan_t *s, size_t *k, const char *array, const char *noun,
                     decode_element_fn fn)
{
    s->i++;
    for (int first = 1;; first = 0) {
        int more = decode__element(s, first);
        if (more < 0)
            return decode__fail_scan(d, s, array);
        if (!more)
            return 0;
        obs_span_t v;
        char label[48];
        snprintf(label, sizeof label, "%s %zu", noun, *k + 1);
        if (decode__value(s, &v))
            return decode__fail_scan(d, s, label);
        int rc = fn(d, v, ++*k);
        if (rc)
            return rc;
    }
}

/* Where the escape \u0000 is in v, or v.len. */
static size_t nul_escape(obs_span_t v)
{
    for (size_t i = 0; i + 1 < v.len; i++) {
        if (v.p[i] != '\\')
            continue;
        if (v.p[i + 1] == 'u' && i + 6 <= v.len && memcmp(v.p + i + 2, "0000", 4) == 0)
            return i;
        i++;
    }
    return v.len;
}

int decode__top_values(const decode_doc_t *d, decode_top_fn on_object, decode_top_fn on_array,
                       const char *expected)
{
    decode_scan_t s = { d->p, d->n, decode__bom(d->p, d->n), 0, NULL, 0 };
    size_t k = 0;
    for (;;) {
        decode__ws(&s);
        if (s.i >= s.n)
            return 0;
        int rc;
        if (s.p[s.i] == '{') {
            rc = on_object(d, &s, &k);
        } else if (s.p[s.i] == '[') {
            rc = on_array(d, &s, &k);
        } else {
            s.at = s.i;
            s.what = expected;
            s.cut = 0;
            rc = decode__fail_scan(d, &s, "at the top of the document");
        }
        if (rc)
            return rc;
    }
}

int decode__parse(const decode_doc_t *d, obs_span_t v, const char *label, cJSON **out)
{
    *out = NULL;
    size_t at = (size_t)(v.p - d->p);
    size_t nul = nul_escape(v);
    if (nul < v.len)
        return decode__fail(d, at + nul, "%s holds \\u0000 (a NUL character), which obs cannot "
                            "read from JSON", label);
    const char *end = NULL;
    cJSON *t = cJSON_ParseWithLengthOpts(v.p, v.len, &end, 0);
    if (!t) {
        size_t where = end && end >= v.p && end <= v.p + v.len ? (size_t)(end - d->p) : at;
        return decode__fail(d, where, "%s is not valid JSON", label);
    }
    if (end != v.p + v.len) {
        cJSON_Delete(t);
        return decode__fail(d, end ? (size_t)(end - d->p) : at, "%s is not valid JSON", label);
    }
    *out = t;
    return 0;
}

int decode__parse_object(const decode_doc_t *d, obs_span_t v, const char *label, cJSON **out)
{
    int rc = decode__parse(d, v, label, out);
    if (!rc && !cJSON_IsObject(*out)) {
        rc = decode__fail(d, (size_t)(v.p - d->p), "%s is %s, not an object", label, decode__json_type(*out));
        cJSON_Delete(*out);
        *out = NULL;
    }
    return rc;
}

int decode__skip(const decode_doc_t *d, decode_scan_t *s, const char *label)
{
    obs_span_t v;
    if (decode__value(s, &v))
        return decode__fail_scan(d, s, label);
    cJSON *t;
    int rc = decode__parse(d, v, label, &t);
    cJSON_Delete(t);
    return rc;
}

const char *decode__json_type(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "not a JSON value";
}

int decode__string_value(const decode_doc_t *d, size_t at, const char *label, const char *name,
                         const cJSON *v, obs_span_t *out)
{
    *out = obs_span(NULL, 0);
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || !v->valuestring)
        return decode__fail(d, at, "%s: \"%s\" is %s, not a string", label, name,
                            decode__json_type(v));
    *out = obs_span(v->valuestring, strlen(v->valuestring));
    return 0;
}

/* 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z, ms since the epoch */
#define MS_MIN (-62167219200000.0)
#define MS_MAX (253402300799999.0)

int decode__ms_value(const decode_doc_t *d, size_t at, const char *label, const char *key,
                     const cJSON *v, decode_record_t *r)
{
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsNumber(v))
        return decode__fail(d, at, "%s: \"%s\" is %s, not a number of milliseconds", label, key,
                            decode__json_type(v));
    double x = v->valuedouble;
    if (!(x >= MS_MIN && x <= MS_MAX))
        return decode__fail(d, at, "%s: \"%s\" %.17g is out of range (milliseconds since "
                            "1970 for a year 0000 to 9999)", label, key, x);
    if (x != floor(x))
        return decode__fail(d, at, "%s: \"%s\" %.17g is not a whole number of milliseconds",
                            label, key, x);
    r->has_ts = 1;
    r->ts_ms = (int64_t)x;
    return 0;
}

int decode__get_string(const decode_doc_t *d, size_t at, const char *label, const cJSON *o,
                       const char *name, obs_span_t *out)
{
    return decode__string_value(d, at, label, name, cJSON_GetObjectItemCaseSensitive(o, name),
                                out);
}

int decode__get_ms(const decode_doc_t *d, size_t at, const char *label, const cJSON *o,
                   const char *name, decode_record_t *r)
{
    return decode__ms_value(d, at, label, name, cJSON_GetObjectItemCaseSensitive(o, name), r);
}

int decode__text_time(const char *p, size_t len, int64_t *ms)
{
    while (len > 0 && (p[0] == ' ' || p[0] == '\t')) {
        p++;
        len--;
    }
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    size_t used = 0;
    if (len == 0 || isotime_parse(p, len, ms, &used) != 0 || used != len)
        return -1;
    return 0;
}

void decode__set_message(decode_record_t *r, const char *p, size_t len)
{
    if (len > 0 && p[len - 1] == '\n') {
        len--;
        if (len > 0 && p[len - 1] == '\r')
            len--;
    }
    r->message = obs_span(p ? p : "", len);
}

obs_span_t decode__group_of_log(obs_span_t log)
{
    const char *colon = log.len ? memchr(log.p, ':', log.len) : NULL;
    if (!colon)
        return log;
    return obs_span(colon + 1, log.len - (size_t)(colon + 1 - log.p));
}

int decode__emit(const decode_doc_t *d, const decode_record_t *r)
{
    return d->emit(d->ctx, r, d->err);
}
