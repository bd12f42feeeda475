/* query/query.c — query_compile: the front end's stages in order (see
 * query.h), and the printing of what the lenient checker let through. */
#include "query/query.h"
#include "query/check.h"
#include "query/parse.h"

int query_compile_opts(const char *text, size_t len, const query_compile_opts_t *o, query_ast_t **out,
                       obs_err_t *err)
{
    query_ast_t *q = NULL;
    *out = NULL;
    int rc = query_parse(text, len, &q, err);
    if (!rc)
        rc = o && o->strict ? query_check(q, err) : query_check_lenient(q, err);
    if (rc) {
        query_ast_free(q);
        return rc;
    }
    *out = q;
    return 0;
}

int query_compile(const char *text, size_t len, query_ast_t **out, obs_err_t *err)
{
    return query_compile_opts(text, len, NULL, out, err);
}

void query_notes_print(FILE *f, const query_ast_t *q)
{
    for (int i = 0; q && i < q->nnotes; i++) {
        obs_err_t e = { 0, q->notes[i].line, q->notes[i].col, "" };
        snprintf(e.msg, sizeof e.msg, "%s", q->notes[i].msg);
        query_note_print(f, q->text, &e);
    }
}
