/* agent/tail/tail_files.c — finding log files (see tail_int.h). Arguments
 * are made absolute; directories are walked in name order at any depth,
 * symlinks followed to what they name. A file is listed once, by identity
 * (device, inode), under its first name that no symlink led to; a directory
 * is walked once, and one that is its own ancestor (a symlink loop,
 * fn/up -> ..) is said and not entered again. What is left out (archives —
 * but gzip files when an import reads them whole —, rotated siblings,
 * excluded, files of a directory whose name says they are no log,
 * unreadable, not a regular file, a path too long) is said once and counted
 * (tail_skips.c). */
#include "agent/tail/tail_int.h"
#include "common/log.h"
#include "common/obs.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int files_not_log_name(const char *name)
{
    static const char *const ext[] = {
        ".md", ".markdown", ".rst", ".adoc", ".html", ".htm", ".css", ".yaml", ".yml", ".toml", ".ini",
        ".cfg", ".env", ".py", ".js", ".mjs", ".cjs", ".ts", ".go", ".java", ".rb", ".cs", ".rs", ".c",
        ".h", ".sh", ".sql", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".ico", ".lock",
    };
    size_t n = strlen(name);
    for (size_t i = 0; i < OBS_ARRAY_LEN(ext); i++) {
        size_t el = strlen(ext[i]);
        if (n > el && strcasecmp(name + n - el, ext[i]) == 0)
            return 1;
    }
    return 0;
}

static int gzip_name(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".gz") == 0;
}

int files_archive_name(const char *name)
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
    return files_archive_name(name) || rotated_name(name);
}

char *files_absolute(const char *path)
{
    char cwd[PATH_MAX];
    size_t pl = strlen(path);
    char *in, *out;
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd)) {
        in = xstrdup(path);
    } else {
        in = xmalloc(strlen(cwd) + pl + 2);
        sprintf(in, "%s/%s", cwd, path);
    }
    /* drop "." parts and doubled or trailing slashes */
    out = xmalloc(strlen(in) + 2);
    size_t o = 0;
    const char *p = in;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0)
            break;
        if (!(n == 1 && p[0] == '.')) {
            out[o++] = '/';
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    free(in);
    return out;
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

/* The store, its -wal/-shm files, the agent's state file and the writer
 * lock are never read as logs. */
static int is_store_file(const char *db_path, const struct stat *sb)
{
    static const char *const suffix[] = { "", "-wal", "-shm", "-journal", "-agent", "-agent.tmp", "-lock" };
    char p[PATH_MAX + 16];
    struct stat ds;
    for (size_t i = 0; db_path && i < OBS_ARRAY_LEN(suffix); i++) {
        snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
        if (stat(p, &ds) == 0 && same_file(&ds, sb))
            return 1;
    }
    return 0;
}

/* ---- identities: a set of (dev, ino) with a value ------------------------- */

typedef struct id_slot {
    int64_t dev, ino;
    int used, value;
} id_slot_t;

typedef struct id_set {
    id_slot_t *v;
    int cap, used;
} id_set_t;

static uint64_t id_hash(int64_t dev, int64_t ino)
{
    return ((uint64_t)dev * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)ino * 0xC2B2AE3D27D4EB4FULL);
}

/* The slot of (dev, ino): found, or the empty one it would take. */
static id_slot_t *id_find(id_set_t *s, int64_t dev, int64_t ino)
{
    if ((s->used + 1) * 2 > s->cap) {
        id_set_t n = { xcalloc((size_t)(s->cap ? s->cap * 2 : 64), sizeof(id_slot_t)),
                       s->cap ? s->cap * 2 : 64, 0 };
        for (int i = 0; i < s->cap; i++)
            if (s->v[i].used) {
                id_slot_t *d = id_find(&n, s->v[i].dev, s->v[i].ino);
                *d = s->v[i];
                n.used++;
            }
        free(s->v);
        *s = n;
    }
    uint64_t j = id_hash(dev, ino) % (uint64_t)s->cap;
    while (s->v[j].used && !(s->v[j].dev == dev && s->v[j].ino == ino))
        j = (j + 1) % (uint64_t)s->cap;
    return &s->v[j];
}

static void id_put(id_set_t *s, int64_t dev, int64_t ino, int value)
{
    id_slot_t *sl = id_find(s, dev, ino);
    if (!sl->used)
        s->used++;
    sl->used = 1;
    sl->dev = dev;
    sl->ino = ino;
    sl->value = value;
}

/* ---- the walk ----------------------------------------------------------------- */

typedef struct walk {
    file_list_t *fl;
    const files_filter_t *ff;
    id_set_t files;        /* identity -> index in fl->v */
    char *via_link;        /* per entry of fl: reached through a symlink */
    int via_cap;
    id_set_t dirs;         /* directories walked (value: 1 while on the walk's path) */
} walk_t;

