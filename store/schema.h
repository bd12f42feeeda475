/* store/schema.h — every SQL string of the store, as named constants, and
 * nothing else. Migrations are listed in order; migration i brings a store
 * from PRAGMA user_version = i to i + 1 (store/schema.c applies them). */
#ifndef OBS_STORE_SCHEMA_H
#define OBS_STORE_SCHEMA_H

#include "store/store.h"   /* STORE_KIND_*: event kinds named in the SQL */
#include "common/timesane.h"

/* ---- v1 -------------------------------------------------------------- */

#define SQL_V1 \
"CREATE TABLE streams(\n" \
"  id INTEGER PRIMARY KEY,\n" \
"  function TEXT NOT NULL,\n" \
"  log_group TEXT NOT NULL,\n" \
"  stream TEXT NOT NULL,\n" \
"  runtime_version TEXT,\n" \
"  first_ts INTEGER,\n" \
"  last_ts INTEGER,\n" \
"  UNIQUE(log_group, stream));\n" \
"CREATE TABLE events(\n" \
"  id INTEGER PRIMARY KEY,\n" \
"  ts INTEGER NOT NULL,\n" \
"  ingest_ts INTEGER NOT NULL,\n" \
"  stream_id INTEGER NOT NULL,\n" \
"  kind INTEGER NOT NULL,\n" \
"  type TEXT,\n" \
"  request_id TEXT,\n" \
"  level TEXT,\n" \
"  message TEXT NOT NULL,\n" \
"  flags INTEGER NOT NULL DEFAULT 0,\n" \
"  duration REAL,\n" \
"  billed_duration REAL,\n" \
"  memory_size INTEGER,\n" \
"  max_memory_used INTEGER,\n" \
"  init_duration REAL,\n" \
"  restore_duration REAL,\n" \
"  billed_restore_duration REAL,\n" \
"  xray_trace_id TEXT,\n" \
"  xray_segment_id TEXT,\n" \
"  status TEXT,\n" \
"  error_type TEXT,\n" \
"  outcome INTEGER,\n" \
"  throttle TEXT,\n" \
"  json_at INTEGER,\n" \
"  raw BLOB);\n" \
"CREATE INDEX events_ts ON events(ts);\n" \
"CREATE VIRTUAL TABLE events_fts USING fts5(message, content='events',\n" \
"  content_rowid='id', tokenize='obsword', detail=none, columnsize=0);\n" \
"CREATE TABLE invocations(\n" \
"  request_id TEXT PRIMARY KEY,\n" \
"  stream_id INTEGER NOT NULL,\n" \
"  start_ts INTEGER,\n" \
"  end_ts INTEGER,\n" \
"  version TEXT,\n" \
"  duration REAL,\n" \
"  billed_duration REAL,\n" \
"  memory_size INTEGER,\n" \
"  max_memory_used INTEGER,\n" \
"  init_duration REAL,\n" \
"  restore_duration REAL,\n" \
"  cold INTEGER NOT NULL DEFAULT 0,\n" \
"  outcome INTEGER NOT NULL DEFAULT 0,\n" \
"  error_type TEXT,\n" \
"  runtime_version TEXT,\n" \
"  xray_trace_id TEXT);\n" \
"CREATE INDEX invocations_stream_end ON invocations(stream_id, end_ts);\n" \
"CREATE TABLE rollup_minute(\n" \
"  function TEXT NOT NULL,\n" \
"  minute INTEGER NOT NULL,\n" \
"  events INTEGER NOT NULL DEFAULT 0,\n" \
"  error_lines INTEGER NOT NULL DEFAULT 0,\n" \
"  invocations INTEGER NOT NULL DEFAULT 0,\n" \
"  errors INTEGER NOT NULL DEFAULT 0,\n" \
"  timeouts INTEGER NOT NULL DEFAULT 0,\n" \
"  crashes INTEGER NOT NULL DEFAULT 0,\n" \
"  oom INTEGER NOT NULL DEFAULT 0,\n" \
"  cold_starts INTEGER NOT NULL DEFAULT 0,\n" \
"  throttle_signals INTEGER NOT NULL DEFAULT 0,\n" \
"  duration_sum REAL NOT NULL DEFAULT 0,\n" \
"  duration_max REAL,\n" \
"  billed_sum REAL NOT NULL DEFAULT 0,\n" \
"  gb_seconds REAL NOT NULL DEFAULT 0,\n" \
"  init_sum REAL NOT NULL DEFAULT 0,\n" \
"  init_max REAL,\n" \
"  max_memory_used INTEGER,\n" \
"  memory_size INTEGER,\n" \
"  PRIMARY KEY(function, minute)) WITHOUT ROWID;\n" \
"CREATE TABLE sources(\n" \
"  id INTEGER PRIMARY KEY,\n" \
"  path TEXT NOT NULL UNIQUE,\n" \
"  dev INTEGER NOT NULL,\n" \
"  ino INTEGER NOT NULL,\n" \
"  fingerprint INTEGER NOT NULL,\n" \
"  fingerprint_len INTEGER NOT NULL,\n" \
"  offset INTEGER NOT NULL,\n" \
"  stream_id INTEGER,\n" \
"  updated_ts INTEGER NOT NULL);\n" \
"CREATE TABLE agent_counters(\n" \
"  name TEXT PRIMARY KEY,\n" \
"  value INTEGER NOT NULL) WITHOUT ROWID;\n" \
"CREATE VIEW invocations_v AS SELECT i.*, s.function, s.log_group, s.stream,\n" \
"  CASE i.outcome WHEN 0 THEN 'ok' WHEN 1 THEN 'error' WHEN 2 THEN 'timeout'\n" \
"    WHEN 3 THEN 'crash' WHEN 4 THEN 'oom' END AS outcome_name\n" \
"  FROM invocations i JOIN streams s ON s.id = i.stream_id;\n"

/* ---- v2: EMF metrics ----------------------------------------------------- */

