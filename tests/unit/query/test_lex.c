/* tests/unit/query/test_lex.c — query/lex.c: every token kind, byte offsets,
 * regex vs division, periods, escapes, comments, errors with positions. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include "query/lex.h"

#define MAXT 64

/* Lex all of text in default mode; returns the count, or -1 on error. */
static int lex_all(const char *text, qtok_t *toks, obs_err_t *err)
{
    int pos = 0, n = 0;
    size_t len = strlen(text);
    for (;;) {
        if (n == MAXT)
            return -1;
        if (qlex_next(text, len, pos, 0, &toks[n], err) != 0)
            return -1;
        if (toks[n].kind == QT_EOF)
            return n;
        pos = toks[n].end;
        n++;
    }
}

static void free_all(qtok_t *toks, int n)
{
    for (int i = 0; i <= n && i < MAXT; i++)
        qtok_free(&toks[i]);
}

static void test_operators(void)
{
    qtok_t t[MAXT];
    obs_err_t err;
    int n = lex_all("= == != < <= > >= + - * / % ^ =~ | , ( ) [ ]", t, &err);
    qtok_kind_t want[] = { QT_EQ, QT_EQEQ, QT_NE, QT_LT, QT_LE, QT_GT, QT_GE, QT_PLUS,
                           QT_MINUS, QT_STAR, QT_SLASH, QT_PERCENT, QT_CARET, QT_MATCH,
                           QT_PIPE, QT_COMMA, QT_LPAREN, QT_RPAREN, QT_LBRACK, QT_RBRACK };
    CHECK_EQ_INT(n, 20);
    for (int i = 0; i < n && i < 20; i++)
        CHECK_EQ_INT(t[i].kind, want[i]);
    CHECK_EQ_INT(t[1].start, 2);
    CHECK_EQ_INT(t[1].end, 4);
    free_all(t, n);
    /* no blanks needed */
    n = lex_all("a<=b!=c=~d", t, &err);
    CHECK_EQ_INT(n, 7);
    CHECK_EQ_INT(t[1].kind, QT_LE);
    CHECK_EQ_INT(t[3].kind, QT_NE);
    CHECK_EQ_INT(t[5].kind, QT_MATCH);
    free_all(t, n);
}

static void test_identifiers(void)
{
    qtok_t t[MAXT];
    obs_err_t err;
    int n = lex_all("fields @timestamp, detail.`user.id`, @`aws.tag.x` users[1].a `foo-bar` FILTER", t, &err);
    CHECK_EQ_INT(n, 9);
    CHECK_EQ_INT(t[0].kind, QT_IDENT);
    CHECK(t[0].plain);
    CHECK_EQ_STR(t[0].str, "fields");
    CHECK_EQ_STR(t[1].str, "@timestamp");
    CHECK(!t[1].plain);
    CHECK_EQ_INT(t[1].start, 7);
    CHECK_EQ_INT(t[1].end, 17);
    CHECK_EQ_STR(t[3].str, "detail.user.id");
    CHECK_EQ_STR(t[3].path, "detail\x1fuser\x1fid");
    CHECK_EQ_INT(t[3].end - t[3].start, (int)strlen("detail.`user.id`"));
    CHECK_EQ_STR(t[5].str, "@aws.tag.x");
    CHECK_EQ_STR(t[5].path, "@aws\x1ftag\x1fx");
    CHECK_EQ_STR(t[6].str, "users[1].a");
    CHECK_EQ_STR(t[6].path, "users\x1f" "1\x1f" "a");
    CHECK_EQ_STR(t[7].str, "foo-bar");
    CHECK(!t[7].plain);
    CHECK_EQ_STR(t[8].str, "FILTER");
    CHECK(t[8].plain);
    free_all(t, n);
    /* a backticked dot at an end or doubled stays in the key */
    n = lex_all("`a..b` `.x` `y.` `user.id`", t, &err);
    CHECK_EQ_INT(n, 4);
    CHECK_EQ_STR(t[0].path, "a..b");
    CHECK_EQ_STR(t[1].path, ".x");
    CHECK_EQ_STR(t[2].path, "y.");
    CHECK_EQ_STR(t[3].path, "user\x1fid");
    CHECK_EQ_STR(t[3].str, "user.id");
    free_all(t, n);
    /* "in[1]" is the keyword and a list, not an indexed field */
    n = lex_all("in[1]", t, &err);
    CHECK_EQ_INT(n, 4);
    CHECK_EQ_STR(t[0].str, "in");
    CHECK_EQ_INT(t[1].kind, QT_LBRACK);
    free_all(t, n);
}

