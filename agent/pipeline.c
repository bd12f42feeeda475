/* agent/pipeline.c — line -> classify -> event, invocation, rollup (see
 * pipeline.h). Time rule for lines that print none (text START/END/REPORT,
 * bare EMF, print() output): the time of the last timed line before it in the
 * same stream. Lines at the head of a stream, before any timed line, are held
 * (up to PENDING_MAX_LINES) and take the time of the stream's first timed
 * line; if none comes before the next checkpoint they take their arrival
 * time. Each event is flagged with the rule that gave its time.
 * Multi-line events: a line that may take continuation lines is kept in its
 * source's multiline_event_t instead of being stored; the event is stored,
 * classified by its first line, once a line does not continue it. */
#include "agent/pipeline.h"
#include "agent/pipeline_emf.h"
#include "lambda/throttle.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "common/clock.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The kinds SQL text names (store/store.h) are the classifier's. */
_Static_assert(STORE_KIND_PLAIN == LK_PLAIN && STORE_KIND_APP == LK_APP && STORE_KIND_REPORT == LK_REPORT &&
                   STORE_KIND_TIMEOUT == LK_TIMEOUT && STORE_KIND_RUNTIME_EXIT == LK_RUNTIME_EXIT &&
                   STORE_KIND_ERROR_TYPE == LK_ERROR_TYPE,
               "events.kind values named in SQL differ from lambda_kind_t");

#define MB_BYTES 1000000LL   /* Logs Insights: @memorySize = MB x 1,000,000 */
#define PENDING_MAX_LINES 1000
#define PENDING_MAX_BYTES (4 * 1024 * 1024)

/* A line held until its stream's first timed line (a copy of its bytes). */
typedef struct pending_line {
    char *bytes;
    size_t len, head;         /* head: bytes of its first line (multi-line events) */
    int flags;
    int64_t arrival_ms;
} pending_line_t;

struct pipeline_stream {
    int64_t id;
    char *function;
    int has_last_ts;
    int64_t last_ts;          /* time of the last timed line (for inheritance) */
    int64_t first_seen, last_seen;
    int dirty;                /* first/last/runtime changed since the last sync */
    char *runtime_version;    /* from INIT_START */
    int cold_pending;         /* INIT_START seen, no START yet */
    char cur_req[64];         /* request between START and REPORT ("" = none) */
    int cur_cold;
    lambda_outcome_t cur_outcome;
    char cur_error_type[96];
    pending_line_t *pending;  /* head-of-stream lines waiting for a time */
    int npending, pending_cap;
    size_t pending_bytes;
};

struct pipeline {
    store_t *st;
    pipeline_stream_t **streams;      /* all streams, in opening order */
    int nstreams, cap;
    pipeline_stream_t **by_id;        /* open-addressing table on stream id */
    int by_id_cap;
    pipeline_stream_t **dirty;        /* streams touched since the last sync */
    int ndirty, dirty_cap;
    pipeline_stats_t stats, synced;   /* synced: what counters already hold */
    int emf_off;                      /* EMF extraction disabled */
    int ml_off;                       /* multi-line events disabled */
    size_t ml_max;                    /* bytes of a multi-line event at most */
    char *scratch;                    /* NUL-replaced copy of a line */
    size_t scratch_cap;
};

pipeline_t *pipeline_new(store_t *st)
{
    pipeline_t *pl = xcalloc(1, sizeof *pl);
    pl->st = st;
    pl->ml_max = LINE_MAX_DEFAULT;
    return pl;
}

static void free_streams(pipeline_t *pl)
{
    for (int i = 0; i < pl->nstreams; i++) {
        for (int k = 0; k < pl->streams[i]->npending; k++)
            free(pl->streams[i]->pending[k].bytes);
        free(pl->streams[i]->pending);
        free(pl->streams[i]->function);
        free(pl->streams[i]->runtime_version);
        free(pl->streams[i]);
    }
    free(pl->streams);
    free(pl->by_id);
    free(pl->dirty);
    pl->streams = pl->by_id = pl->dirty = NULL;
    pl->nstreams = pl->cap = pl->by_id_cap = pl->ndirty = pl->dirty_cap = 0;
}

void pipeline_free(pipeline_t *pl)
{
    if (!pl)
        return;
    free_streams(pl);
    free(pl->scratch);
    free(pl);
}

