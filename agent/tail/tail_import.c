/* agent/tail/tail_import.c — the --once import (see tail.h): collects files, then
 * reads each from its checkpoint. A checkpoint is trusted when the file has
 * the same (device, inode) and its first bytes hash to the same fingerprint;
 * otherwise the file is read from the start. */
#include "agent/tail/tail_int.h"
#include "common/clock.h"
#include "common/xalloc.h"
#include "common/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct progress {
    int on;
    int64_t total_bytes, done_bytes;
    double start, last;           /* obs_mono_s() */
    int file_no, nfiles;
} progress_t;

static double since(double t0)
{
    return obs_mono_s() - t0;
}

static void progress_draw(progress_t *pg, const pipeline_stats_t *s, int force)
{
    if (!pg->on || (!force && since(pg->last) < 0.25))
        return;
    pg->last = obs_mono_s();
    double el = since(pg->start);
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

typedef struct reader_ctx {
    store_t *st;
    pipeline_t *pl;
    pipeline_stream_t *ps;
    const char *ckpt_path;   /* NULL for stdin */
    store_source_t src;
    progress_t *pg;
    const volatile sig_atomic_t *stop;   /* import_opts_t's */
} reader_ctx_t;

static int stopped(const reader_ctx_t *c)
{
    return c->stop && *c->stop;
}

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
    multiline_event_t ml = { 0 };
    int rc = 0, eof = 0;

    line_reader_init(&lr, max_line);
    while (!eof && !rc && !stopped(c)) {
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
        rc = pipeline_lines(c->pl, c->ps, &ml, &lr, eof, NULL, err);
        if (!rc)  /* never past the start of a pending multi-line event */
            rc = checkpoint(c, start + lr.consumed - multiline_unstored(&ml), err);
        if (c->pg) {
            c->pg->done_bytes += n;
            progress_draw(c->pg, pipeline_stats(c->pl), 0);
        }
    }
    line_reader_done(&lr);
    multiline_done(&ml);
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
        obs_log(OBS_LOG_WARN, "cannot read %s: %s", f->path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return 1;
    }
    memset(&c->src, 0, sizeof c->src);
    c->src.dev = (int64_t)sb.st_dev;
    c->src.ino = (int64_t)sb.st_ino;
    c->src.fingerprint_len = sb.st_size < FILES_FINGERPRINT_MAX ? (int64_t)sb.st_size : FILES_FINGERPRINT_MAX;
    if (files_fingerprint(fd, c->src.fingerprint_len, &c->src.fingerprint) != 0) {
        obs_log(OBS_LOG_WARN, "cannot read %s: %s", f->path, strerror(errno));
        close(fd);
        return 1;
    }
    if ((rc = store_source_get(c->st, f->path, &old, &found, err)))
        goto out;
    if (found) {
        int same = old.dev == c->src.dev && old.ino == c->src.ino && old.offset <= sb.st_size &&
                   old.fingerprint_len <= sb.st_size && files_same_start(fd, old.fingerprint_len, old.fingerprint);
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
        obs_log(OBS_LOG_WARN, "cannot name a function and stream after %s; use --function/--stream",
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

int import_paths(store_t *st, pipeline_t *pl, const import_opts_t *o, char *const *paths, int npaths,
                 import_report_t *rep, obs_err_t *err)
{
    file_list_t fl = { 0 };
    progress_t pg = { 0 };
    reader_ctx_t c = { 0 };
    int use_stdin = 0, rc;

    memset(rep, 0, sizeof *rep);
    pg.start = obs_mono_s();
    if ((rc = files_collect(&fl, o->db_path, paths, npaths, &use_stdin, err)))
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
    c.stop = o->stop;
    for (int i = 0; i < fl.n && rc <= 0 && !stopped(&c); i++) {
        pg.file_no = i + 1;
        rc = import_file(&c, o, &fl.v[i], rep, err);
        if (rc == 1) {
            rep->files_failed++;
            rc = 0;
        }
        if (rc)
            goto out;
    }
    if (use_stdin && !stopped(&c) && (rc = import_stdin(&c, o, rep, err)))
        goto out;
    rc = store_commit(st, err);   /* interrupted too: what was read is stored */
    rep->interrupted = stopped(&c);
out:
    rep->files_done = pg.file_no;
    rep->bytes_done = pg.done_bytes;
    rep->bytes_total = pg.total_bytes;
    progress_draw(&pg, pipeline_stats(pl), 1);
    progress_clear(&pg);
    rep->seconds = since(pg.start);
    files_list_free(&fl);
    return rc;
}
