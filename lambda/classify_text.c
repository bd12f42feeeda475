/* lambda/classify_text.c — the plain-text platform lines: START, END,
 * REPORT (and the XRAY line Lambda writes after it), INIT_START,
 * RESTORE_START, INIT_REPORT, RESTORE_REPORT, EXTENSION, TELEMETRY, LOGS;
 * "Task timed out after N seconds"; the Ruby runtime's error heads
 * ("Error raised from handler method"); "Runtime exited with error" lines with
 * or without their "RequestId: X" head; bare "Runtime.ExitError"-style
 * lines. Fields are recognised from a table of keys, so a new field is a
 * new row; lines from a table of keywords, so a new line is a new row. */
#include "lambda/classify.h"
#include "lambda/classify_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>


/* ---- text platform lines ---------------------------------------------- */

typedef enum field {
    F_REQID, F_VERSION, F_DURATION, F_BILLED, F_MEMSIZE, F_MAXMEM, F_INIT,
    F_RESTORE, F_BILLED_RESTORE, F_TRACE, F_SEGMENT, F_SAMPLED, F_STATUS,
    F_ERRTYPE, F_PHASE, F_RTVER, F_RTARN, F_NAME, F_STATE, F_EVENTS,
} field_t;

typedef struct fkey {
    const char *text;
    unsigned char len;
    field_t field;
} fkey_t;

static const fkey_t keys[] = {
    { LIT("RequestId:"), F_REQID },
    { LIT("Version:"), F_VERSION },
    { LIT("Duration:"), F_DURATION },
    { LIT("Billed Duration:"), F_BILLED },
    { LIT("Billed Restore Duration:"), F_BILLED_RESTORE },
    { LIT("Memory Size:"), F_MEMSIZE },
    { LIT("Max Memory Used:"), F_MAXMEM },
    { LIT("Init Duration:"), F_INIT },
    { LIT("Restore Duration:"), F_RESTORE },
    { LIT("XRAY TraceId:"), F_TRACE },
    { LIT("TraceId:"), F_TRACE },
    { LIT("SegmentId:"), F_SEGMENT },
    { LIT("Sampled:"), F_SAMPLED },
    { LIT("Status:"), F_STATUS },
    { LIT("Error Type:"), F_ERRTYPE },
    { LIT("ErrorType:"), F_ERRTYPE },
    { LIT("Phase:"), F_PHASE },
    { LIT("Runtime Version:"), F_RTVER },
    { LIT("Runtime Version ARN:"), F_RTARN },
    { LIT("Name:"), F_NAME },
    { LIT("State:"), F_STATE },
    { LIT("Events:"), F_EVENTS },
    { LIT("Types:"), F_EVENTS },
};

static size_t skip_ws(const char *p, size_t n, size_t i)
{
    while (i < n && cl_is_space(p[i]))
        i++;
    return i;
}

static size_t token_end(const char *p, size_t n, size_t i)
{
    while (i < n && !cl_is_space(p[i]))
        i++;
    return i;
}

/* The value of a key starting at p[i]: one whitespace-free token, or for a
 * bracketed list ("[INVOKE, SHUTDOWN]") everything through the ']' (or to
 * the next TAB when unterminated). Returns the end. */
static size_t value_end(const char *p, size_t n, size_t i)
{
    if (i < n && p[i] == '[') {
        size_t j = i;
        while (j < n && p[j] != ']' && p[j] != '\t')
            j++;
        return j < n && p[j] == ']' ? j + 1 : j;
    }
    return token_end(p, n, i);
}

static double number_field(const char *p, size_t n, size_t *i)
{
    size_t used;
    double v = classify__number(p + *i, n - *i, &used);
    *i += used;
    return v;
}

static int64_t int_field(const char *p, size_t n, size_t *i)
{
    double v = number_field(p, n, i);
    return isnan(v) || v > 9e15 ? -1 : (int64_t)v;
}

