/* agent/tail/tail.h — reading log files: follow mode (obsagent without
 * --once) tails files and directories until SIGTERM/SIGINT, picking up new
 * files, following rotation (rename + create, copytruncate, delete +
 * recreate), storing a partial last line after an idle time; `--once`
 * imports files, directories (recursively) or stdin to their end. Both
 * read a file through one tailed-file object, know it by its identity
 * (device, inode, the content read; never the spelling of its path), find
 * what was rotated, copied or lost while they were not running, and
 * checkpoint every file in the same transaction as its rows, so a re-run or
 * a restart after a kill neither loses nor doubles a line, and what is gone
 * is counted and said (docs/operations.md, "What is guaranteed"). */
#ifndef OBS_AGENT_TAIL_H
#define OBS_AGENT_TAIL_H

#include "agent/pipeline.h"

#include <signal.h>
#include <stdio.h>

/* Another source follow mode serves beside the files: its fd is polled
 * with them; serve() stores what waits (every turn, after the files'
 * checkpoints are put); rolled_back() after the open batch was dropped;
 * committed() after each commit; paused() when the loop pauses (the store
 * locked or full) and resumes; waiting() says whether a sender waits for
 * the open batch's commit (2: commit now), or something is still held (1)
 * or nothing (0); stop() at SIGTERM/SIGINT (take nothing new; what arrived
 * is stored by the last serve); finish() after the last commit, with
 * whether it stored everything and, if not, why: it says what was not
 * stored and returns how many items were lost. */
typedef struct follow_extra {
    int fd;
    void *ctx;
    int (*serve)(void *ctx, obs_err_t *err);
    void (*rolled_back)(void *ctx);
    void (*committed)(void *ctx);
    void (*paused)(void *ctx, int paused);
    int (*waiting)(void *ctx);
    void (*stop)(void *ctx);
    int64_t (*finish)(void *ctx, int stored, const char *why);
} follow_extra_t;

typedef struct follow_opts {
    const char *db_path;
    const char *const *exclude;      /* globs on the path or the file name */
    int nexclude;
    const char *exclude_from;        /* a file of more globs, re-read at SIGHUP, or NULL */
    const char *function, *stream, *log_group;  /* overrides, or NULL */
    size_t max_line;                 /* 0 = LINE_MAX_DEFAULT */
    int poll_ms;                     /* stat poll and rescan step (default 250) */
    int idle_flush_ms;               /* store a partial last line after this (3000) */
    int multiline_timeout_ms;        /* store a pending multi-line event after this
                                        without data (MULTILINE_TIMEOUT_MS) */
    int rotate_wait_ms;              /* keep reading a rotated file this long (5000) */
    int from_tail;                   /* files present at start, never read before:
                                        start at their end */
    int64_t max_pending_bytes;       /* read but not committed, at most (0 = default) */
    int max_open_files;              /* files open at most (0: no limit); idle ones are closed
                                        and opened again by identity (tail_fdlimit.c) */
    /* Another source the loop serves beside the files (the network
     * inputs, agent/net/net_source.h); fd -1: none. */
    follow_extra_t extra;
    /* --retention / --max-db-size: a turn of deletions after the sources'
     * (agent/retention.h); NULL: none */
    struct retention *retention;
} follow_opts_t;

#define FOLLOW_POLL_MS 250
/* With inotify and no event, a file is looked at (and the paths scanned)
 * every this many polls only (2 s at the default --poll-ms). */
#define FOLLOW_BACKSTOP_POLLS 8
#define FOLLOW_IDLE_FLUSH_MS 3000
#define FOLLOW_ROTATE_WAIT_MS 5000
#define FOLLOW_MAX_PENDING_DEFAULT (32LL * 1024 * 1024)

/* How many files follow mode may keep open: `wanted` (0: as many as the
 * limit allows), at most RLIMIT_NOFILE's soft limit less `reserved`
 * descriptors (the store's, the sockets', the watches'); a `wanted` above
 * that is lowered, with one line on stderr. */
int follow_open_files_limit(int wanted, int reserved);

/* Stop follow_run as SIGTERM does (from another thread: the Lambda
 * extension at SHUTDOWN); also before it started. */
void follow_request_stop(void);

/* Run until SIGTERM or SIGINT (then flush, commit and return 0); SIGHUP
 * re-reads exclude_from and rescans at once (tail_reload.c). A locked
 * or full store pauses reading until it takes writes again
 * (agent/tail/tail_backpressure.c); other store errors stop it. */
int follow_run(store_t *st, pipeline_t *pl, const follow_opts_t *o, char *const *paths, int npaths,
               obs_err_t *err);

/* ---- --once (tail_import.c, tail_import_summary.c) ---- */

#include <stdio.h>

typedef struct import_opts {
    const char *function, *stream, *log_group;  /* overrides, or NULL */
    const char *db_path;          /* never imported even when under a path */
    size_t max_line;              /* 0 = LINE_MAX_DEFAULT */
    int progress;                 /* draw a progress line on stderr (a tty) */
    const volatile sig_atomic_t *stop;  /* set (a signal): stop after the chunk being read,
                                           storing what was read; NULL: never */
    const char *const *exclude;   /* --exclude globs (on the path or the name) */
    int nexclude;
    const char *exclude_from;     /* --exclude-from FILE: more globs, read once */
    decode_format_t format;       /* --format (DECODE_AUTO: each input's own) */
} import_opts_t;

typedef struct import_report {
    int files_found;              /* regular files considered */
    int files_read;               /* files with new data read */
    int files_unchanged;          /* already imported to their end */
    int files_replaced;           /* checkpoint did not match: read from the start */
    int files_skipped;            /* compressed/rotated archives, not read */
    int files_recovered;          /* rotated away or copied since the last run: their unread part read */
    int files_failed;             /* could not be read (each reported on stderr) */
    int files_not_logs;           /* in directories, not logs: by name (*.md) or by content
                                     (a JSON document that is no log export) */
    int files_whole;              /* read whole: gzip files and documents (tail_doc.h) */
    int files_whole_changed;      /* such a file grown since it was read: not read again */
    double seconds;
    int interrupted;              /* stopped by opts->stop: files_done of files_found read */
    int files_done;
    int64_t bytes_done, bytes_total;
    int indexes_left;             /* interrupted: the time indexes wait for the next open */
} import_report_t;

/* Import every path ("-" = stdin). Stops at the first store error; a file
 * that cannot be read is reported on stderr, counted, and skipped. */
int import_paths(store_t *st, pipeline_t *pl, const import_opts_t *opts, char *const *paths,
                 int npaths, import_report_t *rep, obs_err_t *err);

/* The end-of-run summary (see docs/formats.md for the counters). */
void import_print_summary(FILE *f, const import_report_t *rep, const pipeline_stats_t *s,
                          const char *db_path);

#endif
