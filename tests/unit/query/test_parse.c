/* tests/unit/query/test_parse.c — query/parse.c (+ check, dump): the golden
 * blocks of tests/query/parse.golden, then the limits (text size, nesting,
 * chain length) and error positions. Run from the repository root. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include <stdlib.h>

#include "query/check.h"
#include "query/errfmt.h"
#include "query/parse.h"

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            b = realloc(b, cap *= 2);
    }
    b[n] = '\0';
    fclose(f);
    return b;
}

/* Parse and check; the dump, or "LINE:COL: MESSAGE". Caller frees. */
static char *run(const char *text, size_t len)
{
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    int rc = query_parse(text, len, &q, &err);
    if (rc == 0)
        rc = query_check(q, &err);
    char *out;
    if (rc) {
        out = malloc(400);
        snprintf(out, 400, "%d:%d: %s\n", err.line, err.col, err.msg);
        CHECK(err.code == OBS_EINVAL);
    } else {
        out = query_ast_dump(q);
    }
    query_ast_free(q);
    return out;
}

static void test_golden(void)
{
    char *all = read_file("tests/query/parse.golden");
    CHECK(all != NULL);
    if (!all)
        return;
    int blocks = 0, fails = 0;
    char *s = all;
    for (;;) {
        char *next = strstr(s, "\n---\n");
        if (next)
            *next = '\0';
        while (strncmp(s, ";;", 2) == 0) {
            char *nl = strchr(s, '\n');
            s = nl ? nl + 1 : s + strlen(s);
        }
        int fail = strncmp(s, "%%FAIL\n", 7) == 0;
        if (fail)
            s += 7;
        char *arrow = strncmp(s, "=>\n", 3) == 0 ? s - 1 : strstr(s, "\n=>\n");
        CHECK(arrow != NULL);
        if (!arrow)
            break;
        size_t qlen = (size_t)(arrow - s + (arrow < s ? 1 : 0));
        if (arrow < s)
            qlen = 0;
        char *expected = arrow + 4;
        char *got = run(s, qlen);
        size_t el = strlen(expected);
        /* expected has no trailing newline when it is the last block */
        int ok = strncmp(got, expected, el) == 0 &&
                 (got[el] == '\0' || (got[el] == '\n' && got[el + 1] == '\0'));
        if (!ok) {
            fprintf(stderr, "  golden block %d: %.*s\n  expected:\n%s\n  got:\n%s\n", blocks + 1,
                    (int)qlen, s, expected, got);
            check_failures++;
        }
        free(got);
        blocks++;
        fails += fail;
        if (!next)
            break;
        s = next + 5;
    }
    CHECK(blocks >= 70);
    CHECK(fails >= 35);
    free(all);
}

static void expect_error(const char *text, size_t len, int line, int col, const char *msg_prefix)
{
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    int rc = query_parse(text, len, &q, &err);
    CHECK_EQ_INT(rc, OBS_EINVAL);
    CHECK(q == NULL);
    CHECK_EQ_INT(err.line, line);
    CHECK_EQ_INT(err.col, col);
    if (strncmp(err.msg, msg_prefix, strlen(msg_prefix)) != 0) {
        fprintf(stderr, "  message \"%s\" does not start with \"%s\"\n", err.msg, msg_prefix);
        check_failures++;
    }
}

static void test_deep_parens(void)
{
    size_t n = 10000;
    char *t = malloc(2 * n + 16);
    size_t k = 0;
    k += (size_t)sprintf(t, "filter ");
    for (size_t i = 0; i < n; i++)
        t[k++] = '(';
    t[k++] = 'x';
    for (size_t i = 0; i < n; i++)
        t[k++] = ')';
    /* the filter expression is level 1: the 201st '(' (column 8 + 200) would
     * open level 202 */
    expect_error(t, k, 1, 8 + 200, "expression nested too deeply (more than 200 levels)");
    /* 150 levels are fine */
    k = (size_t)sprintf(t, "filter ");
    for (size_t i = 0; i < 150; i++)
        t[k++] = '(';
    t[k++] = 'x';
    for (size_t i = 0; i < 150; i++)
        t[k++] = ')';
    query_ast_t *q = NULL;
    CHECK_EQ_INT(query_parse(t, k, &q, NULL), 0);
    CHECK_EQ_INT(query_check(q, NULL), 0);
    query_ast_free(q);
    free(t);
}

