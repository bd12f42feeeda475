/* tui/app.c — obstop's state machine (app.h): keys, view switching, line
 * input, and reloading the models a view needs. */
#include "tui/app.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int64_t app_window_spans[APP_WINDOWS] = { 5 * 60000LL, 15 * 60000LL, 3600000LL,
                                                6 * 3600000LL, 24 * 3600000LL, 0 };
const char *const app_window_names[APP_WINDOWS] = { "5m", "15m", "1h", "6h", "24h", "all" };

#define TAIL_CAP 2000
#define APP_HSCROLL_STEP 20
#define LAG_EVERY_MS 5000
#define DETAIL_EVERY_MS 5000

void app_init(app_t *a, store_t *st, const char *db_path)
{
    memset(a, 0, sizeof *a);
    a->st = st;
    a->db_path = db_path;
    a->prices.gb_second = 0.0000166667;
    a->prices.request = 0.0000002;
    a->interval_ms = 1000;
    a->window = 2;   /* 1h */
    a->sort = FS_INVOCATIONS;
    a->sort_desc = 1;
    a->color = 1;
    a->tail = tail_new(TAIL_CAP);
    a->data_version = -1;
    a->lag_ms = -LAG_EVERY_MS;
    a->ov.agent.lag_bytes = -1;
    limits_init(&a->limits);
}

static void free_request(app_t *a)
{
    model_lines_free(a->req_lines, a->nreq);
    a->req_lines = NULL;
    a->nreq = 0;
}

void app_done(app_t *a)
{
    model_overview_free(&a->ov);
    model_series_free(&a->series);
    if (a->have_detail)
        model_detail_free(&a->detail);
    model_emf_free(&a->emf);
    model_conc_free(&a->conc);
    tail_free(a->tail);
    free_request(a);
}

