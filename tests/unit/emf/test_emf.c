/* tests/unit/emf/test_emf.c — emf/: every valid (§1.14) and invalid (§1.15)
 * example of the specification, one test per rule and per limit at its
 * boundary, the output of aws-embedded-metrics and Powertools (§2), the
 * Values/Counts form (weighted points, given Sum/Min/Max), statistic sets,
 * and hostile documents (10,000 metrics, dimension sets,
 * directives; long names; control characters). Points are checked exactly:
 * namespace, name, unit, resolution, time, value and dimensions in order,
 * and where it matters the count, sum, min and max each point adds. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "emf/emf.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#define EV 1700000000000LL   /* event time used by most documents */

/* ---- helpers ------------------------------------------------------------ */

static cJSON *tree;
static emf_result_t res;

static void done(void)
{
    emf_result_free(&res);
    cJSON_Delete(tree);
    tree = NULL;
}

/* The invariants every result must hold (also checked by the fuzzer). */
static void check_consistent(const emf_result_t *r, int line)
{
    int bad = 0;
    switch (r->status) {
    case EMF_NOT_EMF:
        bad = r->npoints || r->nerrors || r->errors;
        break;
    case EMF_VALID:
        bad = r->nerrors || r->errors;
        break;
    case EMF_PARSE_ERROR:
        bad = r->npoints || r->nerrors != 1 || !r->errors;
        break;
    case EMF_INVALID:
        bad = r->nerrors < 1 || !r->errors;
        break;
    }
    for (int i = 0; !bad && i < r->npoints; i++) {
        const emf_point_t *p = &r->points[i];
        bad = !p->ns || !p->name || !emf_unit_valid(p->unit)
              || (p->resolution != 1 && p->resolution != 60) || !isfinite(p->value)
              || (p->ndims > 0 && !p->dims) || p->ndims > 30
              || p->count < 1 || (double)p->count > EMF_MAX_COUNT
              || !isfinite(p->sum) || !isfinite(p->min) || !isfinite(p->max)
              || (p->stats && p->given != (EMF_GIVEN_SUM | EMF_GIVEN_MIN | EMF_GIVEN_MAX));
        for (int k = 1; !bad && k < p->ndims; k++)
            bad = strcmp(p->dims[k - 1].key, p->dims[k].key) >= 0;
    }
    if (bad)
        check_fail_(__FILE__, line, "result is not consistent");
}

static const emf_result_t *run_at_(const char *json, int64_t ev, int line)
{
    done();
    tree = cJSON_ParseWithOpts(json, NULL, 1);
    if (!tree) {
        char m[300];
        snprintf(m, sizeof m, "test JSON does not parse: %.200s", json);
        check_fail_(__FILE__, line, m);
    }
    emf_extract(tree, ev, &res);
    check_consistent(&res, line);
    return &res;
}

/* JSON written with single quotes for readability: ' becomes ". */
static const emf_result_t *runq_at_(const char *q, int64_t ev, int line)
{
    char *s = strdup(q);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    const emf_result_t *r = run_at_(s, ev, line);
    free(s);
    return r;
}

#define RUN(json) run_at_((json), EV, __LINE__)
#define RUN_AT(json, ev) run_at_((json), (ev), __LINE__)
#define RUNQ(q) runq_at_((q), EV, __LINE__)
#define RUNQ_AT(q, ev) runq_at_((q), (ev), __LINE__)

/* A growable string for generated documents. */
typedef struct sb {
    char *p;
    size_t len, cap;
} sb_t;

static void sb_add(sb_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* A one-directive document (single-quoted parts), Timestamp EV. */
static const emf_result_t *doc_(const char *ns, const char *dims, const char *metrics,
                                const char *rest, int line)
{
    sb_t b = { 0 };
    sb_add(&b, "{'_aws':{'Timestamp':%lld,'CloudWatchMetrics':[{'Namespace':%s,%s%s%s'Metrics':%s}]}%s%s}",
           EV, ns, dims ? "'Dimensions':" : "", dims ? dims : "", dims ? "," : "", metrics,
           rest && *rest ? "," : "", rest ? rest : "");
    const emf_result_t *r = runq_at_(b.p, EV, line);
    free(b.p);
    return r;
}
#define DOC(ns, dims, metrics, rest) doc_((ns), (dims), (metrics), (rest), __LINE__)

static void check_point_(int line, int i, const char *ns, const char *name, const char *unit,
                         int resolution, int64_t ts, double value, const char *dims)
{
    char want[2048], got[2048];
    if (i >= res.npoints) {
        snprintf(got, sizeof got, "point %d exists (npoints %d)", i, res.npoints);
        check_fail_(__FILE__, line, got);
        return;
    }
    const emf_point_t *p = &res.points[i];
    snprintf(want, sizeof want, "%s|%s|%s|%d|%lld|%.17g|%s", ns, name, unit, resolution,
             (long long)ts, value, dims);
    int n = snprintf(got, sizeof got, "%s|%s|%s|%d|%lld|%.17g|", p->ns, p->name, p->unit,
                     p->resolution, (long long)p->ts_ms, p->value);
    for (int k = 0; k < p->ndims && n < (int)sizeof got; k++)
        n += snprintf(got + n, sizeof got - (size_t)n, "%s%s=%s", k ? "," : "", p->dims[k].key,
                      p->dims[k].value);
    if (strcmp(want, got) != 0) {
        char m[4200];
        snprintf(m, sizeof m, "point %d: want %s, got %s", i, want, got);
        check_fail_(__FILE__, line, m);
    }
}
#define CHECK_POINT(i, ns, name, unit, res_, ts, value, dims) \
    check_point_(__LINE__, (i), (ns), (name), (unit), (res_), (ts), (value), (dims))

/* What point i adds to CloudWatch's statistics: its count, sum, min, max,
 * whether it is a statistic set, and which of sum/min/max it gives. */
static void check_stats_(int line, int i, int stats, double count, double sum, double min, double max,
                         unsigned given)
{
    char want[512], got[512];
    if (i >= res.npoints) {
        snprintf(got, sizeof got, "point %d exists (npoints %d)", i, res.npoints);
        check_fail_(__FILE__, line, got);
        return;
    }
    const emf_point_t *p = &res.points[i];
    snprintf(want, sizeof want, "stats %d count %.17g sum %.17g min %.17g max %.17g given %u", stats, count, sum,
             min, max, given);
    snprintf(got, sizeof got, "stats %d count %.17g sum %.17g min %.17g max %.17g given %u", p->stats,
             (double)p->count, p->sum, p->min, p->max, p->given);
    if (strcmp(want, got) != 0) {
        char m[1100];
        snprintf(m, sizeof m, "point %d: want %s, got %s", i, want, got);
        check_fail_(__FILE__, line, m);
    }
}
#define CHECK_STATS(i, stats, count, sum, min, max, given) \
    check_stats_(__LINE__, (i), (stats), (count), (sum), (min), (max), (given))
#define GIVEN_ALL (EMF_GIVEN_SUM | EMF_GIVEN_MIN | EMF_GIVEN_MAX)

static int has_reason(const char *s)
{
    return res.errors && strstr(res.errors, s);
}
#define CHECK_REASON(s)                                                   \
    do {                                                                  \
        if (!has_reason(s)) {                                             \
            char m_[1024];                                                \
            snprintf(m_, sizeof m_, "reason \"%s\" in \"%.400s\"", (s),   \
                     res.errors ? res.errors : "(none)");                 \
            check_fail_(__FILE__, __LINE__, m_);                          \
        }                                                                 \
    } while (0)

/* The whole reason text, exactly. */
static void check_errors_(int line, const char *want)
{
    if (res.errors && strcmp(res.errors, want) == 0)
        return;
    char m[2048];
    snprintf(m, sizeof m, "errors:\n%s\n  want:\n%s", res.errors ? res.errors : "(none)", want);
    check_fail_(__FILE__, line, m);
}
#define CHECK_ERRORS(want) check_errors_(__LINE__, (want))

/* Expect one rule broken: status invalid, no points, one reason. */
#define CHECK_DROPPED(s)                                                  \
    do {                                                                  \
        CHECK_EQ_INT(res.status, EMF_INVALID);                            \
        CHECK_EQ_INT(res.npoints, 0);                                     \
        CHECK_EQ_INT(res.nerrors, 1);                                     \
        CHECK_REASON(s);                                                  \
    } while (0)

/* A dimension value CloudWatch refuses costs the dimensions, not the
 * metric: one point, no dimension, and the reason (docs/emf.md, "Dimension
 * values CloudWatch refuses"). */
#define CHECK_UNDIMENSIONED(s)                                            \
    do {                                                                  \
        CHECK_EQ_INT(res.status, EMF_INVALID);                            \
        CHECK_EQ_INT(res.npoints, 1);                                     \
        CHECK_EQ_INT(res.npoints ? res.points[0].ndims : -1, 0);          \
        CHECK_EQ_INT(res.nerrors, 1);                                     \
        CHECK_REASON(s);                                                  \
    } while (0)

static char *repeat(char ch, int n)
{
    char *s = malloc((size_t)n + 1);
    memset(s, ch, (size_t)n);
    s[n] = '\0';
    return s;
}

/* ---- §1.14 valid examples, verbatim ------------------------------------- */

static void test_v1_spec_example(void)
{
    RUN_AT("{\"_aws\":{\"Timestamp\":1574109732004,\"CloudWatchMetrics\":[{\"Namespace\":\"lambda-function-metrics\",\"Dimensions\":[[\"functionVersion\"]],\"Metrics\":[{\"Name\":\"time\",\"Unit\":\"Milliseconds\",\"StorageResolution\":60}]}]},\"functionVersion\":\"$LATEST\",\"time\":100,\"requestId\":\"989ffbf8-9ace-4817-a57c-e4dd734019ee\"}",
           1574109732004LL);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_EQ_INT(res.nerrors, 0);
    CHECK(res.errors == NULL);
    CHECK_POINT(0, "lambda-function-metrics", "time", "Milliseconds", 60, 1574109732004LL, 100,
                "functionVersion=$LATEST");
    CHECK_EQ_STR(emf_status_name(res.status), "valid");
    done();
}

static void test_v2_undimensioned_highres_array(void)
{
    RUN("{\"_aws\":{\"Timestamp\":1700000000000,\"CloudWatchMetrics\":[{\"Namespace\":\"Checkout\",\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"QueueDepth\",\"Unit\":\"Count\",\"StorageResolution\":1}]}]},\"QueueDepth\":[3,7,5],\"batchId\":\"b-17\"}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 3);
    CHECK_POINT(0, "Checkout", "QueueDepth", "Count", 1, EV, 3, "");
    CHECK_POINT(1, "Checkout", "QueueDepth", "Count", 1, EV, 7, "");
    CHECK_POINT(2, "Checkout", "QueueDepth", "Count", 1, EV, 5, "");
    done();
}

static void test_v3_two_sets_dotted_key_no_unit(void)
{
    RUN("{\"_aws\":{\"Timestamp\":1700000000000,\"CloudWatchMetrics\":[{\"Namespace\":\"MyApp\",\"Dimensions\":[[\"Service\"],[\"Service\",\"region.name\"]],\"Metrics\":[{\"Name\":\"Errors\",\"Unit\":\"Count\"},{\"Name\":\"Score\"}]}]},\"Service\":\"api\",\"region.name\":\"eu-west-1\",\"Errors\":1,\"Score\":0.93}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 4);
    CHECK_POINT(0, "MyApp", "Errors", "Count", 60, EV, 1, "Service=api");
    CHECK_POINT(1, "MyApp", "Errors", "Count", 60, EV, 1, "Service=api,region.name=eu-west-1");
    CHECK_POINT(2, "MyApp", "Score", "None", 60, EV, 0.93, "Service=api");
    CHECK_POINT(3, "MyApp", "Score", "None", 60, EV, 0.93, "Service=api,region.name=eu-west-1");
    done();
}

static void test_v4_two_directives_shared_target(void)
{
    RUN("{\"_aws\":{\"Timestamp\":1700000000000,\"CloudWatchMetrics\":[{\"Namespace\":\"TeamA\",\"Dimensions\":[[\"Operation\"]],\"Metrics\":[{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"}]},{\"Namespace\":\"Platform\",\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"}]}]},\"Operation\":\"GetItem\",\"Latency\":42.5}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 2);
    CHECK_POINT(0, "TeamA", "Latency", "Milliseconds", 60, EV, 42.5, "Operation=GetItem");
    CHECK_POINT(1, "Platform", "Latency", "Milliseconds", 60, EV, 42.5, "");
    done();
}

