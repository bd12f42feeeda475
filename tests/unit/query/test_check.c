/* tests/unit/query/test_check.c — query/check.c: every AWS sample query of
 * tests/query/aws_samples.txt parses and checks; function resolution,
 * output names, and the rejections with their exact messages and columns.
 * Run from the repository root. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include <stdlib.h>

#include "query/builtins.h"
#include "query/check.h"
#include "query/parse.h"

static query_ast_t *ok(const char *text)
{
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    if (query_parse(text, strlen(text), &q, &err) == 0 && query_check(q, &err) == 0)
        return q;
    fprintf(stderr, "  query failed: %s\n  %d:%d: %s\n", text, err.line, err.col, err.msg);
    check_failures++;
    query_ast_free(q);
    return NULL;
}

static void bad(const char *text, int line, int col, const char *msg)
{
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    int rc = query_parse(text, strlen(text), &q, &err);
    if (rc == 0)
        rc = query_check(q, &err);
    query_ast_free(q);
    if (rc != OBS_EINVAL || err.line != line || err.col != col || strcmp(err.msg, msg) != 0) {
        fprintf(stderr, "  query: %s\n  expected %d:%d: %s\n  got %d %d:%d: %s\n", text, line, col,
                msg, rc, err.line, err.col, err.msg);
        check_failures++;
    }
}

static void test_aws_samples(void)
{
    FILE *f = fopen("tests/query/aws_samples.txt", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    static char all[1 << 17];
    size_t n = fread(all, 1, sizeof all - 1, f);
    fclose(f);
    all[n] = '\0';
    int count = 0;
    char *s = strstr(all, "\n---\n");  /* the first block is the file's header */
    while (s) {
        s += 5;
        char *next = strstr(s, "\n---\n");
        if (next)
            *next = '\0';
        query_ast_t *q = ok(s);
        if (q) {
            /* the dump works and every call is resolved */
            char *d = query_ast_dump(q);
            CHECK(d && *d);
            free(d);
            query_ast_free(q);
        }
        count++;
        s = next;
    }
    CHECK_EQ_INT(count, 66);
}

static void test_resolution_and_names(void)
{
    query_ast_t *q = ok("filter @type = \"REPORT\"\n"
                        "| stats count(*), countDistinct(@requestId) as u,\n"
                        "    percentile(@duration, 99), pct( @duration , 50 ) ,\n"
                        "    ( avg(@duration) ) by bin(5m), @logStream as s");
    if (!q)
        return;
    qcmd_t *st = &q->cmds[1];
    CHECK_EQ_INT(st->nitems, 5);
    CHECK_EQ_STR(st->items[0].name, "count(*)");
    CHECK_EQ_STR(st->items[1].name, "u");
    CHECK_EQ_STR(st->items[2].name, "percentile(@duration, 99)");
    CHECK_EQ_STR(st->items[3].name, "pct( @duration , 50 )");
    CHECK_EQ_STR(st->items[4].name, "( avg(@duration) )");
    CHECK_EQ_STR(st->by[0].name, "bin(5m)");
    CHECK_EQ_STR(st->by[1].name, "s");
    CHECK(st->items[0].expr->fn == query_builtin_find("count"));
    CHECK_EQ_STR(st->items[1].expr->fn->name, "count_distinct");
    CHECK_EQ_STR(st->items[2].expr->fn->name, "pct");
    CHECK_EQ_INT(st->items[2].expr->fn->kind, QF_AGGREGATE);
    CHECK_EQ_STR(st->by[0].expr->fn->name, "bin");
    CHECK_EQ_INT(st->by[0].expr->args[0]->period.n, 5);
    CHECK_EQ_INT(st->by[0].expr->args[0]->period.unit, QPU_M);
    query_ast_free(q);

    q = ok("fields @timestamp, strlen(@message) as len, toupper(x), isPresent(y) | display len");
    if (!q)
        return;
    CHECK_EQ_STR(q->cmds[0].items[0].name, "@timestamp");
    CHECK_EQ_STR(q->cmds[0].items[1].name, "len");
    CHECK_EQ_STR(q->cmds[0].items[2].name, "toupper(x)");
    CHECK_EQ_STR(q->cmds[0].items[3].expr->fn->display, "isPresent");
    CHECK_EQ_STR(q->cmds[1].items[0].name, "len");
    query_ast_free(q);
}

