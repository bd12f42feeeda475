/* agent/import.c — the --once import (see import.h): collects files, then
 * reads each from its checkpoint. A checkpoint is trusted when the file has
 * the same (device, inode) and its first bytes hash to the same fingerprint;
 * otherwise the file is read from the start. */
#include "import.h"
#include "pathmap.h"
#include "../common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FINGERPRINT_MAX 1024
#define MAX_DEPTH 32

typedef struct file_entry {
    char *path;
    char *root;      /* directory argument it was found under, or NULL */
    int64_t size;
} file_entry_t;

typedef struct file_list {
    file_entry_t *v;
    int n, cap;
    int skipped;
} file_list_t;

typedef struct progress {
    int on;
    int64_t total_bytes, done_bytes;
    struct timespec start, last;
    int file_no, nfiles;
} progress_t;

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress_draw(progress_t *pg, const pipeline_stats_t *s, int force)
{
    if (!pg->on || (!force && since(&pg->last) < 0.25))
        return;
    clock_gettime(CLOCK_MONOTONIC, &pg->last);
    double el = since(&pg->start);
    double pct = pg->total_bytes > 0 ? 100.0 * (double)pg->done_bytes / (double)pg->total_bytes : 0;
    fprintf(stderr, "\r\033[K  importing file %d/%d  %.1f/%.1f MB (%.0f%%)  %lld lines  %.0f lines/s",
            pg->file_no, pg->nfiles, (double)pg->done_bytes / 1e6, (double)pg->total_bytes / 1e6, pct,
            (long long)s->lines, el > 0 ? (double)s->lines / el : 0.0);
}

static void progress_clear(progress_t *pg)
{
    if (pg->on)
        fprintf(stderr, "\r\033[K");
}

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

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The store and its -wal/-shm files are never read as logs. */
static int is_store_file(const char *db_path, const struct stat *sb)
{
    static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
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

static int walk(file_list_t *fl, const char *dir, const char *root, const char *db_path, int depth,
                obs_err_t *err)
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
    qsort(names, (size_t)n, sizeof *names, cmp_name);
    for (int i = 0; i < n && !rc; i++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &sb) != 0)
            continue;  /* vanished or a dangling link */
        if (S_ISDIR(sb.st_mode)) {
            if (depth < MAX_DEPTH)
                rc = walk(fl, path, root, db_path, depth + 1, err);
        } else if (S_ISREG(sb.st_mode) && !is_store_file(db_path, &sb)) {
            if (archive_name(names[i]))
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

static int fingerprint(int fd, int64_t len, uint64_t *out)
{
    unsigned char buf[FINGERPRINT_MAX];
    ssize_t n = pread(fd, buf, (size_t)len, 0);
    if (n != (ssize_t)len)
        return -1;
    *out = fnv1a(buf, (size_t)n);
    return 0;
}

typedef struct reader_ctx {
    store_t *st;
    pipeline_t *pl;
    pipeline_stream_t *ps;
    const char *ckpt_path;   /* NULL for stdin */
    store_source_t src;
    progress_t *pg;
} reader_ctx_t;

static int checkpoint(reader_ctx_t *c, int64_t offset, obs_err_t *err)
{
    int rc = pipeline_sync(c->pl, err);
    if (!rc && c->ckpt_path) {
        c->src.offset = offset;
        rc = store_source_put(c->st, c->ckpt_path, &c->src, err);
    }
    return rc ? rc : store_maybe_commit(c->st, err);
}

/* Read fd from its current position to EOF through the pipeline. */
static int read_to_end(reader_ctx_t *c, int fd, int64_t start, size_t max_line, const char *name,
                       obs_err_t *err)
{
    line_reader_t lr;
    line_t line;
    int rc = 0, eof = 0;

    line_reader_init(&lr, max_line);
    while (!eof && !rc) {
        size_t avail;
        char *space = line_reader_space(&lr, &avail);
        ssize_t n = read(fd, space, avail);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = obs_err_set(err, OBS_EIO, "reading %s: %s", name, strerror(errno));
            break;
        }
        eof = n == 0;
        line_reader_added(&lr, (size_t)n);
        int64_t before = lr.consumed;
        while (!rc && line_reader_next(&lr, &line, eof)) {
            rc = pipeline_line(c->pl, c->ps, &line, (size_t)(lr.consumed - before), err);
            before = lr.consumed;
        }
        if (!rc)
            rc = checkpoint(c, start + lr.consumed, err);
        if (c->pg) {
            c->pg->done_bytes += n;
            progress_draw(c->pg, pipeline_stats(c->pl), 0);
        }
    }
    line_reader_done(&lr);
    return rc;
}

static int open_stream(reader_ctx_t *c, const import_opts_t *o, const pathmap_t *pm, obs_err_t *err)
{
    char group[400];
    const char *fn = o->function ? o->function : pm->function;
    if (o->log_group)
        snprintf(group, sizeof group, "%s", o->log_group);
    else
        pathmap_log_group(fn, group, sizeof group);
    return pipeline_stream_open(c->pl, fn, group, o->stream ? o->stream : pm->stream, &c->ps, err);
}

