/* agent/net/inbox.h — the hand-over from the network threads (EMF over TCP and
 * UDP) to the main loop, which alone writes the store: a FIFO of documents
 * with their route and arrival time, a count of the bytes it holds (items
 * taken but not yet released still count, so the bound covers everything
 * in flight), and an eventfd the main loop polls. Producers never block:
 * they look at inbox_full() and stop reading (TCP) or drop and count
 * (UDP); inbox_release() calls the space callback when room comes back. */
#ifndef OBS_INBOX_H
#define OBS_INBOX_H

#include <stddef.h>
#include <stdint.h>

typedef enum inbox_kind {
    INBOX_EMF,               /* a document from the EMF endpoint (declared EMF, arrival time) */
    INBOX_TELEMETRY,         /* a line from a Telemetry API batch (time = the element's) */
} inbox_kind_t;

/* A sender waiting until what it handed over is stored (the Telemetry API
 * answers 200 only then): one per request, shared by its items. */
typedef struct inbox_ack inbox_ack_t;

typedef struct inbox_item {
    struct inbox_item *next;
    inbox_kind_t kind;
    inbox_ack_t *ack;        /* NULL: nobody waits (EMF over TCP/UDP) */
    int64_t arrival_ms;      /* INBOX_TELEMETRY: the element's time, -1 when it had none */
    const char *function, *stream, *log_group;   /* inside the item's allocation */
    const char *line;
    size_t len;
} inbox_item_t;

typedef struct inbox inbox_t;

/* max_bytes: inbox_full() is true from that many bytes held. */
inbox_t *inbox_new(size_t max_bytes);
void inbox_free(inbox_t *ib);
/* Readable when items wait (an eventfd). */
int inbox_fd(const inbox_t *ib);
/* Append a copy (any thread). ack (may be NULL): the sender waiting for
 * it (the item holds a reference until it is released). */
void inbox_push(inbox_t *ib, inbox_kind_t kind, const char *function, const char *log_group,
                const char *stream, const char *line, size_t len, int64_t arrival_ms, inbox_ack_t *ack);
int inbox_full(inbox_t *ib);
size_t inbox_bytes(inbox_t *ib);
/* The bound given to inbox_new. */
size_t inbox_max(const inbox_t *ib);
/* Every waiting item, oldest first (NULL when none); clears the eventfd. */
inbox_item_t *inbox_take(inbox_t *ib);
/* Free items taken (after the batch that stored them committed: their
 * senders hear it); may call the space callback. */
void inbox_release(inbox_t *ib, inbox_item_t *items);
/* Free items that will not be stored (a sender gave up, the agent stops). */
void inbox_drop(inbox_t *ib, inbox_item_t *items);
/* fn(ctx) is called (on the releasing thread) when the inbox goes from full
 * to not full. */
void inbox_on_space(inbox_t *ib, void (*fn)(void *ctx), void *ctx);
/* The main loop is paused (the store locked or full): senders that wait
 * for a commit are told at once to come back (set by the main loop). */
void inbox_set_stalled(inbox_t *ib, int stalled);
int inbox_stalled(inbox_t *ib);

/* ---- acknowledgements ------------------------------------------------------
 * The sender makes an ack, pushes its items with it, and waits. The main
 * loop marks each item taken into the open batch (inbox_ack_taken), and
 * stored when that batch committed (inbox_release after the commit), or
 * back out of it after a rollback (inbox_ack_untaken). The sender's wait
 * ends stored (every item committed), or, when it times out while no item
 * is in an open batch, cancelled: the items not taken yet are dropped when
 * met (inbox_ack_taken returns 0), so a 503 never hides a stored batch.
 * inbox_ack_fail ends it with a reason (the agent stops without storing). */
typedef enum inbox_ack_state { ACK_WAITING, ACK_STORED, ACK_CANCELLED, ACK_FAILED } inbox_ack_state_t;

inbox_ack_t *inbox_ack_new(void);
/* Drop the sender's reference. */
void inbox_ack_unref(inbox_ack_t *a);
/* Wait up to ms (more while items are in an open batch: its commit or
 * rollback comes within a turn of the loop); *why (failed) gets the
 * reason, valid while the sender holds the ack. */
inbox_ack_state_t inbox_ack_wait(inbox_ack_t *a, int ms, const char **why);
/* Main loop: the item is about to be stored in the open batch. 0 when its
 * sender gave up (the item is to be dropped, not stored). */
int inbox_ack_taken(inbox_ack_t *a);
/* Main loop: the batch that held it was rolled back (it is stored again). */
void inbox_ack_untaken(inbox_ack_t *a);
/* Main loop: it will not be stored (the agent stops); why is copied. */
void inbox_ack_fail(inbox_ack_t *a, const char *why);

#endif
