/* bench/bench_compress.c — what compressing events.message would give
 * (issue #18; measured, nothing of it is built): reads every event's message
 * of a store in (stream_id, id) order and compresses it with libzstd in
 * several designs — per row without a dictionary, per row with a dictionary
 * trained on a sample of its rows, blocks of consecutive lines of a stream —
 * timing compression and decompression (which must give back every byte, or
 * the tool fails), and estimates the store's size if events.message held each
 * design's output. The only program linked with -lzstd. */
#define ZSTD_STATIC_LINKING_ONLY  /* ZSTD_c_format: frames without the magic number */
#include "store/store.h"
#include "common/xalloc.h"

#include <sqlite3.h>
#include <zdict.h>
#include <zstd.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* a row of the blocks table a block design needs: (stream_id, first_id,
 * last_id, data) WITHOUT ROWID keyed by (stream_id, last_id) — cell pointer,
 * payload size, record header, the three integers; the blob is counted apart */
#define BLOCK_ROW_BYTES 24

typedef struct {
    char *text;       /* every message back to back, in (stream_id, id) order */
    size_t *off;      /* n + 1 offsets into text */
    int64_t *stream;  /* each row's stream */
    size_t n, bytes;
} corpus_t;

typedef struct {
    char name[64];
    size_t out;             /* compressed bytes, plus the dictionary */
    size_t frames;          /* rows or blocks compressed */
    double comp_s, dec_s;   /* wall seconds for all rows */
    long long hdr_delta;    /* events record-header bytes: after - now */
    double read_block;      /* blocks: bytes decompressed to read one row (whole block) */
    double read_prefix;     /* ... stopping at the row's end (streaming) */
} result_t;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_compress: %s: %s\n", what, why);
    exit(1);
}

static void zcheck(size_t rc, const char *what)
{
    if (ZSTD_isError(rc))
        die(what, ZSTD_getErrorName(rc));
}

/* bytes of a record-header varint holding serial type v */
static int varint_len(uint64_t v)
{
    int n = 1;
    while (v >= 128 && n < 9)
        v >>= 7, n++;
    return n;
}

static int text_hdr(size_t len) { return varint_len(2 * (uint64_t)len + 13); }
static int blob_hdr(size_t len) { return varint_len(2 * (uint64_t)len + 12); }

static void load(sqlite3 *h, corpus_t *c)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, "SELECT count(*), coalesce(sum(length(CAST(message AS BLOB))), 0) FROM events",
                           -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        die("count", sqlite3_errmsg(h));
    size_t n = (size_t)sqlite3_column_int64(st, 0), cap = (size_t)sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    c->text = xmalloc(cap + 1);
    c->off = xmalloc((n + 1) * sizeof *c->off);
    c->stream = xmalloc((n + 1) * sizeof *c->stream);
    c->n = c->bytes = 0;
    c->off[0] = 0;
    if (sqlite3_prepare_v2(h, "SELECT stream_id, CAST(message AS BLOB) FROM events ORDER BY stream_id, id",
                           -1, &st, NULL) != SQLITE_OK)
        die("select", sqlite3_errmsg(h));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        if (c->n == n || c->bytes + len > cap)
            die("select", "the store changed while read");
        if (len)
            memcpy(c->text + c->bytes, sqlite3_column_blob(st, 1), len);
        c->stream[c->n] = sqlite3_column_int64(st, 0);
        c->bytes += len;
        c->off[++c->n] = c->bytes;
    }
    if (rc != SQLITE_DONE)
        die("select", sqlite3_errmsg(h));
    sqlite3_finalize(st);
}

/* the dictionary a store would train: on `rows` of its messages, evenly
 * spaced by id (the first rows by id would be one function's: obsagent
 * --once reads the corpus a file at a time) */
static size_t train(sqlite3 *h, size_t n, size_t rows, size_t dict_cap, void *dict, double *secs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, "SELECT CAST(message AS BLOB) FROM events ORDER BY id", -1, &st, NULL))
        die("sample", sqlite3_errmsg(h));
    size_t cap = 1 << 20, len = 0, k = 0, seen = 0;
    char *buf = xmalloc(cap);
    size_t *sizes = xmalloc(rows * sizeof *sizes);
    while (k < rows && sqlite3_step(st) == SQLITE_ROW) {
        if (seen++ * rows / n != k)  /* row `seen` is the k-th of the sample */
            continue;
        size_t l = (size_t)sqlite3_column_bytes(st, 0);
        while (len + l > cap)
            buf = xrealloc(buf, cap *= 2);
        if (l)
            memcpy(buf + len, sqlite3_column_blob(st, 0), l);
        len += l;
        sizes[k++] = l;
    }
    sqlite3_finalize(st);
    double t0 = now_s();
    size_t got = ZDICT_trainFromBuffer(dict, dict_cap, buf, sizes, (unsigned)k);
    *secs = now_s() - t0;
    if (ZDICT_isError(got))
        die("ZDICT_trainFromBuffer", ZDICT_getErrorName(got));
    free(buf);
    free(sizes);
    return got;
}

