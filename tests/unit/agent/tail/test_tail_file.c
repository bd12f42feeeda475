/* tests/unit/agent/tail/test_tail_file.c — the tailed-file object and the
 * "is this the same file" rule (agent/tail/tail_file.c, tail_ident.c) on real
 * files: a checkpoint found by identity and resumed; appends; rename (the
 * same file under another name); copytruncate (truncated, and truncated then
 * grown past the offset); a rewrite in place of the same size; delete and
 * recreate reusing the inode, with a common 2 KiB banner; a checkpoint taken
 * before any byte was read; a copy of a file nothing was read of; a file
 * that starts with a hole of NUL bytes; rotated sibling names. And what tail_recover.c
 * does with a checkpoint whose content went elsewhere: a copytruncate copy
 * found by content (read on from the offset), a shorter copy (read already),
 * a file renamed away while down (found by identity), content gone (counted
 * as missed, with its bytes). */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "agent/tail/tail_int.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

/* Append n numbered lines (tag, from first) to the file. */
static void append(const char *name, const char *tag, int first, int n)
{
    char p[128];
    path_of(p, sizeof p, name);
    FILE *f = fopen(p, "a");
    for (int i = first; i < first + n; i++)
        fprintf(f, "2026-11-01T00:00:00.000Z\tx\tINFO\tline-%s-%d\n", tag, i);
    fclose(f);
}

static void write_banner(const char *name)
{
    char p[128];
    path_of(p, sizeof p, name);
    FILE *f = fopen(p, "w");
    for (int i = 0; i < 32; i++)
        fprintf(f, "banner: the same 64 bytes in every file, line %02d.............\n", i);
    fclose(f);
}

static tailed_t *open_tailed(const char *name)
{
    char p[128];
    struct stat sb;
    path_of(p, sizeof p, name);
    int fd = open(p, O_RDONLY);
    CHECK(fd >= 0);
    CHECK(fstat(fd, &sb) == 0);
    tailed_t *t = tail_file_new(p, dir, NULL, fd, &sb, 0);
    tail_file_start(t, 0, NULL, 0);
    return t;
}

/* Read t to its end, consuming every complete line; returns lines. */
static int read_all(tailed_t *t)
{
    int eof = 0, lines = 0;
    line_t l;
    lseek(t->fd, t->pos, SEEK_SET);
    while (!eof) {
        if (tail_file_read(t, 1 << 20, &eof) < 0)
            break;
        while (line_reader_next(&t->lr, &l, 0))
            lines++;
    }
    return lines;
}

/* Read and describe: the checkpoint a batch would put. */
static store_source_t checkpoint_of(const char *name, int *lines)
{
    tailed_t *t = open_tailed(name);
    *lines = read_all(t);
    tail_file_describe(t);
    store_source_t ck = t->src;
    tail_file_free(t);
    return ck;
}

static ident_verdict_t judge(const char *name, const store_source_t *ck)
{
    char p[128];
    struct stat sb;
    path_of(p, sizeof p, name);
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return IDENT_OTHER;
    fstat(fd, &sb);
    ident_verdict_t v = ident_judge(fd, &sb, ck);
    close(fd);
    return v;
}

static void truncate_to(const char *name, off_t size)
{
    char p[128];
    path_of(p, sizeof p, name);
    CHECK(truncate(p, size) == 0);
}

static void copy_file(const char *from, const char *to)
{
    char a[128], b[128], cmd[300];
    path_of(a, sizeof a, from);
    path_of(b, sizeof b, to);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", a, b);
    CHECK(system(cmd) == 0);
}

