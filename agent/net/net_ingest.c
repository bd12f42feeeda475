/* agent/net/net_ingest.c — stores the inbox's documents (net_ingest.h). A
 * document is released (its memory, its place in the inbox's bound) only
 * once the batch that holds it is committed: until then it is kept, and
 * after a rollback (the store was locked or full) it is stored again
 * first, so a network document is lost only if the agent dies before the
 * next commit (about a second), never by a failed one. A Telemetry API
 * record's sender waits for that commit (inbox.h, acknowledgements): its
 * 200 means stored. */
#include "agent/net/net_ingest.h"
#include "common/hash.h"
#include "common/xalloc.h"
#include "common/clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_SIZE 256   /* routes remembered: one pipeline stream each */

typedef struct route_slot {
    char *function, *log_group, *stream;   /* owned; NULL = empty */
    pipeline_stream_t *ps;
} route_slot_t;

struct net_ingest {
    pipeline_t *pl;
    store_t *st;
    inbox_t *ib;
    route_slot_t cache[CACHE_SIZE];
    int64_t epoch;                   /* the pipeline's, when the cache was filled */
    inbox_item_t *fed, **fed_tail;   /* stored in the open batch, not committed yet */
    int64_t fed_at;                  /* store_commits() when they were stored */
    inbox_item_t *retry;             /* to store again first (after a rollback) */
    int acked_fed;                   /* fed items whose sender waits for the commit */
};

net_ingest_t *net_ingest_new(pipeline_t *pl, store_t *st, inbox_t *ib)
{
    net_ingest_t *ni = xcalloc(1, sizeof *ni);
    ni->pl = pl;
    ni->st = st;
    ni->ib = ib;
    ni->fed_tail = &ni->fed;
    return ni;
}

static void forget_routes(net_ingest_t *ni);

void net_ingest_free(net_ingest_t *ni)
{
    if (!ni)
        return;
    forget_routes(ni);
    inbox_release(ni->ib, ni->fed);
    inbox_release(ni->ib, ni->retry);
    free(ni);
}

/* FNV-1a of s, then of a separator */
static uint64_t hash(uint64_t h, const char *s)
{
    return (obs_fnv_str(h, s) ^ 0x1f) * 1099511628211ULL;
}

/* The pipeline stream of an item's route (a direct-mapped cache in front of
 * pipeline_stream_open_transient, which asks the store; emptied when the
 * pipeline lets streams go); nothing allocated on a hit. */
static int stream_of(net_ingest_t *ni, const inbox_item_t *it, pipeline_stream_t **out, obs_err_t *err)
{
    if (ni->epoch != pipeline_epoch(ni->pl)) {   /* streams were let go: handles too */
        forget_routes(ni);
        ni->epoch = pipeline_epoch(ni->pl);
    }
    uint64_t h = hash(hash(hash(OBS_FNV_INIT, it->function), it->log_group), it->stream);
    route_slot_t *slot = &ni->cache[h % CACHE_SIZE];
    if (slot->function && strcmp(slot->stream, it->stream) == 0 && strcmp(slot->function, it->function) == 0 &&
        strcmp(slot->log_group, it->log_group) == 0) {
        *out = slot->ps;
        return 0;
    }
    int rc = pipeline_stream_open_transient(ni->pl, it->function, it->log_group, it->stream, out, err);
    if (rc)
        return rc;
    free(slot->function);
    free(slot->log_group);
    free(slot->stream);
    slot->function = xstrdup(it->function);
    slot->log_group = xstrdup(it->log_group);
    slot->stream = xstrdup(it->stream);
    slot->ps = *out;
    return 0;
}

static void forget_routes(net_ingest_t *ni)
{
    for (int i = 0; i < CACHE_SIZE; i++) {
        route_slot_t *r = &ni->cache[i];
        free(r->function);
        free(r->log_group);
        free(r->stream);
        memset(r, 0, sizeof *r);
    }
}

/* An EMF document at its arrival time; a telemetry line at its element's
 * time (arrival when it had none). */
