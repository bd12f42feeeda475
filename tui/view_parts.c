/* tui/view_parts.c — small pieces several views draw: a time of day, a
 * sparkline, text cut in its middle or wrapped, columns skipped. A leaf: the
 * views call it, it calls no view. */
#include "tui/view_int.h"
#include "tui/fmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void view_clock(int64_t ms, int with_date, char *out, size_t n)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (with_date)
        snprintf(out, n, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    else
        snprintf(out, n, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

void view_sparkline(canvas_t *c, int y, int x, int w, int attr, const double *v, int n)
{
    if (w <= 0)
        return;
    double pooled[1024];
    char text[1024 * 4 + 1];
    if (w > 1024)
        w = 1024;
    spark_pool(v, n, pooled, w);
    spark_render(pooled, w, 0, c->ascii, text, sizeof text);
    canvas_str(c, y, x, w, attr, text);
}

/* Bytes of s (len bytes) that fit in w columns from its start. */
static size_t fit_head(const canvas_t *c, const char *s, size_t len, int w)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i + 1;
        while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80)
            j++;
        if (canvas_width(c, s, j) > w)
            break;
        i = j;
    }
    return i;
}

int view_text_middle(canvas_t *c, int y, int x, int w, int attr, const char *s)
{
    size_t len = strlen(s);
    if (w <= 0 || canvas_width(c, s, len) <= w)
        return canvas_text(c, y, x, w, attr, s, len);
    /* the end (a series' dimensions, a path's file) tells rows apart: keep
     * more of it than of the start */
    int head = (w - 1) * 2 / 5, tail = w - 1 - head;
    size_t h = fit_head(c, s, len, head);
    size_t t = len;
    while (t > h) {
        size_t k = t - 1;
        while (k > h && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        if (canvas_width(c, s + k, len - k) > tail)
            break;
        t = k;
    }
    int used = canvas_text(c, y, x, head, attr, s, h);
    used += canvas_str(c, y, x + used, 1, attr, c->ascii ? "~" : "\u2026");
    used += canvas_text(c, y, x + used, tail, attr, s + t, len - t);
    return used;
}

int view_text_wrap(canvas_t *c, int y, int ymax, int x, int attr, const char *s, size_t len)
{
    int w = c->w - x, rows = 0;
    if (w < 1)
        return 0;
    size_t i = 0;
    do {
        while (i > 0 && i < len && s[i] == ' ')   /* a row does not start with the space it broke at */
            i++;
        size_t n = fit_head(c, s + i, len - i, w);
        if (n == 0 && i < len)   /* a glyph wider than the room: skip it */
            n = 1;
        if (i + n < len && s[i + n] != ' ') {   /* break after a word, when the row has a space */
            size_t k = n;
            while (k > 0 && s[i + k - 1] != ' ')
                k--;
            if (k > 0)
                n = k;
        }
        if (y + rows < ymax)
            canvas_text(c, y + rows, x, w, attr, s + i, n);
        rows++;
        i += n;
    } while (i < len);
    return rows;
}

size_t view_skip_columns(const canvas_t *c, const char *s, size_t len, int cols)
{
    return cols > 0 ? fit_head(c, s, len, cols) : 0;
}
