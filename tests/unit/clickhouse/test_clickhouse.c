/* tests/unit/clickhouse/test_clickhouse.c — the ClickHouse client's pure
 * parts (clickhouse/ch.h): URLs (user, %XX password, https, [IPv6], each
 * refusal, and no message or redacted form that repeats the password; the
 * password from the environment only when the URL has none); RowBinary's
 * bytes; JSON objects flattened into paths typed as json_extract types
 * them (nested objects at each level, arrays by index, null left out, a
 * non-object refused); TabSeparated rows with escapes and \N. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "clickhouse/ch.h"

#include <stdlib.h>
#include <string.h>

static void test_url_forms(void)
{
    ch_url_t u;
    obs_err_t err = { 0 };
    CHECK_EQ_INT(ch_url_parse("clickhouse://127.0.0.1:8123/obs", &u, &err), 0);
    CHECK_EQ_STR(u.host, "127.0.0.1");
    CHECK_EQ_INT(u.port, 8123);
    CHECK_EQ_STR(u.database, "obs");
    CHECK_EQ_INT(u.has_password, 0);
    CHECK_EQ_INT(u.tls, 0);
    CHECK_EQ_INT(ch_url_parse("https://reader:p%40ss%3Aw@ch.example:8443/logs_1", &u, &err), 0);
    CHECK_EQ_INT(u.tls, 1);
    CHECK_EQ_STR(u.user, "reader");
    CHECK_EQ_STR(u.password, "p@ss:w");
    CHECK_EQ_INT(u.has_password, 1);
    char red[400];
    ch_url_redacted(&u, red, sizeof red);
    CHECK_EQ_STR(red, "https://reader@ch.example:8443/logs_1");
    CHECK_EQ_INT(ch_url_parse("clickhouse://[::1]:9000/db", &u, &err), 0);
    CHECK_EQ_STR(u.host, "::1");
    ch_url_redacted(&u, red, sizeof red);
    CHECK_EQ_STR(red, "clickhouse://[::1]:9000/db");
}

static void test_url_refused_without_the_password(void)
{
    static const char *const bad[] = {
        "postgres://u:SECRETPW@h:1/db", "clickhouse://u:SECRETPW@h:1", "clickhouse://u:SECRETPW@h/db",
        "clickhouse://u:SECRETPW@h:0/db", "clickhouse://u:SECRETPW@h:70000/db", "clickhouse://u:SECRETPW@h:1/",
        "clickhouse://u:SECRETPW@h:1/d-b", "clickhouse://u:SECRETPW@h!:1/db", "clickhouse://u:SECRETPW%0@h:1/db",
        "clickhouse://:SECRETPW@h:1/db", "clickhouse://u:SECRETPW@:1/db", "clickhouse://u:SECRETPW@[zz]:1/db",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ch_url_t u;
        obs_err_t err = { 0 };
        CHECK(ch_url_parse(bad[i], &u, &err) != 0);
        CHECK(err.msg[0] != '\0');
        CHECK(strstr(err.msg, "SECRETPW") == NULL);
    }
}

static void test_url_password_from_env(void)
{
    ch_url_t u;
    obs_err_t err = { 0 };
    setenv(CH_PASSWORD_ENV, "from env", 1);
    CHECK_EQ_INT(ch_url_parse("clickhouse://obs@h:1/db", &u, &err), 0);
    ch_url_password_from_env(&u);
    CHECK_EQ_STR(u.password, "from env");
    CHECK_EQ_INT(u.has_password, 1);
    CHECK_EQ_INT(ch_url_parse("clickhouse://obs:inurl@h:1/db", &u, &err), 0);
    ch_url_password_from_env(&u);
    CHECK_EQ_STR(u.password, "inurl");
    unsetenv(CH_PASSWORD_ENV);
}

static void test_rowbinary(void)
{
    buf_t b = { 0 };
    ch_rb_varint(&b, 300);
    ch_rb_u32(&b, 0x01020304u);
    ch_rb_nstr(&b, NULL, 0);
    ch_rb_nstr(&b, "ab", 2);
    ch_rb_ni64(&b, -2, 1);
    ch_rb_nu32(&b, 7, 0);
    static const unsigned char want[] = {
        0xAC, 0x02,                                      /* 300 in LEB128 */
        0x04, 0x03, 0x02, 0x01,                          /* little-endian */
        0x01,                                            /* NULL */
        0x00, 0x02, 'a', 'b',                            /* not NULL, length, bytes */
        0x00, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0x01,
    };
    CHECK_EQ_INT(b.len, sizeof want);
    CHECK(b.len == sizeof want && memcmp(b.p, want, sizeof want) == 0);
    buf_free(&b);
}