#define SQL_V2 \
"ALTER TABLE events ADD COLUMN emf INTEGER;\n" \
"ALTER TABLE events ADD COLUMN emf_error TEXT;\n" \
"ALTER TABLE rollup_minute ADD COLUMN emf_documents INTEGER NOT NULL DEFAULT 0;\n" \
"ALTER TABLE rollup_minute ADD COLUMN emf_parsing_errors INTEGER NOT NULL DEFAULT 0;\n" \
"ALTER TABLE rollup_minute ADD COLUMN emf_validation_errors INTEGER NOT NULL DEFAULT 0;\n" \
"CREATE TABLE metric_series(\n" \
"  id INTEGER PRIMARY KEY,\n" \
"  namespace TEXT NOT NULL,\n" \
"  name TEXT NOT NULL,\n" \
"  unit TEXT NOT NULL,\n" \
"  resolution INTEGER NOT NULL,\n" \
"  dimensions TEXT NOT NULL,\n" \
"  UNIQUE(namespace, name, unit, resolution, dimensions));\n" \
"CREATE TABLE metric_points(\n" \
"  id INTEGER PRIMARY KEY,\n" \
"  series_id INTEGER NOT NULL,\n" \
"  ts INTEGER NOT NULL,\n" \
"  value REAL NOT NULL,\n" \
"  event_id INTEGER NOT NULL);\n" \
"CREATE INDEX metric_points_series_ts ON metric_points(series_id, ts);\n" \
"CREATE INDEX events_emf_error ON events(emf) WHERE emf >= 2;\n" \
"CREATE TABLE metric_rollup_minute(\n" \
"  series_id INTEGER NOT NULL,\n" \
"  minute INTEGER NOT NULL,\n" \
"  count INTEGER NOT NULL,\n" \
"  sum REAL NOT NULL,\n" \
"  min REAL NOT NULL,\n" \
"  max REAL NOT NULL,\n" \
"  sketch BLOB NOT NULL,\n" \
"  PRIMARY KEY(series_id, minute)) WITHOUT ROWID;\n" \
"CREATE TABLE metric_series_function(\n" \
"  series_id INTEGER NOT NULL,\n" \
"  function TEXT NOT NULL,\n" \
"  PRIMARY KEY(series_id, function)) WITHOUT ROWID;\n"

/* ---- v3: every line in the full-text index, and its vocabulary ---------- */
/* v1 and v2 indexed application and plain lines only (kinds 0, 1, 10, 11,
 * 12); from v3 the planner relies on every event being in events_fts, and
 * on fts_vocab holding every distinct token of it (the writer adds new
 * tokens in the batch that indexes them). */
#define SQL_V3 \
"INSERT INTO events_fts(rowid, message)\n" \
"  SELECT id, message FROM events WHERE kind NOT IN (" OBS_STR(STORE_KIND_PLAIN) ", " \
  OBS_STR(STORE_KIND_APP) ", " OBS_STR(STORE_KIND_TIMEOUT) ", " OBS_STR(STORE_KIND_RUNTIME_EXIT) ", " \
  OBS_STR(STORE_KIND_ERROR_TYPE) ") AND message != '';\n" \
"CREATE TABLE fts_vocab(token TEXT PRIMARY KEY) WITHOUT ROWID;\n" \
"CREATE VIRTUAL TABLE temp.v3_vocab USING fts5vocab(main, events_fts, 'row');\n" \
"INSERT INTO fts_vocab(token) SELECT term FROM temp.v3_vocab;\n" \
"DROP TABLE temp.v3_vocab;\n"

/* ---- v4: REPORT lines and function selections answered from indexes ------ */
/* A partial covering index of the REPORT rows (kind 4, text or JSON format):
 * `filter @type = "REPORT" | stats avg(@duration) ... by bin(5m)` reads
 * only these entries (the planner adds the implied kind = 4); and events by
 * stream and time, for obsq --function and obsq --request. */
#define SQL_V4 \
"CREATE INDEX events_report ON events(ts, type, duration, billed_duration, memory_size,\n" \
"  max_memory_used, init_duration, stream_id) WHERE kind = " OBS_STR(STORE_KIND_REPORT) ";\n" \
"CREATE INDEX events_stream_ts ON events(stream_id, ts);\n"

/* ---- v5: duration and init-duration sketches per function-minute -------- */
/* obstop's overview reads percentiles of @duration and @initDuration from
 * rollups only (never the events): each minute keeps a mergeable quantile
 * sketch (common/sketch.c) of its REPORT durations and init durations. The
 * backfill builds them from the REPORT rows already stored, with the
 * aggregate obs_sketch_of() the writer connection registers before it
 * migrates. The index on streams(function) lists the functions without
 * sorting every stream (there is one per cold start); the one on
 * sources(updated_ts) finds the files read last (obstop's agent lag).
 * rollup_hour holds the same sums per hour (the writer upserts a minute and
 * its hour together), so a window of hours reads one row per function and
 * hour; the covering index rollup_minute_series gives the per-minute
 * counts of any window without reading the sketches. The partial indexes
 * events_errors (error lines, a few % of the events), invocations_failed
 * (timeouts, crashes, OOM kills) and invocations_cold let a function's
 * detail find its errors, failures and cold starts without scanning.
 * events_report is rebuilt with kind among its columns: the queries name
 * kind = 4 (the partial index's condition), and without the column SQLite
 * read every REPORT row from the table (80 instead of 100 ms, measured). */
