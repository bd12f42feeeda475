/* agent/tail/tail_exclude.h — the --exclude-from FILE list: one glob per line,
 * blank lines and lines starting with '#' ignored, surrounding blanks
 * trimmed. Follow mode reads it at start and again at each SIGHUP. */
#ifndef OBS_EXCLUDE_FILE_H
#define OBS_EXCLUDE_FILE_H

#include "common/err.h"

typedef struct exclude_list {
    char **v;          /* owned globs */
    int n;
} exclude_list_t;

/* Read path into *out (replacing nothing: out is filled only on success). */
int exclude_file_read(const char *path, exclude_list_t *out, obs_err_t *err);
void exclude_list_free(exclude_list_t *l);

#endif
