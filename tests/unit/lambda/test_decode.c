/* tests/unit/lambda/test_decode.c — lambda/decode.c: the line wrappers
 * (tests/lambda/wrappers.golden) and the choice of a format from an input's
 * first lines (tests/lambda/sniff.golden); then a wrapped line decoded and
 * classified gives the wrapper's time and Lambda's line. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/golden.h"

#include "common/isotime.h"
#include "lambda/classify.h"
#include "lambda/decode.h"

/* What decode_line yields, as the golden file writes it ("(own)": the
 * tool's own line, not stored; "(json copy)": the console's one-line second
 * copy of a JSON message printed over lines, stored in their place). */
static char *yield(decode_state_t *s, const char *line, size_t n)
{
    decode_record_t r;
    int rc = decode_line(s, line, n, &r);
    char *out = malloc(4 * n + 512), *o = out;
    if (rc < 0) {   /* the tool's own line: not stored */
        strcpy(out, s->exp_json_copy ? "(json copy)" : "(own)");
        return out;
    }
    if (rc == 1 && r.has_ts) {
        isotime_format(r.ts_ms, o);
        o += strlen(o);
    } else {
        *o++ = '-';
    }
    *o++ = '\\';
    *o++ = 't';
    if (r.stream.len)
        golden_escape(&o, r.stream.p, r.stream.len);
    else
        *o++ = '-';
    *o++ = '\\';
    *o++ = 't';
    if (r.function.len)
        golden_escape(&o, r.function.p, r.function.len);
    else
        *o++ = '-';
    *o++ = '\\';
    *o++ = 't';
    golden_escape(&o, r.message.p, r.message.len);
    *o = '\0';
    return out;
}

static void test_lines_golden(void)
{
    char *all = golden_read("tests/lambda/wrappers.golden", NULL);
    CHECK(all != NULL);
    if (!all)
        return;
    decode_state_t s;
    decode_state_init(&s, DECODE_LAMBDA);
    int pairs = 0;
    char *got = NULL;
    for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "== ", 3) == 0) {
            decode_format_t f;
            CHECK(decode_format_parse(line + 3, &f) == 0);
            decode_state_init(&s, f);
        } else if (strncmp(line, "> ", 2) == 0) {
            size_t n;
            char *in = golden_unescape(line + 2, strlen(line + 2), &n);
            free(got);
            got = yield(&s, in, n);
            free(in);
        } else if (strncmp(line, "< ", 2) == 0) {
            pairs++;
            if (!got || strcmp(got, line + 2) != 0) {
                fprintf(stderr, "  %s: expected\n    %s\n  got\n    %s\n", decode_format_name(s.format), line + 2,
                        got ? got : "(no input line)");
                check_failures++;
            }
        }
    }
    free(got);
    free(all);
    CHECK(pairs >= 20);
}

static void test_sniff_golden(void)
{
    char *all = golden_read("tests/lambda/sniff.golden", NULL);
    CHECK(all != NULL);
    if (!all)
        return;
    int blocks = 0;
    char *s = strstr(all, "\n== ");
    while (s) {
        s += 4;
        char *eol = strchr(s, '\n'), *next = strstr(s, "\n== ");
        char want[64], *sp = strchr(s, ' ');
        size_t wl = (size_t)((sp && sp < eol ? sp : eol) - s);
        snprintf(want, sizeof want, "%.*s", (int)wl, s);
        char *body = eol ? eol + 1 : s + strlen(s);
        size_t blen = (size_t)((next ? next + 1 : body + strlen(body)) - body), n;
        char *in = golden_unescape(body, blen, &n);
        decode_format_t got = decode_sniff(in, n);
        if (strcmp(decode_format_name(got), want) != 0) {
            fprintf(stderr, "  %.*s: sniffed %s\n", (int)(eol - s), s, decode_format_name(got));
            check_failures++;
        }
        free(in);
        blocks++;
        s = next;
    }
    free(all);
    CHECK(blocks >= 10);
}

/* A line of an export, decoded then classified: the wrapper's time, and
 * the rest classified as Lambda's line (what the classifier did itself
 * before wrappers were decoded first). */
