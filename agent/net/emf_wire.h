/* agent/net/emf_wire.h — the EMF agent protocol's pure parts, as the
 * CloudWatch agent and the aws-embedded-metrics clients speak it: newline
 * framing of a TCP stream with a frame-size limit, and the route of a document
 * (_aws.LogGroupName / LogStreamName, or the legacy top-level keys) to a
 * function and stream. No sockets here: emf_listen.c does the I/O. */
#ifndef OBS_EMF_WIRE_H
#define OBS_EMF_WIRE_H

#include "common/err.h"

#include <stddef.h>
#include <stdint.h>

/* The endpoint's default listen spec (listen_addr.h parses it). */
#define EMF_DEFAULT_LISTEN "tcp://127.0.0.1:25888,udp://127.0.0.1:25888"

/* ---- framing ---------------------------------------------------------------- */

typedef struct emf_framer {
    char *buf;                /* a frame not yet ended by '\n' */
    size_t len, cap, max;     /* max: longest frame accepted, in bytes */
    int discarding;           /* inside a frame over max: dropped up to its '\n' */
    int64_t too_long;         /* frames dropped for their size */
} emf_framer_t;

/* A framer keeps at most this much buffer between frames; a longer frame's
 * buffer is freed once it is delivered. */
#define EMF_FRAMER_KEEP 65536

void emf_framer_init(emf_framer_t *f, size_t max_frame);
void emf_framer_done(emf_framer_t *f);
/* Feed bytes; fn(ctx, frame, len) for every complete non-empty frame (a
 * trailing '\r' dropped). A frame over max is dropped whole (up to its
 * '\n') and counted in too_long. Returns the frames delivered. */
int emf_framer_feed(emf_framer_t *f, const char *p, size_t n,
                    void (*fn)(void *ctx, const char *frame, size_t len), void *ctx);
/* Drop the partial frame held (the rest of it, up to its '\n', too) and
 * free its buffer: 1 when there was one to drop. */
int emf_framer_drop(emf_framer_t *f);
/* End of stream: a last frame without '\n' is delivered (clients end every
 * document with one; a connection closed mid-document still loses nothing). */
int emf_framer_finish(emf_framer_t *f, void (*fn)(void *ctx, const char *frame, size_t len), void *ctx);

/* ---- routing -------------------------------------------------------------- */

#define EMF_DEFAULT_LOG_GROUP "emf/logs/default"

typedef struct emf_route {
    char function[512];       /* "/aws/lambda/X" -> X; any other log group as is */
    char log_group[512];
    char stream[256];         /* LogStreamName, else the default given */
    int has_group;            /* the document named its log group */
} emf_route_t;

/* Route a document. A document that is not a JSON object, or names no log
 * group, goes to EMF_DEFAULT_LOG_GROUP (as the CloudWatch agent does); it
 * is still stored, and the EMF validator says what is wrong with it. */
void emf_route(const char *doc, size_t len, const char *default_stream, emf_route_t *out);

#endif
