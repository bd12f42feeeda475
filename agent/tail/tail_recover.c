/* agent/tail/tail_recover.c — content that is not where it was read (see
 * tail_int.h): files rotated away while the agent was not running (found by
 * identity in their directory, under any name), copies made by copytruncate
 * (found by content among the siblings: the first bytes and the bytes before
 * the offset read to), rotated siblings no checkpoint knows, and, when none
 * of them holds it, content counted as missed (tail_missed.c). Used at start
 * by both modes, and by follow mode when it sees a file truncated or
 * rotated, or a file it had read nothing of get its first bytes. It returns
 * what to read as data (tail_founds_t); it never reads a line itself. */
#include "agent/tail/tail_int.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the scope ----------------------------------------------------------- */

static int under(const char *arg, const char *path)
{
    size_t n = strlen(arg);
    while (n > 1 && arg[n - 1] == '/')
        n--;
    return strncmp(path, arg, n) == 0 && (path[n] == '/' || (n == 1 && arg[0] == '/'));
}

const char *tail__root_of(const tail_scope_t *sc, const char *path)
{
    for (int i = 0; i < sc->npaths; i++) {
        struct stat sb;
        if (!strpbrk(sc->paths[i], "*?[") && under(sc->paths[i], path) && stat(sc->paths[i], &sb) == 0 &&
            S_ISDIR(sb.st_mode))
            return sc->paths[i];
    }
    return NULL;
}

const char *tail__spelled(const tail_scope_t *sc, const char *path)
{
    for (int i = 0; i < sc->npaths; i++)
        if (strcmp(sc->paths[i], path) == 0)
            return sc->spelled ? sc->spelled[i] : sc->paths[i];
    return NULL;
}

int tail__ours(const tail_scope_t *sc, const char *path)
{
    for (int i = 0; i < sc->npaths; i++) {
        const char *a = sc->paths[i];
        if (strcmp(a, path) == 0 || under(a, path) ||
            (strpbrk(a, "*?[") && fnmatch(a, path, FNM_PATHNAME) == 0))
            return 1;
    }
    /* the same directories spelled through a symlink */
    char dir[PATH_MAX], real_dir[PATH_MAX], real_arg[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || !realpath(slash == dir ? "/" : (*slash = '\0', dir), real_dir))
        return 0;
    for (int i = 0; i < sc->npaths; i++) {
        if (strpbrk(sc->paths[i], "*?[") || !realpath(sc->paths[i], real_arg))
            continue;
        if (strcmp(real_arg, real_dir) == 0 || under(real_arg, real_dir))
            return 1;
    }
    return 0;
}

/* ---- founds --------------------------------------------------------------- */

/* path: the file found; name_as: the file it was (its stream's name), or
 * NULL; ck (may be NULL): what it holds up to offset. */
static void found_add(tail_founds_t *fs, const tail_scope_t *sc, const char *path, const char *name_as, int fd,
                      const struct stat *sb, int64_t offset, int rotated, const store_source_t *ck)
{
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 8;
        fs->v = xrealloc(fs->v, (size_t)fs->cap * sizeof *fs->v);
    }
    tail_found_t *f = &fs->v[fs->n++];
    const char *root = tail__root_of(sc, path);
    const char *spelled = root ? NULL : tail__spelled(sc, path);
    f->path = xstrdup(path);
    f->root = root ? xstrdup(root) : NULL;
    f->spelled = spelled ? xstrdup(spelled) : NULL;
    f->name_as = name_as && strcmp(name_as, path) != 0 ? xstrdup(name_as) : NULL;
    f->fd = fd;
    f->sb = *sb;
    f->offset = offset;
    f->rotated = rotated;
    f->has_ck = ck && ck->offset == offset;
    if (f->has_ck) {
        f->ck = *ck;
        f->ck.dev = (int64_t)sb->st_dev;
        f->ck.ino = (int64_t)sb->st_ino;
    }
}

void tail__founds_free(tail_founds_t *fs)
{
    for (int i = 0; i < fs->n; i++) {
        if (fs->v[i].fd >= 0)
            close(fs->v[i].fd);
        free(fs->v[i].path);
        free(fs->v[i].root);
        free(fs->v[i].spelled);
        free(fs->v[i].name_as);
    }
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}

