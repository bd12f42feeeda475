/* tests/unit/query/test_prefilter.c — query/prefilter: the exact MATCH expressions
 * derived for typical `like` strings and regexes, the cases that must give
 * none (scan), and a randomized property check on a real FTS5 table with the
 * obsword tokenizer: every row that contains the needle is matched by the
 * pre-filter (it may never drop a match), without and with a vocabulary. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "query/prefilter.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdlib.h>

static void expect_sub(const char *needle, const char *want)
{
    char *got = prefilter_substring(needle, strlen(needle), NULL);
    CHECK_EQ_STR(got, want);
    free(got);
}

static void expect_re(const char *re, const char *want)
{
    char *got = prefilter_regex(re, NULL);
    CHECK_EQ_STR(got, want);
    free(got);
}

static void test_substrings(void)
{
    expect_sub("Task timed out", "\"timed\"");  /* out* (< 4 bytes) dropped: timed is whole */
    expect_sub("Task timed outage", "\"timed\" AND \"outage\"*");
    expect_sub("DynamoDB", NULL);                 /* may sit inside a token */
    expect_sub("ord_0118700153", NULL);           /* suffix + hex prefix */
    expect_sub("TooManyRequestsException: Rate", "\"rate\"*");
    expect_sub(" error ", "\"error\"");           /* bounded both sides */
    expect_sub("id=deadbeef1 x", "\"x\"*");       /* hex-with-digit token is skipped */
    expect_sub("id=cafe next", "\"cafe\" AND \"next\"*");  /* hex without digit: indexed */
    expect_sub("x out", "\"out\"*");            /* no whole token: the short prefix stays */
    expect_sub("x abc", NULL);                    /* "abc"*: all hex, could be abc123 */
    expect_sub("", NULL);
    expect_sub("   ", NULL);
}

static void test_long_fragments_truncated(void)
{
    char needle[200], want[200];
    memset(needle, 0, sizeof needle);
    needle[0] = ' ';
    memset(needle + 1, 'w', 70);
    needle[71] = ' ';
    snprintf(want, sizeof want, "\"%.*s\"", 64, needle + 1);
    expect_sub(needle, want);
}

static void test_regexes(void)
{
    expect_re("Task timed out", "\"timed\"");
    expect_re("(?i)task TIMED out", "\"timed\"");
    expect_re("Process exited", "\"exited\"*");
    expect_re("Billed Duration: \\d+ ms", "\"duration\"");
    expect_re("(error|failure)", NULL);
    expect_re("Exception: (.*)", NULL);
    expect_re("a.c", NULL);
    expect_re("colou?r value", "\"value\"*");      /* u optional: run "colo" then "r value" */
    expect_re("x [^]a] y", NULL);                  /* runs "x " and " y": nothing bounded */
    expect_re("[\\]] trap here", NULL);            /* escape in a class: give up */
    expect_re("(?i)caf\xc3\xa9 au lait", NULL);    /* case-insensitive non-ASCII */
}

/* ---- with a vocabulary ------------------------------------------------------ */

/* A fixed vocabulary: the tokens containing the fragment, plus 64-byte ones. */
static const char *const fake_vocab[] = {
    "dynamodb", "dynamodbstreams", "mydynamodbtable", "error", "errors", "kerror", "x",
    "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww",  /* 64: maybe cut */
};

static int fake_lookup(void *ctx, const char *frag, size_t len, char ***out, int *n)
{
    (void)ctx;
    (void)len;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < OBS_ARRAY_LEN(fake_vocab); i++) {
        if (strstr(fake_vocab[i], frag) || strlen(fake_vocab[i]) == 64) {
            *out = realloc(*out, (size_t)(*n + 1) * sizeof **out);
            (*out)[(*n)++] = strdup(fake_vocab[i]);
        }
    }
    return 0;
}

static void expect_vocab(const char *needle, const char *want)
{
    prefilter_vocab_t v = { fake_lookup, NULL };
    char *got = prefilter_substring(needle, strlen(needle), &v);
    CHECK_EQ_STR(got, want);
    free(got);
}

static void test_vocabulary_expansion(void)
{
    /* inside a token: every token containing it, and the 64-byte one */
    expect_vocab("DynamoDB", "(\"dynamodb\" OR \"dynamodbstreams\" OR \"mydynamodbtable\" OR "
                             "\"wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww\")");
    /* the end of a token (a separator follows): only tokens ending with it */
    expect_vocab("rror: x", "(\"error\" OR \"kerror\" OR "
                            "\"wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww\") AND \"x\"*");
    /* in no indexed token but a 64-byte one, which may be a longer token cut */
    expect_vocab("zzzq", "(\"wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww\")");
    /* hex-only runs could sit in a skipped token: never looked up */
    expect_vocab("beef", NULL);
}

