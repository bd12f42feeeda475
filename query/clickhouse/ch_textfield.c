/* query/clickhouse/ch_textfield.c — a field CloudWatch discovers in a text
 * log format (query/textfields.h: VPC flow logs, Route 53 query logs) in
 * ClickHouse's SQL: the event's JSON key of that name when it has one, else
 * the line's word when the line has the format's shape, tested as
 * textfields.c tests it (single spaces between words, no blank at either
 * end, at most 2,048 bytes, the format's word count and marker words). The
 * word is a JSON text value (CH_JSON_TEXT), as the SQLite engine's
 * obs_textfield() gives TEXT: both engines compare and sum it alike. */
#include "query/clickhouse/ch_int.h"
#include "query/textfields.h"
#include "clickhouse/ch.h"

/* The words of message m: splitByChar(' ', m). */
#define WORDS "splitByChar(' ', %s)"

/* The shape test of a format over message m, in cond. */
static void shape(buf_t *cond, int format, const char *m)
{
    buf_printf(cond, "(length(%s) <= 2048 AND length(" WORDS ") = %d AND NOT has(" WORDS ", '')", m, m,
               query_textfield_words[format], m);
    if (format == QUERY_TEXTFIELD_VPC) {
        buf_printf(cond, " AND (" WORDS ")[1] = '2'", m);
        buf_printf(cond, " AND (" WORDS ")[13] IN ('ACCEPT', 'REJECT', '-')", m);
        buf_printf(cond, " AND (" WORDS ")[14] IN ('OK', 'NODATA', 'SKIPDATA')", m);
    } else {
        buf_printf(cond, " AND match((" WORDS ")[1], '^[0-9]+[.][0-9]*$')", m);
        buf_printf(cond, " AND length((" WORDS ")[2]) >= 20", m);
        buf_printf(cond, " AND substring((" WORDS ")[2], 5, 1) = '-'", m);
        buf_printf(cond, " AND substring((" WORDS ")[2], 11, 1) = 'T'", m);
        buf_printf(cond, " AND substring((" WORDS ")[2], length((" WORDS ")[2]), 1) = 'Z'", m, m);
        buf_printf(cond, " AND (" WORDS ")[7] IN ('UDP', 'TCP')", m);
    }
    buf_cat(cond, ")");
}

int ch__textfield(chem_t *e, const char *name, const char *key_q, cx_t *x)
{
    const ccol_t *msg = ch__find(e, "@message");
    if (!msg || !query_textfield_known(name))
        return 0;
    const char *m = msg->ident;
    buf_t word = { 0 }, any = { 0 };
    /* if(vpc shape, its word, if(route 53 shape, its word, '')) */
    int open = 0;
    for (int f = 0; f < QUERY_TEXTFIELD__COUNT; f++) {
        int idx = query_textfield_index(f, name);
        if (idx < 0)
            continue;
        buf_t cond = { 0 };
        shape(&cond, f, m);
        buf_printf(&word, "if(%s, (" WORDS ")[%d], ", cond.p, m, idx + 1);
        buf_printf(&any, "%s%s", any.len ? " OR " : "", cond.p);
        buf_free(&cond);
        open++;
    }
    buf_cat(&word, "''");
    while (open--)
        buf_cat(&word, ")");
    x->ty = CT_DYN;
    buf_printf(&x->v, "if(indexOf(x_json_keys, %s) > 0, x_json_values[indexOf(x_json_keys, %s)], %s)", key_q, key_q,
               word.p);
    buf_printf(&x->t, "if(indexOf(x_json_keys, %s) > 0, x_json_types[indexOf(x_json_keys, %s)], if(%s, %d, %d))",
               key_q, key_q, any.p, CH_JSON_TEXT, CH_JSON_MISSING);
    buf_free(&word);
    buf_free(&any);
    return 1;
}
