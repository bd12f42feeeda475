/* agent/net/emf_udp.c — a UDP socket read with recvmsg, and the kernel's
 * drops counted (emf_udp.h). The drop counter of a socket (sk_drops) only
 * grows; SO_RXQ_OVFL attaches its value to each datagram as it was when
 * the datagram was queued, SO_MEMINFO reads it now: the larger of the two
 * is the count, so drops after the last datagram are seen too. A leaf of
 * agent/net/. */
#include "agent/net/emf_udp.h"

#include <errno.h>
#include <linux/sock_diag.h>
#include <string.h>
#include <unistd.h>

#define READS_PER_WAKEUP 64   /* then the loop serves the others */

/* The kernel's count is now `now` (a uint32_t that may wrap). */
static void saw_drops(emf_udp_t *u, uint32_t now)
{
    uint32_t d = now - u->drops;
    if (d && d < 0x80000000u) {
        u->dropped += d;
        u->drops = now;
    }
}

static void meminfo_drops(emf_udp_t *u)
{
#ifdef SO_MEMINFO
    uint32_t mi[SK_MEMINFO_VARS];
    socklen_t l = sizeof mi;
    if (u->fd >= 0 && getsockopt(u->fd, SOL_SOCKET, SO_MEMINFO, mi, &l) == 0 &&
        l >= (socklen_t)((SK_MEMINFO_DROPS + 1) * sizeof(uint32_t)))
        saw_drops(u, mi[SK_MEMINFO_DROPS]);
#else
    (void)u;
#endif
}

static void on_readable(uv_poll_t *p, int status, int events)
{
    emf_udp_t *u = p->data;
    (void)events;
    if (status < 0)
        return;
    for (int i = 0; i < READS_PER_WAKEUP; i++) {
        char cbuf[CMSG_SPACE(sizeof(uint32_t))];
        struct iovec iov = { u->buf, sizeof u->buf };
        struct msghdr mh;
        memset(&mh, 0, sizeof mh);
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof cbuf;
        ssize_t n = recvmsg(u->fd, &mh, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;   /* EAGAIN: all read */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
                uint32_t v;
                memcpy(&v, CMSG_DATA(c), sizeof v);
                saw_drops(u, v);
            }
        u->cb(u->ctx, u->buf, (size_t)n, (mh.msg_flags & MSG_TRUNC) != 0);
    }
}

int emf_udp_open(emf_udp_t *u, uv_loop_t *loop, const struct sockaddr *sa, socklen_t len, emf_udp_cb cb,
                 void *ctx)
{
    int one = 1, rc;
    u->cb = cb;
    u->ctx = ctx;
    u->drops = 0;
    u->dropped = u->reported = 0;
    u->fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (u->fd < 0)
        return -errno;
    /* no SO_RXQ_OVFL (an old kernel): SO_MEMINFO still counts */
    (void)setsockopt(u->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
    if (bind(u->fd, sa, len) != 0) {
        rc = -errno;
        close(u->fd);
        u->fd = -1;
        return rc;
    }
    if ((rc = uv_poll_init_socket(loop, &u->poll, u->fd)) != 0) {
        close(u->fd);
        u->fd = -1;
        return rc;
    }
    u->poll.data = u;
    return uv_poll_start(&u->poll, UV_READABLE, on_readable);
}

static void on_closed(uv_handle_t *h)
{
    emf_udp_t *u = h->data;
    if (u->fd >= 0)
        close(u->fd);
    u->fd = -1;
}

void emf_udp_close(emf_udp_t *u)
{
    if (u->fd < 0 || uv_is_closing((uv_handle_t *)&u->poll))
        return;
    meminfo_drops(u);   /* the last word on what was dropped */
    uv_poll_stop(&u->poll);
    uv_close((uv_handle_t *)&u->poll, on_closed);
}

int64_t emf_udp_take_drops(emf_udp_t *u)
{
    meminfo_drops(u);
    int64_t d = u->dropped - u->reported;
    u->reported = u->dropped;
    return d;
}
