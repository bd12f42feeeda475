/* query/sqlfuncs/sqlfuncs_jsonflat.c — obs_json_flat(json, path): a field
 * of an event's JSON by CloudWatch's flattened name, when the keys
 * themselves hold dots. CloudWatch flattens {"attributes": {"http.route":
 * "/cart"}} to the field attributes.http.route; the emitter reads a dotted
 * name with json_extract (a.b.c as $."a"."b"."c") and falls back to this
 * function when that finds nothing.
 *
 * path is the field's segments separated by '\x1f' (a, b, c). At each
 * object the longest run of segments joined by '.' that is a key is tried
 * first, then shorter runs; a segment of digits indexes an array. The value
 * is as json_extract gives it: text, an INTEGER or REAL number, 1/0 for
 * true/false, compact JSON text for an object or array, NULL for null or
 * no such field. A text that cannot hold such a key (no "<segment>." in it)
 * is not parsed, so events without dotted keys cost a substring search. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

#define MAX_SEGS 32

typedef struct seg {
    const char *p;
    size_t n;
} seg_t;

static int is_index(const seg_t *s)
{
    return s->n > 0 && s->n <= 9 && strspn(s->p, "0123456789") >= s->n;
}

static const cJSON *walk(const cJSON *node, const seg_t *segs, int i, int n, char *key)
{
    if (i == n)
        return node;
    if (cJSON_IsArray(node)) {
        if (!is_index(&segs[i]))
            return NULL;
        const cJSON *child = cJSON_GetArrayItem(node, atoi(segs[i].p));
        return child ? walk(child, segs, i + 1, n, key) : NULL;
    }
    if (!cJSON_IsObject(node))
        return NULL;
    for (int j = n - 1; j >= i; j--) {  /* segments i..j joined by '.' */
        size_t len = 0;
        for (int k = i; k <= j; k++) {
            if (k > i)
                key[len++] = '.';
            memcpy(key + len, segs[k].p, segs[k].n);
            len += segs[k].n;
        }
        key[len] = '\0';
        const cJSON *child = cJSON_GetObjectItemCaseSensitive(node, key);
        const cJSON *r = child ? walk(child, segs, j + 1, n, key) : NULL;
        if (r)
            return r;
    }
    return NULL;
}

/* Could text hold a key with a dot after one of the segments? */
static int may_have_dotted_key(const char *text, size_t len, const seg_t *segs, int n)
{
    char pat[258];
    for (int i = 0; i + 1 < n; i++) {
        if (segs[i].n + 2 > sizeof pat - 1)
            return 1;
        pat[0] = '"';
        memcpy(pat + 1, segs[i].p, segs[i].n);
        pat[segs[i].n + 1] = '.';
        if (memmem(text, len, pat, segs[i].n + 2))
            return 1;
    }
    return 0;
}

static void result(sqlite3_context *c, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        sqlite3_result_text(c, v->valuestring, -1, SQLITE_TRANSIENT);
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            sqlite3_result_int64(c, (sqlite3_int64)d);
        else
            sqlite3_result_double(c, d);
    } else if (cJSON_IsBool(v)) {
        sqlite3_result_int(c, cJSON_IsTrue(v) ? 1 : 0);
    } else if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        char *txt = cJSON_PrintUnformatted(v);
        if (!txt) {
            sqlite3_result_error_nomem(c);
            return;
        }
        sqlite3_result_text(c, txt, -1, SQLITE_TRANSIENT);
        cJSON_free(txt);
    }
}

static void fn_json_flat(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || sqlite3_value_type(argv[1]) != SQLITE_TEXT)
        return;
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    size_t len = (size_t)sqlite3_value_bytes(argv[0]);
    const char *path = (const char *)sqlite3_value_text(argv[1]);
    size_t plen = (size_t)sqlite3_value_bytes(argv[1]);
    seg_t segs[MAX_SEGS];
    int n = 0;
    for (const char *s = path; s && n < MAX_SEGS;) {
        const char *e = strchr(s, '\x1f');
        segs[n].p = s;
        segs[n++].n = e ? (size_t)(e - s) : strlen(s);
        s = e ? e + 1 : NULL;
        if (s && n == MAX_SEGS)
            return;  /* more segments than any flattened name has */
    }
    if (!text || n < 2 || !may_have_dotted_key(text, len, segs, n))
        return;
    char *key = sqlite3_malloc64(plen + 1);
    cJSON *j = key ? cJSON_ParseWithLength(text, len) : NULL;
    if (!key) {
        sqlite3_result_error_nomem(c);
        return;
    }
    const cJSON *v = j ? walk(j, segs, 0, n, key) : NULL;
    if (v)
        result(c, v);
    cJSON_Delete(j);
    sqlite3_free(key);
}

int query_sqlfuncs__register_jsonflat(sqlite3 *db)
{
    static const sqlfn_def_t defs[] = { { "obs_json_flat", 2, fn_json_flat } };
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
