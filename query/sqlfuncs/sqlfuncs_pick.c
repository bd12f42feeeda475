/* query/sqlfuncs/sqlfuncs_pick.c — the stats "pick" aggregates: obs_earliest(ts, v)
 * and obs_latest(ts, v) (v of the row with the smallest / largest ts),
 * obs_sortsfirst(v) and obs_sortslast(v) (the value first / last in the
 * natural order of `sort`, sqlfuncs_sort.c).
 *
 * Rows whose v is NULL are skipped (the pick is over events where the field
 * is present), as are earliest/latest rows whose ts is not a timestamp
 * (epoch ms number or ISO text). Ties keep the first row seen. The value is
 * returned with its original type. An empty group gives NULL. */
#include "query/sqlfuncs/sqlfuncs_int.h"

typedef struct pick_state {
    sqlite3_value *best;  /* sqlite3_value_dup'ed */
    int64_t ts;
    int oom;
} pick_state_t;

static pick_state_t *state(sqlite3_context *c)
{
    pick_state_t *st = sqlite3_aggregate_context(c, sizeof *st);
    if (!st)
        sqlite3_result_error_nomem(c);
    return st;
}

static void keep(pick_state_t *st, sqlite3_value *v, int64_t ts)
{
    sqlite3_value *dup = sqlite3_value_dup(v);
    if (!dup) {
        st->oom = 1;
        return;
    }
    sqlite3_value_free(st->best);
    st->best = dup;
    st->ts = ts;
}

static void time_step(sqlite3_context *c, sqlite3_value **argv, int latest)
{
    pick_state_t *st = state(c);
    int64_t ts;
    if (!st || sqlite3_value_type(argv[1]) == SQLITE_NULL || !query_sqlfuncs__time_ms(argv[0], &ts))
        return;
    if (!st->best || (latest ? ts > st->ts : ts < st->ts))
        keep(st, argv[1], ts);
}

static void earliest_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    time_step(c, argv, 0);
}

static void latest_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    time_step(c, argv, 1);
}

static void order_step(sqlite3_context *c, sqlite3_value **argv, int last)
{
    pick_state_t *st = state(c);
    if (!st || sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    if (!st->best) {
        keep(st, argv[0], 0);
        return;
    }
    int cmp = query_sqlfuncs__natural_cmp_values(argv[0], st->best);
    if (last ? cmp > 0 : cmp < 0)
        keep(st, argv[0], 0);
}

static void first_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    order_step(c, argv, 0);
}

static void last_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    order_step(c, argv, 1);
}

static void pick_final(sqlite3_context *c)
{
    pick_state_t *st = sqlite3_aggregate_context(c, 0);
    if (!st)
        return;
    if (st->oom)
        sqlite3_result_error_nomem(c);
    else if (st->best)
        sqlite3_result_value(c, st->best);
    sqlite3_value_free(st->best);
    st->best = NULL;
}

int query_sqlfuncs__register_pick(sqlite3 *db)
{
    static const struct {
        const char *name;
        int nargs;
        void (*step)(sqlite3_context *, int, sqlite3_value **);
    } picks[] = {
        { "obs_earliest", 2, earliest_step },
        { "obs_latest", 2, latest_step },
        { "obs_sortsfirst", 1, first_step },
        { "obs_sortslast", 1, last_step },
    };
    int rc = SQLITE_OK;
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof picks / sizeof *picks; i++)
        rc = sqlite3_create_function_v2(db, picks[i].name, picks[i].nargs, SQLFN_PURE, NULL, NULL,
                                        picks[i].step, pick_final, NULL);
    return rc;
}
