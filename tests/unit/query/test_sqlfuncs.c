/* tests/unit/query/test_sqlfuncs.c — the scalar SQL functions of
 * query/sqlfuncs_{string,numeric,encode,hash,json,jsonflat,ip,textfields}.c, run through an
 * in-memory SQLite: spec §6.4 examples, NULL handling and edge cases. Time,
 * regex, glob, aggregates and sorting are in test_sqlfuncs_more.c. */
#define CHECK_MAIN
#include "tests/unit/check.h"
#include "tests/unit/sqlq.h"

static void test_spec_examples(void)
{
    CHECK_EQ_STR(q("SELECT obs_substr('xyZfooxyZ', 3, 3)"), "foo");
    CHECK_EQ_STR(q("SELECT obs_trim('xyZxyfooxyxyZ', 'xyZ')"), "foo");
    CHECK_EQ_STR(q("SELECT obs_tomillis('2022-01-14T13:18:031.000-08:00')"), "1642195111000");
    CHECK_EQ_STR(q("SELECT obs_now()"), "1700000000");
    CHECK_EQ_STR(q("SELECT obs_querystarttime()"), "1699990000000");
    CHECK_EQ_STR(q("SELECT obs_queryendtime()"), "1700000000000");
    CHECK_EQ_STR(q("SELECT obs_querytimerange()"), "10000000");
}

static void test_presence(void)
{
    CHECK_EQ_STR(q("SELECT obs_isempty(NULL)"), "1");
    CHECK_EQ_STR(q("SELECT obs_isempty('')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isempty(' ')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isempty(0)"), "0");
    CHECK_EQ_STR(q("SELECT obs_isblank(NULL)"), "1");
    CHECK_EQ_STR(q("SELECT obs_isblank(' \t\n')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isblank(' x ')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isnumeric(' 1.5e3 ')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isnumeric('12abc')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isnumeric(NULL)"), "0");
    CHECK_EQ_STR(q("SELECT obs_isnumeric(3.5)"), "1");
    CHECK_EQ_STR(q("SELECT obs_messagesize('héllo')"), "6");
    CHECK_EQ_STR(q("SELECT obs_messagesize(NULL)"), "(null)");
}

static void test_trim_concat_case(void)
{
    CHECK_EQ_STR(q("SELECT obs_trim('  a b  ')"), "a b");
    CHECK_EQ_STR(q("SELECT obs_ltrim('  a  ')"), "a  ");
    CHECK_EQ_STR(q("SELECT obs_rtrim('  a  ')"), "  a");
    CHECK_EQ_STR(q("SELECT obs_ltrim('xxaxx', 'x')"), "axx");
    CHECK_EQ_STR(q("SELECT obs_rtrim('xxaxx', 'x')"), "xxa");
    CHECK_EQ_STR(q("SELECT obs_trim('ééaé', 'é')"), "a");
    CHECK_EQ_STR(q("SELECT obs_trim('xyz', 'xyz')"), "");
    CHECK_EQ_STR(q("SELECT obs_trim('', 'x')"), "");
    CHECK_EQ_STR(q("SELECT obs_trim(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_trim('a', NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_concat('a', 1, NULL, 'b', 2.5)"), "a1b2.5");
    CHECK_EQ_STR(q("SELECT obs_concat(NULL, NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_toupper('abcÉz')"), "ABCÉZ");
    CHECK_EQ_STR(q("SELECT obs_tolower('ABCéZ')"), "abcéz");
    CHECK_EQ_STR(q("SELECT obs_toupper(NULL)"), "(null)");
}

