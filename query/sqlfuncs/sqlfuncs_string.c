/* query/sqlfuncs/sqlfuncs_string.c — text functions: isempty, isblank, concat,
 * ltrim/rtrim/trim, strlen, toupper/tolower, substr, replace, strcontains,
 * startsWith, endsWith, messageSize, split, and the emitter's obs_like.
 *
 * Semantics: NULL in gives NULL out, except isempty/isblank (1 for NULL)
 * and obs_like (0 for a NULL subject). Numbers are used in their SQLite
 * text form. UTF-8 aware: strlen counts code points; substr's start and
 * length are 0-based code points (a negative start counts as 0, a missing
 * length means "to the end"); trim's character set is a set of code points.
 * Invalid UTF-8 bytes count as one code point each. Default trimming
 * removes ASCII whitespace; isblank treats ASCII whitespace as blank.
 * toupper/tolower change ASCII letters only. strcontains' third argument,
 * when true, compares ASCII case-insensitively. concat skips NULL arguments
 * (NULL only when every argument is NULL). split(s, "") splits into code
 * points; split returns a JSON array text of strings. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

typedef struct span {
    const unsigned char *p;
    size_t n;
} span_t;

/* Text of argument i; returns 0 (and leaves a NULL result) for SQL NULL. */
static int text_arg(sqlite3_value **argv, int i, span_t *out)
{
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
        return 0;
    out->p = sqlite3_value_text(argv[i]);
    out->n = (size_t)sqlite3_value_bytes(argv[i]);
    if (!out->p)
        out->p = (const unsigned char *)"";
    return 1;
}

