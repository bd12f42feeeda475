/* agent/net/emf_udp.h — one UDP socket of the EMF endpoint on a libuv loop,
 * read with recvmsg() so that the datagrams the kernel dropped (its
 * receive buffer full: the agent behind) are counted: SO_RXQ_OVFL gives
 * the socket's drop count with each datagram, SO_MEMINFO at any time (for
 * drops after the last datagram). Each datagram goes to a callback; the
 * socket knows nothing of documents or the inbox. Used on the loop's
 * thread only. */
#ifndef OBS_EMF_UDP_H
#define OBS_EMF_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#define EMF_UDP_MAX 65536

/* A datagram of n bytes (truncated: longer than EMF_UDP_MAX). */
typedef void (*emf_udp_cb)(void *ctx, const char *buf, size_t n, int truncated);

typedef struct emf_udp {
    uv_poll_t poll;            /* first: the handle's data is the emf_udp_t */
    int fd;                    /* -1: not open */
    uint32_t drops;            /* the kernel's count of drops, as last seen */
    int64_t dropped, reported; /* drops since open; of them, taken by emf_udp_take_drops */
    emf_udp_cb cb;
    void *ctx;
    char buf[EMF_UDP_MAX];
} emf_udp_t;

/* Bind sa and serve on loop. Returns 0 or a negative errno (uv style). */
int emf_udp_open(emf_udp_t *u, uv_loop_t *loop, const struct sockaddr *sa, socklen_t len, emf_udp_cb cb,
                 void *ctx);
/* Close (the socket when libuv let go of it). */
void emf_udp_close(emf_udp_t *u);
/* Datagrams the kernel dropped since the last call (asks the socket). */
int64_t emf_udp_take_drops(emf_udp_t *u);

#endif