static void test_deep_prefix_and_pow(void)
{
    char *t = malloc(40000);
    size_t k = (size_t)sprintf(t, "fields ");
    for (int i = 0; i < 5000; i++)
        t[k++] = '-';
    t[k++] = 'x';
    expect_error(t, k, 1, 8 + 199, "expression nested too deeply");
    k = (size_t)sprintf(t, "filter ");
    for (int i = 0; i < 5000; i++)
        k += (size_t)sprintf(t + k, "not ");
    t[k++] = 'x';
    expect_error(t, k, 1, 8 + 4 * 199, "expression nested too deeply");
    k = (size_t)sprintf(t, "fields 2");
    for (int i = 0; i < 5000; i++)
        k += (size_t)sprintf(t + k, "^2");
    /* "fields 2^2^...": the 200th "^" would open level 201 */
    expect_error(t, k, 1, 9 + 2 * 199, "expression nested too deeply");
    free(t);
}

static void test_long_chain(void)
{
    /* 1 MiB of "1+1+...": must fail cleanly (chain limit), not overflow
     * the stack in parse, check, dump or free */
    size_t n = QUERY_MAX_TEXT;
    char *t = malloc(n);
    size_t k = (size_t)sprintf(t, "fields 1");
    while (k + 2 <= n) {
        t[k++] = '+';
        t[k++] = '1';
    }
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    CHECK_EQ_INT(query_parse(t, k, &q, &err), OBS_EINVAL);
    CHECK(strstr(err.msg, "expression too long") != NULL);
    /* 1,000 terms are fine */
    k = (size_t)sprintf(t, "fields 1");
    for (int i = 0; i < 1000; i++)
        k += (size_t)sprintf(t + k, " or 1");
    CHECK_EQ_INT(query_parse(t, k, &q, &err), 0);
    CHECK_EQ_INT(query_check(q, &err), 0);
    char *d = query_ast_dump(q);
    CHECK(d && strlen(d) > 3000);
    free(d);
    query_ast_free(q);
    free(t);
}

static void test_too_long(void)
{
    size_t n = QUERY_MAX_TEXT + 1;
    char *t = malloc(n);
    memset(t, ' ', n);
    memcpy(t, "fields x", 8);
    query_ast_t *q = (query_ast_t *)&n;
    obs_err_t err = { 0 };
    CHECK_EQ_INT(query_parse(t, n, &q, &err), OBS_EINVAL);
    CHECK(q == NULL);
    CHECK_EQ_STR(err.msg, "query is too long (1048577 bytes; the limit is 1048576)");
    CHECK_EQ_INT(err.line, 1);
    CHECK_EQ_INT(err.col, 1);
    /* exactly 1 MiB is accepted */
    CHECK_EQ_INT(query_parse(t, n - 1, &q, &err), 0);
    query_ast_free(q);
    free(t);
}

static void test_many_items(void)
{
    /* a wide, flat query: 20,000 fields and a 20,000-element list */
    char *t = malloc(400000);
    size_t k = (size_t)sprintf(t, "fields a0");
    for (int i = 1; i < 20000; i++)
        k += (size_t)sprintf(t + k, ", a%d", i);
    k += (size_t)sprintf(t + k, " | filter x in [0");
    for (int i = 1; i < 20000; i++)
        k += (size_t)sprintf(t + k, ", %d", i);
    k += (size_t)sprintf(t + k, "]");
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    CHECK_EQ_INT(query_parse(t, k, &q, &err), 0);
    CHECK_EQ_INT(query_check(q, &err), 0);
    CHECK_EQ_INT(q->cmds[0].nitems, 20000);
    CHECK_EQ_INT(q->cmds[1].cond->args[1]->nargs, 20000);
    CHECK_EQ_STR(q->cmds[0].items[19999].name, "a19999");
    query_ast_free(q);
    free(t);
}

static void test_node_limit(void)
{
    /* a 250,000-element list is more nodes than QUERY_MAX_NODES */
    char *t = malloc(600000);
    size_t k = (size_t)sprintf(t, "filter x in [0");
    for (int i = 1; i < 250000; i++)
        k += (size_t)sprintf(t + k, ",0");
    t[k++] = ']';
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    CHECK_EQ_INT(query_parse(t, k, &q, &err), OBS_EINVAL);
    CHECK_EQ_STR(err.msg, "query is too complex (more than 200000 expression nodes)");
    CHECK(q == NULL);
    free(t);
}