static void test_checkpoint_then_append(void)
{
    int lines;
    tmpdir_make(dir, sizeof dir, "tailfile");
    append("s.log", "a", 1, 100);
    store_source_t ck = checkpoint_of("s.log", &lines);
    CHECK_EQ_INT(lines, 100);
    CHECK(ck.offset > 0);
    CHECK_EQ_INT(ck.fingerprint_len, IDENT_HEAD_MAX);
    CHECK_EQ_INT(ck.window_len, IDENT_WINDOW_MAX);
    CHECK_EQ_INT(judge("s.log", &ck), IDENT_SAME);
    append("s.log", "a", 101, 10);   /* appends keep it the same file */
    CHECK_EQ_INT(judge("s.log", &ck), IDENT_SAME);
    /* the object resumes there and reads the 10 new lines only */
    tailed_t *t = open_tailed("s.log");
    tail_file_start(t, ck.offset, &ck, 0);
    CHECK_EQ_INT(tail_file_check(t, NULL), TAIL_GREW);
    CHECK_EQ_INT(read_all(t), 10);
    tail_file_free(t);
    tmpdir_remove(dir);
}

static void test_rename_is_the_same_file(void)
{
    int lines;
    char a[128], b[128];
    tmpdir_make(dir, sizeof dir, "tailfile");
    append("s.log", "a", 1, 50);
    store_source_t ck = checkpoint_of("s.log", &lines);
    path_of(a, sizeof a, "s.log");
    path_of(b, sizeof b, "s.log.1");
    CHECK(rename(a, b) == 0);
    append("s.log", "b", 1, 50);      /* a new file under the old name */
    CHECK_EQ_INT(judge("s.log", &ck), IDENT_OTHER);
    CHECK_EQ_INT(judge("s.log.1", &ck), IDENT_SAME);
    tmpdir_remove(dir);
}

static void test_copytruncate_is_replaced(void)
{
    int lines;
    tmpdir_make(dir, sizeof dir, "tailfile");
    append("s.log", "a", 1, 100);
    store_source_t ck = checkpoint_of("s.log", &lines);
    tailed_t *t = open_tailed("s.log");
    read_all(t);
    copy_file("s.log", "s.log.1");
    truncate_to("s.log", 0);
    /* smaller than what was read */
    CHECK_EQ_INT(tail_file_check(t, NULL), TAIL_TRUNCATED);
    CHECK_EQ_INT(judge("s.log", &ck), IDENT_REPLACED);
    /* the copy holds the content the checkpoint describes */
    CHECK_EQ_INT(judge("s.log.1", &ck), IDENT_OTHER);
    char p[128];
    struct stat sb;
    path_of(p, sizeof p, "s.log.1");
    int fd = open(p, O_RDONLY);
    fstat(fd, &sb);
    CHECK(ident_holds(fd, sb.st_size, &ck));
    close(fd);
    /* truncated, then grown past the offset again: the size cannot tell,
     * the first bytes and the window do */
    append("s.log", "b", 1, 150);
    CHECK_EQ_INT(judge("s.log", &ck), IDENT_REPLACED);
    tail_file_free(t);
    t = open_tailed("s.log");
    tail_file_start(t, ck.offset, &ck, 0);
    CHECK_EQ_INT(tail_file_check(t, NULL), TAIL_REWRITTEN);
    tail_file_free(t);
    tmpdir_remove(dir);
}

/* Rewritten in place with other content of the same length: the size and
 * the first bytes' length say nothing, the hashes do. */
static void test_rewrite_same_size(void)
{
    tmpdir_make(dir, sizeof dir, "tailfile");
    append("s.log", "a", 1000, 100);
    tailed_t *t = open_tailed("s.log");
    read_all(t);
    char p[128];
    path_of(p, sizeof p, "s.log");
    FILE *f = fopen(p, "r+");
    fseek(f, 40, SEEK_SET);
    fputc('Z', f);   /* one byte in the first KiB */
    fclose(f);
    CHECK_EQ_INT(tail_file_check(t, NULL), TAIL_REWRITTEN);
    tail_file_free(t);
    /* a byte just before the offset */
    t = open_tailed("s.log");
    read_all(t);
    f = fopen(p, "r+");
    fseek(f, -5, SEEK_END);
    fputc('Z', f);
    fclose(f);
    CHECK_EQ_INT(tail_file_check(t, NULL), TAIL_REWRITTEN);
    tail_file_free(t);
    tmpdir_remove(dir);
}

