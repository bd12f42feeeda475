/* tests/unit/agent/tail/test_pathmap.c — agent/pathmap: function and stream names from
 * a file path (under a directory argument, or a named file), extension
 * stripping, paths that give no name, and pathmap_log_group. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "agent/tail/tail_int.h"

/* Derive and compare; expects success. Reports the caller's line. */
static void check_map(int line, const char *root, const char *path, const char *fn,
                      const char *stream)
{
    pathmap_t m;
    int before = check_failures;
    CHECK_EQ_INT(pathmap_derive(root, path, &m), 0);
    /* (CHECK_EQ_STR on the 512-byte array trips -Wformat-truncation) */
    if (strcmp(m.function, fn) != 0 || strcmp(m.stream, stream) != 0) {
        fprintf(stderr, "  got \"%s\" / \"%s\", want \"%s\" / \"%s\"\n", m.function, m.stream, fn,
                stream);
        CHECK(!"function / stream");
    }
    if (check_failures != before)
        fprintf(stderr, "  (line %d: root \"%s\", path \"%s\")\n", line, root ? root : "NULL", path);
}
#define CHECK_MAP(root, path, fn, stream) check_map(__LINE__, root, path, fn, stream)

static void test_root_function_stream(void)
{
    CHECK_MAP("logs", "logs/fn/2024-01-01-abc.log", "fn", "2024-01-01-abc");
    CHECK_MAP("/var/data/logs", "/var/data/logs/orders-api/s1.log", "orders-api", "s1");
    CHECK_MAP("./logs", "./logs/fn/s.log", "fn", "s");
}

static void test_root_nested_stream(void)
{
    CHECK_MAP("logs", "logs/fn/2024/01/02/[$LATEST]abc.log", "fn", "2024/01/02/[$LATEST]abc");
    CHECK_MAP("logs", "logs/fn/a/b.log", "fn", "a/b");
    /* A doubled slash after the function name is not part of the stream. */
    CHECK_MAP("logs", "logs/fn//x.log", "fn", "x");
}

static void test_root_trailing_slashes(void)
{
    CHECK_MAP("logs/", "logs/fn/s.log", "fn", "s");
    CHECK_MAP("logs///", "logs/fn/s.log", "fn", "s");
    CHECK_MAP("logs/", "logs//fn/s.log", "fn", "s");
}

static void test_root_slash_itself(void)
{
    CHECK_MAP("/", "/fn/s.log", "fn", "s");
}

static void test_file_directly_in_root(void)
{
    CHECK_MAP("logs", "logs/s.log", "s", "s");
    CHECK_MAP("logs/", "logs/my-func.txt", "my-func", "my-func");
}

static void test_named_file(void)
{
    CHECK_MAP(NULL, "dir/x/s.log", "x", "s");
    CHECK_MAP(NULL, "/abs/path/fn/stream-1.log", "fn", "stream-1");
    CHECK_MAP(NULL, "x//s.log", "x", "s");
    CHECK_MAP(NULL, "fn/s", "fn", "s");
}

static void test_named_file_no_directory(void)
{
    CHECK_MAP(NULL, "s.log", "s", "s");
    CHECK_MAP(NULL, "./s.log", "s", "s");
    CHECK_MAP(NULL, "../s.log", "s", "s");
    CHECK_MAP(NULL, "/s.log", "s", "s");
}

static void test_path_outside_root_is_named_file(void)
{
    /* "logsX" only shares a prefix with root "logs": not under it. */
    CHECK_MAP("logs", "logsX/fn/a.log", "fn", "a");
}

