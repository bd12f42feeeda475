/* tests/unit/agent/net/test_telemetry.c — Telemetry API batches into lines: a
 * platform.* element becomes its own JSON line (the JSON log format's
 * shape), a function/extension element its record (a text line as written,
 * a JSON record compacted), each with the element's time; logsDropped is
 * summed; an element that is not an object is kept as it is; a body that is
 * not an array is refused with a reason. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "agent/net/telemetry.h"

#include <string.h>

static void test_batch(void)
{
    const char *body =
        "[{\"time\":\"2022-10-12T00:00:15.064Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"r1\"}},"
        " {\"time\":\"2022-10-12T00:03:50.000Z\",\"type\":\"function\",\"record\":\"[INFO] Hello world\"},"
        " {\"time\":\"2022-10-12T00:03:51.000Z\",\"type\":\"extension\",\"record\":{\"level\":\"INFO\",\"message\":\"m\"}},"
        " {\"type\":\"platform.logsDropped\",\"record\":{\"droppedBytes\":12345,\"droppedRecords\":123,\"reason\":\"slow\"}},"
        " {\"time\":\"2022-10-12T00:04:00.000Z\",\"type\":\"platform.logsDropped\",\"record\":{\"droppedBytes\":5,\"droppedRecords\":1}},"
        " 42]";
    telemetry_batch_t b;
    const char *why = NULL;
    CHECK_EQ_INT(telemetry_parse(body, strlen(body), &b, &why), 0);
    CHECK_EQ_INT(b.n, 6);
    CHECK_EQ_STR(b.lines[0].text,
                 "{\"time\":\"2022-10-12T00:00:15.064Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"r1\"}}");
    CHECK_EQ_INT(b.lines[0].ts_ms, 1665532815064LL);
    CHECK_EQ_STR(b.lines[1].text, "[INFO] Hello world");
    CHECK_EQ_INT(b.lines[1].ts_ms, 1665533030000LL);
    CHECK_EQ_STR(b.lines[2].text, "{\"level\":\"INFO\",\"message\":\"m\"}");
    CHECK_EQ_INT(b.lines[3].ts_ms, -1);   /* no time */
    CHECK_EQ_INT(b.logs_dropped_records, 124);
    CHECK_EQ_INT(b.logs_dropped_bytes, 12350);
    CHECK_EQ_STR(b.lines[5].text, "42");
    CHECK_EQ_INT(b.elements_bad, 1);
    for (int i = 0; i < b.n; i++)
        CHECK_EQ_INT(b.lines[i].len, strlen(b.lines[i].text));
    telemetry_batch_free(&b);
}

static void test_refused(void)
{
    telemetry_batch_t b;
    const char *why = NULL;
    CHECK_EQ_INT(telemetry_parse("{\"a\":1}", 7, &b, &why), -1);
    CHECK_EQ_STR(why, "the body is JSON but not an array of telemetry events");
    CHECK_EQ_INT(telemetry_parse("[1,", 3, &b, &why), -1);
    CHECK_EQ_STR(why, "the body is not JSON");
    CHECK_EQ_INT(telemetry_parse("[]", 2, &b, &why), 0);
    CHECK_EQ_INT(b.n, 0);
    telemetry_batch_free(&b);
}

/* found by fuzzing: counts out of int64_t's range were converted (undefined
 * behaviour); now each is clamped to 2^53, the sums saturate, negatives count 0 */
static void test_dropped_hostile_counts(void)
{
    const char *body =
        "[{\"type\":\"platform.logsDropped\",\"record\":{\"droppedBytes\":1e300,\"droppedRecords\":-1e300}}]";
    telemetry_batch_t b;
    const char *why = NULL;
    CHECK_EQ_INT(telemetry_parse(body, strlen(body), &b, &why), 0);
    CHECK_EQ_INT(b.logs_dropped_bytes, INT64_C(1) << 53);
    CHECK_EQ_INT(b.logs_dropped_records, 0);
    telemetry_batch_free(&b);
    CHECK_EQ_INT(telemetry_count_add(INT64_MAX - 1, 5), INT64_MAX);
    CHECK_EQ_INT(telemetry_count_add(40, 2), 42);
}

TEST_LIST = {
    TEST(test_batch),
    TEST(test_refused),
    TEST(test_dropped_hostile_counts),
    TEST_END,
};
