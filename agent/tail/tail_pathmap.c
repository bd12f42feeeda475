/* agent/tail/tail_pathmap.c — function and stream names from a file path (see tail_int.h). */
#include "agent/tail/tail_int.h"

#include <stdio.h>
#include <string.h>

static const char *const extensions[] = { ".log", ".txt", ".out", ".jsonl", ".json" };

static size_t strip_ext(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
        size_t el = strlen(extensions[i]);
        if (len > el && memcmp(s + len - el, extensions[i], el) == 0)
            return len - el;
    }
    return len;
}

static int copy(char *dst, size_t size, const char *src, size_t len)
{
    if (len == 0 || len >= size)
        return -1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

/* Path relative to root with leading "./" and '/' removed, or NULL. */
static const char *relative(const char *root, const char *path)
{
    size_t rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    if (strncmp(path, root, rl) != 0 || (path[rl] != '/' && !(rl == 1 && root[0] == '/')))
        return NULL;
    const char *rel = path + rl;
    while (*rel == '/')
        rel++;
    return *rel ? rel : NULL;
}

int pathmap_derive(const char *root, const char *path, pathmap_t *out)
{
    const char *rel = root ? relative(root, path) : NULL;
    memset(out, 0, sizeof *out);
    if (rel) {
        const char *slash = strchr(rel, '/');
        if (slash) {
            const char *stream = slash + 1;
            while (*stream == '/')
                stream++;
            if (copy(out->function, sizeof out->function, rel, (size_t)(slash - rel)) ||
                copy(out->stream, sizeof out->stream, stream, strip_ext(stream, strlen(stream))))
                return -1;
            return 0;
        }
        size_t n = strip_ext(rel, strlen(rel));
        if (copy(out->function, sizeof out->function, rel, n) ||
            copy(out->stream, sizeof out->stream, rel, n))
            return -1;
        return 0;
    }
    /* A named file: function = its directory's name. */
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    const char *base = path;
    for (size_t i = 0; i < len; i++)
        if (path[i] == '/')
            base = path + i + 1;
    size_t blen = (size_t)(path + len - base);
    if (copy(out->stream, sizeof out->stream, base, strip_ext(base, blen)))
        return -1;
    if (base == path) {
        /* No directory part: the file name names the function too. */
        return copy(out->function, sizeof out->function, out->stream, strlen(out->stream));
    }
    const char *dir_end = base - 1;
    while (dir_end > path && *dir_end == '/')
        dir_end--;
    const char *dir = dir_end;
    while (dir > path && dir[-1] != '/')
        dir--;
    size_t dlen = (size_t)(dir_end - dir) + (*dir_end != '/');
    if (dlen == 0 || (dlen == 1 && *dir == '.') || (dlen == 2 && dir[0] == '.' && dir[1] == '.'))
        return copy(out->function, sizeof out->function, out->stream, strlen(out->stream));
    return copy(out->function, sizeof out->function, dir, dlen);
}

void pathmap_log_group(const char *function, char *out, size_t size)
{
    snprintf(out, size, "/aws/lambda/%s", function);
}
