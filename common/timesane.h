/* common/timesane.h — what an absurd event time is, in one place for the
 * agent (which flags such events), the store's migration and the readers
 * (which keep such times from widening a zero-filled range or a window).
 *
 * An event time is absurd when it is before 2000-01-01T00:00:00Z (no Lambda
 * log is that old: a zero, a 1970 default or a misparsed field), or more
 * than a day past when the event arrived (a clock can be off by hours, a
 * time zone misread as UTC by up to 14: not by days). Such events are
 * stored and queryable like any other, flagged (store/store.h,
 * EVF_TIME_ABSURD) and counted (events_time_absurd). For readers, the
 * sane world is [OBS_TIME_SANE_MIN_MS, now + OBS_TIME_AHEAD_MAX_MS]: the
 * data's sane extent is its first and last time inside it. */
#ifndef OBS_TIMESANE_H
#define OBS_TIMESANE_H

#include <stdint.h>

/* plain literals: SQL text spells them too (OBS_STR) */
#define OBS_TIME_SANE_MIN_MS 946684800000     /* 2000-01-01T00:00:00Z */
#define OBS_TIME_AHEAD_MAX_MS 86400000        /* a day */

static inline int obs_time_absurd(int64_t ts_ms, int64_t arrival_ms)
{
    return ts_ms < OBS_TIME_SANE_MIN_MS || ts_ms > arrival_ms + OBS_TIME_AHEAD_MAX_MS;
}

#endif
