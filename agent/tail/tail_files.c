/* agent/tail/tail_files.c — finding log files and fingerprinting them (see tail_int.h). */
#include "agent/tail/tail_int.h"
#include "common/obs.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DEPTH 32

static int archive_name(const char *name)
{
    static const char *const ext[] = { ".gz", ".bz2", ".xz", ".zst", ".zip", ".lz4", ".tgz" };
    size_t n = strlen(name);
    for (size_t i = 0; i < OBS_ARRAY_LEN(ext); i++) {
        size_t el = strlen(ext[i]);
        if (n > el && strcmp(name + n - el, ext[i]) == 0)
            return 1;
    }
    return 0;
}

/* app.log.1, app.log.2.gz, app.1.log: a rotated copy, read (or not) under
 * its original name already. */
static int rotated_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (int k = 0; k < 2 && dot && dot > name; k++) {
        const char *q = dot + 1;
        int digits = *q != '\0';
        for (; *q; q++)
            digits &= *q >= '0' && *q <= '9';
        if (digits)
            return 1;
        /* one more part before it: app.1.log */
        const char *prev = dot - 1;
        while (prev > name && *prev != '.')
            prev--;
        if (*prev != '.')
            break;
        char part[32];
        size_t n = (size_t)(dot - prev - 1);
        if (n == 0 || n >= sizeof part)
            break;
        memcpy(part, prev + 1, n);
        part[n] = '\0';
        digits = 1;
        for (size_t i = 0; i < n; i++)
            digits &= part[i] >= '0' && part[i] <= '9';
        return digits;
    }
    return 0;
}

int files_ignored_name(const char *name)
{
    return archive_name(name) || rotated_name(name);
}

