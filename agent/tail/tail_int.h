/* agent/tail/tail_int.h — what the files of agent/tail/ share, and nothing
 * outside them uses (the unit tests aside): a section per file. */
#ifndef OBS_AGENT_TAIL_INT_H
#define OBS_AGENT_TAIL_INT_H

#include "agent/tail/tail.h"
#include "common/err.h"
#include "store/agent_state.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* ---- tail_files.c: which files are logs ------------------------------------
 * Expanding PATH arguments (files and directories, walked in name order),
 * skipping hidden files, the store's own files, compressed archives and
 * rotated siblings (x.log.1), and exclude globs; and the fingerprint that
 * identifies a file's content. */

#define FILES_FINGERPRINT_MAX 1024

typedef struct file_entry {
    char *path;
    char *root;      /* directory argument it was found under, or NULL */
    int64_t size;
} file_entry_t;

typedef struct file_list {
    file_entry_t *v;
    int n, cap;
    int skipped;     /* archives and rotated siblings left out */
} file_list_t;

/* Exclude globs (fnmatch on the path and on the file name), may be empty. */
typedef struct files_filter {
    const char *db_path;           /* the store: never a log */
    const char *const *exclude;
    int nexclude;
} files_filter_t;

/* Expand paths ("-" sets *use_stdin). A missing argument is an error. */
int files_collect(file_list_t *fl, const char *db_path, char *const *paths, int npaths,
                  int *use_stdin, obs_err_t *err);
/* The same with exclude globs; missing arguments are skipped, not errors
 * (follow mode waits for them to appear). */
int files_scan(file_list_t *fl, const files_filter_t *f, char *const *paths, int npaths);
void files_list_free(file_list_t *fl);

/* FNV-1a of the first len bytes of fd (pread); -1 when fewer are there. */
int files_fingerprint(int fd, int64_t len, uint64_t *out);
/* Do the file's first len bytes hash to fp? A checkpoint taken before any
 * byte was read has len 0 and no fingerprint: any file of its identity is
 * it. */
int files_same_start(int fd, int64_t len, uint64_t fp);
/* The file's mtime in epoch ms (the writer's clock: follow mode compares
 * rotated siblings' mtimes with its checkpoints'). */
int64_t files_mtime_ms(const struct stat *sb);

/* Compressed archive or rotated sibling (app.log.1, app.log.2.gz, app.1.log). */
int files_ignored_name(const char *name);

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

/* ---- tail_follow.c: follow mode's loop, discovery, rotation, reading ------- */

typedef struct tailed {
    char *path, *root;
    char *key;             /* checkpoint key: path, or path\x1finode once rotated */
    char *fn, *group, *stream;  /* its stream's names (to reopen it after a rewind) */
    int fd;
    int64_t dev, ino;
    int64_t start;         /* file offset the reader began at */
    int64_t pos;           /* file offset of the next read */
    line_reader_t lr;
    multiline_event_t ml;  /* a multi-line event read but not yet stored */
    pipeline_stream_t *ps; /* NULL after a rewind: reopened before the next read */
    store_source_t src;
    int64_t last_data_ms;
    int64_t seen_mtime_ms; /* the file's mtime when last looked at: the
                              writer's clock, which rotated siblings' mtimes
                              are compared with (tail_recover.c); its
                              checkpoint's updated_ms */
    int rotated;           /* the path names another file now */
    int64_t rotated_ms;
    int dirty;             /* lines stored since the last checkpoint */
    /* what a rewind goes back to: the checkpoint put in the open batch,
     * and the one last committed (or, never committed, where it started) */
    int put_pending;       /* a checkpoint was put in the open batch */
    store_source_t put;
    int committed;         /* a checkpoint of it was committed by this process */
    store_source_t done;   /* that checkpoint */
    int64_t first_offset;  /* where it started (when not committed) */
} tailed_t;

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
    char *const *paths;    /* this run's arguments */
    int npaths;
    char **successors;     /* paths whose earlier file was recovered: their
                              current file is new, read from its head */
    int nsuccessors;
    backpressure_t bp;
    exclude_list_t excl_file;  /* --exclude-from, as last read */
    const char **excl;     /* the globs in effect (borrowed strings) */
    int nexcl;
    int said_unrecognised; /* the first unrecognised platform-like line was logged */
} follower_t;

/* One line "obsagent: " fmt on stderr (fmt takes two strings). */
void tail__warn(const char *fmt, const char *a, const char *b);

/* ---- tail_file.c: one tailed file --------------------------------------- */

/* Start tailing an open file. offset < 0: from its checkpoint (or head, or
 * tail); rotated: a file found by identity (recovery). */
int tail__add_tailed(follower_t *f, const char *path, const char *root, int fd,
                     const struct stat *sb, int64_t offset, int rotated, obs_err_t *err);
/* The path names another file now: t's checkpoint moves to its rotated key. */
void tail__mark_rotated(follower_t *f, tailed_t *t);
/* Close and free t (not removing it from f). */
void tail__tailed_free(tailed_t *t);

/* ---- tail_recover.c: files rotated away while the agent was down ------- */

/* At start: find every checkpointed file by identity and read it to its end. */
int tail__recover(follower_t *f, char *const *paths, int npaths, obs_err_t *err);
/* A scan found t's path naming a new file: take its rotated siblings that
 * are checkpointed under another name. */
int tail__live_siblings(follower_t *f, const tailed_t *t, obs_err_t *err);

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
