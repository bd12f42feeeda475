/* common/cli.h — a program's command line as one table: each option is a
 * row (its short and long form, its value, its help, how its value
 * completes), and the same rows drive the parser (getopt_long underneath),
 * `--help`, the man page's OPTIONS and EXIT STATUS sections and the bash
 * and zsh completion scripts (cli_doc.c, generated at build time by
 * scripts/gendoc.c), so none of them can name an option the others do not.
 *
 * A program's switch keeps its cases: a row's id is the case label the
 * parser returns for it, whichever form was typed. */
#ifndef OBS_COMMON_CLI_H
#define OBS_COMMON_CLI_H

#include "common/obs.h"

#include <stdio.h>
#include <getopt.h>

enum obs_opt_flags {
    OBS_OPT_HIDDEN = 1,       /* parsed, never shown (an old spelling kept working) */
    OBS_OPT_REPEAT = 2,       /* may be given more than once */
    OBS_OPT_HEADING = 4,      /* not an option: a heading over the rows after it */
};

typedef struct obs_opt {
    int id;                   /* what obs_cli_next returns for it; never '?' */
    char letter;              /* short form ('d' for -d), 0 for none */
    const char *name;         /* long form without "--" (NULL: end of the group) */
    const char *arg;          /* the value's name ("FILE"); NULL: takes none */
    const char *help;         /* one paragraph, wrapped when printed; "\n" breaks a line */
    unsigned flags;           /* OBS_OPT_* */
    const char *complete;     /* the value's completion: "@file", "@dir", or the words */
} obs_opt_t;

/* A heading row, and the rows every program shares. */
#define OBS_OPT_SECTION(title) { 0, 0, "", NULL, title, OBS_OPT_HEADING, NULL }
#define OBS_OPT_DB(id) \
    { id, 'd', "db", "FILE", "the store (default: $OBS_DB, else ./obs.db)", 0, "@file" }
#define OBS_OPT_HELP { 'h', 'h', "help", NULL, "print this help and exit", 0, NULL }
#define OBS_OPT_VERSION(id) { id, 0, "version", NULL, "print the version and exit", 0, NULL }
#define OBS_OPT_END { 0, 0, NULL, NULL, NULL, 0, NULL }

typedef struct obs_exit {
    int code;
    const char *meaning;      /* NULL: end of the list */
} obs_exit_t;

typedef struct obs_cli obs_cli_t;
struct obs_cli {
    const char *prog;         /* "obsq", or "obsq summary" for a subcommand */
    const char *word;         /* a subcommand's word ("summary"), NULL for a program */
    const char *synopsis;     /* usage lines after the name, "\n" between them */
    const char *about;        /* what it does: one paragraph */
    const obs_opt_t *const *groups;   /* NULL-terminated; each ends with OBS_OPT_END */
    const obs_exit_t *exits;  /* its exit statuses (a subcommand: NULL, the program's) */
    const char *epilog;       /* printed after the options in --help, or NULL */
    const char *operands;     /* what its words complete to: "@file", or NULL */
    const obs_cli_t *const *subs;     /* subcommands, NULL-terminated, or NULL */
};

#define OBS_CLI_MAX_OPTS 96

/* The parser of one table: getopt_long's arrays built from the rows. */
typedef struct obs_cli_parser {
    const obs_cli_t *cli;
    struct option longs[OBS_CLI_MAX_OPTS + 1];
    const obs_opt_t *rows[OBS_CLI_MAX_OPTS];
    char shorts[2 * OBS_CLI_MAX_OPTS + 2];
    int n;
} obs_cli_parser_t;

/* Build the parser of cli and reset getopt (optind = 1). Aborts when the
 * table has more than OBS_CLI_MAX_OPTS options (a programming error). */
void obs_cli_parser_init(obs_cli_parser_t *p, const obs_cli_t *cli);
/* The id of the next option (its value in optarg), -1 after the last one
 * (optind: the first operand), '?' for an unknown option or a missing
 * value (getopt has said which on stderr). */
int obs_cli_next(obs_cli_parser_t *p, int argc, char **argv);

/* --help: the synopsis, about, every shown option with its help wrapped to
 * 79 columns, the epilog and the exit statuses. */
void obs_cli_help(FILE *out, const obs_cli_t *cli);
/* "see PROG --help" after a usage error, on stderr; returns 2. */
int obs_cli_usage_error(const obs_cli_t *cli, const char *fmt, ...)
    OBS_PRINTF(2, 3);
/* --version: "PROG VERSION". */
void obs_cli_version(FILE *out, const char *prog);

/* The first row of cli (its groups) with this long name, or NULL. */
const obs_opt_t *obs_cli_find(const obs_cli_t *cli, const char *name);

/* cli_doc.c: the documents generated from a table. */
/* The OPTIONS section of a man page (roff), subcommands as subsections. */
void obs_cli_man_options(FILE *out, const obs_cli_t *cli);
/* The EXIT STATUS section of a man page (roff). */
void obs_cli_man_exits(FILE *out, const obs_cli_t *cli);
/* A bash completion script for the program (complete -F). */
void obs_cli_bash(FILE *out, const obs_cli_t *cli);
/* A zsh completion function (#compdef) for the program. */
void obs_cli_zsh(FILE *out, const obs_cli_t *cli);
/* Every shown long option, one "--name" a line (subcommands: "word --name"). */
void obs_cli_list(FILE *out, const obs_cli_t *cli);

#endif
