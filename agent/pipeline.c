/* agent/pipeline.c — lines of a source into events (see pipeline.h): the
 * wrapper taken off each line (lambda/decode.h: the source's format is
 * sniffed from the first bytes read, or forced with --format), the line
 * sent to the stream the wrapper names, continuation lines joined into
 * multi-line events, and the streams' state written at each sync. One
 * event's way through is pipeline_event.c's. */
#include "agent/pipeline_int.h"
#include "common/clock.h"
#include "lambda/log_group.h"
#include "common/xalloc.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

pipeline_t *pipeline_new(store_t *st)
{
    pipeline_t *pl = xcalloc(1, sizeof *pl);
    pl->st = st;
    pl->inv = invocations_new(st);
    pl->ml_max = LINE_MAX_DEFAULT;
    pl->format = DECODE_AUTO;
    pl->stream_idle_ms = PIPELINE_STREAM_IDLE_MS;
    pl->in_flight_idle_ms = PIPELINE_IN_FLIGHT_IDLE_MS;
    pl->now_ms = pl->swept_ms = obs_mono_ms();
    return pl;
}

static void free_stream(pipeline_stream_t *ps)
{
    for (int k = 0; k < ps->npending; k++)
        free(ps->pending[k].bytes);
    free(ps->pending);
    free(ps->function);
    free(ps->log_group);
    free(ps->name);
    free(ps->runtime_version);
    free(ps);
}

static void free_streams(pipeline_t *pl)
{
    for (int i = 0; i < pl->nstreams; i++)
        free_stream(pl->streams[i]);
    pl->epoch++;
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
    invocations_free(pl->inv);
    free(pl->scratch);
    free(pl);
}

void pipeline_reset(pipeline_t *pl)
{
    free_streams(pl);
    invocations_reset(pl->inv);
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

static int stream_open(pipeline_t *pl, const char *function, const char *log_group, const char *stream,
                       pipeline_stream_t **out, obs_err_t *err)
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
    ps->log_group = xstrdup(log_group);
    ps->name = xstrdup(stream);
    decode_state_init(&ps->dec, pl->format);
    ps->used_ms = pl->now_ms;
    index_stream(pl, ps);
    pl->streams[pl->nstreams++] = ps;
    *out = ps;
    return 0;
}

int pipeline_stream_open(pipeline_t *pl, const char *function, const char *log_group,
                         const char *stream, pipeline_stream_t **out, obs_err_t *err)
{
    int rc = stream_open(pl, function, log_group, stream, out, err);
    if (!rc)
        (*out)->holds++;
    return rc;
}

void pipeline_stream_release(pipeline_t *pl, pipeline_stream_t *ps)
{
    (void)pl;
    if (ps && ps->holds > 0)
        ps->holds--;
}

int pipeline_stream_open_transient(pipeline_t *pl, const char *function, const char *log_group,
                                   const char *stream, pipeline_stream_t **out, obs_err_t *err)
{
    return stream_open(pl, function, log_group, stream, out, err);
}

int64_t pipeline_stream_id(const pipeline_stream_t *ps)
{
    return ps->id;
}

int64_t pipeline_epoch(const pipeline_t *pl)
{
    return pl->epoch;
}

int pipeline_streams_open(const pipeline_t *pl)
{
    return pl->nstreams;
}

void pipeline_set_stream_idle(pipeline_t *pl, int64_t ms)
{
    pl->stream_idle_ms = ms;
}

void pipeline_set_in_flight_idle(pipeline_t *pl, int64_t in_flight_ms)
{
    pl->in_flight_idle_ms = in_flight_ms;
}

/* Mark kept the streams a kept source points to (where its last line went,
 * where a pending multi-line event of it goes, its wrapper's last stream):
 * until the source lets go of them. Returns how many it marked. */
static int keep_children(pipeline_t *pl)
{
    int marked = 0;
    for (int i = 0; i < pl->nstreams; i++) {
        pipeline_stream_t *ps = pl->streams[i], *c[2] = { ps->last_to, ps->last_child };
        for (int k = 0; ps->kept && k < 2; k++)
            if (c[k] && !c[k]->kept) {
                c[k]->kept = 1;
                marked++;
            }
    }
    return marked;
}

/* Let go of the streams not held (pipeline_stream_open) that no line
 * reached for stream_idle_ms (in_flight_idle_ms when requests are in
 * flight), that hold no line (after a sync: none is dirty) and that no
 * stream kept points to. */
