/* agent/tail/tail_int.h — what the files of agent/tail/ share, and nothing
 * outside them uses (the unit tests aside): a section per file, leaves
 * first. The calls go one way: tail_follow -> tail_scan, tail_fdlimit,
 * tail_backpressure -> tail_recover -> tail_file -> tail_ident; tail_import
 * -> tail_recover, tail_file; tail_files (finding files), tail_skips and
 * tail_missed (what is not read, what is gone) are leaves beside them. */
#ifndef OBS_AGENT_TAIL_INT_H
#define OBS_AGENT_TAIL_INT_H

#include "agent/tail/tail.h"
#include "common/err.h"
#include "store/agent_state.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* ---- tail_ident.c: what a file is, and "is this the same file" --------------
 * A file is known by its device and inode, confirmed by its content: the
 * hash of its first bytes (up to IDENT_HEAD_MAX) and the hash of the bytes
 * just before the offset read to (up to IDENT_WINDOW_MAX), so that two files
 * with a common header (a banner, identical first lines) are told apart
 * wherever the offset falls after it. Never by the spelling of its path.
 * This is the one place the rule is written. */

#define IDENT_HEAD_MAX 1024
#define IDENT_WINDOW_MAX 1024

/* Hash of the len bytes of fd at from (pread); -1 when fewer are there. */
int ident_hash_at(int fd, int64_t from, int64_t len, uint64_t *out);

/* Fill ck's content fields (head and window) for the file read up to
 * offset, from the file itself; -1 when it no longer has offset bytes. */
int ident_describe(int fd, int64_t offset, store_source_t *ck);

/* Does the file (fd, of size bytes) hold the content ck describes: at least
 * ck->offset bytes, the same first bytes, the same bytes before offset? A
 * checkpoint taken before any byte was read (offset 0, nothing hashed)
 * holds for any file. */
int ident_holds(int fd, int64_t size, const store_source_t *ck);

typedef enum ident_verdict {
    IDENT_OTHER,     /* another file (another device or inode) */
    IDENT_SAME,      /* the checkpoint's file: resume at its offset */
    IDENT_REPLACED,  /* its device and inode, other content: rewritten in place,
                        truncated (copytruncate), or deleted and the inode reused */
} ident_verdict_t;

/* The rule: is the open file sb/fd the file checkpoint ck describes? */
ident_verdict_t ident_judge(int fd, const struct stat *sb, const store_source_t *ck);

/* Is `name` a rotated sibling's name of the file named `base` (app.log ->
 * app.log.1, app.log.2.gz, app.log-20261121, app.1.log)? */
int ident_sibling_name(const char *base, const char *name);

/* The file's mtime in epoch ms (the writer's clock). */
int64_t ident_mtime_ms(const struct stat *sb);

/* ---- tail_skips.c: what is not read, said once ------------------------------
 * Every file or directory left unread is said once on stderr with the
 * reason, and counted in the agent counter named for the reason; while the
 * reason stays the same it is not said again (a scan runs every poll step).
 * A file that becomes readable again is said too. */

typedef struct tail_strset {
    char **keys;           /* open addressing; owned */
    int cap, used;
} tail_strset_t;

typedef tail_strset_t tail_skips_t;   /* keys "reason\x1fpath" */

/* Say (once per path and reason) that path is not read; counter is the
 * agent counter to add 1 to (static string); level OBS_LOG_WARN or INFO. */
void tail__skip(tail_skips_t *s, store_t *st, int level, const char *counter, const char *path,
                const char *why);
/* The path is read now: forget its skips (said again if it recurs); 1 when
 * it had been said unreadable. */
int tail__skip_clear(tail_skips_t *s, const char *path);
void tail__skips_free(tail_skips_t *s);
/* Say and count (nul_hole_bytes) the NUL bytes a file started with, skipped
 * (tail_file_skip_hole). */
void tail__hole_skipped(store_t *st, const char *path, int64_t bytes);

/* ---- tail_missed.c: data that is gone -------------------------------------- */

/* The content of path after byte `offset` could not be read and is gone:
 * one line on stderr naming the file and the bytes lost (at least `bytes`:
 * what was known to be written and not read; what was written after the
 * agent last looked is not known), the counters files_missed and
 * bytes_missed, and a row of the missed table (obsagent --status). */