static void test_v5_powertools_cold_start(void)
{
    RUN_AT("{\"_aws\":{\"Timestamp\":1656687493142,\"CloudWatchMetrics\":[{\"Namespace\":\"ServerlessAirline\",\"Dimensions\":[[\"function_name\",\"service\"]],\"Metrics\":[{\"Name\":\"ColdStart\",\"Unit\":\"Count\"}]}]},\"function_name\":\"test\",\"service\":\"booking\",\"ColdStart\":[1.0]}",
           1656687493142LL);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "ServerlessAirline", "ColdStart", "Count", 60, 1656687493142LL, 1,
                "function_name=test,service=booking");
    done();
}

/* V6 is a Lambda text line: the pipeline strips the runtime prefix and hands
 * us the JSON after the third tab; the whole line is not JSON. */
static void test_v6_lambda_prefixed_line(void)
{
    const char *line = "2024-05-01T10:00:00.123Z\t6f7f0961-f834-4211-8a7a-f6fe80b88d56\tINFO\t{\"_aws\":{\"Timestamp\":1714557600123,\"CloudWatchMetrics\":[{\"Namespace\":\"Orders\",\"Dimensions\":[[\"Stage\"]],\"Metrics\":[{\"Name\":\"Placed\",\"Unit\":\"Count\"}]}]},\"Stage\":\"prod\",\"Placed\":1}";
    cJSON *whole = cJSON_ParseWithOpts(line, NULL, 1);
    CHECK(whole == NULL);
    cJSON_Delete(whole);
    RUN_AT(strrchr(line, '\t') + 1, 1714557600000LL);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "Orders", "Placed", "Count", 60, 1714557600123LL, 1, "Stage=prod");
    done();
}

static void test_v7_agent_mode(void)
{
    RUN_AT("{\"_aws\":{\"Timestamp\":1574109732004,\"LogGroupName\":\"Foo\",\"CloudWatchMetrics\":[{\"Namespace\":\"MyApp\",\"Dimensions\":[[\"Operation\"]],\"Metrics\":[{\"Name\":\"ProcessingLatency\",\"Unit\":\"Milliseconds\",\"StorageResolution\":60}]}]},\"Operation\":\"Aggregator\",\"ProcessingLatency\":100}",
           1574109732004LL);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "MyApp", "ProcessingLatency", "Milliseconds", 60, 1574109732004LL, 100,
                "Operation=Aggregator");
    done();
}

/* ---- §2 client output, verbatim ----------------------------------------- */

static void test_aws_embedded_metrics_node(void)
{
    RUN_AT("{\"LogGroup\":\"orders-fn\",\"ServiceName\":\"orders-fn\",\"ServiceType\":\"AWS::Lambda::Function\",\"Operation\":\"Aggregator\",\"executionEnvironment\":\"AWS_Lambda_nodejs20.x\",\"memorySize\":\"128\",\"functionVersion\":\"$LATEST\",\"logStreamId\":\"2024/05/01/[$LATEST]0a1b2c3d4e5f60718293a4b5c6d7e8f9\",\"_aws\":{\"Timestamp\":1714557600123,\"CloudWatchMetrics\":[{\"Dimensions\":[[\"LogGroup\",\"ServiceName\",\"ServiceType\",\"Operation\"]],\"Metrics\":[{\"Name\":\"ProcessingLatency\",\"Unit\":\"Milliseconds\"}],\"Namespace\":\"aws-embedded-metrics\"}]},\"ProcessingLatency\":100}",
           1714557600123LL);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "aws-embedded-metrics", "ProcessingLatency", "Milliseconds", 60,
                1714557600123LL, 100,
                "LogGroup=orders-fn,Operation=Aggregator,ServiceName=orders-fn,"
                "ServiceType=AWS::Lambda::Function");
    done();
}

static void test_powertools_flush(void)
{
    RUN_AT("{\"_aws\":{\"Timestamp\":1656686788803,\"CloudWatchMetrics\":[{\"Namespace\":\"ServerlessAirline\",\"Dimensions\":[[\"service\"]],\"Metrics\":[{\"Name\":\"SuccessfulBooking\",\"Unit\":\"Count\"}]}]},\"service\":\"booking\",\"SuccessfulBooking\":[1.0]}",
           1656686800000LL);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "ServerlessAirline", "SuccessfulBooking", "Count", 60, 1656686788803LL, 1,
                "service=booking");
    done();
}

/* ---- §1.15 invalid examples --------------------------------------------- */

static void test_i1_no_aws(void)
{
    RUNQ("{'CloudWatchMetrics':[{'Namespace':'A','Dimensions':[[]],'Metrics':[{'Name':'Latency'}]}],'Latency':5}");
    CHECK_EQ_INT(res.status, EMF_NOT_EMF);
    CHECK(emf_status_name(res.status) == NULL);
    done();
}

