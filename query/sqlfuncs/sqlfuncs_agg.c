/* query/sqlfuncs/sqlfuncs_agg.c — the aggregates SQLite lacks: pct (exact
 * nearest-rank percentile), stddev and variance (population), values
 * (distinct values as a JSON array), and min and max that read values as
 * numbers first.
 *
 * Inputs are taken as numbers when INTEGER, FLOAT or numeric text; other
 * values (NULL, non-numeric text) are skipped by pct/stddev/variance. An
 * empty group gives NULL.
 *   obs_pct(v, p): the value at rank ceil(p/100 * N) (at least 1) of the
 *     sorted values; p is read from the first row with a numeric p and
 *     clamped to [0, 100]. The result keeps INTEGER when that value was one.
 *   obs_variance(v): population variance, sum((x - mean)^2) / N (Welford);
 *   obs_stddev(v): sqrt of it. A single value gives 0.
 *   obs_values(v): distinct non-NULL values, first-seen order, as JSON array
 *     text (numbers as JSON numbers, text as JSON strings; 1 and "1" are
 *     distinct); at most 1,000 values are kept, later new values are dropped.
 *   obs_min(v), obs_max(v): the smallest / largest number (numeric text read
 *     as its number, an integer kept an integer; of equal numbers the first
 *     stays); text that is no number is skipped while any value is a number,
 *     and only when none is are the texts compared, by bytes (a field that
 *     holds "-" where it has no number does not make max "-"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

#define VALUES_CAP 1000

/* ---- pct ---- */

typedef struct pct_item {
    double d;
    int64_t i;
    int is_int;
} pct_item_t;

typedef struct pct_state {
    pct_item_t *items;
    size_t n, cap;
    double p;
    int have_p, oom;
} pct_state_t;

static void pct_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    pct_state_t *st = sqlite3_aggregate_context(c, sizeof *st);
    sqlfn_num_t v, p;
    (void)argc;
    if (!st) {
        sqlite3_result_error_nomem(c);
        return;
    }
    if (!st->have_p && query_sqlfuncs__num(argv[1], &p)) {
        st->p = p.d < 0 ? 0 : p.d > 100 ? 100 : p.d;
        st->have_p = 1;
    }
    if (!query_sqlfuncs__num(argv[0], &v) || st->oom)
        return;
    if (st->n == st->cap) {
        size_t ncap = st->cap ? st->cap * 2 : 64;
        pct_item_t *ni = sqlite3_realloc64(st->items, ncap * sizeof *ni);
        if (!ni) {
            st->oom = 1;
            return;
        }
        st->items = ni;
        st->cap = ncap;
    }
    st->items[st->n].d = v.d;
    st->items[st->n].i = v.i;
    st->items[st->n].is_int = v.is_int;
    st->n++;
}

static int item_cmp(const void *a, const void *b)
{
    const pct_item_t *x = a, *y = b;
    if (x->is_int && y->is_int)
        return (x->i > y->i) - (x->i < y->i);
    return (x->d > y->d) - (x->d < y->d);
}

