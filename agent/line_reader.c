/* agent/line_reader.c — line framing with a length limit (see line_reader.h). */
#include "agent/line_reader.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define READ_CHUNK (256 * 1024)

void line_reader_init(line_reader_t *lr, size_t max_line)
{
    memset(lr, 0, sizeof *lr);
    lr->max_line = max_line ? max_line : LINE_MAX_DEFAULT;
    lr->cap = lr->max_line + READ_CHUNK + 1;
    lr->buf = xmalloc(lr->cap);
}

void line_reader_done(line_reader_t *lr)
{
    free(lr->buf);
    lr->buf = NULL;
}

char *line_reader_space(line_reader_t *lr, size_t *avail)
{
    if (lr->start > 0 && (lr->cap - lr->end < READ_CHUNK || lr->start == lr->end)) {
        memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
        lr->end -= lr->start;
        lr->start = 0;
    }
    *avail = lr->cap - lr->end;
    return lr->buf + lr->end;
}

void line_reader_added(line_reader_t *lr, size_t n)
{
    lr->end += n;
}

static void strip_cr(line_t *out)
{
    if (out->len && out->p[out->len - 1] == '\r')
        out->len--;
}

/* Skip the tail of a cut line; returns 1 when its newline (or EOF) was reached. */
static int skip_tail(line_reader_t *lr, int at_eof)
{
    char *s = lr->buf + lr->start;
    size_t n = lr->end - lr->start;
    char *nl = memchr(s, '\n', n);
    size_t k = nl ? (size_t)(nl - s) + 1 : n;
    lr->start += k;
    lr->consumed += (int64_t)k;
    if (nl || at_eof) {
        lr->skipping = 0;
        return 1;
    }
    return 0;
}

int line_reader_next(line_reader_t *lr, line_t *out, int at_eof)
{
    if (lr->skipping && !skip_tail(lr, at_eof))
        return 0;
    char *s = lr->buf + lr->start;
    size_t n = lr->end - lr->start;
    if (n == 0)
        return 0;
    size_t scan = n < lr->max_line + 1 ? n : lr->max_line + 1;
    char *nl = memchr(s, '\n', scan);
    memset(out, 0, sizeof *out);
    out->p = s;
    if (nl && (size_t)(nl - s) <= lr->max_line) {
        out->len = (size_t)(nl - s);
        lr->start += out->len + 1;
        lr->consumed += (int64_t)out->len + 1;
        strip_cr(out);
        return 1;
    }
    if (n > lr->max_line) {
        /* Over-long: return the first max_line bytes, skip to the newline. */
        out->len = lr->max_line;
        out->flags = LINE_TRUNCATED;
        lr->start += lr->max_line;
        lr->consumed += (int64_t)lr->max_line;
        lr->skipping = 1;
        skip_tail(lr, at_eof);
        return 1;
    }
    if (at_eof) {
        out->len = n;
        out->flags = LINE_NO_NEWLINE;
        lr->start += n;
        lr->consumed += (int64_t)n;
        strip_cr(out);
        return 1;
    }
    return 0;
}
