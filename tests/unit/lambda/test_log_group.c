/* tests/unit/lambda/test_log_group.c — lambda_group_function: the function a
 * log group names (Lambda's groups, Lambda@Edge's replicas), and none for
 * any other group. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "lambda/log_group.h"

static obs_span_t of(const char *g)
{
    return lambda_group_function(obs_span(g, g ? strlen(g) : 0));
}

static void test_lambda_groups(void)
{
    CHECK_SPAN(of("/aws/lambda/orders-api"), "orders-api");
    CHECK_SPAN(of("/aws/lambda/a"), "a");
    /* a Lambda@Edge replica's group, in the Region that ran it */
    CHECK_SPAN(of("/aws/lambda/us-east-1.my-edge-fn"), "my-edge-fn");
    /* the prefix alone is not a function */
    CHECK_SPAN(of("/aws/lambda/us-east-1."), "us-east-1.");
}

static void test_other_groups(void)
{
    CHECK_EQ_INT(of("/aws/lambda/").len, 0);
    CHECK_EQ_INT(of("/aws/lambda").len, 0);
    CHECK_EQ_INT(of("/aws/apigateway/welcome").len, 0);
    CHECK_EQ_INT(of("API-Gateway-Execution-Logs_abc/prod").len, 0);
    CHECK_EQ_INT(of("").len, 0);
    CHECK_EQ_INT(of(NULL).len, 0);
}

TEST_LIST = {
    TEST(test_lambda_groups),
    TEST(test_other_groups),
    TEST_END,
};
