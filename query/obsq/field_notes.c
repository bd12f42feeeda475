/* query/obsq/field_notes.c — after a query that printed no row, or a
 * column empty in every row: which of the JSON fields it reads no event of
 * the store has, with the nearest field the store's events do have ("did
 * you mean"). CloudWatch leaves such a field empty without a word; obsq
 * says so on stderr (a note, not an error). Bounded: the newest
 * NOTE_EVENTS events with a JSON object are searched for the field, the
 * newest NOTE_SAMPLE of them give the names to suggest. */
#include "query/obsq/obsq.h"
#include "query/query.h"
#include "query/builtins.h"
#include "query/textfields.h"
#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_EVENTS 100000
#define NOTE_SAMPLE 2000

#define JSON_OF "CAST(substr(CAST(message AS BLOB), json_at + 1) AS TEXT)"

/* '$."a"."b"[1]' from a field's path (segments joined by '\x1f') */
static char *json_path(const char *path)
{
    buf_t p = { 0 };
    buf_cat(&p, "$");
    for (const char *seg = path; seg;) {
        const char *end = strchr(seg, '\x1f');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        size_t digits = strspn(seg, "0123456789");
        if (len && digits >= len) {
            buf_printf(&p, "[%.*s]", (int)len, seg);
        } else {
            buf_cat(&p, ".\"");
            for (size_t i = 0; i < len; i++) {
                if (seg[i] == '"' || seg[i] == '\\')
                    buf_putc(&p, '\\');
                buf_putc(&p, seg[i]);
            }
            buf_cat(&p, "\"");
        }
        seg = end ? end + 1 : NULL;
    }
    return buf_take(&p);
}

static int has_field(sqlite3 *db, const char *path)
{
    /* a dotted name is also found in keys with dots (obs_json_flat) */
    static const char sql[] =
        "SELECT 1 FROM (SELECT message, json_at FROM events WHERE json_at IS NOT NULL ORDER BY id DESC "
        "LIMIT " OBS_STR(NOTE_EVENTS) ") WHERE json_extract(" JSON_OF ", ?1) IS NOT NULL OR "
        "obs_json_flat(" JSON_OF ", ?2) IS NOT NULL LIMIT 1";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return 1;  /* cannot tell: say nothing */
    char *p = json_path(path);
    sqlite3_bind_text(st, 1, p, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    free(p);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc != SQLITE_DONE;
}

/* A field discovered in text lines (query/textfields.h): does one of the
 * newest events have it? */
static int has_text_field(sqlite3 *db, const char *name)
{
    static const char sql[] = "SELECT 1 FROM (SELECT message FROM events ORDER BY id DESC LIMIT "
                              OBS_STR(NOTE_EVENTS) ") WHERE obs_textfield(message, ?1) IS NOT NULL LIMIT 1";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return 1;  /* cannot tell: say nothing */
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc != SQLITE_DONE;
}

/* The field of the sample nearest to name, in *best (a dotted path). */
static void nearest(sqlite3 *db, const char *name, char *best, size_t size)
{
    static const char sql[] =
        "SELECT DISTINCT substr(t.fullkey, 3) FROM (SELECT message, json_at FROM events WHERE json_at IS NOT "
        "NULL ORDER BY id DESC LIMIT " OBS_STR(NOTE_SAMPLE) ") e, json_tree(" JSON_OF ") t WHERE t.fullkey "
        "LIKE '$.%' AND t.fullkey NOT LIKE '%[%'";
    sqlite3_stmt *st;
    best[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    int best_d = 3;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        if (!k || strchr(k, '"'))
            continue;
        int d = query_edit_distance(name, k);
        if (d < best_d) {
            best_d = d;
            snprintf(best, size, "%s", k);
        }
    }
    sqlite3_finalize(st);
}

void obsq_field_notes(sqlite3 *db, const query_ast_t *q, FILE *f)
{
    for (int i = 0; i < q->nrefs; i++) {
        if (has_field(db, q->refs[i].path))
            continue;
        const char *path = q->refs[i].path;
        if (!strchr(path, '\x1f') && query_textfield_known(path) && has_text_field(db, path))
            continue;
        char best[128];
        nearest(db, q->refs[i].name, best, sizeof best);
        obs_err_t n = { 0, q->refs[i].line, q->refs[i].col, "" };
        snprintf(n.msg, sizeof n.msg, "field '%.60s' is in none of the store's events (the newest %d with "
                 "JSON were searched), so it is empty%s%.60s%s", q->refs[i].name, NOTE_EVENTS,
                 best[0] ? ": did you mean '" : "", best, best[0] ? "'?" : "");
        query_note_print(f, q->text, &n);
    }
}
