/* lambda/multiline.h — multi-line events: the rule that joins a continuation
 * line (a stack frame, a traceback line: no time, no request id, no prefix)
 * to the event the line before it started, and the buffer such an event is
 * assembled in until a line that does not continue it arrives. Pure: no I/O.
 * The rule is written out in docs/formats.md, "Multi-line events". */
#ifndef OBS_MULTILINE_H
#define OBS_MULTILINE_H

#include "lambda/classify.h"
#include "agent/line_reader.h"

#include <stddef.h>
#include <stdint.h>

/* What the event so far can still take. */
typedef enum ml_state {
    ML_NONE = 0,   /* nothing: the next line starts a new event */
    ML_ERROR,      /* an error line alone: a first continuation of any shape */
    ML_STACK,      /* inside a Java / Node / .NET stack or an indented block */
    ML_PY_TB,      /* inside a Python traceback: frames and source lines */
    ML_PY_END,     /* after a traceback's final "ErrorType: message" line */
    ML_PY_CHAIN,   /* after "During handling of the above exception ..." */
} ml_state_t;

#define MULTILINE_MAX_LINES 1000           /* lines in one event at most */
#define MULTILINE_TIMEOUT_MS 1000          /* follow mode: store a pending event after this */

/* The state of an event that starts with this line (classified as r):
 * ML_NONE when no line can continue it. */
ml_state_t multiline_opens(const char *line, size_t len, const lambda_line_t *r);

/* The state after joining this line (classified as r) to an event in state
 * st, or ML_NONE when the line does not continue it. len > 0. */
ml_state_t multiline_next(ml_state_t st, const char *line, size_t len, const lambda_line_t *r);

/* May an empty line sit inside an event in state st (between chained
 * Python tracebacks)? */
int multiline_keeps_blank(ml_state_t st);

/* An event being assembled from one byte source (a file, stdin). Its lines
 * are counted (lines, bytes, flags) when it is stored, not before: until
 * then the source's checkpoint stays before its first byte. */
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
} multiline_event_t;

/* Start a pending event with its first line. */
void multiline_begin(multiline_event_t *ev, const line_t *line, size_t raw_bytes, ml_state_t st);

/* Join a line (empty for a kept blank). Returns 0, or -1 when the event
 * would pass max_bytes or MULTILINE_MAX_LINES (nothing joined). */
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
