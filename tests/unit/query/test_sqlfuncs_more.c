/* tests/unit/query/test_sqlfuncs_more.c — the SQL functions of
 * query/sqlfuncs_{time,datefmt,regex,glob,agg,pick,sort}.c: period
 * rounding with every unit and the caps, date formatting and parsing, regex
 * limits and errors, glob captures, aggregates, picks and natural order. */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/sqlq.h"

/* 2024-05-17T13:47:23.456Z, a Friday */
#define T "1715953643456"

static void test_datefloor_fixed_units(void)
{
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 100, 0)"), "1715953643400");
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 5000, 0)"), "1715953643000");  /* cap 1000ms */
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 1, 1)"), "1715953643000");
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 300, 1)"), "1715953620000");   /* 300s acts as 60s */
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 60, 1)"), "1715953620000");
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 15, 2)"), "1715953500000");
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 120, 2)"), "1715950800000");   /* 120m acts as 60m */
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 6, 3)"), "1715947200000");
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 48, 3)"), "1715904000000");    /* 48h acts as 24h */
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 1, 4)"), "1715904000000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor(" T ", 1, 5))"), "2024-05-13 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor(" T ", 2, 4))"), "2024-05-17 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_dateceil(" T ", 1, 1)"), "1715953644000");
    CHECK_EQ_STR(q("SELECT obs_dateceil(" T ", 1, 2)"), "1715953680000");
    CHECK_EQ_STR(q("SELECT obs_dateceil(" T ", 1, 3)"), "1715954400000");
    CHECK_EQ_STR(q("SELECT obs_dateceil(" T ", 1, 4)"), "1715990400000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_dateceil(" T ", 1, 5))"), "2024-05-20 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_dateceil(1715904000000, 1, 4)"), "1715904000000");  /* on a boundary */
    CHECK_EQ_STR(q("SELECT obs_dateceil(" T ", 300, 1)"), "1715953680000");
    CHECK_EQ_STR(q("SELECT obs_datefloor(-1, 1, 1)"), "-1000");
    CHECK_EQ_STR(q("SELECT obs_dateceil(-1500, 1, 1)"), "-1000");
    CHECK_EQ_STR(q("SELECT obs_datefloor('2024-05-17T13:47:23.456Z', 1, 4)"), "1715904000000");
    CHECK_EQ_STR(q("SELECT obs_datefloor('" T "', 1, 4)"), "1715904000000");
    CHECK_EQ_STR(q("SELECT obs_datefloor(NULL, 1, 4)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 0, 4)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 1, 9)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", NULL, 4)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_datefloor('garbage', 1, 4)"), "(null)");
}

static void test_datefloor_calendar_units(void)
{
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor(" T ", 1, 6))"), "2024-05-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_dateceil(" T ", 1, 6))"), "2024-06-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor(" T ", 3, 6))"), "2024-04-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor(" T ", 1, 7))"), "2024-04-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_dateceil(" T ", 1, 7))"), "2024-07-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor(" T ", 2, 7))"), "2024-01-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor(" T ", 1, 8))"), "2024-01-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_dateceil(" T ", 1, 8))"), "2025-01-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor(" T ", 5, 8))"), "2020-01-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_dateceil('2024-12-31T23:00:00Z', 1, 6))"), "2025-01-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor('2024-02-29T12:00:00Z', 1, 6))"), "2024-02-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(obs_datefloor('1969-12-15T00:00:00Z', 1, 7))"), "1969-10-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_dateceil(1714521600000, 1, 6)"), "1714521600000");  /* on a boundary */
    CHECK_EQ_STR(q("SELECT obs_datefloor(" T ", 1, 6) < obs_datefloor(" T ", 1, 4)"), "1");
}

