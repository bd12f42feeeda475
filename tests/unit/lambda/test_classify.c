/* tests/unit/lambda/test_classify.c — lambda/classify: every line shape of spec §3
 * (text platform lines, runtime prefixes, JSON app and platform records),
 * outcomes, levels, throttle marking, and hostile input (NULs, huge and
 * deeply nested lines, truncated lines). Every input is copied into an
 * exact-size heap buffer so ASan reports any read past the length. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "lambda/classify.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static lambda_line_t r;
static char *buf;
static size_t buflen;

static void classify_n(const char *s, size_t n)
{
    classify_result_done(&r);
    free(buf);
    buf = malloc(n ? n : 1);
    buflen = n;
    memcpy(buf, s, n);
    classify_line(buf, n, &r);
}

static void cls(const char *s)
{
    classify_n(s, strlen(s));
}

static void done(void)
{
    classify_result_done(&r);
    free(buf);
    buf = NULL;
}

#define REQ1 "c793869b-ee49-115b-a5b6-4fd21e8dedac"

/* ---- text platform lines ------------------------------------------------ */

static void test_start(void)
{
    cls("START RequestId: " REQ1 " Version: $LATEST");
    CHECK_EQ_INT(r.kind, LK_START);
    CHECK_EQ_STR(r.type, "START");
    CHECK_SPAN(r.request_id, REQ1);
    CHECK_SPAN(r.version, "$LATEST");
    CHECK_EQ_INT(r.has_ts, 0);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    CHECK(r.throttle == NULL && r.tree == NULL);
    cls("START RequestId: " REQ1 "\tVersion: 7\t");
    CHECK_SPAN(r.version, "7");
    cls("START RequestId: " REQ1);
    CHECK_EQ_INT(r.kind, LK_START);
    CHECK_SPAN(r.version, NULL);
    cls("START something else");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK(r.type == NULL);
    cls("STARTED RequestId: x");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    done();
}

static void test_end(void)
{
    cls("END RequestId: " REQ1);
    CHECK_EQ_INT(r.kind, LK_END);
    CHECK_EQ_STR(r.type, "END");
    CHECK_SPAN(r.request_id, REQ1);
    CHECK_SPAN(r.body, "END RequestId: " REQ1);
    cls("END RequestId: " REQ1 "\t");
    CHECK_SPAN(r.request_id, REQ1);
    done();
}

static void test_report_full(void)
{
    cls("REPORT RequestId: " REQ1 "\tDuration: 128.83 ms\tBilled Duration: 296 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 74 MB\tInit Duration: 166.62 ms\tXRAY TraceId: 1-5d9d007f-0a8c7fd02xmpl480aed55ef0\t"
        "SegmentId: 3d752xmpl1bbe37e\tSampled: true");
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK_EQ_STR(r.type, "REPORT");
    CHECK_SPAN(r.request_id, REQ1);
    CHECK(r.duration_ms == 128.83);
    CHECK(r.billed_duration_ms == 296.0);
    CHECK_EQ_INT(r.memory_size_mb, 128);
    CHECK_EQ_INT(r.max_memory_used_mb, 74);
    CHECK(r.init_duration_ms == 166.62);
    CHECK(isnan(r.restore_duration_ms) && isnan(r.billed_restore_duration_ms));
    CHECK_SPAN(r.xray_trace_id, "1-5d9d007f-0a8c7fd02xmpl480aed55ef0");
    CHECK_SPAN(r.xray_segment_id, "3d752xmpl1bbe37e");
    CHECK_EQ_INT(r.xray_sampled, 1);
    CHECK_SPAN(r.status, NULL);
    CHECK_SPAN(r.error_type, NULL);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    CHECK(r.throttle == NULL);
    done();
}

static void test_report_status(void)
{
    cls("REPORT RequestId: 527cb862-4f5e-49a9-9ae4-a7edc90f0fda\tDuration: 3016.78 ms\tBilled Duration: 3101 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 31 MB\tInit Duration: 84.00 ms\tStatus: timeout");
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK(r.duration_ms == 3016.78);
    CHECK(r.init_duration_ms == 84.0);
    CHECK_SPAN(r.status, "timeout");
    CHECK_EQ_INT(r.outcome, LO_TIMEOUT);
    CHECK_EQ_INT(r.xray_sampled, -1);

    cls("REPORT RequestId: 5b866fb1-7154-4af6-8078-6ef6ca4c2ddd\tDuration: 133.61 ms\tBilled Duration: 214 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 31 MB\tInit Duration: 80.00 ms\tStatus: error\t"
        "Error Type: Runtime.ExitError");
    CHECK_SPAN(r.request_id, "5b866fb1-7154-4af6-8078-6ef6ca4c2ddd");
    CHECK_SPAN(r.status, "error");
    CHECK_SPAN(r.error_type, "Runtime.ExitError");
    CHECK_EQ_INT(r.outcome, LO_CRASH);

    cls("REPORT RequestId: 806ab12b-e660-4a4a-8d9a-eee01e457f98\tDuration: 376256.59 ms\tBilled Duration: 376257 ms\t"
        "Memory Size: 10239 MB\tMax Memory Used: 10239 MB\tInit Duration: 551.73 ms\tStatus: error\t"
        "Error Type: Runtime.OutOfMemory");
    CHECK(r.duration_ms == 376256.59);
    CHECK_EQ_INT(r.memory_size_mb, 10239);
    CHECK_EQ_INT(r.max_memory_used_mb, 10239);
    CHECK_SPAN(r.error_type, "Runtime.OutOfMemory");
    CHECK_EQ_INT(r.outcome, LO_OOM);

    static const struct { const char *tail; lambda_outcome_t o; } cases[] = {
        { "Status: error", LO_ERROR },
        { "Status: error\tError Type: Extension.Crash", LO_CRASH },
        /* the runtime reporting the function's failure is an error; a
         * process that died is a crash (real REPORTs: tests/realworld) */
        { "Status: error\tError Type: Runtime.Unknown", LO_ERROR },
        { "Status: error\tError Type: Runtime.ImportModuleError", LO_ERROR },
        { "Status: error\tError Type: Runtime.UserCodeSyntaxError", LO_ERROR },
        { "Status: error\tError Type: Runtime.TruncatedResponse", LO_ERROR },
        { "Status: error\tError Type: Runtime.ExitError", LO_CRASH },
        { "Status: error\tError Type: Runtime.NodeJsExit", LO_CRASH },
        { "Status: error\tError Type: Extension.ExitError", LO_CRASH },
        { "Status: error\tError Type: Sandbox.Timedout", LO_TIMEOUT },
        { "Status: error\tError Type: Function.ResponseSizeTooLarge", LO_ERROR },
        { "Status: error\tError Type: TypeError", LO_ERROR },
        { "Status: timeout\tError Type: Runtime.OutOfMemory", LO_TIMEOUT },
        { "Status: success", LO_NONE },
        { "Status: failure\tError Type: Runtime.OutOfMemory", LO_OOM },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char line[256];
        snprintf(line, sizeof line, "REPORT RequestId: a\tDuration: 1.00 ms\t%s", cases[k].tail);
        cls(line);
        if (r.kind != LK_REPORT || r.outcome != cases[k].o) {
            fprintf(stderr, "  %s -> kind %d outcome %d\n", cases[k].tail, r.kind, r.outcome);
            check_failures++;
        }
    }
    done();
}

static void test_report_old_timeout_sequence(void)
{
    cls("START RequestId: b70435cc-261c-4438-b9b6-efe4c8f04b21 Version: $LATEST");
    CHECK_EQ_INT(r.kind, LK_START);
    cls("2024-03-04T17:22:38.033Z\tb70435cc-261c-4438-b9b6-efe4c8f04b21\tTask timed out after 3.00 seconds");
    CHECK_EQ_INT(r.kind, LK_TIMEOUT);
    CHECK(r.type == NULL);
    CHECK_EQ_INT(r.has_ts, 1);
    CHECK_EQ_INT(r.ts_ms, 1709572958033LL);
    CHECK_SPAN(r.request_id, "b70435cc-261c-4438-b9b6-efe4c8f04b21");
    CHECK(r.timeout_s == 3.0);
    CHECK_EQ_INT(r.outcome, LO_TIMEOUT);
    CHECK_SPAN(r.body, "Task timed out after 3.00 seconds");
    CHECK(r.throttle == NULL);
    cls("END RequestId: b70435cc-261c-4438-b9b6-efe4c8f04b21");
    CHECK_EQ_INT(r.kind, LK_END);
    cls("REPORT RequestId: b70435cc-261c-4438-b9b6-efe4c8f04b21\tDuration: 3004.92 ms\tBilled Duration: 3117 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 33 MB\tInit Duration: 111.23 ms");
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK(r.duration_ms == 3004.92);
    CHECK(r.billed_duration_ms == 3117.0);
    CHECK_EQ_INT(r.max_memory_used_mb, 33);
    CHECK(r.init_duration_ms == 111.23);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("2024-03-04T17:22:38.033Z\tb70435cc\tTask timed out after 900.00 seconds");
    CHECK(r.timeout_s == 900.0);
    done();
}