static void expire_streams(pipeline_t *pl)
{
    int kept = 0, gone = 0;
    for (int i = 0; i < pl->nstreams; i++) {
        pipeline_stream_t *ps = pl->streams[i];
        int64_t idle = pl->now_ms - ps->used_ms;
        ps->kept = ps->holds || ps->dirty || ps->npending || idle < pl->stream_idle_ms ||
                   (ps->n_in_flight && idle < pl->in_flight_idle_ms);
    }
    while (keep_children(pl))
        ;
    for (int i = 0; i < pl->nstreams; i++) {
        pipeline_stream_t *ps = pl->streams[i];
        if (!ps->kept) {
            free_stream(ps);
            gone++;
        } else {
            pl->streams[kept++] = ps;
        }
    }
    pl->swept_ms = pl->now_ms;
    if (!gone)
        return;
    pl->nstreams = kept;
    pl->epoch++;
    pl->stats.streams_expired += gone;
    free(pl->by_id);
    pl->by_id = NULL;
    pl->by_id_cap = 0;
    pl->nstreams = 0;
    for (int i = 0; i < kept; i++) {   /* a table as small as what is left */
        index_stream(pl, pl->streams[i]);
        pl->nstreams++;
    }
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

void pipeline_set_format(pipeline_t *pl, decode_format_t f)
{
    pl->format = f;
}

const pipeline_stats_t *pipeline_stats(pipeline_t *pl)
{
    const invocations_counts_t *c = invocations_counts(pl->inv);
    pl->stats.invocations = c->invocations;
    pl->stats.cold_starts = c->cold_starts;
    pl->stats.errors = c->errors;
    pl->stats.timeouts = c->timeouts;
    pl->stats.crashes = c->crashes;
    pl->stats.oom = c->oom;
    pl->stats.emulated = c->emulated;
    return &pl->stats;
}

static void count_input(pipeline_t *pl, int flags, size_t raw_bytes)
{
    pl->stats.lines++;
    pl->stats.bytes += (int64_t)raw_bytes;
    pl->stats.truncated += (flags & LINE_TRUNCATED) != 0;
    pl->stats.no_newline += (flags & LINE_NO_NEWLINE) != 0;
}

int pipeline_flush(pipeline_t *pl, pipeline_stream_t *ps, multiline_event_t *ml, obs_err_t *err)
{
    if (!ml || ml->state == ML_NONE)
        return 0;
    if (ml->len == 0) {   /* a wrapper's empty message nothing joined: empty lines */
        pl->stats.lines += ml->lines;
        pl->stats.bytes += ml->raw_bytes;
        pl->stats.no_newline += ml->no_newline;
        pl->stats.empty += ml->lines;
        multiline_clear(ml);
        return 0;
    }
    int blank = multiline_trim(ml);
    int joined = ml->lines - 1 - blank;
    line_origin_t at = { ml->has_ts ? ml->ts_ms : -1, 0, 0 };
    line_t ev = { ml->buf, ml->len, ml->flags };
    pl->stats.lines += ml->lines;
    pl->stats.bytes += ml->raw_bytes;
    pl->stats.truncated += ml->truncated;
    pl->stats.no_newline += ml->no_newline;
    pl->stats.empty += blank;
    pl->stats.multiline_joined += joined;
    pl->stats.multiline_events += joined > 0;
    pipeline_stream_t *to = ml->stream ? ml->stream : ps;
    int rc = pipeline__event(pl, to, &ev, ml->whole ? ml->len : ml->head, at, NULL, err);
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
        /* a JSON message of the console's expanded view, closed: the empty
         * line before its second copy, which may take its place */
        int held = multiline_keeps_blank(ml->state) || (ml->expanded && ml->state == ML_CLOSED);
        next = held ? ml->state : ML_NONE;
    } else {
        lambda_line_t r;
        classify_line(line->p, line->len, &r);
        next = multiline_next(ml->state, line->p, line->len, &r);
        classify_result_done(&r);
    }
    if (next != ML_NONE && multiline_append(ml, line, raw_bytes, next, pl->ml_max) == 0)
        return 1;
    int64_t ts = ml->ts_ms;
    int has_ts = ml->has_ts;
    if ((*rc = pipeline_flush(pl, ps, ml, err)) || next == ML_NONE)
        return 0;
    pl->stats.multiline_capped++;
    multiline_begin(ml, line, raw_bytes, next);
    ml->stream = ps;
    ml->has_ts = has_ts;
    ml->ts_ms = ts;
    return 1;
}

