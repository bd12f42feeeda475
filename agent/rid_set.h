/* agent/rid_set.h — the request ids this store may hold, as 64-bit hashes:
 * a request id whose hash is not in the set was never written, so the
 * invocation merge need not look it up in the store (which would make the
 * parser wait for the writer thread). A hash in the set may still be a
 * collision: the lookup then finds nothing, as before. Bounded: past
 * RID_SET_MAX ids the set gives up (rid_set_complete turns 0) and every
 * request id not in memory is looked up again. */
#ifndef OBS_AGENT_RID_SET_H
#define OBS_AGENT_RID_SET_H

#include <stddef.h>
#include <stdint.h>

#define RID_SET_MAX (1 << 20)   /* ids; 16 MiB of table at most */

typedef struct rid_set rid_set_t;

rid_set_t *rid_set_new(void);
void rid_set_free(rid_set_t *s);
/* Note a request id's hash (a full set gives up: complete turns 0). */
void rid_set_add(rid_set_t *s, uint64_t hash);
/* 1 when the hash was added (or the set gave up: then anything may be). */
int rid_set_may_have(const rid_set_t *s, uint64_t hash);
int rid_set_complete(const rid_set_t *s);
/* Give up by hand (the store holds more ids than were loaded). */
void rid_set_give_up(rid_set_t *s);

#endif
