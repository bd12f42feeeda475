/* tui/options.c — every option of obstop, once (see options.h). */
#include "tui/options.h"

static const obs_opt_t options[] = {
    OBS_OPT_DB(OPT_DB),
    { OPT_INTERVAL, 0, "interval", "S", "refresh every S seconds (default 1; 0.1 to 60)", 0, NULL },
    { OPT_WINDOW, 0, "window", "W", "5m, 15m, 1h (default), 6h, 24h or all", 0, "5m 15m 1h 6h 24h all" },
    { OPT_VIEW, 0, "view", "VIEW", "start in overview (default), function:NAME, tail or emf", 0,
      "overview tail emf function:" },
    { OPT_FUNCTION, 0, "function", "NAME", "show only this function", 0, NULL },
    { OPT_FILTER, 0, "filter", "EXPR", "the tail's obsq filter expression", 0, NULL },
    { OPT_PRICE_GB, 0, "price-gb-s", "USD", "price of a GB-second (default 0.0000166667, x86)", 0, NULL },
    { OPT_PRICE_REQ, 0, "price-request", "USD", "price of a request (default 0.0000002)", 0, NULL },
    { OPT_CONC_LIMIT, 0, "concurrency-limit", "FUNCTION=N",
      "FUNCTION's concurrency limit (its reserved concurrency); others are held to the account limit", OBS_OPT_REPEAT,
      NULL },
    { OPT_ACCOUNT_LIMIT, 0, "account-limit", "N", "the account's concurrency limit (default 1000)", 0, NULL },
    { OPT_ASCII, 0, "ascii", NULL, "ASCII instead of UTF-8 block characters", 0, NULL },
    { OPT_NO_COLOR, 0, "no-color", NULL, "monochrome (also when NO_COLOR is set)", 0, NULL },
    { OPT_DUMP, 0, "dump", NULL, "write frames as plain text to stdout, no terminal", 0, NULL },
    { OPT_ITERATIONS, 0, "iterations", "N", "with --dump: frames to write (default 1), one interval apart", 0,
      NULL },
    { OPT_WIDTH, 0, "width", "N", "with --dump: frame width (default $COLUMNS, else 120)", 0, NULL },
    { OPT_HEIGHT, 0, "height", "N", "with --dump: frame height (default $LINES, else 40)", 0, NULL },
    OBS_OPT_HELP,
    OBS_OPT_VERSION(OPT_VERSION),
    OBS_OPT_END,
};

static const obs_opt_t *const groups[] = { options, NULL };

static const obs_exit_t exits[] = {
    { 0, "quit with q, or stopped by SIGTERM; --dump: the frames were written" },
    { 1, "the store could not be opened or read (said on stderr)" },
    { 2, "a usage error: an unknown option, a bad value, or no terminal without --dump" },
    { 0, NULL },
};

const obs_cli_t obstop_cli_spec = {
    .prog = "obstop",
    .synopsis = "[options]\n--dump [--iterations N] [--view VIEW] [options]",
    .about = "A terminal dashboard of the Lambda functions in an obs store: per function invocations, "
             "errors, timeouts, crashes, throttle signals, cold starts, duration percentiles, memory "
             "headroom, cost and peak concurrency against its limit; a function's detail; a live tail; EMF metrics. Reads the store "
             "read-only beside a running obsagent.",
    .groups = groups,
    .exits = exits,
    .epilog = "Keys: ? help, q quit, Tab/arrows views, Enter open, / filter, f function, s sort, w window, "
              "p pause, x clear the filters. Frames of --dump are separated by a form feed.",
};