/* Two files that start with the same 2 KiB banner: the first KiB alone
 * would take the second for the first (and skip its lines); the window
 * before the offset tells them apart, even on the same inode. */
static void test_common_banner(void)
{
    int lines;
    char p[128];
    tmpdir_make(dir, sizeof dir, "tailfile");
    write_banner("s.log");
    append("s.log", "a", 1, 300);
    store_source_t ck = checkpoint_of("s.log", &lines);
    CHECK_EQ_INT(lines, 332);
    path_of(p, sizeof p, "s.log");
    struct stat sb;
    stat(p, &sb);
    ino_t ino = sb.st_ino;
    unlink(p);
    write_banner("s.log");            /* ext4 gives it the same inode, usually */
    append("s.log", "b", 1, 800);
    stat(p, &sb);
    store_source_t same_inode = ck;
    same_inode.ino = (int64_t)sb.st_ino;   /* as if the inode were reused, whatever it is */
    CHECK_EQ_INT(judge("s.log", &same_inode), IDENT_REPLACED);
    /* with the first KiB alone it would be taken for the old file */
    store_source_t head_only = same_inode;
    head_only.window_len = 0;
    CHECK_EQ_INT(judge("s.log", &head_only), IDENT_SAME);
    (void)ino;
    tmpdir_remove(dir);
}

/* A checkpoint put before any byte was read (a file just found, committed
 * first) holds for whatever the file has under that identity. */
static void test_empty_checkpoint(void)
{
    tmpdir_make(dir, sizeof dir, "tailfile");
    append("s.log", "a", 1, 0);
    char p[128];
    path_of(p, sizeof p, "s.log");
    close(open(p, O_WRONLY | O_CREAT, 0600));
    int lines;
    store_source_t ck = checkpoint_of("s.log", &lines);
    CHECK_EQ_INT(ck.offset, 0);
    CHECK_EQ_INT(ck.fingerprint_len, 0);
    append("s.log", "a", 1, 10);
    CHECK_EQ_INT(judge("s.log", &ck), IDENT_SAME);
    tmpdir_remove(dir);
}

/* A new sibling that is a copy of a tailed file nothing was read of (cp,
 * the file left to grow) is a copy of it, read through the file; one that
 * only shares its first KiB (a common banner) is not. */
static void test_copy_of_unread_file(void)
{
    char p[128], q[128];
    struct stat sb;
    const tailed_t *of = NULL;
    tmpdir_make(dir, sizeof dir, "tailfile");
    write_banner("s.log");
    append("s.log", "a", 1, 100);
    path_of(p, sizeof p, "s.log");
    tailed_t *t = open_tailed("s.log");   /* nothing read */
    tailed_t *v[1] = { t };
    tail_scope_t sc = { 0 };
    sc.tailed = v;
    sc.ntailed = 1;
    path_of(q, sizeof q, "s.log-backup");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", p, q);
    CHECK(system(cmd) == 0);
    append("s.log", "a", 101, 20);
    int fd = open(q, O_RDONLY);
    CHECK(fd >= 0 && fstat(fd, &sb) == 0);
    CHECK_EQ_INT(tail__copy_of_tailed(&sc, fd, &sb, q, &of), 1);
    CHECK(of == t);
    close(fd);
    /* the same banner, other lines: no copy */
    path_of(q, sizeof q, "s.log-other");
    unlink(q);
    write_banner("s.log-other");
    append("s.log-other", "b", 1, 50);
    fd = open(q, O_RDONLY);
    CHECK(fd >= 0 && fstat(fd, &sb) == 0);
    CHECK_EQ_INT(tail__copy_of_tailed(&sc, fd, &sb, q, &of), 0);
    close(fd);
    tail_file_free(t);
    tmpdir_remove(dir);
}

/* A file that starts with NUL bytes (the hole a writer without O_APPEND
 * leaves after copytruncate) is read from its first other byte; one that
 * does not, or that was read already, is left as it is. */
