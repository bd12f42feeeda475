/* query/textfields.c — VPC flow log fields discovered in text lines (see
 * textfields.h). A line is a default-format flow log record when it has
 * exactly 14 words separated by single spaces, the first is the version
 * "2", the 13th the action (ACCEPT, REJECT or "-") and the 14th the log
 * status (OK, NODATA, SKIPDATA): the format of
 * ${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr}
 * ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end}
 * ${action} ${log-status}. A word "-" (a field the record has not, as in
 * NODATA records) is the value "-", as the line shows it. Custom formats
 * are not discovered (CloudWatch does not either: parse them). */
#include "query/textfields.h"

#include <string.h>

#define VPC_WORDS 14

/* CloudWatch's names; start/end are also known as startTime/endTime. */
static const struct {
    const char *name;
    int idx;
} names[] = {
    { "version", 0 },  { "accountId", 1 }, { "interfaceId", 2 }, { "srcAddr", 3 },    { "dstAddr", 4 },
    { "srcPort", 5 },  { "dstPort", 6 },   { "protocol", 7 },    { "packets", 8 },    { "bytes", 9 },
    { "start", 10 },   { "end", 11 },      { "startTime", 10 },  { "endTime", 11 },   { "action", 12 },
    { "logStatus", 13 },
};

int query_textfield_index(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].idx;
    return -1;
}

static int word_is(const char *w, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(w, s, n) == 0;
}

int query_textfield_word(const char *msg, size_t len, int idx, const char **word, size_t *wlen)
{
    const char *w[VPC_WORDS];
    size_t n[VPC_WORDS];
    int k = 0;
    size_t i = 0;
    if (idx < 0 || idx >= VPC_WORDS || len > 512)
        return 0;
    while (i < len) {
        size_t j = i;
        while (j < len && msg[j] != ' ')
            j++;
        if (j == i || k == VPC_WORDS)
            return 0;  /* two spaces in a row, a leading one, or a 15th word */
        w[k] = msg + i;
        n[k++] = j - i;
        i = j < len ? j + 1 : j;
        if (j + 1 == len)
            return 0;  /* a trailing space */
    }
    if (k != VPC_WORDS || !word_is(w[0], n[0], "2"))
        return 0;
    if (!word_is(w[12], n[12], "ACCEPT") && !word_is(w[12], n[12], "REJECT") && !word_is(w[12], n[12], "-"))
        return 0;
    if (!word_is(w[13], n[13], "OK") && !word_is(w[13], n[13], "NODATA") && !word_is(w[13], n[13], "SKIPDATA"))
        return 0;
    *word = w[idx];
    *wlen = n[idx];
    return 1;
}
