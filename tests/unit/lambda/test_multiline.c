/* tests/unit/lambda/test_multiline.c — lambda/multiline.c: which lines open
 * a multi-line event and which continue one, per runtime shape (Python
 * tracebacks, Java / Node / .NET stacks), and the lines that must never be
 * swallowed. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "lambda/multiline.h"

#define TS "2024-03-04T17:22:38.033Z"
#define REQ "c793869b-ee49-115b-a5b6-4fd21e8dedac"
#define NBSP "\xc2\xa0"

static ml_state_t opens(const char *s)
{
    lambda_line_t r;
    classify_line(s, strlen(s), &r);
    ml_state_t st = multiline_opens(s, strlen(s), &r);
    classify_result_done(&r);
    return st;
}

static ml_state_t next(ml_state_t st, const char *s)
{
    lambda_line_t r;
    classify_line(s, strlen(s), &r);
    ml_state_t n = multiline_next(st, s, strlen(s), &r);
    classify_result_done(&r);
    return n;
}

/* Lambda's own shape: "[ERROR] Type: msg", then the traceback, frames
 * indented with U+00A0; the next platform line ends it. */
static void test_python_lambda_uncaught(void)
{
    ml_state_t st = opens("[ERROR] ZeroDivisionError: division by zero");
    CHECK_EQ_INT(st, ML_ERROR);
    CHECK_EQ_INT(st = next(st, "Traceback (most recent call last):"), ML_PY_TB);
    CHECK_EQ_INT(st = next(st, NBSP NBSP "File \"/var/task/lambda_function.py\", line 12, in lambda_handler"),
                 ML_PY_TB);
    CHECK_EQ_INT(st = next(st, NBSP NBSP NBSP NBSP "return total / count"), ML_PY_TB);
    CHECK_EQ_INT(next(st, "END RequestId: " REQ), ML_NONE);
    CHECK_EQ_INT(opens("[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module "
                       "named 'daily'"),
                 ML_ERROR);
}

/* The runtime's warning and the error after it in one line (a file that
 * kept the \r between them): the text format's error opens as the error
 * does, the JSON format's object never does. */
static void test_python_unhandled_warning(void)
{
    ml_state_t st = opens("LAMBDA_WARNING: Unhandled exception. ... runtimes-update.html\r"
                          "[ERROR] ZeroDivisionError: division by zero");
    CHECK_EQ_INT(st, ML_ERROR);
    CHECK_EQ_INT(st = next(st, "Traceback (most recent call last):"), ML_PY_TB);
    CHECK_EQ_INT(opens("LAMBDA_WARNING: Unhandled exception. ... runtimes-update.html\r"
                       "{\"timestamp\": \"2024-06-17T17:23:55Z\", \"log_level\": \"ERROR\", \"errorMessage\": \"x\", "
                       "\"errorType\": \"KeyError\", \"requestId\": \"" REQ "\", \"stackTrace\": []}"),
                 ML_NONE);
    CHECK_EQ_INT(opens("LAMBDA_WARNING: Unhandled exception. ... runtimes-update.html"), ML_NONE);
}

/* A traceback printed whole (print_exc, an uncaught error outside Lambda),
 * with a chained exception: blank lines only between the chained parts. */
static void test_python_traceback_chain(void)
{
    ml_state_t st = opens("Traceback (most recent call last):");
    CHECK_EQ_INT(st, ML_PY_TB);
    CHECK_EQ_INT(st = next(st, "  File \"/var/task/app.py\", line 3, in handler"), ML_PY_TB);
    CHECK_EQ_INT(st = next(st, "    return 1 / 0"), ML_PY_TB);
    CHECK_EQ_INT(st = next(st, "          ~~^~~"), ML_PY_TB);
    CHECK_EQ_INT(st = next(st, "ZeroDivisionError: division by zero"), ML_PY_END);
    CHECK(multiline_keeps_blank(st));
    CHECK_EQ_INT(next(st, "  File \"/var/task/app.py\", line 9"), ML_NONE);  /* after the end */
    CHECK_EQ_INT(st = next(st, "During handling of the above exception, another exception occurred:"),
                 ML_PY_CHAIN);
    CHECK(multiline_keeps_blank(st));
    CHECK_EQ_INT(next(st, "    raise ValueError('x')"), ML_NONE);
    CHECK_EQ_INT(st = next(st, "Traceback (most recent call last):"), ML_PY_TB);
    CHECK(!multiline_keeps_blank(st));
    CHECK_EQ_INT(st = next(st, "  File \"/var/task/app.py\", line 5, in handler"), ML_PY_TB);
    CHECK_EQ_INT(st = next(st, "psycopg2.errors.UniqueViolation: duplicate key"), ML_PY_END);
    CHECK_EQ_INT(next(st, "The above exception was the direct cause of the following exception:"),
                 ML_PY_CHAIN);
    CHECK_EQ_INT(next(st, "processed 3 records"), ML_NONE);
    /* a final line without a message */
    CHECK_EQ_INT(next(ML_PY_TB, "KeyboardInterrupt"), ML_PY_END);
}

