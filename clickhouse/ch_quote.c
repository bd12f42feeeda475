/* clickhouse/ch_quote.c — literals and identifiers written into
 * ClickHouse SQL (see ch.h). ClickHouse 18.16 has no bound parameters over
 * HTTP, so every literal a query or the forwarder sends is quoted here, and
 * only here: a backslash escape for the quote, the backslash and every
 * control byte, so that no input can end the literal early. */
#include "clickhouse/ch.h"

#include <stdio.h>

void ch_quote(buf_t *b, const char *s, size_t n)
{
    buf_putc(b, '\'');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\'' || c == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
        } else if (c < 0x20 || c == 0x7f) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\x%02X", c);
            buf_cat(b, esc);
        } else {
            buf_putc(b, (char)c);
        }
    }
    buf_putc(b, '\'');
}

void ch_quote_ident(buf_t *b, const char *s)
{
    buf_putc(b, '`');
    for (; *s; s++) {
        if (*s == '`' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '`');
}
