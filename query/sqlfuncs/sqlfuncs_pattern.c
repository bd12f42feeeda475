/* query/sqlfuncs/sqlfuncs_pattern.c — the aggregate behind `pattern`,
 * `diff` and `anomaly` (query/cmds/emit_pattern.c writes its call):
 *
 *   obs_patterns(value, ts, flags, mode, lo, hi)
 *
 * feeds each row's value (text; NULL skipped; a number as its text) with
 * its time and range flags (1 the query's range, 2 the one diff compares
 * it with, 3 both) to the pattern engine (query/pattern/pattern.h); mode 1
 * asks for anomalies over [lo, hi) (NULL: the data's span). The result is
 * JSON text, an array of one array per pattern, most frequent first:
 *
 *   [pattern, ratio, sampleCount, severity, patternId, logSamples,
 *    previousSampleCount, diffSampleCount, diffDescription, anomalies]
 *
 * logSamples is a JSON array of up to 3 messages (as JSON text), anomalies
 * a JSON array of [type, ts, description]. ratio is the pattern's share of
 * the rows of the query's range that had a value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "query/pattern/pattern.h"
#include "query/sqlfuncs/sqlfuncs_int.h"

typedef struct pat_state {
    pattern_set_t *set;
} pat_state_t;

static void patterns_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    pat_state_t *st = sqlite3_aggregate_context(c, sizeof *st);
    (void)argc;
    if (!st) {
        sqlite3_result_error_nomem(c);
        return;
    }
    if (!st->set) {
        pattern_opts_t o = { sqlite3_value_int(argv[3]) & 1, -1, -1 };
        if (sqlite3_value_type(argv[4]) == SQLITE_INTEGER)
            o.lo = sqlite3_value_int64(argv[4]);
        if (sqlite3_value_type(argv[5]) == SQLITE_INTEGER)
            o.hi = sqlite3_value_int64(argv[5]);
        st->set = pattern_set_new(&o);
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    const unsigned char *v = sqlite3_value_text(argv[0]);
    if (!v)
        return;
    pattern_set_add(st->set, (const char *)v, (size_t)sqlite3_value_bytes(argv[0]),
                    sqlite3_value_int64(argv[1]), (unsigned)sqlite3_value_int(argv[2]));
}

static const char *describe(int64_t now, int64_t before, char buf[32])
{
    if (before == 0)
        return now ? "new" : "unchanged";
    if (now == 0)
        return "gone";
    if (now == before)
        return "unchanged";
    snprintf(buf, 32, "%+.0f%%", (double)(now - before) * 100.0 / (double)before);
    return buf;
}

static void patterns_final(sqlite3_context *c)
{
    pat_state_t *st = sqlite3_aggregate_context(c, 0);
    pattern_out_t *v = NULL;
    int n = 0;
    int64_t total = 0;
    if (st && st->set) {
        pattern_set_finish(st->set, &v, &n, &total);
        pattern_set_free(st->set);
        st->set = NULL;
    }
    cJSON *all = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *row = cJSON_CreateArray(), *samples = cJSON_CreateArray(), *anom = cJSON_CreateArray();
        char diff[32];
        for (int k = 0; k < v[i].nsamples; k++)
            cJSON_AddItemToArray(samples, cJSON_CreateString(v[i].samples[k]));
        for (int k = 0; k < v[i].nanomalies; k++) {
            cJSON *a = cJSON_CreateArray();
            cJSON_AddItemToArray(a, cJSON_CreateString(v[i].anomalies[k].type == PA_NEW ? "new pattern"
                                                                                        : "frequency"));
            cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i].anomalies[k].ts));
            cJSON_AddItemToArray(a, cJSON_CreateString(v[i].anomalies[k].desc));
            cJSON_AddItemToArray(anom, a);
        }
        char *samples_text = cJSON_PrintUnformatted(samples), *anom_text = cJSON_PrintUnformatted(anom);
        cJSON_Delete(samples);
        cJSON_Delete(anom);
        cJSON_AddItemToArray(row, cJSON_CreateString(v[i].text));
        cJSON_AddItemToArray(row, cJSON_CreateNumber(total ? (double)v[i].count / (double)total : 0));
        cJSON_AddItemToArray(row, cJSON_CreateNumber((double)v[i].count));
        cJSON_AddItemToArray(row, cJSON_CreateString(v[i].severity));
        cJSON_AddItemToArray(row, cJSON_CreateString(v[i].id));
        cJSON_AddItemToArray(row, cJSON_CreateString(samples_text ? samples_text : "[]"));
        cJSON_AddItemToArray(row, cJSON_CreateNumber((double)v[i].prev));
        cJSON_AddItemToArray(row, cJSON_CreateNumber((double)(v[i].count - v[i].prev)));
        cJSON_AddItemToArray(row, cJSON_CreateString(describe(v[i].count, v[i].prev, diff)));
        cJSON_AddItemToArray(row, cJSON_CreateString(anom_text ? anom_text : "[]"));
        cJSON_free(samples_text);
        cJSON_free(anom_text);
        cJSON_AddItemToArray(all, row);
    }
    pattern_out_free(v, n);
    char *text = cJSON_PrintUnformatted(all);
    cJSON_Delete(all);
    if (!text) {
        sqlite3_result_error_nomem(c);
        return;
    }
    sqlite3_result_text(c, text, -1, SQLITE_TRANSIENT);
    cJSON_free(text);
}

int query_sqlfuncs__register_pattern(sqlite3 *db)
{
    return sqlite3_create_function_v2(db, "obs_patterns", 6, SQLFN_PURE, NULL, NULL, patterns_step,
                                      patterns_final, NULL);
}
