/* query/sqlfuncs/sqlfuncs_int.h — what the sqlfuncs_*.c files share: the
 * per-file registration entry points, numeric coercion of SQL values, the
 * natural-order comparison, civil-date arithmetic and small UTF-8 helpers.
 * Not part of the public API (see sqlfuncs.h). */
#ifndef OBS_QUERY_SQLFUNCS_INT_H
#define OBS_QUERY_SQLFUNCS_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "query/sqlfuncs/sqlfuncs.h"

/* Flags for pure functions. */
#define SQLFN_PURE (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)

/* A row of a registration table: name, arity (-1 variadic), function. */
typedef struct sqlfn_def {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
} sqlfn_def_t;

/* Register a table of pure scalar functions; returns an SQLite rc. */
static inline int query_sqlfuncs__table(sqlite3 *db, const sqlfn_def_t *defs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = sqlite3_create_function_v2(db, defs[i].name, defs[i].nargs, SQLFN_PURE, NULL, defs[i].fn,
                                            NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/* Per-file registration; each returns an SQLite rc. */
int query_sqlfuncs__register_string(sqlite3 *db);
int query_sqlfuncs__register_encode(sqlite3 *db);
int query_sqlfuncs__register_hash(sqlite3 *db);
int query_sqlfuncs__register_numeric(sqlite3 *db);
int query_sqlfuncs__register_time(sqlite3 *db, const query_sqlctx_t *ctx);
int query_sqlfuncs__register_datefmt(sqlite3 *db);
int query_sqlfuncs__register_ip(sqlite3 *db);
int query_sqlfuncs__register_json(sqlite3 *db);
int query_sqlfuncs__register_regex(sqlite3 *db);
int query_sqlfuncs__register_glob(sqlite3 *db);
int query_sqlfuncs__register_agg(sqlite3 *db);
int query_sqlfuncs__register_pick(sqlite3 *db);
int query_sqlfuncs__register_sort(sqlite3 *db);
int query_sqlfuncs__register_pack(sqlite3 *db);
int query_sqlfuncs__register_pattern(sqlite3 *db);
int query_sqlfuncs__register_textfields(sqlite3 *db);
int query_sqlfuncs__register_jsonflat(sqlite3 *db);

/* A number read from an SQL value. */
typedef struct sqlfn_num {
    int is_int;  /* 1: i is exact; 0: d holds the value */
    int64_t i;
    double d;    /* always set (i converted when is_int) */
} sqlfn_num_t;

/* Parse numeric text: optional surrounding ASCII whitespace, [+-], digits
 * with optional fraction and exponent. No hex, inf or nan. Integers that
 * overflow int64 become doubles. Returns 1 when p[0..n) is a number. */
int query_sqlfuncs__parse_num(const char *p, size_t n, sqlfn_num_t *out);

/* The number an SQL value stands for: INTEGER, FLOAT, or numeric TEXT.
 * Returns 0 for NULL, BLOB and non-numeric text. */
int query_sqlfuncs__num(sqlite3_value *v, sqlfn_num_t *out);

/* An SQL value as epoch ms: a number (ms), or ISO-8601 text. Returns 1 on
 * success, 0 when it is neither. */
int query_sqlfuncs__time_ms(sqlite3_value *v, int64_t *ms);

/* Natural order (sqlfuncs_sort.c): non-numeric values first, compared
 * chunk-wise; then numbers by value. <0, 0, >0 like strcmp. */
int query_sqlfuncs__natural_cmp_text(const char *a, size_t na, const char *b, size_t nb);
int query_sqlfuncs__natural_cmp_values(sqlite3_value *a, sqlite3_value *b);

/* Floor division for possibly negative numerators (b > 0). */
static inline int64_t sqlfn_floordiv(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Decode one UTF-8 code point at s[*i] (n bytes total), advancing *i. An
 * invalid or truncated sequence yields its first byte as a code point and
 * advances by one, so any input is walked safely. */
static inline uint32_t sqlfn_utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned c = s[*i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len <= 1 || *i + (size_t)len > n) {
        (*i)++;
        return c;
    }
    uint32_t cp = c & (0x7F >> len);
    for (int k = 1; k < len; k++) {
        unsigned cc = s[*i + (size_t)k];
        if ((cc & 0xC0) != 0x80) {
            (*i)++;
            return c;
        }
        cp = (cp << 6) | (cc & 0x3F);
    }
    *i += (size_t)len;
    return cp;
}

#endif