static void test_i2_target_missing(void)
{
    DOC("'A'", "[[]]", "[{'Name':'Latency'}]", "'Other':1");
    CHECK_DROPPED("CloudWatch would drop metric \"Latency\" (directive 1): its value is missing at the root");
    done();
}

static void test_i3_target_string(void)
{
    DOC("'A'", "[[]]", "[{'Name':'Latency'}]", "'Latency':'12'");
    CHECK_DROPPED("metric \"Latency\" (directive 1): its value is a string, not a number");
    done();
}

static void test_i4_dimension_not_string(void)
{
    DOC("'A'", "[['Region']]", "[{'Name':'Latency'}]", "'Region':5,'Latency':1");
    CHECK_UNDIMENSIONED("CloudWatch would publish directive 1's metrics without dimensions: dimension \"Region\" is not a string at the root (found a number)");
    done();
}

static void test_i5_31_dimensions(void)
{
    sb_t dims = { 0 }, rest = { 0 };
    sb_add(&dims, "[[");
    for (int i = 0; i < 31; i++) {
        sb_add(&dims, "%s'd%02d'", i ? "," : "", i);
        sb_add(&rest, "'d%02d':'v%d',", i, i);
    }
    sb_add(&dims, "]]");
    sb_add(&rest, "'Latency':1");
    DOC("'A'", dims.p, "[{'Name':'Latency'}]", rest.p);
    CHECK_DROPPED("CloudWatch would drop directive 1: dimension set 1 has 31 dimensions > 30");
    /* 30 is fine, sorted */
    dims.len = 0;
    sb_add(&dims, "[[");
    for (int i = 29; i >= 0; i--)
        sb_add(&dims, "%s'd%02d'", i < 29 ? "," : "", i);
    sb_add(&dims, "]]");
    DOC("'A'", dims.p, "[{'Name':'Latency'}]", rest.p);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_EQ_INT(res.points[0].ndims, 30);
    CHECK_EQ_STR(res.points[0].dims[0].key, "d00");
    CHECK_EQ_STR(res.points[0].dims[0].value, "v0");
    CHECK_EQ_STR(res.points[0].dims[29].key, "d29");
    free(dims.p);
    free(rest.p);
    done();
}

static void gen_metrics(sb_t *b, int n)
{
    sb_add(b, "{'_aws':{'Timestamp':%lld,'CloudWatchMetrics':[{'Namespace':'N','Dimensions':[[]],'Metrics':[", EV);
    for (int i = 0; i < n; i++)
        sb_add(b, "%s{'Name':'m%d','Unit':'Count'}", i ? "," : "", i);
    sb_add(b, "]}]}");
    for (int i = 0; i < n; i++)
        sb_add(b, ",'m%d':%d", i, i);
    sb_add(b, "}");
}

static void test_i6_101_metric_definitions(void)
{
    sb_t b = { 0 };
    gen_metrics(&b, 101);
    RUNQ(b.p);
    CHECK_DROPPED("CloudWatch would drop this document: 101 metric definitions in directive 1 > 100");
    b.len = 0;
    gen_metrics(&b, 100);
    RUNQ(b.p);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 100);
    CHECK_POINT(0, "N", "m0", "Count", 60, EV, 0, "");
    CHECK_POINT(99, "N", "m99", "Count", 60, EV, 99, "");
    free(b.p);
    done();
}

static void test_i6_101_in_second_directive_drops_all(void)
{
    sb_t b = { 0 };
    sb_add(&b, "{'_aws':{'CloudWatchMetrics':[{'Namespace':'Good','Metrics':[{'Name':'x'}]},"
               "{'Namespace':'N','Metrics':[");
    for (int i = 0; i < 101; i++)
        sb_add(&b, "%s{'Name':'x'}", i ? "," : "");
    sb_add(&b, "]}]},'x':1}");
    RUNQ(b.p);
    CHECK_DROPPED("CloudWatch would drop this document: 101 metric definitions in directive 2 > 100");
    free(b.p);
    done();
}

static void gen_values(sb_t *b, int n)
{
    sb_add(b, "'Latency':[");
    for (int i = 0; i < n; i++)
        sb_add(b, "%s%d", i ? "," : "", i + 1);
    sb_add(b, "]");
}

static void test_i7_101_values(void)
{
    sb_t b = { 0 };
    gen_values(&b, 101);
    sb_add(&b, ",'Ok':2");
    DOC("'A'", "[[]]", "[{'Name':'Latency'},{'Name':'Ok'}]", b.p);
    /* the other metric still counts */
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.nerrors, 1);
    CHECK_REASON("CloudWatch would drop metric \"Latency\" (directive 1): its value array has 101 values > 100");
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "A", "Ok", "None", 60, EV, 2, "");
    b.len = 0;
    gen_values(&b, 100);
    DOC("'A'", "[[]]", "[{'Name':'Latency'}]", b.p);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 100);
    CHECK_POINT(0, "A", "Latency", "None", 60, EV, 1, "");
    CHECK_POINT(99, "A", "Latency", "None", 60, EV, 100, "");
    free(b.p);
    done();
}

static void test_i8_nested_object_target(void)
{
    DOC("'A'", "[[]]", "[{'Name':'Latency'}]", "'Latency':{'p50':3}");
    CHECK_DROPPED("metric \"Latency\" (directive 1): its value is an object with neither a Values array "
                  "nor a statistic set (Count, Sum, Min, Max)");
    done();
}

static void test_i9_nested_dimension(void)
{
    DOC("'A'", "[['Region']]", "[{'Name':'Latency'}]", "'geo':{'Region':'x'},'Latency':1");
    CHECK_DROPPED("CloudWatch would drop directive 1: dimension \"Region\" is missing at the root");
    done();
}

static void test_i10_bad_units(void)
{
    DOC("'A'", "[[]]", "[{'Name':'Latency','Unit':'milliseconds'}]", "'Latency':1");
    CHECK_DROPPED("CloudWatch would drop metric \"Latency\" (directive 1): unit \"milliseconds\" is not a CloudWatch unit");
    DOC("'A'", "[[]]", "[{'Name':'Latency','Unit':'ms'}]", "'Latency':1");
    CHECK_DROPPED("unit \"ms\" is not a CloudWatch unit");
    DOC("'A'", "[[]]", "[{'Name':'Latency','Unit':5}]", "'Latency':1");
    CHECK_DROPPED("Unit is a number, not a string");
    done();
}

static void test_i11_resolution_5(void)
{
    DOC("'A'", "[[]]", "[{'Name':'Latency','StorageResolution':5}]", "'Latency':1");
    CHECK_DROPPED("CloudWatch would drop metric \"Latency\" (directive 1): StorageResolution 5 is not 1 or 60");
    DOC("'A'", "[[]]", "[{'Name':'Latency','StorageResolution':'60'}]", "'Latency':1");
    CHECK_DROPPED("StorageResolution is a string, not 1 or 60");
    DOC("'A'", "[[]]", "[{'Name':'L1','StorageResolution':1},{'Name':'L60','StorageResolution':60},{'Name':'Lx'}]",
        "'L1':1,'L60':2,'Lx':3");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_POINT(0, "A", "L1", "None", 1, EV, 1, "");
    CHECK_POINT(1, "A", "L60", "None", 60, EV, 2, "");
    CHECK_POINT(2, "A", "Lx", "None", 60, EV, 3, "");
    done();
}

