/* tests/unit/plantest.h — helpers of the planner tests (test_binned,
 * test_split): plan_of(), a query parsed, checked and planned (a failure
 * said and counted), and two_stream_store(), a new store in a private
 * directory (tmpdir.h) holding streams 1 (function a) and 2 (function b),
 * for the test to fill with events. Include after check.h. */
#ifndef OBS_TEST_PLANTEST_H
#define OBS_TEST_PLANTEST_H

#include "tests/unit/tmpdir.h"

#include "query/query.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static inline query_plan_t *plan_of(const char *text, const query_plan_opts_t *o)
{
    query_ast_t *ast = NULL;
    query_plan_t *p = NULL;
    obs_err_t err = { 0 };
    if (query_compile(text, strlen(text), &ast, &err) ||
        query_plan_build(ast, o, &p, &err)) {
        fprintf(stderr, "  %s: %s\n", text, err.msg);
        check_failures++;
    }
    query_ast_free(ast);
    return p;
}

/* dir (64 bytes) = a new /tmp/obs-test-NAME.XXXXXX, db (96 bytes) = its
 * obs.db, opened for writing with the two streams in it. */
static inline store_t *two_stream_store(char *dir, char *db, const char *name)
{
    store_t *st = NULL;
    obs_err_t err;
    tmpdir_make(dir, 64, name);
    snprintf(db, 96, "%s/obs.db", dir);
    CHECK_EQ_INT(store_open(db, NULL, &st, &err), 0);
    CHECK_EQ_INT(sqlite3_exec(store_db(st), "INSERT INTO streams(id, function, log_group, stream) VALUES "
                                            "(1, 'a', '/aws/lambda/a', 's1'), (2, 'b', '/aws/lambda/b', 's2')",
                              NULL, NULL, NULL), SQLITE_OK);
    return st;
}

#endif
