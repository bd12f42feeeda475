/* query/sqlfuncs/sqlfuncs_json.c — JSON structure functions: jsonParse,
 * jsonStringify, jsonArraySize, jsonArrayContains (split is in
 * sqlfuncs_string.c).
 *
 * Maps and lists travel between functions as compact JSON text; the
 * emitter reads members with SQLite's json_extract(). jsonParse(s) gives
 * the compact text of an object or array and NULL for anything else
 * (invalid JSON, or a bare string/number/boolean/null). jsonStringify(x)
 * gives the compact text of an object or array given as JSON text, NULL
 * otherwise. jsonArraySize(x) is the element count of an array, NULL for a
 * non-array. jsonArrayContains(x, v) is 1 when some element equals v:
 * strings compare byte-for-byte (case-sensitive) with text v, numbers by
 * value with numeric v (numeric text included), true/false with 1/0; 0 for
 * invalid JSON or a non-array. NULL in gives NULL out. */
#include <string.h>

#include <cjson/cJSON.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

static cJSON *parse(sqlite3_value *v)
{
    if (sqlite3_value_type(v) != SQLITE_TEXT)
        return NULL;
    const char *s = (const char *)sqlite3_value_text(v);
    return s ? cJSON_ParseWithLength(s, (size_t)sqlite3_value_bytes(v)) : NULL;
}

static void result_json(sqlite3_context *c, const cJSON *j)
{
    char *txt = cJSON_PrintUnformatted(j);
    if (!txt) {
        sqlite3_result_error_nomem(c);
        return;
    }
    sqlite3_result_text(c, txt, -1, SQLITE_TRANSIENT);
    cJSON_free(txt);
}

/* jsonParse and jsonStringify: compact text of a container, else NULL. */
static void fn_container(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    cJSON *j = parse(argv[0]);
    if (j && (cJSON_IsObject(j) || cJSON_IsArray(j)))
        result_json(c, j);
    cJSON_Delete(j);
}

static void fn_arraysize(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    cJSON *j = parse(argv[0]);
    if (j && cJSON_IsArray(j))
        sqlite3_result_int(c, cJSON_GetArraySize(j));
    cJSON_Delete(j);
}

static int element_equals(const cJSON *e, sqlite3_value *v)
{
    sqlfn_num_t n;
    if (cJSON_IsString(e) && sqlite3_value_type(v) == SQLITE_TEXT) {
        size_t len = (size_t)sqlite3_value_bytes(v);
        return strlen(e->valuestring) == len && memcmp(e->valuestring, sqlite3_value_text(v), len) == 0;
    }
    if (cJSON_IsNumber(e) && query_sqlfuncs__num(v, &n))
        return e->valuedouble == n.d;
    if (cJSON_IsBool(e) && sqlite3_value_type(v) == SQLITE_INTEGER)
        return (sqlite3_value_int64(v) != 0) == (cJSON_IsTrue(e) != 0);
    return 0;
}

static void fn_arraycontains(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return;
    cJSON *j = parse(argv[0]);
    int found = 0;
    if (j && cJSON_IsArray(j)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, j) {
            if (element_equals(e, argv[1])) {
                found = 1;
                break;
            }
        }
    }
    cJSON_Delete(j);
    sqlite3_result_int(c, found);
}

static const sqlfn_def_t defs[] = {
    { "obs_jsonparse", 1, fn_container },
    { "obs_jsonstringify", 1, fn_container },
    { "obs_jsonarraysize", 1, fn_arraysize },
    { "obs_jsonarraycontains", 2, fn_arraycontains },
};

int query_sqlfuncs__register_json(sqlite3 *db)
{
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
