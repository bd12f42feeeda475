/* tui/view_tail.c — the live tail: the newest matching events, newest at
 * the bottom; a cursor that scrolling moves up (which pauses following;
 * End follows again); the cursor's JSON pretty-printed on demand ('e'). */
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

/* The message on one row: line breaks (Python's \r in tracebacks, joined
 * multi-line events) shown as spaces. */
static void draw_line(canvas_t *c, int y, const tail_line_t *l, int attr, int fn_w)
{
    char ts[32];
    time_t t = (time_t)(l->ts / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(ts, sizeof ts, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(l->ts % 1000));
    canvas_attr(c, y, 0, c->w, attr);
    int x = canvas_str(c, y, 0, 0, attr == CA_SELECTED ? attr : CA_DIM, ts) + 1;
    canvas_str(c, y, x, fn_w, attr == CA_SELECTED ? attr : CA_BAR, l->function ? l->function : "-");
    x += fn_w + 1;
    const char *m = l->message ? l->message : "";
    size_t n = strlen(m);
    char *flat = malloc(n + 1);
    if (!flat)
        return;
    for (size_t i = 0; i < n; i++)
        flat[i] = m[i] == '\n' || m[i] == '\r' ? ' ' : m[i];
    canvas_text(c, y, x, 0, attr, flat, n);
    free(flat);
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
    canvas_attr(c, y, 0, c->w, CA_HEADER);
    canvas_printf(c, y, 0, 0, CA_HEADER, "%s  %d lines  filter: %s%s",
                  a->tail_back ? "PAUSED (End follows)" : "following",
                  n, *filter ? filter : "none", a->tail_hide_platform ? "  START/END/REPORT hidden (h)" : "");
    int rows = h - 1;
    if (n == 0) {
        canvas_str(c, y + 1, 0, 0, CA_DIM, "no event matches yet");
        free(json);
        return;
    }
    /* the cursor's line sits at the bottom (above its JSON when expanded) */
    int last_row = y + rows - json_n;
    int first = cursor - (last_row - (y + 1)) ;
    if (first < 0)
        first = 0;
    /* the function column is as wide as the longest name shown (8..20) */
    int fn_w = 8;
    for (int i = first; i <= cursor; i++) {
        const char *f = tail_line(a->tail, i)->function;
        int w = f ? canvas_width(c, f, strlen(f)) : 1;
        fn_w = w > fn_w ? (w > 20 ? 20 : w) : fn_w;
    }
    int row = y + 1;
    for (int i = first; i <= cursor && row < last_row + 1 && row < y + h; i++, row++) {
        const tail_line_t *l = tail_line(a->tail, i);
        draw_line(c, row, l, i == cursor && a->tail_back ? CA_SELECTED : line_attr(l), fn_w);
    }
    if (json)
        json_rows(c, row, y + h, json);
    free(json);
}
