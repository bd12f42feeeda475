/* common/termsafe.h — the one sanitiser for text that reaches a terminal
 * from data (function, stream, namespace, metric and dimension names, log
 * messages, error messages). Whatever the bytes, what comes out is valid
 * UTF-8 that holds no C0 control, DEL, C1 control (U+0080..U+009F, which a
 * terminal may take for ESC sequences: U+009B is CSI) and no bidirectional
 * override or isolate (U+202A..U+202E, U+2066..U+2069: text that reads
 * differently from what it is). Each such unit is made visible instead:
 *
 *   \n \t \r            line feed, tab, carriage return
 *   \xNN                another C0 control or DEL (ESC is \x1b), or a byte
 *                       that is not part of valid UTF-8 (a lone 0x9b too)
 *   \u00NN  \u202e      a C1 control or a bidi control written as UTF-8
 *
 * A backslash is left as it is (log text is full of them), so the escaped
 * form is for reading, not for decoding back. Pure; no allocation but the
 * buffers the callers ask for.
 *
 * The data formats escape the same units their own way: termsafe_json()
 * writes a JSON string's body (\u escapes, and U+FFFD for bytes that are
 * not UTF-8: JSON text is UTF-8). */
#ifndef OBS_TERMSAFE_H
#define OBS_TERMSAFE_H

#include "common/buf.h"
#include "common/obs.h"

#include <stdio.h>

/* The longest visible form of one unit, with its NUL. */
#define TERMSAFE_ESC_MAX 8

enum termsafe_flags {
    TERMSAFE_KEEP_TAB = 1,   /* a tab is written as it is (text laid out by the caller) */
    TERMSAFE_KEEP_NL = 2,    /* a line feed is written as it is (a message of several lines) */
};

/* The unit at s[0..n), n > 0: returns its length in bytes (1 to 4); esc
 * gets its visible form when it must not reach a terminal as it is, else
 * esc[0] is '\0' (a printable character, written as it is). */
size_t termsafe_unit(const char *s, size_t n, int flags, char esc[TERMSAFE_ESC_MAX]);

/* 1 when s[0..n) is written unchanged (the fast path: printable ASCII). */
int termsafe_clean(const char *s, size_t n, int flags);

/* The visible form of s[0..n) appended to b. */
void termsafe_buf(buf_t *b, const char *s, size_t n, int flags);
/* The visible form of the NUL-terminated s, as a new string (free()). */
char *termsafe_dup(const char *s, int flags);
/* The visible form of s[0..n) into out (cap > 0 bytes, NUL-terminated, cut
 * at a unit's boundary when it does not fit); returns its length. */
size_t termsafe_copy(char *out, size_t cap, const char *s, size_t n, int flags);
/* Write the visible form of s[0..n) to f. */
void termsafe_fwrite(FILE *f, const char *s, size_t n, int flags);
/* printf to stderr, the whole text made visible but its tabs and line
 * feeds: for messages that carry names or text from data. */
void termsafe_eprintf(const char *fmt, ...) OBS_PRINTF(1, 2);

/* A table cell: the visible form of the NUL-terminated s cut to width
 * columns (a code point or an escape's character is a column) and padded
 * with spaces to width, into out (cap bytes, NUL-terminated); for
 * printf("%-20.20s")-style layouts, which cut bytes, not characters. */
const char *termsafe_cell(char *out, size_t cap, const char *s, int width);

/* s[0..n) as the body of a JSON string (no quotes) appended to b: '"' and
 * '\\' escaped, C0 controls as \b \f \n \r \t or \u00NN, DEL, C1 and bidi
 * controls as \uNNNN, a byte that is not UTF-8 as \ufffd. */
void termsafe_json(buf_t *b, const char *s, size_t n);
/* The same into out (cap > 0, NUL-terminated, cut at a unit's boundary). */
size_t termsafe_json_copy(char *out, size_t cap, const char *s, size_t n);
/* A JSON text (cJSON's output: it escapes C0 controls only) appended to b
 * with what it left raw inside its strings escaped as above: DEL, C1 and
 * bidi controls as \uNNNN, bytes that are not UTF-8 as \ufffd. */
void termsafe_json_text(buf_t *b, const char *json);

#endif
