/* agent/tail/tail_doc.c — inputs read whole (see tail_doc.h): read to the
 * end into memory, inflated when gzip, then a document's records or the
 * lines through the pipeline. */
#include "agent/tail/tail_doc.h"
#include "common/inflate.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tail_doc_is_whole(const char *head, size_t n, decode_format_t forced)
{
    if (decode_is_gzip(head, n))
        return 1;
    if (forced != DECODE_AUTO)
        return decode_is_document(forced);
    return decode_is_document(decode_sniff(head, n));
}

/* head, then fd to its end, into *out (malloc'd, NUL-terminated). */
static int read_all(int fd, const char *head, size_t head_len, const char *name, char **out, size_t *out_len,
                    obs_err_t *err)
{
    size_t cap = head_len + 65536, len = head_len;
    char *buf = xmalloc(cap + 1);
    if (head_len)
        memcpy(buf, head, head_len);
    for (;;) {
        if (len == cap) {
            if (cap >= TAIL_WHOLE_MAX) {
                free(buf);
                return obs_err_set(err, OBS_EINVAL, "%s is larger than %zu MiB, the most read whole: split it",
                                   name, TAIL_WHOLE_MAX >> 20);
            }
            cap = cap * 2 > TAIL_WHOLE_MAX ? TAIL_WHOLE_MAX : cap * 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            return obs_err_set(err, OBS_EIO, "reading %s: %s", name, strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

typedef struct doc_ctx {
    pipeline_t *pl;
    pipeline_stream_t *ps;
    int64_t records;
} doc_ctx_t;

static int emit(void *ctx, const decode_record_t *r, obs_err_t *err)
{
    doc_ctx_t *c = ctx;
    c->records++;
    return pipeline_decoded(c->pl, c->ps, r, err);
}

/* Lines from memory through the line reader, as read_to_end does from a file. */
static int lines(pipeline_t *pl, pipeline_stream_t *ps, const char *p, size_t n, size_t max_line, obs_err_t *err)
{
    line_reader_t lr;
    multiline_event_t ml = { 0 };
    size_t off = 0;
    int rc = 0;
    line_reader_init(&lr, max_line);
    do {
        size_t avail;
        char *space = line_reader_space(&lr, &avail);
        size_t k = n - off < avail ? n - off : avail;
        memcpy(space, p + off, k);
        off += k;
        line_reader_added(&lr, k);
        rc = pipeline_lines(pl, ps, &ml, &lr, off == n, NULL, err);
    } while (!rc && off < n);
    line_reader_done(&lr);
    multiline_done(&ml);
    return rc;
}

int tail_doc_import(pipeline_t *pl, pipeline_stream_t *ps, int fd, const char *head, size_t head_len,
                    decode_format_t forced, size_t max_line, const char *name, tail_doc_result_t *res,
                    obs_err_t *err)
{
    char *raw = NULL, *text;
    size_t raw_len = 0, len;
    memset(res, 0, sizeof *res);
    int rc = read_all(fd, head, head_len, name, &raw, &raw_len, err);
    if (rc)
        return rc;
    res->bytes = (int64_t)raw_len;
    text = raw;
    len = raw_len;
    if (decode_is_gzip(raw, raw_len)) {
        obs_err_t ierr;
        res->gzip = 1;
        rc = inflate_gzip(raw, raw_len, TAIL_WHOLE_MAX, &text, &len, &ierr);
        free(raw);
        if (rc)
            return obs_err_set(err, OBS_EINVAL, "%s: %s", name, ierr.msg);
    }
    decode_format_t f = forced != DECODE_AUTO ? forced : decode_sniff(text, len);
    res->format = f;
    if (decode_is_document(f)) {
        doc_ctx_t c = { pl, ps, 0 };
        obs_err_t derr;
        obs_err_clear(&derr);
        rc = decode_document(f, text, len, emit, &c, &derr);
        res->records = c.records;
        if (rc == OBS_EINVAL)
            obs_err_set(err, rc, "%s: %s", name, derr.msg);
        else if (rc && err)
            *err = derr;
    } else {
        rc = lines(pl, ps, text, len, max_line, err);
    }
    free(text);
    return rc;
}
