/* agent/cli.c — obsagent's command line (see cli.h): the table of its
 * options (which --help, obsagent(1) and the completions are made from),
 * their ranges, and the checks between them. */
#include "agent/cli.h"
#include "common/xalloc.h"
#include "common/termsafe.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_ONCE = 256, OPT_DB, OPT_FUNCTION, OPT_STREAM, OPT_LOG_GROUP, OPT_MAX_LINE,
       OPT_BATCH_ROWS, OPT_BATCH_MS, OPT_NO_PROGRESS, OPT_NO_EMF, OPT_VERSION, OPT_STATUS,
       OPT_POLL_MS, OPT_IDLE_FLUSH_MS, OPT_ROTATE_WAIT_MS, OPT_FROM, OPT_EXCLUDE,
       OPT_NO_MULTILINE, OPT_FORMAT, OPT_MULTILINE_TIMEOUT_MS, OPT_MAX_PENDING, OPT_MAX_OPEN_FILES, OPT_EXCLUDE_FROM,
       OPT_EMF_LISTEN, OPT_NO_EMF_LISTEN, OPT_LISTEN_PUBLIC, OPT_EMF_MAX_FRAME,
       OPT_EMF_MAX_CONNECTIONS, OPT_EMF_IDLE_TIMEOUT_MS, OPT_EMF_BUFFER, OPT_TELEMETRY_LISTEN,
       OPT_EXTENSION, OPT_METRICS_LISTEN, OPT_METRICS_MAX_SERIES, OPT_RETENTION, OPT_MAX_DB_SIZE, OPT_LOG_FORMAT,
       OPT_LOG_LEVEL, OPT_FORWARD };

/* Every option of obsagent, once: the parser below, --help, obsagent(1)
 * and the completions are made from these rows (common/cli.h). */
