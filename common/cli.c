/* common/cli.c — the option table's parser and its --help (see cli.h). */
#include "common/cli.h"
#include "common/termsafe.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HELP_COL 23     /* where an option's help starts */
#define HELP_WIDTH 79

void obs_cli_parser_init(obs_cli_parser_t *p, const obs_cli_t *cli)
{
    memset(p, 0, sizeof *p);
    p->cli = cli;
    char *s = p->shorts;
    for (const obs_opt_t *const *g = cli->groups; *g; g++) {
        for (const obs_opt_t *o = *g; o->name; o++) {
            if (o->flags & OBS_OPT_HEADING)
                continue;
            if (p->n == OBS_CLI_MAX_OPTS) {
                fprintf(stderr, "%s: more than %d options in the table\n", cli->prog, OBS_CLI_MAX_OPTS);
                abort();
            }
            /* a short form comes back as its letter, a long one as 256 + row */
            p->longs[p->n] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL,
                                              o->letter ? o->letter : 256 + p->n };
            p->rows[p->n++] = o;
            if (o->letter) {
                *s++ = o->letter;
                if (o->arg)
                    *s++ = ':';
            }
        }
    }
    *s = '\0';
    optind = 1;
}

int obs_cli_next(obs_cli_parser_t *p, int argc, char **argv)
{
    int c = getopt_long(argc, argv, p->shorts, p->longs, NULL);
    if (c == -1 || c == '?')
        return c;
    if (c >= 256 && c - 256 < p->n)
        return p->rows[c - 256]->id;
    for (int i = 0; i < p->n; i++)
        if (p->rows[i]->letter == c)
            return p->rows[i]->id;
    return '?';
}

const obs_opt_t *obs_cli_find(const obs_cli_t *cli, const char *name)
{
    for (const obs_opt_t *const *g = cli->groups; *g; g++)
        for (const obs_opt_t *o = *g; o->name; o++)
            if (!(o->flags & OBS_OPT_HEADING) && strcmp(o->name, name) == 0)
                return o;
    return NULL;
}

/* text from column col, words wrapped at HELP_WIDTH, "\n" a forced break
 * (the next line's leading spaces kept); the cursor is at column `at` on
 * entry. */
static void wrap(FILE *out, const char *text, int col, int at)
{
    const char *p = text;
    int fresh = 1;   /* no word on this line yet */
    while (*p) {
        if (*p == '\n') {
            fprintf(out, "\n%*s", col, "");
            at = col;
            for (p++; *p == ' '; p++, at++)
                fputc(' ', out);
            fresh = 1;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t w = strcspn(p, " \n");
        if (!fresh && at + 1 + (int)w > HELP_WIDTH) {
            fprintf(out, "\n%*s", col, "");
            at = col;
        } else if (!fresh) {
            fputc(' ', out);
            at++;
        }
        fwrite(p, 1, w, out);
        at += (int)w;
        p += w;
        fresh = 0;
    }
    fputc('\n', out);
}

static void help_row(FILE *out, const obs_opt_t *o)
{
    char lead[96];
    int n;
    if (o->letter)
        n = snprintf(lead, sizeof lead, "  -%c, --%s%s%s", o->letter, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
    else
        n = snprintf(lead, sizeof lead, "  --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    fputs(lead, out);
    if (n + 1 > HELP_COL) {   /* too long to share the line with its help */
        fprintf(out, "\n%*s", HELP_COL, "");
        n = HELP_COL;
    } else {
        fprintf(out, "%*s", HELP_COL - n, "");
        n = HELP_COL;
    }
    char help[1024];
    snprintf(help, sizeof help, "%s%s", o->help, o->flags & OBS_OPT_REPEAT ? " (repeatable)" : "");
    wrap(out, help, HELP_COL, n);
}

void obs_cli_help(FILE *out, const obs_cli_t *cli)
{
    const char *s = cli->synopsis;
    int first = 1;
    while (s) {
        const char *e = strchr(s, '\n');
        fprintf(out, "%s %s %.*s\n", first ? "usage:" : "      ", cli->prog, e ? (int)(e - s) : (int)strlen(s), s);
        first = 0;
        s = e ? e + 1 : NULL;
    }
    if (cli->about) {
        fputc('\n', out);
        wrap(out, cli->about, 0, 0);
    }
    fputc('\n', out);
    for (const obs_opt_t *const *g = cli->groups; *g; g++) {
        for (const obs_opt_t *o = *g; o->name; o++) {
            if (o->flags & OBS_OPT_HEADING)
                fprintf(out, "%s:\n", o->help);
            else if (!(o->flags & OBS_OPT_HIDDEN))
                help_row(out, o);
        }
    }
    if (cli->epilog) {
        fputc('\n', out);
        wrap(out, cli->epilog, 0, 0);
    }
    if (cli->exits) {
        fputs("\nexit status:\n", out);
        for (const obs_exit_t *x = cli->exits; x->meaning; x++) {
            fprintf(out, "  %-3d", x->code);
            wrap(out, x->meaning, 5, 5);
        }
    }
}

int obs_cli_usage_error(const obs_cli_t *cli, const char *fmt, ...)
{
    va_list ap;
    char msg[1024];
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    termsafe_eprintf("%s: %s (see %s --help)\n", cli->prog, msg, cli->prog);
    return 2;
}

void obs_cli_version(FILE *out, const char *prog)
{
    fprintf(out, "%s %s\n", prog, OBS_VERSION);
}
