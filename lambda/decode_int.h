/* lambda/decode_int.h — what the decoder's files share (decode.h is the
 * front door): a section per file. */
#ifndef OBS_DECODE_INT_H
#define OBS_DECODE_INT_H

#include "lambda/decode.h"

/* ---- decode_doc.c: documents ----------------------------------------------
 * The document format these first bytes start (DECODE_EVENTS_JSON,
 * DECODE_INSIGHTS_JSON, DECODE_INSIGHTS_CSV, DECODE_SUBSCRIPTION), or
 * DECODE_AUTO when they start none. Looks at no more than n bytes; a
 * document cut short at n still sniffs as its format. */
decode_format_t decode__doc_sniff(const char *p, size_t n);

/* ---- decode_scan.c: what the document decoders share (a leaf) --------------
 * A document being decoded: its bytes, where records go, and its format's
 * name, which starts every error message. */
typedef struct decode_doc {
    const char *name;       /* "events-json", ... */
    const char *p;          /* the document */
    size_t n;
    decode_emit_fn emit;
    void *ctx;
    obs_err_t *err;
} decode_doc_t;

/* A JSON scanner: finds where values start and end without building them,
 * so that a document is parsed one object at a time. On failure, `at` is
 * the offset of the problem and `what` says what was expected there. */
typedef struct decode_scan {
    const char *p;
    size_t n;
    size_t i;               /* the next byte to look at */
    size_t at;              /* failure: where */
    const char *what;       /* failure: what was expected there */
    int cut;                /* failure: the document ends inside the value at `at` */
} decode_scan_t;

/* Bytes of a UTF-8 byte order mark at p (3), or 0. */
size_t decode__bom(const char *p, size_t n);
/* Skip JSON whitespace. */
void decode__ws(decode_scan_t *s);
/* The JSON value after whitespace at s->i: *v its bytes, s->i past it.
 * Strings and scalars are scanned to their end; objects and arrays to their
 * matching bracket, skipping strings (what is inside is cJSON's to check).
 * Returns 0, or -1 (at, what) when no value starts there or it never ends. */
int decode__value(decode_scan_t *s, obs_span_t *v);
/* The next member of an object whose '{' was taken (first: no ',' before
 * it): 1 with *key (the raw text between the key's quotes) and s->i at the
 * value; 0 when the closing '}' was taken; -1 (at, what) on bad input. */
int decode__member(decode_scan_t *s, int first, obs_span_t *key);
/* The next element of an array whose '[' was taken: 1 with s->i at it; 0
 * when the closing ']' was taken; -1 (at, what). */
int decode__element(decode_scan_t *s, int first);
/* Is the raw key this name? */
int decode__key_is(obs_span_t key, const char *name);

/* Fail at offset `at`: OBS_EINVAL, "<name>: <message> (line L, column C,
 * offset B)", err->line and err->col set. */
int decode__fail(const decode_doc_t *d, size_t at, const char *fmt, ...) OBS_PRINTF(3, 4);
/* Fail where a scan failed: "<name>: <prefix>: expected ..., found ...". */
int decode__fail_scan(const decode_doc_t *d, const decode_scan_t *s, const char *prefix);

/* Each value at the top of a document in turn — pages saved one after the
 * other, one object a line —: an object to on_object, an array to
 * on_array (k counts the records they emit); anything else is a fault
 * saying what was expected. Returns 0 at the end, or the first error. */
typedef int (*decode_top_fn)(const decode_doc_t *d, decode_scan_t *s, size_t *k);
int decode__top_values(const decode_doc_t *d, decode_top_fn on_object, decode_top_fn on_array,
                       const char *expected);

/* Each element of the array whose '[' is at s->i to fn, with its number
 * (++*k); `array` names the array in a fault ("in the batch"), `noun` an
 * element ("event": "event 3"). Returns 0 at the ']', or the first error. */
typedef int (*decode_element_fn)(const decode_doc_t *d, obs_span_t v, size_t k);
int decode__elements(const decode_doc_t *d, decode_scan_t *s, size_t *k, const char *array, const char *noun,
                     decode_element_fn fn);