static void result_span(sqlite3_context *c, const unsigned char *p, size_t n)
{
    sqlite3_result_text64(c, (const char *)p, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static int is_ws(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void fn_isempty(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s;
    (void)argc;
    sqlite3_result_int(c, !text_arg(argv, 0, &s) || s.n == 0);
}

static void fn_isblank(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s;
    (void)argc;
    if (!text_arg(argv, 0, &s)) {
        sqlite3_result_int(c, 1);
        return;
    }
    size_t i = 0;
    while (i < s.n && is_ws(s.p[i]))
        i++;
    sqlite3_result_int(c, i == s.n);
}

static void fn_concat(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    size_t total = 0;
    int any = 0;
    span_t s;
    for (int i = 0; i < argc; i++)
        if (text_arg(argv, i, &s))
            total += s.n, any = 1;
    if (!any)
        return;
    unsigned char *out = sqlite3_malloc64(total + 1);
    if (!out) {
        sqlite3_result_error_nomem(c);
        return;
    }
    size_t k = 0;
    for (int i = 0; i < argc; i++)
        if (text_arg(argv, i, &s)) {
            memcpy(out + k, s.p, s.n);
            k += s.n;
        }
    sqlite3_result_text64(c, (const char *)out, k, sqlite3_free, SQLITE_UTF8);
}

/* Code points of a trim set, or NULL set = whitespace. */
typedef struct cpset {
    uint32_t *cp;
    size_t n;
} cpset_t;

static int in_set(const cpset_t *set, uint32_t cp)
{
    if (!set->cp)
        return cp < 128 && is_ws(cp);
    for (size_t i = 0; i < set->n; i++)
        if (set->cp[i] == cp)
            return 1;
    return 0;
}

/* Start of the code point that ends at s[end) (end > 0). */
static size_t utf8_prev(const unsigned char *s, size_t start, size_t end)
{
    size_t i = end - 1;
    size_t lim = end >= 4 ? end - 4 : 0;
    if (lim < start)
        lim = start;
    while (i > lim && (s[i] & 0xC0) == 0x80)
        i--;
    /* Accept it only when decoding from i lands exactly on end. */
    size_t j = i;
    sqlfn_utf8_next(s, end, &j);
    return j == end ? i : end - 1;
}

static void trim(sqlite3_context *c, int argc, sqlite3_value **argv, int left, int right)
{
    span_t s, chars;
    cpset_t set = { NULL, 0 };
    if (!text_arg(argv, 0, &s))
        return;
    if (argc > 1) {
        if (!text_arg(argv, 1, &chars))
            return;
        set.cp = sqlite3_malloc64((chars.n + 1) * sizeof *set.cp);
        if (!set.cp) {
            sqlite3_result_error_nomem(c);
            return;
        }
        for (size_t i = 0; i < chars.n;)
            set.cp[set.n++] = sqlfn_utf8_next(chars.p, chars.n, &i);
    }
    size_t a = 0, b = s.n;
    while (left && a < b) {
        size_t j = a;
        if (!in_set(&set, sqlfn_utf8_next(s.p, b, &j)))
            break;
        a = j;
    }
    while (right && b > a) {
        size_t j = utf8_prev(s.p, a, b), k = j;
        if (!in_set(&set, sqlfn_utf8_next(s.p, b, &k)))
            break;
        b = j;
    }
    sqlite3_free(set.cp);
    result_span(c, s.p + a, b - a);
}

static void fn_ltrim(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    trim(c, argc, argv, 1, 0);
}

static void fn_rtrim(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    trim(c, argc, argv, 0, 1);
}

static void fn_trim(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    trim(c, argc, argv, 1, 1);
}

static void fn_strlen(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s;
    (void)argc;
    if (!text_arg(argv, 0, &s))
        return;
    int64_t n = 0;
    for (size_t i = 0; i < s.n; n++)
        sqlfn_utf8_next(s.p, s.n, &i);
    sqlite3_result_int64(c, n);
}

static void fn_messagesize(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s;
    (void)argc;
    if (text_arg(argv, 0, &s))
        sqlite3_result_int64(c, (int64_t)s.n);
}

static void change_case(sqlite3_context *c, sqlite3_value **argv, int upper)
{
    span_t s;
    if (!text_arg(argv, 0, &s))
        return;
    unsigned char *out = sqlite3_malloc64(s.n + 1);
    if (!out) {
        sqlite3_result_error_nomem(c);
        return;
    }
    for (size_t i = 0; i < s.n; i++) {
        unsigned char ch = s.p[i];
        if (upper && ch >= 'a' && ch <= 'z')
            ch = (unsigned char)(ch - 32);
        else if (!upper && ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch + 32);
        out[i] = ch;
    }
    sqlite3_result_text64(c, (const char *)out, s.n, sqlite3_free, SQLITE_UTF8);
}

static void fn_toupper(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    change_case(c, argv, 1);
}

static void fn_tolower(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    change_case(c, argv, 0);
}

/* Byte offset of code point number k (or s.n when past the end). */
static size_t cp_offset(const span_t *s, size_t from, int64_t k)
{
    size_t i = from;
    while (k-- > 0 && i < s->n)
        sqlfn_utf8_next(s->p, s->n, &i);
    return i;
}

static void fn_substr(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s;
    sqlfn_num_t start, len;
    if (!text_arg(argv, 0, &s) || !query_sqlfuncs__num(argv[1], &start))
        return;
    if (argc > 2 && !query_sqlfuncs__num(argv[2], &len))
        return;
    int64_t st = start.is_int ? start.i : (int64_t)start.d;
    if (st < 0)
        st = 0;
    size_t a = cp_offset(&s, 0, st), b = s.n;
    if (argc > 2) {
        int64_t ln = len.is_int ? len.i : (int64_t)len.d;
        b = ln <= 0 ? a : cp_offset(&s, a, ln);
    }
    result_span(c, s.p + a, b - a);
}

static const unsigned char *find(const unsigned char *h, size_t hn, const unsigned char *n, size_t nn)
{
    if (nn == 0)
        return h;
    return memmem(h, hn, n, nn);
}

static void fn_replace(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s, from, to;
    (void)argc;
    if (!text_arg(argv, 0, &s) || !text_arg(argv, 1, &from) || !text_arg(argv, 2, &to))
        return;
    if (from.n == 0) {
        result_span(c, s.p, s.n);
        return;
    }
    size_t count = 0;
    for (const unsigned char *p = s.p, *e = s.p + s.n; (p = find(p, (size_t)(e - p), from.p, from.n));
         p += from.n)
        count++;
    size_t outn = s.n - count * from.n + count * to.n;
    unsigned char *out = sqlite3_malloc64(outn + 1);
    if (!out) {
        sqlite3_result_error_nomem(c);
        return;
    }
    size_t k = 0;
    const unsigned char *p = s.p, *e = s.p + s.n, *hit;
    while ((hit = find(p, (size_t)(e - p), from.p, from.n))) {
        memcpy(out + k, p, (size_t)(hit - p));
        k += (size_t)(hit - p);
        memcpy(out + k, to.p, to.n);
        k += to.n;
        p = hit + from.n;
    }
    memcpy(out + k, p, (size_t)(e - p));
    k += (size_t)(e - p);
    sqlite3_result_text64(c, (const char *)out, k, sqlite3_free, SQLITE_UTF8);
}

static int ascii_lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

static int contains_ci(const span_t *h, const span_t *n)
{
    if (n->n == 0)
        return 1;
    for (size_t i = 0; i + n->n <= h->n; i++) {
        size_t k = 0;
        while (k < n->n && ascii_lower(h->p[i + k]) == ascii_lower(n->p[k]))
            k++;
        if (k == n->n)
            return 1;
    }
    return 0;
}

static void fn_strcontains(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s, x;
    if (!text_arg(argv, 0, &s) || !text_arg(argv, 1, &x))
        return;
    int ci = argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL &&
             (sqlite3_value_type(argv[2]) == SQLITE_TEXT
                  ? sqlite3_stricmp((const char *)sqlite3_value_text(argv[2]), "true") == 0
                  : sqlite3_value_double(argv[2]) != 0);
    sqlite3_result_int(c, ci ? contains_ci(&s, &x) : find(s.p, s.n, x.p, x.n) != NULL);
}

/* obs_like(subject, needle): case-sensitive substring; NULL subject → 0. */
static void fn_like(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s, x;
    (void)argc;
    if (!text_arg(argv, 1, &x))
        return;
    if (!text_arg(argv, 0, &s)) {
        sqlite3_result_int(c, 0);
        return;
    }
    sqlite3_result_int(c, find(s.p, s.n, x.p, x.n) != NULL);
}

static void fn_startswith(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s, x;
    (void)argc;
    if (text_arg(argv, 0, &s) && text_arg(argv, 1, &x))
        sqlite3_result_int(c, x.n <= s.n && memcmp(s.p, x.p, x.n) == 0);
}

static void fn_endswith(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s, x;
    (void)argc;
    if (text_arg(argv, 0, &s) && text_arg(argv, 1, &x))
        sqlite3_result_int(c, x.n <= s.n && memcmp(s.p + s.n - x.n, x.p, x.n) == 0);
}

static int add_part(cJSON *arr, const unsigned char *p, size_t n)
{
    char *tmp = malloc(n + 1);
    if (!tmp)
        return -1;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    cJSON *item = cJSON_CreateString(tmp);
    free(tmp);
    return item && cJSON_AddItemToArray(arr, item) ? 0 : -1;
}

static void fn_split(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    span_t s, d;
    (void)argc;
    if (!text_arg(argv, 0, &s) || !text_arg(argv, 1, &d))
        return;
    cJSON *arr = cJSON_CreateArray();
    int rc = arr ? 0 : -1;
    if (d.n == 0) {
        for (size_t i = 0; rc == 0 && i < s.n;) {
            size_t j = i;
            sqlfn_utf8_next(s.p, s.n, &j);
            rc = add_part(arr, s.p + i, j - i);
            i = j;
        }
    } else {
        const unsigned char *p = s.p, *e = s.p + s.n, *hit;
        while (rc == 0 && (hit = find(p, (size_t)(e - p), d.p, d.n))) {
            rc = add_part(arr, p, (size_t)(hit - p));
            p = hit + d.n;
        }
        if (rc == 0)
            rc = add_part(arr, p, (size_t)(e - p));
    }
    char *txt = rc == 0 ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    if (!txt) {
        sqlite3_result_error_nomem(c);
        return;
    }
    sqlite3_result_text(c, txt, -1, SQLITE_TRANSIENT);
    cJSON_free(txt);
}

static const sqlfn_def_t defs[] = {
    { "obs_isempty", 1, fn_isempty },
    { "obs_isblank", 1, fn_isblank },
    { "obs_concat", -1, fn_concat },
    { "obs_ltrim", 1, fn_ltrim },
    { "obs_ltrim", 2, fn_ltrim },
    { "obs_rtrim", 1, fn_rtrim },
    { "obs_rtrim", 2, fn_rtrim },
    { "obs_trim", 1, fn_trim },
    { "obs_trim", 2, fn_trim },
    { "obs_strlen", 1, fn_strlen },
    { "obs_messagesize", 1, fn_messagesize },
    { "obs_toupper", 1, fn_toupper },
    { "obs_tolower", 1, fn_tolower },
    { "obs_substr", 2, fn_substr },
    { "obs_substr", 3, fn_substr },
    { "obs_replace", 3, fn_replace },
    { "obs_strcontains", 2, fn_strcontains },
    { "obs_strcontains", 3, fn_strcontains },
    { "obs_like", 2, fn_like },
    { "obs_startswith", 2, fn_startswith },
    { "obs_endswith", 2, fn_endswith },
    { "obs_split", 2, fn_split },
};

int query_sqlfuncs__register_string(sqlite3 *db)
{
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
