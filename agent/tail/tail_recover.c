/* agent/tail/tail_recover.c — follow mode at start: the files rotated away
 * while the agent was not running. Every checkpointed file whose path names
 * another file, or none, is looked for by (device, inode) in its directory,
 * under any name (app.log.1 included), and read to its end; checkpoints of
 * files that are gone are dropped (counted, said). And, while running, the
 * rotated siblings of a live file that a scan finds (live_siblings). */
#include "agent/tail/tail_int.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct known {
    int64_t dev, ino;
} known_t;

typedef struct plain_row {
    char *path;
    store_source_t src;
} plain_row_t;

typedef struct recovery {
    follower_t *f;
    char *const *paths;
    int npaths;
    obs_err_t *err;
    char **drop;           /* checkpoints of files that are gone */
    int ndrop;
    known_t *known;        /* every checkpointed identity */
    int nknown;
    plain_row_t *plain;    /* checkpoints kept under a plain path */
    int nplain;
} recovery_t;

static int ours(const recovery_t *r, const char *path);

/* The directory argument a path was found under (for its function name). */
static const char *root_of(const recovery_t *r, const char *path)
{
    for (int i = 0; i < r->npaths; i++) {
        size_t n = strlen(r->paths[i]);
        while (n > 1 && r->paths[i][n - 1] == '/')
            n--;
        if (strncmp(path, r->paths[i], n) == 0 && path[n] == '/')
            return r->paths[i];
    }
    return NULL;
}

/* Is the path under one of this run's arguments, one of them, or matched
 * by one of its globs? */
static int ours(const recovery_t *r, const char *path)
{
    if (root_of(r, path))
        return 1;
    for (int i = 0; i < r->npaths; i++)
        if (strcmp(r->paths[i], path) == 0 ||
            (strpbrk(r->paths[i], "*?[") && fnmatch(r->paths[i], path, FNM_PATHNAME) == 0))
            return 1;
    return 0;
}

/* Open the file of that identity in dir, under any name; -1 when none. */
static int open_by_identity(const char *dir, int64_t dev, int64_t ino, struct stat *out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int fd = -1;
    if (!d)
        return -1;
    while (fd < 0 && (e = readdir(d))) {
        char p[4096 + 260];
        struct stat sb;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && (int64_t)sb.st_dev == dev &&
            (int64_t)sb.st_ino == ino) {
            fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
            if (fd >= 0 && fstat(fd, out) != 0) {
                close(fd);
                fd = -1;
            }
        }
    }
    closedir(d);
    return fd;
}

/* Every checkpoint's identity is known; plain-path rows are the paths whose
 * rotated siblings recover_siblings looks at. */
static void note_row(recovery_t *r, const char *key, const store_source_t *src)
{
    r->known = xrealloc(r->known, (size_t)(r->nknown + 1) * sizeof *r->known);
    r->known[r->nknown].dev = src->dev;
    r->known[r->nknown++].ino = src->ino;
    if (!strchr(key, '\x1f')) {
        r->plain = xrealloc(r->plain, (size_t)(r->nplain + 1) * sizeof *r->plain);
        r->plain[r->nplain].path = xstrdup(key);
        r->plain[r->nplain++].src = *src;
    }
}

static int recover_one(void *ctx, const char *key, const store_source_t *src)
{
    recovery_t *r = ctx;
    char path[4096];
    struct stat sb;
    const char *sep = strchr(key, '\x1f');
    snprintf(path, sizeof path, "%.*s", sep ? (int)(sep - key) : (int)strlen(key), key);
    if (!sep && stat(path, &sb) == 0 && (int64_t)sb.st_dev == src->dev &&
        (int64_t)sb.st_ino == src->ino)
        return 0;  /* still under its name: the normal scan resumes it */
    if (!ours(r, path))
        return 0;  /* another run's checkpoint (another directory) */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open_by_identity(dir, src->dev, src->ino, &sb);
    if (fd < 0 || src->offset > (int64_t)sb.st_size || !files_same_start(fd, src->fingerprint_len, src->fingerprint)) {
        if (fd >= 0)
            close(fd);
        if (!sep && src->offset > 0) {
            obs_log(OBS_LOG_WARN, "%s was replaced and its earlier file is gone: lines after its checkpoint "
                    "may be lost", path);
            store_counter_add(r->f->st, "files_missed", 1);
        }
        if (sep) {
            r->drop = xrealloc(r->drop, (size_t)(r->ndrop + 1) * sizeof *r->drop);
            r->drop[r->ndrop++] = xstrdup(key);
        }
        return 0;
    }
    if (src->offset == (int64_t)sb.st_size && sep) {
        close(fd);  /* fully read already: the row says so while the file exists */
        return 0;
    }
    store_counter_add(r->f->st, "files_recovered", 1);
    if (!sep) {
        /* its progress moves to the rotated key (put in the same batch as
         * this delete), and the file now under the name starts at its head */
        r->drop = xrealloc(r->drop, (size_t)(r->ndrop + 1) * sizeof *r->drop);
        r->drop[r->ndrop++] = xstrdup(key);
        follower_t *f = r->f;
        f->successors = xrealloc(f->successors, (size_t)(f->nsuccessors + 1) * sizeof *f->successors);
        f->successors[f->nsuccessors++] = xstrdup(path);
    }
    return tail__add_tailed(r->f, path, root_of(r, path), fd, &sb, src->offset, 1, r->err);
}

static int known_identity(const recovery_t *r, const struct stat *sb)
{
    for (int i = 0; i < r->nknown; i++)
        if (r->known[i].dev == (int64_t)sb->st_dev && r->known[i].ino == (int64_t)sb->st_ino)
            return 1;
    for (int i = 0; i < r->f->n; i++)
        if (r->f->v[i]->dev == (int64_t)sb->st_dev && r->f->v[i]->ino == (int64_t)sb->st_ino)
            return 1;
    return 0;
}

