/* query/sqlfuncs/sqlfuncs_time.c — timestamps: datefloor/dateceil (also bin()),
 * fromMillis, toMillis, obs_timefmt, and the query-context clock functions
 * now(), queryStartTime(), queryEndTime(), queryTimeRange().
 *
 * A timestamp argument may be an epoch-ms number or ISO-8601 text (see
 * common/isotime.h; toMillis also accepts the AWS documentation's example
 * "2022-01-14T13:18:031.000-08:00", whose 3-digit seconds "031" are read as
 * 31). Anything else gives NULL.
 *
 * Periods are (n, unit) with unit a qperiod_unit_t (0 ms, 1 s, 2 m, 3 h,
 * 4 d, 5 w, 6 mo, 7 q, 8 y). As spec §6.4 documents, n is capped at the
 * unit's natural maximum: ms 1000, s 60, m 60, h 24 (so 300s acts as 60s);
 * d, w, mo, q, y are not capped. n < 1 or an unknown unit gives NULL.
 * Fixed units are aligned to multiples of the period since the epoch
 * (1970-01-01T00:00Z); weeks start on Monday 00:00 UTC (multiples of n
 * weeks from Monday 1970-01-05); mo/q/y are calendar units in UTC aligned
 * to multiples of n months/quarters/years since year 0 (so 1mo floors to
 * the 1st of the month, 1q to Jan/Apr/Jul/Oct 1st, 1y to Jan 1st).
 * dateceil returns ts itself when ts is already on a boundary. */
#include <stdlib.h>
#include <string.h>

#include "common/isotime.h"
#include "query/sqlfuncs/sqlfuncs_int.h"

#define MS_DAY 86400000LL
#define TS_LIMIT 250000000000000000LL /* |ms| beyond ~8 million years: NULL */