void pipeline_reset(pipeline_t *pl)
{
    free_streams(pl);
    memset(&pl->stats, 0, sizeof pl->stats);
    memset(&pl->synced, 0, sizeof pl->synced);
}

static pipeline_stream_t **id_slot(pipeline_stream_t **tab, int cap, int64_t id)
{
    uint64_t i = ((uint64_t)id * 0x9E3779B97F4A7C15ULL) & (uint64_t)(cap - 1);
    while (tab[i] && tab[i]->id != id)
        i = (i + 1) & (uint64_t)(cap - 1);
    return &tab[i];
}

static void index_stream(pipeline_t *pl, pipeline_stream_t *ps)
{
    if ((pl->nstreams + 1) * 2 > pl->by_id_cap) {
        int cap = pl->by_id_cap ? pl->by_id_cap * 2 : 64;
        pipeline_stream_t **tab = xcalloc((size_t)cap, sizeof *tab);
        for (int i = 0; i < pl->nstreams; i++)
            *id_slot(tab, cap, pl->streams[i]->id) = pl->streams[i];
        free(pl->by_id);
        pl->by_id = tab;
        pl->by_id_cap = cap;
    }
    *id_slot(pl->by_id, pl->by_id_cap, ps->id) = ps;
}

int pipeline_stream_open(pipeline_t *pl, const char *function, const char *log_group,
                         const char *stream, pipeline_stream_t **out, obs_err_t *err)
{
    int64_t id;
    int rc = store_stream_id(pl->st, function, log_group, stream, &id, err);
    if (rc)
        return rc;
    pipeline_stream_t **slot = pl->by_id ? id_slot(pl->by_id, pl->by_id_cap, id) : NULL;
    if (slot && *slot) {
        *out = *slot;
        return 0;
    }
    if (pl->nstreams == pl->cap) {
        pl->cap = pl->cap ? pl->cap * 2 : 16;
        pl->streams = xrealloc(pl->streams, (size_t)pl->cap * sizeof *pl->streams);
    }
    pipeline_stream_t *ps = xcalloc(1, sizeof *ps);
    ps->id = id;
    ps->function = xstrdup(function);
    index_stream(pl, ps);
    pl->streams[pl->nstreams++] = ps;
    *out = ps;
    return 0;
}

int64_t pipeline_stream_id(const pipeline_stream_t *ps)
{
    return ps->id;
}

void pipeline_set_emf(pipeline_t *pl, int enabled)
{
    pl->emf_off = !enabled;
}

void pipeline_set_multiline(pipeline_t *pl, int enabled, size_t max_bytes)
{
    pl->ml_off = !enabled;
    pl->ml_max = max_bytes ? max_bytes : LINE_MAX_DEFAULT;
}

const pipeline_stats_t *pipeline_stats(const pipeline_t *pl)
{
    return &pl->stats;
}

/* Copy the line with every NUL byte replaced by U+2400 (3 bytes); *head
 * (a length within the line) is moved to match. */
static obs_span_t replace_nuls(pipeline_t *pl, const char *p, size_t len, size_t *head)
{
    size_t old_head = *head;
    size_t need = len * 3 + 1;
    if (need > pl->scratch_cap) {
        pl->scratch_cap = need;
        pl->scratch = xrealloc(pl->scratch, need);
    }
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (i == old_head)
            *head = o;
        if (p[i]) {
            pl->scratch[o++] = p[i];
        } else {
            memcpy(pl->scratch + o, "\xE2\x90\x80", 3);
            o += 3;
        }
    }
    if (old_head == len)
        *head = o;
    return obs_span(pl->scratch, o);
}

static int64_t mb_to_bytes(int64_t mb)
{
    return mb < 0 ? -1 : mb * MB_BYTES;
}

static int is_request_id(obs_span_t id)
{
    return id.len > 0 && id.len < sizeof(((pipeline_stream_t *)0)->cur_req) &&
           !(id.len == 9 && memcmp(id.p, "undefined", 9) == 0);
}

static int same_req(const pipeline_stream_t *ps, obs_span_t id)
{
    return ps->cur_req[0] && strlen(ps->cur_req) == id.len && memcmp(ps->cur_req, id.p, id.len) == 0;
}

