/* scripts/gendoc.c — the build's generator of what is made from the
 * programs' option tables (common/cli.h): man pages from their templates
 * (docs/man/NAME.in: the lines @OPTIONS@ and @EXIT_STATUS@ become the sections,
 * @VERSION@ the version), bash and zsh completion scripts, and the list of
 * options the tests compare with --help.
 *   gendoc man PROG TEMPLATE     gendoc bash PROG
 *   gendoc zsh PROG              gendoc list PROG */
#include "agent/cli.h"
#include "query/obsq/obsq.h"
#include "tui/options.h"

#include <stdio.h>
#include <string.h>

static const obs_cli_t *spec_of(const char *prog)
{
    if (strcmp(prog, "obsagent") == 0)
        return &agent_cli_spec;
    if (strcmp(prog, "obsq") == 0)
        return &obsq_cli_spec;
    if (strcmp(prog, "obstop") == 0)
        return &obstop_cli_spec;
    return NULL;
}

/* The template with its markers replaced; 1 when it cannot be read. */
static int man(FILE *out, const obs_cli_t *cli, const char *template)
{
    FILE *in = fopen(template, "r");
    char line[4096];
    if (!in) {
        perror(template);
        return 1;
    }
    while (fgets(line, sizeof line, in)) {
        if (strcmp(line, "@OPTIONS@\n") == 0) {
            if (cli)
                obs_cli_man_options(out, cli);
            continue;
        }
        if (strcmp(line, "@EXIT_STATUS@\n") == 0) {
            if (cli)
                obs_cli_man_exits(out, cli);
            continue;
        }
        for (char *p = line, *at; *p; p = at + 9) {
            if (!(at = strstr(p, "@VERSION@"))) {
                fputs(p, out);
                break;
            }
            fprintf(out, "%.*s%s", (int)(at - p), p, OBS_VERSION);
        }
    }
    fclose(in);
    return 0;
}

int main(int argc, char **argv)
{
    const obs_cli_t *cli = argc >= 3 ? spec_of(argv[2]) : NULL;
    if (argc == 4 && strcmp(argv[1], "man") == 0)
        return man(stdout, cli, argv[3]);   /* obs-store(5) has no options */
    if (argc != 3 || !cli) {
        fprintf(stderr, "usage: gendoc man PROG TEMPLATE | bash PROG | zsh PROG | list PROG\n"
                        "       (PROG: obsagent, obsq or obstop)\n");
        return 2;
    }
    if (strcmp(argv[1], "bash") == 0)
        obs_cli_bash(stdout, cli);
    else if (strcmp(argv[1], "zsh") == 0)
        obs_cli_zsh(stdout, cli);
    else if (strcmp(argv[1], "list") == 0)
        obs_cli_list(stdout, cli);
    else
        return 2;
    return ferror(stdout) ? 1 : 0;
}
