/* tests/unit/agent/tail/test_files.c — finding log files
 * (agent/tail/tail_files.c): a file is listed once by identity whatever
 * its names (a symlink beside it, a directory reached twice, the argument
 * spelled relative or absolute), under a name no symlink led to; a symlink
 * loop is said once and not followed round; a tree deeper than 31
 * directories is read; rotated names and archives are left out and
 * counted; paths are made absolute. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "agent/tail/tail_int.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void touch(const char *rel, const char *text)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void mkd(const char *rel)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    CHECK(mkdir(p, 0700) == 0);
}

static void link_to(const char *target, const char *rel)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    CHECK(symlink(target, p) == 0);
}

static int has(const file_list_t *fl, const char *rel)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    for (int i = 0; i < fl->n; i++)
        if (strcmp(fl->v[i].path, p) == 0)
            return 1;
    return 0;
}

static void scan(file_list_t *fl, tail_skips_t *sk)
{
    char *args[1] = { dir };
    files_filter_t ff = { NULL, NULL, 0, sk, NULL, 0, 0 };
    memset(fl, 0, sizeof *fl);
    files_scan(fl, &ff, args, 1);
}

static void test_symlink_read_once(void)
{
    tmpdir_make(dir, sizeof dir, "files");
    mkd("fn");
    touch("fn/2026-11-21.log", "a\n");
    link_to("2026-11-21.log", "fn/current.log");   /* sorts before it */
    file_list_t fl;
    scan(&fl, NULL);
    CHECK_EQ_INT(fl.n, 1);
    CHECK(has(&fl, "fn/2026-11-21.log"));   /* the name no symlink led to */
    files_list_free(&fl);
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/fn/current.log", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/fn/2026-11-21.log", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/fn", dir);
    rmdir(p);
    tmpdir_remove(dir);
}

static void test_symlink_loop(void)
{
    tmpdir_make(dir, sizeof dir, "files");
    mkd("fn");
    mkd("fn2");
    touch("fn/a.log", "a\n");
    touch("fn2/b.log", "b\n");
    link_to("..", "fn2/up");
    tail_skips_t sk = { 0 };
    file_list_t fl;
    scan(&fl, &sk);
    CHECK_EQ_INT(fl.n, 2);
    CHECK(has(&fl, "fn/a.log") && has(&fl, "fn2/b.log"));
    CHECK_EQ_INT(sk.used, 1);   /* the loop, said once */
    files_list_free(&fl);
    scan(&fl, &sk);             /* a second scan says nothing more */
    CHECK_EQ_INT(sk.used, 1);
    files_list_free(&fl);
    tail__skips_free(&sk);
    char p[PATH_MAX];
    snprintf(p, sizeof p, "rm -rf '%s'", dir);
    CHECK(system(p) == 0);
}

static void test_deep_tree(void)
{
    char rel[PATH_MAX] = "fn";
    tmpdir_make(dir, sizeof dir, "files");
    mkd(rel);
    for (int i = 0; i < 40; i++) {
        size_t n = strlen(rel);
        snprintf(rel + n, sizeof rel - n, "/d%d", i);
        mkd(rel);
    }
    size_t n = strlen(rel);
    snprintf(rel + n, sizeof rel - n, "/deep.log");
    touch(rel, "deep\n");
    file_list_t fl;
    scan(&fl, NULL);
    CHECK_EQ_INT(fl.n, 1);
    CHECK(has(&fl, rel));
    files_list_free(&fl);
    char p[PATH_MAX];
    snprintf(p, sizeof p, "rm -rf '%s'", dir);
    CHECK(system(p) == 0);
}

static void test_rotated_and_archives_counted(void)
{
    tmpdir_make(dir, sizeof dir, "files");
    mkd("fn");
    touch("fn/s.log", "a\n");
    touch("fn/s.log.1", "b\n");
    touch("fn/s.log.2.gz", "c\n");
    file_list_t fl;
    scan(&fl, NULL);
    CHECK_EQ_INT(fl.n, 1);
    CHECK_EQ_INT(fl.skipped, 2);
    files_list_free(&fl);
    char p[PATH_MAX];
    snprintf(p, sizeof p, "rm -rf '%s'", dir);
    CHECK(system(p) == 0);
}

static void test_absolute(void)
{
    char cwd[PATH_MAX], want[PATH_MAX + 32];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    char *a = files_absolute("logs");
    char *b = files_absolute("./logs/");
    char *c = files_absolute("logs//fn/./s.log");
    snprintf(want, sizeof want, "%s/logs", cwd);
    CHECK_EQ_STR(a, want);
    CHECK_EQ_STR(b, want);
    snprintf(want, sizeof want, "%s/logs/fn/s.log", cwd);
    CHECK_EQ_STR(c, want);
    free(a);
    free(b);
    free(c);
    a = files_absolute("/var//log/./x");
    CHECK_EQ_STR(a, "/var/log/x");
    free(a);
}

/* A directory argument spelled three ways: the same files, the same names. */
static void test_spellings(void)
{
    char cwd[PATH_MAX];
    tmpdir_make(dir, sizeof dir, "files");
    mkd("logs");
    mkd("logs/fn");
    touch("logs/fn/s.log", "a\n");
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(dir) == 0);
    char *spellings[] = { "logs", "./logs", "logs/" };
    for (int i = 0; i < 3; i++) {
        file_list_t fl = { 0 };
        files_filter_t ff = { NULL, NULL, 0, NULL, NULL, 0, 0 };
        int use_stdin = 0;
        obs_err_t err;
        CHECK_EQ_INT(files_collect(&fl, &ff, &spellings[i], 1, &use_stdin, &err), 0);
        CHECK_EQ_INT(fl.n, 1);
        if (fl.n == 1) {
            char want[PATH_MAX + 32];
            snprintf(want, sizeof want, "%s/logs/fn/s.log", dir);
            CHECK_EQ_STR(fl.v[0].path, want);
            pathmap_t pm;
            CHECK_EQ_INT(pathmap_derive(fl.v[0].root, fl.v[0].path, &pm), 0);
            CHECK_EQ_STR(pm.function, "fn");
        }
        files_list_free(&fl);
    }
    CHECK(chdir(cwd) == 0);
    char p[PATH_MAX];
    snprintf(p, sizeof p, "rm -rf '%s'", dir);
    CHECK(system(p) == 0);
}

TEST_LIST = {
    TEST(test_symlink_read_once),
    TEST(test_symlink_loop),
    TEST(test_deep_tree),
    TEST(test_rotated_and_archives_counted),
    TEST(test_absolute),
    TEST(test_spellings),
    TEST_END,
};