static void test_extensions(void)
{
    CHECK_MAP(NULL, "fn/s.log", "fn", "s");
    CHECK_MAP(NULL, "fn/s.txt", "fn", "s");
    CHECK_MAP(NULL, "fn/s.out", "fn", "s");
    CHECK_MAP(NULL, "fn/s.json", "fn", "s");
    CHECK_MAP(NULL, "fn/s.jsonl", "fn", "s");
    CHECK_MAP("logs", "logs/fn/s.jsonl", "fn", "s");
    CHECK_MAP(NULL, "fn/s.csv", "fn", "s");
    /* gzip is read (inflated): .gz goes, with one known extension under it */
    CHECK_MAP(NULL, "fn/s.gz", "fn", "s");
    CHECK_MAP(NULL, "fn/s.log.gz", "fn", "s");
    /* Unknown extensions are kept; only one known extension is stripped. */
    CHECK_MAP(NULL, "fn/s.log.log", "fn", "s.log");
    CHECK_MAP(NULL, "fn/s.tsv", "fn", "s.tsv");
    CHECK_MAP("logs", "logs/fn/a.b.c", "fn", "a.b.c");
    /* The stripped name must not become empty. */
    CHECK_MAP(NULL, "fn/.log", "fn", ".log");
}

/* A CloudWatch export to S3, downloaded: <prefix>/<task id>/<stream>/<chunk>.gz */
static void test_s3_export_layout(void)
{
#define TASK "0f2b9b3e-6b1a-4c55-9d7e-2a1f3c4d5e6f"
    CHECK_MAP("exports", "exports/checkout/" TASK "/2024/05/09/[$LATEST]abc/000000.gz", "checkout",
              "2024/05/09/[$LATEST]abc");
    CHECK_MAP(NULL, "/data/s3/checkout/" TASK "/2024/05/09/[$LATEST]abc/000001.gz", "checkout",
              "2024/05/09/[$LATEST]abc");
    /* the directory argument is the task's own: its prefix still names the function */
    CHECK_MAP("s3/checkout/" TASK, "s3/checkout/" TASK "/s1/000000.gz", "checkout", "s1");
    /* no component before the task id: the task id names the function */
    CHECK_MAP(TASK, TASK "/s1/000000.gz", TASK, "s1");
    /* not the layout: no task id, a chunk not named by digits, no stream between */
    CHECK_MAP("logs", "logs/fn/s1/000000.gz", "fn", "s1/000000");
    CHECK_MAP("logs", "logs/fn/" TASK "/s1/part.gz", "fn", TASK "/s1/part");
    CHECK_MAP("logs", "logs/fn/" TASK "/000000.gz", "fn", TASK "/000000");
    /* .gz goes with the extension under it */
    CHECK_MAP("logs", "logs/fn/s1.log.gz", "fn", "s1");
#undef TASK
}

static void test_no_name(void)
{
    pathmap_t m;
    CHECK_EQ_INT(pathmap_derive("logs", "logs/fn/", &m), -1);
    CHECK_EQ_INT(pathmap_derive(NULL, "", &m), -1);

    char longfn[400];
    memset(longfn, 'f', 300);
    memcpy(longfn + 300, "/s.log", 7);
    CHECK_EQ_INT(pathmap_derive(NULL, longfn, &m), -1);   /* function > 255 bytes */
    memset(longfn, 'f', 255);
    memcpy(longfn + 255, "/s.log", 7);
    CHECK_EQ_INT(pathmap_derive(NULL, longfn, &m), 0);
    CHECK_EQ_INT(strlen(m.function), 255);
    CHECK(strcmp(m.stream, "s") == 0);
}

static void test_log_group(void)
{
    char buf[64];
    pathmap_log_group("fn", buf, sizeof buf);
    CHECK_EQ_STR(buf, "/aws/lambda/fn");
    pathmap_log_group("orders-api", buf, sizeof buf);
    CHECK_EQ_STR(buf, "/aws/lambda/orders-api");
    char small[8];
    pathmap_log_group("fn", small, sizeof small);
    CHECK_EQ_STR(small, "/aws/la");   /* cut, still NUL-terminated */
}

TEST_LIST = {
    TEST(test_root_function_stream),
    TEST(test_root_nested_stream),
    TEST(test_root_trailing_slashes),
    TEST(test_root_slash_itself),
    TEST(test_file_directly_in_root),
    TEST(test_named_file),
    TEST(test_named_file_no_directory),
    TEST(test_path_outside_root_is_named_file),
    TEST(test_extensions),
    TEST(test_s3_export_layout),
    TEST(test_no_name),
    TEST(test_log_group),
    TEST_END,
};