static int excluded(const files_filter_t *ff, const char *path, const char *name)
{
    for (int i = 0; i < ff->nexclude; i++)
        if (fnmatch(ff->exclude[i], path, 0) == 0 || fnmatch(ff->exclude[i], name, 0) == 0)
            return 1;
    return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The store, its -wal/-shm files and the agent's state file are never read
 * as logs. */
static int is_store_file(const char *db_path, const struct stat *sb)
{
    static const char *const suffix[] = { "", "-wal", "-shm", "-journal", "-agent", "-agent.tmp", "-lock" };
    char p[4096];
    struct stat ds;
    for (size_t i = 0; db_path && i < OBS_ARRAY_LEN(suffix); i++) {
        snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
        if (stat(p, &ds) == 0 && same_file(&ds, sb))
            return 1;
    }
    return 0;
}

static void list_add(file_list_t *fl, const char *path, const char *root, int64_t size)
{
    if (fl->n == fl->cap) {
        fl->cap = fl->cap ? fl->cap * 2 : 64;
        fl->v = xrealloc(fl->v, (size_t)fl->cap * sizeof *fl->v);
    }
    fl->v[fl->n].path = xstrdup(path);
    fl->v[fl->n].root = root ? xstrdup(root) : NULL;
    fl->v[fl->n].size = size;
    fl->n++;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(file_list_t *fl, const char *dir, const char *root, const files_filter_t *ff,
                int depth, obs_err_t *err)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    int n = 0, cap = 0, rc = 0;
    struct dirent *e;

    if (!d)
        return obs_err_set(err, OBS_EIO, "cannot read directory %s: %s", dir, strerror(errno));
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;  /* hidden files, . and .. */
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = xrealloc(names, (size_t)cap * sizeof *names);
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 0)  /* qsort(NULL, 0) is undefined */
        qsort(names, (size_t)n, sizeof *names, cmp_name);
    for (int i = 0; i < n && !rc; i++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &sb) != 0)
            continue;  /* vanished or a dangling link */
        if (S_ISDIR(sb.st_mode)) {
            if (depth < MAX_DEPTH)
                rc = walk(fl, path, root, ff, depth + 1, err);
        } else if (S_ISREG(sb.st_mode) && !is_store_file(ff->db_path, &sb)) {
            if (files_ignored_name(names[i]) || excluded(ff, path, names[i]))
                fl->skipped++;
            else
                list_add(fl, path, root, (int64_t)sb.st_size);
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

int files_fingerprint(int fd, int64_t len, uint64_t *out)
{
    unsigned char buf[FILES_FINGERPRINT_MAX];
    ssize_t n = pread(fd, buf, (size_t)len, 0);
    if (n != (ssize_t)len)
        return -1;
    *out = fnv1a(buf, (size_t)n);
    return 0;
}

int files_same_start(int fd, int64_t len, uint64_t fp)
{
    uint64_t got;
    return len == 0 || (files_fingerprint(fd, len, &got) == 0 && got == fp);
}

int64_t files_mtime_ms(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000 + sb->st_mtim.tv_nsec / 1000000;
}

void files_list_free(file_list_t *fl)
{
    for (int i = 0; i < fl->n; i++) {
        free(fl->v[i].path);
        free(fl->v[i].root);
    }
    free(fl->v);
}

/* Expand the arguments into files; a missing argument is an error before
 * anything is imported. */
int files_collect(file_list_t *fl, const char *db_path, char *const *paths, int npaths,
                  int *use_stdin, obs_err_t *err)
{
    files_filter_t ff = { db_path, NULL, 0 };
    for (int i = 0; i < npaths; i++) {
        struct stat sb;
        if (strcmp(paths[i], "-") == 0) {
            *use_stdin = 1;
            continue;
        }
        if (stat(paths[i], &sb) != 0)
            return obs_err_set(err, OBS_EIO, "%s: %s", paths[i], strerror(errno));
        if (S_ISDIR(sb.st_mode)) {
            char root[4096];
            size_t n = strlen(paths[i]);
            while (n > 1 && paths[i][n - 1] == '/')
                n--;
            snprintf(root, sizeof root, "%.*s", (int)n, paths[i]);
            int rc = walk(fl, root, root, &ff, 0, err);
            if (rc)
                return rc;
        } else if (is_store_file(db_path, &sb)) {
            return obs_err_set(err, OBS_EINVAL, "%s is the store itself, not a log file", paths[i]);
        } else {
            list_add(fl, paths[i], NULL, (int64_t)sb.st_size);
        }
    }
    return 0;
}


static void scan_one(file_list_t *fl, const files_filter_t *ff, const char *path, int from_glob)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return;  /* not there (yet) */
    if (S_ISDIR(sb.st_mode)) {
        char root[4096];
        size_t n = strlen(path);
        while (n > 1 && path[n - 1] == '/')
            n--;
        snprintf(root, sizeof root, "%.*s", (int)n, path);
        walk(fl, root, root, ff, 0, NULL);
    } else if (S_ISREG(sb.st_mode) && !is_store_file(ff->db_path, &sb)) {
        const char *name = strrchr(path, '/');
        name = name ? name + 1 : path;
        /* a file named on the command line is read whatever its name; one a
         * glob matched is filtered like a directory's */
        if (from_glob && (files_ignored_name(name) || excluded(ff, path, name)))
            fl->skipped++;
        else
            list_add(fl, path, NULL, (int64_t)sb.st_size);
    }
}

int files_scan(file_list_t *fl, const files_filter_t *ff, char *const *paths, int npaths)
{
    for (int i = 0; i < npaths; i++) {
        if (strcmp(paths[i], "-") == 0)
            continue;
        if (strpbrk(paths[i], "*?[")) {
            /* a quoted glob: expanded at every scan, so files that start to
             * match later are picked up (the shell expands only once) */
            glob_t g;
            if (glob(paths[i], 0, NULL, &g) == 0) {
                for (size_t k = 0; k < g.gl_pathc; k++)
                    scan_one(fl, ff, g.gl_pathv[k], 1);
                globfree(&g);
            }
            continue;
        }
        scan_one(fl, ff, paths[i], 0);
    }
    return 0;
}
