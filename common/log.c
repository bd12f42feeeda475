/* common/log.c — time-stamped, levelled lines on stderr, as text or JSON
 * (see log.h); the message made safe for a terminal, or escaped for JSON
 * (common/termsafe.h). */
#include "common/log.h"
#include "common/clock.h"
#include "common/isotime.h"
#include "common/termsafe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *prog_name = "obs";
static obs_log_level_t min_level = OBS_LOG_INFO;
static obs_log_format_t format = OBS_LOG_TEXT;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void obs_log_setup(const char *prog, obs_log_level_t level)
{
    prog_name = prog;
    min_level = level;
}

void obs_log_set_format(obs_log_format_t fmt)
{
    format = fmt;
}

int obs_log_level_parse(const char *s, obs_log_level_t *out)
{
    for (int i = 0; i < (int)OBS_ARRAY_LEN(level_names); i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (obs_log_level_t)i;
            return 0;
        }
    }
    if (strcmp(s, "warning") == 0) {
        *out = OBS_LOG_WARN;
        return 0;
    }
    return -1;
}

int obs_log_format_parse(const char *s, obs_log_format_t *out)
{
    if (strcmp(s, "text") == 0)
        *out = OBS_LOG_TEXT;
    else if (strcmp(s, "json") == 0)
        *out = OBS_LOG_JSON;
    else
        return -1;
    return 0;
}

void obs_log(obs_log_level_t level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char msg[2048], line[4096 + 256], when[32];
    isotime_format(obs_wall_ms(), when);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t len = m < 0 ? 0 : (size_t)m >= sizeof msg ? sizeof msg - 1 : (size_t)m;
    while (len > 0 && msg[len - 1] == '\n')
        len--;
    size_t n;
    if (format == OBS_LOG_JSON) {
        n = (size_t)snprintf(line, sizeof line, "{\"time\":\"%s\",\"level\":\"%s\",\"program\":\"%s\",\"message\":\"",
                             when, level_names[level], prog_name);
        n += termsafe_json_copy(line + n, sizeof line - n - 4, msg, len);
        memcpy(line + n, "\"}\n", 3);
        n += 3;
    } else {
        /* one line: a line break inside the message is a space, and
         * whatever could drive a terminal is made visible */
        for (size_t i = 0; i < len; i++)
            if (msg[i] == '\n' || msg[i] == '\r')
                msg[i] = ' ';
        n = (size_t)snprintf(line, sizeof line, "%s %s %s: ", when, level_names[level], prog_name);
        n += termsafe_copy(line + n, sizeof line - n - 1, msg, len, 0);
        line[n++] = '\n';
    }
    ssize_t w = write(STDERR_FILENO, line, n);
    (void)w;
}