static void test_report_snapstart_and_layout(void)
{
    cls("REPORT RequestId: " REQ1 "\tDuration: 12.50 ms\tBilled Duration: 120 ms\tMemory Size: 512 MB\t"
        "Max Memory Used: 90 MB\tRestore Duration: 361.22 ms\tBilled Restore Duration: 107 ms\t");
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK(r.duration_ms == 12.5);
    CHECK(r.restore_duration_ms == 361.22);
    CHECK(r.billed_restore_duration_ms == 107.0);
    CHECK(isnan(r.init_duration_ms));
    /* the docs' space-separated rendering, trailing TAB and a leftover \r */
    cls("REPORT RequestId: " REQ1 " Duration: 2.25 ms Billed Duration: 3 ms Memory Size: 128 MB "
        "Max Memory Used: 70 MB XRAY TraceId: 1-abc SegmentId: def Sampled: false\t\r");
    CHECK_SPAN(r.request_id, REQ1);
    CHECK(r.duration_ms == 2.25);
    CHECK(r.billed_duration_ms == 3.0);
    CHECK_EQ_INT(r.memory_size_mb, 128);
    CHECK_EQ_INT(r.max_memory_used_mb, 70);
    CHECK_SPAN(r.xray_trace_id, "1-abc");
    CHECK_SPAN(r.xray_segment_id, "def");
    CHECK_EQ_INT(r.xray_sampled, 0);
    /* extra spaces */
    cls("REPORT  RequestId:   x1\t  Duration:   5 ms\t\tMemory Size:  64 MB");
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK_SPAN(r.request_id, "x1");
    CHECK(r.duration_ms == 5.0);
    CHECK_EQ_INT(r.memory_size_mb, 64);
    done();
}

static void test_report_malformed(void)
{
    cls("REPORT RequestId: abc\tDuration: ms\tBilled Duration:\tMemory Size: lots\tMax Memory Used:");
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK_SPAN(r.request_id, "abc");
    CHECK(isnan(r.duration_ms));
    CHECK(isnan(r.billed_duration_ms));
    CHECK(isnan(r.init_duration_ms));
    CHECK_EQ_INT(r.memory_size_mb, -1);
    CHECK_EQ_INT(r.max_memory_used_mb, -1);
    CHECK_EQ_INT(r.xray_sampled, -1);
    cls("REPORT RequestId:");
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK_SPAN(r.request_id, NULL);
    cls("REPORT RequestId: abc\tDuration: 99999999999999999999999.5 ms\tSampled: maybe");
    CHECK(r.duration_ms > 9.9e22 && r.duration_ms < 1.1e23);
    CHECK_EQ_INT(r.xray_sampled, -1);
    cls("REPORT RequestId: abc\tMemory Size: 99999999999999999999 MB\tDuration: 0.000000000000000000000000001 ms");
    CHECK_EQ_INT(r.memory_size_mb, -1);
    CHECK(r.duration_ms >= 0 && r.duration_ms < 1e-20);
    cls("REPORT");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    cls("REPORT generated for 2024");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    done();
}

static void test_init_start(void)
{
    cls("INIT_START Runtime Version: python:3.12.v18\tRuntime Version ARN: "
        "arn:aws:lambda:eu-west-1::runtime:edb5a058bfa782cb9cedc6d534ac8b8c193bc28e9a9879d9f5ebaaf619cd0fc0");
    CHECK_EQ_INT(r.kind, LK_INIT_START);
    CHECK_EQ_STR(r.type, "INIT_START");
    CHECK_SPAN(r.runtime_version, "python:3.12.v18");
    CHECK_SPAN(r.runtime_version_arn,
               "arn:aws:lambda:eu-west-1::runtime:edb5a058bfa782cb9cedc6d534ac8b8c193bc28e9a9879d9f5ebaaf619cd0fc0");
    CHECK_SPAN(r.request_id, NULL);
    cls("INIT_START");
    CHECK_EQ_INT(r.kind, LK_INIT_START);
    cls("INIT_STARTED x");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    done();
}

static void test_init_report(void)
{
    cls("INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: timeout");
    CHECK_EQ_INT(r.kind, LK_INIT_REPORT);
    CHECK_EQ_STR(r.type, "INIT_REPORT");
    CHECK(r.init_duration_ms == 1236.04);
    CHECK_SPAN(r.phase, "init");
    CHECK_SPAN(r.status, "timeout");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: error\tError Type: Extension.Crash");
    CHECK_SPAN(r.status, "error");
    CHECK_SPAN(r.error_type, "Extension.Crash");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("INIT_REPORT Init Duration: 150.79 ms\tPhase: init\tStatus: error\tError Type: Runtime.UserCodeSyntaxError");
    CHECK(r.init_duration_ms == 150.79);
    CHECK_SPAN(r.error_type, "Runtime.UserCodeSyntaxError");
    cls("INIT_REPORT Init Duration: 1712.41 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.Unknown");
    CHECK_SPAN(r.phase, "invoke");
    CHECK_SPAN(r.error_type, "Runtime.Unknown");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("INIT_REPORT Init Duration: 2010.22 ms");
    CHECK_EQ_INT(r.kind, LK_INIT_REPORT);
    CHECK(r.init_duration_ms == 2010.22);
    CHECK_SPAN(r.status, NULL);
    done();
}

static void test_restore_report(void)
{
    cls("RESTORE_REPORT Restore Duration: 1236.04 ms\tStatus: error\tError Type: Runtime.ExitError");
    CHECK_EQ_INT(r.kind, LK_RESTORE_REPORT);
    CHECK_EQ_STR(r.type, "RESTORE_REPORT");
    CHECK(r.restore_duration_ms == 1236.04);
    CHECK_SPAN(r.status, "error");
    CHECK_SPAN(r.error_type, "Runtime.ExitError");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    done();
}

static void test_extension_telemetry(void)
{
    cls("EXTENSION\tName: AWSParametersAndSecretsLambdaExtension\tState: Ready\tEvents: [SHUTDOWN, INVOKE]");
    CHECK_EQ_INT(r.kind, LK_EXTENSION);
    CHECK_EQ_STR(r.type, "EXTENSION");
    CHECK_SPAN(r.ext_name, "AWSParametersAndSecretsLambdaExtension");
    CHECK_SPAN(r.ext_state, "Ready");
    CHECK_SPAN(r.ext_events, "[SHUTDOWN, INVOKE]");
    cls("EXTENSION\tName: my-ext\tState: Ready\tEvents: []\t");
    CHECK_SPAN(r.ext_events, "[]");
    cls("EXTENSION\tName: bad\tState: LaunchError\tEvents: [INVOKE\tError Type: Extension.LaunchError");
    CHECK_SPAN(r.ext_state, "LaunchError");
    CHECK_SPAN(r.ext_events, "[INVOKE");
    CHECK_SPAN(r.error_type, "Extension.LaunchError");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("TELEMETRY\tName: otel-ext\tState: Subscribed\tTypes: [Platform, Function, Extension]");
    CHECK_EQ_INT(r.kind, LK_TELEMETRY);
    CHECK_EQ_STR(r.type, "TELEMETRY");
    CHECK_SPAN(r.ext_name, "otel-ext");
    CHECK_SPAN(r.ext_state, "Subscribed");
    CHECK_SPAN(r.ext_events, "[Platform, Function, Extension]");
    cls("EXTENSIONS are great");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    cls("TELEMETRY");
    CHECK_EQ_INT(r.kind, LK_TELEMETRY);
    done();
}