static void test_identifiers_fixed(void)
{
    qtok_t t[MAXT];
    obs_err_t err;
    int n = lex_all("x[1 a.b.0.c p99.9 a. b", t, &err);
    /* x [ 1 a.b.0.c p99.9 a . -> '.' is an error */
    CHECK_EQ_INT(n, -1);
    CHECK_EQ_STR(err.msg, "unexpected character '.'");
    CHECK_EQ_INT(err.col, 20);
    free_all(t, 6);
    n = lex_all("x[1 a.b.0.c p99.9", t, &err);
    CHECK_EQ_INT(n, 5);
    CHECK_EQ_STR(t[0].str, "x");
    CHECK_EQ_INT(t[1].kind, QT_LBRACK);
    CHECK_EQ_INT(t[2].kind, QT_NUMBER);
    CHECK_EQ_STR(t[3].path, "a\x1f" "b\x1f" "0\x1f" "c");
    CHECK_EQ_STR(t[4].str, "p99.9");
    free_all(t, n);
}

static void test_numbers_and_periods(void)
{
    qtok_t t[MAXT];
    obs_err_t err;
    int n = lex_all("3000 0.5 123456789012 1e3 2.5E-2 5m 1h 300s 2mo 1d 1w 1q 1y 100ms "
                    "5min 10mins 2hrs 3hours 1day 2weeks 1mon 6months 1qtr 2quarters 1yr 2years "
                    "5sec 30seconds 250msec 1millisecond 3MS", t, &err);
    CHECK_EQ_INT(n, 31);
    CHECK_EQ_INT(t[0].kind, QT_NUMBER);
    CHECK_NEAR(t[0].num, 3000, 0);
    CHECK_NEAR(t[1].num, 0.5, 0);
    CHECK_NEAR(t[2].num, 123456789012.0, 0);
    CHECK_NEAR(t[3].num, 1000, 0);
    CHECK_NEAR(t[4].num, 0.025, 1e-15);
    qperiod_unit_t units[] = { QPU_M, QPU_H, QPU_S, QPU_MO, QPU_D, QPU_W, QPU_Q, QPU_Y, QPU_MS,
                               QPU_M, QPU_M, QPU_H, QPU_H, QPU_D, QPU_W, QPU_MO, QPU_MO, QPU_Q,
                               QPU_Q, QPU_Y, QPU_Y, QPU_S, QPU_S, QPU_MS, QPU_MS, QPU_MS };
    int64_t ns[] = { 5, 1, 300, 2, 1, 1, 1, 1, 100, 5, 10, 2, 3, 1, 2, 1, 6, 1, 2, 1, 2, 5, 30, 250, 1, 3 };
    for (int i = 0; i < 26 && 5 + i < n; i++) {
        CHECK_EQ_INT(t[5 + i].kind, QT_PERIOD);
        CHECK_EQ_INT(t[5 + i].unit, units[i]);
        CHECK_EQ_INT(t[5 + i].period_n, ns[i]);
    }
    CHECK_EQ_INT(t[5].start, 33);
    CHECK_EQ_INT(t[5].end, 35);
    free_all(t, n);

    CHECK_EQ_INT(lex_all("x = 12abc", t, &err), -1);
    CHECK_EQ_STR(err.msg, "invalid number '12abc'");
    CHECK_EQ_INT(err.col, 5);
    free_all(t, 2);
    CHECK_EQ_INT(lex_all("bin(1.5h)", t, &err), -1);
    CHECK_EQ_STR(err.msg, "time period '1.5h' must be a whole number");
    free_all(t, 2);
    CHECK_EQ_INT(lex_all("bin(1ss)", t, &err), -1);  /* 's' has no plural */
    free_all(t, 2);
    CHECK_EQ_INT(lex_all("bin(99999999999m)", t, &err), -1);
    CHECK_EQ_STR(err.msg, "time period '99999999999m' is too large");
    free_all(t, 2);
}

