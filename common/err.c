/* common/err.c — obs_err_t helpers (see err.h). A message is made safe
 * for a terminal when it is set (common/termsafe.h): it often carries a
 * path, a name or text from the data, and every program prints it. */
#include "common/err.h"
#include "common/termsafe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int obs_err_set(obs_err_t *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        err->line = err->col = 0;
        va_start(ap, fmt);
        int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        size_t len = n < 0 ? 0 : (size_t)n >= sizeof err->msg ? sizeof err->msg - 1 : (size_t)n;
        if (!termsafe_clean(err->msg, len, 0)) {
            char raw[sizeof err->msg];
            memcpy(raw, err->msg, len);
            termsafe_copy(err->msg, sizeof err->msg, raw, len, 0);
        }
    }
    return code;
}

void obs_err_clear(obs_err_t *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}