static void test_runtime_exit_old(void)
{
    cls("RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Error: Runtime exited without providing a reason");
    CHECK_EQ_INT(r.kind, LK_RUNTIME_EXIT);
    CHECK(r.type == NULL);
    CHECK_SPAN(r.request_id, "c3252230-c73d-49f6-8844-968c01d1e2e1");
    CHECK_SPAN(r.error_type, "Runtime.ExitError");
    CHECK_EQ_INT(r.outcome, LO_CRASH);
    cls("Runtime.ExitError");
    CHECK_EQ_INT(r.kind, LK_ERROR_TYPE);
    CHECK_SPAN(r.error_type, "Runtime.ExitError");
    CHECK_EQ_INT(r.outcome, LO_CRASH);
    cls("RequestId: 11111111-2222-3333-4444-555555555555 Error: Runtime exited with error: signal: killed");
    CHECK_EQ_INT(r.kind, LK_RUNTIME_EXIT);
    CHECK_EQ_INT(r.outcome, LO_CRASH);
    cls("RequestId: abc\tError: Runtime exited with error: exit status 255");
    CHECK_EQ_INT(r.kind, LK_RUNTIME_EXIT);
    CHECK_SPAN(r.request_id, "abc");
    cls("RequestId: abc Process exited before completing request");
    CHECK_EQ_INT(r.kind, LK_RUNTIME_EXIT);
    CHECK_SPAN(r.error_type, "Runtime.ExitError");
    CHECK_EQ_INT(r.outcome, LO_CRASH);
    /* the newer fault text */
    cls("RequestId: abc Status: error\tErrorType: Runtime.OutOfMemory");
    CHECK_EQ_INT(r.kind, LK_RUNTIME_EXIT);
    CHECK_SPAN(r.status, "error");
    CHECK_SPAN(r.error_type, "Runtime.OutOfMemory");
    CHECK_EQ_INT(r.outcome, LO_OOM);
    cls("RequestId: abc was processed");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    CHECK_SPAN(r.request_id, NULL);
    done();
}

static void test_bare_error_types(void)
{
    static const struct { const char *line; lambda_outcome_t o; } ok[] = {
        { "Runtime.OutOfMemory", LO_OOM },
        { "Runtime.ExitError", LO_CRASH },
        { "Extension.Crash", LO_CRASH },
        { "Extension.ExitError", LO_CRASH },
        { "Runtime.ImportModuleError", LO_ERROR },
        { "Sandbox.Timedout", LO_TIMEOUT },
        { "Runtime.Unknown", LO_ERROR },
        { "Function.ResponseSizeTooLarge", LO_ERROR },
        { "Runtime.ExitError \t", LO_CRASH },
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        cls(ok[k].line);
        if (r.kind != LK_ERROR_TYPE || r.outcome != ok[k].o) {
            fprintf(stderr, "  \"%s\" -> kind %d outcome %d\n", ok[k].line, r.kind, r.outcome);
            check_failures++;
        }
    }
    cls("Runtime.ExitError \t");
    CHECK_SPAN(r.error_type, "Runtime.ExitError");
    static const char *const not_types[] = {
        "Runtime.", "Runtime", "Runtime.Exit Error", "Runtime.ExitError: boom", "Runtimes.X",
        "Other.ExitError", "Function.", "Sandbox.a.b", " Runtime.ExitError",
    };
    for (size_t k = 0; k < sizeof not_types / sizeof not_types[0]; k++) {
        cls(not_types[k]);
        if (r.kind != LK_PLAIN || r.outcome != LO_NONE) {
            fprintf(stderr, "  \"%s\" -> kind %d\n", not_types[k], r.kind);
            check_failures++;
        }
    }
    done();
}

/* ---- runtime prefixes --------------------------------------------------- */

/* A message of several lines whose last is a bare error type (one CloudWatch
 * event: `sam logs` printed "Unknown application error occurred" and, bare,
 * "Runtime.Unknown", tests/realworld fastapi-chatbot-python-samlogs): the
 * event's error type; other messages are left alone. */
static void test_error_tail(void)
{
    static const char unknown[] = "Unknown application error occurred\nRuntime.Unknown\n";
    cls(unknown);
    classify_error_tail(unknown, strlen(unknown), &r);
    CHECK(r.kind == LK_ERROR_TYPE && r.outcome == LO_ERROR);
    CHECK_SPAN(r.error_type, "Runtime.Unknown");
    static const char entry[] = "RequestId: d619c06a-7b1b-40e8-95d9-5adf1b31983c Error: Couldn't find valid "
                                "bootstrap(s): [/var/task/bootstrap /opt/bootstrap]\nRuntime.InvalidEntrypoint";
    cls(entry);
    lambda_kind_t k = r.kind;
    lambda_outcome_t o = r.outcome;
    classify_error_tail(entry, strlen(entry), &r);
    CHECK(r.kind == k && r.outcome == o && o != LO_NONE);
    CHECK_SPAN(r.error_type, "Runtime.InvalidEntrypoint");
    static const char *const alone[] = {
        "Runtime.Unknown",                                 /* one line: classify_line's */
        "processing\nRuntime.Unknown happened",            /* not a bare type */
        "2024-05-06T00:00:01.500Z\t7e1b3d8a-0000-4000-8000-00000000abcd\tINFO\tdone\nRuntime.Unknown",
    };
    for (size_t i = 0; i < sizeof alone / sizeof alone[0]; i++) {
        cls(alone[i]);
        lambda_line_t before = r;
        classify_error_tail(alone[i], strlen(alone[i]), &r);
        CHECK(r.kind == before.kind && r.error_type.len == before.error_type.len && r.outcome == before.outcome);
    }
}

static void test_node(void)
{
    cls("2019-06-07T19:11:20.562Z\t" REQ1 "\tINFO\tEVENT");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK(r.type == NULL);
    CHECK_EQ_INT(r.has_ts, 1);
    CHECK_EQ_INT(r.ts_ms, 1559934680562LL);
    CHECK_SPAN(r.request_id, REQ1);
    CHECK_EQ_INT(r.level, LL_INFO);
    CHECK_SPAN(r.level_text, "INFO");
    CHECK_SPAN(r.body, "EVENT");
    CHECK(r.tree == NULL);
    CHECK_SPAN(r.json, NULL);
    CHECK_EQ_INT(r.outcome, LO_NONE);

    static const struct { const char *l; lambda_level_t v; } levels[] = {
        { "TRACE", LL_TRACE }, { "DEBUG", LL_DEBUG }, { "INFO", LL_INFO },
        { "WARN", LL_WARN }, { "ERROR", LL_ERROR }, { "FATAL", LL_FATAL },
    };
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
        char line[128];
        snprintf(line, sizeof line, "2019-06-07T19:11:20.562Z\t%s\t%s\tmsg", REQ1, levels[k].l);
        cls(line);
        CHECK_EQ_INT(r.kind, LK_APP);
        CHECK_EQ_INT(r.level, levels[k].v);
        CHECK_SPAN(r.body, "msg");
    }
    /* Init-phase lines carry the literal request id "undefined" */
    cls("2019-06-07T19:11:20.562Z\tundefined\tINFO\tLoading function");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.request_id, NULL);
    CHECK_SPAN(r.body, "Loading function");
    /* empty message */
    cls("2019-06-07T19:11:20.562Z\t" REQ1 "\tINFO\t");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.body, NULL);
    cls("2019-06-07T19:11:20.562Z\t" REQ1 "\tWARN");
    CHECK_EQ_INT(r.level, LL_WARN);
    /* old Node runtimes: no level */
    cls("2019-06-07T19:11:20.562Z\t" REQ1 "\thello world");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_NONE);
    CHECK_SPAN(r.body, "hello world");
    /* not a request id: spaces in the second field */
    cls("2019-06-07T19:11:20.562Z\tnot an id\tINFO\tx");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.has_ts, 0);
    done();
}

static void test_node_multiline_cr(void)
{
    const char *l = "2019-06-07T19:11:20.562Z\t" REQ1 "\tERROR\tError: boom\r    at Runtime.handler "
                    "(file:///var/task/index.mjs:3:9)\r    at process.processTicksAndRejections";
    cls(l);
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_ERROR);
    CHECK_SPAN(r.body, "Error: boom\r    at Runtime.handler (file:///var/task/index.mjs:3:9)\r"
                       "    at process.processTicksAndRejections");
    CHECK_EQ_INT(r.outcome, LO_NONE); /* a logged error is not an uncaught one */
    /* pretty-printed JSON joined by \r is still one object */
    cls("2019-06-07T19:11:20.562Z\t" REQ1 "\tINFO\t{\r  \"a\": 1,\r  \"b\": [2]\r}");
    CHECK(r.tree != NULL);
    CHECK_SPAN(r.json, "{\r  \"a\": 1,\r  \"b\": [2]\r}");
    done();
}

static void test_node_uncaught(void)
{
    cls("2024-01-01T00:00:00.000Z\t" REQ1 "\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":"
        "\"boom\",\"code\":\"E1\",\"stack\":[\"Error: boom\",\"    at Runtime.handler (file:///var/task/index.mjs:3:9)\"]}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "Error");
    CHECK(r.tree != NULL);
    CHECK(r.json.p && r.json.p[0] == '{' && r.json.p[r.json.len - 1] == '}');
    CHECK_EQ_INT(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r.tree, "stack")), 1);
    cls("2024-01-01T00:00:00.000Z\tundefined\tERROR\tUncaught Exception \t{\"errorType\":"
        "\"Runtime.ImportModuleError\",\"errorMessage\":\"Error: Cannot find module 'app'\"}");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "Runtime.ImportModuleError");
    CHECK_SPAN(r.request_id, NULL);
    cls("2024-01-01T00:00:00.000Z\t" REQ1 "\tERROR\tUnhandled Promise Rejection \t{\"errorType\":"
        "\"Runtime.UnhandledPromiseRejection\",\"errorMessage\":\"x\"}");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "Runtime.UnhandledPromiseRejection");
    /* the phrase with broken JSON: still an uncaught error, type unknown */
    cls("2024-01-01T00:00:00.000Z\t" REQ1 "\tERROR\tInvoke Error \t{\"errorType\":");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, NULL);
    CHECK(r.tree == NULL);
    /* the phrase at INFO level is not */
    cls("2024-01-01T00:00:00.000Z\t" REQ1 "\tINFO\tInvoke Error \t{\"errorType\":\"Error\"}");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    done();
}

