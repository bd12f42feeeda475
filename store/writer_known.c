/* store/writer_known.c — what the writer knows of the store without asking
 * SQLite: every stream's id and every file's checkpoint, loaded once and kept
 * in step with what it writes. Asking SQLite would first wait for the writer
 * thread to run everything recorded before (wqueue.h): once per file of an
 * import, it kept the two cores taking turns. New streams get their id here
 * (the next after the largest, as SQLite would give).
 *
 * Bounded: STORE_KNOWN_MAX streams and as many checkpoints (~150 bytes
 * each). Past it, what is not in memory is read from SQLite again (waiting
 * for the writer); a rolled-back batch empties both (they are read again). */
#include "store/schema.h"
#include "common/hash.h"
#include "store/store_int.h"
#include "common/clock.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store_known_stream {
    char *key;                /* stream_key(), owned; NULL = empty */
    int64_t id;
};

struct store_known_source {
    int used;                 /* slot taken (a key, present or deleted) */
    int present;              /* 0: deleted in this process (not in SQLite either) */
    store_source_t row;
    char *path;               /* owned */
};

void store__known_free(store_t *st)
{
    for (int i = 0; i < st->kstream_cap; i++)
        free(st->kstreams[i].key);
    free(st->kstreams);
    st->kstreams = NULL;
    st->kstream_cap = st->kstream_used = 0;
    for (int i = 0; i < st->ksource_cap; i++)
        free(st->ksources[i].path);
    free(st->ksources);
    st->ksources = NULL;
    st->ksource_cap = st->ksource_used = 0;
    st->known_state = STORE_KNOWN_UNLOADED;
}

/* ---- streams ----------------------------------------------------------------- */

/* "LEN:log_groupstream", LEN the log group's length: a separator alone
 * would let ("a\x1fb", "c") and ("a", "b\x1fc") share a key (and a stream
 * id), as names are any bytes but NUL */
static char *stream_key(const char *log_group, const char *stream)
{
    size_t a = strlen(log_group), b = strlen(stream);
    char *k = xmalloc(24 + a + b);
    int n = snprintf(k, 24, "%zu:", a);
    memcpy(k + n, log_group, a);
    memcpy(k + n + a, stream, b + 1);
    return k;
}

static struct store_known_stream *stream_slot(struct store_known_stream *tab, int cap, const char *key)
{
    uint64_t k = obs_fnv_str(OBS_FNV_INIT, key) & (uint64_t)(cap - 1);
    while (tab[k].key && strcmp(tab[k].key, key) != 0)
        k = (k + 1) & (uint64_t)(cap - 1);
    return &tab[k];
}

/* Keep key -> id (key owned by the table after); 0 when full. */
static int stream_put(store_t *st, char *key, int64_t id)
{
    if (st->kstream_used >= STORE_KNOWN_MAX) {
        free(key);
        return 0;
    }
    if ((st->kstream_used + 1) * 2 > st->kstream_cap) {
        int cap = st->kstream_cap ? st->kstream_cap * 2 : 256;
        struct store_known_stream *tab = xcalloc((size_t)cap, sizeof *tab);
        for (int i = 0; i < st->kstream_cap; i++)
            if (st->kstreams[i].key)
                *stream_slot(tab, cap, st->kstreams[i].key) = st->kstreams[i];
        free(st->kstreams);
        st->kstreams = tab;
        st->kstream_cap = cap;
    }
    struct store_known_stream *e = stream_slot(st->kstreams, st->kstream_cap, key);
    if (e->key) {
        free(key);
    } else {
        e->key = key;
        st->kstream_used++;
    }
    e->id = id;
    return 1;
}

/* ---- checkpoints ------------------------------------------------------------- */

static struct store_known_source *source_slot(struct store_known_source *tab, int cap, int64_t dev,
                                              int64_t ino)
{
    int64_t key[2] = { dev, ino };
    uint64_t k = obs_fnv(OBS_FNV_INIT, key, sizeof key) & (uint64_t)(cap - 1);
    while (tab[k].used && !(tab[k].row.dev == dev && tab[k].row.ino == ino))
        k = (k + 1) & (uint64_t)(cap - 1);
    return &tab[k];
}

