/* query/sqlfuncs/sqlfuncs_textfields.c — obs_textfield(message, name): the
 * field name of a VPC flow log or Route 53 query log line
 * (query/textfields.h), as
 * TEXT — like a parse capture, it compares with a number literal as a
 * number (dstPort = 443) and with a string as a string (dstPort = "443"),
 * and numeric aggregates read it as a number; NULL when message is no such
 * line. The emitter falls back to it for a field a JSON
 * event lacks. */
#include "query/sqlfuncs/sqlfuncs_int.h"
#include "query/textfields.h"

static void fn_textfield(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    int t = sqlite3_value_type(argv[0]);
    if (t != SQLITE_TEXT && t != SQLITE_BLOB)  /* messages are stored either way */
        return;
    const char *msg = (const char *)sqlite3_value_text(argv[0]);
    size_t len = (size_t)sqlite3_value_bytes(argv[0]);
    const char *w;
    size_t n;
    const char *name = (const char *)sqlite3_value_text(argv[1]);
    if (!msg || !name || !query_textfield_word(msg, len, name, &w, &n))
        return;
    sqlite3_result_text(c, w, (int)n, SQLITE_TRANSIENT);
}

int query_sqlfuncs__register_textfields(sqlite3 *db)
{
    static const sqlfn_def_t defs[] = { { "obs_textfield", 2, fn_textfield } };
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