static void set_field(lambda_line_t *out, field_t f, const char *p, size_t n, size_t *i)
{
    size_t e;
    switch (f) {
    case F_DURATION: out->duration_ms = number_field(p, n, i); return;
    case F_BILLED: out->billed_duration_ms = number_field(p, n, i); return;
    case F_INIT: out->init_duration_ms = number_field(p, n, i); return;
    case F_RESTORE: out->restore_duration_ms = number_field(p, n, i); return;
    case F_BILLED_RESTORE: out->billed_restore_duration_ms = number_field(p, n, i); return;
    case F_MEMSIZE: out->memory_size_mb = int_field(p, n, i); return;
    case F_MAXMEM: out->max_memory_used_mb = int_field(p, n, i); return;
    default: break;
    }
    e = value_end(p, n, *i);
    obs_span_t v = obs_span(e > *i ? p + *i : NULL, e - *i);
    *i = e;
    switch (f) {
    case F_REQID: out->request_id = v; break;
    case F_VERSION: out->version = v; break;
    case F_TRACE: out->xray_trace_id = v; break;
    case F_SEGMENT: out->xray_segment_id = v; break;
    case F_SAMPLED:
        out->xray_sampled = cl_span_is(v, LIT("true")) ? 1 : cl_span_is(v, LIT("false")) ? 0 : -1;
        break;
    case F_STATUS: out->status = v; break;
    case F_ERRTYPE: out->error_type = v; break;
    case F_PHASE: out->phase = v; break;
    case F_RTVER: out->runtime_version = v; break;
    case F_RTARN: out->runtime_version_arn = v; break;
    case F_NAME: out->ext_name = v; break;
    case F_STATE: out->ext_state = v; break;
    case F_EVENTS: out->ext_events = v; break;
    default: break;
    }
}

/* Read "Key: value [unit]" pairs from p[i..n), separated by TABs or spaces;
 * words that are not a known key are skipped. */
static void scan_fields(const char *p, size_t n, size_t i, lambda_line_t *out)
{
    for (;;) {
        i = skip_ws(p, n, i);
        if (i >= n)
            return;
        const fkey_t *k = NULL;
        for (size_t j = 0; j < OBS_ARRAY_LEN(keys); j++) {
            if (keys[j].text[0] == p[i] && cl_has_prefix(p + i, n - i, keys[j].text, keys[j].len)) {
                k = &keys[j];
                break;
            }
        }
        if (!k) {
            i = token_end(p, n, i + 1);
            continue;
        }
        i = skip_ws(p, n, i + k->len);
        set_field(out, k->field, p, n, &i);
    }
}

/* "KEYWORD" followed by a space, a TAB or the end of the line. */
static int keyword(const char *p, size_t n, const char *kw, size_t kwlen)
{
    return cl_has_prefix(p, n, kw, kwlen) && (n == kwlen || p[kwlen] == ' ' || p[kwlen] == '\t');
}

/* The Serverless Framework v4's `sls logs` prints START, END and REPORT
 * with "RequestId:" replaced by "-" (and "Version:" by "- Version:", the
 * REPORT's "\tDuration:" by "\nDuration:": its format-lambda-log-event.js):
 * "START - <id> - Version: $LATEST", "END - <id>", "REPORT - <id>". At
 * p[i], "- " and a request id (8-4-4-4-12): the id's end, or 0. */
static size_t sls_request_id(const char *p, size_t n, size_t i, obs_span_t *id)
{
    if (!cl_has_prefix(p + i, n - i, LIT("- ")))
        return 0;
    size_t s = i + 2, e = token_end(p, n, s);
    if (e - s != 36)
        return 0;
    for (size_t k = 0; k < 36; k++) {
        int dash = k == 8 || k == 13 || k == 18 || k == 23;
        if ((p[s + k] == '-') != dash)
            return 0;
    }
    *id = obs_span(p + s, 36);
    return e;
}

