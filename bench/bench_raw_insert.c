/* bench/bench_raw_insert.c — the ceiling for `make bench`: insert the lines
 * of the given files into the same schema as obsagent (same pragmas, same
 * batch size), without parsing anything: each line becomes an event row with
 * only its message, stream and time. With --fts every row is also added to
 * events_fts; --fts-options 'tokenize=trigram, detail=full' first rebuilds
 * events_fts with other FTS5 options, to compare index designs on the same
 * rows. Prints rows/s, MB/s and the store size. */
#include "store/store.h"
#include "common/xalloc.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = xmalloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static int rebuild_fts(sqlite3 *h, const char *options)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "DROP TABLE events_fts; CREATE VIRTUAL TABLE events_fts USING fts5(message, "
             "content='events', content_rowid='id', %s)", options);
    char *msg = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_raw_insert: %s\n", msg);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int fts = 0, first = 1;
    const char *fts_options = NULL;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--fts") == 0)
            fts = 1;
        else if (strcmp(argv[first], "--fts-options") == 0 && first + 1 < argc)
            fts = 1, fts_options = argv[++first];
        else
            break;
    }
    first++;  /* argv[first - 1] is DB */
    if (argc < first + 1) {
        fprintf(stderr, "usage: bench_raw_insert [--fts] [--fts-options OPTS] DB FILE...\n");
        return 2;
    }
    const char *db = argv[first - 1];
    obs_err_t err = { 0 };
    store_t *st;
    int64_t stream;
    if (store_open(db, NULL, &st, &err) ||
        store_stream_id(st, "bench", "/aws/lambda/bench", "bench", &stream, &err) ||
        store_commit(st, &err)) {
        fprintf(stderr, "bench_raw_insert: %s\n", err.msg);
        return 1;
    }
    sqlite3 *h = store_db(st);
    if (fts_options && rebuild_fts(h, fts_options))
        return 1;
    sqlite3_stmt *ins, *fins;
    sqlite3_prepare_v2(h, "INSERT INTO events(ts, ingest_ts, stream_id, kind, message) "
                          "VALUES(?1, ?1, ?2, 0, ?3)", -1, &ins, NULL);
    sqlite3_prepare_v2(h, "INSERT INTO events_fts(rowid, message) VALUES(?1, ?2)", -1, &fins, NULL);

    long long rows = 0, bytes = 0;
    double t0 = now_s();
    sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
    for (int i = first; i < argc; i++) {
        size_t len;
        char *buf = slurp(argv[i], &len);
        if (!buf) {
            fprintf(stderr, "bench_raw_insert: cannot read %s\n", argv[i]);
            return 1;
        }
        bytes += (long long)len;
        for (size_t p = 0; p < len;) {
            char *nl = memchr(buf + p, '\n', len - p);
            size_t e = nl ? (size_t)(nl - buf) : len;
            if (e > p) {
                sqlite3_bind_int64(ins, 1, rows);
                sqlite3_bind_int64(ins, 2, stream);
                sqlite3_bind_text(ins, 3, buf + p, (int)(e - p), SQLITE_STATIC);
                sqlite3_step(ins);
                sqlite3_reset(ins);
                if (fts) {
                    sqlite3_bind_int64(fins, 1, sqlite3_last_insert_rowid(h));
                    sqlite3_bind_text(fins, 2, buf + p, (int)(e - p), SQLITE_STATIC);
                    sqlite3_step(fins);
                    sqlite3_reset(fins);
                }
                if (++rows % STORE_BATCH_ROWS_DEFAULT == 0) {
                    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
                    sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
                }
            }
            p = e + 1;
        }
        free(buf);
    }
    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    double el = now_s() - t0;
    sqlite3_finalize(ins);
    sqlite3_finalize(fins);
    store_close(st, NULL);
    FILE *f = fopen(db, "rb");
    long size = 0;
    if (f) {
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fclose(f);
    }
    printf("raw insert, %s: %lld rows, %.1f MB in %.2f s: %.0f rows/s, %.1f MB/s, store %.0f MB\n",
           !fts ? "no full-text" : fts_options ? fts_options : "full-text obsword (every row)", rows,
           (double)bytes / 1e6, el, (double)rows / el, (double)bytes / 1e6 / el, (double)size / 1e6);
    return 0;
}