static const obs_opt_t options[] = {
    { OPT_ONCE, 0, "once", NULL, "read every PATH to its end, then exit", 0, NULL },
    { OPT_STATUS, 0, "status", NULL,
      "print the agent's counters, state and lag (bytes written to each file and not stored yet), then exit",
      0, NULL },
    OBS_OPT_DB(OPT_DB),
    { OPT_FUNCTION, 0, "function", "NAME", "function name (default: from the path)", 0, NULL },
    { OPT_STREAM, 0, "stream", "NAME", "log stream name (default: from the path)", 0, NULL },
    { OPT_LOG_GROUP, 0, "log-group", "NAME", "log group (default: /aws/lambda/<function>)", 0, NULL },
    { OPT_MAX_LINE, 0, "max-line", "BYTES",
      "longer lines are stored truncated (default 262144; suffixes K and M accepted)", 0, NULL },
    { OPT_BATCH_ROWS, 0, "batch-rows", "N", "events per transaction (default 50000)", 0, NULL },
    { OPT_BATCH_MS, 0, "batch-ms", "MS", "longest a transaction stays open (default 1000)", 0, NULL },
    { OPT_NO_EMF, 0, "no-emf", NULL, "do not extract EMF metrics (lines are still stored)", 0, NULL },
    { OPT_FORMAT, 0, "format", "NAME",
      "what wraps the lines (default auto: chosen per file by its content): lambda (none), sam-logs, "
      "console, tail, docker, sam-local, clock, events-json, insights-json, insights-csv, subscription, telemetry-json "
      "(docs/formats.md)", 0,
      "auto lambda sam-logs console tail docker sam-local clock events-json insights-json insights-csv subscription telemetry-json" },
    { OPT_NO_MULTILINE, 0, "no-multiline", NULL,
      "store every line as an event of its own (default: stack traces and tracebacks written line by "
      "line become one event with the line that started them)", 0, NULL },
    { OPT_NO_PROGRESS, 0, "no-progress", NULL, "no progress line on a terminal", 0, NULL },
    { 'q', 'q', "quiet", NULL, "no summary", 0, NULL },
    { OPT_LOG_FORMAT, 0, "log-format", "FMT",
      "the agent's own log on stderr: text (default: time, level, message) or json (one object a "
      "line: time, level, program, message)", 0, "text json" },
    { OPT_LOG_LEVEL, 0, "log-level", "LEVEL",
      "the least severe of the agent's own messages to write: debug, info (default), warn or error", 0,
      "debug info warn error" },
    OBS_OPT_HELP,
    OBS_OPT_VERSION(OPT_VERSION),
    OBS_OPT_SECTION("follow mode"),
    { OPT_POLL_MS, 0, "poll-ms", "N",
      "look for new files and data every N ms (default 250; inotify wakes it sooner where available)", 0,
      NULL },
    { OPT_IDLE_FLUSH_MS, 0, "idle-flush-ms", "N", "store a last line without newline after N ms (3000)", 0,
      NULL },
    { OPT_MULTILINE_TIMEOUT_MS, 0, "multiline-timeout-ms", "N",
      "store a multi-line event after N ms without data (1000)", 0, NULL },
    { OPT_ROTATE_WAIT_MS, 0, "rotate-wait-ms", "N", "keep reading a rotated file N ms (5000)", 0, NULL },
    { OPT_FROM, 0, "from", "head|tail",
      "files present at start and never read: from their head (default) or their end", 0, "head tail" },
    { OPT_MAX_PENDING, 0, "max-pending-bytes", "N",
      "read at most N bytes ahead of the last commit (default 32M; K and M accepted): a slow store slows "
      "reading, a locked or full one pauses it (the files hold the rest)", 0, NULL },
    { OPT_MAX_OPEN_FILES, 0, "max-open-files", "N",
      "keep at most N files open (default: the open-file limit, ulimit -n, less what the store and sockets "
      "need); past it, idle files are closed and opened again in turn", 0, NULL },
    { OPT_EXCLUDE, 0, "exclude", "GLOB",
      "skip matching files (path or name). Archives and rotated copies (x.log.1) are skipped anyway",
      OBS_OPT_REPEAT, NULL },
    { OPT_EXCLUDE_FROM, 0, "exclude-from", "FILE",
      "more exclude globs, one a line (# comments); re-read at SIGHUP, which also rescans the paths at once",
      0, "@file" },
    { OPT_RETENTION, 0, "retention", "AGE",
      "delete events, metric points, invocations and rollups older than AGE by event time (30m, 12h, 7d), "
      "a few thousand rows at a time between reads", 0, NULL },
    { OPT_MAX_DB_SIZE, 0, "max-db-size", "SIZE",
      "keep the store (file + WAL, in use) under SIZE (500M, 2G; K, M, G = 1024-based): over it, the "
      "oldest events are deleted, 500 at a time (those of absurd time first), until it is under 90% of SIZE", 0, NULL },
    OBS_OPT_SECTION("EMF endpoint (follow mode)"),
    { OPT_EMF_LISTEN, 0, "emf-listen", "LIST",
      "where to serve what the CloudWatch agent serves to clients in Agent mode "
      "(AWS_EMF_AGENT_ENDPOINT=tcp://127.0.0.1:25888); default $OBS_EMF_LISTEN, else "
      "tcp://127.0.0.1:25888,udp://127.0.0.1:25888", 0, NULL },
    { OPT_NO_EMF_LISTEN, 0, "no-emf-listen", NULL, "do not listen (also OBS_EMF_LISTEN=off)", 0, NULL },
    { OPT_LISTEN_PUBLIC, 0, "listen-public", NULL,
      "allow a non-loopback listen address (anyone who can reach it can write to the store, or read "
      "/metrics)", 0, NULL },
    { OPT_EMF_MAX_FRAME, 0, "emf-max-frame", "BYTES",
      "longest document (default 1M; longer ones are dropped and counted)", 0, NULL },
    { OPT_EMF_MAX_CONNECTIONS, 0, "emf-max-connections", "N", "open TCP connections (default 256)", 0, NULL },
    { OPT_EMF_IDLE_TIMEOUT_MS, 0, "emf-idle-timeout-ms", "N",
      "close a silent TCP connection after N ms (300000)", 0, NULL },
    { OPT_EMF_BUFFER, 0, "emf-buffer", "BYTES",
      "what the network inputs received and the store has not (default 32M): beyond, TCP clients wait, "
      "UDP datagrams are dropped and counted, Telemetry API batches get 503", 0, NULL },
    OBS_OPT_SECTION("Lambda Telemetry API receiver (follow mode)"),
    { OPT_TELEMETRY_LISTEN, 0, "telemetry-listen", "HOST:PORT",
      "take the batches Lambda POSTs to a subscribed extension; POST /FUNCTION?stream=NAME routes them "
      "(default function and stream: --function, --stream)", 0, NULL },
    { OPT_EXTENSION, 0, "extension", NULL,
      "run as a Lambda extension: register with the Extensions API at $AWS_LAMBDA_RUNTIME_API, subscribe "
      "to the Telemetry API (receiver default sandbox.localdomain:4243), stop at SHUTDOWN having stored "
      "everything", 0, NULL },
    OBS_OPT_SECTION("Prometheus (follow mode)"),
    { OPT_METRICS_LISTEN, 0, "metrics-listen", "HOST:PORT",
      "serve GET /metrics there (default $OBS_METRICS_LISTEN, else off; e.g. 127.0.0.1:9464); a "
      "non-loopback HOST needs --listen-public", 0, NULL },
    { OPT_METRICS_MAX_SERIES, 0, "metrics-max-series", "N",
      "at most N functions and N EMF series in a scrape (default 10000), the first by name; the others "
      "are counted in obs_scrape_series_left_out", 0, NULL },
    OBS_OPT_SECTION("ClickHouse (both modes)"),
    { OPT_FORWARD, 0, "forward", "URL",
      "also ship what the store commits to ClickHouse, URL clickhouse://[user[:password]@]HOST:PORT/DATABASE "
      "(its HTTP port; https:// for TLS; the password may come from $OBS_CLICKHOUSE_PASSWORD instead): "
      "creates the tables, resumes where the store says it stopped, retries while ClickHouse is away; with "
      "--once, ships everything before it exits (no PATH: only what the store holds)", 0, NULL },
    OBS_OPT_END,
};

