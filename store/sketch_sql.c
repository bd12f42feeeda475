/* store/sketch_sql.c — the SQL functions over quantile sketches that the
 * writer connection registers: obs_sketch_merge(a, b), the merge of two
 * serialised sketches (NULL counts as empty), used by the rollup upserts;
 * the aggregate obs_sketch_of(x), the sketch of a column's non-NULL
 * numbers, used by the v5 migration to backfill duration sketches; and the
 * aggregate obs_sketch_sum(blob), the merge of a column of sketches, which
 * readers use to get percentiles of many rollup minutes in one pass.
 * Every connection store_open* makes registers them. */
#include "store/store_int.h"
#include "common/sketch.h"

#include <math.h>
#include <stdlib.h>

static void result_sketch(sqlite3_context *ctx, const sketch_t *s)
{
    size_t len;
    unsigned char *out = sketch_encode(s, &len);
    sqlite3_result_blob(ctx, out, (int)len, free);
}

static void sql_sketch_merge(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sketch_t s;
    (void)argc;
    sketch_init(&s);
    for (int i = 0; i < 2; i++) {
        const unsigned char *b = sqlite3_value_blob(argv[i]);
        int n = sqlite3_value_bytes(argv[i]);
        if (b && sketch_merge_blob(&s, b, (size_t)n) != 0) {
            sketch_done(&s);
            sqlite3_result_error(ctx, "obs_sketch_merge: corrupt sketch", -1);
            return;
        }
    }
    result_sketch(ctx, &s);
    sketch_done(&s);
}

/* The aggregates' context holds a sketch_t pointer, created on first row. */
static sketch_t *agg_sketch(sqlite3_context *ctx)
{
    sketch_t **sp = sqlite3_aggregate_context(ctx, sizeof *sp);
    if (!sp)
        return NULL;
    if (!*sp) {
        *sp = malloc(sizeof **sp);
        if (!*sp) {
            sqlite3_result_error_nomem(ctx);
            return NULL;
        }
        sketch_init(*sp);
    }
    return *sp;
}

static void sketch_sum_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB)
        return;
    sketch_t *s = agg_sketch(ctx);
    if (s && sketch_merge_blob(s, sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0])))
        sqlite3_result_error(ctx, "obs_sketch_sum: corrupt sketch", -1);
}

static void sketch_of_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int t = sqlite3_value_numeric_type(argv[0]);
    if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
        return;
    double v = sqlite3_value_double(argv[0]);
    if (!isfinite(v))
        return;
    sketch_t *s = agg_sketch(ctx);
    if (s)
        sketch_add(s, v, 1);
}

/* NULL when no value was seen (a minute without REPORT durations). */
static void sketch_final(sqlite3_context *ctx)
{
    sketch_t **sp = sqlite3_aggregate_context(ctx, 0);
    if (!sp || !*sp) {
        sqlite3_result_null(ctx);
        return;
    }
    result_sketch(ctx, *sp);
    sketch_done(*sp);
    free(*sp);
}

int store__register_functions(sqlite3 *db, obs_err_t *err)
{
    if (sqlite3_create_function(db, "obs_sketch_merge", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                sql_sketch_merge, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "obs_sketch_of", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                NULL, sketch_of_step, sketch_final) != SQLITE_OK ||
        sqlite3_create_function(db, "obs_sketch_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                NULL, sketch_sum_step, sketch_final) != SQLITE_OK)
        return obs_err_set(err, OBS_EDB, "registering the sketch functions: %s", sqlite3_errmsg(db));
    return 0;
}
