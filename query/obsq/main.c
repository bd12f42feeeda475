/* query/obsq/main.c — obsq: read an obs store. `obsq summary` and `obsq metrics`
 * are subcommands; anything else is a Logs Insights query (query/obsq/cmd_query.c
 * parses its own options). */
#include "query/obsq/obsq.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: obsq [options] QUERY            (obsq --help for the query options)\n"
"       obsq [--db FILE] COMMAND [options]\n"
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
"QUERY is a CloudWatch Logs Insights query, e.g.\n"
"  obsq 'filter @type = \"REPORT\" | stats count(*), pct(@duration, 99) by bin(5m)'\n";

/* The first argument that is neither an option nor an option's value. */
static int first_word(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || !argv[i][1])
            return i;
        if (!strchr(argv[i], '=') &&
            (!strcmp(argv[i], "--db") || !strcmp(argv[i], "-d")))
            i++;
    }
    return argc;
}

int main(int argc, char **argv)
{
    /* SQLite's memory statistics take a global mutex on every allocation,
     * which the threads of a split query (run_split.c) would queue on;
     * obsq reads none of them. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    const char *db = getenv("OBS_DB");
    int w = first_word(argc, argv);
    if (w >= argc || (strcmp(argv[w], "summary") && strcmp(argv[w], "metrics")))
        return obsq_cmd_query(argc, argv);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if ((strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "-d") == 0) && i + 1 < argc) {
            db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            db = argv[i] + 5;
        } else {
            fprintf(stderr, "obsq: unknown option '%s'\n%s", argv[i], usage);
            return 2;
        }
    }
    if (!db || !*db)
        db = "obs.db";
    if (strcmp(argv[i], "summary") == 0)
        return obsq_cmd_summary(db, argc - i, argv + i);
    if (strcmp(argv[i], "metrics") == 0)
        return obsq_cmd_metrics(db, argc - i, argv + i);
    fprintf(stderr, "obsq: unexpected '%s'\n%s", argv[i], usage);
    return 2;
}
