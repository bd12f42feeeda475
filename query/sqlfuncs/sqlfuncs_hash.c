/* query/sqlfuncs/sqlfuncs_hash.c — md5(s) and sha256(s): lower-case hex digests of
 * the bytes of s (its UTF-8 text; numbers in their SQLite text form). NULL
 * gives NULL. Small self-contained implementations of RFC 1321 and FIPS
 * 180-4; their round constants are derived at first use from sin() and
 * from the square/cube roots of the first primes, as the standards define
 * them, and checked against the standard test vectors in the unit tests. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

static uint32_t rotl(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static uint32_t rotr(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

/* The message padded to a multiple of 64 bytes, with its bit length in the
 * last 8 bytes (little- or big-endian). Returns the padded length. */
static unsigned char *pad(const unsigned char *s, size_t n, int big_endian, size_t *outn)
{
    size_t total = (n + 9 + 63) / 64 * 64;
    unsigned char *m = sqlite3_malloc64(total);
    if (!m)
        return NULL;
    memcpy(m, s, n);
    memset(m + n, 0, total - n);
    m[n] = 0x80;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++)
        m[big_endian ? total - 1 - i : total - 8 + i] = (unsigned char)(bits >> (8 * i));
    *outn = total;
    return m;
}

static void md5(unsigned char *msg, size_t total, char hex[33])
{
    static const int sh[4][4] = { { 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 } };
    uint32_t k[64];
    for (int i = 0; i < 64; i++)
        k[i] = (uint32_t)floor(fabs(sin((double)(i + 1))) * 4294967296.0);
    uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    for (size_t off = 0; off < total; off += 64) {
        uint32_t w[16];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)msg[off + 4 * i] | (uint32_t)msg[off + 4 * i + 1] << 8 |
                   (uint32_t)msg[off + 4 * i + 2] << 16 | (uint32_t)msg[off + 4 * i + 3] << 24;
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        for (int i = 0; i < 64; i++) {
            uint32_t f;
            int g;
            if (i < 16)
                f = (b & c) | (~b & d), g = i;
            else if (i < 32)
                f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
            else if (i < 48)
                f = b ^ c ^ d, g = (3 * i + 5) % 16;
            else
                f = c ^ (b | ~d), g = (7 * i) % 16;
            f += a + k[i] + w[g];
            a = d;
            d = c;
            c = b;
            b += rotl(f, sh[i / 16][i % 4]);
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d;
    }
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", (h[i / 4] >> (8 * (i % 4))) & 0xff);
}

/* First 32 bits of the fractional part of x. */
static uint32_t frac32(double x)
{
    return (uint32_t)((x - floor(x)) * 4294967296.0);
}

static void sha256(unsigned char *msg, size_t total, char hex[65])
{
    static const int primes[64] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53,
        59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149,
        151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199, 211, 223, 227, 229, 233, 239,
        241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307, 311 };
    uint32_t k[64], h[8];
    for (int i = 0; i < 64; i++)
        k[i] = frac32(cbrt((double)primes[i]));
    for (int i = 0; i < 8; i++)
        h[i] = frac32(sqrt((double)primes[i]));
    for (size_t off = 0; off < total; off += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)msg[off + 4 * i] << 24 | (uint32_t)msg[off + 4 * i + 1] << 16 |
                   (uint32_t)msg[off + 4 * i + 2] << 8 | (uint32_t)msg[off + 4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; i++) {
            uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            uint32_t ch = (e & f) ^ (~e & g);
            uint32_t t1 = hh + S1 + ch + k[i] + w[i];
            uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t2 = S0 + maj;
            hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
    }
    for (int i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08x", h[i]);
}

static void digest(sqlite3_context *c, sqlite3_value *v, int is_sha)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        return;
    const unsigned char *s = sqlite3_value_text(v);
    size_t n = (size_t)sqlite3_value_bytes(v), total;
    unsigned char *msg = pad(s ? s : (const unsigned char *)"", n, is_sha, &total);
    char hex[65];
    if (!msg) {
        sqlite3_result_error_nomem(c);
        return;
    }
    if (is_sha)
        sha256(msg, total, hex);
    else
        md5(msg, total, hex);
    sqlite3_free(msg);
    sqlite3_result_text(c, hex, -1, SQLITE_TRANSIENT);
}

static void fn_md5(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    digest(c, argv[0], 0);
}

static void fn_sha256(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    digest(c, argv[0], 1);
}

static const sqlfn_def_t defs[] = {
    { "obs_md5", 1, fn_md5 },
    { "obs_sha256", 1, fn_sha256 },
};

int query_sqlfuncs__register_hash(sqlite3 *db)
{
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
