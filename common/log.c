/* common/log.c — time-stamped, levelled lines on stderr (see log.h). */
#include "common/log.h"
#include "common/clock.h"
#include "common/isotime.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *prog_name = "obs";
static obs_log_level_t min_level = OBS_LOG_INFO;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void obs_log_setup(const char *prog, obs_log_level_t level)
{
    prog_name = prog;
    min_level = level;
}

void obs_log(obs_log_level_t level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char line[2048], when[32];
    isotime_format(obs_wall_ms(), when);
    int n = snprintf(line, sizeof line, "%s %s %s: ", when, level_names[level], prog_name);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;   /* cut, still one line */
    while (len > (size_t)n && line[len - 1] == '\n')
        len--;
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