static void test_strlen_substr(void)
{
    CHECK_EQ_STR(q("SELECT obs_strlen('héllo')"), "5");
    CHECK_EQ_STR(q("SELECT obs_strlen('')"), "0");
    CHECK_EQ_STR(q("SELECT obs_strlen('😀a')"), "2");
    CHECK_EQ_STR(q("SELECT obs_strlen(CAST(x'ff41c3' AS TEXT))"), "3");  /* invalid UTF-8 */
    CHECK_EQ_STR(q("SELECT obs_strlen(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_substr('héllo', 1)"), "éllo");
    CHECK_EQ_STR(q("SELECT obs_substr('héllo', 1, 2)"), "él");
    CHECK_EQ_STR(q("SELECT obs_substr('abc', 5)"), "");
    CHECK_EQ_STR(q("SELECT obs_substr('abc', -2, 2)"), "ab");
    CHECK_EQ_STR(q("SELECT obs_substr('abc', 1, 0)"), "");
    CHECK_EQ_STR(q("SELECT obs_substr('abc', 1, 100)"), "bc");
    CHECK_EQ_STR(q("SELECT obs_substr(NULL, 1)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_substr('abc', NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT length(obs_substr(CAST(x'ffffe282' AS TEXT), 1, 2))"), "2");
}

static void test_replace_contains(void)
{
    CHECK_EQ_STR(q("SELECT obs_replace('a.b.c', '.', '::')"), "a::b::c");
    CHECK_EQ_STR(q("SELECT obs_replace('aaa', 'aa', 'b')"), "ba");
    CHECK_EQ_STR(q("SELECT obs_replace('abc', '', 'x')"), "abc");
    CHECK_EQ_STR(q("SELECT obs_replace('a+b', '+', '')"), "ab");
    CHECK_EQ_STR(q("SELECT obs_replace(NULL, 'a', 'b')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_strcontains('Hello', 'ell')"), "1");
    CHECK_EQ_STR(q("SELECT obs_strcontains('Hello', 'ELL')"), "0");
    CHECK_EQ_STR(q("SELECT obs_strcontains('Hello', 'ELL', 1)"), "1");
    CHECK_EQ_STR(q("SELECT obs_strcontains('Hello', 'ELL', 'true')"), "1");
    CHECK_EQ_STR(q("SELECT obs_strcontains('Hello', 'ELL', 0)"), "0");
    CHECK_EQ_STR(q("SELECT obs_strcontains('Hello', '')"), "1");
    CHECK_EQ_STR(q("SELECT obs_strcontains(NULL, 'a')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_like('Init Duration: 5', 'Duration')"), "1");
    CHECK_EQ_STR(q("SELECT obs_like('abc', 'B')"), "0");
    CHECK_EQ_STR(q("SELECT obs_like(NULL, 'B')"), "0");
    CHECK_EQ_STR(q("SELECT obs_like(150, '5')"), "1");
    CHECK_EQ_STR(q("SELECT obs_startswith('abc', 'ab')"), "1");
    CHECK_EQ_STR(q("SELECT obs_startswith('abc', 'bc')"), "0");
    CHECK_EQ_STR(q("SELECT obs_startswith('a', 'abc')"), "0");
    CHECK_EQ_STR(q("SELECT obs_endswith('abc', 'bc')"), "1");
    CHECK_EQ_STR(q("SELECT obs_endswith('abc', '')"), "1");
    CHECK_EQ_STR(q("SELECT obs_endswith(NULL, 'a')"), "(null)");
}

static void test_split(void)
{
    CHECK_EQ_STR(q("SELECT obs_split('a,b,,c', ',')"), "[\"a\",\"b\",\"\",\"c\"]");
    CHECK_EQ_STR(q("SELECT obs_split('abc', ',')"), "[\"abc\"]");
    CHECK_EQ_STR(q("SELECT obs_split('', ',')"), "[\"\"]");
    CHECK_EQ_STR(q("SELECT obs_split('aé', '')"), "[\"a\",\"é\"]");
    CHECK_EQ_STR(q("SELECT obs_split('a::b', '::')"), "[\"a\",\"b\"]");
    CHECK_EQ_STR(q("SELECT obs_split('x\"y', ',')"), "[\"x\\\"y\"]");
    CHECK_EQ_STR(q("SELECT obs_split(NULL, ',')"), "(null)");
    CHECK_EQ_STR(q("SELECT json_extract(obs_split('a b', ' '), '$[1]')"), "b");
}