/* ---- property: never drops a row that contains the needle ----------------- */

/* Lookup over the test table's real vocabulary (fts5vocab). */
static int real_lookup(void *ctx, const char *frag, size_t len, char ***out, int *n)
{
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2((sqlite3 *)ctx, "SELECT term FROM v WHERE instr(CAST(term AS BLOB), CAST(?1 AS BLOB)) > 0 "
                                           "OR length(CAST(term AS BLOB)) = 64", -1, &st, NULL))
        return -1;
    sqlite3_bind_text(st, 1, frag, (int)len, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        *out = realloc(*out, (size_t)(*n + 1) * sizeof **out);
        (*out)[(*n)++] = strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return 0;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const words[] = {
    "Task", "timed", "out", "DynamoDB", "error", "ERROR", "Exception", "deadbeef1", "cafe", "abc123",
    "0118700153", "ord", "rate", "Rate", "exceeded", "caf\xc3\xa9", "x", "ab", "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
};
static const char *const seps[] = { " ", "_", ": ", "\t", "-", "/", ".", "=", "" };

static void make_line(char *out, size_t cap)
{
    size_t len = 0;
    int n = 2 + (int)rnd(8);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf(out + len, cap - len, "%s%s", words[rnd(OBS_ARRAY_LEN(words))],
                                seps[rnd(OBS_ARRAY_LEN(seps))]);
        if (len >= cap - 1)
            break;
    }
}

static int never_drops_a_match(int with_vocab)
{
    sqlite3 *db;
    enum { NLINES = 400, NQUERIES = 3000 };
    static char lines[NLINES][512];
    CHECK_EQ_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
    CHECK_EQ_INT(store_register_tokenizer(db, NULL), 0);
    CHECK_EQ_INT(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='obsword', "
                                  "detail=none, columnsize=0)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *ins;
    sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES(?1, ?2)", -1, &ins, NULL);
    for (int i = 0; i < NLINES; i++) {
        make_line(lines[i], sizeof lines[i]);
        sqlite3_bind_int(ins, 1, i + 1);
        sqlite3_bind_text(ins, 2, lines[i], -1, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    CHECK_EQ_INT(sqlite3_exec(db, "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')", NULL, NULL,
                              NULL), SQLITE_OK);
    prefilter_vocab_t vocab = { real_lookup, db };
    sqlite3_stmt *q;
    sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &q, NULL);
    int used = 0, missed = 0;
    for (int k = 0; k < NQUERIES; k++) {
        /* a random substring of a random line */
        const char *src = lines[rnd(NLINES)];
        size_t sl = strlen(src), a = rnd((unsigned)sl), n = 1 + rnd(24);
        if (a + n > sl)
            n = sl - a;
        char needle[64];
        memcpy(needle, src + a, n);
        needle[n] = '\0';
        char *m = prefilter_substring(needle, n, with_vocab ? &vocab : NULL);
        if (!m)
            continue;
        used++;
        static char hit[NLINES + 1];
        memset(hit, 0, sizeof hit);
        sqlite3_bind_text(q, 1, m, -1, SQLITE_STATIC);
        while (sqlite3_step(q) == SQLITE_ROW)
            hit[sqlite3_column_int(q, 0)] = 1;
        sqlite3_reset(q);
        for (int i = 0; i < NLINES; i++) {
            if (strstr(lines[i], needle) && !hit[i + 1]) {
                missed++;
                fprintf(stderr, "  missed: needle \"%s\" -> %s, line \"%s\"\n", needle, m, lines[i]);
            }
        }
        free(m);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    CHECK_EQ_INT(missed, 0);
    fprintf(stderr, "  pre-filter used for %d of %d needles (%s vocabulary)\n", used, NQUERIES,
            with_vocab ? "with" : "without");
    CHECK(used > NQUERIES / 10);  /* exercised, not always skipped */
    return used;
}

static void test_never_drops_a_match(void)
{
    never_drops_a_match(0);
}

/* Same needles (the generator restarts): the vocabulary must constrain
 * strictly more of them, and still never drop a match. */
static void test_never_drops_a_match_with_vocabulary(void)
{
    rng = 0x9E3779B97F4A7C15ULL;
    int without = never_drops_a_match(0);
    rng = 0x9E3779B97F4A7C15ULL;
    int with = never_drops_a_match(1);
    CHECK(with > without);
}

TEST_LIST = {
    TEST(test_substrings),
    TEST(test_long_fragments_truncated),
    TEST(test_regexes),
    TEST(test_vocabulary_expansion),
    TEST(test_never_drops_a_match),
    TEST(test_never_drops_a_match_with_vocabulary),
    TEST_END,
};
