/* tui/term.h — obstop on a terminal (ncursesw): the key and refresh loop,
 * colours or a monochrome fallback, resize, and a terminal restored on
 * every exit path (quit, SIGINT/SIGTERM/SIGHUP, and crashes). */
#ifndef OBS_TUI_TERM_H
#define OBS_TUI_TERM_H

#include "tui/app.h"

/* Runs until the user quits or a signal ends it; returns the exit code. */
int term_run(app_t *a);

#endif