static void test_i12_bad_namespaces(void)
{
    DOC("''", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_DROPPED("CloudWatch would drop directive 1: Namespace is empty");
    DOC("'AWS/Lambda'", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_DROPPED("CloudWatch would drop directive 1: Namespace \"AWS/Lambda\" uses the reserved prefix AWS/");
    DOC("'ns!'", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_DROPPED("CloudWatch would drop directive 1: Namespace \"ns!\" has character '!' outside [a-zA-Z0-9._#:/ -]");
    DOC("'   '", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_DROPPED("Namespace is blank");
    DOC("'caf\xc3\xa9'", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_DROPPED("has byte 0xc3 outside");
    DOC("5", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_DROPPED("Namespace is a number, not a string");
    RUNQ("{'_aws':{'CloudWatchMetrics':[{'Metrics':[{'Name':'L'}]}]},'L':1}");
    CHECK_DROPPED("CloudWatch would drop directive 1: Namespace is missing");
    /* every allowed character */
    DOC("'aZ09._#:/ -x'", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_POINT(0, "aZ09._#:/ -x", "L", "None", 60, EV, 1, "");
    /* "AWS" without the slash, and "aws/" in lower case, are not reserved */
    DOC("'AWSome'", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_EQ_INT(res.status, EMF_VALID);
    done();
}

static void test_namespace_length(void)
{
    char *n255 = repeat('n', 255), *n256 = repeat('n', 256);
    char q[300];
    snprintf(q, sizeof q, "'%s'", n255);
    DOC(q, "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(strlen(res.points[0].ns), 255);
    snprintf(q, sizeof q, "'%s'", n256);
    DOC(q, "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_DROPPED("is 256 characters long (limit 255)");
    free(n255);
    free(n256);
    done();
}

static void test_i13_timestamp_string_or_seconds(void)
{
    RUNQ("{'_aws':{'Timestamp':'2024-01-01T00:00:00Z','CloudWatchMetrics':[{'Namespace':'A','Metrics':[{'Name':'L'}]}]},'L':1}");
    CHECK_DROPPED("CloudWatch would drop this document: _aws.Timestamp is a string, not a number of milliseconds");
    RUNQ("{'_aws':{'Timestamp':1700000000,'CloudWatchMetrics':[{'Namespace':'A','Metrics':[{'Name':'L'}]}]},'L':1}");
    CHECK_DROPPED("CloudWatch would drop this document: _aws.Timestamp 1700000000 is 19656.25 days (1698300000000 ms) before the log event");
    done();
}

/* I14: text around the object is the pipeline's business: such a line does
 * not parse as JSON, so it never reaches emf_extract. */
static void test_i14_text_around_document(void)
{
    cJSON *t = cJSON_ParseWithOpts("prefix {\"_aws\":{\"CloudWatchMetrics\":[]}} suffix", NULL, 1);
    CHECK(t == NULL);
    cJSON_Delete(t);
    emf_extract(NULL, EV, &res);
    CHECK_EQ_INT(res.status, EMF_NOT_EMF);
    done();
}

static void test_i15_nan_and_huge(void)
{
    cJSON *t = cJSON_ParseWithOpts("{\"_aws\":{\"CloudWatchMetrics\":[]},\"L\":NaN}", NULL, 1);
    CHECK(t == NULL);
    cJSON_Delete(t);
    DOC("'A'", "[[]]", "[{'Name':'L'}]", "'L':1e400");
    CHECK_DROPPED("CloudWatch would drop metric \"L\" (directive 1): its value inf is not finite");
    DOC("'A'", "[[]]", "[{'Name':'L'}]", "'L':-1e400");
    CHECK_DROPPED("its value -inf is not finite");
    DOC("'A'", "[[]]", "[{'Name':'L'}]", "'L':[1,1e400]");
    CHECK_DROPPED("element 2 of its value array (inf) is not finite");
    /* the MetricDatum range ±2^360 */
    DOC("'A'", "[[]]", "[{'Name':'L'},{'Name':'M'}]",
        "'L':2.348542582773833e108,'M':-2.348542582773833e108");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 2);
    DOC("'A'", "[[]]", "[{'Name':'L'}]", "'L':2.35e108");
    CHECK_DROPPED("beyond ±2^360");
    done();
}

/* I16: undocumented in CloudWatch; obs publishes both (see docs/emf.md). */
static void test_i16_two_resolutions(void)
{
    RUNQ("{'_aws':{'Timestamp':1700000000000,'CloudWatchMetrics':["
         "{'Namespace':'A','Metrics':[{'Name':'L','StorageResolution':1}]},"
         "{'Namespace':'A','Metrics':[{'Name':'L','StorageResolution':60}]}]},'L':3}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 2);
    CHECK_POINT(0, "A", "L", "None", 1, EV, 3, "");
    CHECK_POINT(1, "A", "L", "None", 60, EV, 3, "");
    done();
}

/* ---- structure ---------------------------------------------------------- */

static void test_not_emf(void)
{
    RUNQ("[1,2]");
    CHECK_EQ_INT(res.status, EMF_NOT_EMF);
    RUNQ("'text'");
    CHECK_EQ_INT(res.status, EMF_NOT_EMF);
    RUNQ("{'level':'info','msg':'_aws'}");
    CHECK_EQ_INT(res.status, EMF_NOT_EMF);
    /* keys are case-sensitive */
    RUNQ("{'_AWS':{'CloudWatchMetrics':[]}}");
    CHECK_EQ_INT(res.status, EMF_NOT_EMF);
    /* a JSON string holding EMF is not EMF (CloudWatch does not look inside) */
    RUN("{\"message\":\"{\\\"_aws\\\":{\\\"CloudWatchMetrics\\\":[]}}\"}");
    CHECK_EQ_INT(res.status, EMF_NOT_EMF);
    done();
}

static void test_parse_errors(void)
{
    RUNQ("{'_aws':[1]}");
    CHECK_EQ_INT(res.status, EMF_PARSE_ERROR);
    CHECK_ERRORS("CloudWatch would not parse this EMF document: _aws is an array");
    CHECK_EQ_STR(emf_status_name(res.status), "parse_error");
    RUNQ("{'_aws':null}");
    CHECK_EQ_INT(res.status, EMF_PARSE_ERROR);
    RUNQ("{'_aws':{'Timestamp':1}}");
    CHECK_EQ_INT(res.status, EMF_PARSE_ERROR);
    CHECK_ERRORS("CloudWatch would not parse this EMF document: _aws.CloudWatchMetrics is missing");
    RUNQ("{'_aws':{'CloudWatchMetrics':{'Namespace':'A'}}}");
    CHECK_EQ_INT(res.status, EMF_PARSE_ERROR);
    CHECK_ERRORS("CloudWatch would not parse this EMF document: _aws.CloudWatchMetrics is an object");
    RUNQ("{'_aws':{'cloudwatchmetrics':[]}}");
    CHECK_EQ_INT(res.status, EMF_PARSE_ERROR);
    done();
}

static void test_empty_directive_list(void)
{
    RUNQ("{'_aws':{'CloudWatchMetrics':[]},'x':1}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 0);
    done();
}

static void test_directive_faults(void)
{
    RUNQ("{'_aws':{'CloudWatchMetrics':[5,{'Namespace':'B','Metrics':[{'Name':'L'}]}]},'L':1}");
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.nerrors, 1);
    CHECK_REASON("CloudWatch would drop directive 1: it is a number, not an object");
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "B", "L", "None", 60, EV, 1, "");
    DOC("'A'", "[[]]", "{'Name':'L'}", "'L':1");
    CHECK_DROPPED("CloudWatch would drop directive 1: Metrics is an object, not an array");
    RUNQ("{'_aws':{'CloudWatchMetrics':[{'Namespace':'A'}]}}");
    CHECK_DROPPED("CloudWatch would drop directive 1: Metrics is missing");
    DOC("'A'", "[[]]", "[]", "'L':1");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 0);
    /* all directive faults are reported, the metrics are not looked at */
    RUNQ("{'_aws':{'CloudWatchMetrics':[{'Namespace':'','Dimensions':[['X']],'Metrics':[{'Name':'L','Unit':'x'}]}]}}");
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.nerrors, 2);
    CHECK_ERRORS("CloudWatch would drop directive 1: Namespace is empty\n"
                             "CloudWatch would drop directive 1: dimension \"X\" is missing at the root");
    done();
}

static void test_dimensions_missing_empty_emptyset(void)
{
    DOC("'A'", NULL, "[{'Name':'L'}]", "'L':1");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "A", "L", "None", 60, EV, 1, "");
    CHECK_EQ_INT(res.points[0].ndims, 0);
    DOC("'A'", "[]", "[{'Name':'L'}]", "'L':1");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "A", "L", "None", 60, EV, 1, "");
    DOC("'A'", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    DOC("'A'", "[[],['S']]", "[{'Name':'L'}]", "'L':1,'S':'s'");
    CHECK_EQ_INT(res.npoints, 2);
    CHECK_POINT(0, "A", "L", "None", 60, EV, 1, "");
    CHECK_POINT(1, "A", "L", "None", 60, EV, 1, "S=s");
    done();
}

static void test_dimension_structure_faults(void)
{
    DOC("'A'", "['S']", "[{'Name':'L'}]", "'L':1,'S':'s'");
    CHECK_DROPPED("CloudWatch would drop directive 1: dimension set 1 is a string, not an array of names");
    DOC("'A'", "{'S':1}", "[{'Name':'L'}]", "'L':1");
    CHECK_DROPPED("CloudWatch would drop directive 1: Dimensions is an object, not an array of dimension sets");
    DOC("'A'", "null", "[{'Name':'L'}]", "'L':1");
    CHECK_DROPPED("Dimensions is null");
    DOC("'A'", "[['S',7]]", "[{'Name':'L'}]", "'L':1,'S':'s'");
    CHECK_DROPPED("CloudWatch would drop directive 1: entry 2 of dimension set 1 is a number, not a dimension name");
    DOC("'A'", "[[':S']]", "[{'Name':'L'}]", "'L':1,':S':'s'");
    CHECK_DROPPED("CloudWatch would drop directive 1: dimension name \":S\" starts with ':'");
    DOC("'A'", "[['']]", "[{'Name':'L'}]", "'L':1,'':'s'");
    CHECK_DROPPED("dimension name \"\" is empty");
    DOC("'A'", "[['  ']]", "[{'Name':'L'}]", "'L':1,'  ':'s'");
    CHECK_DROPPED("dimension name \"  \" is blank");
    DOC("'A'", "[['R\xc3\xa9gion']]", "[{'Name':'L'}]", "'L':1,'R\xc3\xa9gion':'s'");
    CHECK_DROPPED("contains a non-ASCII character");
    /* a bad second directive does not affect the first */
    RUNQ("{'_aws':{'CloudWatchMetrics':[{'Namespace':'A','Metrics':[{'Name':'L'}]},"
         "{'Namespace':'B','Dimensions':[['S']],'Metrics':[{'Name':'L'}]}]},'L':1,'S':true}");
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.nerrors, 1);
    CHECK_REASON("CloudWatch would publish directive 2's metrics without dimensions: dimension \"S\" is not a string at the root (found a boolean)");
    CHECK_EQ_INT(res.npoints, 2);
    CHECK_POINT(0, "A", "L", "None", 60, EV, 1, "");
    CHECK_POINT(1, "B", "L", "None", 60, EV, 1, "");
    done();
}

static void test_dimension_values(void)
{
    DOC("'A'", "[['S']]", "[{'Name':'L'}]", "'L':1,'S':''");
    CHECK_UNDIMENSIONED("CloudWatch would publish directive 1's metrics without dimensions: the value of dimension \"S\" is empty");
    DOC("'A'", "[['S']]", "[{'Name':'L'}]", "'L':1,'S':' '");
    CHECK_UNDIMENSIONED("the value of dimension \"S\" is blank");
    DOC("'A'", "[['S']]", "[{'Name':'L'}]", "'L':1,'S':'caf\xc3\xa9'");
    CHECK_UNDIMENSIONED("the value of dimension \"S\" contains a non-ASCII character");
    RUN("{\"_aws\":{\"CloudWatchMetrics\":[{\"Namespace\":\"A\",\"Dimensions\":[[\"S\"]],"
        "\"Metrics\":[{\"Name\":\"L\"}]}]},\"L\":1,\"S\":\"a\\tb\"}");
    CHECK_UNDIMENSIONED("the value of dimension \"S\" contains a control character");
    DOC("'A'", "[['S']]", "[{'Name':'L'}]", "'L':1,'S':null");
    CHECK_UNDIMENSIONED("dimension \"S\" is not a string at the root (found null)");
    done();
}

static void test_dimension_lengths(void)
{
    char *v1024 = repeat('v', 1024), *v1025 = repeat('v', 1025);
    char *k250 = repeat('k', 250), *k251 = repeat('k', 251);
    size_t n = 4000;
    char *dims = malloc(n), *rest = malloc(n);
    snprintf(dims, n, "[['%s']]", k250);
    snprintf(rest, n, "'L':1,'%s':'%s'", k250, v1024);
    DOC("'A'", dims, "[{'Name':'L'}]", rest);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_EQ_INT(strlen(res.points[0].dims[0].key), 250);
    CHECK_EQ_INT(strlen(res.points[0].dims[0].value), 1024);
    snprintf(rest, n, "'L':1,'%s':'%s'", k250, v1025);
    DOC("'A'", dims, "[{'Name':'L'}]", rest);
    CHECK_UNDIMENSIONED("is 1025 characters long (limit 1024)");
    snprintf(dims, n, "[['%s']]", k251);
    snprintf(rest, n, "'L':1,'%s':'v'", k251);
    DOC("'A'", dims, "[{'Name':'L'}]", rest);
    CHECK_DROPPED("is 251 characters long (limit 250)");
    /* the quoted name is cut at 64 bytes */
    CHECK_REASON("dimension name \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...\"");
    free(v1024);
    free(v1025);
    free(k250);
    free(k251);
    free(dims);
    free(rest);
    done();
}

static void test_dimensions_sorted_and_deduplicated(void)
{
    DOC("'A'", "[['zeta','Alpha','mid','alpha','zeta']]", "[{'Name':'L'}]",
        "'L':1,'zeta':'z','Alpha':'A','mid':'m','alpha':'a'");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "A", "L", "None", 60, EV, 1, "Alpha=A,alpha=a,mid=m,zeta=z");
    done();
}

/* ---- metric rules ------------------------------------------------------- */

static void test_metric_name_rules(void)
{
    char *n1024 = repeat('m', 1024), *n1025 = repeat('m', 1025);
    size_t n = 3000;
    char *metrics = malloc(n), *rest = malloc(n);
    snprintf(metrics, n, "[{'Name':'%s'}]", n1024);
    snprintf(rest, n, "'%s':1", n1024);
    DOC("'A'", "[[]]", metrics, rest);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(strlen(res.points[0].name), 1024);
    snprintf(metrics, n, "[{'Name':'%s'}]", n1025);
    snprintf(rest, n, "'%s':1", n1025);
    DOC("'A'", "[[]]", metrics, rest);
    CHECK_DROPPED("its name is 1025 characters long (limit 1024)");
    /* characters, not bytes: 1024 two-byte characters are fine */
    sb_t b = { 0 };
    sb_add(&b, "[{'Name':'");
    for (int i = 0; i < 1024; i++)
        sb_add(&b, "\xc3\xa9");
    sb_add(&b, "'}]");
    sb_t r = { 0 };
    sb_add(&r, "%.*s:1", (int)(b.len - 11), b.p + 9);
    DOC("'A'", "[[]]", b.p, r.p);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    free(b.p);
    free(r.p);
    DOC("'A'", "[[]]", "[{'Name':''}]", "'':1");
    CHECK_DROPPED("CloudWatch would drop metric \"\" (directive 1): its name is empty");
    DOC("'A'", "[[]]", "[{'Name':'   '}]", "'   ':1");
    CHECK_DROPPED("its name is blank");
    DOC("'A'", "[[]]", "[{'Unit':'Count'}]", "'L':1");
    CHECK_DROPPED("CloudWatch would drop metric 1 of directive 1: Name is missing");
    DOC("'A'", "[[]]", "[{'Name':'L'},{'Name':3}]", "'L':1");
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_REASON("CloudWatch would drop metric 2 of directive 1: Name is a number, not a string");
    CHECK_EQ_INT(res.npoints, 1);
    DOC("'A'", "[[]]", "['L']", "'L':1");
    CHECK_DROPPED("CloudWatch would drop metric 1 of directive 1: it is a string, not an object");
    free(n1024);
    free(n1025);
    free(metrics);
    free(rest);
    done();
}

static void test_every_unit(void)
{
    static const char *units[] = {
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
        "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
        "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
        "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
        "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    };
    CHECK_EQ_INT(sizeof units / sizeof units[0], 27);
    for (size_t i = 0; i < 27; i++) {
        char m[128];
        snprintf(m, sizeof m, "[{'Name':'L','Unit':'%s'}]", units[i]);
        DOC("'A'", "[[]]", m, "'L':1");
        CHECK_EQ_INT(res.status, EMF_VALID);
        CHECK_EQ_INT(res.npoints, 1);
        CHECK_EQ_STR(res.npoints ? res.points[0].unit : NULL, units[i]);
        CHECK(emf_unit_valid(units[i]));
    }
    CHECK(!emf_unit_valid("count"));
    CHECK(!emf_unit_valid("Count/second"));
    CHECK(!emf_unit_valid("Bytes/Sec"));
    CHECK(!emf_unit_valid(""));
    CHECK(!emf_unit_valid(NULL));
    CHECK(!emf_unit_valid("Counts"));
    done();
}

static void test_missing_unit_is_none(void)
{
    DOC("'A'", "[[]]", "[{'Name':'L'}]", "'L':1");
    CHECK_EQ_STR(res.points[0].unit, "None");
    done();
}

static void test_value_forms(void)
{
    /* number, array, empty array (no points), integers and negatives */
    DOC("'A'", "[['S'],[]]", "[{'Name':'a'},{'Name':'b'},{'Name':'c'}]",
        "'S':'s','a':-2.5,'b':[0,1e-300],'c':[]");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 6);
    CHECK_POINT(0, "A", "a", "None", 60, EV, -2.5, "S=s");
    CHECK_POINT(1, "A", "a", "None", 60, EV, -2.5, "");
    CHECK_POINT(2, "A", "b", "None", 60, EV, 0, "S=s");
    CHECK_POINT(3, "A", "b", "None", 60, EV, 1e-300, "S=s");
    CHECK_POINT(4, "A", "b", "None", 60, EV, 0, "");
    CHECK_POINT(5, "A", "b", "None", 60, EV, 1e-300, "");
    DOC("'A'", "[[]]", "[{'Name':'a'}]", "'a':[1,'2']");
    CHECK_DROPPED("element 2 of its value array is a string, not a number");
    DOC("'A'", "[[]]", "[{'Name':'a'}]", "'a':true");
    CHECK_DROPPED("its value is a boolean, not a number or an array of numbers");
    DOC("'A'", "[[]]", "[{'Name':'a'}]", "'a':null");
    CHECK_DROPPED("its value is null");
    DOC("'A'", "[[]]", "[{'Name':'a'}]", "'a':[[1]]");
    CHECK_DROPPED("element 1 of its value array is an array");
    done();
}

static void test_value_object_form(void)
{
    /* one point per value with its count; Sum, Min and Max are the
     * document's (CloudWatch publishes them), Count is ignored */
    DOC("'A'", "[[]]", "[{'Name':'latency','Unit':'Seconds'}]",
        "'latency':{'Values':[0.39,0.48],'Counts':[1,2],'Count':3,'Sum':1.35,'Max':0.48,'Min':0.39}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 2);
    CHECK_POINT(0, "A", "latency", "Seconds", 60, EV, 0.39, "");
    CHECK_POINT(1, "A", "latency", "Seconds", 60, EV, 0.48, "");
    CHECK_STATS(0, 0, 1, 1.35, 0.39, 0.48, GIVEN_ALL);
    CHECK_STATS(1, 0, 2, 0, 0.39, 0.48, GIVEN_ALL);
    /* without Counts: once each; a zero count gives nothing; without Sum,
     * Min, Max they come from the values */
    DOC("'A'", "[[]]", "[{'Name':'l'},{'Name':'m'}]",
        "'l':{'Values':[5,6]},'m':{'Values':[7,8],'Counts':[0,1]}");
    CHECK_EQ_INT(res.npoints, 3);
    CHECK_POINT(0, "A", "l", "None", 60, EV, 5, "");
    CHECK_POINT(1, "A", "l", "None", 60, EV, 6, "");
    CHECK_POINT(2, "A", "m", "None", 60, EV, 8, "");
    CHECK_STATS(0, 0, 1, 5, 5, 5, 0);
    CHECK_STATS(2, 0, 1, 8, 8, 8, 0);
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[1,2],'Counts':[1]}");
    CHECK_DROPPED("its Counts has 1 entries but Values has 2");
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[1],'Counts':[1.5]}");
    CHECK_DROPPED("CloudWatch would drop metric \"l\" (directive 1): its Counts entry 1 is not a whole number >= 0");
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[1],'Counts':[-1]}");
    CHECK_DROPPED("Counts entry 1 is not a whole number >= 0");
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[1],'Counts':5}");
    CHECK_DROPPED("its Counts is a number, not an array");
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':['x']}");
    CHECK_DROPPED("Values entry 1 is not a number");
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[1e400]}");
    CHECK_DROPPED("Values entry 1 is not finite");
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':5}");
    CHECK_DROPPED("CloudWatch would drop metric \"l\" (directive 1): its Values is a number, not an array");
    sb_t b = { 0 };
    sb_add(&b, "'l':{'Values':[");
    for (int i = 0; i < 101; i++)
        sb_add(&b, "%s%d", i ? "," : "", i);
    sb_add(&b, "]}");
    DOC("'A'", "[[]]", "[{'Name':'l'}]", b.p);
    CHECK_DROPPED("its Values array has 101 values > 100");
    free(b.p);
    done();
}

