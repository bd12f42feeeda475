/* common/err.h — the one error convention: int return (0 ok, negative error)
 * plus a caller-provided obs_err_t carrying a code, an optional position and
 * a human message. */
#ifndef OBS_ERR_H
#define OBS_ERR_H

#include "common/obs.h"

enum obs_errcode {
    OBS_OK = 0,
    OBS_EIO = -1,      /* a system call failed (errno in the message) */
    OBS_EDB = -2,      /* SQLite reported an error */
    OBS_EINVAL = -3,   /* bad argument or bad input */
    OBS_ESCHEMA = -4,  /* the store is newer than this program, or not a store */
    OBS_EBUSY = -5,    /* the store is locked by another writer */
    OBS_EFULL = -6,    /* the store cannot grow: disk full (or its page limit) */
};

typedef struct obs_err {
    int code;       /* an obs_errcode */
    int line, col;  /* 1-based position for parse errors, 0 when none */
    char msg[256];
} obs_err_t;

/* Record an error and return its code, so callers can `return obs_err_set(...)`.
 * err may be NULL. The message is kept safe for a terminal: control
 * characters, C1 and bidi controls and invalid UTF-8 made visible
 * (common/termsafe.h). */
int obs_err_set(obs_err_t *err, int code, const char *fmt, ...) OBS_PRINTF(3, 4);

/* Reset err to OK. err may be NULL. */
void obs_err_clear(obs_err_t *err);

#endif