static void test_strings(void)
{
    qtok_t t[MAXT];
    obs_err_t err;
    int n = lex_all("\"ERROR\" 'vpc-flow-logs' \"a\\\"b\" 'it\\'s' \"\\n\\t\\\\\" \"\\d+\" \"#no comment\" ''", t, &err);
    CHECK_EQ_INT(n, 8);
    CHECK_EQ_INT(t[0].kind, QT_STRING);
    CHECK_EQ_STR(t[0].str, "ERROR");
    CHECK_EQ_INT(t[0].start, 0);
    CHECK_EQ_INT(t[0].end, 7);
    CHECK_EQ_STR(t[1].str, "vpc-flow-logs");
    CHECK_EQ_STR(t[2].str, "a\"b");
    CHECK_EQ_STR(t[3].str, "it's");
    CHECK_EQ_STR(t[4].str, "\n\t\\");
    CHECK_EQ_STR(t[5].str, "\\d+");  /* unknown escapes are kept */
    CHECK_EQ_STR(t[6].str, "#no comment");
    CHECK_EQ_STR(t[7].str, "");
    free_all(t, n);
    CHECK_EQ_INT(lex_all("filter x = \"abc", t, &err), -1);
    CHECK_EQ_STR(err.msg, "unterminated string: missing closing \"");
    CHECK_EQ_INT(err.line, 1);
    CHECK_EQ_INT(err.col, 12);
    free_all(t, 3);
    CHECK_EQ_INT(lex_all("a\n  'x\\'", t, &err), -1);
    CHECK_EQ_STR(err.msg, "unterminated string: missing closing '");
    CHECK_EQ_INT(err.line, 2);
    CHECK_EQ_INT(err.col, 3);
    free_all(t, 1);
}

static void test_regex_mode(void)
{
    const char *text = "a / b /x\\/y#z/ /unterminated";
    size_t len = strlen(text);
    qtok_t t;
    obs_err_t err;
    /* default mode: '/' is division */
    CHECK_EQ_INT(qlex_next(text, len, 1, 0, &t, &err), 0);
    CHECK_EQ_INT(t.kind, QT_SLASH);
    CHECK_EQ_INT(t.start, 2);
    qtok_free(&t);
    /* regex mode at the same place: a regex up to the next unescaped '/' */
    CHECK_EQ_INT(qlex_next(text, len, 1, QLEX_REGEX, &t, &err), 0);
    CHECK_EQ_INT(t.kind, QT_REGEX);
    CHECK_EQ_STR(t.str, " b ");
    qtok_free(&t);
    CHECK_EQ_INT(qlex_next(text, len, 6, QLEX_REGEX, &t, &err), 0);
    CHECK_EQ_INT(t.kind, QT_REGEX);
    CHECK_EQ_STR(t.str, "x/y#z");  /* \/ unescaped; '#' is no comment here */
    CHECK_EQ_INT(t.start, 6);
    CHECK_EQ_INT(t.end, 14);
    qtok_free(&t);
    CHECK_EQ_INT(qlex_next(text, len, 14, QLEX_REGEX, &t, &err), OBS_EINVAL);
    CHECK_EQ_STR(err.msg, "unterminated regex: missing closing /");
    CHECK_EQ_INT(err.col, 16);
    /* regex mode does not change other tokens; other escapes are kept */
    CHECK_EQ_INT(qlex_next("(", 1, 0, QLEX_REGEX, &t, &err), 0);
    CHECK_EQ_INT(t.kind, QT_LPAREN);
    qtok_free(&t);
    CHECK_EQ_INT(qlex_next("/\\d+\\./", 7, 0, QLEX_REGEX, &t, &err), 0);
    CHECK_EQ_STR(t.str, "\\d+\\.");
    qtok_free(&t);
    /* a regex may span lines */
    CHECK_EQ_INT(qlex_next("/a,\n  b/", 8, 0, QLEX_REGEX, &t, &err), 0);
    CHECK_EQ_STR(t.str, "a,\n  b");
    qtok_free(&t);
}

/* A '/' inside a character class does not end a regex (/[^/]+/); a ']'
 * first in a class is literal; a class that never closes leaves the first
 * '/' as the end. */
