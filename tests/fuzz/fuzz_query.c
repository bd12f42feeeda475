/* tests/fuzz/fuzz_query.c — libFuzzer target for the query front end: any
 * bytes in, query_parse, then query_check (strict) and, on a second parse,
 * query_check_lenient (which accepts what the strict one does), then
 * query_ast_dump and query_error_print must not crash, overflow the stack,
 * read past the text or leak; an error must carry a position inside the
 * text. A query that checks is planned (a small and a huge span of the
 * store, for the binned and GROUP BY plans of stats by bin; its SOURCE
 * applied; with and without a time range, which diff needs) and its SQL — and a part's, when it
 * can run in parts — must compile against the store's schema (an in-memory store with its tokenizer and functions), or
 * the planner must have said why it cannot be run.
 *
 * Run with `make fuzz` (FUZZ_SECONDS=60); seeds in tests/fuzz/corpus/query/.
 */
#include "query/check.h"
#include "query/cmds/cmds.h"
#include "query/emit_sql.h"
#include "query/errfmt.h"
#include "query/parse.h"
#include "query/query.h"
#include "query/sqlfuncs/sqlfuncs.h"
#include "store/store_int.h"

#include <sqlite3.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An empty store in memory, made once. */
static sqlite3 *schema_db(void)
{
    static sqlite3 *db;
    obs_err_t err;
    if (!db && (sqlite3_open(":memory:", &db) != SQLITE_OK || store__register_tokenizer(db, &err) ||
                store__register_functions(db, &err) || store__migrate(db, &err) ||
                query_sqlfuncs_register(db, NULL, &err)))
        abort();
    return db;
}

static void compile(const query_plan_t *p)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(schema_db(), p->sql, -1, &st, NULL);
    /* SQLite's own limits (its parser's stack, expression depth, compound
     * terms) are errors a user sees (query_prepare_plan says so); anything
     * else is SQL the planner should not have written */
    const char *why = sqlite3_errmsg(schema_db());
    if (rc != SQLITE_OK && !strstr(why, "parser stack overflow") && !strstr(why, "too large") &&
        !strstr(why, "too many")) {
        fprintf(stderr, "planned SQL does not compile: %s\n%s\n", sqlite3_errmsg(schema_db()), p->sql);
        abort();
    }
    sqlite3_finalize(st);
}

/* Plan q (and, when it can run in parts, a middle part of it: run_split.c)
 * and compile the SQL. */
static void plan_and_compile(const query_ast_t *q, int64_t span_ms, int ranged)
{
    query_plan_opts_t o = { .since_ms = -1, .until_ms = -1, .span_known = 1 };
    query_source_owned_t src;
    o.span_first_ms = 1793491200000LL;
    o.span_last_ms = o.span_first_ms + span_ms;
    o.now_ms = o.span_last_ms;
    if (ranged) {
        o.since_ms = o.span_first_ms;
        o.until_ms = o.span_last_ms;
    }
    query_source_apply(q, o.now_ms, &o, &src);
    query_plan_t *p = NULL, *part = NULL;
    obs_err_t err = { 0 };
    if (query_plan_build(q, &o, &p, &err)) {
        if (p || !err.msg[0])
            abort();
        query_source_free(&src);
        return;
    }
    compile(p);
    if (p->split != QSPLIT_NONE) {
        if (p->split == QSPLIT_BINS) {
            o.since_ms = p->split_first_ms + p->split_width_ms;
            o.until_ms = o.since_ms + p->split_width_ms;
        } else {
            o.part_first_id = 10;
            o.part_last_id = 20;
        }
        if (query_plan_build(q, &o, &part, &err))
            abort();  /* a part of a plan that was made */
        compile(part);
        query_plan_free(part);
    }
    query_plan_free(p);
    query_source_free(&src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so ASan sees any read past the end */
    char *text = malloc(size ? size : 1);
    if (size)
        memcpy(text, data, size);
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    int rc = query_parse(text, size, &q, &err);
    if (rc == 0) {
        if (!q || q->ncmds < 1)
            abort();
        rc = query_check(q, &err);
        char *d = query_ast_dump(q);
        if (!d)
            abort();
        free(d);
        if (rc == 0) {
            plan_and_compile(q, 3 * 3600000LL, 0);
            plan_and_compile(q, 365 * 86400000LL, 1);
        }
        /* the lenient checker, on a tree of its own (checking annotates it) */
        query_ast_t *l = NULL;
        obs_err_t lerr = { 0 };
        if (query_parse(text, size, &l, &lerr) != 0)
            abort();  /* it parsed a moment ago */
        if (query_check_lenient(l, &lerr) == 0) {
            FILE *devnull = fopen("/dev/null", "w");
            if (devnull) {
                query_notes_print(devnull, l);
                fclose(devnull);
            }
            plan_and_compile(l, 3 * 3600000LL, 1);
        } else if (rc == 0 || lerr.code != OBS_EINVAL || lerr.line < 1 || lerr.col < 1) {
            abort();  /* what the strict checker accepts, the lenient one accepts */
        }
        query_ast_free(l);
    } else if (q) {
        abort();
    }
    if (rc) {
        if (err.code != OBS_EINVAL || err.line < 1 || err.col < 1 || !err.msg[0])
            abort();
        FILE *devnull = fopen("/dev/null", "w");
        if (devnull) {
            /* the printer wants a NUL-terminated text */
            char *z = malloc(size + 1);
            memcpy(z, data, size);
            z[size] = '\0';
            query_error_print(devnull, z, &err);
            free(z);
            fclose(devnull);
        }
    }
    query_ast_free(q);
    free(text);
    return 0;
}