static lambda_line_t r;
static decode_record_t rec;

static void dc(const char *line)
{
    decode_state_t s;
    decode_state_init(&s, DECODE_TAIL);
    classify_result_done(&r);
    decode_line(&s, line, strlen(line), &rec);
    classify_line(rec.message.p, rec.message.len, &r);
}

static void test_export_then_classify(void)
{
    dc("2024-03-04T17:22:38.033Z START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST");
    CHECK_EQ_INT(r.kind, LK_START);
    CHECK_EQ_INT(rec.has_ts, 1);
    CHECK_EQ_INT(rec.ts_ms, 1709572958033LL);
    CHECK_SPAN(r.request_id, "c793869b-ee49-115b-a5b6-4fd21e8dedac");
    dc("2024-03-04T17:22:38.033000+00:00 2019/06/07/[$LATEST]e6f4a0c4241adcd70c262d34c0bbc85c "
       "REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 1.50 ms");
    CHECK_EQ_INT(r.kind, LK_REPORT);
    CHECK_EQ_INT(rec.ts_ms, 1709572958033LL);
    CHECK(r.duration_ms == 1.5);
    CHECK_SPAN(rec.stream, "2019/06/07/[$LATEST]e6f4a0c4241adcd70c262d34c0bbc85c");
    /* the runtime prefix keeps its own time; the event's is the export's */
    dc("2024-03-04T17:22:39.000Z 2024-03-04T17:22:38.033Z\tb70435cc\tTask timed out after 3.00 seconds");
    CHECK_EQ_INT(r.kind, LK_TIMEOUT);
    CHECK_EQ_INT(rec.ts_ms, 1709572959000LL);
    CHECK_EQ_INT(r.ts_ms, 1709572958033LL);
    CHECK_SPAN(r.request_id, "b70435cc");
    dc("2024-03-04T17:22:39.000Z {\"timestamp\":\"2024-10-27T19:17:45.586Z\",\"level\":\"INFO\",\"message\":\"m\"}");
    CHECK_EQ_INT(r.kind, LK_APP);
    CHECK_EQ_INT(rec.ts_ms, 1709572959000LL);
    CHECK_SPAN(r.body, "m");
    dc("2024-03-04T17:22:39.000Z just some print output");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(rec.has_ts, 1);
    CHECK_SPAN(r.body, "just some print output");
    /* only one export prefix is taken off */
    dc("2024-03-04T17:22:39.000Z 2024-03-04T17:22:38.000Z START RequestId: x");
    CHECK_EQ_INT(r.kind, LK_PLAIN);
    CHECK_EQ_INT(rec.ts_ms, 1709572959000LL);
    /* Lambda's own timeout line under an export's time */
    dc("2023-10-20T16:28:18.000Z 2023-10-20T16:28:17.840Z 4299ee26-8d1d-4ea9-bd43-77b85ed96cfe Task timed out after 31.01 seconds");
    CHECK_EQ_INT(r.kind, LK_TIMEOUT);
    CHECK_SPAN(r.request_id, "4299ee26-8d1d-4ea9-bd43-77b85ed96cfe");
    CHECK(r.timeout_s == 31.01);
    classify_result_done(&r);
}

static void test_names(void)
{
    for (int f = 0; f < DECODE__COUNT; f++) {
        decode_format_t back;
        CHECK(decode_format_parse(decode_format_name((decode_format_t)f), &back) == 0 && back == (decode_format_t)f);
    }
    decode_format_t x;
    CHECK(decode_format_parse("nope", &x) == -1);
    CHECK(decode_is_gzip("\x1f\x8b\x08", 3));
    CHECK(!decode_is_gzip("\x1f", 1));
    CHECK(decode_is_document(DECODE_SUBSCRIPTION) && !decode_is_document(DECODE_TAIL));
}

TEST_LIST = {
    TEST(test_lines_golden),
    TEST(test_sniff_golden),
    TEST(test_export_then_classify),
    TEST(test_names),
    TEST_END,
};