/* Keep the checkpoint (present or deleted); 0 when full and not known. */
static int source_put(store_t *st, const char *path, const store_source_t *row, int present)
{
    if (st->ksource_cap) {
        struct store_known_source *e = source_slot(st->ksources, st->ksource_cap, row->dev, row->ino);
        if (e->used) {
            free(e->path);
            e->path = path ? xstrdup(path) : NULL;
            e->row = *row;
            e->present = present;
            return 1;
        }
    }
    if (st->ksource_used >= STORE_KNOWN_MAX)
        return 0;
    if ((st->ksource_used + 1) * 2 > st->ksource_cap) {
        int cap = st->ksource_cap ? st->ksource_cap * 2 : 256;
        struct store_known_source *tab = xcalloc((size_t)cap, sizeof *tab);
        for (int i = 0; i < st->ksource_cap; i++)
            if (st->ksources[i].used)
                *source_slot(tab, cap, st->ksources[i].row.dev, st->ksources[i].row.ino) = st->ksources[i];
        free(st->ksources);
        st->ksources = tab;
        st->ksource_cap = cap;
    }
    struct store_known_source *e = source_slot(st->ksources, st->ksource_cap, row->dev, row->ino);
    e->used = 1;
    e->present = present;
    e->row = *row;
    e->path = path ? xstrdup(path) : NULL;
    st->ksource_used++;
    return 1;
}

/* ---- loading ----------------------------------------------------------------- */

static int load(store_t *st, obs_err_t *err)
{
    sqlite3_stmt *q;
    int rc, step, complete = 1;
    if ((rc = store__sync(st, err)))
        return rc;
    if (sqlite3_prepare_v2(st->db, SQL_STREAMS_ALL, -1, &q, NULL) != SQLITE_OK)
        return store__dberr(st, err, "reading streams");
    while ((step = sqlite3_step(q)) == SQLITE_ROW)
        if (!stream_put(st, stream_key((const char *)sqlite3_column_text(q, 1),
                                       (const char *)sqlite3_column_text(q, 2)),
                        sqlite3_column_int64(q, 0)))
            complete = 0;
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return store__dberr(st, err, "reading streams");
    if (sqlite3_prepare_v2(st->db, SQL_SOURCES_ALL, -1, &q, NULL) != SQLITE_OK)
        return store__dberr(st, err, "reading checkpoints");
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        store_source_t src;
        memset(&src, 0, sizeof src);
        src.dev = sqlite3_column_int64(q, 1);
        src.ino = sqlite3_column_int64(q, 2);
        src.fingerprint = (uint64_t)sqlite3_column_int64(q, 3);
        src.fingerprint_len = sqlite3_column_int64(q, 4);
        src.window_fp = (uint64_t)sqlite3_column_int64(q, 5);
        src.window_len = sqlite3_column_int64(q, 6);
        src.offset = sqlite3_column_int64(q, 7);
        src.size = sqlite3_column_int64(q, 8);
        src.stream_id = sqlite3_column_int64(q, 9);
        src.updated_ms = sqlite3_column_int64(q, 10);
        src.rotated = sqlite3_column_int(q, 11);
        if (!source_put(st, (const char *)sqlite3_column_text(q, 0), &src, 1))
            complete = 0;
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return store__dberr(st, err, "reading checkpoints");
    st->known_state = complete ? STORE_KNOWN_ALL : STORE_KNOWN_SOME;
    return 0;
}

static int ensure_loaded(store_t *st, obs_err_t *err)
{
    return st->known_state == STORE_KNOWN_UNLOADED ? load(st, err) : 0;
}

/* ---- the store calls ----------------------------------------------------------- */

