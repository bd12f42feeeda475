/* lambda/classify_common.c — what every recogniser of the classifier uses:
 * the reset of a result, numbers, the level and outcome words, the names
 * of kinds, levels and outcomes, and one JSON object parsed to the end of a
 * line (a JSON record, or an object after a text prefix). A leaf: calls no
 * other file of the classifier. */
#include "lambda/classify.h"
#include "lambda/classify_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

struct cJSON *classify__parse_object(const char *p, size_t len, size_t *obj_len)
{
    if (!p || len == 0 || p[0] != '{')
        return NULL;
    const char *end = NULL;
    cJSON *t = cJSON_ParseWithLengthOpts(p, len, &end, 0);
    if (!t)
        return NULL;
    if (!cJSON_IsObject(t) || !end || end <= p || end > p + len) {
        cJSON_Delete(t);
        return NULL;
    }
    for (const char *q = end; q < p + len; q++) {
        if (!cl_is_space(*q)) {
            cJSON_Delete(t);
            return NULL;
        }
    }
    *obj_len = (size_t)(end - p);
    return t;
}

void classify__embedded_json(const char *p, size_t len, lambda_line_t *out)
{
    const char *brace = p && len ? memchr(p, '{', len) : NULL;
    if (!brace)
        return;
    size_t n = len - (size_t)(brace - p), olen;
    cJSON *t = classify__parse_object(brace, n, &olen);
    if (!t)
        return;
    out->tree = t;
    out->json = obs_span(brace, olen);
}

void classify__reset(lambda_line_t *out, const char *line, size_t len)
{
    memset(out, 0, sizeof *out);
    out->kind = LK_PLAIN;
    out->body = obs_span(line, len);
    out->duration_ms = out->billed_duration_ms = out->init_duration_ms = NAN;
    out->restore_duration_ms = out->billed_restore_duration_ms = NAN;
    out->memory_size_mb = out->max_memory_used_mb = -1;
    out->xray_sampled = -1;
    out->timeout_s = NAN;
}

/* ---- numbers ---------------------------------------------------------- */

double classify__number(const char *p, size_t n, size_t *used)
{
    static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                    1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18 };
    uint64_t mant = 0;
    int sig = 0, scale = 0, frac = 0;
    size_t i = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        if (sig < 18) {
            mant = mant * 10 + (uint64_t)(p[i] - '0');
            sig += mant != 0;
        } else {
            scale++;
        }
    }
    if (i == 0) {
        if (used)
            *used = 0;
        return NAN;
    }
    if (i + 1 < n && p[i] == '.' && p[i + 1] >= '0' && p[i + 1] <= '9') {
        for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
            if (sig < 18) {
                mant = mant * 10 + (uint64_t)(p[i] - '0');
                sig += mant != 0;
                frac++;
            }
        }
    }
    if (used)
        *used = i;
    double v = (double)mant;
    if (scale > 0)
        v *= scale < 19 ? pow10[scale] : pow(10, scale);
    if (frac > 0)
        v /= frac < 19 ? pow10[frac] : pow(10, frac);
    return v;
}

/* ---- level and outcome tables ----------------------------------------- */

static int ieq(const char *p, size_t n, const char *lit)
{
    size_t k = 0;
    for (; k < n && lit[k]; k++) {
        char c = p[k];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != lit[k])
            return 0;
    }
    return k == n && lit[k] == '\0';
}

lambda_level_t classify__level(const char *p, size_t n)
{
    static const struct { const char *name; lambda_level_t level; } names[] = {
        { "TRACE", LL_TRACE }, { "TRCE", LL_TRACE }, { "VERBOSE", LL_TRACE },
        { "DEBUG", LL_DEBUG }, { "DBUG", LL_DEBUG },
        { "INFO", LL_INFO }, { "INFORMATION", LL_INFO },
        { "WARN", LL_WARN }, { "WARNING", LL_WARN },
        { "ERROR", LL_ERROR }, { "FAIL", LL_ERROR },
        { "FATAL", LL_FATAL }, { "CRIT", LL_FATAL }, { "CRITICAL", LL_FATAL },
    };
    if (!p || n < 4 || n > 11)
        return LL_NONE;
    for (size_t k = 0; k < OBS_ARRAY_LEN(names); k++)
        if (ieq(p, n, names[k].name))
            return names[k].level;
    return LL_NONE;
}

