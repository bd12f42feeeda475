/* emf/emf_target.c — what a metric's value member at the document's root
 * holds (spec §1.13, and the forms other tools write): a number, an array
 * of up to EMF_MAX_VALUES numbers, {"Values":[...],"Counts":[...]} with the
 * Sum, Min and Max the document gives, or a statistic set {"Count","Sum",
 * "Min","Max"} (ADOT's awsemfexporter); each fault is one reason naming the
 * metric. emf_extract.c expands the target into points. */
#include "emf/emf_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

int emf__value_ok(double v)
{
    return isfinite(v) && fabs(v) <= 0x1p360;
}

const char *emf__mlabel(emf_mlabel_t *ml)
{
    if (ml->text[0])
        return ml->text;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(ml->m, "Name");
    if (cJSON_IsString(name)) {
        char q[EMF_QUOTE_MAX + 4];
        emf__quote(q, sizeof q, name->valuestring);
        snprintf(ml->text, sizeof ml->text, "metric \"%s\" (directive %d)", q, ml->di);
    } else {
        snprintf(ml->text, sizeof ml->text, "metric %d of directive %d", ml->mi, ml->di);
    }
    return ml->text;
}

/* A member of a value object that must be a usable number when present:
 * 1 fine (or absent: *found 0), 0 when a reason was written. `who` is
 * "obs drops" or "CloudWatch would drop", `what` names the member. */
static int stat_member(emf_reasons_t *r, const cJSON *t, const char *key, emf_mlabel_t *ml, const char *who,
                       const char *what, double *out, int *found)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, key);
    *found = v != NULL;
    if (!v)
        return 1;
    if (!cJSON_IsNumber(v)) {
        emf__reason_add(r, "%s %s: its %s%s is %s, not a number", who, emf__mlabel(ml), what, key,
                        emf__type_name(v));
        return 0;
    }
    if (!emf__value_ok(v->valuedouble)) {
        emf__reason_add(r, "%s %s: its %s%s %g is not finite or beyond ±2^360", who, emf__mlabel(ml),
                        what, key, v->valuedouble);
        return 0;
    }
    *out = v->valuedouble;
    return 1;
}

/* A count: a whole number >= 0 and at most EMF_MAX_COUNT. `what` names it
 * in reasons ("Counts entry 2", "statistic set's Count"). */
static int count_ok(emf_reasons_t *r, double count, emf_mlabel_t *ml, const char *what)
{
    if (!(count >= 0) || count != floor(count)) {
        emf__reason_add(r, "CloudWatch would drop %s: its %s is not a whole number >= 0", emf__mlabel(ml),
                        what);
        return 0;
    }
    if (count > EMF_MAX_COUNT) {
        emf__reason_add(r, "obs drops %s: its %s is %.17g, more than 2^53, the most obs counts "
                        "exactly", emf__mlabel(ml), what, count);
        return 0;
    }
    return 1;
}

/* A statistic set {"Count":n,"Sum":s,"Min":a,"Max":b} (what ADOT's
 * awsemfexporter writes for histograms and summaries; CloudWatch's
 * StatisticValues, which needs all four). A Count of 0 holds nothing. */
static int statistic_set(emf_reasons_t *r, const cJSON *t, emf_mlabel_t *ml, emf_target_t *out)
{
    static const char *const keys[4] = { "Count", "Sum", "Min", "Max" };
    double v[4] = { 0 };
    for (int k = 0; k < 4; k++) {
        int found;
        if (!stat_member(r, t, keys[k], ml, "CloudWatch would drop", "statistic set's ", &v[k], &found))
            return 0;
        if (!found) {
            emf__reason_add(r, "CloudWatch would drop %s: its value is a statistic set without "
                            "%s (it needs Count, Sum, Min and Max)", emf__mlabel(ml), keys[k]);
            return 0;
        }
    }
    if (!count_ok(r, v[0], ml, "statistic set's Count"))
        return 0;
    out->stats = 1;
    out->given = EMF_GIVEN_SUM | EMF_GIVEN_MIN | EMF_GIVEN_MAX;
    out->count = v[0];
    out->sum = v[1];
    out->min = v[2];
    out->max = v[3];
    out->n = 0;
    return 1;
}

/* The object forms of a target: {"Values":[...],"Counts":[...]} (§1.13),
 * each value observed Counts times (once when Counts is absent; an entry
 * of 0 gives nothing), with the Sum, Min and Max CloudWatch takes from the
 * document when it has them (Count is ignored: CloudWatch counts Counts);
 * or, without Values, a statistic set. */
