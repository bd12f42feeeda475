/* query/obsq/obsq.h — the obsq subcommands; query/obsq/main.c dispatches to them.
 * Each returns the process exit code (0 ok, 1 failure, 2 usage). */
#ifndef OBS_QUERY_CLI_H
#define OBS_QUERY_CLI_H

int obsq_cmd_summary(const char *db, int argc, char **argv);
int obsq_cmd_metrics(const char *db, int argc, char **argv);
/* obsq [options] QUERY: parses its own options (including --db). */
int obsq_cmd_query(int argc, char **argv);

#endif
