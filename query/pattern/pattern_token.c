/* query/pattern/pattern_token.c — step 1 of pattern.h: a message cut into
 * tokens, each a separator, a word, a level word or a typed value (time,
 * id, IP address, ARN, number). Byte tables, one pass, no allocation. */
#include "query/pattern/pattern_int.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "common/isotime.h"

enum { C_SPACE = 1, C_ALNUM = 2, C_DIGIT = 4, C_HEX = 8, C_ALPHA = 16, C_IDCH = 32 };

/* letters, digits, '_' and every byte of a UTF-8 sequence are word bytes */
static unsigned char cls(unsigned char c)
{
    unsigned char f = 0;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        f |= C_SPACE;
    if ((c >= '0' && c <= '9'))
        f |= C_DIGIT | C_ALNUM | C_HEX | C_IDCH;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        f |= C_ALPHA | C_ALNUM | C_IDCH;
    if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
        f |= C_HEX;
    if (c == '_' || c >= 0x80)
        f |= C_ALNUM | C_IDCH;
    if (c == '-')
        f |= C_IDCH;
    return f;
}

static unsigned char table[256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void init_table(void)
{
    for (int i = 0; i < 256; i++)
        table[i] = cls((unsigned char)i);
}

#define IS(c, f) (table[(unsigned char)(c)] & (f))

static const struct { const char *w; unsigned char len; const char *sev; } levels[] = {
    { "error", 5, "Error" }, { "err", 3, "Error" }, { "fatal", 5, "Error" }, { "critical", 8, "Error" },
    { "crit", 4, "Error" }, { "panic", 5, "Error" }, { "severe", 6, "Error" }, { "alert", 5, "Error" },
    { "emerg", 5, "Error" }, { "warn", 4, "Warning" }, { "warning", 7, "Warning" }, { "info", 4, "Info" },
    { "notice", 6, "Info" }, { "debug", 5, "Debug" }, { "trace", 5, "Debug" }, { "verbose", 7, "Debug" },
};

/* called for every word of every message: lower-case it once, then
 * compare with the words of its length */
const char *pattern__level(const char *s, size_t len)
{
    char low[8];
    if (len < 3 || len > 8)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        else if (c < 'a' || c > 'z')
            return NULL;
        low[i] = c;
    }
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
        if (levels[i].len == len && memcmp(low, levels[i].w, len) == 0)
            return levels[i].sev;
    return NULL;
}

const char *pattern__kind_name(int kind)
{
    switch (kind) {
    case PK_TIME: return "Time";
    case PK_ID: return "ID";
    case PK_IP: return "IP";
    case PK_ARN: return "ARN";
    case PK_NUMBER: return "Number";
    default: return "Token";
    }
}

/* ---- whole words ---------------------------------------------------------- */

static int digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!IS(p[i], C_DIGIT))
            return 0;
    return 1;
}

/* HH:MM:SS[.frac|,frac] */
static int clock_time(const char *p, size_t n)
{
    if (n < 8 || !digits(p, 2) || p[2] != ':' || !digits(p + 3, 2) || p[5] != ':' || !digits(p + 6, 2))
        return 0;
    if (n == 8)
        return 1;
    return (p[8] == '.' || p[8] == ',') && n > 9 && digits(p + 9, n - 9);
}

static int is_time(const char *p, size_t n)
{
    if (n < 8 || !IS(p[0], C_DIGIT))
        return 0;
    size_t used;
    int64_t ms;
    if (n >= 19 && isotime_parse(p, n, &ms, &used) == 0 && used == n)
        return 1;
    /* a date alone: YYYY-MM-DD, YYYY/MM/DD */
    if (n == 10 && digits(p, 4) && (p[4] == '-' || p[4] == '/') && p[7] == p[4] && digits(p + 5, 2) &&
        digits(p + 8, 2))
        return 1;
    if (clock_time(p, n))
        return 1;
    /* 01/Nov/2026:00:00:01 (access logs) */
    return n == 20 && digits(p, 2) && p[2] == '/' && IS(p[3], C_ALPHA) && IS(p[4], C_ALPHA) &&
           IS(p[5], C_ALPHA) && p[6] == '/' && digits(p + 7, 4) && p[11] == ':' && clock_time(p + 12, 8);
}

static int hex_run(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!IS(p[i], C_HEX))
            return 0;
    return 1;
}

