/* agent/tail/tail_import.c — the --once import (see tail.h): collects the
 * files (known by identity: a file reached under several names is read
 * once), finds those of its checkpoints whose file was rotated away, copied
 * or lost since the last run (tail_recover.c, as follow mode does at
 * start), then reads each file to its end through the tailed-file object
 * (tail_file.c): from its checkpoint when the file is the one it describes,
 * else from the start. A gzip file or a document is read whole
 * (tail_doc.c), once; a file of a directory that is JSON but no log
 * export is left out. */
#include "agent/tail/tail_int.h"
#include "agent/tail/tail_doc.h"
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
    const import_opts_t *o;
    progress_t *pg;
    tail_scope_t sc;
    const volatile sig_atomic_t *stop;   /* import_opts_t's */
    import_report_t *rep;
    tail_skips_t *skips;
} reader_ctx_t;

static int stopped(const reader_ctx_t *c)
{
    return c->stop && *c->stop;
}

/* The checkpoint (when t is a file) into the batch, and a commit when due:
 * never past the start of a pending multi-line event. */
static int checkpoint(reader_ctx_t *c, tailed_t *t, int ckpt, obs_err_t *err)
{
    int rc = pipeline_sync(c->pl, err);
    if (!rc && ckpt) {
        tail_file_describe(t);
        rc = store_source_put(c->st, t->path, &t->src, err);
    }
    return rc ? rc : store_maybe_commit_async(c->st, err);
}

/* Read t from its start offset to its end through the pipeline. */
static int read_to_end(reader_ctx_t *c, tailed_t *t, int ckpt, obs_err_t *err)
{
    int rc = 0, eof = 0;
    int64_t hole = ckpt ? tail_file_skip_hole(t) : 0;
    if (hole)
        tail__hole_skipped(c->st, t->path, hole);
    if (ckpt && lseek(t->fd, t->pos, SEEK_SET) != t->pos)
        return obs_err_set(err, OBS_EIO, "seeking in %s: %s", t->path, strerror(errno));
    while (!eof && !rc && !stopped(c)) {
        int64_t n = tail_file_read(t, INT64_MAX, &eof);
        if (n < 0)
            return obs_err_set(err, OBS_EIO, "reading %s: %s", t->path, strerror(errno));
        rc = pipeline_lines(c->pl, t->ps, &t->ml, &t->lr, eof, NULL, err);
        if (!rc)
            rc = checkpoint(c, t, ckpt, err);
        if (c->pg) {
            c->pg->done_bytes += n;
            progress_draw(c->pg, pipeline_stats(c->pl), 0);
        }
    }
    return rc;
}

/* A JSON text that is no log: its first line opens an object or an array
 * and goes on on the next lines (pretty-printed: package.json, a test
 * event, an expected-results file). JSON log records are one a line. */
static int pretty_json(const char *p, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i >= n || (p[i] != '{' && p[i] != '['))
        return 0;
    const char *nl = memchr(p + i, '\n', n - i);
    if (!nl)
        return 0;
    /* the first line holds no more than brackets and blanks */
    for (const char *q = p + i; q < nl; q++)
        if (*q != '{' && *q != '[' && *q != ' ' && *q != '\t' && *q != '\r')
            return 0;
    return 1;
}

/* A gzip file or a document: read whole from its start, and checkpointed at
 * its end (never resumed: a document has no line to resume at). One that
 * grew since it was read is said and not read again. Returns 0, 1 (this
 * file failed: said), or a store error. */
static int read_whole(reader_ctx_t *c, tailed_t *t, int64_t offset, obs_err_t *err)
{
    tail_doc_result_t res;
    obs_err_t derr = { 0 };
    if (offset > 0) {
        c->rep->files_whole_changed++;
        obs_log(OBS_LOG_WARN, "%s has grown since it was imported; a gzip file or a document is read whole, "
                "so it is not read again (its records would be stored twice): give the new part a file of its own",
                t->path);
        return 0;
    }
    if (lseek(t->fd, 0, SEEK_SET) != 0)
        return obs_err_set(err, OBS_EIO, "seeking in %s: %s", t->path, strerror(errno));
    int rc = tail_doc_import(c->pl, t->ps, t->fd, NULL, 0, c->o->format, c->o->max_line, t->path, &res, &derr);
    if (rc && rc != OBS_EINVAL && rc != OBS_EIO) {
        if (err)
            *err = derr;
        return rc;
    }
    c->rep->files_whole++;
    if (c->pg)
        c->pg->done_bytes += res.bytes;
    if (rc)   /* what came before the fault is stored: never read again */
        obs_log(OBS_LOG_WARN, "%s (%lld records stored before it; the rest is not read)", derr.msg,
                (long long)res.records);
    tail_file_start(t, res.bytes, NULL, c->o->max_line);
    int crc = checkpoint(c, t, 1, err);
    return crc ? crc : rc ? 1 : 0;
}