#define SQL_V5 \
"ALTER TABLE rollup_minute ADD COLUMN duration_sketch BLOB;\n" \
"ALTER TABLE rollup_minute ADD COLUMN init_sketch BLOB;\n" \
"WITH r AS (SELECT s.function AS f, e.ts - ((e.ts % 60000) + 60000) % 60000 AS m,\n" \
"    obs_sketch_of(e.duration) AS ds, obs_sketch_of(e.init_duration) AS isk\n" \
"  FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.kind = " OBS_STR(STORE_KIND_REPORT) " GROUP BY 1, 2)\n" \
"UPDATE rollup_minute SET duration_sketch = r.ds, init_sketch = r.isk\n" \
"  FROM r WHERE r.f = rollup_minute.function AND r.m = rollup_minute.minute;\n" \
"CREATE INDEX streams_function ON streams(function);\n" \
"CREATE INDEX sources_updated ON sources(updated_ts);\n" \
"CREATE TABLE rollup_hour(\n" \
"  function TEXT NOT NULL,\n" \
"  hour INTEGER NOT NULL,\n" \
"  events INTEGER NOT NULL DEFAULT 0,\n" \
"  error_lines INTEGER NOT NULL DEFAULT 0,\n" \
"  invocations INTEGER NOT NULL DEFAULT 0,\n" \
"  errors INTEGER NOT NULL DEFAULT 0,\n" \
"  timeouts INTEGER NOT NULL DEFAULT 0,\n" \
"  crashes INTEGER NOT NULL DEFAULT 0,\n" \
"  oom INTEGER NOT NULL DEFAULT 0,\n" \
"  cold_starts INTEGER NOT NULL DEFAULT 0,\n" \
"  throttle_signals INTEGER NOT NULL DEFAULT 0,\n" \
"  duration_sum REAL NOT NULL DEFAULT 0,\n" \
"  duration_max REAL,\n" \
"  billed_sum REAL NOT NULL DEFAULT 0,\n" \
"  gb_seconds REAL NOT NULL DEFAULT 0,\n" \
"  init_sum REAL NOT NULL DEFAULT 0,\n" \
"  init_max REAL,\n" \
"  max_memory_used INTEGER,\n" \
"  memory_size INTEGER,\n" \
"  emf_documents INTEGER NOT NULL DEFAULT 0,\n" \
"  emf_parsing_errors INTEGER NOT NULL DEFAULT 0,\n" \
"  emf_validation_errors INTEGER NOT NULL DEFAULT 0,\n" \
"  duration_sketch BLOB,\n" \
"  init_sketch BLOB,\n" \
"  PRIMARY KEY(function, hour)) WITHOUT ROWID;\n" \
"INSERT INTO rollup_hour SELECT function, minute - ((minute % 3600000) + 3600000) % 3600000,\n" \
"  sum(events), sum(error_lines), sum(invocations), sum(errors), sum(timeouts), sum(crashes),\n" \
"  sum(oom), sum(cold_starts), sum(throttle_signals), sum(duration_sum), max(duration_max),\n" \
"  sum(billed_sum), sum(gb_seconds), sum(init_sum), max(init_max), max(max_memory_used),\n" \
"  max(memory_size), sum(emf_documents), sum(emf_parsing_errors), sum(emf_validation_errors),\n" \
"  obs_sketch_sum(duration_sketch), obs_sketch_sum(init_sketch)\n" \
"  FROM rollup_minute GROUP BY 1, 2;\n" \
"CREATE INDEX rollup_minute_series ON rollup_minute(minute, invocations, errors, timeouts,\n" \
"  crashes, oom, cold_starts, throttle_signals);\n" \
"CREATE INDEX events_errors ON events(ts, stream_id)\n" \
"  WHERE level IN ('ERROR', 'FATAL') OR outcome IS NOT NULL;\n" \
"CREATE INDEX invocations_failed ON invocations(end_ts, stream_id) WHERE outcome >= 2;\n" \
"CREATE INDEX invocations_cold ON invocations(end_ts, stream_id) WHERE cold = 1;\n" \
"DROP INDEX events_report;\n" \
"CREATE INDEX events_report ON events(ts, type, duration, billed_duration, memory_size,\n" \
"  max_memory_used, init_duration, stream_id, kind) WHERE kind = " OBS_STR(STORE_KIND_REPORT) ";\n"

/* ---- v6: retention finds what is old by time ------------------------------ */
/* Retention (store/retention.c) deletes metric points and invocations older
 * than a cutoff in small batches; without these indexes each batch would
 * scan the table. An invocation's time is its end (REPORT), else its start. */
#define SQL_V6 \
"CREATE INDEX metric_points_ts ON metric_points(ts);\n" \
"CREATE INDEX invocations_time ON invocations(coalesce(end_ts, start_ts));\n"

/* ---- v7: invocations run by an emulator ---------------------------------- */
/* SAM local and the runtime interface emulator print Lambda's lines, but
 * their REPORTs claim Max Memory Used = Memory Size and tiny init
 * durations: an emulated invocation is marked, counted per minute, and kept
 * out of the memory figures and the out-of-memory rule. */
#define SQL_V7 \
"ALTER TABLE invocations ADD COLUMN emulated INTEGER NOT NULL DEFAULT 0;\n" \
"ALTER TABLE rollup_minute ADD COLUMN emulated INTEGER NOT NULL DEFAULT 0;\n" \
"ALTER TABLE rollup_hour ADD COLUMN emulated INTEGER NOT NULL DEFAULT 0;\n"

/* ---- v8: a checkpoint per file, known by what it is ----------------------- */
/* A file's checkpoint is keyed by its identity (device, inode), no longer by
 * the spelling of its path (logs/x.log, ./logs/x.log and /abs/logs/x.log
 * were three rows and three reads); path is the name it was last seen
 * under. window_fp/window_len hash the bytes just before offset, so that two
 * files with a common header are told apart; size is the file's size when
 * last looked at (what is known to be written: the bytes lost when a file
 * vanishes unread); rotated: its path names another file now. A rotated
 * row ("path\x1finode") becomes a rotated row of its path; when a file had
 * both a path row and a rotated row, the rotated one (its later progress)
 * is kept. missed: what could not be read, with the file's name and the
 * bytes known lost (obsagent --status lists the newest). */
#define SQL_V8 \
"CREATE TABLE sources_v8(\n" \
"  id INTEGER PRIMARY KEY,\n" \
"  path TEXT NOT NULL,\n" \
"  dev INTEGER NOT NULL,\n" \
"  ino INTEGER NOT NULL,\n" \
"  fingerprint INTEGER NOT NULL,\n" \
"  fingerprint_len INTEGER NOT NULL,\n" \
"  window_fp INTEGER NOT NULL DEFAULT 0,\n" \
"  window_len INTEGER NOT NULL DEFAULT 0,\n" \
"  offset INTEGER NOT NULL,\n" \
"  size INTEGER NOT NULL DEFAULT 0,\n" \
"  stream_id INTEGER,\n" \
"  updated_ts INTEGER NOT NULL,\n" \
"  rotated INTEGER NOT NULL DEFAULT 0,\n" \
"  UNIQUE(dev, ino));\n" \
"INSERT OR REPLACE INTO sources_v8(path, dev, ino, fingerprint, fingerprint_len, offset, size,\n" \
"  stream_id, updated_ts, rotated)\n" \
"  SELECT CASE WHEN instr(path, char(31)) > 0 THEN substr(path, 1, instr(path, char(31)) - 1)\n" \
"    ELSE path END, dev, ino, fingerprint, fingerprint_len, offset, offset, stream_id,\n" \
"    updated_ts, instr(path, char(31)) > 0\n" \
"  FROM sources ORDER BY instr(path, char(31)) > 0, id;\n" \
"DROP TABLE sources;\n" \
"ALTER TABLE sources_v8 RENAME TO sources;\n" \
"CREATE INDEX sources_updated ON sources(updated_ts);\n" \
"CREATE INDEX sources_path ON sources(path);\n" \
"CREATE TABLE missed(\n" \
"  id INTEGER PRIMARY KEY,\n" \
"  ts INTEGER NOT NULL,\n" \
"  path TEXT NOT NULL,\n" \
"  bytes INTEGER NOT NULL,\n" \
"  reason TEXT NOT NULL);\n"