static void test_time_conversions(void)
{
    CHECK_EQ_STR(q("SELECT obs_timefmt(" T ")"), "2024-05-17 13:47:23.456");
    CHECK_EQ_STR(q("SELECT obs_timefmt(0)"), "1970-01-01 00:00:00.000");
    CHECK_EQ_STR(q("SELECT obs_timefmt(-1)"), "1969-12-31 23:59:59.999");
    CHECK_EQ_STR(q("SELECT obs_timefmt(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_timefmt('x')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_tomillis('2024-05-17T13:47:23.456Z')"), T);
    CHECK_EQ_STR(q("SELECT obs_tomillis('2024-05-17 15:47:23.456+02:00')"), T);
    CHECK_EQ_STR(q("SELECT obs_tomillis(" T ")"), T);
    CHECK_EQ_STR(q("SELECT obs_tomillis(1.9)"), "1");
    CHECK_EQ_STR(q("SELECT obs_tomillis('2024-05-17T13:47:23Z trailing')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_tomillis('nope')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_tomillis(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_frommillis(" T ")"), T);
    CHECK_EQ_STR(q("SELECT obs_frommillis('" T "')"), T);
    CHECK_EQ_STR(q("SELECT obs_frommillis('2024-05-17T13:47:23Z')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_frommillis(NULL)"), "(null)");
}

static void test_formatdate(void)
{
    CHECK_EQ_STR(q("SELECT obs_formatdate(" T ", '%Y-%m-%dT%H:%M:%S.%LZ')"), "2024-05-17T13:47:23.456Z");
    CHECK_EQ_STR(q("SELECT obs_formatdate(" T ", '%H:%M %z %Z', '+05:30')"), "19:17 +0530 +05:30");
    CHECK_EQ_STR(q("SELECT obs_formatdate(" T ", '%d %H', '-0800')"), "17 05");
    CHECK_EQ_STR(q("SELECT obs_formatdate(" T ", '%H %Z', 'UTC')"), "13 UTC");
    CHECK_EQ_STR(q("SELECT obs_formatdate(" T ", '%H', 'UTC+01:00')"), "14");
    CHECK_EQ_STR(q("SELECT obs_formatdate(" T ", '%a %b %f %%')"), "Fri May 456000 %");
    CHECK_EQ_STR(q("SELECT obs_formatdate('2024-05-17T13:47:23Z', '%s')"), "1715953643");
    CHECK_EQ_STR(q("SELECT obs_formatdate(" T ", '')"), "");
    CHECK_EQ_STR(q("SELECT obs_formatdate(NULL, '%Y')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_formatdate(" T ", NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_formatdate(" T ", '%Y', 'America/New_York')"),
                 "ERR: unsupported time zone 'America/New_York' (use UTC or +HH:MM)");
}

static void test_parsedate(void)
{
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024-05-17 13:47:23.456', 'yyyy-MM-dd HH:mm:ss.SSS')"), T);
    CHECK_EQ_STR(q("SELECT obs_parsedate('17/May/2024:13:47:23 +0200', 'dd/MMM/yyyy:HH:mm:ss Z')"), "1715946443000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024-05-17T13:47:23Z', 'yyyy-MM-dd''T''HH:mm:ssX')"), "1715953643000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024-05-17T13:47:23-01:00', 'yyyy-MM-dd''T''HH:mm:ssXXX')"), "1715957243000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('05/17/24 1:47 PM', 'MM/dd/yy h:mm a')"), "1715953620000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('12:05 AM 2024-05-17', 'hh:mm a yyyy-MM-dd')"), "1715904300000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('Friday, 17 May 2024', 'EEEE, d MMMM yyyy')"), "1715904000000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024-05-17 13:47', 'yyyy-MM-dd HH:mm', '-08:00')"), "1715982420000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024-05-17 13:47 +0000', 'yyyy-MM-dd HH:mm Z', '-08:00')"), "1715953620000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('it''s 2024', '''it''''s'' yyyy')"), "1704067200000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024-05-17 ', 'yyyy-MM-dd')"), "1715904000000");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024-02-30', 'yyyy-MM-dd')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024-05-17x', 'yyyy-MM-dd')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024-5-17', 'yyyy-MM-dd')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_parsedate('x', 'yyyy')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_parsedate(NULL, 'yyyy')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024', 'Q')"), "ERR: parseDate: unsupported pattern letter 'Q'");
    CHECK_EQ_STR(q("SELECT obs_parsedate('x', 'yyyy D')"), "ERR: parseDate: unsupported pattern letter 'D'");
    CHECK_EQ_STR(q("SELECT obs_parsedate('2024', 'yyyy', 'Mars/Base')"),
                 "ERR: unsupported time zone 'Mars/Base' (use UTC or +HH:MM)");
}