static int platform_line(const char *p, size_t n, lambda_line_t *out)
{
    static const struct {
        const char *kw;
        size_t len;
        const char *needs;     /* the key that must follow, or NULL */
        lambda_kind_t kind;
        const char *init_type; /* what starting so says of the environment */
    } lines[] = {
        { LIT("START"), "RequestId:", LK_START, NULL },
        { LIT("END"), "RequestId:", LK_END, NULL },
        { LIT("REPORT"), "RequestId:", LK_REPORT, NULL },
        /* a REPORT whose request id is gone (a copy that cut it): its
         * numbers, no invocation (the pipeline counts it unrecognised) */
        { LIT("REPORT"), "Duration:", LK_REPORT, NULL },
        /* the Serverless Framework v3's `sls logs` drops the request id and
         * prints the REPORT's numbers after END ("END Duration: 3.22 ms\t..."):
         * read as such a REPORT */
        { LIT("END"), "Duration:", LK_REPORT, NULL },
        { LIT("INIT_START"), NULL, LK_INIT_START, NULL },
        /* SnapStart: an environment restored from a snapshot starts so */
        { LIT("RESTORE_START"), NULL, LK_INIT_START, "snap-start" },
        { LIT("INIT_REPORT"), NULL, LK_INIT_REPORT, NULL },
        { LIT("RESTORE_REPORT"), NULL, LK_RESTORE_REPORT, NULL },
        { LIT("EXTENSION"), NULL, LK_EXTENSION, NULL },
        { LIT("TELEMETRY"), NULL, LK_TELEMETRY, NULL },
        /* an extension's Logs API subscription (the Telemetry API's elder) */
        { LIT("LOGS"), "Name:", LK_TELEMETRY, NULL },
        /* tracing data Lambda writes on the line after its REPORT (one
         * CloudWatch event with it: the pipeline joins them) */
        { LIT("XRAY"), "TraceId:", LK_PLATFORM, NULL },
    };
    for (size_t k = 0; k < OBS_ARRAY_LEN(lines); k++) {
        if (!keyword(p, n, lines[k].kw, lines[k].len))
            continue;
        size_t i = skip_ws(p, n, lines[k].len), sls = 0;
        obs_span_t sls_id = obs_span(NULL, 0);
        if (lines[k].needs && !cl_has_prefix(p + i, n - i, lines[k].needs, strlen(lines[k].needs)) &&
            !(strcmp(lines[k].needs, "RequestId:") == 0 && (sls = sls_request_id(p, n, i, &sls_id))))
            continue;   /* another row of the keyword may fit */
        out->kind = lines[k].kind;
        out->type = lines[k].kw;
        if (lines[k].init_type)
            out->init_type = obs_span(lines[k].init_type, strlen(lines[k].init_type));
        if (sls) {
            out->request_id = sls_id;
            i = sls;
        }
        scan_fields(p, n, i, out);
        if (out->kind == LK_REPORT)
            out->outcome = classify__status_outcome(out->status, out->error_type);
        return 1;
    }
    return 0;
}

/* Does r start with the text Lambda writes when the runtime process died:
 * "Runtime exited with error: signal: killed", "Runtime exited without
 * providing a reason", "Process exited before completing request"? An
 * "Error:" or "Error" word before it is taken too. */
static int exit_phrase(const char *r, size_t rn)
{
    if (cl_has_prefix(r, rn, LIT("Error:")))
        r += 6, rn -= 6;
    else if (cl_has_prefix(r, rn, LIT("Error ")))
        r += 5, rn -= 5;
    while (rn && *r == ' ')
        r++, rn--;
    return cl_has_prefix(r, rn, LIT("Runtime exited")) ||
           cl_has_prefix(r, rn, LIT("Process exited before completing request"));
}

static void runtime_exit(lambda_line_t *out, obs_span_t id)
{
    static const char exit_error[] = "Runtime.ExitError";
    out->kind = LK_RUNTIME_EXIT;
    out->request_id = id;
    out->error_type = obs_span(exit_error, sizeof exit_error - 1);
    out->outcome = LO_CRASH;
}

/* "RequestId: X Error: Runtime exited ...", "RequestId: X Process exited
 * before completing request", the newer "RequestId: X Status: error
 * ErrorType: Runtime.ExitError" fault text, and "RequestId: X Error: <why>"
 * for other failures. */
