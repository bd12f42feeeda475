/* lambda/log_group.c — the function a log group belongs to (log_group.h). */
#include "lambda/log_group.h"

#include <string.h>

obs_span_t lambda_group_function(obs_span_t group)
{
    static const char prefix[] = "/aws/lambda/", edge[] = "us-east-1.";
    size_t np = sizeof prefix - 1, ne = sizeof edge - 1;
    if (!group.p || group.len <= np || memcmp(group.p, prefix, np) != 0)
        return obs_span(NULL, 0);
    obs_span_t fn = obs_span(group.p + np, group.len - np);
    if (fn.len > ne && memcmp(fn.p, edge, ne) == 0)
        fn = obs_span(fn.p + ne, fn.len - ne);
    return fn;
}