static const obs_opt_t *const groups[] = { options, NULL };

static const obs_exit_t exits[] = {
    { 0, "done: every input was read and stored (follow mode: stopped by SIGTERM or SIGINT after "
         "storing what was read)" },
    { 1, "a failure, said on stderr: the store could not be opened or written, an input could not be "
         "read or does not exist (the others were still imported), a listener could not start" },
    { 2, "a usage error: an unknown option, a bad value, options that do not go together" },
    { 130, "--once interrupted by SIGINT (Ctrl-C) or SIGTERM: what was read is stored, and running the "
           "same command again resumes where it stopped" },
    { 0, NULL },
};

const obs_cli_t agent_cli_spec = {
    .prog = "obsagent",
    .synopsis = "[options] [PATH...]\n--once [options] PATH... | -\n--once --forward URL [-d FILE]\n--status [-d FILE]",
    .about = "Import AWS Lambda logs (text or JSON log format) into an obs store, with the custom metrics "
             "of their EMF documents. PATH is a log file or a directory of <function>/<stream>.log files; "
             "'-' reads standard input to its end. A file is never imported twice. Without --once it "
             "follows: tails the PATHs through rotation and serves the EMF endpoint (and /metrics) until "
             "stopped.",
    .groups = groups,
    .exits = exits,
    .epilog = "In follow mode SIGTERM or SIGINT stops after storing what was read; SIGHUP re-reads "
              "--exclude-from and rescans (other options are fixed at start).",
    .operands = "@file",
};

