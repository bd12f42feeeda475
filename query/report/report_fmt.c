/* query/report/report_fmt.c — the report's numbers as text, and its tables'
 * columns: what each figure is called and how it is printed, once for the
 * Markdown and the HTML writers (report_int.h). */
#include "query/report/report_int.h"
#include "common/isotime.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Digits in groups of three: "1234567.8" -> "1,234,567.8". */
static const char *grouped(report_num_t out, const char *plain)
{
    const char *p = plain;
    char *o = out;
    if (*p == '-' || *p == '+')
        *o++ = *p++;
    size_t digits = strspn(p, "0123456789");
    for (size_t i = 0; i < digits; i++) {
        if (i && (digits - i) % 3 == 0)
            *o++ = ',';
        *o++ = p[i];
    }
    snprintf(o, REPORT_NUM_MAX - (size_t)(o - out), "%s", p + digits);
    return out;
}

const char *report__int(report_num_t out, int64_t v)
{
    char plain[32];
    snprintf(plain, sizeof plain, "%lld", (long long)v);
    return grouped(out, plain);
}

const char *report__fixed(report_num_t out, double v, int decimals)
{
    char plain[40];
    if (isnan(v))
        return strcpy(out, "-");
    snprintf(plain, sizeof plain, "%.*f", decimals, v);
    if (strcmp(plain, "-0") == 0 || strspn(plain, "-0.") == strlen(plain))
        snprintf(plain, sizeof plain, "%.*f", decimals, 0.0);   /* no "-0.0" */
    return grouped(out, plain);
}

const char *report__ms(report_num_t out, double ms)
{
    return report__fixed(out, ms, 1);
}

const char *report__secs(report_num_t out, int64_t ms)
{
    char plain[40];
    snprintf(plain, sizeof plain, "%lld.%03lld s", (long long)(ms / 1000), (long long)(ms % 1000));
    return grouped(out, plain);
}

const char *report__pct_of(report_num_t out, double part, double whole)
{
    if (!(whole > 0) || isnan(part))
        return strcpy(out, "-");
    report__fixed(out, 100.0 * part / whole, 1);
    strcat(out, "%");
    return out;
}

const char *report__usd(report_num_t out, double usd)
{
    return report__fixed(out, usd, 6);
}

const char *report__change(report_num_t out, double cur, double base)
{
    if (isnan(cur) || isnan(base))
        return strcpy(out, "-");
    if (base == 0)
        return strcpy(out, cur == 0 ? "0.0%" : "new");
    double c = 100.0 * (cur - base) / fabs(base);
    report__fixed(out, c, 1);
    if (out[0] != '-' && strcmp(out, "0.0") != 0) {
        memmove(out + 1, out, strlen(out) + 1);
        out[0] = '+';
    }
    strcat(out, "%");
    return out;
}

const char *report__time(report_num_t out, int64_t ms)
{
    int64_t y;
    int mo, d;
    int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000, rem = ms - days * 86400000;
    isotime_civil_from_days(days, &y, &mo, &d);
    snprintf(out, REPORT_NUM_MAX, "%04lld-%02d-%02d %02d:%02d:%02dZ", (long long)y, mo, d, (int)(rem / 3600000),
             (int)(rem / 60000 % 60), (int)(rem / 1000 % 60));
    return out;
}

const char *report__clock(report_num_t out, int64_t ms, int64_t bucket_ms)
{
    report_num_t t;
    report__time(t, ms);
    /* "YYYY-MM-DD HH:MM:SSZ": the time of day, seconds only when buckets are shorter than a minute */
    snprintf(out, REPORT_NUM_MAX, "%.*s", bucket_ms % 60000 ? 8 : 5, t + 11);
    if (bucket_ms >= 86400000)
        snprintf(out, REPORT_NUM_MAX, "%.10s", t);
    return out;
}

const char *report__span(report_num_t out, int64_t ms)
{
    if (ms % 86400000 == 0)
        snprintf(out, REPORT_NUM_MAX, "%lld d", (long long)(ms / 86400000));
    else if (ms % 3600000 == 0)
        snprintf(out, REPORT_NUM_MAX, "%lld h", (long long)(ms / 3600000));
    else if (ms % 60000 == 0)
        snprintf(out, REPORT_NUM_MAX, "%lld min", (long long)(ms / 60000));
    else
        snprintf(out, REPORT_NUM_MAX, "%lld s", (long long)(ms / 1000));
    return out;
}

