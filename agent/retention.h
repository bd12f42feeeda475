/* agent/retention.h — follow mode's retention policy (--retention,
 * --max-db-size): each turn of the loop, delete a few small batches of
 * what is older than the age limit, and, while the store is over its size
 * limit, of its oldest events (500 at a time, those of absurd time first),
 * until it is back under 90% of the limit.
 * The deletions themselves are store/retention.c. */
#ifndef OBS_AGENT_RETENTION_H
#define OBS_AGENT_RETENTION_H

#include "store/store.h"

typedef struct retention_opts {
    int64_t max_age_ms;   /* keep what is at most this old (event time); 0: forever */
    int64_t max_bytes;    /* the store file plus its WAL, at most; 0: no limit */
} retention_opts_t;

typedef struct retention retention_t;

/* NULL when neither limit is set. Limits the WAL to a fraction of max_bytes. */
int retention_new(const retention_opts_t *o, store_t *st, retention_t **out, obs_err_t *err);
void retention_free(retention_t *r);

/* One turn's work, in the open write transaction (it commits with the
 * batch), bounded in time (RETENTION_TURN_MS); counted in the agent
 * counters retention_*. */
int retention_turn(retention_t *r, obs_err_t *err);

/* "30m", "12h", "7d" -> ms; -1 when not such a duration (at least 1m). */
int retention_parse_age(const char *s, int64_t *ms_out);
/* "500M", "2G", "2GB", "64MB" (K, M, G = 1024-based) -> bytes; -1 when not
 * such a size (at least 1M). */
int retention_parse_size(const char *s, int64_t *bytes_out);

#endif
