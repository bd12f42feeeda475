/* tests/unit/agent/test_multiline_event.c — agent/multiline_event.c: the
 * pending-event buffer (joining, counts, caps, trailing blank lines, the
 * bytes a checkpoint must stay behind). */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "agent/multiline_event.h"

static line_t L(const char *s, int flags)
{
    line_t l = { s, strlen(s), flags };
    return l;
}

/* An event begun by an empty line (a wrapper's header with no message:
 * aws logs tail --format json) starts with the line that joins it. */
static void test_empty_head(void)
{
    multiline_event_t ev = { 0 };
    line_t h = L("", 0), a = L("{", 0), b = L("    \"level\": \"INFO\"", 0), c = L("}", 0);
    multiline_begin(&ev, &h, 86, ML_WRAPPED_HEAD);
    CHECK_EQ_INT(ev.len, 0);
    CHECK_EQ_INT(multiline_append(&ev, &a, 2, ML_JSON, 1000), 0);
    CHECK_EQ_INT(ev.head, 1);
    CHECK_EQ_INT(multiline_append(&ev, &b, 22, ML_JSON, 1000), 0);
    CHECK_EQ_INT(multiline_append(&ev, &c, 2, ML_CLOSED, 1000), 0);
    CHECK_EQ_INT(ev.len, strlen("{\n    \"level\": \"INFO\"\n}"));
    CHECK(memcmp(ev.buf, "{\n    \"level\": \"INFO\"\n}", ev.len) == 0);
    CHECK_EQ_INT(ev.head, 1);
    CHECK_EQ_INT(ev.lines, 4);
    CHECK_EQ_INT(multiline_unstored(&ev), 86 + 2 + 22 + 2);
    multiline_done(&ev);
}

static void test_event_buffer(void)
{
    multiline_event_t ev = { 0 };
    CHECK_EQ_INT(multiline_unstored(&ev), 0);
    CHECK_EQ_INT(multiline_unstored(NULL), 0);
    line_t a = L("ERROR first", 0), b = L("  second", LINE_TRUNCATED), c = L("  third", LINE_NO_NEWLINE);
    multiline_begin(&ev, &a, 12, ML_ERROR);
    CHECK_EQ_INT(multiline_unstored(&ev), 12);
    CHECK_EQ_INT(multiline_append(&ev, &b, 400, ML_STACK, 1000), 0);
    CHECK_EQ_INT(multiline_append(&ev, &c, 7, ML_STACK, 1000), 0);
    CHECK_EQ_INT(ev.len, strlen("ERROR first\n  second\n  third"));
    CHECK(memcmp(ev.buf, "ERROR first\n  second\n  third", ev.len) == 0);
    CHECK_EQ_INT(ev.head, strlen("ERROR first"));
    CHECK_EQ_INT(ev.state, ML_STACK);
    CHECK_EQ_INT(ev.lines, 3);
    CHECK_EQ_INT(ev.flags, LINE_TRUNCATED | LINE_NO_NEWLINE);
    CHECK_EQ_INT(ev.truncated, 1);
    CHECK_EQ_INT(ev.no_newline, 1);
    CHECK_EQ_INT(multiline_unstored(&ev), 12 + 400 + 7);

    /* full by bytes: nothing joined, nothing changed */
    line_t d = L("  fourth", 0);
    CHECK_EQ_INT(multiline_append(&ev, &d, 9, ML_STACK, ev.len + d.len), -1);
    CHECK_EQ_INT(ev.lines, 3);
    CHECK_EQ_INT(multiline_append(&ev, &d, 9, ML_STACK, ev.len + 1 + d.len), 0);

    /* trailing blank lines are dropped, inner ones kept */
    multiline_clear(&ev);
    CHECK_EQ_INT(multiline_unstored(&ev), 0);
    CHECK(ev.buf != NULL);  /* kept for the next event */
    line_t blank = { "", 0, 0 }, e = L("ValueError: x", 0), t = L("During handling of the above "
                                                                  "exception, another exception occurred:", 0);
    multiline_begin(&ev, &e, 14, ML_PY_END);
    CHECK_EQ_INT(multiline_append(&ev, &blank, 1, ML_PY_END, 1000), 0);
    CHECK_EQ_INT(multiline_append(&ev, &t, t.len + 1, ML_PY_CHAIN, 1000), 0);
    CHECK_EQ_INT(multiline_append(&ev, &blank, 1, ML_PY_CHAIN, 1000), 0);
    CHECK_EQ_INT(multiline_append(&ev, &blank, 1, ML_PY_CHAIN, 1000), 0);
    CHECK_EQ_INT(multiline_trim(&ev), 2);
    CHECK_EQ_INT(ev.len, 14 + 1 + t.len);
    CHECK(memcmp(ev.buf, "ValueError: x\n\nDuring", 21) == 0);
    CHECK_EQ_INT(ev.lines, 5);  /* physical lines: the trimmed ones too */

    /* full by lines */
    multiline_begin(&ev, &a, 12, ML_ERROR);
    int ok = 0;
    for (int i = 1; i < MULTILINE_MAX_LINES + 5; i++)
        ok += multiline_append(&ev, &d, 9, ML_STACK, 1 << 20) == 0;
    CHECK_EQ_INT(ok, MULTILINE_MAX_LINES - 1);
    CHECK_EQ_INT(ev.lines, MULTILINE_MAX_LINES);
    multiline_done(&ev);
    CHECK(ev.buf == NULL);
    multiline_done(NULL);
}

TEST_LIST = {
    TEST(test_event_buffer),
    TEST(test_empty_head),
    TEST_END,
};