static void test_created_at_fields(void)
{
    query_ast_t *q;
    /* @-names created by an alias, a parse or unnest are known afterwards */
    q = ok("fields @message as @m | filter @m like /x/");
    query_ast_free(q);
    q = ok("parse @message \"a=*\" as @a | stats count(*) by @a");
    query_ast_free(q);
    q = ok("stats max(@timestamp) as @t by bin(5m) | stats count(*) by dateceil(@t, 1h)");
    query_ast_free(q);
    q = ok("fields jsonParse(@message) as @j | unnest @j.items into @it | display @it.name");
    query_ast_free(q);
    q = ok("filter @@example.com = 1 and @aws.region = \"us-east-1\"");
    query_ast_free(q);
    /* ...but not before */
    bad("filter @a = 1 | parse @message \"a=*\" as @a", 1, 8,
        "unknown field '@a': names starting with '@' are system fields such as @timestamp, "
        "@message, @duration (use `@a` for a JSON key)");
    bad("fields @mesage", 1, 8, "unknown field '@mesage': did you mean '@message'?");
    bad("fields @requestid", 1, 8, "unknown field '@requestid': did you mean '@requestId'?");
    bad("fields x as @latency | filter @latncy > 1", 1, 31,
        "unknown field '@latncy': did you mean '@latency'?");
}

static void test_stats_rules(void)
{
    query_ast_t *q;
    q = ok("stats avg(x) as a, max(x) as b, a - b as c by k");
    query_ast_free(q);
    q = ok("stats count(*) as n, n * 100 as pct by k");
    query_ast_free(q);
    q = ok("stats sum(x) as s by k | filter s > 10 | fields s * 2 as d | sort d desc | limit 3");
    query_ast_free(q);
    q = ok("stats count(*) by bin(5m) | sort `bin(5m)` desc");
    query_ast_free(q);
    bad("stats x by y", 1, 7, "stats needs an aggregate function such as count(*) or avg(x), found 'x'");
    bad("stats 1", 1, 7, "stats needs an aggregate function such as count(*) or avg(x), found '1'");
    bad("stats count(*) + x", 1, 18,
        "field 'x' must be inside an aggregate function in stats, such as count(x) or max(x)");
    bad("stats a - b as c, avg(x) as a", 1, 7,
        "stats needs an aggregate function such as count(*) or avg(x), found 'a - b'");
    bad("stats avg(count(*))", 1, 11, "aggregate function 'count' cannot be nested inside 'avg'");
    bad("stats count(*) by max(x)", 1, 19, "aggregate function 'max' cannot be a stats 'by' key");
    bad("stats count(*) by k | stats avg(z)", 1, 33,
        "field 'z' does not exist after stats; the previous stats produces: count(*), k");
    bad("stats count(*) as n | sort @timestamp", 1, 28,
        "field '@timestamp' does not exist after stats; the previous stats produces: n");
    /* at most 10 stats */
    char many[400];
    int k = sprintf(many, "stats count(*) as x");
    for (int i = 0; i < 10; i++)
        k += sprintf(many + k, " | stats count(x) as x");
    bad(many, 1, 19 + 9 * 22 + 4, "a query may have at most 10 stats commands");
    many[19 + 9 * 22] = 0;  /* exactly 10 */
    q = ok(many);
    query_ast_free(q);
}

static void test_backticked_names(void)
{
    /* a field written in backticks names its column without them (as
     * CloudWatch does), so later commands find it, written with backticks */
    query_ast_t *q = ok("stats count(*) as n by `detail-type`, detail.`instance-id`, @`aws.tag.x`");
    if (q) {
        CHECK_EQ_STR(q->cmds[0].by[0].name, "detail-type");
        CHECK_EQ_STR(q->cmds[0].by[1].name, "detail.instance-id");
        CHECK_EQ_STR(q->cmds[0].by[2].name, "@aws.tag.x");
        query_ast_free(q);
    }
    q = ok("fields `a-b`, `c d` as `e-f` | dedup `a-b` | limit 2");
    if (q) {
        CHECK_EQ_STR(q->cmds[0].items[0].name, "a-b");
        CHECK_EQ_STR(q->cmds[0].items[1].name, "e-f");
        CHECK_EQ_STR(q->cmds[1].items[0].name, "a-b");
        query_ast_free(q);
    }
    /* strict: every command after the stats finds the key */
    q = ok("stats count(*) as n by `detail-type`, detail.`instance-id` | sort `detail-type` desc"
           " | filter `detail-type` like \"Object\" | fields detail.`instance-id` as id"
           " | display `detail-type`, id, n | limit 3");
    query_ast_free(q);
    q = ok("stats count(*) as `my-n` by `detail-type` | stats sum(`my-n`) as total by `detail-type`"
           " | sort `detail-type` | dedup `detail-type`");
    query_ast_free(q);
}

