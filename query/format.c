/* query/format.c — result output (see format.h). The table is buffered to
 * align its columns, up to TABLE_SAMPLE_ROWS rows or TABLE_SAMPLE_BYTES of
 * text: a larger result is printed with the widths its first rows needed,
 * and its other rows stream out as they come (a wider value cut with "…"),
 * so memory stays flat whatever the result's size. The other formats
 * stream row by row. */
#include "query/format.h"
#include "common/isotime.h"
#include "common/termsafe.h"
#include "common/xalloc.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CELL_MAX 60  /* widest column but the last, in a table */
#define TABLE_SAMPLE_ROWS 10000
#define TABLE_SAMPLE_BYTES (8 * 1024 * 1024)

struct qformat {
    FILE *out;
    qfmt_t fmt;
    char **names;
    int *is_time;
    int ncols, width;
    char **cells;      /* table: rendered cells, row-major */
    size_t nrows, cap;
    size_t cell_bytes; /* table: text in cells */
    size_t *w, last;   /* table: the column widths, once fixed */
    int64_t sampled;   /* table: rows the widths were taken from (0: all of them) */
    int first;         /* json: no row written yet */
    int no_header;
    int header_done;   /* csv */
    int64_t nonempty;  /* columns seen with a value (the first 64) */
    int64_t rows;      /* rows written */
    buf_t line;        /* json: the row being written; csv: a field made visible */
    int tty;           /* out is a terminal */
};

void qformat_time(int64_t ms, char out[32])
{
    char iso[32];
    isotime_format(ms, iso);  /* 2024-03-04T17:22:38.033Z */
    snprintf(out, 32, "%.10s %.12s", iso, iso + 11);
}

static char *render(const qformat_t *f, const qval_t *v, int col)
{
    char buf[64];
    switch (v->type) {
    case QV_NULL:
        return xstrdup("");
    case QV_INT:
        if (f->is_time[col]) {
            qformat_time(v->i, buf);
            return xstrdup(buf);
        }
        snprintf(buf, sizeof buf, "%lld", (long long)v->i);
        return xstrdup(buf);
    case QV_REAL:
        if (f->is_time[col] && isfinite(v->d)) {
            qformat_time((int64_t)v->d, buf);
            return xstrdup(buf);
        }
        snprintf(buf, sizeof buf, "%.15g", v->d);
        return xstrdup(buf);
    case QV_TEXT:
        return xstrndup(v->s, v->len);
    }
    return xstrdup("");
}

qformat_t *qformat_new(FILE *out, qfmt_t fmt, char *const *names, const int *is_time, int ncols,
                       int width)
{
    qformat_t *f = xcalloc(1, sizeof *f);
    f->out = out;
    f->fmt = fmt;
    f->ncols = ncols;
    f->width = width;
    f->first = 1;
    f->tty = isatty(fileno(out));
    f->names = xcalloc((size_t)ncols + 1, sizeof *f->names);
    f->is_time = xcalloc((size_t)ncols + 1, sizeof *f->is_time);
    for (int i = 0; i < ncols; i++) {
        f->names[i] = xstrdup(names[i]);
        f->is_time[i] = is_time[i];
    }
    if (fmt == QFMT_CSV) {
        /* the header is written with the first row (see csv_header) */    } else if (fmt == QFMT_JSON) {
        fputs("[", out);
    }
    return f;
}

/* A number as cJSON prints one (what the json formats wrote before they
 * escaped text themselves): an integral value in int's range as an
 * integer, else 15 significant digits when they give the value back, else
 * 17; NaN and infinities as null. */
static void json_number(buf_t *b, double d)
{
    char num[32];
    if (!isfinite(d)) {
        buf_cat(b, "null");
        return;
    }
    if (d >= INT_MIN && d <= INT_MAX && d == (double)(int)d) {
        buf_printf(b, "%d", (int)d);
        return;
    }
    snprintf(num, sizeof num, "%1.15g", d);
    double back = strtod(num, NULL), m = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
    if (!(fabs(back - d) <= m * DBL_EPSILON))
        snprintf(num, sizeof num, "%1.17g", d);
    buf_cat(b, num);
}

static void json_string(buf_t *b, const char *s, size_t n)
{
    buf_putc(b, '"');
    termsafe_json(b, s, n);
    buf_putc(b, '"');
}

/* One value: a time column as its text, an integer exactly, text escaped
 * for JSON (common/termsafe.h: controls, C1 and bidi controls as \u
 * escapes, bytes that are not UTF-8 as U+FFFD). */