static int record(net_ingest_t *ni, pipeline_stream_t *ps, const inbox_item_t *it, const line_t *line,
                  obs_err_t *err)
{
    if (it->kind == INBOX_TELEMETRY && it->arrival_ms >= 0)
        return pipeline_record(ni->pl, ps, line, it->arrival_ms, 0, 0, err);
    int64_t at = it->arrival_ms >= 0 ? it->arrival_ms : obs_wall_ms();
    return pipeline_record(ni->pl, ps, line, at, 1, it->kind == INBOX_EMF, err);
}

void net_ingest_rollback(net_ingest_t *ni)
{
    if (!ni)
        return;
    forget_routes(ni);   /* the pipeline was reset: its stream handles are gone */
    if (!ni->fed)
        return;
    for (inbox_item_t *it = ni->fed; it; it = it->next)
        if (it->ack)
            inbox_ack_untaken(it->ack);
    ni->acked_fed = 0;
    *ni->fed_tail = ni->retry;
    ni->retry = ni->fed;
    ni->fed = NULL;
    ni->fed_tail = &ni->fed;
}

int net_ingest_drain(net_ingest_t *ni, int *stored, obs_err_t *err)
{
    int n = 0, rc = 0;
    if (stored)
        *stored = 0;
    net_ingest_committed(ni);
    inbox_item_t *items = ni->retry, *more = inbox_take(ni->ib);
    ni->retry = NULL;
    if (items) {
        inbox_item_t *last = items;
        while (last->next)
            last = last->next;
        last->next = more;
    } else {
        items = more;
    }
    ni->fed_at = store_commits(ni->st);
    while (items) {
        inbox_item_t *it = items;
        pipeline_stream_t *ps;
        line_t line = { it->line, it->len, 0 };
        if (it->ack && !inbox_ack_taken(it->ack)) {   /* its sender gave up (503): not stored */
            items = it->next;
            it->next = NULL;
            inbox_drop(ni->ib, it);
            continue;
        }
        if ((rc = stream_of(ni, it, &ps, err)) ||
            (rc = record(ni, ps, it, &line, err))) {
            if (it->ack)
                inbox_ack_untaken(it->ack);
            ni->retry = items;   /* this one and the rest: again, first */
            break;
        }
        items = it->next;
        it->next = NULL;
        *ni->fed_tail = it;
        ni->fed_tail = &it->next;
        ni->acked_fed += it->ack != NULL;
        n++;
    }
    if (stored)
        *stored = n;
    return rc;
}

void net_ingest_committed(net_ingest_t *ni)
{
    if (ni->fed && store_commits(ni->st) != ni->fed_at) {   /* committed since */
        inbox_release(ni->ib, ni->fed);   /* their senders hear 200 */
        ni->fed = NULL;
        ni->fed_tail = &ni->fed;
        ni->acked_fed = 0;
    }
}

int net_ingest_waited_on(const net_ingest_t *ni)
{
    return ni->acked_fed > 0;
}

/* Count items by kind into *emf / *tel, fail their senders, drop them. */
static void abandon(net_ingest_t *ni, inbox_item_t *items, const char *why, int64_t *emf, int64_t *tel)
{
    for (inbox_item_t *it = items; it; it = it->next) {
        if (it->kind == INBOX_EMF)
            (*emf)++;
        else
            (*tel)++;
        if (it->ack)
            inbox_ack_fail(it->ack, why);
    }
    inbox_drop(ni->ib, items);
}

void net_ingest_abandon(net_ingest_t *ni, const char *why, int64_t *emf, int64_t *tel)
{
    *emf = *tel = 0;
    abandon(ni, ni->fed, why, emf, tel);
    abandon(ni, ni->retry, why, emf, tel);
    abandon(ni, inbox_take(ni->ib), why, emf, tel);
    ni->fed = ni->retry = NULL;
    ni->fed_tail = &ni->fed;
    ni->acked_fed = 0;
}