static void set_span(char *dst, size_t size, obs_span_t v)
{
    size_t n = v.len < size - 1 ? v.len : size - 1;
    if (v.p)
        memcpy(dst, v.p, n);
    dst[v.p ? n : 0] = '\0';
}

static store_invocation_t invocation_for(const pipeline_stream_t *ps, obs_span_t req)
{
    store_invocation_t inv;
    memset(&inv, 0, sizeof inv);
    inv.request_id = req;
    inv.stream_id = ps->id;
    inv.start_ts = inv.end_ts = -1;
    inv.duration = inv.billed_duration = inv.init_duration = inv.restore_duration = NAN;
    inv.memory_size = inv.max_memory_used = -1;
    inv.runtime_version = ps->runtime_version;
    return inv;
}

static void mark_dirty(pipeline_t *pl, pipeline_stream_t *ps)
{
    if (ps->dirty)
        return;
    if (pl->ndirty == pl->dirty_cap) {
        pl->dirty_cap = pl->dirty_cap ? pl->dirty_cap * 2 : 16;
        pl->dirty = xrealloc(pl->dirty, (size_t)pl->dirty_cap * sizeof *pl->dirty);
    }
    pl->dirty[pl->ndirty++] = ps;
    ps->dirty = 1;
}

static void on_init_start(pipeline_t *pl, pipeline_stream_t *ps, const lambda_line_t *r)
{
    ps->cold_pending = 1;
    if (r->runtime_version.len) {
        free(ps->runtime_version);
        ps->runtime_version = xstrndup(r->runtime_version.p, r->runtime_version.len);
        mark_dirty(pl, ps);
    }
}

static int on_start(pipeline_t *pl, pipeline_stream_t *ps, const lambda_line_t *r, int64_t ts,
                    obs_err_t *err)
{
    set_span(ps->cur_req, sizeof ps->cur_req, r->request_id);
    ps->cur_cold = ps->cold_pending;
    ps->cold_pending = 0;
    ps->cur_outcome = LO_NONE;
    ps->cur_error_type[0] = '\0';
    store_invocation_t inv = invocation_for(ps, r->request_id);
    inv.start_ts = ts;
    inv.version = r->version;
    inv.cold = ps->cur_cold;
    return store_invocation_merge(pl->st, &inv, err);
}

/* A line that says how its invocation went (timeout, crash, uncaught error). */
static int on_outcome(pipeline_t *pl, pipeline_stream_t *ps, const lambda_line_t *r, obs_err_t *err)
{
    obs_span_t req = is_request_id(r->request_id) ? r->request_id
                                                  : obs_span(ps->cur_req, strlen(ps->cur_req));
    if (!is_request_id(req))
        return 0;
    if (same_req(ps, req) && r->outcome > ps->cur_outcome) {
        ps->cur_outcome = r->outcome;
        set_span(ps->cur_error_type, sizeof ps->cur_error_type, r->error_type);
    }
    store_invocation_t inv = invocation_for(ps, req);
    inv.outcome = r->outcome;
    inv.error_type = r->error_type;
    return store_invocation_merge(pl->st, &inv, err);
}