static void json_value(buf_t *b, const qformat_t *f, const qval_t *v, int col)
{
    char buf[32];
    if (v->type == QV_NULL) {
        buf_cat(b, "null");
    } else if (f->is_time[col] && (v->type == QV_INT || (v->type == QV_REAL && isfinite(v->d)))) {
        qformat_time(v->type == QV_INT ? v->i : (int64_t)v->d, buf);
        json_string(b, buf, strlen(buf));
    } else if (v->type == QV_INT) {
        buf_printf(b, "%lld", (long long)v->i);
    } else if (v->type == QV_REAL) {
        json_number(b, v->d);
    } else {
        json_string(b, v->s, v->len);
    }
}

static void row_json(qformat_t *f, const qval_t *row)
{
    buf_t *b = &f->line;
    b->len = 0;
    buf_putc(b, '{');
    for (int i = 0; i < f->ncols; i++) {
        if (i)
            buf_putc(b, ',');
        json_string(b, f->names[i], strlen(f->names[i]));
        buf_putc(b, ':');
        json_value(b, f, &row[i], i);
    }
    buf_putc(b, '}');
    if (f->fmt == QFMT_JSON)
        fprintf(f->out, "%s\n  %s", f->first ? "" : ",", b->p);
    else
        fprintf(f->out, "%s\n", b->p);
    f->first = 0;
}

/* A CSV field, quoted, its quotes doubled. CSV has no escapes: the bytes
 * are kept exact for the program that reads them, but on a terminal the
 * text is made visible like the table's (common/termsafe.h), as ls(1)
 * shows names. */
static void csv_text(qformat_t *f, const char *s, size_t n)
{
    buf_t *b = &f->line;
    b->len = 0;
    if (f->tty) {
        termsafe_buf(b, s, n, 0);
        s = b->p;
        n = b->len;
    }
    fputc('"', f->out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f->out);
        fputc(s[i], f->out);
    }
    fputc('"', f->out);
}

static void csv_header(qformat_t *f)
{
    if (f->no_header || f->header_done)
        return;
    f->header_done = 1;
    for (int i = 0; i < f->ncols; i++) {
        fputs(i ? "," : "", f->out);
        csv_text(f, f->names[i], strlen(f->names[i]));
    }
    fputc('\n', f->out);
}

static void row_csv(qformat_t *f, const qval_t *row)
{
    csv_header(f);
    for (int i = 0; i < f->ncols; i++) {
        char *s = render(f, &row[i], i);
        fputs(i ? "," : "", f->out);
        if (row[i].type == QV_TEXT || f->is_time[i])
            csv_text(f, s, strlen(s));
        else
            fputs(s, f->out);
        free(s);
    }
    fputc('\n', f->out);
}

void qformat_no_header(qformat_t *f)
{
    f->no_header = 1;
}

static void table_flush(qformat_t *f);

void qformat_row(qformat_t *f, qval_t *row)
{
    f->rows++;
    for (int i = 0; i < f->ncols && i < 64; i++)
        if (row[i].type != QV_NULL && !(row[i].type == QV_TEXT && row[i].s && !row[i].s[0]))
            f->nonempty |= (int64_t)1 << i;
    if (f->fmt == QFMT_JSON || f->fmt == QFMT_JSONL) {
        row_json(f, row);
    } else if (f->fmt == QFMT_CSV) {
        row_csv(f, row);
    } else {
        if (f->nrows == f->cap) {
            f->cap = f->cap ? f->cap * 2 : 64;
            f->cells = xrealloc(f->cells, f->cap * (size_t)f->ncols * sizeof *f->cells);
        }
        for (int i = 0; i < f->ncols; i++) {
            char *c = render(f, &row[i], i);
            f->cells[f->nrows * (size_t)f->ncols + (size_t)i] = c;
            f->cell_bytes += strlen(c);
        }
        f->nrows++;
        if (f->w || f->nrows >= TABLE_SAMPLE_ROWS || f->cell_bytes >= TABLE_SAMPLE_BYTES)
            table_flush(f);
    }
    for (int i = 0; i < f->ncols; i++)
        free(row[i].s);
}

/* Display width of a cell: code points, each unit that must not reach the
 * terminal counted as its visible form (common/termsafe.h). */
static size_t cell_width(const char *s)
{
    size_t w = 0, n = strlen(s);
    char esc[TERMSAFE_ESC_MAX];
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F) {
            w++;
            i++;
            continue;
        }
        size_t len = termsafe_unit(s + i, n - i, 0, esc);
        w += esc[0] ? strlen(esc) : 1;
        i += len;
    }
    return w;
}

