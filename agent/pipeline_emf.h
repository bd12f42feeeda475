/* agent/pipeline_emf.h — the EMF step of the pipeline (internal to agent/):
 * which lines are EMF candidates, and storing an extraction's points. */
#ifndef OBS_PIPELINE_EMF_H
#define OBS_PIPELINE_EMF_H

#include "lambda/classify.h"
#include "emf/emf.h"
#include "store/store.h"

/* 1 when the line's JSON object can be an EMF document as CloudWatch sees
 * it: it is the whole message, or it starts the text after a Lambda runtime
 * prefix. A JSON string inside a JSON-format record's "message" never is. */
int pipeline__emf_candidate(const lambda_line_t *r, obs_span_t text);

/* A line declared an EMF document (it came to the EMF endpoint) that is
 * not one: a parse error with its reason, as CloudWatch counts it. */
void pipeline__emf_not_a_document(const lambda_line_t *r, emf_result_t *em);

/* Store every point of `res` for event_id, emitted by `function`. */
int pipeline__emf_store(store_t *st, const char *function, int64_t event_id,
                        const emf_result_t *res, obs_err_t *err);

#endif