/* The stream a decoded record goes to: the source's own, or the one its
 * wrapper names (`sam logs`' and `aws logs tail`'s stream, a document's
 * stream and group, the function `sam local` names; a Lambda group names
 * its function: lambda/log_group.h), the last one opened
 * remembered (consecutive lines mostly name the same). */
static int route(pipeline_t *pl, pipeline_stream_t *src, const decode_record_t *rec, pipeline_stream_t **out,
                 obs_err_t *err)
{
    if (!rec->stream.len && !rec->function.len && !rec->log_group.len) {
        *out = src;
        return 0;
    }
    char fn[256], group[512], name[512];
    obs_span_t of_group = lambda_group_function(rec->log_group);
    if (rec->function.len)
        snprintf(fn, sizeof fn, "%.*s", (int)rec->function.len, rec->function.p);
    else if (of_group.len)
        snprintf(fn, sizeof fn, "%.*s", (int)of_group.len, of_group.p);
    else
        snprintf(fn, sizeof fn, "%s", src->function);
    if (rec->log_group.len)
        snprintf(group, sizeof group, "%.*s", (int)rec->log_group.len, rec->log_group.p);
    else if (rec->function.len)
        snprintf(group, sizeof group, "/aws/lambda/%s", fn);
    else
        snprintf(group, sizeof group, "%s", src->log_group);
    if (rec->stream.len)
        snprintf(name, sizeof name, "%.*s", (int)rec->stream.len, rec->stream.p);
    else
        snprintf(name, sizeof name, "%s", src->name);
    pipeline_stream_t *c = src->last_child;
    if (c && strcmp(c->name, name) == 0 && strcmp(c->function, fn) == 0 && strcmp(c->log_group, group) == 0) {
        *out = c;
        return 0;
    }
    int rc = stream_open(pl, fn, group, name, out, err);
    if (!rc)
        src->last_child = *out;
    return rc;
}

/* Lines held for want of a time (the stream's first, before any timed
 * line) take the time of this line, the first of an event held pending, if
 * it has one: stored now, as its event would have them stored, before a
 * sync stores them at their arrival time. */
static int release_at(pipeline_t *pl, pipeline_stream_t *ps, const line_t *line, obs_err_t *err)
{
    if (!ps->npending)
        return 0;
    lambda_line_t r;
    classify_line(line->p, line->len, &r);
    int has_ts = r.has_ts;
    int64_t ts = r.ts_ms;
    classify_result_done(&r);
    return has_ts ? pipeline__release(pl, ps, ts, err) : 0;
}

/* The console's expanded view: raw is the one-line second copy of the JSON
 * message ml holds, printed over several lines. The line is the message as
 * CloudWatch holds it (what Lambda wrote), stored in their place as a
 * one-line message at the event's time; the printed lines (and the time
 * line before them, counted already) are then the console's own. A held
 * event that is not whole (a line cut by --max-line, an event capped at
 * MULTILINE_MAX_LINES: it began again, no longer `expanded`) or a copy that
 * is not JSON is stored as printed, the copy counted as the console's. */
static int json_copy(pipeline_t *pl, pipeline_stream_t *src, multiline_event_t *ml, const line_t *raw,
                     size_t raw_bytes, obs_err_t *err)
{
    int rc;
    cJSON *j = NULL;
    if (ml->truncated || (raw->flags & LINE_TRUNCATED) || !(j = cJSON_ParseWithLength(raw->p, raw->len))) {
        if ((rc = pipeline_flush(pl, src, ml, err)))
            return rc;
        count_input(pl, raw->flags, raw_bytes);
        pl->stats.wrapper_lines++;
        return 0;
    }
    cJSON_Delete(j);
    int blank = multiline_trim(ml);
    pl->stats.lines += ml->lines;
    pl->stats.bytes += ml->raw_bytes;
    pl->stats.no_newline += ml->no_newline;
    pl->stats.empty += blank;
    pl->stats.wrapper_lines += ml->lines - blank;
    pipeline_stream_t *to = ml->stream ? ml->stream : src;
    line_origin_t at = { ml->has_ts ? ml->ts_ms : -1, 0, 0 };
    multiline_clear(ml);
    line_t line = { raw->p, raw->len, raw->flags };
    count_input(pl, line.flags, raw_bytes);
    to->used_ms = pl->now_ms;
    return pipeline__event(pl, to, &line, line.len, at, NULL, err);
}

