/* query/obsq/main.c — obsq: read an obs store. `obsq summary`, `obsq metrics`
 * and `obsq report` are subcommands, wherever their word stands among the options; anything
 * else is a Logs Insights query (query/obsq/cmd_query.c). Each parses its
 * own options from the table of query/obsq/options.c. */
#include "query/obsq/obsq.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether the option word a (of spec's table) takes the next word as its
 * value: "--db" and "-d" do, "--db=x" and "-dx" do not. */
static int takes_next(const obs_cli_t *spec, const char *a)
{
    if (a[1] == '-') {
        if (strchr(a, '='))
            return 0;
        const obs_opt_t *o = obs_cli_find(spec, a + 2);
        return o && o->arg;
    }
    for (const obs_opt_t *const *g = spec->groups; *g; g++)
        for (const obs_opt_t *o = *g; o->name; o++)
            if (o->letter && o->letter == a[1])
                return o->arg && !a[2];
    return 0;
}

/* The index of the first argument that is neither an option nor an option's
 * value, or argc. */
static int first_word(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return i + 1 < argc ? i + 1 : argc;
        if (argv[i][0] != '-' || !argv[i][1])
            return i;
        if (takes_next(&obsq_cli_spec, argv[i]))
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
    int w = first_word(argc, argv);
    int (*cmd)(int, char **) = NULL;
    if (w < argc && strcmp(argv[w], "summary") == 0)
        cmd = obsq_cmd_summary;
    else if (w < argc && strcmp(argv[w], "metrics") == 0)
        cmd = obsq_cmd_metrics;
    else if (w < argc && strcmp(argv[w], "report") == 0)
        cmd = obsq_cmd_report;
    if (!cmd)
        return obsq_cmd_query(argc, argv);
    /* the subcommand's options, before and after its word */
    memmove(argv + w, argv + w + 1, (size_t)(argc - w) * sizeof *argv);
    return cmd(argc - 1, argv);
}
