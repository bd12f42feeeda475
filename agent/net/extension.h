/* agent/net/extension.h — obsagent as a Lambda extension (--extension): the
 * Extensions API client (register for INVOKE and SHUTDOWN, then wait on
 * event/next in a thread of its own) and the Telemetry API subscription
 * (platform, function and extension records, delivered by HTTP to the
 * agent's Telemetry API receiver). At SHUTDOWN it stops follow mode as
 * SIGTERM does: store what was received, commit, exit 0. The APIs are
 * at http://$AWS_LAMBDA_RUNTIME_API (docs/integrations.md). */
#ifndef OBS_EXTENSION_H
#define OBS_EXTENSION_H

#include "common/err.h"

typedef struct extension extension_t;

/* Register as `name`; *function gets the functionName Lambda answers. */
int extension_register(const char *runtime_api, const char *name, extension_t **out, char *function,
                       size_t n, obs_err_t *err);
/* Subscribe to the Telemetry API, delivered to destination (a URI). A
 * failure is also reported to Lambda (init/error). */
int extension_subscribe(extension_t *x, const char *destination, obs_err_t *err);
/* Wait for events on a thread; SHUTDOWN (or a failed event/next) stops
 * follow mode (follow_request_stop). */
int extension_run(extension_t *x, obs_err_t *err);
/* The identifier Lambda gave (Lambda-Extension-Identifier). */
const char *extension_id(const extension_t *x);
/* Join the thread (the agent is stopping) and free. NULL: no-op. */
void extension_free(extension_t *x);

#endif
