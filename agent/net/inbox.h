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

typedef struct inbox_item {
    struct inbox_item *next;
    inbox_kind_t kind;
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
/* Append a copy (any thread). */
void inbox_push(inbox_t *ib, inbox_kind_t kind, const char *function, const char *log_group,
                const char *stream, const char *line, size_t len, int64_t arrival_ms);
int inbox_full(inbox_t *ib);
size_t inbox_bytes(inbox_t *ib);
/* Every waiting item, oldest first (NULL when none); clears the eventfd. */
inbox_item_t *inbox_take(inbox_t *ib);
/* Free items taken (after they are stored); may call the space callback. */
void inbox_release(inbox_t *ib, inbox_item_t *items);
/* fn(ctx) is called (on the releasing thread) when the inbox goes from full
 * to not full. */
void inbox_on_space(inbox_t *ib, void (*fn)(void *ctx), void *ctx);

#endif
