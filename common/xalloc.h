/* common/xalloc.h — allocation that never returns NULL: on failure it runs
 * the registered fatal hook (e.g. restore the terminal) and aborts. */
#ifndef OBS_XALLOC_H
#define OBS_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Called once before abort() on allocation failure. */
void xalloc_set_fatal_hook(void (*hook)(void));

#endif