/* The bound is 100 Values entries, not 100 observations: Counts are
 * weights (metrique's "large Count using O(1) cost"; OTel exporters' bucket
 * counts), kept on one point each, never expanded. */
static void test_values_counts_are_weights(void)
{
    /* five buckets whose counts add to 132 */
    DOC("'A'", "[['S']]", "[{'Name':'l','Unit':'Milliseconds'}]",
        "'S':'s','l':{'Values':[1.02,4.11,16.27,65.42,261],'Counts':[30,50,40,10,2]}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 5);
    CHECK_POINT(0, "A", "l", "Milliseconds", 60, EV, 1.02, "S=s");
    CHECK_STATS(0, 0, 30, 1.02 * 30, 1.02, 1.02, 0);
    CHECK_POINT(4, "A", "l", "Milliseconds", 60, EV, 261, "S=s");
    CHECK_STATS(4, 0, 2, 522, 261, 261, 0);
    double total = 0;
    for (int i = 0; i < res.npoints; i++)
        total += (double)res.points[i].count;
    CHECK_NEAR(total, 132, 0);
    /* one value seen 667 times is one point */
    DOC("'A'", "[[]]", "[{'Name':'d','Unit':'Milliseconds'}]", "'d':{'Values':[2],'Counts':[667]}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_STATS(0, 0, 667, 1334, 2, 2, 0);
    /* 100 entries with large counts, and two dimension sets: 200 points */
    sb_t b = { 0 };
    sb_add(&b, "'S':'s','l':{'Values':[");
    for (int i = 0; i < 100; i++)
        sb_add(&b, "%s%d", i ? "," : "", i + 1);
    sb_add(&b, "],'Counts':[");
    for (int i = 0; i < 100; i++)
        sb_add(&b, "%s1000000", i ? "," : "");
    sb_add(&b, "]}");
    DOC("'A'", "[['S'],[]]", "[{'Name':'l'}]", b.p);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 200);
    CHECK_STATS(199, 0, 1000000, 100000000, 100, 100, 0);
    free(b.p);
    /* the largest count a double holds exactly, then beyond it (metrique
     * writes u64::MAX in a test): obs's own bound, worded as such */
    DOC("'A'", "[[]]", "[{'Name':'d'}]", "'d':{'Values':[2],'Counts':[9007199254740992]}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_STATS(0, 0, 9007199254740992.0, 2 * 9007199254740992.0, 2, 2, 0);
    DOC("'A'", "[[]]", "[{'Name':'d'}]", "'d':{'Values':[2],'Counts':[18446744073709551615]}");
    CHECK_DROPPED("obs drops metric \"d\" (directive 1): its Counts entry 1 is 1.8446744073709552e+19, "
                  "more than 2^53, the most obs counts exactly");
    done();
}

/* Sum, Min and Max given with Values are what CloudWatch publishes (the
 * OTel exporter splits a histogram over documents, Sum on the first and 0
 * on the others, Min and Max of each part): Sum rides on the first point,
 * Min and Max on every point, so points add up to the document's. */
static void test_values_given_statistics(void)
{
    DOC("'A'", "[[]]", "[{'Name':'l'}]",
        "'l':{'Values':[1.0219,4.1126],'Counts':[3,5],'Max':4.3,'Min':0.98,'Count':8,'Sum':22.7}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 2);
    CHECK_STATS(0, 0, 3, 22.7, 0.98, 4.3, GIVEN_ALL);
    CHECK_STATS(1, 0, 5, 0, 0.98, 4.3, GIVEN_ALL);
    /* a later part of a split histogram: Sum 0 */
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[16.27],'Counts':[4],'Max':17.1,'Min':15.2,'Count':4,'Sum':0}");
    CHECK_STATS(0, 0, 4, 0, 15.2, 17.1, GIVEN_ALL);
    /* only some given: the others from the values; Count is never checked */
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[1,3],'Counts':[2,1],'Sum':6,'Count':'x'}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_STATS(0, 0, 2, 6, 1, 1, EMF_GIVEN_SUM);
    CHECK_STATS(1, 0, 1, 0, 3, 3, EMF_GIVEN_SUM);
    /* a zero count first: the Sum goes on the first point there is */
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[1,3],'Counts':[0,2],'Sum':7}");
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_STATS(0, 0, 2, 7, 3, 3, EMF_GIVEN_SUM);
    /* two dimension sets: each gets the whole Sum once */
    DOC("'A'", "[['S'],[]]", "[{'Name':'l'}]", "'S':'s','l':{'Values':[1,3],'Sum':9}");
    CHECK_EQ_INT(res.npoints, 4);
    CHECK_STATS(0, 0, 1, 9, 1, 1, EMF_GIVEN_SUM);
    CHECK_STATS(1, 0, 1, 0, 3, 3, EMF_GIVEN_SUM);
    CHECK_STATS(2, 0, 1, 9, 1, 1, EMF_GIVEN_SUM);
    /* a given statistic that is not a usable number: obs drops the metric
     * rather than guess */
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[1],'Sum':'3'}");
    CHECK_DROPPED("obs drops metric \"l\" (directive 1): its Sum is a string, not a number");
    DOC("'A'", "[[]]", "[{'Name':'l'}]", "'l':{'Values':[1],'Max':1e400}");
    CHECK_DROPPED("obs drops metric \"l\" (directive 1): its Max inf is not finite or beyond ±2^360");
    done();
}