/* ---- v9: how each environment started, and how its times were learnt ----- */
/* init_type: on the first invocation of an execution environment, how it
 * was initialised (STORE_INIT_*: on demand, provisioned concurrency, a
 * SnapStart restore), from initializationType, RESTORE lines and what text
 * logs allow (docs/concurrency.md); NULL on the others. timing: whether its
 * start and end times are its lines' own (exact to the line) or the time
 * rule's (STORE_TIMING_*). Rows already stored get the kind their REPORT
 * says (an Init Duration: on demand, a Restore Duration: SnapStart) and
 * timing 0 (nothing is known of their lines' times). invocations_v names
 * the kind. */
#define SQL_V9 \
"ALTER TABLE invocations ADD COLUMN init_type INTEGER;\n" \
"ALTER TABLE invocations ADD COLUMN timing INTEGER NOT NULL DEFAULT 0;\n" \
"UPDATE invocations SET init_type = CASE WHEN restore_duration IS NOT NULL THEN " OBS_STR(STORE_INIT_SNAP_START) "\n" \
"  ELSE " OBS_STR(STORE_INIT_ON_DEMAND) " END WHERE cold = 1 OR restore_duration IS NOT NULL;\n" \
"DROP VIEW invocations_v;\n" \
"CREATE VIEW invocations_v AS SELECT i.*, s.function, s.log_group, s.stream,\n" \
"  CASE i.outcome WHEN 0 THEN 'ok' WHEN 1 THEN 'error' WHEN 2 THEN 'timeout'\n" \
"    WHEN 3 THEN 'crash' WHEN 4 THEN 'oom' END AS outcome_name,\n" \
"  CASE i.init_type WHEN " OBS_STR(STORE_INIT_ON_DEMAND) " THEN 'on-demand' WHEN " OBS_STR(STORE_INIT_PROVISIONED) \
  " THEN 'provisioned-concurrency'\n" \
"    WHEN " OBS_STR(STORE_INIT_SNAP_START) " THEN 'snap-start' END AS init_type_name\n" \
"  FROM invocations i JOIN streams s ON s.id = i.stream_id;\n"

/* ---- v10: absurd event times flagged --------------------------------------- */
/* An event time before 2000 or over a day past its arrival is absurd
 * (common/timesane.h): the writer flags it (EVF_TIME_ABSURD); the events
 * stored before are flagged here (one pass over the table). The partial
 * index finds them by arrival, for retention: they are evicted first under
 * --max-db-size, and go by arrival too under --retention (a time in 9999
 * would never age out). */
#define SQL_V10 \
"UPDATE events SET flags = flags | " OBS_STR(EVF_TIME_ABSURD_BIT) "\n" \
"  WHERE ts < " OBS_STR(OBS_TIME_SANE_MIN_MS) " OR ts > ingest_ts + " OBS_STR(OBS_TIME_AHEAD_MAX_MS) ";\n" \
"CREATE INDEX events_absurd ON events(ingest_ts) WHERE flags & " OBS_STR(EVF_TIME_ABSURD_BIT) " != 0;\n"

/* ---- v11: forwarding to ClickHouse ----------------------------------------- */
/* forward_state: per ClickHouse target (its URL without the password) how
 * far the forwarder got: events and metric points with ids up to event_id /
 * point_id are acknowledged by ClickHouse (agent/forward/). agent is this
 * store's name in ClickHouse's rows (its key with the event id). The
 * triggers keep those ids valid when retention deletes the newest rows:
 * SQLite gives a new row max(id) + 1, so once the rows above a watermark
 * are gone, new rows would take ids at or below it and never be sent; the
 * watermark comes down to the largest id left (what was above it was
 * deleted, so nothing is sent twice). They fire only when the deleted row
 * was the table's newest. */
#define SQL_V11 \
"CREATE TABLE forward_state(\n" \
"  target TEXT PRIMARY KEY,\n" \
"  agent TEXT NOT NULL,\n" \
"  event_id INTEGER NOT NULL DEFAULT 0,\n" \
"  point_id INTEGER NOT NULL DEFAULT 0,\n" \
"  forwarded INTEGER NOT NULL DEFAULT 0,\n" \
"  acked_ts INTEGER,\n" \
"  state TEXT,\n" \
"  error TEXT,\n" \
"  state_ts INTEGER);\n" \
"CREATE TRIGGER forward_events_top AFTER DELETE ON events\n" \
"  WHEN OLD.id > coalesce((SELECT max(id) FROM events), 0)\n" \
"BEGIN UPDATE forward_state SET event_id = coalesce((SELECT max(id) FROM events), 0)\n" \
"  WHERE event_id > coalesce((SELECT max(id) FROM events), 0); END;\n" \
"CREATE TRIGGER forward_points_top AFTER DELETE ON metric_points\n" \
"  WHEN OLD.id > coalesce((SELECT max(id) FROM metric_points), 0)\n" \
"BEGIN UPDATE forward_state SET point_id = coalesce((SELECT max(id) FROM metric_points), 0)\n" \
"  WHERE point_id > coalesce((SELECT max(id) FROM metric_points), 0); END;\n"

/* ---- v12: what --max-db-size evicted of a kept minute ----------------------- */
/* Retention under --max-db-size evicts the oldest events, 500 at a time, so
 * a minute (and an hour) can lose some of its events and keep its rollup,
 * which still counts all of them. evicted is how many of the row's events
 * were deleted (store/retention.c adds them in the transaction that deletes
 * the events): events - evicted of a minute are still in the events table. */