int pipeline_line(pipeline_t *pl, pipeline_stream_t *src, multiline_event_t *ml, const line_t *raw,
                  size_t raw_bytes, obs_err_t *err)
{
    int rc = 0, wrapped = 0;
    ml_state_t opens = ML_NONE;
    if (pl->ml_off)
        ml = NULL;
    if (!src->dec_sniffed && src->dec.format == DECODE_AUTO)
        decode_state_init(&src->dec, decode_sniff(raw->p, raw->len));
    src->dec_sniffed = 1;
    pipeline_stream_t *ps = src;
    decode_record_t rec;
    if (src->dec.format != DECODE_LAMBDA) {
        int d = decode_line(&src->dec, raw->p, raw->len, &rec);
        if (d < 0) {
            if (src->dec.exp_json_copy && ml && ml->expanded && ml->state != ML_NONE)
                return json_copy(pl, src, ml, raw, raw_bytes, err);
            /* the tool's own line: the pending event is stored first (a
             * checkpoint never falls inside it), the line counted */
            if (ml && ml->state != ML_NONE && (rc = pipeline_flush(pl, src, ml, err)))
                return rc;
            count_input(pl, raw->flags, raw_bytes);
            pl->stats.wrapper_lines++;
            return 0;
        }
        wrapped = d == 1;
        if (wrapped || rec.function.len) {
            if ((rc = route(pl, src, &rec, &ps, err)))
                return rc;
            src->last_to = ps;
        } else if (src->last_to) {
            ps = src->last_to;   /* a continuation line goes where its event went */
        }
        ps->emulated |= src->dec.emulated;
    }
    src->used_ms = ps->used_ms = pl->now_ms;
    line_t line = { wrapped ? rec.message.p : raw->p, wrapped ? rec.message.len : raw->len, raw->flags };
    /* a line for another stream, or with a time of its own from its
     * wrapper, is never a continuation of the pending event */
    if (ml && ml->state != ML_NONE && (ml->stream != ps || wrapped)) {
        if ((rc = pipeline_flush(pl, ps, ml, err)))
            return rc;
    }
    if (ml && ml->state != ML_NONE && join(pl, ps, ml, &line, raw_bytes, &rc, err))
        return rc;
    if (rc)
        return rc;
    if (ml && wrapped && (opens = multiline_wrapped_opens(line.p, line.len)) != ML_NONE) {
        /* a JSON message the tool pretty-printed after its wrapper: held
         * until its lines are in, then read whole */
        multiline_begin(ml, &line, raw_bytes, opens);
        ml->whole = 1;
        ml->expanded = src->dec.exp_began;
        ml->stream = ps;
        ml->has_ts = rec.has_ts;
        ml->ts_ms = rec.ts_ms;
        return 0;
    }
    if (line.len == 0) {
        count_input(pl, line.flags, raw_bytes);
        pl->stats.empty++;
        return 0;
    }
    if (ml && wrapped && decode_prefix_per_event(src->dec.format)) {
        /* a tool that prints its prefix once per event: the lines after
         * this one that come without it are its message's; held until a
         * line with the prefix (or the end) says the event is whole */
        if (!rec.has_ts && (rc = release_at(pl, ps, &line, err)))
            return rc;
        multiline_begin(ml, &line, raw_bytes, ML_WRAPPED_EVENT);
        ml->expanded = src->dec.exp_began;
        ml->stream = ps;
        ml->has_ts = rec.has_ts;
        ml->ts_ms = rec.ts_ms;
        return 0;
    }
    line_origin_t at = { wrapped && rec.has_ts ? rec.ts_ms : -1, 0, 0 };
    rc = pipeline__event(pl, ps, &line, line.len, at, ml ? &opens : NULL, err);
    if (opens != ML_NONE) {
        multiline_begin(ml, &line, raw_bytes, opens);  /* counted when stored */
        ml->stream = ps;
        ml->has_ts = at.ts >= 0;
        ml->ts_ms = at.ts;
    } else {
        count_input(pl, line.flags, raw_bytes);
    }
    return rc;
}

