/* tui/view_frame.c — the parts of every frame: header, tabs, status or
 * input line, footer; then the current view's body (view.h). */
#include "tui/view.h"
#include "tui/view_int.h"
#include "tui/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The agent as the header shows it: paused (and why) or running from its
 * state file; else from what it last wrote and the files' lag. */
static void agent_text(const app_t *a, char *out, size_t n)
{
    const agent_state_t *s = &a->ov.agent;
    char lag[32];
    fmt_size(s->lag_bytes > 0 ? s->lag_bytes : 0, lag, sizeof lag);
    if (s->running && s->paused) {
        int64_t for_s = (a->now_ms - s->since_ms) / 1000;
        snprintf(out, n, "agent: PAUSED %llds, %.60s, lag %s", (long long)(for_s > 0 ? for_s : 0), s->reason,
                 lag);
        return;
    }
    if (s->last_write_ms < 0) {
        snprintf(out, n, s->running ? "agent: running, no data yet" : "agent: no data yet");
        return;
    }
    int64_t ago = (a->now_ms - s->last_write_ms) / 1000;
    const char *state = s->lag_bytes > 0 && ago >= 5 ? "behind" : s->lag_bytes > 0 ? "catching up"
                      : s->running ? "running" : "ok";
    if (ago < 0)
        ago = 0;
    if (ago < 120)
        snprintf(out, n, "agent: %s, lag %s, last write %llds ago", state, lag, (long long)ago);
    else if (ago < 7200)
        snprintf(out, n, "agent: %s, lag %s, last write %lldm ago", state, lag, (long long)(ago / 60));
    else
        snprintf(out, n, "agent: %s, lag %s, last write %lldh ago", state, lag, (long long)(ago / 3600));
}

static void header(canvas_t *c, app_t *a)
{
    char size[32], from[32], to[32], agent[160], rate[32];
    fmt_size(a->ov.store_bytes, size, sizeof size);
    int dated = a->win.until_ms - a->win.since_ms > 20 * 3600000LL || a->win.anchored_to_data;
    view_clock(a->win.since_ms, dated, from, sizeof from);
    view_clock(a->win.until_ms, dated, to, sizeof to);
    agent_text(a, agent, sizeof agent);
    if (a->prev_max_id && a->events_per_s > 0)
        snprintf(rate, sizeof rate, "%.1f", a->events_per_s);
    else
        snprintf(rate, sizeof rate, "0");
    canvas_attr(c, 0, 0, c->w, CA_TITLE);
    int x = canvas_str(c, 0, 0, 0, CA_TITLE, " obstop ");
    canvas_printf(c, 0, x + 1, 0, CA_TITLE, "window %s %s-%s UTC%s | %s ev/s | %s %s%s",
                       app_window_names[a->window], from, to,
                       a->win.anchored_to_data ? " (last data)" : "", rate, a->db_path, size,
                       a->paused ? " | PAUSED" : "");
    /* the agent's state, right-aligned on the tabs row */
    int aw = canvas_width(c, agent, strlen(agent));
    canvas_str(c, 1, c->w - aw > 40 ? c->w - aw : 40, 0,
               a->ov.agent.paused ? CA_BAD : a->ov.agent.lag_bytes > 0 ? CA_WARN : CA_DIM, agent);
}

static void tabs(canvas_t *c, app_t *a)
{
    static const char *names[VIEW__TABS] = { "Overview", "Function", "Tail", "EMF" };
    app_view_t cur = a->view >= VIEW__TABS ? a->back : a->view;
    int x = 1;
    for (int i = 0; i < VIEW__TABS; i++) {
        char label[200];
        if (i == VIEW_DETAIL && a->detail_fn[0])
            snprintf(label, sizeof label, " %s: %.120s ", names[i], a->detail_fn);
        else
            snprintf(label, sizeof label, " %s ", names[i]);
        x += canvas_str(c, 1, x, 0, (int)cur == i ? CA_SELECTED : CA_DIM, label) + 1;
    }
    if (a->function[0])
        canvas_printf(c, 1, x + 1, 0, CA_WARN, "function = %s", a->function);
}

static void footer(canvas_t *c, app_t *a)
{
    static const char *keys[][2] = { { "?", "Help" }, { "q", "Quit" }, { "Tab", "View" },
                                     { "Enter", "Open" }, { "/", "Filter" }, { "s", "Sort" },
                                     { "w", "Window" }, { "f", "Function" }, { "p", "Pause" } };
    int y = c->h - 1, x = 0;
    canvas_attr(c, y, 0, c->w, CA_DIM);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        x += canvas_str(c, y, x, 0, CA_KEY, keys[i][0]);
        x += canvas_str(c, y, x, 0, CA_DIM, keys[i][1]);
        x += canvas_str(c, y, x, 0, CA_DIM, " ");
    }
    y--;
    if (a->input != INPUT_NONE) {
        const char *prompt = a->input == INPUT_FUNCTION ? "function (empty = all): "
                             : a->view == VIEW_TAIL ? "filter (obsq expression): "
                             : "show functions containing: ";
        int px = canvas_str(c, y, 0, 0, CA_BOLD, prompt);
        int w = c->w - px - 1;
        /* keep the end of a long input visible */
        const char *p = a->input_buf;
        while (canvas_width(c, p, strlen(p)) > w && *p)
            p++;
        int used = canvas_str(c, y, px, w, CA_NORMAL, p);
        canvas_attr(c, y, px + used, 1, CA_SELECTED);   /* the cursor */
    } else if (a->status[0]) {
        canvas_str(c, y, 0, 0, CA_WARN, a->status);
    }
}

void view_frame(canvas_t *c, app_t *a)
{
    canvas_clear(c);
    a->height = c->h;
    header(c, a);
    tabs(c, a);
    int y = 2, h = c->h - 4;
    if (h < 1)
        return;
    switch (a->view) {
    case VIEW_OVERVIEW: view_overview(c, a, y, h); break;
    case VIEW_DETAIL: view_detail(c, a, y, h); break;
    case VIEW_TAIL: view_tail(c, a, y, h); break;
    case VIEW_EMF: view_emf(c, a, y, h); break;
    case VIEW_HELP: view_help(c, a, y, h); break;
    case VIEW_REQUEST: view_request(c, a, y, h); break;
    }
    footer(c, a);
}
