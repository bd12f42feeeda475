/* agent/pipeline_event.c — one event through the pipeline (pipeline_int.h):
 * classify it, give it a time, store it with its EMF points and rollup
 * counts, and merge what it says into its invocation.
 *
 * Time: the time a wrapper gave (CloudWatch's), else the line's own (a
 * runtime prefix, a JSON record's time field, a bare EMF document's
 * _aws.Timestamp), else that of the last timed line before it in the same
 * stream. Lines at the head of a stream, before any timed line, are held
 * (up to PENDING_MAX_LINES) and take the time of the stream's first timed
 * line; if none comes before the next checkpoint they take their arrival
 * time. Each event is flagged with the rule that gave its time.
 *
 * Invocations: a line that names its request (START, END, REPORT, a runtime
 * prefix's id, "RequestId: X ...") is merged into that invocation
 * (agent/invocations.c); one that says how an invocation went without naming
 * it (a bare "Runtime.ExitError", "Runtime exited with error: ...", a Python
 * "[ERROR] Type: msg") goes to the only request in flight in its stream, or
 * to the request of the platform line just before it (old runtimes printed
 * the crash after the REPORT), and to none when several are in flight.
 *
 * How an environment started (docs/concurrency.md): its INIT_START /
 * platform.initStart opens an init (JSON says its initializationType, a
 * RESTORE_START says SnapStart), an INIT_REPORT that did not fail in a text
 * log says the init ran ahead of requests (Lambda writes one for
 * provisioned concurrency, and for on-demand inits only when they fail),
 * and the stream's next START (or REPORT) is the environment's first
 * invocation, which takes the kind. */
#include "agent/pipeline_int.h"
#include "agent/pipeline_emf.h"
#include "lambda/throttle.h"
#include "common/clock.h"
#include "common/timesane.h"
#include "common/utf8.h"
#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The kinds SQL text names (store/store.h) are the classifier's. */
_Static_assert(STORE_KIND_PLAIN == LK_PLAIN && STORE_KIND_APP == LK_APP && STORE_KIND_REPORT == LK_REPORT &&
                   STORE_KIND_TIMEOUT == LK_TIMEOUT && STORE_KIND_RUNTIME_EXIT == LK_RUNTIME_EXIT &&
                   STORE_KIND_ERROR_TYPE == LK_ERROR_TYPE,
               "events.kind values named in SQL differ from lambda_kind_t");

#define MB_BYTES 1000000LL   /* Logs Insights: @memorySize = MB x 1,000,000 */
#define PENDING_MAX_LINES 1000
#define PENDING_MAX_BYTES (4 * 1024 * 1024)

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
    return id.len > 0 && id.len < 64 && !(id.len == 9 && memcmp(id.p, "undefined", 9) == 0);
}

static int span_is(const char *s, obs_span_t v)
{
    return strlen(s) == v.len && memcmp(s, v.p, v.len) == 0;
}

static void set_text(char *dst, size_t size, obs_span_t v)
{
    size_t n = v.len < size - 1 ? v.len : size - 1;
    if (v.p)
        memcpy(dst, v.p, n);
    dst[v.p ? n : 0] = '\0';
}

void pipeline__mark_dirty(pipeline_t *pl, pipeline_stream_t *ps)
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

/* ---- requests in flight in a stream ---------------------------------------- */

static void in_flight_add(pipeline_stream_t *ps, obs_span_t rid)
{
    for (int i = 0; i < ps->n_in_flight; i++)
        if (span_is(ps->in_flight[i], rid))
            return;
    if (ps->n_in_flight == PIPELINE_IN_FLIGHT_MAX) {
        memmove(ps->in_flight[0], ps->in_flight[1], sizeof ps->in_flight[0] * (PIPELINE_IN_FLIGHT_MAX - 1));
        ps->n_in_flight--;
    }
    set_text(ps->in_flight[ps->n_in_flight++], sizeof ps->in_flight[0], rid);
}

static void in_flight_remove(pipeline_stream_t *ps, obs_span_t rid)
{
    for (int i = 0; i < ps->n_in_flight; i++) {
        if (span_is(ps->in_flight[i], rid)) {
            memmove(ps->in_flight[i], ps->in_flight[i + 1], sizeof ps->in_flight[0] * (size_t)(ps->n_in_flight - i - 1));
            ps->n_in_flight--;
            return;
        }
    }
}

