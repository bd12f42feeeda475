/* query/obsq/cmd_metrics.c — `obsq metrics`: EMF custom metric series with
 * count, sum, avg, min, max and p50/p90/p99 over a time range (from the
 * per-minute rollups), filtered by namespace, name, function and dimensions;
 * `--errors` lists EMF documents CloudWatch would drop or mangle, and
 * `--expect-valid` makes any such document fail the command (for tests). */
#include "query/obsq/obsq.h"
#include "query/query.h"
#include "query/format.h"
#include "common/termsafe.h"
#include "common/xalloc.h"
#include "store/store.h"
#include "common/clock.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct metrics_opts {
    store_metric_filter_t f;
    obsq_scope_t sc;
    const char **dims;
    int errors, expect_valid;
} metrics_opts_t;

static double json_num(double v)
{
    return isfinite(v) ? v : NAN;  /* cJSON prints NAN as null */
}

/* A JSON array (json), or one object a line (jsonl), with what cJSON
 * leaves raw in strings escaped (common/termsafe.h). */
static void print_json(FILE *f, cJSON *arr, int lines)
{
    buf_t b = { 0 };
    if (!lines) {
        char *s = cJSON_Print(arr);
        termsafe_json_text(&b, s);
        fprintf(f, "%s\n", b.p);
        free(s);
    } else {
        const cJSON *o;
        cJSON_ArrayForEach(o, arr)
        {
            char *s = cJSON_PrintUnformatted(o);
            b.len = 0;
            termsafe_json_text(&b, s);
            fprintf(f, "%s\n", b.p);
            free(s);
        }
    }
    buf_free(&b);
    cJSON_Delete(arr);
}

static void print_series_json(const store_metric_series_t *v, int n, int lines)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "namespace", v[i].ns);
        cJSON_AddStringToObject(o, "name", v[i].name);
        cJSON *dims = cJSON_Parse(v[i].dimensions);
        cJSON_AddItemToObject(o, "dimensions", dims ? dims : cJSON_CreateObject());
        cJSON_AddStringToObject(o, "unit", v[i].unit);
        cJSON_AddNumberToObject(o, "resolution", v[i].resolution);
        cJSON_AddNumberToObject(o, "count", (double)v[i].count);
        cJSON_AddNumberToObject(o, "sum", json_num(v[i].sum));
        cJSON_AddNumberToObject(o, "min", json_num(v[i].min));
        cJSON_AddNumberToObject(o, "max", json_num(v[i].max));
        cJSON_AddNumberToObject(o, "avg", json_num(v[i].count ? v[i].sum / (double)v[i].count : NAN));
        cJSON_AddNumberToObject(o, "p50", json_num(v[i].p50));
        cJSON_AddNumberToObject(o, "p90", json_num(v[i].p90));
        cJSON_AddNumberToObject(o, "p99", json_num(v[i].p99));
        cJSON_AddItemToArray(arr, o);
    }
    print_json(stdout, arr, lines);
}

/* {"a":"1","b":"2"} -> a=1,b=2 */
static void dims_text(const char *json, char *out, size_t cap)
{
    cJSON *o = cJSON_Parse(json);
    size_t len = 0;
    out[0] = '\0';
    const cJSON *it;
    cJSON_ArrayForEach(it, o)
    {
        int w = snprintf(out + len, cap - len, "%s%s=%s", len ? "," : "", it->string,
                         cJSON_IsString(it) ? it->valuestring : "?");
        if (w < 0 || (size_t)w >= cap - len)
            break;
        len += (size_t)w;
    }
    if (!len)
        snprintf(out, cap, "-");
    cJSON_Delete(o);
}

static void print_series_table(const store_metric_series_t *v, int n)
{
    printf("%-20s %-24s %-32s %-12s %3s %8s %12s %12s %12s %12s %12s\n", "NAMESPACE", "NAME",
           "DIMENSIONS", "UNIT", "RES", "COUNT", "SUM", "AVG", "MIN", "MAX", "P99");
    for (int i = 0; i < n; i++) {
        char dims[256], c1[96], c2[112], c3[144], c4[64];
        dims_text(v[i].dimensions, dims, sizeof dims);
        printf("%s %s %s %s %3d %8lld %12.6g %12.6g %12.6g %12.6g %12.6g\n",
               termsafe_cell(c1, sizeof c1, v[i].ns, 20), termsafe_cell(c2, sizeof c2, v[i].name, 24),
               termsafe_cell(c3, sizeof c3, dims, 32), termsafe_cell(c4, sizeof c4, v[i].unit, 12), v[i].resolution, (long long)v[i].count, v[i].sum,
               v[i].count ? v[i].sum / (double)v[i].count : NAN, v[i].min, v[i].max, v[i].p99);
    }
    if (n == 0)
        printf("(no EMF metrics in range)\n");
}

