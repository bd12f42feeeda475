/* query/sqlfuncs/sqlfuncs_numeric.c — numbers: coercion of text to numbers (obs_num,
 * isNumeric, toNumber/toInt/toLong/toDouble) and the numeric functions abs,
 * ceil, floor, greatest, least, log, sqrt, round, haversine.
 *
 * Every function accepts INTEGER, FLOAT or numeric TEXT (" 1.5e3 "); any
 * other argument (NULL, non-numeric text, BLOB) gives NULL. Results keep
 * INTEGER when the input is an integer (abs) or the result is integral and
 * fits (ceil, floor, round with 0 places). log/sqrt outside their domain
 * give NULL. greatest/least skip NULL and non-numeric arguments (NULL when
 * none is left). toInt is NULL when the value is outside 32 bits; toInt and
 * toLong truncate toward zero. isNumeric(NULL) is 0 (a presence test). */
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

int query_sqlfuncs__parse_num(const char *p, size_t n, sqlfn_num_t *out)
{
    size_t a = 0, b = n;
    while (a < b && is_space((unsigned char)p[a]))
        a++;
    while (b > a && is_space((unsigned char)p[b - 1]))
        b--;
    if (a == b || b - a > 300)
        return 0;
    size_t i = a;
    if (p[i] == '+' || p[i] == '-')
        i++;
    size_t int_digits = 0, frac_digits = 0;
    while (i < b && is_digit(p[i]))
        i++, int_digits++;
    int is_int = 1;
    if (i < b && p[i] == '.') {
        is_int = 0;
        i++;
        while (i < b && is_digit(p[i]))
            i++, frac_digits++;
    }
    if (int_digits + frac_digits == 0)
        return 0;
    if (i < b && (p[i] == 'e' || p[i] == 'E')) {
        is_int = 0;
        i++;
        if (i < b && (p[i] == '+' || p[i] == '-'))
            i++;
        size_t exp_digits = 0;
        while (i < b && is_digit(p[i]))
            i++, exp_digits++;
        if (!exp_digits)
            return 0;
    }
    if (i != b)
        return 0;
    char buf[320];
    memcpy(buf, p + a, b - a);
    buf[b - a] = '\0';
    if (is_int) {
        errno = 0;
        long long v = strtoll(buf, NULL, 10);
        if (errno != ERANGE) {
            out->is_int = 1;
            out->i = v;
            out->d = (double)v;
            return 1;
        }
    }
    out->is_int = 0;
    out->i = 0;
    out->d = strtod(buf, NULL);
    if (!isfinite(out->d))
        return 0;
    return 1;
}

int query_sqlfuncs__num(sqlite3_value *v, sqlfn_num_t *out)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        out->is_int = 1;
        out->i = sqlite3_value_int64(v);
        out->d = (double)out->i;
        return 1;
    case SQLITE_FLOAT:
        out->is_int = 0;
        out->i = 0;
        out->d = sqlite3_value_double(v);
        return 1;
    case SQLITE_TEXT: {
        const char *t = (const char *)sqlite3_value_text(v);
        return t && query_sqlfuncs__parse_num(t, (size_t)sqlite3_value_bytes(v), out);
    }
    default:
        return 0;
    }
}

static void result_num(sqlite3_context *c, const sqlfn_num_t *n)
{
    if (n->is_int)
        sqlite3_result_int64(c, n->i);
    else
        sqlite3_result_double(c, n->d);
}

/* A double as INTEGER when integral and in range, else FLOAT. */
static void result_integral(sqlite3_context *c, double d)
{
    if (d >= -9.2e18 && d <= 9.2e18 && d == floor(d))
        sqlite3_result_int64(c, (int64_t)d);
    else
        sqlite3_result_double(c, d);
}

/* obs_num(x): x as a number when numeric text, else x unchanged. */
static void fn_num(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_TEXT && query_sqlfuncs__num(argv[0], &n))
        result_num(c, &n);
    else
        sqlite3_result_value(c, argv[0]);
}

/* obs_numval(x): x when a number, its number when numeric text, else NULL:
 * what the numeric aggregates read, so that text they cannot read is
 * skipped rather than summed as 0 (SQLite's avg and sum would). */
static void fn_numval(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    int t = sqlite3_value_type(argv[0]);
    (void)argc;
    if (t == SQLITE_INTEGER || t == SQLITE_FLOAT)
        sqlite3_result_value(c, argv[0]);
    else if (t == SQLITE_TEXT && query_sqlfuncs__num(argv[0], &n))
        result_num(c, &n);
}

static void fn_isnumeric(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    (void)argc;
    sqlite3_result_int(c, query_sqlfuncs__num(argv[0], &n));
}

static void fn_tonumber(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    (void)argc;
    if (query_sqlfuncs__num(argv[0], &n))
        result_num(c, &n);
}

static void fn_todouble(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    (void)argc;
    if (query_sqlfuncs__num(argv[0], &n))
        sqlite3_result_double(c, n.d);
}

