/* tui/term.c — the only file that includes curses (term.h). Refreshes the
 * models every interval when the store changed (PRAGMA data_version) or the
 * minute turned, repaints only after a change, and sleeps in getch()
 * otherwise, so an idle obstop costs next to nothing. */
#include "tui/term.h"
#include "tui/view.h"
#include "common/clock.h"

#include <curses.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { PAIR_TITLE = 1, PAIR_HEADER, PAIR_SELECTED, PAIR_GOOD, PAIR_WARN, PAIR_BAD, PAIR_BAR, PAIR_KEY };

static volatile sig_atomic_t stop_signal;
static int curses_on;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* A crash: give the terminal back before dying of the same signal. */
static void on_crash(int sig)
{
    if (curses_on)
        endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void restore_at_exit(void)
{
    if (curses_on) {
        endwin();
        curses_on = 0;
    }
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND;
    int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
        sigaction(crash[i], &sa, NULL);
    atexit(restore_at_exit);
}

static chtype attr_of(int a, int color)
{
    if (!color) {
        switch (a) {
        case CA_TITLE: case CA_SELECTED: return A_REVERSE;
        case CA_HEADER: return A_BOLD | A_UNDERLINE;
        case CA_BAD: case CA_WARN: case CA_KEY: case CA_BOLD: return A_BOLD;
        case CA_DIM: return A_DIM;
        default: return A_NORMAL;
        }
    }
    switch (a) {
    case CA_DIM: return A_DIM;
    case CA_BOLD: return A_BOLD;
    case CA_TITLE: return COLOR_PAIR(PAIR_TITLE);
    case CA_HEADER: return COLOR_PAIR(PAIR_HEADER);
    case CA_SELECTED: return COLOR_PAIR(PAIR_SELECTED);
    case CA_GOOD: return COLOR_PAIR(PAIR_GOOD);
    case CA_WARN: return COLOR_PAIR(PAIR_WARN) | A_BOLD;
    case CA_BAD: return COLOR_PAIR(PAIR_BAD) | A_BOLD;
    case CA_BAR: return COLOR_PAIR(PAIR_BAR);
    case CA_KEY: return COLOR_PAIR(PAIR_KEY) | A_BOLD;
    default: return A_NORMAL;
    }
}

static void setup_colors(app_t *a)
{
    if (!a->color || !has_colors()) {
        a->color = 0;
        return;
    }
    start_color();
    use_default_colors();
    init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
    init_pair(PAIR_HEADER, COLOR_BLACK, COLOR_GREEN);
    init_pair(PAIR_SELECTED, COLOR_BLACK, COLOR_CYAN);
    init_pair(PAIR_GOOD, COLOR_GREEN, -1);
    init_pair(PAIR_WARN, COLOR_YELLOW, -1);
    init_pair(PAIR_BAD, COLOR_RED, -1);
    init_pair(PAIR_BAR, COLOR_CYAN, -1);
    init_pair(PAIR_KEY, COLOR_WHITE, -1);
}

static void paint(const canvas_t *c, int color)
{
    char run[4096];
    for (int y = 0; y < c->h; y++) {
        move(y, 0);
        int x = 0;
        while (x < c->w) {
            int attr = c->cells[y * c->w + x].attr;
            size_t len = 0;
            for (; x < c->w && c->cells[y * c->w + x].attr == attr; x++) {
                const char *g = c->cells[y * c->w + x].glyph;
                size_t gl = strlen(g);
                if (len + gl >= sizeof run)
                    break;
                memcpy(run + len, g, gl);
                len += gl;
            }
            run[len] = '\0';
            attrset(attr_of(attr, color));
            addstr(run);
        }
    }
    attrset(A_NORMAL);
}

static int map_key(int ch)
{
    switch (ch) {
    case KEY_UP: return APP_KEY_UP;
    case KEY_DOWN: return APP_KEY_DOWN;
    case KEY_LEFT: return APP_KEY_LEFT;
    case KEY_RIGHT: return APP_KEY_RIGHT;
    case KEY_PPAGE: return APP_KEY_PGUP;
    case KEY_NPAGE: return APP_KEY_PGDN;
    case KEY_HOME: return APP_KEY_HOME;
    case KEY_END: return APP_KEY_END;
    case KEY_ENTER: case '\n': case '\r': return APP_KEY_ENTER;
    case 27: return APP_KEY_ESC;
    case KEY_BACKSPACE: case 127: case 8: return APP_KEY_BACKSPACE;
    case '\t': return APP_KEY_TAB;
    case KEY_BTAB: return APP_KEY_BTAB;
    case KEY_RESIZE: return APP_KEY_RESIZE;
    default: return ch;
    }
}

int term_run(app_t *a)
{
    install_signals();
    if (!initscr())
        return 1;
    curses_on = 1;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    setup_colors(a);

    canvas_t *c = NULL;
    int64_t next = 0, minute = -1;
    int dirty = 1, force = 1;
    while (!stop_signal) {
        int64_t now = obs_wall_ms();
        if (now >= next) {
            next = now + a->interval_ms;
            int changed = app_data_changed(a) || now / 60000 != minute;
            if (!a->paused && (changed || force)) {
                app_refresh(a, now);
                minute = now / 60000;
                dirty = 1;
            } else if (!a->paused) {
                app_idle(a, now);
                dirty = 1;   /* the header's "last write Ns ago" moves on */
            }
            force = 0;
        }
        if (dirty) {
            int h, w;
            getmaxyx(stdscr, h, w);
            if (!c || c->w != w || c->h != h) {
                canvas_free(c);
                c = canvas_new(w, h, a->ascii);
                clear();
            }
            view_frame(c, a);
            paint(c, a->color);
            refresh();
            dirty = 0;
        }
        int64_t wait = next - obs_wall_ms();
        timeout(wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait);
        int ch = getch();
        if (ch == ERR)
            continue;
        app_view_t before = a->view;
        int window = a->window;
        if (app_key(a, map_key(ch)))
            break;
        dirty = 1;
        /* a key that shows something else reloads now */
        if (a->view != before || a->window != window || ch == '\n' || ch == '\r' || ch == KEY_ENTER ||
            ch == 'f' || ch == 's' || ch == 'S' || ch == 'h')
            next = 0, force = 1;
    }
    canvas_free(c);
    endwin();
    curses_on = 0;
    return 0;
}