static void skip(const walk_t *w, int level, const char *counter, const char *path, const char *why)
{
    if (w->ff->skips)
        tail__skip(w->ff->skips, w->ff->st, level, counter, path, why);
}

static void list_add(walk_t *w, const char *path, const char *root, const char *spelled, const struct stat *sb,
                     int via_link)
{
    file_list_t *fl = w->fl;
    id_slot_t *sl = id_find(&w->files, (int64_t)sb->st_dev, (int64_t)sb->st_ino);
    if (sl->used) {
        /* the same file under another name: listed once, under a name no
         * symlink led to when it has one */
        int i = sl->value;
        if (w->via_link[i] && !via_link) {
            free(fl->v[i].path);
            free(fl->v[i].root);
            free(fl->v[i].spelled);
            fl->v[i].path = xstrdup(path);
            fl->v[i].root = root ? xstrdup(root) : NULL;
            fl->v[i].spelled = spelled ? xstrdup(spelled) : NULL;
            w->via_link[i] = 0;
        }
        return;
    }
    if (fl->n == fl->cap) {
        fl->cap = fl->cap ? fl->cap * 2 : 64;
        fl->v = xrealloc(fl->v, (size_t)fl->cap * sizeof *fl->v);
    }
    if (fl->n >= w->via_cap) {
        w->via_cap = fl->cap;
        w->via_link = xrealloc(w->via_link, (size_t)w->via_cap);
    }
    file_entry_t *e = &fl->v[fl->n];
    e->path = xstrdup(path);
    e->root = root ? xstrdup(root) : NULL;
    e->spelled = spelled ? xstrdup(spelled) : NULL;
    e->size = (int64_t)sb->st_size;
    e->dev = (int64_t)sb->st_dev;
    e->ino = (int64_t)sb->st_ino;
    w->via_link[fl->n] = (char)via_link;
    id_put(&w->files, e->dev, e->ino, fl->n);
    fl->n++;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A regular file found in a walk (or named, or matched by a glob). */
static void take_file(walk_t *w, const char *path, const char *name, const char *root, const char *spelled,
                      const struct stat *sb, int via_link, int filtered)
{
    if (is_store_file(w->ff->db_path, sb))
        return;
    if (filtered && files_archive_name(name) && !(w->ff->read_gzip && gzip_name(name) && !rotated_name(name))) {
        w->fl->skipped++;
        if (!w->ff->quiet_names)
            skip(w, OBS_LOG_INFO, "files_skipped_compressed", path, "a compressed archive (never read)");
    } else if (filtered && rotated_name(name)) {
        w->fl->skipped++;
        if (!w->ff->quiet_names)
            skip(w, OBS_LOG_INFO, "files_skipped_rotated", path,
                 "a rotated copy (read under its original name, or when it is found rotated away unread)");
    } else if (filtered && excluded(w->ff, path, name)) {
        w->fl->skipped++;
        skip(w, OBS_LOG_INFO, "files_skipped_excluded", path, "excluded (--exclude, --exclude-from)");
    } else if (filtered && root && files_not_log_name(name)) {
        w->fl->not_logs++;
        skip(w, OBS_LOG_INFO, "files_skipped_not_logs", path,
             "not a log, by its name (documentation, code, a template, an image); name it to read it");
    } else if (access(path, R_OK) != 0) {
        w->fl->unreadable++;
        char why[300];
        snprintf(why, sizeof why, "cannot read it: %s (tried again at every scan)", strerror(errno));
        skip(w, OBS_LOG_WARN, "files_unreadable", path, why);
    } else {
        list_add(w, path, root, spelled, sb, via_link);
    }
}

static void walk_dir(walk_t *w, const char *dir, const char *root, const struct stat *dsb, int via_link);

/* One entry of a directory. */
static void walk_entry(walk_t *w, const char *dir, const char *name, const char *root, int via_link)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = xmalloc(n);
    struct stat sb, lsb;
    snprintf(path, n, "%s/%s", dir, name);
    if (n > PATH_MAX) {
        w->fl->unreadable++;
        skip(w, OBS_LOG_WARN, "paths_too_long", path, "its path is longer than PATH_MAX");
    } else if (stat(path, &sb) != 0) {
        if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode)) {
            char why[300];
            snprintf(why, sizeof why, "a symlink to nothing readable (%s)", strerror(errno));
            skip(w, OBS_LOG_INFO, "files_skipped_dangling", path, why);
        }   /* else vanished since the listing */
    } else {
        int link = via_link || (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode));
        if (S_ISDIR(sb.st_mode))
            walk_dir(w, path, root, &sb, link);
        else if (S_ISREG(sb.st_mode))
            take_file(w, path, name, root, NULL, &sb, link, 1);
        else
            skip(w, OBS_LOG_INFO, "files_skipped_not_regular", path,
                 "not a regular file (a pipe, socket or device)");
    }
    free(path);
}