static void swap_items(pct_item_t *a, int64_t i, int64_t j)
{
    pct_item_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Move the k-th smallest item (0-based, item_cmp order) to a[k]: quickselect
 * with median-of-three pivots, linear on average where a sort is n log n;
 * after 64 rounds (an adversarial order) it sorts what is left. */
static void select_kth(pct_item_t *a, int64_t n, int64_t k)
{
    int64_t lo = 0, hi = n - 1;
    for (int rounds = 0; hi > lo; rounds++) {
        if (rounds > 64) {
            qsort(a + lo, (size_t)(hi - lo + 1), sizeof *a, item_cmp);
            return;
        }
        int64_t mid = lo + (hi - lo) / 2;
        if (item_cmp(&a[mid], &a[lo]) < 0)
            swap_items(a, mid, lo);
        if (item_cmp(&a[hi], &a[lo]) < 0)
            swap_items(a, hi, lo);
        if (item_cmp(&a[hi], &a[mid]) < 0)
            swap_items(a, hi, mid);
        pct_item_t pivot = a[mid];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (item_cmp(&a[i], &pivot) < 0)
                i++;
            while (item_cmp(&a[j], &pivot) > 0)
                j--;
            if (i <= j)
                swap_items(a, i++, j--);
        }
        /* a[lo..j] <= pivot <= a[i..hi]; between them, items equal to it */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

static void pct_final(sqlite3_context *c)
{
    pct_state_t *st = sqlite3_aggregate_context(c, 0);
    if (!st)
        return;
    if (st->oom) {
        sqlite3_result_error_nomem(c);
    } else if (st->n && st->have_p) {
        double r = ceil(st->p / 100.0 * (double)st->n);
        size_t rank = r < 1 ? 1 : (size_t)r;
        if (rank > st->n)
            rank = st->n;
        select_kth(st->items, (int64_t)st->n, (int64_t)rank - 1);
        const pct_item_t *it = &st->items[rank - 1];
        if (it->is_int)
            sqlite3_result_int64(c, it->i);
        else
            sqlite3_result_double(c, it->d);
    }
    sqlite3_free(st->items);
    st->items = NULL;
}

/* ---- variance / stddev ---- */

typedef struct var_state {
    int64_t n;
    double mean, m2;
} var_state_t;

static void var_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    var_state_t *st = sqlite3_aggregate_context(c, sizeof *st);
    sqlfn_num_t v;
    (void)argc;
    if (!st) {
        sqlite3_result_error_nomem(c);
        return;
    }
    if (!query_sqlfuncs__num(argv[0], &v))
        return;
    st->n++;
    double delta = v.d - st->mean;
    st->mean += delta / (double)st->n;
    st->m2 += delta * (v.d - st->mean);
}

static void variance_final(sqlite3_context *c)
{
    var_state_t *st = sqlite3_aggregate_context(c, 0);
    if (st && st->n)
        sqlite3_result_double(c, st->m2 / (double)st->n);
}

static void stddev_final(sqlite3_context *c)
{
    var_state_t *st = sqlite3_aggregate_context(c, 0);
    if (st && st->n)
        sqlite3_result_double(c, sqrt(st->m2 / (double)st->n));
}

/* ---- values ---- */

typedef struct values_state {
    char **keys;     /* JSON text of each distinct value, first-seen order */
    size_t n;
    uint32_t *slots; /* open addressing: index + 1 into keys, 0 = empty */
    int oom;
} values_state_t;

#define VALUES_SLOTS 4096 /* power of two, > 2 * VALUES_CAP */

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* JSON text of a value (caller frees with cJSON_free), NULL on OOM. */
static char *json_of(sqlite3_value *v)
{
    cJSON *j;
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)sqlite3_value_int64(v));
        char *out = cJSON_malloc(strlen(buf) + 1);
        if (out)
            strcpy(out, buf);
        return out;
    }
    case SQLITE_FLOAT:
        j = cJSON_CreateNumber(sqlite3_value_double(v));
        break;
    default:
        j = cJSON_CreateString(sqlite3_value_text(v) ? (const char *)sqlite3_value_text(v) : "");
        break;
    }
    char *out = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    return out;
}

static void values_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    values_state_t *st = sqlite3_aggregate_context(c, sizeof *st);
    (void)argc;
    if (!st) {
        sqlite3_result_error_nomem(c);
        return;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || st->oom || st->n >= VALUES_CAP)
        return;
    if (!st->keys) {
        st->keys = sqlite3_malloc64(VALUES_CAP * sizeof *st->keys);
        st->slots = sqlite3_malloc64(VALUES_SLOTS * sizeof *st->slots);
        if (!st->keys || !st->slots) {
            st->oom = 1;
            return;
        }
        memset(st->slots, 0, VALUES_SLOTS * sizeof *st->slots);
    }
    char *key = json_of(argv[0]);
    if (!key) {
        st->oom = 1;
        return;
    }
    uint32_t h = hash(key) & (VALUES_SLOTS - 1);
    while (st->slots[h]) {
        if (strcmp(st->keys[st->slots[h] - 1], key) == 0) {
            cJSON_free(key);
            return;
        }
        h = (h + 1) & (VALUES_SLOTS - 1);
    }
    st->keys[st->n++] = key;
    st->slots[h] = (uint32_t)st->n;
}

