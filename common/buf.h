/* common/buf.h — a growable text buffer. A zeroed buf_t is empty; after
 * any append, p is NUL-terminated. Appends never fail (allocation aborts,
 * see xalloc.h). */
#ifndef OBS_BUF_H
#define OBS_BUF_H

#include "common/obs.h"

#include <stddef.h>

typedef struct buf {
    char *p;        /* owned; NULL until the first append */
    size_t len, cap;
} buf_t;

void buf_put(buf_t *b, const void *s, size_t n);
void buf_cat(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) OBS_PRINTF(2, 3);

/* Hand the text to the caller (never NULL: "" when empty); b is empty after. */
char *buf_take(buf_t *b);
/* Release the text; b is empty after. */
void buf_free(buf_t *b);

#endif