/* The request a line without a request id speaks of: the one the REPORT
 * or crash line just before it named (old runtimes printed the crash's
 * lines after the REPORT), else the only one in flight; none when several
 * are. */
static obs_span_t attributed(const pipeline_stream_t *ps)
{
    if (ps->last_rid[0])
        return obs_span(ps->last_rid, strlen(ps->last_rid));
    if (ps->n_in_flight == 1)
        return obs_span(ps->in_flight[0], strlen(ps->in_flight[0]));
    return obs_span(NULL, 0);
}

/* An emulator's REPORT: SAM local and the runtime interface emulator report
 * Max Memory Used = Memory Size and an Init Duration under a millisecond
 * (a real Init is never that short). */
static int emulated_report(const lambda_line_t *r)
{
    return r->memory_size_mb > 0 && r->max_memory_used_mb == r->memory_size_mb && !isnan(r->init_duration_ms) &&
           r->init_duration_ms < 1.0;
}

/* Merge what the line says into its invocation, and keep the stream's
 * requests in flight. */
static int invocation(pipeline_t *pl, pipeline_stream_t *ps, const lambda_line_t *r, int64_t ts, int ts_flags,
                      obs_err_t *err)
{
    obs_span_t rid = r->request_id;
    int xray_after_report = ps->last_report && r->kind == LK_PLATFORM && r->type && strcmp(r->type, "XRAY") == 0;
    if (xray_after_report)
        rid = obs_span(ps->last_report_rid, strlen(ps->last_report_rid));
    /* what may be followed by the invocation's own crash lines (not a
     * REPORT that says the invocation succeeded) */
    int ending = (r->kind == LK_REPORT && !span_is("success", r->status)) || r->kind == LK_RUNTIME_EXIT;
    int says = r->kind == LK_START || r->kind == LK_END || r->kind == LK_REPORT || r->outcome != LO_NONE ||
               xray_after_report;
    if (!says) {
        ps->last_rid[0] = '\0';
        return 0;
    }
    if (!is_request_id(rid)) {
        /* a START, END or REPORT with no request id says nothing of any
         * invocation (nor of the one a line after it may speak of) */
        if (r->kind == LK_START || r->kind == LK_END || r->kind == LK_REPORT) {
            ps->last_rid[0] = '\0';
            return 0;
        }
        rid = attributed(ps);
        if (!is_request_id(rid)) {
            pl->stats.outcome_unattributed += r->outcome != LO_NONE;
            ps->last_rid[0] = '\0';
            return 0;
        }
    }
    if (r->kind == LK_REPORT && emulated_report(r))
        ps->emulated = 1;
    char id[64];
    set_text(id, sizeof id, rid);
    invocation_source_t src = { ps->id, ps->function, ps->runtime_version, ps->emulated, 0, 0, 0 };
    src.ts_own = !(ts_flags & (EVF_TIME_INHERITED | EVF_TIME_ARRIVAL | EVF_TIME_FROM_NEXT));
    src.ts_late = (ts_flags & (EVF_TIME_ARRIVAL | EVF_TIME_FROM_NEXT)) != 0;
    if (ps->init_open && (r->kind == LK_START || r->kind == LK_REPORT)) {
        /* the environment's first invocation: an init of no known kind
         * ran on demand (its REPORT's Init Duration says if a request
         * waited for it) */
        src.init_type = ps->init_type ? ps->init_type : STORE_INIT_ON_DEMAND;
        ps->init_open = 0;
        ps->init_type = 0;
    }
    int ended = 0;
    int rc = invocations_merge(pl->inv, &src, obs_span(id, strlen(id)), r, ts, &ended, err);
    if (rc)
        return rc;
    if (r->kind == LK_START && !ended)
        in_flight_add(ps, obs_span(id, strlen(id)));
    else if (r->kind == LK_END || r->kind == LK_REPORT)
        in_flight_remove(ps, obs_span(id, strlen(id)));
    if (ending || r->kind == LK_ERROR_TYPE)
        memcpy(ps->last_rid, id, sizeof id);
    else
        ps->last_rid[0] = '\0';
    return 0;
}

