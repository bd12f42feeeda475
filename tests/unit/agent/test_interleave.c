/* tests/unit/agent/test_interleave.c — invocations merged by request id
 * whatever the order (agent/invocations.c, agent/pipeline_event.c): many
 * requests in flight in one stream (a merged `aws logs tail`, `sam local`
 * under load, Lambda Managed Instances), their lines interleaved as
 * CloudWatch orders a stream's events — by time, each request's own lines
 * in order — and, for some, the timeout or crash lines after the REPORT as
 * Lambda printed them before 2020. Each trial checks every invocation's
 * outcome, cold start and duration against what was generated, that no
 * request's error moved to another, and that the per-minute rollups equal
 * the invocations table, minute by minute. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/tmpdir.h"

#include "agent/pipeline.h"
#include "common/isotime.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>

enum { OK, ERROR_, TIMEOUT, CRASH, OOM };   /* lambda_outcome_t's values */

typedef struct req {
    char id[40];
    int outcome, cold, old_order;
    int64_t start, end;
    double duration;
} req_t;

typedef struct gline {
    int64_t ts;     /* its place in the stream: CloudWatch's time */
    int req, seq;   /* whose, and its place among that request's lines */
    char text[400];
} gline_t;

static uint64_t rng;
static uint64_t next_u(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static int rnd(int n)
{
    return (int)(next_u() % (uint64_t)n);
}

static int cmp_line(const void *a, const void *b)
{
    const gline_t *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->req == y->req)
        return x->seq - y->seq;
    return x->req - y->req;
}

static gline_t *add(gline_t *v, int *n, int64_t ts, int req, int seq, const char *fmt, ...) OBS_PRINTF(6, 7);
static gline_t *add(gline_t *v, int *n, int64_t ts, int req, int seq, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v[*n].text, sizeof v[*n].text, fmt, ap);
    va_end(ap);
    v[*n].ts = ts;
    v[*n].req = req;
    v[*n].seq = seq;
    (*n)++;
    return v;
}

/* The lines of request i: every one but START/END/REPORT carries its time
 * in a Node.js prefix, so the stream's order is the time order. */
static void lines_of(const req_t *r, int i, gline_t *v, int *n)
{
    char t[32];
    int s = 0;
    add(v, n, r->start, i, s++, "START RequestId: %s Version: $LATEST", r->id);
    isotime_format(r->start + 1, t);
    add(v, n, r->start + 1, i, s++, "%s\t%s\tINFO\thandling request %d", t, r->id, i);
    int64_t fail_at = r->end - 1;
    isotime_format(fail_at, t);
    if (r->outcome == ERROR_)
        add(v, n, fail_at, i, s++, "%s\t%s\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"boom %d\"}", t,
            r->id, i);
    if (r->outcome == TIMEOUT && !r->old_order)
        add(v, n, fail_at, i, s++, "%s %s Task timed out after 3.00 seconds", t, r->id);
    add(v, n, r->end, i, s++, "END RequestId: %s", r->id);
    char extra[160] = "";
    if (r->cold)
        snprintf(extra, sizeof extra, "\tInit Duration: 150.25 ms");
    if (r->outcome == OOM)
        strcat(extra, "\tStatus: error\tError Type: Runtime.OutOfMemory");
    if (r->outcome == CRASH && !r->old_order)
        strcat(extra, "\tStatus: error\tError Type: Runtime.ExitError");
    add(v, n, r->end, i, s++,
        "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: 256 MB\tMax Memory Used: %d MB%s",
        r->id, r->duration, (int)r->duration + 1, r->outcome == OOM ? 256 : 60, extra);
    /* before 2020: the timeout and crash lines came after the REPORT */
    if (r->outcome == TIMEOUT && r->old_order) {
        isotime_format(r->end, t);
        add(v, n, r->end, i, s++, "%s\t%s\tTask timed out after 3.00 seconds", t, r->id);
    }
    if (r->outcome == CRASH && r->old_order) {
        add(v, n, r->end, i, s++, "RequestId: %s Error: Runtime exited with error: exit status 1", r->id);
        add(v, n, r->end, i, s++, "Runtime.ExitError");
    }
}