static void test_regexp(void)
{
    CHECK_EQ_STR(q("SELECT obs_regexp('(?i)(error|failure)', 'An ERROR here')"), "1");
    CHECK_EQ_STR(q("SELECT obs_regexp('error', 'An ERROR here')"), "0");
    CHECK_EQ_STR(q("SELECT obs_regexp('^x', 'ax')"), "0");
    CHECK_EQ_STR(q("SELECT obs_regexp('x', 'ax')"), "1");
    CHECK_EQ_STR(q("SELECT obs_regexp('x', NULL)"), "0");
    CHECK_EQ_STR(q("SELECT obs_regexp(NULL, 'x')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_regexp('^.$', 'é')"), "1");  /* UTF mode */
    CHECK_EQ_STR(q("SELECT obs_regexp('b', CAST(x'ff62' AS TEXT))"), "1");  /* invalid UTF-8 subject */
    CHECK_EQ_STR(q("SELECT obs_regexp('5', 150)"), "1");
    CHECK(strncmp(q("SELECT obs_regexp('(', 'x')"),
                  "ERR: invalid regex /(/: missing closing parenthesis", 51) == 0);
    CHECK(strncmp(q("SELECT obs_regexp('a{2,1}', 'x')"), "ERR: invalid regex /a{2,1}/: ", 28) == 0);
    /* Patterns from a column (not cacheable) and many rows (cached). */
    CHECK_EQ_INT(sqlq_exec("CREATE TABLE rx(p TEXT, s TEXT);"
                           "INSERT INTO rx VALUES ('a+', 'xaay'), ('^b', 'ab'), ('(?i)C', 'c'), (NULL, 'z');"), 0);
    CHECK_EQ_STR(q("SELECT sum(obs_regexp(p, s)) FROM rx"), "2");
    CHECK_EQ_STR(q("SELECT sum(obs_regexp('a', s)) FROM rx"), "2");
    CHECK_EQ_STR(q("SELECT group_concat(obs_regex_group(p, s, 0), ',') FROM rx"), "aa,c");
}

static void test_regex_limits(void)
{
    time_t t0 = time(NULL);
    CHECK_EQ_STR(q("SELECT obs_regexp('(a+)+$', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')"),
                 "ERR: regex match limit exceeded");
    CHECK_EQ_STR(q("SELECT obs_regex_group('(?<x>(a+)+$)', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', 'x')"),
                 "ERR: regex match limit exceeded");
    CHECK_EQ_STR(q("SELECT obs_regexreplace('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', '(a+)+$', 'x')"),
                 "ERR: regex match limit exceeded");
    /* Deep recursion hits the depth limit rather than the stack. */
    CHECK_EQ_STR(q("SELECT obs_regexp('^(a|b)*c', printf('%.*c', 200000, 'a'))"),
                 "ERR: regex match limit exceeded");
    CHECK(time(NULL) - t0 < 10);
}