static int in_founds(const tail_founds_t *fs, const struct stat *sb)
{
    for (int i = 0; i < fs->n; i++)
        if (fs->v[i].sb.st_dev == sb->st_dev && fs->v[i].sb.st_ino == sb->st_ino)
            return 1;
    return 0;
}

/* Is the identity tailed now (and does its file still hold what it read:
 * a rotated copy overwritten in place is another file's content now)? */
static int tailed_now(const tail_scope_t *sc, const struct stat *sb)
{
    for (int i = 0; i < sc->ntailed; i++) {
        const tailed_t *t = sc->tailed[i];
        if (t->dev == (int64_t)sb->st_dev && t->ino == (int64_t)sb->st_ino && !t->dead &&
            (!t->rotated || t->fd < 0 || tail_file_holds(t)))
            return 1;
    }
    return 0;
}

/* ---- content ------------------------------------------------------------------ */

/* Does the file (fd, size) hold the content k describes? 1: all of it up to
 * k->offset (read on from there); 2: a part of it (the file is shorter:
 * a copy taken before the last bytes were read, all read already); 0: no.
 * A part is known by the first bytes alone, so at least IDENT_HEAD_MAX of
 * them (or all of k's) must be there. */
static int holds(int fd, int64_t size, const store_source_t *k)
{
    uint64_t h;
    if (k->fingerprint_len <= 0)
        return 0;   /* nothing known of it */
    if (size >= k->offset)
        return ident_holds(fd, size, k) ? 1 : 0;
    if (size < k->fingerprint_len)
        return 0;
    return ident_hash_at(fd, 0, k->fingerprint_len, &h) == 0 && h == k->fingerprint ? 2 : 0;
}

/* A sibling of path holding k's content that no checkpoint and no tailed
 * file knows (skip_*: the file now at k's identity or name). Returns its fd
 * (with *cpath, *csb, *how = holds()), or -1. */
static int find_copy(store_t *st, const tail_scope_t *sc, const char *path, const store_source_t *k,
                     int64_t skip_dev, int64_t skip_ino, const tail_founds_t *taken, char **cpath,
                     struct stat *csb, int *how, obs_err_t *err, int *rc)
{
    char dir[PATH_MAX];
    const char *base;
    int fd = -1;
    *rc = 0;
    tail__split(path, dir, sizeof dir, &base);
    char **names = tail__list_dir(dir);
    for (int i = 0; fd < 0 && !*rc && names && names[i]; i++) {
        char *p = NULL;
        struct stat sb;
        if (!ident_sibling_name(base, names[i]) || files_archive_name(names[i]))
            continue;
        int cfd = tail__open_reg(dir, names[i], &p, &sb);
        if (cfd < 0)
            continue;
        int skip = ((int64_t)sb.st_dev == skip_dev && (int64_t)sb.st_ino == skip_ino) ||
                   tailed_now(sc, &sb) || (taken && in_founds(taken, &sb));
        if (!skip) {
            /* a file a checkpoint describes is that checkpoint's, not a copy */
            store_source_t row;
            int found = 0;
            *rc = store_source_find(st, (int64_t)sb.st_dev, (int64_t)sb.st_ino, &row, NULL, &found, err);
            skip = *rc || (found && ident_judge(cfd, &sb, &row) == IDENT_SAME);
        }
        int h = skip ? 0 : holds(cfd, (int64_t)sb.st_size, k);
        if (h) {
            fd = cfd;
            *cpath = p;
            *csb = sb;
            *how = h;
        } else {
            close(cfd);
            free(p);
        }
    }
    tail__free_names(names);
    return fd;
}

