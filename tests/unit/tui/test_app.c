/* tests/unit/tui/test_app.c — obstop's key handling without a terminal or
 * a store: view switching (Tab, help, Esc), window and sort cycling, the
 * pause toggle, line input (UTF-8 backspace, Ctrl-U, Esc cancels, Enter
 * applies) and a tail filter that does not compile, which is reported with
 * its column and leaves the old filter in place. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tui/app.h"

#include <string.h>

static void type(app_t *a, const char *s)
{
    for (; *s; s++)
        CHECK_EQ_INT(app_key(a, (unsigned char)*s), 0);
}

static void test_views_and_settings(void)
{
    app_t a;
    app_init(&a, NULL, "x.db");
    CHECK_EQ_INT(a.view, VIEW_OVERVIEW);
    /* no function to open: Tab skips the function view */
    app_key(&a, APP_KEY_TAB);
    CHECK_EQ_INT(a.view, VIEW_TAIL);
    app_key(&a, APP_KEY_TAB);
    CHECK_EQ_INT(a.view, VIEW_EMF);
    app_key(&a, APP_KEY_TAB);
    CHECK_EQ_INT(a.view, VIEW_OVERVIEW);
    app_key(&a, APP_KEY_BTAB);
    CHECK_EQ_INT(a.view, VIEW_EMF);
    CHECK_EQ_INT(app_set_view(&a, "function:api"), 0);
    CHECK_EQ_INT(a.view, VIEW_DETAIL);
    CHECK_EQ_STR(a.detail_fn, "api");
    CHECK_EQ_INT(app_set_view(&a, "nope"), -1);
    app_key(&a, '?');
    CHECK_EQ_INT(a.view, VIEW_HELP);
    CHECK_EQ_INT(app_key(&a, 'q'), 0);          /* q closes help first */
    CHECK_EQ_INT(a.view, VIEW_DETAIL);
    app_key(&a, APP_KEY_ESC);
    CHECK_EQ_INT(a.view, VIEW_OVERVIEW);

    CHECK_EQ_INT(a.window, 2);                  /* 1h */
    app_key(&a, 'w');
    CHECK_EQ_STR(app_window_names[a.window], "6h");
    app_key(&a, 'w');
    app_key(&a, 'w');
    app_key(&a, 'w');
    CHECK_EQ_STR(app_window_names[a.window], "5m");
    app_key(&a, 'W');
    CHECK_EQ_STR(app_window_names[a.window], "all");
    CHECK_EQ_INT(a.sort, FS_INVOCATIONS);
    app_key(&a, 's');
    CHECK_EQ_INT(a.sort, FS_ERRORS);
    CHECK(a.sort_desc);
    app_key(&a, 'S');
    CHECK(!a.sort_desc);
    app_key(&a, 'p');
    CHECK(a.paused);
    CHECK_EQ_INT(app_key(&a, 'q'), 1);
    app_done(&a);
}

static void test_line_input(void)
{
    app_t a;
    app_init(&a, NULL, "x.db");
    app_key(&a, '/');
    CHECK_EQ_INT(a.input, INPUT_FILTER);
    type(&a, "ord\xc3\xa9");
    app_key(&a, APP_KEY_BACKSPACE);             /* drops the whole é */
    CHECK(strcmp(a.input_buf, "ord") == 0);
    type(&a, "q");                              /* a letter, not quit, while typing */
    CHECK(strcmp(a.input_buf, "ordq") == 0);
    app_key(&a, APP_KEY_BACKSPACE);
    app_key(&a, APP_KEY_ENTER);
    CHECK_EQ_INT(a.input, INPUT_NONE);
    CHECK_EQ_STR(a.name_filter, "ord");
    app_key(&a, 'f');
    type(&a, "junk");
    app_key(&a, 21);                            /* Ctrl-U */
    CHECK(strcmp(a.input_buf, "") == 0);
    type(&a, "api");
    app_key(&a, APP_KEY_ESC);                   /* cancelled: nothing set */
    CHECK_EQ_STR(a.function, "");
    app_key(&a, 'f');
    type(&a, "api");
    app_key(&a, APP_KEY_ENTER);
    CHECK_EQ_STR(a.function, "api");
    app_done(&a);
}

static void test_tail_filter_errors(void)
{
    app_t a;
    app_init(&a, NULL, "x.db");
    CHECK_EQ_INT(app_set_view(&a, "tail"), 0);
    app_key(&a, '/');
    type(&a, "@message like \"boom\"");
    app_key(&a, APP_KEY_ENTER);
    CHECK_EQ_STR(tail_filter(a.tail), "@message like \"boom\"");
    CHECK_EQ_STR(a.status, "");
    app_key(&a, 'h');                           /* reconfigures with its own filter */
    CHECK(a.tail_hide_platform);
    CHECK_EQ_STR(tail_filter(a.tail), "@message like \"boom\"");
    app_key(&a, '/');
    app_key(&a, 21);
    type(&a, "@duration >");
    app_key(&a, APP_KEY_ENTER);
    CHECK(strstr(a.status, "filter: column 12:") != NULL);
    CHECK_EQ_STR(tail_filter(a.tail), "@message like \"boom\"");
    app_done(&a);
}

TEST_LIST = {
    TEST(test_views_and_settings),
    TEST(test_line_input),
    TEST(test_tail_filter_errors),
    TEST_END,
};