static void test_regex_group(void)
{
    const char *re = "'(?<user>\\w+)@(?<host>[\\w.]+)(?<port>:\\d+)?'";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT obs_regex_group(%s, 'mail bob@example.com now', 'host')", re);
    CHECK_EQ_STR(q(sql), "example.com");
    snprintf(sql, sizeof sql, "SELECT obs_regex_group(%s, 'mail bob@example.com now', 'user')", re);
    CHECK_EQ_STR(q(sql), "bob");
    snprintf(sql, sizeof sql, "SELECT obs_regex_group(%s, 'mail bob@example.com now', 'port')", re);
    CHECK_EQ_STR(q(sql), "(null)");  /* did not take part */
    snprintf(sql, sizeof sql, "SELECT obs_regex_group(%s, 'mail bob@example.com now', 'nope')", re);
    CHECK_EQ_STR(q(sql), "(null)");
    snprintf(sql, sizeof sql, "SELECT obs_regex_group(%s, 'no at sign', 'user')", re);
    CHECK_EQ_STR(q(sql), "(null)");
    snprintf(sql, sizeof sql, "SELECT obs_regex_group(%s, NULL, 'user')", re);
    CHECK_EQ_STR(q(sql), "(null)");
    CHECK_EQ_STR(q("SELECT obs_regex_group('(?<d>\\d+) ms', 'took 42 ms', 'd')"), "42");
    CHECK_EQ_STR(q("SELECT obs_regex_group('(?<e>)', 'x', 'e')"), "");
}

static void test_regexreplace(void)
{
    CHECK_EQ_STR(q("SELECT obs_regexreplace('a1b22c333', '[0-9]+', '#')"), "a#b#c#");
    CHECK_EQ_STR(q("SELECT obs_regexreplace('john smith', '(\\w+) (\\w+)', '\\2, \\1')"), "smith, john");
    CHECK_EQ_STR(q("SELECT obs_regexreplace('cost 5', '(\\d)', '$\\1')"), "cost $5");
    CHECK_EQ_STR(q("SELECT obs_regexreplace('a-b', '-', '\\\\')"), "a\\b");
    CHECK_EQ_STR(q("SELECT obs_regexreplace('abc', 'x', 'y')"), "abc");
    CHECK_EQ_STR(q("SELECT obs_regexreplace('abc', '', '-')"), "-a-b-c-");
    CHECK_EQ_STR(q("SELECT obs_regexreplace(NULL, 'x', 'y')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_regexreplace('x', 'x', NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT length(obs_regexreplace(printf('%.*c', 100000, 'a'), 'a', 'bbbb'))"), "400000");
    CHECK(strncmp(q("SELECT obs_regexreplace('x', '[', 'y')"), "ERR: invalid regex /[/", 22) == 0);
    /* Invalid UTF-8 subjects are matched byte-wise. */
    CHECK_EQ_STR(q("SELECT hex(obs_regexreplace(CAST(x'ff61ff' AS TEXT), 'a', 'b'))"), "FF62FF");
    CHECK_EQ_STR(q("SELECT hex(obs_regexreplace(CAST(x'ff61' AS TEXT), '\\x{100}', 'b'))"), "FF61");
    CHECK_EQ_STR(q("SELECT obs_regex_group('(?<v>a+)', CAST(x'ff616162' AS TEXT), 'v')"), "aa");
}