#define SQL_V12 \
"ALTER TABLE rollup_minute ADD COLUMN evicted INTEGER NOT NULL DEFAULT 0;\n" \
"ALTER TABLE rollup_hour ADD COLUMN evicted INTEGER NOT NULL DEFAULT 0;\n"

/* ---- v13: indexes a bulk import builds at its end ------------------------- */
/* An import into a store that holds less than it brings drops the indexes
 * by time of events and builds them once at its end, sorting (store/schema.c,
 * store_defer_time_indexes): each index dropped is named here, with its
 * CREATE statement, in the transaction that drops it, so that one a kill
 * left out is built by the next obsagent (agent/main.c, tail_import.c). */
#define SQL_V13 \
"CREATE TABLE deferred_index(name TEXT PRIMARY KEY, sql TEXT NOT NULL) WITHOUT ROWID;\n"

/* ---- v14: weighted points and statistic sets ------------------------------ */
/* A metric point stands for `count` observations: the Values/Counts form
 * gives a value with its count (a Counts entry may be far beyond the 100
 * values a metric holds), and a statistic set ({"Count","Sum","Min","Max"},
 * what ADOT's awsemfexporter writes for histograms and summaries) has no
 * value at all (value NULL). sum, min and max are the row's own share of
 * the document's statistics when the document gave them (a statistic set;
 * a Values object's Sum, Min, Max); NULL means value * count, value, value.
 * So every reader aggregates the same way: count = sum(count), sum =
 * sum(coalesce(sum, value * count)), min = min(coalesce(min, value)),
 * max = max(coalesce(max, value)). value cannot become nullable in place:
 * the table is rebuilt (ids kept, so the forwarder's watermark stays
 * valid) with its indexes and the forwarder's trigger; existing rows are
 * one observation each. */
#define SQL_V14 \
"CREATE TABLE metric_points_v14(\n" \
"  id INTEGER PRIMARY KEY,\n" \
"  series_id INTEGER NOT NULL,\n" \
"  ts INTEGER NOT NULL,\n" \
"  value REAL,\n" \
"  event_id INTEGER NOT NULL,\n" \
"  count INTEGER NOT NULL DEFAULT 1,\n" \
"  sum REAL,\n" \
"  min REAL,\n" \
"  max REAL);\n" \
"INSERT INTO metric_points_v14(id, series_id, ts, value, event_id)\n" \
"  SELECT id, series_id, ts, value, event_id FROM metric_points ORDER BY id;\n" \
"DROP TABLE metric_points;\n" \
"ALTER TABLE metric_points_v14 RENAME TO metric_points;\n" \
"CREATE INDEX metric_points_series_ts ON metric_points(series_id, ts);\n" \
"CREATE INDEX metric_points_ts ON metric_points(ts);\n" \
"CREATE TRIGGER forward_points_top AFTER DELETE ON metric_points\n" \
"  WHEN OLD.id > coalesce((SELECT max(id) FROM metric_points), 0)\n" \
"BEGIN UPDATE forward_state SET point_id = coalesce((SELECT max(id) FROM metric_points), 0)\n" \
"  WHERE point_id > coalesce((SELECT max(id) FROM metric_points), 0); END;\n"

/* ---- v15: each attempt of a request id is an invocation ------------------ */
/* Lambda runs an asynchronous event again under the same request id when an
 * attempt fails (two retries by default), each with its START, END and
 * REPORT: an invocation is keyed by (request_id, attempt), attempt 1, 2, ...
 * in the order the agent met them (agent/invocations.c). SQLite cannot
 * change a primary key: the table is made again with its rows (attempt 1),
 * its indexes and the view over it; the indexes are built here, so none of
 * them is left deferred (v13). */
#define SQL_INVOCATION_COLS_V14 \
"request_id, stream_id, start_ts, end_ts, version, duration, billed_duration, memory_size,\n" \
"  max_memory_used, init_duration, restore_duration, cold, outcome, error_type, runtime_version,\n" \
"  xray_trace_id, emulated, init_type, timing"
#define SQL_V15 \
"DROP VIEW invocations_v;\n" \
"CREATE TABLE invocations_v15(\n" \
"  request_id TEXT,\n" \
"  stream_id INTEGER NOT NULL,\n" \
"  start_ts INTEGER,\n" \
"  end_ts INTEGER,\n" \
"  version TEXT,\n" \
"  duration REAL,\n" \
"  billed_duration REAL,\n" \
"  memory_size INTEGER,\n" \
"  max_memory_used INTEGER,\n" \
"  init_duration REAL,\n" \
"  restore_duration REAL,\n" \
"  cold INTEGER NOT NULL DEFAULT 0,\n" \
"  outcome INTEGER NOT NULL DEFAULT 0,\n" \
"  error_type TEXT,\n" \
"  runtime_version TEXT,\n" \
"  xray_trace_id TEXT,\n" \
"  emulated INTEGER NOT NULL DEFAULT 0,\n" \
"  init_type INTEGER,\n" \
"  timing INTEGER NOT NULL DEFAULT 0,\n" \
"  attempt INTEGER NOT NULL DEFAULT 1,\n" \
"  PRIMARY KEY(request_id, attempt));\n" \
"INSERT INTO invocations_v15(" SQL_INVOCATION_COLS_V14 ")\n" \
"  SELECT " SQL_INVOCATION_COLS_V14 " FROM invocations;\n" \
"DROP TABLE invocations;\n" \
"ALTER TABLE invocations_v15 RENAME TO invocations;\n" \
"CREATE INDEX invocations_stream_end ON invocations(stream_id, end_ts);\n" \
"CREATE INDEX invocations_failed ON invocations(end_ts, stream_id) WHERE outcome >= 2;\n" \
"CREATE INDEX invocations_cold ON invocations(end_ts, stream_id) WHERE cold = 1;\n" \
"CREATE INDEX invocations_time ON invocations(coalesce(end_ts, start_ts));\n" \
"DELETE FROM deferred_index WHERE name IN ('invocations_failed', 'invocations_cold', 'invocations_time');\n" \
"CREATE VIEW invocations_v AS SELECT i.*, s.function, s.log_group, s.stream,\n" \
"  CASE i.outcome WHEN 0 THEN 'ok' WHEN 1 THEN 'error' WHEN 2 THEN 'timeout'\n" \
"    WHEN 3 THEN 'crash' WHEN 4 THEN 'oom' END AS outcome_name,\n" \
"  CASE i.init_type WHEN " OBS_STR(STORE_INIT_ON_DEMAND) " THEN 'on-demand' WHEN " OBS_STR(STORE_INIT_PROVISIONED) \
  " THEN 'provisioned-concurrency'\n" \
