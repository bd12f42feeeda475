/* agent/tail/tail_exclude.c — reading an --exclude-from list (see tail_int.h). */
#include "agent/tail/tail_int.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int exclude_file_read(const char *path, exclude_list_t *out, obs_err_t *err)
{
    FILE *fp = fopen(path, "r");
    exclude_list_t l = { NULL, 0 };
    char line[4096];
    if (!fp)
        return obs_err_set(err, OBS_EIO, "cannot read exclude list %s: %s", path, strerror(errno));
    while (fgets(line, sizeof line, fp)) {
        char *p = line, *e;
        while (*p == ' ' || *p == '\t')
            p++;
        e = p + strlen(p);
        while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            *--e = '\0';
        if (!*p || *p == '#')
            continue;
        l.v = xrealloc(l.v, (size_t)(l.n + 1) * sizeof *l.v);
        l.v[l.n++] = xstrdup(p);
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        exclude_list_free(&l);
        return obs_err_set(err, OBS_EIO, "cannot read exclude list %s", path);
    }
    *out = l;
    return 0;
}

void exclude_list_free(exclude_list_t *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
