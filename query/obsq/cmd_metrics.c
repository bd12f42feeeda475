/* query/obsq/cmd_metrics.c — `obsq metrics`: EMF custom metric series with
 * count, sum, avg, min, max and p50/p90/p99 over a time range (from the
 * per-minute rollups), filtered by namespace, name, function and dimensions;
 * `--errors` lists EMF documents CloudWatch would drop or mangle, and
 * `--expect-valid` makes any such document fail the command (for tests). */
#include "query/obsq/obsq.h"
#include "query/query.h"
#include "common/xalloc.h"
#include "store/store.h"
#include "common/clock.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
"usage: obsq [--db FILE] metrics [options]\n"
"\n"
"  --since T            from T (ISO-8601, epoch ms, or 15m/2h/7d ago)\n"
"  --until T            up to T (exclusive); ranges apply to whole minutes\n"
"  --namespace NS       only this namespace\n"
"  --name NAME          only this metric name\n"
"  --function NAME      only series emitted by this function\n"
"  --dim KEY=VALUE      only series with this dimension (repeatable)\n"
"  --errors             list EMF documents with errors instead, by reason\n"
"  --expect-valid       exit 1 when any EMF document has an error (printed on stderr)\n"
"  -o, --output FMT     table (default) or json\n";

typedef struct metrics_opts {
    store_metric_filter_t f;
    const char **dims;
    int errors, expect_valid, json;
} metrics_opts_t;

static double json_num(double v)
{
    return isfinite(v) ? v : NAN;  /* cJSON prints NAN as null */
}

static void print_series_json(const store_metric_series_t *v, int n)
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
    char *s = cJSON_Print(arr);
    printf("%s\n", s);
    free(s);
    cJSON_Delete(arr);
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
        char dims[256];
        dims_text(v[i].dimensions, dims, sizeof dims);
        printf("%-20.20s %-24.24s %-32.32s %-12.12s %3d %8lld %12.6g %12.6g %12.6g %12.6g %12.6g\n",
               v[i].ns, v[i].name, dims, v[i].unit, v[i].resolution, (long long)v[i].count, v[i].sum,
               v[i].count ? v[i].sum / (double)v[i].count : NAN, v[i].min, v[i].max, v[i].p99);
    }
    if (n == 0)
        printf("(no EMF metrics in range)\n");
}

static const char *status_name(int s)
{
    return s == 2 ? "parse_error" : "invalid";
}

static void print_errors_json(FILE *f, const store_emf_error_t *v, int n)
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
    char *s = cJSON_Print(arr);
    fprintf(f, "%s\n", s);
    free(s);
    cJSON_Delete(arr);
}

static void print_errors_table(FILE *f, const store_emf_error_t *v, int n)
{
    if (n == 0) {
        fprintf(f, "no EMF document with errors\n");
        return;
    }
    fprintf(f, "%-20s %-12s %7s  %s\n", "FUNCTION", "STATUS", "COUNT", "REASON");
    for (int i = 0; i < n; i++) {
        const char *r = v[i].reason;
        const char *nl = strchr(r, '\n');
        fprintf(f, "%-20.20s %-12s %7lld  %.*s\n", v[i].function, status_name(v[i].status),
                (long long)v[i].count, nl ? (int)(nl - r) : (int)strlen(r), r);
        while (nl) {  /* one reason per line */
            r = nl + 1;
            nl = strchr(r, '\n');
            fprintf(f, "%-20s %-12s %7s  %.*s\n", "", "", "", nl ? (int)(nl - r) : (int)strlen(r), r);
        }
    }
}

static int parse_args(int argc, char **argv, metrics_opts_t *o)
{
    static const struct option longopts[] = {
        { "since", required_argument, NULL, 's' }, { "until", required_argument, NULL, 'u' },
        { "namespace", required_argument, NULL, 'N' }, { "name", required_argument, NULL, 'n' },
        { "function", required_argument, NULL, 'f' }, { "dim", required_argument, NULL, 'd' },
        { "errors", no_argument, NULL, 'e' }, { "expect-valid", no_argument, NULL, 'x' },
        { "output", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int64_t now = obs_wall_ms();
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
        case 'u': {
            int64_t *dst = c == 's' ? &o->f.since_ms : &o->f.until_ms;
            if (timearg_parse(optarg, now, dst)) {
                fprintf(stderr, "obsq metrics: invalid time '%s': expected ISO-8601, epoch ms, or a "
                                "duration like 15m, 2h, 7d\n", optarg);
                return 2;
            }
            break;
        }
        case 'N': o->f.ns = optarg; break;
        case 'n': o->f.name = optarg; break;
        case 'f': o->f.function = optarg; break;
        case 'd':
            if (!strchr(optarg, '=') || optarg[0] == '=') {
                fprintf(stderr, "obsq metrics: --dim takes KEY=VALUE, not '%s'\n", optarg);
                return 2;
            }
            o->dims = xrealloc(o->dims, (size_t)(o->f.ndims + 1) * sizeof *o->dims);
            o->dims[o->f.ndims++] = optarg;
            o->f.dims = o->dims;
            break;
        case 'e': o->errors = 1; break;
        case 'x': o->expect_valid = 1; break;
        case 'o':
            if (strcmp(optarg, "json") == 0)
                o->json = 1;
            else if (strcmp(optarg, "table") != 0) {
                fprintf(stderr, "obsq metrics: -o takes table or json, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': fputs(usage, stdout); return -1;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "obsq metrics: unexpected argument '%s'\n%s", argv[optind], usage);
        return 2;
    }
    return 0;
}

int obsq_cmd_metrics(const char *db, int argc, char **argv)
{
    metrics_opts_t o;
    obs_err_t err = { 0 };
    store_t *st = NULL;
    store_metric_series_t *series = NULL;
    store_emf_error_t *errors = NULL;
    int nseries = 0, nerrors = 0, rc;

    memset(&o, 0, sizeof o);
    o.f.since_ms = o.f.until_ms = -1;
    rc = parse_args(argc, argv, &o);
    if (rc) {
        free(o.dims);
        return rc < 0 ? 0 : rc;
    }
    rc = 1;
    if (store_open_readonly(db, &st, &err))
        goto fail;
    if ((o.errors || o.expect_valid) &&
        store_emf_errors_list(st, o.f.since_ms, o.f.until_ms, &errors, &nerrors, &err))
        goto fail;
    if (o.errors) {
        if (o.json)
            print_errors_json(stdout, errors, nerrors);
        else
            print_errors_table(stdout, errors, nerrors);
    } else {
        if (store_metric_series_list(st, &o.f, &series, &nseries, &err))
            goto fail;
        if (o.json)
            print_series_json(series, nseries);
        else
            print_series_table(series, nseries);
    }
    rc = 0;
    if (o.expect_valid && nerrors) {
        int64_t docs = 0;
        for (int i = 0; i < nerrors; i++)
            docs += errors[i].count;
        fprintf(stderr, "obsq metrics: %lld EMF document%s with errors; CloudWatch would drop "
                        "what they say:\n", (long long)docs, docs == 1 ? "" : "s");
        print_errors_table(stderr, errors, nerrors);
        rc = 1;
    }
    goto out;
fail:
    fprintf(stderr, "obsq metrics: %s\n", err.msg);
out:
    store_metric_series_free(series, nseries);
    store_emf_errors_free(errors, nerrors);
    store_close(st, NULL);
    free(o.dims);
    return rc;
}
