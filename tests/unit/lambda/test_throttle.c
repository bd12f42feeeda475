/* tests/unit/lambda/test_throttle.c — agent/throttle: each error code, the
 * whole-word rules, specificity, the generic phrases, API Gateway 429
 * access-log records, odd bytes, and non-matching lines. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "lambda/throttle.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

/* Detect on an exact-size heap copy (ASan catches any overread). */
static const char *detect_n(const char *s, size_t n, const cJSON *tree)
{
    char *p = malloc(n ? n : 1);
    memcpy(p, s, n);
    const char *r = throttle_detect(p, n, tree);
    free(p);
    return r;
}

static const char *detect(const char *s)
{
    return detect_n(s, strlen(s), NULL);
}

static const char *detect_json(const char *s)
{
    cJSON *t = cJSON_Parse(s);
    const char *r = detect_n(s, strlen(s), t);
    cJSON_Delete(t);
    return r;
}

static void test_each_code(void)
{
    CHECK_EQ_STR(detect("ThrottlingException: Rate exceeded"), "ThrottlingException");
    CHECK_EQ_STR(detect("An error occurred (ThrottlingException) when calling the PutItem operation"),
                 "ThrottlingException");
    CHECK_EQ_STR(detect("TooManyRequestsException: Rate Exceeded."), "TooManyRequestsException");
    CHECK_EQ_STR(detect("ProvisionedThroughputExceededException: The level of configured "
                        "provisioned throughput for the table was exceeded."),
                 "ProvisionedThroughputExceededException");
    CHECK_EQ_STR(detect("error: RequestLimitExceeded"), "RequestLimitExceeded");
    CHECK_EQ_STR(detect("BandwidthLimitExceeded while uploading"), "BandwidthLimitExceeded");
    CHECK_EQ_STR(detect("RequestThrottledException: slow"), "RequestThrottledException");
    CHECK_EQ_STR(detect("code=RequestThrottled"), "RequestThrottled");
    CHECK_EQ_STR(detect("ThrottledException"), "ThrottledException");
    CHECK_EQ_STR(detect("EC2ThrottledException: x"), "ThrottledException");
    CHECK_EQ_STR(detect("An error occurred (SlowDown) when calling the PutObject operation: "
                        "Please reduce your request rate."),
                 "SlowDown");
    CHECK_EQ_STR(detect("An error occurred (Throttling) when calling the DescribeStacks operation"),
                 "Throttling");
}

static void test_whole_words(void)
{
    CHECK(detect("SlowDownload started") == NULL);
    CHECK(detect("xSlowDown") == NULL);
    CHECK(detect("ThrottlingPolicy=on") == NULL);
    CHECK(detect("NoThrottling") == NULL);
    CHECK(detect("Throttling_x") == NULL);
    CHECK_EQ_STR(detect("Throttling"), "Throttling");
    CHECK_EQ_STR(detect("SlowDown"), "SlowDown");
    CHECK_EQ_STR(detect("[SlowDown]"), "SlowDown");
    CHECK(detect("throttling in lowercase") == NULL);
}

static void test_phrases(void)
{
    CHECK_EQ_STR(detect("Rate exceeded"), "RateExceeded");
    CHECK_EQ_STR(detect("Execution failed due to configuration error: Rate Exceeded."), "RateExceeded");
    CHECK_EQ_STR(detect("{\"message\":\"Too Many Requests\"}"), "TooManyRequests");
    CHECK(detect("rate exceeded") == NULL);
    CHECK(detect("Too many requests") == NULL);
}

static void test_most_specific_wins(void)
{
    CHECK_EQ_STR(detect("TooManyRequestsException: Rate Exceeded."), "TooManyRequestsException");
    CHECK_EQ_STR(detect("Rate Exceeded. (TooManyRequestsException)"), "TooManyRequestsException");
    CHECK_EQ_STR(detect("Too Many Requests; Throttling"), "Throttling");
    CHECK_EQ_STR(detect("SlowDown then ThrottlingException"), "ThrottlingException");
    CHECK_EQ_STR(detect("RequestThrottledException"), "RequestThrottledException");
    CHECK_EQ_STR(detect("ThrottlingException and ProvisionedThroughputExceededException"),
                 "ProvisionedThroughputExceededException");
}

