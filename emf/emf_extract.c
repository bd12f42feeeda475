/* emf/emf_extract.c — emf_extract(): validate an EMF document the way
 * CloudWatch Logs does (spec §1, in the order of §1.16) and expand what
 * CloudWatch would publish into metric points.
 *
 * Granularity of rejection (docs/emf.md explains why):
 *   document  — `_aws` not an object, CloudWatchMetrics missing or not an
 *               array (EMF_PARSE_ERROR); Timestamp not a number or outside
 *               14 days before .. 2 hours after the log event; more than 100
 *               metric definitions in any directive (CloudWatch was observed
 *               to reject every metric of such an event). Nothing is expanded.
 *   directive — not an object; Namespace; Dimensions structure; a set with
 *               more than 30 names; a bad dimension name; a dimension value
 *               missing at the root, not a string, empty, too long or not
 *               ASCII; Metrics missing or not an array. The directive is
 *               dropped, other directives still count.
 *   metric    — not an object; Name; Unit; StorageResolution; target missing,
 *               not numeric, more than 100 values, not finite or beyond
 *               ±2^360, a bad Counts entry or statistic set. Only that
 *               metric of that directive is dropped.
 * Any rule other than the parse errors gives EMF_INVALID with the valid rest
 * still expanded; every dropped part adds one reason.
 *
 * A point is a value with its count (a Counts entry: never expanded into
 * copies, so a count may be large) or a statistic set, and carries its
 * share of sum, min and max (emf.h); a metric's value member is read by
 * emf_target.c.
 *
 * Cost: no allocation per point (one array grown geometrically, dimension
 * sets stored once and shared by their points); root targets found through
 * emf_index, so hostile documents stay linear. Nothing here recurses. */
#include "emf/emf_int.h"

#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMF_MAX_METRICS      100      /* metric definitions per directive */
#define EMF_MAX_DIMS         30       /* names per dimension set */
#define EMF_MAX_METRIC_NAME  1024     /* characters */
#define EMF_MAX_DIM_NAME     250
#define EMF_MAX_DIM_VALUE    1024
#define EMF_MAX_NAMESPACE    255
#define EMF_PAST_MS          1209600000.0  /* 14 days */
#define EMF_FUTURE_MS        7200000.0     /* 2 hours */
#define EMF_MAX_POINTS       100000   /* obs's own bound per document */
#define SMALL_SETS           8

typedef struct dim_set {
    const emf_dim_t *dims;
    int n;
} dim_set_t;

typedef struct ctx {
    emf_result_t *out;
    emf_index_t index;
    emf_reasons_t reasons;
    int64_t ts_ms;
    int points_cap;
    size_t dims_cap;       /* out->dim_store is sized once, never moved */
    dim_set_t *sets;       /* the current directive's dimension sets */
    int nsets, sets_cap;
    int undim;             /* a dimension value is refused: publish undimensioned */
    dim_set_t sets_small[SMALL_SETS];
} ctx_t;

/* ---- text rules --------------------------------------------------------- */

/* Check a name or value: non-empty, not all whitespace, at most `max`
 * characters (UTF-8 code points), and with `ascii` also ASCII without
 * control characters. Returns 1 when fine, else writes why (e.g. "is
 * empty") into `why`. */
static int text_ok(const char *s, size_t max, int ascii, char *why, size_t n)
{
    size_t chars = 0;
    int blank = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (ascii && *p >= 0x80) {
            snprintf(why, n, "contains a non-ASCII character");
            return 0;
        }
        if (ascii && (*p < 0x20 || *p == 0x7f)) {
            snprintf(why, n, "contains a control character");
            return 0;
        }
        if ((*p & 0xC0) != 0x80)
            chars++;
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\f' && *p != '\v')
            blank = 0;
    }
    if (chars == 0) {
        snprintf(why, n, "is empty");
        return 0;
    }
    if (blank) {
        snprintf(why, n, "is blank");
        return 0;
    }
    if (chars > max) {
        snprintf(why, n, "is %zu characters long (limit %zu)", chars, max);
        return 0;
    }
    return 1;
}

static int ns_char_ok(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
        || ch == '.' || ch == '_' || ch == '#' || ch == ':' || ch == '/' || ch == ' ' || ch == '-';
}

/* `s` made safe for a reason, in q (EMF_QUOTE_MAX + 4 bytes); only called
 * when a reason is written. */
