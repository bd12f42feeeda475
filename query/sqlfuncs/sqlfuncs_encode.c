/* query/sqlfuncs/sqlfuncs_encode.c — byte encodings: urlencode/urldecode,
 * base64encode/base64decode, hexToAscii, hexToDec, decToHex.
 *
 * urlencode percent-encodes every byte except the RFC 3986 unreserved set
 * (A-Z a-z 0-9 - _ . ~), so a space becomes %20. urldecode decodes %XX
 * (either case) and '+' as a space (form encoding); a malformed % sequence
 * is kept as is. base64decode accepts the standard and URL-safe alphabets,
 * ignores whitespace, allows missing padding, and gives NULL for anything
 * else. hexToAscii takes an even number of hex digits (optional 0x) and
 * gives NULL otherwise. hexToDec reads up to 16 hex digits (optional 0x) as
 * an unsigned 64-bit value (above INT64_MAX it is returned as a double).
 * decToHex writes lower-case hex of the integer part; a negative number is
 * written as its 64-bit two's complement (like Java's Long.toHexString).
 * NULL in gives NULL out. */
#include <stdio.h>
#include <string.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static const unsigned char *text(sqlite3_value *v, size_t *n)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        return NULL;
    const unsigned char *p = sqlite3_value_text(v);
    *n = (size_t)sqlite3_value_bytes(v);
    return p ? p : (const unsigned char *)"";
}

static unsigned char *alloc(sqlite3_context *c, size_t n)
{
    unsigned char *out = sqlite3_malloc64(n + 1);
    if (!out)
        sqlite3_result_error_nomem(c);
    return out;
}

static void give(sqlite3_context *c, unsigned char *out, size_t n)
{
    sqlite3_result_text64(c, (const char *)out, n, sqlite3_free, SQLITE_UTF8);
}

static void fn_urlencode(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n, k = 0;
    const unsigned char *s = text(argv[0], &n);
    unsigned char *out;
    (void)argc;
    if (!s || !(out = alloc(c, n * 3)))
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned ch = s[i];
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out[k++] = (unsigned char)ch;
        } else {
            out[k++] = '%';
            out[k++] = (unsigned char)hex[ch >> 4];
            out[k++] = (unsigned char)hex[ch & 15];
        }
    }
    give(c, out, k);
}

static void fn_urldecode(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    size_t n, k = 0;
    const unsigned char *s = text(argv[0], &n);
    unsigned char *out;
    (void)argc;
    if (!s || !(out = alloc(c, n)))
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[k++] = (unsigned char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[k++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    give(c, out, k);
}

static void fn_base64encode(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n, k = 0;
    const unsigned char *s = text(argv[0], &n);
    unsigned char *out;
    (void)argc;
    if (!s || !(out = alloc(c, (n + 2) / 3 * 4)))
        return;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        out[k++] = (unsigned char)tab[(v >> 18) & 63];
        out[k++] = (unsigned char)tab[(v >> 12) & 63];
        out[k++] = i + 1 < n ? (unsigned char)tab[(v >> 6) & 63] : '=';
        out[k++] = i + 2 < n ? (unsigned char)tab[v & 63] : '=';
    }
    give(c, out, k);
}

static int b64val(int ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+' || ch == '-')
        return 62;
    if (ch == '/' || ch == '_')
        return 63;
    return -1;
}

static void fn_base64decode(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    size_t n, k = 0;
    const unsigned char *s = text(argv[0], &n);
    unsigned char *out;
    (void)argc;
    if (!s || !(out = alloc(c, n)))
        return;
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        int ch = s[i];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
            continue;
        if (ch == '=') {
            pad++;
            continue;
        }
        int v = b64val(ch);
        if (v < 0 || pad) {
            sqlite3_free(out);
            return;  /* invalid character, or data after padding */
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (unsigned char)(acc >> bits);
        }
    }
    if (bits >= 6 || pad > 2) {  /* a lone 6-bit group cannot end the input */
        sqlite3_free(out);
        return;
    }
    give(c, out, k);
}

/* Skip an optional 0x/0X prefix. */
static const unsigned char *skip0x(const unsigned char *s, size_t *n)
{
    if (*n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        *n -= 2;
        return s + 2;
    }
    return s;
}

static void fn_hextoascii(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    size_t n;
    const unsigned char *s = text(argv[0], &n);
    unsigned char *out;
    (void)argc;
    if (!s)
        return;
    s = skip0x(s, &n);
    if (n % 2)
        return;
    for (size_t i = 0; i < n; i++)
        if (hexval(s[i]) < 0)
            return;
    if (!(out = alloc(c, n / 2)))
        return;
    for (size_t i = 0; i < n; i += 2)
        out[i / 2] = (unsigned char)(hexval(s[i]) * 16 + hexval(s[i + 1]));
    give(c, out, n / 2);
}

static void fn_hextodec(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    size_t n;
    const unsigned char *s = text(argv[0], &n);
    (void)argc;
    if (!s)
        return;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    s = skip0x(s, &n);
    if (n == 0 || n > 16)
        return;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return;
        v = v * 16 + (uint64_t)h;
    }
    if (v <= (uint64_t)INT64_MAX)
        sqlite3_result_int64(c, (int64_t)v);
    else
        sqlite3_result_double(c, (double)v);
}

static void fn_dectohex(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t num;
    char buf[32];
    (void)argc;
    if (!query_sqlfuncs__num(argv[0], &num))
        return;
    int64_t v;
    if (num.is_int)
        v = num.i;
    else if (num.d >= -9.2e18 && num.d <= 9.2e18)
        v = (int64_t)num.d;
    else
        return;
    snprintf(buf, sizeof buf, "%llx", (unsigned long long)v);
    sqlite3_result_text(c, buf, -1, SQLITE_TRANSIENT);
}

static const sqlfn_def_t defs[] = {
    { "obs_urlencode", 1, fn_urlencode },
    { "obs_urldecode", 1, fn_urldecode },
    { "obs_base64encode", 1, fn_base64encode },
    { "obs_base64decode", 1, fn_base64decode },
    { "obs_hextoascii", 1, fn_hextoascii },
    { "obs_hextodec", 1, fn_hextodec },
    { "obs_dectohex", 1, fn_dectohex },
};

int query_sqlfuncs__register_encode(sqlite3 *db)
{
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
