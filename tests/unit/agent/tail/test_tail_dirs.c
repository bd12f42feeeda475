/* tests/unit/agent/tail/test_tail_dirs.c — the directories the tail looks
 * into (agent/tail/tail_dirs.c): a directory's names come sorted; a kept
 * listing is used again while the directory's mtime is the one it had, and
 * listed again when the mtime changed or was within 100 ms of the listing;
 * past TAIL_LISTINGS directories the oldest listing is taken over; a file is
 * found by its identity under another name. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "agent/tail/tail_int.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char root[64];

static void make_root(void)
{
    snprintf(root, sizeof root, "/tmp/obs-test-dirs.XXXXXX");
    CHECK(mkdtemp(root) != NULL);
}

static void remove_root(void)
{
    char cmd[PATH_MAX];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
}

static void touch(const char *dir, const char *name)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
}

static int names_has(char **v, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0)
            return 1;
    return 0;
}

/* Set dir's mtime to t (seconds ago: old enough that a listing taken now
 * is more than 100 ms after it). */
static void set_mtime(const char *dir, const struct timespec *t)
{
    struct timespec ts[2] = { *t, *t };
    CHECK(utimensat(AT_FDCWD, dir, ts, 0) == 0);
}

static void test_sorted(void)
{
    make_root();
    touch(root, "b.log");
    touch(root, "a.log.1");
    touch(root, "a.log");
    char **v = tail__list_dir(root);
    CHECK(v != NULL);
    if (v) {
        CHECK_EQ_STR(v[0], "a.log");
        CHECK_EQ_STR(v[1], "a.log.1");
        CHECK_EQ_STR(v[2], "b.log");
        CHECK(v[3] == NULL);
    }
    tail__free_names(v);
    CHECK(tail__list_dir("/nonexistent-obs-dir") == NULL);
    remove_root();
}

static void test_kept_while_unchanged(void)
{
    struct stat sb;
    struct timespec old = { 0, 0 };
    int n = 0;
    make_root();
    touch(root, "s.log");
    old.tv_sec = time(NULL) - 60;
    set_mtime(root, &old);
    tail_listings_t *ls = tail__listings_new();
    char **v = tail__listed(ls, root, &n);
    CHECK_EQ_INT(n, 1);
    /* a name added behind the mtime's back: the kept listing is used */
    touch(root, "s.log.1");
    set_mtime(root, &old);
    v = tail__listed(ls, root, &n);
    CHECK_EQ_INT(n, 1);
    CHECK(!names_has(v, n, "s.log.1"));
    /* the mtime changed (as any create does): listed again */
    touch(root, "s.log.2");
    v = tail__listed(ls, root, &n);
    CHECK_EQ_INT(n, 3);
    CHECK(names_has(v, n, "s.log.1") && names_has(v, n, "s.log.2"));
    /* a directory changed within 100 ms of its listing is listed every time
     * (the same mtime may hide a change in the same clock tick) */
    touch(root, "s.log.3");
    CHECK(stat(root, &sb) == 0);
    v = tail__listed(ls, root, &n);
    CHECK_EQ_INT(n, 4);
    touch(root, "s.log.4");
    set_mtime(root, &sb.st_mtim);   /* the mtime it was listed with, a moment before */
    v = tail__listed(ls, root, &n);
    CHECK_EQ_INT(n, 5);
    tail__listings_free(ls);
    remove_root();
}

static void test_oldest_taken_over(void)
{
    char dirs[TAIL_LISTINGS + 1][PATH_MAX];
    struct timespec old = { time(NULL) - 60, 0 };
    int n = 0;
    make_root();
    tail_listings_t *ls = tail__listings_new();
    for (int i = 0; i <= TAIL_LISTINGS; i++) {
        snprintf(dirs[i], sizeof dirs[i], "%s/d%02d", root, i);
        CHECK(mkdir(dirs[i], 0700) == 0);
        touch(dirs[i], "s.log");
        set_mtime(dirs[i], &old);
        tail__listed(ls, dirs[i], &n);
        CHECK_EQ_INT(n, 1);
    }
    /* d00 was taken over by d16: a name added behind its mtime's back is seen */
    touch(dirs[0], "s.log.1");
    set_mtime(dirs[0], &old);
    tail__listed(ls, dirs[0], &n);
    CHECK_EQ_INT(n, 2);
    /* d16, kept, does not see one */
    touch(dirs[TAIL_LISTINGS], "s.log.1");
    set_mtime(dirs[TAIL_LISTINGS], &old);
    tail__listed(ls, dirs[TAIL_LISTINGS], &n);
    CHECK_EQ_INT(n, 1);
    tail__listings_free(ls);
    remove_root();
}

static void test_by_identity(void)
{
    char a[PATH_MAX], b[PATH_MAX], *found = NULL;
    struct stat sb, got;
    make_root();
    touch(root, "s.log");
    snprintf(a, sizeof a, "%s/s.log", root);
    snprintf(b, sizeof b, "%s/s.log-20261207", root);
    CHECK(stat(a, &sb) == 0);
    CHECK(rename(a, b) == 0);
    int fd = tail__open_identity(a, (int64_t)sb.st_dev, (int64_t)sb.st_ino, &found, &got);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ_STR(found, b);
        CHECK(got.st_ino == sb.st_ino);
        close(fd);
    }
    free(found);
    CHECK_EQ_INT(tail__open_identity(a, (int64_t)sb.st_dev, (int64_t)sb.st_ino + 1000000, &found, &got), -1);
    remove_root();
}

TEST_LIST = {
    TEST(test_sorted),
    TEST(test_kept_while_unchanged),
    TEST(test_oldest_taken_over),
    TEST(test_by_identity),
    TEST_END,
};
