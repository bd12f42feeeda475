/* tests/unit/store/test_wqueue.c — store/wqueue: the writer's statement
 * queue on an in-memory SQLite database of the test's own. Covers order
 * (many thousands of statements of several kinds, ids in recording order,
 * an order-sensitive fold), values byte-exact (random texts, blobs with any
 * bytes, empty ones, NULL/NaN -> NULL, int64 extremes, doubles bit for bit),
 * statements larger than a block (1 MiB, and many values that together pass
 * a block), threaded and unthreaded runs of one fuzzed sequence giving the
 * same table, a failing statement (OBS_EDB naming it, the ones after it not
 * run, start refusing while it is pending, statements running again after
 * store__wq_clear_error), and store__wq_free running what is pending. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "store/wqueue.h"

#include <float.h>
#include <sqlite3.h>
#include <stdlib.h>

/* ---- a database of the test's own ------------------------------------------ */

enum { S_V0, S_V1, S_V2, S_V3, S_V4, S_V5, S_V6, S_FOLD, S_U, S_COUNT };

typedef struct db {
    sqlite3 *db;
    sqlite3_stmt *stmts[S_COUNT];
} db_t;

static void db_open(db_t *d)
{
    static const char *const sql[S_COUNT] = {
        [S_V0] = "INSERT INTO t(seq) VALUES (?1)",
        [S_V1] = "INSERT INTO t(seq, v1) VALUES (?1, ?2)",
        [S_V2] = "INSERT INTO t(seq, v1, v2) VALUES (?1, ?2, ?3)",
        [S_V3] = "INSERT INTO t(seq, v1, v2, v3) VALUES (?1, ?2, ?3, ?4)",
        [S_V4] = "INSERT INTO t(seq, v1, v2, v3, v4) VALUES (?1, ?2, ?3, ?4, ?5)",
        [S_V5] = "INSERT INTO t(seq, v1, v2, v3, v4, v5) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        [S_V6] = "INSERT INTO t(seq, v1, v2, v3, v4, v5, v6) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        /* order-sensitive: the fold of the values in the order run */
        [S_FOLD] = "UPDATE acc SET v = (v * 31 + ?1) % 1000000007",
        [S_U] = "INSERT INTO u(k) VALUES (?1)",
    };
    CHECK(sqlite3_open(":memory:", &d->db) == SQLITE_OK);
    CHECK(sqlite3_exec(d->db,
                       "CREATE TABLE t(id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, v1, v2, v3, v4, v5, v6);"
                       "CREATE TABLE acc(v INTEGER NOT NULL); INSERT INTO acc VALUES (0);"
                       "CREATE TABLE u(k INTEGER NOT NULL UNIQUE);",
                       NULL, NULL, NULL) == SQLITE_OK);
    for (int i = 0; i < S_COUNT; i++)
        CHECK(sqlite3_prepare_v2(d->db, sql[i], -1, &d->stmts[i], NULL) == SQLITE_OK);
}

