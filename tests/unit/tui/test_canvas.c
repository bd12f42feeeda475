/* tests/unit/tui/test_canvas.c — the cell grid obstop draws on: text from
 * logs can never reach the terminal raw (escape sequences, C0/C1 controls,
 * invalid UTF-8 drawn as their visible form, \x1b), wide characters take two cells, ASCII mode
 * replaces non-ASCII text, and the plain-text dump trims trailing blanks. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tui/canvas.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The canvas written out, in a malloc'd string. */
static char *dump(const canvas_t *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    canvas_write(c, f);
    fclose(f);
    return buf;
}

static void test_escape_sequences_are_neutralised(void)
{
    canvas_t *c = canvas_new(40, 2, 0);
    const char *evil = "a\x1b[2Jb\x07\x9b" "c\xc2\x9b" "d\xff" "e";
    canvas_str(c, 0, 0, 0, CA_NORMAL, evil);
    /* an escape that does not fit is cut, never its raw byte */
    CHECK_EQ_INT(canvas_str(c, 1, 0, 3, CA_NORMAL, "a\x1b"), 3);
    char *out = dump(c);
    CHECK_EQ_STR(out, "a\\x1b[2Jb\\x07\\x9bc\\u009bd\\xffe\na\\x\n");
    CHECK_EQ_INT(canvas_width(c, evil, strlen(evil)), 30);
    for (const char *p = out; *p; p++)
        CHECK(*p == '\n' || (unsigned char)*p >= 0x20);
    free(out);
    canvas_free(c);
}

static void test_utf8_width_and_clipping(void)
{
    CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);   /* wcwidth knows wide characters */
    canvas_t *c = canvas_new(8, 1, 0);
    /* two wide CJK characters take four cells; the third would cross the
     * edge of a 5-column field and is left out */
    int used = canvas_str(c, 0, 0, 5, CA_NORMAL, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
    CHECK_EQ_INT(used, 4);
    canvas_str(c, 0, 4, 0, CA_NORMAL, "\u2581x");
    char *out = dump(c);
    CHECK_EQ_STR(out, "\xe6\x97\xa5\xe6\x9c\xac\u2581x\n");
    free(out);
    canvas_free(c);
}

static void test_ascii_mode(void)
{
    canvas_t *c = canvas_new(10, 1, 1);
    canvas_str(c, 0, 0, 0, CA_NORMAL, "caf\xc3\xa9!");
    char *out = dump(c);
    CHECK_EQ_STR(out, "caf?!\n");
    free(out);
    canvas_free(c);
}

static void test_right_align_blit_and_attrs(void)
{
    canvas_t *c = canvas_new(10, 3, 0), *t = canvas_new(10, 5, 0);
    canvas_rstr(c, 0, 0, 6, CA_BOLD, "42");
    CHECK_EQ_INT(c->cells[4].attr, CA_BOLD);
    CHECK_EQ_STR(c->cells[4].glyph, "4");
    canvas_attr(c, 1, 2, 3, CA_SELECTED);
    CHECK_EQ_INT(c->cells[10 + 2].attr, CA_SELECTED);
    CHECK_EQ_INT(c->cells[10 + 5].attr, CA_NORMAL);
    for (int i = 0; i < 5; i++)
        canvas_printf(t, i, 0, 0, CA_NORMAL, "row %d", i);
    canvas_blit(c, 1, 2, t, 3);
    char *out = dump(c);
    CHECK_EQ_STR(out, "    42\nrow 3\nrow 4\n");
    free(out);
    canvas_free(t);
    canvas_free(c);
}

TEST_LIST = {
    TEST(test_escape_sequences_are_neutralised),
    TEST(test_utf8_width_and_clipping),
    TEST(test_ascii_mode),
    TEST(test_right_align_blit_and_attrs),
    TEST_END,
};