/* A line that holds what Lambda's platform lines hold but did not classify
 * as one, or a START, END or REPORT with no request id (its invocation
 * cannot be found): a shape or a wrapper obs does not know (counted, the
 * first kept). */
static void unrecognised(pipeline_t *pl, const lambda_line_t *r, obs_span_t text)
{
    static const char *const markers[] = { "RequestId: ", "Task timed out after", "INIT_START Runtime",
                                           "Runtime exited with" };
    int hit = (r->kind == LK_START || r->kind == LK_END || r->kind == LK_REPORT) && r->request_id.len == 0;
    /* a platform keyword alone, its request id gone (`sls logs` v3 prints "START") */
    hit |= r->kind == LK_PLAIN && ((text.len == 5 && memcmp(text.p, "START", 5) == 0) ||
                                   (text.len == 3 && memcmp(text.p, "END", 3) == 0));
    for (size_t k = 0; !hit && (r->kind == LK_PLAIN || r->kind == LK_APP) && k < OBS_ARRAY_LEN(markers); k++)
        hit = memmem(text.p, text.len, markers[k], strlen(markers[k])) != NULL;
    if (!hit || pl->stats.unrecognised++)
        return;
    size_t n = text.len < sizeof pl->stats.unrecognised_first - 1 ? text.len : sizeof pl->stats.unrecognised_first - 1;
    memcpy(pl->stats.unrecognised_first, text.p, n);
    pl->stats.unrecognised_first[n] = '\0';
    for (size_t i = 0; i < n; i++)   /* one printable line */
        if ((unsigned char)pl->stats.unrecognised_first[i] < 0x20)
            pl->stats.unrecognised_first[i] = ' ';
}

/* ---- held lines ------------------------------------------------------------ */

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

int pipeline__release(pipeline_t *pl, pipeline_stream_t *ps, int64_t ts, obs_err_t *err)
{
    int rc = 0, n = ps->npending;
    pending_line_t *held = ps->pending;
    ps->pending = NULL;
    ps->npending = ps->pending_cap = 0;
    ps->pending_bytes = 0;
    for (int i = 0; i < n; i++) {
        line_t l = { held[i].bytes, held[i].len, held[i].flags };
        line_origin_t f = { ts >= 0 ? ts : held[i].arrival_ms, ts >= 0 ? EVF_TIME_FROM_NEXT : EVF_TIME_ARRIVAL, 0 };
        if (!rc)
            rc = pipeline__event(pl, ps, &l, held[i].head, f, NULL, err);
        free(held[i].bytes);
    }
    free(held);
    return rc;
}

/* ---- one event ------------------------------------------------------------- */

/* JSON's initializationType (and RESTORE_START's, set by the classifier). */
static int init_type_named(obs_span_t v)
{
    if (span_is("on-demand", v))
        return STORE_INIT_ON_DEMAND;
    if (span_is("provisioned-concurrency", v))
        return STORE_INIT_PROVISIONED;
    if (span_is("snap-start", v))
        return STORE_INIT_SNAP_START;
    return 0;
}

/* INIT_REPORT / RESTORE_REPORT: what the end of an init says of its kind.
 * An init that failed in the init phase is retried when the first request
 * comes ("Phase: invoke"): that request waited for it, so it is no init
 * ahead of requests; and its REPORT has no Init Duration, so it is no cold
 * start by CloudWatch's measure either: it is counted as neither. */
static void on_init_report(pipeline_stream_t *ps, const lambda_line_t *r)
{
    int named = init_type_named(r->init_type);
    if (r->kind == LK_INIT_REPORT && span_is("invoke", r->phase)) {
        ps->init_open = 0;
        ps->init_type = 0;
        return;
    }
    if (r->kind == LK_RESTORE_REPORT) {
        named = STORE_INIT_SNAP_START;
    } else if (!named && !r->tree) {
        /* a text INIT_REPORT that did not fail, in the init phase: written
         * for an environment initialised ahead of requests */
        int failed = r->status.len && !span_is("success", r->status);
        if (failed)
            return;
        if (ps->init_open && ps->init_type)
            return;
        named = STORE_INIT_PROVISIONED;
    }
    ps->init_open = 1;
    if (named)
        ps->init_type = named;
}

