/* query/textfields.h — the fields CloudWatch Logs Insights discovers in an
 * AWS log format that is text, not JSON: VPC flow logs in the default
 * (version 2) format. A query that names srcAddr, action, bytes, ... on
 * such lines reads them from the line's words, as CloudWatch does; a JSON
 * field of the same name in a JSON event still comes first (the emitter
 * writes COALESCE(json, text field)). */
#ifndef OBS_QUERY_TEXTFIELDS_H
#define OBS_QUERY_TEXTFIELDS_H

#include <stddef.h>

/* The word of a default-format flow log line that field name is, 0..13;
 * -1 when name is no such field. Names are case-sensitive, as CloudWatch's. */
int query_textfield_index(const char *name);

/* When msg (len bytes) is a default-format VPC flow log line, the word
 * number idx of it in *word, *wlen and 1; else 0. */
int query_textfield_word(const char *msg, size_t len, int idx, const char **word, size_t *wlen);

#endif