int tail__missed(store_t *st, const char *path, int64_t offset, int64_t bytes, const char *why,
                 obs_err_t *err);

/* ---- tail_files.c: which files are logs ------------------------------------
 * Expanding PATH arguments (files and directories, walked in name order,
 * symlinks followed, at any depth) into files known by identity: a file
 * reached under several names (a symlink, a hard link, a directory reached
 * twice) is listed once, under its first name that is not a symlink;
 * symlink loops are detected. Hidden files, the store's own files,
 * compressed archives, rotated siblings (x.log.1) and exclude globs are left
 * out, and each skip is said once (tail_skips.c). Paths are made absolute
 * (the spelling of an argument does not matter: logs, ./logs and /abs/logs
 * give the same names). */

typedef struct file_entry {
    char *path;      /* absolute, not resolved through symlinks */
    char *root;      /* directory argument it was found under (absolute), or NULL */
    char *spelled;   /* a file argument as it was spelled (its function and stream are
                        named after it), or NULL */
    int64_t size;
    int64_t dev, ino;
} file_entry_t;

typedef struct file_list {
    file_entry_t *v;
    int n, cap;
    int skipped;     /* archives and rotated siblings left out */
    int not_logs;    /* files of a directory that are not logs by their name (*.md, ...) */
    int unreadable;  /* files and directories that could not be read */
} file_list_t;

typedef struct files_filter {
    const char *db_path;           /* the store: never a log */
    const char *const *exclude;    /* globs on the path or the file name, may be empty */
    int nexclude;
    tail_skips_t *skips;           /* where skips are said, or NULL (silent) */
    store_t *st;                   /* their counters, or NULL */
    int quiet_names;               /* archives and rotated names: counted, not said (--once
                                      sums them up) */
    int read_gzip;                 /* gzip files (x.gz) are read, inflated (--once) */
} files_filter_t;

/* Expand paths ("-" sets *use_stdin). A missing argument is an error. */
int files_collect(file_list_t *fl, const files_filter_t *f, char *const *paths, int npaths,
                  int *use_stdin, obs_err_t *err);
/* The same, for follow mode: missing arguments are skipped, not errors
 * (it waits for them to appear), and quoted globs are expanded. */
int files_scan(file_list_t *fl, const files_filter_t *f, char *const *paths, int npaths);
void files_list_free(file_list_t *fl);

/* Compressed archive or rotated sibling (app.log.1, app.log.2.gz, app.1.log). */
int files_ignored_name(const char *name);
int files_archive_name(const char *name);
/* A file whose name says it is no log: documentation, source code, a
 * template, an image (README.md, template.yaml, app.py, chart.png). */
int files_not_log_name(const char *name);

/* path made absolute (from the working directory) with "." parts and
 * doubled slashes removed; symlinks are not resolved. malloc'd. */
char *files_absolute(const char *path);

/* ---- tail_pathmap.c: the function and log stream of a file, from its path --
 * The rule (docs/formats.md, "Function and stream"):
 *   a file found under a directory argument ROOT:
 *     ROOT/F/S.log        -> function F, stream "S"
 *     ROOT/F/a/b/S.log    -> function F, stream "a/b/S" (CloudWatch stream
 *                            names contain '/': 2024/01/02/[$LATEST]abc...)
 *     ROOT/S.log          -> function S, stream S
 *   a file argument DIR/S.log -> function = name of DIR, stream "S"
 * One extension (.log, .txt, .out, .json, .jsonl) is stripped from the last
 * part. Pure: no I/O. */

typedef struct pathmap {
    char function[256];
    char stream[512];
} pathmap_t;

/* root: the directory argument the file was found under, or NULL when the
 * file itself was named. Returns 0, or -1 when no name can be derived. */
int pathmap_derive(const char *root, const char *path, pathmap_t *out);

/* "/aws/lambda/<function>" */
void pathmap_log_group(const char *function, char *out, size_t size);

/* ---- tail_exclude.c: the --exclude-from FILE list --------------------------
 * One glob per line, blank lines and lines starting with '#' ignored,
 * surrounding blanks trimmed. Follow mode reads it at start and again at
 * each SIGHUP. */