/* lean frames, as a store would write them: no magic number, no dictionary
 * id, no checksum; the content size stays (1-2 bytes) */
static ZSTD_CCtx *cctx_new(int level)
{
    ZSTD_CCtx *z = ZSTD_createCCtx();
    zcheck(ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, level), "level");
    zcheck(ZSTD_CCtx_setParameter(z, ZSTD_c_format, ZSTD_f_zstd1_magicless), "format");
    zcheck(ZSTD_CCtx_setParameter(z, ZSTD_c_dictIDFlag, 0), "dictIDFlag");
    zcheck(ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 0), "checksumFlag");
    return z;
}

static ZSTD_DCtx *dctx_new(void)
{
    ZSTD_DCtx *z = ZSTD_createDCtx();
    zcheck(ZSTD_DCtx_setParameter(z, ZSTD_d_format, ZSTD_f_zstd1_magicless), "format");
    return z;
}

static void verify(const char *got, const char *want, size_t len, const char *design, size_t at)
{
    if (memcmp(got, want, len) != 0) {
        fprintf(stderr, "bench_compress: %s: round trip differs in frame %zu (row or block)\n", design, at);
        exit(1);
    }
}

/* one zstd frame per row; a row that does not shrink stays text (a store
 * tells the two apart by the value's type, TEXT or BLOB, at no cost) */
static void per_row(const corpus_t *c, int level, const void *dict, size_t dict_len, result_t *r)
{
    ZSTD_CCtx *cz = cctx_new(level);
    ZSTD_DCtx *dz = dctx_new();
    ZSTD_CDict *cd = NULL;
    ZSTD_DDict *dd = NULL;
    if (dict_len) {
        cd = ZSTD_createCDict(dict, dict_len, level);
        dd = ZSTD_createDDict(dict, dict_len);
        if (!cd || !dd)
            die("dictionary", "not loaded");
        zcheck(ZSTD_CCtx_refCDict(cz, cd), "refCDict");
        zcheck(ZSTD_DCtx_refDDict(dz, dd), "refDDict");
    }
    size_t cap = 0;
    for (size_t i = 0; i < c->n; i++)
        cap += ZSTD_compressBound(c->off[i + 1] - c->off[i]);
    char *z = xmalloc(cap + 1);
    size_t *zlen = xmalloc(c->n * sizeof *zlen);  /* 0: stored as text */
    size_t pos = 0;
    r->hdr_delta = 0;
    double t0 = now_s();
    for (size_t i = 0; i < c->n; i++) {
        size_t len = c->off[i + 1] - c->off[i];
        size_t got = ZSTD_compress2(cz, z + pos, cap - pos, c->text + c->off[i], len);
        zcheck(got, "compress");
        if (got >= len) {
            zlen[i] = 0;
        } else {
            zlen[i] = got;
            pos += got;
            r->hdr_delta += blob_hdr(got) - text_hdr(len);
        }
    }
    r->comp_s = now_s() - t0;
    r->out = pos + dict_len;
    r->frames = c->n;

    char *back = xmalloc(c->bytes + 1);
    pos = 0;
    t0 = now_s();
    for (size_t i = 0; i < c->n; i++) {
        size_t len = c->off[i + 1] - c->off[i];
        if (!zlen[i]) {
            memcpy(back + c->off[i], c->text + c->off[i], len);
            continue;
        }
        size_t got = ZSTD_decompressDCtx(dz, back + c->off[i], len, z + pos, zlen[i]);
        zcheck(got, "decompress");
        if (got != len)
            die(r->name, "a row came back with another length");
        pos += zlen[i];
    }
    r->dec_s = now_s() - t0;
    for (size_t i = 0; i < c->n; i++)
        verify(back + c->off[i], c->text + c->off[i], c->off[i + 1] - c->off[i], r->name, i);
    r->read_block = r->read_prefix = (double)c->bytes / (double)c->n;
    free(back);
    free(zlen);
    free(z);
    ZSTD_freeCDict(cd);
    ZSTD_freeDDict(dd);
    ZSTD_freeCCtx(cz);
    ZSTD_freeDCtx(dz);
}

