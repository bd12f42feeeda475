/* agent/tail/tail_int.h — the follower's state, shared by the files of
 * follow mode only: follow.c (the loop, discovery, rotation, reading),
 * follow_recover.c (files rotated away while the agent was down) and
 * backpressure.c (pausing while the store cannot take a batch, rewinding to
 * the last committed checkpoints after a failed one). Not for other modules. */
#ifndef OBS_FOLLOW_INTERNAL_H
#define OBS_FOLLOW_INTERNAL_H

#include "agent/tail/tail.h"
#include "agent/tail/tail_files.h"

#include <sys/stat.h>
#include "store/agent_state.h"
#include "agent/tail/tail_exclude.h"

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
                              are compared with (follow_recover.c); its
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

/* Back-pressure: why and since when the agent does not read. */
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
} follower_t;

int64_t follow__now_ms(void);
int64_t follow__wall_ms(void);
/* One line "obsagent: " fmt on stderr (fmt takes two strings). */
void follow__warn(const char *fmt, const char *a, const char *b);
/* Start tailing an open file. offset < 0: from its checkpoint (or head, or
 * tail); rotated: a file found by identity (recovery). */
int follow__add_tailed(follower_t *f, const char *path, const char *root, int fd,
                       const struct stat *sb, int64_t offset, int rotated, obs_err_t *err);

/* ---- follow_recover.c: files rotated away while the agent was down ------ */

/* At start: find every checkpointed file by identity and read it to its end. */
int follow__recover(follower_t *f, char *const *paths, int npaths, obs_err_t *err);
/* A scan found t's path naming a new file: take its rotated siblings that
 * are checkpointed under another name. */
int follow__live_siblings(follower_t *f, const tailed_t *t, obs_err_t *err);

/* ---- follow_reload.c: SIGHUP ---------------------------------------------- */

/* Read --exclude-from (if given) and set the globs in effect. */
int follow__excludes_init(follower_t *f, obs_err_t *err);
void follow__excludes_done(follower_t *f);
/* SIGHUP: re-read the --exclude-from list (one line on stderr says what
 * came of it); the caller rescans at once. */
void follow__reload(follower_t *f);

/* ---- backpressure.c ------------------------------------------------------ */

void bp_init(follower_t *f);
void bp_done(follower_t *f);

/* Make sure the open batch is ours before anything is read: start a write
 * transaction unless one is open. Returns 1 when the loop may read and
 * store, 0 when it must not (the store is locked by another connection, or
 * full and not yet due for another try); the pause is reported once on
 * stderr and in the state file. */
int bp_ready(follower_t *f);

/* May t read more now (the batch holds less than max_pending bytes)? */
int bp_may_read(const follower_t *f);

/* n bytes were read into the batch. */
void bp_read(follower_t *f, int64_t n);

/* A checkpoint of t was put into the open batch. */
void bp_put(tailed_t *t);

/* Commit (force: now; else when the batch is full, old, or holds
 * max_pending bytes); on success the put checkpoints become the committed
 * ones; with nothing written, the transaction is let go at once (the write
 * lock is held only while there is something to store). */
int bp_commit(follower_t *f, int force, obs_err_t *err);

/* A store call failed with err. A locked or full store (OBS_EBUSY,
 * OBS_EFULL): the batch is rolled back, every file goes back to its last
 * committed checkpoint, the agent pauses, and 1 is returned (the loop goes
 * on). Any other error: 0 (the loop stops with it). */
int bp_failed(follower_t *f, const obs_err_t *err);

#endif
