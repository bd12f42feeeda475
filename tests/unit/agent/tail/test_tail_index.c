/* tests/unit/agent/tail/test_tail_index.c — the scan's hash lookups
 * (agent/tail/tail_index.c): a set of strings; tailed files found by
 * identity (not dead), by path (live only, a rotated file under the same
 * path passed over), and the candidates for a sibling name: every file a
 * pass over all of them finds with ident_sibling_name (the rule the index
 * narrows) is among them, in order; all of them still right after files
 * are added (caught up) and past a table's growth. Pure: tailed_t values
 * in memory. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "agent/tail/tail_int.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 700

static tailed_t files[N];
static tailed_t *v[N];
static char paths[N][64];

/* v[i]: dev 1, ino 100 + i, at one of a few shapes of name in 3 directories */
static void fill(int n)
{
    static const char *shape[] = { "%s/s%d.log", "%s/app%d", "%s/s%d.log.1", "%s/x-%d.json" };
    static const char *dirs[] = { "/l/fn-a", "/l/fn-b", "/l" };
    memset(files, 0, sizeof files);
    for (int i = 0; i < n; i++) {
        snprintf(paths[i], sizeof paths[i], shape[i % 4], dirs[i % 3], i);
        files[i].path = paths[i];
        files[i].dev = 1;
        files[i].ino = 100 + i;
        v[i] = &files[i];
    }
}

static void test_strset(void)
{
    tail_strset_t s = { 0 };
    char k[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(k, sizeof k, "/p/%d", i);
        CHECK_EQ_INT(tail__strset_add(&s, xstrdup(k)), 1);
    }
    CHECK_EQ_INT(tail__strset_add(&s, xstrdup("/p/7")), 0);   /* there: freed, not added */
    CHECK_EQ_INT(s.used, 1000);
    CHECK(tail__strset_has(&s, "/p/999"));
    CHECK(!tail__strset_has(&s, "/p/1000"));
    CHECK(!tail__strset_has(&s, "/p/"));
    tail__strset_free(&s);
    CHECK(!tail__strset_has(&s, "/p/1"));
}

static void test_identity_and_path(void)
{
    tail_index_t x = { 0 };
    fill(N);
    tail__index_build(&x, v, N / 2);
    tail__index_catch_up(&x, v, N);   /* grows past its table */
    for (int i = 0; i < N; i++) {
        CHECK(tail__index_identity(&x, v, 1, 100 + i) == v[i]);
        CHECK(tail__index_live(&x, v, paths[i]) == v[i]);
    }
    CHECK(tail__index_identity(&x, v, 2, 100) == NULL);
    CHECK(tail__index_live(&x, v, "/l/fn-a/nothing.log") == NULL);
    /* rotated away: the live file now under its path is the one found */
    files[5].rotated = 1;
    files[N - 1].path = paths[5];
    tail__index_build(&x, v, N);
    CHECK(tail__index_live(&x, v, paths[5]) == v[N - 1]);
    /* dead: not found by identity */
    files[6].dead = 1;
    CHECK(tail__index_identity(&x, v, 1, 106) == NULL);
    tail__index_free(&x);
}

/* What a pass over every file keeps, by the rule the index narrows. */
static int all_siblings(const char *path, int *out)
{
    const char *slash = strrchr(path, '/'), *base = slash + 1;
    int n = 0;
    for (int i = 0; i < N; i++) {
        const char *ts = strrchr(v[i]->path, '/');
        if ((size_t)(ts - v[i]->path) == (size_t)(slash - path) &&
            strncmp(v[i]->path, path, (size_t)(slash - path)) == 0 && ident_sibling_name(ts + 1, base))
            out[n++] = i;
    }
    return n;
}

static void test_siblings(void)
{
    static const char *probe[] = { "/l/fn-a/s0.log.1", "/l/fn-a/s0.log-20261121", "/l/fn-a/s0.1.log",
                                   "/l/fn-b/app1.2", "/l/fn-b/app1_old", "/l/fn-a/s12.log.1.1",
                                   "/l/x-3.json.1", "/l/x-3.7.json", "/l/fn-a/s0.logx", "/l/s.log",
                                   "/l/fn-b/s4.log.1", "/l/fn-a/.1" };
    tail_index_t x = { 0 };
    fill(N);
    tail__index_build(&x, v, N);
    int found = 0;
    for (size_t p = 0; p < sizeof probe / sizeof *probe; p++) {
        int want[N], got[64];
        int nw = all_siblings(probe[p], want);
        int ng = tail__index_siblings_of(&x, v, probe[p], got, 64);
        found += nw;
        for (int i = 1; i < ng; i++)
            CHECK(got[i - 1] < got[i]);
        for (int w = 0; w < nw; w++) {
            int in = 0;
            for (int i = 0; i < ng; i++)
                in |= got[i] == want[w];
            if (!in)
                fprintf(stderr, "  %s: %s not among the candidates\n", probe[p], v[want[w]]->path);
            CHECK(in);
        }
        CHECK(ng <= 3);   /* candidates by name, not every file of the directory */
    }
    CHECK(found >= 5);   /* the probes do name siblings */
    /* s0.log and s0.log.1 (a tailed file itself) are both what s0.log.1.1 extends */
    int got[64];
    snprintf(paths[2], sizeof paths[2], "/l/fn-a/s0.log.1");
    tail__index_build(&x, v, N);
    int n = tail__index_siblings_of(&x, v, "/l/fn-a/s0.log.1.1", got, 64);
    CHECK_EQ_INT(n, 2);
    CHECK(n == 2 && got[0] == 0 && got[1] == 2);
    tail__index_free(&x);
}

TEST_LIST = {
    TEST(test_strset),
    TEST(test_identity_and_path),
    TEST(test_siblings),
    TEST_END,
};