/* Rotated siblings of a followed path (app.log.1, app.log.2, ...) that no
 * checkpoint knows and that were written after the path's last checkpoint:
 * files rotated (twice or more) while the agent was not running. One whose
 * first bytes are those of the path's checkpointed file is a copytruncate
 * copy: read from that checkpoint's offset; any other from its head. */
static int recover_siblings(recovery_t *r, const plain_row_t *pr)
{
    char dir[4096];
    const char *base = strrchr(pr->path, '/');
    size_t blen = strlen(base ? base + 1 : pr->path);
    snprintf(dir, sizeof dir, "%.*s", base ? (int)(base - pr->path) : 1, base ? pr->path : ".");
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;
    if (!d)
        return 0;
    while (!rc && (e = readdir(d))) {
        char p[4096 + 260];
        struct stat sb;
        if (strncmp(e->d_name, base ? base + 1 : pr->path, blen) != 0 || e->d_name[blen] != '.' ||
            !files_ignored_name(e->d_name))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (stat(p, &sb) != 0 || !S_ISREG(sb.st_mode) || known_identity(r, &sb))
            continue;
        if (files_mtime_ms(&sb) < pr->src.updated_ms)
            continue;  /* last written before the path's file was, when we last looked at it: rotated
                          before our time, not ours to read (mtimes on both sides: the writer's clock,
                          whatever our lag) */
        int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            continue;
        uint64_t fp;
        int64_t from = 0;
        if (pr->src.fingerprint_len > 0 && pr->src.offset <= (int64_t)sb.st_size &&
            files_fingerprint(fd, pr->src.fingerprint_len, &fp) == 0 && fp == pr->src.fingerprint)
            from = pr->src.offset;  /* a copy of what we were reading */
        store_counter_add(r->f->st, "files_recovered", 1);
        rc = tail__add_tailed(r->f, pr->path, root_of(r, pr->path), fd, &sb, from, 1, r->err);
    }
    closedir(d);
    return rc;
}

typedef struct row {
    char *key;
    store_source_t src;
} row_t;

typedef struct rows {
    row_t *v;
    int n;
} rows_t;

static int collect_row(void *ctx, const char *key, const store_source_t *src)
{
    rows_t *rs = ctx;
    rs->v = xrealloc(rs->v, (size_t)(rs->n + 1) * sizeof *rs->v);
    rs->v[rs->n].key = xstrdup(key);
    rs->v[rs->n++].src = *src;
    return 0;
}

/* A plain-path row whose file also has a rotated row is stale: the rotated
 * row holds that file's later progress (a kill came before the path's new
 * file replaced the row). */
static int superseded(const rows_t *rs, const row_t *row)
{
    if (strchr(row->key, '\x1f'))
        return 0;
    for (int i = 0; i < rs->n; i++)
        if (strchr(rs->v[i].key, '\x1f') && rs->v[i].src.dev == row->src.dev &&
            rs->v[i].src.ino == row->src.ino)
            return 1;
    return 0;
}

static int collect_row(void *ctx, const char *key, const store_source_t *src);

/* At a rotation noticed while running: rotated siblings of the path that no
 * checkpoint and no tailed file knows, written since the old file last grew,
 * were rotated away between two scans (a slow store, a burst): read them. */
int tail__live_siblings(follower_t *f, const tailed_t *t, obs_err_t *err)
{
    recovery_t r = { 0 };
    rows_t rs = { 0 };
    r.f = f;
    r.paths = f->paths;
    r.npaths = f->npaths;
    r.err = err;
    int rc = store_sources_each(f->st, collect_row, &rs, err);
    for (int i = 0; i < rs.n; i++) {
        r.known = xrealloc(r.known, (size_t)(r.nknown + 1) * sizeof *r.known);
        r.known[r.nknown].dev = rs.v[i].src.dev;
        r.known[r.nknown++].ino = rs.v[i].src.ino;
        free(rs.v[i].key);
    }
    free(rs.v);
    plain_row_t pr;
    pr.path = t->path;
    pr.src = t->src;
    pr.src.offset = t->start + t->lr.consumed;
    pr.src.updated_ms = t->seen_mtime_ms;
    if (!rc)
        rc = recover_siblings(&r, &pr);
    free(r.known);
    return rc;
}

int tail__recover(follower_t *f, char *const *paths, int npaths, obs_err_t *err)
{
    recovery_t r = { 0 };
    rows_t rs = { 0 };
    r.f = f;
    r.paths = paths;
    r.npaths = npaths;
    r.err = err;
    int rc = store_sources_each(f->st, collect_row, &rs, err);
    for (int i = 0; i < rs.n; i++)
        note_row(&r, rs.v[i].key, &rs.v[i].src);
    for (int i = 0; i < rs.n && !rc; i++)
        if (!superseded(&rs, &rs.v[i]))  /* reads every row: free them after */
            rc = recover_one(&r, rs.v[i].key, &rs.v[i].src);
    for (int i = 0; i < rs.n; i++)
        free(rs.v[i].key);
    free(rs.v);
    for (int i = 0; i < r.nplain; i++) {
        if (!rc && ours(&r, r.plain[i].path))
            rc = recover_siblings(&r, &r.plain[i]);
        free(r.plain[i].path);
    }
    free(r.plain);
    free(r.known);
    for (int i = 0; i < r.ndrop; i++) {
        if (!rc)
            rc = store_source_delete(f->st, r.drop[i], err);
        free(r.drop[i]);
    }
    free(r.drop);
    return rc;
}

