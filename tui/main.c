/* tui/main.c — obstop: parse the command line, open the store read-only,
 * then run the dashboard on the terminal or, with --dump, write frames as
 * plain text to stdout. Everything else lives in app/model/view/term. */
#include "tui/app.h"
#include "tui/term.h"
#include "tui/view.h"
#include "tui/options.h"
#include "query/query.h"
#include "store/store.h"
#include "common/clock.h"
#include "common/termsafe.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct opts {
    const char *db, *view, *window, *function, *filter;
    double interval, price_gb, price_req;
    int ascii, no_color, dump, iterations, width, height;
    limits_t limits;
} opts_t;

static int bad(const char *what, const char *value)
{
    termsafe_eprintf("obstop: invalid %s '%s' (see obstop --help)\n", what, value);
    return 2;
}

static int num(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int env_int(const char *name, int dflt)
{
    const char *v = getenv(name);
    int n = v ? atoi(v) : 0;
    return n > 0 ? n : dflt;
}

/* Returns 0 to go on, or an exit code + 1000 (help and version: 1000). */
static int parse(int argc, char **argv, opts_t *o)
{
    double v;
    int c;
    obs_cli_parser_t p;
    obs_cli_parser_init(&p, &obstop_cli_spec);
    while ((c = obs_cli_next(&p, argc, argv)) != -1) {
        switch (c) {
        case OPT_DB: o->db = optarg; break;
        case OPT_INTERVAL:
            if (num(optarg, 0.1, 60, &o->interval)) return 1000 + bad("--interval", optarg);
            break;
        case OPT_WINDOW: o->window = optarg; break;
        case OPT_VIEW: o->view = optarg; break;
        case OPT_FUNCTION: o->function = optarg; break;
        case OPT_FILTER: o->filter = optarg; break;
        case OPT_PRICE_GB:
            if (num(optarg, 0, 1, &o->price_gb)) return 1000 + bad("--price-gb-s", optarg);
            break;
        case OPT_PRICE_REQ:
            if (num(optarg, 0, 1, &o->price_req)) return 1000 + bad("--price-request", optarg);
            break;
        case OPT_CONC_LIMIT:
        case OPT_ACCOUNT_LIMIT: {
            char why[160];
            int rc = c == OPT_CONC_LIMIT ? limits_add(&o->limits, optarg, why, sizeof why)
                                         : limits_set_account(&o->limits, optarg, why, sizeof why);
            if (rc) {
                fprintf(stderr, "obstop: %s: %s\n", c == OPT_CONC_LIMIT ? "--concurrency-limit" : "--account-limit",
                        why);
                return 1002;
            }
            break;
        }
        case OPT_ASCII: o->ascii = 1; break;
        case OPT_NO_COLOR: o->no_color = 1; break;
        case OPT_DUMP: o->dump = 1; break;
        case OPT_ITERATIONS:
            if (num(optarg, 1, 1000000, &v)) return 1000 + bad("--iterations", optarg);
            o->iterations = (int)v;
            break;
        case OPT_WIDTH:
            if (num(optarg, 20, 1000, &v)) return 1000 + bad("--width", optarg);
            o->width = (int)v;
            break;
        case OPT_HEIGHT:
            if (num(optarg, 8, 1000, &v)) return 1000 + bad("--height", optarg);
            o->height = (int)v;
            break;
        case 'h': obs_cli_help(stdout, &obstop_cli_spec); return 1000;
        case OPT_VERSION: obs_cli_version(stdout, "obstop"); return 1000;
        default: fprintf(stderr, "(see obstop --help)\n"); return 1002;
        }
    }
    if (optind < argc) {
        termsafe_eprintf("obstop: unexpected argument '%s' (see obstop --help)\n", argv[optind]);
        return 1002;
    }
    return 0;
}

static int dump(app_t *a, const opts_t *o)
{
    int w = o->width ? o->width : env_int("COLUMNS", 120);
    int h = o->height ? o->height : env_int("LINES", 40);
    canvas_t *c = canvas_new(w, h, a->ascii);
    int n = o->iterations ? o->iterations : 1;
    for (int i = 0; i < n; i++) {
        if (i > 0) {
            struct timespec d = { a->interval_ms / 1000, (long)(a->interval_ms % 1000) * 1000000L };
            nanosleep(&d, NULL);
            fputs("\f\n", stdout);
        }
        app_refresh(a, obs_wall_ms());
        view_frame(c, a);
        canvas_write(c, stdout);
        fflush(stdout);
    }
    canvas_free(c);
    /* a frame drawn without some of the store (damaged): say so, fail */
    if (a->store_errors)
        termsafe_eprintf("obstop: %s: %s\n", a->db_path, a->status);
    return ferror(stdout) || a->store_errors ? 1 : 0;
}

static int window_index(const char *name)
{
    for (int i = 0; i < APP_WINDOWS; i++)
        if (strcmp(name, app_window_names[i]) == 0)
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    opts_t o;
    memset(&o, 0, sizeof o);
    o.interval = 1;
    o.price_gb = 0.0000166667;
    limits_init(&o.limits);
    o.price_req = 0.0000002;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc - 1000;
    setlocale(LC_ALL, "");
    if (!o.db)
        o.db = getenv("OBS_DB");
    if (!o.db || !*o.db)
        o.db = "obs.db";

    obs_err_t err = { 0 };
    store_t *st = NULL;
    if (store_open_readonly(o.db, &st, &err)) {
        termsafe_eprintf("obstop: %s\n", err.msg);
        return 1;
    }
    int64_t now = obs_wall_ms();
    query_sqlctx_t ctx = { now, 0, now };
    if (query_sqlfuncs_register(store_db(st), &ctx, &err)) {
        termsafe_eprintf("obstop: %s\n", err.msg);
        store_close(st, NULL);
        return 1;
    }

    app_t a;
    app_init(&a, st, o.db);
    a.interval_ms = (int)(o.interval * 1000);
    a.prices.gb_second = o.price_gb;
    a.prices.request = o.price_req;
    a.limits = o.limits;
    const char *codeset = nl_langinfo(CODESET);
    a.ascii = o.ascii || !codeset || strcmp(codeset, "UTF-8") != 0;
    a.color = !o.no_color && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
    rc = 0;
    if (o.window && (a.window = window_index(o.window)) < 0)
        rc = bad("--window", o.window);
    if (!rc && o.function)
        snprintf(a.function, sizeof a.function, "%s", o.function);
    if (!rc && tail_configure(a.tail, o.filter ? o.filter : "", o.function, 0, &err)) {
        termsafe_eprintf("obstop: --filter: column %d: %s\n", err.col, err.msg);
        rc = 2;
    }
    if (!rc && o.view && app_set_view(&a, o.view) != 0)
        rc = bad("--view", o.view);
    if (!rc && !o.dump && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "obstop: not a terminal; use --dump for plain-text frames\n");
        rc = 2;
    }
    if (!rc)
        rc = o.dump ? dump(&a, &o) : term_run(&a);
    app_done(&a);
    store_close(st, NULL);
    return rc;
}
