/* tests/unit/agent/prom/test_prom_text.c — the Prometheus exposition renderer: name
 * sanitising and snake_case, label-value escaping (quotes, backslashes,
 * newlines, invalid UTF-8), the EMF unit suffixes and their conversions,
 * number formatting, and a whole rendering: per-function counters,
 * cumulative histogram buckets from a sketch, EMF series merged when they
 * sanitise to one series, one TYPE line per family, agent counters. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "agent/prom/prom_text.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

typedef void (*put_fn)(buf_t *, const char *);

static char *put(put_fn fn, const char *s)
{
    buf_t b = { 0 };
    fn(&b, s);
    return buf_take(&b);
}

#define CHECK_PUT(fn, in, want)                                      \
    do {                                                             \
        char *got_ = put(fn, in);                                    \
        CHECK_EQ_STR(got_, want);                                    \
        free(got_);                                                  \
    } while (0)

static void test_names(void)
{
    CHECK_PUT(prom_put_name, "files_opened", "files_opened");
    CHECK_PUT(prom_put_name, "a.b-c d:e/é", "a_b_c_d_e___");
    CHECK_PUT(prom_put_snake, "ItemsProcessed", "items_processed");
    CHECK_PUT(prom_put_snake, "HTTPCode", "http_code");
    CHECK_PUT(prom_put_snake, "FunctionName", "function_name");
    CHECK_PUT(prom_put_snake, "p99Latency", "p99_latency");
    CHECK_PUT(prom_put_snake, "already_snake", "already_snake");
    CHECK_PUT(prom_put_snake, "Foo_Bar", "foo_bar");
    CHECK_PUT(prom_put_snake, "Cold Start (ms)", "cold_start__ms_");
    CHECK_PUT(prom_put_snake, "", "");
}

static void test_label_values(void)
{
    CHECK_PUT(prom_put_label_value, "plain", "plain");
    CHECK_PUT(prom_put_label_value, "a\"b\\c\nd", "a\\\"b\\\\c\\nd");
    CHECK_PUT(prom_put_label_value, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    /* a stray byte, an overlong encoding, a sequence cut by the end */
    CHECK_PUT(prom_put_label_value, "x\xFFy", "x\xEF\xBF\xBDy");
    CHECK_PUT(prom_put_label_value, "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK_PUT(prom_put_label_value, "end\xE2\x82", "end\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void check_family(const char *name, const char *unit, const char *want, double scale)
{
    buf_t b = { 0 };
    double got = prom_emf_family(&b, name, unit);
    CHECK_EQ_STR(b.p, want);
    CHECK(got == scale);
    buf_free(&b);
}

static void test_emf_family(void)
{
    check_family("ItemsProcessed", "Count", "emf_items_processed", 1);
    check_family("Queue", "None", "emf_queue", 1);
    check_family("Queue", "", "emf_queue", 1);
    check_family("Latency", "Milliseconds", "emf_latency_seconds", 1e-3);
    check_family("Latency", "Microseconds", "emf_latency_seconds", 1e-6);
    check_family("Latency", "Seconds", "emf_latency_seconds", 1);
    check_family("Payload", "Kilobytes", "emf_payload_kilobytes", 1);
    check_family("Rate", "Count/Second", "emf_rate_count_per_second", 1);
    check_family("Cpu", "Percent", "emf_cpu_percent", 1);
    check_family("9lives", "Count", "emf_9lives", 1);
}

static void test_doubles(void)
{
    const struct {
        double v;
        const char *want;
    } cases[] = { { 0.1, "0.1" }, { 0.005, "0.005" }, { 21196.52217, "21196.52217" }, { 1.0 / 3, "0.3333333333333333" },
                  { 0, "0" }, { -2.5, "-2.5" }, { 1e300 * 1e300, "+Inf" }, { -1e300 * 1e300, "-Inf" } };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        buf_t b = { 0 };
        prom_put_double(&b, cases[i].v);
        CHECK_EQ_STR(b.p, cases[i].want);
        buf_free(&b);
    }
    buf_t b = { 0 };
    prom_put_double(&b, NAN);
    CHECK_EQ_STR(b.p, "NaN");
    buf_free(&b);
}