static void test_glob(void)
{
    const char *p = "'* [*] user=*'", *s = "'2024-01-01 [INFO] user=bob extra'";
    char sql[256];
    const char *want[] = { "2024-01-01", "INFO", "bob extra", "(null)" };
    for (int i = 0; i < 4; i++) {
        snprintf(sql, sizeof sql, "SELECT obs_glob_group(%s, %s, %d)", p, s, i);
        CHECK_EQ_STR(q(sql), want[i]);
    }
    CHECK_EQ_STR(q("SELECT obs_glob_group('Duration: * ms', 'REPORT Duration: 102.5 ms Billed Duration: 200 ms', 0)"), "102.5");
    CHECK_EQ_STR(q("SELECT obs_glob_group('user=* id=*', 'user=bob', 0)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_glob_group('user=* id=*', 'user=bob', 1)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_glob_group('user=* id=*', 'user=bob id=7 id=8', 1)"), "7 id=8");
    CHECK_EQ_STR(q("SELECT obs_glob_group('a**b', 'axyzb', 0)"), "");
    CHECK_EQ_STR(q("SELECT obs_glob_group('a**b', 'axyzb', 1)"), "xyz");
    CHECK_EQ_STR(q("SELECT obs_glob_group('[*]', 'x [y] z', 0)"), "y");
    CHECK_EQ_STR(q("SELECT obs_glob_group('*', 'whole line', 0)"), "whole line");
    CHECK_EQ_STR(q("SELECT obs_glob_group('*,*', ',', 0)"), "");
    CHECK_EQ_STR(q("SELECT obs_glob_group('*,*', ',', 1)"), "");
    CHECK_EQ_STR(q("SELECT obs_glob_group('no stars', 'no stars', 0)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_glob_group('x=*', NULL, 0)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_glob_group('x=*', 'x=1', -1)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_glob_group('é=*;', 'aé=ü;', 0)"), "ü");
    CHECK_EQ_INT(sqlq_exec("CREATE TABLE gl(m TEXT);"
                           "INSERT INTO gl VALUES ('GET /a 200'), ('POST /b 500'), ('junk');"), 0);
    CHECK_EQ_STR(q("SELECT group_concat(obs_glob_group('* * *', m, 2), ',') FROM gl"), "200,500");
}

static void test_pct(void)
{
    CHECK_EQ_INT(sqlq_exec("CREATE TABLE n(v);"
                           "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100)"
                           " INSERT INTO n SELECT i FROM c ORDER BY random();"), 0);
    CHECK_EQ_STR(q("SELECT obs_pct(v, 50) FROM n"), "50");
    CHECK_EQ_STR(q("SELECT obs_pct(v, 99) FROM n"), "99");
    CHECK_EQ_STR(q("SELECT obs_pct(v, 100) FROM n"), "100");
    CHECK_EQ_STR(q("SELECT obs_pct(v, 0) FROM n"), "1");
    CHECK_EQ_STR(q("SELECT obs_pct(v, 95) FROM n"), "95");
    CHECK_EQ_STR(q("SELECT obs_pct(v, 90.5) FROM n"), "91");
    CHECK_EQ_STR(q("SELECT obs_pct(v, 150) FROM n"), "100");
    CHECK_EQ_STR(q("SELECT obs_pct(CAST(v AS TEXT), 50) FROM n"), "50");
    CHECK_EQ_STR(q("SELECT obs_pct(v, 50) FROM (SELECT 1.5 AS v UNION ALL SELECT 2.5 UNION ALL SELECT 'x')"), "1.5");
    CHECK_EQ_STR(q("SELECT obs_pct(v, 50) FROM n WHERE v > 1000"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_pct(NULL, 50) FROM n"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_pct(v, NULL) FROM n"), "(null)");
    CHECK_EQ_STR(q("SELECT group_concat(p, ',') FROM (SELECT v % 2 AS g, obs_pct(v, 50) AS p FROM n GROUP BY g ORDER BY g)"),
                 "50,49");
}

static void test_variance_stddev(void)
{
    CHECK_EQ_INT(sqlq_exec("CREATE TABLE w(v); INSERT INTO w VALUES (2),(4),(4),(4),('5'),(5),(7),(9),(NULL),('x');"), 0);
    CHECK_EQ_STR(q("SELECT obs_variance(v) FROM w"), "4.0");
    CHECK_EQ_STR(q("SELECT obs_stddev(v) FROM w"), "2.0");
    CHECK_EQ_STR(q("SELECT obs_variance(v) FROM w WHERE v = 9"), "0.0");
    CHECK_EQ_STR(q("SELECT obs_stddev(v) FROM w WHERE v = 'none'"), "(null)");
}

/* obs_min, obs_max: numbers (numeric text read as its number) first, text
 * that is no number skipped while any value is one; only texts: by bytes */
