/* agent/tail/tail_reload.c — what follow mode re-reads at SIGHUP. There is no
 * configuration file; what can usefully change while the agent runs is
 * which files it takes: the --exclude-from list is read again (a list that
 * cannot be read keeps the previous one, with a one-line error), and the
 * paths are scanned at once rather than at the next poll step. Exclusions
 * apply to files found from then on: a file already followed is followed
 * until it is rotated away or the agent restarts (its checkpoint keeps its
 * place either way). Other options are fixed at start. */
#include "agent/tail/tail_int.h"
#include "common/xalloc.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>

/* The globs in effect: --exclude ones, then the list's. */
static void combine(follower_t *f)
{
    free(f->excl);
    f->nexcl = f->o->nexclude + f->excl_file.n;
    f->excl = xcalloc((size_t)f->nexcl + 1, sizeof *f->excl);
    for (int i = 0; i < f->o->nexclude; i++)
        f->excl[i] = f->o->exclude[i];
    for (int i = 0; i < f->excl_file.n; i++)
        f->excl[f->o->nexclude + i] = f->excl_file.v[i];
}

int tail__excludes_init(follower_t *f, obs_err_t *err)
{
    int rc = 0;
    if (f->o->exclude_from)
        rc = exclude_file_read(f->o->exclude_from, &f->excl_file, err);
    combine(f);
    return rc;
}

void tail__excludes_done(follower_t *f)
{
    exclude_list_free(&f->excl_file);
    free(f->excl);
    f->excl = NULL;
    f->nexcl = 0;
}

void tail__reload(follower_t *f)
{
    exclude_list_t l;
    obs_err_t err = { 0 };
    if (!f->o->exclude_from) {
        obs_log(OBS_LOG_INFO, "SIGHUP: rescanning (no --exclude-from list to re-read)");
        return;
    }
    if (exclude_file_read(f->o->exclude_from, &l, &err) != 0) {
        obs_log(OBS_LOG_INFO, "SIGHUP: %s; keeping the previous %d pattern%s", err.msg,
                f->excl_file.n, f->excl_file.n == 1 ? "" : "s");
        return;
    }
    exclude_list_free(&f->excl_file);
    f->excl_file = l;
    combine(f);
    obs_log(OBS_LOG_INFO, "SIGHUP: %d exclude pattern%s from %s; rescanning", l.n,
            l.n == 1 ? "" : "s", f->o->exclude_from);
}
