/* agent/multiline_event.c — the pending multi-line event's buffer (see
 * multiline_event.h). */
#include "agent/multiline_event.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void reserve(multiline_event_t *ev, size_t need)
{
    if (need <= ev->cap)
        return;
    size_t cap = ev->cap ? ev->cap : 256;
    while (cap < need)
        cap *= 2;
    ev->buf = xrealloc(ev->buf, cap);
    ev->cap = cap;
}

static void count(multiline_event_t *ev, const line_t *line, size_t raw_bytes)
{
    ev->lines++;
    ev->raw_bytes += (int64_t)raw_bytes;
    ev->flags |= line->flags;
    ev->truncated += (line->flags & LINE_TRUNCATED) != 0;
    ev->no_newline += (line->flags & LINE_NO_NEWLINE) != 0;
}

void multiline_begin(multiline_event_t *ev, const line_t *line, size_t raw_bytes, ml_state_t st)
{
    multiline_clear(ev);
    reserve(ev, line->len + 1);
    memcpy(ev->buf, line->p, line->len);
    ev->len = ev->head = line->len;
    ev->state = st;
    count(ev, line, raw_bytes);
}

int multiline_append(multiline_event_t *ev, const line_t *line, size_t raw_bytes, ml_state_t st,
                     size_t max_bytes)
{
    if (ev->lines >= MULTILINE_MAX_LINES || ev->len + 1 + line->len > max_bytes)
        return -1;
    reserve(ev, ev->len + 1 + line->len);
    int empty_head = ev->len == 0;
    if (!empty_head)
        ev->buf[ev->len++] = '\n';
    memcpy(ev->buf + ev->len, line->p, line->len);
    ev->len += line->len;
    if (empty_head)
        ev->head = line->len;
    ev->blank_tail = line->len == 0 ? ev->blank_tail + 1 : 0;
    ev->state = st;
    count(ev, line, raw_bytes);
    return 0;
}

int multiline_trim(multiline_event_t *ev)
{
    int n = ev->blank_tail;
    ev->len -= (size_t)n;  /* each blank line is one '\n' */
    ev->blank_tail = 0;
    return n;
}

int64_t multiline_unstored(const multiline_event_t *ev)
{
    return ev && ev->state != ML_NONE ? ev->raw_bytes : 0;
}

void multiline_clear(multiline_event_t *ev)
{
    char *buf = ev->buf;
    size_t cap = ev->cap;
    memset(ev, 0, sizeof *ev);
    ev->buf = buf;
    ev->cap = cap;
}

void multiline_done(multiline_event_t *ev)
{
    if (!ev)
        return;
    free(ev->buf);
    memset(ev, 0, sizeof *ev);
}