/* consecutive lines of one stream, newline-separated, up to `limit` bytes of
 * input per block (a longer line is a block of its own); one frame a block */
static void blocks(const corpus_t *c, int level, size_t limit, result_t *r)
{
    ZSTD_CCtx *cz = cctx_new(level);
    ZSTD_DCtx *dz = dctx_new();
    /* first[b] .. first[b + 1] - 1: the rows of block b */
    size_t *first = xmalloc((c->n + 1) * sizeof *first), nb = 0;
    size_t blen = 0, maxb = 0, joined = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t len = c->off[i + 1] - c->off[i];
        if (i == 0 || c->stream[i] != c->stream[i - 1] || blen + 1 + len > limit) {
            first[nb++] = i;
            blen = len;
        } else {
            blen += 1 + len;
        }
        maxb = blen > maxb ? blen : maxb;
    }
    first[nb] = c->n;
    joined = c->bytes + c->n - nb;
    size_t cap = ZSTD_compressBound(maxb) * nb;
    char *z = xmalloc(cap + 1), *buf = xmalloc(maxb + 1), *back = xmalloc(joined + 1);
    size_t *zlen = xmalloc(nb * sizeof *zlen), *blens = xmalloc(nb * sizeof *blens);
    size_t pos = 0;
    r->hdr_delta = 0;
    r->read_block = r->read_prefix = 0;
    double t0 = now_s();
    for (size_t b = 0; b < nb; b++) {
        size_t at = 0;
        for (size_t i = first[b]; i < first[b + 1]; i++) {
            if (i > first[b])
                buf[at++] = '\n';
            memcpy(buf + at, c->text + c->off[i], c->off[i + 1] - c->off[i]);
            at += c->off[i + 1] - c->off[i];
        }
        blens[b] = at;
        zlen[b] = ZSTD_compress2(cz, z + pos, cap - pos, buf, at);
        zcheck(zlen[b], "compress");
        pos += zlen[b];
    }
    r->comp_s = now_s() - t0;
    r->out = pos;
    r->frames = nb;

    pos = 0;
    size_t bpos = 0;
    t0 = now_s();
    for (size_t b = 0; b < nb; b++) {
        size_t got = ZSTD_decompressDCtx(dz, back + bpos, blens[b], z + pos, zlen[b]);
        zcheck(got, "decompress");
        if (got != blens[b])
            die(r->name, "a block came back with another length");
        pos += zlen[b];
        bpos += blens[b];
    }
    r->dec_s = now_s() - t0;

    /* every line and separator back in place; the rows would hold NULL */
    bpos = 0;
    for (size_t b = 0; b < nb; b++) {
        size_t at = 0;
        for (size_t i = first[b]; i < first[b + 1]; i++) {
            size_t len = c->off[i + 1] - c->off[i];
            if (i > first[b]) {
                if (back[bpos + at] != '\n')
                    die(r->name, "a separator came back changed");
                at++;
            }
            verify(back + bpos + at, c->text + c->off[i], len, r->name, b);
            at += len;
            r->read_block += (double)blens[b];
            r->read_prefix += (double)at;
            r->hdr_delta += 1 - text_hdr(len);
        }
        bpos += blens[b];
    }
    r->read_block /= (double)c->n;
    r->read_prefix /= (double)c->n;
    r->hdr_delta += (long long)nb * BLOCK_ROW_BYTES;
    free(blens);
    free(zlen);
    free(back);
    free(buf);
    free(z);
    free(first);
    ZSTD_freeCCtx(cz);
    ZSTD_freeDCtx(dz);
}

static void print(const corpus_t *c, const result_t *r, double store, double logs)
{
    double est = store - (double)c->bytes + (double)r->out + (double)r->hdr_delta;
    double mb = (double)c->bytes / 1e6;
    printf("%-34s %10zu %10zu %6.3f %8.0f %8.0f %8.1f", r->name, c->bytes, r->out,
           (double)r->out / (double)c->bytes, mb / r->comp_s, mb / r->dec_s, est / 1e6);
    if (logs > 0)
        printf(" %6.2f", est / logs);
    else
        printf(" %6s", "-");
    printf(" %8.0f %8.0f\n", r->read_block, r->read_prefix);
    fflush(stdout);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_compress [--logs-bytes N] [--sample ROWS] DB\n");
    exit(2);
}

