/* lambda/decode.h — taking off what wraps Lambda's lines before they are
 * classified. A wrapper is what a tool put around the lines: `sam logs`'
 * stream name and time, a CloudWatch console copy's time and TAB, `aws logs
 * tail`'s time and stream, `docker logs -t`'s time, the JSON of `aws logs
 * filter-log-events`, a Logs Insights export, a subscription filter's
 * envelope. A decoder yields records — (time, stream, message) — and the
 * classifier only ever sees the message: what Lambda wrote.
 *
 * The format of an input is chosen by looking at its first bytes
 * (decode_sniff), never by the file's name; `obsagent --format NAME` forces
 * one. Two families:
 *   - line wrappers: each line may carry the wrapper (decode_line takes it
 *     off) or not (a continuation line of a multi-line event, printed
 *     without it: it passes as is);
 *   - documents: JSON or CSV holding many records (decode_document calls
 *     back once per record). Documents are read whole, so they are for
 *     imports, not for following a growing file.
 * Pure: no I/O, no state but what a decode_state_t holds. */
#ifndef OBS_DECODE_H
#define OBS_DECODE_H

#include "common/err.h"
#include "common/obs.h"

#include <stddef.h>
#include <stdint.h>

typedef enum decode_format {
    DECODE_AUTO = 0,        /* not chosen yet: decode_sniff decides */
    /* line wrappers */
    DECODE_LAMBDA,          /* none: lines as Lambda wrote them (CloudWatch's @message) */
    DECODE_SAM_LOGS,        /* `sam logs`: <stream> <YYYY-MM-DDTHH:MM:SS.ffffff> <message> */
    DECODE_CONSOLE,         /* console copy: <ISO time, Z or +hh:mm>\t<message> */
    DECODE_TAIL,            /* `aws logs tail`, S3 export lines: <ISO time>Z [<stream> ]<message> */
    DECODE_DOCKER,          /* `docker logs -t`: <RFC 3339 time with 9 decimals>Z <message> */
    DECODE_SAM_LOCAL,       /* `sam local` output: SAM's own lines name the function */
    DECODE_CLOCK,           /* a viewer's time of day: <HH:MM:SS[.frac]> <message> (no date: no time given) */
    /* documents */
    DECODE_EVENTS_JSON,     /* `aws logs filter-log-events` / `get-log-events` output; its events a line (`sam logs --output json`) */
    DECODE_INSIGHTS_JSON,   /* Logs Insights export: [{"@timestamp": ..., "@message": ...}, ...] */
    DECODE_INSIGHTS_CSV,    /* Logs Insights export: CSV with @timestamp and @message columns */
    DECODE_SUBSCRIPTION,    /* subscription filter / Firehose envelopes, one or several */
    DECODE_TELEMETRY_JSON,  /* Telemetry API batches: [{"time": ..., "type": ..., "record": ...}, ...] */
    DECODE__COUNT
} decode_format_t;

/* One record: a message and what the wrapper said about it. Spans point
 * into the input or into the decoder's own memory; valid until the next
 * call on the same input. */
typedef struct decode_record {
    obs_span_t message;     /* what Lambda wrote (a document's message may hold '\n') */
    int has_ts;             /* the wrapper gave the event's time */
    int64_t ts_ms;          /* that time, ms since the epoch, UTC */
    obs_span_t stream;      /* the log stream the wrapper names, or empty */
    obs_span_t log_group;   /* the log group it names, or empty */
    obs_span_t function;    /* the function it names (`sam local`), or empty */
} decode_record_t;

/* The bytes decode_sniff looks at, at most. */
#define DECODE_SNIFF_BYTES 65536

/* The format of an input from its first n bytes (a gzip member's, once
 * inflated: decode_is_gzip tells). Never DECODE_AUTO. */
decode_format_t decode_sniff(const char *p, size_t n);

/* Do these bytes start a gzip member (1f 8b)? */
int decode_is_gzip(const char *p, size_t n);

/* Is the format a document (decode_document), rather than lines? */
int decode_is_document(decode_format_t f);

/* ---- line wrappers -------------------------------------------------------- */

/* What a line decoder remembers between lines (SAM's current function, a
 * clock's separator). */
typedef struct decode_state {
    decode_format_t format;
    char function[128];     /* DECODE_SAM_LOCAL: the function SAM last named */
    int emulated;           /* an emulator's own lines were seen (SAM, RIE) */
    size_t clock_blanks;    /* DECODE_CLOCK: the blanks after the time before a platform line, 0 unknown */
    int exp_phase;          /* DECODE_CONSOLE: where in an expanded event (decode_expanded.c) */
    int exp_lines;          /* its message's lines so far */
    int64_t exp_ts_ms;      /* its time */
    uint64_t exp_hash;      /* its message's bytes but blanks, hashed: the second copy's check */
    int exp_json;           /* its message's first line is "{" (1) or "[" (2): a JSON message printed */
    int exp_began;          /* the line just decoded is the first of an expanded event's message */
    int exp_json_copy;      /* the line just decoded is the one-line second copy of a JSON message
                               printed over several lines: the message as CloudWatch holds it,
                               which replaces the printed lines (agent/pipeline.c) */
    int sam_trace;          /* DECODE_SAM_LOGS: inside an X-Ray block `sam logs --include-traces` printed */
} decode_state_t;

void decode_state_init(decode_state_t *s, decode_format_t f);

/* Take the wrapper off one line (no newline). Returns 1 with *out filled
 * (out->message is the rest of the line), 0 when the line does not carry
 * the wrapper (it passes as is: out->message is the whole line, no time;
 * out->function may name the function `sam local` runs from then on), or
 * -1 when the line is the tool's own and no log line: the console's
 * expanded view's time line, its Copy label and its second copy of the
 * message, the X-Ray traces and service graphs `sam logs --include-traces`
 * prints among the events (not stored; counted). A second copy that is
 * a JSON message's compact line sets s->exp_json_copy: the caller stores it
 * in place of that message's printed lines (they are the console's own
 * then). */
int decode_line(decode_state_t *s, const char *line, size_t len, decode_record_t *out);

/* Does the tool of this line wrapper print its prefix once per CloudWatch
 * event, so that a message's later lines come without it (`sam logs`,
 * `aws logs tail` and S3 export lines, console copies, a viewer's time of
 * day)? Not `docker logs -t` (a time before every line) nor `sam local`. */
int decode_prefix_per_event(decode_format_t f);

/* ---- documents ------------------------------------------------------------ */

/* Documents larger than this are refused (they are parsed in memory). */
#define DECODE_DOCUMENT_MAX (512 * 1024 * 1024)

/* A document's record is only valid during the call to emit: its spans may
 * point into a tree freed once emit returns (copy what you keep). */
typedef int (*decode_emit_fn)(void *ctx, const decode_record_t *r, obs_err_t *err);

/* Decode a whole document of format f, calling emit once per record in
 * the document's order. Returns 0; OBS_EINVAL with where the document is
 * malformed (records before it were emitted); or what emit returned. */
int decode_document(decode_format_t f, const char *p, size_t n, decode_emit_fn emit, void *ctx,
                    obs_err_t *err);

/* ---- names ---------------------------------------------------------------- */

/* "lambda", "sam-logs", "console", "tail", "docker", "sam-local", "clock",
 * "events-json", "insights-json", "insights-csv", "subscription",
 * "telemetry-json". */
const char *decode_format_name(decode_format_t f);
/* The format of a name (--format): 0, or -1 when unknown. "auto" is DECODE_AUTO. */
int decode_format_parse(const char *name, decode_format_t *out);

#endif
