/* store/agent_state.c — the "<db>-agent" state file (see agent_state.h).
 * Format: one "name value" line each: pid, state, since_ms, reason. */
#include "store/agent_state.h"
#include "common/xalloc.h"
#include "common/log.h"
#include "common/clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct agent_state {
    char *path, *tmp;
    int warned;           /* a write failure was reported already */
};

static char *suffixed(const char *db_path, const char *suffix)
{
    char *p = xmalloc(strlen(db_path) + strlen(suffix) + 1);
    strcpy(p, db_path);
    strcat(p, suffix);
    return p;
}

agent_state_t *agent_state_new(const char *db_path)
{
    agent_state_t *as = xcalloc(1, sizeof *as);
    as->path = suffixed(db_path, "-agent");
    as->tmp = suffixed(db_path, "-agent.tmp");
    return as;
}

void agent_state_free(agent_state_t *as)
{
    if (!as)
        return;
    agent_state_set(as, "stopped", NULL, obs_wall_ms());
    free(as->path);
    free(as->tmp);
    free(as);
}

void agent_state_set(agent_state_t *as, const char *state, const char *reason, int64_t since_ms)
{
    FILE *fp = fopen(as->tmp, "w");
    int ok = fp != NULL;
    if (fp) {
        fprintf(fp, "pid %ld\nstate %s\nsince_ms %lld\n", (long)getpid(), state, (long long)since_ms);
        if (reason) {
            fputs("reason ", fp);
            for (const char *c = reason; *c; c++)
                fputc(*c == '\n' ? ' ' : *c, fp);
            fputc('\n', fp);
        }
        ok = fflush(fp) == 0 && !ferror(fp);
        ok = fclose(fp) == 0 && ok;
    }
    if (ok)
        ok = rename(as->tmp, as->path) == 0;
    if (!ok && !as->warned) {
        obs_log(OBS_LOG_WARN, "cannot write the state file %s: %s (the state is on stderr only)",
                as->path, strerror(errno));
        as->warned = 1;
    }
    if (!ok)
        unlink(as->tmp);
}

int agent_state_read(const char *db_path, agent_state_info_t *out)
{
    char *path = suffixed(db_path, "-agent");
    FILE *fp = fopen(path, "r");
    char line[512];
    free(path);
    memset(out, 0, sizeof *out);
    if (!fp)
        return -1;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "pid ", 4) == 0)
            out->pid = atol(line + 4);
        else if (strncmp(line, "state ", 6) == 0)
            snprintf(out->state, sizeof out->state, "%.31s", line + 6);
        else if (strncmp(line, "since_ms ", 9) == 0)
            out->since_ms = atoll(line + 9);
        else if (strncmp(line, "reason ", 7) == 0)
            snprintf(out->reason, sizeof out->reason, "%.255s", line + 7);
    }
    fclose(fp);
    return out->pid > 0 && out->state[0] ? 0 : -1;
}
