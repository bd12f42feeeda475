/* tests/unit/agent/net/test_emf_wire.c — the EMF agent protocol's pure parts:
 * newline framing of a TCP stream whatever the read boundaries (partial
 * frames, CRLF, empty lines, a frame over the limit dropped whole, a last
 * frame without newline), and routing by _aws.LogGroupName / LogStreamName
 * or the legacy top-level keys. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "agent/net/emf_wire.h"

#include <stdlib.h>
#include <string.h>

typedef struct frames {
    char got[8][64];
    int n;
} frames_t;

static void collect(void *ctx, const char *p, size_t len)
{
    frames_t *f = ctx;
    if (f->n < 8) {
        snprintf(f->got[f->n], sizeof f->got[0], "%.*s", (int)len, p);
        f->n++;
    }
}

static void test_framing_any_boundaries(void)
{
    const char *stream = "{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}\n";
    size_t len = strlen(stream);
    /* every split of the stream into two reads gives the same frames */
    for (size_t cut = 0; cut <= len; cut++) {
        emf_framer_t fr;
        frames_t f = { .n = 0 };
        emf_framer_init(&fr, 100);
        emf_framer_feed(&fr, stream, cut, collect, &f);
        emf_framer_feed(&fr, stream + cut, len - cut, collect, &f);
        CHECK_EQ_INT(emf_framer_finish(&fr, collect, &f), 0);
        CHECK_EQ_INT(f.n, 3);
        CHECK_EQ_STR(f.got[0], "{\"a\":1}");
        CHECK_EQ_STR(f.got[1], "{\"b\":2}");
        CHECK_EQ_STR(f.got[2], "{\"c\":3}");
        emf_framer_done(&fr);
    }
    /* byte by byte */
    emf_framer_t fr;
    frames_t f = { .n = 0 };
    emf_framer_init(&fr, 100);
    for (size_t i = 0; i < len; i++)
        emf_framer_feed(&fr, stream + i, 1, collect, &f);
    CHECK_EQ_INT(f.n, 3);
    emf_framer_done(&fr);
}

static void test_framing_limits_and_end(void)
{
    emf_framer_t fr;
    frames_t f = { .n = 0 };
    emf_framer_init(&fr, 8);
    /* a 12-byte frame in two reads is dropped whole; the next one survives */
    emf_framer_feed(&fr, "0123456", 7, collect, &f);
    emf_framer_feed(&fr, "89ab\nok\n", 8, collect, &f);
    CHECK_EQ_INT(f.n, 1);
    CHECK_EQ_STR(f.got[0], "ok");
    CHECK_EQ_INT(fr.too_long, 1);
    /* over the limit inside one read, then more of it in the next */
    emf_framer_feed(&fr, "abcdefghijk", 11, collect, &f);
    emf_framer_feed(&fr, "lmn\nyes", 7, collect, &f);
    CHECK_EQ_INT(fr.too_long, 2);
    CHECK_EQ_INT(f.n, 1);
    /* exactly the limit passes; a last frame without newline at the end */
    CHECK_EQ_INT(emf_framer_finish(&fr, collect, &f), 1);
    CHECK_EQ_STR(f.got[1], "yes");
    emf_framer_feed(&fr, "12345678\n", 9, collect, &f);
    CHECK_EQ_STR(f.got[2], "12345678");
    emf_framer_done(&fr);
}

/* A partial frame dropped (the listener's buffer of partial frames is
 * full): the rest of it goes too, the next frame is whole; a long frame's
 * buffer is let go once it is delivered. */
static void test_framing_drop_and_release(void)
{
    emf_framer_t fr;
    frames_t f = { .n = 0 };
    emf_framer_init(&fr, 1 << 20);
    emf_framer_feed(&fr, "{\"part", 6, collect, &f);
    CHECK(fr.cap > 0);
    CHECK_EQ_INT(emf_framer_drop(&fr), 1);
    CHECK_EQ_INT(fr.cap, 0);
    CHECK_EQ_INT(emf_framer_drop(&fr), 0);
    emf_framer_feed(&fr, "ial\":1}\n{\"next\":2}\n", 20, collect, &f);
    CHECK_EQ_INT(f.n, 1);
    CHECK_EQ_STR(f.got[0], "{\"next\":2}");
    static char big[EMF_FRAMER_KEEP * 2];
    memset(big, 'x', sizeof big);
    emf_framer_feed(&fr, big, sizeof big, collect, &f);
    CHECK(fr.cap >= sizeof big);
    emf_framer_feed(&fr, "\n", 1, collect, &f);
    CHECK_EQ_INT(f.n, 2);
    CHECK_EQ_INT(fr.cap, 0);
    emf_framer_done(&fr);
}

static void test_route(void)
{
    emf_route_t r;
    const char *v1 = "{\"_aws\":{\"Timestamp\":1,\"LogGroupName\":\"/aws/lambda/orders\",\"LogStreamName\":\"s1\","
                     "\"CloudWatchMetrics\":[]},\"x\":1}";
    emf_route(v1, strlen(v1), "host", &r);
    CHECK_EQ_STR(r.function, "orders");
    CHECK_EQ_STR(r.log_group, "/aws/lambda/orders");
    CHECK_EQ_STR(r.stream, "s1");
    CHECK(r.has_group);
    const char *svc = "{\"_aws\":{\"LogGroupName\":\"checkout-metrics\"}}";
    emf_route(svc, strlen(svc), "host", &r);
    CHECK_EQ_STR(r.function, "checkout-metrics");
    CHECK_EQ_STR(r.stream, "host");
    const char *v0 = "{\"LogGroupName\":\"legacy\",\"LogStreamName\":\"ls\",\"CloudWatchMetrics\":[]}";
    emf_route(v0, strlen(v0), "host", &r);
    CHECK_EQ_STR(r.function, "legacy");
    CHECK_EQ_STR(r.stream, "ls");
    /* no group, or not JSON: the CloudWatch agent's default group */
    emf_route("{\"_aws\":{}}", 11, "host", &r);
    CHECK_EQ_STR(r.function, EMF_DEFAULT_LOG_GROUP);
    CHECK(!r.has_group);
    emf_route("not json", 8, "host", &r);
    CHECK_EQ_STR(r.log_group, EMF_DEFAULT_LOG_GROUP);
    const char *empty = "{\"_aws\":{\"LogGroupName\":\"\"}}";
    emf_route(empty, strlen(empty), "host", &r);
    CHECK_EQ_STR(r.log_group, EMF_DEFAULT_LOG_GROUP);
}

TEST_LIST = {
    TEST(test_framing_any_boundaries),
    TEST(test_framing_limits_and_end),
    TEST(test_framing_drop_and_release),
    TEST(test_route),
    TEST_END,
};