static int on_report(pipeline_t *pl, pipeline_stream_t *ps, const lambda_line_t *r, int64_t ts,
                     store_rollup_delta_t *d, obs_err_t *err)
{
    int current = same_req(ps, r->request_id);
    lambda_outcome_t outcome = r->outcome;
    obs_span_t error_type = r->error_type;
    if (current && ps->cur_outcome > outcome) {
        outcome = ps->cur_outcome;
        error_type = obs_span(ps->cur_error_type, strlen(ps->cur_error_type));
    }
    /* A crash that used all the memory is an out-of-memory kill. */
    if (outcome == LO_CRASH && r->memory_size_mb > 0 && r->max_memory_used_mb >= r->memory_size_mb)
        outcome = LO_OOM;
    int cold = (current && ps->cur_cold) || !isnan(r->init_duration_ms) ||
               !isnan(r->restore_duration_ms);

    store_invocation_t inv = invocation_for(ps, r->request_id);
    inv.end_ts = ts;
    inv.duration = r->duration_ms;
    inv.billed_duration = r->billed_duration_ms;
    inv.memory_size = mb_to_bytes(r->memory_size_mb);
    inv.max_memory_used = mb_to_bytes(r->max_memory_used_mb);
    inv.init_duration = r->init_duration_ms;
    inv.restore_duration = r->restore_duration_ms;
    inv.cold = cold;
    inv.outcome = outcome;
    inv.error_type = error_type;
    inv.xray_trace_id = r->xray_trace_id;
    int rc = store_invocation_merge(pl->st, &inv, err);
    if (rc)
        return rc;

    d->invocations = 1;
    d->cold_starts = cold;
    d->errors = outcome == LO_ERROR;
    d->timeouts = outcome == LO_TIMEOUT;
    d->crashes = outcome == LO_CRASH;
    d->oom = outcome == LO_OOM;
    d->duration = r->duration_ms;
    d->billed = r->billed_duration_ms;
    d->init = r->init_duration_ms;
    d->max_memory_used = inv.max_memory_used;
    d->memory_size = inv.memory_size;
    if (!isnan(r->billed_duration_ms) && r->memory_size_mb > 0)
        d->gb_seconds = r->billed_duration_ms / 1000.0 * ((double)r->memory_size_mb / 1024.0);

    pl->stats.invocations++;
    pl->stats.cold_starts += cold;
    pl->stats.errors += d->errors;
    pl->stats.timeouts += d->timeouts;
    pl->stats.crashes += d->crashes;
    pl->stats.oom += d->oom;
    if (current)
        ps->cur_req[0] = '\0';
    return 0;
}

static void count_input(pipeline_t *pl, const line_t *line, size_t raw_bytes)
{
    pl->stats.lines++;
    pl->stats.bytes += (int64_t)raw_bytes;
    pl->stats.truncated += (line->flags & LINE_TRUNCATED) != 0;
    pl->stats.no_newline += (line->flags & LINE_NO_NEWLINE) != 0;
}

static void hold(pipeline_stream_t *ps, const line_t *line, size_t head, int64_t arrival)
{
    if (ps->npending == ps->pending_cap) {
        ps->pending_cap = ps->pending_cap ? ps->pending_cap * 2 : 16;
        ps->pending = xrealloc(ps->pending, (size_t)ps->pending_cap * sizeof *ps->pending);
    }
    pending_line_t *h = &ps->pending[ps->npending++];
    h->bytes = xmalloc(line->len ? line->len : 1);
    memcpy(h->bytes, line->p, line->len);
    h->len = line->len;
    h->head = head;
    h->flags = line->flags;
    h->arrival_ms = arrival;
    ps->pending_bytes += line->len;
}

/* Where a line comes from, when not from a log file: a forced time (-1 =
 * none, use the rule; else the time and its flag), and whether it was
 * declared an EMF document (sent to the EMF endpoint, as the CloudWatch
 * agent sends with the json/emf log format: CloudWatch then counts anything
 * else as an EMFParsingError). */
typedef struct line_origin {
    int64_t ts;
    int flag;
    int declared_emf;
} line_origin_t;

static int process_line(pipeline_t *pl, pipeline_stream_t *ps, const line_t *line, size_t head,
                        line_origin_t forced, ml_state_t *opens, obs_err_t *err);

/* Store the held lines with time ts (flagged), or their arrival time (ts < 0). */
static int release(pipeline_t *pl, pipeline_stream_t *ps, int64_t ts, obs_err_t *err)
{
    int rc = 0, n = ps->npending;
    pending_line_t *held = ps->pending;
    ps->pending = NULL;
    ps->npending = ps->pending_cap = 0;
    ps->pending_bytes = 0;
    for (int i = 0; i < n; i++) {
        line_t l = { held[i].bytes, held[i].len, held[i].flags };
        line_origin_t f = { ts >= 0 ? ts : held[i].arrival_ms,
                            ts >= 0 ? EVF_TIME_FROM_NEXT : EVF_TIME_ARRIVAL, 0 };
        if (!rc)
            rc = process_line(pl, ps, &l, held[i].head, f, NULL, err);
        free(held[i].bytes);
    }
    free(held);
    return rc;
}

