/* agent/pipeline.h — turns the lines of a source into store rows: take off
 * what wraps them (lambda/decode.h: the source's format is sniffed from its
 * first bytes), classify each, give it a time (the wrapper's, its own, else
 * the previous timed line's in the same stream, else arrival), store the
 * event, merge what it says into its invocation (by request id, in any
 * order: agent/invocations.h) and count it into the per-minute rollups.
 * Keeps per-stream state (last time, requests in flight, runtime version).
 * Joins continuation lines into multi-line events (multiline.h). */
#ifndef OBS_PIPELINE_H
#define OBS_PIPELINE_H

#include "lambda/classify.h"
#include "agent/line_reader.h"
#include "agent/multiline_event.h"
#include "lambda/decode.h"
#include "store/store.h"

typedef struct pipeline_stats {
    int64_t lines;            /* physical lines seen, empty ones included */
    int64_t bytes;            /* input bytes those lines took (with newlines) */
    int64_t empty;            /* empty lines: counted, not stored */
    int64_t wrapper_lines;    /* a wrapper's own lines (the console's expanded view: a
                                 time line, Copy, a text message's second copy, a JSON
                                 message's printed lines when its compact copy is stored): not stored */
    int64_t truncated, invalid_utf8, nul, no_newline;
    int64_t time_absurd;      /* events whose time is absurd (common/timesane.h) */
    int64_t events;           /* rows stored */
    int64_t by_kind[LK__COUNT];
    int64_t invocations, cold_starts, errors, timeouts, crashes, oom, throttle;
    int64_t emf_documents, emf_points, emf_parse_errors, emf_invalid;
    int64_t multiline_events; /* events stored with continuation lines */
    int64_t multiline_joined; /* continuation lines joined into them */
    int64_t multiline_capped; /* continuation lines that started a new event: the
                                 event was full (max bytes or lines) */
    int64_t emulated;         /* invocations run by an emulator (SAM local, the RIE) */
    int64_t streams_expired;  /* idle streams let go (PIPELINE_STREAM_IDLE_MS): named by
                                 the network or a file's wrapper, or a file's own
                                 once the file is let go */
    int64_t outcome_unattributed; /* lines that said how an invocation went without
                                 naming it while several were in flight */
    int64_t unrecognised;     /* lines that hold a platform marker ("REPORT
                                 RequestId:", "Task timed out", ...) but did not
                                 classify as one: a shape or wrapper obs misses */
    char unrecognised_first[160]; /* the first of them, cut */
} pipeline_stats_t;

typedef struct pipeline pipeline_t;
typedef struct pipeline_stream pipeline_stream_t;

pipeline_t *pipeline_new(store_t *st);
void pipeline_free(pipeline_t *pl);

/* Forget every stream and its state, and the statistics (after the store's
 * batch was rolled back: the rows they describe are gone, and the lines are
 * read again). Stream handles from pipeline_stream_open are invalid after;
 * the settings (EMF, multi-line) are kept. */
void pipeline_reset(pipeline_t *pl);

/* Find or create the stream (and its store row), and hold it: the handle
 * stays valid until as many pipeline_stream_release as opens (a tailed
 * file's own stream, held while the file is tailed). */
int pipeline_stream_open(pipeline_t *pl, const char *function, const char *log_group,
                         const char *stream, pipeline_stream_t **out, obs_err_t *err);
/* Let go of one hold (NULL: nothing): once none is left, the stream is let
 * go as a transient one is (below), its state being in the store. */
void pipeline_stream_release(pipeline_t *pl, pipeline_stream_t *ps);
int64_t pipeline_stream_id(const pipeline_stream_t *ps);

/* The same, without a hold, for a stream a network input names (any client
 * can name a new one with each document); the streams a file's wrapper
 * names are opened so too. A stream no line reached for
 * PIPELINE_STREAM_IDLE_MS (PIPELINE_IN_FLIGHT_IDLE_MS with a request in
 * flight), with no line waiting for a time, not held, and not where a kept
 * stream's last line went (or its wrapper named last) is let go at a
 * pipeline_sync, its state being in the store. The handle is valid while
 * pipeline_epoch stays the same. */