static void test_node_embedded_json(void)
{
    const char *emf = "{\"_aws\":{\"Timestamp\":1704067200000,\"CloudWatchMetrics\":[{\"Namespace\":\"n\","
                      "\"Dimensions\":[[\"f\"]],\"Metrics\":[{\"Name\":\"m\",\"Unit\":\"Count\"}]}]},\"f\":\"x\",\"m\":1}";
    char line[512];
    snprintf(line, sizeof line, "2024-01-01T00:00:00.000Z\t%s\tINFO\t%s", REQ1, emf);
    cls(line);
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.json, emf);
    CHECK(cJSON_GetObjectItemCaseSensitive(r.tree, "_aws") != NULL);
    /* text before the object, whitespace after it */
    cls("2024-01-01T00:00:00.000Z\tid\tINFO\tresult: {\"ok\":true}  \t");
    CHECK_SPAN(r.json, "{\"ok\":true}");
    CHECK(r.tree != NULL);
    /* text after the object: no JSON */
    cls("2024-01-01T00:00:00.000Z\tid\tINFO\t{\"ok\":true} and more");
    CHECK(r.tree == NULL);
    CHECK_SPAN(r.json, NULL);
    /* only the first '{' is tried */
    cls("2024-01-01T00:00:00.000Z\tid\tINFO\tuser {id} then {\"a\":1}");
    CHECK(r.tree == NULL);
    /* an array is not an object */
    cls("2024-01-01T00:00:00.000Z\tid\tINFO\t[{\"a\":1}]");
    CHECK(r.tree == NULL);
    done();
}

static void test_python(void)
{
    cls("[INFO]\t2025-08-31T22:12:58.534Z\t1c8df7d3-xmpl-46da-9778-518e6eca8125\t## EVENT");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.has_ts, 1);
    CHECK_EQ_INT(r.ts_ms, 1756678378534LL);
    CHECK_SPAN(r.request_id, "1c8df7d3-xmpl-46da-9778-518e6eca8125");
    CHECK_EQ_INT(r.level, LL_INFO);
    CHECK_SPAN(r.level_text, "INFO");
    CHECK_SPAN(r.body, "## EVENT");
    cls("[WARNING]\t2025-08-31T22:12:58.534Z\t1c8df7d3-xmpl-46da-9778-518e6eca8125\tdisk low");
    CHECK_EQ_INT(r.level, LL_WARN);
    CHECK_SPAN(r.level_text, "WARNING");
    cls("[CRITICAL]\t2025-08-31T22:12:58.534Z\t1c8df7d3\tdown");
    CHECK_EQ_INT(r.level, LL_FATAL);
    CHECK_SPAN(r.level_text, "CRITICAL");
    cls("[DEBUG]\t2025-08-31T22:12:58.534Z\t1c8df7d3\t{\"k\":\"v\"}");
    CHECK_EQ_INT(r.level, LL_DEBUG);
    CHECK_SPAN(r.json, "{\"k\":\"v\"}");
    /* Init-phase: empty request id */
    cls("[WARNING]\t2025-08-31T22:12:58.534Z\t\tLAMBDA_WARNING: Unhandled exception.");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.request_id, NULL);
    CHECK_SPAN(r.body, "LAMBDA_WARNING: Unhandled exception.");
    /* print() output is plain */
    cls("## ENVIRONMENT VARIABLES");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_SPAN(r.body, "## ENVIRONMENT VARIABLES");
    cls("[NOTALEVEL]\t2025-08-31T22:12:58.534Z\tx\ty");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    cls("[INFO]x");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    done();
}

static void test_python_uncaught(void)
{
    cls("[ERROR] ZeroDivisionError: division by zero\rTraceback (most recent call last):\r"
        "\xc2\xa0\xc2\xa0" "File \"/var/task/lambda_function.py\", line 3, in lambda_handler");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_ERROR);
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "ZeroDivisionError");
    CHECK_EQ_INT(r.has_ts, 0);
    cls("[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'daily'");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "Runtime.ImportModuleError");
    CHECK_SPAN(r.body, "Runtime.ImportModuleError: Unable to import module 'app': No module named 'daily'");
    /* not the shape: no space after the colon, spaces in the name, another level */
    cls("[ERROR] Something went wrong: x");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("[ERROR] KeyError:x");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("[WARNING] KeyError: x");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("[ERROR] .Bad: x");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    done();
}

/* The Python runtime's warning and the unhandled error after it, one
 * CloudWatch event (its runtime interface client 2.0.x, Python 3.12+): the
 * warning ends at a \r, then the error record the runtime wrote. */
#define LAMBDA_WARN "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function " \
                    "code. However, in rare cases, a Lambda runtime update can cause unexpected function " \
                    "behavior. For more information, see " \
                    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
#define PY_ERR_JSON "{\"timestamp\": \"2024-06-17T17:23:55Z\", \"log_level\": \"ERROR\", \"errorMessage\": " \
                    "\"'utf-8' codec can't decode byte 0x80\", \"errorType\": \"UnicodeDecodeError\", " \
                    "\"requestId\": \"ca52c236-a38d-40fc-aa6b-7e3be2b7aa55\", \"stackTrace\": " \
                    "[\"  File \\\"/var/task/app.py\\\", line 35, in ensure_str\\n\"]}"

static void test_python_unhandled_warning(void)
{
    /* the JSON log format: the error object after the warning */
    cls(LAMBDA_WARN "\r" PY_ERR_JSON);
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_ERROR);
    CHECK_SPAN(r.level_text, "ERROR");
    CHECK_SPAN(r.request_id, "ca52c236-a38d-40fc-aa6b-7e3be2b7aa55");
    CHECK_SPAN(r.error_type, "UnicodeDecodeError");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_EQ_INT(r.has_ts, 1);
    CHECK_EQ_INT(r.ts_ms, 1718645035000LL);
    CHECK(r.tree != NULL);
    CHECK_SPAN(r.json, PY_ERR_JSON);   /* the object: the tail of the message */
    CHECK(r.json.p == buf + sizeof LAMBDA_WARN);
    /* the text format: "[ERROR] Type: msg" and its traceback, the lines
     * joined with \r (stdout) or \n (the telemetry sink) */
    cls(LAMBDA_WARN "\r[ERROR] UnicodeDecodeError: 'utf-8' codec can't decode byte 0x80\r"
        "Traceback (most recent call last):\r\xc2\xa0\xc2\xa0" "File \"/var/task/app.py\", line 35");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_ERROR);
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "UnicodeDecodeError");
    CHECK_SPAN(r.request_id, NULL);   /* the runtime names none: the request in flight */
    cls(LAMBDA_WARN "\r[ERROR] Runtime.ImportModuleError: Unable to import module 'app'\n"
        "Traceback (most recent call last):");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "Runtime.ImportModuleError");
    /* a copy that made the \r a line break */
    cls(LAMBDA_WARN "\n" PY_ERR_JSON);
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "UnicodeDecodeError");
    cls(LAMBDA_WARN "\r\n[ERROR] KeyError: 'id'");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "KeyError");
    /* whatever record follows is what the event is: the runtime's other
     * warning (a preview runtime) before an ordinary line */
    cls("LAMBDA_WARNING: This is a preview runtime version and should not be used for production "
        "workloads.\r[INFO]\t2025-08-31T22:12:58.534Z\t1c8df7d3-xmpl-46da-9778-518e6eca8125\tstarting");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_INFO);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    CHECK_SPAN(r.request_id, "1c8df7d3-xmpl-46da-9778-518e6eca8125");
    /* the warning alone (its own event, or its line of a copy) says nothing */
    cls(LAMBDA_WARN);
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls(LAMBDA_WARN "\r");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.level, LL_NONE);
    cls(LAMBDA_WARN "\r\n\r");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    /* the logging record newer clients write it as stays a warning */
    cls("[WARNING]\t2026-04-22T21:00:55.004Z\t\t" LAMBDA_WARN "\r");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_WARN);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    /* warnings one after the other: the record after the last (and a
     * line of nothing but warnings stays bounded: no deep recursion) */
    cls(LAMBDA_WARN "\r" LAMBDA_WARN "\r[ERROR] KeyError: 'id'");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "KeyError");
    {
        size_t unit = sizeof "LAMBDA_WARNING: x\r" - 1, count = 100000;
        char *many = malloc(unit * count + 1);
        for (size_t k = 0; k < count; k++)
            memcpy(many + k * unit, "LAMBDA_WARNING: x\r", unit);
        classify_n(many, unit * count);
        CHECK_EQ_INT(r.kind, LK_PLAIN);
        memcpy(many + unit * (count - 1), "[ERROR] E: x\r", unit - 4);
        classify_n(many, unit * count - 4);
        CHECK_EQ_INT(r.outcome, LO_ERROR);
        free(many);
    }
    /* not the runtime's head */
    cls("LAMBDA_WARNINGS: x\r[ERROR] KeyError: 'id'");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("note: LAMBDA_WARNING: x\r" PY_ERR_JSON);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    done();
}

