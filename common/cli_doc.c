/* common/cli_doc.c — what is generated from a program's option table
 * (cli.h): the man page's OPTIONS and EXIT STATUS sections in roff, the
 * bash and zsh completion scripts, and the list of options the tests
 * compare with --help. scripts/gendoc.c calls these at build time. */
#include "common/cli.h"

#include <string.h>

/* The rows of a table one after the other, across its groups: start with
 * it = { 0 }; NULL after the last. */
typedef struct row_iter {
    int g, i;
} row_iter_t;

static const obs_opt_t *next_row(const obs_cli_t *cli, row_iter_t *it)
{
    while (cli->groups[it->g]) {
        const obs_opt_t *o = &cli->groups[it->g][it->i];
        if (o->name) {
            it->i++;
            return o;
        }
        it->g++;
        it->i = 0;
    }
    return NULL;
}

static int shown(const obs_opt_t *o)
{
    return !(o->flags & (OBS_OPT_HIDDEN | OBS_OPT_HEADING));
}

/* ---- roff ---------------------------------------------------------------- */

/* Text for a roff body: backslashes and hyphens escaped, a control
 * character at a line's start neutralised, "\n" a line break. */
static void roff(FILE *out, const char *s)
{
    int bol = 1;
    for (; *s; s++) {
        if (bol && (*s == '.' || *s == '\''))
            fputs("\\&", out);
        bol = 0;
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else if (*s == '\n') {
            fputs("\n.br\n", out);
            bol = 1;
        } else
            fputc(*s, out);
    }
}

static void man_row(FILE *out, const obs_opt_t *o)
{
    fputs(".TP\n", out);
    if (o->letter)
        fprintf(out, "\\fB\\-%c\\fR, ", o->letter);
    fputs("\\fB\\-\\-", out);
    roff(out, o->name);
    fputs("\\fR", out);
    if (o->arg)
        fprintf(out, " \\fI%s\\fR", o->arg);
    fputc('\n', out);
    roff(out, o->help);
    if (o->flags & OBS_OPT_REPEAT)
        fputs(" (repeatable)", out);
    fputc('\n', out);
}

static int in_parent(const obs_cli_t *parent, const obs_opt_t *group)
{
    for (const obs_opt_t *const *g = parent->groups; *g; g++)
        if (*g == group)
            return 1;
    return 0;
}

static void man_rows(FILE *out, const obs_cli_t *cli, const obs_cli_t *parent)
{
    for (const obs_opt_t *const *g = cli->groups; *g; g++) {
        if (parent && in_parent(parent, *g)) {
            /* the parent's rows again: named, described above */
            int n = 0;
            for (const obs_opt_t *o = *g; o->name; o++) {
                if (!shown(o))
                    continue;
                fputs(n++ ? ", " : ".PP\nIt takes ", out);
                fputs("\\fB\\-\\-", out);
                roff(out, o->name);
                fputs("\\fR", out);
            }
            if (n)
                fputs(" as above.\n", out);
            continue;
        }
        for (const obs_opt_t *o = *g; o->name; o++) {
            if (o->flags & OBS_OPT_HEADING) {
                fputs(".SS \"", out);
                roff(out, o->help);
                fputs("\"\n", out);
            } else if (shown(o))
                man_row(out, o);
        }
    }
}

void obs_cli_man_options(FILE *out, const obs_cli_t *cli)
{
    fputs(".SH OPTIONS\n", out);
    man_rows(out, cli, NULL);
    for (const obs_cli_t *const *s = cli->subs; s && *s; s++) {
        fprintf(out, ".SS \"%s %s\"\n", cli->prog, (*s)->word);
        if ((*s)->about) {
            roff(out, (*s)->about);
            fputc('\n', out);
        }
        man_rows(out, *s, cli);
    }
}

void obs_cli_man_exits(FILE *out, const obs_cli_t *cli)
{
    fputs(".SH \"EXIT STATUS\"\n", out);
    for (const obs_exit_t *x = cli->exits; x && x->meaning; x++) {
        fprintf(out, ".TP\n.B %d\n", x->code);
        roff(out, x->meaning);
        fputc('\n', out);
    }
}

/* ---- bash ---------------------------------------------------------------- */

static const obs_cli_t *const no_subs[] = { NULL };

/* Each option taking a value once, over the program and its subcommands,
 * grouped by how the value completes. */
