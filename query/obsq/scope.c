/* query/obsq/scope.c — the scope options that `summary` and `metrics`
 * share with the query (options.c's scope group): the store, the range,
 * the functions, the output format, applied to an obsq_scope_t. */
#include "query/obsq/obsq.h"
#include "query/query.h"
#include "common/clock.h"
#include "common/xalloc.h"
#include "common/termsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void obsq_scope_init(obsq_scope_t *s)
{
    memset(s, 0, sizeof *s);
    s->db = getenv("OBS_DB");
    s->since_ms = s->until_ms = -1;
}

int obsq_scope_opt(obsq_scope_t *s, const obs_cli_t *spec, int c, const char *arg)
{
    switch (c) {
    case 'd': s->db = arg; return 1;
    case 's':
    case 'S':
    case 'E':
        if (timearg_parse(arg, obs_wall_ms(), c == 'E' ? &s->until_ms : &s->since_ms)) {
            termsafe_eprintf("%s: invalid time '%s': expected 15m, 2h, 7d, an ISO-8601 time or epoch ms\n",
                    spec->prog, arg);
            return 2;
        }
        return 1;
    case 'f':
        s->functions = xrealloc(s->functions, (size_t)(s->nfunctions + 1) * sizeof *s->functions);
        s->functions[s->nfunctions++] = arg;
        return 1;
    case 'o': return obsq_output_parse(spec->prog, arg, &s->fmt) ? 2 : 1;
    default: return 0;
    }
}

const char *obsq_scope_db(const obsq_scope_t *s)
{
    return s->db && *s->db ? s->db : "obs.db";
}

void obsq_scope_done(obsq_scope_t *s)
{
    free(s->functions);
    s->functions = NULL;
}
