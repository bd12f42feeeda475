/* lambda/multiline.h — multi-line events: the rule that joins a continuation
 * line (a stack frame, a traceback line: no time, no request id, no prefix)
 * to the event the line before it started. Pure: no I/O. The rule is
 * written out in docs/formats.md, "Multi-line events"; the buffer an event
 * is assembled in is agent/multiline_event.h. */
#ifndef OBS_MULTILINE_H
#define OBS_MULTILINE_H

#include "lambda/classify.h"

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
    ML_REPORT,     /* a text REPORT short of its numbers: lines of its fields */
    ML_JSON_HEAD,  /* a prefixed line with an empty message: a "{" line may follow */
    ML_JSON,       /* inside a pretty-printed JSON object (after an error line, or
                      opened by a prefixed line or a wrapper's "{") */
    ML_WRAPPED_HEAD, /* a wrapper with an empty message: its JSON may follow */
    ML_JSON_ARRAY, /* inside a pretty-printed JSON array (after ML_WRAPPED_HEAD) */
    ML_CLOSED,     /* that object's closing brace: nothing more joins */
    ML_WRAPPED_EVENT, /* a message a tool printed after its prefix, which it prints once
                         per event: every line without the prefix is the message's own */
} ml_state_t;

#define MULTILINE_MAX_LINES 1000           /* lines in one event at most */

/* The state of an event that starts with this line (classified as r):
 * ML_NONE when no line can continue it. */
ml_state_t multiline_opens(const char *line, size_t len, const lambda_line_t *r);

/* A wrapped line (sam logs, aws logs tail, a console copy ...) whose
 * message, the wrapper taken off, is this: the event is a JSON message the
 * tool pretty-printed over the lines after the wrapper. ML_JSON for a
 * message that is only "{" (sam logs: samcli CWJsonFormatter prints
 * json.dumps(message, indent=2) after its prefix); ML_WRAPPED_HEAD for an
 * empty message (aws logs tail --format json prints a header, then "\n" and
 * the JSON, indent 4: an object, an array or a scalar); else ML_NONE. The
 * wrapper says where an event starts, as a runtime prefix does. */
ml_state_t multiline_wrapped_opens(const char *msg, size_t len);

/* A text REPORT line that lacks one of Duration, Billed Duration, Memory
 * Size or Max Memory Used opens an event to lines holding only REPORT fields
 * ("Duration: 13.82 ms", "  Status: error  Error Type: Runtime.OutOfMemory"):
 * a copy that broke the REPORT's TAB-separated fields onto lines of their
 * own (the console's expanded view, a wrapped paste). ML_REPORT then, else
 * ML_NONE; a whole REPORT never waits for a next line. */
ml_state_t multiline_report_opens(const lambda_line_t *r);

/* A text line of Lambda's platform (START, END, REPORT, INIT_START,
 * INIT_REPORT, RESTORE_START, RESTORE_REPORT, EXTENSION, TELEMETRY, a
 * timeout, a runtime's exit): always an event of its own in CloudWatch, so
 * no wrapped event takes it even where a tool's prefix is missing before it. */
int multiline_platform(const lambda_line_t *r);

/* The state after joining this line (classified as r) to an event in state
 * st, or ML_NONE when the line does not continue it. len > 0. */
ml_state_t multiline_next(ml_state_t st, const char *line, size_t len, const lambda_line_t *r);

/* May an empty line sit inside an event in state st (between chained
 * Python tracebacks)? */
int multiline_keeps_blank(ml_state_t st);

#endif