static int request_line(const char *p, size_t n, lambda_line_t *out)
{
    if (!cl_has_prefix(p, n, LIT("RequestId:")))
        return 0;
    size_t i = skip_ws(p, n, sizeof "RequestId:" - 1);
    if (exit_phrase(p + i, n - i)) {
        /* "RequestId:  Error: Runtime exited ...": no id was written (the
         * runtime died outside an invocation, or a tool left it out) */
        runtime_exit(out, obs_span(NULL, 0));
        return 1;
    }
    size_t e = token_end(p, n, i);
    obs_span_t id = obs_span(e > i ? p + i : NULL, e - i);
    i = skip_ws(p, n, e);
    if (exit_phrase(p + i, n - i)) {
        runtime_exit(out, id);
        return 1;
    }
    if (cl_has_prefix(p + i, n - i, LIT("Duration:"))) {
        /* an emulator's summary of an invocation (serverless-offline):
         * its REPORT, printed only once the handler returned, so a
         * success (its failures are offline_failure_line's) */
        out->kind = LK_REPORT;
        out->type = "REPORT";
        out->request_id = id;
        scan_fields(p, n, i, out);
        out->status = obs_span("success", 7);
        return 1;
    }
    if (cl_has_prefix(p + i, n - i, LIT("Error: "))) {
        /* another failure Lambda reports so, its error type on the next
         * line: "Couldn't find valid bootstrap(s): [...]" then
         * "Runtime.InvalidEntrypoint", "fork/exec /var/task/bootstrap: no
         * such file or directory" (the runtime never ran: not an exit) */
        out->kind = LK_PLATFORM;
        out->request_id = id;
        out->outcome = LO_ERROR;
        return 1;
    }
    if (!cl_has_prefix(p + i, n - i, LIT("Status:")))
        return 0;
    scan_fields(p, n, i, out);
    out->kind = LK_RUNTIME_EXIT;
    out->request_id = id;
    out->outcome = classify__status_outcome(out->status, out->error_type);
    return 1;
}

/* The same lines without their "RequestId: X" head (as a paste or an
 * emulator writes them): the pipeline gives them to the request in
 * flight. */
static int exit_line(const char *p, size_t n, lambda_line_t *out)
{
    if (!exit_phrase(p, n))
        return 0;
    runtime_exit(out, obs_span(NULL, 0));
    return 1;
}

/* "Task timed out after 3.00 seconds" on a line of its own (the platform's
 * line inside an emulator's output, or a wrapper's message); the runtime
 * prefixed forms are in classify_runtime.c. */
static int timeout_line(const char *p, size_t n, lambda_line_t *out)
{
    if (!cl_has_prefix(p, n, LIT("Task timed out after ")))
        return 0;
    out->kind = LK_TIMEOUT;
    out->outcome = LO_TIMEOUT;
    out->timeout_s = classify__number(p + 21, n - 21, NULL);
    return 1;
}

/* A line that is exactly "Runtime.X", "Extension.X", "Sandbox.X" or
 * "Function.X" (trailing whitespace allowed). */
static int error_type_line(const char *p, size_t n, lambda_line_t *out)
{
    while (n > 0 && cl_is_space(p[n - 1]))
        n--;
    size_t i;
    if (cl_has_prefix(p, n, LIT("Runtime.")))
        i = sizeof "Runtime." - 1;
    else if (cl_has_prefix(p, n, LIT("Extension.")))
        i = sizeof "Extension." - 1;
    else if (cl_has_prefix(p, n, LIT("Sandbox.")))
        i = sizeof "Sandbox." - 1;
    else if (cl_has_prefix(p, n, LIT("Function.")))
        i = sizeof "Function." - 1;
    else
        return 0;
    if (i == n)
        return 0;
    for (size_t j = i; j < n; j++)
        if (!cl_is_ident(p[j]))
            return 0;
    out->kind = LK_ERROR_TYPE;
    out->error_type = obs_span(p, n);
    out->outcome = classify__error_type_outcome(p, n);
    return 1;
}

void classify_error_tail(const char *msg, size_t len, lambda_line_t *r)
{
    int failing = r->kind == LK_RUNTIME_EXIT || (r->kind == LK_PLATFORM && r->outcome != LO_NONE);
    if (r->error_type.len || r->tree || (r->kind != LK_PLAIN && !failing))
        return;
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r' || cl_is_space(msg[len - 1])))
        len--;
    const char *nl = len ? memrchr(msg, '\n', len) : NULL;
    if (!nl)
        return;
    lambda_line_t t;
    memset(&t, 0, sizeof t);
    const char *last = nl + 1;
    if (!error_type_line(last, (size_t)(msg + len - last), &t))
        return;
    r->error_type = t.error_type;
    if (r->outcome == LO_NONE)
        r->outcome = t.outcome;
    if (r->kind == LK_PLAIN)
        r->kind = LK_ERROR_TYPE;
}