/* logger.exception(): a prefixed ERROR line, then the traceback. */
static void test_python_logging_exception(void)
{
    ml_state_t st = opens("[ERROR]\t" TS "\t" REQ "\tfailed to parse record 7, skipping");
    CHECK_EQ_INT(st, ML_ERROR);
    CHECK_EQ_INT(st = next(st, "Traceback (most recent call last):"), ML_PY_TB);
    CHECK_EQ_INT(st = next(st, "  File \"/var/task/app.py\", line 41, in parse"), ML_PY_TB);
    CHECK_EQ_INT(next(st, "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"),
                 ML_PY_END);
    /* a prefixed logging line whose message is a traceback header */
    CHECK_EQ_INT(opens("[ERROR]\t" TS "\t" REQ "\tTraceback (most recent call last):"), ML_PY_TB);
}

static void test_java_stack(void)
{
    ml_state_t st = opens("java.lang.IllegalStateException: order 42 has no items");
    CHECK_EQ_INT(st, ML_ERROR);
    CHECK_EQ_INT(st = next(st, "\tat example.Handler.handleRequest(Handler.java:10)"), ML_STACK);
    CHECK_EQ_INT(st = next(st, "\tat java.base/java.lang.Thread.run(Thread.java:833)"), ML_STACK);
    CHECK_EQ_INT(st = next(st, "Caused by: java.io.IOException: connection reset"), ML_STACK);
    CHECK_EQ_INT(st = next(st, "\tat example.Db.query(Db.java:77)"), ML_STACK);
    CHECK_EQ_INT(st = next(st, "\t... 3 more"), ML_STACK);
    CHECK_EQ_INT(next(st, "processing next record"), ML_NONE);
    /* log4j2 ERROR line, then the exception on a line of its own */
    st = opens("2024-01-01 00:00:00 " REQ " ERROR Handler - request failed");
    CHECK_EQ_INT(st, ML_ERROR);
    CHECK_EQ_INT(st = next(st, "java.lang.RuntimeException: boom"), ML_STACK);
    CHECK_EQ_INT(next(st, "\tat example.Handler.handleRequest(Handler.java:10)"), ML_STACK);
    /* an exception name continues only the error line itself */
    CHECK_EQ_INT(next(ML_STACK, "java.lang.RuntimeException: again"), ML_NONE);
    CHECK_EQ_INT(opens("example.Handler$OrderException: bad order"), ML_ERROR);
}

static void test_node_and_dotnet_stacks(void)
{
    ml_state_t st = opens(TS "\t" REQ "\tERROR\tError: boom");
    CHECK_EQ_INT(st, ML_ERROR);
    CHECK_EQ_INT(st = next(st, "    at Runtime.handler (file:///var/task/index.mjs:3:9)"), ML_STACK);
    CHECK_EQ_INT(st = next(st, "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"),
                 ML_STACK);
    CHECK_EQ_INT(next(st, TS "\t" REQ "\tINFO\tnext"), ML_NONE);
    /* console.log(err): INFO, but the message is an exception */
    CHECK_EQ_INT(opens(TS "\t" REQ "\tINFO\tTypeError: Cannot read properties of undefined"), ML_ERROR);
    st = opens(TS "\t" REQ "\tfail\tSystem.InvalidOperationException: boom");
    CHECK_EQ_INT(st, ML_ERROR);
    CHECK_EQ_INT(next(st, "   at Orders.Handler.Run() in /src/Handler.cs:line 12"), ML_STACK);
}

