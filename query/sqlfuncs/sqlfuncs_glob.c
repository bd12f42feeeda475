/* query/sqlfuncs/sqlfuncs_glob.c — obs_glob_group(pattern, subject, i): the i-th
 * (0-based) `*` capture of a parse glob such as "* [*] user=*".
 *
 * The pattern is literal text around `*`s. The first literal (when the
 * pattern does not start with `*`) is searched for anywhere in the subject;
 * then each `*` captures, non-greedily, up to the next occurrence of the
 * literal that follows it; a trailing `*` takes the rest of the subject;
 * two adjacent `*`s give the first an empty capture. Literals match
 * exactly (case-sensitive). Text after the last literal is ignored. When a
 * literal is not found the glob does not match and every capture is NULL;
 * a NULL subject or an i outside the captures gives NULL too. The split
 * pattern is cached per statement (sqlite3 auxdata). */
#include <string.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

typedef struct glob {
    int nstars;
    const char **lit;  /* nstars + 1 literals (may be empty) */
    size_t *len;
} globpat_t;

static globpat_t *glob_compile(const char *p, size_t n)
{
    int stars = 0;
    for (size_t i = 0; i < n; i++)
        stars += p[i] == '*';
    size_t sz = sizeof(globpat_t) + (size_t)(stars + 1) * (sizeof(char *) + sizeof(size_t)) + n + 1;
    globpat_t *g = sqlite3_malloc64(sz);
    if (!g)
        return NULL;
    g->nstars = stars;
    g->lit = (const char **)(g + 1);
    g->len = (size_t *)(g->lit + stars + 1);
    char *copy = (char *)(g->len + stars + 1);
    memcpy(copy, p, n);
    copy[n] = '\0';
    int k = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || copy[i] == '*') {
            g->lit[k] = copy + start;
            g->len[k] = i - start;
            k++;
            start = i + 1;
        }
    }
    return g;
}

/* Capture want of g in s[0..n): sets *out and *outn; 0 when no match. */
static int glob_capture(const globpat_t *g, const char *s, size_t n, int want, const char **out, size_t *outn)
{
    size_t pos = 0;
    if (g->len[0]) {
        const char *hit = memmem(s, n, g->lit[0], g->len[0]);
        if (!hit)
            return 0;
        pos = (size_t)(hit - s) + g->len[0];
    }
    int found = 0;
    for (int k = 0; k < g->nstars; k++) {
        size_t cap_start = pos, cap_end;
        const char *next = g->lit[k + 1];
        size_t nlen = g->len[k + 1];
        if (nlen == 0) {
            cap_end = k == g->nstars - 1 ? n : pos;  /* trailing: the rest */
        } else {
            const char *hit = memmem(s + pos, n - pos, next, nlen);
            if (!hit)
                return 0;
            cap_end = (size_t)(hit - s);
        }
        if (k == want) {
            *out = s + cap_start;
            *outn = cap_end - cap_start;
            found = 1;
        }
        pos = cap_end + nlen;
    }
    return found;
}

static void fn_glob_group(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL ||
        sqlite3_value_type(argv[2]) == SQLITE_NULL)
        return;
    globpat_t *g = sqlite3_get_auxdata(c, 0);
    int fresh = 0;
    if (!g) {
        const char *p = (const char *)sqlite3_value_text(argv[0]);
        g = glob_compile(p ? p : "", (size_t)sqlite3_value_bytes(argv[0]));
        if (!g) {
            sqlite3_result_error_nomem(c);
            return;
        }
        fresh = 1;
    }
    const char *s = (const char *)sqlite3_value_text(argv[1]), *cap;
    size_t n = (size_t)sqlite3_value_bytes(argv[1]), capn;
    sqlite3_int64 want = sqlite3_value_int64(argv[2]);
    if (s && want >= 0 && want < g->nstars && glob_capture(g, s, n, (int)want, &cap, &capn))
        sqlite3_result_text64(c, cap, capn, SQLITE_TRANSIENT, SQLITE_UTF8);
    if (fresh)
        sqlite3_set_auxdata(c, 0, g, sqlite3_free);
}

static const sqlfn_def_t defs[] = {
    { "obs_glob_group", 3, fn_glob_group },
};

int query_sqlfuncs__register_glob(sqlite3 *db)
{
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
