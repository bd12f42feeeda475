/* tui/view_help.c — the help screen (every key) and the request view
 * (every event of one request id, from the tail). */
#include "tui/view_int.h"

#include <stdio.h>

static const char *const help[][2] = {
    { "Tab, Right / Shift-Tab, Left", "next / previous view: Overview, Function, Tail, EMF" },
    { "Up, Down, PgUp, PgDn, Home, End", "move the selection or scroll" },
    { "Enter", "overview: open the function; tail: every event of the line's request" },
    { "Esc, Backspace", "back (function to overview; close help and request)" },
    { "/", "overview: show functions whose name contains text; tail: obsq filter expression" },
    { "f", "function filter for every view (empty = all)" },
    { "x", "clear every filter (function, name, tail expression, hidden lines)" },
    { "s / S", "sort by the next column / reverse the order" },
    { "w / W", "window: 5m, 15m, 1h, 6h, 24h, all (next / previous)" },
    { "p", "pause refreshing (the data stays as it is)" },
    { "h", "tail: hide or show START, END and REPORT lines" },
    { "e", "tail: pretty-print the JSON of the line at the cursor" },
    { "< / >", "tail: scroll long lines left / right" },
    { "z", "tail: wrap long lines (or cut them again)" },
    { "Ctrl-U", "while typing: clear the input" },
    { "?", "this help" },
    { "q", "quit (closes help and request views first)" },
};

void view_help(canvas_t *c, app_t *a, int y, int h)
{
    (void)a;
    canvas_str(c, y, 0, 0, CA_HEADER, "keys");
    canvas_attr(c, y, 0, c->w, CA_HEADER);
    int rows = (int)(sizeof help / sizeof help[0]);
    for (int i = 0; i < rows && i + 1 < h; i++) {
        canvas_str(c, y + 1 + i, 1, 32, CA_KEY, help[i][0]);
        canvas_str(c, y + 1 + i, 34, 0, CA_NORMAL, help[i][1]);
    }
    if (rows + 2 < h)
        canvas_str(c, y + rows + 2, 1, 0, CA_DIM,
                   "Columns: Errors = failed invocations (errors + timeouts + crashes + OOM), "
                   "Head% = 1 - max memory used / size. See docs/dashboard.md.");
}

void view_request(canvas_t *c, app_t *a, int y, int h)
{
    canvas_attr(c, y, 0, c->w, CA_HEADER);
    canvas_printf(c, y, 0, 0, CA_HEADER, "request %s: %d events (Esc: back)", a->req_id, a->nreq);
    int max_top = a->nreq - (h - 1) > 0 ? a->nreq - (h - 1) : 0;
    if (a->top > max_top)
        a->top = max_top;
    for (int i = 0; i + 1 < h && a->top + i < a->nreq; i++)
        canvas_str(c, y + 1 + i, 0, 0, CA_NORMAL, a->req_lines[a->top + i]);
}
