/* lambda/classify.h — the Lambda line classifier. One line of a function's log
 * (text log format or JSON log format, without its newline) in; its kind, the
 * Logs Insights discovered fields, and the signals the pipeline needs
 * (invocation outcome, throttle signal, cold start data) out.
 *
 * Pure: no I/O, no global state. The text path never allocates; a line with a
 * JSON object is parsed with cJSON, and the tree is kept in the result (spans
 * may point into it) until classify_result_done().
 *
 * Every span points either into `line` or into the cJSON tree; an absent
 * field has p == NULL, len == 0. Numbers absent are NAN (doubles) or -1
 * (integers). */
#ifndef OBS_CLASSIFY_H
#define OBS_CLASSIFY_H

#include "common/obs.h"

#include <stdint.h>

struct cJSON;

typedef enum lambda_kind {
    LK_PLAIN = 0,       /* matched nothing (print() output, continuation lines) */
    LK_APP,             /* runtime-prefixed application line, or JSON app record */
    LK_START,           /* START RequestId / platform.start */
    LK_END,             /* END RequestId (JSON: the Logs API's platform.end) */
    LK_REPORT,          /* REPORT RequestId / platform.report */
    LK_INIT_START,      /* INIT_START / platform.initStart */
    LK_INIT_REPORT,     /* INIT_REPORT / platform.initReport */
    LK_RESTORE_REPORT,  /* RESTORE_REPORT / platform.restoreReport */
    LK_EXTENSION,       /* EXTENSION\t / platform.extension */
    LK_TELEMETRY,       /* TELEMETRY\t / platform.telemetrySubscription */
    LK_TIMEOUT,         /* "<ts>\t<id>\tTask timed out after N seconds" */
    LK_RUNTIME_EXIT,    /* "RequestId: X Error: Runtime exited ..." and
                           "RequestId: X Process exited before completing request" */
    LK_ERROR_TYPE,      /* a bare "Runtime.ExitError"-style line ending an old crash event */
    LK_PLATFORM,        /* any other JSON platform.* record (runtimeDone, logsDropped, ...) */
    LK__COUNT
} lambda_kind_t;

/* What a line says about the outcome of its invocation; ordered by severity
 * (an invocation's outcome is the maximum over its lines). */
typedef enum lambda_outcome {
    LO_NONE = 0,        /* says nothing (or: success) */
    LO_ERROR = 1,       /* uncaught handler error, or REPORT Status: error (not a crash type) */
    LO_TIMEOUT = 2,     /* Task timed out / Status: timeout */
    LO_CRASH = 3,       /* runtime exited / Runtime.ExitError / Extension.Crash ... */
    LO_OOM = 4,         /* Runtime.OutOfMemory */
} lambda_outcome_t;

/* Normalised log level; level_text below keeps what the line said. */
typedef enum lambda_level {
    LL_NONE = 0, LL_TRACE, LL_DEBUG, LL_INFO, LL_WARN, LL_ERROR, LL_FATAL
} lambda_level_t;

typedef struct lambda_line {
    lambda_kind_t kind;
    const char *type;          /* @type: "START","END","REPORT","INIT_START","INIT_REPORT",
                                  "RESTORE_REPORT","EXTENSION","TELEMETRY" for text lines;
                                  for JSON platform records the record's "type" string
                                  ("platform.report", ...); NULL for app, plain, timeout
                                  and runtime-exit lines. Static or points into the tree. */
    int has_ts;                /* 1 when the line carries its own time */
    int64_t ts_ms;             /* that time, ms since the epoch, UTC */

    obs_span_t request_id;     /* @requestId as discovered on this line */
    lambda_level_t level;
    obs_span_t level_text;     /* the level as written ("INFO", "fail", "WARNING") */
    obs_span_t body;           /* text after the runtime prefix (== whole line when none);
                                  for JSON app records the "message" when it is a string */
    obs_span_t json;           /* the first embedded JSON object, as a valid JSON text:
                                  the whole line for JSON-format records, or the object
                                  after a text prefix (Node "Invoke Error \t{...}", Go
                                  log line, Python/Node app line whose message is JSON) */
    struct cJSON *tree;        /* parsed `json`, owned by the result (NULL when none) */
    struct cJSON *outer;       /* a Telemetry API element around the line (its
                                  spans point into it), owned by the result */

    /* START */
    obs_span_t version;        /* "Version: $LATEST" */
    /* REPORT, INIT_REPORT, RESTORE_REPORT (JSON: record.metrics.*) */
    double duration_ms, billed_duration_ms, init_duration_ms;
    double restore_duration_ms, billed_restore_duration_ms;
    int64_t memory_size_mb, max_memory_used_mb;
    obs_span_t xray_trace_id, xray_segment_id;
    int xray_sampled;          /* 1, 0, or -1 when absent */
    obs_span_t status;         /* "timeout", "error", "success", ... as written */
    obs_span_t error_type;     /* "Runtime.ExitError", handler error class, ... */
    obs_span_t phase;          /* INIT_REPORT Phase: init|invoke */
    /* INIT_START */
    obs_span_t runtime_version;      /* "python:3.12.v18" */
    obs_span_t runtime_version_arn;
    obs_span_t init_type;            /* JSON initializationType: "on-demand", ... */
    /* EXTENSION / TELEMETRY */
    obs_span_t ext_name, ext_state, ext_events;
    /* Task timed out after N seconds */
    double timeout_s;

    lambda_outcome_t outcome;  /* what this line says about its invocation */
    const char *throttle;      /* NULL, or the throttle signal this line carries
                                  (static string, see throttle.h) */
} lambda_line_t;

/* Classify one line (no trailing newline; may contain any bytes, NULs included).
 * Always succeeds: a line that matches nothing is LK_PLAIN with body = line.
 * The result must be released with classify_result_done(). */
void classify_line(const char *line, size_t len, lambda_line_t *out);

/* A message of several lines ('\n') whose last line is a bare error type
 * ("Runtime.Unknown", "Runtime.ExitError"), classified (r) by its first
 * line: the event Lambda writes when a runtime fails, "Unknown application
 * error occurred\nRuntime.Unknown", "RequestId: ... Error: Runtime exited
 * ...\nRuntime.ExitError", "RequestId: ... Error: Couldn't find valid
 * bootstrap(s): [...]\nRuntime.InvalidEntrypoint". The error type (and its
 * outcome, where the first line said none) are that line's when the first
 * line is plain (the event is then an LK_ERROR_TYPE), a runtime exit or a
 * failing platform line that named no error type. Else nothing changes. */
void classify_error_tail(const char *msg, size_t len, lambda_line_t *r);

/* Free what the result owns (the cJSON tree); out may be reused afterwards. */
void classify_result_done(lambda_line_t *out);

/* Names for kinds/levels/outcomes ("START", "app", "plain", "ERROR", "timeout"...). */
const char *classify_kind_name(lambda_kind_t k);
const char *classify_level_name(lambda_level_t l);     /* NULL for LL_NONE */
const char *classify_outcome_name(lambda_outcome_t o); /* "ok" for LO_NONE */

#endif
