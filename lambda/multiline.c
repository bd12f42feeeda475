/* lambda/multiline.c — the multi-line rule (see multiline.h; in words in
 * docs/formats.md). A line continues
 * an event only if the classifier found nothing in it (plain: no time, no
 * request id, no platform keyword, no JSON) and it has one of the shapes
 * the event's state allows; only error lines and traceback headers open an
 * event to continuation lines, so an ordinary line is never held. */
#include "lambda/multiline.h"
#include "lambda/classify_int.h"

#include <math.h>
#include <string.h>

/* Starts with a space, a TAB or U+00A0 (Python frames in Lambda's logs). */
static int ws_led(const char *p, size_t n)
{
    return n > 0 && (p[0] == ' ' || p[0] == '\t' ||
                     (n > 1 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0));
}

/* p[0..n) is exactly lit, trailing whitespace allowed. */
static int is_line(const char *p, size_t n, const char *lit, size_t litlen)
{
    if (!p || !cl_has_prefix(p, n, lit, litlen))
        return 0;
    for (size_t i = litlen; i < n; i++)
        if (!cl_is_space(p[i]))
            return 0;
    return 1;
}

static int ends_with(const char *p, size_t n, const char *lit, size_t litlen)
{
    return n >= litlen && memcmp(p + n - litlen, lit, litlen) == 0;
}

/* An exception name at the start of the line, followed by the end of the
 * line or ": ": "java.lang.IllegalStateException: x", "KeyError: 'id'",
 * "StopIteration". Its last component starts upper case and ends in an
 * exception word; with loose set, any module-qualified CamelCase name
 * ("psycopg2.errors.UniqueViolation: ...") is enough. */
static int exception_name(const char *p, size_t n, int loose)
{
    static const struct { const char *s; size_t n; } words[] = {
        { LIT("Error") }, { LIT("Exception") }, { LIT("Throwable") }, { LIT("Warning") },
        { LIT("Exit") }, { LIT("Interrupt") }, { LIT("Iteration") },
    };
    size_t i = 0, last = 0;
    if (!p)
        return 0;
    for (; i < n && (cl_is_ident(p[i]) || p[i] == '$' || p[i] == '.'); i++) {
        if (p[i] == '.') {
            if (i == 0 || p[i - 1] == '.')
                return 0;
            last = i + 1;
        }
    }
    if (i == last || !(i == n || (p[i] == ':' && (i + 1 == n || p[i + 1] == ' '))))
        return 0;
    if (p[last] < 'A' || p[last] > 'Z')
        return 0;
    if (loose && last > 0)
        return 1;
    for (size_t k = 0; k < OBS_ARRAY_LEN(words); k++)
        if (ends_with(p + last, i - last, words[k].s, words[k].n))
            return 1;
    return 0;
}

static const char TRACEBACK[] = "Traceback (most recent call last):";
static const char CAUSED_BY[] = "Caused by: ";
static const char DURING[] = "During handling of the above exception, another exception occurred:";
static const char CAUSE[] = "The above exception was the direct cause of the following exception:";

ml_state_t multiline_opens(const char *line, size_t len, const lambda_line_t *r)
{
    size_t at = classify__warning_head(line, len);   /* the record after the runtime's warning */
    if ((r->kind != LK_APP && r->kind != LK_PLAIN) || (len > at && line[at] == '{'))
        return ML_NONE;
    if (is_line(r->body.p, r->body.len, TRACEBACK, sizeof TRACEBACK - 1))
        return ML_PY_TB;
    /* a runtime-prefixed line whose message is only "{": console.log of a
     * pretty-printed object (JSON.stringify(x, null, 4), Powertools'
     * dev mode), one event in CloudWatch */
    if (r->kind == LK_APP && r->body.p > line && is_line(r->body.p, r->body.len, LIT("{")))
        return ML_JSON;
    if (r->level >= LL_ERROR || r->outcome != LO_NONE || exception_name(r->body.p, r->body.len, 0))
        return ML_ERROR;
    /* the same object as the CloudWatch console shows it expanded: the
     * prefix with nothing after it, then "{" on a line of its own (an
     * error line with an empty message is an error line: "{" may follow) */
    if (r->kind == LK_APP && r->body.p > line && is_line(r->body.p, r->body.len, "", 0))
        return ML_JSON_HEAD;
    return ML_NONE;
}

ml_state_t multiline_wrapped_opens(const char *msg, size_t len)
{
    if (is_line(msg, len, LIT("{")))
        return ML_JSON;
    return is_line(msg, len, "", 0) ? ML_WRAPPED_HEAD : ML_NONE;
}

/* A JSON scalar alone on its line: a number, a string, true, false, null
 * (what aws logs tail --format json prints after a header for a message
 * that is one). */
static int json_scalar(const char *p, size_t n)
{
    while (n > 0 && cl_is_space(p[n - 1]))
        n--;
    if (n == 0)
        return 0;
    if (p[0] == '"')
        return n >= 2 && p[n - 1] == '"';
    if (is_line(p, n, LIT("true")) || is_line(p, n, LIT("false")) || is_line(p, n, LIT("null")))
        return 1;
    size_t i = p[0] == '-';
    if (i >= n || p[i] < '0' || p[i] > '9')
        return 0;
    for (; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == 'e' || p[i] == 'E' || p[i] == '+' ||
              p[i] == '-'))
            return 0;
    return 1;
}

