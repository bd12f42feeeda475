/* tests/unit/lambda/test_decode_doc.c — the document decoders
 * (lambda/decode_doc.c and the files it picks): the golden blocks of
 * the tests/decode/ golden files (format read below), then what a table cannot say:
 * every prefix of every good document yields a prefix of its records and
 * then an error (never a crash, never a record that was not there); an
 * emit that fails stops the decoding; Firehose's S3 object (gzip members
 * concatenated) through common/inflate.c; a large document. Run from the
 * repository root.
 *
 * A golden file is blocks:
 *   === title
 *   format: events-json | insights-json | insights-csv | subscription | telemetry-json | -
 *   sniff: <format> | auto          (optional: what decode__doc_sniff says;
 *                                     default: the format)
 *   --- input [noeol | escaped]
 *   the document, line by line (each line ends with "\n", but with noeol
 *   the last; escaped: C escapes \n \r \t \\ \xHH, and no line ends but
 *   those written)
 *   --- expect
 *   one line per record: TIME | STREAM | GROUP | MESSAGE, TIME ISO 8601 or
 *   "-" without one, MESSAGE escaped (\n \r \t \\ \xHH); then, if the
 *   document is bad, "error: " and the message.
 * Lines starting with ";;" outside an input are comments. Format "-" checks
 * the sniff only. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "common/buf.h"
#include "common/inflate.h"
#include "common/isotime.h"
#include "lambda/decode_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <zlib.h>

static const struct {
    const char *name;
    decode_format_t f;
} formats[] = {
    { "events-json", DECODE_EVENTS_JSON },   { "insights-json", DECODE_INSIGHTS_JSON },
    { "insights-csv", DECODE_INSIGHTS_CSV }, { "subscription", DECODE_SUBSCRIPTION },
    { "telemetry-json", DECODE_TELEMETRY_JSON }, { "auto", DECODE_AUTO },
};

static int format_of(const char *name, decode_format_t *f)
{
    for (size_t k = 0; k < OBS_ARRAY_LEN(formats); k++)
        if (strcmp(formats[k].name, name) == 0) {
            *f = formats[k].f;
            return 0;
        }
    return -1;
}

static const char *name_of(decode_format_t f)
{
    for (size_t k = 0; k < OBS_ARRAY_LEN(formats); k++)
        if (formats[k].f == f)
            return formats[k].name;
    return "?";
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap);
    while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            b = realloc(b, cap *= 2);
    }
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = n;
    return b;
}

static void put_escaped(buf_t *b, obs_span_t s)
{
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '\\')
            buf_cat(b, "\\\\");
        else if (c == '\n')
            buf_cat(b, "\\n");
        else if (c == '\r')
            buf_cat(b, "\\r");
        else if (c == '\t')
            buf_cat(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            buf_printf(b, "\\x%02x", c);
        else
            buf_putc(b, (char)c);
    }
}

/* The records, one line each (the golden format). */
typedef struct sink {
    buf_t out;
    size_t count;
    size_t fail_at;     /* emit fails on this record (1-based), 0: never */
} sink_t;

static int emit(void *ctx, const decode_record_t *r, obs_err_t *err)
{
    sink_t *s = ctx;
    s->count++;
    if (s->fail_at && s->count == s->fail_at)
        return obs_err_set(err, -77, "the sink is full");
    /* every byte of every span is read: ASan sees a span past its memory */
    if (r->has_ts) {
        char t[32];
        isotime_format(r->ts_ms, t);
        buf_cat(&s->out, t);
    } else {
        buf_cat(&s->out, "-");
    }
    buf_cat(&s->out, " | ");
    put_escaped(&s->out, r->stream);
    buf_cat(&s->out, " | ");
    put_escaped(&s->out, r->log_group);
    buf_cat(&s->out, " | ");
    put_escaped(&s->out, r->message);
    buf_putc(&s->out, '\n');
    CHECK(r->function.len == 0);
    CHECK(r->message.p != NULL);
    return 0;
}

/* Decode; the records and "error: ..." as the golden file writes them. */
static char *run(decode_format_t f, const char *p, size_t n, size_t *records, int *rc_out)
{
    sink_t s = { { 0 }, 0, 0 };
    obs_err_t err = { 0 };
    int rc = decode_document(f, p, n, emit, &s, &err);
    if (rc) {
        CHECK_EQ_INT(rc, OBS_EINVAL);
        CHECK_EQ_INT(err.code, OBS_EINVAL);
        CHECK(err.line > 0 && err.col > 0);
        buf_printf(&s.out, "error: %s\n", err.msg);
    }
    if (records)
        *records = s.count;
    if (rc_out)
        *rc_out = rc;
    return buf_take(&s.out);
}

