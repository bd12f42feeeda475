/* tests/unit/tmpdir.h — a private directory for a test's store and its
 * removal. mkdtemp makes it 0700, as store_open wants (it refuses a
 * directory every user can write to); tmpdir_remove deletes every file in
 * it (the store and its -wal, -shm and -agent files), then the directory. */
#ifndef OBS_TEST_TMPDIR_H
#define OBS_TEST_TMPDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* dir (at least 64 bytes) = /tmp/obs-test-NAME.XXXXXX, made; exits on failure. */
static inline void tmpdir_make(char *dir, size_t n, const char *name)
{
    snprintf(dir, n, "/tmp/obs-test-%s.XXXXXX", name);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(2);
    }
}

static inline void tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char p[512];
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

#endif
