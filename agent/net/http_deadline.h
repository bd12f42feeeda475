/* agent/net/http_deadline.h — a whole-connection deadline for libmicrohttpd
 * servers: a watchdog thread shuts down any connection older than N
 * seconds, whatever its client does (libmicrohttpd's own timeout counts
 * idle time only, which a client trickling a byte at a time resets). Give
 * http_deadline_notify and the deadline as MHD_OPTION_NOTIFY_CONNECTION. */
#ifndef OBS_HTTP_DEADLINE_H
#define OBS_HTTP_DEADLINE_H

#include <microhttpd.h>

typedef struct http_deadline http_deadline_t;

/* Start the watchdog; NULL when the thread cannot start. */
http_deadline_t *http_deadline_new(int seconds);
/* Stop the watchdog and free (after MHD_stop_daemon). NULL: no-op. */
void http_deadline_free(http_deadline_t *d);
/* The MHD_OPTION_NOTIFY_CONNECTION callback; cls is the http_deadline_t. */
void http_deadline_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode what);

#endif