"    WHEN " OBS_STR(STORE_INIT_SNAP_START) " THEN 'snap-start' END AS init_type_name\n" \
"  FROM invocations i JOIN streams s ON s.id = i.stream_id;\n"

/* Applied in order; index = the user_version the migration starts from. */
#define STORE_MIGRATIONS { SQL_V1, SQL_V2, SQL_V3, SQL_V4, SQL_V5, SQL_V6, SQL_V7, SQL_V8, SQL_V9, SQL_V10, \
                           SQL_V11, SQL_V12, SQL_V13, SQL_V14, SQL_V15 }
#define STORE_SCHEMA_VERSION 15

/* ---- deferred indexes (v13) -------------------------------------------- */

#define SQL_DEFERRED_COUNT "SELECT count(*) FROM deferred_index"
#define SQL_DEFERRED_LIST "SELECT name, sql FROM deferred_index ORDER BY name"
#define SQL_DEFERRED_ADD \
"INSERT OR IGNORE INTO deferred_index(name, sql)\n" \
"  SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND name = ?1"
#define SQL_DEFERRED_DONE "DELETE FROM deferred_index WHERE name = ?1"
#define SQL_INDEX_EXISTS "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?1"
/* the events a store holds, at most (retention leaves gaps in the ids) */
#define SQL_EVENTS_SPAN "SELECT coalesce(max(id) - min(id) + 1, 0) FROM events"

/* ---- connection pragmas ------------------------------------------------ */

#define SQL_PRAGMAS_WRITER \
"PRAGMA journal_mode=WAL;" \
"PRAGMA synchronous=NORMAL;" \
"PRAGMA secure_delete=OFF;" \
"PRAGMA foreign_keys=OFF;" \
"PRAGMA cache_size=-65536;" \
"PRAGMA wal_autocheckpoint=16384;" \
"PRAGMA mmap_size=268435456;"

/* ---- writer statements ------------------------------------------------- */

#define SQL_STREAM_FIND \
"SELECT id, runtime_version FROM streams WHERE log_group = ?1 AND stream = ?2"
#define SQL_STREAM_INSERT \
"INSERT INTO streams(function, log_group, stream, id) VALUES(?1, ?2, ?3, ?4)"
/* the writer's ids: the next after the newest (txn.c); every stream, as
 * the writer keeps them in memory (writer_known.c) */
#define SQL_NEXT_IDS \
"SELECT (SELECT max(id) FROM events), (SELECT max(id) FROM streams)"
#define SQL_STREAMS_ALL \
"SELECT id, log_group, stream FROM streams"
/* every stored request id (agent/rid_set.h keeps their hashes) */
#define SQL_INVOCATION_IDS \
"SELECT DISTINCT request_id FROM invocations"
#define SQL_STREAM_TOUCH \
"UPDATE streams SET first_ts = min(coalesce(first_ts, ?2), ?2),\n" \
"  last_ts = max(coalesce(last_ts, ?3), ?3),\n" \
"  runtime_version = coalesce(?4, runtime_version) WHERE id = ?1"

#define SQL_EVENT_INSERT \
"INSERT INTO events(ts, ingest_ts, stream_id, kind, type, request_id, level,\n" \
"  message, flags, duration, billed_duration, memory_size, max_memory_used,\n" \
"  init_duration, restore_duration, billed_restore_duration, xray_trace_id,\n" \
"  xray_segment_id, status, error_type, outcome, throttle, json_at, raw, emf,\n" \
"  emf_error, id)\n" \
"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,\n" \
"  ?20,?21,?22,?23,?24,?25,?26,?27)"
#define SQL_FTS_INSERT \
"INSERT INTO events_fts(rowid, message) VALUES(?1, ?2)"

/* Invocation facts merge: a later line fills what is still unknown, and the
 * outcome only ever gets more severe (see classify.h lambda_outcome_t). */
#define SQL_INVOCATION_UPSERT \
"INSERT INTO invocations(request_id, stream_id, start_ts, end_ts, version,\n" \
"  duration, billed_duration, memory_size, max_memory_used, init_duration,\n" \
"  restore_duration, cold, outcome, error_type, runtime_version, xray_trace_id, emulated,\n" \
"  init_type, timing, attempt)\n" \
"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)\n" \
"ON CONFLICT(request_id, attempt) DO UPDATE SET\n" \
"  start_ts = coalesce(start_ts, excluded.start_ts),\n" \
"  end_ts = coalesce(excluded.end_ts, end_ts),\n" \
"  version = coalesce(version, excluded.version),\n" \
"  duration = coalesce(excluded.duration, duration),\n" \
"  billed_duration = coalesce(excluded.billed_duration, billed_duration),\n" \
"  memory_size = coalesce(excluded.memory_size, memory_size),\n" \
"  max_memory_used = coalesce(excluded.max_memory_used, max_memory_used),\n" \
"  init_duration = coalesce(excluded.init_duration, init_duration),\n" \
"  restore_duration = coalesce(excluded.restore_duration, restore_duration),\n" \
"  cold = max(cold, excluded.cold),\n" \
"  error_type = CASE WHEN excluded.outcome > outcome\n" \
"    THEN coalesce(excluded.error_type, error_type)\n" \
"    ELSE coalesce(error_type, excluded.error_type) END,\n" \
"  outcome = max(outcome, excluded.outcome),\n" \
"  runtime_version = coalesce(runtime_version, excluded.runtime_version),\n" \
"  xray_trace_id = coalesce(xray_trace_id, excluded.xray_trace_id),\n" \
"  emulated = max(emulated, excluded.emulated),\n" \
"  init_type = coalesce(excluded.init_type, init_type),\n" \
"  timing = excluded.timing"

/* The XRAY line Lambda writes after a REPORT gives that REPORT its trace. */
#define SQL_EVENT_SET_XRAY \
"UPDATE events SET xray_trace_id = ?2, xray_segment_id = ?3 WHERE id = ?1 AND xray_trace_id IS NULL"

