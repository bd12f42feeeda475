/* agent/status.h — `obsagent --status`: what a running (or stopped) agent
 * left in the store and beside it, printed one "name value" line each: the
 * counters, the agent's state (running, paused and why, since when; read
 * from the state file next to the store, store/agent_state.h), and the lag of
 * every checkpointed file: bytes written to it that are not stored yet. */
#ifndef OBS_STATUS_H
#define OBS_STATUS_H

#include <stdio.h>

/* Print the status of the store at db to out; returns the exit status (0, or
 * 1 with a one-line error on stderr). */
int agent_status_print(const char *db, FILE *out);

#endif