#define PIPELINE_STREAM_IDLE_MS (5 * 60 * 1000)
/* A stream with requests in flight is let go too once idle this long: past
 * Lambda's longest timeout (15 minutes) none of them still runs, and a
 * REPORT that comes after merges with its invocation by request id. */
#define PIPELINE_IN_FLIGHT_IDLE_MS (16 * 60 * 1000)
int pipeline_stream_open_transient(pipeline_t *pl, const char *function, const char *log_group,
                                   const char *stream, pipeline_stream_t **out, obs_err_t *err);
/* Changes when streams are let go (and at a reset). */
int64_t pipeline_epoch(const pipeline_t *pl);
/* Streams held now. */
int pipeline_streams_open(const pipeline_t *pl);
/* Let streams go after ms idle instead of PIPELINE_STREAM_IDLE_MS, and
 * those with requests in flight after in_flight_ms instead of
 * PIPELINE_IN_FLIGHT_IDLE_MS (tests). */
void pipeline_set_stream_idle(pipeline_t *pl, int64_t ms);
void pipeline_set_in_flight_idle(pipeline_t *pl, int64_t in_flight_ms);

/* One line of the stream (as framed: no newline, one '\r' stripped).
 * raw_bytes = what it took in the input, newline included. ml is the
 * multi-line event pending from this line's source (one per file or stdin,
 * zeroed at first; NULL: every line is an event of its own): a line that
 * continues it is joined to it, one that may be continued is kept in it, and
 * it is stored when a line arrives that does not continue it (docs/formats.md,
 * "Multi-line events"). While an event is pending, the source's checkpoint
 * must stay multiline_unstored(ml) bytes behind what was read. */
int pipeline_line(pipeline_t *pl, pipeline_stream_t *ps, multiline_event_t *ml, const line_t *line,
                  size_t raw_bytes, obs_err_t *err);

/* One record received whole from the network, stored as one event at time
 * ts_ms (flagged as an arrival time with arrival), never joined with
 * others. declared_emf: it came as an EMF document (the EMF endpoint), so
 * anything else is an EMF parse error. */
int pipeline_record(pipeline_t *pl, pipeline_stream_t *ps, const line_t *line, int64_t ts_ms,
                    int arrival, int declared_emf, obs_err_t *err);

/* One record of a decoded document (lambda/decode.h), as one event of the
 * stream it names (else src's), at the time it gives. */
int pipeline_decoded(pipeline_t *pl, pipeline_stream_t *src, const decode_record_t *rec, obs_err_t *err);

/* Every complete line the reader holds (with at_eof, a last partial one
 * too, and then the pending multi-line event), through pipeline_line.
 * *lines_out (may be NULL) gets how many. */
int pipeline_lines(pipeline_t *pl, pipeline_stream_t *ps, multiline_event_t *ml, line_reader_t *lr,
                   int at_eof, int *lines_out, obs_err_t *err);

/* Store the pending multi-line event of a source now (end of input, the
 * follow-mode timeout, a stop). Nothing pending (or ml NULL): nothing. */
int pipeline_flush(pipeline_t *pl, pipeline_stream_t *ps, multiline_event_t *ml, obs_err_t *err);

/* Write stream metadata and counters into the open batch; call before a
 * checkpoint is put. */
int pipeline_sync(pipeline_t *pl, obs_err_t *err);

const pipeline_stats_t *pipeline_stats(pipeline_t *pl);

/* The format the source's lines were taken for (DECODE_AUTO: none read yet). */
decode_format_t pipeline_source_format(const pipeline_stream_t *ps);

/* EMF extraction is on by default; off stores EMF lines as plain events. */
void pipeline_set_emf(pipeline_t *pl, int enabled);

/* Every source's format (--format); DECODE_AUTO (the default): sniffed
 * from each source's first bytes. */
void pipeline_set_format(pipeline_t *pl, decode_format_t f);

/* Multi-line events are on by default; off makes every line an event.
 * max_bytes caps a joined event (0 = LINE_MAX_DEFAULT). */
void pipeline_set_multiline(pipeline_t *pl, int enabled, size_t max_bytes);

#endif
