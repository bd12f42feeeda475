/* tui/view_frame.c — the parts of every frame: header, tabs, status or
 * input line, footer; then the current view's body (view.h). */
#include "tui/view.h"
#include "tui/view_int.h"
#include "tui/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* "last write 5s ago" (or minutes, hours) into out. */
static void last_write(const app_t *a, int64_t ms, char *out, size_t n)
{
    int64_t ago = (a->now_ms - ms) / 1000;
    if (ago < 0)
        ago = 0;
    if (ago < 120)
        snprintf(out, n, "last write %llds ago", (long long)ago);
    else if (ago < 7200)
        snprintf(out, n, "last write %lldm ago", (long long)(ago / 60));
    else
        snprintf(out, n, "last write %lldh ago", (long long)(ago / 3600));
}

/* The agent as the header shows it, from its state file: paused (and why),
 * running or importing (and how far behind the files it follows), stopped
 * since when, gone (died without a clean stop), or never seen. */
static void agent_text(const app_t *a, char *out, size_t n)
{
    const agent_state_t *s = &a->ov.agent;
    char lag[32], wrote[48] = "no data yet", when[32];
    fmt_size(s->lag_bytes > 0 ? s->lag_bytes : 0, lag, sizeof lag);
    if (s->last_write_ms >= 0)
        last_write(a, s->last_write_ms, wrote, sizeof wrote);
    if (s->running && s->paused) {
        int64_t for_s = (a->now_ms - s->since_ms) / 1000;
        snprintf(out, n, "agent: PAUSED %llds, %.60s, lag %s", (long long)(for_s > 0 ? for_s : 0), s->reason,
                 lag);
        return;
    }
    if (s->running) {
        int64_t ago = s->last_write_ms < 0 ? 0 : (a->now_ms - s->last_write_ms) / 1000;
        const char *state = s->importing ? "importing" : s->lag_bytes > 0 && ago >= 5 ? "behind"
                          : s->lag_bytes > 0 ? "catching up" : "running";
        snprintf(out, n, "agent: %s, lag %s, %s", state, lag, wrote);
        return;
    }
    switch (s->seen) {
    case AGENT_STOPPED:
        view_clock(s->since_ms, a->now_ms - s->since_ms > 20 * 3600000LL, when, sizeof when);
        snprintf(out, n, "agent: stopped since %s, %s", when, wrote);
        break;
    case AGENT_GONE:
        snprintf(out, n, "agent: gone (pid %ld, no clean stop), %s", s->pid, wrote);
        break;
    default:
        snprintf(out, n, "agent: never seen, %s", wrote);
        break;
    }
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
               a->ov.agent.paused || a->ov.agent.seen == AGENT_GONE ? CA_BAD
               : a->ov.agent.lag_bytes > 0 || !a->ov.agent.running ? CA_WARN : CA_DIM, agent);
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
}

/* Every active filter on a row of its own, whatever the view, with the key
 * that clears them; 1 when there is one (the row is used). */
static int filters(canvas_t *c, const app_t *a, int y)
{
    char text[600];
    if (app_filters(a, text, sizeof text) == 0)
        return 0;
    canvas_attr(c, y, 0, c->w, CA_WARN);
    int x = canvas_str(c, y, 0, 0, CA_WARN, "filtered: ");
    int keyw = canvas_width(c, "  x clears", 10);
    x += view_text_middle(c, y, x, c->w - x - keyw, CA_WARN, text);
    x += canvas_str(c, y, x, 0, CA_WARN, "  ");
    x += canvas_str(c, y, x, 0, CA_KEY, "x");
    canvas_str(c, y, x, 0, CA_WARN, " clears");
    return 1;
}

static void footer(canvas_t *c, app_t *a)
{
    static const char *keys[][2] = { { "?", "Help" }, { "q", "Quit" }, { "Tab", "View" },
                                     { "Enter", "Open" }, { "/", "Filter" }, { "x", "Clear" },
                                     { "s", "Sort" }, { "w", "Window" }, { "f", "Function" },
                                     { "p", "Pause" } };
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
    if (h > 1 && filters(c, a, y))
        y++, h--;
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
