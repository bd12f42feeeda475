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
/* "HH:MM" (UTC) of an epoch-ms time; "MM-DD HH:MM" when with_date. */
void view_clock(int64_t ms, int with_date, char *out, size_t n);

#endif