static int64_t q(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void trial(uint64_t seed, int nreq, int concurrency)
{
    rng = seed * 0x9E3779B97F4A7C15ULL + 1;
    req_t *reqs = calloc((size_t)nreq, sizeof *reqs);
    gline_t *v = calloc((size_t)nreq * 8, sizeof *v);
    int n = 0;
    int64_t t0 = 1709572958000LL;   /* 2024-03-04T17:22:38Z */
    for (int i = 0; i < nreq; i++) {
        req_t *r = &reqs[i];
        snprintf(r->id, sizeof r->id, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)next_u(), rnd(65536), rnd(4096),
                 rnd(4096), (unsigned long long)(next_u() & 0xffffffffffffULL));
        /* about `concurrency` requests overlap at any time */
        r->start = t0 + (int64_t)i * 700 / concurrency + rnd(50);
        r->duration = 200 + rnd(1500) + rnd(100) / 100.0;
        r->end = r->start + (int64_t)r->duration + 2;
        r->outcome = rnd(10) < 5 ? OK : 1 + rnd(4);
        r->cold = rnd(5) == 0;
        r->old_order = rnd(2) && (r->outcome == TIMEOUT || r->outcome == CRASH);
        lines_of(r, i, v, &n);
    }
    qsort(v, (size_t)n, sizeof *v, cmp_line);

    char dir[64], db[96];
    obs_err_t err;
    store_t *st;
    tmpdir_make(dir, sizeof dir, "interleave");
    snprintf(db, sizeof db, "%s/obs.db", dir);
    CHECK_EQ_INT(store_open(db, NULL, &st, &err), 0);
    pipeline_t *pl = pipeline_new(st);
    pipeline_stream_t *ps;
    CHECK_EQ_INT(pipeline_stream_open(pl, "fn", "/aws/lambda/fn", "2024/03/04/[$LATEST]abc", &ps, &err), 0);
    multiline_event_t ml = { 0 };
    for (int k = 0; k < n; k++) {
        line_t l = { v[k].text, strlen(v[k].text), 0 };
        CHECK_EQ_INT(pipeline_line(pl, ps, &ml, &l, l.len + 1, &err), 0);
        if (k % 37 == 36) {   /* batches commit now and then, as the sources do */
            CHECK_EQ_INT(pipeline_sync(pl, &err), 0);
            CHECK_EQ_INT(store_commit(st, &err), 0);
        }
    }
    CHECK_EQ_INT(pipeline_flush(pl, ps, &ml, &err), 0);
    CHECK_EQ_INT(pipeline_sync(pl, &err), 0);
    CHECK_EQ_INT(store_commit(st, &err), 0);
    sqlite3 *sql = store_db(st);

    int wrong = 0;
    CHECK_EQ_INT(q(sql, "SELECT count(*) FROM invocations"), nreq);
    for (int i = 0; i < nreq; i++) {
        char s[256];
        snprintf(s, sizeof s, "SELECT outcome * 1000 + cold * 100 FROM invocations WHERE request_id = '%s'", reqs[i].id);
        int64_t got = q(sql, s);
        if (got != reqs[i].outcome * 1000 + reqs[i].cold * 100) {
            if (!wrong++)
                fprintf(stderr, "  seed %llu: %s (outcome %d cold %d%s) stored as %lld\n", (unsigned long long)seed,
                        reqs[i].id, reqs[i].outcome, reqs[i].cold, reqs[i].old_order ? ", old order" : "",
                        (long long)got);
        }
        snprintf(s, sizeof s, "SELECT round(duration * 100) FROM invocations WHERE request_id = '%s'", reqs[i].id);
        if (q(sql, s) != (int64_t)(reqs[i].duration * 100 + 0.5))
            wrong++;
    }
    CHECK_EQ_INT(wrong, 0);
    /* the rollups are the invocations table's, minute by minute */
    CHECK_EQ_INT(q(sql, "SELECT count(*) FROM ("
                        "SELECT end_ts - end_ts % 60000, count(*), sum(outcome = 1), sum(outcome = 2), sum(outcome = 3),"
                        "  sum(outcome = 4), sum(cold), round(sum(duration), 6) FROM invocations GROUP BY 1"
                        " EXCEPT SELECT minute, invocations, errors, timeouts, crashes, oom, cold_starts,"
                        "  round(duration_sum, 6) FROM rollup_minute WHERE invocations > 0)"),
                 0);
    CHECK_EQ_INT(q(sql, "SELECT sum(invocations) FROM rollup_minute"), nreq);
    CHECK_EQ_INT(q(sql, "SELECT count(*) FROM rollup_minute WHERE invocations < 0 OR errors < 0 OR timeouts < 0"
                        " OR crashes < 0 OR oom < 0 OR cold_starts < 0"),
                 0);
    pipeline_free(pl);
    multiline_done(&ml);
    store_close(st, NULL);
    tmpdir_remove(dir);
    free(reqs);
    free(v);
}

static void test_one_at_a_time(void)
{
    for (uint64_t s = 1; s <= 5; s++)
        trial(s, 60, 1);
}

static void test_many_in_flight(void)
{
    for (uint64_t s = 1; s <= 10; s++)
        trial(100 + s, 200, 2 + (int)(s % 7));
}

TEST_LIST = {
    TEST(test_one_at_a_time),
    TEST(test_many_in_flight),
    TEST_END,
};
