/* common/log.h — the one way a program reports what happens while it runs
 * (a pause, a file it cannot read, a listener open to other hosts): one
 * line on stderr with the time, the level and the program's name:
 *   2026-12-07T10:04:01.689Z warn obsagent: cannot read x.log: Permission denied
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

/* The program's name in every line ("obsagent"); lines below min_level are
 * not written. Call once, before any other thread starts. */
void obs_log_setup(const char *prog, obs_log_level_t min_level);

/* One line (a trailing '\n' in fmt is not needed; one is added). */
void obs_log(obs_log_level_t level, const char *fmt, ...) OBS_PRINTF(2, 3);

#endif
