/* tests/unit/store/test_fts_tokens.c — the full-text entries the writer
 * thread makes from tokens found on the parsing thread
 * (store__obsword_tokens) must be the entries FTS5 makes from the message
 * itself: two contentless obsword tables fed the same fuzzed messages (any
 * bytes but NUL: separators, hex and number runs, tokens past the 64-byte
 * cut, UTF-8, upper case) one way each hold the same terms in the same rows;
 * the vocabulary noted holds every term; a message deleted by its text (as
 * retention deletes) leaves nothing of what its tokens put in. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "store/store_int.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A message of pieces real lines are made of, any byte but NUL. */
static size_t message(char *out, size_t cap)
{
    static const char *const pieces[] = {
        "START", "RequestId:", " ", "\t", "ERROR", "Task timed out after 3.00 seconds", "{\"a\":1}",
        "8f3c2d4e-1b2a-4c5d-9e8f-0a1b2c3d4e5f", "0x1F", "deadbeef", "DEADBEEF", "abc123", "é", "\xff\xfe",
        "_", "-", "Ünïcode", "12345", "ff", "cafe", "GET /api/items?id=42", "__init__",
    };
    size_t n = 0, parts = 1 + next() % 12;
    for (size_t i = 0; i < parts; i++) {
        if (next() % 5 == 0) {   /* a long run: past the 64-byte cut, sometimes hex up to it */
            size_t len = 40 + next() % 60;
            for (size_t k = 0; k < len && n + 1 < cap; k++)
                out[n++] = k < 70 && next() % 2 ? "0123456789abcdef"[next() % 16] : "gzQx"[next() % 4];
            continue;
        }
        if (next() % 4 == 0) {   /* random bytes */
            size_t len = 1 + next() % 20;
            for (size_t k = 0; k < len && n + 1 < cap; k++) {
                unsigned char c = (unsigned char)(1 + next() % 255);
                out[n++] = (char)c;
            }
            continue;
        }
        const char *p = pieces[next() % (sizeof pieces / sizeof *pieces)];
        size_t len = strlen(p);
        if (n + len + 1 >= cap)
            break;
        memcpy(out + n, p, len);
        n += len;
    }
    return n;
}

static sqlite3 *open_db(void)
{
    sqlite3 *db;
    obs_err_t err;
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK_EQ_INT(store__register_tokenizer(db, &err), 0);
    CHECK(sqlite3_exec(db,
                       "CREATE VIRTUAL TABLE a USING fts5(m, content='', tokenize='obsword', detail=none, columnsize=0);"
                       "CREATE VIRTUAL TABLE b USING fts5(m, content='', tokenize='obsword', detail=none, columnsize=0);"
                       "CREATE VIRTUAL TABLE temp.va USING fts5vocab(main, a, 'row');"
                       "CREATE VIRTUAL TABLE temp.vb USING fts5vocab(main, b, 'row');",
                       NULL, NULL, NULL) == SQLITE_OK);
    return db;
}

static void put(sqlite3 *db, const char *sql, int64_t id, const char *p, size_t n)
{
    sqlite3_stmt *s;
    CHECK(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, p, (int)n, SQLITE_STATIC);
    CHECK_EQ_INT(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    CHECK(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void test_same_entries_as_the_message(void)
{
    sqlite3 *db = open_db();
    store_vocab_t vocab;
    buf_t tokens = { 0 };
    char msg[600];
    memset(&vocab, 0, sizeof vocab);
    for (int64_t id = 1; id <= 3000; id++) {
        size_t n = message(msg, sizeof msg);
        put(db, "INSERT INTO a(rowid, m) VALUES (?1, ?2)", id, msg, n);
        store__obsword_tokens(&vocab, msg, n, &tokens);
        CHECK(tokens.len >= 1 && tokens.p[0] == '\0');
        put(db, "INSERT INTO b(rowid, m) VALUES (?1, ?2)", id, tokens.p, tokens.len);
    }
    int64_t terms = q_int(db, "SELECT count(*) FROM temp.va");
    CHECK(terms > 100);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM temp.vb"), terms);
    /* same terms in as many rows; the rows themselves through MATCH */
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM temp.va x JOIN temp.vb y ON x.term = y.term AND x.doc = y.doc"),
                 terms);
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM temp.va x WHERE (SELECT group_concat(rowid) FROM a "
                           "WHERE a MATCH '\"' || replace(x.term, '\"', '\"\"') || '\"') IS NOT "
                           "(SELECT group_concat(rowid) FROM b WHERE b MATCH '\"' || replace(x.term, '\"', '\"\"') || '\"')"),
                 0);
    /* every term was noted for fts_vocab, on this thread */
    CHECK(vocab.npending >= terms);
    store__vocab_free(&vocab);
    buf_free(&tokens);
    CHECK(sqlite3_close(db) == SQLITE_OK);
}

static void test_delete_by_text_undoes_tokens(void)
{
    sqlite3 *db = open_db();
    store_vocab_t vocab;
    buf_t tokens = { 0 };
    char msg[600];
    memset(&vocab, 0, sizeof vocab);
    for (int64_t id = 1; id <= 500; id++) {
        size_t n = message(msg, sizeof msg);
        store__obsword_tokens(&vocab, msg, n, &tokens);
        put(db, "INSERT INTO b(rowid, m) VALUES (?1, ?2)", id, tokens.p, tokens.len);
        /* retention deletes with the message as stored */
        put(db, "INSERT INTO b(b, rowid, m) VALUES ('delete', ?1, ?2)", id, msg, n);
    }
    CHECK_EQ_INT(q_int(db, "SELECT count(*) FROM temp.vb"), 0);
    store__vocab_free(&vocab);
    buf_free(&tokens);
    CHECK(sqlite3_close(db) == SQLITE_OK);
}

static void test_no_tokens(void)
{
    store_vocab_t vocab;
    buf_t tokens = { 0 };
    memset(&vocab, 0, sizeof vocab);
    store__obsword_tokens(&vocab, "-- 42 ff00 --", 13, &tokens);
    CHECK_EQ_INT((int64_t)tokens.len, 1);   /* the leading NUL alone */
    store__obsword_tokens(&vocab, "Hello, WORLD", 12, &tokens);
    CHECK_EQ_INT((int64_t)tokens.len, 13);
    CHECK(memcmp(tokens.p, "\0hello\0world\0", 13) == 0);
    store__vocab_free(&vocab);
    buf_free(&tokens);
}

TEST_LIST = {
    TEST(test_same_entries_as_the_message),
    TEST(test_delete_by_text_undoes_tokens),
    TEST(test_no_tokens),
    TEST_END,
};
