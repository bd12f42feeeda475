/* tests/unit/common/test_inflate.c — common/inflate.c: gzip made here with
 * zlib's deflate (one member, several members as `cat a.gz b.gz` makes them,
 * an empty member, levels 0..9, incompressible bytes), inflated back byte
 * for byte; every prefix of a member refused as cut short; flipped bytes in
 * the body, the CRC and the length trailer refused as corrupt; bytes after
 * the last member that are not a member refused; the output bound exact to
 * the byte, and a gzip bomb refused with the limit in its message. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "common/inflate.h"

#include <stdlib.h>
#include <zlib.h>

typedef struct bytes {
    unsigned char *p;
    size_t len;
} bytes_t;

/* One gzip member of p[0..n) at this level. */
static bytes_t gz(const void *p, size_t n, int level)
{
    z_stream z = { 0 };
    if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    bytes_t b = { malloc(cap), 0 };
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = b.p;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    b.len = cap - z.avail_out;
    deflateEnd(&z);
    return b;
}

static void append(bytes_t *a, bytes_t b)
{
    a->p = realloc(a->p, a->len + b.len + 1);
    memcpy(a->p + a->len, b.p, b.len);
    a->len += b.len;
    free(b.p);
}

/* Deterministic bytes of every value (xorshift). */
static unsigned char *noise(size_t n, unsigned seed)
{
    unsigned char *p = malloc(n ? n : 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
    return p;
}

static int inflate_ok(bytes_t g, size_t max, const void *want, size_t want_len)
{
    char *out = NULL;
    size_t len = 0;
    obs_err_t err = { 0 };
    int rc = inflate_gzip((const char *)g.p, g.len, max, &out, &len, &err);
    if (rc != 0) {
        fprintf(stderr, "  inflate_gzip: %s\n", err.msg);
        return 0;
    }
    int ok = len == want_len && (want_len == 0 || memcmp(out, want, len) == 0) && out[len] == '\0';
    free(out);
    return ok;
}

/* Inflate must fail with OBS_EINVAL, nothing out, and a message holding `part`. */
static int inflate_fails(const void *p, size_t n, size_t max, const char *part)
{
    char *out = (char *)&n;
    size_t len = 99;
    obs_err_t err = { 0 };
    int rc = inflate_gzip(p, n, max, &out, &len, &err);
    int ok = rc == OBS_EINVAL && err.code == OBS_EINVAL && out == NULL && len == 0 &&
             strstr(err.msg, part) != NULL;
    if (!ok)
        fprintf(stderr, "  rc %d, message \"%s\" (wanted \"%s\")\n", rc, err.msg, part);
    return ok;
}

static void test_round_trip(void)
{
    static const size_t sizes[] = { 0, 1, 2, 100, 4095, 4096, 4097, 65536, 1000003 };
    for (size_t k = 0; k < OBS_ARRAY_LEN(sizes); k++) {
        unsigned char *p = noise(sizes[k], (unsigned)k);
        for (int level = 0; level <= 9; level += 3) {
            bytes_t g = gz(p, sizes[k], level);
            CHECK(inflate_ok(g, sizes[k], p, sizes[k]));
            free(g.p);
        }
        free(p);
    }
    /* text that compresses well: the output buffer grows many times */
    size_t n = 3 * 1024 * 1024;
    char *t = malloc(n);
    for (size_t i = 0; i < n; i++)
        t[i] = "START RequestId: 1\n"[i % 19];
    bytes_t g = gz(t, n, 9);
    CHECK(g.len < n / 50);
    CHECK(inflate_ok(g, n, t, n));
    free(g.p);
    free(t);
}

static void test_members(void)
{
    /* three members and an empty one, as `cat a.gz empty.gz b.gz c.gz` */
    const char *parts[] = { "{\"messageType\":\"DATA_MESSAGE\"}", "", "second\n", "third" };
    bytes_t all = { NULL, 0 };
    char want[128] = "";
    for (size_t k = 0; k < OBS_ARRAY_LEN(parts); k++) {
        append(&all, gz(parts[k], strlen(parts[k]), 6));
        strcat(want, parts[k]);
    }
    CHECK(inflate_ok(all, 1000, want, strlen(want)));
    /* only empty members: no bytes, and still a NUL-terminated buffer */
    bytes_t empty = gz("", 0, 6);
    append(&empty, gz("", 0, 1));
    CHECK(inflate_ok(empty, 0, "", 0));
    free(empty.p);
    /* bytes after the last member that are not a member */
    all.p = realloc(all.p, all.len + 3);
    memcpy(all.p + all.len, "xyz", 3);
    CHECK(inflate_fails(all.p, all.len + 3, 1000, "the 3 bytes after member 4"));
    CHECK(inflate_fails(all.p, all.len + 1, 1000, "are not another gzip member"));
    /* a lone 1f 8b after a member is a member cut short */
    all.p[all.len] = 0x1f;
    all.p[all.len + 1] = (unsigned char)0x8b;
    CHECK(inflate_fails(all.p, all.len + 2, 1000, "member 5"));
    CHECK(inflate_fails(all.p, all.len + 2, 1000, "cut short"));
    free(all.p);
}

static void test_not_gzip(void)
{
    CHECK(inflate_fails("", 0, 100, "does not start with a gzip header"));
    CHECK(inflate_fails("\x1f", 1, 100, "does not start with a gzip header"));
    CHECK(inflate_fails("{\"events\":[]}", 13, 100, "does not start with a gzip header"));
    /* a zlib stream (RFC 1950), not gzip */
    unsigned char z[64];
    uLongf zl = sizeof z;
    CHECK_EQ_INT(compress(z, &zl, (const Bytef *)"hello", 5), Z_OK);
    CHECK(inflate_fails(z, zl, 100, "does not start with a gzip header"));
    /* the magic, then a compression method that is not deflate */
    CHECK(inflate_fails("\x1f\x8b\x07\x00\x00\x00\x00\x00\x00\x03", 10, 100, "corrupt"));
}

static void test_truncated(void)
{
    const char *text = "2024-06-26T02:34:50.123Z\tabc\tINFO\thello, world, hello, world\n";
    bytes_t two = gz(text, strlen(text), 6);
    size_t first = two.len;
    append(&two, gz(text, strlen(text), 1));
    /* every proper prefix of the first member: refused, never a short success */
    for (size_t k = 2; k < first; k++)
        CHECK(inflate_fails(two.p, k, 1000, "member 1 (from byte 0) is cut short"));
    /* and of the second member, whose number and start are named */
    char want[96];
    snprintf(want, sizeof want, "member 2 (from byte %zu) is cut short", first);
    for (size_t k = first + 2; k < two.len; k++)
        CHECK(inflate_fails(two.p, k, 1000, want));
    free(two.p);
}

static void test_corrupt(void)
{
    unsigned char *p = noise(5000, 7);
    bytes_t g = gz(p, 5000, 6);
    /* the CRC-32 and the length of the trailer */
    for (size_t k = g.len - 8; k < g.len; k++) {
        g.p[k] ^= 0x40;
        CHECK(inflate_fails(g.p, g.len, 10000, "is corrupt"));
        g.p[k] ^= 0x40;
    }
    CHECK(inflate_ok(g, 10000, p, 5000));
    /* a flipped byte in the compressed body: refused (by the block structure
     * or, at worst, by the CRC) */
    for (size_t k = 10; k < g.len - 8; k += 37) {
        g.p[k] ^= 0x01;
        CHECK(inflate_fails(g.p, g.len, 10000, "gzip: "));
        g.p[k] ^= 0x01;
    }
    /* a wrong header flag byte (reserved bits set) */
    g.p[3] = 0xe0;
    CHECK(inflate_fails(g.p, g.len, 10000, "member 1 (from byte 0) is corrupt"));
    free(g.p);
    free(p);
}

static void test_bound(void)
{
    unsigned char *p = noise(10000, 3);
    bytes_t g = gz(p, 10000, 6);
    CHECK(inflate_ok(g, 10000, p, 10000));              /* exactly at the limit */
    CHECK(inflate_fails(g.p, g.len, 9999, "more than 9999 bytes, the limit"));
    CHECK(inflate_fails(g.p, g.len, 0, "more than 0 bytes"));
    free(g.p);
    free(p);
    /* a bomb: 64 MiB of zeros in ~64 KiB, refused at 1 MiB without
     * inflating the rest */
    size_t n = 64u << 20;
    char *zeros = calloc(n, 1);
    bytes_t bomb = gz(zeros, n, 9);
    free(zeros);
    CHECK(bomb.len < n / 500);
    CHECK(inflate_fails(bomb.p, bomb.len, 1u << 20, "more than 1048576 bytes, the limit"));
    CHECK(inflate_fails(bomb.p, bomb.len, 1u << 20, "gzip bomb"));
    /* the bound counts all members together */
    bytes_t two = gz("abcdef", 6, 6);
    append(&two, gz("ghij", 4, 6));
    CHECK(inflate_ok(two, 10, "abcdefghij", 10));
    CHECK(inflate_fails(two.p, two.len, 9, "more than 9 bytes"));
    free(two.p);
    free(bomb.p);
}

TEST_LIST = {
    TEST(test_round_trip),
    TEST(test_members),
    TEST(test_not_gzip),
    TEST(test_truncated),
    TEST(test_corrupt),
    TEST(test_bound),
    TEST_END,
};
