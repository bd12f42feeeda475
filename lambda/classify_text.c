/* lambda/classify_text.c — the plain-text platform lines: START, END,
 * REPORT, INIT_START, INIT_REPORT, RESTORE_REPORT, EXTENSION, TELEMETRY,
 * "RequestId: ... Runtime exited", bare "Runtime.ExitError"-style lines.
 * Fields are recognised from a table of keys, so a new field is a new row. */
#include "lambda/classify.h"
#include "lambda/classify_int.h"

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

static int platform_line(const char *p, size_t n, lambda_line_t *out)
{
    static const struct {
        const char *kw;
        size_t len;
        int needs_reqid;
        lambda_kind_t kind;
    } lines[] = {
        { LIT("START"), 1, LK_START },
        { LIT("END"), 1, LK_END },
        { LIT("REPORT"), 1, LK_REPORT },
        { LIT("INIT_START"), 0, LK_INIT_START },
        { LIT("INIT_REPORT"), 0, LK_INIT_REPORT },
        { LIT("RESTORE_REPORT"), 0, LK_RESTORE_REPORT },
        { LIT("EXTENSION"), 0, LK_EXTENSION },
        { LIT("TELEMETRY"), 0, LK_TELEMETRY },
    };
    for (size_t k = 0; k < OBS_ARRAY_LEN(lines); k++) {
        if (!keyword(p, n, lines[k].kw, lines[k].len))
            continue;
        size_t i = skip_ws(p, n, lines[k].len);
        if (lines[k].needs_reqid && !cl_has_prefix(p + i, n - i, LIT("RequestId:")))
            return 0;
        out->kind = lines[k].kind;
        out->type = lines[k].kw;
        scan_fields(p, n, i, out);
        if (out->kind == LK_REPORT)
            out->outcome = classify__status_outcome(out->status, out->error_type);
        return 1;
    }
    return 0;
}

/* "RequestId: X Error: Runtime exited ...", "RequestId: X Process exited
 * before completing request", and the newer "RequestId: X Status: error
 * ErrorType: Runtime.ExitError" fault text. */
static int request_line(const char *p, size_t n, lambda_line_t *out)
{
    static const char exit_error[] = "Runtime.ExitError";
    if (!cl_has_prefix(p, n, LIT("RequestId:")))
        return 0;
    size_t i = skip_ws(p, n, sizeof "RequestId:" - 1);
    size_t e = token_end(p, n, i);
    obs_span_t id = obs_span(e > i ? p + i : NULL, e - i);
    i = skip_ws(p, n, e);
    const char *r = p + i;
    size_t rn = n - i;
    if (cl_has_prefix(r, rn, LIT("Error: Runtime exited")) ||
        cl_has_prefix(r, rn, LIT("Process exited before completing request"))) {
        out->error_type = obs_span(exit_error, sizeof exit_error - 1);
        out->outcome = LO_CRASH;
    } else if (cl_has_prefix(r, rn, LIT("Status:"))) {
        scan_fields(p, n, i, out);
        out->outcome = classify__status_outcome(out->status, out->error_type);
    } else {
        return 0;
    }
    out->kind = LK_RUNTIME_EXIT;
    out->request_id = id;
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

int classify__text(const char *p, size_t n, lambda_line_t *out)
{
    switch (p[0]) {
    case 'S': case 'E': case 'I': case 'T':
        return platform_line(p, n, out) || error_type_line(p, n, out);
    case 'R':
        return platform_line(p, n, out) || request_line(p, n, out) || error_type_line(p, n, out);
    case 'F':
        return error_type_line(p, n, out);
    default:
        return 0;
    }
}
