/* query/main.c — obsq: read an obs store. Parses the global options and
 * dispatches to a subcommand (query/cmd_*.c). The Logs Insights query
 * language (`obsq 'filter ... | stats ...'`) is coming in its own module. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: obsq [--db FILE] COMMAND [options]\n"
"\n"
"  summary        one row per function: invocations, errors, timeouts,\n"
"                 crashes (incl. out-of-memory), cold starts, p50/p99/max\n"
"                 duration, average init duration, peak memory of size,\n"
"                 throttle signals, events\n"
"  metrics        EMF custom metrics: one row per series with count, sum,\n"
"                 avg, min, max, p50/p90/p99 (obsq metrics --help)\n"
"\n"
"  --db FILE      the store (default: $OBS_DB, else ./obs.db)\n"
"  -h, --help     this help\n"
"\n"
"Logs Insights queries (obsq 'filter @type = \"REPORT\" | stats ...') are coming.\n";

int main(int argc, char **argv)
{
    const char *db = getenv("OBS_DB");
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "-d") == 0) && i + 1 < argc) {
            db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            db = argv[i] + 5;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        } else {
            fprintf(stderr, "obsq: unknown option '%s'\n%s", argv[i], usage);
            return 2;
        }
    }
    if (!db || !*db)
        db = "obs.db";
    if (i >= argc) {
        fprintf(stderr, "obsq: no command given\n%s", usage);
        return 2;
    }
    if (strcmp(argv[i], "summary") == 0)
        return obsq_cmd_summary(db, argc - i, argv + i);
    if (strcmp(argv[i], "metrics") == 0)
        return obsq_cmd_metrics(db, argc - i, argv + i);
    fprintf(stderr, "obsq: '%s' is not a command; the Logs Insights query language is not built "
                    "yet (available: summary, metrics)\n%s", argv[i], usage);
    return 2;
}
