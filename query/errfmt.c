/* query/errfmt.c — query error display with a caret (see errfmt.h). The
 * message and the query's line go out through the terminal sanitiser
 * (common/termsafe.h): a query file, or a name from the data in a
 * message, may hold control characters; the caret counts each escape's
 * width. */
#include "query/errfmt.h"
#include "common/termsafe.h"

#include <string.h>

#define WINDOW 160

static void print_at(FILE *f, const char *text, const obs_err_t *err);

void query_error_print(FILE *f, const char *text, const obs_err_t *err)
{
    fputs("error: ", f);
    termsafe_fwrite(f, err->msg, strlen(err->msg), 0);
    fputc('\n', f);
    print_at(f, text, err);
}

void query_note_print(FILE *f, const char *text, const obs_err_t *note)
{
    fputs("note: ", f);
    termsafe_fwrite(f, note->msg, strlen(note->msg), 0);
    fputc('\n', f);
    print_at(f, text, note);
}

/* The line of text that err points into, and a caret under its column. */
static void print_at(FILE *f, const char *text, const obs_err_t *err)
{
    if (err->line <= 0 || !text)
        return;
    /* find the line */
    const char *l = text;
    for (int n = 1; n < err->line; n++) {
        const char *nl = strchr(l, '\n');
        if (!nl)
            return;
        l = nl + 1;
    }
    size_t len = strcspn(l, "\n");
    if (len && l[len - 1] == '\r')
        len--;
    size_t col = err->col > 0 ? (size_t)err->col - 1 : 0;  /* byte offset in the line */
    if (col > len)
        col = len;
    size_t from = 0, to = len;
    if (len > WINDOW) {
        from = col > WINDOW / 2 ? col - WINDOW / 2 : 0;
        to = from + WINDOW < len ? from + WINDOW : len;
        /* do not start or end inside a UTF-8 sequence */
        while (from > 0 && ((unsigned char)l[from] & 0xC0) == 0x80)
            from--;
        while (to < len && ((unsigned char)l[to] & 0xC0) == 0x80)
            to++;
    }
    fputs("  ", f);
    if (from > 0)
        fputs("...", f);
    termsafe_fwrite(f, l + from, to - from, TERMSAFE_KEEP_TAB);
    if (to < len)
        fputs("...", f);
    fputs("\n  ", f);
    if (from > 0)
        fputs("   ", f);
    for (size_t i = from; i < col;) {
        char esc[TERMSAFE_ESC_MAX];
        size_t n = termsafe_unit(l + i, len - i, TERMSAFE_KEEP_TAB, esc);
        if (l[i] == '\t')
            fputc('\t', f);
        else
            fprintf(f, "%*s", esc[0] ? (int)strlen(esc) : 1, "");
        i += n;
    }
    fputs("^\n", f);
    if (err->line > 1 || strchr(text, '\n'))
        fprintf(f, "  (line %d, column %d)\n", err->line, err->col);
}
