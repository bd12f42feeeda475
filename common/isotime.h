/* common/isotime.h — parse and format the timestamps found in log lines:
 * ISO 8601 / RFC 3339 ("2024-03-04T17:22:38.033Z"), its space-separated
 * variant ("2024-01-01 00:00:00,123") and Go's stdlib log prefix
 * ("2020/03/27 03:40:05"). Pure arithmetic: no timegm(), no locale, no TZ. */
#ifndef OBS_ISOTIME_H
#define OBS_ISOTIME_H

#include <stddef.h>
#include <stdint.h>

/* Parse a timestamp at the start of s[0..len). Accepted shapes:
 *   YYYY-MM-DDTHH:MM:SS[.frac][Z|±HH:MM|±HHMM]   ('t'/'z' also accepted)
 *   YYYY-MM-DD HH:MM:SS[.frac|,frac][Z|±HH:MM|±HHMM]
 *   YYYY/MM/DD HH:MM:SS[.frac]
 * frac may have any number of digits (truncated to ms). No zone means UTC.
 * Fields are range-checked (month, day of that month, hour, minute, second
 * 0..60). Text after the timestamp is not examined.
 * OUT: *ms_out milliseconds since the epoch (UTC); *consumed bytes used
 * (either may be NULL). Returns 0, or -1 when s does not start with a time. */
int isotime_parse(const char *s, size_t len, int64_t *ms_out, size_t *consumed);

/* The same for the Common Log Format time API Gateway's $context.requestTime
 * and web servers write: "DD/Mon/YYYY:HH:MM:SS[ ±HHMM]" (English month
 * abbreviations; no zone means UTC). */
int isotime_parse_clf(const char *s, size_t len, int64_t *ms_out, size_t *consumed);

/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar, and
 * back (Howard Hinnant's algorithms; any year, negative days before 1970). */
int64_t isotime_days_from_civil(int64_t y, int m, int d);
void isotime_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* Format ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" (NUL-terminated).
 * Times outside years 0000..9999 are clamped to that range. */
void isotime_format(int64_t ms, char out[32]);

#endif