/* A statistic set (ADOT's awsemfexporter writes histograms and summaries
 * so; CloudWatch's StatisticValues): one point per dimension set, no value,
 * its four statistics as given. */
static void test_statistic_set(void)
{
    DOC("'ECS'", "[['ClusterName']]", "[{'Name':'latency','Unit':'Seconds'}]",
        "'ClusterName':'c1','latency':{'Max':30,'Min':10,'Count':17,'Sum':17.13},'prom_metric_type':'histogram'");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 1);
    CHECK_POINT(0, "ECS", "latency", "Seconds", 60, EV, 0, "ClusterName=c1");
    CHECK_STATS(0, 1, 17, 17.13, 10, 30, GIVEN_ALL);
    /* two dimension sets, extra members ignored */
    DOC("'A'", "[['S'],[]]", "[{'Name':'s'}]", "'S':'x','s':{'Count':2,'Sum':-1,'Min':-2,'Max':1,'p99':5}");
    CHECK_EQ_INT(res.npoints, 2);
    CHECK_STATS(1, 1, 2, -1, -2, 1, GIVEN_ALL);
    /* Count 0: nothing observed, nothing published */
    DOC("'A'", "[[]]", "[{'Name':'s'}]", "'s':{'Count':0,'Sum':0,'Min':0,'Max':0}");
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 0);
    /* StatisticValues needs all four */
    DOC("'A'", "[[]]", "[{'Name':'s'}]", "'s':{'Count':2,'Sum':3,'Min':1}");
    CHECK_DROPPED("CloudWatch would drop metric \"s\" (directive 1): its value is a statistic set without Max "
                  "(it needs Count, Sum, Min and Max)");
    DOC("'A'", "[[]]", "[{'Name':'s'}]", "'s':{'Count':2,'Sum':'3','Min':1,'Max':2}");
    CHECK_DROPPED("CloudWatch would drop metric \"s\" (directive 1): its statistic set's Sum is a string, "
                  "not a number");
    DOC("'A'", "[[]]", "[{'Name':'s'}]", "'s':{'Count':2,'Sum':3,'Min':-1e400,'Max':2}");
    CHECK_DROPPED("its statistic set's Min -inf is not finite or beyond ±2^360");
    DOC("'A'", "[[]]", "[{'Name':'s'}]", "'s':{'Count':2.5,'Sum':3,'Min':1,'Max':2}");
    CHECK_DROPPED("CloudWatch would drop metric \"s\" (directive 1): its statistic set's Count is not a whole "
                  "number >= 0");
    DOC("'A'", "[[]]", "[{'Name':'s'}]", "'s':{'Count':1e17,'Sum':3,'Min':1,'Max':2}");
    CHECK_DROPPED("obs drops metric \"s\" (directive 1): its statistic set's Count is 1e+17, more than 2^53");
    done();
}

