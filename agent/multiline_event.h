/* agent/multiline_event.h — the buffer a multi-line event is assembled in,
 * line by line as a source reads them, until a line that does not continue
 * it arrives (the rule: lambda/multiline.h). Its lines are counted (lines,
 * bytes, flags) when it is stored, not before: until then the source's
 * checkpoint stays before its first byte. */
#ifndef OBS_AGENT_MULTILINE_EVENT_H
#define OBS_AGENT_MULTILINE_EVENT_H

#include "agent/line_reader.h"
#include "lambda/multiline.h"

#include <stddef.h>
#include <stdint.h>

#define MULTILINE_TIMEOUT_MS 1000          /* follow mode: store a pending event after this */

/* An event being assembled from one byte source (a file, stdin). */
typedef struct multiline_event {
    char *buf;              /* its lines, joined with '\n' */
    size_t len, cap;
    size_t head;            /* bytes of the first line: what is classified */
    int flags;              /* LINE_* of its lines, or'ed */
    ml_state_t state;       /* ML_NONE: no event pending */
    int lines;              /* physical lines in buf */
    int blank_tail;         /* trailing empty lines in buf (dropped when stored) */
    int truncated, no_newline;
    int64_t raw_bytes;      /* input bytes from its first line on, newlines included */
    int whole;              /* one message a tool printed over its lines (a wrapper's
                               pretty-printed JSON): classified whole, not by its head */
    int expanded;           /* begun by a message's first line in the console's expanded
                               view: its second copy may take its place (pipeline.c) */
    int has_ts;             /* its first line's wrapper gave a time: */
    int64_t ts_ms;          /* that time */
    void *stream;           /* the stream it goes to (pipeline.c's) */
} multiline_event_t;

/* Start a pending event with its first line. */
void multiline_begin(multiline_event_t *ev, const line_t *line, size_t raw_bytes, ml_state_t st);

/* Join a line (empty for a kept blank). An event whose first line was
 * empty (a wrapper's header with no message) starts with the line that
 * joins it: no '\n' before it, and it is the head. Returns 0, or -1 when
 * the event would pass max_bytes or MULTILINE_MAX_LINES (nothing joined). */
int multiline_append(multiline_event_t *ev, const line_t *line, size_t raw_bytes, ml_state_t st,
                     size_t max_bytes);

/* Drop trailing blank lines from buf; returns how many (they count as
 * empty lines). */
int multiline_trim(multiline_event_t *ev);

/* Input bytes read but not yet stored: a checkpoint must stay this far
 * behind the end of what was read. 0 when nothing is pending. */
int64_t multiline_unstored(const multiline_event_t *ev);

/* Forget the pending event (after it was stored); the buffer is kept. */
void multiline_clear(multiline_event_t *ev);

/* Free the buffer. */
void multiline_done(multiline_event_t *ev);

#endif