static int collect(void *ctx, const char *key, size_t klen, int type, const char *v, size_t vlen)
{
    buf_t *b = ctx;
    buf_printf(b, "%.*s=%d:%.*s\n", (int)klen, key, type, (int)vlen, v);
    return 0;
}

static void test_json_flatten(void)
{
    static const char doc[] = "{\"a\": {\"b\": 1, \"c\": [true, 2.5, \"x\"]}, \"n\": null, \"s\": \"t\\\"q\","
                              " \"big\": 12345678901234567890, \"e\": 1e3}";
    buf_t b = { 0 };
    CHECK_EQ_INT(ch_json_flatten(doc, strlen(doc), collect, &b), 0);
    /* a container after what is inside it */
    CHECK_EQ_STR(b.p, "a.b=1:1\n"
                      "a.c.0=1:1\n"
                      "a.c.1=2:2.5\n"
                      "a.c.2=3:x\n"
                      "a.c=4:[true,2.5,\"x\"]\n"
                      "a=4:{\"b\":1,\"c\":[true,2.5,\"x\"]}\n"
                      "s=3:t\"q\n"
                      "big=2:12345678901234567890\n"
                      "e=2:1e3\n");
    buf_free(&b);
    CHECK_EQ_INT(ch_json_flatten("[1,2]", 5, collect, &b), 1);
    CHECK_EQ_INT(ch_json_flatten("{\"a\":", 5, collect, &b), 1);
    buf_free(&b);
}

static void test_json_key_segments(void)
{
    buf_t k = { 0 };
    ch_json_key_add(&k, "a.b", 3, 0);
    ch_json_key_add(&k, "0", 1, 1);
    ch_json_key_add(&k, "7", 1, 0);
    CHECK_EQ_STR(k.p, "a\\.b.0.\\7");
    buf_free(&k);
}

static void test_tsv(void)
{
    static const char rows[] = "a\\tb\t\\N\tx\\\\y\n1\t\\n\t\n";
    ch_tsv_t t;
    ch_tsv_init(&t, rows, strlen(rows));
    CHECK_EQ_INT(ch_tsv_next(&t), 1);
    CHECK_EQ_INT(t.nf, 3);
    CHECK_SPAN(t.f[0], "a\tb");
    CHECK_EQ_INT(t.f[1].null, 1);
    CHECK_SPAN(t.f[2], "x\\y");
    CHECK_EQ_INT(ch_tsv_next(&t), 1);
    CHECK_EQ_INT(t.nf, 3);
    CHECK_SPAN(t.f[0], "1");
    CHECK_SPAN(t.f[1], "\n");
    CHECK_EQ_INT(t.f[2].len, 0);
    CHECK_EQ_INT(t.f[2].null, 0);
    CHECK_EQ_INT(ch_tsv_next(&t), 0);
    ch_tsv_done(&t);
}

TEST_LIST = {
    TEST(test_url_forms), TEST(test_url_refused_without_the_password), TEST(test_url_password_from_env),
    TEST(test_rowbinary), TEST(test_json_flatten), TEST(test_json_key_segments), TEST(test_tsv), TEST_END,
};