static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)); p++)
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return 1;
    return 0;
}

static int occurrences(const char *text, const char *s)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, s)); p++)
        n++;
    return n;
}

#define CHECK_LINE(text, line)                                       \
    do {                                                             \
        if (!has_line(text, line)) {                                 \
            char m_[512];                                            \
            snprintf(m_, sizeof m_, "a line \"%.400s\"", line);      \
            check_fail_(__FILE__, __LINE__, m_);                     \
        }                                                            \
    } while (0)

static void test_render(void)
{
    store_totals_t t;
    memset(&t, 0, sizeof t);
    store_fn_totals_t fn;
    memset(&fn, 0, sizeof fn);
    fn.function = "say \"hi\"";
    fn.invocations = 5;
    fn.errors = 1;
    fn.oom = 2;
    fn.billed_sum = 1500;
    fn.gb_seconds = 0.25;
    sketch_init(&fn.duration);
    sketch_init(&fn.init);
    /* durations in ms: two under 5 ms, one in (0.1, 0.25] s, one in
     * (1, 2.5] s, one in (60, 300] s */
    sketch_add(&fn.duration, 3, 2);
    sketch_add(&fn.duration, 150, 1);
    sketch_add(&fn.duration, 2000, 1);
    sketch_add(&fn.duration, 70000, 1);
    fn.duration_sum = 3 + 3 + 150 + 2000 + 70000;
    sketch_add(&fn.init, 250, 1);
    fn.init_sum = 250;
    t.fns = &fn;
    t.nfns = 1;

    store_metric_totals_t m[3] = {
        { "App", "Latency", "Milliseconds", "{\"FunctionName\":\"f\"}", 4, 1000 },
        /* sanitises to the same family and labels: one series with the above */
        { "App", "latency", "Seconds", "{\"FunctionName\":\"f\"}", 1, 2 },
        /* keys that sanitise alike: the first ("a.b") is kept */
        { "Other NS", "Orders", "Count", "{\"a.b\":\"1\",\"a_b\":\"2\",\"Svc\":\"x\\\"y\"}", 3, 9 },
    };
    t.metrics = m;
    t.nmetrics = 3;
    store_counter_value_t c[2] = { { "lines", 7 }, { "paused_ms", 1500 } };
    t.counters = c;
    t.ncounters = 2;

    buf_t b = { 0 };
    prom_render(&b, &t);
    const char *s = b.p;
    CHECK_LINE(s, "# TYPE obs_lambda_invocations_total counter");
    CHECK_LINE(s, "obs_lambda_invocations_total{function=\"say \\\"hi\\\"\"} 5");
    /* errors: every failed invocation (1 handler error + 2 out-of-memory kills) */
    CHECK_LINE(s, "obs_lambda_errors_total{function=\"say \\\"hi\\\"\"} 3");
    CHECK_LINE(s, "obs_lambda_handler_errors_total{function=\"say \\\"hi\\\"\"} 1");
    CHECK_LINE(s, "obs_lambda_oom_total{function=\"say \\\"hi\\\"\"} 2");
    CHECK_LINE(s, "obs_lambda_timeouts_total{function=\"say \\\"hi\\\"\"} 0");
    CHECK_LINE(s, "obs_lambda_billed_duration_seconds_total{function=\"say \\\"hi\\\"\"} 1.5");
    CHECK_LINE(s, "obs_lambda_gigabyte_seconds_total{function=\"say \\\"hi\\\"\"} 0.25");

    CHECK_LINE(s, "# TYPE obs_lambda_duration_seconds histogram");
    const char *D = "obs_lambda_duration_seconds_bucket{function=\"say \\\"hi\\\"\",le=";
    const struct {
        const char *le;
        int n;
    } want[] = { { "0.005", 2 }, { "0.01", 2 }, { "0.1", 2 }, { "0.25", 3 }, { "1", 3 }, { "2.5", 4 },
                 { "60", 4 }, { "300", 5 }, { "900", 5 }, { "+Inf", 5 } };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char line[256];
        snprintf(line, sizeof line, "%s\"%s\"} %d", D, want[i].le, want[i].n);
        CHECK_LINE(s, line);
    }
    CHECK_EQ_INT(occurrences(s, D), 16);   /* 15 bounds and +Inf */
    CHECK_LINE(s, "obs_lambda_duration_seconds_sum{function=\"say \\\"hi\\\"\"} 72.156");
    CHECK_LINE(s, "obs_lambda_duration_seconds_count{function=\"say \\\"hi\\\"\"} 5");
    CHECK_LINE(s, "obs_lambda_init_duration_seconds_bucket{function=\"say \\\"hi\\\"\",le=\"0.1\"} 0");
    CHECK_LINE(s, "obs_lambda_init_duration_seconds_bucket{function=\"say \\\"hi\\\"\",le=\"0.5\"} 1");
    CHECK_LINE(s, "obs_lambda_init_duration_seconds_sum{function=\"say \\\"hi\\\"\"} 0.25");
    CHECK_LINE(s, "obs_lambda_init_duration_seconds_count{function=\"say \\\"hi\\\"\"} 1");

    CHECK_EQ_INT(occurrences(s, "# TYPE emf_latency_seconds summary\n"), 1);
    CHECK_LINE(s, "emf_latency_seconds_sum{namespace=\"App\",dimension_function_name=\"f\"} 3");
    CHECK_LINE(s, "emf_latency_seconds_count{namespace=\"App\",dimension_function_name=\"f\"} 5");
    CHECK_EQ_INT(occurrences(s, "emf_latency_seconds_count{"), 1);
    CHECK_LINE(s, "# TYPE emf_orders summary");
    CHECK_LINE(s, "emf_orders_count{namespace=\"Other NS\",dimension_a_b=\"1\",dimension_svc=\"x\\\"y\"} 3");
    CHECK_LINE(s, "emf_orders_sum{namespace=\"Other NS\",dimension_a_b=\"1\",dimension_svc=\"x\\\"y\"} 9");

    CHECK_LINE(s, "# TYPE obs_agent_lines_total counter");
    CHECK_LINE(s, "obs_agent_lines_total 7");
    CHECK_LINE(s, "obs_agent_paused_seconds_total 1.5");

    /* nothing was left out: the family is announced, no sample */
    CHECK_LINE(s, "# TYPE obs_scrape_series_left_out gauge");
    CHECK(strstr(s, "\nobs_scrape_series_left_out{") == NULL);

    /* every family is typed once; the text ends with a newline */
    CHECK_EQ_INT(occurrences(s, "# TYPE obs_lambda_invocations_total "), 1);
    CHECK(b.len > 0 && s[b.len - 1] == '\n');
    buf_free(&b);
    sketch_done(&fn.duration);
    sketch_done(&fn.init);
}