static void test_java(void)
{
    cls("[DEBUG] connecting to db");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_DEBUG);
    CHECK_SPAN(r.body, "connecting to db");
    CHECK_EQ_INT(r.has_ts, 0);
    cls("[FATAL] giving up");
    CHECK_EQ_INT(r.level, LL_FATAL);
    cls("[INFO]");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.body, NULL);
    cls("ENVIRONMENT VARIABLES: {\"A\":\"1\"}");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    /* uncaught Java errors have no prefix: not detected in text mode */
    cls("java.lang.RuntimeException: boom");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    done();
}

static void test_log4j(void)
{
    cls("2024-01-01 00:00:00 6bc28136-xmpl-4365-b021-0ce6b2e64ab0 INFO  Handler - msg");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.ts_ms, 1704067200000LL);
    CHECK_SPAN(r.request_id, "6bc28136-xmpl-4365-b021-0ce6b2e64ab0");
    CHECK_EQ_INT(r.level, LL_INFO);
    CHECK_SPAN(r.level_text, "INFO");
    CHECK_SPAN(r.body, "Handler - msg");
    cls("2024-01-01 00:00:00 6bc28136 ERROR Handler - failed");
    CHECK_EQ_INT(r.level, LL_ERROR);
    CHECK_SPAN(r.body, "Handler - failed");
    /* Init phase: the request id is empty */
    cls("2024-01-01 00:00:00  WARN  Handler - cold");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.request_id, NULL);
    CHECK_EQ_INT(r.level, LL_WARN);
    CHECK_SPAN(r.body, "Handler - cold");
    cls("2024-01-01 00:00:00,250 abc DEBUG x");
    CHECK_EQ_INT(r.ts_ms, 1704067200250LL);
    cls("2024-01-01 00:00:00 something else entirely");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.has_ts, 0);
    done();
}

static void test_go(void)
{
    cls("2020/03/27 03:40:05 EVENT: {");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.ts_ms, 1585280405000LL);
    CHECK_SPAN(r.request_id, NULL);
    CHECK_EQ_INT(r.level, LL_NONE);
    CHECK_SPAN(r.body, "EVENT: {");
    CHECK(r.tree == NULL);
    cls("2020/03/27 03:40:05 {\"errorMessage\":\"boom\",\"errorType\":\"errorString\"}");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "errorString");
    CHECK_SPAN(r.json, "{\"errorMessage\":\"boom\",\"errorType\":\"errorString\"}");
    cls("2020/03/27 03:40:05 {\"errorMessage\":\"boom\",\"errorType\":\"runtime.Error\",\"stackTrace\":"
        "[{\"path\":\"main.go\",\"line\":12,\"label\":\"main\"}]}");
    CHECK_SPAN(r.error_type, "runtime.Error");
    cls("2020/03/27 03:40:05 {\"errorType\":\"x\"}");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("2020/03/27 03:40:05");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    done();
}

static void test_dotnet(void)
{
    cls("2024-01-01T00:00:00.000Z\t4ce9340a-xmpl-4e1f-a1d0-2c8a4f3c4e2a\tinfo\tProcessing order");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_INFO);
    CHECK_SPAN(r.level_text, "info");
    CHECK_SPAN(r.body, "Processing order");
    static const struct { const char *l; lambda_level_t v; } levels[] = {
        { "trce", LL_TRACE }, { "dbug", LL_DEBUG }, { "warn", LL_WARN },
        { "fail", LL_ERROR }, { "crit", LL_FATAL },
    };
    for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
        char line[128];
        snprintf(line, sizeof line, "2024-01-01T00:00:00.000Z\tid\t%s\tm", levels[k].l);
        cls(line);
        CHECK_EQ_INT(r.level, levels[k].v);
        CHECK_SPAN(r.level_text, levels[k].l);
    }
    cls("2024-01-01T00:00:00.000Z\tid\tfail\tSystem.Exception: boom\r   at Handler.Run()");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "System.Exception");
    cls("2024-01-01T00:00:00.000Z\tid\tcrit\tSystem.InvalidOperationException: nope");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "System.InvalidOperationException");
    cls("2024-01-01T00:00:00.000Z\tid\tfail\tSomething failed: x");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("2024-01-01T00:00:00.000Z\tid\tinfo\tSystem.Exception: logged, not thrown");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    /* .NET labels are lowercase, Node's uppercase: mixed case is not a level */
    cls("2024-01-01T00:00:00.000Z\tid\tInfo\tm");
    CHECK_EQ_INT(r.level, LL_NONE);
    CHECK_SPAN(r.body, "Info\tm");
    done();
}

/* ---- JSON log format ---------------------------------------------------- */

