/* tui/view_tail.c — the live tail: the newest matching events, newest at
 * the bottom; a cursor that scrolling moves up (which pauses following;
 * End follows again); the cursor's JSON pretty-printed on demand ('e');
 * long lines scrolled sideways ('<', '>') or wrapped ('z'). */
#include "tui/view_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JSON_MAX_LINES 200

/* Platform lines dim, error lines red, warnings yellow. */
static int line_attr(const tail_line_t *l)
{
    const char *m = l->message ? l->message : "";
    if (l->type)
        return CA_DIM;
    if (strstr(m, "ERROR") || strstr(m, "Task timed out") || strstr(m, "Runtime.ExitError") ||
        strstr(m, "\"level\":\"ERROR\""))
        return CA_BAD;
    if (strstr(m, "WARN"))
        return CA_WARN;
    return CA_NORMAL;
}

/* The message: line breaks (Python's \r in tracebacks, joined multi-line
 * events) shown as spaces; from column hscroll, on one row, or wrapped over
 * as many as it takes (those before ymax drawn). Returns the rows. */
static int draw_line(canvas_t *c, int y, int ymax, const tail_line_t *l, int attr, int fn_w,
                     const app_t *a)
{
    char ts[32];
    time_t t = (time_t)(l->ts / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(ts, sizeof ts, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(l->ts % 1000));
    const char *m = l->message ? l->message : "";
    size_t n = strlen(m);
    char *flat = malloc(n + 1);
    if (!flat)
        return 1;
    for (size_t i = 0; i < n; i++)
        flat[i] = m[i] == '\n' || m[i] == '\r' ? ' ' : m[i];
    int x = canvas_width(c, ts, strlen(ts)) + 1 + fn_w + 1;
    int rows = 1;
    if (a->tail_wrap)
        rows = view_text_wrap(c, y, ymax, x, attr, flat, n);
    if (y < ymax) {
        canvas_attr(c, y, 0, c->w, attr);
        for (int r = 1; r < rows && y + r < ymax; r++)
            canvas_attr(c, y + r, 0, c->w, attr);
        int tx = canvas_str(c, y, 0, 0, attr == CA_SELECTED ? attr : CA_DIM, ts) + 1;
        canvas_str(c, y, tx, fn_w, attr == CA_SELECTED ? attr : CA_BAR, l->function ? l->function : "-");
        if (a->tail_wrap) {
            view_text_wrap(c, y, ymax, x, attr, flat, n);
        } else {
            size_t skip = view_skip_columns(c, flat, n, a->tail_hscroll);
            canvas_text(c, y, x, 0, attr, flat + skip, n - skip);
        }
    }
    free(flat);
    return rows;
}

/* Pretty-printed JSON of the line's first JSON object: a malloc'd string,
 * or NULL when it has none. */
static char *pretty_json(const char *m)
{
    const char *p = m ? strchr(m, '{') : NULL;
    if (!p)
        return NULL;
    cJSON *j = cJSON_Parse(p);
    if (!j)
        return NULL;
    char *out = cJSON_Print(j);
    cJSON_Delete(j);
    return out;
}

static int json_rows(canvas_t *c, int y, int ymax, const char *text)
{
    int rows = 0;
    const char *p = text;
    while (*p && y + rows < ymax && rows < JSON_MAX_LINES) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        canvas_text(c, y + rows, 2, 0, CA_GOOD, p, len);
        rows++;
        p += len + (e ? 1 : 0);
    }
    return rows;
}

void view_tail(canvas_t *c, app_t *a, int y, int h)
{
    int n = tail_count(a->tail);
    int cursor = n - 1 - a->tail_back;
    char *json = NULL;
    int json_n = 0;
    if (a->tail_expand && cursor >= 0) {
        json = pretty_json(tail_line(a->tail, cursor)->message);
        if (!json)
            snprintf(a->status, sizeof a->status, "this line has no JSON object");
        for (const char *p = json; p && *p; p++)
            json_n += *p == '\n';
        json_n += json ? 1 : 0;
        if (json_n > h - 2)
            json_n = h - 2;
    }
    /* status row: what is shown */
    const char *filter = tail_filter(a->tail);
    char view[64] = "";
    if (a->tail_wrap)
        snprintf(view, sizeof view, "  wrapped (z)");
    else if (a->tail_hscroll)
        snprintf(view, sizeof view, "  from column %d (< >)", a->tail_hscroll + 1);
    canvas_attr(c, y, 0, c->w, CA_HEADER);
    canvas_printf(c, y, 0, 0, CA_HEADER, "%s  %d lines  filter: %s%s%s",
                  a->tail_back ? "PAUSED (End follows)" : "following",
                  n, *filter ? filter : "none", a->tail_hide_platform ? "  START/END/REPORT hidden (h)" : "",
                  view);
    if (n == 0) {
        canvas_str(c, y + 1, 0, 0, CA_DIM, "no event matches yet");
        free(json);
        return;
    }
    /* the cursor's line is the last one shown (above its JSON when
     * expanded), with as many lines before it as the rows hold */
    int top = y + 1, bottom = y + h - json_n;   /* rows [top, bottom) */
    /* the function column is as wide as the longest name shown (8..20) */
    int fn_w = 8;
    for (int i = cursor, k = 0; i >= 0 && k < h; i--, k++) {
        const char *f = tail_line(a->tail, i)->function;
        int w = f ? canvas_width(c, f, strlen(f)) : 1;
        fn_w = w > fn_w ? (w > 20 ? 20 : w) : fn_w;
    }
    int first = cursor, used = 0;
    for (int i = cursor; i >= 0; i--) {
        int rows = a->tail_wrap ? draw_line(c, 0, -1, tail_line(a->tail, i), CA_NORMAL, fn_w, a) : 1;
        if (used + rows > bottom - top && i != cursor)
            break;
        used += rows;
        first = i;
    }
    int row = top;
    for (int i = first; i <= cursor && row < bottom; i++) {
        const tail_line_t *l = tail_line(a->tail, i);
        row += draw_line(c, row, bottom, l, i == cursor && a->tail_back ? CA_SELECTED : line_attr(l), fn_w, a);
    }
    if (json)
        json_rows(c, row, y + h, json);
    free(json);
}
