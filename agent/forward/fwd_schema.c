/* agent/forward/fwd_schema.c — the forwarder's ClickHouse tables (see
 * docs/scale-out.md): their columns, created when missing and given the
 * columns a newer agent adds (ClickHouse 18.16 has no ADD COLUMN IF NOT
 * EXISTS: system.columns says what is there), and retention: a TTL where
 * the server has TTLs, else whole day partitions dropped.
 *
 * events and metric_points are ReplacingMergeTree tables partitioned by
 * day (a row never changes day) and ordered for the common filters
 * (function or metric, then time), with the agent and the local id last in
 * the key: a row sent twice is one row when read with FINAL, and the
 * version column keeps its newest state (a REPORT given its X-Ray trace by
 * a later line). invocations are keyed by the request id and the attempt
 * (Lambda's retries of one request id: the store's key) and not
 * partitioned: an invocation's time moves as its lines arrive, and rows
 * in two partitions would never replace each other. A table made before
 * attempt was a column keeps its key (a sorting key cannot take a column
 * in ClickHouse 18.16): attempt is added to it, but one request id's
 * attempts replace each other there.
 *
 * A line's JSON object is not stored twice: json_at is where it starts in
 * message (bytes, as in the store; substring(message, json_at + 1)); its
 * fields are the json_ arrays. */
#include "agent/forward/fwd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const fwd_col_t events_cols[] = {
    { "agent", "String" }, { "id", "UInt64" }, { "ver", "UInt64" }, { "day", "Date" },
    { "ts", "Int64" }, { "ingest_ts", "Int64" },
    { "function", "String" }, { "log_group", "String" }, { "stream", "String" },
    { "kind", "UInt8" }, { "flags", "UInt32" },
    { "type", "Nullable(String)" }, { "request_id", "Nullable(String)" }, { "level", "Nullable(String)" },
    { "message", "String" },
    { "duration", "Nullable(Float64)" }, { "billed_duration", "Nullable(Float64)" },
    { "init_duration", "Nullable(Float64)" }, { "restore_duration", "Nullable(Float64)" },
    { "billed_restore_duration", "Nullable(Float64)" },
    { "memory_size", "Nullable(Int64)" }, { "max_memory_used", "Nullable(Int64)" },
    { "xray_trace_id", "Nullable(String)" }, { "xray_segment_id", "Nullable(String)" },
    { "status", "Nullable(String)" }, { "error_type", "Nullable(String)" }, { "throttle", "Nullable(String)" },
    { "outcome", "Nullable(UInt8)" },
    { "json_at", "Nullable(UInt32)" },
    { "json_keys", "Array(String)" }, { "json_types", "Array(UInt8)" }, { "json_values", "Array(String)" },
    { "emf", "Nullable(UInt8)" }, { "emf_error", "Nullable(String)" },
    { NULL, NULL },
};

static const fwd_col_t invocations_cols[] = {
    { "agent", "String" }, { "request_id", "String" }, { "attempt", "UInt16" }, { "ver", "UInt64" },
    { "function", "String" }, { "log_group", "String" }, { "stream", "String" },
    { "start_ts", "Nullable(Int64)" }, { "end_ts", "Nullable(Int64)" },
    { "version", "Nullable(String)" },
    { "duration", "Nullable(Float64)" }, { "billed_duration", "Nullable(Float64)" },
    { "init_duration", "Nullable(Float64)" }, { "restore_duration", "Nullable(Float64)" },
    { "memory_size", "Nullable(Int64)" }, { "max_memory_used", "Nullable(Int64)" },
    { "cold", "UInt8" }, { "outcome", "UInt8" }, { "emulated", "UInt8" },
    { "error_type", "Nullable(String)" }, { "runtime_version", "Nullable(String)" },
    { "xray_trace_id", "Nullable(String)" },
    { NULL, NULL },
};