static void test_api_gateway_429(void)
{
    CHECK_EQ_STR(detect_json("{\"requestId\":\"abc\",\"httpMethod\":\"GET\",\"status\":429}"), "HTTP429");
    CHECK_EQ_STR(detect_json("{\"routeKey\":\"GET /x\",\"status\":\"429\"}"), "HTTP429");
    CHECK_EQ_STR(detect_json("{\"path\":\"/x\",\"protocol\":\"HTTP/1.1\",\"status\":\"429\"}"), "HTTP429");
    CHECK_EQ_STR(detect_json("{\"requestTime\":\"t\",\"status\":429,"
                             "\"responseType\":\"THROTTLED\",\"error\":\"Too Many Requests\"}"),
                 "HTTP429");
    CHECK_EQ_STR(detect_json("{\"status\":500,\"integrationStatus\":429}"), "HTTP429");
    CHECK_EQ_STR(detect_json("{\"status\":500,\"integrationStatus\":\"429\"}"), "HTTP429");
    CHECK_EQ_STR(detect_json("{\"status\":500,\"integration\":{\"status\":429}}"), "HTTP429");
    CHECK_EQ_STR(detect_json("{\"status\":500,\"integration.status\":\"429\"}"), "HTTP429");
    /* status 429 alone is not an access log */
    CHECK(detect_json("{\"status\":429}") == NULL);
    CHECK(detect_json("{\"httpMethod\":\"GET\",\"status\":200}") == NULL);
    CHECK(detect_json("{\"httpMethod\":\"GET\",\"status\":\"4290\"}") == NULL);
    CHECK(detect_json("{\"httpMethod\":\"GET\",\"status\":429.5}") == NULL);
    CHECK(detect_json("[1,2]") == NULL);
    /* an explicit error code outranks HTTP429; HTTP429 outranks a phrase */
    CHECK_EQ_STR(detect_json("{\"httpMethod\":\"GET\",\"status\":429,\"e\":\"ThrottlingException\"}"),
                 "ThrottlingException");
    CHECK_EQ_STR(detect_json("{\"httpMethod\":\"GET\",\"status\":429,\"e\":\"Rate exceeded\"}"), "HTTP429");
}

static void test_no_match(void)
{
    CHECK(detect("") == NULL);
    CHECK(detect("2024-01-01T00:00:00.000Z\tabc\tINFO\tProcessing order 42 for Tom") == NULL);
    CHECK(detect("T") == NULL);
    CHECK(detect("Throttlin") == NULL);
    CHECK(detect("Rate exceede") == NULL);
    CHECK(detect("TooManyRequestsExceptio") == NULL);
    CHECK(throttle_detect(NULL, 0, NULL) == NULL);
}

static void test_odd_bytes(void)
{
    static const char withnul[] = "x\0ThrottlingException\0y";
    CHECK_EQ_STR(detect_n(withnul, sizeof withnul - 1, NULL), "ThrottlingException");
    static const char split[] = "Throttling\0Exception";
    CHECK_EQ_STR(detect_n(split, sizeof split - 1, NULL), "Throttling");
    static const char hi[] = "\xff\xfeSlowDown\xff";
    CHECK_EQ_STR(detect_n(hi, sizeof hi - 1, NULL), "SlowDown");
    /* a pattern cut by the length is not seen */
    CHECK(detect_n("ThrottlingException", 12, NULL) == NULL);
    CHECK_EQ_STR(detect_n("Throttling Exception", 10, NULL), "Throttling");
}

static void test_long_line(void)
{
    size_t n = 1 << 20;
    char *p = malloc(n);
    memset(p, 'T', n);
    CHECK(detect_n(p, n, NULL) == NULL);
    memcpy(p + n - 8, "SlowDown", 8);
    p[n - 9] = ' ';
    CHECK_EQ_STR(detect_n(p, n, NULL), "SlowDown");
    free(p);
}

TEST_LIST = {
    TEST(test_each_code),
    TEST(test_whole_words),
    TEST(test_phrases),
    TEST(test_most_specific_wins),
    TEST(test_api_gateway_429),
    TEST(test_no_match),
    TEST(test_odd_bytes),
    TEST(test_long_line),
    TEST_END,
};
