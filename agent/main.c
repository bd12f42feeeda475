/* agent/main.c — obsagent: after the command line (cli.c), print the
 * status, or open the store and run the import (--once) or follow mode with
 * the network inputs, the Lambda extension and /metrics it asks for, then
 * print the summary. Everything else lives in the modules. */
#include "agent/cli.h"
#include "agent/forward/forward.h"
#include "agent/net/extension.h"
#include "agent/status.h"
#include "common/clock.h"
#include "common/log.h"
#include "store/agent_state.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* SIGINT or SIGTERM during --once: the import stops after the chunk it is
 * reading and stores what it read (follow mode has its own handler). */
static volatile sig_atomic_t interrupted;

/* --once --forward: how long ClickHouse may take to acknowledge what was
 * imported before the agent gives up (what is left stays in the store). */
#define FORWARD_DRAIN_MS 60000

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* A listener that could not start because its address is taken: which
 * option moves it, and that the one there may be another agent (said after
 * the error, on its line). */
static const char *listen_hint(const obs_err_t *err, const char *option)
{
    static char hint[300];
    if (!strstr(err->msg, "in use"))
        return NULL;
    snprintf(hint, sizeof hint, "another obsagent may be listening there (and own the store: obsagent "
             "--status says); %s", option);
    return hint;
}

/* --once: a PATH that does not exist is named, and the others are still
 * imported; when none is left, 1 (and no store is created). Follow mode:
 * said, and followed once it appears. */
static int check_paths(agent_cli_t *cli, int *missing)
{
    int kept = 0;
    *missing = 0;
    for (int i = 0; i < cli->npaths; i++) {
        struct stat sb;
        if (strcmp(cli->paths[i], "-") == 0 || stat(cli->paths[i], &sb) == 0 || errno != ENOENT) {
            cli->paths[kept++] = cli->paths[i];
            continue;
        }
        if (cli->once) {
            obs_log(OBS_LOG_ERROR, "%s: no such file or directory; %s", cli->paths[i],
                    cli->npaths > 1 ? "importing the other paths" : "nothing to import");
            (*missing)++;
        } else {
            obs_log(OBS_LOG_WARN, "%s does not exist (yet): it is followed once it appears", cli->paths[i]);
            cli->paths[kept++] = cli->paths[i];
        }
    }
    cli->npaths = kept;
    return cli->once && kept == 0 && *missing ? 1 : 0;
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
        obs_log(OBS_LOG_INFO, "registered as a Lambda extension of %s; Telemetry API delivers to %s",
                function, uri);
    return rc;
}

/* Follow mode with the network inputs, the extension and /metrics. */
/* --once --forward: the summary's last line, what went to ClickHouse */
static void print_forward_summary(FILE *out, const forward_progress_t *fp, const char *target)
{
    double secs = (double)fp->ms / 1000.0;
    fprintf(out, "  forward      %lld events, %lld invocation rows, %lld metric points to %s, all acknowledged",
            (long long)fp->events, (long long)fp->invocations, (long long)fp->points, target);
    if (fp->events > 0 && secs > 0)
        fprintf(out, " %.2f s after the start (%.0f events/s)", secs, (double)fp->events / secs);
    fputc('\n', out);
}