/* Print s escaped, padded or cut to `width` columns (0 = as is); a cut cell
 * ends with "…". */
static void put_cell(FILE *out, const char *s, size_t width, int pad)
{
    size_t total = cell_width(s), n = strlen(s);
    int cut = width && total > width;
    size_t limit = cut ? width - 1 : (size_t)-1, w = 0;
    if (!cut && termsafe_clean(s, n, 0)) {
        fwrite(s, 1, n, out);
        w = total;
        n = 0;
    }
    for (size_t i = 0; i < n;) {
        char esc[TERMSAFE_ESC_MAX];
        size_t len = termsafe_unit(s + i, n - i, 0, esc);
        size_t ew = esc[0] ? strlen(esc) : 1;
        if (w + ew > limit)
            break;
        if (esc[0])
            fputs(esc, out);
        else
            fwrite(s + i, 1, len, out);
        w += ew;
        i += len;
    }
    if (cut) {
        fputs("\xe2\x80\xa6", out);  /* … */
        w++;
    }
    while (pad && w < width) {
        fputc(' ', out);
        w++;
    }
}

/* Fix the widths from the rows held: each column as wide as its widest
 * cell (at most CELL_MAX), the last one what is left of the width. */
static void table_widths(qformat_t *f)
{
    f->w = xcalloc((size_t)f->ncols, sizeof *f->w);
    for (int c = 0; c < f->ncols; c++) {
        f->w[c] = cell_width(f->names[c]);
        for (size_t r = 0; r < f->nrows; r++) {
            size_t cw = cell_width(f->cells[r * (size_t)f->ncols + (size_t)c]);
            if (cw > f->w[c])
                f->w[c] = cw;
        }
        if (c < f->ncols - 1 && f->w[c] > CELL_MAX)
            f->w[c] = CELL_MAX;
    }
    /* The last column gets what is left of the width (at least 20). */
    size_t used = 0;
    for (int c = 0; c < f->ncols - 1; c++)
        used += f->w[c] + 2;
    f->last = f->width > 0 ? ((size_t)f->width > used + 20 ? (size_t)f->width - used : 20) : 0;
}

static void table_line(qformat_t *f, char *const *cells)
{
    for (int c = 0; c < f->ncols; c++) {
        int is_last = c == f->ncols - 1;
        put_cell(f->out, cells[c], is_last ? f->last : f->w[c], !is_last);
        if (!is_last)
            fputs("  ", f->out);
    }
    fputc('\n', f->out);
}

/* Print the rows held (the first time: the widths fixed from them, and the
 * header), and let them go. */
static void table_flush(qformat_t *f)
{
    if (!f->w) {
        table_widths(f);
        if (!f->no_header)
            table_line(f, f->names);
    }
    for (size_t r = 0; r < f->nrows; r++) {
        table_line(f, &f->cells[r * (size_t)f->ncols]);
        for (int c = 0; c < f->ncols; c++)
            free(f->cells[r * (size_t)f->ncols + (size_t)c]);
    }
    if (!f->sampled && f->rows > (int64_t)f->nrows)
        f->sampled = f->rows - 1;   /* the widths were fixed before this row */
    f->nrows = 0;
    f->cell_bytes = 0;
}

static void finish_table(qformat_t *f)
{
    int any = f->w || f->nrows;
    table_flush(f);
    if (!any && !f->no_header)
        fputs("(no results)\n", f->out);
}

int64_t qformat_widths_sampled(const qformat_t *f)
{
    return f->sampled;
}

static void release(qformat_t *f);

void qformat_finish(qformat_t *f)
{
    if (f->fmt == QFMT_TABLE)
        finish_table(f);
    else if (f->fmt == QFMT_CSV)
        csv_header(f);  /* an empty result still has its header */
    else if (f->fmt == QFMT_JSON)
        fputs(f->first ? "]\n" : "\n]\n", f->out);
    release(f);
}

void qformat_abort(qformat_t *f)
{
    release(f);
}

static void release(qformat_t *f)
{
    free(f->w);
    for (size_t i = 0; i < f->nrows * (size_t)f->ncols; i++)
        free(f->cells[i]);
    free(f->cells);
    for (int i = 0; i < f->ncols; i++)
        free(f->names[i]);
    free(f->names);
    free(f->is_time);
    buf_free(&f->line);
    free(f);
}

int qformat_empty_columns(const qformat_t *f)
{
    if (!f->rows)
        return f->ncols;
    int n = 0;
    for (int i = 0; i < f->ncols && i < 64; i++)
        n += !(f->nonempty & ((int64_t)1 << i));
    return n;
}