/* Read an open file from offset (ck: the checkpoint it comes from). */
static int read_file(reader_ctx_t *c, tail_found_t *fd_, const store_source_t *ck, obs_err_t *err)
{
    char head[DECODE_SNIFF_BYTES];
    ssize_t hn = pread(fd_->fd, head, sizeof head, 0);
    tailed_t *t = tail_file_new(fd_->path, fd_->root, fd_->spelled, fd_->fd, &fd_->sb, c->o->max_line);
    fd_->fd = -1;
    if (fd_->name_as)
        t->name_as = xstrdup(fd_->name_as);
    if (!ck && fd_->has_ck)
        ck = &fd_->ck;
    int rc = tail_file_name(t, c->pl, c->o->function, c->o->stream, c->o->log_group, err);
    if (!rc && hn > 0 && tail_doc_is_whole(head, (size_t)hn, c->o->format)) {
        rc = read_whole(c, t, fd_->offset, err);
    } else if (!rc) {
        tail_file_start(t, fd_->offset, ck, c->o->max_line);
        t->rotated = fd_->rotated;
        if (c->pg)
            c->pg->done_bytes += fd_->offset;
        rc = read_to_end(c, t, 1, err);
    }
    pipeline_stream_release(c->pl, t->ps);
    tail_file_free(t);
    return rc;
}