double report__num(const char *text)
{
    char plain[REPORT_NUM_MAX];
    size_t n = 0;
    if (!text || strcmp(text, "-") == 0)
        return NAN;
    for (const char *p = text; *p && n + 1 < sizeof plain; p++)
        if (*p != ',')
            plain[n++] = *p;
    plain[n] = '\0';
    char *end;
    double v = strtod(plain, &end);
    return end == plain ? NAN : v;
}

const report_fig_t *report__base_of(const report_t *r, const char *name)
{
    if (!r->has_base)
        return NULL;
    if (strcmp(name, r->cur.all.name) == 0)
        return &r->base.all;
    for (int i = 0; i < r->base.nfns; i++)
        if (strcmp(r->base.fns[i].name, name) == 0)
            return &r->base.fns[i];
    return NULL;
}

void report__absent(report_fig_t *out, const report_fig_t *like)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", like->name);
    out->p50 = out->p95 = out->p99 = out->cost_per_million = NAN;
    out->limit = like->limit;
    out->limit_own = like->limit_own;
}

/* ---- the columns ------------------------------------------------------------ */

static double field(const void *rec, size_t off, report_vtype_t t)
{
    const char *p = (const char *)rec + off;
    switch (t) {
    case RV_I64: return (double)*(const int64_t *)p;
    case RV_I32: return (double)*(const int32_t *)p;
    default: return *(const double *)p;
    }
}

double report__value(const report_col_t *c, const void *rec)
{
    double v = field(rec, c->off, c->type);
    if (c->show == RS_PCT) {
        double whole = field(rec, c->off2, c->type2);
        return whole > 0 && !isnan(v) ? 100.0 * v / whole : NAN;
    }
    return v;
}

const char *report__cell(report_num_t out, const report_col_t *c, const void *rec)
{
    double v = field(rec, c->off, c->type);
    switch (c->show) {
    case RS_INT: return isnan(v) ? strcpy(out, "-") : report__int(out, (int64_t)v);
    case RS_FIXED: return report__fixed(out, v, c->decimals);
    case RS_MS: return report__ms(out, v);
    case RS_SECS: return report__secs(out, (int64_t)v);
    case RS_USD: return report__usd(out, v);
    case RS_TIME: return field(rec, c->off2, c->type2) > 0 ? report__time(out, (int64_t)v) : strcpy(out, "-");
    case RS_LIMIT:
        report__int(out, (int64_t)v);
        if (field(rec, c->off2, c->type2) == 0)
            strcat(out, " (account)");
        return out;
    case RS_PCT: return report__pct_of(out, v, field(rec, c->off2, c->type2));
    }
    return strcpy(out, "-");
}

#define F(m) offsetof(report_fig_t, m)
#define P(m) offsetof(report_point_t, m)