static void db_close(db_t *d)
{
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(d->stmts[i]);
    CHECK(sqlite3_close(d->db) == SQLITE_OK);
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -2;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* ---- a seeded sequence of statements ------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s += 0x9e3779b97f4a7c15ULL;   /* splitmix64 */
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

enum { K_NULL, K_INT, K_REAL, K_NAN, K_TEXT, K_STR_NULL, K_SPAN_EMPTY, K_BLOB, K_KINDS };

typedef struct val {
    int kind;
    int64_t i;
    double d;
    size_t len;
    unsigned char *p;   /* text (no NUL byte) or blob (any bytes) */
} val_t;

static size_t rand_len(uint64_t *r)
{
    uint64_t x = rng_next(r) % 100;
    if (x < 10)
        return 0;
    if (x < 80)
        return 1 + rng_next(r) % 200;
    if (x < 97)
        return 1 + rng_next(r) % 4000;
    return WQ_BLOCK_BYTES - 64 + rng_next(r) % (2 * WQ_BLOCK_BYTES);   /* about a block */
}

static void gen_val(uint64_t *r, val_t *v, unsigned char *buf)
{
    static const int64_t ints[] = { INT64_MIN, INT64_MAX, 0, -1, 1, INT64_MIN + 1, INT64_MAX - 1 };
    static const double reals[] = { 0.0, -0.0, 1.5, -2.25e300, DBL_MIN, DBL_MAX, -DBL_MAX, 4.9e-324,
                                    1e308 * 10.0 /* inf */, 0.1 };
    memset(v, 0, sizeof *v);
    v->kind = (int)(rng_next(r) % K_KINDS);
    switch (v->kind) {
    case K_INT:
        v->i = rng_next(r) % 2 ? ints[rng_next(r) % (sizeof ints / sizeof *ints)] : (int64_t)rng_next(r);
        break;
    case K_REAL:
        if (rng_next(r) % 2) {
            v->d = reals[rng_next(r) % (sizeof reals / sizeof *reals)];
        } else {
            uint64_t bits = rng_next(r);
            memcpy(&v->d, &bits, 8);
            if (isnan(v->d))
                v->d = 3.0;
        }
        break;
    case K_TEXT:
    case K_BLOB:
        v->len = rand_len(r);
        v->p = buf;
        for (size_t i = 0; i < v->len; i++) {
            unsigned char c = (unsigned char)rng_next(r);
            buf[i] = v->kind == K_TEXT && c == 0 ? 'x' : c;
        }
        break;
    default:
        break;
    }
}

/* Statement n of the sequence: a row of 0..6 values, or a fold step. */
typedef struct gstmt {
    int stmt, nv;
    int64_t fold;
    val_t v[6];
} gstmt_t;

static void gen_stmt(uint64_t *r, gstmt_t *g, unsigned char bufs[6][3 * WQ_BLOCK_BYTES])
{
    if (rng_next(r) % 8 == 0) {
        g->stmt = S_FOLD;
        g->nv = 0;
        g->fold = (int64_t)(rng_next(r) % 1000);
        return;
    }
    g->nv = (int)(rng_next(r) % 7);
    g->stmt = S_V0 + g->nv;
    for (int i = 0; i < g->nv; i++)
        gen_val(r, &g->v[i], bufs[i]);
}

static void record_val(store_wq_t *q, const val_t *v)
{
    switch (v->kind) {
    case K_NULL: store__wq_null(q); break;
    case K_INT: store__wq_int(q, v->i); break;
    case K_REAL: store__wq_real(q, v->d); break;
    case K_NAN: store__wq_real(q, NAN); break;
    case K_TEXT:
        /* both ways of giving a text: with a length, and NUL-terminated */
        if (v->len && v->len % 3 == 0) {
            char *s = malloc(v->len + 1);
            memcpy(s, v->p, v->len);
            s[v->len] = 0;
            store__wq_str(q, s);
            free(s);
        } else if (v->len % 3 == 1) {
            store__wq_span(q, obs_span((const char *)v->p, v->len));
        } else {
            store__wq_text(q, (const char *)v->p, v->len);
        }
        break;
    case K_STR_NULL: store__wq_str(q, NULL); break;
    case K_SPAN_EMPTY: store__wq_span(q, obs_span("x", 0)); break;
    case K_BLOB: store__wq_blob(q, v->p, v->len); break;
    }
}

/* Record n statements of seed; returns the expected fold. */
static int64_t record_seq(store_wq_t *q, uint64_t seed, int n)
{
    static unsigned char bufs[6][3 * WQ_BLOCK_BYTES];
    uint64_t r = seed;
    int64_t fold = 0, seq = 0;
    for (int k = 0; k < n; k++) {
        gstmt_t g;
        gen_stmt(&r, &g, bufs);
        CHECK_EQ_INT(store__wq_start(q, g.stmt, "a test statement", NULL), 0);
        if (g.stmt == S_FOLD) {
            store__wq_int(q, g.fold);
            fold = (fold * 31 + g.fold) % 1000000007;
        } else {
            store__wq_int(q, ++seq);
            for (int i = 0; i < g.nv; i++)
                record_val(q, &g.v[i]);
        }
        store__wq_end(q);
    }
    return fold;
}

/* Is column c of row s what v recorded? */
static int val_matches(sqlite3_stmt *s, int c, const val_t *v)
{
    int type = sqlite3_column_type(s, c);
    switch (v->kind) {
    case K_INT:
        return type == SQLITE_INTEGER && sqlite3_column_int64(s, c) == v->i;
    case K_REAL: {
        double got = sqlite3_column_double(s, c);
        return type == SQLITE_FLOAT && memcmp(&got, &v->d, 8) == 0;
    }
    case K_TEXT:   /* an empty one too (store__wq_text): '' */
        return type == SQLITE_TEXT && (size_t)sqlite3_column_bytes(s, c) == v->len &&
               memcmp(sqlite3_column_text(s, c), v->p, v->len) == 0;
    case K_BLOB:
        return type == SQLITE_BLOB && (size_t)sqlite3_column_bytes(s, c) == v->len &&
               (v->len == 0 || memcmp(sqlite3_column_blob(s, c), v->p, v->len) == 0);
    default:   /* NULL, NaN, NULL string, empty span */
        return type == SQLITE_NULL;
    }
}

/* Check the table against the sequence of seed: every row, in order. */
static void verify_seq(sqlite3 *db, uint64_t seed, int n, int64_t fold)
{
    static unsigned char bufs[6][3 * WQ_BLOCK_BYTES];
    sqlite3_stmt *s;
    uint64_t r = seed;
    int64_t seq = 0, bad = 0;
    CHECK(sqlite3_prepare_v2(db, "SELECT id, seq, v1, v2, v3, v4, v5, v6 FROM t ORDER BY id", -1, &s,
                             NULL) == SQLITE_OK);
    for (int k = 0; k < n; k++) {
        gstmt_t g;
        gen_stmt(&r, &g, bufs);
        if (g.stmt == S_FOLD)
            continue;
        seq++;
        if (sqlite3_step(s) != SQLITE_ROW) {
            CHECK_EQ_INT(seq, -1);   /* a row is missing */
            break;
        }
        if (sqlite3_column_int64(s, 0) != seq || sqlite3_column_int64(s, 1) != seq)
            bad++;
        for (int i = 0; i < 6; i++) {
            val_t none = { .kind = K_NULL };
            if (!val_matches(s, 2 + i, i < g.nv ? &g.v[i] : &none)) {
                if (bad++ < 5)
                    fprintf(stderr, "  row %lld column v%d: kind %d len %zu differs\n", (long long)seq,
                            i + 1, g.v[i].kind, g.v[i].len);
            }
        }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(sqlite3_step(s) == SQLITE_DONE);   /* no row more */
    sqlite3_finalize(s);
    CHECK_EQ_INT(q_int(db, "SELECT v FROM acc"), fold);
}

/* ---- tests -------------------------------------------------------------------- */

#define SEQ_N 20000

static void run_seq(int threaded, uint64_t seed)
{
    db_t d;
    db_open(&d);
    store_wq_t *q = store__wq_new(d.db, d.stmts, threaded, -1);
    CHECK_EQ_INT(store__wq_threaded(q), threaded && sqlite3_threadsafe());
    int64_t fold = record_seq(q, seed, SEQ_N);
    CHECK_EQ_INT(store__wq_count(q), SEQ_N);
    CHECK_EQ_INT(store__wq_sync(q, NULL), 0);
    verify_seq(d.db, seed, SEQ_N, fold);
    store__wq_free(q);
    db_close(&d);
}

static void test_order_and_values_threaded(void)
{
    run_seq(1, 42);
    run_seq(1, 7);
}

static void test_order_and_values_unthreaded(void)
{
    run_seq(0, 42);
}

/* The same seeded sequence, threaded and not: row for row the same table. */
static void test_threaded_same_as_unthreaded(void)
{
    db_t a, b;
    db_open(&a);
    db_open(&b);
    store_wq_t *qa = store__wq_new(a.db, a.stmts, 1, -1), *qb = store__wq_new(b.db, b.stmts, 0, -1);
    int64_t fa = record_seq(qa, 1234, SEQ_N), fb = record_seq(qb, 1234, SEQ_N);
    CHECK_EQ_INT(fa, fb);
    /* the threaded one is freed without a sync: free runs what is pending */
    store__wq_free(qa);
    CHECK_EQ_INT(store__wq_sync(qb, NULL), 0);
    sqlite3_stmt *sa, *sb;
    const char *sql = "SELECT id, seq, v1, v2, v3, v4, v5, v6 FROM t ORDER BY id";
    CHECK(sqlite3_prepare_v2(a.db, sql, -1, &sa, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(b.db, sql, -1, &sb, NULL) == SQLITE_OK);
    int64_t rows = 0, diff = 0;
    for (;;) {
        int ra = sqlite3_step(sa), rb = sqlite3_step(sb);
        CHECK_EQ_INT(ra, rb);
        if (ra != SQLITE_ROW || rb != SQLITE_ROW)
            break;
        rows++;
        for (int c = 0; c < 8; c++) {
            int ta = sqlite3_column_type(sa, c), tb = sqlite3_column_type(sb, c);
            const void *pa = sqlite3_column_blob(sa, c), *pb = sqlite3_column_blob(sb, c);
            int na = sqlite3_column_bytes(sa, c), nb = sqlite3_column_bytes(sb, c);
            if (ta != tb || na != nb || (na && memcmp(pa, pb, (size_t)na) != 0))
                diff++;
        }
    }
    CHECK(rows > SEQ_N / 2);
    CHECK_EQ_INT(diff, 0);
    CHECK_EQ_INT(q_int(a.db, "SELECT v FROM acc"), q_int(b.db, "SELECT v FROM acc"));
    sqlite3_finalize(sa);
    sqlite3_finalize(sb);
    store__wq_free(qb);
    db_close(&a);
    db_close(&b);
}

/* A statement larger than a block gets one of its own, between small ones;
 * so does one whose values only together pass a block. */
static void test_statement_larger_than_block(void)
{
    for (int threaded = 0; threaded <= 1; threaded++) {
        db_t d;
        db_open(&d);
        store_wq_t *q = store__wq_new(d.db, d.stmts, threaded, -1);
        size_t big = 1 << 20;
        char *text = malloc(big);
        for (size_t i = 0; i < big; i++)
            text[i] = (char)('a' + i % 26);
        text[big - 1] = 'Z';
        size_t part = WQ_BLOCK_BYTES / 2 + 100;   /* 3 parts: past a block only together */
        for (int k = 1; k <= 40; k++) {
            store__wq_start(q, k % 4 == 0 ? S_V1 : k % 4 == 1 ? S_V3 : S_V0, "x", NULL);
            store__wq_int(q, k);
            if (k % 4 == 0) {
                store__wq_text(q, text, big);
            } else if (k % 4 == 1) {
                store__wq_blob(q, text, part);
                store__wq_blob(q, text + 1, part);
                store__wq_blob(q, text + 2, part);
            }
            store__wq_end(q);
        }
        CHECK_EQ_INT(store__wq_sync(q, NULL), 0);
        CHECK_EQ_INT(q_int(d.db, "SELECT count(*) FROM t WHERE id = seq"), 40);
        sqlite3_stmt *s;
        CHECK(sqlite3_prepare_v2(d.db, "SELECT seq, v1, v2, v3 FROM t ORDER BY id", -1, &s, NULL) ==
              SQLITE_OK);
        int bad = 0;
        while (sqlite3_step(s) == SQLITE_ROW) {
            int k = sqlite3_column_int(s, 0);
            if (k % 4 == 0) {
                bad += sqlite3_column_type(s, 1) != SQLITE_TEXT ||
                       (size_t)sqlite3_column_bytes(s, 1) != big ||
                       memcmp(sqlite3_column_text(s, 1), text, big) != 0;
            } else if (k % 4 == 1) {
                for (int c = 1; c <= 3; c++)
                    bad += sqlite3_column_type(s, c) != SQLITE_BLOB ||
                           (size_t)sqlite3_column_bytes(s, c) != part ||
                           memcmp(sqlite3_column_blob(s, c), text + c - 1, part) != 0;
            } else {
                bad += sqlite3_column_type(s, 1) != SQLITE_NULL;
            }
        }
        CHECK_EQ_INT(bad, 0);
        sqlite3_finalize(s);
        free(text);
        store__wq_free(q);
        db_close(&d);
    }
}

static int u_insert(store_wq_t *q, int64_t k, const char *what, obs_err_t *err)
{
    int rc = store__wq_start(q, S_U, what, err);
    if (rc)
        return rc;
    if (k < 0)
        store__wq_null(q);
    else
        store__wq_int(q, k);
    store__wq_end(q);
    return 0;
}

/* A failing statement: OBS_EDB naming it, sticky; the ones after it are not
 * run; start refuses while it is pending; clear_error lets new ones run. */
static void fail_case(int threaded, int64_t bad_k, const char *why)
{
    db_t d;
    db_open(&d);
    store_wq_t *q = store__wq_new(d.db, d.stmts, threaded, -1);
    obs_err_t err;
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(u_insert(q, 1, "adding one", NULL), 0);
    CHECK_EQ_INT(u_insert(q, 2, "adding two", NULL), 0);
    CHECK_EQ_INT(u_insert(q, bad_k, "adding the bad one", NULL), 0);
    /* more after it: some may be recorded before the failure is seen, none
     * may run; once start refuses, it refuses until cleared */
    int refused = 0;
    for (int64_t k = 100; k < 5100; k++) {
        int rc = u_insert(q, k, "adding a later one", NULL);
        if (refused)
            CHECK_EQ_INT(rc, OBS_EDB);
        if (rc) {
            CHECK_EQ_INT(rc, OBS_EDB);
            refused = 1;
        }
    }
    CHECK_EQ_INT(store__wq_sync(q, &err), OBS_EDB);
    CHECK_EQ_INT(err.code, OBS_EDB);
    CHECK(strstr(err.msg, "adding the bad one") != NULL);
    CHECK(strstr(err.msg, why) != NULL);
    if (!strstr(err.msg, why))
        fprintf(stderr, "  message: %s\n", err.msg);
    CHECK_EQ_INT(q_int(d.db, "SELECT count(*) FROM u"), 2);
    CHECK_EQ_INT(q_int(d.db, "SELECT sum(k) FROM u"), 3);
    /* pending: sticky, and start records nothing */
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(u_insert(q, 7000, "refused", &err), OBS_EDB);
    CHECK(strstr(err.msg, "adding the bad one") != NULL);
    CHECK_EQ_INT(store__wq_sync(q, NULL), OBS_EDB);
    CHECK_EQ_INT(q_int(d.db, "SELECT count(*) FROM u"), 2);
    /* cleared: new statements run (as after a rollback) */
    store__wq_clear_error(q);
    CHECK_EQ_INT(u_insert(q, 7001, "adding after", NULL), 0);
    CHECK_EQ_INT(u_insert(q, 7002, "adding after", NULL), 0);
    CHECK_EQ_INT(store__wq_sync(q, &err), 0);
    CHECK_EQ_INT(q_int(d.db, "SELECT count(*) FROM u"), 4);
    CHECK_EQ_INT(q_int(d.db, "SELECT sum(k) FROM u"), 1 + 2 + 7001 + 7002);
    /* and a second failure is reported with its own name */
    CHECK_EQ_INT(u_insert(q, 7001, "adding a twin", NULL), 0);
    CHECK_EQ_INT(store__wq_sync(q, &err), OBS_EDB);
    CHECK(strstr(err.msg, "adding a twin") != NULL);
    store__wq_free(q);
    db_close(&d);
}

static void test_failure_unique(void)
{
    fail_case(1, 1, "UNIQUE");
    fail_case(0, 1, "UNIQUE");
}

static void test_failure_not_null(void)
{
    fail_case(1, -1, "NOT NULL");
    fail_case(0, -1, "NOT NULL");
}

/* Free with work pending runs it all before returning. */
static void test_free_runs_pending(void)
{
    db_t d;
    db_open(&d);
    store_wq_t *q = store__wq_new(d.db, d.stmts, 1, -1);
    char text[3000];
    memset(text, 'q', sizeof text);
    for (int k = 1; k <= 5000; k++) {
        store__wq_start(q, S_V1, "x", NULL);
        store__wq_int(q, k);
        store__wq_text(q, text, sizeof text);
        store__wq_end(q);
    }
    store__wq_free(q);
    CHECK_EQ_INT(q_int(d.db, "SELECT count(*) FROM t WHERE id = seq AND length(v1) = 3000"), 5000);
    db_close(&d);
}

/* count: statements recorded since the last clear_count. */
static void test_count(void)
{
    db_t d;
    db_open(&d);
    store_wq_t *q = store__wq_new(d.db, d.stmts, 1, -1);
    CHECK_EQ_INT(store__wq_count(q), 0);
    CHECK_EQ_INT(u_insert(q, 1, "x", NULL), 0);
    CHECK_EQ_INT(u_insert(q, 2, "x", NULL), 0);
    CHECK_EQ_INT(store__wq_count(q), 2);
    store__wq_clear_count(q);
    CHECK_EQ_INT(store__wq_count(q), 0);
    CHECK_EQ_INT(u_insert(q, 3, "x", NULL), 0);
    CHECK_EQ_INT(store__wq_count(q), 1);
    store__wq_free(q);
    db_close(&d);
}

TEST_LIST = {
    TEST(test_order_and_values_threaded),
    TEST(test_order_and_values_unthreaded),
    TEST(test_threaded_same_as_unthreaded),
    TEST(test_statement_larger_than_block),
    TEST(test_failure_unique),
    TEST(test_failure_not_null),
    TEST(test_free_runs_pending),
    TEST(test_count),
    TEST_END,
};
