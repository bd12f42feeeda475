/* query/format.h — query results out: an aligned table (readable in 80
 * columns; control characters escaped so log text can never drive the
 * terminal; memory bounded: see qformat_widths_sampled), a JSON array of
 * objects, JSON lines, or CSV. Cells arrive as
 * typed values; time columns print as "YYYY-MM-DD HH:MM:SS.mmm" (UTC). */
#ifndef OBS_QUERY_FORMAT_H
#define OBS_QUERY_FORMAT_H

#include <stdint.h>
#include <stdio.h>

typedef enum qfmt { QFMT_TABLE, QFMT_JSON, QFMT_JSONL, QFMT_CSV } qfmt_t;

typedef enum qval_type { QV_NULL, QV_INT, QV_REAL, QV_TEXT } qval_type_t;

typedef struct qval {
    qval_type_t type;
    int64_t i;
    double d;
    char *s;         /* owned (QV_TEXT) */
    size_t len;
} qval_t;

typedef struct qformat qformat_t;

/* width: the table's target width (0 = unlimited). */
qformat_t *qformat_new(FILE *out, qfmt_t fmt, char *const *names, const int *is_time, int ncols,
                       int width);
/* Table and csv: print no header line (a --follow batch after the first). */
void qformat_no_header(qformat_t *f);
/* Takes ownership of the row's values (ncols of them). */
void qformat_row(qformat_t *f, qval_t *row);
/* The columns that had no value in any row written so far (all of them
 * when there was no row). */
int qformat_empty_columns(const qformat_t *f);
/* A table of more than 10,000 rows (or 8 MiB of text) is printed with the
 * column widths its first rows needed, the rest streamed: the number of
 * rows the widths came from, or 0 when they came from every row. */
int64_t qformat_widths_sampled(const qformat_t *f);
/* Write what is buffered (the table) and the closing text; free f. */
void qformat_finish(qformat_t *f);
/* Free f writing nothing more (after an error: no half table). */
void qformat_abort(qformat_t *f);

/* "YYYY-MM-DD HH:MM:SS.mmm" */
void qformat_time(int64_t ms, char out[32]);

#endif
