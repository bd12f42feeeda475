/* query/errfmt.h — print a query error with the offending line and a caret:
 *
 *   error: expected ')' to close '(' at column 8, found end of query
 *     filter (a = 1
 *                  ^
 *   (line 1, column 14)
 */
#ifndef OBS_QUERY_ERRFMT_H
#define OBS_QUERY_ERRFMT_H

#include <stdio.h>

#include "common/err.h"

/* Print err's message; when err->line > 0, also the line of `text` (a
 * NUL-terminated query) it points into and a caret under err->col (tabs
 * copied so the caret aligns; UTF-8 continuation bytes take no column).
 * Lines longer than 160 bytes are shown as a window around the column. */
void query_error_print(FILE *f, const char *text, const obs_err_t *err);

/* The same, as "note: ..." (what the lenient checker let through). */
void query_note_print(FILE *f, const char *text, const obs_err_t *note);

#endif
