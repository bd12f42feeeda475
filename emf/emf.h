/* emf/emf.h — CloudWatch Embedded Metric Format: recognise, validate like
 * CloudWatch, and expand a document into metric points. Pure: works on a
 * cJSON tree already parsed by the caller, no I/O, no global state.
 *
 * Granularity of rejection (docs/emf.md): a document-level fault (bad _aws,
 * Timestamp, more than 100 metric definitions in a directive) drops the whole
 * document; a directive-level fault (Namespace, Dimensions) drops that
 * directive; a metric-level fault (name, unit, resolution, values) drops that
 * metric. Every dropped part adds a reason. */
#ifndef OBS_EMF_H
#define OBS_EMF_H

#include "common/obs.h"

#include <stdint.h>

struct cJSON;

typedef enum emf_status {
    EMF_NOT_EMF = 0,       /* no `_aws` object at the root: an ordinary line */
    EMF_VALID = 1,         /* every metric of every directive extracted */
    EMF_PARSE_ERROR = 2,   /* `_aws` present but not EMF-shaped (CloudWatch: EMFParsingErrors) */
    EMF_INVALID = 3,       /* a rule broken: part or all dropped (EMFValidationErrors) */
} emf_status_t;

typedef struct emf_dim {
    const char *key;       /* point into the tree */
    const char *value;
} emf_dim_t;

/* Which of sum, min, max a point gives itself (the document said so),
 * rather than derived from its value. */
enum { EMF_GIVEN_SUM = 1, EMF_GIVEN_MIN = 2, EMF_GIVEN_MAX = 4 };

/* The most a Counts entry or a statistic set's Count may be: 2^53, the
 * largest whole number a JSON number (a double) holds exactly. */
#define EMF_MAX_COUNT 9007199254740992.0

/* One point is `count` observations of `value`, or a statistic set (stats
 * 1: Count, Sum, Min, Max and no value, so no distribution). Every point
 * also carries what it adds to CloudWatch's statistics, so that points add
 * up: sum (value * count unless given), min and max (value unless given).
 * A Values object with Sum, Min or Max gives them on its points: Min and
 * Max on each, Sum on the first (the others 0), as CloudWatch takes them
 * from the document instead of the values. */
typedef struct emf_point {
    const char *ns;        /* the directive's Namespace (never NULL: a directive
                              without a valid one is dropped) */
    const char *name;
    const char *unit;      /* one of the 27 units; "None" when absent */
    int resolution;        /* 1 or 60 */
    int64_t ts_ms;         /* _aws.Timestamp, or the event time when absent */
    double value;          /* 0 for a statistic set */
    uint64_t count;        /* >= 1, <= EMF_MAX_COUNT */
    int stats;             /* 1: a statistic set */
    unsigned given;        /* EMF_GIVEN_* (all three for a statistic set) */
    double sum, min, max;  /* always set, given or derived */
    const emf_dim_t *dims; /* this point's dimension set, sorted by key */
    int ndims;
} emf_point_t;

typedef struct emf_result {
    emf_status_t status;
    emf_point_t *points;   /* owned; strings point into the caller's tree */
    int npoints;
    char *errors;          /* owned, NULL when none: one reason per line, each
                              worded as what CloudWatch would do, e.g.
                              "CloudWatch would drop this document: 101 metric
                              definitions > 100 in directive 1" */
    int nerrors;
    /* internal storage for dims */
    emf_dim_t *dim_store;
    int ndim_store;
} emf_result_t;

/* Validate and expand `root` (a JSON object) found in a log event of time
 * event_ts_ms. Always fills *out (status EMF_NOT_EMF when root has no `_aws`
 * member or is not an object); release with emf_result_free(). `root` must
 * outlive the result. */
void emf_extract(const struct cJSON *root, int64_t event_ts_ms, emf_result_t *out);

void emf_result_free(emf_result_t *r);

/* The 27 CloudWatch units; 1 when `unit` is one of them (exact, case-sensitive). */
int emf_unit_valid(const char *unit);

/* "valid", "parse_error", "invalid", or NULL for EMF_NOT_EMF. */
const char *emf_status_name(emf_status_t s);

#endif