static const char *status_name(int s)
{
    return s == 2 ? "parse_error" : "invalid";
}

static void print_errors_json(FILE *f, const store_emf_error_t *v, int n, int lines)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "function", v[i].function);
        cJSON_AddStringToObject(o, "status", status_name(v[i].status));
        cJSON_AddStringToObject(o, "reason", v[i].reason);
        cJSON_AddNumberToObject(o, "count", (double)v[i].count);
        cJSON_AddItemToArray(arr, o);
    }
    print_json(f, arr, lines);
}

static void print_errors_table(FILE *f, const store_emf_error_t *v, int n)
{
    if (n == 0) {
        fprintf(f, "no EMF document with errors\n");
        return;
    }
    fprintf(f, "%-20s %-12s %7s  %s\n", "FUNCTION", "STATUS", "COUNT", "REASON");
    for (int i = 0; i < n; i++) {
        char fn[96];
        const char *r = v[i].reason;
        const char *nl = strchr(r, '\n');
        fprintf(f, "%s %-12s %7lld  ", termsafe_cell(fn, sizeof fn, v[i].function, 20),
                status_name(v[i].status), (long long)v[i].count);
        termsafe_fwrite(f, r, nl ? (size_t)(nl - r) : strlen(r), 0);
        fputc('\n', f);
        while (nl) {  /* one reason per line */
            r = nl + 1;
            nl = strchr(r, '\n');
            fprintf(f, "%-20s %-12s %7s  ", "", "", "");
            termsafe_fwrite(f, r, nl ? (size_t)(nl - r) : strlen(r), 0);
            fputc('\n', f);
        }
    }
}

/* CSV: one line per series (dimensions as KEY=VALUE,...) or per error
 * reason; bytes exact, but made visible on a terminal (as -o csv of a
 * query, query/format.c). */
static void csv_field(const char *v)
{
    char *vis = isatty(STDOUT_FILENO) ? termsafe_dup(v, 0) : NULL;
    if (vis)
        v = vis;
    putchar('"');
    for (; *v; v++) {
        if (*v == '"')
            putchar('"');
        putchar(*v);
    }
    putchar('"');
    free(vis);
}

static void print_series_csv(const store_metric_series_t *v, int n)
{
    printf("namespace,name,dimensions,unit,resolution,count,sum,avg,min,max,p50,p90,p99\n");
    for (int i = 0; i < n; i++) {
        char dims[1024];
        dims_text(v[i].dimensions, dims, sizeof dims);
        csv_field(v[i].ns);
        putchar(',');
        csv_field(v[i].name);
        putchar(',');
        csv_field(strcmp(dims, "-") ? dims : "");
        putchar(',');
        csv_field(v[i].unit);
        printf(",%d,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", v[i].resolution, (long long)v[i].count,
               v[i].sum, v[i].count ? v[i].sum / (double)v[i].count : NAN, v[i].min, v[i].max, v[i].p50,
               v[i].p90, v[i].p99);
    }
}

static void print_errors_csv(const store_emf_error_t *v, int n)
{
    printf("function,status,count,reason\n");
    for (int i = 0; i < n; i++) {
        csv_field(v[i].function);
        printf(",%s,%lld,", status_name(v[i].status), (long long)v[i].count);
        csv_field(v[i].reason);
        putchar('\n');
    }
}