/* Undo the golden file's escapes (\n \r \t \\ \xHH) into b. */
static void unescape(buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            buf_putc(b, s[i]);
            continue;
        }
        char c = s[++i];
        if (c == 'n')
            buf_putc(b, '\n');
        else if (c == 'r')
            buf_putc(b, '\r');
        else if (c == 't')
            buf_putc(b, '\t');
        else if (c == 'x' && i + 2 < n) {
            char hex[3] = { s[i + 1], s[i + 2], 0 };
            buf_putc(b, (char)strtol(hex, NULL, 16));
            i += 2;
        } else
            buf_putc(b, c);
    }
}

/* Every proper prefix of a good document: the records it yields are the
 * first records of the whole (a CSV's last one may be cut inside a field:
 * the lines before it must match), and a JSON prefix that yields fewer
 * records than the whole fails. */
static void check_prefixes(const char *title, decode_format_t f, const char *p, size_t n,
                           const char *whole, size_t whole_records)
{
    for (size_t k = 0; k < n; k++) {
        char *copy = malloc(k ? k : 1);
        memcpy(copy, p, k);
        size_t got_records;
        int rc;
        char *got = run(f, copy, k, &got_records, &rc);
        free(copy);
        size_t keep = 0; /* bytes of `got` that must match `whole` */
        const char *line = got;
        for (size_t r = 0; r < got_records; r++) {
            const char *nl = strchr(line, '\n');
            if (f != DECODE_INSIGHTS_CSV || r + 1 < got_records)
                keep = (size_t)(nl + 1 - got);
            line = nl + 1;
        }
        int ok = got_records <= whole_records && strncmp(got, whole, keep) == 0;
        if (f != DECODE_INSIGHTS_CSV && got_records < whole_records && rc == 0) {
            /* only a cut between top-level values (or inside the whitespace
             * after the last record) may succeed with fewer records */
            size_t j = k;
            while (j > 0 && strchr(" \t\r\n", p[j - 1]))
                j--;
            ok = ok && (j <= decode__bom(p, n) || p[j - 1] == '}' || p[j - 1] == ']');
        }
        if (!ok) {
            fprintf(stderr, "  %s: the prefix of %zu bytes gave:\n%s", title, k, got);
            check_failures++;
            free(got);
            return;
        }
        free(got);
    }
}

static int run_block(const char *file, char *block, int *blocks)
{
    char title[160] = "";
    const char *fmt = NULL, *sniff = NULL, *mode = "";
    char *input = NULL, *expect = NULL;
    /* header lines, up to "--- input" */
    char *line = block;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strncmp(line, "=== ", 4) == 0)
            snprintf(title, sizeof title, "%s: %s", file, line + 4);
        else if (strncmp(line, "format: ", 8) == 0)
            fmt = line + 8;
        else if (strncmp(line, "sniff: ", 7) == 0)
            sniff = line + 7;
        else if (strncmp(line, "--- input", 9) == 0) {
            mode = line + 9;
            input = nl ? nl + 1 : NULL;
            break;
        } else if (strncmp(line, ";;", 2) != 0 && line[0] != '\0') {
            fprintf(stderr, "  %s: unknown line \"%s\"\n", title, line);
            return -1;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (!fmt || !input) {
        fprintf(stderr, "  %s: a block needs format: and --- input\n", title);
        return -1;
    }
    char *marker = strstr(input, "--- expect\n");
    if (!marker && strcmp(fmt, "-") != 0) {
        fprintf(stderr, "  %s: no --- expect\n", title);
        return -1;
    }
    size_t in_len = marker ? (size_t)(marker - input) : strlen(input);
    expect = marker ? marker + 11 : NULL;
    if (expect) {
        /* the blank lines before the next block are not records */
        size_t el = strlen(expect);
        while (el > 0 && expect[el - 1] == '\n' && (el == 1 || expect[el - 2] == '\n'))
            expect[--el] = '\0';
    }
    buf_t doc = { 0 };
    while (*mode == ' ')
        mode++;
    if (strcmp(mode, "escaped") == 0) {
        /* lines joined as written; only escapes make line ends */
        for (size_t i = 0; i < in_len; i++)
            if (input[i] == '\n')
                input[i] = '\0';
        for (size_t i = 0; i < in_len; i += strlen(input + i) + 1)
            unescape(&doc, input + i, strlen(input + i));
    } else {
        if (strcmp(mode, "noeol") == 0 && in_len > 0)
            in_len--;
        else if (*mode) {
            fprintf(stderr, "  %s: unknown input mode \"%s\"\n", title, mode);
            return -1;
        }
        buf_put(&doc, input, in_len);
    }
    /* an exact-size copy, so ASan sees a read past the document */
    char *p = malloc(doc.len ? doc.len : 1);
    memcpy(p, doc.p ? doc.p : "", doc.len);
    size_t n = doc.len;
    buf_free(&doc);

    decode_format_t f = DECODE_AUTO, want_sniff;
    if (strcmp(fmt, "-") != 0 && format_of(fmt, &f) != 0) {
        fprintf(stderr, "  %s: unknown format %s\n", title, fmt);
        free(p);
        return -1;
    }
    if (format_of(sniff ? sniff : fmt, &want_sniff) != 0) {
        fprintf(stderr, "  %s: unknown sniff %s\n", title, sniff ? sniff : fmt);
        free(p);
        return -1;
    }
    decode_format_t got_sniff = decode__doc_sniff(p, n);
    if (got_sniff != want_sniff) {
        fprintf(stderr, "  %s: sniffs as %s, not %s\n", title, name_of(got_sniff),
                name_of(want_sniff));
        check_failures++;
    }
    if (strcmp(fmt, "-") != 0) {
        size_t records;
        int rc;
        char *got = run(f, p, n, &records, &rc);
        if (strcmp(got, expect) != 0) {
            fprintf(stderr, "  %s\n  expected:\n%s  got:\n%s", title, expect, got);
            check_failures++;
        } else if (rc == 0) {
            check_prefixes(title, f, p, n, got, records);
        }
        free(got);
    }
    free(p);
    (*blocks)++;
    return 0;
}

