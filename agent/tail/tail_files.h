/* agent/tail/tail_files.h — which files are logs: expanding PATH arguments (files and
 * directories, walked in name order), skipping hidden files, the store's
 * own files, compressed archives and rotated siblings (x.log.1), and
 * exclude globs; and the fingerprint that identifies a file's content. */
#ifndef OBS_FILES_H
#define OBS_FILES_H

#include "common/err.h"

#include <stdint.h>
#include <sys/stat.h>

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

#endif