static void test_order_rules(void)
{
    query_ast_t *q = ok("fields a | sort a | dedup a | limit 5");
    query_ast_free(q);
    q = ok("stats count(*) as n by a | sort n | limit 5 | dedup a | limit 2");
    query_ast_free(q);
    bad("sort x | stats count(*)", 1, 1, "sort must come after the last stats command");
    bad("fields x\n| limit 5\n| stats count(*)", 2, 3, "limit must come after the last stats command");
    bad("dedup a | filter a = 1", 1, 11, "only limit may follow dedup, found filter");
    bad("dedup a | stats count(*)", 1, 11, "only limit may follow dedup, found stats");
}

static void test_function_rules(void)
{
    bad("stats cout(*)", 1, 7, "unknown function 'cout': did you mean 'count'?");
    bad("fields strlenn(x)", 1, 8, "unknown function 'strlenn': did you mean 'strlen'?");
    bad("fields frobnicate(x)", 1, 8, "unknown function 'frobnicate'");
    bad("stats pct(@duration)", 1, 7, "pct() takes 2 arguments, found 1");
    bad("fields concat()", 1, 8, "concat() takes at least 1 argument, found 0");
    bad("fields round(1, 2, 3)", 1, 8, "round() takes 1 to 2 arguments, found 3");
    bad("fields now(1)", 1, 8, "now() takes 0 arguments, found 1");
    bad("stats count(a, b)", 1, 7, "count() takes at most 1 argument, found 2");
    bad("filter count(*) > 1", 1, 8, "aggregate function 'count' is only allowed in stats");
    bad("fields latest(x)", 1, 8, "aggregate function 'latest' is only allowed in stats");
    bad("sort max(x)", 1, 6, "aggregate function 'max' is only allowed in stats");
    /* bin() is a datetime function: AWS allows those in fields, filter and
     * as arguments; it needs @timestamp, gone after a stats */
    query_ast_t *b = ok("filter bin(5m) > 0 | fields bin(1h) as h | stats count(bin(5m)) by h");
    query_ast_free(b);
    bad("stats count(*) as n | filter bin(5m) > 0", 1, 30,
        "bin() needs @timestamp, which does not exist after stats (it produces n): carry it with "
        "max(@timestamp) as t, then use datefloor(t, 5m)");
    bad("stats count(bin(5m)) by bin(1h) | stats count(bin(5m))", 1, 47,
        "bin() needs @timestamp, which does not exist after stats (it produces count(bin(5m)), bin(1h)): "
        "carry it with max(@timestamp) as t, then use datefloor(t, 5m)");
    bad("stats count(*) by bin(x)", 1, 23, "bin() expects a time period such as 5m or 1h");
    bad("fields datefloor(@timestamp, 5)", 1, 30,
        "datefloor() expects a time period such as 5m or 1h as its second argument");
#define PERIOD_MSG "a time period is only allowed in bin(), datefloor() or dateceil(), or added to or " \
                   "subtracted from a time (@timestamp - 30d)"
    bad("fields 5m", 1, 8, PERIOD_MSG);
    bad("fields strlen(5m)", 1, 15, PERIOD_MSG);
    /* a period of fixed length is an operand of + and - (its milliseconds),
     * of nothing else */
    query_ast_t *p = ok("stats count(*) by datefloor(@timestamp + 9h, 1h) as h | filter h > 1d - 1h");
    query_ast_free(p);
    p = ok("filter @timestamp > @timestamp - 30d and 2w + @timestamp > 0");
    query_ast_free(p);
    bad("fields @timestamp - 5m * 2", 1, 21, PERIOD_MSG);
    bad("fields -5m + @timestamp", 1, 9, PERIOD_MSG);
    bad("filter @timestamp > 5m", 1, 21, PERIOD_MSG);
    bad("fields @timestamp - 1mo", 1, 21,
        "a month, quarter or year has no fixed length to add or subtract: use days (30d)");
#undef PERIOD_MSG
    bad("stats sum(*)", 1, 11, "'*' is only allowed in count(*)");
    bad("fields /x/", 1, 8, "a /regex/ is only allowed after like or =~, or as a function argument");
    bad("filter [1, 2] = x", 1, 8, "a [list] is only allowed after in, or as a function argument");
    query_ast_t *q = ok("fields regexReplace(@message, /\\d+/, \"N\"), jsonArrayContains(a, [1])");
    query_ast_free(q);
}

TEST_LIST = {
    TEST(test_aws_samples),
    TEST(test_resolution_and_names),
    TEST(test_created_at_fields),
    TEST(test_stats_rules),
    TEST(test_backticked_names),
    TEST(test_order_rules),
    TEST(test_function_rules),
    TEST_END,
};