/* Past --metrics-max-series: what was left out, per kind */
static void test_render_cut(void)
{
    store_totals_t t;
    memset(&t, 0, sizeof t);
    t.fns_cut = 3;
    t.metrics_cut = 70;
    buf_t b = { 0 };
    prom_render(&b, &t);
    CHECK_LINE(b.p, "obs_scrape_series_left_out{kind=\"function\"} 3");
    CHECK_LINE(b.p, "obs_scrape_series_left_out{kind=\"emf\"} 70");
    buf_free(&b);
}

/* A scrape written a piece at a time: small pieces (one function's line of
 * a family, one histogram), and the same text as prom_render. */
static void test_cursor_pieces(void)
{
    store_totals_t t;
    memset(&t, 0, sizeof t);
    t.nfns = 500;
    t.fns = xcalloc((size_t)t.nfns, sizeof *t.fns);
    char names[500][16];
    for (int i = 0; i < t.nfns; i++) {
        snprintf(names[i], sizeof names[i], "fn%03d", i);
        t.fns[i].function = names[i];
        t.fns[i].invocations = i;
        sketch_init(&t.fns[i].duration);
        sketch_init(&t.fns[i].init);
        sketch_add(&t.fns[i].duration, 10 + i, 1);
    }
    buf_t whole = { 0 }, pieces = { 0 };
    prom_render(&whole, &t);
    prom_cursor_t *c = prom_cursor_new(&t);
    size_t largest = 0;
    int n = 0;
    for (;;) {
        size_t before = pieces.len;
        if (!prom_cursor_next(c, &pieces))
            break;
        if (pieces.len - before > largest)
            largest = pieces.len - before;
        n++;
    }
    prom_cursor_free(c);
    CHECK(n > 500 * 10);
    CHECK(largest < 2048);
    CHECK(whole.len > 500 * 1000);
    CHECK_EQ_INT(pieces.len, whole.len);
    CHECK(pieces.len == whole.len && memcmp(pieces.p, whole.p, whole.len) == 0);
    buf_free(&whole);
    buf_free(&pieces);
    for (int i = 0; i < t.nfns; i++) {
        sketch_done(&t.fns[i].duration);
        sketch_done(&t.fns[i].init);
    }
    free(t.fns);
}