static void test_json_app(void)
{
    cls("{\"timestamp\":\"2024-10-27T19:17:45.586Z\",\"level\":\"INFO\",\"message\":\"some log message\","
        "\"requestId\":\"79b4f56e-95b1-4643-9700-2807f4e68189\"}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK(r.type == NULL);
    CHECK_EQ_INT(r.has_ts, 1);
    CHECK_EQ_INT(r.ts_ms, 1730056665586LL);
    CHECK_EQ_INT(r.level, LL_INFO);
    CHECK_SPAN(r.level_text, "INFO");
    CHECK_SPAN(r.body, "some log message");
    CHECK_SPAN(r.request_id, "79b4f56e-95b1-4643-9700-2807f4e68189");
    CHECK(r.tree != NULL);
    CHECK_EQ_INT(r.json.len, buflen);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    /* Java: the runtime's JSON format and its Log4j2 layout write
     * AWSRequestId; loggers copying the context write awsRequestId (Node),
     * aws_request_id (Python) */
    cls("{\"timestamp\":\"2023-11-01T00:21:51.358Z\",\"message\":\"Inside the handler function\",\"level\":\"INFO\","
        "\"AWSRequestId\":\"93f25699-2cbf-4976-8f94-336a0aa98c6f\"}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.request_id, "93f25699-2cbf-4976-8f94-336a0aa98c6f");
    CHECK_EQ_INT(r.level, LL_INFO);
    cls("{\"timestamp\":\"2024-10-27T19:17:45.586Z\",\"level\":\"WARN\",\"message\":\"m\",\"AWSrequestId\":\"j-1\"}");
    CHECK_SPAN(r.request_id, "j-1");
    CHECK_EQ_INT(r.level, LL_WARN);
    cls("{\"msg\":\"loaded\",\"awsRequestId\":\"n-1\",\"level\":30}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.request_id, "n-1");
    cls("{\"message\":\"m\",\"aws_request_id\":\"py-1\"}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.request_id, "py-1");
    /* Powertools-style keys; a message object leaves body = the whole line */
    cls("{\"level\":\"DEBUG\",\"function_request_id\":\"p-1\",\"message\":{\"a\":1}}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_SPAN(r.request_id, "p-1");
    CHECK_EQ_INT(r.body.len, buflen);
    CHECK_EQ_INT(r.has_ts, 0);
    /* .NET JSON level words, Python's WARNING/CRITICAL */
    cls("{\"level\":\"Information\",\"message\":\"m\"}");
    CHECK_EQ_INT(r.level, LL_INFO);
    cls("{\"level\":\"CRITICAL\",\"message\":\"m\"}");
    CHECK_EQ_INT(r.level, LL_FATAL);
    cls("{\"level\":\"WARNING\",\"message\":\"m\"}");
    CHECK_EQ_INT(r.level, LL_WARN);
    cls("{\"level\":\"loud\",\"message\":\"m\"}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_NONE);
    CHECK_SPAN(r.level_text, "loud");
    /* a bad timestamp is just absent */
    cls("{\"timestamp\":\"yesterday\",\"level\":\"INFO\"}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.has_ts, 0);
    cls("{\"timestamp\":1704067200123,\"message\":\"m\"}");
    CHECK_EQ_INT(r.ts_ms, 1704067200123LL);
    /* a caught, logged exception is not an uncaught error */
    cls("{\"timestamp\":\"2024-10-27T19:17:45.586Z\",\"level\":\"ERROR\",\"message\":\"failed\",\"errorType\":"
        "\"KeyError\",\"errorMessage\":\"'x'\",\"stackTrace\":[],\"requestId\":\"r\"}");
    CHECK_SPAN(r.error_type, "KeyError");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    done();
}

static void test_json_uncaught(void)
{
    /* Python's uncaught shape: log_level, not level */
    cls("{\"timestamp\":\"2024-10-27T19:17:45.586Z\",\"log_level\":\"ERROR\",\"errorMessage\":\"division by zero\","
        "\"errorType\":\"ZeroDivisionError\",\"requestId\":\"r-1\",\"stackTrace\":[\"  File x\"]}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.level, LL_ERROR);
    CHECK_SPAN(r.level_text, "ERROR");
    CHECK_SPAN(r.error_type, "ZeroDivisionError");
    CHECK_SPAN(r.request_id, "r-1");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    /* Node's */
    cls("{\"timestamp\":\"2024-10-27T19:17:45.586Z\",\"level\":\"ERROR\",\"message\":\"Invoke Error\","
        "\"errorType\":\"TypeError\",\"errorMessage\":\"x is undefined\",\"stackTrace\":[],\"requestId\":\"r\"}");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "TypeError");
    /* lone Error logged as the message object */
    cls("{\"level\":\"ERROR\",\"message\":{\"errorType\":\"Error\",\"errorMessage\":\"b\",\"stackTrace\":[]}}");
    CHECK_SPAN(r.error_type, "Error");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    /* a bare error object (Go runtime output without a log prefix) */
    cls("{\"errorMessage\":\"boom\",\"errorType\":\"errorString\"}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_SPAN(r.error_type, "errorString");
    done();
}

static void test_json_platform_start_init(void)
{
    cls("{\"time\":\"2024-03-13T18:56:24.046Z\",\"type\":\"platform.initStart\",\"record\":{\"initializationType\":"
        "\"on-demand\",\"phase\":\"init\",\"runtimeVersion\":\"python:3.12.v18\",\"runtimeVersionArn\":"
        "\"arn:aws:lambda:eu-west-1::runtime:edb5a058bfa782cb9cedc6d534ac8b8c193bc28e9a9879d9f5ebaaf619cd0fc0\"}}");
    CHECK_EQ_INT(r.kind, LK_INIT_START);
    CHECK_EQ_STR(r.type, "platform.initStart");
    CHECK_EQ_INT(r.ts_ms, 1710356184046LL);
    CHECK_SPAN(r.init_type, "on-demand");
    CHECK_SPAN(r.phase, "init");
    CHECK_SPAN(r.runtime_version, "python:3.12.v18");
    CHECK_SPAN(r.runtime_version_arn,
               "arn:aws:lambda:eu-west-1::runtime:edb5a058bfa782cb9cedc6d534ac8b8c193bc28e9a9879d9f5ebaaf619cd0fc0");
    cls("{\"time\":\"2024-06-17T17:23:55.902Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":"
        "\"ca52c236-a38d-40fc-aa6b-7e3be2b7aa55\",\"version\":\"$LATEST\"}}");
    CHECK_EQ_INT(r.kind, LK_START);
    CHECK_EQ_STR(r.type, "platform.start");
    CHECK_EQ_INT(r.ts_ms, 1718645035902LL);
    CHECK_SPAN(r.request_id, "ca52c236-a38d-40fc-aa6b-7e3be2b7aa55");
    CHECK_SPAN(r.version, "$LATEST");
    CHECK(r.throttle == NULL);
    cls("{\"time\":\"2022-10-12T00:00:15.064Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":"
        "\"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa\",\"version\":\"$LATEST\",\"tracing\":{\"spanId\":"
        "\"54565fb41ac79632\",\"type\":\"X-Amzn-Trace-Id\",\"value\":"
        "\"Root=1-62e900b2-710d76f009d6e7785905449a;Parent=0efbd19962d95b05;Sampled=1\"}}}");
    CHECK_EQ_INT(r.ts_ms, 1665532815064LL);
    CHECK_SPAN(r.xray_trace_id, "1-62e900b2-710d76f009d6e7785905449a");
    CHECK_SPAN(r.xray_segment_id, "0efbd19962d95b05");
    CHECK_EQ_INT(r.xray_sampled, 1);
    done();
}

static void test_json_platform_report(void)
{
    cls("{\"time\":\"2024-06-17T17:23:55.826Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":"
        "\"40f6c622-67a3-4159-97f2-ce364a0cb7a8\",\"metrics\":{\"durationMs\":18.593,\"billedDurationMs\":19,"
        "\"memorySizeMB\":2048,\"maxMemoryUsedMB\":246},\"status\":\"success\"}}");
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK_EQ_STR(r.type, "platform.report");
    CHECK_SPAN(r.request_id, "40f6c622-67a3-4159-97f2-ce364a0cb7a8");
    CHECK(r.duration_ms == 18.593);
    CHECK(r.billed_duration_ms == 19.0);
    CHECK_EQ_INT(r.memory_size_mb, 2048);
    CHECK_EQ_INT(r.max_memory_used_mb, 246);
    CHECK(isnan(r.init_duration_ms));
    CHECK_SPAN(r.status, "success");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("{\"time\":\"2026-07-09T06:05:50.581Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":"
        "\"aec7a529-47f9-4090-be01-c9ed91bf83cf\",\"metrics\":{\"durationMs\":5000.0,\"billedDurationMs\":5000,"
        "\"memorySizeMB\":128,\"maxMemoryUsedMB\":94},\"status\":\"timeout\"}}");
    CHECK_EQ_INT(r.ts_ms, 1783577150581LL);
    CHECK_EQ_INT(r.outcome, LO_TIMEOUT);
    CHECK(r.duration_ms == 5000.0);
    cls("{\"time\":\"2022-10-12T00:01:15.000Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":"
        "\"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa\",\"status\":\"success\",\"metrics\":{\"billedDurationMs\":694,"
        "\"durationMs\":693.92,\"initDurationMs\":397.68,\"maxMemoryUsedMB\":84,\"memorySizeMB\":128}}}");
    CHECK(r.init_duration_ms == 397.68);
    CHECK(r.duration_ms == 693.92);
    cls("{\"time\":\"2024-01-01T00:00:00.000Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"q\","
        "\"status\":\"error\",\"errorType\":\"Runtime.OutOfMemory\",\"metrics\":{\"durationMs\":1,"
        "\"restoreDurationMs\":300.5,\"billedRestoreDurationMs\":120},\"tracing\":{\"type\":\"X-Amzn-Trace-Id\","
        "\"value\":\"Root=1-a-b;Parent=c;Sampled=0\"}}}");
    CHECK_EQ_INT(r.outcome, LO_OOM);
    CHECK_SPAN(r.error_type, "Runtime.OutOfMemory");
    CHECK(r.restore_duration_ms == 300.5);
    CHECK(r.billed_restore_duration_ms == 120.0);
    CHECK_EQ_INT(r.memory_size_mb, -1);
    CHECK_SPAN(r.xray_trace_id, "1-a-b");
    CHECK_SPAN(r.xray_segment_id, "c");
    CHECK_EQ_INT(r.xray_sampled, 0);
    cls("{\"type\":\"platform.report\",\"record\":{\"requestId\":\"q\",\"status\":\"failure\"}}");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    CHECK_EQ_INT(r.has_ts, 0);
    done();
}

static void test_json_platform_others(void)
{
    cls("{\"time\":\"2024-01-01T00:00:00.000Z\",\"type\":\"platform.initReport\",\"record\":{\"initializationType\":"
        "\"on-demand\",\"phase\":\"init\",\"status\":\"error\",\"errorType\":\"Runtime.ImportModuleError\","
        "\"metrics\":{\"durationMs\":150.79}}}");
    CHECK_EQ_INT(r.kind, LK_INIT_REPORT);
    CHECK(r.init_duration_ms == 150.79);
    CHECK_SPAN(r.status, "error");
    CHECK_SPAN(r.error_type, "Runtime.ImportModuleError");
    CHECK_SPAN(r.phase, "init");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("{\"time\":\"2024-01-01T00:00:00.000Z\",\"type\":\"platform.restoreReport\",\"record\":{\"status\":\"success\","
        "\"metrics\":{\"durationMs\":412.3}}}");
    CHECK_EQ_INT(r.kind, LK_RESTORE_REPORT);
    CHECK(r.restore_duration_ms == 412.3);
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("{\"time\":\"2022-10-12T00:01:15.000Z\",\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":"
        "\"6d68ca91-49c9-448d-89b8-7ca3e6dc66aa\",\"status\":\"success\",\"spans\":[{\"name\":\"responseLatency\","
        "\"start\":\"2022-08-02T12:01:23.521Z\",\"durationMs\":23.02}],\"metrics\":{\"durationMs\":140.0,"
        "\"producedBytes\":16}}}");
    CHECK_EQ_INT(r.kind, LK_PLATFORM);
    CHECK_EQ_STR(r.type, "platform.runtimeDone");
    CHECK_EQ_INT(r.outcome, LO_NONE);
    cls("{\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\"req-1\",\"status\":\"error\","
        "\"errorType\":\"Runtime.ExitError\"}}");
    CHECK_SPAN(r.request_id, "req-1");
    CHECK_EQ_INT(r.outcome, LO_CRASH);
    cls("{\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\"req-1\",\"status\":\"timeout\"}}");
    CHECK_EQ_INT(r.outcome, LO_TIMEOUT);
    cls("{\"type\":\"platform.runtimeDone\",\"record\":{\"requestId\":\"req-1\",\"status\":\"failure\"}}");
    CHECK_EQ_INT(r.outcome, LO_ERROR);
    cls("{\"time\":\"2024-01-01T00:00:00.000Z\",\"type\":\"platform.extension\",\"record\":{\"name\":\"my-ext\","
        "\"state\":\"Ready\",\"events\":[\"INVOKE\",\"SHUTDOWN\"]}}");
    CHECK_EQ_INT(r.kind, LK_EXTENSION);
    CHECK_SPAN(r.ext_name, "my-ext");
    CHECK_SPAN(r.ext_state, "Ready");
    CHECK_SPAN(r.ext_events, NULL); /* an array: read it from the tree */
    cls("{\"time\":\"2024-01-01T00:00:00.000Z\",\"type\":\"platform.telemetrySubscription\",\"record\":{\"name\":"
        "\"otel\",\"state\":\"Subscribed\",\"types\":[\"platform\",\"function\"]}}");
    CHECK_EQ_INT(r.kind, LK_TELEMETRY);
    CHECK_EQ_STR(r.type, "platform.telemetrySubscription");
    CHECK_SPAN(r.ext_name, "otel");
    cls("{\"time\":\"2022-10-12T00:02:35.000Z\",\"type\":\"platform.logsDropped\",\"record\":{\"droppedBytes\":12345,"
        "\"droppedRecords\":123,\"reason\":\"Some logs were dropped\"}}");
    CHECK_EQ_INT(r.kind, LK_PLATFORM);
    CHECK_EQ_STR(r.type, "platform.logsDropped");
    CHECK(r.throttle == NULL);
    /* Logs API fault text as a string record */
    cls("{\"time\":\"2024-01-01T00:00:00.000Z\",\"type\":\"platform.fault\",\"record\":\"RequestId: f-1\\tError: "
        "Runtime exited with error: exit status 255\\nRuntime.ExitError\"}");
    CHECK_EQ_INT(r.kind, LK_PLATFORM);
    CHECK_SPAN(r.request_id, "f-1");
    CHECK_EQ_INT(r.outcome, LO_CRASH);
    CHECK_SPAN(r.error_type, "Runtime.ExitError");
    /* a platform.* type without a record is not a platform record */
    cls("{\"type\":\"platform.report\"}");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK(r.tree != NULL);
    /* platform line carrying a throttle word: never marked */
    cls("{\"type\":\"platform.extension\",\"record\":{\"name\":\"ThrottlingException\"}}");
    CHECK(r.throttle == NULL);
    done();
}

static void test_json_neither(void)
{
    cls("{\"a\":1}");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK(r.tree != NULL);
    CHECK_SPAN(r.json, "{\"a\":1}");
    cls("{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[]},\"m\":1}   ");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_SPAN(r.json, "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[]},\"m\":1}");
    cls("{\"a\":");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK(r.tree == NULL);
    CHECK_SPAN(r.json, NULL);
    cls("{\"a\":1} trailing");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK(r.tree == NULL);
    cls("{");
    CHECK(r.tree == NULL);
    cls("{}");
    CHECK(r.tree != NULL);
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    cls("{\"level\":5,\"timestamp\":[1]}");
    CHECK_EQ_INT(r.kind, LK_APP); /* has a timestamp key */
    CHECK_EQ_INT(r.has_ts, 0);
    CHECK_EQ_INT(r.level, LL_NONE);
    done();
}

/* ---- throttle marking --------------------------------------------------- */

static void test_throttle_marking(void)
{
    cls("2024-01-01T00:00:00.000Z\t" REQ1 "\tERROR\tTooManyRequestsException: Rate Exceeded.");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_STR(r.throttle, "TooManyRequestsException");
    cls("[ERROR] ClientError: An error occurred (ThrottlingException) when calling the Query operation");
    CHECK_EQ_STR(r.throttle, "ThrottlingException");
    CHECK_SPAN(r.error_type, "ClientError");
    cls("botocore.exceptions.ClientError: An error occurred (SlowDown)");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_STR(r.throttle, "SlowDown");
    cls("{\"requestId\":\"a\",\"httpMethod\":\"GET\",\"routeKey\":\"GET /\",\"status\":\"429\"}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_STR(r.throttle, "HTTP429");
    cls("{\"level\":\"ERROR\",\"message\":\"ProvisionedThroughputExceededException: The level of configured\"}");
    CHECK_EQ_STR(r.throttle, "ProvisionedThroughputExceededException");
    cls("START RequestId: Throttling Version: SlowDown");
    CHECK_EQ_INT(r.kind, LK_START);
    CHECK(r.throttle == NULL);
    cls("REPORT RequestId: x\tError Type: ThrottlingException");
    CHECK(r.throttle == NULL);
    cls("2024-03-04T17:22:38.033Z\tb\tTask timed out after 3.00 seconds Rate exceeded");
    CHECK(r.throttle == NULL);
    cls("2024-01-01T00:00:00.000Z\tid\tINFO\tall good");
    CHECK(r.throttle == NULL);
    done();
}

/* ---- hostile input ------------------------------------------------------ */

static void test_empty_and_blank(void)
{
    classify_n("", 0);
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.body.len, 0);
    CHECK(r.tree == NULL && r.throttle == NULL);
    classify_line(NULL, 0, &r);
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    cls("      ");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_SPAN(r.body, "      ");
    cls("\t");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    cls("\r");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    done();
}

static void test_nul_bytes(void)
{
    static const char start[] = "START RequestId: ab\0cd Version: 1";
    classify_n(start, sizeof start - 1);
    CHECK_EQ_INT(r.kind, LK_START);
    CHECK_EQ_INT(r.request_id.len, 5);
    CHECK(memcmp(r.request_id.p, "ab\0cd", 5) == 0);
    CHECK_SPAN(r.version, "1");
    static const char node[] = "2024-01-01T00:00:00.000Z\tid\tINFO\tbefore\0after {\"a\":\"\\u0000\"}";
    classify_n(node, sizeof node - 1);
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(r.body.len, sizeof "before\0after {\"a\":\"\\u0000\"}" - 1);
    CHECK(r.tree != NULL);
    static const char report[] = "REPORT RequestId: x\tDuration: 1\0.5 ms\tMemory Size: 128 MB";
    classify_n(report, sizeof report - 1);
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK(r.duration_ms == 1.0);
    CHECK_EQ_INT(r.memory_size_mb, 128);
    static const char json[] = "{\"level\":\"INFO\",\0\"message\":\"m\"}";
    classify_n(json, sizeof json - 1);
    /* cJSON skips a NUL like whitespace; either way the result is consistent */
    CHECK_EQ_INT(r.kind == LK_APP, r.tree != NULL);
    char zeros[300] = { 0 };
    classify_n(zeros, sizeof zeros);
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.body.len, 300);
    static const char bad_utf8[] = "\xff\xfe\xc3(\xe2\x82 [INFO] \x80";
    classify_n(bad_utf8, sizeof bad_utf8 - 1);
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    static const char bad_json_utf8[] = "{\"message\":\"\xff\xc3\",\"level\":\"INFO\"}";
    classify_n(bad_json_utf8, sizeof bad_json_utf8 - 1);
    CHECK_EQ_INT(r.kind, LK_APP);
    done();
}

static void test_huge_lines(void)
{
    size_t n = 4u << 20;
    char *p = malloc(n);
    memset(p, 'x', n);
    classify_n(p, n);
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(r.body.len, n);
    /* a huge Node line whose message is a huge JSON object */
    const char *pre = "2024-01-01T00:00:00.000Z\tid\tINFO\t{\"k\":\"";
    size_t pl = strlen(pre);
    memcpy(p, pre, pl);
    memcpy(p + n - 2, "\"}", 2);
    classify_n(p, n);
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK(r.tree != NULL);
    CHECK_EQ_INT(r.json.len, n - pl + 6); /* from the '{' */
    /* a huge REPORT of repeated fields */
    const char *field = "\tDuration: 1.25 ms";
    size_t fl = strlen(field), off = 0;
    memcpy(p, "REPORT RequestId: x", 19);
    for (off = 19; off + fl <= n; off += fl)
        memcpy(p + off, field, fl);
    classify_n(p, off);
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK(r.duration_ms == 1.25);
    /* a long digit run */
    memcpy(p, "REPORT RequestId: x\tDuration: ", 30);
    memset(p + 30, '9', n - 30);
    classify_n(p, n);
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK(isinf(r.duration_ms) || r.duration_ms > 1e300);
    free(p);
    done();
}

static void test_deep_json(void)
{
    size_t depth = 10000, n = depth * 2;
    char *p = malloc(n + 64);
    for (size_t k = 0; k < depth; k++) {
        p[k] = k == 0 ? '{' : '[';
        p[n - 1 - k] = k == 0 ? '}' : ']';
    }
    classify_n(p, n);
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK(r.tree == NULL);
    /* objects nested deep as the app message */
    size_t m = 0;
    memcpy(p, "2024-01-01T00:00:00.000Z\tid\tINFO\t", 33);
    m = 33;
    char *q = malloc(m + depth * 6 + 8);
    memcpy(q, p, m);
    for (size_t k = 0; k < depth; k++) {
        memcpy(q + m, "{\"a\":", 5);
        m += 5;
    }
    q[m++] = '1';
    for (size_t k = 0; k < depth; k++)
        q[m++] = '}';
    classify_n(q, m);
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK(r.tree == NULL);
    free(q);
    free(p);
    done();
}

static void test_truncations(void)
{
    /* every prefix of every shape: no crash, no overread (ASan), sane kind */
    static const char *const lines[] = {
        "REPORT RequestId: " REQ1 "\tDuration: 128.83 ms\tBilled Duration: 296 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 74 MB\tInit Duration: 166.62 ms\tXRAY TraceId: 1-5d9d007f-0a8c7fd02xmpl480aed55ef0\t"
        "SegmentId: 3d752xmpl1bbe37e\tSampled: true\tStatus: error\tError Type: Runtime.ExitError",
        "2019-06-07T19:11:20.562Z\t" REQ1 "\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"b\"}",
        "[INFO]\t2025-08-31T22:12:58.534Z\t1c8df7d3-xmpl-46da-9778-518e6eca8125\t## EVENT",
        "[ERROR] ZeroDivisionError: division by zero",
        "2024-01-01 00:00:00 6bc28136 INFO  Handler - msg",
        "2020/03/27 03:40:05 {\"errorMessage\":\"boom\",\"errorType\":\"errorString\"}",
        "2024-03-04T17:22:38.033000+00:00 2019/06/07/[$LATEST]e6f4a0c4241adcd70c262d34c0bbc85c END RequestId: x",
        "RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Error: Runtime exited without providing a reason",
        "EXTENSION\tName: A\tState: Ready\tEvents: [SHUTDOWN, INVOKE]",
        "INIT_START Runtime Version: python:3.12.v18\tRuntime Version ARN: arn:x",
        "Runtime.OutOfMemory",
        "{\"time\":\"2022-10-12T00:00:15.064Z\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"r\","
        "\"tracing\":{\"value\":\"Root=1-6;Parent=0e;Sampled=1\"}}}",
        "I, [2019-10-26T10:04:01.689856 #8]  INFO 2d0e1e5a-xmpl-4f3b-8a1b-6b6c2d7e8f90 -- : hello",
        "[AWS Parameters and Secrets Lambda Extension] 2024/06/26 02:34:50 INFO ready to serve traffic",
        "2023-10-20T16:28:17.840Z 4299ee26-8d1d-4ea9-bd43-77b85ed96cfe Task timed out after 31.01 seconds",
        "Function 'HelloWorldFunction' timed out after 3 seconds",
        "\xE2\x9C\x96 Warning: Error: [504] - Lambda timeout.",
        "[Serverless-Offline] Your \xCE\xBB handler 'hello' timed out after 30000ms.",
        "offline: Unhandled Lambda Error during invoke of 'hello'",
        "RequestId: 2b9d6e8a-0d5f-4c6b-8a1e-3f6a2b9d6e8a  Duration: 12.34 ms  Billed Duration: 13 ms",
        "XRAY TraceId: 1-5e7d7595-212fxmpl9ee07c4884191322\tSegmentId: 42ffxmpl0645f474\tSampled: true",
        "LOGS\tName: otel-extension\tState: Subscribed\tTypes: [Platform, Function]",
        "RESTORE_START Runtime Version: java:11.v15\tRuntime Version ARN: arn:x",
        "{\"timestamp\":\"2024-01-01T00:00:00.000Z\",\"level\":\"ERROR\",\"requestId\":\"r\",\"message\":\"m\"}",
        "{\"requestTimeEpoch\":1700000000123,\"httpMethod\":\"GET\"}",
    };
    for (size_t k = 0; k < sizeof lines / sizeof lines[0]; k++) {
        size_t n = strlen(lines[k]);
        for (size_t cut = 0; cut <= n; cut++) {
            classify_n(lines[k], cut);
            CHECK((unsigned)r.kind < LK__COUNT);
            CHECK(r.body.len <= cut);
        }
    }
    done();
}

static void test_names(void)
{
    CHECK_EQ_STR(classify_kind_name(LK_PLAIN), "plain");
    CHECK_EQ_STR(classify_kind_name(LK_APP), "app");
    CHECK_EQ_STR(classify_kind_name(LK_REPORT), "REPORT");
    CHECK_EQ_STR(classify_kind_name(LK_TIMEOUT), "timeout");
    CHECK_EQ_STR(classify_kind_name(LK_PLATFORM), "platform");
    for (int k = 0; k < LK__COUNT; k++)
        CHECK(classify_kind_name((lambda_kind_t)k) != NULL);
    CHECK_EQ_STR(classify_kind_name(LK__COUNT), "plain");
    CHECK(classify_level_name(LL_NONE) == NULL);
    CHECK_EQ_STR(classify_level_name(LL_WARN), "WARN");
    CHECK_EQ_STR(classify_level_name(LL_FATAL), "FATAL");
    CHECK(classify_level_name((lambda_level_t)99) == NULL);
    CHECK_EQ_STR(classify_outcome_name(LO_NONE), "ok");
    CHECK_EQ_STR(classify_outcome_name(LO_ERROR), "error");
    CHECK_EQ_STR(classify_outcome_name(LO_TIMEOUT), "timeout");
    CHECK_EQ_STR(classify_outcome_name(LO_CRASH), "crash");
    CHECK_EQ_STR(classify_outcome_name(LO_OOM), "oom");
}

static void test_result_reuse(void)
{
    lambda_line_t a;
    const char *l = "{\"level\":\"INFO\",\"message\":\"m\"}";
    classify_line(l, strlen(l), &a);
    CHECK(a.tree != NULL);
    classify_result_done(&a);
    CHECK(a.tree == NULL);
    classify_result_done(&a); /* twice is harmless */
    classify_result_done(NULL);
    classify_line("END RequestId: x", 16, &a);
    CHECK_EQ_INT(a.kind, LK_END);
    classify_result_done(&a);
}

TEST_LIST = {
    TEST(test_start),
    TEST(test_end),
    TEST(test_report_full),
    TEST(test_report_status),
    TEST(test_report_old_timeout_sequence),
    TEST(test_report_snapstart_and_layout),
    TEST(test_report_malformed),
    TEST(test_init_start),
    TEST(test_init_report),
    TEST(test_restore_report),
    TEST(test_extension_telemetry),
    TEST(test_runtime_exit_old),
    TEST(test_bare_error_types),
    TEST(test_error_tail),
    TEST(test_node),
    TEST(test_node_multiline_cr),
    TEST(test_node_uncaught),
    TEST(test_node_embedded_json),
    TEST(test_python),
    TEST(test_python_uncaught),
    TEST(test_python_unhandled_warning),
    TEST(test_java),
    TEST(test_log4j),
    TEST(test_go),
    TEST(test_dotnet),
    TEST(test_json_app),
    TEST(test_json_uncaught),
    TEST(test_json_platform_start_init),
    TEST(test_json_platform_report),
    TEST(test_json_platform_others),
    TEST(test_json_neither),
    TEST(test_throttle_marking),
    TEST(test_empty_and_blank),
    TEST(test_nul_bytes),
    TEST(test_huge_lines),
    TEST(test_deep_json),
    TEST(test_truncations),
    TEST(test_names),
    TEST(test_result_reuse),
    TEST_END,
};
