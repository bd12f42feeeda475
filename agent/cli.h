/* agent/cli.h — obsagent's command line: the options of every mode, parsed
 * and checked into the option structures of the modules they configure. */
#ifndef OBS_AGENT_CLI_H
#define OBS_AGENT_CLI_H

#include "agent/tail/tail.h"
#include "agent/prom/prom_http.h"
#include "agent/net/net_source.h"
#include "agent/retention.h"
#include "store/store.h"
#include "common/cli.h"
#include "common/log.h"

typedef struct agent_cli {
    const char *db;              /* the store (--db, $OBS_DB, or obs.db) */
    int once, quiet, emf, multiline, status, extension;
    decode_format_t format;          /* --format, DECODE_AUTO: per file by content */
    import_opts_t io;
    store_opts_t so;
    follow_opts_t fo;
    net_opts_t no;
    prom_http_opts_t mo;
    retention_opts_t ro;
    const char *forward;         /* --forward URL (ClickHouse), or NULL */
    const char **exclude;        /* owned: the --exclude globs (fo.exclude) */
    char **paths;                /* the PATH arguments */
    int npaths;
    obs_log_format_t log_format; /* --log-format */
    obs_log_level_t log_level;   /* --log-level */
} agent_cli_t;

/* The options of obsagent (its parser, --help, man page and completions). */
extern const obs_cli_t agent_cli_spec;

/* Parse argv into *cli (defaults from the environment: $OBS_DB,
 * $OBS_EMF_LISTEN, $OBS_METRICS_LISTEN). Returns -1 to go on, or the exit
 * code to end with: 0 after --help or --version, 2 after a bad option or
 * value (said on stderr). Standard input ('-') implies --once. */
int agent_cli_parse(int argc, char **argv, agent_cli_t *cli);
void agent_cli_free(agent_cli_t *cli);

#endif
