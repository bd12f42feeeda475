/* emf/emf_units.c — the 27 CloudWatch units (exact, case-sensitive, spec
 * §1.8), status names, and releasing an extraction result. */
#include "emf/emf.h"

#include <stdlib.h>
#include <string.h>

/* Most frequent first: the list is searched linearly. */
static const char *const units[] = {
    "Count", "Milliseconds", "None", "Seconds", "Microseconds", "Percent",
    "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
    "Count/Second", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
    "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
    "Megabits/Second", "Gigabits/Second", "Terabits/Second",
};

int emf_unit_valid(const char *unit)
{
    if (!unit)
        return 0;
    for (size_t i = 0; i < OBS_ARRAY_LEN(units); i++)
        if (strcmp(unit, units[i]) == 0)
            return 1;
    return 0;
}

const char *emf_status_name(emf_status_t s)
{
    switch (s) {
    case EMF_VALID:
        return "valid";
    case EMF_PARSE_ERROR:
        return "parse_error";
    case EMF_INVALID:
        return "invalid";
    case EMF_NOT_EMF:
        break;
    }
    return NULL;
}

void emf_result_free(emf_result_t *r)
{
    if (!r)
        return;
    free(r->points);
    free(r->errors);
    free(r->dim_store);
    memset(r, 0, sizeof *r);
}