typedef struct exclude_list {
    char **v;          /* owned globs */
    int n;
} exclude_list_t;

/* Read path into *out (replacing nothing: out is filled only on success). */
int exclude_file_read(const char *path, exclude_list_t *out, obs_err_t *err);
void exclude_list_free(exclude_list_t *l);

/* ---- tail_file.c: one tailed file -------------------------------------------
 * The object both --once and follow mode read a file through: it knows what
 * the file is (device, inode, the content it read), where to start (its
 * checkpoint when the file is the same, by ident_judge), reads into its line
 * reader (a decoder can sit between that and the pipeline), describes its
 * checkpoint (the offset of the last stored line and the content up to it),
 * notices when the file no longer holds what it read (truncation, a rewrite),
 * rewinds to a committed checkpoint, and can be closed while idle and
 * reopened by identity (the open-file limit). */

#define TAIL_RING 4096     /* the last bytes read, kept: the window of a checkpoint */

typedef struct tailed {
    char *path, *root;     /* the name it is read under (absolute); its directory argument */
    char *spelled;         /* a file argument's spelling (names its stream), or NULL */
    char *name_as;         /* the path its stream is named after, when not its own (a
                              copy, a file rotated away: the file it was), or NULL */
    char *fn, *group, *stream;  /* its stream's names */
    int fd;                /* -1: closed while idle (reopened by identity) */
    int64_t dev, ino;
    int64_t start;         /* file offset the line reader began at */
    int64_t pos;           /* file offset of the next read */
    int64_t size_seen;     /* the file's size when last looked at */
    int64_t mtime_seen;    /* and its mtime (the writer's clock), epoch ms */
    line_reader_t lr;
    multiline_event_t ml;  /* a multi-line event read but not yet stored */
    pipeline_stream_t *ps; /* held (pipeline_stream_open), released when the file is
                              let go; NULL after a rewind: reopened before the next read */
    store_source_t src;    /* its checkpoint, as last described */
    /* what it knows the file held: the first head_len bytes hash to head,
     * the vlen bytes before vend hash to vhash (from the bytes read, or
     * from a checkpoint after a rewind) */
    uint64_t head;
    int64_t head_len;
    uint64_t vhash;
    int64_t vend, vlen;
    unsigned char ring[TAIL_RING];  /* the last bytes read: ring[(off) % TAIL_RING] */
    int64_t ring_from;     /* the ring holds the file's bytes [ring_from, pos) */
    int verify;            /* check its content at the next look (started, reopened) */
    int regular;           /* a regular file (standard input may be a pipe: read as it
                              comes, nothing checked) */
    /* follow mode */
    int64_t last_data_ms;  /* monotonic */
    int64_t last_used_ms;  /* read or looked at (the open-file limit closes the oldest) */
    int64_t used_turn;     /* the loop turn it was last read in */
    int64_t looked_ms;     /* when a turn last looked at it (monotonic) */
    int64_t listed_turn;   /* the turn whose scan last found it under its path */
    int rotated;           /* the path names another file now, or none */
    int64_t rotated_ms;
    int dead;              /* a rotated file rewritten under us: not ours any more */
    int dirty;             /* its checkpoint must be put with the next batch */
    /* what a rewind goes back to: the checkpoint put in the open batch,
     * and the one last committed (or, never committed, where it started) */
    int put_pending;
    store_source_t put;
    int committed;
    store_source_t done;
    int64_t first_offset;
    /* nothing read of it yet (at offset 0): the file's mtime when it was
     * first seen so (a look, or a checkpoint at 0), else 0. Its first bytes
     * may come after a copytruncate that took bytes it never read; its
     * siblings written since are looked at then (tail_follow.c). */
    int64_t empty_seen_ms;
} tailed_t;

/* Take an open file in (fd is the object's now). spelled: see file_entry_t. */
tailed_t *tail_file_new(const char *path, const char *root, const char *spelled, int fd, const struct stat *sb,
                        size_t max_line);
void tail_file_free(tailed_t *t);

/* Name its function, log group and stream (the overrides, else from its
 * path) and open its pipeline stream. Returns 1 when no name can be
 * derived (said on stderr), else 0 or a store error. */
