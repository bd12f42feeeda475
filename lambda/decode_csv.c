/* lambda/decode_csv.c — CloudWatch Logs Insights results as CSV: the
 * console's "Export results" table (logs-insights-results.csv). The first
 * row names the query's fields (@timestamp,@message,@logStream,@log, ... in
 * the query's order); each next row is one result. Fields are RFC 4180:
 * a field holding a comma, a quote or a line break is quoted, and a quote
 * inside is doubled, so a message with newlines (a stack trace, Lambda's
 * own final '\n') spans lines of the file. Files saved on Windows may
 * start with a UTF-8 byte order mark (users' readers strip "\uFEFF"), and
 * end lines with CRLF: both are read.
 *
 * Also read: the CloudWatch console's download of a log stream's events
 * (Log events, "Download" as CSV): columns "timestamp,message", the time
 * in milliseconds since the epoch, the message quoted with Lambda's final
 * '\n' inside; and the same rows pasted without their header row.
 *
 * @message is the record's message (required: a table without it is not a
 * table of events); @timestamp ("2023-10-20 16:28:17.840", UTC, as in the
 * JSON export), @logStream and @log ("account-id:log-group") are used when
 * the query selected them. An empty @timestamp is no time. Each row is read
 * alone: memory follows one row. A line with nothing on it outside quotes
 * is not a row. A quote inside an unquoted field (which RFC 4180 does not
 * allow) is kept as a character: reading it so loses nothing; a quoted
 * field must be followed by ',' or the end of its line. */
#include "lambda/decode_int.h"

#include "common/buf.h"

#include <string.h>

enum { C_TS, C_MSG, C_STREAM, C_LOG, C__N };
static const char *const col_names[C__N] = { "@timestamp", "@message", "@logStream", "@log" };
/* the console's log events download names them without the '@' */
static const char *const col_plain[C__N] = { "timestamp", "message", "logStreamName", NULL };

typedef struct field {
    obs_span_t raw;     /* between the quotes, when quoted */
    int doubled;        /* holds "" that stand for " */
} field_t;

typedef struct csv {
    const decode_doc_t *d;
    size_t i;           /* the next byte */
    size_t bad_at;      /* failure: where */
    const char *what;   /* failure: what was expected */
} csv_t;

/* One field at c->i. Returns 0 when a ',' follows (taken), 1 when its line
 * or the document ends there (the line end taken), -1 on bad input. */
static int next_field(csv_t *c, field_t *f)
{
    const char *p = c->d->p;
    size_t n = c->d->n, b = c->i, j;
    f->doubled = 0;
    if (b < n && p[b] == '"') {
        for (j = b + 1;; j++) {
            if (j >= n) {
                c->bad_at = b;
                c->what = "a '\"' to close the quoted field that opens here, found the end of "
                          "the document (cut short?)";
                return -1;
            }
            if (p[j] == '"') {
                if (j + 1 < n && p[j + 1] == '"') {
                    f->doubled = 1;
                    j++;
                    continue;
                }
                break;
            }
        }
        f->raw = obs_span(p + b + 1, j - b - 1);
        j++;
        if (j >= n || (p[j] == '\r' && j + 1 == n)) {
            c->i = n;
            return 1;
        }
        if (p[j] == ',' || p[j] == '\n') {
            c->i = j + 1;
            return p[j] == '\n';
        }
        if (p[j] == '\r' && p[j + 1] == '\n') {
            c->i = j + 2;
            return 1;
        }
        c->bad_at = j;
        c->what = "',' or the end of the line after a quoted field";
        return -1;
    }
    for (j = b; j < n && p[j] != ',' && p[j] != '\n'; j++)
        ;
    size_t e = j;
    if (e > b && p[e - 1] == '\r' && (j == n || p[j] == '\n'))
        e--;
    f->raw = obs_span(p + b, e - b);
    if (j >= n) {
        c->i = n;
        return 1;
    }
    c->i = j + 1;
    return p[j] == '\n';
}

/* The field's text: its raw span, or its quotes undoubled into b. */
static obs_span_t text(const field_t *f, buf_t *b)
{
    if (!f->doubled)
        return f->raw;
    b->len = 0;
    for (size_t i = 0; i < f->raw.len; i++) {
        buf_putc(b, f->raw.p[i]);
        if (f->raw.p[i] == '"')
            i++;
    }
    return obs_span(b->p, b->len);
}

static int is_blank(obs_span_t t)
{
    for (size_t i = 0; i < t.len; i++)
        if (t.p[i] != ' ' && t.p[i] != '\t')
            return 0;
    return 1;
}

static int is_blank_line(const char *p, size_t n, size_t i)
{
    return p[i] == '\n' || (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n');
}

/* A time in milliseconds since the epoch, as digits only (the console's
 * download): 0 with *ms, or -1. */
static int epoch_digits(obs_span_t t, int64_t *ms)
{
    if (t.len < 10 || t.len > 16)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < t.len; i++) {
        if (t.p[i] < '0' || t.p[i] > '9')
            return -1;
        v = v * 10 + (t.p[i] - '0');
    }
    *ms = t.len <= 11 ? v * 1000 : v;
    return 0;
}

/* The rows of a console download without their header: the first row is
 * "<ms since the epoch>,\"<message>...". */