static void test_skip_hole(void)
{
    char p[128];
    int eof = 0;
    tmpdir_make(dir, sizeof dir, "tailfile");
    path_of(p, sizeof p, "s.log");
    FILE *f = fopen(p, "w");
    for (int i = 0; i < 9000; i++)
        fputc(0, f);
    fclose(f);
    append("s.log", "a", 1, 3);
    tailed_t *t = open_tailed("s.log");
    CHECK_EQ_INT(tail_file_skip_hole(t), 9000);
    CHECK_EQ_INT(t->pos, 9000);
    CHECK_EQ_INT(read_all(t), 3);
    CHECK_EQ_INT(tail_file_consumed(t), 9000 + 3 * 41);   /* 41-byte lines */
    CHECK_EQ_INT(tail_file_skip_hole(t), 0);   /* read already */
    tail_file_free(t);
    append("o.log", "a", 1, 2);
    t = open_tailed("o.log");
    CHECK_EQ_INT(tail_file_skip_hole(t), 0);
    tail_file_free(t);
    path_of(p, sizeof p, "z.log");   /* NUL bytes only: to its end */
    f = fopen(p, "w");
    for (int i = 0; i < 100; i++)
        fputc(0, f);
    fclose(f);
    t = open_tailed("z.log");
    CHECK_EQ_INT(tail_file_skip_hole(t), 100);
    lseek(t->fd, t->pos, SEEK_SET);   /* as its callers do before reading */
    CHECK_EQ_INT(tail_file_read(t, 1 << 20, &eof), 0);
    CHECK(eof);
    tail_file_free(t);
    tmpdir_remove(dir);
}

static void test_sibling_names(void)
{
    CHECK(ident_sibling_name("app.log", "app.log.1"));
    CHECK(ident_sibling_name("app.log", "app.log.2.gz"));
    CHECK(ident_sibling_name("app.log", "app.log-20261121"));
    CHECK(ident_sibling_name("app.log", "app.1.log"));
    CHECK(ident_sibling_name("app.log", "app.12.log.gz"));
    CHECK(!ident_sibling_name("app.log", "app.log"));
    CHECK(!ident_sibling_name("app.log", "other.log.1"));
    CHECK(!ident_sibling_name("app.log", "app.logx"));
    CHECK(!ident_sibling_name("app.log", "app.x.log"));
}

/* ---- what recovery makes of a checkpoint (tail_recover.c) ------------------ */

typedef struct fx {
    char db[128];
    store_t *st;
    tail_scope_t sc;
    char *args[1];
} fx_t;

static void fx_open(fx_t *fx)
{
    obs_err_t err;
    memset(fx, 0, sizeof *fx);
    snprintf(fx->db, sizeof fx->db, "%s/s.db", dir);
    CHECK_EQ_INT(store_open(fx->db, NULL, &fx->st, &err), 0);
    fx->args[0] = dir;
    fx->sc.paths = fx->args;
    fx->sc.npaths = 1;
}

static void fx_close(fx_t *fx)
{
    store_close(fx->st, NULL);
}