static const char *qt(char *q, const char *s)
{
    emf__quote(q, EMF_QUOTE_MAX + 4, s);
    return q;
}

/* ---- document level ----------------------------------------------------- */

static int check_timestamp(ctx_t *c, const cJSON *aws, int64_t event_ts_ms)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(aws, "Timestamp");
    c->ts_ms = event_ts_ms;
    if (!t)
        return 1;
    if (!cJSON_IsNumber(t)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop this document: _aws.Timestamp is %s, "
                        "not a number of milliseconds", emf__type_name(t));
        return 0;
    }
    double v = t->valuedouble, ev = (double)event_ts_ms;
    if (!(v >= ev - EMF_PAST_MS) || v < -9.0e18) {
        emf__reason_add(&c->reasons, "CloudWatch would drop this document: _aws.Timestamp %.17g is "
                        "%.2f days (%.17g ms) before the log event; CloudWatch accepts 14 days "
                        "before to 2 hours after", v, (ev - v) / 86400000.0, ev - v);
        return 0;
    }
    if (!(v <= ev + EMF_FUTURE_MS) || v > 9.0e18) {
        emf__reason_add(&c->reasons, "CloudWatch would drop this document: _aws.Timestamp %.17g is "
                        "%.2f hours (%.17g ms) after the log event; CloudWatch accepts 14 days "
                        "before to 2 hours after", v, (v - ev) / 3600000.0, v - ev);
        return 0;
    }
    c->ts_ms = (int64_t)v;
    return 1;
}

/* One pass over the directives: the >100-metrics rule (which drops the whole
 * document) and the sizes of the dimension storage. */
static int check_directives(ctx_t *c, const cJSON *cwm)
{
    int ok = 1, di = 0, max_sets = 1;
    size_t ndims = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, cwm) {
        di++;
        if (!cJSON_IsObject(d))
            continue;
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(d, "Metrics");
        int nm = cJSON_IsArray(m) ? cJSON_GetArraySize(m) : 0;
        if (nm > EMF_MAX_METRICS) {
            emf__reason_add(&c->reasons, "CloudWatch would drop this document: %d metric "
                            "definitions in directive %d > %d", nm, di, EMF_MAX_METRICS);
            ok = 0;
        }
        const cJSON *dims = cJSON_GetObjectItemCaseSensitive(d, "Dimensions");
        if (!cJSON_IsArray(dims))
            continue;
        int nsets = 0;
        const cJSON *set;
        cJSON_ArrayForEach(set, dims) {
            nsets++;
            int n = cJSON_IsArray(set) ? cJSON_GetArraySize(set) : 0;
            if (n <= EMF_MAX_DIMS)  /* a longer set is refused, never stored */
                ndims += (size_t)n;
        }
        if (nsets > max_sets)
            max_sets = nsets;
    }
    c->dims_cap = ndims;
    c->sets_cap = max_sets > SMALL_SETS ? max_sets : SMALL_SETS;
    return ok;
}

/* Storage sized by check_directives(): it never moves afterwards, so points
 * can point into it. */
static void alloc_storage(ctx_t *c)
{
    if (c->dims_cap)
        c->out->dim_store = xmalloc(c->dims_cap * sizeof *c->out->dim_store);
    if (c->sets_cap > SMALL_SETS)
        c->sets = xmalloc((size_t)c->sets_cap * sizeof *c->sets);
}

/* ---- directive level ---------------------------------------------------- */

static const char *namespace_of(ctx_t *c, const cJSON *d, int di)
{
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(d, "Namespace");
    if (!ns) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Namespace is missing", di);
        return NULL;
    }
    if (!cJSON_IsString(ns)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Namespace is %s, "
                        "not a string", di, emf__type_name(ns));
        return NULL;
    }
    const char *s = ns->valuestring;
    char q[EMF_QUOTE_MAX + 4];
    size_t n = 0;
    int blank = 1;
    for (; s[n]; n++) {
        unsigned char ch = (unsigned char)s[n];
        if (!ns_char_ok(ch)) {
            if (ch > 0x20 && ch < 0x7f)
                emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Namespace \"%s\" "
                                "has character '%c' outside [a-zA-Z0-9._#:/ -]", di, qt(q, s), ch);
            else
                emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Namespace \"%s\" "
                                "has byte 0x%02x outside [a-zA-Z0-9._#:/ -]", di, qt(q, s), ch);
            return NULL;
        }
        if (ch != ' ')
            blank = 0;
    }
    if (n == 0 || blank) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Namespace is %s", di,
                        n ? "blank" : "empty");
        return NULL;
    }
    if (n > EMF_MAX_NAMESPACE) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Namespace \"%s\" is "
                        "%zu characters long (limit %d)", di, qt(q, s), n, EMF_MAX_NAMESPACE);
        return NULL;
    }
    if (strncmp(s, "AWS/", 4) == 0) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Namespace \"%s\" uses "
                        "the reserved prefix AWS/", di, qt(q, s));
        return NULL;
    }
    return s;
}

