/* common/limits.c — concurrency limits by function name (see limits.h). */
#include "common/limits.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void limits_init(limits_t *l)
{
    memset(l, 0, sizeof *l);
    l->account = LIMITS_ACCOUNT_DEFAULT;
}

static int whole(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 100000000)
        return -1;
    *out = (int)v;
    return 0;
}

int limits_set_account(limits_t *l, const char *arg, char *why, size_t n)
{
    if (whole(arg, &l->account)) {
        snprintf(why, n, "the account limit is a whole number of concurrent executions, 1 or more: '%s'", arg);
        return -1;
    }
    return 0;
}

int limits_add(limits_t *l, const char *arg, char *why, size_t n)
{
    const char *eq = strrchr(arg, '=');
    int v;
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof l->fn[0].name || whole(eq + 1, &v)) {
        snprintf(why, n, "a limit is FUNCTION=N, N a whole number of concurrent executions, 1 or more: '%s'",
                 arg);
        return -1;
    }
    size_t len = (size_t)(eq - arg);
    for (int i = 0; i < l->n; i++) {
        if (strlen(l->fn[i].name) == len && memcmp(l->fn[i].name, arg, len) == 0) {
            l->fn[i].limit = v;
            return 0;
        }
    }
    if (l->n == LIMITS_MAX) {
        snprintf(why, n, "at most %d functions have a limit of their own", LIMITS_MAX);
        return -1;
    }
    memcpy(l->fn[l->n].name, arg, len);
    l->fn[l->n].name[len] = '\0';
    l->fn[l->n++].limit = v;
    return 0;
}

int limits_of(const limits_t *l, const char *function, int *own)
{
    for (int i = 0; i < l->n; i++) {
        if (strcmp(l->fn[i].name, function) == 0) {
            if (own)
                *own = 1;
            return l->fn[i].limit;
        }
    }
    if (own)
        *own = 0;
    return l->account;
}

int limits_level(int limit, double share)
{
    int v = (int)ceil((double)limit * share - 1e-9);
    return v < 1 ? 1 : v;
}
