/* agent/main.c — obsagent: parse the command line, open the store, run the
 * import, print the summary. Everything else lives in the modules. */
#include "import.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: obsagent --once [options] PATH... | -\n"
"\n"
"Import AWS Lambda logs (text or JSON log format) into an obs store,\n"
"with the custom metrics of their EMF documents.\n"
"PATH is a log file or a directory of <function>/<stream>.log files;\n"
"'-' reads standard input. Re-running imports only what is new.\n"
"\n"
"  --once               read every PATH to its end, then exit\n"
"  --db FILE            the store (default: $OBS_DB, else ./obs.db)\n"
"  --function NAME      function name (default: from the path)\n"
"  --stream NAME        log stream name (default: from the path)\n"
"  --log-group NAME     log group (default: /aws/lambda/<function>)\n"
"  --max-line BYTES     longer lines are stored truncated (default 262144;\n"
"                       suffixes K and M accepted)\n"
"  --batch-rows N       events per transaction (default 50000)\n"
"  --batch-ms MS        longest a transaction stays open (default 1000)\n"
"  --no-emf             do not extract EMF metrics (lines are still stored)\n"
"  --no-progress        no progress line on a terminal\n"
"  -q, --quiet          no summary\n"
"  -h, --help           this help\n"
"  --version            print the version\n"
"\n"
"Follow mode (tailing files as they grow, without --once) is coming.\n";

enum { OPT_ONCE = 256, OPT_DB, OPT_FUNCTION, OPT_STREAM, OPT_LOG_GROUP, OPT_MAX_LINE,
       OPT_BATCH_ROWS, OPT_BATCH_MS, OPT_NO_PROGRESS, OPT_NO_EMF, OPT_VERSION };

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
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { NULL, 0, NULL, 0 },
    };
    import_opts_t io = { .progress = 1 };
    store_opts_t so = { 0 };
    const char *db = getenv("OBS_DB");
    int once = 0, quiet = 0, emf = 1, c;
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
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        case OPT_VERSION: printf("obsagent %s\n", OBS_VERSION); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (!once) {
        fprintf(stderr, "obsagent: follow mode (tailing files as they grow) is not built yet; "
                        "use --once to import files to their end\n");
        return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "obsagent: no PATH given (a log file, a directory, or - for stdin)\n%s", usage);
        return 2;
    }
    if (!db || !*db)
        db = "obs.db";
    io.db_path = db;

    obs_err_t err = { 0 };
    store_t *st = NULL;
    if (store_open(db, &so, &st, &err)) {
        fprintf(stderr, "obsagent: %s\n", err.msg);
        return 1;
    }
    pipeline_t *pl = pipeline_new(st);
    pipeline_set_emf(pl, emf);
    import_report_t rep;
    int rc = import_paths(st, pl, &io, argv + optind, argc - optind, &rep, &err);
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
    return rc || rep.files_failed ? 1 : 0;
}