static void test_render_empty(void)
{
    store_totals_t t;
    memset(&t, 0, sizeof t);
    buf_t b = { 0 };
    prom_render(&b, &t);
    /* families are announced even with no series yet; no sample line */
    CHECK(b.p != NULL);
    CHECK(strstr(b.p, "# TYPE obs_lambda_invocations_total counter\n") != NULL);
    CHECK(strstr(b.p, "\nobs_") == NULL);
    buf_free(&b);
}

static void test_render_concurrency(void)
{
    store_fn_concurrency_t fns[2] = { { "api", 3, 7, NULL }, { "say \"hi\"", 0, 1, NULL } };
    store_concurrency_t c;
    memset(&c, 0, sizeof c);
    c.fns = fns;
    c.nfns = 2;
    c.all.level = 3;
    c.all.peak = 8;
    buf_t b = { 0 };
    prom_render_concurrency(&b, &c);
    const char *s = b.p;
    CHECK_LINE(s, "# TYPE obs_lambda_concurrent_executions gauge");
    CHECK_LINE(s, "obs_lambda_concurrent_executions{function=\"api\"} 3");
    CHECK_LINE(s, "obs_lambda_concurrent_executions{function=\"say \\\"hi\\\"\"} 0");
    CHECK_LINE(s, "# TYPE obs_lambda_concurrent_executions_peak gauge");
    CHECK_LINE(s, "obs_lambda_concurrent_executions_peak{function=\"api\"} 7");
    CHECK_LINE(s, "obs_lambda_concurrent_executions_peak{function=\"say \\\"hi\\\"\"} 1");
    CHECK_LINE(s, "obs_lambda_account_concurrent_executions 3");
    CHECK_LINE(s, "obs_lambda_account_concurrent_executions_peak 8");
    CHECK_EQ_INT(occurrences(s, "# TYPE "), 4);
    CHECK(b.len > 0 && s[b.len - 1] == '\n');
    buf_free(&b);
}

TEST_LIST = {
    TEST(test_names),
    TEST(test_label_values),
    TEST(test_emf_family),
    TEST(test_doubles),
    TEST(test_render),
    TEST(test_render_cut),
    TEST(test_cursor_pieces),
    TEST(test_render_empty),
    TEST(test_render_concurrency),
    TEST_END,
};