/* Parse the value v (bytes of the document) with cJSON into *out (free it
 * with cJSON_Delete). Fails naming `label` ("event 3") when v is not valid
 * JSON, or holds \u0000, which a C string from cJSON cannot keep. */
struct cJSON;
int decode__parse(const decode_doc_t *d, obs_span_t v, const char *label, struct cJSON **out);
/* The same, and fails naming `label` ("event 3 is an array, not an object")
 * when v is not a JSON object. */
int decode__parse_object(const decode_doc_t *d, obs_span_t v, const char *label, struct cJSON **out);
/* Skip the value at s->i, checking it is valid JSON (parsed alone). */
int decode__skip(const decode_doc_t *d, decode_scan_t *s, const char *label);

/* Values of a parsed record, with errors that name the record (`label`),
 * the field (`name`) and the record's place (`at`). A value that is absent
 * (NULL) or null gives nothing; one of the wrong type is an error. */
const char *decode__json_type(const struct cJSON *v);   /* "a number", ... */
int decode__string_value(const decode_doc_t *d, size_t at, const char *label, const char *name,
                         const struct cJSON *v, obs_span_t *out);
/* epoch milliseconds (a whole JSON number, years 0000..9999) into r's time */
int decode__ms_value(const decode_doc_t *d, size_t at, const char *label, const char *name,
                     const struct cJSON *v, decode_record_t *r);
/* The same for the member `name` of the object o. */
int decode__get_string(const decode_doc_t *d, size_t at, const char *label,
                       const struct cJSON *o, const char *name, obs_span_t *out);
int decode__get_ms(const decode_doc_t *d, size_t at, const char *label, const struct cJSON *o,
                   const char *name, decode_record_t *r);
/* A time written as text, the whole of it (isotime.h's forms, no zone =
 * UTC: Logs Insights' "2023-10-20 16:28:17.840"): 0 with *ms, or -1. */
int decode__text_time(const char *p, size_t len, int64_t *ms);

/* r->message = p[0..len) without its final line end ("\n" or "\r\n"): the
 * terminator of the line Lambda wrote, which CloudWatch keeps in the
 * event's message and line-based tools print as the line's end. */
void decode__set_message(decode_record_t *r, const char *p, size_t len);
/* The log group of a Logs Insights @log value, "account-id:log-group". */
obs_span_t decode__group_of_log(obs_span_t log);
/* Hand r to the caller's emit. */
int decode__emit(const decode_doc_t *d, const decode_record_t *r);

/* ---- decode_events.c, decode_insights.c, decode_csv.c,
 * decode_subscription.c, decode_telemetry.c: one document format each
 * (decode_document picks) */
int decode__events(const decode_doc_t *d);
int decode__insights_json(const decode_doc_t *d);
int decode__insights_csv(const decode_doc_t *d);
int decode__subscription(const decode_doc_t *d);
int decode__telemetry(const decode_doc_t *d);   /* decode_telemetry.c */
/* decode_csv.c: does the first row of p[0..n) name a @message column? */
int decode__csv_sniff(const char *p, size_t n);

/* ---- decode_expanded.c: the console's expanded view ----------------------
 * What one line is in it: not its (EXPANDED_NO: the console's other shapes
 * are tried); the console's own (its time line, its Copy label:
 * EXPANDED_OWN); the second copy of the message (EXPANDED_COPY, the console's
 * own too); the message's first line (EXPANDED_RECORD: *out has it and the
 * time); a later line of the message or an empty line (EXPANDED_LINE: it
 * passes as is). */
typedef enum decode_expanded {
    EXPANDED_NO = 0,
    EXPANDED_OWN,
    EXPANDED_COPY,
    EXPANDED_RECORD,
    EXPANDED_LINE,
} decode_expanded_t;

/* A message's lines at most before the second copy: past it, no expanded
 * view after all (the lines pass as they are). */
#define DECODE_EXPANDED_MAX_LINES 1000

decode_expanded_t decode__expanded(decode_state_t *s, const char *p, size_t n, decode_record_t *out);

#endif
