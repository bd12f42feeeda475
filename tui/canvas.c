/* tui/canvas.c — the cell grid views draw into (canvas.h). */
#include "tui/canvas.h"
#include "common/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

canvas_t *canvas_new(int w, int h, int ascii)
{
    canvas_t *c = xcalloc(1, sizeof *c);
    c->w = w > 0 ? w : 1;
    c->h = h > 0 ? h : 1;
    c->ascii = ascii;
    c->cells = xcalloc((size_t)c->w * (size_t)c->h, sizeof *c->cells);
    canvas_clear(c);
    return c;
}

void canvas_free(canvas_t *c)
{
    if (!c)
        return;
    free(c->cells);
    free(c);
}

void canvas_clear(canvas_t *c)
{
    for (int i = 0; i < c->w * c->h; i++) {
        c->cells[i].glyph[0] = ' ';
        c->cells[i].glyph[1] = '\0';
        c->cells[i].attr = CA_NORMAL;
    }
}

/* Decode one UTF-8 sequence at s (n bytes left): *cp and its length, or
 * length 1 with *cp = -1 when invalid (overlong, surrogate, cut). */
static size_t decode(const unsigned char *s, size_t n, int32_t *cp)
{
    int32_t v;
    size_t len;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) { len = 2; v = s[0] & 0x1F; }
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) { len = 3; v = s[0] & 0x0F; }
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) { len = 4; v = s[0] & 0x07; }
    else { *cp = -1; return 1; }
    if (len > n) { *cp = -1; return 1; }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) { *cp = -1; return 1; }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = -1;
        return 1;
    }
    *cp = v;
    return len;
}

/* Columns of a code point as drawn: control and C1 characters, invalid
 * bytes, and non-ASCII text in ASCII mode are drawn as one '?'. Block
 * glyphs are passed through (views choose ASCII stand-ins themselves). */
static int glyph_width(const canvas_t *c, int32_t cp, int *replace)
{
    *replace = 0;
    if (cp < 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || (c->ascii && cp >= 0x80)) {
        *replace = 1;
        return 1;
    }
    if (cp < 0x80)
        return 1;
    int w = wcwidth((wchar_t)cp);
    if (w < 0) {
        *replace = 1;
        return 1;
    }
    return w;   /* 0: a combining mark, dropped; 2: wide */
}

int canvas_text(canvas_t *c, int y, int x, int maxw, int attr, const char *s, size_t len)
{
    if (y < 0 || y >= c->h || x >= c->w)
        return 0;
    int limit = maxw <= 0 || x + maxw > c->w ? c->w - x : maxw;
    int used = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len && used < limit) {
        int32_t cp;
        size_t n = decode(p + i, len - i, &cp);
        int replace;
        int w = cp == '\t' ? 1 : glyph_width(c, cp, &replace);
        if (cp == '\t')
            replace = 0;
        if (w == 0) {
            i += n;
            continue;
        }
        if (used + w > limit)
            break;
        canvas_cell_t *cell = &c->cells[y * c->w + x + used];
        if (cp == '\t' || replace) {
            cell->glyph[0] = cp == '\t' ? ' ' : '?';
            cell->glyph[1] = '\0';
        } else {
            memcpy(cell->glyph, p + i, n);
            cell->glyph[n] = '\0';
        }
        cell->attr = (unsigned char)attr;
        if (w == 2) {
            cell[1].glyph[0] = '\0';
            cell[1].attr = (unsigned char)attr;
        }
        used += w;
        i += n;
    }
    return used;
}

int canvas_str(canvas_t *c, int y, int x, int maxw, int attr, const char *s)
{
    return canvas_text(c, y, x, maxw, attr, s, strlen(s));
}

int canvas_printf(canvas_t *c, int y, int x, int maxw, int attr, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return 0;
    return canvas_text(c, y, x, maxw, attr, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

int canvas_width(const canvas_t *c, const char *s, size_t len)
{
    int used = 0, replace;
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        i += decode((const unsigned char *)s + i, len - i, &cp);
        used += cp == '\t' ? 1 : glyph_width(c, cp, &replace);
    }
    return used;
}

void canvas_rstr(canvas_t *c, int y, int x, int w, int attr, const char *s)
{
    int sw = canvas_width(c, s, strlen(s));
    if (sw > w)
        sw = w;
    canvas_text(c, y, x + w - sw, sw, attr, s, strlen(s));
}

void canvas_attr(canvas_t *c, int y, int x, int w, int attr)
{
    if (y < 0 || y >= c->h)
        return;
    for (int i = x < 0 ? 0 : x; i < x + w && i < c->w; i++)
        c->cells[y * c->w + i].attr = (unsigned char)attr;
}

void canvas_blit(canvas_t *dst, int y, int h, const canvas_t *src, int top)
{
    int w = dst->w < src->w ? dst->w : src->w;
    for (int r = 0; r < h && y + r < dst->h && top + r < src->h; r++)
        if (top + r >= 0 && y + r >= 0)
            memcpy(&dst->cells[(y + r) * dst->w], &src->cells[(top + r) * src->w],
                   (size_t)w * sizeof *dst->cells);
}

void canvas_write(const canvas_t *c, FILE *f)
{
    for (int y = 0; y < c->h; y++) {
        int end = c->w;
        while (end > 0 && strcmp(c->cells[y * c->w + end - 1].glyph, " ") == 0)
            end--;
        for (int x = 0; x < end; x++)
            fputs(c->cells[y * c->w + x].glyph, f);
        fputc('\n', f);
    }
}
