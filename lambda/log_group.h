/* lambda/log_group.h — the function a CloudWatch log group belongs to, by
 * Lambda's naming of its groups. Pure. */
#ifndef OBS_LAMBDA_LOG_GROUP_H
#define OBS_LAMBDA_LOG_GROUP_H

#include "common/obs.h"

/* The function whose logs group holds: "/aws/lambda/NAME" names NAME, and
 * so does "/aws/lambda/us-east-1.NAME", the group a Lambda@Edge function's
 * replica writes to in the Region that ran it (function names have no dot,
 * so no plain group reads as one). An empty span for any other group. The
 * span points into group. */
obs_span_t lambda_group_function(obs_span_t group);

#endif
