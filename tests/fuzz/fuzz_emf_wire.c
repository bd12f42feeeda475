/* tests/fuzz/fuzz_emf_wire.c — libFuzzer target for the EMF endpoint's
 * framing and routing (agent/net/emf_wire.c): the input is a TCP stream whose
 * first byte picks the frame limit and the second how it is cut into
 * reads. Every frame delivered must be non-empty, hold no '\n' and fit the
 * limit, and frames must be exactly what a one-read split gives (the read boundaries never change the documents); each frame is
 * routed, and the route must be NUL-terminated text with a function. The
 * input as a spec string goes through listen_addr_parse too.
 *
 * Run with `make fuzz` (FUZZ_SECONDS=60); seeds in tests/fuzz/corpus/emf_wire/. */
#include "agent/net/emf_wire.h"
#include "agent/net/listen_addr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct sink {
    size_t max;
    uint64_t hash;           /* of every frame, in order, with separators */
    size_t frames;
} sink_t;

static void frame(void *ctx, const char *p, size_t len)
{
    sink_t *s = ctx;
    if (len == 0 || len > s->max || memchr(p, '\n', len))
        abort();
    for (size_t i = 0; i < len; i++)
        s->hash = (s->hash ^ (unsigned char)p[i]) * 1099511628211ULL;
    s->hash = (s->hash ^ 0x100) * 1099511628211ULL;
    s->frames++;
    emf_route_t r;
    emf_route(p, len, "host", &r);
    if (!r.function[0] || memchr(r.function, '\0', sizeof r.function) == NULL ||
        memchr(r.stream, '\0', sizeof r.stream) == NULL)
        abort();
}

static void run(const uint8_t *p, size_t n, size_t max, size_t step, sink_t *s)
{
    emf_framer_t f;
    emf_framer_init(&f, max);
    s->max = max;
    s->hash = 1469598103934665603ULL;
    s->frames = 0;
    for (size_t at = 0; at < n; at += step)
        emf_framer_feed(&f, (const char *)p + at, n - at < step ? n - at : step, frame, s);
    emf_framer_finish(&f, frame, s);
    emf_framer_done(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t max = 16 + (size_t)data[0] * 8, step = 1 + data[1] % 64;
    sink_t one, cut;
    run(data + 2, size - 2, max, size, &one);
    run(data + 2, size - 2, max, step, &cut);
    if (one.hash != cut.hash || one.frames != cut.frames)
        abort();

    char *spec = malloc(size + 1);
    memcpy(spec, data, size);
    spec[size] = '\0';
    listen_endpoint_t eps[LISTEN_MAX_ENDPOINTS];
    obs_err_t err;
    int n = listen_addr_parse(spec, eps, LISTEN_MAX_ENDPOINTS, &err);
    for (int i = 0; i < n; i++)
        if (eps[i].port < 1 || eps[i].port > 65535 || !eps[i].host[0])
            abort();
    free(spec);
    return 0;
}
