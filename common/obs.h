/* common/obs.h — project-wide rules shared by obsagent, obsq and obstop.
 *
 * Ownership: arguments are borrowed; a `const char *` argument is never kept
 * past the call; a returned pointer is owned by the caller and freed with the
 * same module's `_free`; functions named `_take` transfer ownership in.
 *
 * Errors: functions return int, 0 = OK, negative = error (an OBS_E* code),
 * with a message in a caller-provided obs_err_t (common/err.h). A function
 * either logs or returns an error, never both: the caller decides.
 *
 * Memory: allocation failure aborts (common/xalloc.h); every other failure,
 * bad input, I/O, SQLite busy, is returned.
 */
#ifndef OBS_H
#define OBS_H

#include <stddef.h>
#include <stdint.h>

#define OBS_VERSION "0.1.0"

/* A borrowed byte range: not NUL-terminated, never owned. */
typedef struct obs_span {
    const char *p;
    size_t len;
} obs_span_t;

static inline obs_span_t obs_span(const char *p, size_t len)
{
    obs_span_t s = { p, len };
    return s;
}

#if defined(__GNUC__)
#define OBS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define OBS_NORETURN __attribute__((noreturn))
#else
#define OBS_PRINTF(fmt, args)
#define OBS_NORETURN
#endif

#define OBS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A macro's value as a string literal: "..." OBS_STR(N) "..." in SQL text. */
#define OBS_STR_(x) #x
#define OBS_STR(x) OBS_STR_(x)

#endif
