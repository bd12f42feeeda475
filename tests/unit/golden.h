/* tests/unit/golden.h — what the golden-file tests share: reading a file
 * whole, and the escapes their lines use (\t for a TAB, \n for a newline,
 * \\ for a backslash). Run the tests from the repository root. */
#ifndef OBS_TEST_GOLDEN_H
#define OBS_TEST_GOLDEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file, NUL-terminated (*len its length), or NULL. Caller frees. */
static inline char *golden_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap);
    while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            b = realloc(b, cap *= 2);
    }
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = n;
    return b;
}

/* s[0..n) with its escapes replaced, into a new string (*out_len bytes). */
static inline char *golden_unescape(const char *s, size_t n, size_t *out_len)
{
    char *o = malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 't' || s[i + 1] == 'n' || s[i + 1] == '\\')) {
            o[k++] = s[i + 1] == 't' ? '\t' : s[i + 1] == 'n' ? '\n' : '\\';
            i++;
        } else {
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    *out_len = k;
    return o;
}

/* Append p[0..n) escaped to the buffer at *o (room for 2n more bytes). */
static inline void golden_escape(char **o, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\t' || p[i] == '\n' || p[i] == '\\') {
            *(*o)++ = '\\';
            *(*o)++ = p[i] == '\t' ? 't' : p[i] == '\n' ? 'n' : '\\';
        } else {
            *(*o)++ = p[i];
        }
    }
}

#endif