static void values_final(sqlite3_context *c)
{
    values_state_t *st = sqlite3_aggregate_context(c, 0);
    if (!st)
        return;
    if (st->oom) {
        sqlite3_result_error_nomem(c);
    } else {
        size_t total = 3;
        for (size_t i = 0; i < st->n; i++)
            total += strlen(st->keys[i]) + 1;
        char *out = sqlite3_malloc64(total);
        if (!out) {
            sqlite3_result_error_nomem(c);
        } else {
            size_t k = 0;
            out[k++] = '[';
            for (size_t i = 0; i < st->n; i++) {
                if (i)
                    out[k++] = ',';
                size_t l = strlen(st->keys[i]);
                memcpy(out + k, st->keys[i], l);
                k += l;
            }
            out[k++] = ']';
            sqlite3_result_text64(c, out, k, sqlite3_free, SQLITE_UTF8);
        }
    }
    for (size_t i = 0; i < st->n; i++)
        cJSON_free(st->keys[i]);
    sqlite3_free(st->keys);
    sqlite3_free(st->slots);
    st->keys = NULL;
    st->slots = NULL;
    st->n = 0;
}

/* ---- min / max ---- */

typedef struct extreme_state {
    sqlfn_num_t num;
    int have_num, oom;
    char *text;      /* the best text so far, while no value is a number */
    int text_len, have_text;
} extreme_state_t;

static void extreme_step(sqlite3_context *c, sqlite3_value *v, int want_max)
{
    extreme_state_t *st = sqlite3_aggregate_context(c, sizeof *st);
    sqlfn_num_t n;
    if (!st) {
        sqlite3_result_error_nomem(c);
        return;
    }
    int t = sqlite3_value_type(v);
    if (t == SQLITE_NULL || st->oom)
        return;
    if (query_sqlfuncs__num(v, &n)) {
        int better;
        if (!st->have_num)
            better = 1;
        else if (n.is_int && st->num.is_int)
            better = want_max ? n.i > st->num.i : n.i < st->num.i;
        else
            better = want_max ? n.d > st->num.d : n.d < st->num.d;
        if (better)
            st->num = n;
        st->have_num = 1;
        return;
    }
    if (st->have_num)
        return;
    const unsigned char *s = sqlite3_value_text(v);
    int len = sqlite3_value_bytes(v);
    if (!s)
        return;
    if (st->have_text) {
        int m = len < st->text_len ? len : st->text_len;
        int cmp = memcmp(s, st->text, (size_t)m);
        if (!cmp)
            cmp = (len > st->text_len) - (len < st->text_len);
        if (want_max ? cmp <= 0 : cmp >= 0)
            return;
    }
    char *copy = sqlite3_realloc64(st->text, (sqlite3_uint64)len + 1);
    if (!copy) {
        st->oom = 1;
        return;
    }
    memcpy(copy, s, (size_t)len);
    copy[len] = '\0';
    st->text = copy;
    st->text_len = len;
    st->have_text = 1;
}

static void min_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    extreme_step(c, argv[0], 0);
}

static void max_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    extreme_step(c, argv[0], 1);
}

static void extreme_final(sqlite3_context *c)
{
    extreme_state_t *st = sqlite3_aggregate_context(c, 0);
    if (!st)
        return;
    if (st->oom)
        sqlite3_result_error_nomem(c);
    else if (st->have_num && st->num.is_int)
        sqlite3_result_int64(c, st->num.i);
    else if (st->have_num)
        sqlite3_result_double(c, st->num.d);
    else if (st->have_text)
        sqlite3_result_text(c, st->text, st->text_len, SQLITE_TRANSIENT);
    sqlite3_free(st->text);
    st->text = NULL;
}

int query_sqlfuncs__register_agg(sqlite3 *db)
{
    static const struct {
        const char *name;
        int nargs;
        void (*step)(sqlite3_context *, int, sqlite3_value **);
        void (*final)(sqlite3_context *);
    } aggs[] = {
        { "obs_pct", 2, pct_step, pct_final },
        { "obs_variance", 1, var_step, variance_final },
        { "obs_stddev", 1, var_step, stddev_final },
        { "obs_values", 1, values_step, values_final },
        { "obs_min", 1, min_step, extreme_final },
        { "obs_max", 1, max_step, extreme_final },
    };
    int rc = SQLITE_OK;
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof aggs / sizeof *aggs; i++)
        rc = sqlite3_create_function_v2(db, aggs[i].name, aggs[i].nargs, SQLFN_PURE, NULL, NULL,
                                        aggs[i].step, aggs[i].final, NULL);
    return rc;
}
