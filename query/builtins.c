/* query/builtins.c — the function table (see builtins.h): every Logs
 * Insights function obsq accepts, with its arity, kind and SQL name. The SQL
 * functions (obs_*) are registered by query/sqlfuncs/. */
#include "query/builtins.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#define V (-1)  /* variadic */

static const query_builtin_t table[] = {
    /* numeric */
    { "abs", "abs", 1, 1, QF_SCALAR, "obs_abs", "absolute value" },
    { "ceil", "ceil", 1, 1, QF_SCALAR, "obs_ceil", "round up to an integer" },
    { "floor", "floor", 1, 1, QF_SCALAR, "obs_floor", "round down to an integer" },
    { "greatest", "greatest", 1, V, QF_SCALAR, "obs_greatest", "largest argument" },
    { "least", "least", 1, V, QF_SCALAR, "obs_least", "smallest argument" },
    { "log", "log", 1, 1, QF_SCALAR, "obs_log", "natural logarithm" },
    { "sqrt", "sqrt", 1, 1, QF_SCALAR, "obs_sqrt", "square root" },
    { "round", "round", 1, 2, QF_SCALAR, "obs_round", "round to d decimal places (default 0)" },
    { "haversine", "haversine", 4, 4, QF_SCALAR, "obs_haversine", "great-circle distance in km" },
    { "tonumber", "toNumber", 1, 1, QF_SCALAR, "obs_tonumber", "string to number" },
    { "toint", "toInt", 1, 1, QF_SCALAR, "obs_toint", "to a 32-bit integer" },
    { "tolong", "toLong", 1, 1, QF_SCALAR, "obs_tolong", "to a 64-bit integer" },
    { "todouble", "toDouble", 1, 1, QF_SCALAR, "obs_todouble", "to a double" },
    /* datetime */
    { "bin", "bin", 1, 1, QF_BIN, NULL, "@timestamp floored to the period (stats ... by bin(5m))" },
    { "datefloor", "datefloor", 2, 2, QF_SCALAR, "obs_datefloor", "timestamp truncated to the period" },
    { "dateceil", "dateceil", 2, 2, QF_SCALAR, "obs_dateceil", "timestamp rounded up to the period" },
    { "frommillis", "fromMillis", 1, 1, QF_SCALAR, "obs_frommillis", "epoch ms to a timestamp" },
    { "tomillis", "toMillis", 1, 1, QF_SCALAR, "obs_tomillis", "timestamp to epoch ms" },
    { "now", "now", 0, 0, QF_SCALAR, "obs_now", "query start time, epoch seconds" },
    { "parsedate", "parseDate", 2, 3, QF_SCALAR, "obs_parsedate", "string to epoch ms with a Java date pattern" },
    { "formatdate", "formatDate", 2, 3, QF_SCALAR, "obs_formatdate", "timestamp to text with a strftime pattern" },
    /* general */
    { "ispresent", "isPresent", 1, 1, QF_SCALAR, NULL, "1 when the field exists in the event" },
    { "coalesce", "coalesce", 1, V, QF_SCALAR, NULL, "first non-null argument" },
    { "if", "if", 3, 3, QF_SCALAR, NULL, "if(cond, a, b)" },
    { "case", "case", 2, 21, QF_SCALAR, NULL, "case(c1, v1, c2, v2, ..., [default])" },
    { "isnumeric", "isNumeric", 1, 1, QF_SCALAR, "obs_isnumeric", "1 when the value is a number" },
    { "messagesize", "messageSize", 1, 1, QF_SCALAR, "obs_messagesize", "byte length" },
    { "querystarttime", "queryStartTime", 0, 0, QF_SCALAR, "obs_querystarttime", "start of the query range, epoch ms" },
    { "queryendtime", "queryEndTime", 0, 0, QF_SCALAR, "obs_queryendtime", "end of the query range, epoch ms" },
    { "querytimerange", "queryTimeRange", 0, 0, QF_SCALAR, "obs_querytimerange", "length of the query range, ms" },
    /* string */
    { "isempty", "isempty", 1, 1, QF_SCALAR, "obs_isempty", "1 when missing or \"\"" },
    { "isblank", "isblank", 1, 1, QF_SCALAR, "obs_isblank", "1 when missing, empty or whitespace" },
    { "concat", "concat", 1, V, QF_SCALAR, "obs_concat", "concatenation" },
    { "ltrim", "ltrim", 1, 2, QF_SCALAR, "obs_ltrim", "trim the start (whitespace, or the given chars)" },
    { "rtrim", "rtrim", 1, 2, QF_SCALAR, "obs_rtrim", "trim the end" },
    { "trim", "trim", 1, 2, QF_SCALAR, "obs_trim", "trim both ends" },
    { "strlen", "strlen", 1, 1, QF_SCALAR, "obs_strlen", "length in Unicode code points" },
    { "toupper", "toupper", 1, 1, QF_SCALAR, "obs_toupper", "upper case" },
    { "tolower", "tolower", 1, 1, QF_SCALAR, "obs_tolower", "lower case" },
    { "substr", "substr", 2, 3, QF_SCALAR, "obs_substr", "substring, 0-based start" },
    { "replace", "replace", 3, 3, QF_SCALAR, "obs_replace", "replace every occurrence (literal)" },
    { "strcontains", "strcontains", 2, 3, QF_SCALAR, "obs_strcontains", "1 when s contains x" },
    { "regexreplace", "regexReplace", 3, 3, QF_SCALAR, "obs_regexreplace", "replace regex matches" },
    { "startswith", "startsWith", 2, 2, QF_SCALAR, "obs_startswith", "1 when s starts with x" },
    { "endswith", "endsWith", 2, 2, QF_SCALAR, "obs_endswith", "1 when s ends with x" },
    { "urlencode", "urlencode", 1, 1, QF_SCALAR, "obs_urlencode", "percent-encode" },
    { "urldecode", "urldecode", 1, 1, QF_SCALAR, "obs_urldecode", "percent-decode" },
    { "base64encode", "base64encode", 1, 1, QF_SCALAR, "obs_base64encode", "base64" },
    { "base64decode", "base64decode", 1, 1, QF_SCALAR, "obs_base64decode", "from base64" },
    { "split", "split", 2, 2, QF_SCALAR, "obs_split", "JSON array of the parts" },
    { "hextoascii", "hexToAscii", 1, 1, QF_SCALAR, "obs_hextoascii", "hex digits to text" },
    { "hextodec", "hexToDec", 1, 1, QF_SCALAR, "obs_hextodec", "hex to a number" },
    { "dectohex", "decToHex", 1, 1, QF_SCALAR, "obs_dectohex", "number to hex" },
    { "md5", "md5", 1, 1, QF_SCALAR, "obs_md5", "MD5 hex digest" },
    { "sha256", "sha256", 1, 1, QF_SCALAR, "obs_sha256", "SHA-256 hex digest" },
    /* IP */
    { "isvalidip", "isValidIp", 1, 1, QF_SCALAR, "obs_isvalidip", "IPv4 or IPv6 address" },
    { "isvalidipv4", "isValidIpV4", 1, 1, QF_SCALAR, "obs_isvalidipv4", "IPv4 address" },
    { "isvalidipv6", "isValidIpV6", 1, 1, QF_SCALAR, "obs_isvalidipv6", "IPv6 address" },
    { "isipinsubnet", "isIpInSubnet", 2, 2, QF_SCALAR, "obs_isipinsubnet", "address in CIDR" },
    { "isipv4insubnet", "isIpv4InSubnet", 2, 2, QF_SCALAR, "obs_isipv4insubnet", "IPv4 address in CIDR" },
    { "isipv6insubnet", "isIpv6InSubnet", 2, 2, QF_SCALAR, "obs_isipv6insubnet", "IPv6 address in CIDR" },
    { "ipv4tonumber", "ipv4ToNumber", 1, 1, QF_SCALAR, "obs_ipv4tonumber", "IPv4 as a number" },
    { "isprivateip", "isPrivateIP", 1, 1, QF_SCALAR, "obs_isprivateip", "RFC 1918 address" },
    { "ispublicip", "isPublicIP", 1, 1, QF_SCALAR, "obs_ispublicip", "public address" },
    { "isreservedip", "isReservedIP", 1, 1, QF_SCALAR, "obs_isreservedip", "reserved address" },
    /* JSON */
    { "jsonparse", "jsonParse", 1, 1, QF_SCALAR, "obs_jsonparse", "parse a JSON string" },
    { "jsonstringify", "jsonStringify", 1, 1, QF_SCALAR, "obs_jsonstringify", "JSON text of a map or list" },
    { "jsonarraysize", "jsonArraySize", 1, 1, QF_SCALAR, "obs_jsonarraysize", "length of a JSON array" },
    { "jsonarraycontains", "jsonArrayContains", 2, 2, QF_SCALAR, "obs_jsonarraycontains", "1 when the array has the value" },
    /* aggregates */
    { "avg", "avg", 1, 1, QF_AGGREGATE, "avg", "average" },
    { "count", "count", 0, 1, QF_AGGREGATE, NULL, "count(*) events; count(f) events where f is present" },
    { "count_distinct", "count_distinct", 1, 1, QF_AGGREGATE, NULL, "distinct values (exact)" },
    { "max", "max", 1, 1, QF_AGGREGATE, "max", "maximum" },
    { "min", "min", 1, 1, QF_AGGREGATE, "min", "minimum" },
    { "pct", "pct", 2, 2, QF_AGGREGATE, "obs_pct", "percentile (nearest rank)" },
    { "stddev", "stddev", 1, 1, QF_AGGREGATE, "obs_stddev", "standard deviation" },
    { "sum", "sum", 1, 1, QF_AGGREGATE, "sum", "sum" },
    { "variance", "variance", 1, 1, QF_AGGREGATE, "obs_variance", "population variance" },
    { "values", "values", 1, 1, QF_AGGREGATE, "obs_values", "distinct values, as a JSON array" },
    /* stats picks */
    { "earliest", "earliest", 1, 1, QF_STATS_PICK, "obs_earliest", "value of the earliest event" },
    { "latest", "latest", 1, 1, QF_STATS_PICK, "obs_latest", "value of the latest event" },
    { "sortsfirst", "sortsFirst", 1, 1, QF_STATS_PICK, "obs_sortsfirst", "value that sorts first" },
    { "sortslast", "sortsLast", 1, 1, QF_STATS_PICK, "obs_sortslast", "value that sorts last" },
    /* data protection: nothing is masked locally, so the value as stored */
    { "unmask", "unmask", 1, 1, QF_SCALAR, NULL, "the value unmasked: as stored (no masking locally)" },
};