/* Returns 0, a store error (stop), or 1 when this file could not be read. */
static int import_file(reader_ctx_t *c, const import_opts_t *o, const file_entry_t *f,
                       import_report_t *rep, obs_err_t *err)
{
    struct stat sb;
    store_source_t old;
    pathmap_t pm;
    int found, rc;
    int64_t start = 0;

    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &sb) != 0) {
        fprintf(stderr, "obsagent: cannot read %s: %s\n", f->path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return 1;
    }
    memset(&c->src, 0, sizeof c->src);
    c->src.dev = (int64_t)sb.st_dev;
    c->src.ino = (int64_t)sb.st_ino;
    c->src.fingerprint_len = sb.st_size < FINGERPRINT_MAX ? (int64_t)sb.st_size : FINGERPRINT_MAX;
    if (fingerprint(fd, c->src.fingerprint_len, &c->src.fingerprint) != 0) {
        fprintf(stderr, "obsagent: cannot read %s: %s\n", f->path, strerror(errno));
        close(fd);
        return 1;
    }
    if ((rc = store_source_get(c->st, f->path, &old, &found, err)))
        goto out;
    if (found) {
        uint64_t fp;
        int same = old.dev == c->src.dev && old.ino == c->src.ino && old.offset <= sb.st_size &&
                   old.fingerprint_len <= sb.st_size &&
                   fingerprint(fd, old.fingerprint_len, &fp) == 0 && fp == old.fingerprint;
        if (same && old.offset == sb.st_size) {
            rep->files_unchanged++;
            if (c->pg)
                c->pg->done_bytes += sb.st_size;
            goto out;
        }
        if (same)
            start = old.offset;
        else
            rep->files_replaced++;
    }
    if (pathmap_derive(f->root, f->path, &pm) != 0) {
        fprintf(stderr, "obsagent: cannot name a function and stream after %s; use --function/--stream\n",
                f->path);
        rc = 1;
        goto out;
    }
    if ((rc = open_stream(c, o, &pm, err)))
        goto out;
    c->src.stream_id = pipeline_stream_id(c->ps);
    c->ckpt_path = f->path;
    if (lseek(fd, start, SEEK_SET) != start) {
        rc = obs_err_set(err, OBS_EIO, "seeking in %s: %s", f->path, strerror(errno));
        goto out;
    }
    if (c->pg)
        c->pg->done_bytes += start;
    rep->files_read++;
    rc = read_to_end(c, fd, start, o->max_line, f->path, err);
out:
    close(fd);
    return rc;
}

static int import_stdin(reader_ctx_t *c, const import_opts_t *o, import_report_t *rep, obs_err_t *err)
{
    pathmap_t pm;
    snprintf(pm.function, sizeof pm.function, "%s", "stdin");
    snprintf(pm.stream, sizeof pm.stream, "%s", "stdin");
    int rc = open_stream(c, o, &pm, err);
    if (rc)
        return rc;
    c->ckpt_path = NULL;
    rep->files_read++;
    return read_to_end(c, STDIN_FILENO, 0, o->max_line, "standard input", err);
}

static void list_free(file_list_t *fl)
{
    for (int i = 0; i < fl->n; i++) {
        free(fl->v[i].path);
        free(fl->v[i].root);
    }
    free(fl->v);
}

/* Expand the arguments into files; a missing argument is an error before
 * anything is imported. */
static int collect(file_list_t *fl, const import_opts_t *o, char *const *paths, int npaths,
                   int *use_stdin, obs_err_t *err)
{
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
            int rc = walk(fl, root, root, o->db_path, 0, err);
            if (rc)
                return rc;
        } else if (is_store_file(o->db_path, &sb)) {
            return obs_err_set(err, OBS_EINVAL, "%s is the store itself, not a log file", paths[i]);
        } else {
            list_add(fl, paths[i], NULL, (int64_t)sb.st_size);
        }
    }
    return 0;
}

int import_paths(store_t *st, pipeline_t *pl, const import_opts_t *o, char *const *paths, int npaths,
                 import_report_t *rep, obs_err_t *err)
{
    file_list_t fl = { 0 };
    progress_t pg = { 0 };
    reader_ctx_t c = { 0 };
    int use_stdin = 0, rc;

    memset(rep, 0, sizeof *rep);
    clock_gettime(CLOCK_MONOTONIC, &pg.start);
    if ((rc = collect(&fl, o, paths, npaths, &use_stdin, err)))
        goto out;
    rep->files_found = fl.n;
    rep->files_skipped = fl.skipped;
    pg.on = o->progress && isatty(STDERR_FILENO);
    pg.nfiles = fl.n;
    for (int i = 0; i < fl.n; i++)
        pg.total_bytes += fl.v[i].size;
    c.st = st;
    c.pl = pl;
    c.pg = &pg;
    for (int i = 0; i < fl.n && rc <= 0; i++) {
        pg.file_no = i + 1;
        rc = import_file(&c, o, &fl.v[i], rep, err);
        if (rc == 1) {
            rep->files_failed++;
            rc = 0;
        }
        if (rc)
            goto out;
    }
    if (use_stdin && (rc = import_stdin(&c, o, rep, err)))
        goto out;
    rc = store_commit(st, err);
out:
    progress_draw(&pg, pipeline_stats(pl), 1);
    progress_clear(&pg);
    rep->seconds = since(&pg.start);
    list_free(&fl);
    return rc;
}