ml_state_t multiline_report_opens(const lambda_line_t *r)
{
    if (r->kind != LK_REPORT || r->tree || !r->type || strcmp(r->type, "REPORT") != 0)
        return ML_NONE;
    int whole = !isnan(r->duration_ms) && !isnan(r->billed_duration_ms) && r->memory_size_mb >= 0 &&
                r->max_memory_used_mb >= 0;
    return whole ? ML_NONE : ML_REPORT;
}

/* A line that starts (after blanks) with one of the REPORT line's keys. */
static int report_fields(const char *p, size_t n)
{
    static const struct { const char *s; size_t n; } keys[] = {
        { LIT("Duration: ") }, { LIT("Billed Duration: ") }, { LIT("Memory Size: ") },
        { LIT("Max Memory Used: ") }, { LIT("Init Duration: ") }, { LIT("Restore Duration: ") },
        { LIT("Billed Restore Duration: ") }, { LIT("Status: ") }, { LIT("Error Type: ") },
    };
    while (n > 0 && (*p == ' ' || *p == '\t'))
        p++, n--;
    for (size_t k = 0; k < OBS_ARRAY_LEN(keys); k++)
        if (cl_has_prefix(p, n, keys[k].s, keys[k].n))
            return 1;
    return 0;
}

int multiline_platform(const lambda_line_t *r)
{
    if (r->tree)
        return 0;
    switch (r->kind) {
    case LK_START:
    case LK_END:
    case LK_REPORT:
    case LK_INIT_START:
    case LK_INIT_REPORT:
    case LK_RESTORE_REPORT:   /* RESTORE_START is an LK_INIT_START */
    case LK_EXTENSION:
    case LK_TELEMETRY:
    case LK_TIMEOUT:          /* "Task timed out after ...", Lambda's own event */
    case LK_RUNTIME_EXIT:     /* "RequestId: ... Error: Runtime exited ...", too */
        return 1;
    default:
        return 0;
    }
}

ml_state_t multiline_next(ml_state_t st, const char *p, size_t n, const lambda_line_t *r)
{
    /* under a tool that prints its prefix once per event, a line without
     * it is the message's: whatever it looks like, but Lambda's own
     * platform lines, each an event of its own */
    if (st == ML_WRAPPED_EVENT)
        return multiline_platform(r) ? ML_NONE : ML_WRAPPED_EVENT;
    if (st == ML_NONE || r->kind != LK_PLAIN || r->has_ts)
        return ML_NONE;
    switch (st) {
    case ML_ERROR:
        if (is_line(p, n, TRACEBACK, sizeof TRACEBACK - 1))
            return ML_PY_TB;
        if (is_line(p, n, LIT("{")))   /* the error as pretty-printed JSON (Ruby) */
            return ML_JSON;
        if (ws_led(p, n) || cl_has_prefix(p, n, CAUSED_BY, sizeof CAUSED_BY - 1) ||
            exception_name(p, n, 0))
            return ML_STACK;
        return ML_NONE;
    case ML_STACK:
        return ws_led(p, n) || cl_has_prefix(p, n, CAUSED_BY, sizeof CAUSED_BY - 1) ? ML_STACK
                                                                                   : ML_NONE;
    case ML_PY_TB:
        if (ws_led(p, n))
            return ML_PY_TB;
        return exception_name(p, n, 1) ? ML_PY_END : ML_NONE;
    case ML_PY_END:
        return is_line(p, n, DURING, sizeof DURING - 1) || is_line(p, n, CAUSE, sizeof CAUSE - 1)
                   ? ML_PY_CHAIN
                   : ML_NONE;
    case ML_PY_CHAIN:
        return is_line(p, n, TRACEBACK, sizeof TRACEBACK - 1) ? ML_PY_TB : ML_NONE;
    case ML_REPORT:
        return report_fields(p, n) ? ML_REPORT : ML_NONE;
    case ML_JSON_HEAD:
        return is_line(p, n, LIT("{")) ? ML_JSON : ML_NONE;
    case ML_WRAPPED_HEAD:
        if (is_line(p, n, LIT("{")))
            return ML_JSON;
        if (is_line(p, n, LIT("[")))
            return ML_JSON_ARRAY;
        return json_scalar(p, n) ? ML_CLOSED : ML_NONE;
    case ML_JSON:
        if (is_line(p, n, LIT("}")))
            return ML_CLOSED;
        return ws_led(p, n) ? ML_JSON : ML_NONE;
    case ML_JSON_ARRAY:
        if (is_line(p, n, LIT("]")))
            return ML_CLOSED;
        return ws_led(p, n) ? ML_JSON_ARRAY : ML_NONE;
    default:
        return ML_NONE;
    }
}

int multiline_keeps_blank(ml_state_t st)
{
    return st == ML_PY_END || st == ML_PY_CHAIN || st == ML_WRAPPED_EVENT;
}