int tail__content_gone(store_t *st, const tail_scope_t *sc, const char *path, const store_source_t *old,
                       int64_t skip_dev, int64_t skip_ino, const char *why, tail_founds_t *out, obs_err_t *err)
{
    char *cpath = NULL;
    struct stat csb;
    int how = 0, rc = 0;
    int fd = find_copy(st, sc, path, old, skip_dev, skip_ino, out, &cpath, &csb, &how, err, &rc);
    if (rc)
        return rc;
    if (fd >= 0) {
        /* a copy (copytruncate): on from where reading had got to; a
         * shorter one was read already (its row says so from now on) */
        int64_t from = how == 1 ? old->offset : (int64_t)csb.st_size;
        obs_log(OBS_LOG_INFO, "%s: its earlier content is in %s (a copy): read from byte %lld", path, cpath,
                (long long)from);
        store_counter_add(st, "files_recovered", 1);
        found_add(out, sc, cpath, path, fd, &csb, from, 1, old);
        if (how == 1 && old->size > (int64_t)csb.st_size)   /* written after the copy was taken */
            rc = tail__missed(st, path, (int64_t)csb.st_size, old->size - (int64_t)csb.st_size,
                              "its copy lacks bytes it was known to have", err);
        free(cpath);
        return rc;
    }
    if (old->rotated && old->offset >= old->size)
        return 0;   /* a rotated file read to its end: nothing of it is missing */
    return tail__missed(st, path, old->offset, old->size - old->offset, why, err);
}

/* ---- at start ------------------------------------------------------------------ */



typedef struct row {
    char *path;
    store_source_t src;
} row_t;

typedef struct rows {
    row_t *v;
    int n;
    int loaded;   /* read from the store (when first needed) */
} rows_t;

static int collect_row(void *ctx, const char *path, const store_source_t *src)
{
    rows_t *rs = ctx;
    rs->v = xrealloc(rs->v, (size_t)(rs->n + 1) * sizeof *rs->v);
    rs->v[rs->n].path = xstrdup(path);
    rs->v[rs->n++].src = *src;
    return 0;
}

static void rows_free(rows_t *rs)
{
    for (int i = 0; i < rs->n; i++)
        free(rs->v[i].path);
    free(rs->v);
}

/* The identities the scan found, sorted, to look rows up in. */
typedef struct ids {
    int64_t *v;   /* dev, ino pairs */
    int n;
} ids_t;

