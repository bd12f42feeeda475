/* lambda/throttle.h — spot throttling signals inside a function's own log
 * line: AWS SDK throttling error codes returned by downstream services
 * (ThrottlingException, SlowDown, ...) and API Gateway access-log records
 * with status 429. Pure; one pass over the line for the text codes. */
#ifndef OBS_THROTTLE_H
#define OBS_THROTTLE_H

#include <stddef.h>

struct cJSON;

/* Return the throttle signal line[0..len) carries, or NULL. The name is a
 * static string: one of the error codes ("ThrottlingException",
 * "TooManyRequestsException", "ProvisionedThroughputExceededException",
 * "RequestLimitExceeded", "BandwidthLimitExceeded",
 * "RequestThrottledException", "ThrottledException", "RequestThrottled",
 * "SlowDown", "Throttling"), "HTTP429" (API Gateway access log, needs the
 * parsed top-level object `tree`, may be NULL), or the generic phrases
 * "RateExceeded" ("Rate exceeded"/"Rate Exceeded") and "TooManyRequests"
 * ("Too Many Requests"). When several match, the most specific wins, in the
 * order just listed. The line may hold any bytes, NULs included. */
const char *throttle_detect(const char *line, size_t len, const struct cJSON *tree);

#endif
