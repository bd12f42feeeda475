/* tui/view_parts.c — small pieces several views draw: a time of day, a
 * sparkline. A leaf: the views call it, it calls no view. */
#include "tui/view_int.h"
#include "tui/fmt.h"

#include <stdio.h>
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