/* The last attempt stored of a request id (the merge starts from it). */
#define SQL_INVOCATION_GET \
"SELECT stream_id, start_ts, end_ts, duration, billed_duration, memory_size,\n" \
"  max_memory_used, init_duration, restore_duration, cold, outcome, emulated,\n" \
"  version, error_type, xray_trace_id, init_type, timing, attempt FROM invocations\n" \
"  WHERE request_id = ?1 ORDER BY attempt DESC LIMIT 1"

/* The same upsert for a minute and for its hour (v5): T the table, K its
 * time column. */
#define SQL_ROLLUP_UPSERT_INTO(T, K) \
"INSERT INTO " T "(function, " K ", events, error_lines, invocations,\n" \
"  errors, timeouts, crashes, oom, cold_starts, throttle_signals, duration_sum,\n" \
"  duration_max, billed_sum, gb_seconds, init_sum, init_max, max_memory_used,\n" \
"  memory_size, emf_documents, emf_parsing_errors, emf_validation_errors,\n" \
"  duration_sketch, init_sketch, emulated)\n" \
"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,\n" \
"  ?20,?21,?22,?23,?24,?25)\n" \
"ON CONFLICT(function, " K ") DO UPDATE SET\n" \
"  events = events + excluded.events,\n" \
"  error_lines = error_lines + excluded.error_lines,\n" \
"  invocations = invocations + excluded.invocations,\n" \
"  errors = errors + excluded.errors,\n" \
"  timeouts = timeouts + excluded.timeouts,\n" \
"  crashes = crashes + excluded.crashes,\n" \
"  oom = oom + excluded.oom,\n" \
"  cold_starts = cold_starts + excluded.cold_starts,\n" \
"  throttle_signals = throttle_signals + excluded.throttle_signals,\n" \
"  duration_sum = duration_sum + excluded.duration_sum,\n" \
"  duration_max = max(coalesce(duration_max, excluded.duration_max), coalesce(excluded.duration_max, duration_max)),\n" \
"  billed_sum = billed_sum + excluded.billed_sum,\n" \
"  gb_seconds = gb_seconds + excluded.gb_seconds,\n" \
"  init_sum = init_sum + excluded.init_sum,\n" \
"  init_max = max(coalesce(init_max, excluded.init_max), coalesce(excluded.init_max, init_max)),\n" \
"  max_memory_used = max(coalesce(max_memory_used, excluded.max_memory_used), coalesce(excluded.max_memory_used, max_memory_used)),\n" \
"  memory_size = coalesce(excluded.memory_size, memory_size),\n" \
"  emf_documents = emf_documents + excluded.emf_documents,\n" \
"  emf_parsing_errors = emf_parsing_errors + excluded.emf_parsing_errors,\n" \
"  emf_validation_errors = emf_validation_errors + excluded.emf_validation_errors,\n" \
"  duration_sketch = CASE WHEN excluded.duration_sketch IS NULL THEN duration_sketch\n" \
"    ELSE obs_sketch_merge(duration_sketch, excluded.duration_sketch) END,\n" \
"  init_sketch = CASE WHEN excluded.init_sketch IS NULL THEN init_sketch\n" \
"    ELSE obs_sketch_merge(init_sketch, excluded.init_sketch) END,\n" \
"  emulated = emulated + excluded.emulated"
#define SQL_ROLLUP_UPSERT SQL_ROLLUP_UPSERT_INTO("rollup_minute", "minute")
#define SQL_ROLLUP_HOUR_UPSERT SQL_ROLLUP_UPSERT_INTO("rollup_hour", "hour")

#define SQL_SOURCE_FIND \
"SELECT path, fingerprint, fingerprint_len, window_fp, window_len, offset, size, stream_id,\n" \
"  updated_ts, rotated FROM sources WHERE dev = ?1 AND ino = ?2"
#define SQL_SOURCE_UPSERT \
"INSERT INTO sources(path, dev, ino, fingerprint, fingerprint_len, window_fp, window_len,\n" \
"  offset, size, stream_id, updated_ts, rotated) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)\n" \
"ON CONFLICT(dev, ino) DO UPDATE SET path = excluded.path,\n" \
"  fingerprint = excluded.fingerprint, fingerprint_len = excluded.fingerprint_len,\n" \
"  window_fp = excluded.window_fp, window_len = excluded.window_len,\n" \
"  offset = excluded.offset, size = excluded.size, stream_id = excluded.stream_id,\n" \
"  updated_ts = excluded.updated_ts, rotated = excluded.rotated"

#define SQL_SERIES_FIND \
"SELECT id FROM metric_series WHERE namespace = ?1 AND name = ?2 AND unit = ?3\n" \
"  AND resolution = ?4 AND dimensions = ?5"
#define SQL_SERIES_INSERT \
"INSERT INTO metric_series(namespace, name, unit, resolution, dimensions)\n" \
"VALUES(?1, ?2, ?3, ?4, ?5)"
/* value NULL: a statistic set; sum, min, max NULL: derived from value (v14) */
#define SQL_POINT_INSERT \
"INSERT INTO metric_points(series_id, ts, value, event_id, count, sum, min, max)\n" \
"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
/* obs_sketch_merge() is registered on the writer connection (metric_rollup.c). */
#define SQL_METRIC_ROLLUP_UPSERT \
"INSERT INTO metric_rollup_minute(series_id, minute, count, sum, min, max, sketch)\n" \
"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)\n" \
"ON CONFLICT(series_id, minute) DO UPDATE SET count = count + excluded.count,\n" \
"  sum = sum + excluded.sum, min = min(min, excluded.min), max = max(max, excluded.max),\n" \
"  sketch = obs_sketch_merge(sketch, excluded.sketch)"
#define SQL_SERIES_FUNCTION_ADD \
"INSERT OR IGNORE INTO metric_series_function(series_id, function) VALUES(?1, ?2)"

#define SQL_VOCAB_ADD \
"INSERT OR IGNORE INTO fts_vocab(token) VALUES(?1)"

#define SQL_SOURCE_DELETE \
"DELETE FROM sources WHERE dev = ?1 AND ino = ?2"
#define SQL_SOURCES_ALL \
"SELECT path, dev, ino, fingerprint, fingerprint_len, window_fp, window_len, offset, size,\n" \
"  stream_id, updated_ts, rotated FROM sources ORDER BY path, id"
/* the newest MISSED_KEEP rows are kept */
#define SQL_MISSED_ADD \
"INSERT INTO missed(ts, path, bytes, reason) VALUES(?1, ?2, ?3, ?4)"
#define SQL_MISSED_TRIM \
"DELETE FROM missed WHERE id <= (SELECT max(id) FROM missed) - 1000"