int main(int argc, char **argv)
{
    double logs = 0;
    size_t sample = 0;
    int a = 1;
    for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
        if (strcmp(argv[a], "--logs-bytes") == 0)
            logs = strtod(argv[a + 1], NULL);
        else if (strcmp(argv[a], "--sample") == 0)
            sample = (size_t)strtoull(argv[a + 1], NULL, 10);
        else
            usage();
    }
    if (a + 1 != argc)
        usage();
    obs_err_t err = { 0 };
    store_t *s;
    if (store_open_readonly(argv[a], &s, &err))
        die(argv[a], err.msg);
    sqlite3 *h = store_db(s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
                           -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
        die("page_count", sqlite3_errmsg(h));
    double store = (double)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);

    corpus_t c;
    load(h, &c);
    if (c.n == 0)
        die(argv[a], "no events");
    if (!sample)
        sample = c.n / 100 > 10000 ? c.n / 100 : 10000;
    if (sample > c.n)
        sample = c.n;
    long long text_hdrs = 0;
    for (size_t i = 0; i < c.n; i++)
        text_hdrs += text_hdr(c.off[i + 1] - c.off[i]);

    printf("store: %.1f MB (page_count x page_size), %zu events, message text %.1f MB "
           "(%.0f B a row; its record-header bytes %.2f MB)\n",
           store / 1e6, c.n, (double)c.bytes / 1e6, (double)c.bytes / (double)c.n, (double)text_hdrs / 1e6);
    printf("without the message bytes: %.1f MB", (store - (double)c.bytes) / 1e6);
    if (logs > 0)
        printf(" = %.2fx the logs (%.1f MB); as it is %.2fx", (store - (double)c.bytes) / logs, logs / 1e6,
               store / logs);
    printf("\n\n%-34s %10s %10s %6s %8s %8s %8s %6s %8s %8s\n", "design", "bytes in", "bytes out", "ratio",
           "comp", "decomp", "est.", "store/", "read 1", "row");
    printf("%-34s %10s %10s %6s %8s %8s %8s %6s %8s %8s\n", "", "", "", "", "MB/s", "MB/s", "store MB",
           "logs", "row B", "prefix B");

    result_t r;
    static const int levels[] = { 1, 3 };
    for (int l = 0; l < 2; l++) {
        snprintf(r.name, sizeof r.name, "per row, level %d", levels[l]);
        per_row(&c, levels[l], NULL, 0, &r);
        print(&c, &r, store, logs);
    }
    static const size_t dict_caps[] = { 64 << 10, 112 << 10 };
    for (int d = 0; d < 2; d++) {
        void *dict = xmalloc(dict_caps[d]);
        double secs;
        size_t dlen = train(h, c.n, sample, dict_caps[d], dict, &secs);
        for (int l = 0; l < 2; l++) {
            snprintf(r.name, sizeof r.name, "per row, dict %zu KiB, level %d", dict_caps[d] >> 10, levels[l]);
            per_row(&c, levels[l], dict, dlen, &r);
            print(&c, &r, store, logs);
        }
        printf("  (dictionary: %zu bytes from %zu rows evenly spaced by id, trained in %.2f s)\n", dlen,
               sample, secs);
        free(dict);
    }
    static const size_t limits[] = { 4 << 10, 16 << 10, 64 << 10 };
    for (int b = 0; b < 3; b++)
        for (int l = 0; l < 2; l++) {
            snprintf(r.name, sizeof r.name, "blocks of %zu KiB, level %d", limits[b] >> 10, levels[l]);
            blocks(&c, levels[l], limits[b], &r);
            print(&c, &r, store, logs);
            if (l == 1)
                printf("  (%zu blocks, %.1f rows a block)\n", r.frames, (double)c.n / (double)r.frames);
        }

    printf("\nest. store = store - message bytes + bytes out + the change in record-header bytes\n"
           "(per row: the value's serial type as BLOB of its new length; blocks: message NULL in every\n"
           "row, plus %d bytes for each block's row) - an estimate: page fill and the indexes are taken\n"
           "as they are. read 1 row: bytes decompressed to read one row, whole block / stopping at the\n"
           "row's end (averaged over rows). Frames without magic number, dictionary id or checksum.\n",
           BLOCK_ROW_BYTES);
    free(c.text);
    free(c.off);
    free(c.stream);
    store_close(s, &err);
    return 0;
}