/* Only error lines and traceback headers open an event. */
static void test_what_does_not_open(void)
{
    CHECK_EQ_INT(opens(TS "\t" REQ "\tINFO\treceived event from sqs"), ML_NONE);
    CHECK_EQ_INT(opens(TS "\t" REQ "\tWARN\tslow response"), ML_NONE);
    CHECK_EQ_INT(opens("[WARNING]\t" TS "\t" REQ "\tretrying"), ML_NONE);
    CHECK_EQ_INT(opens("processed 3 records"), ML_NONE);
    CHECK_EQ_INT(opens("Status: ok"), ML_NONE);
    CHECK_EQ_INT(opens("config.Name: value"), ML_NONE);
    CHECK_EQ_INT(opens("Errors: none"), ML_NONE);
    CHECK_EQ_INT(opens("START RequestId: " REQ " Version: $LATEST"), ML_NONE);
    CHECK_EQ_INT(opens("REPORT RequestId: " REQ "\tDuration: 1.00 ms\tStatus: error\tError Type: Runtime.ExitError"),
                 ML_NONE);
    CHECK_EQ_INT(opens("RequestId: " REQ " Error: Runtime exited with error: exit status 1"), ML_NONE);
    CHECK_EQ_INT(opens("Runtime.ExitError"), ML_NONE);
    CHECK_EQ_INT(opens(TS "\t" REQ "\tTask timed out after 3.00 seconds"), ML_NONE);
    /* JSON log format records are whole */
    CHECK_EQ_INT(opens("{\"timestamp\":\"" TS "\",\"level\":\"ERROR\",\"message\":\"boom\"}"), ML_NONE);
}

/* An unrelated line is never swallowed: a continuation line has no prefix,
 * no time, no platform keyword, and the shape its event's state allows. */
static void test_conservative(void)
{
    CHECK_EQ_INT(next(ML_ERROR, "processed 3 records"), ML_NONE);
    CHECK_EQ_INT(next(ML_ERROR, "Status: ok"), ML_NONE);
    CHECK_EQ_INT(next(ML_ERROR, TS "\t" REQ "\tINFO\t    at indented message"), ML_NONE);
    CHECK_EQ_INT(next(ML_ERROR, "[ERROR] KeyError: 'x'"), ML_NONE);
    CHECK_EQ_INT(next(ML_ERROR, "2024/01/01 00:00:00 worker started"), ML_NONE);
    CHECK_EQ_INT(next(ML_ERROR, "START RequestId: " REQ " Version: $LATEST"), ML_NONE);
    CHECK_EQ_INT(next(ML_ERROR, "Runtime.ExitError"), ML_NONE);       /* its own kind */
    CHECK_EQ_INT(next(ML_PY_TB, "Runtime.OutOfMemory"), ML_NONE);
    CHECK_EQ_INT(next(ML_ERROR, "{\"a\":1}"), ML_NONE);
    CHECK_EQ_INT(next(ML_STACK, "Traceback (most recent call last):"), ML_NONE);
    CHECK_EQ_INT(next(ML_STACK, "more output"), ML_NONE);
    CHECK_EQ_INT(next(ML_PY_TB, "Status: ok"), ML_NONE);
    CHECK_EQ_INT(next(ML_PY_TB, "status: ok"), ML_NONE);
    CHECK_EQ_INT(next(ML_PY_TB, "Error occurred"), ML_NONE);
    CHECK_EQ_INT(next(ML_PY_END, "During handling of the above exception"), ML_NONE);
    CHECK_EQ_INT(next(ML_NONE, "    at f (x.js:1:1)"), ML_NONE);
    CHECK(!multiline_keeps_blank(ML_ERROR));
    CHECK(!multiline_keeps_blank(ML_STACK));
    CHECK(!multiline_keeps_blank(ML_PY_TB));
    CHECK(!multiline_keeps_blank(ML_NONE));
}

static ml_state_t report_opens(const char *s)
{
    lambda_line_t r;
    classify_line(s, strlen(s), &r);
    ml_state_t st = multiline_report_opens(&r);
    classify_result_done(&r);
    return st;
}

/* A REPORT whose fields a copy broke onto lines of their own: the REPORT
 * short of its numbers opens, lines of REPORT fields continue it (made-up
 * values); a whole REPORT, another platform line or an ordinary line does
 * not. */