static void bash_values(FILE *out, const obs_cli_t *cli)
{
    const obs_cli_t *all[16] = { cli };
    int nall = 1;
    for (const obs_cli_t *const *s = cli->subs ? cli->subs : no_subs; *s && nall < 16; s++)
        all[nall++] = *s;
    const char *done[OBS_CLI_MAX_OPTS * 4];
    int ndone = 0;
    for (int i = 0; i < nall; i++) {
        row_iter_t it = { 0, 0 };
        for (const obs_opt_t *o; (o = next_row(all[i], &it));) {
            if (!o->arg || (o->flags & OBS_OPT_HEADING))
                continue;
            int seen = 0;
            for (int k = 0; k < ndone && !seen; k++)
                seen = strcmp(done[k], o->name) == 0;
            if (seen || ndone == (int)(sizeof done / sizeof *done))
                continue;
            done[ndone++] = o->name;
            fputs("    ", out);
            if (o->letter)
                fprintf(out, "-%c|", o->letter);
            fprintf(out, "--%s)\n        ", o->name);
            if (!o->complete)
                fputs("COMPREPLY=()", out);
            else if (strcmp(o->complete, "@file") == 0)
                fputs("COMPREPLY=($(compgen -f -- \"$cur\"))", out);
            else if (strcmp(o->complete, "@dir") == 0)
                fputs("COMPREPLY=($(compgen -d -- \"$cur\"))", out);
            else
                fprintf(out, "COMPREPLY=($(compgen -W '%s' -- \"$cur\"))", o->complete);
            fputs("\n        return ;;\n", out);
        }
    }
}

static void bash_opts(FILE *out, const obs_cli_t *cli)
{
    int first = 1;
    row_iter_t it = { 0, 0 };
    for (const obs_opt_t *o; (o = next_row(cli, &it));) {
        if (!shown(o))
            continue;
        if (o->letter)
            fprintf(out, "%s-%c", first ? "" : " ", o->letter), first = 0;
        fprintf(out, "%s--%s", first ? "" : " ", o->name);
        first = 0;
    }
}

static void fn_name(FILE *out, const char *prog)
{
    fputs("_obs_", out);
    for (const char *p = prog; *p; p++)
        fputc(*p == '-' ? '_' : *p, out);
}

void obs_cli_bash(FILE *out, const obs_cli_t *cli)
{
    fprintf(out, "# bash completion for %s: generated from its option table by scripts/gendoc.c\n", cli->prog);
    fn_name(out, cli->prog);
    fputs("()\n{\n    local cur=${COMP_WORDS[COMP_CWORD]} prev= sub= i\n"
          "    [ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n", out);
    if (cli->subs) {
        fputs("    for ((i = 1; i < COMP_CWORD; i++)); do\n        case ${COMP_WORDS[i]} in\n        ", out);
        for (const obs_cli_t *const *s = cli->subs; *s; s++)
            fprintf(out, "%s%s", s == cli->subs ? "" : "|", (*s)->word);
        fputs(") sub=${COMP_WORDS[i]}; break ;;\n        esac\n    done\n", out);
    }
    fputs("    case $prev in\n", out);
    bash_values(out, cli);
    fputs("    esac\n    local opts\n    case $sub in\n", out);
    for (const obs_cli_t *const *s = cli->subs ? cli->subs : no_subs; *s; s++) {
        fprintf(out, "    %s) opts='", (*s)->word);
        bash_opts(out, *s);
        fputs("' ;;\n", out);
    }
    fputs("    *) opts='", out);
    bash_opts(out, cli);
    fputs("' ;;\n    esac\n", out);
    fputs("    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n", out);
    if (cli->subs) {
        fputs("    elif [ -z \"$sub\" ]; then\n        COMPREPLY=($(compgen -W '", out);
        for (const obs_cli_t *const *s = cli->subs; *s; s++)
            fprintf(out, "%s%s", s == cli->subs ? "" : " ", (*s)->word);
        fputs("' -- \"$cur\"))\n", out);
    }
    if (cli->operands && strcmp(cli->operands, "@file") == 0)
        fputs("    else\n        COMPREPLY=($(compgen -f -- \"$cur\"))\n", out);
    else
        fputs("    else\n        COMPREPLY=()\n", out);
    fputs("    fi\n}\ncomplete -o filenames -F ", out);
    fn_name(out, cli->prog);
    fprintf(out, " %s\n", cli->prog);
}

