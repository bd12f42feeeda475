/* lambda/classify_common.c — what every recogniser of the classifier uses:
 * the reset of a result, numbers, the level and outcome words, and the
 * names of kinds, levels and outcomes. A leaf: calls no other file of the
 * classifier. */
#include "lambda/classify.h"
#include "lambda/classify_int.h"

#include <math.h>
#include <string.h>

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
    if (cl_span_is(error_type, LIT("Runtime.OutOfMemory")))
        return LO_OOM;
    if (cl_has_prefix(error_type.p, error_type.len, LIT("Runtime.")) ||
        cl_has_prefix(error_type.p, error_type.len, LIT("Extension.")) ||
        cl_has_prefix(error_type.p, error_type.len, LIT("Sandbox.")))
        return LO_CRASH;
    return LO_ERROR;
}

lambda_outcome_t classify__error_type_outcome(const char *p, size_t n)
{
    const char *dot = memchr(p, '.', n);
    if (!dot)
        return LO_ERROR;
    size_t rest = n - (size_t)(dot + 1 - p);
    if (cl_has_prefix(p, n, LIT("Runtime.OutOfMemory")) && rest == 11)
        return LO_OOM;
    if ((rest == 9 && memcmp(dot + 1, "ExitError", 9) == 0) ||
        (rest == 5 && memcmp(dot + 1, "Crash", 5) == 0))
        return LO_CRASH;
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
