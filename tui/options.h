/* tui/options.h — obstop's command line as one table (tui/options.c): its
 * parser in tui/main.c, --help, obstop(1) and the completions. */
#ifndef OBS_TUI_OPTIONS_H
#define OBS_TUI_OPTIONS_H

#include "common/cli.h"

enum obstop_opt {
    OPT_DB = 256, OPT_INTERVAL, OPT_WINDOW, OPT_VIEW, OPT_FUNCTION, OPT_FILTER, OPT_PRICE_GB,
    OPT_PRICE_REQ, OPT_ASCII, OPT_NO_COLOR, OPT_DUMP, OPT_ITERATIONS, OPT_WIDTH, OPT_HEIGHT,
    OPT_VERSION, OPT_CONC_LIMIT, OPT_ACCOUNT_LIMIT
};

extern const obs_cli_t obstop_cli_spec;

#endif
