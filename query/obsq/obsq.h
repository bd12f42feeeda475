/* query/obsq/obsq.h — the obsq subcommands; query/obsq/main.c dispatches to
 * them. Each parses its own options (query/obsq/options.c) from argv, the
 * command line without the subcommand's word, and returns the process exit
 * code (0 ok, 1 failure, 2 usage). */
#ifndef OBS_QUERY_CLI_H
#define OBS_QUERY_CLI_H

#include "common/cli.h"
#include "query/ast.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

/* --max-bins' default: the most rows a zero-fill writes (docs/query-language.md
 * §3.4): a week at 1 minute is 10,080 bins, a month at 5 minutes 8,928, at 1
 * minute 44,640, a year at 1 hour 8,760. */
#define OBSQ_MAX_BINS 100000

int obsq_cmd_summary(int argc, char **argv);
int obsq_cmd_metrics(int argc, char **argv);
int obsq_cmd_report(int argc, char **argv);
/* obsq [options] QUERY */
int obsq_cmd_query(int argc, char **argv);

/* After a query with no row or an empty column: a note on f for each JSON
 * field it reads that no recent event of the store has (field_notes.c). */
void obsq_field_notes(sqlite3 *db, const query_ast_t *q, FILE *f);

/* The option tables (options.c). */
extern const obs_cli_t obsq_cli_spec, obsq_summary_spec, obsq_metrics_spec, obsq_report_spec;

/* "table", "json", "jsonl", "csv" into *out (a query/format.h qfmt_t): 0,
 * or 2 after saying on stderr what -o takes. */
int obsq_output_parse(const char *prog, const char *arg, int *out);

/* The scope options summary and metrics share with the query (scope.c). */
typedef struct obsq_scope {
    const char *db;              /* -d, $OBS_DB; obsq_scope_db() has the default */
    int64_t since_ms, until_ms;  /* --since/--start, --end; -1 = open */
    const char **functions;      /* owned array (of borrowed names) */
    int nfunctions;
    int fmt;                     /* a qfmt_t */
} obsq_scope_t;

void obsq_scope_init(obsq_scope_t *s);
/* Apply option c (of spec's table) with its value: 1 when it was a scope
 * option, 0 when not, 2 after saying on stderr why its value is wrong. */
int obsq_scope_opt(obsq_scope_t *s, const obs_cli_t *spec, int c, const char *arg);
const char *obsq_scope_db(const obsq_scope_t *s);
void obsq_scope_done(obsq_scope_t *s);

#endif