static void test_numeric(void)
{
    CHECK_EQ_STR(q("SELECT obs_num('150') + 0, typeof(obs_num('150'))"), "150");
    CHECK_EQ_STR(q("SELECT typeof(obs_num('150'))"), "integer");
    CHECK_EQ_STR(q("SELECT obs_num(' 1.5e3 ')"), "1500.0");
    CHECK_EQ_STR(q("SELECT obs_num('abc')"), "abc");
    CHECK_EQ_STR(q("SELECT obs_num('0x10')"), "0x10");
    CHECK_EQ_STR(q("SELECT obs_num('nan')"), "nan");
    CHECK_EQ_STR(q("SELECT obs_num('')"), "");
    CHECK_EQ_STR(q("SELECT obs_num(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_num('99999999999999999999')"), "1.0e+20");
    CHECK_EQ_STR(q("SELECT obs_num('-9223372036854775808')"), "-9223372036854775808");
    CHECK_EQ_STR(q("SELECT obs_num('150') > obs_num('99')"), "1");
    /* what avg and sum read: numbers as they are, numeric text as numbers,
     * anything else NULL (skipped, not summed as 0) */
    CHECK_EQ_STR(q("SELECT typeof(obs_numval(2.5)), typeof(obs_numval(7)), obs_numval('150') + 1"), "real");
    CHECK_EQ_STR(q("SELECT typeof(obs_numval(7))"), "integer");
    CHECK_EQ_STR(q("SELECT obs_numval('abc') IS NULL, obs_numval('') IS NULL"), "1");
    CHECK_EQ_STR(q("SELECT avg(obs_numval(v)) FROM (SELECT 'b' AS v UNION ALL SELECT '6')"), "6.0");
    CHECK_EQ_STR(q("SELECT sum(obs_numval(v)) IS NULL FROM (SELECT 'b' AS v)"), "1");
    CHECK_EQ_STR(q("SELECT obs_abs(-3)"), "3");
    CHECK_EQ_STR(q("SELECT obs_abs('-2.5')"), "2.5");
    CHECK_EQ_STR(q("SELECT obs_abs('x')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_ceil(1.2)"), "2");
    CHECK_EQ_STR(q("SELECT obs_ceil(-1.2)"), "-1");
    CHECK_EQ_STR(q("SELECT obs_floor(-1.2)"), "-2");
    CHECK_EQ_STR(q("SELECT obs_floor(7)"), "7");
    CHECK_EQ_STR(q("SELECT obs_floor(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_greatest(1, '7', 3.5, NULL, 'x')"), "7");
    CHECK_EQ_STR(q("SELECT obs_least(1, '7', -3.5)"), "-3.5");
    CHECK_EQ_STR(q("SELECT obs_least(NULL, 'x')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_log(1)"), "0.0");
    CHECK_EQ_STR(q("SELECT obs_log(0)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_sqrt(16)"), "4.0");
    CHECK_EQ_STR(q("SELECT obs_sqrt(-1)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_round(2.5)"), "3");
    CHECK_EQ_STR(q("SELECT obs_round(-2.5)"), "-3");
    CHECK_EQ_STR(q("SELECT obs_round(3.14159, 2)"), "3.14");
    CHECK_EQ_STR(q("SELECT obs_round(1234, -2)"), "1200");
    CHECK_EQ_STR(q("SELECT obs_round(NULL, 2)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_round(7, 2)"), "7");
    CHECK_EQ_STR(q("SELECT round(obs_haversine(51.5007, 0.1246, 40.6892, 74.0445))"), "5575.0");
    CHECK_EQ_STR(q("SELECT obs_haversine(0, 0, 0, 0)"), "0.0");
    CHECK_EQ_STR(q("SELECT obs_haversine(0, 0, NULL, 0)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_tonumber('42')"), "42");
    CHECK_EQ_STR(q("SELECT obs_tonumber('4.5')"), "4.5");
    CHECK_EQ_STR(q("SELECT obs_tonumber('x')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_toint('3.9')"), "3");
    CHECK_EQ_STR(q("SELECT obs_toint(-3.9)"), "-3");
    CHECK_EQ_STR(q("SELECT obs_toint(2147483648)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_toint(2147483647)"), "2147483647");
    CHECK_EQ_STR(q("SELECT obs_tolong('9223372036854775807')"), "9223372036854775807");
    CHECK_EQ_STR(q("SELECT obs_tolong(1e30)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_todouble('5')"), "5.0");
}