static void test_min_max(void)
{
    const char *mixed = " FROM (SELECT '-' AS v UNION ALL SELECT 1100 UNION ALL SELECT '900' UNION ALL SELECT NULL"
                        " UNION ALL SELECT 'zz' UNION ALL SELECT 7.5)";
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT obs_max(v)%s", mixed);
    CHECK_EQ_STR(q(sql), "1100");
    snprintf(sql, sizeof sql, "SELECT obs_min(v)%s", mixed);
    CHECK_EQ_STR(q(sql), "7.5");
    snprintf(sql, sizeof sql, "SELECT typeof(obs_max(v))%s", mixed);
    CHECK_EQ_STR(q(sql), "integer");
    CHECK_EQ_STR(q("SELECT obs_max(v) FROM (SELECT '-' AS v UNION ALL SELECT ' 1.5e3 ')"), "1500.0");
    CHECK_EQ_STR(q("SELECT obs_max(v) FROM (SELECT '-' AS v UNION ALL SELECT 'INFO' UNION ALL SELECT 'DEBUG')"), "INFO");
    CHECK_EQ_STR(q("SELECT obs_min(v) FROM (SELECT '-' AS v UNION ALL SELECT 'INFO' UNION ALL SELECT 'DEBUG')"), "-");
    CHECK_EQ_STR(q("SELECT obs_max(v) FROM (SELECT 'b' AS v UNION ALL SELECT 'ab' UNION ALL SELECT 'abc')"), "b");
    CHECK_EQ_STR(q("SELECT obs_min(v) FROM (SELECT 'ab' AS v UNION ALL SELECT 'abc' UNION ALL SELECT 'b')"), "ab");
    CHECK_EQ_STR(q("SELECT obs_max(v) FROM (SELECT 'x' AS v UNION ALL SELECT -3)"), "-3");
    CHECK_EQ_STR(q("SELECT obs_max(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_min(v) FROM (SELECT 1 AS v) WHERE v > 1"), "(null)");
    /* of equal numbers the first stays, as SQLite's min and max keep it */
    CHECK_EQ_STR(q("SELECT typeof(obs_max(v)) FROM (SELECT 2 AS v UNION ALL SELECT 2.0)"), "integer");
    CHECK_EQ_STR(q("SELECT typeof(obs_min(v)) FROM (SELECT 2.0 AS v UNION ALL SELECT 2)"), "real");
    CHECK_EQ_STR(q("SELECT group_concat(m, ',') FROM (SELECT g, obs_max(v) AS m FROM (SELECT 1 AS g, 'a' AS v"
                   " UNION ALL SELECT 1, 5 UNION ALL SELECT 2, 'a' UNION ALL SELECT 2, 'c') GROUP BY g ORDER BY g)"),
                 "5,c");
}