static void to_integer(sqlite3_context *c, sqlite3_value *v, int64_t lo, int64_t hi)
{
    sqlfn_num_t n;
    if (!query_sqlfuncs__num(v, &n))
        return;
    if (n.is_int) {
        if (n.i >= lo && n.i <= hi)
            sqlite3_result_int64(c, n.i);
        return;
    }
    double t = trunc(n.d);
    if (t >= (double)lo && t < -(double)lo)  /* -lo: 2^31 or 2^63 exactly */
        if (t <= (double)hi || hi == INT64_MAX)
            sqlite3_result_int64(c, (int64_t)t);
}

static void fn_toint(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    to_integer(c, argv[0], INT32_MIN, INT32_MAX);
}

static void fn_tolong(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    to_integer(c, argv[0], INT64_MIN, INT64_MAX);
}

static void fn_abs(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    (void)argc;
    if (!query_sqlfuncs__num(argv[0], &n))
        return;
    if (n.is_int && n.i != INT64_MIN)
        sqlite3_result_int64(c, n.i < 0 ? -n.i : n.i);
    else
        sqlite3_result_double(c, fabs(n.d));
}

static void fn_ceil(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    (void)argc;
    if (!query_sqlfuncs__num(argv[0], &n))
        return;
    if (n.is_int)
        sqlite3_result_int64(c, n.i);
    else
        result_integral(c, ceil(n.d));
}

static void fn_floor(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    (void)argc;
    if (!query_sqlfuncs__num(argv[0], &n))
        return;
    if (n.is_int)
        sqlite3_result_int64(c, n.i);
    else
        result_integral(c, floor(n.d));
}

static void extreme(sqlite3_context *c, int argc, sqlite3_value **argv, int want_greater)
{
    sqlfn_num_t best = { 0 }, n;
    int have = 0;
    for (int i = 0; i < argc; i++) {
        if (!query_sqlfuncs__num(argv[i], &n))
            continue;
        int better;
        if (!have)
            better = 1;
        else if (n.is_int && best.is_int)
            better = want_greater ? n.i > best.i : n.i < best.i;
        else
            better = want_greater ? n.d > best.d : n.d < best.d;
        if (better)
            best = n;
        have = 1;
    }
    if (have)
        result_num(c, &best);
}

static void fn_greatest(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    extreme(c, argc, argv, 1);
}

static void fn_least(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    extreme(c, argc, argv, 0);
}

static void fn_log(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    (void)argc;
    if (query_sqlfuncs__num(argv[0], &n) && n.d > 0)
        sqlite3_result_double(c, log(n.d));
}

static void fn_sqrt(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n;
    (void)argc;
    if (query_sqlfuncs__num(argv[0], &n) && n.d >= 0)
        sqlite3_result_double(c, sqrt(n.d));
}

/* round(a [, d]): half away from zero; d may be negative (tens, hundreds). */
static void fn_round(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t n, dn = { 1, 0, 0 };
    if (!query_sqlfuncs__num(argv[0], &n))
        return;
    if (argc > 1 && !query_sqlfuncs__num(argv[1], &dn))
        return;
    int64_t d = dn.is_int ? dn.i : (int64_t)dn.d;
    if (d > 15)
        d = 15;
    if (d < -15)
        d = -15;
    if (n.is_int && d >= 0) {
        sqlite3_result_int64(c, n.i);
        return;
    }
    double scale = pow(10.0, (double)d);
    double r = round(n.d * scale) / scale;
    if (d <= 0)
        result_integral(c, r);
    else
        sqlite3_result_double(c, r);
}

/* haversine(lat1, lon1, lat2, lon2): great-circle distance in km on a
 * sphere of radius 6371 km; arguments in degrees. */
static void fn_haversine(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t v[4];
    (void)argc;
    for (int i = 0; i < 4; i++)
        if (!query_sqlfuncs__num(argv[i], &v[i]))
            return;
    const double rad = M_PI / 180.0;
    double dlat = (v[2].d - v[0].d) * rad, dlon = (v[3].d - v[1].d) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(v[0].d * rad) * cos(v[2].d * rad) * sin(dlon / 2) * sin(dlon / 2);
    if (a > 1)
        a = 1;
    sqlite3_result_double(c, 2 * 6371.0 * asin(sqrt(a)));
}

static const sqlfn_def_t defs[] = {
    { "obs_num", 1, fn_num },
    { "obs_numval", 1, fn_numval },
    { "obs_isnumeric", 1, fn_isnumeric },
    { "obs_tonumber", 1, fn_tonumber },
    { "obs_todouble", 1, fn_todouble },
    { "obs_toint", 1, fn_toint },
    { "obs_tolong", 1, fn_tolong },
    { "obs_abs", 1, fn_abs },
    { "obs_ceil", 1, fn_ceil },
    { "obs_floor", 1, fn_floor },
    { "obs_greatest", -1, fn_greatest },
    { "obs_least", -1, fn_least },
    { "obs_log", 1, fn_log },
    { "obs_sqrt", 1, fn_sqrt },
    { "obs_round", 1, fn_round },
    { "obs_round", 2, fn_round },
    { "obs_haversine", 4, fn_haversine },
};

int query_sqlfuncs__register_numeric(sqlite3 *db)
{
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