int pipeline_record(pipeline_t *pl, pipeline_stream_t *ps, const line_t *line, int64_t ts_ms,
                    int arrival, int declared_emf, obs_err_t *err)
{
    line_origin_t at = { ts_ms, arrival ? EVF_TIME_ARRIVAL : 0, declared_emf };
    ps->used_ms = pl->now_ms;
    count_input(pl, line->flags, line->len + 1);
    if (line->len == 0) {
        pl->stats.empty++;
        return 0;
    }
    return pipeline__event(pl, ps, line, line->len, at, NULL, err);
}

int pipeline_decoded(pipeline_t *pl, pipeline_stream_t *src, const decode_record_t *rec, obs_err_t *err)
{
    pipeline_stream_t *ps;
    int rc = route(pl, src, rec, &ps, err);
    if (rc)
        return rc;
    src->used_ms = ps->used_ms = pl->now_ms;
    line_t line = { rec->message.p, rec->message.len, 0 };
    line_origin_t at = { rec->has_ts ? rec->ts_ms : -1, 0, 0 };
    count_input(pl, 0, rec->message.len + 1);
    if (line.len == 0) {
        pl->stats.empty++;
        return 0;
    }
    return pipeline__event(pl, ps, &line, line.len, at, NULL, err);
}

int pipeline_lines(pipeline_t *pl, pipeline_stream_t *ps, multiline_event_t *ml, line_reader_t *lr,
                   int at_eof, int *lines_out, obs_err_t *err)
{
    line_t line;
    int64_t before = lr->consumed;
    int rc = 0, n = 0;
    /* the source's format, from the first bytes read (up to a whole chunk) */
    if (!ps->dec_sniffed && ps->dec.format == DECODE_AUTO && lr->end > lr->start) {
        decode_state_init(&ps->dec, decode_sniff(lr->buf + lr->start, lr->end - lr->start));
        ps->dec_sniffed = 1;
    }
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

decode_format_t pipeline_source_format(const pipeline_stream_t *ps)
{
    return ps->dec.format;
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
        int rc = ps->npending ? pipeline__release(pl, ps, -1, err) : 0;
        if (rc)
            return rc;
    }
    int rc = invocations_flush(pl->inv, err);
    if (rc)
        return rc;
    for (int i = 0; i < pl->ndirty; i++) {
        pipeline_stream_t *ps = pl->dirty[i];
        if ((rc = store_stream_touch(pl->st, ps->id, ps->first_seen, ps->last_seen, ps->runtime_version, err)))
            return rc;
        ps->dirty = 0;
    }
    pl->ndirty = 0;
    pl->now_ms = obs_mono_ms();
    int64_t every = pl->stream_idle_ms < 10000 ? pl->stream_idle_ms : 10000;
    if (pl->in_flight_idle_ms < every)
        every = pl->in_flight_idle_ms;
    if (pl->now_ms - pl->swept_ms >= every)
        expire_streams(pl);
    pipeline_stats_t *s = &pl->stats, *y = &pl->synced;
    push_counter(pl, "lines", s->lines, &y->lines);
    push_counter(pl, "bytes", s->bytes, &y->bytes);
    push_counter(pl, "events", s->events, &y->events);
    push_counter(pl, "empty_lines", s->empty, &y->empty);
    push_counter(pl, "wrapper_lines", s->wrapper_lines, &y->wrapper_lines);
    push_counter(pl, "truncated_lines", s->truncated, &y->truncated);
    push_counter(pl, "invalid_utf8_lines", s->invalid_utf8, &y->invalid_utf8);
    push_counter(pl, "nul_lines", s->nul, &y->nul);
    push_counter(pl, "no_newline_lines", s->no_newline, &y->no_newline);
    push_counter(pl, "events_time_absurd", s->time_absurd, &y->time_absurd);
    push_counter(pl, "emf_documents", s->emf_documents, &y->emf_documents);
    push_counter(pl, "emf_points", s->emf_points, &y->emf_points);
    push_counter(pl, "emf_parsing_errors", s->emf_parse_errors, &y->emf_parse_errors);
    push_counter(pl, "emf_validation_errors", s->emf_invalid, &y->emf_invalid);
    push_counter(pl, "multiline_events", s->multiline_events, &y->multiline_events);
    push_counter(pl, "multiline_joined", s->multiline_joined, &y->multiline_joined);
    push_counter(pl, "multiline_capped", s->multiline_capped, &y->multiline_capped);
    push_counter(pl, "streams_expired", s->streams_expired, &y->streams_expired);
    return 0;
}
