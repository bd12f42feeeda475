/* query/obsq/options.c — every option of obsq and of its subcommands, once:
 * the parsers of cmd_*.c, --help, obsq(1) and the completions are made from
 * these rows (common/cli.h). The scope options (the store, the time range,
 * the functions) are one group that the query, `summary`, `metrics` and
 * `report` share, so all four spell them the same; the first three share
 * the output formats too (a report is HTML or Markdown). */
#include "query/obsq/obsq.h"
#include "query/format.h"
#include "common/termsafe.h"

#include <stdio.h>
#include <string.h>

#define OUTPUT_HELP "the output format: table (default), json, jsonl or csv"

static const obs_opt_t scope[] = {
    OBS_OPT_DB('d'),
    { 's', 0, "since", "T", "from T: 15m, 2h, 7d ago, an ISO-8601 time or epoch ms", 0, NULL },
    { 'S', 0, "start", "T", "from T (the same as --since)", 0, NULL },
    { 'E', 0, "end", "T", "up to T, exclusive: the range is [start, end)", 0, NULL },
    { 'f', 0, "function", "NAME", "only this function's events", OBS_OPT_REPEAT, NULL },
    OBS_OPT_END,
};

static const obs_opt_t output[] = {
    { 'o', 'o', "output", "FMT", OUTPUT_HELP, 0, "table json jsonl csv" },
    OBS_OPT_END,
};

static const obs_opt_t query[] = {
    { 'g', 0, "log-group", "NAME", "only this log group's events; a query's SOURCE selects log groups too",
      OBS_OPT_REPEAT, NULL },
    { 'm', 0, "max-rows", "N", "stop after N rows (default: no cap)", 0, NULL },
    { 'F', 0, "no-fill", NULL, "do not zero-fill empty bins of stats ... by bin()", 0, NULL },
    { 'B', 0, "max-bins", "N",
      "zero-fill at most N bins (default " OBS_STR(OBSQ_MAX_BINS) "): the fill runs over the query's "
      "range, else the data's sane extent (times from 2000 to a day ahead); a wider fill is left out and "
      "only the bins with data are written, as CloudWatch does, with a note saying so. Without "
      "--max-bins the fill is also left out when it would write over 1000 rows and over 100 for each "
      "bin with data; an explicit N fills up to N however sparse", 0, NULL },
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

static const obs_opt_t report[] = {
    { 'o', 'o', "output", "FMT", "html (default): one self-contained page; md: Markdown, for a pull request", 0,
      "html md" },
    { 'B', 0, "baseline-start", "T", "compare with the range from T (15m, 2h, 7d ago, an ISO-8601 time or epoch ms)",
      0, NULL },
    { 'b', 0, "baseline-end", "T", "... up to T, exclusive (default: as long as the range)", 0, NULL },
    { 'L', 0, "concurrency-limit", "FUNCTION=N",
      "FUNCTION's concurrency limit (its reserved concurrency); others are held to the account limit", OBS_OPT_REPEAT,
      NULL },
    { 'A', 0, "account-limit", "N", "the account's concurrency limit (default 1000)", 0, NULL },
    { 'G', 0, "price-gb-s", "USD", "price of a GB-second (default 0.0000166667, x86)", 0, NULL },
    { 'R', 0, "price-request", "USD", "price of a request (default 0.0000002)", 0, NULL },
    OBS_OPT_HELP,
    OBS_OPT_END,
};

static const obs_opt_t *const query_groups[] = { scope, output, query, NULL };
static const obs_opt_t *const summary_groups[] = { scope, output, sub_help, NULL };
static const obs_opt_t *const metrics_groups[] = { scope, output, metrics, NULL };
static const obs_opt_t *const report_groups[] = { scope, report, NULL };

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

const obs_cli_t obsq_report_spec = {
    .prog = "obsq report",
    .word = "report",
    .synopsis = "[options] > report.html\n-o md [options] > report.md",
    .about = "The capacity figures of a time range (--since or --start/--end, whole minutes; default: all the "
             "store holds) for a capacity review or a load test: invocations/s, p50/p95/p99 duration, "
             "concurrent executions against the limits, environments alive, cold starts by kind, failures, "
             "timeouts and throttle signals over time, cost, and the memory table Power Tuning would draw; "
             "with --baseline-start, every figure beside the baseline's and the change. One self-contained "
             "HTML page (inline SVG and CSS, nothing fetched), or Markdown.",
    .groups = report_groups,
};

static const obs_cli_t *const subs[] = { &obsq_summary_spec, &obsq_metrics_spec, &obsq_report_spec, NULL };

const obs_cli_t obsq_cli_spec = {
    .prog = "obsq",
    .synopsis = "[options] QUERY\n[options] --query-file FILE\n[options] --request ID\nsummary [options]\n"
                "metrics [options]\nreport [options]",
    .about = "Run a CloudWatch Logs Insights query on the store, e.g.\n"
             "  obsq 'filter @type = \"REPORT\" | stats pct(@duration, 99) by bin(5m)'\n"
             "or read its per-function summary, its EMF metrics or a capacity report (obsq summary --help, "
             "obsq metrics --help, obsq report --help).",
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
    termsafe_eprintf("%s: -o takes table, json, jsonl or csv, not '%s'\n", prog, arg);
    return 2;
}