int tail_file_name(tailed_t *t, pipeline_t *pl, const char *function, const char *stream,
                   const char *log_group, obs_err_t *err);
/* Open its pipeline stream again when a rewind reset the pipeline. */
int tail_file_stream(tailed_t *t, pipeline_t *pl, obs_err_t *err);

typedef enum tail_known {
    TAIL_NEW,        /* no checkpoint has its identity */
    TAIL_RESUME,     /* its checkpoint: *old, start at old->offset */
    TAIL_REPLACED,   /* its identity has a checkpoint of other content: *old (and
                        *old_path) describe content that is no longer here */
} tail_known_t;

/* What the store knows of the file: its checkpoint by identity, judged. */
int tail_file_lookup(tailed_t *t, store_t *st, store_source_t *old, char **old_path, tail_known_t *out,
                     obs_err_t *err);

/* Start (again) at offset with an empty line reader; ck (may be NULL): the
 * checkpoint that offset comes from, which says what the file holds up to
 * it. */
void tail_file_start(tailed_t *t, int64_t offset, const store_source_t *ck, size_t max_line);

/* Read at most budget bytes into the line reader (to end of file: *eof).
 * What is read is checked to follow what was read before: when the bytes
 * before the read offset changed meanwhile (the file rewritten, truncated
 * and grown again, a rotated copy overwritten by the next copy), nothing is
 * taken and 0 is returned with *eof set (the next tail_file_check says
 * TAIL_REWRITTEN). Returns the bytes read, or -1 (errno set). */
int64_t tail_file_read(tailed_t *t, int64_t budget, int *eof);

/* Nothing read of t yet (at offset 0): the NUL bytes it starts with, if
 * any, are skipped (t starts again after them) and their count returned
 * (0: none). They are a hole, not text: a writer that does not append
 * (O_APPEND) goes on writing at its old offset after copytruncate empties
 * the file, and the file reads as that many NUL bytes before its next line.
 * A file of NUL bytes only is skipped to its end. */
int64_t tail_file_skip_hole(tailed_t *t);

/* Offset of the last stored line: what the checkpoint says. */
int64_t tail_file_consumed(const tailed_t *t);

/* Describe its checkpoint at tail_file_consumed() into t->src (offset,
 * head, window, size seen, identity). */
void tail_file_describe(tailed_t *t);

typedef enum tail_change {
    TAIL_UNCHANGED,   /* nothing new */
    TAIL_GREW,        /* more to read */
    TAIL_TRUNCATED,   /* smaller than what was read: truncated */
    TAIL_REWRITTEN,   /* what was read is not there any more (the first bytes or
                         the bytes before the read offset changed) */
} tail_change_t;

/* Look at the open file (fstat; its content when it changed). */
tail_change_t tail_file_check(tailed_t *t, struct stat *sb_out);

/* What t read of its file, as a checkpoint at offset `at` (a line start
 * at or before t->pos): the first bytes, and the window before `at` when
 * the bytes read still hold it (else no window: the first bytes alone). */
void tail_file_known_at(const tailed_t *t, int64_t at, store_source_t *k);
/* Does t's file still hold what t read (non-mutating: for a rotated file
 * that another file's copy search meets)? */
int tail_file_holds(const tailed_t *t);

/* Close while idle / open again. Reopen finds the file by identity under
 * its path: 0 when it is there (content checked by the next
 * tail_file_check), 1 when the path names another file or none. */
void tail_file_close(tailed_t *t);
int tail_file_reopen(tailed_t *t);

/* ---- tail_recover.c: files rotated away, copies, content gone ------------------
 * At start (both modes): every checkpoint of this run's paths whose file is
 * not under its name any more is looked for by identity in its directory
 * and read to its end; a checkpoint whose content is gone (the file
 * deleted, rewritten, truncated) is looked for by content among its
 * siblings (a copytruncate copy: read from the checkpoint's offset), else
 * counted as missed (tail_missed.c); rotated siblings no checkpoint knows,
 * written after the path's file as last seen, are read from their head.
 * While running: the copy of a file that was just truncated, and the
 * siblings of a file just rotated. The result is data, not calls: a list of
 * files to take, each open with the offset to start at. */