/* "<reqid> Task timed out after N seconds": the timeout line once a
 * wrapper's time was taken off where Lambda's own was the wrapper's. */
static int id_timeout_line(const char *p, size_t n, lambda_line_t *out)
{
    const char *sp = n < 256 ? memchr(p, ' ', n) : NULL;
    if (!sp || sp == p || sp - p > 128 || memchr(p, '\t', (size_t)(sp - p)))
        return 0;
    size_t i = (size_t)(sp - p) + 1;
    if (!timeout_line(p + i, n - i, out))
        return 0;
    out->request_id = obs_span(p, (size_t)(sp - p));
    return 1;
}

/* SAM's and serverless-offline's own timeout message, where Lambda would
 * print its line: "Function 'HelloWorldFunction' timed out after 3 seconds". */
static int emulator_timeout_line(const char *p, size_t n, lambda_line_t *out)
{
    if (!cl_has_prefix(p, n, LIT("Function '")))
        return 0;
    const char *q = memchr(p + 10, '\'', n - 10);
    if (!q || !cl_has_prefix(q, (size_t)(p + n - q), LIT("' timed out after ")))
        return 0;
    size_t i = (size_t)(q - p) + sizeof "' timed out after " - 1;
    out->kind = LK_TIMEOUT;
    out->outcome = LO_TIMEOUT;
    out->timeout_s = classify__number(p + i, n - i, NULL);
    return 1;
}

/* serverless-offline's own messages when an invocation failed (it prints
 * no REPORT then, and names no request): "[504] - Lambda timeout." (its
 * LambdaFunction.js since v9; older releases: "Your λ handler 'fn' timed
 * out after 30000ms.") and "Unhandled Lambda Error during invoke of 'fn'"
 * (its InvocationsController.js), after what its logger puts before them:
 * "✖ ", "offline: ", "Serverless: ", "Warning: ", "Error: ". */
static int offline_failure_line(const char *p, size_t n, lambda_line_t *out)
{
    static const struct {
        const char *s;
        size_t n;
    } lead[] = { { LIT("\xE2\x9C\x96 ") }, { LIT("offline: ") }, { LIT("Serverless: ") },
                 { LIT("[Serverless-Offline] ") }, { LIT("Warning: ") }, { LIT("Error: ") } };
    size_t i = 0;
    for (size_t k = 0; k < sizeof lead / sizeof lead[0]; k++)
        if (cl_has_prefix(p + i, n - i, lead[k].s, lead[k].n))
            i += lead[k].n;
    p += i;
    n -= i;
    if (cl_has_prefix(p, n, LIT("[504] - Lambda timeout."))) {
        out->kind = LK_TIMEOUT;
        out->outcome = LO_TIMEOUT;
        return 1;
    }
    static const char handler[] = "Your \xCE\xBB handler '";
    const char *q;
    if (cl_has_prefix(p, n, LIT(handler)) && (q = memchr(p + sizeof handler - 1, '\'', n - (sizeof handler - 1))) &&
        cl_has_prefix(q, (size_t)(p + n - q), LIT("' timed out after "))) {
        size_t t = (size_t)(q - p) + sizeof "' timed out after " - 1;
        out->kind = LK_TIMEOUT;
        out->outcome = LO_TIMEOUT;
        out->timeout_s = classify__number(p + t, n - t, NULL) / 1000.0;
        return 1;
    }
    if (cl_has_prefix(p, n, LIT("Unhandled Lambda Error during invoke of '"))) {
        out->outcome = LO_ERROR;
        out->level = LL_ERROR;
        return 1;
    }
    return 0;
}

/* The line the Ruby runtime (aws_lambda_ric's LambdaLogger.log_error) writes
 * before the error it reports, which follows as pretty-printed JSON:
 * "Error raised from handler method", "Critical exception from handler",
 * "Init error when loading handler <handler>". The invocation failed (the
 * runtime sends the error as the invocation's result). */
