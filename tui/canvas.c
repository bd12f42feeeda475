/* tui/canvas.c — the cell grid views draw into (canvas.h). */
#include "tui/canvas.h"
#include "common/termsafe.h"
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

/* One unit of s (len bytes left) as drawn: its bytes, and either the
 * visible form the terminal sanitiser gives it (common/termsafe.h: a
 * control, C1 or bidi control, a byte that is not UTF-8: "\\x1b", one
 * cell per character) or, for printable text, its columns: wcwidth, a tab
 * as one space, non-ASCII text as one '?' in ASCII mode. */
typedef struct unit {
    size_t n;                    /* bytes of s */
    char esc[TERMSAFE_ESC_MAX];  /* "" unless made visible */
    int w;                       /* columns */
    int question;                /* drawn as '?' (ASCII mode, or no width) */
} unit_t;

static unit_t unit_at(const canvas_t *c, const char *s, size_t len)
{
    unit_t u;
    u.question = 0;
    u.n = termsafe_unit(s, len, TERMSAFE_KEEP_TAB, u.esc);
    if (u.esc[0]) {
        u.w = (int)strlen(u.esc);
    } else if ((unsigned char)s[0] < 0x80) {
        u.w = 1;
    } else if (c->ascii) {
        u.w = 1;
        u.question = 1;
    } else {
        /* valid UTF-8 (termsafe_unit said so): its code point */
        const unsigned char *p = (const unsigned char *)s;
        uint32_t cp = u.n == 2 ? p[0] & 0x1Fu : u.n == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
        for (size_t k = 1; k < u.n; k++)
            cp = (cp << 6) | (p[k] & 0x3Fu);
        u.w = wcwidth((wchar_t)cp);
        if (u.w < 0) {  /* no width known (unassigned, or the C locale): one '?' */
            u.w = 1;
            u.question = 1;
        }
    }
    return u;   /* w 0: a combining mark, dropped; 2: wide */
}

int canvas_text(canvas_t *c, int y, int x, int maxw, int attr, const char *s, size_t len)
{
    if (y < 0 || y >= c->h || x >= c->w)
        return 0;
    int limit = maxw <= 0 || x + maxw > c->w ? c->w - x : maxw;
    int used = 0;
    size_t i = 0;
    while (i < len && used < limit) {
        unit_t u = unit_at(c, s + i, len - i);
        if (u.w == 0) {
            i += u.n;
            continue;
        }
        if (used + u.w > limit && !u.esc[0])
            break;
        canvas_cell_t *cell = &c->cells[y * c->w + x + used];
        if (u.esc[0]) {   /* as many of its characters as fit */
            int k = 0;
            for (; u.esc[k] && used < limit; k++, used++) {
                cell[k].glyph[0] = u.esc[k];
                cell[k].glyph[1] = '\0';
                cell[k].attr = (unsigned char)attr;
            }
            if (u.esc[k])
                break;
            i += u.n;
            continue;
        }
        if (s[i] == '\t' || u.question) {
            cell->glyph[0] = s[i] == '\t' ? ' ' : '?';
            cell->glyph[1] = '\0';
        } else {
            memcpy(cell->glyph, s + i, u.n);
            cell->glyph[u.n] = '\0';
        }
        cell->attr = (unsigned char)attr;
        if (u.w == 2) {
            cell[1].glyph[0] = '\0';
            cell[1].attr = (unsigned char)attr;
        }
        used += u.w;
        i += u.n;
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
    int used = 0;
    size_t i = 0;
    while (i < len) {
        unit_t u = unit_at(c, s + i, len - i);
        used += u.w;
        i += u.n;
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
