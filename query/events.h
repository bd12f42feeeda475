/* query/events.h — event-level views for obsq: every event of one
 * invocation (--request ID) and query matches with their neighbouring
 * events in the same stream (--context N), like grep -C. */
#ifndef OBS_QUERY_EVENTS_H
#define OBS_QUERY_EVENTS_H

#include "query/emit_sql.h"
#include "query/format.h"

#include <sqlite3.h>

/* Every event of the invocation: the stream's events from its first to its
 * last line naming the request id (print() output in between included).
 * Returns 0, OBS_EINVAL when no event names the id, or OBS_EDB. */
int query_events_request(sqlite3 *db, const char *request_id, qfmt_t fmt, FILE *out,
                         obs_err_t *err);

/* The same events as a statement ready to step, columns ts (ms), type,
 * stream, message; the caller finalizes it. Same returns. */
int query_request_events(sqlite3 *db, const char *request_id, sqlite3_stmt **out, obs_err_t *err);

/* Run a plan built with with_ids; print each matching event with n events
 * before and after it in its stream: a marker column ('>' for the match),
 * @timestamp, @logStream and @message, groups separated by "--". */
int query_events_context(sqlite3 *db, const query_plan_t *plan, int n, qfmt_t fmt, FILE *out,
                         obs_err_t *err);

#endif