static const fwd_col_t points_cols[] = {
    { "agent", "String" }, { "id", "UInt64" }, { "day", "Date" }, { "ts", "Int64" },
    { "function", "String" }, { "namespace", "String" }, { "name", "String" }, { "unit", "String" },
    { "resolution", "UInt8" }, { "dimensions", "String" }, { "value", "Float64" }, { "event_id", "UInt64" },
    /* v14 of the store: observations per row (rows sent before were one
     * each), and the row's own sum, min, max (NULL: value * count, value,
     * value); value is NaN for a statistic set */
    { "count", "UInt64 DEFAULT 1" }, { "sum", "Nullable(Float64)" }, { "min", "Nullable(Float64)" },
    { "max", "Nullable(Float64)" },
    { NULL, NULL },
};

static const struct table {
    const char *name;
    const fwd_col_t *cols;
    const char *engine;       /* after ENGINE = */
    const char *ttl_on;       /* the time the TTL counts from */
} tables[FWD__TABLES] = {
    [FWD_EVENTS] = { "events", events_cols,
                     "ReplacingMergeTree(ver) PARTITION BY day ORDER BY (function, ts, agent, id)",
                     "toDateTime(intDiv(ts, 1000))" },
    [FWD_INVOCATIONS] = { "invocations", invocations_cols,
                          "ReplacingMergeTree(ver) ORDER BY (agent, request_id, attempt)",
                          "toDateTime(intDiv(coalesce(end_ts, start_ts, 0), 1000))" },
    [FWD_POINTS] = { "metric_points", points_cols,
                     "ReplacingMergeTree() PARTITION BY day ORDER BY (namespace, name, ts, agent, id)",
                     "toDateTime(intDiv(ts, 1000))" },
};

const char *fwd__table_name(fwd_table_t t) { return tables[t].name; }
const fwd_col_t *fwd__table_cols(fwd_table_t t) { return tables[t].cols; }

void fwd__insert_sql(buf_t *b, const char *database, fwd_table_t t)
{
    buf_cat(b, "INSERT INTO ");
    ch_quote_ident(b, database);
    buf_printf(b, ".%s (", tables[t].name);
    for (const fwd_col_t *c = tables[t].cols; c->name; c++)
        buf_printf(b, "%s%s", c == tables[t].cols ? "" : ", ", c->name);
    buf_cat(b, ") FORMAT RowBinary");
}

/* The columns the table has now (one per line), into have. */
static int existing_columns(ch_conn_t *c, const char *database, const char *table, buf_t *have, obs_err_t *err)
{
    buf_t q = { 0 };
    buf_cat(&q, "SELECT name FROM system.columns WHERE database = ");
    ch_quote(&q, database, strlen(database));
    buf_cat(&q, " AND table = ");
    ch_quote(&q, table, strlen(table));
    buf_cat(&q, " FORMAT TabSeparated");
    int rc = ch_exec(c, q.p, NULL, 0, have, err);
    buf_free(&q);
    return rc;
}

static int has_line(const buf_t *have, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = have->p; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, name, n) == 0)
            return 1;
        p = e ? e + 1 : p + len;
    }
    return 0;
}

/* The database, created from a connection to "default" (a statement over
 * HTTP runs in the URL's database, which must exist). */
static int create_database(const ch_url_t *u, obs_err_t *err)
{
    ch_url_t d = *u;
    ch_conn_t *c = NULL;
    snprintf(d.database, sizeof d.database, "default");
    int rc = ch_conn_new(&d, 30000, &c, err);
    buf_t q = { 0 };
    buf_cat(&q, "CREATE DATABASE IF NOT EXISTS ");
    ch_quote_ident(&q, u->database);
    if (!rc)
        rc = ch_exec(c, q.p, NULL, 0, NULL, err);
    buf_free(&q);
    ch_conn_free(c);
    return rc;
}