int pipeline_flush(pipeline_t *pl, pipeline_stream_t *ps, multiline_event_t *ml, obs_err_t *err)
{
    if (!ml || ml->state == ML_NONE)
        return 0;
    int blank = multiline_trim(ml);
    int joined = ml->lines - 1 - blank;
    line_origin_t none = { -1, 0, 0 };
    line_t ev = { ml->buf, ml->len, ml->flags };
    pl->stats.lines += ml->lines;
    pl->stats.bytes += ml->raw_bytes;
    pl->stats.truncated += ml->truncated;
    pl->stats.no_newline += ml->no_newline;
    pl->stats.empty += blank;
    pl->stats.multiline_joined += joined;
    pl->stats.multiline_events += joined > 0;
    int rc = process_line(pl, ps, &ev, ml->head, none, NULL, err);
    multiline_clear(ml);
    return rc;
}

/* A line after a pending multi-line event: joined to it (returns 1), or the
 * event is stored first (returns 0; *rc says how that went). An event full
 * up is stored and the line starts the next one, in the same state. */
static int join(pipeline_t *pl, pipeline_stream_t *ps, multiline_event_t *ml, const line_t *line,
                size_t raw_bytes, int *rc, obs_err_t *err)
{
    ml_state_t next = ML_NONE;
    if (line->len == 0) {
        next = multiline_keeps_blank(ml->state) ? ml->state : ML_NONE;
    } else {
        lambda_line_t r;
        classify_line(line->p, line->len, &r);
        next = multiline_next(ml->state, line->p, line->len, &r);
        classify_result_done(&r);
    }
    if (next != ML_NONE && multiline_append(ml, line, raw_bytes, next, pl->ml_max) == 0)
        return 1;
    if ((*rc = pipeline_flush(pl, ps, ml, err)) || next == ML_NONE)
        return 0;
    pl->stats.multiline_capped++;
    multiline_begin(ml, line, raw_bytes, next);
    return 1;
}

int pipeline_line(pipeline_t *pl, pipeline_stream_t *ps, multiline_event_t *ml, const line_t *line,
                  size_t raw_bytes, obs_err_t *err)
{
    line_origin_t none = { -1, 0, 0 };
    int rc = 0;
    ml_state_t opens = ML_NONE;
    if (pl->ml_off)
        ml = NULL;
    if (ml && ml->state != ML_NONE && join(pl, ps, ml, line, raw_bytes, &rc, err))
        return rc;
    if (rc)
        return rc;
    if (line->len == 0) {
        count_input(pl, line, raw_bytes);
        pl->stats.empty++;
        return 0;
    }
    rc = process_line(pl, ps, line, line->len, none, ml ? &opens : NULL, err);
    if (opens != ML_NONE)
        multiline_begin(ml, line, raw_bytes, opens);  /* counted when stored */
    else
        count_input(pl, line, raw_bytes);
    return rc;
}

int pipeline_record(pipeline_t *pl, pipeline_stream_t *ps, const line_t *line, int64_t ts_ms,
                    int arrival, int declared_emf, obs_err_t *err)
{
    line_origin_t at = { ts_ms, arrival ? EVF_TIME_ARRIVAL : 0, declared_emf };
    count_input(pl, line, line->len + 1);
    if (line->len == 0) {
        pl->stats.empty++;
        return 0;
    }
    return process_line(pl, ps, line, line->len, at, NULL, err);
}

/* Store one event: a line, or a multi-line event whose first line is
 * line->p[0..head). With opens set, a line that may take continuation lines
 * is not stored: *opens gets its state and the caller keeps it. */
