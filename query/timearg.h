/* query/timearg.h — parses the time arguments of obsq (--since, --until):
 * an ISO-8601 time ("2026-11-01T10:00:00Z"), epoch milliseconds
 * ("1793491200000"), or a duration meaning "that long before now" ("90s",
 * "15m", "2h", "7d", "1w"). Pure: `now_ms` is passed in. A time before
 * 1970 ("0000-01-01T00:00:00Z", "100000w") is read as the epoch: obsq's
 * ranges start there (-1 means no bound). And the times a query writes as
 * string literals, to compare with a time (`@timestamp >= "..."`). */
#ifndef OBS_TIMEARG_H
#define OBS_TIMEARG_H

#include <stdint.h>

/* 0 and *ms_out set, or -1 when s is none of the accepted forms. */
int timearg_parse(const char *s, int64_t now_ms, int64_t *ms_out);

/* A time written in a query: ISO-8601 as common/isotime.h reads it (no
 * zone: UTC), or a date alone "YYYY-MM-DD" (its midnight UTC); blanks
 * around it allowed. 0 and *ms_out set (any year), or -1. */
int timearg_literal(const char *s, int64_t *ms_out);

#endif