static void test_values(void)
{
    CHECK_EQ_STR(q("SELECT obs_values(v) FROM (SELECT 'a' AS v UNION ALL SELECT 'b' UNION ALL SELECT 'a'"
                   " UNION ALL SELECT 1 UNION ALL SELECT '1' UNION ALL SELECT NULL UNION ALL SELECT 2.5"
                   " UNION ALL SELECT 1 UNION ALL SELECT 'q\"')"),
                 "[\"a\",\"b\",1,\"1\",2.5,\"q\\\"\"]");
    CHECK_EQ_STR(q("SELECT json_array_length(obs_values(v)) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL"
                   " SELECT i + 1 FROM c WHERE i < 2000) SELECT i % 1500 AS v FROM c)"),
                 "1000");
    CHECK_EQ_STR(q("SELECT obs_values(v) FROM (SELECT 1 AS v) WHERE v > 1000"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_values(NULL) FROM (SELECT 1 UNION ALL SELECT 2)"), "[]");
}

static void test_picks(void)
{
    CHECK_EQ_INT(sqlq_exec("CREATE TABLE e(ts, v);"
                           "INSERT INTO e VALUES (3, 'c'), (1, 'a1'), (1, 'a2'), (5, 'e1'), (5, 'e2'),"
                           " (0, NULL), (9, NULL), (NULL, 'nots'), ('1970-01-01T00:00:00.004Z', 'iso4');"), 0);
    CHECK_EQ_STR(q("SELECT obs_earliest(ts, v) FROM e"), "a1");
    CHECK_EQ_STR(q("SELECT obs_latest(ts, v) FROM e"), "e1");
    CHECK_EQ_STR(q("SELECT obs_latest(ts, v) FROM e WHERE ts < 5 OR typeof(ts) = 'text'"), "iso4");
    CHECK_EQ_STR(q("SELECT obs_earliest(ts, v) FROM e WHERE v IS NULL"), "(null)");
    CHECK_EQ_STR(q("SELECT typeof(obs_latest(ts, v)) FROM (SELECT 1 AS ts, 7 AS v)"), "integer");
    CHECK_EQ_INT(sqlq_exec("CREATE TABLE m(v); INSERT INTO m VALUES ('b'), (10), ('a10'), ('a9'), ('2'), (NULL);"), 0);
    CHECK_EQ_STR(q("SELECT obs_sortsfirst(v) FROM m"), "a9");
    CHECK_EQ_STR(q("SELECT obs_sortslast(v) FROM m"), "10");
    CHECK_EQ_STR(q("SELECT typeof(obs_sortslast(v)) FROM m"), "integer");
    CHECK_EQ_STR(q("SELECT obs_sortslast(v) FROM m WHERE typeof(v) = 'text'"), "2");
    CHECK_EQ_STR(q("SELECT obs_sortsfirst(v) FROM m WHERE v IS NULL"), "(null)");
}

static void test_natural_sort(void)
{
    const char *want = "|A|a|a9|a10|b|x1y|x01y|-1|2.5|007|9|10";
    CHECK_EQ_INT(sqlq_exec("CREATE TABLE s(v);"
                           "INSERT INTO s VALUES ('b'), (10), ('9'), ('a10'), ('a9'), ('A'), (''), ('a'),"
                           " ('007'), (2.5), ('-1'), ('x01y'), ('x1y'), (NULL);"), 0);
    CHECK_EQ_STR(q("SELECT group_concat(v, '|') FROM (SELECT v FROM s WHERE v IS NOT NULL ORDER BY obs_sortkey(v))"), want);
    CHECK_EQ_STR(q("SELECT group_concat(v, '|') FROM (SELECT CAST(v AS TEXT) AS v FROM s WHERE v IS NOT NULL"
                   " ORDER BY v COLLATE obs_natural)"), want);
    CHECK_EQ_STR(q("SELECT group_concat(v, '|') FROM (SELECT v FROM s WHERE v IS NOT NULL ORDER BY obs_sortkey(v) DESC)"),
                 "10|9|007|2.5|-1|x01y|x1y|b|a10|a9|a|A|");
    CHECK_EQ_STR(q("SELECT obs_sortkey(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_sortkey(5) = obs_sortkey('5.0')"), "1");
    CHECK_EQ_STR(q("SELECT obs_sortkey(-0.0) = obs_sortkey(0)"), "1");
    CHECK_EQ_STR(q("SELECT obs_sortkey(-1e300) < obs_sortkey(-1) AND obs_sortkey(-1) < obs_sortkey(0)"
                   " AND obs_sortkey(0) < obs_sortkey(1e-300) AND obs_sortkey(1e300) > obs_sortkey(9e18)"), "1");
    CHECK_EQ_STR(q("SELECT obs_sortkey('zzz') < obs_sortkey(-1e300)"), "1");
}

/* The collation and obs_sortkey agree on random strings. */
static void test_natural_sort_agree(void)
{
    static const char alpha[] = "a0 1Z9-b";
    CHECK_EQ_INT(sqlq_exec("CREATE TABLE r(v TEXT)"), 0);
    srand(7);
    for (int i = 0; i < 400; i++) {
        char v[16], sql[64];
        int len = rand() % 7;
        for (int k = 0; k < len; k++)
            v[k] = alpha[rand() % 8];
        v[len] = '\0';
        snprintf(sql, sizeof sql, "INSERT INTO r VALUES ('%s')", v);
        CHECK_EQ_INT(sqlq_exec(sql), 0);
    }
    char a[8192], b[8192];
    snprintf(a, sizeof a, "%s", q("SELECT group_concat(v, '|') FROM (SELECT v FROM r ORDER BY v COLLATE obs_natural, v)"));
    snprintf(b, sizeof b, "%s", q("SELECT group_concat(v, '|') FROM (SELECT v FROM r ORDER BY obs_sortkey(v), v)"));
    CHECK(strcmp(a, b) == 0);
    if (strcmp(a, b) != 0)
        fprintf(stderr, "  collation: %.300s\n  sortkey:   %.300s\n", a, b);
}

/* obs_pct picks the nearest-rank value without sorting (quickselect): on
 * random data with many duplicates, mixed integers and reals, sorted and
 * reversed input, it must equal ORDER BY ... LIMIT 1 OFFSET rank - 1. */
static void test_pct_matches_sorted_rank(void)
{
    static const char *const fills[] = {
        "abs(random() % 1000)",             /* random, duplicates */
        "abs(random() % 7) + 0.5",          /* few distinct reals */
        "value",                            /* already sorted */
        "100000 - value",                   /* reversed */
        "CASE WHEN value % 2 THEN value ELSE value + 0.25 END",  /* mixed int/real */
        "42",                               /* all equal */
    };
    static const int sizes[] = { 1, 2, 3, 10, 1000, 20000 };
    static const double ps[] = { 0, 1, 25, 50, 90, 99, 99.9, 100 };
    char sql[512];
    for (size_t f = 0; f < sizeof fills / sizeof *fills; f++) {
        for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
            snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS pq; CREATE TABLE pq(v);"
                                      "INSERT INTO pq SELECT %s FROM generate_series(1, %d);",
                     fills[f], sizes[z]);
            if (sqlq_exec(sql) != 0) {
                /* no generate_series in this SQLite: a recursive CTE instead */
                snprintf(sql, sizeof sql,
                         "DROP TABLE IF EXISTS pq; CREATE TABLE pq(v);"
                         "WITH RECURSIVE g(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM g "
                         "WHERE value < %d) INSERT INTO pq SELECT %s FROM g;",
                         sizes[z], fills[f]);
                CHECK_EQ_INT(sqlq_exec(sql), 0);
            }
            for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
                char got[64], want[64];
                snprintf(sql, sizeof sql, "SELECT obs_pct(v, %g) FROM pq", ps[k]);
                snprintf(got, sizeof got, "%s", q(sql));
                int rank = (int)ceil(ps[k] / 100.0 * sizes[z]);
                if (rank < 1)
                    rank = 1;
                snprintf(sql, sizeof sql, "SELECT v FROM pq ORDER BY v LIMIT 1 OFFSET %d", rank - 1);
                snprintf(want, sizeof want, "%s", q(sql));
                CHECK_EQ_STR(got, want);
            }
        }
    }
}

TEST_LIST = {
    TEST(test_pct_matches_sorted_rank),
    TEST(test_datefloor_fixed_units),
    TEST(test_datefloor_calendar_units),
    TEST(test_time_conversions),
    TEST(test_formatdate),
    TEST(test_parsedate),
    TEST(test_regexp),
    TEST(test_regex_limits),
    TEST(test_regex_group),
    TEST(test_regexreplace),
    TEST(test_glob),
    TEST(test_pct),
    TEST(test_variance_stddev),
    TEST(test_min_max),
    TEST(test_values),
    TEST(test_picks),
    TEST(test_natural_sort),
    TEST(test_natural_sort_agree),
    TEST_END,
};
