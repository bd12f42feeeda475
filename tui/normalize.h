/* tui/normalize.h — the key under which obstop groups error messages:
 * numbers, ids, timestamps and hex strings become "#", whitespace runs one
 * space, so "Task timed out after 3.00 seconds" from a thousand requests is
 * one group. Pure. */
#ifndef OBS_TUI_NORMALIZE_H
#define OBS_TUI_NORMALIZE_H

#include <stddef.h>

/* Writes the key of msg[0..len) into out (NUL-terminated, at most cap-1
 * bytes, cut at a UTF-8 boundary); returns its length. */
size_t normalize_message(const char *msg, size_t len, char *out, size_t cap);

/* The grouping key of an error event: for a line with a JSON object at
 * byte json_at (-1: none), its errorType and errorMessage (or message,
 * msg; for platform records their type, status and errorType), else the
 * whole line; then normalised as above. */
size_t normalize_error_key(const char *msg, size_t len, long long json_at, char *out, size_t cap);

#endif