/* ---- timestamp ---------------------------------------------------------- */

static const emf_result_t *at_ts(const char *ts, int line)
{
    char q[256];
    snprintf(q, sizeof q, "{'_aws':{'Timestamp':%s,'CloudWatchMetrics':[{'Namespace':'A',"
                          "'Metrics':[{'Name':'L'}]}]},'L':1}", ts);
    return runq_at_(q, EV, line);
}

static void test_timestamp_window(void)
{
    at_ts("1698790400000", __LINE__);  /* exactly 14 days before */
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_POINT(0, "A", "L", "None", 60, 1698790400000LL, 1, "");
    at_ts("1698790399999", __LINE__);  /* 1 ms more */
    CHECK_DROPPED("CloudWatch would drop this document: _aws.Timestamp 1698790399999 is 14.00 days "
                  "(1209600001 ms) before the log event; CloudWatch accepts 14 days before to 2 hours after");
    at_ts("1700007200000", __LINE__);  /* exactly 2 hours after */
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_POINT(0, "A", "L", "None", 60, 1700007200000LL, 1, "");
    at_ts("1700007200001", __LINE__);
    CHECK_DROPPED("_aws.Timestamp 1700007200001 is 2.00 hours (7200001 ms) after the log event");
    at_ts("1700000000000.75", __LINE__);  /* fractional ms: truncated */
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_POINT(0, "A", "L", "None", 60, EV, 1, "");
    at_ts("-1e400", __LINE__);
    CHECK_DROPPED("before the log event");
    at_ts("1e400", __LINE__);
    CHECK_DROPPED("after the log event");
    at_ts("null", __LINE__);
    CHECK_DROPPED("_aws.Timestamp is null, not a number of milliseconds");
    /* absent: the event's own time */
    RUNQ_AT("{'_aws':{'CloudWatchMetrics':[{'Namespace':'A','Metrics':[{'Name':'L'}]}]},'L':1}", 1234567LL);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_POINT(0, "A", "L", "None", 60, 1234567LL, 1, "");
    done();
}

static void test_document_faults_all_reported(void)
{
    sb_t b = { 0 };
    sb_add(&b, "{'_aws':{'Timestamp':'x','CloudWatchMetrics':[{'Namespace':'N','Metrics':[");
    for (int i = 0; i < 150; i++)
        sb_add(&b, "%s{'Name':'x'}", i ? "," : "");
    sb_add(&b, "]}]},'x':1}");
    RUNQ(b.p);
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.nerrors, 2);
    CHECK_EQ_INT(res.npoints, 0);
    CHECK_REASON("_aws.Timestamp is a string");
    CHECK_REASON("150 metric definitions in directive 1 > 100");
    free(b.p);
    done();
}

/* ---- directives, targets, root lookup ----------------------------------- */

static void test_shared_targets_and_big_root(void)
{
    /* 40 root members (the hashed lookup), a duplicate key (first wins, as
     * in cJSON), one target used by two metrics of two directives */
    sb_t b = { 0 };
    sb_add(&b, "{");
    for (int i = 0; i < 40; i++)
        sb_add(&b, "'p%d':%d,", i, i);
    sb_add(&b, "'S':'first','S':'second','_aws':{'Timestamp':%lld,'CloudWatchMetrics':["
               "{'Namespace':'A','Dimensions':[['S']],'Metrics':[{'Name':'p7'},{'Name':'p39','Unit':'Count'}]},"
               "{'Namespace':'B','Metrics':[{'Name':'p7','StorageResolution':1}]}]}}", EV);
    RUNQ(b.p);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 3);
    CHECK_POINT(0, "A", "p7", "None", 60, EV, 7, "S=first");
    CHECK_POINT(1, "A", "p39", "Count", 60, EV, 39, "S=first");
    CHECK_POINT(2, "B", "p7", "None", 1, EV, 7, "");
    /* with the hash table: missing key and key that is a prefix */
    b.len = 0;
    sb_add(&b, "{");
    for (int i = 0; i < 40; i++)
        sb_add(&b, "'p%d':%d,", i, i);
    sb_add(&b, "'_aws':{'CloudWatchMetrics':[{'Namespace':'A','Metrics':[{'Name':'p'},{'Name':'p400'}]}]}}");
    RUNQ(b.p);
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.nerrors, 2);
    CHECK_EQ_INT(res.npoints, 0);
    free(b.p);
    done();
}

static void test_partial_document(void)
{
    /* metric-level faults keep the rest: 3 good points from 5 metrics */
    RUNQ("{'_aws':{'Timestamp':1700000000000,'CloudWatchMetrics':[{'Namespace':'A','Dimensions':[['S']],"
         "'Metrics':[{'Name':'a','Unit':'Count'},{'Name':'b','Unit':'Millis'},{'Name':'c'},"
         "{'Name':'d','StorageResolution':30},{'Name':'e','Unit':'Percent','StorageResolution':1}]}]},"
         "'S':'s','a':1,'b':2,'d':4,'e':[5,6]}");
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.nerrors, 3);
    CHECK_ERRORS(
                 "CloudWatch would drop metric \"b\" (directive 1): unit \"Millis\" is not a CloudWatch unit\n"
                 "CloudWatch would drop metric \"c\" (directive 1): its value is missing at the root\n"
                 "CloudWatch would drop metric \"d\" (directive 1): StorageResolution 30 is not 1 or 60");
    CHECK_EQ_INT(res.npoints, 3);
    CHECK_POINT(0, "A", "a", "Count", 60, EV, 1, "S=s");
    CHECK_POINT(1, "A", "e", "Percent", 1, EV, 5, "S=s");
    CHECK_POINT(2, "A", "e", "Percent", 1, EV, 6, "S=s");
    CHECK_EQ_STR(emf_status_name(res.status), "invalid");
    done();
}

