/* store/writer_lock.c — one writer per store. The writer holds an exclusive
 * flock() on "<db>-lock" for as long as its store is open, and writes its
 * pid into that file; a second writer (another obsagent, --once included)
 * fails at once with a message naming that pid, before it creates or
 * migrates anything. flock() locks are independent of the POSIX locks
 * SQLite takes on the store itself, and of its readers (obsq, obstop never
 * take this lock). The kernel drops the lock when the holder exits, SIGKILL
 * included, so a crashed agent never leaves a stale lock: the file stays
 * (removing it would race with a writer opening it) and only its lock
 * counts. A leaf of store/. */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static void lock_path(const char *db_path, char *out, size_t n)
{
    snprintf(out, n, "%s-lock", db_path);
}

/* The pid the holder wrote (0 when none is written yet). */
static long read_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

int store__lock_take(const char *db_path, int *fd_out, obs_err_t *err)
{
    char p[4096 + 8];
    lock_path(db_path, p, sizeof p);
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return obs_err_set(err, OBS_EIO, "cannot open the writer lock %s: %s", p, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        long pid = 0;
        /* the holder writes its pid right after it locks: give it a moment */
        for (int i = 0; i < 20 && (pid = read_pid(fd)) == 0; i++) {
            struct timespec ts = { 0, 10 * 1000000L };
            nanosleep(&ts, NULL);
        }
        close(fd);
        if (e != EWOULDBLOCK)
            return obs_err_set(err, OBS_EIO, "cannot lock %s: %s", p, strerror(e));
        if (pid > 0)
            return obs_err_set(err, OBS_EBUSY,
                               "%s is being written by another writer, pid %ld (it holds %s): a store has "
                               "one writer; stop that one first, or use another --db",
                               db_path, pid, p);
        return obs_err_set(err, OBS_EBUSY,
                           "%s is being written by another writer (it holds %s): a store has one writer; "
                           "stop that one first, or use another --db",
                           db_path, p);
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        int e = errno;
        close(fd);
        return obs_err_set(err, OBS_EIO, "cannot write the writer lock %s: %s", p, strerror(e));
    }
    *fd_out = fd;
    return 0;
}

void store__lock_release(int fd)
{
    if (fd < 0)
        return;
    /* empty it first: a reader of the file then sees no holder */
    if (ftruncate(fd, 0) != 0) {
        /* the lock goes with the descriptor anyway */
    }
    close(fd);
}

long store_writer_pid(const char *db_path)
{
    char p[4096 + 8];
    lock_path(db_path, p, sizeof p);
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    long pid = read_pid(fd);
    close(fd);
    return pid;
}