/* Copy src into dst[n], cut to fit. */
static void copy_str(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static void set_status(app_t *a, const char *fmt, const char *arg)
{
    snprintf(a->status, sizeof a->status, fmt, arg);
}

int app_visible_rows(const app_t *a, int *idx, int cap)
{
    int n = 0;
    for (int i = 0; i < a->ov.n && n < cap; i++) {
        const char *name = a->ov.rows[i].name;
        if (a->function[0] && strcmp(name, a->function) != 0)
            continue;
        if (a->name_filter[0] && !strstr(name, a->name_filter))
            continue;
        idx[n++] = i;
    }
    return n;
}

static const char *selected_function(const app_t *a)
{
    int idx[4096];
    int n = app_visible_rows(a, idx, 4096);
    if (n == 0)
        return NULL;
    int s = a->selected < n ? a->selected : n - 1;
    return a->ov.rows[idx[s]].name;
}

/* ---- refresh ------------------------------------------------------------- */

static void refresh_error(app_t *a, const obs_err_t *err)
{
    set_status(a, "%s", err->msg);
    a->store_errors++;
}

void app_refresh(app_t *a, int64_t now_ms)
{
    obs_err_t err = { 0 };
    sqlite3 *db = store_db(a->st);
    a->now_ms = now_ms;
    if (model_window_resolve(db, app_window_spans[a->window], now_ms, &a->win, &err)) {
        refresh_error(a, &err);
        return;
    }
    /* concurrency where it is shown (the overview's column and sparkline,
     * the detail's chart) */
    int conc = a->view == VIEW_OVERVIEW || a->view == VIEW_DETAIL || !a->ov.rows;
    if (conc && model_conc_load(a->st, &a->win, now_ms, &a->conc, &err))
        refresh_error(a, &err);
    /* the rows only where they are shown (and for the first frame) */
    overview_t ov;
    if (a->view == VIEW_OVERVIEW || !a->ov.rows) {
        if (model_overview_load(db, a->db_path, &a->win, &a->prices, &ov, &err) == 0) {
            ov.agent = a->ov.agent;   /* the header's facts are kept apart */
            ov.store_bytes = a->ov.store_bytes;
            ov.max_event_id = a->ov.max_event_id;
            model_overview_free(&a->ov);
            a->ov = ov;
            model_conc_rows(&a->conc, &a->limits, &a->ov);
            model_overview_sort(&a->ov, a->sort, a->sort_desc);
        } else {
            refresh_error(a, &err);
        }
    }
    /* the lag stats every checkpointed file: at most every LAG_EVERY_MS */
    int with_lag = now_ms - a->lag_ms >= LAG_EVERY_MS;
    if (with_lag)
        a->lag_ms = now_ms;
    model_header_load(db, a->db_path, &a->ov, with_lag);
    if (a->prev_ms > 0 && now_ms > a->prev_ms)
        a->events_per_s = (double)(a->ov.max_event_id - a->prev_max_id) * 1000.0 /
                          (double)(now_ms - a->prev_ms);
    a->prev_ms = now_ms;
    a->prev_max_id = a->ov.max_event_id;

    switch (a->view) {
    case VIEW_OVERVIEW: {
        series_t s;
        if (model_series_load(db, &a->win, a->function[0] ? a->function : NULL, &s, &err) == 0) {
            model_series_free(&a->series);
            a->series = s;
            model_conc_fill(&a->conc, &a->limits, NULL, &a->series, a->function[0] ? a->function : NULL);
        }
        break;
    }
    case VIEW_DETAIL: {
        /* the detail reads invocations and error lines: while data keeps
         * arriving it is read again at most every DETAIL_EVERY_MS */
        if (a->have_detail && strcmp(a->detail.row.name, a->detail_fn) == 0 &&
            a->detail_window == a->window && now_ms - a->detail_ms < DETAIL_EVERY_MS)
            break;
        a->detail_ms = now_ms;
        a->detail_window = a->window;
        detail_t d;
        emf_model_t m;
        if (model_emf_load(a->st, &a->win, a->detail_fn, &m, &err) == 0) {
            model_emf_free(&a->emf);
            a->emf = m;
        }
        if (model_detail_load(db, &a->win, &a->prices, a->detail_fn, &d, &err) == 0) {
            if (a->have_detail)
                model_detail_free(&a->detail);
            a->detail = d;
            a->have_detail = 1;
        } else {
            refresh_error(a, &err);
        }
        break;
    }
    case VIEW_EMF: {
        emf_model_t m;
        if (model_emf_load(a->st, &a->win, a->function[0] ? a->function : NULL, &m, &err) == 0) {
            model_emf_free(&a->emf);
            a->emf = m;
        } else {
            refresh_error(a, &err);
        }
        break;
    }
    case VIEW_TAIL:
        if (tail_poll(a->tail, db, &err))
            refresh_error(a, &err);
        break;
    default:
        break;
    }
    /* the detail's concurrency minutes are as fresh as the overview's */
    if (a->view == VIEW_DETAIL && a->have_detail)
        model_conc_fill(&a->conc, &a->limits, NULL, &a->detail.series, a->detail_fn);
}

int app_data_changed(app_t *a)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(store_db(a->st), "PRAGMA data_version", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    int changed = v != a->data_version;
    a->data_version = v;
    return changed;
}

void app_idle(app_t *a, int64_t now_ms)
{
    a->events_per_s = 0;
    a->prev_ms = now_ms;
    a->now_ms = now_ms;
    /* nothing new in the store: the agent may be paused (the store locked
     * or full), which only its state file says */
    model_header_load(store_db(a->st), a->db_path, &a->ov, 0);
}

/* ---- views ---------------------------------------------------------------- */

static void open_detail(app_t *a, const char *fn)
{
    if (!fn) {
        set_status(a, "%s", "no function to show");
        return;
    }
    snprintf(a->detail_fn, sizeof a->detail_fn, "%s", fn);
    a->view = VIEW_DETAIL;
    a->detail_top = 0;
}

static void reconfigure_tail(app_t *a, const char *filter)
{
    obs_err_t err = { 0 };
    if (tail_configure(a->tail, filter, a->function[0] ? a->function : NULL, a->tail_hide_platform,
                       &err)) {
        if (err.col > 0)
            snprintf(a->status, sizeof a->status, "filter: column %d: %s", err.col, err.msg);
        else
            snprintf(a->status, sizeof a->status, "filter: %s", err.msg);
        return;
    }
    a->tail_back = 0;
}

int app_filters(const app_t *a, char *out, size_t n)
{
    size_t len = 0;
    int k = 0;
    out[0] = '\0';
    const char *tf = tail_filter(a->tail);
    struct { int on; const char *fmt, *arg; } f[] = {
        { a->function[0] != 0, "function = %s", a->function },
        { a->name_filter[0] != 0, "name contains \"%s\"", a->name_filter },
        { tf && *tf, "tail: %s", tf },
        { a->tail_hide_platform, "%sSTART/END/REPORT hidden", "" },
    };
    for (size_t i = 0; i < OBS_ARRAY_LEN(f); i++) {
        if (!f[i].on)
            continue;
        int w = k++ ? snprintf(out + len, n - len, ", ") : 0;
        len += w > 0 ? (size_t)w : 0;
        if (len >= n)
            break;
        w = snprintf(out + len, n - len, f[i].fmt, f[i].arg);
        len += w > 0 ? (size_t)w : 0;
        if (len >= n)
            break;
    }
    return k;
}

void app_clear_filters(app_t *a)
{
    a->function[0] = '\0';
    a->name_filter[0] = '\0';
    a->tail_hide_platform = 0;
    a->selected = 0;
    reconfigure_tail(a, "");
    set_status(a, "%s", "filters cleared");
}

static void switch_tab(app_t *a, int dir)
{
    app_view_t v = a->view >= VIEW__TABS ? a->back : a->view;
    v = (app_view_t)(((int)v + dir + VIEW__TABS) % VIEW__TABS);
    if (v == VIEW_DETAIL) {
        const char *fn = a->have_detail && a->detail_fn[0] ? a->detail_fn : selected_function(a);
        if (!fn)
            v = (app_view_t)(((int)v + dir + VIEW__TABS) % VIEW__TABS);
        else
            open_detail(a, fn);
    }
    a->view = v;
}

int app_set_view(app_t *a, const char *name)
{
    if (strcmp(name, "overview") == 0)
        a->view = VIEW_OVERVIEW;
    else if (strcmp(name, "tail") == 0)
        a->view = VIEW_TAIL;
    else if (strcmp(name, "emf") == 0)
        a->view = VIEW_EMF;
    else if (strncmp(name, "function:", 9) == 0 && name[9])
        open_detail(a, name + 9);
    else
        return -1;
    return 0;
}

/* ---- line input ----------------------------------------------------------- */

static void start_input(app_t *a, app_input_t kind, const char *initial)
{
    a->input = kind;
    snprintf(a->input_buf, sizeof a->input_buf, "%s", initial);
    a->input_len = (int)strlen(a->input_buf);
}

static void accept_input(app_t *a)
{
    app_input_t kind = a->input;
    a->input = INPUT_NONE;
    a->status[0] = '\0';
    if (kind == INPUT_FUNCTION) {
        copy_str(a->function, sizeof a->function, a->input_buf);
        a->selected = 0;
        reconfigure_tail(a, tail_filter(a->tail));
    } else if (a->view == VIEW_TAIL) {
        reconfigure_tail(a, a->input_buf);
    } else {
        copy_str(a->name_filter, sizeof a->name_filter, a->input_buf);
        a->selected = 0;
    }
}

static void input_key(app_t *a, int key)
{
    if (key == APP_KEY_ENTER) {
        accept_input(a);
    } else if (key == APP_KEY_ESC) {
        a->input = INPUT_NONE;
    } else if (key == APP_KEY_BACKSPACE) {
        /* drop a whole UTF-8 sequence */
        while (a->input_len > 0 && ((unsigned char)a->input_buf[--a->input_len] & 0xC0) == 0x80)
            ;
        a->input_buf[a->input_len] = '\0';
    } else if (key == 21) {   /* Ctrl-U */
        a->input_len = 0;
        a->input_buf[0] = '\0';
    } else if (key >= 0x20 && key < 0x100 && key != 0x7F &&
               a->input_len + 1 < (int)sizeof a->input_buf) {
        a->input_buf[a->input_len++] = (char)key;
        a->input_buf[a->input_len] = '\0';
    }
}

/* ---- movement ------------------------------------------------------------- */

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void move(app_t *a, int key)
{
    int page = a->height > 8 ? a->height - 8 : 1;
    int delta = key == APP_KEY_UP ? -1 : key == APP_KEY_DOWN ? 1 : key == APP_KEY_PGUP ? -page
              : key == APP_KEY_PGDN ? page : 0;
    switch (a->view) {
    case VIEW_OVERVIEW: {
        int idx[4096];
        int n = app_visible_rows(a, idx, 4096);
        if (key == APP_KEY_HOME)
            a->selected = 0;
        else if (key == APP_KEY_END)
            a->selected = n - 1;
        else
            a->selected += delta;
        a->selected = clamp(a->selected, 0, n > 0 ? n - 1 : 0);
        break;
    }
    case VIEW_TAIL: {
        int n = tail_count(a->tail);
        if (key == APP_KEY_END)
            a->tail_back = 0;      /* follow again */
        else if (key == APP_KEY_HOME)
            a->tail_back = n - 1;
        else
            a->tail_back -= delta; /* up = further back */
        a->tail_back = clamp(a->tail_back, 0, n > 0 ? n - 1 : 0);
        a->tail_expand = 0;
        break;
    }
    default: {
        int *top = a->view == VIEW_DETAIL ? &a->detail_top : a->view == VIEW_EMF ? &a->emf_top : &a->top;
        if (key == APP_KEY_HOME)
            *top = 0;
        else if (key == APP_KEY_END)
            *top = 1 << 20;        /* views clamp it to their content */
        else
            *top = *top + delta < 0 ? 0 : *top + delta;
        break;
    }
    }
}

static void open_request(app_t *a)
{
    int n = tail_count(a->tail);
    const tail_line_t *l = n ? tail_line(a->tail, n - 1 - a->tail_back) : NULL;
    if (!l || !l->request_id) {
        set_status(a, "%s", "this line names no request id");
        return;
    }
    obs_err_t err = { 0 };
    char **lines;
    int nl;
    if (model_request_lines(store_db(a->st), l->request_id, &lines, &nl, &err)) {
        refresh_error(a, &err);
        return;
    }
    free_request(a);
    a->req_lines = lines;
    a->nreq = nl;
    snprintf(a->req_id, sizeof a->req_id, "%s", l->request_id);
    a->back = a->view;
    a->view = VIEW_REQUEST;
    a->top = 0;
}

int app_key(app_t *a, int key)
{
    if (a->input != INPUT_NONE) {
        input_key(a, key);
        return 0;
    }
    if (a->view == VIEW_HELP || a->view == VIEW_REQUEST) {
        if (key == 'q' || key == APP_KEY_ESC || key == '?' || key == APP_KEY_BACKSPACE ||
            (a->view == VIEW_HELP && key == APP_KEY_ENTER)) {
            a->view = a->back;
            return 0;
        }
        if (a->view == VIEW_REQUEST) {
            move(a, key);
            return 0;
        }
    }
    switch (key) {
    case 'q': return 1;
    case '?':
        a->back = a->view;
        a->view = VIEW_HELP;
        break;
    case APP_KEY_TAB: case APP_KEY_RIGHT: switch_tab(a, 1); break;
    case APP_KEY_BTAB: case APP_KEY_LEFT: switch_tab(a, -1); break;
    case 'w': a->window = (a->window + 1) % APP_WINDOWS; break;
    case 'W': a->window = (a->window + APP_WINDOWS - 1) % APP_WINDOWS; break;
    case 's': a->sort = (fn_sort_t)((a->sort + 1) % FS__COUNT); a->sort_desc = a->sort != FS_NAME; break;
    case 'S': a->sort_desc = !a->sort_desc; break;
    case 'p': a->paused = !a->paused; break;
    case 'f': start_input(a, INPUT_FUNCTION, a->function[0] ? a->function
                                             : a->view == VIEW_OVERVIEW && selected_function(a)
                                               ? selected_function(a) : ""); break;
    case '/':
        if (a->view == VIEW_TAIL)
            start_input(a, INPUT_FILTER, tail_filter(a->tail));
        else if (a->view == VIEW_OVERVIEW)
            start_input(a, INPUT_FILTER, a->name_filter);
        else
            set_status(a, "%s", "/ filters the overview (by name) and the tail (obsq expression)");
        break;
    case 'h':
        if (a->view == VIEW_TAIL) {
            a->tail_hide_platform = !a->tail_hide_platform;
            reconfigure_tail(a, tail_filter(a->tail));
        }
        break;
    case 'e': if (a->view == VIEW_TAIL) a->tail_expand = !a->tail_expand; break;
    case '>':
    case '<':
        if (a->view == VIEW_TAIL && !a->tail_wrap) {
            a->tail_hscroll += key == '>' ? APP_HSCROLL_STEP : -APP_HSCROLL_STEP;
            a->tail_hscroll = a->tail_hscroll < 0 ? 0 : a->tail_hscroll > 100000 ? 100000 : a->tail_hscroll;
        }
        break;
    case 'z':
        if (a->view == VIEW_TAIL) {
            a->tail_wrap = !a->tail_wrap;
            a->tail_hscroll = 0;
        }
        break;
    case 'x': app_clear_filters(a); break;
    case APP_KEY_ENTER:
        if (a->view == VIEW_OVERVIEW)
            open_detail(a, selected_function(a));
        else if (a->view == VIEW_TAIL)
            open_request(a);
        break;
    case APP_KEY_ESC: case APP_KEY_BACKSPACE:
        if (a->view == VIEW_DETAIL)
            a->view = VIEW_OVERVIEW;
        else if (a->view == VIEW_TAIL && a->tail_expand)
            a->tail_expand = 0;
        break;
    case APP_KEY_RESIZE: break;
    default: move(a, key); break;
    }
    return 0;
}
