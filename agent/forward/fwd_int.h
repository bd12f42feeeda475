/* agent/forward/fwd_int.h — what the files of the forwarder share: the
 * ClickHouse tables (fwd_schema.c), a batch read from the store and
 * encoded as RowBinary (fwd_batch.c); the thread is forward.c. */
#ifndef OBS_AGENT_FWD_INT_H
#define OBS_AGENT_FWD_INT_H

#include "agent/forward/forward.h"
#include "clickhouse/ch.h"
#include "store/forward.h"

/* ---- fwd_schema.c --------------------------------------------------------- */

/* One column of a ClickHouse table the forwarder writes. */
typedef struct fwd_col {
    const char *name, *type;
} fwd_col_t;

typedef enum fwd_table { FWD_EVENTS, FWD_INVOCATIONS, FWD_POINTS, FWD__TABLES } fwd_table_t;

/* The table's name and its columns (NULL-terminated), in RowBinary order. */
const char *fwd__table_name(fwd_table_t t);
const fwd_col_t *fwd__table_cols(fwd_table_t t);
/* Create the URL's database and the tables when missing, add the columns an
 * older agent's tables lack; with a retention, a TTL where the server has
 * them (19.6 and later). *has_ttl: the server expires rows itself. */
int fwd__schema_ensure(ch_conn_t *c, const ch_url_t *u, int64_t retention_ms, int *has_ttl, obs_err_t *err);
/* Without TTLs: drop the day partitions older than the retention, and the
 * invocations (not partitioned) older than it. */
int fwd__retention_apply(ch_conn_t *c, const char *database, int64_t retention_ms, int64_t now_ms,
                         obs_err_t *err);
/* "INSERT INTO db.table (cols...) FORMAT RowBinary" */
void fwd__insert_sql(buf_t *b, const char *database, fwd_table_t t);

/* ---- fwd_batch.c ------------------------------------------------------------ */

typedef struct fwd_batch {
    const char *agent;
    int64_t after;            /* events after this id ... */
    int64_t last_id;          /* ... up to this one were read (after when none) */
    int64_t point_after, last_point;
    int64_t nevents, ninvocations, npoints;   /* rows encoded */
    int64_t nfresh;           /* events of (after, last_id]: nevents less those sent again */
    buf_t body[FWD__TABLES];  /* RowBinary rows of each table */
    /* request ids whose invocation is sent again (changed by the batch) */
    char **rids;
    int nrids, rids_cap;
} fwd_batch_t;

/* Read the events after `after` (at most limit), the REPORT rows an XRAY
 * line of the batch changed, the invocations its lines changed and the
 * metric points of its events, in one snapshot, and encode them. */
int fwd__batch_read(store_fwd_t *sf, fwd_batch_t *b, int limit, obs_err_t *err);
void fwd__batch_free(fwd_batch_t *b);

#endif
