/* query/obsq/obsq.h — the obsq subcommands; query/obsq/main.c dispatches to them.
 * Each returns the process exit code (0 ok, 1 failure, 2 usage). */
#ifndef OBS_QUERY_CLI_H
#define OBS_QUERY_CLI_H

#include <sqlite3.h>
#include <stdio.h>

#include "query/ast.h"

int obsq_cmd_summary(const char *db, int argc, char **argv);
int obsq_cmd_metrics(const char *db, int argc, char **argv);
/* obsq [options] QUERY: parses its own options (including --db). */
int obsq_cmd_query(int argc, char **argv);

/* After a query with no row or an empty column: a note on f for each JSON
 * field it reads that no recent event of the store has (field_notes.c). */
void obsq_field_notes(sqlite3 *db, const query_ast_t *q, FILE *f);

#endif