int fwd__schema_ensure(ch_conn_t *c, const ch_url_t *u, int64_t retention_ms, int *has_ttl, obs_err_t *err)
{
    const char *database = u->database;
    int major = 0, minor = 0, rc;
    if ((rc = ch_server_version(c, &major, &minor, err)) && (rc = create_database(u, err)))
        return rc;
    if (!major && (rc = ch_server_version(c, &major, &minor, err)))
        return rc;
    *has_ttl = major > 19 || (major == 19 && minor >= 6);
    buf_t q = { 0 };
    for (int t = 0; !rc && t < FWD__TABLES; t++) {
        q.len = 0;
        buf_cat(&q, "CREATE TABLE IF NOT EXISTS ");
        ch_quote_ident(&q, database);
        buf_printf(&q, ".%s (", tables[t].name);
        for (const fwd_col_t *col = tables[t].cols; col->name; col++)
            buf_printf(&q, "%s%s %s", col == tables[t].cols ? "" : ", ", col->name, col->type);
        buf_printf(&q, ") ENGINE = %s", tables[t].engine);
        if (retention_ms > 0 && *has_ttl)
            buf_printf(&q, " TTL %s + INTERVAL %lld SECOND", tables[t].ttl_on, (long long)(retention_ms / 1000));
        if ((rc = ch_exec(c, q.p, NULL, 0, NULL, err)))
            break;
        buf_t have = { 0 };
        rc = existing_columns(c, database, tables[t].name, &have, err);
        const char *after = NULL;
        for (const fwd_col_t *col = tables[t].cols; !rc && col->name; after = col->name, col++) {
            if (has_line(&have, col->name))
                continue;
            q.len = 0;
            buf_cat(&q, "ALTER TABLE ");
            ch_quote_ident(&q, database);
            buf_printf(&q, ".%s ADD COLUMN %s %s%s%s", tables[t].name, col->name, col->type, after ? " AFTER " : "",
                       after ? after : "");
            rc = ch_exec(c, q.p, NULL, 0, NULL, err);
        }
        buf_free(&have);
    }
    buf_free(&q);
    return rc;
}

int fwd__retention_apply(ch_conn_t *c, const char *database, int64_t retention_ms, int64_t now_ms,
                         obs_err_t *err)
{
    int64_t cutoff = now_ms - retention_ms;
    int64_t cutoff_day = cutoff / 86400000;  /* whole days before it go */
    buf_t q = { 0 }, parts = { 0 };
    buf_cat(&q, "SELECT DISTINCT table, partition FROM system.parts WHERE active AND database = ");
    ch_quote(&q, database, strlen(database));
    buf_cat(&q, " AND table IN ('events', 'metric_points') AND toDate(partition) < toDate(");
    buf_printf(&q, "%lld) FORMAT TabSeparated", (long long)cutoff_day);
    int rc = ch_exec(c, q.p, NULL, 0, &parts, err);
    ch_tsv_t t;
    ch_tsv_init(&t, parts.p ? parts.p : "", parts.len);
    while (!rc && ch_tsv_next(&t)) {
        if (t.nf != 2)
            continue;
        q.len = 0;
        buf_cat(&q, "ALTER TABLE ");
        ch_quote_ident(&q, database);
        buf_printf(&q, ".%.*s DROP PARTITION ", (int)t.f[0].len, t.f[0].p);
        ch_quote(&q, t.f[1].p, t.f[1].len);
        rc = ch_exec(c, q.p, NULL, 0, NULL, err);
    }
    ch_tsv_done(&t);
    if (!rc) {  /* invocations: a mutation, which ClickHouse runs in the background */
        q.len = 0;
        buf_cat(&q, "ALTER TABLE ");
        ch_quote_ident(&q, database);
        buf_printf(&q, ".invocations DELETE WHERE coalesce(end_ts, start_ts, 0) < %lld", (long long)cutoff);
        rc = ch_exec(c, q.p, NULL, 0, NULL, err);
    }
    buf_free(&q);
    buf_free(&parts);
    return rc;
}