static void walk_dir(walk_t *w, const char *dir, const char *root, const struct stat *dsb, int via_link)
{
    id_slot_t *sl = id_find(&w->dirs, (int64_t)dsb->st_dev, (int64_t)dsb->st_ino);
    if (sl->used) {
        if (sl->value)   /* its own ancestor: a symlink loop */
            skip(w, OBS_LOG_WARN, "dirs_skipped_loop", dir,
                 "a symlink loop (it names a directory it is in): not entered again");
        return;          /* else walked already under another name */
    }
    id_put(&w->dirs, (int64_t)dsb->st_dev, (int64_t)dsb->st_ino, 1);
    DIR *d = opendir(dir);
    if (!d) {
        char why[300];
        w->fl->unreadable++;
        snprintf(why, sizeof why, "cannot read the directory: %s (tried again at every scan)", strerror(errno));
        skip(w, OBS_LOG_WARN, "dirs_unreadable", dir, why);
    } else {
        char **names = NULL;
        int n = 0, cap = 0;
        struct dirent *e;
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
        for (int i = 0; i < n; i++) {
            walk_entry(w, dir, names[i], root, via_link);
            free(names[i]);
        }
        free(names);
    }
    /* off the walk's path: reached again, it is a second name, not a loop */
    id_put(&w->dirs, (int64_t)dsb->st_dev, (int64_t)dsb->st_ino, 0);
}

/* One argument (a file, a directory, or a glob's match). */
static void walk_arg(walk_t *w, const char *arg, int from_glob)
{
    struct stat sb, lsb;
    char *abs = files_absolute(arg);
    if (stat(abs, &sb) == 0) {
        int link = lstat(abs, &lsb) == 0 && S_ISLNK(lsb.st_mode);
        if (S_ISDIR(sb.st_mode)) {
            walk_dir(w, abs, abs, &sb, link);
        } else if (S_ISREG(sb.st_mode)) {
            const char *name = strrchr(abs, '/');
            /* a file named on the command line is read whatever its name;
             * one a glob matched is filtered like a directory's */
            take_file(w, abs, name ? name + 1 : abs, NULL, from_glob ? NULL : arg, &sb, link, from_glob);
        } else {
            skip(w, OBS_LOG_INFO, "files_skipped_not_regular", abs,
                 "not a regular file (a pipe, socket or device)");
        }
    }
    free(abs);
}

static void walk_done(walk_t *w)
{
    free(w->files.v);
    free(w->dirs.v);
    free(w->via_link);
}

void files_list_free(file_list_t *fl)
{
    for (int i = 0; i < fl->n; i++) {
        free(fl->v[i].path);
        free(fl->v[i].root);
        free(fl->v[i].spelled);
    }
    free(fl->v);
    memset(fl, 0, sizeof *fl);
}

/* Expand the arguments into files; a missing argument is an error before
 * anything is imported. */
int files_collect(file_list_t *fl, const files_filter_t *ff, char *const *paths, int npaths, int *use_stdin,
                  obs_err_t *err)
{
    walk_t w = { fl, ff, { 0 }, NULL, 0, { 0 } };
    int rc = 0;
    for (int i = 0; i < npaths && !rc; i++) {
        struct stat sb;
        if (strcmp(paths[i], "-") == 0) {
            *use_stdin = 1;
            continue;
        }
        if (stat(paths[i], &sb) != 0)
            rc = obs_err_set(err, OBS_EIO, "%s: %s", paths[i], strerror(errno));
        else if (!S_ISDIR(sb.st_mode) && is_store_file(ff->db_path, &sb))
            rc = obs_err_set(err, OBS_EINVAL, "%s is the store itself, not a log file", paths[i]);
        else if (S_ISDIR(sb.st_mode) && access(paths[i], R_OK | X_OK) != 0)
            rc = obs_err_set(err, OBS_EIO, "cannot read directory %s: %s", paths[i], strerror(errno));
        else
            walk_arg(&w, paths[i], 0);
    }
    walk_done(&w);
    return rc;
}

int files_scan(file_list_t *fl, const files_filter_t *ff, char *const *paths, int npaths)
{
    walk_t w = { fl, ff, { 0 }, NULL, 0, { 0 } };
    for (int i = 0; i < npaths; i++) {
        if (strcmp(paths[i], "-") == 0)
            continue;
        if (strpbrk(paths[i], "*?[")) {
            /* a quoted glob: expanded at every scan, so files that start to
             * match later are picked up (the shell expands only once) */
            glob_t g;
            if (glob(paths[i], 0, NULL, &g) == 0) {
                for (size_t k = 0; k < g.gl_pathc; k++)
                    walk_arg(&w, g.gl_pathv[k], 1);
                globfree(&g);
            }
            continue;
        }
        walk_arg(&w, paths[i], 0);
    }
    walk_done(&w);
    return 0;
}
