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

#endif
