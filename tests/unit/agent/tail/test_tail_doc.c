/* tests/unit/agent/tail/test_tail_doc.c — agent/tail/tail_doc on a temp
 * store: which inputs are read whole; a document's records stored in the
 * streams and functions they name; gzip inflated, then read as lines or as
 * a document; a head already read is not lost; a corrupt gzip stores
 * nothing; a malformed document keeps its records before the fault and
 * says where it is. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "agent/tail/tail_doc.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

typedef struct fx {
    char dir[64], db[96], file[96];
    store_t *st;
    pipeline_t *pl;
    pipeline_stream_t *ps;
} fx_t;

static void fx_open(fx_t *f)
{
    obs_err_t err;
    memset(f, 0, sizeof *f);
    tmpdir_make(f->dir, sizeof f->dir, "tail-doc");
    snprintf(f->db, sizeof f->db, "%s/obs.db", f->dir);
    snprintf(f->file, sizeof f->file, "%s/input", f->dir);
    if (store_open(f->db, NULL, &f->st, &err) != 0) {
        fprintf(stderr, "store_open: %s\n", err.msg);
        exit(2);
    }
    f->pl = pipeline_new(f->st);
    CHECK_EQ_INT(pipeline_stream_open(f->pl, "file-fn", "/aws/lambda/file-fn", "file-stream", &f->ps, &err), 0);
}

static void fx_close(fx_t *f)
{
    pipeline_free(f->pl);
    store_close(f->st, NULL);
    tmpdir_remove(f->dir);
}

/* gzip of p[0..n) (one member), malloc'd */
static char *gz(const char *p, size_t n, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        exit(2);
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    char *out = malloc(cap);
    z.next_in = (Bytef *)p;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        exit(2);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* Write the input file, open it, read up to head_max bytes as the head
 * (as an import sniffs it), then import the rest. */
static int run(fx_t *f, const char *p, size_t n, size_t head_max, decode_format_t forced, tail_doc_result_t *res,
               obs_err_t *err)
{
    FILE *o = fopen(f->file, "wb");
    fwrite(p, 1, n, o);
    fclose(o);
    int fd = open(f->file, O_RDONLY);
    char head[DECODE_SNIFF_BYTES];
    ssize_t h = head_max ? read(fd, head, head_max < sizeof head ? head_max : sizeof head) : 0;
    /* no head read: NULL, as an import of a file passes it */
    int rc = tail_doc_import(f->pl, f->ps, fd, h > 0 ? head : NULL, h > 0 ? (size_t)h : 0, forced, LINE_MAX_DEFAULT,
                             "input", res, err);
    close(fd);
    obs_err_t e2;
    CHECK_EQ_INT(pipeline_sync(f->pl, &e2), 0);
    CHECK_EQ_INT(store_commit(f->st, &e2), 0);
    return rc;
}

static int64_t q_int(fx_t *f, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -999;
    if (sqlite3_prepare_v2(store_db(f->st), sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static const char *q_text(fx_t *f, const char *sql)
{
    static char buf[4][512];
    static int k;
    char *out = buf[k++ % 4];
    sqlite3_stmt *s;
    snprintf(out, 512, "(none)");
    if (sqlite3_prepare_v2(store_db(f->st), sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_text(s, 0))
        snprintf(out, 512, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
}

static const char events_json[] =
    "{\"events\": [\n"
    "  {\"logStreamName\": \"2024/05/09/[$LATEST]aaa\", \"timestamp\": 1715212800000,\n"
    "   \"message\": \"START RequestId: 1b2c3d4e-0000-4000-8000-000000000001 Version: $LATEST\\n\"},\n"
    "  {\"logStreamName\": \"2024/05/09/[$LATEST]aaa\", \"timestamp\": 1715212800100,\n"
    "   \"message\": \"REPORT RequestId: 1b2c3d4e-0000-4000-8000-000000000001\\tDuration: 100.00 ms\\t"
    "Billed Duration: 100 ms\\tMemory Size: 128 MB\\tMax Memory Used: 60 MB\\t\\n\"},\n"
    "  {\"logStreamName\": \"2024/05/09/[$LATEST]bbb\", \"timestamp\": 1715212801000,\n"
    "   \"message\": \"a second stream\\n\"}\n"
    "], \"searchedLogStreams\": []}\n";

static const char subscription[] =
    "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"/aws/lambda/orders\","
    "\"logStream\":\"2024/05/09/[$LATEST]ccc\",\"subscriptionFilters\":[\"f\"],\"logEvents\":["
    "{\"id\":\"1\",\"timestamp\":1715212800000,\"message\":\"hello from orders\\n\"}]}";

static void test_is_whole(void)
{
    size_t n;
    char *g = gz("x\n", 2, &n);
    CHECK(tail_doc_is_whole(g, n, DECODE_AUTO));
    CHECK(tail_doc_is_whole(events_json, strlen(events_json), DECODE_AUTO));
    CHECK(tail_doc_is_whole(subscription, strlen(subscription), DECODE_AUTO));
    CHECK(!tail_doc_is_whole("START RequestId: x\n", 19, DECODE_AUTO));
    CHECK(!tail_doc_is_whole("{\"level\":\"INFO\",\"msg\":\"a JSON log line\"}\n", 41, DECODE_AUTO));
    /* a forced format decides, except that gzip is always inflated first */
    CHECK(tail_doc_is_whole("[]", 2, DECODE_INSIGHTS_JSON));
    CHECK(!tail_doc_is_whole(events_json, strlen(events_json), DECODE_LAMBDA));
    CHECK(tail_doc_is_whole(g, n, DECODE_LAMBDA));
    free(g);
}

static void test_document_streams(void)
{
    fx_t f;
    tail_doc_result_t res;
    obs_err_t err;
    fx_open(&f);
    /* a head shorter than the document: the rest is read from the fd */
    CHECK_EQ_INT(run(&f, events_json, strlen(events_json), 100, DECODE_AUTO, &res, &err), 0);
    CHECK_EQ_INT(res.format, DECODE_EVENTS_JSON);
    CHECK_EQ_INT(res.records, 3);
    CHECK_EQ_INT(res.gzip, 0);
    CHECK_EQ_INT(q_int(&f, "SELECT count(*) FROM events"), 3);
    CHECK_EQ_INT(q_int(&f, "SELECT count(*) FROM streams WHERE stream LIKE '2024/05/09/%'"), 2);
    /* the document names no group: the file's function */
    CHECK_EQ_STR(q_text(&f, "SELECT DISTINCT function FROM events e JOIN streams s ON s.id = e.stream_id"),
                 "file-fn");
    CHECK_EQ_INT(q_int(&f, "SELECT ts FROM events WHERE message = 'a second stream'"), 1715212801000LL);
    CHECK_EQ_INT(q_int(&f, "SELECT duration * 100 FROM invocations"), 10000);
    fx_close(&f);
}

static void test_group_names_function(void)
{
    fx_t f;
    tail_doc_result_t res;
    obs_err_t err;
    fx_open(&f);
    size_t n;
    char *g = gz(subscription, strlen(subscription), &n);
    CHECK_EQ_INT(run(&f, g, n, DECODE_SNIFF_BYTES, DECODE_AUTO, &res, &err), 0);
    CHECK_EQ_INT(res.gzip, 1);
    CHECK_EQ_INT(res.format, DECODE_SUBSCRIPTION);
    CHECK_EQ_INT(res.bytes, (int64_t)n);
    CHECK_EQ_STR(q_text(&f, "SELECT s.function || ' ' || s.log_group FROM events e JOIN streams s ON s.id = e.stream_id"),
                 "orders /aws/lambda/orders");
    free(g);
    fx_close(&f);
}

static void test_gzip_lines(void)
{
    static const char text[] =
        "2024-05-09T00:00:00.000Z START RequestId: 1b2c3d4e-0000-4000-8000-000000000002 Version: $LATEST\n"
        "2024-05-09T00:00:00.050Z 2024-05-09T00:00:00.050Z\t1b2c3d4e-0000-4000-8000-000000000002\tINFO\thi\n"
        "2024-05-09T00:00:00.100Z REPORT RequestId: 1b2c3d4e-0000-4000-8000-000000000002\tDuration: 5.00 ms\t"
        "Billed Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n";
    fx_t f;
    tail_doc_result_t res;
    obs_err_t err;
    fx_open(&f);
    size_t n;
    char *g = gz(text, strlen(text), &n);
    CHECK_EQ_INT(run(&f, g, n, 0, DECODE_AUTO, &res, &err), 0);
    CHECK_EQ_INT(res.gzip, 1);
    CHECK_EQ_INT(res.format, DECODE_TAIL);
    CHECK_EQ_INT(q_int(&f, "SELECT count(*) FROM events"), 3);
    CHECK_EQ_INT(q_int(&f, "SELECT count(*) FROM invocations WHERE duration = 5"), 1);
    CHECK_EQ_INT(q_int(&f, "SELECT ts FROM events WHERE message LIKE 'REPORT%'"), 1715212800100LL);
    free(g);
    fx_close(&f);
}

static void test_corrupt_gzip_stores_nothing(void)
{
    fx_t f;
    tail_doc_result_t res;
    obs_err_t err;
    fx_open(&f);
    size_t n;
    char *g = gz(events_json, strlen(events_json), &n);
    g[n / 2] ^= 0x55;
    CHECK_EQ_INT(run(&f, g, n, DECODE_SNIFF_BYTES, DECODE_AUTO, &res, &err), OBS_EINVAL);
    CHECK(strstr(err.msg, "input: ") == err.msg);
    CHECK_EQ_INT(q_int(&f, "SELECT count(*) FROM events"), 0);
    free(g);
    fx_close(&f);
}

static void test_malformed_document_keeps_records_before(void)
{
    fx_t f;
    tail_doc_result_t res;
    obs_err_t err;
    fx_open(&f);
    char doc[sizeof events_json];
    memcpy(doc, events_json, sizeof events_json);
    char *third = strstr(doc, "\"a second stream");
    third[-1] = '{';   /* "message": {"a second stream... : not JSON */
    CHECK_EQ_INT(run(&f, doc, strlen(doc), DECODE_SNIFF_BYTES, DECODE_AUTO, &res, &err), OBS_EINVAL);
    CHECK_EQ_INT(res.records, 2);
    CHECK_EQ_INT(q_int(&f, "SELECT count(*) FROM events"), 2);
    CHECK(strstr(err.msg, "input: ") == err.msg);
    if (!strstr(err.msg, "event 3 is not valid JSON (line 7, column"))
        fprintf(stderr, "  error: %s\n", err.msg);
    CHECK(strstr(err.msg, "event 3 is not valid JSON (line 7, column") != NULL);
    fx_close(&f);
}

TEST_LIST = {
    TEST(test_is_whole),
    TEST(test_document_streams),
    TEST(test_group_names_function),
    TEST(test_gzip_lines),
    TEST(test_corrupt_gzip_stores_nothing),
    TEST(test_malformed_document_keeps_records_before),
    TEST_END
};
