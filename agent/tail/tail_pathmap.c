/* agent/tail/tail_pathmap.c — function and stream names from a file path
 * (see tail_int.h), and from the layout of a CloudWatch export to S3:
 * <prefix>/<export task id>/<log stream>/000000.gz, where the stream name
 * holds '/' ("2024/05/09/[$LATEST]abc") and each chunk is a file. */
#include "agent/tail/tail_int.h"

#include <stdio.h>
#include <string.h>

static const char *const extensions[] = { ".log", ".txt", ".out", ".jsonl", ".json", ".csv" };

static size_t strip_ext(const char *s, size_t len)
{
    if (len > 3 && memcmp(s + len - 3, ".gz", 3) == 0)
        len -= 3;
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

/* An export task id: a UUID, 8-4-4-4-12 hex digits, exactly p[0..n). */
static int task_id(const char *p, size_t n)
{
    if (n != 36)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        int hex = (p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') || (p[i] >= 'A' && p[i] <= 'F');
        if (dash ? p[i] != '-' : !hex)
            return 0;
    }
    return 1;
}

/* A CloudWatch export's chunk: "<digits>.gz". */
static int export_chunk(const char *p, size_t n)
{
    if (n < 4 || memcmp(p + n - 3, ".gz", 3) != 0)
        return 0;
    for (size_t i = 0; i < n - 3; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

/* path = ".../<function>/<task id>/<stream...>/<chunk>.gz": the names,
 * 1; else 0. Without a component before the task id, the function is
 * the task id's. */
static int export_layout(const char *path, pathmap_t *out)
{
    size_t len = strlen(path);
    const char *base = strrchr(path, '/');
    if (!base || !export_chunk(base + 1, len - (size_t)(base + 1 - path)))
        return 0;
    /* the last task id component with a stream between it and the chunk */
    const char *task = NULL, *task_end = NULL;
    for (const char *c = path; c < base;) {
        const char *e = memchr(c, '/', (size_t)(base - c));
        if (!e)
            e = base;
        if (task_id(c, (size_t)(e - c)) && e < base)
            task = c, task_end = e;
        c = e + 1;
    }
    if (!task)
        return 0;
    const char *stream = task_end + 1;
    while (*stream == '/')
        stream++;
    if (stream >= base || copy(out->stream, sizeof out->stream, stream, (size_t)(base - stream)))
        return 0;
    const char *fe = task;
    while (fe > path && fe[-1] == '/')
        fe--;
    const char *fb = fe;
    while (fb > path && fb[-1] != '/')
        fb--;
    if (fe > fb && !(fe - fb == 1 && *fb == '.') && !(fe - fb == 2 && fb[0] == '.' && fb[1] == '.'))
        return copy(out->function, sizeof out->function, fb, (size_t)(fe - fb)) == 0;
    return copy(out->function, sizeof out->function, task, (size_t)(task_end - task)) == 0;
}

int pathmap_derive(const char *root, const char *path, pathmap_t *out)
{
    memset(out, 0, sizeof *out);
    if (export_layout(path, out))
        return 0;
    memset(out, 0, sizeof *out);
    const char *rel = root ? relative(root, path) : NULL;
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