static const report_col_t traffic[] = {
    { "invocations", F(invocations), RV_I64, RS_INT, 0, 0, 0, 1 },
    { "invocations/s (average)", F(rate_avg), RV_DBL, RS_FIXED, 3, 0, 0, 1 },
    { "invocations/s (busiest bucket)", F(rate_peak), RV_DBL, RS_FIXED, 3, 0, 0, 1 },
    { "p50 ms", F(p50), RV_DBL, RS_MS, 0, 0, 0, 1 },
    { "p95 ms", F(p95), RV_DBL, RS_MS, 0, 0, 0, 1 },
    { "p99 ms", F(p99), RV_DBL, RS_MS, 0, 0, 0, 1 },
};
static const report_col_t capacity[] = {
    { "peak concurrency", F(conc_peak), RV_I32, RS_INT, 0, 0, 0, 1 },
    { "first at", F(conc_peak_at), RV_I64, RS_TIME, 0, F(conc_peak), RV_I32, 0 },
    { "average concurrency", F(conc_avg), RV_DBL, RS_FIXED, 2, 0, 0, 1 },
    { "limit", F(limit), RV_I32, RS_LIMIT, 0, F(limit_own), RV_I32, 0 },
    { "peak of limit", F(conc_peak), RV_I32, RS_PCT, 0, F(limit), RV_I32, 1 },
    { "time at >= 80% of limit", F(ms_near), RV_I64, RS_SECS, 0, 0, 0, 1 },
    { "time at limit", F(ms_at), RV_I64, RS_SECS, 0, 0, 0, 1 },
    { "environments alive (peak)", F(envs_peak), RV_I32, RS_INT, 0, 0, 0, 1 },
};
static const report_col_t colds[] = {
    { "on demand", F(colds.on_demand), RV_I64, RS_INT, 0, 0, 0, 1 },
    { "SnapStart", F(colds.snap_start), RV_I64, RS_INT, 0, 0, 0, 1 },
    { "provisioned (not user-facing)", F(colds.provisioned), RV_I64, RS_INT, 0, 0, 0, 1 },
    { "on demand, before a request (not user-facing)", F(colds.early), RV_I64, RS_INT, 0, 0, 0, 1 },
    { "user-facing of invocations", F(colds.user_facing), RV_I64, RS_PCT, 0, F(invocations), RV_I64, 1 },
};
static const report_col_t failures[] = {
    { "failed invocations", F(errors), RV_I64, RS_INT, 0, 0, 0, 1 },
    { "failed of invocations", F(errors), RV_I64, RS_PCT, 0, F(invocations), RV_I64, 1 },
    { "timeouts", F(timeouts), RV_I64, RS_INT, 0, 0, 0, 1 },
    { "crashes (incl. out-of-memory)", F(crashes), RV_I64, RS_INT, 0, 0, 0, 1 },
    { "throttle signals", F(throttles), RV_I64, RS_INT, 0, 0, 0, 1 },
};
static const report_col_t cost[] = {
    { "GB-seconds", F(gb_seconds), RV_DBL, RS_FIXED, 3, 0, 0, 1 },
    { "cost USD", F(cost), RV_DBL, RS_USD, 0, 0, 0, 1 },
    { "cost per 1M invocations USD", F(cost_per_million), RV_DBL, RS_FIXED, 2, 0, 0, 1 },
};
static const report_col_t exactness[] = {
    { "exact to the line", F(exact), RV_I64, RS_INT, 0, 0, 0, 0 },
    { "from the time rule", F(estimated), RV_I64, RS_INT, 0, 0, 0, 0 },
    { "emulated (left out)", F(emulated), RV_I64, RS_INT, 0, 0, 0, 0 },
    { "in flight at the end", F(open), RV_I64, RS_INT, 0, 0, 0, 0 },
};

#define TABLE(t, c) { t, c, (int)OBS_ARRAY_LEN(c) }
const report_table_t report__tables[] = {
    TABLE("Traffic and latency", traffic),
    TABLE("Concurrency and limits", capacity),
    TABLE("Cold starts by kind", colds),
    TABLE("Failures and throttling", failures),
    TABLE("Cost", cost),
    TABLE("How the invocations were timed", exactness),
};
const int report__ntables = (int)OBS_ARRAY_LEN(report__tables);

const report_col_t report__series_cols[] = {
    { "invocations/s", P(rate), RV_DBL, RS_FIXED, 3, 0, 0, 0 },
    { "p50 ms", P(p50), RV_DBL, RS_MS, 0, 0, 0, 0 },
    { "p95 ms", P(p95), RV_DBL, RS_MS, 0, 0, 0, 0 },
    { "p99 ms", P(p99), RV_DBL, RS_MS, 0, 0, 0, 0 },
    { "concurrency peak", P(conc_peak), RV_I32, RS_INT, 0, 0, 0, 0 },
    { "concurrency average", P(conc_avg), RV_DBL, RS_FIXED, 2, 0, 0, 0 },
    { "environments alive", P(envs_peak), RV_I32, RS_INT, 0, 0, 0, 0 },
    { "cold on demand", P(colds.on_demand), RV_I64, RS_INT, 0, 0, 0, 0 },
    { "cold SnapStart", P(colds.snap_start), RV_I64, RS_INT, 0, 0, 0, 0 },
    { "provisioned inits", P(colds.provisioned), RV_I64, RS_INT, 0, 0, 0, 0 },
    { "failed", P(errors), RV_I64, RS_INT, 0, 0, 0, 0 },
    { "timeouts", P(timeouts), RV_I64, RS_INT, 0, 0, 0, 0 },
    { "throttle signals", P(throttles), RV_I64, RS_INT, 0, 0, 0, 0 },
};
const int report__nseries_cols = (int)OBS_ARRAY_LEN(report__series_cols);
