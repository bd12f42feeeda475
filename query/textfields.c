/* query/textfields.c — fields discovered in AWS text log lines (see
 * textfields.h). Each format is a number of words separated by single
 * spaces, and a test of some of them:
 *   - a VPC flow log record in the default format: 14 words, the first the
 *     version "2", the 13th the action (ACCEPT, REJECT or "-"), the 14th the
 *     log status (OK, NODATA, SKIPDATA): ${version} ${account-id}
 *     ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport}
 *     ${protocol} ${packets} ${bytes} ${start} ${end} ${action}
 *     ${log-status};
 *   - a Route 53 DNS query log line: 10 words, the first a version such as
 *     "1.0", the second an ISO-8601 UTC time, the 7th the protocol (UDP or
 *     TCP): version, query time, hosted zone, query name, query type,
 *     response code, protocol, edge location, resolver IP, EDNS client
 *     subnet.
 * A word "-" (a field the record has not, as in NODATA records) is the
 * value "-", as the line shows it. Custom flow log formats are not
 * discovered (CloudWatch does not either: parse them). */
#include "query/textfields.h"

#include <string.h>

#define MAX_WORDS 14

typedef struct name_idx {
    const char *name;
    int idx;
} name_idx_t;

/* CloudWatch's names; VPC start/end are also known as startTime/endTime. */
static const name_idx_t vpc_names[] = {
    { "version", 0 },  { "accountId", 1 }, { "interfaceId", 2 }, { "srcAddr", 3 },    { "dstAddr", 4 },
    { "srcPort", 5 },  { "dstPort", 6 },   { "protocol", 7 },    { "packets", 8 },    { "bytes", 9 },
    { "start", 10 },   { "end", 11 },      { "startTime", 10 },  { "endTime", 11 },   { "action", 12 },
    { "logStatus", 13 }, { NULL, 0 },
};
static const name_idx_t r53_names[] = {
    { "version", 0 },  { "queryTimestamp", 1 }, { "hostZoneId", 2 },   { "queryName", 3 },
    { "queryType", 4 }, { "responseCode", 5 },  { "protocol", 6 },     { "edgeLocation", 7 },
    { "resolverIp", 8 }, { "ednsClientSubnet", 9 }, { NULL, 0 },
};

static int lookup(const name_idx_t *t, const char *name)
{
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t->idx;
    return -1;
}

const int query_textfield_words[QUERY_TEXTFIELD__COUNT] = { 14, 10 };

int query_textfield_index(int format, const char *name)
{
    return lookup(format == QUERY_TEXTFIELD_VPC ? vpc_names : r53_names, name);
}

int query_textfield_known(const char *name)
{
    return lookup(vpc_names, name) >= 0 || lookup(r53_names, name) >= 0;
}

static int word_is(const char *w, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(w, s, n) == 0;
}

/* The words of msg in w/n: their count, or -1 past MAX_WORDS, two spaces in
 * a row, or a leading or trailing space. */
static int split(const char *msg, size_t len, const char **w, size_t *n)
{
    int k = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && msg[j] != ' ')
            j++;
        if (j == i || k == MAX_WORDS || j + 1 == len)
            return -1;
        w[k] = msg + i;
        n[k++] = j - i;
        i = j < len ? j + 1 : j;
    }
    return k;
}

static int is_vpc(const char **w, const size_t *n)
{
    return word_is(w[0], n[0], "2") &&
           (word_is(w[12], n[12], "ACCEPT") || word_is(w[12], n[12], "REJECT") || word_is(w[12], n[12], "-")) &&
           (word_is(w[13], n[13], "OK") || word_is(w[13], n[13], "NODATA") || word_is(w[13], n[13], "SKIPDATA"));
}

static int is_r53(const char **w, const size_t *n)
{
    size_t d = strspn(w[0], "0123456789");  /* "1.0" */
    return d > 0 && d < n[0] && w[0][d] == '.' && strspn(w[0] + d + 1, "0123456789") == n[0] - d - 1 &&
           n[1] >= 20 && w[1][4] == '-' && w[1][10] == 'T' && w[1][n[1] - 1] == 'Z' &&
           (word_is(w[6], n[6], "UDP") || word_is(w[6], n[6], "TCP"));
}

int query_textfield_word(const char *msg, size_t len, const char *name, const char **word, size_t *wlen)
{
    const char *w[MAX_WORDS];
    size_t n[MAX_WORDS];
    if (len > 2048)
        return 0;
    int k = split(msg, len, w, n), idx = -1;
    if (k == query_textfield_words[QUERY_TEXTFIELD_VPC] && is_vpc(w, n))
        idx = lookup(vpc_names, name);
    else if (k == query_textfield_words[QUERY_TEXTFIELD_ROUTE53] && is_r53(w, n))
        idx = lookup(r53_names, name);
    if (idx < 0)
        return 0;
    *word = w[idx];
    *wlen = n[idx];
    return 1;
}