static void test_report_fields_on_lines(void)
{
    ml_state_t st = report_opens("REPORT RequestId: " REQ);
    CHECK_EQ_INT(st, ML_REPORT);
    CHECK_EQ_INT(st = next(st, "Duration: 41.07 ms"), ML_REPORT);
    CHECK_EQ_INT(st = next(st, "Billed Duration: 42 ms"), ML_REPORT);
    CHECK_EQ_INT(st = next(st, "  Memory Size: 256 MB  Max Memory Used: 255 MB"), ML_REPORT);
    CHECK_EQ_INT(st = next(st, "\tStatus: error\tError Type: Runtime.OutOfMemory"), ML_REPORT);
    CHECK_EQ_INT(next(st, "START RequestId: " REQ " Version: 3"), ML_NONE);
    CHECK_EQ_INT(next(st, "XRAY TraceId: 1-00000000-000000000000000000000000\tSegmentId: 0\tSampled: true"),
                 ML_NONE);
    CHECK_EQ_INT(next(st, "Durations: many"), ML_NONE);
    CHECK_EQ_INT(next(st, "processed 3 records"), ML_NONE);
    CHECK_EQ_INT(report_opens("REPORT RequestId: " REQ "  Duration: 5.00 ms"), ML_REPORT);
    CHECK_EQ_INT(report_opens("REPORT RequestId: " REQ "\tDuration: 5.00 ms\tBilled Duration: 5 ms\t"
                              "Memory Size: 128 MB\tMax Memory Used: 20 MB"),
                 ML_NONE);
    CHECK_EQ_INT(report_opens("END RequestId: " REQ), ML_NONE);
    CHECK_EQ_INT(report_opens("{\"time\":\"" TS "\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"" REQ
                              "\"}}"),
                 ML_NONE);
}

/* The Ruby runtime's error: its head line, then the error object as
 * pretty-printed JSON, joined through its closing brace and no further
 * (made-up values). */
static void test_ruby_error_object(void)
{
    ml_state_t st = opens("Error raised from handler method");
    CHECK_EQ_INT(st, ML_ERROR);
    CHECK_EQ_INT(st = next(st, "{"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "  \"errorMessage\": \"boom\","), ML_JSON);
    CHECK_EQ_INT(st = next(st, "  \"stackTrace\": ["), ML_JSON);
    CHECK_EQ_INT(st = next(st, "    \"/var/task/app.rb:7:in `handler'\""), ML_JSON);
    CHECK_EQ_INT(st = next(st, "  ]"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "}"), ML_CLOSED);
    CHECK_EQ_INT(next(st, "  after the brace"), ML_NONE);
    CHECK_EQ_INT(next(st, "END RequestId: " REQ), ML_NONE);
    CHECK_EQ_INT(next(ML_JSON, "not indented"), ML_NONE);
    CHECK_EQ_INT(next(ML_STACK, "{"), ML_NONE);
}

/* console.log of a pretty-printed object: the runtime prefix, then a
 * message that is only "{", its members indented, and a closing brace in the
 * first column, which CloudWatch holds as one event (made-up values). A bare
 * "{" line (no prefix) and a prefixed line with more text than "{" open
 * nothing. */
/* A wrapper's message that is only "{" (sam logs: json.dumps(msg,
 * indent=2) after its prefix) or empty (aws logs tail --format json: a
 * header, then the JSON on the lines after it, indent 4): the tool's
 * pretty-printed JSON, one event. */