typedef struct tail_found {
    char *path, *root, *spelled;
    char *name_as;         /* the path its stream is named after (a rotated file or a
                              copy: the file it was), or NULL: its own */
    int fd;
    struct stat sb;
    int64_t offset;        /* where to start reading */
    int rotated;           /* not under its followed name: read to its end, then let go */
    int has_ck;            /* ck: what the file holds up to offset (checked as it is read) */
    store_source_t ck;
} tail_found_t;

typedef struct tail_founds {
    tail_found_t *v;
    int n, cap;
} tail_founds_t;

void tail__founds_free(tail_founds_t *fs);   /* closes what was not taken (fd >= 0) */

/* What this run reads: its arguments (absolute) and the files tailed now. */
typedef struct tail_scope {
    char **paths;          /* absolute arguments */
    char *const *spelled;  /* the same as given */
    int npaths;
    tailed_t *const *tailed;  /* the files tailed now (their identities are known) */
    int ntailed;
    const struct tail_index *index;  /* an index of tailed, or NULL (tail__scope gives none) */
    struct tail_listings *listings;  /* directory listings kept between looks, or NULL */
} tail_scope_t;

/* ---- lookups in hash tables (tail_index.c) --------------------------------- */

/* Insert k (owned: freed when it was there already): 1 when it is new. */
int tail__strset_add(tail_strset_t *s, char *k);
int tail__strset_has(const tail_strset_t *s, const char *k);
void tail__strset_free(tail_strset_t *s);

/* The follower's tailed files by identity, path and stem, as indexes into
 * its array; built at the start of a scan, caught up as files are added. */
typedef struct tail_index {
    int *by_id, *by_path, *by_stem;
    int cap;
    int n;                 /* entries of the array indexed */
} tail_index_t;

void tail__index_build(tail_index_t *x, tailed_t *const *v, int n);
void tail__index_catch_up(tail_index_t *x, tailed_t *const *v, int n);
/* The tailed file (not dead) of that identity, or NULL. */
tailed_t *tail__index_identity(const tail_index_t *x, tailed_t *const *v, int64_t dev, int64_t ino);
/* The live (not rotated, not dead) tailed file at path, or NULL. */
tailed_t *tail__index_live(const tail_index_t *x, tailed_t *const *v, const char *path);
/* Indexes (at most max, ascending) of the tailed files in path's directory
 * whose name or stem path's name extends with '.', '-' or '_': the only
 * files path's name can be a sibling name of (ident_sibling_name). */
int tail__index_siblings_of(const tail_index_t *x, tailed_t *const *v, const char *path, int *out, int max);
void tail__index_free(tail_index_t *x);

/* ---- directories (tail_dirs.c) ------------------------------------------ */

/* path as its directory ("." when none) and its last part (in path). */
void tail__split(const char *path, char *dir, size_t n, const char **base);
/* The names in dir, sorted, NULL-terminated (NULL when it cannot be
 * listed); free with tail__free_names. */
char **tail__list_dir(const char *dir);
void tail__free_names(char **v);
/* Open the regular file dir/name (*path_out, *sb); -1 when it is not one. */
int tail__open_reg(const char *dir, const char *name, char **path_out, struct stat *sb);
/* Open the regular file of identity (dev, ino) in dir, under any name; -1. */
int tail__open_by_identity(const char *dir, int64_t dev, int64_t ino, char **path_out, struct stat *sb);
/* The same in path's directory. */
int tail__open_identity(const char *path, int64_t dev, int64_t ino, char **path_out, struct stat *sb);
/* The listings of the directories whose rotated siblings were looked for
 * last: a listing is used again while its directory's mtime has not changed
 * since it was taken (and had not changed in the 100 ms before: a change in
 * the same clock tick could not be seen). At most TAIL_LISTINGS
 * directories, the oldest taken over. */
#define TAIL_LISTINGS 16
typedef struct tail_listings tail_listings_t;
tail_listings_t *tail__listings_new(void);
void tail__listings_free(tail_listings_t *ls);
/* dir's names, sorted (*n of them), from ls or listed now; owned by ls. */
char **tail__listed(tail_listings_t *ls, const char *dir, int *n);