static void test_encode(void)
{
    CHECK_EQ_STR(q("SELECT obs_urlencode('a b&c=d/é~')"), "a%20b%26c%3Dd%2F%C3%A9~");
    CHECK_EQ_STR(q("SELECT obs_urldecode('a%20b%26c+d%C3%A9')"), "a b&c dé");
    CHECK_EQ_STR(q("SELECT obs_urldecode('100%')"), "100%");
    CHECK_EQ_STR(q("SELECT obs_urldecode('%zz')"), "%zz");
    CHECK_EQ_STR(q("SELECT obs_urlencode(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_base64encode('hello')"), "aGVsbG8=");
    CHECK_EQ_STR(q("SELECT obs_base64encode('')"), "");
    CHECK_EQ_STR(q("SELECT obs_base64encode('ab')"), "YWI=");
    CHECK_EQ_STR(q("SELECT obs_base64decode('aGVsbG8=')"), "hello");
    CHECK_EQ_STR(q("SELECT obs_base64decode('aGVsbG8')"), "hello");
    CHECK_EQ_STR(q("SELECT obs_base64decode('aGVs bG8=')"), "hello");
    CHECK_EQ_STR(q("SELECT obs_base64decode('a')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_base64decode('a*b=')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_base64decode('YQ==YQ')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_hextoascii('48656c6c6f')"), "Hello");
    CHECK_EQ_STR(q("SELECT obs_hextoascii('0x4869')"), "Hi");
    CHECK_EQ_STR(q("SELECT obs_hextoascii('486')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_hextoascii('zz')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_hextodec('ff')"), "255");
    CHECK_EQ_STR(q("SELECT obs_hextodec('0xFF')"), "255");
    CHECK_EQ_STR(q("SELECT obs_hextodec('7fffffffffffffff')"), "9223372036854775807");
    CHECK_EQ_STR(q("SELECT obs_hextodec('g1')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_hextodec('')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_dectohex(255)"), "ff");
    CHECK_EQ_STR(q("SELECT obs_dectohex('4096')"), "1000");
    CHECK_EQ_STR(q("SELECT obs_dectohex(-1)"), "ffffffffffffffff");
    CHECK_EQ_STR(q("SELECT obs_dectohex('x')"), "(null)");
}