static void test_wrapped_pretty_json(void)
{
    CHECK_EQ_INT(multiline_wrapped_opens("{", 1), ML_JSON);
    CHECK_EQ_INT(multiline_wrapped_opens("{ ", 2), ML_JSON);
    CHECK_EQ_INT(multiline_wrapped_opens("", 0), ML_WRAPPED_HEAD);
    CHECK_EQ_INT(multiline_wrapped_opens("{\"a\": 1}", 8), ML_NONE);
    CHECK_EQ_INT(multiline_wrapped_opens("START RequestId: " REQ " Version: $LATEST", 52), ML_NONE);
    CHECK_EQ_INT(multiline_wrapped_opens("[", 1), ML_NONE);
    /* sam logs */
    ml_state_t st = ML_JSON;
    CHECK_EQ_INT(st = next(st, "  \"time\": \"2024-05-20T16:29:45.022Z\","), ML_JSON);
    CHECK_EQ_INT(st = next(st, "  \"record\": {"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "    \"requestId\": \"" REQ "\""), ML_JSON);
    CHECK_EQ_INT(st = next(st, "  }"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "}"), ML_CLOSED);
    CHECK_EQ_INT(next(st, "  \"late\": 1"), ML_NONE);
    /* aws logs tail --format json: an object, an array, a scalar */
    CHECK_EQ_INT(st = next(ML_WRAPPED_HEAD, "{"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "    \"level\": \"INFO\""), ML_JSON);
    CHECK_EQ_INT(next(st, "}"), ML_CLOSED);
    CHECK_EQ_INT(st = next(ML_WRAPPED_HEAD, "["), ML_JSON_ARRAY);
    CHECK_EQ_INT(st = next(st, "    1,"), ML_JSON_ARRAY);
    CHECK_EQ_INT(st = next(st, "    {"), ML_JSON_ARRAY);
    CHECK_EQ_INT(st = next(st, "    }"), ML_JSON_ARRAY);
    CHECK_EQ_INT(next(st, "]"), ML_CLOSED);
    CHECK_EQ_INT(next(ML_WRAPPED_HEAD, "2"), ML_CLOSED);
    CHECK_EQ_INT(next(ML_WRAPPED_HEAD, "-1.5e3"), ML_CLOSED);
    CHECK_EQ_INT(next(ML_WRAPPED_HEAD, "\"text\""), ML_CLOSED);
    CHECK_EQ_INT(next(ML_WRAPPED_HEAD, "null"), ML_CLOSED);
    /* anything else after an empty message is not its JSON */
    CHECK_EQ_INT(next(ML_WRAPPED_HEAD, "processed 2 records"), ML_NONE);
    CHECK_EQ_INT(next(ML_WRAPPED_HEAD, "  at f (index.js:1:1)"), ML_NONE);
    CHECK_EQ_INT(next(ML_WRAPPED_HEAD, "2 records"), ML_NONE);
    CHECK_EQ_INT(next(ML_WRAPPED_HEAD, "START RequestId: " REQ " Version: $LATEST"), ML_NONE);
}

static void test_prefixed_pretty_object(void)
{
    ml_state_t st = opens(TS "\t" REQ "\tINFO\t{");
    CHECK_EQ_INT(st, ML_JSON);
    CHECK_EQ_INT(st = next(st, "  \"_aws\": {"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "    \"Timestamp\": 1700000000000"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "  },"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "  \"Hits\": 3"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "}"), ML_CLOSED);
    CHECK_EQ_INT(next(st, "  \"late\": 1"), ML_NONE);
    CHECK_EQ_INT(next(ML_JSON, TS "\t" REQ "\tINFO\tnext"), ML_NONE);
    CHECK_EQ_INT(opens("[INFO]\t" TS "\t" REQ "\t{"), ML_JSON);
    CHECK_EQ_INT(opens("{"), ML_NONE);
    CHECK_EQ_INT(opens(TS "\t" REQ "\tINFO\t{ \"a\": 1"), ML_NONE);
    CHECK_EQ_INT(opens(TS "\t" REQ "\tINFO\tpayload {"), ML_NONE);
    /* as the console shows it expanded: the prefix alone, then "{" */
    CHECK_EQ_INT(st = opens(TS "\t" REQ "\tINFO\t"), ML_JSON_HEAD);
    CHECK_EQ_INT(next(st, "  \"_aws\": {"), ML_NONE);
    CHECK_EQ_INT(next(st, "processed 2 records"), ML_NONE);
    CHECK_EQ_INT(st = next(st, "{"), ML_JSON);
    CHECK_EQ_INT(st = next(st, "    \"Hits\": 3"), ML_JSON);
    CHECK_EQ_INT(next(st, "}"), ML_CLOSED);
    CHECK_EQ_INT(opens(""), ML_NONE);
    /* at level ERROR the empty message is an error line, which a frame or
     * a "{" may continue */
    CHECK_EQ_INT(st = opens(TS "\t" REQ "\tERROR\t"), ML_ERROR);
    CHECK_EQ_INT(next(st, "{"), ML_JSON);
    CHECK_EQ_INT(opens(TS "\t" REQ "\tERROR\t{"), ML_JSON);
}

TEST_LIST = {
    TEST(test_python_lambda_uncaught),
    TEST(test_python_unhandled_warning),
    TEST(test_python_traceback_chain),
    TEST(test_python_logging_exception),
    TEST(test_java_stack),
    TEST(test_node_and_dotnet_stacks),
    TEST(test_what_does_not_open),
    TEST(test_conservative),
    TEST(test_report_fields_on_lines),
    TEST(test_ruby_error_object),
    TEST(test_prefixed_pretty_object),
    TEST(test_wrapped_pretty_json),
    TEST_END,
};
