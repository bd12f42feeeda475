/* agent/prom/prom_text.c — renders the store's totals (store_totals_read) in the
 * Prometheus text format 0.0.4: names and label values sanitised, EMF
 * series mapped to summaries, durations bucketed into histograms from the
 * rollups' quantile sketches. Pure (prom_text.h). */
#include "agent/prom/prom_text.h"
#include "common/utf8.h"
#include "common/xalloc.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void prom_put_name(buf_t *b, const char *s)
{
    for (; *s; s++)
        buf_putc(b, isalnum((unsigned char)*s) && (unsigned char)*s < 0x80 ? *s : '_');
}

/* Length of the UTF-8 sequence that lead byte c starts (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

void prom_put_label_value(buf_t *b, const char *s)
{
    while (*s) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\' || c == '"') {
            buf_putc(b, '\\');
            buf_putc(b, *s++);
        } else if (c == '\n') {
            buf_cat(b, "\\n");
            s++;
        } else {
            size_t n = seq_len(c);
            if (strnlen(s, n) == n && utf8_valid(s, n)) {
                buf_put(b, s, n);
                s += n;
            } else {
                buf_cat(b, "\xEF\xBF\xBD");
                s++;
            }
        }
    }
}

/* HELP text: '\' and newline escaped (it comes from EMF names, too). */
static void put_help(buf_t *b, const char *family, const char *type, const char *help)
{
    buf_printf(b, "# HELP %s ", family);
    for (const char *p = help; *p; p++) {
        if (*p == '\\')
            buf_cat(b, "\\\\");
        else if (*p == '\n')
            buf_cat(b, "\\n");
        else
            buf_putc(b, *p);
    }
    buf_printf(b, "\n# TYPE %s %s\n", family, type);
}

void prom_put_snake(buf_t *b, const char *s)
{
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') {
            unsigned char prev = i ? (unsigned char)s[i - 1] : 0, next = (unsigned char)s[i + 1];
            if ((prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9') ||
                (prev >= 'A' && prev <= 'Z' && next >= 'a' && next <= 'z'))
                buf_putc(b, '_');
            buf_putc(b, (char)(c - 'A' + 'a'));
        } else {
            buf_putc(b, isalnum(c) && c < 0x80 ? (char)c : '_');
        }
    }
}

double prom_emf_family(buf_t *b, const char *name, const char *unit)
{
    static const struct {
        const char *unit;
        double scale;
    } TIME[] = { { "Seconds", 1 }, { "Milliseconds", 1e-3 }, { "Microseconds", 1e-6 } };
    buf_cat(b, "emf_");
    prom_put_snake(b, name);
    if (!*unit || strcmp(unit, "None") == 0 || strcmp(unit, "Count") == 0)
        return 1;
    for (size_t i = 0; i < sizeof TIME / sizeof *TIME; i++)
        if (strcmp(unit, TIME[i].unit) == 0) {
            buf_cat(b, "_seconds");
            return TIME[i].scale;
        }
    buf_putc(b, '_');
    for (const char *p = unit; *p; p++) {
        if (*p == '/')
            buf_cat(b, "_per_");
        else
            buf_putc(b, isalnum((unsigned char)*p) && (unsigned char)*p < 0x80
                            ? (char)tolower((unsigned char)*p) : '_');
    }
    return 1;
}

