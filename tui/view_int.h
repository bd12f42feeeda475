/* tui/view_int.h — what the view files share: each draws its body in
 * rows [y, y + h) of the canvas. */
#ifndef OBS_TUI_VIEW_INT_H
#define OBS_TUI_VIEW_INT_H

#include "tui/app.h"
#include "tui/canvas.h"

void view_overview(canvas_t *c, app_t *a, int y, int h);
void view_detail(canvas_t *c, app_t *a, int y, int h);
void view_tail(canvas_t *c, app_t *a, int y, int h);
void view_emf(canvas_t *c, app_t *a, int y, int h);
void view_help(canvas_t *c, app_t *a, int y, int h);
void view_request(canvas_t *c, app_t *a, int y, int h);

/* view_parts.c: a sparkline of n per-minute values max-pooled into w columns. */
void view_sparkline(canvas_t *c, int y, int x, int w, int attr, const double *v, int n);
/* s in w columns at (y, x); when longer, its middle cut out (an ellipsis in
 * its place), keeping more of its end. Returns the columns used. */
int view_text_middle(canvas_t *c, int y, int x, int w, int attr, const char *s);
/* s (len bytes) from column x to the right edge, continued (after a word
 * where it can) on the rows below
 * (those before ymax are drawn). Returns the rows it takes, drawn or not. */
int view_text_wrap(canvas_t *c, int y, int ymax, int x, int attr, const char *s, size_t len);
/* Bytes of s that the first cols columns take (horizontal scrolling). */
size_t view_skip_columns(const canvas_t *c, const char *s, size_t len, int cols);
/* "HH:MM" (UTC) of an epoch-ms time; "MM-DD HH:MM" when with_date. */
void view_clock(int64_t ms, int with_date, char *out, size_t n);

#endif