/* Returns 0, a store error (stop), or 1 when this file could not be read. */
static int import_file(reader_ctx_t *c, const file_entry_t *f, import_report_t *rep, obs_err_t *err)
{
    struct stat sb;
    store_source_t old;
    char *old_path = NULL;
    tail_known_t known;
    int rc;

    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &sb) != 0) {
        obs_log(OBS_LOG_WARN, "cannot read %s: %s", f->path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return 1;
    }
    if (f->root && c->o->format == DECODE_AUTO) {   /* a file a directory walk found */
        char head[DECODE_SNIFF_BYTES];
        ssize_t hn = pread(fd, head, sizeof head, 0);
        if (hn > 0 && !tail_doc_is_whole(head, (size_t)hn, DECODE_AUTO) && pretty_json(head, (size_t)hn)) {
            rep->files_not_logs++;
            tail__skip(c->skips, c->st, OBS_LOG_INFO, "files_skipped_not_logs", f->path,
                       "not a log: JSON that is no log export (name the file to read it as lines)");
            close(fd);
            return 0;
        }
    }
    tailed_t probe = { 0 };
    probe.fd = fd;
    probe.dev = (int64_t)sb.st_dev;
    probe.ino = (int64_t)sb.st_ino;
    tail_found_t found = { f->path, f->root, f->spelled, NULL, fd, sb, 0, 0, 0, { 0 } };
    if ((rc = tail_file_lookup(&probe, c->st, &old, &old_path, &known, err)))
        goto out;
    if (known == TAIL_RESUME && old.offset == (int64_t)sb.st_size) {
        rep->files_unchanged++;
        if (c->pg)
            c->pg->done_bytes += sb.st_size;
        if (strcmp(old_path, f->path) != 0 || old.rotated) {   /* known under this name from now on */
            old.rotated = 0;
            rc = store_source_put(c->st, f->path, &old, err);
        }
        goto out;
    }
    if (known == TAIL_REPLACED) {
        tail_founds_t fs = { 0 };
        rep->files_replaced++;
        rc = tail__content_gone(c->st, &c->sc, old_path, &old, probe.dev, probe.ino,
                                TAIL_REPLACED_WHY, &fs, err);
        if (!rc)
            rc = store_source_delete(c->st, probe.dev, probe.ino, err);
        for (int i = 0; i < fs.n && !rc; i++)
            rc = read_file(c, &fs.v[i], NULL, err);
        tail__founds_free(&fs);
        if (rc)
            goto out;
    }
    rep->files_read++;
    found.offset = known == TAIL_RESUME ? old.offset : 0;
    rc = read_file(c, &found, known == TAIL_RESUME ? &old : NULL, err);
    fd = found.fd;   /* taken: -1 */
out:
    free(old_path);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Standard input may be a pipe: its first bytes are read to know what it
 * is, then either all of it whole (gzip, a document) or lines, those first
 * bytes before the rest. */
static int read_stdin(reader_ctx_t *c, tailed_t *t, obs_err_t *err)
{
    char *head = xmalloc(DECODE_SNIFF_BYTES);
    size_t hn = 0;
    int rc = 0;
    while (hn < DECODE_SNIFF_BYTES && !stopped(c)) {
        ssize_t n = read(t->fd, head + hn, DECODE_SNIFF_BYTES - hn);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = obs_err_set(err, OBS_EIO, "reading standard input: %s", strerror(errno));
            break;
        }
        if (n == 0)
            break;
        hn += (size_t)n;
    }
    if (!rc && tail_doc_is_whole(head, hn, c->o->format)) {
        tail_doc_result_t res;
        obs_err_t derr = { 0 };
        rc = tail_doc_import(c->pl, t->ps, t->fd, head, hn, c->o->format, c->o->max_line, "standard input",
                             &res, &derr);
        c->rep->files_whole += !rc || rc == OBS_EINVAL;
        if (rc == OBS_EINVAL || rc == OBS_EIO) {
            obs_log(OBS_LOG_WARN, "%s (%lld records stored before it; the rest is not read)", derr.msg,
                    (long long)res.records);
            rc = 1;
        } else if (rc && err) {
            *err = derr;
        }
        if (!rc || rc == 1) {
            int src = checkpoint(c, t, 0, err);
            rc = src ? src : rc;
        }
    } else if (!rc) {
        for (size_t off = 0; off < hn && !rc;) {   /* the head first, as if just read */
            size_t avail;
            char *space = line_reader_space(&t->lr, &avail);
            size_t k = hn - off < avail ? hn - off : avail;
            memcpy(space, head + off, k);
            line_reader_added(&t->lr, k);
            off += k;
            t->pos += (int64_t)k;
            rc = pipeline_lines(c->pl, t->ps, &t->ml, &t->lr, 0, NULL, err);
        }
        if (!rc)
            rc = read_to_end(c, t, 0, err);
    }
    free(head);
    return rc;
}

static int import_stdin(reader_ctx_t *c, import_report_t *rep, obs_err_t *err)
{
    struct stat sb;
    if (fstat(STDIN_FILENO, &sb) != 0)
        memset(&sb, 0, sizeof sb);
    tailed_t *t = tail_file_new("stdin", NULL, NULL, dup(STDIN_FILENO), &sb, c->o->max_line);
    int rc = t->fd < 0 ? obs_err_set(err, OBS_EIO, "reading standard input: %s", strerror(errno))
                       : tail_file_name(t, c->pl, c->o->function ? c->o->function : "stdin",
                                        c->o->stream ? c->o->stream : "stdin", c->o->log_group, err);
    if (!rc) {   /* standard input has no checkpoint: each run imports what it is given */
        rep->files_read++;
        tail_file_start(t, 0, NULL, c->o->max_line);
        rc = read_stdin(c, t, err);
    }
    pipeline_stream_release(c->pl, t->ps);
    tail_file_free(t);
    return rc == 1 ? 0 : rc;
}

/* What the files hold past their checkpoints: what this import will read
 * (a file whose checkpoint no longer fits counts whole). */
static int64_t unread_bytes(store_t *st, const file_list_t *fl)
{
    int64_t n = 0;
    for (int i = 0; i < fl->n; i++) {
        store_source_t src;
        int found = 0;
        obs_err_t e;
        if (store_source_find(st, fl->v[i].dev, fl->v[i].ino, &src, NULL, &found, &e) == 0 && found &&
            src.offset <= fl->v[i].size)
            n += fl->v[i].size - src.offset;
        else
            n += fl->v[i].size;
    }
    return n;
}

