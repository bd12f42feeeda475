/* agent/tail/tail_dirs.c — the directories the tail looks into (see
 * tail_int.h): a path split into its directory and name, a directory's
 * names sorted, kept between looks while the directory does not change
 * (tail_listings_t), and a regular file opened by name or found by its
 * identity under any name. A leaf of agent/tail/: no store, no pipeline. */
#include "agent/tail/tail_int.h"
#include "common/clock.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void tail__split(const char *path, char *dir, size_t n, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, n, ".");
        *base = path;
    } else {
        snprintf(dir, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
        *base = slash + 1;
    }
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted (NULL-terminated; free with free_names). */
char **tail__list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **v = NULL;
    int n = 0, cap = 0;
    if (!d)
        return NULL;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n + 1 >= cap) {
            cap = cap ? cap * 2 : 16;
            v = xrealloc(v, (size_t)cap * sizeof *v);
        }
        v[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (!v)
        v = xcalloc(1, sizeof *v);
    v[n] = NULL;
    if (n > 1)
        qsort(v, (size_t)n, sizeof *v, cmp_name);
    return v;
}

void tail__free_names(char **v)
{
    for (int i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* Open the regular file dir/name; -1 when it is not one. */
int tail__open_reg(const char *dir, const char *name, char **path_out, struct stat *sb)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 || fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
        if (fd >= 0)
            close(fd);
        free(p);
        return -1;
    }
    *path_out = p;
    return fd;
}

/* The file of identity (dev, ino) in dir, under any name: open, or -1. */
int tail__open_by_identity(const char *dir, int64_t dev, int64_t ino, char **path_out, struct stat *sb)
{
    char **names = tail__list_dir(dir);
    int fd = -1;
    for (int i = 0; fd < 0 && names && names[i]; i++) {
        char p[PATH_MAX + 256];
        struct stat s;
        snprintf(p, sizeof p, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, names[i]);
        if (stat(p, &s) == 0 && S_ISREG(s.st_mode) && (int64_t)s.st_dev == dev && (int64_t)s.st_ino == ino)
            fd = tail__open_reg(dir, names[i], path_out, sb);
    }
    tail__free_names(names);
    return fd;
}

int tail__open_identity(const char *path, int64_t dev, int64_t ino, char **path_out, struct stat *sb)
{
    char dir[PATH_MAX];
    const char *base;
    tail__split(path, dir, sizeof dir, &base);
    return tail__open_by_identity(dir, dev, ino, path_out, sb);
}

/* A directory listed. Listed again when the directory's mtime is not the
 * one it had then, or was less than 100 ms before the listing (a change in
 * the same clock tick leaves the mtime as it was). */
typedef struct listing {
    char dir[PATH_MAX];
    char **names;
    int n;
    struct timespec mtime;
    int64_t taken_ms;   /* wall clock */
} listing_t;

struct tail_listings {
    listing_t v[TAIL_LISTINGS];
    int next;   /* the one replaced next */
};

static char **relisted(listing_t *ls, const char *dir, int *n)
{
    struct stat sb;
    int have = stat(dir, &sb) == 0;
    int64_t m = have ? (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000 : 0;
    if (!ls->names || strcmp(ls->dir, dir) != 0 || !have || sb.st_mtim.tv_sec != ls->mtime.tv_sec ||
        sb.st_mtim.tv_nsec != ls->mtime.tv_nsec || ls->taken_ms - m < 100) {
        tail__free_names(ls->names);
        snprintf(ls->dir, sizeof ls->dir, "%s", dir);
        ls->mtime = have ? sb.st_mtim : (struct timespec){ 0, 0 };
        ls->taken_ms = obs_wall_ms();
        ls->names = tail__list_dir(dir);
        ls->n = 0;
        while (ls->names && ls->names[ls->n])
            ls->n++;
    }
    *n = ls->n;
    return ls->names;
}

tail_listings_t *tail__listings_new(void)
{
    return xcalloc(1, sizeof(tail_listings_t));
}

void tail__listings_free(tail_listings_t *ls)
{
    if (!ls)
        return;
    for (int i = 0; i < TAIL_LISTINGS; i++)
        tail__free_names(ls->v[i].names);
    free(ls);
}

/* The listing of dir kept in ls (the oldest one taken over when it has none). */
static listing_t *listing_of(tail_listings_t *ls, const char *dir)
{
    for (int i = 0; i < TAIL_LISTINGS; i++)
        if (ls->v[i].names && strcmp(ls->v[i].dir, dir) == 0)
            return &ls->v[i];
    listing_t *l = &ls->v[ls->next];
    ls->next = (ls->next + 1) % TAIL_LISTINGS;
    tail__free_names(l->names);
    l->names = NULL;
    return l;
}

char **tail__listed(tail_listings_t *ls, const char *dir, int *n)
{
    return relisted(listing_of(ls, dir), dir, n);
}
