/* query/sqlfuncs/sqlfuncs_pack.c — obs_pack(v, ...) and obs_unpack(pack, i): several
 * values carried through one SQL value with their types kept. The planner
 * uses them to compute every aggregate of a bin in one correlated subquery
 * (query/emit_sql.c, "binned stats"): a scalar subquery returns one value.
 *
 * A pack is a BLOB: per value one type byte (SQLITE_INTEGER, SQLITE_FLOAT,
 * SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL), then 8 bytes for a number or a
 * 4-byte length and the bytes for text and blobs (host byte order: a pack
 * never leaves the statement that made it). obs_unpack of anything else, or
 * of an index past the end, is NULL. */
#include "query/sqlfuncs/sqlfuncs_int.h"

#include <string.h>

static void put(unsigned char **p, const void *v, size_t n)
{
    memcpy(*p, v, n);
    *p += n;
}

static void fn_pack(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    size_t size = 0;
    for (int i = 0; i < argc; i++) {
        int t = sqlite3_value_type(argv[i]);
        size += 1 + (t == SQLITE_INTEGER || t == SQLITE_FLOAT ? 8
                     : t == SQLITE_NULL                        ? 0
                                                               : 4 + (size_t)sqlite3_value_bytes(argv[i]));
    }
    unsigned char *buf = sqlite3_malloc64(size ? size : 1), *p = buf;
    if (!buf) {
        sqlite3_result_error_nomem(c);
        return;
    }
    for (int i = 0; i < argc; i++) {
        unsigned char t = (unsigned char)sqlite3_value_type(argv[i]);
        put(&p, &t, 1);
        if (t == SQLITE_INTEGER) {
            sqlite3_int64 v = sqlite3_value_int64(argv[i]);
            put(&p, &v, 8);
        } else if (t == SQLITE_FLOAT) {
            double v = sqlite3_value_double(argv[i]);
            put(&p, &v, 8);
        } else if (t != SQLITE_NULL) {
            const void *v = t == SQLITE_TEXT ? (const void *)sqlite3_value_text(argv[i])
                                             : sqlite3_value_blob(argv[i]);
            uint32_t n = (uint32_t)sqlite3_value_bytes(argv[i]);
            put(&p, &n, 4);
            if (n)
                put(&p, v, n);
        }
    }
    sqlite3_result_blob64(c, buf, (sqlite3_uint64)size, sqlite3_free);
}

static void fn_unpack(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB)
        return;
    const unsigned char *p = sqlite3_value_blob(argv[0]);
    size_t left = (size_t)sqlite3_value_bytes(argv[0]);
    sqlite3_int64 want = sqlite3_value_int64(argv[1]);
    for (sqlite3_int64 i = 0; left > 0; i++) {
        unsigned char t = *p++;
        left--;
        size_t len = t == SQLITE_INTEGER || t == SQLITE_FLOAT ? 8 : t == SQLITE_NULL ? 0 : 4;
        if (len > left)
            return;
        uint32_t n = 0;
        if (t == SQLITE_TEXT || t == SQLITE_BLOB) {
            memcpy(&n, p, 4);
            if (n > left - 4)
                return;
            len += n;
        }
        if (i == want) {
            if (t == SQLITE_INTEGER) {
                sqlite3_int64 v;
                memcpy(&v, p, 8);
                sqlite3_result_int64(c, v);
            } else if (t == SQLITE_FLOAT) {
                double v;
                memcpy(&v, p, 8);
                sqlite3_result_double(c, v);
            } else if (t == SQLITE_TEXT) {
                sqlite3_result_text(c, (const char *)p + 4, (int)n, SQLITE_TRANSIENT);
            } else if (t == SQLITE_BLOB) {
                sqlite3_result_blob(c, p + 4, (int)n, SQLITE_TRANSIENT);
            }
            return;
        }
        p += len;
        left -= len;
    }
}

int query_sqlfuncs__register_pack(sqlite3 *db)
{
    static const sqlfn_def_t defs[] = {
        { "obs_pack", -1, fn_pack },
        { "obs_unpack", 2, fn_unpack },
    };
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