/* An invocation-ending status ("timeout", "error", "failure", "success")
 * with its error type: the type decides between error, crash and OOM. */
lambda_outcome_t classify__status_outcome(obs_span_t status, obs_span_t error_type)
{
    if (cl_span_is(status, LIT("timeout")))
        return LO_TIMEOUT;
    int failed = cl_span_is(status, LIT("error")) || cl_span_is(status, LIT("failure")) ||
                 (status.len == 0 && error_type.len > 0);
    if (!failed)
        return LO_NONE;
    if (error_type.len == 0)
        return LO_ERROR;
    return classify__error_type_outcome(error_type.p, error_type.len);
}

/* What an error type says happened (spec §3.2's list): the runtime or an
 * extension process died (Runtime.ExitError, Runtime.NodeJsExit,
 * Extension.Crash, Extension.ExitError) is a crash; Runtime.OutOfMemory an
 * out-of-memory kill; Sandbox.Timedout a timeout; every other type — the
 * runtime reporting the function's failure (Runtime.ImportModuleError,
 * Runtime.UserCodeSyntaxError, Runtime.Unknown, a handler's exception
 * class) — an error. */
lambda_outcome_t classify__error_type_outcome(const char *p, size_t n)
{
    static const struct { const char *type; lambda_outcome_t outcome; } types[] = {
        { "Runtime.OutOfMemory", LO_OOM },   { "Runtime.ExitError", LO_CRASH },
        { "Runtime.NodeJsExit", LO_CRASH },  { "Extension.Crash", LO_CRASH },
        { "Extension.ExitError", LO_CRASH }, { "Sandbox.Timedout", LO_TIMEOUT },
    };
    while (n > 0 && cl_is_space(p[n - 1]))
        n--;
    for (size_t k = 0; k < OBS_ARRAY_LEN(types); k++)
        if (strlen(types[k].type) == n && memcmp(p, types[k].type, n) == 0)
            return types[k].outcome;
    return LO_ERROR;
}

/* ---- names ------------------------------------------------------------- */

const char *classify_kind_name(lambda_kind_t k)
{
    static const char *const names[LK__COUNT] = {
        [LK_PLAIN] = "plain", [LK_APP] = "app", [LK_START] = "START", [LK_END] = "END",
        [LK_REPORT] = "REPORT", [LK_INIT_START] = "INIT_START",
        [LK_INIT_REPORT] = "INIT_REPORT", [LK_RESTORE_REPORT] = "RESTORE_REPORT",
        [LK_EXTENSION] = "EXTENSION", [LK_TELEMETRY] = "TELEMETRY",
        [LK_TIMEOUT] = "timeout", [LK_RUNTIME_EXIT] = "runtime_exit",
        [LK_ERROR_TYPE] = "error_type", [LK_PLATFORM] = "platform",
    };
    return (unsigned)k < LK__COUNT ? names[k] : "plain";
}

const char *classify_level_name(lambda_level_t l)
{
    static const char *const names[] = {
        [LL_NONE] = NULL, [LL_TRACE] = "TRACE", [LL_DEBUG] = "DEBUG", [LL_INFO] = "INFO",
        [LL_WARN] = "WARN", [LL_ERROR] = "ERROR", [LL_FATAL] = "FATAL",
    };
    return (unsigned)l < OBS_ARRAY_LEN(names) ? names[l] : NULL;
}

const char *classify_outcome_name(lambda_outcome_t o)
{
    static const char *const names[] = {
        [LO_NONE] = "ok", [LO_ERROR] = "error", [LO_TIMEOUT] = "timeout",
        [LO_CRASH] = "crash", [LO_OOM] = "oom",
    };
    return (unsigned)o < OBS_ARRAY_LEN(names) ? names[o] : "ok";
}