void prom_put_double(buf_t *b, double v)
{
    if (isnan(v)) {
        buf_cat(b, "NaN");
        return;
    }
    if (isinf(v)) {
        buf_cat(b, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    char s[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, v);
        if (strtod(s, NULL) == v)
            break;
    }
    buf_cat(b, s);
}

/* ---- per function ------------------------------------------------------- */

static const struct {
    const char *name, *help;
    size_t off;            /* of an int64_t in store_fn_totals_t */
} FN_COUNTERS[] = {
    { "obs_lambda_invocations_total", "Invocations (REPORT lines).",
      offsetof(store_fn_totals_t, invocations) },
    { "obs_lambda_handler_errors_total",
      "Errors that are neither timeouts, crashes nor out-of-memory kills (an uncaught handler error).",
      offsetof(store_fn_totals_t, errors) },
    { "obs_lambda_timeouts_total", "Invocations that timed out.", offsetof(store_fn_totals_t, timeouts) },
    { "obs_lambda_crashes_total", "Invocations whose runtime exited (Runtime.ExitError).",
      offsetof(store_fn_totals_t, crashes) },
    { "obs_lambda_oom_total", "Invocations killed out of memory (Runtime.OutOfMemory).",
      offsetof(store_fn_totals_t, oom) },
    { "obs_lambda_cold_starts_total", "Invocations with a cold start (an Init Duration).",
      offsetof(store_fn_totals_t, cold_starts) },
    { "obs_lambda_throttle_signals_total", "Log lines carrying a downstream throttle signal.",
      offsetof(store_fn_totals_t, throttle_signals) },
    { "obs_lambda_log_events_total", "Log events stored.", offsetof(store_fn_totals_t, events) },
    { "obs_lambda_error_lines_total", "Log events at level ERROR or above (handled errors included).",
      offsetof(store_fn_totals_t, error_lines) },
    { "obs_lambda_emf_documents_total", "EMF documents in the function's logs.",
      offsetof(store_fn_totals_t, emf_documents) },
    { "obs_lambda_emf_parsing_errors_total", "EMF documents that are not valid JSON.",
      offsetof(store_fn_totals_t, emf_parsing_errors) },
    { "obs_lambda_emf_validation_errors_total", "EMF documents that fail the EMF specification.",
      offsetof(store_fn_totals_t, emf_validation_errors) },
};

static const struct {
    const char *name, *help;
    size_t off;            /* of a double in store_fn_totals_t */
    double scale;
} FN_SUMS[] = {
    { "obs_lambda_billed_duration_seconds_total", "Billed duration.",
      offsetof(store_fn_totals_t, billed_sum), 1e-3 },
    { "obs_lambda_gigabyte_seconds_total", "Compute used (GB-seconds): memory size x billed duration.",
      offsetof(store_fn_totals_t, gb_seconds), 1 },
};

static void put_fn_label(buf_t *b, const char *function)
{
    buf_cat(b, "function=\"");
    prom_put_label_value(b, function);
    buf_putc(b, '"');
}

typedef struct bucketing {
    const double *le;      /* seconds */
    int n;
    uint64_t *count;       /* n + 1: the last is +Inf */
} bucketing_t;

static void bucket_one(void *ctx, double value_ms, uint64_t count)
{
    bucketing_t *h = ctx;
    int i = 0;
    while (i < h->n && value_ms / 1000 > h->le[i])
        i++;
    h->count[i] += count;
}

/* A cumulative histogram of a sketch of milliseconds, in seconds. */
static void put_histogram(buf_t *b, const char *family, const char *function, const sketch_t *sk,
                          double sum_ms)
{
    static const double le[] = PROM_DURATION_BUCKETS;
    enum { N = sizeof le / sizeof *le };
    uint64_t count[N + 1] = { 0 };
    bucketing_t h = { le, N, count };
    sketch_each(sk, bucket_one, &h);
    uint64_t cum = 0;
    for (int i = 0; i <= N; i++) {
        cum += count[i];
        buf_printf(b, "%s_bucket{", family);
        put_fn_label(b, function);
        buf_cat(b, ",le=\"");
        if (i < N)
            prom_put_double(b, le[i]);
        else
            buf_cat(b, "+Inf");
        buf_printf(b, "\"} %llu\n", (unsigned long long)cum);
    }
    buf_printf(b, "%s_sum{", family);
    put_fn_label(b, function);
    buf_cat(b, "} ");
    prom_put_double(b, sum_ms / 1000);
    buf_printf(b, "\n%s_count{", family);
    put_fn_label(b, function);
    buf_printf(b, "} %llu\n", (unsigned long long)cum);
}

/* Function families, in order: errors, FN_COUNTERS, FN_SUMS, the two
 * histograms. */
#define N_FN_COUNTERS ((int)(sizeof FN_COUNTERS / sizeof *FN_COUNTERS))
#define N_FN_SUMS ((int)(sizeof FN_SUMS / sizeof *FN_SUMS))
#define N_FN_FAMILIES (1 + N_FN_COUNTERS + N_FN_SUMS + 2)

static void fn_family_help(buf_t *b, int fam)
{
    /* "errors" means what it means in every reader (obsq summary, obstop):
     * the invocations that failed, as CloudWatch's Errors metric counts them */
    if (fam == 0)
        put_help(b, "obs_lambda_errors_total", "counter",
                 "Invocations that failed: handler errors, timeouts, crashes and out-of-memory kills "
                 "(CloudWatch's Errors).");
    else if (fam <= N_FN_COUNTERS)
        put_help(b, FN_COUNTERS[fam - 1].name, "counter", FN_COUNTERS[fam - 1].help);
    else if (fam <= N_FN_COUNTERS + N_FN_SUMS)
        put_help(b, FN_SUMS[fam - 1 - N_FN_COUNTERS].name, "counter", FN_SUMS[fam - 1 - N_FN_COUNTERS].help);
    else if (fam == N_FN_COUNTERS + N_FN_SUMS + 1)
        put_help(b, "obs_lambda_duration_seconds", "histogram",
                 "Invocation duration (REPORT Duration); buckets within 1% of their bounds.");
    else
        put_help(b, "obs_lambda_init_duration_seconds", "histogram",
                 "Cold-start init duration (REPORT Init Duration); buckets within 1% of their bounds.");
}

static void fn_family_item(buf_t *b, int fam, const store_fn_totals_t *f)
{
    if (fam == 0) {
        buf_cat(b, "obs_lambda_errors_total{");
        put_fn_label(b, f->function);
        buf_printf(b, "} %lld\n", (long long)(f->errors + f->timeouts + f->crashes + f->oom));
    } else if (fam <= N_FN_COUNTERS) {
        const int64_t *v = (const int64_t *)((const char *)f + FN_COUNTERS[fam - 1].off);
        buf_printf(b, "%s{", FN_COUNTERS[fam - 1].name);
        put_fn_label(b, f->function);
        buf_printf(b, "} %lld\n", (long long)*v);
    } else if (fam <= N_FN_COUNTERS + N_FN_SUMS) {
        int k = fam - 1 - N_FN_COUNTERS;
        const double *v = (const double *)((const char *)f + FN_SUMS[k].off);
        buf_printf(b, "%s{", FN_SUMS[k].name);
        put_fn_label(b, f->function);
        buf_cat(b, "} ");
        prom_put_double(b, *v * FN_SUMS[k].scale);
        buf_putc(b, '\n');
    } else if (fam == N_FN_COUNTERS + N_FN_SUMS + 1) {
        put_histogram(b, "obs_lambda_duration_seconds", f->function, &f->duration, f->duration_sum);
    } else {
        put_histogram(b, "obs_lambda_init_duration_seconds", f->function, &f->init, f->init_sum);
    }
}

/* ---- EMF ---------------------------------------------------------------- */

typedef struct emf_row {
    char *family, *labels;     /* owned */
    const store_metric_totals_t *m;   /* the first series mapped here (for HELP) */
    int64_t count;
    double sum;                /* in the family's unit */
    double scale;              /* of the first series' values to it */
} emf_row_t;

typedef struct label {
    char *name;                /* owned, sanitised */
    const char *value;
    int key;                   /* the key's rank in the dimensions */
} label_t;

static int label_cmp(const void *a, const void *b)
{
    const label_t *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->key - y->key;
}

/* namespace="..." then dimension_<key>="..." sorted by label name; of keys
 * that sanitise to one name, the first (in key order) is kept. */
static char *labels_of(const store_metric_totals_t *m)
{
    buf_t b = { 0 };
    buf_cat(&b, "namespace=\"");
    prom_put_label_value(&b, m->ns);
    buf_putc(&b, '"');
    cJSON *o = cJSON_Parse(m->dimensions);
    int n = cJSON_GetArraySize(o), k = 0;
    label_t *l = xcalloc((size_t)n + 1, sizeof *l);
    char **printed = xcalloc((size_t)n + 1, sizeof *printed);
    for (const cJSON *d = o ? o->child : NULL; d; d = d->next, k++) {
        buf_t nb = { 0 };
        buf_cat(&nb, "dimension_");
        prom_put_snake(&nb, d->string ? d->string : "");
        l[k].name = buf_take(&nb);
        l[k].key = k;
        l[k].value = cJSON_IsString(d) ? d->valuestring : (printed[k] = cJSON_PrintUnformatted(d));
    }
    qsort(l, (size_t)k, sizeof *l, label_cmp);
    for (int i = 0; i < k; i++) {
        if (i && strcmp(l[i].name, l[i - 1].name) == 0)
            continue;
        buf_printf(&b, ",%s=\"", l[i].name);
        prom_put_label_value(&b, l[i].value);
        buf_putc(&b, '"');
    }
    for (int i = 0; i < k; i++) {
        free(l[i].name);
        cJSON_free(printed[i]);
    }
    free(l);
    free(printed);
    cJSON_Delete(o);
    return buf_take(&b);
}

static int row_cmp(const void *a, const void *b)
{
    const emf_row_t *x = a, *y = b;
    int c = strcmp(x->family, y->family);
    if (!c)
        c = strcmp(x->labels, y->labels);
    return c ? c : (x->m > y->m) - (x->m < y->m);
}

/* The rows of every EMF series, sorted by family and labels (merged when
 * they print alike, as they are written). */
static emf_row_t *emf_rows(const store_totals_t *t)
{
    emf_row_t *r = xcalloc((size_t)t->nmetrics + 1, sizeof *r);
    for (int i = 0; i < t->nmetrics; i++) {
        buf_t fb = { 0 };
        double scale = prom_emf_family(&fb, t->metrics[i].name, t->metrics[i].unit);
        r[i].scale = scale;
        r[i].family = buf_take(&fb);
        r[i].labels = labels_of(&t->metrics[i]);
        r[i].m = &t->metrics[i];
        r[i].count = t->metrics[i].count;
        r[i].sum = t->metrics[i].sum * scale;
    }
    qsort(r, (size_t)t->nmetrics, sizeof *r, row_cmp);
    return r;
}

static void emf_rows_free(emf_row_t *r, int n)
{
    for (int i = 0; r && i < n; i++) {
        free(r[i].family);
        free(r[i].labels);
    }
    free(r);
}

/* The series at r[i] (with the ones after it that print alike, added to
 * it: one series); returns the index after them. */
static int emf_series(buf_t *b, emf_row_t *r, int n, int i)
{
    int j = i;
    while (j + 1 < n && strcmp(r[j + 1].family, r[i].family) == 0 && strcmp(r[j + 1].labels, r[i].labels) == 0) {
        j++;
        r[i].count += r[j].count;
        r[i].sum += r[j].sum;
    }
    if (i == 0 || strcmp(r[i].family, r[i - 1].family) != 0) {
        buf_t hb = { 0 };
        buf_printf(&hb, "EMF metric %s (unit %s)%s", r[i].m->name, *r[i].m->unit ? r[i].m->unit : "None",
                   r[i].scale != 1 ? ", converted to seconds" : "");
        put_help(b, r[i].family, "summary", hb.p);
        buf_free(&hb);
    }
    buf_printf(b, "%s_sum{%s} ", r[i].family, r[i].labels);
    prom_put_double(b, r[i].sum);
    buf_printf(b, "\n%s_count{%s} %lld\n", r[i].family, r[i].labels, (long long)r[i].count);
    return j + 1;
}

/* ---- the agent's counters ------------------------------------------------ */

static void render_counter(buf_t *b, const store_counter_value_t *cv)
{
    const char *name = cv->name;
    size_t len = strlen(name);
    int ms = len > 3 && strcmp(name + len - 3, "_ms") == 0;
    buf_t fb = { 0 };
    buf_cat(&fb, "obs_agent_");
    char *stem = xstrdup(name);
    if (ms)
        stem[len - 3] = '\0';
    prom_put_name(&fb, stem);
    buf_cat(&fb, ms ? "_seconds_total" : "_total");
    free(stem);
    buf_t hb = { 0 };
    buf_printf(&hb, "The agent's counter %s%s (obsagent --status).", name, ms ? " / 1000" : "");
    put_help(b, fb.p, "counter", hb.p);
    buf_printf(b, "%s ", fb.p);
    if (ms)
        prom_put_double(b, (double)cv->value / 1000);
    else
        buf_printf(b, "%lld", (long long)cv->value);
    buf_putc(b, '\n');
    buf_free(&fb);
    buf_free(&hb);
}

/* What --metrics-max-series left out of this scrape: a sample only for a
 * kind that lost some (absent: nothing left out). */
static void render_cut(buf_t *b, const store_totals_t *t)
{
    put_help(b, "obs_scrape_series_left_out", "gauge",
             "Functions (kind=function) and EMF series (kind=emf) in the store but not in this scrape: "
             "past --metrics-max-series.");
    if (t->fns_cut)
        buf_printf(b, "obs_scrape_series_left_out{kind=\"function\"} %lld\n", (long long)t->fns_cut);
    if (t->metrics_cut)
        buf_printf(b, "obs_scrape_series_left_out{kind=\"emf\"} %lld\n", (long long)t->metrics_cut);
}

/* ---- a scrape, a piece at a time ---------------------------------------- */

enum { PART_FUNCTIONS, PART_EMF, PART_COUNTERS, PART_CUT, PART_DONE };

struct prom_cursor {
    const store_totals_t *t;
    int part;
    int fam, i;               /* functions: family and function; else the row */
    emf_row_t *rows;          /* PART_EMF: prepared when it begins */
};

prom_cursor_t *prom_cursor_new(const store_totals_t *t)
{
    prom_cursor_t *c = xcalloc(1, sizeof *c);
    c->t = t;
    return c;
}

void prom_cursor_free(prom_cursor_t *c)
{
    if (!c)
        return;
    emf_rows_free(c->rows, c->t->nmetrics);
    free(c);
}

int prom_cursor_next(prom_cursor_t *c, buf_t *b)
{
    const store_totals_t *t = c->t;
    switch (c->part) {
    case PART_FUNCTIONS:
        if (c->i == 0)
            fn_family_help(b, c->fam);
        if (c->i < t->nfns)
            fn_family_item(b, c->fam, &t->fns[c->i++]);
        if (c->i >= t->nfns) {
            c->i = 0;
            if (++c->fam == N_FN_FAMILIES)
                c->part++;
        }
        return 1;
    case PART_EMF:
        if (!c->rows)
            c->rows = emf_rows(t);
        if (c->i < t->nmetrics)
            c->i = emf_series(b, c->rows, t->nmetrics, c->i);
        if (c->i >= t->nmetrics) {
            c->i = 0;
            c->part++;
        }
        return 1;
    case PART_COUNTERS:
        if (c->i < t->ncounters)
            render_counter(b, &t->counters[c->i++]);
        if (c->i >= t->ncounters) {
            c->i = 0;
            c->part++;
        }
        return 1;
    case PART_CUT:
        render_cut(b, t);
        c->part++;
        return 1;
    default:
        return 0;
    }
}

void prom_render_concurrency(buf_t *b, const store_concurrency_t *c)
{
    static const struct {
        const char *name, *help;
        size_t off;
    } g[] = {
        { "obs_lambda_concurrent_executions",
          "Invocations in flight now (from START to REPORT, or end - Duration; docs/concurrency.md).",
          offsetof(store_fn_concurrency_t, level) },
        { "obs_lambda_concurrent_executions_peak",
          "The most invocations in flight at once in the last " PROM_CONCURRENCY_WINDOW_TEXT ".",
          offsetof(store_fn_concurrency_t, peak) },
    };
    for (size_t k = 0; k < sizeof g / sizeof *g; k++) {
        put_help(b, g[k].name, "gauge", g[k].help);
        for (int i = 0; i < c->nfns; i++) {
            buf_printf(b, "%s{", g[k].name);
            put_fn_label(b, c->fns[i].function);
            buf_printf(b, "} %d\n", (int)*(const int32_t *)((const char *)&c->fns[i] + g[k].off));
        }
    }
    put_help(b, "obs_lambda_account_concurrent_executions", "gauge",
             "Invocations of every function in flight now (the account-wide total).");
    buf_printf(b, "obs_lambda_account_concurrent_executions %d\n", (int)c->all.level);
    put_help(b, "obs_lambda_account_concurrent_executions_peak", "gauge",
             "The most invocations of every function in flight at once in the last " PROM_CONCURRENCY_WINDOW_TEXT ".");
    buf_printf(b, "obs_lambda_account_concurrent_executions_peak %d\n", (int)c->all.peak);
}

void prom_render(buf_t *out, const store_totals_t *t)
{
    prom_cursor_t *c = prom_cursor_new(t);
    while (prom_cursor_next(c, out))
        ;
    prom_cursor_free(c);
}