static void test_not_nul_terminated(void)
{
    /* the length, not a NUL, ends the text; a NUL inside is an error */
    const char text[] = "fields a | limit 5xyz";
    query_ast_t *q = NULL;
    CHECK_EQ_INT(query_parse(text, 18, &q, NULL), 0);
    CHECK_EQ_INT(q->ncmds, 2);
    CHECK_EQ_INT(q->cmds[1].limit, 5);
    CHECK_EQ_STR(q->text, "fields a | limit 5");
    query_ast_free(q);
    expect_error("fields a\0b", 10, 1, 9, "unexpected byte 0x00");
}

static void test_offsets(void)
{
    const char *text = "filter (a + 1) * 2 > 3\n| stats count(*) as n";
    query_ast_t *q = NULL;
    CHECK_EQ_INT(query_parse(text, strlen(text), &q, NULL), 0);
    qnode_t *c = q->cmds[0].cond;
    CHECK_EQ_INT(c->start, 7);
    CHECK_EQ_INT(c->end, 22);
    CHECK_EQ_INT(c->args[0]->start, 7);   /* (a + 1) * 2: starts at '(' */
    CHECK_EQ_INT(c->args[0]->args[0]->end, 14);
    CHECK_EQ_INT(q->cmds[0].start, 0);
    CHECK_EQ_INT(q->cmds[0].end, 22);
    CHECK_EQ_INT(q->cmds[1].start, 25);
    CHECK_EQ_INT(q->cmds[1].end, (int)strlen(text));
    CHECK_EQ_STR(q->cmds[1].items[0].alias, "n");
    qnode_t *cnt = q->cmds[1].items[0].expr;
    CHECK_EQ_INT(cnt->kind, QN_CALL);
    CHECK_EQ_INT(cnt->nargs, 1);
    CHECK_EQ_INT(cnt->args[0]->kind, QN_STAR);
    query_ast_free(q);
}

static void test_field_paths(void)
{
    const char *text = "fields detail.`user.id`, users[1].a, @`aws.tag.x`, `foo-bar`, a.b.0.c, m[2][3]";
    query_ast_t *q = NULL;
    CHECK_EQ_INT(query_parse(text, strlen(text), &q, NULL), 0);
    qitem_t *it = q->cmds[0].items;
    CHECK_EQ_STR(it[0].expr->str, "detail.user.id");
    CHECK_EQ_STR(it[0].expr->path, "detail\x1fuser\x1fid");
    CHECK_EQ_STR(it[1].expr->str, "users[1].a");
    CHECK_EQ_STR(it[1].expr->path, "users\x1f" "1\x1f" "a");
    CHECK_EQ_STR(it[2].expr->str, "@aws.tag.x");
    CHECK_EQ_STR(it[2].expr->path, "@aws\x1ftag\x1fx");
    CHECK_EQ_STR(it[3].expr->str, "foo-bar");
    CHECK_EQ_STR(it[3].expr->path, "foo-bar");
    CHECK_EQ_STR(it[4].expr->path, "a\x1f" "b\x1f" "0\x1f" "c");
    CHECK_EQ_STR(it[5].expr->str, "m[2][3]");
    CHECK_EQ_STR(it[5].expr->path, "m\x1f" "2\x1f" "3");
    query_ast_free(q);
}

static void test_regex_names(void)
{
    const char *text = "parse @message /(?<a>x)\\(?<notgroup>(?P<b>y)(?<=z)(?<!w)[(?<c>)]\\/(?<d_1>.)/";
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    CHECK_EQ_INT(query_parse(text, strlen(text), &q, &err), 0);
    if (!q)
        return;
    qcmd_t *c = &q->cmds[0];
    CHECK_EQ_INT(c->parse_mode, QP_REGEX);
    CHECK_EQ_INT(c->nnames, 3);
    CHECK_EQ_STR(c->names[0], "a");
    CHECK_EQ_STR(c->names[1], "b");
    CHECK_EQ_STR(c->names[2], "d_1");
    CHECK_EQ_STR(c->pattern, "(?<a>x)\\(?<notgroup>(?P<b>y)(?<=z)(?<!w)[(?<c>)]/(?<d_1>.)");
    CHECK_EQ_STR(c->groups[1], "b");
    query_ast_free(q);
    /* (?<@name>...): the field @name, the group _name */
    text = "parse @message /(?<@transId>[a-z]+) (?P<@n>\\d)/";
    CHECK_EQ_INT(query_parse(text, strlen(text), &q, &err), 0);
    if (!q)
        return;
    c = &q->cmds[0];
    CHECK_EQ_INT(c->nnames, 2);
    CHECK_EQ_STR(c->names[0], "@transId");
    CHECK_EQ_STR(c->groups[0], "_transId");
    CHECK_EQ_STR(c->names[1], "@n");
    CHECK_EQ_STR(c->groups[1], "_n");
    CHECK_EQ_STR(c->pattern, "(?<_transId>[a-z]+) (?P<_n>\\d)");
    query_ast_free(q);
    expect_error("parse /(?<a>x)(?<a>y)/", 22, 1, 15, "field 'a' is named twice in parse");
    expect_error("parse @message \"* *\" as a, a", 28, 1, 28, "field 'a' is named twice in parse");
}