int store_stream_id(store_t *st, const char *function, const char *log_group, const char *stream,
                    int64_t *id_out, obs_err_t *err)
{
    int rc;
    if ((rc = store__begin(st, err)) || (rc = ensure_loaded(st, err)))
        return rc;
    char *key = stream_key(log_group, stream);
    if (st->kstream_cap) {
        struct store_known_stream *e = stream_slot(st->kstreams, st->kstream_cap, key);
        if (e->key) {
            free(key);
            *id_out = e->id;
            return 0;
        }
    }
    if (st->known_state != STORE_KNOWN_ALL) {
        /* not all in memory: SQLite may have it */
        sqlite3_stmt *f = st->stmt[STMT_STREAM_FIND];
        if ((rc = store__sync(st, err))) {
            free(key);
            return rc;
        }
        sqlite3_bind_text(f, 1, log_group, -1, SQLITE_STATIC);
        sqlite3_bind_text(f, 2, stream, -1, SQLITE_STATIC);
        int step = sqlite3_step(f);
        int64_t id = step == SQLITE_ROW ? sqlite3_column_int64(f, 0) : 0;
        sqlite3_reset(f);
        if (step != SQLITE_ROW && step != SQLITE_DONE) {
            free(key);
            return store__dberr(st, err, "looking up a stream");
        }
        if (step == SQLITE_ROW) {
            stream_put(st, key, id);
            *id_out = id;
            return 0;
        }
    }
    if ((rc = store__wq_start(st->wq, STMT_STREAM_INSERT, "adding a stream", err))) {
        free(key);
        return rc;
    }
    int64_t id = st->next_stream_id++;
    store__wq_str(st->wq, function);
    store__wq_str(st->wq, log_group);
    store__wq_str(st->wq, stream);
    store__wq_int(st->wq, id);
    store__wq_end(st->wq);
    if (!stream_put(st, key, id) && st->known_state == STORE_KNOWN_ALL)
        st->known_state = STORE_KNOWN_SOME;
    *id_out = id;
    return 0;
}

int store_source_find(store_t *st, int64_t dev, int64_t ino, store_source_t *out, char **path_out,
                      int *found_out, obs_err_t *err)
{
    int rc;
    *found_out = 0;
    if (path_out)
        *path_out = NULL;
    if ((rc = ensure_loaded(st, err)))
        return rc;
    if (st->ksource_cap) {
        struct store_known_source *e = source_slot(st->ksources, st->ksource_cap, dev, ino);
        if (e->used) {
            *found_out = e->present;
            if (e->present) {
                *out = e->row;
                if (path_out)
                    *path_out = xstrdup(e->path ? e->path : "");
            }
            return 0;
        }
    }
    if (st->known_state == STORE_KNOWN_ALL)
        return 0;
    return store__source_read(st, dev, ino, out, path_out, found_out, err);
}

int store_source_put(store_t *st, const char *path, const store_source_t *src, obs_err_t *err)
{
    store_wq_t *q = st->wq;
    int rc;
    if ((rc = store__begin(st, err)) || (rc = ensure_loaded(st, err)) ||
        (rc = store__wq_start(q, STMT_SOURCE_UPSERT, "saving a checkpoint", err)))
        return rc;
    /* what SQLite will hold, as store_source_find reads it back */
    store_source_t row = *src;
    row.size = src->size > src->offset ? src->size : src->offset;
    row.stream_id = src->stream_id > 0 ? src->stream_id : 0;
    row.updated_ms = src->updated_ms > 0 ? src->updated_ms : obs_wall_ms();
    row.rotated = src->rotated != 0;
    store__wq_str(q, path);
    store__wq_int(q, row.dev);
    store__wq_int(q, row.ino);
    store__wq_int(q, (int64_t)row.fingerprint);
    store__wq_int(q, row.fingerprint_len);
    store__wq_int(q, (int64_t)row.window_fp);
    store__wq_int(q, row.window_len);
    store__wq_int(q, row.offset);
    store__wq_int(q, row.size);
    if (row.stream_id > 0)
        store__wq_int(q, row.stream_id);
    else
        store__wq_null(q);
    store__wq_int(q, row.updated_ms);
    store__wq_int(q, row.rotated);
    store__wq_end(q);
    if (!source_put(st, path, &row, 1) && st->known_state == STORE_KNOWN_ALL)
        st->known_state = STORE_KNOWN_SOME;
    return 0;
}

int store_source_delete(store_t *st, int64_t dev, int64_t ino, obs_err_t *err)
{
    int rc;
    if ((rc = store__begin(st, err)) || (rc = ensure_loaded(st, err)) ||
        (rc = store__wq_start(st->wq, STMT_SOURCE_DELETE, "removing a checkpoint", err)))
        return rc;
    store__wq_int(st->wq, dev);
    store__wq_int(st->wq, ino);
    store__wq_end(st->wq);
    store_source_t gone;
    memset(&gone, 0, sizeof gone);
    gone.dev = dev;
    gone.ino = ino;
    if (!source_put(st, NULL, &gone, 0) && st->known_state == STORE_KNOWN_ALL)
        st->known_state = STORE_KNOWN_SOME;
    return 0;
}
