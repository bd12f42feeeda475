/* tests/unit/lambda/test_shapes.c — lambda/classify.c over the line shapes
 * of tests/lambda/shapes.golden (real lines, each with the fields it must
 * yield): a new shape is a new block there. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/golden.h"

#include "common/isotime.h"
#include "lambda/classify.h"

#include <math.h>

static void put(char **o, const char *key, const char *v, size_t n)
{
    *o += sprintf(*o, " %s=", key);
    golden_escape(o, v, n);
}

static void put_span(char **o, const char *key, obs_span_t s)
{
    if (s.p && s.len)
        put(o, key, s.p, s.len);
}

static void put_num(char **o, const char *key, double v)
{
    if (!isnan(v))
        *o += sprintf(*o, " %s=%.15g", key, v);
}

/* The fields of a classified line, as the golden file writes them. */
static char *describe(const char *line, size_t n, const lambda_line_t *r)
{
    char *out = malloc(4 * n + 4096), *o = out;
    o += sprintf(o, "kind=%s", classify_kind_name(r->kind));
    if (r->type)
        o += sprintf(o, " type=%s", r->type);
    if (r->has_ts) {
        char t[32];
        isotime_format(r->ts_ms, t);
        o += sprintf(o, " ts=%s", t);
    }
    put_span(&o, "rid", r->request_id);
    if (classify_level_name(r->level))
        o += sprintf(o, " level=%s", classify_level_name(r->level));
    if (r->outcome)
        o += sprintf(o, " outcome=%s", classify_outcome_name(r->outcome));
    put_span(&o, "etype", r->error_type);
    if (r->kind == LK_REPORT || r->kind == LK_INIT_REPORT || r->kind == LK_RESTORE_REPORT)
        put_span(&o, "status", r->status);
    if (r->kind == LK_START)
        put_span(&o, "version", r->version);
    put_num(&o, "dur", r->duration_ms);
    put_num(&o, "billed", r->billed_duration_ms);
    if (r->memory_size_mb >= 0)
        o += sprintf(o, " mem=%lld", (long long)r->memory_size_mb);
    if (r->max_memory_used_mb >= 0)
        o += sprintf(o, " maxmem=%lld", (long long)r->max_memory_used_mb);
    put_num(&o, "init", r->init_duration_ms);
    put_num(&o, "restore", r->restore_duration_ms);
    put_num(&o, "billedrestore", r->billed_restore_duration_ms);
    put_span(&o, "phase", r->phase);
    put_span(&o, "xray", r->xray_trace_id);
    put_span(&o, "segment", r->xray_segment_id);
    if (r->xray_sampled >= 0)
        o += sprintf(o, " sampled=%d", r->xray_sampled);
    put_span(&o, "rtver", r->runtime_version);
    put_span(&o, "inittype", r->init_type);
    put_num(&o, "timeout", r->timeout_s);
    if (r->kind == LK_EXTENSION || r->kind == LK_TELEMETRY) {
        put_span(&o, "extname", r->ext_name);
        put_span(&o, "extstate", r->ext_state);
    }
    if (r->body.p && !(r->body.p == line && r->body.len == n) && r->kind != LK_PLAIN && r->body.len)
        put(&o, "body", r->body.p, r->body.len);
    *o = '\0';
    return out;
}

static void test_shapes_golden(void)
{
    char *all = golden_read("tests/lambda/shapes.golden", NULL);
    CHECK(all != NULL);
    if (!all)
        return;
    int pairs = 0;
    char *got = NULL, *input = NULL;
    for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "> ", 2) == 0) {
            size_t n;
            free(input);
            input = golden_unescape(line + 2, strlen(line + 2), &n);
            char *copy = malloc(n ? n : 1);   /* exact size: ASan sees any read past it */
            memcpy(copy, input, n);
            lambda_line_t r;
            classify_line(copy, n, &r);
            free(got);
            got = describe(copy, n, &r);
            classify_result_done(&r);
            free(copy);
        } else if (strncmp(line, "< ", 2) == 0) {
            pairs++;
            if (!got || strcmp(got, line + 2) != 0) {
                fprintf(stderr, "  %s\n  expected %s\n  got      %s\n", input ? input : "?", line + 2,
                        got ? got : "(no line)");
                check_failures++;
            }
        }
    }
    free(got);
    free(input);
    free(all);
    CHECK(pairs >= 30);
}

TEST_LIST = {
    TEST(test_shapes_golden),
    TEST_END,
};
