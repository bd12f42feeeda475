/* agent/pipeline_int.h — what the pipeline's files share (pipeline.h is the
 * front door): the stream and pipeline state, a section per file.
 *   pipeline.c        streams, sources' decoding and routing, multi-line
 *                     joining, sync
 *   pipeline_event.c  one event: classify, its time, store it, what it
 *                     says of its invocation
 *   pipeline_emf.c    EMF documents (pipeline_emf.h) */
#ifndef OBS_AGENT_PIPELINE_INT_H
#define OBS_AGENT_PIPELINE_INT_H

#include "agent/invocations.h"
#include "agent/pipeline.h"
#include "lambda/decode.h"

/* A line held until its stream's first timed line (a copy of its bytes). */
typedef struct pending_line {
    char *bytes;
    size_t len, head;         /* head: bytes of its first line (multi-line events) */
    int flags;
    int64_t arrival_ms;
} pending_line_t;

/* Requests in flight in one stream (START seen, no END or REPORT yet): a
 * line that says how an invocation went without naming it is given to the
 * only one in flight. More than this many at once: the oldest is dropped
 * (and lines without a request id are given to none). */
#define PIPELINE_IN_FLIGHT_MAX 16

struct pipeline_stream {
    int64_t id;
    char *function, *log_group, *name;
    int has_last_ts;
    int64_t last_ts;          /* time of the last timed line (for inheritance) */
    int64_t first_seen, last_seen;
    int dirty;                /* first/last/runtime changed since the last sync */
    char *runtime_version;    /* from INIT_START / RESTORE_START */
    int emulated;             /* an emulator's output (SAM local, the RIE) */
    int init_open;            /* an environment's init was seen and no invocation
                                 has started since: the next one is its first */
    int init_type;            /* ... and how it started, as far as known
                                 (STORE_INIT_*, 0 unknown) */
    char in_flight[PIPELINE_IN_FLIGHT_MAX][64];
    int n_in_flight;
    char last_rid[64];        /* the request the stream's last event ended or said
                                 crashed (REPORT, "Runtime exited", a bare error
                                 type): the lines after it may still be its; "" */
    int64_t last_report;      /* the stream's last event, when a REPORT: its id
                                 (an XRAY line after it gives it its trace), else 0 */
    char last_report_rid[64];
    pending_line_t *pending;  /* head-of-stream lines waiting for a time */
    int npending, pending_cap;
    size_t pending_bytes;
    /* as a source (a file, stdin): its format and the decoder's state, and
     * the stream its lines went to last (a wrapper may name another) */
    decode_state_t dec;
    int dec_sniffed;
    struct pipeline_stream *last_child;   /* the stream a wrapper named last */
    struct pipeline_stream *last_to;      /* where the source's last line went */
    int holds;                /* pipeline_stream_open's not released yet: never let
                                 go while > 0 (a tailed file's own stream) */
    int kept;                 /* expire_streams' mark: not let go this time */
    int64_t used_ms;          /* monotonic (as of the last sync): a line reached it */
};

struct pipeline {
    store_t *st;
    invocations_t *inv;
    pipeline_stream_t **streams;      /* all streams, in opening order */
    int nstreams, cap;
    pipeline_stream_t **by_id;        /* open-addressing table on stream id */
    int by_id_cap;
    pipeline_stream_t **dirty;        /* streams touched since the last sync */
    int ndirty, dirty_cap;
    pipeline_stats_t stats, synced;   /* synced: what counters already hold */
    int emf_off;                      /* EMF extraction disabled */
    int ml_off;                       /* multi-line events disabled */
    size_t ml_max;                    /* bytes of a multi-line event at most */
    decode_format_t format;           /* --format: every source's, or DECODE_AUTO */
    char *scratch;                    /* NUL-replaced copy of a line */
    size_t scratch_cap;
    int64_t now_ms;                   /* monotonic, at the last sync */
    int64_t swept_ms;                 /* when idle streams were last let go */
    int64_t stream_idle_ms;           /* PIPELINE_STREAM_IDLE_MS unless set */
    int64_t in_flight_idle_ms;        /* PIPELINE_IN_FLIGHT_IDLE_MS unless set */
    int64_t epoch;                    /* streams let go so far (pipeline_epoch) */
};

/* ---- pipeline_event.c --------------------------------------------------------- */

/* The stream's state changed: write it at the next sync. */
void pipeline__mark_dirty(pipeline_t *pl, pipeline_stream_t *ps);

/* Where an event's time comes from when not from the rule: a forced time
 * (-1 = none: the rule), the flag it is stored with, and whether it was
 * declared an EMF document (sent to the EMF endpoint, as the CloudWatch
 * agent sends with the json/emf log format: CloudWatch then counts anything
 * else as an EMFParsingError). */
typedef struct line_origin {
    int64_t ts;
    int flag;
    int declared_emf;
} line_origin_t;

/* Store one event: a line, or a multi-line event whose first line is
 * line->p[0..head). With opens set, a line that may take continuation
 * lines is not stored: *opens gets its state and the caller keeps it. */
int pipeline__event(pipeline_t *pl, pipeline_stream_t *ps, const line_t *line, size_t head, line_origin_t forced,
                    ml_state_t *opens, obs_err_t *err);

/* Store the stream's held lines with time ts (flagged), or their arrival
 * time (ts < 0). */
int pipeline__release(pipeline_t *pl, pipeline_stream_t *ps, int64_t ts, obs_err_t *err);

#endif