/* CloudWatch functions obsq does not have: refused by name, not "unknown". */
static const char *const unsupported[] = { "topk", "rate", "histogram", "countovertime",
                                           "sumovertime" };

int query_builtin_unsupported(const char *name)
{
    for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
        if (strcasecmp(name, unsupported[i]) == 0)
            return 1;
    return 0;
}

static const struct { const char *alias, *name; } aliases[] = {
    { "countdistinct", "count_distinct" },
    { "percentile", "pct" },
    { "strftime", "formatdate" },
};

const query_builtin_t *query_builtin_find(const char *name)
{
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (strcasecmp(name, aliases[i].alias) == 0)
            name = aliases[i].name;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strcasecmp(name, table[i].name) == 0)
            return &table[i];
    return NULL;
}

const query_builtin_t *query_builtins(int *n)
{
    *n = (int)(sizeof table / sizeof *table);
    return table;
}

int query_edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    int row[65];
    if (la > 64 || lb > 64)
        return 99;
    for (int j = 0; j <= lb; j++)
        row[j] = j;
    for (int i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int cur = row[j];
            int sub = prev + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            int del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}

const char *query_builtin_suggest(const char *name)
{
    const char *best = NULL;
    int best_d = 3;  /* suggest only close names */
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        int d = query_edit_distance(name, table[i].name);
        if (d < best_d) {
            best_d = d;
            best = table[i].display;
        }
    }
    return best;
}
