/* query/query.c — query_compile: the front end's stages in order (see
 * query.h). */
#include "query/query.h"
#include "query/check.h"
#include "query/parse.h"

int query_compile(const char *text, size_t len, query_ast_t **out, obs_err_t *err)
{
    query_ast_t *q = NULL;
    *out = NULL;
    int rc = query_parse(text, len, &q, err);
    if (!rc)
        rc = query_check(q, err);
    if (rc) {
        query_ast_free(q);
        return rc;
    }
    *out = q;
    return 0;
}
