/* agent/main.c — obsagent: parse the command line, open the store, run the
 * import (--once) or follow mode, print the summary or the status.
 * Everything else lives in the modules. */
#include "extension.h"
#include "follow.h"
#include "import.h"
#include "metrics_http.h"
#include "net_source.h"
#include "retention.h"
#include "status.h"
#include "../store/store.h"

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
       OPT_NO_MULTILINE, OPT_MULTILINE_TIMEOUT_MS, OPT_MAX_PENDING, OPT_EXCLUDE_FROM,
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

/* --extension: register with the Extensions API, and make the Telemetry
 * API receiver listen where Lambda can deliver (the sandbox is the
 * boundary there: a non-loopback address needs no --listen-public). The
 * function is the one Lambda names; the stream, unless --stream says, the
 * extension's identifier (one per execution environment). */
static int start_extension(net_opts_t *no, extension_t **ext, char *function, size_t n, obs_err_t *err)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api)
        return obs_err_set(err, OBS_EINVAL, "--extension: AWS_LAMBDA_RUNTIME_API is not set (not in Lambda?)");
    int rc = extension_register(api, "obsagent", ext, function, n, err);
    if (rc)
        return rc;
    if (!no->telemetry.listen)
        no->telemetry.listen = "sandbox.localdomain:4243";
    no->telemetry.allow_remote = 1;
    if (!no->telemetry.function && *function)
        no->telemetry.function = function;
    if (!no->telemetry.stream)
        no->telemetry.stream = extension_id(*ext);
    return 0;
}

/* Subscribe to deliveries at http://LISTEN/FUNCTION, then wait for events. */
static int subscribe_extension(extension_t *ext, const net_opts_t *no, const char *function, obs_err_t *err)
{
    char uri[512];
    snprintf(uri, sizeof uri, "http://%s/%s", no->telemetry.listen,
             no->telemetry.function ? no->telemetry.function : function);
    int rc = extension_subscribe(ext, uri, err);
    if (!rc)
        rc = extension_run(ext, err);
    if (!rc)
        fprintf(stderr, "obsagent: registered as a Lambda extension of %s; Telemetry API delivers to %s\n",
                function, uri);
    return rc;
}

static int bad_value(const char *opt, const char *val, const char *want)
{
    fprintf(stderr, "obsagent: invalid %s '%s': expected %s\n", opt, val, want);
    return 2;
}