static int ruby_error_head(const char *p, size_t n, lambda_line_t *out)
{
    static const struct { const char *s; size_t n; int whole; } heads[] = {
        { LIT("Error raised from handler method"), 1 },
        { LIT("Critical exception from handler"), 1 },
        { LIT("Init error when loading handler "), 0 },
    };
    /* the event may hold the error object too, on the lines after the head */
    const char *nl = memchr(p, '\n', n);
    size_t head = nl ? (size_t)(nl - p) : n;
    while (head > 0 && cl_is_space(p[head - 1]))
        head--;
    for (size_t k = 0; k < OBS_ARRAY_LEN(heads); k++) {
        if (heads[k].whole ? head == heads[k].n && memcmp(p, heads[k].s, head) == 0
                           : head > heads[k].n && cl_has_prefix(p, head, heads[k].s, heads[k].n)) {
            out->kind = LK_APP;
            out->level = LL_ERROR;
            out->outcome = LO_ERROR;
            if (nl) {
                size_t rest = (size_t)(nl - p) + 1;
                classify__embedded_json(p + rest, n - rest, out);
                const cJSON *t = out->tree ? cJSON_GetObjectItemCaseSensitive(out->tree, "errorType") : NULL;
                if (cJSON_IsString(t) && t->valuestring)
                    out->error_type = obs_span(t->valuestring, strlen(t->valuestring));
            }
            return 1;
        }
    }
    return 0;
}

/* The Java runtime's report of an uncaught exception (its UserFault
 * .reportableError: "<message>: <exception class>" then the stack trace on
 * the lines after): "/ by zero: java.lang.ArithmeticException",
 * "Class not found: example.Handler: java.lang.ClassNotFoundException".
 * The class is package-qualified (at least one dot) and its name ends in
 * Exception or Error; the line ends there. */
static int java_fault_line(const char *p, size_t n, lambda_line_t *out)
{
    while (n > 0 && cl_is_space(p[n - 1]))
        n--;
    size_t i = n;
    while (i > 0 && (cl_is_ident(p[i - 1]) || p[i - 1] == '.' || p[i - 1] == '$'))
        i--;
    if (i < 2 || p[i - 1] != ' ' || p[i - 2] != ':' || i == n)
        return 0;
    const char *cls = p + i, *dot = NULL;
    size_t len = n - i;
    for (size_t k = 0; k < len; k++)
        if (cls[k] == '.') {
            if (k == 0 || cls[k - 1] == '.')
                return 0;
            dot = cls + k;
        }
    if (!dot || dot + 1 >= cls + len || dot[1] < 'A' || dot[1] > 'Z')
        return 0;
    size_t last = (size_t)(cls + len - (dot + 1));
    const char *name = dot + 1;
    int ends = (last > 9 && memcmp(name + last - 9, "Exception", 9) == 0) ||
               (last > 5 && memcmp(name + last - 5, "Error", 5) == 0);
    if (!ends)
        return 0;
    out->kind = LK_APP;
    out->level = LL_ERROR;
    out->outcome = LO_ERROR;
    out->error_type = obs_span(cls, len);
    return 1;
}

int classify__text(const char *p, size_t n, lambda_line_t *out)
{
    switch (p[0]) {
    case 'S': case 'I': case 'L': case 'X':
        if (platform_line(p, n, out) || error_type_line(p, n, out) || (p[0] == 'I' && ruby_error_head(p, n, out)))
            return 1;
        break;
    case 'T':
        if (platform_line(p, n, out) || timeout_line(p, n, out))
            return 1;
        break;
    case 'E':
        if (platform_line(p, n, out) || exit_line(p, n, out) || error_type_line(p, n, out) ||
            ruby_error_head(p, n, out))
            return 1;
        break;
    case 'C':
        if (ruby_error_head(p, n, out))
            return 1;
        break;
    case 'R':
        if (platform_line(p, n, out) || request_line(p, n, out) || exit_line(p, n, out) ||
            error_type_line(p, n, out))
            return 1;
        break;
    case 'P':
        if (exit_line(p, n, out))
            return 1;
        break;
    case 'F':
        if (error_type_line(p, n, out) || emulator_timeout_line(p, n, out))
            return 1;
        break;
    default:
        break;
    }
    if (memchr("\xE2oSWEU[", p[0], 7) && offline_failure_line(p, n, out))
        return 1;
    return id_timeout_line(p, n, out) || java_fault_line(p, n, out);
}