static int run_file(const char *dir, const char *name, int *blocks)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *all = read_file(path, NULL);
    CHECK(all != NULL);
    if (!all)
        return -1;
    /* a block runs from a line "=== " to the next one */
    char *s = strncmp(all, "=== ", 4) == 0 ? all : strstr(all, "\n=== ");
    if (s && s != all)
        s++;
    int rc = 0;
    while (s && rc == 0) {
        char *next = strstr(s, "\n=== ");
        size_t len = next ? (size_t)(next + 1 - s) : strlen(s);
        char *block = malloc(len + 2);
        memcpy(block, s, len);
        block[len] = '\0';
        if (len == 0 || block[len - 1] != '\n')
            strcat(block, "\n");
        rc = run_block(name, block, blocks);
        free(block);
        s = next ? next + 1 : NULL;
    }
    free(all);
    return rc;
}

static void test_golden(void)
{
    const char *dir = "tests/decode";
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return;
    int blocks = 0, files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 8 || strcmp(e->d_name + len - 7, ".golden") != 0)
            continue;
        files++;
        if (run_file(dir, e->d_name, &blocks) != 0)
            check_failures++;
    }
    closedir(d);
    CHECK(files >= 5);
    CHECK(blocks >= 60);
}

/* --- what a table cannot say ------------------------------------------- */

static const char envelopes[] =
    "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"/aws/lambda/a\","
    "\"logStream\":\"s1\",\"subscriptionFilters\":[\"f\"],\"logEvents\":["
    "{\"id\":\"1\",\"timestamp\":1700000000000,\"message\":\"one\\n\"},"
    "{\"id\":\"2\",\"timestamp\":1700000000001,\"message\":\"two\\n\"},"
    "{\"id\":\"3\",\"timestamp\":1700000000002,\"message\":\"three\\n\"}]}";

static void test_emit_stops(void)
{
    for (size_t at = 1; at <= 3; at++) {
        sink_t s = { { 0 }, 0, at };
        obs_err_t err = { 0 };
        int rc = decode_document(DECODE_SUBSCRIPTION, envelopes, sizeof envelopes - 1, emit, &s,
                                 &err);
        CHECK_EQ_INT(rc, -77);
        CHECK_EQ_STR(err.msg, "the sink is full");
        CHECK_EQ_INT(s.count, at); /* nothing after the failing record */
        buf_free(&s.out);
    }
}

static void test_not_a_document(void)
{
    sink_t s = { { 0 }, 0, 0 };
    obs_err_t err = { 0 };
    static const decode_format_t lines[] = { DECODE_AUTO, DECODE_LAMBDA, DECODE_SAM_LOGS,
                                             DECODE_CONSOLE, DECODE_TAIL, DECODE_DOCKER,
                                             DECODE_SAM_LOCAL, DECODE_CLOCK, DECODE__COUNT };
    for (size_t k = 0; k < OBS_ARRAY_LEN(lines); k++) {
        CHECK_EQ_INT(decode_document(lines[k], "x", 1, emit, &s, &err), OBS_EINVAL);
        CHECK(strstr(err.msg, "is not a document format") != NULL);
    }
    CHECK_EQ_INT(decode_document((decode_format_t)-1, "x", 1, emit, &s, &err), OBS_EINVAL);
    /* refused before a byte is read: the pointer is never dereferenced */
    CHECK_EQ_INT(decode_document(DECODE_EVENTS_JSON, "", (size_t)DECODE_DOCUMENT_MAX + 1, emit,
                                 &s, &err), OBS_EINVAL);
    CHECK(strstr(err.msg, "more than the 512 MiB") != NULL);
    CHECK_EQ_INT(decode_document(DECODE_EVENTS_JSON, NULL, 0, emit, &s, &err), 0);
    CHECK_EQ_INT(s.count, 0);
    buf_free(&s.out);
}