/* Validate one name of a dimension set and its root value into *dim. */
static int dimension(ctx_t *c, const cJSON *name, int di, int si, int k, emf_dim_t *dim)
{
    char q[EMF_QUOTE_MAX + 4], why[64];
    if (!cJSON_IsString(name)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: entry %d of dimension "
                        "set %d is %s, not a dimension name", di, k, si, emf__type_name(name));
        return 0;
    }
    const char *key = name->valuestring;
    if (!text_ok(key, EMF_MAX_DIM_NAME, 1, why, sizeof why)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: dimension name \"%s\" %s",
                        di, qt(q, key), why);
        return 0;
    }
    if (key[0] == ':') {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: dimension name \"%s\" "
                        "starts with ':'", di, qt(q, key));
        return 0;
    }
    const cJSON *v = emf__index_get(&c->index, key);
    if (!v) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: dimension \"%s\" is "
                        "missing at the root", di, qt(q, key));
        return 0;
    }
    /* a value CloudWatch refuses costs the dimensions, not the metrics:
     * they are published without any (observed, docs/emf.md) */
    if (!cJSON_IsString(v)) {
        emf__reason_add(&c->reasons, "CloudWatch would publish directive %d's metrics without "
                        "dimensions: dimension \"%s\" is not a string at the root (found %s)", di,
                        qt(q, key), emf__type_name(v));
        return -1;
    }
    if (!text_ok(v->valuestring, EMF_MAX_DIM_VALUE, 1, why, sizeof why)) {
        emf__reason_add(&c->reasons, "CloudWatch would publish directive %d's metrics without "
                        "dimensions: the value of dimension \"%s\" %s", di, qt(q, key), why);
        return -1;
    }
    dim->key = key;
    dim->value = v->valuestring;
    return 1;
}

/* Insert into the sorted run dims[0..*n); a repeated name is kept once (it
 * names the same root value). */
static void dims_insert(emf_dim_t *dims, int *n, emf_dim_t d)
{
    int j = 0, cmp = 1;
    while (j < *n && (cmp = strcmp(dims[j].key, d.key)) < 0)
        j++;
    if (j < *n && cmp == 0)
        return;
    memmove(dims + j + 1, dims + j, (size_t)(*n - j) * sizeof *dims);
    dims[j] = d;
    (*n)++;
}

static int dimension_set(ctx_t *c, const cJSON *set, int di, int si)
{
    if (!cJSON_IsArray(set)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: dimension set %d is "
                        "%s, not an array of names", di, si, emf__type_name(set));
        return 0;
    }
    int n = cJSON_GetArraySize(set);
    if (n > EMF_MAX_DIMS) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: dimension set %d has "
                        "%d dimensions > %d", di, si, n, EMF_MAX_DIMS);
        return 0;
    }
    emf_result_t *out = c->out;
    if ((size_t)out->ndim_store + (size_t)n > c->dims_cap || c->nsets >= c->sets_cap)
        return 0;  /* cannot happen: sized by check_directives() */
    emf_dim_t *dims = out->dim_store ? out->dim_store + out->ndim_store : NULL;
    int ok = 1, k = 0, cnt = 0;
    const cJSON *name;
    cJSON_ArrayForEach(name, set) {
        emf_dim_t dim;
        int rc = dimension(c, name, di, si, ++k, &dim);
        if (rc == 0)
            ok = 0;
        else if (rc < 0)
            c->undim = 1;
        else if (ok)
            dims_insert(dims, &cnt, dim);
    }
    if (!ok)
        return 0;
    c->sets[c->nsets].dims = cnt ? dims : NULL;
    c->sets[c->nsets].n = cnt;
    c->nsets++;
    out->ndim_store += cnt;
    return 1;
}