static int64_t counter(fx_t *fx, const char *name)
{
    sqlite3_stmt *q;
    int64_t v = 0;
    obs_err_t err;
    store_commit(fx->st, &err);
    sqlite3_prepare_v2(store_db(fx->st), "SELECT value FROM agent_counters WHERE name = ?1", -1, &q, NULL);
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

static int64_t q_count(fx_t *fx)
{
    sqlite3_stmt *q;
    int64_t v = -1;
    sqlite3_prepare_v2(store_db(fx->st), "SELECT count(*) FROM sources", -1, &q, NULL);
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* The checkpoint of a read file, put in the store under its path. */
static store_source_t put(fx_t *fx, const char *name)
{
    obs_err_t err;
    int lines;
    char p[128];
    path_of(p, sizeof p, name);
    store_source_t ck = checkpoint_of(name, &lines);
    CHECK_EQ_INT(store_source_put(fx->st, p, &ck, &err), 0);
    CHECK_EQ_INT(store_commit(fx->st, &err), 0);
    return ck;
}

/* What a caller (tail_scan.c, tail_import.c) does with a file the scan
 * found: look it up; when its identity's checkpoint no longer holds, look
 * for where that content went. Returns what to read besides it. */
static void take(fx_t *fx, const char *name, tail_known_t *known, tail_founds_t *fs)
{
    obs_err_t err;
    store_source_t old;
    char *old_path = NULL;
    tailed_t *t = open_tailed(name);
    CHECK_EQ_INT(tail_file_lookup(t, fx->st, &old, &old_path, known, &err), 0);
    if (*known == TAIL_REPLACED)
        CHECK_EQ_INT(tail__content_gone(fx->st, &fx->sc, old_path, &old, t->dev, t->ino, TAIL_REPLACED_WHY, fs,
                                        &err), 0);
    free(old_path);
    tail_file_free(t);
}

/* copytruncate while down, the copy's name reused: recovery leaves the
 * scanned file to its caller, which finds its checkpoint replaced and the
 * copy by content, read on from the checkpoint's offset. */
static void test_recover_copytruncate_copy(void)
{
    fx_t fx;
    obs_err_t err;
    tmpdir_make(dir, sizeof dir, "tailfile");
    fx_open(&fx);
    append("s.log", "a", 1, 100);
    store_source_t ck = put(&fx, "s.log");
    append("s.log", "a", 101, 20);    /* unread when the agent stopped */
    copy_file("s.log", "s.log.1");
    truncate_to("s.log", 0);
    append("s.log", "b", 1, 5);
    file_list_t fl = { 0 };
    files_filter_t ff = { fx.db, NULL, 0, NULL, NULL, 0, 0 };
    CHECK_EQ_INT(files_scan(&fl, &ff, fx.args, 1), 0);
    CHECK_EQ_INT(fl.n, 1);   /* s.log; s.log.1 is a rotated name */
    tail_founds_t fs = { 0 };
    CHECK_EQ_INT(tail__recover(fx.st, &fx.sc, &fl, &fs, &err), 0);
    CHECK_EQ_INT(fs.n, 0);   /* the copy holds s.log's content: not an unknown sibling */
    tail_known_t known;
    take(&fx, "s.log", &known, &fs);
    CHECK_EQ_INT(known, TAIL_REPLACED);
    CHECK_EQ_INT(fs.n, 1);
    if (fs.n == 1) {
        CHECK(strstr(fs.v[0].path, "/s.log.1") != NULL);
        CHECK_EQ_INT(fs.v[0].offset, ck.offset);
        CHECK_EQ_INT(fs.v[0].rotated, 1);
        CHECK(fs.v[0].has_ck);   /* its first read is checked against what was read */
    }
    CHECK_EQ_INT(counter(&fx, "files_missed"), 0);
    tail__founds_free(&fs);
    files_list_free(&fl);
    fx_close(&fx);
    tmpdir_remove(dir);
}

/* A copy taken before the last lines were read is shorter than the offset:
 * it was read already (its identity is taken in at its end). */
static void test_recover_shorter_copy(void)
{
    fx_t fx;
    tmpdir_make(dir, sizeof dir, "tailfile");
    fx_open(&fx);
    append("s.log", "a", 1, 100);
    copy_file("s.log", "s.log.1");
    append("s.log", "a", 101, 20);
    put(&fx, "s.log");
    truncate_to("s.log", 0);
    tail_founds_t fs = { 0 };
    tail_known_t known;
    take(&fx, "s.log", &known, &fs);
    CHECK_EQ_INT(known, TAIL_REPLACED);
    CHECK_EQ_INT(fs.n, 1);
    if (fs.n == 1)
        CHECK_EQ_INT(fs.v[0].offset, fs.v[0].sb.st_size);
    tail__founds_free(&fs);
    fx_close(&fx);
    tmpdir_remove(dir);
}

/* Renamed away while down: found by identity under its new name and read
 * on from its offset; a file rotated and read to its end that is gone is
 * nothing missed. */
static void test_recover_renamed(void)
{
    fx_t fx;
    obs_err_t err;
    char a[128], b[128];
    tmpdir_make(dir, sizeof dir, "tailfile");
    fx_open(&fx);
    append("s.log", "a", 1, 100);
    store_source_t ck = put(&fx, "s.log");
    append("s.log", "a", 101, 20);
    path_of(a, sizeof a, "s.log");
    path_of(b, sizeof b, "s.log.1");
    CHECK(rename(a, b) == 0);
    append("s.log", "b", 1, 5);
    file_list_t fl = { 0 };
    files_filter_t ff = { fx.db, NULL, 0, NULL, NULL, 0, 0 };
    files_scan(&fl, &ff, fx.args, 1);
    tail_founds_t fs = { 0 };
    CHECK_EQ_INT(tail__recover(fx.st, &fx.sc, &fl, &fs, &err), 0);
    CHECK_EQ_INT(fs.n, 1);
    if (fs.n == 1) {
        CHECK_EQ_INT(strcmp(fs.v[0].path, b), 0);
        CHECK_EQ_INT(fs.v[0].offset, ck.offset);
    }
    tail__founds_free(&fs);
    files_list_free(&fl);
    fx_close(&fx);
    tmpdir_remove(dir);
}

/* Deleted while down with bytes known unread: counted as missed, with the
 * file's name and those bytes, and its row dropped. */
static void test_recover_gone_is_missed(void)
{
    fx_t fx;
    obs_err_t err;
    char a[128];
    tmpdir_make(dir, sizeof dir, "tailfile");
    fx_open(&fx);
    append("s.log", "a", 1, 100);
    store_source_t ck = put(&fx, "s.log");
    ck.size = ck.offset + 300;   /* it was known to have 300 bytes more */
    path_of(a, sizeof a, "s.log");
    CHECK_EQ_INT(store_source_put(fx.st, a, &ck, &err), 0);
    unlink(a);
    file_list_t fl = { 0 };
    files_filter_t ff = { fx.db, NULL, 0, NULL, NULL, 0, 0 };
    files_scan(&fl, &ff, fx.args, 1);
    tail_founds_t fs = { 0 };
    CHECK_EQ_INT(tail__recover(fx.st, &fx.sc, &fl, &fs, &err), 0);
    CHECK_EQ_INT(fs.n, 0);
    CHECK_EQ_INT(counter(&fx, "files_missed"), 1);
    CHECK_EQ_INT(counter(&fx, "bytes_missed"), 300);
    sqlite3_stmt *q;
    sqlite3_prepare_v2(store_db(fx.st), "SELECT path, bytes FROM missed", -1, &q, NULL);
    CHECK(sqlite3_step(q) == SQLITE_ROW);
    CHECK_EQ_STR((const char *)sqlite3_column_text(q, 0), a);
    CHECK_EQ_INT(sqlite3_column_int64(q, 1), 300);
    sqlite3_finalize(q);
    CHECK_EQ_INT(q_count(&fx), 0);
    tail__founds_free(&fs);
    files_list_free(&fl);
    fx_close(&fx);
    tmpdir_remove(dir);
}

TEST_LIST = {
    TEST(test_checkpoint_then_append),
    TEST(test_rename_is_the_same_file),
    TEST(test_copytruncate_is_replaced),
    TEST(test_rewrite_same_size),
    TEST(test_common_banner),
    TEST(test_empty_checkpoint),
    TEST(test_copy_of_unread_file),
    TEST(test_skip_hole),
    TEST(test_sibling_names),
    TEST(test_recover_copytruncate_copy),
    TEST(test_recover_shorter_copy),
    TEST(test_recover_renamed),
    TEST(test_recover_gone_is_missed),
    TEST_END,
};
