/* query/timearg.c — obsq time arguments and a query's time literals (see
 * timearg.h). */
#include "query/timearg.h"
#include "common/isotime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int timearg_parse(const char *s, int64_t now_ms, int64_t *ms_out)
{
    size_t len = strlen(s), used = 0;
    int64_t iso;
    char *end;
    if (len == 0)
        return -1;
    if (isotime_parse(s, len, &iso, &used) == 0 && used == len) {
        *ms_out = iso < 0 ? 0 : iso;
        return 0;
    }
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno || v < 0)
        return -1;
    if (*end == '\0') {
        *ms_out = v;  /* epoch milliseconds */
        return 0;
    }
    static const struct { char unit; int64_t ms; } units[] = {
        { 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 }, { 'w', 604800000 },
    };
    if (end[1] != '\0')
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (*end == units[i].unit) {
            if (v > INT64_MAX / units[i].ms)
                return -1;
            *ms_out = now_ms - v * units[i].ms;
            if (*ms_out < 0)
                *ms_out = 0;
            return 0;
        }
    }
    return -1;
}

int timearg_literal(const char *s, int64_t *ms_out)
{
    size_t len = strlen(s), used = 0;
    int64_t ms;
    char day[24];
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 10 && s[4] == '-' && s[7] == '-') {  /* a date: its midnight */
        memcpy(day, s, 10);
        memcpy(day + 10, "T00:00:00Z", 11);
        s = day;
        len = 20;
    }
    if (!len || isotime_parse(s, len, &ms, &used) != 0 || used != len)
        return -1;
    *ms_out = ms;
    return 0;
}