static int process_line(pipeline_t *pl, pipeline_stream_t *ps, const line_t *line, size_t head,
                        line_origin_t forced, ml_state_t *opens, obs_err_t *err)
{
    store_event_t ev;
    lambda_line_t r;
    store_rollup_delta_t d;
    int rc = 0;

    memset(&ev, 0, sizeof ev);
    memset(&d, 0, sizeof d);
    d.duration = d.billed = d.gb_seconds = d.init = NAN;
    d.max_memory_used = d.memory_size = -1;

    obs_span_t text = obs_span(line->p, line->len);
    int has_nul = memchr(line->p, '\0', line->len) != NULL;
    if (has_nul) {
        ev.flags |= EVF_NUL;
        ev.raw = text;
        text = replace_nuls(pl, line->p, line->len, &head);
    }
    if (line->flags & LINE_TRUNCATED)
        ev.flags |= EVF_TRUNCATED;
    if (line->flags & LINE_NO_NEWLINE)
        ev.flags |= EVF_NO_NEWLINE;

    classify_line(text.p, head, &r);
    if (opens && (*opens = multiline_opens(text.p, head, &r)) != ML_NONE) {
        classify_result_done(&r);
        return 0;
    }
    if (head < text.len && !r.throttle)  /* a signal in any line of the event */
        r.throttle = throttle_detect(text.p, text.len, NULL);

    int64_t ingest = obs_wall_ms();
    int64_t ts;
    if (forced.ts < 0 && !r.has_ts && !ps->has_last_ts) {
        classify_result_done(&r);
        /* Full: store what is held at its arrival time first, keeping order. */
        if ((ps->npending >= PENDING_MAX_LINES || ps->pending_bytes >= PENDING_MAX_BYTES) &&
            (rc = release(pl, ps, -1, err)))
            return rc;
        hold(ps, line, head, ingest);
        mark_dirty(pl, ps);  /* so that the next sync releases it */
        return 0;
    }
    if (forced.ts < 0 && r.has_ts && ps->npending) {
        /* The stream's first timed line: the held lines take its time, then
         * this line is classified again (release reuses the buffers). */
        int64_t first = r.ts_ms;
        classify_result_done(&r);
        if ((rc = release(pl, ps, first, err)))
            return rc;
        return process_line(pl, ps, line, head, forced, NULL, err);
    }
    if (has_nul)
        pl->stats.nul++;
    if (!utf8_valid(text.p, text.len)) {
        ev.flags |= EVF_INVALID_UTF8;
        pl->stats.invalid_utf8++;
    }
    if (forced.ts >= 0) {
        ts = forced.ts;
        ev.flags |= forced.flag;
    } else if (r.has_ts) {
        ts = r.ts_ms;
        ps->last_ts = ts;
        ps->has_last_ts = 1;
    } else if (ps->has_last_ts) {
        ts = ps->last_ts;
        ev.flags |= EVF_TIME_INHERITED;
    } else {
        ts = ingest;
        ev.flags |= EVF_TIME_ARRIVAL;
    }
    if (!ps->first_seen || ts < ps->first_seen)
        ps->first_seen = ts;
    if (ts > ps->last_seen)
        ps->last_seen = ts;
    mark_dirty(pl, ps);

    switch (r.kind) {
    case LK_INIT_START:
        on_init_start(pl, ps, &r);
        break;
    case LK_START:
        if (is_request_id(r.request_id))
            rc = on_start(pl, ps, &r, ts, err);
        break;
    case LK_REPORT:
        if (is_request_id(r.request_id))
            rc = on_report(pl, ps, &r, ts, &d, err);
        break;
    default:
        if (r.outcome != LO_NONE)
            rc = on_outcome(pl, ps, &r, err);
        break;
    }
    if (rc)
        goto out;

    ev.ts_ms = ts;
    ev.ingest_ms = ingest;
    ev.stream_id = ps->id;
    ev.kind = r.kind;
    ev.type = r.type;
    ev.request_id = r.request_id;
    ev.level = classify_level_name(r.level);
    ev.message = text;
    ev.duration = r.duration_ms;
    ev.billed_duration = r.billed_duration_ms;
    ev.memory_size = mb_to_bytes(r.memory_size_mb);
    ev.max_memory_used = mb_to_bytes(r.max_memory_used_mb);
    ev.init_duration = r.init_duration_ms;
    ev.restore_duration = r.restore_duration_ms;
    ev.billed_restore_duration = r.billed_restore_duration_ms;
    ev.xray_trace_id = r.xray_trace_id;
    ev.xray_segment_id = r.xray_segment_id;
    ev.status = r.status;
    ev.error_type = r.error_type;
    ev.outcome = r.outcome;
    ev.throttle = r.throttle;
    /* The JSON object is the tail of the message: store where it starts. */
    ev.json_at = r.json.p && r.json.p >= text.p && r.json.p + r.json.len <= text.p + text.len
                     ? (int64_t)(r.json.p - text.p)
                     : -1;
    ev.full_text = 1;  /* every line is in events_fts (docs/schema.md) */

    emf_result_t em = { 0 };
    if (!pl->emf_off && pipeline__emf_candidate(&r, text))
        emf_extract(r.tree, ts, &em);
    if (!pl->emf_off && forced.declared_emf && em.status == EMF_NOT_EMF)
        pipeline__emf_not_a_document(&r, &em);
    ev.emf = em.status;
    ev.emf_error = em.errors;
    int64_t rowid;
    rc = store_event_append(pl->st, &ev, &rowid, err);
    if (!rc && em.npoints)
        rc = pipeline__emf_store(pl->st, ps->function, rowid, &em, err);
    if (em.status != EMF_NOT_EMF) {
        d.emf_documents = 1;
        d.emf_parsing_errors = em.status == EMF_PARSE_ERROR;
        d.emf_validation_errors = em.status == EMF_INVALID;
        pl->stats.emf_documents++;
        pl->stats.emf_points += em.npoints;
        pl->stats.emf_parse_errors += d.emf_parsing_errors;
        pl->stats.emf_invalid += d.emf_validation_errors;
    }
    emf_result_free(&em);
    if (rc)
        goto out;

    pl->stats.events++;
    pl->stats.by_kind[r.kind]++;
    d.events = 1;
    d.error_lines = r.level >= LL_ERROR;
    if (r.throttle) {
        d.throttle_signals = 1;
        pl->stats.throttle++;
    }
    store_rollup_add(pl->st, ps->function, ts, &d);
out:
    classify_result_done(&r);
    return rc;
}