static int values_object(emf_reasons_t *r, const cJSON *t, emf_mlabel_t *ml, emf_target_t *out)
{
    const cJSON *vs = cJSON_GetObjectItemCaseSensitive(t, "Values");
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(t, "Counts");
    if (!vs) {
        if (cJSON_GetObjectItemCaseSensitive(t, "Count") || cJSON_GetObjectItemCaseSensitive(t, "Sum") ||
            cJSON_GetObjectItemCaseSensitive(t, "Min") || cJSON_GetObjectItemCaseSensitive(t, "Max"))
            return statistic_set(r, t, ml, out);
        emf__reason_add(r, "CloudWatch would drop %s: its value is an object with neither a "
                        "Values array nor a statistic set (Count, Sum, Min, Max), not a number or an array "
                        "of numbers", emf__mlabel(ml));
        return 0;
    }
    if (!cJSON_IsArray(vs)) {
        emf__reason_add(r, "CloudWatch would drop %s: its Values is %s, not an array", emf__mlabel(ml),
                        emf__type_name(vs));
        return 0;
    }
    int nv = cJSON_GetArraySize(vs);
    if (nv > EMF_MAX_VALUES) {
        emf__reason_add(r, "CloudWatch would drop %s: its Values array has %d values > %d",
                        emf__mlabel(ml), nv, EMF_MAX_VALUES);
        return 0;
    }
    if (cs && !cJSON_IsArray(cs)) {
        emf__reason_add(r, "CloudWatch would drop %s: its Counts is %s, not an array",
                        emf__mlabel(ml), emf__type_name(cs));
        return 0;
    }
    if (cs && cJSON_GetArraySize(cs) != nv) {
        emf__reason_add(r, "CloudWatch would drop %s: its Counts has %d entries but "
                        "Values has %d", emf__mlabel(ml), cJSON_GetArraySize(cs), nv);
        return 0;
    }
    const cJSON *v = vs->child, *k = cs ? cs->child : NULL;
    int n = 0;
    for (int i = 1; v; i++, v = v->next, k = k ? k->next : NULL) {
        if (!cJSON_IsNumber(v) || !emf__value_ok(v->valuedouble)) {
            emf__reason_add(r, "CloudWatch would drop %s: Values entry %d is %s", emf__mlabel(ml), i,
                            cJSON_IsNumber(v) ? "not finite or beyond ±2^360" : "not a number");
            return 0;
        }
        double count = 1;
        if (k) {
            char what[32];
            snprintf(what, sizeof what, "Counts entry %d", i);
            count = cJSON_IsNumber(k) ? k->valuedouble : -1;
            if (!count_ok(r, count, ml, what))
                return 0;
        }
        if (count == 0)
            continue;
        out->vals[n] = v->valuedouble;
        out->counts[n++] = count;
    }
    static const char *const keys[3] = { "Sum", "Min", "Max" };
    double *dst[3] = { &out->sum, &out->min, &out->max };
    for (int j = 0; j < 3; j++) {
        int found;
        if (!stat_member(r, t, keys[j], ml, "obs drops", "", dst[j], &found))
            return 0;
        if (found)
            out->given |= 1u << j;   /* EMF_GIVEN_SUM, _MIN, _MAX in that order */
    }
    out->n = n;
    return 1;
}

int emf__target_read(const cJSON *t, emf_mlabel_t *ml, emf_reasons_t *r, emf_target_t *out)
{
    out->n = 0;
    out->stats = 0;
    out->given = 0;
    if (!t) {
        emf__reason_add(r, "CloudWatch would drop %s: its value is missing at the root",
                        emf__mlabel(ml));
        return 0;
    }
    if (cJSON_IsNumber(t)) {
        if (!emf__value_ok(t->valuedouble)) {
            emf__reason_add(r, "CloudWatch would drop %s: its value %g is not finite or "
                            "beyond ±2^360", emf__mlabel(ml), t->valuedouble);
            return 0;
        }
        out->vals[0] = t->valuedouble;
        out->counts[0] = 1;
        out->n = 1;
        return 1;
    }
    if (cJSON_IsObject(t))
        return values_object(r, t, ml, out);
    if (!cJSON_IsArray(t)) {
        emf__reason_add(r, "CloudWatch would drop %s: its value is %s, not a number or "
                        "an array of numbers", emf__mlabel(ml), emf__type_name(t));
        return 0;
    }
    int n = cJSON_GetArraySize(t);
    if (n > EMF_MAX_VALUES) {
        emf__reason_add(r, "CloudWatch would drop %s: its value array has %d values > %d",
                        emf__mlabel(ml), n, EMF_MAX_VALUES);
        return 0;
    }
    int i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, t) {
        if (!cJSON_IsNumber(v)) {
            emf__reason_add(r, "CloudWatch would drop %s: element %d of its value array "
                            "is %s, not a number", emf__mlabel(ml), i + 1, emf__type_name(v));
            return 0;
        }
        if (!emf__value_ok(v->valuedouble)) {
            emf__reason_add(r, "CloudWatch would drop %s: element %d of its value array "
                            "(%g) is not finite or beyond ±2^360", emf__mlabel(ml), i + 1, v->valuedouble);
            return 0;
        }
        out->vals[i] = v->valuedouble;
        out->counts[i++] = 1;
    }
    out->n = i;
    return 1;
}

