/* tui/canvas.h — a frame of text cells that views draw into and that is
 * then either painted on the terminal (term.c) or written out as plain text
 * (obstop --dump). Text put on it is made safe by the one terminal
 * sanitiser (common/termsafe.h): control characters, C1 and bidi controls
 * and invalid UTF-8 are drawn as their visible form (ESC as \x1b, a lone
 * 0x9b byte as \x9b, U+009B as \u009b), so log text can never drive the
 * terminal. */
#ifndef OBS_TUI_CANVAS_H
#define OBS_TUI_CANVAS_H

#include <stddef.h>
#include <stdio.h>

typedef enum canvas_attr {
    CA_NORMAL, CA_DIM, CA_BOLD, CA_TITLE, CA_HEADER, CA_SELECTED, CA_GOOD, CA_WARN,
    CA_BAD, CA_BAR, CA_KEY, CA__COUNT
} canvas_attr_t;

typedef struct canvas_cell {
    char glyph[5];           /* UTF-8, NUL-terminated; "" = right half of a wide glyph */
    unsigned char attr;      /* canvas_attr_t */
} canvas_cell_t;

typedef struct canvas {
    int w, h;
    int ascii;               /* draw ASCII stand-ins for block glyphs and non-ASCII text */
    canvas_cell_t *cells;
} canvas_t;

canvas_t *canvas_new(int w, int h, int ascii);
void canvas_free(canvas_t *c);
void canvas_clear(canvas_t *c);

/* Put len bytes of UTF-8 text at (y, x), at most maxw columns (<= 0: to the
 * right edge); returns the columns used. */
int canvas_text(canvas_t *c, int y, int x, int maxw, int attr, const char *s, size_t len);
int canvas_str(canvas_t *c, int y, int x, int maxw, int attr, const char *s);
int canvas_printf(canvas_t *c, int y, int x, int maxw, int attr, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Right-align s in the w columns ending before x + w. */
void canvas_rstr(canvas_t *c, int y, int x, int w, int attr, const char *s);
/* Give columns [x, x+w) of row y the attribute (a selection bar). */
void canvas_attr(canvas_t *c, int y, int x, int w, int attr);

/* Copy rows [top, top + h) of src (same width) into rows [y, y + h) of dst. */
void canvas_blit(canvas_t *dst, int y, int h, const canvas_t *src, int top);

/* Columns a UTF-8 string takes (as canvas_text would draw it). */
int canvas_width(const canvas_t *c, const char *s, size_t len);

/* The frame as plain text, one line per row, trailing spaces dropped. */
void canvas_write(const canvas_t *c, FILE *f);

#endif