/* Is path under (or one of, or matched by a glob of) the run's arguments? */
int tail__ours(const tail_scope_t *sc, const char *path);
/* The directory argument path was found under, or NULL. */
const char *tail__root_of(const tail_scope_t *sc, const char *path);
/* The argument's spelling when path is a file argument, else NULL. */
const char *tail__spelled(const tail_scope_t *sc, const char *path);


/* Is the new file (fd, sb, named path) a copy of what a tailed file of
 * its directory read, or of that file as it was (a sibling holding its
 * content: cp app.log app.log-20261121)? 1 with *of that file; 2 when it
 * is empty under a sibling's name (a copy cp has only created: look again
 * once it has bytes); 0. */
int tail__copy_of_tailed(const tail_scope_t *sc, int fd, const struct stat *sb, const char *path,
                         const tailed_t **of);

/* At start: every checkpoint of the scope (see above). scanned: the files
 * the paths expand to now. Adds what to read to *out; drops or updates the
 * checkpoints of files that are gone or moved. */
int tail__recover(store_t *st, const tail_scope_t *sc, const file_list_t *scanned, tail_founds_t *out,
                  obs_err_t *err);

/* Why content is gone when its file's identity now holds other content. */
#define TAIL_REPLACED_WHY "its content was replaced (rewritten or truncated in place, or the file deleted " \
                          "and its inode taken by a new one)"

/* Content that is gone from where it was read (old: its checkpoint, path
 * its name, skip_dev/skip_ino the file now at that identity or name, not a
 * candidate): a sibling of path holding it is a copy (copytruncate) — added
 * to *out from the checkpoint's offset (or at its end when it is shorter:
 * read already); none: counted as missed (unless old was read to the end
 * of a rotated file). */
int tail__content_gone(store_t *st, const tail_scope_t *sc, const char *path, const store_source_t *old,
                       int64_t skip_dev, int64_t skip_ino, const char *why, tail_founds_t *out,
                       obs_err_t *err);

/* A file just found truncated or rewritten while it was read (t: what was
 * read of it; seen_ms: its mtime when last looked at): its copy among its
 * siblings, if any, to *out (at t's read offset; bytes the copy lacks are
 * counted as missed), and siblings written since that no checkpoint knows
 * (it was copied and truncated again before this look: from their head;
 * the copy of what was read is gone then, counted as missed). */
int tail__live_copy(store_t *st, const tail_scope_t *sc, tailed_t *t, int64_t seen_ms, tail_founds_t *out,
                    obs_err_t *err);

/* A followed path just found naming a new file, or whose file, nothing
 * read of it yet, has its first bytes now: its rotated siblings (the
 * numbered names the scan never follows: app.log.1, app.1.log) that no
 * checkpoint and no tailed file knows, that are not a copy of the file at
 * the path now, and that were written since seen_ms (the mtime of the
 * path's file when last looked at) were rotated away between two looks: to
 * *out, from their head. */
int tail__live_siblings(store_t *st, const tail_scope_t *sc, const char *path, int64_t seen_ms,
                        tail_founds_t *out, obs_err_t *err);

/* ---- follow mode: the follower --------------------------------------------- */

/* Back-pressure (tail_backpressure.c): why and since when the agent does not read. */
typedef enum bp_state { BP_RUNNING, BP_LOCKED, BP_FULL } bp_state_t;

typedef struct backpressure {
    bp_state_t state;
    int64_t since_ms, since_wall_ms;  /* when the current pause began */
    int64_t retry_at_ms;              /* paused: when to try the store again */
    int64_t retry_ms;                 /* full: the wait before that try (backs off) */
    int64_t pending_bytes;            /* read since the last commit */
    int64_t max_pending;              /* the bound on pending_bytes */
    agent_state_t *as;                /* the state file next to the store */
} backpressure_t;