int main(int argc, char **argv)
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
        { "exclude-from", required_argument, NULL, OPT_EXCLUDE_FROM },
        { "retention", required_argument, NULL, OPT_RETENTION },
        { "max-db-size", required_argument, NULL, OPT_MAX_DB_SIZE },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };
    import_opts_t io = { .progress = 1 };
    store_opts_t so = { 0 };
    const char *db = getenv("OBS_DB");
    follow_opts_t fo = { .poll_ms = FOLLOW_POLL_MS, .idle_flush_ms = FOLLOW_IDLE_FLUSH_MS,
                         .rotate_wait_ms = FOLLOW_ROTATE_WAIT_MS,
                         .multiline_timeout_ms = MULTILINE_TIMEOUT_MS, .extra_fd = -1 };
    /* $OBS_EMF_LISTEN sets the default listen list ("off": none) */
    const char *listen_env = getenv("OBS_EMF_LISTEN");
    net_opts_t no = { .emf = { .spec = !listen_env || !*listen_env ? EMF_DEFAULT_LISTEN
                                       : strcmp(listen_env, "off") == 0 ? NULL : listen_env },
                      .buffer_bytes = NET_BUFFER_BYTES_DEFAULT };
    /* $OBS_METRICS_LISTEN: where to serve /metrics ("off" or unset: nowhere) */
    const char *metrics_env = getenv("OBS_METRICS_LISTEN");
    metrics_http_opts_t mo = { .listen = !metrics_env || !*metrics_env || strcmp(metrics_env, "off") == 0
                                             ? NULL : metrics_env };
    retention_opts_t ro = { 0 };
    const char **exclude = NULL;
    int once = 0, quiet = 0, emf = 1, multiline = 1, status = 0, extension = 0, c;
    long long v;

    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_ONCE: once = 1; break;
        case OPT_DB: db = optarg; break;
        case OPT_FUNCTION: io.function = optarg; break;
        case OPT_STREAM: io.stream = optarg; break;
        case OPT_LOG_GROUP: io.log_group = optarg; break;
        case OPT_MAX_LINE:
            if (parse_size(optarg, 64, 64LL * 1024 * 1024, &v))
                return bad_value("--max-line", optarg, "a size from 64 to 64M bytes");
            io.max_line = (size_t)v;
            break;
        case OPT_BATCH_ROWS:
            if (parse_size(optarg, 1, 10000000, &v))
                return bad_value("--batch-rows", optarg, "a number from 1 to 10000000");
            so.batch_rows = (int)v;
            break;
        case OPT_BATCH_MS:
            if (parse_size(optarg, 1, 3600000, &v))
                return bad_value("--batch-ms", optarg, "milliseconds from 1 to 3600000");
            so.batch_ms = (int)v;
            break;
        case OPT_NO_PROGRESS: io.progress = 0; break;
        case OPT_NO_EMF: emf = 0; break;
        case OPT_NO_MULTILINE: multiline = 0; break;
        case OPT_MULTILINE_TIMEOUT_MS:
            if (parse_size(optarg, 0, 3600000, &v))
                return bad_value("--multiline-timeout-ms", optarg, "milliseconds from 0 to 3600000");
            fo.multiline_timeout_ms = (int)v;
            break;
        case OPT_STATUS: status = 1; break;
        case OPT_POLL_MS:
        case OPT_IDLE_FLUSH_MS:
        case OPT_ROTATE_WAIT_MS:
            if (parse_size(optarg, c == OPT_POLL_MS ? 10 : 0, 3600000, &v))
                return bad_value(c == OPT_POLL_MS ? "--poll-ms" : c == OPT_IDLE_FLUSH_MS ?
                                 "--idle-flush-ms" : "--rotate-wait-ms", optarg,
                                 "milliseconds (0 to 3600000; --poll-ms from 10)");
            *(c == OPT_POLL_MS ? &fo.poll_ms : c == OPT_IDLE_FLUSH_MS ? &fo.idle_flush_ms
                                                                      : &fo.rotate_wait_ms) = (int)v;
            break;
        case OPT_FROM:
            if (strcmp(optarg, "head") && strcmp(optarg, "tail"))
                return bad_value("--from", optarg, "head or tail");
            fo.from_tail = strcmp(optarg, "tail") == 0;
            break;
        case OPT_MAX_PENDING:
            if (parse_size(optarg, 64 * 1024, 4096LL * 1024 * 1024, &v))
                return bad_value("--max-pending-bytes", optarg, "a size from 64K to 4096M bytes");
            fo.max_pending_bytes = v;
            break;
        case OPT_EXCLUDE_FROM: fo.exclude_from = optarg; break;
        case OPT_RETENTION:
            if (retention_parse_age(optarg, &ro.max_age_ms))
                return bad_value("--retention", optarg, "a duration like 30m, 12h or 7d (at least 1m)");
            break;
        case OPT_MAX_DB_SIZE:
            if (retention_parse_size(optarg, &ro.max_bytes))
                return bad_value("--max-db-size", optarg, "a size like 500M or 2G (at least 1M)");
            break;
        case OPT_EXCLUDE:
            exclude = realloc(exclude, (size_t)(fo.nexclude + 1) * sizeof *exclude);
            exclude[fo.nexclude++] = optarg;
            fo.exclude = exclude;
            break;
        case OPT_EMF_LISTEN: no.emf.spec = optarg; break;
        case OPT_NO_EMF_LISTEN: no.emf.spec = NULL; break;
        case OPT_TELEMETRY_LISTEN: no.telemetry.listen = optarg; break;
        case OPT_EXTENSION: extension = 1; break;
        case OPT_LISTEN_PUBLIC: no.emf.allow_remote = no.telemetry.allow_remote = mo.allow_remote = 1; break;
        case OPT_METRICS_LISTEN: mo.listen = optarg; break;
        case OPT_EMF_MAX_FRAME:
            if (parse_size(optarg, 1024, 64LL * 1024 * 1024, &v))
                return bad_value("--emf-max-frame", optarg, "a size from 1K to 64M bytes");
            no.emf.max_frame = (size_t)v;
            break;
        case OPT_EMF_MAX_CONNECTIONS:
            if (parse_size(optarg, 1, 100000, &v))
                return bad_value("--emf-max-connections", optarg, "1 to 100000");
            no.emf.max_connections = (int)v;
            break;
        case OPT_EMF_IDLE_TIMEOUT_MS:
            if (parse_size(optarg, 100, 86400000, &v))
                return bad_value("--emf-idle-timeout-ms", optarg, "100 to 86400000");
            no.emf.idle_timeout_ms = (int)v;
            break;
        case OPT_EMF_BUFFER:
            if (parse_size(optarg, 64 * 1024, 4LL * 1024 * 1024 * 1024, &v))
                return bad_value("--emf-buffer", optarg, "a size from 64K to 4G bytes");
            no.buffer_bytes = (size_t)v;
            break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        case OPT_VERSION: printf("obsagent %s\n", OBS_VERSION); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!db || !*db)
        db = "obs.db";
    if (status)
        return agent_status_print(db, stdout);
    if (optind >= argc && (once || (!no.emf.spec && !no.telemetry.listen && !extension && !mo.listen))) {
        fprintf(stderr, "obsagent: no PATH given (a log file, a directory, or - for stdin)\n%s", usage);
        return 2;
    }
    int use_stdin = 0;
    for (int i = optind; i < argc; i++)
        use_stdin |= strcmp(argv[i], "-") == 0;
    if (!once && use_stdin && argc - optind > 1) {
        fprintf(stderr, "obsagent: '-' (standard input) cannot be followed together with files; "
                        "run one obsagent for each\n");
        return 2;
    }
    if (use_stdin)
        once = 1;  /* standard input is read to its end in either mode */
    if (once && (ro.max_age_ms || ro.max_bytes)) {
        fprintf(stderr, "obsagent: --retention and --max-db-size apply in follow mode only\n");
        return 2;
    }
    io.db_path = db;
    obs_err_t err = { 0 };
    store_t *st = NULL;
    if (store_open(db, &so, &st, &err)) {
        fprintf(stderr, "obsagent: %s\n", err.msg);
        return 1;
    }
    pipeline_t *pl = pipeline_new(st);
    pipeline_set_emf(pl, emf);
    pipeline_set_multiline(pl, multiline, io.max_line);
    import_report_t rep;
    memset(&rep, 0, sizeof rep);
    int rc;
    if (once) {
        rc = import_paths(st, pl, &io, argv + optind, argc - optind, &rep, &err);
    } else {
        fo.db_path = db;
        fo.function = io.function;
        fo.stream = io.stream;
        fo.log_group = io.log_group;
        fo.max_line = io.max_line;
        quiet = 1;  /* follow mode reports on stderr as it goes */
        net_source_t *ns = NULL;
        /* Under --max-db-size a batch may not read more than the store can
         * take between two retention turns: a store is ~2.3x its input, and
         * the size policy keeps a sixteenth of the limit as that headroom. */
        if (ro.max_bytes > 0) {
            int64_t cap = ro.max_bytes / 40 > 64 * 1024 ? ro.max_bytes / 40 : 64 * 1024;
            int64_t want = fo.max_pending_bytes > 0 ? fo.max_pending_bytes : FOLLOW_MAX_PENDING_DEFAULT;
            fo.max_pending_bytes = want < cap ? want : cap;
        }
        rc = retention_new(&ro, st, &fo.retention, &err);
        no.telemetry.function = io.function;
        no.telemetry.stream = io.stream;
        extension_t *ext = NULL;
        char ext_function[256] = "";
        if (!rc && extension)
            rc = start_extension(&no, &ext, ext_function, sizeof ext_function, &err);
        if (!rc && (no.emf.spec || no.telemetry.listen))
            rc = net_source_start(&no, st, pl, &ns, &err);
        if (!rc && ext)
            rc = subscribe_extension(ext, &no, ext_function, &err);
        if (!rc && ns) {
            char where[512];
            net_source_hook(ns, &fo);
            net_source_describe(ns, where, sizeof where);
            fprintf(stderr, "obsagent: %s\n", where);
        }
        metrics_http_t *mh = NULL;
        mo.db_path = db;
        if (!rc && mo.listen && !(rc = metrics_http_start(&mo, &mh, &err)))
            fprintf(stderr, "obsagent: Prometheus metrics on %s\n", metrics_http_describe(mh));
        if (!rc)
            rc = follow_run(st, pl, &fo, argv + optind, argc - optind, &err);
        metrics_http_stop(mh);
        extension_free(ext);
        net_source_free(ns);
        retention_free(fo.retention);
    }
    if (rc) {
        fprintf(stderr, "obsagent: %s\n", err.msg);
        store_rollback(st);  /* keep no row without its checkpoint */
    }
    if (store_close(st, &err) && !rc) {
        fprintf(stderr, "obsagent: %s\n", err.msg);
        rc = 1;
    }
    if (!quiet && !rc)
        import_print_summary(stdout, &rep, pipeline_stats(pl), db);
    pipeline_free(pl);
    free(exclude);
    return rc || rep.files_failed ? 1 : 0;
}
