/* query/format.c — result output (see format.h). The table is buffered to
 * align its columns; the other formats stream row by row. */
#include "query/format.h"
#include "common/isotime.h"
#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_MAX 60  /* widest column but the last, in a table */

struct qformat {
    FILE *out;
    qfmt_t fmt;
    char **names;
    int *is_time;
    int ncols, width;
    char **cells;      /* table: rendered cells, row-major */
    size_t nrows, cap;
    int first;         /* json: no row written yet */
    int no_header;
    int header_done;   /* csv */
    int64_t nonempty;  /* columns seen with a value (the first 64) */
    int64_t rows;      /* rows written */
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

static cJSON *json_value(const qformat_t *f, const qval_t *v, int col)
{
    char buf[32];
    if (v->type == QV_NULL)
        return cJSON_CreateNull();
    if (f->is_time[col] && (v->type == QV_INT || v->type == QV_REAL)) {
        qformat_time(v->type == QV_INT ? v->i : (int64_t)v->d, buf);
        return cJSON_CreateString(buf);
    }
    if (v->type == QV_INT)
        return cJSON_CreateNumber((double)v->i);
    if (v->type == QV_REAL)
        return isfinite(v->d) ? cJSON_CreateNumber(v->d) : cJSON_CreateNull();
    char *s = xstrndup(v->s, v->len);
    cJSON *j = cJSON_CreateString(s);
    free(s);
    return j;
}

static void row_json(qformat_t *f, const qval_t *row)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < f->ncols; i++)
        cJSON_AddItemToObject(o, f->names[i], json_value(f, &row[i], i));
    char *s = cJSON_PrintUnformatted(o);
    if (f->fmt == QFMT_JSON)
        fprintf(f->out, "%s\n  %s", f->first ? "" : ",", s);
    else
        fprintf(f->out, "%s\n", s);
    f->first = 0;
    free(s);
    cJSON_Delete(o);
}

static void csv_header(qformat_t *f)
{
    if (f->no_header || f->header_done)
        return;
    f->header_done = 1;
    for (int i = 0; i < f->ncols; i++) {
        fputs(i ? "," : "", f->out);
        fputc('"', f->out);
        for (const char *p = f->names[i]; *p; p++) {
            if (*p == '"')
                fputc('"', f->out);
            fputc(*p, f->out);
        }
        fputc('"', f->out);
    }
    fputc('\n', f->out);
}

static void row_csv(qformat_t *f, const qval_t *row)
{
    csv_header(f);
    for (int i = 0; i < f->ncols; i++) {
        char *s = render(f, &row[i], i);
        fputs(i ? "," : "", f->out);
        if (row[i].type == QV_TEXT || f->is_time[i]) {
            fputc('"', f->out);
            for (const char *p = s; *p; p++) {
                if (*p == '"')
                    fputc('"', f->out);
                fputc(*p, f->out);
            }
            fputc('"', f->out);
        } else {
            fputs(s, f->out);
        }
        free(s);
    }
    fputc('\n', f->out);
}

void qformat_no_header(qformat_t *f)
{
    f->no_header = 1;
}

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
        for (int i = 0; i < f->ncols; i++)
            f->cells[f->nrows * (size_t)f->ncols + (size_t)i] = render(f, &row[i], i);
        f->nrows++;
    }
    for (int i = 0; i < f->ncols; i++)
        free(row[i].s);
}

/* The escape shown for a control character at p, in esc: C0 controls and
 * DEL as \n, \t, \r or \xNN, and C1 controls (U+0080..U+009F, which a
 * terminal takes for ESC sequences such as CSI) as \u00NN. Returns the
 * bytes it stands for, or 0 when p is not a control character. */
static size_t control_escape(const unsigned char *p, char esc[8])
{
    if (*p == '\n' || *p == '\t' || *p == '\r') {
        snprintf(esc, 8, "\\%c", *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r');
        return 1;
    }
    if (*p < 0x20 || *p == 0x7f) {
        snprintf(esc, 8, "\\x%02x", *p);
        return 1;
    }
    if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
        snprintf(esc, 8, "\\u%04x", p[1]);
        return 2;
    }
    return 0;
}

/* Display width of a cell: code points, control characters counted as
 * their escape. */
static size_t cell_width(const char *s)
{
    size_t w = 0;
    char esc[8];
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t n = control_escape(p, esc);
        if (n) {
            w += strlen(esc);
            p += n - 1;
        } else if ((*p & 0xC0) != 0x80) {
            w++;
        }
    }
    return w;
}

/* Print s escaped, padded or cut to `width` columns (0 = as is); a cut cell
 * ends with "…". */
static void put_cell(FILE *out, const char *s, size_t width, int pad)
{
    size_t total = cell_width(s);
    int cut = width && total > width;
    size_t limit = cut ? width - 1 : (size_t)-1, w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        size_t n = control_escape(p, esc);
        size_t ew = n ? strlen(esc) : (*p & 0xC0) == 0x80 ? 0 : 1;
        if (w + ew > limit)
            break;
        if (n) {
            fputs(esc, out);
            p += n - 1;
        } else {
            fputc(*p, out);
        }
        w += ew;
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

static void finish_table(qformat_t *f)
{
    size_t *w = xcalloc((size_t)f->ncols, sizeof *w);
    for (int c = 0; c < f->ncols; c++) {
        w[c] = cell_width(f->names[c]);
        for (size_t r = 0; r < f->nrows; r++) {
            size_t cw = cell_width(f->cells[r * (size_t)f->ncols + (size_t)c]);
            if (cw > w[c])
                w[c] = cw;
        }
        if (c < f->ncols - 1 && w[c] > CELL_MAX)
            w[c] = CELL_MAX;
    }
    /* The last column gets what is left of the width (at least 20). */
    size_t used = 0;
    for (int c = 0; c < f->ncols - 1; c++)
        used += w[c] + 2;
    size_t last = f->width > 0 ? ((size_t)f->width > used + 20 ? (size_t)f->width - used : 20) : 0;
    for (size_t r = f->no_header ? 1 : 0; r <= f->nrows; r++) {
        for (int c = 0; c < f->ncols; c++) {
            const char *s = r == 0 ? f->names[c] : f->cells[(r - 1) * (size_t)f->ncols + (size_t)c];
            int is_last = c == f->ncols - 1;
            put_cell(f->out, s, is_last ? last : w[c], !is_last);
            if (!is_last)
                fputs("  ", f->out);
        }
        fputc('\n', f->out);
    }
    if (f->nrows == 0 && !f->no_header)
        fputs("(no results)\n", f->out);
    free(w);
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
    for (size_t i = 0; i < f->nrows * (size_t)f->ncols; i++)
        free(f->cells[i]);
    free(f->cells);
    for (int i = 0; i < f->ncols; i++)
        free(f->names[i]);
    free(f->names);
    free(f->is_time);
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