static void test_hash(void)
{
    CHECK_EQ_STR(q("SELECT obs_md5('')"), "d41d8cd98f00b204e9800998ecf8427e");
    CHECK_EQ_STR(q("SELECT obs_md5('abc')"), "900150983cd24fb0d6963f7d28e17f72");
    CHECK_EQ_STR(q("SELECT obs_md5('The quick brown fox jumps over the lazy dog')"),
                 "9e107d9d372bb6826bd81d3542a419d6");
    CHECK_EQ_STR(q("SELECT obs_md5('12345678901234567890123456789012345678901234567890123456789012345678901234567890')"),
                 "57edf4a22be3c955ac49da2e2107b67a");
    CHECK_EQ_STR(q("SELECT obs_sha256('')"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK_EQ_STR(q("SELECT obs_sha256('abc')"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_EQ_STR(q("SELECT obs_sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')"),
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK_EQ_STR(q("SELECT obs_md5(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT length(obs_sha256(printf('%.*c', 1000000, 'a')))"), "64");
    CHECK_EQ_STR(q("SELECT obs_sha256(printf('%.*c', 1000000, 'a'))"),
                 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_json(void)
{
    CHECK_EQ_STR(q("SELECT obs_jsonparse('{ \"a\" : [1, 2, {\"b\": \"x\"}] }')"), "{\"a\":[1,2,{\"b\":\"x\"}]}");
    CHECK_EQ_STR(q("SELECT json_extract(obs_jsonparse('{\"users\":[{\"a\":1},{\"action\":\"go\"}]}'), '$.users[1].action')"), "go");
    CHECK_EQ_STR(q("SELECT obs_jsonparse('[1,2]')"), "[1,2]");
    CHECK_EQ_STR(q("SELECT obs_jsonparse('5')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_jsonparse('\"s\"')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_jsonparse('{bad')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_jsonparse(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_jsonstringify(obs_jsonparse('{\"a\": 1}'))"), "{\"a\":1}");
    CHECK_EQ_STR(q("SELECT obs_jsonstringify('x')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_jsonarraysize('[1,2,3]')"), "3");
    CHECK_EQ_STR(q("SELECT obs_jsonarraysize('[]')"), "0");
    CHECK_EQ_STR(q("SELECT obs_jsonarraysize('{}')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_jsonarraysize(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_jsonarraycontains('[\"a\",\"B\",3]', 'B')"), "1");
    CHECK_EQ_STR(q("SELECT obs_jsonarraycontains('[\"a\",\"B\",3]', 'b')"), "0");
    CHECK_EQ_STR(q("SELECT obs_jsonarraycontains('[\"a\",\"B\",3]', 3)"), "1");
    CHECK_EQ_STR(q("SELECT obs_jsonarraycontains('[\"a\",\"B\",3]', '3')"), "1");
    CHECK_EQ_STR(q("SELECT obs_jsonarraycontains('[true]', 1)"), "1");
    CHECK_EQ_STR(q("SELECT obs_jsonarraycontains('{\"a\":1}', 1)"), "0");
    CHECK_EQ_STR(q("SELECT obs_jsonarraycontains('not json', 1)"), "0");
    CHECK_EQ_STR(q("SELECT obs_jsonarraycontains(NULL, 1)"), "(null)");
}

static void test_ip(void)
{
    CHECK_EQ_STR(q("SELECT obs_isvalidip('192.168.0.1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isvalidip('::1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isvalidip('256.1.1.1')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isvalidip('1.2.3')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isvalidip('')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isvalidip(NULL)"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_isvalidipv4('10.0.0.1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isvalidipv4('::1')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isvalidipv6('2001:db8::ff00:42:8329')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isvalidipv6('::ffff:10.0.0.1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isvalidipv6('1.2.3.4')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isvalidipv6('2001:db8:::1')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('192.168.1.77', '192.168.1.0/24')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('192.168.2.1', '192.168.1.0/24')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('10.1.2.3', '0.0.0.0/0')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('10.1.2.3', '10.1.2.3/32')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('10.1.2.4', '10.1.2.3/32')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('10.1.2.3', '10.1.2.3')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('172.31.255.255', '172.16.0.0/12')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('172.32.0.0', '172.16.0.0/12')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('10.1.2.3', '10.0.0.0/33')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('10.1.2.3', '10.0.0.0/')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('10.1.2.3', 'bad/8')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('2001:db8::1', '2001:db8::/32')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('2001:db9::1', '2001:db8::/32')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet('10.0.0.1', '::/0')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipinsubnet(NULL, '10.0.0.0/8')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_isipv4insubnet('10.0.0.1', '10.0.0.0/8')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isipv4insubnet('::1', '::/0')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isipv6insubnet('::1', '::/0')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isipv6insubnet('fe80::1', 'fe80::/10')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isipv6insubnet('fec0::1', 'fe80::/10')"), "0");
    CHECK_EQ_STR(q("SELECT obs_ipv4tonumber('1.2.3.4')"), "16909060");
    CHECK_EQ_STR(q("SELECT obs_ipv4tonumber('255.255.255.255')"), "4294967295");
    CHECK_EQ_STR(q("SELECT obs_ipv4tonumber('::1')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_isprivateip('10.2.3.4')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isprivateip('172.16.0.1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isprivateip('172.15.255.255')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isprivateip('192.168.255.1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isprivateip('8.8.8.8')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isprivateip('fd00::1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isprivateip('junk')"), "0");
    CHECK_EQ_STR(q("SELECT obs_ispublicip('8.8.8.8')"), "1");
    CHECK_EQ_STR(q("SELECT obs_ispublicip('2606:4700::1111')"), "1");
    CHECK_EQ_STR(q("SELECT obs_ispublicip('10.0.0.1')"), "0");
    CHECK_EQ_STR(q("SELECT obs_ispublicip('127.0.0.1')"), "0");
    CHECK_EQ_STR(q("SELECT obs_ispublicip('junk')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isreservedip('127.0.0.1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isreservedip('169.254.1.1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isreservedip('224.0.0.1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isreservedip('255.255.255.255')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isreservedip('192.0.2.5')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isreservedip('10.0.0.1')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isreservedip('8.8.8.8')"), "0");
    CHECK_EQ_STR(q("SELECT obs_isreservedip('::1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isreservedip('2001:db8::1')"), "1");
    CHECK_EQ_STR(q("SELECT obs_isreservedip(NULL)"), "(null)");
}

static void test_huge_and_invalid(void)
{
    /* 5 MB input through the text functions: no crash, right sizes. */
    CHECK_EQ_STR(q("SELECT obs_strlen(printf('%.*c', 5000000, 'x'))"), "5000000");
    CHECK_EQ_STR(q("SELECT length(obs_replace(printf('%.*c', 1000000, 'x'), 'x', 'yy'))"), "2000000");
    CHECK_EQ_STR(q("SELECT length(obs_urlencode(printf('%.*c', 1000000, ' ')))"), "3000000");
    CHECK_EQ_STR(q("SELECT obs_trim(printf('%.*c', 1000000, ' '))"), "");
    /* Invalid UTF-8 everywhere it can go. */
    CHECK_EQ_STR(q("SELECT length(obs_trim(CAST(x'80ff2080' AS TEXT), CAST(x'80' AS TEXT)))"), "2");
    CHECK_EQ_STR(q("SELECT obs_strlen(CAST(x'e282' AS TEXT))"), "2");
    CHECK_EQ_STR(q("SELECT obs_split(CAST(x'ff' AS TEXT), '') IS NOT NULL"), "1");
    CHECK_EQ_STR(q("SELECT obs_md5(CAST(x'ff00ff' AS TEXT)) IS NOT NULL"), "1");
    CHECK_EQ_STR(q("SELECT obs_jsonparse(CAST(x'ff' AS TEXT))"), "(null)");
}

/* obs_json_flat: a flattened name over keys that hold dots */
#define OTEL "'{\"resource\":{\"attributes\":{\"service.name\":\"cart\",\"k8s.pod.uid\":7}}," \
    "\"attributes\":{\"http.status_code\":503,\"http\":{\"route\":\"/x\"},\"ok\":true,\"r\":1.5}," \
    "\"spans\":[{\"span.id\":\"s1\"}],\"a.b\":{\"c\":1},\"a\":{\"b.c\":2}}'"
static void test_json_flat(void)
{
    /* segments are separated by char(31), as the emitter writes a path */
    CHECK_EQ_STR(q("SELECT obs_json_flat(" OTEL ", 'resource' || char(31) || 'attributes' || char(31) || 'service' || "
                   "char(31) || 'name')"), "cart");
    CHECK_EQ_STR(q("SELECT obs_json_flat(" OTEL ", 'resource' || char(31) || 'attributes' || char(31) || 'k8s' || "
                   "char(31) || 'pod' || char(31) || 'uid')"), "7");
    CHECK_EQ_STR(q("SELECT typeof(obs_json_flat(" OTEL ", 'attributes' || char(31) || 'http' || char(31) || "
                   "'status_code'))"), "integer");
    /* a nested object of the same prefix is found too */
    CHECK_EQ_STR(q("SELECT obs_json_flat(" OTEL ", 'attributes' || char(31) || 'http' || char(31) || 'route')"), "/x");
    CHECK_EQ_STR(q("SELECT obs_json_flat(" OTEL ", 'attributes' || char(31) || 'ok')"), "(null)");  /* no dotted key */
    CHECK_EQ_STR(q("SELECT obs_json_flat(" OTEL ", 'spans' || char(31) || '0' || char(31) || 'span' || char(31) || "
                   "'id')"), "s1");
    /* both a.b -> c and a -> b.c: the longer key first */
    CHECK_EQ_STR(q("SELECT obs_json_flat(" OTEL ", 'a' || char(31) || 'b' || char(31) || 'c')"), "1");
    CHECK_EQ_STR(q("SELECT obs_json_flat(" OTEL ", 'resource' || char(31) || 'attributes')"), "(null)");  /* no dot */
    CHECK_EQ_STR(q("SELECT obs_json_flat('{\"x.y\":{\"z\":[1,2]}}', 'x' || char(31) || 'y' || char(31) || 'z')"),
                 "[1,2]");
    CHECK_EQ_STR(q("SELECT obs_json_flat('{\"x.y\":2.5}', 'x' || char(31) || 'y')"), "2.5");
    CHECK_EQ_STR(q("SELECT obs_json_flat('{\"x.y\":true}', 'x' || char(31) || 'y')"), "1");
    CHECK_EQ_STR(q("SELECT obs_json_flat('{\"x.y\":null}', 'x' || char(31) || 'y')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_json_flat('{\"x.y\":', 'x' || char(31) || 'y')"), "(null)");  /* invalid JSON */
    CHECK_EQ_STR(q("SELECT obs_json_flat(NULL, 'x' || char(31) || 'y')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_json_flat('{\"x.y\":1}', NULL)"), "(null)");
}

/* obs_textfield: the fields of a default-format VPC flow log line and of a
 * Route 53 query log line, by CloudWatch's names */
#define FLOW_HEAD "2 123456789012 eni-0f1e2d3c "
#define FLOW FLOW_HEAD "10.1.2.3 172.16.0.9 40211 5432 6 12 3000 1700000000 1700000060 "
#define R53 "1.0 2024-05-17T13:47:23.456Z Z0123456789ABC www.example.com AAAA NOERROR UDP FRA6 192.0.2.53 -"
#define TF(line, name) q("SELECT obs_textfield('" line "', '" name "')")
static void test_textfield(void)
{
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK", "version"), "2");
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK", "srcAddr"), "10.1.2.3");
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK", "dstPort"), "5432");
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK", "protocol"), "6");
    CHECK_EQ_STR(q("SELECT typeof(obs_textfield('" FLOW "ACCEPT OK', 'bytes'))"), "text");  /* like a parse capture */
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK", "startTime"), "1700000000");
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK", "end"), "1700000060");
    CHECK_EQ_STR(TF(FLOW "REJECT OK", "action"), "REJECT");
    CHECK_EQ_STR(TF(FLOW "ACCEPT SKIPDATA", "logStatus"), "SKIPDATA");
    CHECK_EQ_STR(q("SELECT obs_textfield(CAST('" FLOW "ACCEPT OK' AS BLOB), 'dstAddr')"), "172.16.0.9");
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK", "queryName"), "(null)");  /* a Route 53 name */
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK", "srcaddr"), "(null)");    /* names are case-sensitive */
    /* a record without data: its "-" words are "-", as the line shows them */
    CHECK_EQ_STR(TF(FLOW_HEAD "- - - - - - - 1700000000 1700000060 - NODATA", "srcAddr"), "-");
    CHECK_EQ_STR(TF(FLOW_HEAD "- - - - - - - 1700000000 1700000060 - NODATA", "logStatus"), "NODATA");
    /* not a default-format line: another version, a word less or more,
     * double or trailing spaces, another action */
    CHECK_EQ_STR(TF("3 123456789012 eni-0f1e2d3c 10.1.2.3 172.16.0.9 40211 5432 6 12 3000 1 2 ACCEPT OK", "srcAddr"),
                 "(null)");
    CHECK_EQ_STR(TF(FLOW "ACCEPT", "srcAddr"), "(null)");
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK x", "srcAddr"), "(null)");
    CHECK_EQ_STR(TF(FLOW " ACCEPT OK", "srcAddr"), "(null)");
    CHECK_EQ_STR(TF(FLOW "ACCEPT OK ", "srcAddr"), "(null)");
    CHECK_EQ_STR(TF(FLOW "ALLOW OK", "srcAddr"), "(null)");
    /* Route 53 */
    CHECK_EQ_STR(TF(R53, "version"), "1.0");
    CHECK_EQ_STR(TF(R53, "queryTimestamp"), "2024-05-17T13:47:23.456Z");
    CHECK_EQ_STR(TF(R53, "hostZoneId"), "Z0123456789ABC");
    CHECK_EQ_STR(TF(R53, "queryName"), "www.example.com");
    CHECK_EQ_STR(TF(R53, "queryType"), "AAAA");
    CHECK_EQ_STR(TF(R53, "responseCode"), "NOERROR");
    CHECK_EQ_STR(TF(R53, "protocol"), "UDP");
    CHECK_EQ_STR(TF(R53, "edgeLocation"), "FRA6");
    CHECK_EQ_STR(TF(R53, "resolverIp"), "192.0.2.53");
    CHECK_EQ_STR(TF(R53, "ednsClientSubnet"), "-");
    CHECK_EQ_STR(TF(R53, "srcAddr"), "(null)");  /* a VPC name */
    CHECK_EQ_STR(TF("1.0 2024-05-17T13:47:23.456Z Z0123456789ABC www.example.com AAAA NOERROR SCTP FRA6 192.0.2.53 -",
                    "queryName"),
                 "(null)");
    CHECK_EQ_STR(TF("one 2024-05-17T13:47:23.456Z Z0123456789ABC www.example.com AAAA NOERROR UDP FRA6 192.0.2.53 -",
                    "queryName"),
                 "(null)");
    CHECK_EQ_STR(TF("1.0 yesterday Z0123456789ABC www.example.com AAAA NOERROR UDP FRA6 192.0.2.53 -", "queryName"),
                 "(null)");
    /* neither */
    CHECK_EQ_STR(TF("{\"srcAddr\":\"10.1.2.3\"}", "srcAddr"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_textfield(NULL, 'srcAddr')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_textfield(42, 'srcAddr')"), "(null)");
    CHECK_EQ_STR(q("SELECT obs_textfield('" FLOW "ACCEPT OK', NULL)"), "(null)");
}

TEST_LIST = {
    TEST(test_spec_examples),
    TEST(test_presence),
    TEST(test_trim_concat_case),
    TEST(test_strlen_substr),
    TEST(test_replace_contains),
    TEST(test_split),
    TEST(test_numeric),
    TEST(test_encode),
    TEST(test_hash),
    TEST(test_json),
    TEST(test_ip),
    TEST(test_huge_and_invalid),
    TEST(test_textfield),
    TEST(test_json_flat),
    TEST_END,
};