static int is_uuid(const char *p, size_t n)
{
    return n == 36 && p[8] == '-' && p[13] == '-' && p[18] == '-' && p[23] == '-' && hex_run(p, 8) &&
           hex_run(p + 9, 4) && hex_run(p + 14, 4) && hex_run(p + 19, 4) && hex_run(p + 24, 12);
}

/* 16 or more letters, digits, '-' and '_', with a digit and a letter: keys,
 * trace ids, hashes */
static int is_long_id(const char *p, size_t n)
{
    if (n < 16)
        return 0;
    int d = 0, a = 0;
    for (size_t i = 0; i < n; i++) {
        if (!IS(p[i], C_IDCH))
            return 0;
        d |= IS(p[i], C_DIGIT) != 0;
        a |= IS(p[i], C_ALPHA) != 0;
    }
    return d && a;
}

/* a.b.c.d (each 0..255), optionally :port or /prefix */
static int is_ipv4(const char *p, size_t n)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        size_t s = i;
        int v = 0;
        while (i < n && IS(p[i], C_DIGIT) && i - s < 3)
            v = v * 10 + (p[i++] - '0');
        if (i == s || v > 255)
            return 0;
        if (part < 3) {
            if (i >= n || p[i] != '.')
                return 0;
            i++;
        }
    }
    if (i == n)
        return 1;
    if (p[i] != ':' && p[i] != '/')
        return 0;
    return i + 1 < n && digits(p + i + 1, n - i - 1);
}

/* at least two ':' and only hex digits, ':' and '.' (an IPv4 tail), groups
 * of at most 4 hex digits, at least one hex letter or "::" */
static int is_ipv6(const char *p, size_t n)
{
    int colons = 0, letter = 0, dbl = 0, run = 0;
    if (n < 3)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == ':') {
            colons++;
            dbl |= i > 0 && p[i - 1] == ':';
            run = 0;
        } else if (IS(c, C_HEX)) {
            letter |= IS(c, C_ALPHA) != 0;
            if (++run > 4)
                return 0;
        } else if (c != '.') {
            return 0;
        }
    }
    return colons >= 2 && (letter || dbl);
}

static int whole_type(const char *p, size_t n)
{
    if (n >= 8 && is_time(p, n))
        return PK_TIME;
    if (is_uuid(p, n))
        return PK_ID;
    if (n > 4 && memcmp(p, "arn:", 4) == 0)
        return PK_ARN;
    if (n >= 7 && IS(p[0], C_DIGIT) && is_ipv4(p, n))
        return PK_IP;
    if (n >= 3 && memchr(p, ':', n) && is_ipv6(p, n))
        return PK_IP;
    if (is_long_id(p, n))
        return PK_ID;
    return 0;
}

/* ---- tokens ----------------------------------------------------------------- */

typedef struct tz {
    const char *s;
    size_t len;
    ptok_t *out;
    int n;
    int full;             /* the next token would be the last: the rest is PK_REST */
} tz_t;

/* Append a token; a TIME right after "TIME " joins it (a date and a time). */
static void put(tz_t *t, int kind, size_t off, size_t len)
{
    if (t->full)
        return;
    if (t->n == PATTERN_MAX_TOKENS - 1) {
        t->out[t->n++] = (ptok_t){ PK_REST, (uint32_t)off, (uint32_t)(t->len - off) };
        t->full = 1;
        return;
    }
    if (kind == PK_TIME && t->n >= 2 && t->out[t->n - 1].kind == PK_SEP && t->out[t->n - 1].len == 1 &&
        t->s[t->out[t->n - 1].off] == ' ' && t->out[t->n - 2].kind == PK_TIME) {
        t->n -= 1;
        t->out[t->n - 1].len = (uint32_t)(off + len - t->out[t->n - 1].off);
        return;
    }
    t->out[t->n++] = (ptok_t){ (uint8_t)kind, (uint32_t)off, (uint32_t)len };
}

/* The end of a number at p[i..e): digits [. digits] [e[+-]digits], then a
 * unit of at most 3 letters or a '%'; i when there is no number. */
static size_t number_end(const char *p, size_t i, size_t e)
{
    size_t k = i;
    while (k < e && IS(p[k], C_DIGIT))
        k++;
    if (k == i)
        return i;
    if (k + 1 < e && p[k] == '.' && IS(p[k + 1], C_DIGIT)) {
        k++;
        while (k < e && IS(p[k], C_DIGIT))
            k++;
    }
    if (k + 1 < e && (p[k] == 'e' || p[k] == 'E')) {
        size_t m = k + 1;
        if (m < e && (p[m] == '+' || p[m] == '-'))
            m++;
        if (m < e && IS(p[m], C_DIGIT)) {
            while (m < e && IS(p[m], C_DIGIT))
                m++;
            k = m;
        }
    }
    if (k < e && p[k] == '%')
        return k + 1;
    size_t u = k;
    while (u < e && IS(p[u], C_ALPHA) && u - k < 3)
        u++;
    return u < e && IS(p[u], C_ALNUM) ? k : u;
}