int import_paths(store_t *st, pipeline_t *pl, const import_opts_t *o, char *const *paths, int npaths,
                 import_report_t *rep, obs_err_t *err)
{
    file_list_t fl = { 0 };
    progress_t pg = { 0 };
    reader_ctx_t c = { 0 };
    tail_skips_t skips = { 0 };
    tail_founds_t fs = { 0 };
    files_filter_t ff = { o->db_path, NULL, 0, &skips, st, 1, 1 };
    exclude_list_t from_file = { 0 };
    const char **excl = NULL;
    char **abs = xcalloc((size_t)npaths + 1, sizeof *abs);
    int use_stdin = 0, rc;

    memset(rep, 0, sizeof *rep);
    pg.start = obs_mono_s();
    for (int i = 0; i < npaths; i++)
        abs[i] = files_absolute(paths[i]);
    c.st = st;
    c.pl = pl;
    c.o = o;
    c.rep = rep;
    c.skips = &skips;
    /* --exclude and --exclude-from, as follow mode takes them */
    if (o->exclude_from && (rc = exclude_file_read(o->exclude_from, &from_file, err)))
        goto out;
    excl = xcalloc((size_t)(o->nexclude + from_file.n) + 1, sizeof *excl);
    for (int i = 0; i < o->nexclude; i++)
        excl[ff.nexclude++] = o->exclude[i];
    for (int i = 0; i < from_file.n; i++)
        excl[ff.nexclude++] = from_file.v[i];
    ff.exclude = excl;
    c.sc.paths = abs;
    c.sc.spelled = paths;
    c.sc.npaths = npaths;
    if ((rc = files_collect(&fl, &ff, paths, npaths, &use_stdin, err)))
        goto out;
    rep->files_found = fl.n;
    rep->files_skipped = fl.skipped;
    rep->files_not_logs = fl.not_logs;
    pg.on = o->progress && isatty(STDERR_FILENO);
    pg.nfiles = fl.n;
    for (int i = 0; i < fl.n; i++)
        pg.total_bytes += fl.v[i].size;
    c.pg = &pg;
    c.stop = o->stop;
    /* bringing at least as much as the store holds: the indexes by time are
     * built once at the end (store.h, store_defer_time_indexes) */
    int deferred = 0;
    if ((rc = store_commit(st, err)) ||
        (rc = store_defer_time_indexes(st, unread_bytes(st, &fl), &deferred, err)))
        goto out;
    /* what was rotated away, copied or lost since the last run */
    if ((rc = tail__recover(st, &c.sc, &fl, &fs, err)))
        goto out;
    for (int i = 0; i < fs.n && !rc; i++) {
        rep->files_recovered++;
        rc = read_file(&c, &fs.v[i], NULL, err);
    }
    if (rc)
        goto out;
    for (int i = 0; i < fl.n && rc <= 0 && !stopped(&c); i++) {
        pg.file_no = i + 1;
        rc = import_file(&c, &fl.v[i], rep, err);
        if (rc == 1) {
            rep->files_failed++;
            rc = 0;
        }
        if (rc)
            goto out;
    }
    rep->files_failed += fl.unreadable;
    if (use_stdin && !stopped(&c) && (rc = import_stdin(&c, rep, err)))
        goto out;
    rc = store_commit(st, err);   /* interrupted too: what was read is stored */
    rep->interrupted = stopped(&c);
    if (!rc && deferred && !rep->interrupted) {
        /* a part of the import's time: with the indexes, queries need not scan */
        progress_draw(&pg, pipeline_stats(pl), 1);
        if (pg.on)
            fprintf(stderr, "  building the time indexes");
        rc = store_build_deferred(st, NULL, err);
    }
    rep->indexes_left = deferred && rep->interrupted;
out:
    rep->files_done = pg.file_no;
    rep->bytes_done = pg.done_bytes;
    rep->bytes_total = pg.total_bytes;
    progress_draw(&pg, pipeline_stats(pl), 1);
    progress_clear(&pg);
    rep->seconds = since(pg.start);
    files_list_free(&fl);
    tail__founds_free(&fs);
    tail__skips_free(&skips);
    exclude_list_free(&from_file);
    free(excl);
    for (int i = 0; i < npaths; i++)
        free(abs[i]);
    free(abs);
    return rc;
}
