/* common/log.c — time-stamped, levelled lines on stderr, as text or JSON
 * (see log.h). */
#include "common/log.h"
#include "common/clock.h"
#include "common/isotime.h"

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

/* msg[0, n) as the body of a JSON string into out (cap bytes, room kept
 * for the closing text); returns the length written. */
static size_t json_escape(char *out, size_t cap, const char *msg, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 7 < cap; i++) {
        unsigned char c = (unsigned char)msg[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    return o;
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
        n += json_escape(line + n, sizeof line - n - 4, msg, len);
        memcpy(line + n, "\"}\n", 3);
        n += 3;
    } else {
        /* one line: a line break inside the message is a space */
        for (size_t i = 0; i < len; i++)
            if (msg[i] == '\n' || msg[i] == '\r')
                msg[i] = ' ';
        n = (size_t)snprintf(line, sizeof line, "%s %s %s: %.*s\n", when, level_names[level], prog_name,
                             (int)len, msg);
        if (n >= sizeof line)
            n = sizeof line - 1;
    }
    ssize_t w = write(STDERR_FILENO, line, n);
    (void)w;
}