static void test_reason_text_is_safe(void)
{
    /* a newline in a name must not split the reason line */
    RUN("{\"_aws\":{\"CloudWatchMetrics\":[{\"Namespace\":\"A\",\"Metrics\":[{\"Name\":\"a\\nb\",\"Unit\":\"x\\ny\"}]}]}}");
    CHECK_EQ_INT(res.nerrors, 2);
    CHECK_ERRORS("CloudWatch would drop metric \"a?b\" (directive 1): unit \"x?y\" is not a CloudWatch unit\n"
                             "CloudWatch would drop metric \"a?b\" (directive 1): its value is missing at the root");
    /* a long multi-byte name is cut on a character boundary */
    sb_t b = { 0 };
    sb_add(&b, "{'_aws':{'CloudWatchMetrics':[{'Namespace':'A','Metrics':[{'Name':'x");
    for (int i = 0; i < 100; i++)
        sb_add(&b, "\xe2\x82\xac");
    sb_add(&b, "'}]}]}}");
    RUNQ(b.p);
    CHECK_EQ_INT(res.nerrors, 1);
    CHECK_REASON("metric \"x\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                 "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                 "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
                 "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac...\" (directive 1)");
    free(b.p);
    done();
}

/* ---- hostile documents -------------------------------------------------- */

static void test_10000_metrics(void)
{
    sb_t b = { 0 };
    gen_metrics(&b, 10000);
    RUNQ(b.p);
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.nerrors, 1);
    CHECK_EQ_INT(res.npoints, 0);
    CHECK(strlen(res.errors) < 200);
    /* 100 directives of 100 bad metrics each: 10,000 reasons, 20 shown */
    b.len = 0;
    sb_add(&b, "{'_aws':{'CloudWatchMetrics':[");
    for (int d = 0; d < 100; d++) {
        sb_add(&b, "%s{'Namespace':'N','Metrics':[", d ? "," : "");
        for (int i = 0; i < 100; i++)
            sb_add(&b, "%s{'Name':'m%d'}", i ? "," : "", d * 100 + i);
        sb_add(&b, "]}");
    }
    sb_add(&b, "]}}");
    RUNQ(b.p);
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.nerrors, 10000);
    CHECK(strlen(res.errors) < 4000);
    CHECK_REASON("\n... and 9980 more");
    int lines = 1;
    for (const char *p = res.errors; *p; p++)
        lines += *p == '\n';
    CHECK_EQ_INT(lines, 21);
    free(b.p);
    done();
}

static void test_10000_dimension_sets(void)
{
    /* 10,000 sets × 100 metrics × 100 values would be 10^8 points: obs
     * stops at 100,000 points per document and says so */
    sb_t b = { 0 };
    sb_add(&b, "{'_aws':{'CloudWatchMetrics':[{'Namespace':'N','Dimensions':[");
    for (int i = 0; i < 10000; i++)
        sb_add(&b, "%s['S']", i ? "," : "");
    sb_add(&b, "],'Metrics':[");
    for (int i = 0; i < 100; i++)
        sb_add(&b, "%s{'Name':'v'}", i ? "," : "");
    sb_add(&b, "]}]},'S':'s','v':[");
    for (int i = 0; i < 100; i++)
        sb_add(&b, "%s%d", i ? "," : "", i);
    sb_add(&b, "]}");
    RUNQ(b.p);
    CHECK_EQ_INT(res.status, EMF_INVALID);
    CHECK_EQ_INT(res.npoints, 0);
    CHECK_EQ_INT(res.nerrors, 100);
    CHECK_REASON("obs drops metric \"v\" (directive 1): the document would expand to more than 100000 points");
    /* 10,000 sets of one metric value fit: 10,000 points sharing one set */
    b.len = 0;
    sb_add(&b, "{'_aws':{'CloudWatchMetrics':[{'Namespace':'N','Dimensions':[");
    for (int i = 0; i < 10000; i++)
        sb_add(&b, "%s['S%d']", i ? "," : "", i % 50);
    sb_add(&b, "],'Metrics':[{'Name':'v'}]}]},'v':2");
    for (int i = 0; i < 50; i++)
        sb_add(&b, ",'S%d':'s%d'", i, i);
    sb_add(&b, "}");
    RUNQ(b.p);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 10000);
    CHECK_POINT(9999, "N", "v", "None", 60, EV, 2, "S49=s49");
    free(b.p);
    done();
}

static void test_10000_directives(void)
{
    sb_t b = { 0 };
    sb_add(&b, "{'_aws':{'CloudWatchMetrics':[");
    for (int i = 0; i < 10000; i++)
        sb_add(&b, "%s{'Namespace':'N%d','Dimensions':[['S'],[]],'Metrics':[{'Name':'v'}]}",
               i ? "," : "", i);
    sb_add(&b, "]},'S':'s','v':1}");
    RUNQ(b.p);
    CHECK_EQ_INT(res.status, EMF_VALID);
    CHECK_EQ_INT(res.npoints, 20000);
    CHECK_POINT(19998, "N9999", "v", "None", 60, EV, 1, "S=s");
    CHECK_POINT(19999, "N9999", "v", "None", 60, EV, 1, "");
    free(b.p);
    done();
}

static void test_free_is_idempotent(void)
{
    emf_result_t r;
    emf_extract(NULL, 0, &r);
    emf_result_free(&r);
    emf_result_free(&r);
    emf_result_free(NULL);
    CHECK(r.points == NULL && r.errors == NULL && r.dim_store == NULL);
}

/* The common case must stay far below 2 µs (it runs on every EMF line).
 * Printed for the record; asserted loosely so sanitizer builds pass. */
static void test_speed(void)
{
    cJSON *t = cJSON_Parse("{\"_aws\":{\"Timestamp\":1700000000000,\"CloudWatchMetrics\":[{\"Namespace\":\"Orders\","
                           "\"Dimensions\":[[\"Service\"]],\"Metrics\":[{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"},"
                           "{\"Name\":\"Placed\",\"Unit\":\"Count\"},{\"Name\":\"Bytes\",\"Unit\":\"Bytes\"}]}]},"
                           "\"Service\":\"checkout\",\"Latency\":12.5,\"Placed\":1,\"Bytes\":5120,\"requestId\":\"abc\"}");
    int n = 1000000;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++) {
        emf_result_t r;
        emf_extract(t, EV, &r);
        if (r.npoints != 3)
            check_fail_(__FILE__, __LINE__, "3 points");
        emf_result_free(&r);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / n;
    fprintf(stderr, "  emf_extract: %.0f ns per 3-metric document\n", ns);
    CHECK(ns < 20000);
    cJSON_Delete(t);
}

TEST_LIST = {
    TEST(test_v1_spec_example),
    TEST(test_v2_undimensioned_highres_array),
    TEST(test_v3_two_sets_dotted_key_no_unit),
    TEST(test_v4_two_directives_shared_target),
    TEST(test_v5_powertools_cold_start),
    TEST(test_v6_lambda_prefixed_line),
    TEST(test_v7_agent_mode),
    TEST(test_aws_embedded_metrics_node),
    TEST(test_powertools_flush),
    TEST(test_i1_no_aws),
    TEST(test_i2_target_missing),
    TEST(test_i3_target_string),
    TEST(test_i4_dimension_not_string),
    TEST(test_i5_31_dimensions),
    TEST(test_i6_101_metric_definitions),
    TEST(test_i6_101_in_second_directive_drops_all),
    TEST(test_i7_101_values),
    TEST(test_i8_nested_object_target),
    TEST(test_i9_nested_dimension),
    TEST(test_i10_bad_units),
    TEST(test_i11_resolution_5),
    TEST(test_i12_bad_namespaces),
    TEST(test_namespace_length),
    TEST(test_i13_timestamp_string_or_seconds),
    TEST(test_i14_text_around_document),
    TEST(test_i15_nan_and_huge),
    TEST(test_i16_two_resolutions),
    TEST(test_not_emf),
    TEST(test_parse_errors),
    TEST(test_empty_directive_list),
    TEST(test_directive_faults),
    TEST(test_dimensions_missing_empty_emptyset),
    TEST(test_dimension_structure_faults),
    TEST(test_dimension_values),
    TEST(test_dimension_lengths),
    TEST(test_dimensions_sorted_and_deduplicated),
    TEST(test_metric_name_rules),
    TEST(test_every_unit),
    TEST(test_missing_unit_is_none),
    TEST(test_value_forms),
    TEST(test_value_object_form),
    TEST(test_values_counts_are_weights),
    TEST(test_values_given_statistics),
    TEST(test_statistic_set),
    TEST(test_timestamp_window),
    TEST(test_document_faults_all_reported),
    TEST(test_shared_targets_and_big_root),
    TEST(test_partial_document),
    TEST(test_reason_text_is_safe),
    TEST(test_10000_metrics),
    TEST(test_10000_dimension_sets),
    TEST(test_10000_directives),
    TEST(test_free_is_idempotent),
    TEST(test_speed),
    TEST_END,
};
