/* query/textfields.h — the fields CloudWatch Logs Insights discovers in
 * AWS log formats that are text, not JSON: VPC flow logs in the default
 * (version 2) format and Route 53 public DNS query logs. A query that names
 * srcAddr, action, queryName, ... on such lines reads them from the line's
 * words, as CloudWatch does; a JSON field of the same name in a JSON event
 * still comes first (the emitter writes COALESCE(json, text field)). */
#ifndef OBS_QUERY_TEXTFIELDS_H
#define OBS_QUERY_TEXTFIELDS_H

#include <stddef.h>

/* Is name a field of one of the formats? Names are case-sensitive, as
 * CloudWatch's. */
int query_textfield_known(const char *name);

/* When msg (len bytes) is a line of one of the formats and that format has
 * field name, its word in *word, *wlen and 1; else 0. */
int query_textfield_word(const char *msg, size_t len, const char *name, const char **word, size_t *wlen);

/* The formats, for an engine that tests the lines itself (ClickHouse's
 * SQL): each format's word count, and where its field name is (0-based;
 * -1: the format has no such field). */
enum { QUERY_TEXTFIELD_VPC, QUERY_TEXTFIELD_ROUTE53, QUERY_TEXTFIELD__COUNT };
extern const int query_textfield_words[QUERY_TEXTFIELD__COUNT];
int query_textfield_index(int format, const char *name);

#endif
