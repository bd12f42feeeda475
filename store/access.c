/* store/access.c — what stands between a program and its store when SQLite
 * only says "unable to open database file" or "attempt to write a readonly
 * database": a permission of the store file, of its -wal or -shm, or of the
 * directory SQLite must create them in. Said with the path, the mode, the
 * owner and who is asking, so the message says what to change. */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void user_name(uid_t uid, char *out, size_t n)
{
    struct passwd *pw = getpwuid(uid);
    if (pw)
        snprintf(out, n, "%s", pw->pw_name);
    else
        snprintf(out, n, "uid %ld", (long)uid);
}

/* "mode 0500, owner nobody" of an existing path */
static void mode_owner(const struct stat *sb, char *out, size_t n)
{
    char owner[64];
    user_name(sb->st_uid, owner, sizeof owner);
    snprintf(out, n, "mode %04o, owner %s", (unsigned)(sb->st_mode & 07777), owner);
}

/* Whether this process (its effective ids) may access path so. */
static int allowed(const char *path, int mode)
{
    return faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0 || errno != EACCES;
}

int store__explain_access(const char *path, int write, obs_err_t *err)
{
    char dir[4096], side[4200], me[64], mo[96];
    struct stat sb;
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", !slash ? 1 : slash == path ? 1 : (int)(slash - path), !slash ? "." : path);
    user_name(geteuid(), me, sizeof me);
    const char *verb = write ? "write" : "read";
    int need = write ? R_OK | W_OK : R_OK;

    /* a directory on the way that may not be entered */
    if (stat(path, &sb) != 0 && errno == EACCES) {
        char up[4096];
        snprintf(up, sizeof up, "%s", dir);
        for (;;) {
            char *cut = strrchr(up, '/');
            struct stat ub;
            if (stat(up, &ub) == 0 && !allowed(up, X_OK)) {
                mode_owner(&ub, mo, sizeof mo);
                obs_err_set(err, OBS_EIO, "cannot %s the store %s as %s: the directory %s (%s) may not be "
                            "entered by %s; give %s search permission on it, or put the store elsewhere",
                            verb, path, me, up, mo, me, me);
                return 1;
            }
            if (!cut || cut == up)
                return 0;
            *cut = '\0';
        }
    }
    if (stat(path, &sb) == 0 && !allowed(path, need)) {
        mode_owner(&sb, mo, sizeof mo);
        obs_err_set(err, OBS_EIO, "cannot %s the store %s as %s: the file is %s; give %s %s permission, or "
                    "run as its owner", verb, path, me, mo, me, verb);
        return 1;
    }
    for (int i = 0; i < 2; i++) {
        snprintf(side, sizeof side, "%s%s", path, i ? "-shm" : "-wal");
        /* a reader maps -shm read-write too (SQLite's WAL index) */
        if (stat(side, &sb) == 0 && !allowed(side, i || write ? R_OK | W_OK : R_OK)) {
            mode_owner(&sb, mo, sizeof mo);
            obs_err_set(err, OBS_EIO, "cannot %s the store %s as %s: SQLite must %s its %s file (%s); give "
                        "%s that permission, or run as its owner", verb, path, me, i || write ? "write" : "read",
                        i ? "-shm" : "-wal", mo, me);
            return 1;
        }
    }
    if (stat(dir, &sb) == 0 && !allowed(dir, W_OK | X_OK)) {
        snprintf(side, sizeof side, "%s-shm", path);
        struct stat shm;
        if (!write && stat(side, &shm) == 0 && allowed(side, R_OK | W_OK))
            return 0;   /* a reader needs nothing more of the directory */
        mode_owner(&sb, mo, sizeof mo);
        obs_err_set(err, OBS_EIO,
                    "cannot %s the store %s as %s: its directory %s (%s) must be writable for SQLite's %s; "
                    "give %s write permission on it, or put the store elsewhere",
                    verb, path, me, dir, mo, write ? "-wal and -shm files" : "-shm file (WAL mode)", me);
        return 1;
    }
    return 0;
}
