/* store/agent_state.h — the state file an agent keeps next to its store,
 * "<db>-agent": its pid, whether it is running (following), importing
 * (--once), paused, or stopped, why and since when. It lives outside the
 * store on purpose: when the agent pauses because the store is locked or
 * full, the store is exactly what it cannot write to. Written whole
 * (temporary file + rename) at each change of state; a clean stop leaves
 * "stopped" and its time, so readers can tell a stopped agent from one never
 * seen (no file) and from one that died (a running state whose pid is gone).
 * `obsagent --status` and obstop read it. */
#ifndef OBS_AGENT_STATE_H
#define OBS_AGENT_STATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct agent_state agent_state_t;

/* The state file of the store at db_path (nothing is written yet). */
agent_state_t *agent_state_new(const char *db_path);
/* Record the stop ("stopped", since now) and free. NULL is a no-op. */
void agent_state_free(agent_state_t *as);

/* Record the state ("running", "importing", "paused"), the reason (NULL
 * when running) and since when (wall clock, ms). A file that cannot be written is reported
 * once on stderr; the agent goes on (stderr has the same events). */
void agent_state_set(agent_state_t *as, const char *state, const char *reason, int64_t since_ms);

/* What a state file says, for --status. */
typedef struct agent_state_info {
    long pid;
    char state[32];
    char reason[256];
    int64_t since_ms;
} agent_state_info_t;

/* 0 with *out filled, or -1 when there is no (readable) state file. */
int agent_state_read(const char *db_path, agent_state_info_t *out);

#endif