static int cmp_id(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void ids_of(const file_list_t *fl, ids_t *ids)
{
    ids->v = xcalloc((size_t)fl->n * 2 + 2, sizeof *ids->v);
    ids->n = fl->n;
    for (int i = 0; i < fl->n; i++) {
        ids->v[2 * i] = fl->v[i].dev;
        ids->v[2 * i + 1] = fl->v[i].ino;
    }
    if (ids->n > 1)
        qsort(ids->v, (size_t)ids->n, 2 * sizeof *ids->v, cmp_id);
}

static int ids_has(const ids_t *ids, int64_t dev, int64_t ino)
{
    int64_t key[2] = { dev, ino };
    return ids->n > 0 && bsearch(key, ids->v, (size_t)ids->n, 2 * sizeof *ids->v, cmp_id) != NULL;
}

/* One checkpoint of the scope at start, whose file is not under a name the
 * scan finds (those are judged where they are taken: resumed, or their
 * content counted gone, tail_scan.c and tail_import.c). Its row is dropped
 * when its content is gone. */
static int recover_row(store_t *st, const tail_scope_t *sc, const ids_t *scanned, const row_t *r,
                       tail_founds_t *out, obs_err_t *err)
{
    char dir[PATH_MAX];
    const char *base;
    struct stat sb;
    char *p = NULL;
    int fd, rc = 0;
    if (ids_has(scanned, r->src.dev, r->src.ino))
        return 0;
    tail__split(r->path, dir, sizeof dir, &base);
    fd = tail__open_by_identity(dir, r->src.dev, r->src.ino, &p, &sb);
    if (fd >= 0 && ident_judge(fd, &sb, &r->src) == IDENT_SAME) {
        if (r->src.offset < (int64_t)sb.st_size) {
            /* rotated away with lines unread: read them */
            store_counter_add(st, "files_recovered", 1);
            found_add(out, sc, p, r->src.rotated ? NULL : r->path, fd, &sb, r->src.offset, 1, &r->src);
            free(p);
            return 0;
        }
        close(fd);
        if (!r->src.rotated || strcmp(p, r->path) != 0) {
            /* read to its end: its row says so under its name now */
            store_source_t s = r->src;
            s.rotated = 1;
            rc = store_source_put(st, p, &s, err);
        }
        free(p);
        return rc;
    }
    if (fd >= 0)
        close(fd);
    free(p);
    rc = tail__content_gone(st, sc, r->path, &r->src, r->src.dev, r->src.ino,
                            fd >= 0 ? TAIL_REPLACED_WHY : "deleted (or compressed) while the agent was not running",
                            out, err);
    return rc ? rc : store_source_delete(st, r->src.dev, r->src.ino, err);
}

/* A candidate sibling: its first KiB hashed once, to be compared with
 * every row's. */
typedef struct cand {
    int fd;
    const struct stat *sb;
    uint64_t head;
    int64_t head_len;
} cand_t;

/* Does the candidate hold the content row k read (k's first bytes, and the
 * bytes before its offset when it is that long)? */
static int cand_holds(const cand_t *c, const store_source_t *k)
{
    uint64_t h;
    if (k->fingerprint_len <= 0 || k->fingerprint_len > (int64_t)c->sb->st_size)
        return 0;
    if (k->fingerprint_len == c->head_len) {
        if (k->fingerprint != c->head)
            return 0;
    } else if (ident_hash_at(c->fd, 0, k->fingerprint_len, &h) != 0 || h != k->fingerprint) {
        return 0;
    }
    return holds(c->fd, (int64_t)c->sb->st_size, k);
}

/* A candidate whose first bytes are what row r read, shorter than what it
 * read (a copy taken before the last bytes were read, as holds() judges by
 * the first KiB alone): when r's file is still there, holding what r read,
 * the candidate's last KiB must be its bytes at the same place too (files
 * behind a common banner differ there). Can't tell: 1. */
static int part_of_rows_file(const row_t *r, int fd, const struct stat *sb)
{
    char *p = NULL;
    struct stat xs;
    uint64_t a, b;
    int64_t size = (int64_t)sb->st_size, len = size < IDENT_HEAD_MAX ? size : IDENT_HEAD_MAX;
    int xfd = tail__open_identity(r->path, r->src.dev, r->src.ino, &p, &xs);
    free(p);
    if (xfd < 0)
        return 1;
    int same = ident_judge(xfd, &xs, &r->src) != IDENT_SAME ||
               ((int64_t)xs.st_size >= size && ident_hash_at(fd, size - len, len, &a) == 0 &&
                ident_hash_at(xfd, size - len, len, &b) == 0 && a == b);
    close(xfd);
    return same;
}

/* Is the file a row's (its identity, still holding that row's content), or
 * a copy of what a row read? A row of its identity that no longer holds
 * (a copy's name reused by the next copy) does not make it known. */
static int known(const rows_t *rs, int fd, const struct stat *sb)
{
    cand_t c = { fd, sb, 0, (int64_t)sb->st_size < IDENT_HEAD_MAX ? (int64_t)sb->st_size : IDENT_HEAD_MAX };
    if (ident_hash_at(fd, 0, c.head_len, &c.head) != 0)
        return 0;
    for (int i = 0; i < rs->n; i++) {
        const store_source_t *s = &rs->v[i].src;
        if (s->dev == (int64_t)sb->st_dev && s->ino == (int64_t)sb->st_ino &&
            ident_judge(fd, sb, s) == IDENT_SAME)
            return 1;
        int h = cand_holds(&c, s);
        if (h == 1 || (h == 2 && part_of_rows_file(&rs->v[i], fd, sb)))
            return 1;   /* a copy of what a checkpoint read */
    }
    return 0;
}

/* Is the file (fd, size) a copy of the file now at `now`: a copy of it as it
 * was, which has only grown since (its first KiB and the KiB before the
 * copy's end are the same bytes in both; a file truncated since, or another
 * file behind a common banner, differs)? Its lines are read from the file. */
static int copy_of_now(int fd, int64_t size, int now, int64_t now_size)
{
    int64_t len = size < IDENT_HEAD_MAX ? size : IDENT_HEAD_MAX;
    uint64_t a, b;
    if (now < 0 || len <= 0 || now_size < size)
        return 0;
    return ident_hash_at(fd, 0, len, &a) == 0 && ident_hash_at(now, 0, len, &b) == 0 && a == b &&
           ident_hash_at(fd, size - len, len, &a) == 0 && ident_hash_at(now, size - len, len, &b) == 0 && a == b;
}

/* A sibling's name (ident_sibling_name) that goes on with a number after
 * base: app.log.1, app.log-20261121, app.log_2, app.1.log; not app.log.json
 * or app.log-old, which are files of their own. */
static int numbered_after(const char *base, const char *name)
{
    size_t bl = strlen(base);
    if (strncmp(name, base, bl) != 0)
        return 1;   /* app.1.log: a number by ident_sibling_name's rule */
    return name[bl] && name[bl + 1] >= '0' && name[bl + 1] <= '9';
}

/* Rotated siblings of a followed path that no checkpoint knows, not a copy
 * of what one read nor of the file at the path now, and written after the
 * path's file as last seen (mtime against mtime: the writer's clock):
 * rotated away before the agent saw them (twice or more while it was down,
 * or a copytruncate of bytes it had not read). Read from their head. Only
 * the names that start with the file's stem are looked at (a binary search
 * in the sorted listing). */
static int unknown_siblings(store_t *st, const tail_scope_t *sc, rows_t *rs, tail_listings_t *ls,
                            const char *path, int64_t seen_ms, int live, tail_founds_t *out, obs_err_t *err)
{
    int rc = 0;
    char dir[PATH_MAX], prefix[PATH_MAX];
    const char *base;
    struct stat nsb;
    int n;
    int now = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (now >= 0 && fstat(now, &nsb) != 0) {
        close(now);
        now = -1;
    }
    tail__split(path, dir, sizeof dir, &base);
    char **names = tail__listed(ls, dir, &n);
    const char *dot = strrchr(base, '.');
    snprintf(prefix, sizeof prefix, "%.*s", dot && dot != base ? (int)(dot - base) + 1 : (int)strlen(base), base);
    size_t pl = strlen(prefix);
    int lo = 0, hi = n;
    while (lo < hi) {   /* the first name >= prefix */
        int mid = (lo + hi) / 2;
        if (strcmp(names[mid], prefix) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo; i < n && strncmp(names[i], prefix, pl) == 0; i++) {
        char *p = NULL;
        struct stat sb;
        if (!ident_sibling_name(base, names[i]) || files_archive_name(names[i]))
            continue;
        if (live ? !files_ignored_name(names[i]) : !numbered_after(base, names[i]))
            continue;   /* app.log.json (and, while running, app.log-20261121): a file of its own, the scan's */
        int fd = tail__open_reg(dir, names[i], &p, &sb);
        if (fd < 0)
            continue;
        int skip = ident_mtime_ms(&sb) < seen_ms || tailed_now(sc, &sb) || in_founds(out, &sb) ||
                   copy_of_now(fd, (int64_t)sb.st_size, now, now >= 0 ? (int64_t)nsb.st_size : 0);
        if (!skip && !rs->loaded) {   /* the checkpoints, read once, only for a file that may be unread */
            rs->loaded = 1;
            rc = store_sources_each(st, collect_row, rs, err);
        }
        if (skip || rc || known(rs, fd, &sb)) {
            close(fd);
        } else {
            obs_log(OBS_LOG_INFO, "%s: rotated away unread (after %s was last looked at): read from its head",
                    p, path);
            store_counter_add(st, "files_recovered", 1);
            found_add(out, sc, p, path, fd, &sb, 0, 1, NULL);
        }
        free(p);
        if (rc)
            break;
    }
    if (now >= 0)
        close(now);
    return rc;
}

int tail__recover(store_t *st, const tail_scope_t *sc, const file_list_t *scanned, tail_founds_t *out,
                  obs_err_t *err)
{
    rows_t rs = { NULL, 0, 1 };
    ids_t ids;
    tail_listings_t *ls = tail__listings_new();
    int rc = store_sources_each(st, collect_row, &rs, err);
    char *ours = xcalloc((size_t)rs.n + 1, 1);
    ids_of(scanned, &ids);
    for (int i = 0; i < rs.n; i++)
        ours[i] = (char)tail__ours(sc, rs.v[i].path);
    for (int i = 0; i < rs.n && !rc; i++)
        if (ours[i])
            rc = recover_row(st, sc, &ids, &rs.v[i], out, err);
    /* the siblings of the paths followed (rows read before these changes:
     * a dropped row's content still counts as known) */
    for (int i = 0; i < rs.n && !rc; i++)
        if (!rs.v[i].src.rotated && ours[i])
            rc = unknown_siblings(st, sc, &rs, ls, rs.v[i].path, rs.v[i].src.updated_ms, 0, out, err);
    tail__listings_free(ls);
    free(ids.v);
    free(ours);
    rows_free(&rs);
    return rc;
}

/* ---- while running ---------------------------------------------------------------- */

int tail__live_copy(store_t *st, const tail_scope_t *sc, tailed_t *t, int64_t seen_ms, tail_founds_t *out,
                    obs_err_t *err)
{
    store_source_t k;
    char *cpath = NULL;
    struct stat csb;
    int how = 0, rc = 0;
    /* from the start of the line it was in: a partial line is read whole from the copy */
    tail_file_known_at(t, t->start + t->lr.consumed, &k);
    int fd = find_copy(st, sc, t->path, &k, t->dev, t->ino, out, &cpath, &csb, &how, err, &rc);
    if (rc)
        return rc;
    if (fd >= 0) {
        int64_t from = how == 1 ? k.offset : (int64_t)csb.st_size;
        obs_log(OBS_LOG_INFO, "%s was truncated; its copy %s is read from byte %lld", t->path, cpath,
                (long long)from);
        store_counter_add(st, "files_recovered", 1);
        found_add(out, sc, cpath, t->name_as ? t->name_as : t->path, fd, &csb, from, 1, &k);
        free(cpath);
        if (how == 1 && k.size > (int64_t)csb.st_size &&
            (rc = tail__missed(st, t->path, (int64_t)csb.st_size, k.size - (int64_t)csb.st_size,
                               "copytruncate: lines written between the copy and the truncation", err)))
            return rc;
    }
    /* copies made since the last look that hold bytes never read: the file
     * copied and truncated again (the copy of what was read overwritten by
     * the next one), or numbered copies shifted */
    int before = out->n;
    rc = tail__live_siblings(st, sc, t->path, seen_ms, out, err);
    if (rc || fd >= 0)
        return rc;
    if (out->n > before)
        return tail__missed(st, t->path, k.offset, k.size - k.offset,
                            "truncated, copied and truncated again before it was looked at: the copy of what "
                            "was read was overwritten",
                            err);
    if (k.size > k.offset)
        return tail__missed(st, t->path, k.offset, k.size - k.offset,
                            "truncated (or rewritten) before it was read to its end, and no copy of it "
                            "was found",
                            err);
    return 0;
}

int tail__copy_of_tailed(const tail_scope_t *sc, int fd, const struct stat *sb, const char *path,
                         const tailed_t **of)
{
    char dir[PATH_MAX], tdir[PATH_MAX];
    const char *base, *tbase;
    int cand[64], ncand = sc->ntailed;
    tail__split(path, dir, sizeof dir, &base);
    if (sc->index)   /* the only ones whose name can pass ident_sibling_name below */
        ncand = tail__index_siblings_of(sc->index, sc->tailed, path, cand, 64);
    for (int c = 0; c < ncand; c++) {
        const tailed_t *t = sc->tailed[sc->index ? cand[c] : c];
        store_source_t k;
        if (t->rotated || t->dead)
            continue;
        tail__split(t->path, tdir, sizeof tdir, &tbase);
        if (strcmp(dir, tdir) != 0 || !ident_sibling_name(tbase, base))
            continue;
        if (sb->st_size == 0)
            return 2;   /* cp has created it and not written yet: nothing to tell it by */
        tail_file_known_at(t, t->vend, &k);
        struct stat tsb;
        /* a copy of what it read, or of its file as it was (nothing read of
         * it yet: every byte of the copy is still in the file) */
        if (holds(fd, (int64_t)sb->st_size, &k) ||
            (t->fd >= 0 && fstat(t->fd, &tsb) == 0 &&
             copy_of_now(fd, (int64_t)sb->st_size, t->fd, (int64_t)tsb.st_size))) {
            *of = t;
            return 1;
        }
    }
    return 0;
}

int tail__live_siblings(store_t *st, const tail_scope_t *sc, const char *path, int64_t seen_ms,
                        tail_founds_t *out, obs_err_t *err)
{
    rows_t rs = { 0 };
    tail_listings_t *own = sc->listings ? NULL : tail__listings_new();
    int rc = unknown_siblings(st, sc, &rs, own ? own : sc->listings, path, seen_ms, 1, out, err);
    tail__listings_free(own);
    rows_free(&rs);
    return rc;
}