/* ---- zsh ----------------------------------------------------------------- */

/* The help's first clause, without the characters _arguments treats
 * specially in a description. */
static void zsh_brief(FILE *out, const char *help)
{
    size_t n = strcspn(help, "(;:\n");
    if (n > 64)
        n = 64;
    while (n > 0 && (help[n - 1] == ' ' || help[n - 1] == ','))
        n--;
    for (size_t i = 0; i < n; i++)
        if (!strchr("[]:'\\`", help[i]))
            fputc(help[i], out);
}

static void zsh_value(FILE *out, const obs_opt_t *o)
{
    if (!o->arg)
        return;
    fprintf(out, ":%s:", o->arg);
    if (!o->complete)
        fputs(" ", out);
    else if (strcmp(o->complete, "@file") == 0)
        fputs("_files", out);
    else if (strcmp(o->complete, "@dir") == 0)
        fputs("_files -/", out);
    else
        fprintf(out, "(%s)", o->complete);
}

static void zsh_form(FILE *out, const obs_opt_t *o, int letter)
{
    fputs("    '", out);
    if (o->flags & OBS_OPT_REPEAT)
        fputc('*', out);
    else if (o->letter)
        fprintf(out, "(-%c --%s)", o->letter, o->name);
    if (letter)
        fprintf(out, "-%c%s[", o->letter, o->arg ? "+" : "");
    else
        fprintf(out, "--%s%s[", o->name, o->arg ? "=" : "");
    zsh_brief(out, o->help);
    fputc(']', out);
    zsh_value(out, o);
    fputs("'\n", out);
}

static void zsh_array(FILE *out, const char *name, const obs_cli_t *cli)
{
    fprintf(out, "local -a %s\n%s=(\n", name, name);
    row_iter_t it = { 0, 0 };
    for (const obs_opt_t *o; (o = next_row(cli, &it));) {
        if (!shown(o))
            continue;
        if (o->letter)
            zsh_form(out, o, 1);
        zsh_form(out, o, 0);
    }
    fputs(")\n", out);
}

void obs_cli_zsh(FILE *out, const obs_cli_t *cli)
{
    fprintf(out, "#compdef %s\n# zsh completion for %s: generated from its option table by scripts/gendoc.c\n",
            cli->prog, cli->prog);
    zsh_array(out, "main_args", cli);
    for (const obs_cli_t *const *s = cli->subs ? cli->subs : no_subs; *s; s++) {
        char name[64];
        snprintf(name, sizeof name, "%s_args", (*s)->word);
        zsh_array(out, name, *s);
    }
    const char *operand = cli->operands && strcmp(cli->operands, "@file") == 0 ? "'*:file:_files'" : "";
    if (!cli->subs) {
        fprintf(out, "_arguments -s -S : $main_args %s\n", operand);
        return;
    }
    fputs("local sub=${words[(r)(", out);
    for (const obs_cli_t *const *s = cli->subs; *s; s++)
        fprintf(out, "%s%s", s == cli->subs ? "" : "|", (*s)->word);
    fputs(")]}\ncase $sub in\n", out);
    for (const obs_cli_t *const *s = cli->subs; *s; s++)
        fprintf(out, "%s) _arguments -s -S : $%s_args ;;\n", (*s)->word, (*s)->word);
    fputs("*) _arguments -s -S : $main_args '1:command:(", out);
    for (const obs_cli_t *const *s = cli->subs; *s; s++)
        fprintf(out, "%s%s", s == cli->subs ? "" : " ", (*s)->word);
    fputs(")' ;;\nesac\n", out);
}

/* ---- the list ------------------------------------------------------------ */

static void list_rows(FILE *out, const obs_cli_t *cli, const char *word)
{
    row_iter_t it = { 0, 0 };
    for (const obs_opt_t *o; (o = next_row(cli, &it));) {
        if (!shown(o))
            continue;
        if (o->letter)
            fprintf(out, "%s%s-%c\n", word ? word : "", word ? " " : "", o->letter);
        fprintf(out, "%s%s--%s\n", word ? word : "", word ? " " : "", o->name);
    }
}

void obs_cli_list(FILE *out, const obs_cli_t *cli)
{
    list_rows(out, cli, NULL);
    for (const obs_cli_t *const *s = cli->subs ? cli->subs : no_subs; *s; s++)
        list_rows(out, *s, (*s)->word);
}
