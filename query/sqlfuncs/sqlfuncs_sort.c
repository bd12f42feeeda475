/* query/sqlfuncs/sqlfuncs_sort.c — the natural order of `sort` (spec §6.2): the
 * obs_natural collation, obs_sortkey(v) and the comparison both use (also
 * used by sortsFirst/sortsLast).
 *
 * Order: every non-numeric value sorts before every number. Numbers
 * (INTEGER, FLOAT or numeric text such as "150" or " 1.5e3 ") compare by
 * value. Non-numeric text compares chunk-wise: a run of ASCII digits
 * against another digit run compares by run length, then digit by digit
 * ("a9" < "a10", "7" < "007"); any other character compares by byte, which
 * for UTF-8 is code point order (so "B" < "a"); a digit run against a
 * non-digit compares its first digit; a prefix sorts first. Descending is
 * the exact reverse.
 *
 * Which to use in the emitter: `ORDER BY obs_sortkey(x) [DESC]`. The
 * obs_natural collation only ever sees TEXT (SQLite orders INTEGER/REAL
 * before TEXT whatever the collation), so it is right only when every value
 * is text. obs_sortkey(v) returns a TEXT key whose BINARY order is the
 * natural order for mixed types: "A" + encoded text for non-numbers, "B" +
 * 16 hex digits of an order-preserving image of the double for numbers
 * (integers beyond 2^53 lose precision). NULL gives NULL (sorts first
 * ascending, like SQLite's NULLs). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static int chunk_cmp(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            size_t ei = i, ej = j;
            while (ei < na && is_digit(a[ei]))
                ei++;
            while (ej < nb && is_digit(b[ej]))
                ej++;
            if (ei - i != ej - j)
                return ei - i < ej - j ? -1 : 1;
            int r = memcmp(a + i, b + j, ei - i);
            if (r)
                return r < 0 ? -1 : 1;
            i = ei, j = ej;
        } else {
            if (a[i] != b[j])
                return a[i] < b[j] ? -1 : 1;
            i++, j++;
        }
    }
    return (i < na) - (j < nb);
}

static int num_cmp(const sqlfn_num_t *x, const sqlfn_num_t *y)
{
    if (x->is_int && y->is_int)
        return (x->i > y->i) - (x->i < y->i);
    return (x->d > y->d) - (x->d < y->d);
}

int query_sqlfuncs__natural_cmp_text(const char *a, size_t na, const char *b, size_t nb)
{
    sqlfn_num_t x, y;
    int xn = query_sqlfuncs__parse_num(a, na, &x), yn = query_sqlfuncs__parse_num(b, nb, &y);
    if (xn && yn)
        return num_cmp(&x, &y);
    if (xn != yn)
        return xn ? 1 : -1;
    return chunk_cmp((const unsigned char *)a, na, (const unsigned char *)b, nb);
}

int query_sqlfuncs__natural_cmp_values(sqlite3_value *a, sqlite3_value *b)
{
    sqlfn_num_t x, y;
    int xn = query_sqlfuncs__num(a, &x), yn = query_sqlfuncs__num(b, &y);
    if (xn && yn)
        return num_cmp(&x, &y);
    if (xn != yn)
        return xn ? 1 : -1;
    const unsigned char *sa = sqlite3_value_text(a), *sb = sqlite3_value_text(b);
    return chunk_cmp(sa ? sa : (const unsigned char *)"", (size_t)sqlite3_value_bytes(a),
                     sb ? sb : (const unsigned char *)"", (size_t)sqlite3_value_bytes(b));
}

static int collate(void *arg, int na, const void *a, int nb, const void *b)
{
    (void)arg;
    return query_sqlfuncs__natural_cmp_text(a, (size_t)na, b, (size_t)nb);
}

/* Key of non-numeric text: bytes as is, each digit run as '0', the count
 * of digits of its length, its length, then the digits. */
static void fn_sortkey(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    sqlfn_num_t num;
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    if (query_sqlfuncs__num(argv[0], &num)) {
        double d = num.is_int ? (double)num.i : num.d;
        uint64_t u;
        char key[24];
        if (d == 0)
            d = 0;  /* -0 and 0 are equal */
        memcpy(&u, &d, sizeof u);
        u = (u >> 63) ? ~u : u | (1ULL << 63);
        snprintf(key, sizeof key, "B%016llx", (unsigned long long)u);
        sqlite3_result_text(c, key, -1, SQLITE_TRANSIENT);
        return;
    }
    const unsigned char *s = sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    /* Worst case "0" per digit: a run of length 1 becomes 4 bytes. */
    unsigned char *out = sqlite3_malloc64(n * 4 + 2);
    size_t k = 0;
    if (!out) {
        sqlite3_result_error_nomem(c);
        return;
    }
    out[k++] = 'A';
    for (size_t i = 0; i < n;) {
        if (!is_digit(s[i])) {
            out[k++] = s[i++];
            continue;
        }
        size_t e = i;
        while (e < n && is_digit(s[e]))
            e++;
        char len[24];
        int ll = snprintf(len, sizeof len, "%zu", e - i);
        out[k++] = '0';
        out[k++] = (unsigned char)('0' + ll);
        memcpy(out + k, len, (size_t)ll);
        k += (size_t)ll;
        memcpy(out + k, s + i, e - i);
        k += e - i;
        i = e;
    }
    sqlite3_result_text64(c, (const char *)out, k, sqlite3_free, SQLITE_UTF8);
}

static const sqlfn_def_t defs[] = {
    { "obs_sortkey", 1, fn_sortkey },
};

int query_sqlfuncs__register_sort(sqlite3 *db)
{
    int rc = query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_collation_v2(db, "obs_natural", SQLITE_UTF8, NULL, collate, NULL);
    return rc;
}