static void test_unsupported(void)
{
    expect_error("fields a | parse @message logfmt as m", 37, 1, 27, "parse ... logfmt is not supported");
    expect_error("parse @message /(?<a>.)/ multi", 30, 1, 26, "'parse ... multi' is not supported");
    expect_error("fields a | source x", 19, 1, 12, "SOURCE must open the query, before its other commands");
    expect_error("filter x\n| join y on z", 22, 2, 3, "the join command is not supported by obsq");
    expect_error("stats topk(3, x)", 16, 1, 7, "function 'topk' is not supported by obsq");
    /* several: one message names them all, at the first */
    expect_error("fields a | lookup t x | parse @message logfmt as m\n| stats rate(x, 5m) by bin(5m) offset 1h",
                 91, 1, 12,
                 "not supported by obsq: the lookup command (line 1, column 12); parse ... logfmt (line 1, "
                 "column 40); function 'rate' (line 2, column 9); stats ... by ... offset (line 2, column 32)");
}

/* CHECK_EQ_STR for long texts (its message buffer is too small for -Werror) */
static void check_text(const char *got, const char *want, int line)
{
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "  test_parse.c:%d: got:\n%s\n  expected:\n%s\n", line, got, want);
        check_failures++;
    }
}

static void test_error_print(void)
{
    const char *text = "fields a\n| filter\t(x = 1 | limit 5";
    obs_err_t err = { 0 };
    query_ast_t *q = NULL;
    CHECK_EQ_INT(query_parse(text, strlen(text), &q, &err), OBS_EINVAL);
    CHECK_EQ_INT(err.line, 2);
    CHECK_EQ_INT(err.col, 17);
    CHECK_EQ_STR(err.msg, "expected ')' to close '(' at column 10, found '|'");
    char buf[256] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    query_error_print(f, text, &err);
    fclose(f);
    check_text(buf, "error: expected ')' to close '(' at column 10, found '|'\n"
                    "  | filter\t(x = 1 | limit 5\n"
                    "          \t       ^\n"
                    "  (line 2, column 17)\n", __LINE__);
    /* the '(' on another line than the error */
    text = "filter (x = 1\n| limit 5";
    CHECK_EQ_INT(query_parse(text, strlen(text), &q, &err), OBS_EINVAL);
    CHECK_EQ_STR(err.msg, "expected ')' to close '(' at line 1, column 8, found '|'");
    /* single line, no position line; UTF-8 before the caret takes one column */
    text = "filter \"é\" = @nope";
    CHECK_EQ_INT(query_parse(text, strlen(text), &q, &err), 0);
    CHECK_EQ_INT(query_check(q, &err), OBS_EINVAL);
    query_ast_free(q);
    f = fmemopen(buf, sizeof buf, "w");
    query_error_print(f, text, &err);
    fclose(f);
    CHECK(strstr(buf, "\n  filter \"é\" = @nope\n               ^\n") != NULL);
    CHECK(strstr(buf, "(line") == NULL);
    /* no position: message only */
    obs_err_t plain = { OBS_EINVAL, 0, 0, "boom" };
    f = fmemopen(buf, sizeof buf, "w");
    query_error_print(f, text, &plain);
    fclose(f);
    check_text(buf, "error: boom\n", __LINE__);
}

TEST_LIST = {
    TEST(test_golden),
    TEST(test_deep_parens),
    TEST(test_deep_prefix_and_pow),
    TEST(test_long_chain),
    TEST(test_too_long),
    TEST(test_many_items),
    TEST(test_node_limit),
    TEST(test_not_nul_terminated),
    TEST(test_offsets),
    TEST(test_field_paths),
    TEST(test_regex_names),
    TEST(test_unsupported),
    TEST(test_error_print),
    TEST_END,
};
