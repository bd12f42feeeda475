/* tui/app.h — obstop's state and what each key does to it, apart from the
 * terminal: term.c turns curses keys into APP_KEY_* codes and paints the
 * canvas; obstop --dump drives the same state without a terminal. The
 * models are reloaded by app_refresh; views draw the state (views.h). */
#ifndef OBS_TUI_APP_H
#define OBS_TUI_APP_H

#include "tui/model.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

enum app_key {
    APP_KEY_UP = 0x1000, APP_KEY_DOWN, APP_KEY_LEFT, APP_KEY_RIGHT, APP_KEY_PGUP, APP_KEY_PGDN,
    APP_KEY_HOME, APP_KEY_END, APP_KEY_ENTER, APP_KEY_ESC, APP_KEY_BACKSPACE, APP_KEY_TAB,
    APP_KEY_BTAB, APP_KEY_RESIZE
};

typedef enum app_view {
    VIEW_OVERVIEW, VIEW_DETAIL, VIEW_TAIL, VIEW_EMF, VIEW__TABS, /* views with a tab */
    VIEW_HELP = VIEW__TABS, VIEW_REQUEST
} app_view_t;

typedef enum app_input { INPUT_NONE, INPUT_FILTER, INPUT_FUNCTION } app_input_t;

#define APP_WINDOWS 6

typedef struct app {
    /* settings */
    store_t *st;
    const char *db_path;
    model_prices_t prices;
    int ascii;                  /* ASCII glyphs instead of UTF-8 blocks */
    int color;                  /* 0 under NO_COLOR or a monochrome terminal */
    int interval_ms;
    limits_t limits;            /* --concurrency-limit, --account-limit */

    /* what is shown */
    app_view_t view, back;      /* back: where Esc returns from help/request */
    int window;                 /* index into app_window_spans */
    fn_sort_t sort;
    int sort_desc;
    char function[128];         /* function filter; "" = all */
    char name_filter[128];      /* overview: show functions containing this */
    int paused;
    int selected, top;          /* overview row, detail/emf/request scroll */
    int detail_top, emf_top;
    int tail_hide_platform, tail_expand;
    int tail_back;              /* lines scrolled up from the newest; 0 = following */
    int tail_hscroll;           /* columns of the messages scrolled off to the left */
    int tail_wrap;              /* long messages wrapped instead of cut */
    int height;                 /* rows of the last frame (for paging) */

    /* line input ('/' and 'f') */
    app_input_t input;
    char input_buf[512];
    int input_len;

    char status[300];           /* the last message or error, shown above the footer */
    int store_errors;           /* refreshes that failed reading the store */

    /* models */
    int64_t now_ms;
    model_window_t win;
    overview_t ov;
    series_t series;            /* overview's series (the function filter's, or all) */
    detail_t detail;
    char detail_fn[128];
    int have_detail;
    int64_t detail_ms;          /* when the detail was loaded, and for which window */
    int detail_window;
    emf_model_t emf;
    conc_model_t conc;          /* concurrency of the window, kept between refreshes */
    tail_t *tail;
    char **req_lines;
    int nreq;
    char req_id[128];
    double events_per_s;
    int64_t prev_max_id, prev_ms;
    int64_t lag_ms;             /* when the agent's lag was last computed */
    int64_t data_version;
} app_t;

extern const int64_t app_window_spans[APP_WINDOWS];
extern const char *const app_window_names[APP_WINDOWS];

void app_init(app_t *a, store_t *st, const char *db_path);
void app_done(app_t *a);
/* Reload what the current view shows (now_ms: the wall clock). */
void app_refresh(app_t *a, int64_t now_ms);
/* Whether another connection committed since the last call (PRAGMA
 * data_version). */
int app_data_changed(app_t *a);
/* A refresh tick with nothing new in the store: the event rate is 0, and
 * the header's facts (the agent's state file) are read again. */
void app_idle(app_t *a, int64_t now_ms);

/* Handle one key (a character or APP_KEY_*). Returns 1 to quit. Keys that
 * change what is shown reload the models. */
int app_key(app_t *a, int key);
/* Select a view by name ("overview", "tail", "emf", "function:NAME");
 * returns -1 for an unknown name. */
int app_set_view(app_t *a, const char *name);

/* The active filters as one line of text ("function = x, tail: ...") in
 * out; returns how many are active. */
int app_filters(const app_t *a, char *out, size_t n);
/* Clear every filter: the function, the overview's name filter, the tail's
 * expression and its hiding of platform lines (the 'x' key). */
void app_clear_filters(app_t *a);

/* The visible overview rows after the name filter: indexes into a->ov.rows. */
int app_visible_rows(const app_t *a, int *idx, int cap);

#endif