static void test_regex_classes(void)
{
    qtok_t t;
    obs_err_t err;
    const char *a = "/GET (?<p>[^/ ]+)/ | x";
    CHECK_EQ_INT(qlex_next(a, strlen(a), 0, QLEX_REGEX, &t, &err), 0);
    CHECK_EQ_STR(t.str, "GET (?<p>[^/ ]+)");
    CHECK_EQ_INT(t.end, 18);
    qtok_free(&t);
    const char *b = "/[]/]x[^]/]/";
    CHECK_EQ_INT(qlex_next(b, strlen(b), 0, QLEX_REGEX, &t, &err), 0);
    CHECK_EQ_STR(t.str, "[]/]x[^]/]");
    qtok_free(&t);
    const char *c = "/a\\[/b/";  /* an escaped '[' opens no class */
    CHECK_EQ_INT(qlex_next(c, strlen(c), 0, QLEX_REGEX, &t, &err), 0);
    CHECK_EQ_STR(t.str, "a\\[");
    qtok_free(&t);
    const char *d = "/a[/ | y";  /* no ']': the first '/' ends it, PCRE2 then says why it is invalid */
    CHECK_EQ_INT(qlex_next(d, strlen(d), 0, QLEX_REGEX, &t, &err), 0);
    CHECK_EQ_STR(t.str, "a[");
    qtok_free(&t);
    CHECK_EQ_INT(qlex_next("/[a", 3, 0, QLEX_REGEX, &t, &err), OBS_EINVAL);
    CHECK_EQ_STR(err.msg, "unterminated regex: missing closing /");
}

static void test_comments_and_blanks(void)
{
    qtok_t t[MAXT];
    obs_err_t err;
    int n = lex_all("# header\n  fields a # trailing | b\n\t# indented | filter\r\n| limit 5 #", t, &err);
    CHECK_EQ_INT(n, 5);
    CHECK_EQ_STR(t[0].str, "fields");
    CHECK_EQ_INT(t[0].start, 11);
    CHECK_EQ_STR(t[1].str, "a");
    CHECK_EQ_INT(t[2].kind, QT_PIPE);
    CHECK_EQ_STR(t[3].str, "limit");
    CHECK_EQ_INT(t[4].kind, QT_NUMBER);
    free_all(t, n);
    CHECK_EQ_INT(lex_all("   # only\n#comments", t, &err), 0);
    CHECK_EQ_INT(t[0].kind, QT_EOF);
    CHECK_EQ_INT(t[0].start, 19);
    free_all(t, 0);
}

static void test_errors(void)
{
    qtok_t t[MAXT];
    obs_err_t err;
    /* a lone '!' is a token (the parser takes it where 'not' goes) */
    CHECK_EQ_INT(lex_all("a ! b", t, &err), 3);
    CHECK_EQ_INT(t[1].kind, QT_BANG);
    CHECK_EQ_INT(t[1].start, 2);
    CHECK_EQ_INT(t[1].end, 3);
    free_all(t, 3);
    CHECK_EQ_INT(lex_all("a $ b", t, &err), -1);
    CHECK_EQ_STR(err.msg, "unexpected character '$'");
    CHECK_EQ_INT(err.col, 3);
    free_all(t, 1);
    CHECK_EQ_INT(lex_all("a\n\n  ;", t, &err), -1);
    CHECK_EQ_STR(err.msg, "unexpected character ';'");
    CHECK_EQ_INT(err.line, 3);
    CHECK_EQ_INT(err.col, 3);
    free_all(t, 1);
    CHECK_EQ_INT(lex_all("x `a", t, &err), -1);
    CHECK_EQ_STR(err.msg, "unterminated `: missing closing backtick");
    CHECK_EQ_INT(err.col, 3);
    free_all(t, 1);
    CHECK_EQ_INT(lex_all("x ``", t, &err), -1);
    CHECK_EQ_STR(err.msg, "empty field name in backticks");
    free_all(t, 1);
    CHECK_EQ_INT(lex_all("x \x01", t, &err), -1);
    CHECK_EQ_STR(err.msg, "unexpected byte 0x01");
    free_all(t, 1);
}

static void test_linecol(void)
{
    int l, c;
    const char *t = "ab\ncd\n\tx";
    qlex_linecol(t, strlen(t), 0, &l, &c);
    CHECK_EQ_INT(l, 1);
    CHECK_EQ_INT(c, 1);
    qlex_linecol(t, strlen(t), 4, &l, &c);
    CHECK_EQ_INT(l, 2);
    CHECK_EQ_INT(c, 2);
    qlex_linecol(t, strlen(t), 7, &l, &c);
    CHECK_EQ_INT(l, 3);
    CHECK_EQ_INT(c, 2);  /* a tab is one byte */
    CHECK_EQ_STR(qlex_unit_name(QPU_MO), "mo");
}

TEST_LIST = {
    TEST(test_operators),
    TEST(test_identifiers),
    TEST(test_identifiers_fixed),
    TEST(test_numbers_and_periods),
    TEST(test_strings),
    TEST(test_regex_mode),
    TEST(test_regex_classes),
    TEST(test_comments_and_blanks),
    TEST(test_errors),
    TEST(test_linecol),
    TEST_END,
};