/* A word that is not wholly typed: runs of letters and digits, and single
 * punctuation characters. */
static void subtokens(tz_t *t, size_t a, size_t e)
{
    const char *p = t->s;
    size_t j = a;
    while (j < e && !t->full) {
        if (!IS(p[j], C_ALNUM)) {
            put(t, PK_SEP, j, 1);
            j++;
            continue;
        }
        /* a typed value inside a word: a time, id, address or ARN between
         * quotes or after '=' (JSON, key=value) */
        size_t c = j;
        int digit = 0;
        while (c < e && c - j < 160 && (IS(p[c], C_ALNUM) || p[c] == '-' || p[c] == '.' || p[c] == ':' ||
                                        p[c] == '/' || p[c] == '+')) {
            digit |= IS(p[c], C_DIGIT) != 0;
            c++;
        }
        while (c > j && (p[c - 1] == '.' || p[c - 1] == ':' || p[c - 1] == '-' || p[c - 1] == '/'))
            c--;
        /* every typed value has a digit, but an ARN */
        if (c - j >= 7 && (digit || (c - j > 4 && memcmp(p + j, "arn:", 4) == 0))) {
            int typed = whole_type(p + j, c - j);
            if (typed) {
                put(t, typed, j, c - j);
                j = c;
                continue;
            }
        }
        size_t k = j;
        while (k < e && IS(p[k], C_ALNUM))
            k++;
        if (IS(p[j], C_DIGIT)) {
            size_t ne = number_end(p, j, e);
            if (ne > j && (ne == e || !IS(p[ne], C_ALNUM))) {
                put(t, PK_NUMBER, j, ne - j);
                j = ne;
                continue;
            }
        } else {
            /* a word goes on through hyphens (payments-service, us-east-1) */
            while (k + 1 < e && p[k] == '-' && IS(p[k + 1], C_ALNUM)) {
                k++;
                while (k < e && IS(p[k], C_ALNUM))
                    k++;
            }
        }
        int kind = PK_WORD;
        if (pattern__level(p + j, k - j)) {
            kind = PK_LEVEL;
        } else if (k - j >= 8) {
            int d = 0, l = 0;
            for (size_t i = j; i < k; i++) {
                d += IS(p[i], C_DIGIT) != 0;
                l |= IS(p[i], C_ALPHA) != 0;
            }
            if (d >= 3 && l)  /* a5f3c9e1, r-cb5568; not us-east-1 */
                kind = PK_ID;
        }
        put(t, kind, j, k - j);
        j = k;
    }
}

static int leading_punct(char c)
{
    return c == '"' || c == '\'' || c == '(' || c == '[' || c == '{' || c == '<';
}

static int trailing_punct(char c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' || c == '>' || c == ',' ||
           c == ';' || c == '.' || c == ':' || c == '!' || c == '?';
}

int pattern__tokenize(const char *s, size_t len, ptok_t *out)
{
    pthread_once(&table_once, init_table);
    tz_t t = { s, len, out, 0, 0 };
    size_t i = 0;
    while (i < len && !t.full) {
        if (i >= PATTERN_MAX_BYTES) {
            t.out[t.n++] = (ptok_t){ PK_REST, (uint32_t)i, (uint32_t)(len - i) };
            break;
        }
        if (IS(s[i], C_SPACE)) {
            size_t j = i;
            while (j < len && IS(s[j], C_SPACE))
                j++;
            put(&t, PK_SEP, i, j - i);
            i = j;
            continue;
        }
        size_t w = i;
        while (w < len && !IS(s[w], C_SPACE))
            w++;
        size_t a = i, e = w;
        while (a < e && leading_punct(s[a]))
            put(&t, PK_SEP, a++, 1);
        while (e > a && trailing_punct(s[e - 1]))
            e--;
        if (e > a) {
            int kind = whole_type(s + a, e - a);
            if (kind)
                put(&t, kind, a, e - a);
            else
                subtokens(&t, a, e);
        }
        for (size_t k = e; k < w; k++)
            put(&t, PK_SEP, k, 1);
        i = w;
    }
    return t.n;
}