static void on_init_start(pipeline_t *pl, pipeline_stream_t *ps, const lambda_line_t *r)
{
    ps->init_open = 1;
    ps->init_type = init_type_named(r->init_type);
    if (r->runtime_version.len) {
        free(ps->runtime_version);
        ps->runtime_version = xstrndup(r->runtime_version.p, r->runtime_version.len);
        pipeline__mark_dirty(pl, ps);
    }
}

int pipeline__event(pipeline_t *pl, pipeline_stream_t *ps, const line_t *line, size_t head, line_origin_t forced,
                    ml_state_t *opens, obs_err_t *err)
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
    if (opens && ((*opens = multiline_opens(text.p, head, &r)) != ML_NONE ||
                  (*opens = multiline_report_opens(&r)) != ML_NONE)) {
        classify_result_done(&r);
        return 0;
    }
    if ((r.kind == LK_REPORT || (r.kind == LK_APP && r.outcome == LO_ERROR && !r.error_type.len && !r.tree) ||
         (r.kind == LK_APP && r.body.len <= 1 && (!r.body.len || r.body.p[0] == '{'))) &&
        head < text.len) {
        /* a REPORT with its XRAY line (or its fields on lines of their
         * own): one event, its fields on all; an error line with the error
         * object on the lines after it (Ruby): the object's type */
        classify_result_done(&r);
        classify_line(text.p, text.len, &r);
    } else if (head < text.len && !r.throttle) {  /* a signal in any line of the event */
        r.throttle = throttle_detect(text.p, text.len, NULL);
    }
    /* a message whose last line is a bare error type: the event's (an event
     * of one line, head == its length, has none: no scan of each line) */
    if (head < text.len)
        classify_error_tail(text.p, text.len, &r);

    int64_t ingest = obs_wall_ms();
    int64_t ts;
    if (forced.ts < 0 && !r.has_ts && !ps->has_last_ts) {
        classify_result_done(&r);
        /* Full: store what is held at its arrival time first, keeping order. */
        if ((ps->npending >= PENDING_MAX_LINES || ps->pending_bytes >= PENDING_MAX_BYTES) &&
            (rc = pipeline__release(pl, ps, -1, err)))
            return rc;
        hold(ps, line, head, ingest);
        pipeline__mark_dirty(pl, ps);  /* so that the next sync releases it */
        return 0;
    }
    if (forced.ts < 0 && r.has_ts && ps->npending) {
        /* The stream's first timed line: the held lines take its time, then
         * this line is classified again (release reuses the buffers). */
        int64_t first = r.ts_ms;
        classify_result_done(&r);
        if ((rc = pipeline__release(pl, ps, first, err)))
            return rc;
        return pipeline__event(pl, ps, line, head, forced, NULL, err);
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
        if (!forced.flag) {    /* a wrapper's time: the stream's own clock */
            ps->last_ts = ts;
            ps->has_last_ts = 1;
        }
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
    pipeline__mark_dirty(pl, ps);

    if (r.kind == LK_INIT_START)
        on_init_start(pl, ps, &r);
    else if (r.kind == LK_INIT_REPORT || r.kind == LK_RESTORE_REPORT)
        on_init_report(ps, &r);
    unrecognised(pl, &r, text);
    if ((rc = invocation(pl, ps, &r, ts, ev.flags, err)))
        goto out;

    ev.ts_ms = ts;
    ev.ingest_ms = ingest;
    if (obs_time_absurd(ts, ingest)) {   /* stored and flagged, never dropped */
        ev.flags |= EVF_TIME_ABSURD;
        pl->stats.time_absurd++;
    }
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
    /* the XRAY line Lambda writes after a REPORT: one CloudWatch event with
     * it, two here (docs/formats.md); the REPORT gets its trace */
    if (!rc && ps->last_report && r.kind == LK_PLATFORM && r.type && strcmp(r.type, "XRAY") == 0)
        rc = store_event_set_xray(pl->st, ps->last_report, r.xray_trace_id, r.xray_segment_id, err);
    if (r.kind == LK_REPORT && is_request_id(r.request_id)) {
        ps->last_report = rowid;
        set_text(ps->last_report_rid, sizeof ps->last_report_rid, r.request_id);
    } else {
        ps->last_report = 0;
    }
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