int pipeline_lines(pipeline_t *pl, pipeline_stream_t *ps, multiline_event_t *ml, line_reader_t *lr,
                   int at_eof, int *lines_out, obs_err_t *err)
{
    line_t line;
    int64_t before = lr->consumed;
    int rc = 0, n = 0;
    while (!rc && line_reader_next(lr, &line, at_eof)) {
        rc = pipeline_line(pl, ps, ml, &line, (size_t)(lr->consumed - before), err);
        before = lr->consumed;
        n++;
    }
    if (!rc && at_eof)
        rc = pipeline_flush(pl, ps, ml, err);
    if (lines_out)
        *lines_out = n;
    return rc;
}

static void push_counter(pipeline_t *pl, const char *name, int64_t now, int64_t *synced)
{
    if (now != *synced)
        store_counter_add(pl->st, name, now - *synced);
    *synced = now;
}

int pipeline_sync(pipeline_t *pl, obs_err_t *err)
{
    /* A checkpoint covers held lines: store them first (this may dirty more). */
    for (int i = 0; i < pl->ndirty; i++) {
        pipeline_stream_t *ps = pl->dirty[i];
        int rc = ps->npending ? release(pl, ps, -1, err) : 0;
        if (rc)
            return rc;
    }
    for (int i = 0; i < pl->ndirty; i++) {
        pipeline_stream_t *ps = pl->dirty[i];
        int rc = store_stream_touch(pl->st, ps->id, ps->first_seen, ps->last_seen,
                                    ps->runtime_version, err);
        if (rc)
            return rc;
        ps->dirty = 0;
    }
    pl->ndirty = 0;
    pipeline_stats_t *s = &pl->stats, *y = &pl->synced;
    push_counter(pl, "lines", s->lines, &y->lines);
    push_counter(pl, "bytes", s->bytes, &y->bytes);
    push_counter(pl, "events", s->events, &y->events);
    push_counter(pl, "empty_lines", s->empty, &y->empty);
    push_counter(pl, "truncated_lines", s->truncated, &y->truncated);
    push_counter(pl, "invalid_utf8_lines", s->invalid_utf8, &y->invalid_utf8);
    push_counter(pl, "nul_lines", s->nul, &y->nul);
    push_counter(pl, "no_newline_lines", s->no_newline, &y->no_newline);
    push_counter(pl, "emf_documents", s->emf_documents, &y->emf_documents);
    push_counter(pl, "emf_points", s->emf_points, &y->emf_points);
    push_counter(pl, "emf_parsing_errors", s->emf_parse_errors, &y->emf_parse_errors);
    push_counter(pl, "emf_validation_errors", s->emf_invalid, &y->emf_invalid);
    push_counter(pl, "multiline_events", s->multiline_events, &y->multiline_events);
    push_counter(pl, "multiline_joined", s->multiline_joined, &y->multiline_joined);
    push_counter(pl, "multiline_capped", s->multiline_capped, &y->multiline_capped);
    return 0;
}
