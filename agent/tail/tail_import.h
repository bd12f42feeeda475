/* agent/tail/tail_import.h — `obsagent --once`: read files, directories (recursively)
 * or stdin to their end through the pipeline, checkpointing each file in the
 * same transaction as its rows so that a re-run imports nothing twice. */
#ifndef OBS_IMPORT_H
#define OBS_IMPORT_H

#include "agent/pipeline.h"

#include <stdio.h>

typedef struct import_opts {
    const char *function, *stream, *log_group;  /* overrides, or NULL */
    const char *db_path;          /* never imported even when under a path */
    size_t max_line;              /* 0 = LINE_MAX_DEFAULT */
    int progress;                 /* draw a progress line on stderr (a tty) */
} import_opts_t;

typedef struct import_report {
    int files_found;              /* regular files considered */
    int files_read;               /* files with new data read */
    int files_unchanged;          /* already imported to their end */
    int files_replaced;           /* checkpoint did not match: read from the start */
    int files_skipped;            /* compressed/rotated archives, not read */
    int files_failed;             /* could not be read (each reported on stderr) */
    double seconds;
} import_report_t;

/* Import every path ("-" = stdin). Stops at the first store error; a file
 * that cannot be read is reported on stderr, counted, and skipped. */
int import_paths(store_t *st, pipeline_t *pl, const import_opts_t *opts, char *const *paths,
                 int npaths, import_report_t *rep, obs_err_t *err);

/* The end-of-run summary (see docs/formats.md for the counters). */
void import_print_summary(FILE *f, const import_report_t *rep, const pipeline_stats_t *s,
                          const char *db_path);

#endif
