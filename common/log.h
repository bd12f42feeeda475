/* common/log.h — the one way a program reports what happens while it runs
 * (a pause, a file it cannot read, a listener open to other hosts): one
 * line on stderr per event with the time, the level and the program's name:
 *   2026-12-07T10:04:01.689Z warn obsagent: cannot read x.log: Permission denied
 * or, in the JSON format, one object a line:
 *   {"time":"2026-12-07T10:04:01.689Z","level":"warn","program":"obsagent","message":"cannot read ..."}
 * A usage error, before anything runs, is not an event: programs print it
 * plainly ("obsq: no query given"). Safe to call from any thread: each
 * line is one write(2). */
#ifndef OBS_LOG_H
#define OBS_LOG_H

#include "common/obs.h"

typedef enum obs_log_level {
    OBS_LOG_DEBUG,
    OBS_LOG_INFO,
    OBS_LOG_WARN,
    OBS_LOG_ERROR,
} obs_log_level_t;

typedef enum obs_log_format {
    OBS_LOG_TEXT,
    OBS_LOG_JSON,
} obs_log_format_t;

/* The program's name in every line ("obsagent"); lines below min_level are
 * not written. Call once, before any other thread starts. */
void obs_log_setup(const char *prog, obs_log_level_t min_level);
/* The format of the lines from now on (default OBS_LOG_TEXT). */
void obs_log_set_format(obs_log_format_t fmt);

/* "debug", "info", "warn" (or "warning"), "error"; 0, or -1 for another word. */
int obs_log_level_parse(const char *s, obs_log_level_t *out);
/* "text" or "json"; 0, or -1 for another word. */
int obs_log_format_parse(const char *s, obs_log_format_t *out);

/* One line (a trailing '\n' in fmt is not needed; one is added). */
void obs_log(obs_log_level_t level, const char *fmt, ...) OBS_PRINTF(2, 3);

#endif