static int dimension_sets(ctx_t *c, const cJSON *d, int di)
{
    c->nsets = 0;
    const cJSON *dims = cJSON_GetObjectItemCaseSensitive(d, "Dimensions");
    if (!dims || (cJSON_IsArray(dims) && !dims->child)) {
        /* missing or []: not in the schema, but AWS's own exporters emit it
         * and expect undimensioned metrics (spec §1.5) */
        c->sets[0].dims = NULL;
        c->sets[0].n = 0;
        c->nsets = 1;
        return 1;
    }
    if (!cJSON_IsArray(dims)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Dimensions is %s, not "
                        "an array of dimension sets", di, emf__type_name(dims));
        return 0;
    }
    int ok = 1, si = 0;
    const cJSON *set;
    c->undim = 0;
    cJSON_ArrayForEach(set, dims) {
        if (!dimension_set(c, set, di, ++si))
            ok = 0;
    }
    if (ok && c->undim) {
        c->sets[0].dims = NULL;
        c->sets[0].n = 0;
        c->nsets = 1;
    }
    return ok;
}

/* ---- metric level ------------------------------------------------------- */

static void push_point(ctx_t *c, const emf_point_t *p)
{
    emf_result_t *out = c->out;
    if (out->npoints == c->points_cap) {
        c->points_cap = c->points_cap ? 2 * c->points_cap : 16;
        out->points = xrealloc(out->points, (size_t)c->points_cap * sizeof *out->points);
    }
    out->points[out->npoints++] = *p;
}

static void metric(ctx_t *c, const cJSON *m, int mi, int di, const char *ns)
{
    char q[EMF_QUOTE_MAX + 4], why[64];
    emf_mlabel_t ml = { .m = m, .mi = mi, .di = di };
    if (!cJSON_IsObject(m)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop metric %d of directive %d: it is %s, "
                        "not an object", mi, di, emf__type_name(m));
        return;
    }
    int ok = 1;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "Name");
    if (cJSON_IsString(name)) {
        if (!text_ok(name->valuestring, EMF_MAX_METRIC_NAME, 0, why, sizeof why)) {
            emf__reason_add(&c->reasons, "CloudWatch would drop %s: its name %s", emf__mlabel(&ml), why);
            ok = 0;
        }
    } else {
        if (name)
            emf__reason_add(&c->reasons, "CloudWatch would drop %s: Name is %s, not a string",
                            emf__mlabel(&ml), emf__type_name(name));
        else
            emf__reason_add(&c->reasons, "CloudWatch would drop %s: Name is missing", emf__mlabel(&ml));
        ok = 0;
    }
    const char *unit = "None";
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(m, "Unit");
    if (u && !cJSON_IsString(u)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop %s: Unit is %s, not a string", emf__mlabel(&ml),
                        emf__type_name(u));
        ok = 0;
    } else if (u && !emf_unit_valid(u->valuestring)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop %s: unit \"%s\" is not a CloudWatch "
                        "unit", emf__mlabel(&ml), qt(q, u->valuestring));
        ok = 0;
    } else if (u) {
        unit = u->valuestring;
    }
    int res = 60;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(m, "StorageResolution");
    if (r && !cJSON_IsNumber(r)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop %s: StorageResolution is %s, not 1 "
                        "or 60", emf__mlabel(&ml), emf__type_name(r));
        ok = 0;
    } else if (r && r->valuedouble != 1 && r->valuedouble != 60) {
        emf__reason_add(&c->reasons, "CloudWatch would drop %s: StorageResolution %g is not 1 or 60",
                        emf__mlabel(&ml), r->valuedouble);
        ok = 0;
    } else if (r) {
        res = (int)r->valuedouble;
    }
    emf_target_t tg;
    tg.n = 0;
    tg.stats = 0;
    /* the target is looked at whenever the name is usable, so every fault
     * of the metric is reported */
    if (cJSON_IsString(name) && name->valuestring[0] &&
        !emf__target_read(emf__index_get(&c->index, name->valuestring), &ml, &c->reasons, &tg))
        ok = 0;
    if (!ok)
        return;
    int per_set = tg.stats ? tg.count > 0 : tg.n;
    if ((long long)c->out->npoints + (long long)c->nsets * per_set > EMF_MAX_POINTS) {
        emf__reason_add(&c->reasons, "obs drops %s: the document would expand to more than %d "
                        "points, the most obs keeps per document", emf__mlabel(&ml), EMF_MAX_POINTS);
        return;
    }
    emf_point_t p = { .ns = ns, .name = name->valuestring, .unit = unit, .resolution = res,
                      .ts_ms = c->ts_ms };
    for (int s = 0; s < c->nsets; s++) {
        p.dims = c->sets[s].dims;
        p.ndims = c->sets[s].n;
        if (tg.stats) {
            if (tg.count == 0)
                continue;   /* nothing observed */
            p.stats = 1;
            p.value = 0;
            p.count = (uint64_t)tg.count;
            p.given = tg.given;
            p.sum = tg.sum;
            p.min = tg.min;
            p.max = tg.max;
            push_point(c, &p);
            continue;
        }
        for (int i = 0; i < tg.n; i++) {
            p.value = tg.vals[i];
            p.count = (uint64_t)tg.counts[i];
            p.given = tg.given;
            /* a given Sum is the whole document's: on its first point */
            p.sum = tg.given & EMF_GIVEN_SUM ? (i == 0 ? tg.sum : 0) : tg.vals[i] * tg.counts[i];
            p.min = tg.given & EMF_GIVEN_MIN ? tg.min : tg.vals[i];
            p.max = tg.given & EMF_GIVEN_MAX ? tg.max : tg.vals[i];
            push_point(c, &p);
        }
    }
}