static int headless_row(const char *p, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && p[j] >= '0' && p[j] <= '9')
        j++;
    return j - i >= 12 && j - i <= 13 && j + 1 < n && p[j] == ',' && p[j + 1] == '"';
}

int decode__csv_sniff(const char *p, size_t n)
{
    decode_doc_t d = { "insights-csv", p, n, NULL, NULL, NULL };
    csv_t c = { &d, decode__bom(p, n), 0, NULL };
    field_t f;
    int end, plain = 0;
    if (headless_row(p, n, c.i))
        return 1;
    do {
        if (c.i >= n || (end = next_field(&c, &f)) < 0)
            return 0;
        if (!f.doubled && decode__key_is(f.raw, "@message"))
            return 1;
        if (!f.doubled && decode__key_is(f.raw, "timestamp"))
            plain |= 1;
        if (!f.doubled && decode__key_is(f.raw, "message"))
            plain |= 2;
    } while (!end);
    return plain == 3;
}

int decode__insights_csv(const decode_doc_t *d)
{
    csv_t c = { d, decode__bom(d->p, d->n), 0, NULL };
    int col[C__N] = { -1, -1, -1, -1 };
    size_t ncols = 0, rows = 0;
    field_t f, got[C__N];
    buf_t bufs[C__N] = { { 0 } };
    int rc = 0, end;

    if (c.i >= d->n)
        return 0; /* an empty file: no header, no rows */
    size_t header_at = c.i;
    if (headless_row(d->p, d->n, c.i)) {
        col[C_TS] = 0;
        col[C_MSG] = 1;
        ncols = 2;
        goto rows;
    }
    do {
        end = next_field(&c, &f);
        if (end < 0) {
            rc = decode__fail(d, c.bad_at, "the header row: expected %s", c.what);
            goto out;
        }
        for (int k = 0; k < C__N; k++)
            if (col[k] < 0 && !f.doubled && decode__key_is(f.raw, col_names[k]))
                col[k] = (int)ncols;
        ncols++;
    } while (!end);
    /* no @ names: the console's download ("timestamp,message") */
    if (col[C_MSG] < 0) {
        size_t again = c.i;
        c.i = header_at;
        ncols = 0;
        do {
            end = next_field(&c, &f);
            for (int k = 0; k < C__N; k++)
                if (col_plain[k] && col[k] < 0 && !f.doubled && decode__key_is(f.raw, col_plain[k]))
                    col[k] = (int)ncols;
            ncols++;
        } while (end == 0);
        c.i = again;
    }
    if (col[C_MSG] < 0) {
        size_t len = c.i - header_at;
        while (len > 0 && (d->p[header_at + len - 1] == '\n' || d->p[header_at + len - 1] == '\r'))
            len--;
        rc = decode__fail(d, header_at, "the header row names no @message column, so this is "
                          "not a Logs Insights table of log events (header: %.*s%s)",
                          (int)(len > 60 ? 60 : len), d->p + header_at, len > 60 ? "..." : "");
        /* keep the message on one line */
        if (d->err)
            for (char *m = d->err->msg; *m; m++)
                if (*m == '\n' || *m == '\r')
                    *m = ' ';
        goto out;
    }

rows:
    while (c.i < d->n) {
        if (is_blank_line(d->p, d->n, c.i)) {
            c.i += d->p[c.i] == '\r' ? 2 : 1;
            continue;
        }
        size_t row_at = c.i, k = 0;
        rows++;
        memset(got, 0, sizeof got);
        do {
            end = next_field(&c, &f);
            if (end < 0) {
                rc = decode__fail(d, c.bad_at, "row %zu: expected %s", rows, c.what);
                goto out;
            }
            for (int x = 0; x < C__N; x++)
                if (col[x] == (int)k)
                    got[x] = f;
            k++;
        } while (!end);
        if (k != ncols) {
            rc = decode__fail(d, row_at, "row %zu has %zu field%s where the header names %zu",
                              rows, k, k == 1 ? "" : "s", ncols);
            goto out;
        }
        decode_record_t r = { 0 };
        obs_span_t m = text(&got[C_MSG], &bufs[C_MSG]);
        decode__set_message(&r, m.p, m.len);
        if (col[C_TS] >= 0) {
            obs_span_t t = text(&got[C_TS], &bufs[C_TS]);
            if (!is_blank(t)) {
                if (decode__text_time(t.p, t.len, &r.ts_ms) != 0 && epoch_digits(t, &r.ts_ms) != 0) {
                    rc = decode__fail(d, row_at, "row %zu: @timestamp \"%.*s\" is not a time "
                                      "(Logs Insights writes 2023-10-20 16:28:17.840, in UTC)",
                                      rows, (int)(t.len > 40 ? 40 : t.len), t.p);
                    goto out;
                }
                r.has_ts = 1;
            }
        }
        if (col[C_STREAM] >= 0)
            r.stream = text(&got[C_STREAM], &bufs[C_STREAM]);
        if (col[C_LOG] >= 0)
            r.log_group = decode__group_of_log(text(&got[C_LOG], &bufs[C_LOG]));
        rc = decode__emit(d, &r);
        if (rc)
            goto out;
    }
out:
    for (int k = 0; k < C__N; k++)
        buf_free(&bufs[k]);
    return rc;
}
