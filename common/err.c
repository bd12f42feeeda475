/* common/err.c — obs_err_t helpers (see err.h). */
#include "common/err.h"

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
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void obs_err_clear(obs_err_t *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}