typedef struct follower {
    store_t *st;
    pipeline_t *pl;
    const follow_opts_t *o;
    tailed_t **v;
    int n, cap;
    int ifd;               /* inotify, or -1 */
    int first_scan;
    int added;             /* files started since the last commit */
    int look_all;          /* every file is looked at this turn (wait_for_change) */
    int more;              /* a file was left with bytes unread this turn (its
                              read budget, the batch's bound): the next turn
                              starts at once, not after --poll-ms */
    char **paths;          /* this run's arguments, absolute */
    char *const *spelled;  /* and as given */
    int npaths;
    tail_strset_t seen;    /* paths some checkpoint names: a new file under one is
                              read from its head, also with --from tail */
    tail_index_t index;    /* f->v by identity, path and stem, during a scan */
    int max_open;          /* open files at most (--max-open-files) */
    int nopen;
    int64_t turn;          /* loop turns so far */
    backpressure_t bp;
    tail_skips_t skips;
    exclude_list_t excl_file;  /* --exclude-from, as last read */
    const char **excl;     /* the globs in effect (borrowed strings) */
    int nexcl;
    int said_unrecognised; /* the first unrecognised platform-like line was logged */
    tail_listings_t *listings;  /* where rotated siblings were looked for last */
} follower_t;

/* ---- tail_fdlimit.c: open files, at most max_open ------------------------- */

/* Before t is read: make sure it is open, closing the file idle longest
 * when max_open are. Returns 0 (open), 1 (its path names another file now:
 * rotated while closed; t->fd stays -1 unless it was found by identity),
 * -1 (no slot free this turn: every open file is busy; try again). */
int tail__fd_acquire(follower_t *f, tailed_t *t);
/* t was read this turn: the last to be closed. */
void tail__fd_used(follower_t *f, tailed_t *t);
/* t was let go (reaped, freed): its slot is free. */
void tail__fd_release(follower_t *f, tailed_t *t);
/* Should this closed file be opened this turn (its path shows new data,
 * or another file)? */
int tail__fd_wanted(const tailed_t *t);

/* ---- tail_scan.c: follow mode's discovery ----------------------------------- */

/* Start tailing a found file (its checkpoint already judged: start at
 * found->offset). Takes found->fd. */
int tail__add(follower_t *f, tail_found_t *found, obs_err_t *err);
/* New files, and files whose path now names another file (rotation). */
int tail__scan(follower_t *f, obs_err_t *err);
/* The scope of follow mode now (its arguments and tailed files). */
void tail__scope(const follower_t *f, tail_scope_t *sc);
/* The path names another file now: t is drained, then let go. */
void tail__mark_rotated(follower_t *f, tailed_t *t);

/* ---- tail_reload.c: SIGHUP ---------------------------------------------- */

/* Read --exclude-from (if given) and set the globs in effect. */
int tail__excludes_init(follower_t *f, obs_err_t *err);
void tail__excludes_done(follower_t *f);
/* SIGHUP: re-read the --exclude-from list (one line on stderr says what
 * came of it); the caller rescans at once. */
void tail__reload(follower_t *f);

/* ---- tail_backpressure.c: a store that cannot take a batch --------------- */

void tail__bp_init(follower_t *f);
void tail__bp_done(follower_t *f);

/* Make sure the open batch is ours before anything is read: start a write
 * transaction unless one is open. Returns 1 when the loop may read and
 * store, 0 when it must not (the store is locked by another connection, or
 * full and not yet due for another try); the pause is reported once on
 * stderr and in the state file. */
int tail__bp_ready(follower_t *f);

/* May t read more now (the batch holds less than max_pending bytes)? */
int tail__bp_may_read(const follower_t *f);

/* n bytes were read into the batch. */
void tail__bp_read(follower_t *f, int64_t n);

/* A checkpoint of t was put into the open batch. */
void tail__bp_put(tailed_t *t);

/* Commit (force: now; else when the batch is full, old, or holds
 * max_pending bytes); on success the put checkpoints become the committed
 * ones; with nothing written, the transaction is let go at once (the write
 * lock is held only while there is something to store). */
int tail__bp_commit(follower_t *f, int force, obs_err_t *err);

/* A store call failed with err. A locked or full store (OBS_EBUSY,
 * OBS_EFULL): the batch is rolled back, every file goes back to its last
 * committed checkpoint, the agent pauses, and 1 is returned (the loop goes
 * on). Any other error: 0 (the loop stops with it). */
int tail__bp_failed(follower_t *f, const obs_err_t *err);

#endif
