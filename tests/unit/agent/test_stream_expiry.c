/* tests/unit/agent/test_stream_expiry.c — agent/pipeline lets go of the
 * streams network inputs name once they are idle and hold nothing: their
 * rows stay, a stream named again is the same stream, pinned streams
 * (files, wrappers) and streams with a request in flight stay, and memory
 * stays flat however many names come (VmHWM from /proc/self/status). */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "agent/pipeline.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>

#define REQ "c793869b-ee49-115b-a5b6-4fd21e8dedac"

static char dir[64], db[96];

static store_t *open_store(void)
{
    store_t *st = NULL;
    obs_err_t err = { 0 };
    tmpdir_make(dir, sizeof dir, "expiry");
    snprintf(db, sizeof db, "%s/obs.db", dir);
    CHECK_EQ_INT(store_open(db, NULL, &st, &err), 0);
    return st;
}

static int64_t q(store_t *st, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
        return -2;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* One record into the transient stream `name` of function fn. */
static void record(pipeline_t *pl, const char *fn, const char *name, const char *msg, pipeline_stream_t **out)
{
    obs_err_t err = { 0 };
    pipeline_stream_t *ps;
    char group[128];
    snprintf(group, sizeof group, "/aws/lambda/%s", fn);
    CHECK_EQ_INT(pipeline_stream_open_transient(pl, fn, group, name, &ps, &err), 0);
    line_t l = { msg, strlen(msg), 0 };
    CHECK_EQ_INT(pipeline_record(pl, ps, &l, 1709572958033LL, 1, 0, &err), 0);
    if (out)
        *out = ps;
}

static void sync_commit(pipeline_t *pl, store_t *st)
{
    obs_err_t err = { 0 };
    CHECK_EQ_INT(pipeline_sync(pl, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
}

static void test_idle_streams_go_their_rows_stay(void)
{
    store_t *st = open_store();
    pipeline_t *pl = pipeline_new(st);
    obs_err_t err = { 0 };
    char name[32];
    pipeline_set_stream_idle(pl, 0);
    pipeline_stream_t *file;
    CHECK_EQ_INT(pipeline_stream_open(pl, "fn", "/aws/lambda/fn", "from-a-file", &file, &err), 0);
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "s%04d", i);
        record(pl, "fn", name, "hello", NULL);
    }
    /* s0000 is named by a file too: pinned */
    pipeline_stream_t *both;
    CHECK_EQ_INT(pipeline_stream_open(pl, "fn", "/aws/lambda/fn", "s0000", &both, &err), 0);
    CHECK_EQ_INT(pipeline_streams_open(pl), 1001);
    int64_t epoch = pipeline_epoch(pl);
    sync_commit(pl, st);
    CHECK_EQ_INT(pipeline_streams_open(pl), 2);
    CHECK(pipeline_epoch(pl) != epoch);
    CHECK_EQ_INT(q(st, "SELECT count(*) FROM events"), 1000);
    CHECK_EQ_INT(q(st, "SELECT value FROM agent_counters WHERE name = 'streams_expired'"), 999);
    /* named again: the same stream, its rows together */
    pipeline_stream_t *again;
    record(pl, "fn", "s0500", "hello again", &again);
    sync_commit(pl, st);
    CHECK_EQ_INT(q(st, "SELECT count(DISTINCT stream_id) FROM events e JOIN streams s ON s.id = e.stream_id "
                       "WHERE s.stream = 's0500'"), 1);
    CHECK_EQ_INT(q(st, "SELECT count(*) FROM streams WHERE stream = 's0500'"), 1);
    CHECK_EQ_INT(q(st, "SELECT count(*) FROM events"), 1001);
    /* the pinned ones are still usable */
    line_t l = { "still here", 10, 0 };
    CHECK_EQ_INT(pipeline_record(pl, both, &l, 1709572958033LL, 1, 0, &err), 0);
    CHECK_EQ_INT(pipeline_record(pl, file, &l, 1709572958033LL, 1, 0, &err), 0);
    sync_commit(pl, st);
    CHECK_EQ_INT(q(st, "SELECT count(*) FROM events WHERE message = 'still here'"), 2);
    pipeline_free(pl);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

static void test_a_request_in_flight_holds_its_stream(void)
{
    store_t *st = open_store();
    pipeline_t *pl = pipeline_new(st);
    pipeline_set_stream_idle(pl, 0);
    record(pl, "fn", "busy", "START RequestId: " REQ " Version: $LATEST", NULL);
    record(pl, "fn", "idle", "hello", NULL);
    sync_commit(pl, st);
    CHECK_EQ_INT(pipeline_streams_open(pl), 1);
    record(pl, "fn", "busy", "END RequestId: " REQ, NULL);
    record(pl, "fn", "busy",
           "REPORT RequestId: " REQ "\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\t"
           "Max Memory Used: 70 MB", NULL);
    sync_commit(pl, st);
    CHECK_EQ_INT(pipeline_streams_open(pl), 0);
    CHECK_EQ_INT(q(st, "SELECT count(*) FROM invocations WHERE duration = 2.5"), 1);
    CHECK_EQ_INT(q(st, "SELECT sum(invocations) FROM rollup_minute WHERE function = 'fn'"), 1);
    pipeline_free(pl);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

static long hwm_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* 4 rounds of 10,000 new names (60 MB of stream state if kept): the peak
 * after the last is within 8 MB of the peak after the first. (Not measured
 * under AddressSanitizer, whose quarantine keeps freed memory.) */
static void test_memory_flat_over_new_names(void)
{
    store_t *st = open_store();
    pipeline_t *pl = pipeline_new(st);
    char name[32];
    long first = 0;
    pipeline_set_stream_idle(pl, 0);
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 10000; i++) {
            snprintf(name, sizeof name, "r%d-s%05d", round, i);
            record(pl, "fn", name, "x", NULL);
        }
        sync_commit(pl, st);
        CHECK_EQ_INT(pipeline_streams_open(pl), 0);
        if (round == 0)
            first = hwm_kb();
    }
    CHECK_EQ_INT(q(st, "SELECT count(*) FROM streams"), 40000);
#if !defined(__SANITIZE_ADDRESS__)
    long grew = hwm_kb() - first;
    if (grew >= 8192)
        fprintf(stderr, "  the peak grew by %ld KB\n", grew);
    CHECK(grew < 8192);
#else
    (void)first;
#endif
    pipeline_free(pl);
    store_close(st, NULL);
    tmpdir_remove(dir);
}

TEST_LIST = {
    TEST(test_idle_streams_go_their_rows_stay),
    TEST(test_a_request_in_flight_holds_its_stream),
    TEST(test_memory_flat_over_new_names),
    TEST_END,
};
