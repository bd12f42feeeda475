/* tui/view.h — draws a frame of obstop's state onto a canvas: the header
 * (window, store, events/s, agent), the tabs, the current view's body, a
 * status or input line and the key footer. Views read the models in the
 * app; they never query the store. */
#ifndef OBS_TUI_VIEW_H
#define OBS_TUI_VIEW_H

#include "tui/app.h"
#include "tui/canvas.h"

void view_frame(canvas_t *c, app_t *a);

#endif