static int run_follow(agent_cli_t *cli, store_t *st, pipeline_t *pl, const char **hint, obs_err_t *err)
{
    int rc;
    cli->fo.db_path = cli->db;
    cli->fo.function = cli->io.function;
    cli->fo.stream = cli->io.stream;
    cli->fo.log_group = cli->io.log_group;
    cli->fo.max_line = cli->io.max_line;
    cli->quiet = 1;  /* follow mode reports on stderr as it goes */
    net_source_t *ns = NULL;
    /* Under --max-db-size a batch may not read more than the store can
     * take between two retention turns: a store is ~2.3x its input, and
     * the size policy keeps a sixteenth of the limit as that headroom. */
    if (cli->ro.max_bytes > 0) {
        int64_t cap = cli->ro.max_bytes / 40 > 64 * 1024 ? cli->ro.max_bytes / 40 : 64 * 1024;
        int64_t want = cli->fo.max_pending_bytes > 0 ? cli->fo.max_pending_bytes : FOLLOW_MAX_PENDING_DEFAULT;
        cli->fo.max_pending_bytes = want < cap ? want : cap;
    }
    rc = retention_new(&cli->ro, st, &cli->fo.retention, err);
    cli->no.telemetry.function = cli->io.function;
    cli->no.telemetry.stream = cli->io.stream;
    extension_t *ext = NULL;
    char ext_function[256] = "";
    if (!rc && cli->extension)
        rc = start_extension(&cli->no, &ext, ext_function, sizeof ext_function, err);
    if (!rc && (cli->no.emf.spec || cli->no.telemetry.listen)) {
        rc = net_source_start(&cli->no, st, pl, &ns, err);
        if (rc && strstr(err->msg, "Telemetry API"))
            *hint = listen_hint(err, "--telemetry-listen HOST:PORT sets another address");
        else if (rc)
            *hint = listen_hint(err, "--emf-listen LIST (or $OBS_EMF_LISTEN) sets another address, "
                                "--no-emf-listen none");
    }
    if (!rc && ext)
        rc = subscribe_extension(ext, &cli->no, ext_function, err);
    if (!rc && ns) {
        char where[512];
        net_source_hook(ns, &cli->fo);
        net_source_describe(ns, where, sizeof where);
        obs_log(OBS_LOG_INFO, "%s", where);
    }
    /* the files' share of the descriptors: what the store (db, wal, shm,
     * lock, state), inotify, the inbox and the sockets may take is kept
     * out of it */
    int reserved = 32 + (cli->no.emf.spec ? (cli->no.emf.max_connections ? cli->no.emf.max_connections
                                                                          : EMF_MAX_CONNECTIONS_DEFAULT) + 8 : 0) +
                   (cli->no.telemetry.listen ? 72 : 0) + (cli->mo.listen ? 72 : 0);
    cli->fo.max_open_files = follow_open_files_limit(cli->fo.max_open_files, reserved);
    prom_http_t *mh = NULL;
    cli->mo.db_path = cli->db;
    if (!rc && cli->mo.listen && !(rc = prom_http_start(&cli->mo, &mh, err)))
        obs_log(OBS_LOG_INFO, "Prometheus metrics on %s", prom_http_describe(mh));
    else if (rc && cli->mo.listen && !mh)
        *hint = listen_hint(err, "--metrics-listen HOST:PORT (or $OBS_METRICS_LISTEN) sets another address");
    if (!rc)
        rc = follow_run(st, pl, &cli->fo, cli->paths, cli->npaths, err);
    prom_http_stop(mh);
    extension_free(ext);
    net_source_free(ns);
    retention_free(cli->fo.retention);
    return rc;
}

