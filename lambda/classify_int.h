/* lambda/classify_int.h — what the classifier's files share: the entry
 * points of the runtime-prefix and JSON recognisers, and small helpers over
 * (pointer, length) text (no function here ever reads past the length). */
#ifndef OBS_CLASSIFY_INT_H
#define OBS_CLASSIFY_INT_H

#include "lambda/classify.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- the recognisers ----------------------------------------------------
 * Each takes a non-empty line and a result reset by classify__reset, and
 * returns 1 when it classified the line (filling out), 0 when the line is
 * not its shape (out untouched but for fields it set). */

int classify__text(const char *line, size_t len, lambda_line_t *out);    /* classify_text.c */
int classify__runtime(const char *line, size_t len, lambda_line_t *out); /* classify_runtime.c */
/* classify_json.c; 1: a Telemetry API element whose record is a line of
 * text, kept in out->outer: the caller classifies classify__telemetry_text
 * as a line, then calls classify__telemetry_done with that root. */
int classify__json(const char *line, size_t len, lambda_line_t *out);
const char *classify__telemetry_text(const struct cJSON *root, size_t *n);
void classify__telemetry_done(lambda_line_t *out, struct cJSON *root);
/* "<uuid> <LEVEL> message": log4j2's AWS pattern without its date */
int classify__id_line(const char *line, size_t len, lambda_line_t *out); /* classify_runtime.c */

/* classify.c: the length of the Python runtime's "LAMBDA_WARNING: ..."
 * head of a line, through the line breaks after it, when a record follows
 * it in the line; else 0. */
size_t classify__warning_head(const char *line, size_t len);

/* ---- classify_common.c: objects in a line -------------------------------- */

/* Parse the first '{' in p[0..len) through to the end (only whitespace may
 * follow the object); on success set out->json and out->tree. */
void classify__embedded_json(const char *p, size_t len, lambda_line_t *out);

/* Parse exactly one JSON object filling p[0..len) but for trailing
 * whitespace. Returns the tree (caller owns) and its text length, or NULL. */
struct cJSON *classify__parse_object(const char *p, size_t len, size_t *obj_len);

/* ---- classify_common.c: what every recogniser uses ------------------------ */

/* Empty the result: kind LK_PLAIN, body the whole line, no numbers. */
void classify__reset(lambda_line_t *out, const char *line, size_t len);

/* Level names → lambda_level_t, case-insensitively (info, WARNING, fail,
 * crit, Information...). LL_NONE when unknown. */
lambda_level_t classify__level(const char *p, size_t n);

/* Outcome of an invocation-ending status ("timeout", "error", "failure",
 * "success"...) with its optional error type. */
lambda_outcome_t classify__status_outcome(obs_span_t status, obs_span_t error_type);

/* Outcome of a bare error-type line ("Runtime.OutOfMemory" → OOM ...). */
lambda_outcome_t classify__error_type_outcome(const char *p, size_t n);

/* Parse a non-negative decimal "123", "128.83" at p[0..n); NAN if none.
 * *used (may be NULL) gets the bytes consumed. */
double classify__number(const char *p, size_t n, size_t *used);

/* Text helpers. LIT("x") is a literal and its length, for the functions
 * below. */
#define LIT(s) s, sizeof(s) - 1

static inline int cl_has_prefix(const char *p, size_t n, const char *lit, size_t litlen)
{
    return n >= litlen && memcmp(p, lit, litlen) == 0;
}

static inline int cl_span_is(obs_span_t s, const char *lit, size_t litlen)
{
    return s.p && s.len == litlen && memcmp(s.p, lit, litlen) == 0;
}

static inline int cl_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static inline int cl_is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

#endif