static void directive(ctx_t *c, const cJSON *d, int di)
{
    if (!cJSON_IsObject(d)) {
        emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: it is %s, not an object",
                        di, emf__type_name(d));
        return;
    }
    int mark = c->out->ndim_store;
    const char *ns = namespace_of(c, d, di);
    int ok = ns != NULL;
    if (!dimension_sets(c, d, di))
        ok = 0;
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(d, "Metrics");
    if (!cJSON_IsArray(metrics)) {
        if (metrics)
            emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Metrics is %s, not "
                            "an array", di, emf__type_name(metrics));
        else
            emf__reason_add(&c->reasons, "CloudWatch would drop directive %d: Metrics is missing", di);
        ok = 0;
    }
    if (!ok) {
        c->out->ndim_store = mark;
        return;
    }
    int mi = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, metrics)
        metric(c, m, ++mi, di, ns);
}

/* ---- entry point -------------------------------------------------------- */

static void parse_error(emf_result_t *out, const char *what, const cJSON *item)
{
    emf_reasons_t r = { 0 };
    if (item)
        emf__reason_add(&r, "CloudWatch would not parse this EMF document: %s is %s", what,
                        emf__type_name(item));
    else
        emf__reason_add(&r, "CloudWatch would not parse this EMF document: %s is missing", what);
    out->status = EMF_PARSE_ERROR;
    out->nerrors = r.count;
    out->errors = emf__reasons_take(&r);
}

void emf_extract(const cJSON *root, int64_t event_ts_ms, emf_result_t *out)
{
    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(root))
        return;
    const cJSON *aws = cJSON_GetObjectItemCaseSensitive(root, "_aws");
    if (!aws)
        return;
    if (!cJSON_IsObject(aws)) {
        parse_error(out, "_aws", aws);
        return;
    }
    const cJSON *cwm = cJSON_GetObjectItemCaseSensitive(aws, "CloudWatchMetrics");
    if (!cJSON_IsArray(cwm)) {
        parse_error(out, "_aws.CloudWatchMetrics", cwm);
        return;
    }
    ctx_t c = { .out = out };
    c.sets = c.sets_small;
    int ok = check_timestamp(&c, aws, event_ts_ms);
    if (!check_directives(&c, cwm))
        ok = 0;
    if (ok) {
        alloc_storage(&c);
        emf__index_init(&c.index, root);
        int di = 0;
        const cJSON *d;
        cJSON_ArrayForEach(d, cwm)
            directive(&c, d, ++di);
        emf__index_done(&c.index);
    }
    if (c.sets != c.sets_small)
        free(c.sets);
    out->nerrors = c.reasons.count;
    out->errors = emf__reasons_take(&c.reasons);
    out->status = out->nerrors ? EMF_INVALID : EMF_VALID;
}