static int parse_size(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno)
        return -1;
    if (*end == 'K' || *end == 'k')
        v *= 1024, end++;
    else if (*end == 'M' || *end == 'm')
        v *= 1024 * 1024, end++;
    if (*end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int bad_value(const char *opt, const char *val, const char *want)
{
    termsafe_eprintf("obsagent: invalid %s '%s': expected %s\n", opt, val, want);
    return 2;
}

int agent_cli_parse(int argc, char **argv, agent_cli_t *cli)
{
    memset(cli, 0, sizeof *cli);
    cli->io.progress = 1;
    cli->db = getenv("OBS_DB");
    cli->fo = (follow_opts_t){ .poll_ms = FOLLOW_POLL_MS, .idle_flush_ms = FOLLOW_IDLE_FLUSH_MS,
                               .rotate_wait_ms = FOLLOW_ROTATE_WAIT_MS,
                               .multiline_timeout_ms = MULTILINE_TIMEOUT_MS, .extra.fd = -1 };
    /* $OBS_EMF_LISTEN sets the default listen list ("off": none) */
    const char *listen_env = getenv("OBS_EMF_LISTEN");
    cli->no.emf.spec = !listen_env || !*listen_env           ? EMF_DEFAULT_LISTEN
                       : strcmp(listen_env, "off") == 0 ? NULL
                                                        : listen_env;
    cli->no.buffer_bytes = NET_BUFFER_BYTES_DEFAULT;
    /* $OBS_METRICS_LISTEN: where to serve /metrics ("off" or unset: nowhere) */
    const char *metrics_env = getenv("OBS_METRICS_LISTEN");
    cli->mo.listen = !metrics_env || !*metrics_env || strcmp(metrics_env, "off") == 0 ? NULL : metrics_env;
    cli->emf = cli->multiline = 1;
    cli->log_level = OBS_LOG_INFO;
    int c;
    long long v;
    const char *follow_only = NULL;  /* a network option given: follow mode only */

    obs_cli_parser_t p;
    obs_cli_parser_init(&p, &agent_cli_spec);
    while ((c = obs_cli_next(&p, argc, argv)) != -1) {
        switch (c) {
        case OPT_ONCE: cli->once = 1; break;
        case OPT_DB: cli->db = optarg; break;
        case OPT_FUNCTION: cli->io.function = optarg; break;
        case OPT_STREAM: cli->io.stream = optarg; break;
        case OPT_LOG_GROUP: cli->io.log_group = optarg; break;
        case OPT_MAX_LINE:
            if (parse_size(optarg, 64, 64LL * 1024 * 1024, &v))
                return bad_value("--max-line", optarg, "a size from 64 to 64M bytes");
            cli->io.max_line = (size_t)v;
            break;
        case OPT_BATCH_ROWS:
            if (parse_size(optarg, 1, 10000000, &v))
                return bad_value("--batch-rows", optarg, "a number from 1 to 10000000");
            cli->so.batch_rows = (int)v;
            break;
        case OPT_BATCH_MS:
            if (parse_size(optarg, 1, 3600000, &v))
                return bad_value("--batch-ms", optarg, "milliseconds from 1 to 3600000");
            cli->so.batch_ms = (int)v;
            break;
        case OPT_NO_PROGRESS: cli->io.progress = 0; break;
        case OPT_NO_EMF: cli->emf = 0; break;
        case OPT_NO_MULTILINE: cli->multiline = 0; break;
        case OPT_FORMAT:
            if (decode_format_parse(optarg, &cli->format) != 0)
                return bad_value("--format", optarg,
                                 "auto, lambda, sam-logs, console, tail, docker, sam-local, clock, events-json, "
                                 "insights-json, insights-csv, subscription or telemetry-json");
            break;
        case OPT_MULTILINE_TIMEOUT_MS:
            if (parse_size(optarg, 0, 3600000, &v))
                return bad_value("--multiline-timeout-ms", optarg, "milliseconds from 0 to 3600000");
            cli->fo.multiline_timeout_ms = (int)v;
            break;
        case OPT_STATUS: cli->status = 1; break;
        case OPT_POLL_MS:
        case OPT_IDLE_FLUSH_MS:
        case OPT_ROTATE_WAIT_MS:
            if (parse_size(optarg, c == OPT_POLL_MS ? 10 : 0, 3600000, &v))
                return bad_value(c == OPT_POLL_MS ? "--poll-ms" : c == OPT_IDLE_FLUSH_MS ?
                                 "--idle-flush-ms" : "--rotate-wait-ms", optarg,
                                 "milliseconds (0 to 3600000; --poll-ms from 10)");
            *(c == OPT_POLL_MS         ? &cli->fo.poll_ms
              : c == OPT_IDLE_FLUSH_MS ? &cli->fo.idle_flush_ms
                                       : &cli->fo.rotate_wait_ms) = (int)v;
            break;
        case OPT_FROM:
            if (strcmp(optarg, "head") && strcmp(optarg, "tail"))
                return bad_value("--from", optarg, "head or tail");
            cli->fo.from_tail = strcmp(optarg, "tail") == 0;
            break;
        case OPT_MAX_PENDING:
            if (parse_size(optarg, 64 * 1024, 4096LL * 1024 * 1024, &v))
                return bad_value("--max-pending-bytes", optarg, "a size from 64K to 4096M bytes");
            cli->fo.max_pending_bytes = v;
            break;
        case OPT_MAX_OPEN_FILES:
            if (parse_size(optarg, 1, 10000000, &v))
                return bad_value("--max-open-files", optarg, "a number from 1 to 10000000");
            cli->fo.max_open_files = (int)v;
            follow_only = "--max-open-files";
            break;
        case OPT_EXCLUDE_FROM: cli->fo.exclude_from = optarg; break;
        case OPT_RETENTION:
            if (retention_parse_age(optarg, &cli->ro.max_age_ms))
                return bad_value("--retention", optarg, "a duration like 30m, 12h or 7d (at least 1m)");
            break;
        case OPT_MAX_DB_SIZE:
            if (retention_parse_size(optarg, &cli->ro.max_bytes))
                return bad_value("--max-db-size", optarg, "a size like 500M or 2G (at least 1M)");
            break;
        case OPT_EXCLUDE:
            cli->exclude = xrealloc(cli->exclude, (size_t)(cli->fo.nexclude + 1) * sizeof *cli->exclude);
            cli->exclude[cli->fo.nexclude++] = optarg;
            cli->fo.exclude = cli->exclude;
            break;
        case OPT_EMF_LISTEN: cli->no.emf.spec = optarg, follow_only = "--emf-listen"; break;
        case OPT_NO_EMF_LISTEN: cli->no.emf.spec = NULL; break;
        case OPT_TELEMETRY_LISTEN: cli->no.telemetry.listen = optarg, follow_only = "--telemetry-listen"; break;
        case OPT_EXTENSION: cli->extension = 1, follow_only = "--extension"; break;
        case OPT_LISTEN_PUBLIC:
            cli->no.emf.allow_remote = cli->no.telemetry.allow_remote = cli->mo.allow_remote = 1;
            break;
        case OPT_METRICS_LISTEN: cli->mo.listen = optarg, follow_only = "--metrics-listen"; break;
        case OPT_METRICS_MAX_SERIES:
            if (parse_size(optarg, 1, 10000000, &v))
                return bad_value("--metrics-max-series", optarg, "1 to 10000000");
            cli->mo.max_series = (int)v;
            break;
        case OPT_EMF_MAX_FRAME:
            if (parse_size(optarg, 1024, 64LL * 1024 * 1024, &v))
                return bad_value("--emf-max-frame", optarg, "a size from 1K to 64M bytes");
            cli->no.emf.max_frame = (size_t)v;
            break;
        case OPT_EMF_MAX_CONNECTIONS:
            if (parse_size(optarg, 1, 100000, &v))
                return bad_value("--emf-max-connections", optarg, "1 to 100000");
            cli->no.emf.max_connections = (int)v;
            break;
        case OPT_EMF_IDLE_TIMEOUT_MS:
            if (parse_size(optarg, 100, 86400000, &v))
                return bad_value("--emf-idle-timeout-ms", optarg, "100 to 86400000");
            cli->no.emf.idle_timeout_ms = (int)v;
            break;
        case OPT_EMF_BUFFER:
            if (parse_size(optarg, 64 * 1024, 4LL * 1024 * 1024 * 1024, &v))
                return bad_value("--emf-buffer", optarg, "a size from 64K to 4G bytes");
            cli->no.buffer_bytes = (size_t)v;
            break;
        case OPT_FORWARD: cli->forward = optarg; break;
        case 'q': cli->quiet = 1; break;
        case OPT_LOG_FORMAT:
            if (obs_log_format_parse(optarg, &cli->log_format))
                return bad_value("--log-format", optarg, "text or json");
            break;
        case OPT_LOG_LEVEL:
            if (obs_log_level_parse(optarg, &cli->log_level))
                return bad_value("--log-level", optarg, "debug, info, warn or error");
            break;
        case 'h': obs_cli_help(stdout, &agent_cli_spec); return 0;
        case OPT_VERSION: obs_cli_version(stdout, "obsagent"); return 0;
        default: fprintf(stderr, "(see obsagent --help)\n"); return 2;
        }
    }
    if (!cli->db || !*cli->db)
        cli->db = "obs.db";
    if (cli->status)
        return -1;
    /* --once --forward without a PATH ships what the store holds */
    if (optind >= argc && !(cli->once && cli->forward) &&
        (cli->once || (!cli->no.emf.spec && !cli->no.telemetry.listen && !cli->extension && !cli->mo.listen))) {
        return obs_cli_usage_error(&agent_cli_spec, "no PATH given (a log file, a directory, or - for stdin)");
    }
    int use_stdin = 0;
    for (int i = optind; i < argc; i++)
        use_stdin |= strcmp(argv[i], "-") == 0;
    if (!cli->once && use_stdin && argc - optind > 1) {
        fprintf(stderr, "obsagent: '-' (standard input) cannot be followed together with files; "
                        "run one obsagent for each\n");
        return 2;
    }
    if (use_stdin)
        cli->once = 1;  /* standard input is read to its end in either mode */
    if (cli->once && (cli->ro.max_age_ms || cli->ro.max_bytes)) {
        fprintf(stderr, "obsagent: --retention and --max-db-size apply in follow mode only\n");
        return 2;
    }
    if (cli->once && follow_only) {
        termsafe_eprintf("obsagent: %s applies in follow mode only (not with --once or '-')\n", follow_only);
        return 2;
    }
    if (cli->once)  /* the default endpoint ($OBS_EMF_LISTEN) is a follow-mode one */
        cli->no.emf.spec = NULL, cli->mo.listen = NULL;
    cli->paths = argv + optind;
    cli->npaths = argc - optind;
    return -1;
}

void agent_cli_free(agent_cli_t *cli)
{
    free(cli->exclude);
    cli->exclude = NULL;
}