int main(int argc, char **argv)
{
    agent_cli_t cli;
    obs_log_setup("obsagent", OBS_LOG_INFO);
    int rc = agent_cli_parse(argc, argv, &cli);
    if (rc >= 0) {
        agent_cli_free(&cli);
        return rc;
    }
    obs_log_setup("obsagent", cli.log_level);
    obs_log_set_format(cli.log_format);
    if (cli.status) {
        agent_cli_free(&cli);
        return agent_status_print(cli.db, stdout);
    }
    cli.io.db_path = cli.db;
    int missing;
    if (check_paths(&cli, &missing)) {   /* nothing to import: no store made */
        agent_cli_free(&cli);
        return 1;
    }
    obs_err_t err = { 0 };
    store_t *st = NULL;
    if (store_open(cli.db, &cli.so, &st, &err)) {
        obs_log(OBS_LOG_ERROR, "%s", err.msg);
        agent_cli_free(&cli);
        return 1;
    }
    obs_log(OBS_LOG_DEBUG, "store %s open; %d path%s", cli.db, cli.npaths, cli.npaths == 1 ? "" : "s");
    if (!cli.once) {
        /* an import that was killed left the time indexes to build (an
         * import that runs now builds them at its end) */
        int64_t built = 0;
        double t0 = obs_mono_s();
        if (store_build_deferred(st, &built, &err)) {
            obs_log(OBS_LOG_ERROR, "%s", err.msg);
            store_close(st, NULL);
            agent_cli_free(&cli);
            return 1;
        }
        if (built)
            obs_log(OBS_LOG_INFO, "built the %lld time index%s an interrupted import left, in %.1f s",
                    (long long)built, built == 1 ? "" : "es", obs_mono_s() - t0);
    }
    forward_t *fwd = NULL;
    if (cli.forward) {
        forward_opts_t fo = { cli.forward, cli.db, cli.ro.max_age_ms, 0 };
        if (forward_start(&fo, &fwd, &err)) {
            obs_log(OBS_LOG_ERROR, "%s", err.msg);
            store_close(st, NULL);
            agent_cli_free(&cli);
            return 1;
        }
    }
    pipeline_t *pl = pipeline_new(st);
    pipeline_set_emf(pl, cli.emf);
    pipeline_set_multiline(pl, cli.multiline, cli.io.max_line);
    pipeline_set_format(pl, cli.format);
    import_report_t rep;
    memset(&rep, 0, sizeof rep);
    forward_progress_t fp;
    memset(&fp, 0, sizeof fp);
    char fwd_target[400] = "";
    if (fwd)
        snprintf(fwd_target, sizeof fwd_target, "%s", forward_target(fwd));
    const char *hint = NULL;
    if (cli.once) {
        /* the import's state beside the store (obstop, --status): importing, then stopped */
        agent_state_t *as = agent_state_new(cli.db);
        agent_state_set(as, "importing", NULL, obs_wall_ms());
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_interrupt;   /* no SA_RESTART: a read of stdin returns */
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        cli.io.stop = &interrupted;
        cli.io.exclude = cli.fo.exclude;
        cli.io.nexclude = cli.fo.nexclude;
        cli.io.exclude_from = cli.fo.exclude_from;
        cli.io.format = cli.format;
        rc = import_paths(st, pl, &cli.io, cli.paths, cli.npaths, &rep, &err);
        /* --forward: what was imported is committed, then shipped */
        if (!rc && fwd && !(rc = store_commit(st, &err)) && !rep.interrupted)
            rc = forward_drain(fwd, FORWARD_DRAIN_MS, &err);
        if (fwd)
            forward_progress(fwd, &fp);
        agent_state_free(as);
    } else {
        rc = run_follow(&cli, st, pl, &hint, &err);
    }
    if (rc) {
        obs_log(OBS_LOG_ERROR, "%s%s%s", err.msg, hint ? "; " : "", hint ? hint : "");
        store_rollback(st);  /* keep no row without its checkpoint */
    }
    forward_stop(fwd);
    if (store_close(st, &err) && !rc) {
        obs_log(OBS_LOG_ERROR, "%s", err.msg);
        rc = 1;
    }
    if (!cli.quiet && !rc) {
        import_print_summary(stdout, &rep, pipeline_stats(pl), cli.db);
        if (cli.forward && !rep.interrupted)
            print_forward_summary(stdout, &fp, fwd_target);
    }
    if (!rc && rep.interrupted)
        obs_log(OBS_LOG_WARN, "interrupted in file %d of %d (%.1f of %.1f MB read, %lld lines); what was read "
                "is stored, and running the same command again resumes where it stopped%s",
                rep.files_done, rep.files_found, (double)rep.bytes_done / 1e6, (double)rep.bytes_total / 1e6,
                (long long)pipeline_stats(pl)->lines,
                rep.indexes_left ? " (queries scan by time until then: the time indexes are built at the "
                                   "end of an import, or when obsagent next opens the store)" : "");
    pipeline_free(pl);
    agent_cli_free(&cli);
    return rc || rep.files_failed || missing ? 1 : rep.interrupted ? 130 : 0;
}
