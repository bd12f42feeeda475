/* agent/cli.c — obsagent's command line (see cli.h): the usage text, the
 * options and their ranges, and the checks between them. */
#include "agent/cli.h"
#include "common/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: obsagent [options] [PATH...]      follow: tail PATHs and serve the EMF\n"
"                                         endpoint (and /metrics) until stopped\n"
"       obsagent --once [options] PATH... | -\n"
"       obsagent --status [--db FILE]\n"
"\n"
"Import AWS Lambda logs (text or JSON log format) into an obs store,\n"
"with the custom metrics of their EMF documents.\n"
"PATH is a log file or a directory of <function>/<stream>.log files;\n"
"'-' reads standard input to its end. A file is never imported twice.\n"
"\n"
"  --once               read every PATH to its end, then exit\n"
"  --status             print the agent's counters, state and lag (bytes written\n"
"                       to each file and not stored yet), then exit\n"
"  --db FILE            the store (default: $OBS_DB, else ./obs.db)\n"
"  --function NAME      function name (default: from the path)\n"
"  --stream NAME        log stream name (default: from the path)\n"
"  --log-group NAME     log group (default: /aws/lambda/<function>)\n"
"  --max-line BYTES     longer lines are stored truncated (default 262144;\n"
"                       suffixes K and M accepted)\n"
"  --batch-rows N       events per transaction (default 50000)\n"
"  --batch-ms MS        longest a transaction stays open (default 1000)\n"
"  --no-emf             do not extract EMF metrics (lines are still stored)\n"
"  --no-multiline       store every line as an event of its own (default: stack\n"
"                       traces and tracebacks written line by line become one\n"
"                       event with the line that started them)\n"
"follow mode:\n"
"  --poll-ms N          look for new files and data every N ms (default 250;\n"
"                       inotify wakes it sooner where available)\n"
"  --idle-flush-ms N    store a last line without newline after N ms (3000)\n"
"  --multiline-timeout-ms N\n"
"                       store a multi-line event after N ms without data (1000)\n"
"  --rotate-wait-ms N   keep reading a rotated file N ms (5000)\n"
"  --from head|tail     files present at start and never read: from their\n"
"                       head (default) or their end\n"
"  --max-pending-bytes N\n"
"                       read at most N bytes ahead of the last commit (default\n"
"                       32M; K and M accepted): a slow store slows reading, a\n"
"                       locked or full one pauses it (the files hold the rest)\n"
"  --max-open-files N   keep at most N files open (default: the open-file limit,\n"
"                       ulimit -n, less what the store and sockets need); past\n"
"                       it, idle files are closed and opened again in turn\n"
"  --exclude GLOB       skip matching files (path or name); repeatable.\n"
"                       Archives and rotated copies (x.log.1) are skipped anyway\n"
"  --exclude-from FILE  more exclude globs, one a line (# comments); re-read\n"
"                       at SIGHUP, which also rescans the paths at once\n"
"  --retention AGE     delete events, metric points, invocations and rollups\n"
"                       older than AGE by event time (30m, 12h, 7d), a few\n"
"                       thousand rows at a time between reads\n"
"  --max-db-size SIZE   keep the store (file + WAL, in use) under SIZE (500M,\n"
"                       2G; K, M, G = 1024-based): over it, the oldest minutes\n"
"                       are deleted until it is under 90% of SIZE\n""EMF endpoint (follow mode; what the CloudWatch agent serves to clients in\n"
"Agent mode, AWS_EMF_AGENT_ENDPOINT=tcp://127.0.0.1:25888):\n"
"  --emf-listen LIST    where to listen (default $OBS_EMF_LISTEN, else\n"
"                       tcp://127.0.0.1:25888,udp://127.0.0.1:25888)\n"
"  --no-emf-listen      do not listen (also OBS_EMF_LISTEN=off)\n"
"  --listen-public      allow a non-loopback listen address (anyone who can\n"
"                       reach it can write to the store, or read /metrics)\n"
"  --emf-max-frame BYTES  longest document (default 1M; longer ones are dropped\n"
"                       and counted)\n"
"  --emf-max-connections N  open TCP connections (default 256)\n"
"  --emf-idle-timeout-ms N  close a silent TCP connection after N ms (300000)\n"
"  --emf-buffer BYTES   what the network inputs received and the store has not\n"
"                       (default 32M): beyond, TCP clients wait, UDP datagrams\n"
"                       are dropped and counted, Telemetry API batches get 503\n"
"Lambda Telemetry API receiver (follow mode):\n"
"  --telemetry-listen HOST:PORT  take the batches Lambda POSTs to a subscribed\n"
"                       extension; POST /FUNCTION?stream=NAME routes them\n"
"                       (default function and stream: --function, --stream)\n"
"  --extension          run as a Lambda extension: register with the Extensions\n"
"                       API at $AWS_LAMBDA_RUNTIME_API, subscribe to the\n"
"                       Telemetry API (receiver default sandbox.localdomain:4243),\n"
"                       stop at SHUTDOWN having stored everything\n"
"Prometheus (follow mode):\n"
"  --metrics-listen HOST:PORT\n"
"                       serve GET /metrics there (default $OBS_METRICS_LISTEN,\n"
"                       else off; e.g. 127.0.0.1:9464); a non-loopback HOST\n"
"                       needs --listen-public\n"
"  --no-progress        no progress line on a terminal\n"
"  -q, --quiet          no summary\n"
"  -h, --help           this help\n"
"  --version            print the version\n"
"\n"
"In follow mode SIGTERM or SIGINT stops after storing what was read; SIGHUP\n"
"re-reads --exclude-from and rescans (other options are fixed at start).\n";