/* A batch's end and the next one's start, when the writer thread runs them
 * (store_commit, store_commit_async). */
#define SQL_COMMIT "COMMIT"
#define SQL_BEGIN "BEGIN IMMEDIATE"

#define SQL_COUNTER_ADD \
"INSERT INTO agent_counters(name, value) VALUES(?1, ?2)\n" \
"ON CONFLICT(name) DO UPDATE SET value = value + excluded.value"


/* ---- retention (store/retention.c) --------------------------------------- */
/* ?1 is the cutoff (a whole minute, ms), ?2 the most rows one batch takes.
 * The events of a batch are those before a bound (?1): the ts of the
 * ?2-th oldest event + 1, or the cutoff when fewer remain. Their full-text
 * entries go first: an external-content FTS5 table forgets a row only when
 * told its old values (the 'delete' command), and the writer indexed every
 * non-empty message (store/writer.c). */
#define SQL_RET_EVENTS_BOUND \
"SELECT ts FROM events WHERE ts < ?1 ORDER BY ts LIMIT 1 OFFSET ?2 - 1"
/* Before the events of a batch go, each (function, minute) and (function,
 * hour) rollup counts them as evicted (v12); W selects the batch's events
 * (of e), ?1 its bound. SPAN is the row's length in ms. */
#define SQL_RET_EVICTED_INTO(T, K, SPAN, W) \
"UPDATE " T " SET evicted = evicted + d.n FROM (SELECT s.function AS f,\n" \
"    e.ts - ((e.ts % " SPAN ") + " SPAN ") % " SPAN " AS k, count(*) AS n\n" \
"  FROM events e JOIN streams s ON s.id = e.stream_id WHERE " W " GROUP BY 1, 2) d\n" \
"  WHERE " T ".function = d.f AND " T "." K " = d.k"
#define SQL_RET_EVICTED_MINUTE SQL_RET_EVICTED_INTO("rollup_minute", "minute", "60000", "e.ts < ?1")
#define SQL_RET_EVICTED_HOUR SQL_RET_EVICTED_INTO("rollup_hour", "hour", "3600000", "e.ts < ?1")
#define SQL_RET_FTS_DELETE \
"INSERT INTO events_fts(events_fts, rowid, message)\n" \
"  SELECT 'delete', id, message FROM events WHERE ts < ?1 AND message != ''"
#define SQL_RET_EVENTS_DELETE \
"DELETE FROM events WHERE ts < ?1"
#define SQL_RET_POINTS_DELETE \
"DELETE FROM metric_points WHERE id IN\n" \
"  (SELECT id FROM metric_points WHERE ts < ?1 ORDER BY ts LIMIT ?2)"
#define SQL_RET_INVOCATIONS_DELETE \
"DELETE FROM invocations WHERE rowid IN (SELECT rowid FROM invocations\n" \
"  WHERE coalesce(end_ts, start_ts) < ?1 LIMIT ?2)"
#define SQL_RET_ROLLUP_MINUTE_DELETE \
"DELETE FROM rollup_minute WHERE (function, minute) IN\n" \
"  (SELECT function, minute FROM rollup_minute WHERE minute <= ?1 - 60000 LIMIT ?2)"
/* an hour goes when all of it is before the cutoff */
#define SQL_RET_ROLLUP_HOUR_DELETE \
"DELETE FROM rollup_hour WHERE (function, hour) IN\n" \
"  (SELECT function, hour FROM rollup_hour WHERE hour <= ?1 - 3600000 LIMIT ?2)"
/* by series (the primary key's first column), then by minute; a minute
 * goes when all of it is before the cutoff */
#define SQL_RET_METRIC_ROLLUP_DELETE \
"DELETE FROM metric_rollup_minute WHERE (series_id, minute) IN\n" \
"  (SELECT series_id, minute FROM metric_rollup_minute\n" \
"   WHERE series_id IN (SELECT id FROM metric_series) AND minute <= ?1 - 60000 LIMIT ?2)"
/* the time after the n oldest events (?1 = n): the n-th's, plus 1 */
#define SQL_RET_EVENTS_NTH \
"SELECT ts + 1 FROM events ORDER BY ts LIMIT 1 OFFSET ?1 - 1"
#define SQL_RET_EVENTS_LAST \
"SELECT max(ts) + 1 FROM events"
/* events of absurd time (v9's partial index events_absurd), by arrival */
#define SQL_RET_ABSURD_BOUND \
"SELECT ingest_ts FROM events WHERE flags & " OBS_STR(EVF_TIME_ABSURD_BIT) " != 0 AND ingest_ts < ?1\n" \
"  ORDER BY ingest_ts LIMIT 1 OFFSET ?2 - 1"
#define SQL_RET_ABSURD_FTS_DELETE \
"INSERT INTO events_fts(events_fts, rowid, message)\n" \
"  SELECT 'delete', id, message FROM events\n" \
"  WHERE flags & " OBS_STR(EVF_TIME_ABSURD_BIT) " != 0 AND ingest_ts < ?1 AND message != ''"
#define SQL_RET_ABSURD_WHERE \
"e.flags & " OBS_STR(EVF_TIME_ABSURD_BIT) " != 0 AND e.ingest_ts < ?1"
#define SQL_RET_ABSURD_EVICTED_MINUTE \
SQL_RET_EVICTED_INTO("rollup_minute", "minute", "60000", SQL_RET_ABSURD_WHERE)
#define SQL_RET_ABSURD_EVICTED_HOUR \
SQL_RET_EVICTED_INTO("rollup_hour", "hour", "3600000", SQL_RET_ABSURD_WHERE)
#define SQL_RET_ABSURD_DELETE \
"DELETE FROM events WHERE flags & " OBS_STR(EVF_TIME_ABSURD_BIT) " != 0 AND ingest_ts < ?1"
#define SQL_RET_OLDEST \
"SELECT min(t) FROM (SELECT min(ts) AS t FROM events\n" \
"  UNION ALL SELECT min(ts) FROM metric_points)"

#endif
