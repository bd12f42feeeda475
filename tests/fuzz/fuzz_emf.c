/* tests/fuzz/fuzz_emf.c — libFuzzer target for the EMF validator: any bytes
 * that cJSON parses go through emf_extract() at a fixed event time, which
 * must not crash or leak, and whose result must be consistent: the status
 * agrees with the points and reasons, every point is complete (namespace,
 * name, one of the 27 units, resolution 1 or 60, finite value, a count
 * of 1 .. 2^53, finite sum, min and max, a statistic set with all three
 * given) and its
 * dimensions are sorted and point into the result's own storage.
 *
 * Run with `make fuzz` (FUZZ_SECONDS=60); seeds in tests/fuzz/corpus/emf/.
 */
#include "emf/emf.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EVENT_TS_MS 1700000000000LL

static void check_result(const emf_result_t *r)
{
    switch (r->status) {
    case EMF_NOT_EMF:
        if (r->npoints || r->nerrors || r->errors || r->points)
            abort();
        break;
    case EMF_VALID:
        if (r->nerrors || r->errors)
            abort();
        break;
    case EMF_PARSE_ERROR:
        if (r->npoints || r->nerrors != 1 || !r->errors)
            abort();
        break;
    case EMF_INVALID:
        if (r->nerrors < 1 || !r->errors)
            abort();
        break;
    default:
        abort();
    }
    if (r->npoints < 0 || (r->npoints && !r->points) || r->ndim_store < 0)
        abort();
    if (r->errors) {
        /* one line per reason, at most 20 shown plus the summary line */
        int lines = 1;
        for (const char *p = r->errors; *p; p++)
            lines += *p == '\n';
        if (lines > 21 || lines > r->nerrors + (r->nerrors > 20))
            abort();
    }
    if (emf_status_name(r->status) == NULL && r->status != EMF_NOT_EMF)
        abort();
    for (int i = 0; i < r->npoints; i++) {
        const emf_point_t *p = &r->points[i];
        if (!p->ns || !p->name || !emf_unit_valid(p->unit))
            abort();
        if (p->resolution != 1 && p->resolution != 60)
            abort();
        if (!isfinite(p->value) || fabs(p->value) > 0x1p360)
            abort();
        /* a weight within 1 .. 2^53, the statistics it adds finite, a
         * statistic set giving all three and no value */
        if (p->count < 1 || (double)p->count > EMF_MAX_COUNT)
            abort();
        if (!isfinite(p->sum) || !isfinite(p->min) || !isfinite(p->max))
            abort();
        if (p->stats && (p->given != (EMF_GIVEN_SUM | EMF_GIVEN_MIN | EMF_GIVEN_MAX) || p->value != 0))
            abort();
        if (!p->stats && ((!(p->given & EMF_GIVEN_MIN) && p->min != p->value) ||
                          (!(p->given & EMF_GIVEN_MAX) && p->max != p->value)))
            abort();
        if (p->ndims < 0 || p->ndims > 30 || (p->ndims && !p->dims))
            abort();
        if (p->ndims && (p->dims < r->dim_store || p->dims + p->ndims > r->dim_store + r->ndim_store))
            abort();
        for (int k = 0; k < p->ndims; k++) {
            if (!p->dims[k].key || !p->dims[k].value)
                abort();
            if (k && strcmp(p->dims[k - 1].key, p->dims[k].key) >= 0)
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *root = cJSON_ParseWithLength((const char *)data, size);
    emf_result_t r;
    emf_extract(root, EVENT_TS_MS, &r);
    check_result(&r);
    emf_result_free(&r);
    cJSON_Delete(root);
    return 0;
}