enum { OPT_ONCE = 256, OPT_DB, OPT_FUNCTION, OPT_STREAM, OPT_LOG_GROUP, OPT_MAX_LINE,
       OPT_BATCH_ROWS, OPT_BATCH_MS, OPT_NO_PROGRESS, OPT_NO_EMF, OPT_VERSION, OPT_STATUS,
       OPT_POLL_MS, OPT_IDLE_FLUSH_MS, OPT_ROTATE_WAIT_MS, OPT_FROM, OPT_EXCLUDE,
       OPT_NO_MULTILINE, OPT_MULTILINE_TIMEOUT_MS, OPT_MAX_PENDING, OPT_MAX_OPEN_FILES, OPT_EXCLUDE_FROM,
       OPT_EMF_LISTEN, OPT_NO_EMF_LISTEN, OPT_LISTEN_PUBLIC, OPT_EMF_MAX_FRAME,
       OPT_EMF_MAX_CONNECTIONS, OPT_EMF_IDLE_TIMEOUT_MS, OPT_EMF_BUFFER, OPT_TELEMETRY_LISTEN,
       OPT_EXTENSION, OPT_METRICS_LISTEN, OPT_RETENTION, OPT_MAX_DB_SIZE };

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
    fprintf(stderr, "obsagent: invalid %s '%s': expected %s\n", opt, val, want);
    return 2;
}

int agent_cli_parse(int argc, char **argv, agent_cli_t *cli)
{
    static const struct option longopts[] = {
        { "once", no_argument, NULL, OPT_ONCE },
        { "db", required_argument, NULL, OPT_DB },
        { "function", required_argument, NULL, OPT_FUNCTION },
        { "stream", required_argument, NULL, OPT_STREAM },
        { "log-group", required_argument, NULL, OPT_LOG_GROUP },
        { "max-line", required_argument, NULL, OPT_MAX_LINE },
        { "batch-rows", required_argument, NULL, OPT_BATCH_ROWS },
        { "batch-ms", required_argument, NULL, OPT_BATCH_MS },
        { "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
        { "no-emf", no_argument, NULL, OPT_NO_EMF },
        { "no-multiline", no_argument, NULL, OPT_NO_MULTILINE },
        { "multiline-timeout-ms", required_argument, NULL, OPT_MULTILINE_TIMEOUT_MS },
        { "status", no_argument, NULL, OPT_STATUS },
        { "poll-ms", required_argument, NULL, OPT_POLL_MS },
        { "idle-flush-ms", required_argument, NULL, OPT_IDLE_FLUSH_MS },
        { "rotate-wait-ms", required_argument, NULL, OPT_ROTATE_WAIT_MS },
        { "from", required_argument, NULL, OPT_FROM },
        { "emf-listen", required_argument, NULL, OPT_EMF_LISTEN },
        { "no-emf-listen", no_argument, NULL, OPT_NO_EMF_LISTEN },
        { "listen-public", no_argument, NULL, OPT_LISTEN_PUBLIC },
        { "telemetry-listen", required_argument, NULL, OPT_TELEMETRY_LISTEN },
        { "extension", no_argument, NULL, OPT_EXTENSION },
        { "emf-max-frame", required_argument, NULL, OPT_EMF_MAX_FRAME },
        { "emf-max-connections", required_argument, NULL, OPT_EMF_MAX_CONNECTIONS },
        { "emf-idle-timeout-ms", required_argument, NULL, OPT_EMF_IDLE_TIMEOUT_MS },
        { "emf-buffer", required_argument, NULL, OPT_EMF_BUFFER },
        { "metrics-listen", required_argument, NULL, OPT_METRICS_LISTEN },
        { "exclude", required_argument, NULL, OPT_EXCLUDE },
        { "max-pending-bytes", required_argument, NULL, OPT_MAX_PENDING },
        { "max-open-files", required_argument, NULL, OPT_MAX_OPEN_FILES },
        { "exclude-from", required_argument, NULL, OPT_EXCLUDE_FROM },
        { "retention", required_argument, NULL, OPT_RETENTION },
        { "max-db-size", required_argument, NULL, OPT_MAX_DB_SIZE },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };
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
    int c;
    long long v;
    const char *follow_only = NULL;  /* a network option given: follow mode only */

    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
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
        case 'q': cli->quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        case OPT_VERSION: printf("obsagent %s\n", OBS_VERSION); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!cli->db || !*cli->db)
        cli->db = "obs.db";
    if (cli->status)
        return -1;
    if (optind >= argc &&
        (cli->once || (!cli->no.emf.spec && !cli->no.telemetry.listen && !cli->extension && !cli->mo.listen))) {
        fprintf(stderr, "obsagent: no PATH given (a log file, a directory, or - for stdin)\n%s", usage);
        return 2;
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
        fprintf(stderr, "obsagent: %s applies in follow mode only (not with --once or '-')\n", follow_only);
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