static void gz_member(buf_t *out, const char *p, size_t n)
{
    z_stream z = { 0 };
    CHECK_EQ_INT(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    unsigned char tmp[4096];
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    int zr;
    do {
        z.next_out = tmp;
        z.avail_out = sizeof tmp;
        zr = deflate(&z, Z_FINISH);
        buf_put(out, tmp, sizeof tmp - z.avail_out);
    } while (zr == Z_OK);
    CHECK_EQ_INT(zr, Z_STREAM_END);
    deflateEnd(&z);
}

/* Firehose to S3: each CloudWatch Logs record is a gzip member; the object
 * is the members one after the other; a CONTROL_MESSAGE among them. */
static void test_firehose_object(void)
{
    static const char control[] =
        "{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\","
        "\"logStream\":\"\",\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":"
        "1741312971934,\"message\":\"CWL CONTROL MESSAGE: Checking health of destination "
        "Firehose.\"}]}";
    static const char second[] =
        "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\","
        "\"logGroup\":\"/aws/lambda/b\","
        "\"logStream\":\"s2\",\"subscriptionFilters\":[\"f\"],\"logEvents\":["
        "{\"id\":\"4\",\"timestamp\":1700000000003,\"message\":\"four\"}]}";
    buf_t obj = { 0 };
    gz_member(&obj, control, sizeof control - 1);
    gz_member(&obj, envelopes, sizeof envelopes - 1);
    gz_member(&obj, second, sizeof second - 1);
    char *doc;
    size_t len;
    obs_err_t err = { 0 };
    CHECK_EQ_INT(inflate_gzip(obj.p, obj.len, DECODE_DOCUMENT_MAX, &doc, &len, &err), 0);
    CHECK_EQ_INT(decode__doc_sniff(doc, len), DECODE_SUBSCRIPTION);
    size_t records;
    int rc;
    char *got = run(DECODE_SUBSCRIPTION, doc, len, &records, &rc);
    CHECK_EQ_STR(got, "2023-11-14T22:13:20.000Z | s1 | /aws/lambda/a | one\n"
                      "2023-11-14T22:13:20.001Z | s1 | /aws/lambda/a | two\n"
                      "2023-11-14T22:13:20.002Z | s1 | /aws/lambda/a | three\n"
                      "2023-11-14T22:13:20.003Z | s2 | /aws/lambda/b | four\n");
    free(got);
    free(doc);
    buf_free(&obj);
}

/* A large document: 200,000 events in one filter-log-events output and as
 * many CSV rows, every one decoded, in order. */
static void test_large(void)
{
    size_t n = 200000;
    buf_t j = { 0 }, c = { 0 };
    buf_cat(&j, "{\"events\":[");
    buf_cat(&c, "@timestamp,@message\n");
    for (size_t i = 0; i < n; i++) {
        buf_printf(&j, "%s{\"logStreamName\":\"s\",\"timestamp\":%zu,\"message\":\"m%zu\\n\","
                   "\"ingestionTime\":1,\"eventId\":\"%zu\"}",
                   i ? "," : "", 1700000000000 + i, i, i);
        buf_printf(&c, "2023-11-14 22:13:20.000,\"line %zu\nsecond, \"\"quoted\"\"\"\n", i);
    }
    buf_cat(&j, "],\"searchedLogStreams\":[]}");
    sink_t s = { { 0 }, 0, 0 };
    obs_err_t err = { 0 };
    CHECK_EQ_INT(decode_document(DECODE_EVENTS_JSON, j.p, j.len, emit, &s, &err), 0);
    CHECK_EQ_INT(s.count, n);
    CHECK(strstr(s.out.p, "2023-11-14T22:16:39.999Z | s |  | m199999\n") != NULL);
    buf_free(&s.out);
    s.count = 0;
    CHECK_EQ_INT(decode_document(DECODE_INSIGHTS_CSV, c.p, c.len, emit, &s, &err), 0);
    CHECK_EQ_INT(s.count, n);
    CHECK(strstr(s.out.p, " |  |  | line 199999\\nsecond, \"quoted\"\n") != NULL);
    buf_free(&s.out);
    buf_free(&j);
    buf_free(&c);
}

TEST_LIST = {
    TEST(test_golden),
    TEST(test_emit_stops),
    TEST(test_not_a_document),
    TEST(test_firehose_object),
    TEST(test_large),
    TEST_END,
};
