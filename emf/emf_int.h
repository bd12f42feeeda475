/* emf/emf_int.h — internal helpers shared by the files of the EMF module:
 * the reason list (emf_reasons.c), the root-member index (emf_index.c) and
 * the reading of a metric's value (emf_target.c).
 * Not part of the public interface (emf.h). */
#ifndef OBS_EMF_INT_H
#define OBS_EMF_INT_H

#include "emf/emf.h"

#include <stddef.h>

struct cJSON;

/* At most this many reasons are written out; the rest are only counted and
 * summarised as "... and N more". */
#define EMF_REASONS_SHOWN 20

/* Longest quoted name put into a reason (bytes, before "..."). */
#define EMF_QUOTE_MAX 64

typedef struct emf_reasons {
    char *buf;             /* owned, NUL-terminated once anything is added */
    size_t len, cap;
    int count;             /* every reason, shown or not */
} emf_reasons_t;

/* Add one reason (one line, no newline in fmt). Only the first
 * EMF_REASONS_SHOWN are formatted. */
void emf__reason_add(emf_reasons_t *r, const char *fmt, ...) OBS_PRINTF(2, 3);

/* Append the "... and N more" line if needed and hand the text over:
 * returns the owned string (NULL when there is none). */
char *emf__reasons_take(emf_reasons_t *r);

/* Copy `s` into dst (size n >= EMF_QUOTE_MAX + 4) for use inside a reason:
 * control characters become '?', and a string longer than EMF_QUOTE_MAX
 * bytes is cut at a UTF-8 character boundary and ends with "...". */
void emf__quote(char *dst, size_t n, const char *s);

/* JSON type of an item for reasons, with its article: "a string",
 * "an array", "null", ... */
const char *emf__type_name(const struct cJSON *item);

/* Lookup of root members by name. Small roots are searched directly; a root
 * with many members gets a hash table, so a document referencing thousands of
 * targets stays linear. The first member of a name wins (as in cJSON). */
typedef struct emf_index {
    const struct cJSON *root;
    const struct cJSON **slots;  /* owned; NULL for a small root */
    size_t mask;
} emf_index_t;

void emf__index_init(emf_index_t *ix, const struct cJSON *root);
const struct cJSON *emf__index_get(const emf_index_t *ix, const char *key);
void emf__index_done(emf_index_t *ix);

/* ---- a metric's value (emf_target.c) -------------------------------------- */

#define EMF_MAX_VALUES 100   /* values per metric */

/* A finite number within ±2^360 (what CloudWatch takes as a value). */
int emf__value_ok(double v);

/* How a metric is named in reasons, built only when a reason needs it. */
typedef struct emf_mlabel {
    const struct cJSON *m; /* the metric definition */
    int mi, di;            /* its place: metric mi of directive di (1-based) */
    char text[EMF_QUOTE_MAX + 64];
} emf_mlabel_t;

const char *emf__mlabel(emf_mlabel_t *ml);

/* What a metric's target holds: up to EMF_MAX_VALUES values, each with
 * its count, or one statistic set; and the statistics the document gave. */
typedef struct emf_target {
    double vals[EMF_MAX_VALUES];
    double counts[EMF_MAX_VALUES];   /* whole, 1 .. EMF_MAX_COUNT */
    int n;
    int stats;                       /* a statistic set: count, sum, min, max below */
    unsigned given;                  /* EMF_GIVEN_* */
    double count, sum, min, max;
} emf_target_t;

/* Read the target t (NULL: missing at the root) of the metric ml into out:
 * 1, or 0 with the reason added to r. */
int emf__target_read(const struct cJSON *t, emf_mlabel_t *ml, emf_reasons_t *r, emf_target_t *out);

#endif