static int parse_args(int argc, char **argv, metrics_opts_t *o)
{
    int c;
    obs_cli_parser_t p;
    obs_cli_parser_init(&p, &obsq_metrics_spec);
    while ((c = obs_cli_next(&p, argc, argv)) != -1) {
        int r = obsq_scope_opt(&o->sc, &obsq_metrics_spec, c, optarg);
        if (r == 2)
            return 2;
        if (r == 1)
            continue;
        switch (c) {
        case 'N': o->f.ns = optarg; break;
        case 'n': o->f.name = optarg; break;
        case 'D':
            if (!strchr(optarg, '=') || optarg[0] == '=') {
                termsafe_eprintf("obsq metrics: --dim takes KEY=VALUE, not '%s'\n", optarg);
                return 2;
            }
            o->dims = xrealloc(o->dims, (size_t)(o->f.ndims + 1) * sizeof *o->dims);
            o->dims[o->f.ndims++] = optarg;
            o->f.dims = o->dims;
            break;
        case 'e': o->errors = 1; break;
        case 'X': o->expect_valid = 1; break;
        case 'h': obs_cli_help(stdout, &obsq_metrics_spec); return -1;
        default: fprintf(stderr, "(see obsq metrics --help)\n"); return 2;
        }
    }
    if (optind < argc)
        return obs_cli_usage_error(&obsq_metrics_spec, "unexpected argument '%s'", argv[optind]);
    o->f.since_ms = o->sc.since_ms;
    o->f.until_ms = o->sc.until_ms;
    o->f.functions = o->sc.functions;
    o->f.nfunctions = o->sc.nfunctions;
    return 0;
}

/* Keep the errors of the selected functions (all without --function). */
static int keep_functions(store_emf_error_t *v, int n, const obsq_scope_t *sc)
{
    if (sc->nfunctions == 0)
        return n;
    int k = 0;
    for (int i = 0; i < n; i++) {
        int in = 0;
        for (int j = 0; j < sc->nfunctions && !in; j++)
            in = strcmp(v[i].function, sc->functions[j]) == 0;
        if (in) {
            store_emf_error_t t = v[k];
            v[k++] = v[i];
            v[i] = t;
        }
    }
    return k;
}

int obsq_cmd_metrics(int argc, char **argv)
{
    metrics_opts_t o;
    obs_err_t err = { 0 };
    store_t *st = NULL;
    store_metric_series_t *series = NULL;
    store_emf_error_t *errors = NULL;
    int nseries = 0, nerrors = 0, nshown = 0, rc;

    memset(&o, 0, sizeof o);
    obsq_scope_init(&o.sc);
    o.f.since_ms = o.f.until_ms = -1;
    rc = parse_args(argc, argv, &o);
    if (rc) {
        free(o.dims);
        obsq_scope_done(&o.sc);
        return rc < 0 ? 0 : rc;
    }
    rc = 1;
    if (store_open_readonly(obsq_scope_db(&o.sc), &st, &err))
        goto fail;
    if ((o.errors || o.expect_valid) &&
        store_emf_errors_list(st, o.f.since_ms, o.f.until_ms, &errors, &nerrors, &err))
        goto fail;
    nshown = keep_functions(errors, nerrors, &o.sc);
    if (o.errors) {
        if (o.sc.fmt == QFMT_JSON || o.sc.fmt == QFMT_JSONL)
            print_errors_json(stdout, errors, nshown, o.sc.fmt == QFMT_JSONL);
        else if (o.sc.fmt == QFMT_CSV)
            print_errors_csv(errors, nshown);
        else
            print_errors_table(stdout, errors, nshown);
    } else {
        if (store_metric_series_list(st, &o.f, &series, &nseries, &err))
            goto fail;
        if (o.sc.fmt == QFMT_JSON || o.sc.fmt == QFMT_JSONL)
            print_series_json(series, nseries, o.sc.fmt == QFMT_JSONL);
        else if (o.sc.fmt == QFMT_CSV)
            print_series_csv(series, nseries);
        else
            print_series_table(series, nseries);
    }
    rc = 0;
    if (o.expect_valid && nshown) {
        int64_t docs = 0;
        for (int i = 0; i < nshown; i++)
            docs += errors[i].count;
        termsafe_eprintf("obsq metrics: %lld EMF document%s with errors; CloudWatch would drop "
                        "what they say:\n", (long long)docs, docs == 1 ? "" : "s");
        print_errors_table(stderr, errors, nshown);
        rc = 1;
    }
    goto out;
fail:
    termsafe_eprintf("obsq metrics: %s\n", err.msg);
out:
    store_metric_series_free(series, nseries);
    store_emf_errors_free(errors, nerrors);
    store_close(st, NULL);
    free(o.dims);
    obsq_scope_done(&o.sc);
    return rc;
}