static int is_ws(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* ISO text at s[0..n), whole (trailing whitespace allowed). */
static int parse_iso(const char *s, size_t n, int64_t *ms)
{
    size_t used;
    if (isotime_parse(s, n, ms, &used) == 0) {
        while (used < n && is_ws((unsigned char)s[used]))
            used++;
        if (used == n)
            return 1;
    }
    /* The AWS example writes seconds as "031": drop that leading zero. */
    if (n > 20 && n < 64 && s[13] == ':' && s[16] == ':' && s[17] == '0' &&
        s[18] >= '0' && s[18] <= '9' && s[19] >= '0' && s[19] <= '9') {
        char buf[64];
        memcpy(buf, s, 17);
        memcpy(buf + 17, s + 18, n - 18);
        if (isotime_parse(buf, n - 1, ms, &used) == 0 && used == n - 1)
            return 1;
    }
    return 0;
}

int query_sqlfuncs__time_ms(sqlite3_value *v, int64_t *ms)
{
    sqlfn_num_t num;
    if (query_sqlfuncs__num(v, &num)) {
        if (num.is_int) {
            *ms = num.i;
        } else {
            if (!(num.d > -9.2e18 && num.d < 9.2e18))
                return 0;
            *ms = (int64_t)num.d - (num.d < 0 && num.d != (double)(int64_t)num.d);
        }
        return 1;
    }
    if (sqlite3_value_type(v) != SQLITE_TEXT)
        return 0;
    const char *s = (const char *)sqlite3_value_text(v);
    size_t n = (size_t)sqlite3_value_bytes(v);
    if (!s)
        return 0;
    while (n && is_ws((unsigned char)*s))
        s++, n--;
    return parse_iso(s, n, ms);
}

/* The period of argv[1], argv[2]; 0 when invalid. *months is set for
 * calendar units (and *fixed_ms = 0), else *fixed_ms. */
static int period(sqlite3_value **argv, int64_t *fixed_ms, int64_t *months, int64_t *origin)
{
    static const int64_t unit_ms[] = { 1, 1000, 60000, 3600000, MS_DAY, 7 * MS_DAY };
    static const int64_t cap[] = { 1000, 60, 60, 24 };
    sqlfn_num_t n, u;
    if (!query_sqlfuncs__num(argv[1], &n) || !query_sqlfuncs__num(argv[2], &u) || !u.is_int)
        return 0;
    int64_t count = n.is_int ? n.i : (int64_t)n.d;
    if (count < 1 || u.i < 0 || u.i > 8)
        return 0;
    if (u.i <= 3 && count > cap[u.i])
        count = cap[u.i];
    if (count > 100000)  /* far beyond any useful period; keeps arithmetic in range */
        count = 100000;
    *fixed_ms = *months = 0;
    *origin = u.i == 5 ? 4 * MS_DAY : 0;  /* weeks start on Monday 1970-01-05 */
    if (u.i <= 5)
        *fixed_ms = count * unit_ms[u.i];
    else
        *months = count * (u.i == 6 ? 1 : u.i == 7 ? 3 : 12);
    return 1;
}

/* Floor (and, when ceil, the next boundary unless already on one). */
static int64_t align(int64_t ts, int64_t fixed_ms, int64_t months, int64_t origin, int ceil)
{
    if (fixed_ms) {
        int64_t f = sqlfn_floordiv(ts - origin, fixed_ms) * fixed_ms + origin;
        return ceil && f != ts ? f + fixed_ms : f;
    }
    int64_t days = sqlfn_floordiv(ts, MS_DAY), y;
    int m, d;
    isotime_civil_from_days(days, &y, &m, &d);
    int64_t idx = y * 12 + (m - 1);
    int64_t fidx = sqlfn_floordiv(idx, months) * months;
    int64_t f = isotime_days_from_civil(sqlfn_floordiv(fidx, 12), (int)(fidx - sqlfn_floordiv(fidx, 12) * 12) + 1, 1) * MS_DAY;
    if (ceil && f != ts) {
        fidx += months;
        f = isotime_days_from_civil(sqlfn_floordiv(fidx, 12), (int)(fidx - sqlfn_floordiv(fidx, 12) * 12) + 1, 1) * MS_DAY;
    }
    return f;
}

static void round_time(sqlite3_context *c, sqlite3_value **argv, int ceil)
{
    int64_t ts, fixed_ms, months, origin;
    if (!query_sqlfuncs__time_ms(argv[0], &ts) || !period(argv, &fixed_ms, &months, &origin))
        return;
    if (ts > TS_LIMIT || ts < -TS_LIMIT)
        return;
    sqlite3_result_int64(c, align(ts, fixed_ms, months, origin, ceil));
}

static void fn_datefloor(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    round_time(c, argv, 0);
}

static void fn_dateceil(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    round_time(c, argv, 1);
}

/* fromMillis(n) and toMillis(ts): both yield INTEGER epoch ms. */
static void fn_tomillis(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    int64_t ms;
    (void)argc;
    if (query_sqlfuncs__time_ms(argv[0], &ms))
        sqlite3_result_int64(c, ms);
}

static void fn_frommillis(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    int64_t ms;
    (void)argc;
    if (query_sqlfuncs__num(argv[0], &n) && query_sqlfuncs__time_ms(argv[0], &ms))
        sqlite3_result_int64(c, ms);
}

/* obs_timefmt(ts): "YYYY-MM-DD HH:MM:SS.mmm" (UTC), how obsq prints times. */
static void fn_timefmt(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    int64_t ms;
    char buf[32];
    (void)argc;
    if (!query_sqlfuncs__time_ms(argv[0], &ms))
        return;
    isotime_format(ms, buf);  /* YYYY-MM-DDTHH:MM:SS.mmmZ */
    buf[10] = ' ';
    buf[23] = '\0';
    sqlite3_result_text(c, buf, -1, SQLITE_TRANSIENT);
}

enum clock_kind { CLOCK_NOW, CLOCK_START, CLOCK_END, CLOCK_RANGE };

typedef struct clock_fn {
    query_sqlctx_t ctx;
    enum clock_kind kind;
} clock_fn_t;

static void fn_clock(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    const clock_fn_t *k = sqlite3_user_data(c);
    (void)argc;
    (void)argv;
    switch (k->kind) {
    case CLOCK_NOW:
        sqlite3_result_int64(c, sqlfn_floordiv(k->ctx.now_ms, 1000));  /* epoch seconds */
        break;
    case CLOCK_START:
        sqlite3_result_int64(c, k->ctx.start_ms);
        break;
    case CLOCK_END:
        sqlite3_result_int64(c, k->ctx.end_ms);
        break;
    case CLOCK_RANGE:
        sqlite3_result_int64(c, k->ctx.end_ms - k->ctx.start_ms);
        break;
    }
}

static const sqlfn_def_t defs[] = {
    { "obs_datefloor", 3, fn_datefloor },
    { "obs_dateceil", 3, fn_dateceil },
    { "obs_tomillis", 1, fn_tomillis },
    { "obs_frommillis", 1, fn_frommillis },
    { "obs_timefmt", 1, fn_timefmt },
};

int query_sqlfuncs__register_time(sqlite3 *db, const query_sqlctx_t *ctx)
{
    static const struct { const char *name; enum clock_kind kind; } clocks[] = {
        { "obs_now", CLOCK_NOW },
        { "obs_querystarttime", CLOCK_START },
        { "obs_queryendtime", CLOCK_END },
        { "obs_querytimerange", CLOCK_RANGE },
    };
    int rc = query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof clocks / sizeof *clocks; i++) {
        clock_fn_t *k = sqlite3_malloc(sizeof *k);
        if (!k)
            return SQLITE_NOMEM;
        k->ctx = *ctx;
        k->kind = clocks[i].kind;
        /* Constant for the whole query, so deterministic. The destructor
         * frees k (also when registration fails). */
        rc = sqlite3_create_function_v2(db, clocks[i].name, 0, SQLFN_PURE, k, fn_clock,
                                        NULL, NULL, sqlite3_free);
    }
    return rc;
}
