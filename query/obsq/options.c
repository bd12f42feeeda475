/* query/obsq/options.c — every option of obsq and of its subcommands, once:
 * the parsers of cmd_*.c, --help, obsq(1) and the completions are made from
 * these rows (common/cli.h). The scope options (the store, the time range,
 * the functions, the output format) are one group that the query, `summary`
 * and `metrics` share, so all three spell them the same. */
#include "query/obsq/obsq.h"
#include "query/format.h"

#include <stdio.h>
#include <string.h>

#define OUTPUT_HELP "the output format: table (default), json, jsonl or csv"

static const obs_opt_t scope[] = {
    OBS_OPT_DB('d'),
    { 's', 0, "since", "T", "from T: 15m, 2h, 7d ago, an ISO-8601 time or epoch ms", 0, NULL },
    { 'S', 0, "start", "T", "from T (the same as --since)", 0, NULL },
    { 'E', 0, "end", "T", "up to T, exclusive: the range is [start, end)", 0, NULL },
    { 'f', 0, "function", "NAME", "only this function's events", OBS_OPT_REPEAT, NULL },
    { 'o', 'o', "output", "FMT", OUTPUT_HELP, 0, "table json jsonl csv" },
    OBS_OPT_END,
};

static const obs_opt_t query[] = {
    { 'g', 0, "log-group", "NAME", "only this log group's events; a query's SOURCE selects log groups too",
      OBS_OPT_REPEAT, NULL },
    { 'm', 0, "max-rows", "N", "stop after N rows (default: no cap)", 0, NULL },
    { 'F', 0, "no-fill", NULL, "do not zero-fill empty bins of stats ... by bin()", 0, NULL },
    { 'C', 0, "context", "N", "show N events before and after each match (its stream)", 0, NULL },
    { 'w', 0, "follow", NULL,
      "keep running: print new matching events as they arrive (a stats query is re-run and reprinted); "
      "Ctrl-C stops", 0, NULL },
    { 'i', 0, "interval", "S", "seconds between --follow polls (default 1)", 0, NULL },
    { 'r', 0, "request", "ID", "print every event of one invocation (no QUERY)", 0, NULL },
    { 'Q', 0, "query-file", "FILE",
      "read the query from FILE ('-': standard input) instead of the command line (long queries, "
      "# comments)", 0, "@file" },
    { 'T', 0, "threads", "N",
      "run a stats query in up to N parts at once (default: one per CPU, up to 4, on stores of "
      "100,000 events or more; 1: never split)", 0, NULL },
    { 'X', 0, "strict", NULL,
      "refuse what CloudWatch lets through: a field that does not exist where it is used, a sort before "
      "stats", 0, NULL },
    { 'x', 0, "explain", NULL, "print the SQL, its parameters and SQLite's plan (with --engine: the ClickHouse "
      "SQL)", 0, NULL },
    { 'K', 0, "engine", "URL",
      "run the query on ClickHouse instead of the store: clickhouse://[user[:password]@]HOST:PORT/DATABASE, "
      "the database obsagent --forward fills (or one of Distributed tables over it); the password may come "
      "from $OBS_CLICKHOUSE_PASSWORD", 0, NULL },
    OBS_OPT_HELP,
    OBS_OPT_VERSION('V'),
    OBS_OPT_END,
};

static const obs_opt_t sub_help[] = { OBS_OPT_HELP, OBS_OPT_END };

static const obs_opt_t metrics[] = {
    { 'N', 0, "namespace", "NS", "only this namespace", 0, NULL },
    { 'n', 0, "name", "NAME", "only this metric name", 0, NULL },
    { 'D', 0, "dim", "KEY=VALUE", "only series with this dimension", OBS_OPT_REPEAT, NULL },
    { 'e', 0, "errors", NULL, "list EMF documents with errors instead, by reason", 0, NULL },
    { 'X', 0, "expect-valid", NULL, "exit 1 when any EMF document has an error (printed on stderr)", 0,
      NULL },
    /* its spelling before --end was shared by every command */
    { 'E', 0, "until", "T", "the same as --end", OBS_OPT_HIDDEN, NULL },
    OBS_OPT_HELP,
    OBS_OPT_END,
};

static const obs_opt_t *const query_groups[] = { scope, query, NULL };
static const obs_opt_t *const summary_groups[] = { scope, sub_help, NULL };
static const obs_opt_t *const metrics_groups[] = { scope, metrics, NULL };

static const obs_exit_t exits[] = {
    { 0, "the query ran (whether or not it matched anything)" },
    { 1, "a failure while running, said on stderr: the store could not be opened or read, an event "
         "view found nothing (--request), or metrics --expect-valid found an EMF document with errors" },
    { 2, "a usage error or a query that does not compile: an unknown option, a bad value, a syntax "
         "error (shown with a caret under the query)" },
    { 0, NULL },
};

const obs_cli_t obsq_summary_spec = {
    .prog = "obsq summary",
    .word = "summary",
    .synopsis = "[options]",
    .about = "One row per function: invocations, errors (failed invocations), error %, timeouts, "
             "crashes (incl. out-of-memory), cold starts, p50/p99/max duration, average init duration, "
             "peak memory of size, throttle signals, events. A range applies to whole minutes.",
    .groups = summary_groups,
};

const obs_cli_t obsq_metrics_spec = {
    .prog = "obsq metrics",
    .word = "metrics",
    .synopsis = "[options]",
    .about = "EMF custom metrics: one row per series (namespace, name, dimensions, unit, resolution) "
             "with count, sum, avg, min, max, p50/p90/p99, from the per-minute rollups. A range applies "
             "to whole minutes.",
    .groups = metrics_groups,
};

static const obs_cli_t *const subs[] = { &obsq_summary_spec, &obsq_metrics_spec, NULL };

const obs_cli_t obsq_cli_spec = {
    .prog = "obsq",
    .synopsis = "[options] QUERY\n[options] --query-file FILE\n[options] --request ID\nsummary [options]\n"
                "metrics [options]",
    .about = "Run a CloudWatch Logs Insights query on the store, e.g.\n"
             "  obsq 'filter @type = \"REPORT\" | stats pct(@duration, 99) by bin(5m)'\n"
             "or read its per-function summary or its EMF metrics (obsq summary --help, obsq metrics "
             "--help).",
    .groups = query_groups,
    .exits = exits,
    .subs = subs,
};

int obsq_output_parse(const char *prog, const char *arg, int *out)
{
    static const char *const names[] = { [QFMT_TABLE] = "table", [QFMT_JSON] = "json",
                                         [QFMT_JSONL] = "jsonl", [QFMT_CSV] = "csv" };
    for (int i = 0; i < (int)OBS_ARRAY_LEN(names); i++) {
        if (strcmp(arg, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    fprintf(stderr, "%s: -o takes table, json, jsonl or csv, not '%s'\n", prog, arg);
    return 2;
}
