/* tests/gen/lambdagen.c — writes a realistic corpus of AWS Lambda log files
 * and, next to it, the generator's own ground truth (what it wrote: lines,
 * invocations, cold starts, errors, timeouts, crashes, OOM kills, throttle
 * lines, ...), so the end-to-end tests can compare obsagent's store with it.
 *
 *   lambdagen --out DIR [--functions N] [--invocations N] [--lines N]
 *             [--seed S] [--format text|json|mixed] [--start ISO8601]
 *             [--hours H] [--bad-input] [--truth FILE]
 *
 * Layout: DIR/<function>/<stream>.log, one file per execution environment,
 * stream names like 2026-11-01-[$LATEST]<32 hex> (the real
 * "2026/11/01/[$LATEST]..." with '-' for '/'). Every stream starts with a
 * cold start (INIT_START, first REPORT with Init Duration); an environment
 * serves 20-50 invocations, and is replaced after a timeout, crash or OOM.
 * Several environments of one function may be busy at once (bursts).
 *
 * Formats follow docs: reference spec §3 (text START/END/REPORT, runtime
 * prefixes of Node, Python, .NET and Go, uncaught error shapes, JSON log
 * format with platform.* records) and §5.5 (downstream throttle codes).
 *
 * Counting rules of the truth (agreed with obsagent):
 *   - every REPORT / platform.report line is one invocation;
 *   - an invocation has exactly one outcome: error (uncaught handler error:
 *     Node "Invoke Error", Python "[ERROR] Type: msg\rTraceback", Go
 *     {"errorMessage","errorType"} log line, JSON app record with level ERROR
 *     and errorType), timeout, crash (Runtime.ExitError, old or new style),
 *     oom (Runtime.OutOfMemory only); a crash may be preceded by a Node
 *     "Unhandled Promise Rejection" line and is still a crash;
 *   - handled ERROR lines (console.error, logger.exception, .NET fail, Go
 *     "error:" log lines, JSON level ERROR without errorType) are not errors;
 *   - a throttle line is a line carrying one downstream throttle signal;
 *     no other line contains a throttle keyword;
 *   - Max Memory Used == Memory Size only on OOM invocations.
 *
 * Deterministic for a given set of options; libc + libm only, no project
 * headers. Each function has its own random stream, so its output does not
 * depend on how many functions follow it. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define MAX_ENVS       6            /* concurrent environments per function */
#define LINE_MAX_GEN   16384        /* longest generated (normal) line */
#define BAD_LONG_LINE  (300 * 1024) /* the --bad-input long line, bytes */

/* ---- random numbers: splitmix64 seeding + xoshiro256** ------------------ */

typedef struct rng {
    uint64_t s[4];
} rng_t;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed * 0x2545f4914f6cdd1dULL + stream * 0x9e3779b97f4a7c15ULL + 1;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* uniform in [0, 1) */
static double unif(rng_t *r)
{
    return (double)(rnd(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* uniform integer in [lo, hi] */
static long irange(rng_t *r, long lo, long hi)
{
    return lo + (long)(rnd(r) % (uint64_t)(hi - lo + 1));
}

static int chance(rng_t *r, double p)
{
    return unif(r) < p;
}

static void hex(rng_t *r, char *out, int n)
{
    static const char digits[] = "0123456789abcdef";
    uint64_t bits = 0;
    for (int i = 0; i < n; i++) {
        if (i % 16 == 0)
            bits = rnd(r);
        out[i] = digits[bits & 15];
        bits >>= 4;
    }
    out[n] = '\0';
}

static void uuid(rng_t *r, char out[37])
{
    char h[33];
    hex(r, h, 32);
    h[12] = '4';
    h[16] = "89ab"[h[16] % 4];
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

/* ---- time formatting (UTC, no libc time zone machinery) ---------------- */

static void civil(int64_t days, int *y, int *m, int *d)
{
    /* H. Hinnant's civil_from_days */
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

typedef struct tparts {
    int y, mo, d, h, mi, s, ms;
} tparts_t;

static tparts_t split_ms(int64_t ms)
{
    tparts_t t;
    int64_t days = ms / 86400000, rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        days--;
    }
    civil(days, &t.y, &t.mo, &t.d);
    t.h = (int)(rem / 3600000);
    t.mi = (int)(rem / 60000 % 60);
    t.s = (int)(rem / 1000 % 60);
    t.ms = (int)(rem % 1000);
    return t;
}

/* "2026-11-01T00:00:00.000Z" */
static const char *iso(int64_t ms, char buf[32])
{
    tparts_t t = split_ms(ms);
    snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.y, t.mo, t.d, t.h, t.mi, t.s, t.ms);
    return buf;
}

/* Go's log package default: "2026/11/01 00:00:00" */
static const char *gotime(int64_t ms, char buf[32])
{
    tparts_t t = split_ms(ms);
    snprintf(buf, 32, "%04d/%02d/%02d %02d:%02d:%02d", t.y, t.mo, t.d, t.h, t.mi, t.s);
    return buf;
}

static int parse_iso(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) < 3)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    *out = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + sec * 1000LL;
    return 0;
}

/* ---- model ------------------------------------------------------------- */

enum runtime { RT_NODE, RT_PYTHON, RT_DOTNET, RT_GO };
static const char *const RUNTIME_NAMES[] = { "node", "python", "dotnet", "go" };

enum outcome { OC_OK, OC_ERROR, OC_TIMEOUT, OC_CRASH, OC_OOM };

/* rates per invocation */
#define P_ERROR     0.040
#define P_TIMEOUT   0.020
#define P_CRASH     0.012
#define P_OOM       0.006
#define P_THROTTLE  0.050   /* per app line after the first */
#define P_HANDLED   0.060
#define P_EMF       0.120   /* default of --emf-rate */
#define P_MULTI     0.060
#define P_PLAIN     0.100

typedef struct stats {
    long lines, empty_lines, bytes, files, streams;
    long invocations, cold_starts, errors, timeouts, crashes, oom;
    long throttle_lines, report_lines, start_lines, handled_error_lines;
    long long duration_cs, billed_ms, init_cs;  /* sums in 1/100 ms, ms, 1/100 ms */
} stats_t;

typedef struct proto {
    const char *name;
    enum runtime rt;
    int json_when_mixed;
    int memory_mb;
    int timeout_s;
    int xray;
    const char *version;
    const char *runtime_version;
} proto_t;

static const proto_t PROTOS[] = {
    { "orders-api",  RT_NODE,   0,  128,  3, 1, "$LATEST", "nodejs:20.v33" },
    { "thumbnailer", RT_PYTHON, 0,  512,  6, 0, "$LATEST", "python:3.12.v18" },
    { "checkout",    RT_NODE,   1,  256,  6, 1, "$LATEST", "nodejs:22.v12" },
    { "ingest",      RT_GO,     0,  256, 15, 0, "7",       "provided:al2023.v45" },
    { "billing",     RT_DOTNET, 0, 1024, 30, 0, "$LATEST", "dotnet:8.v31" },
    { "reports",     RT_PYTHON, 1, 1024, 15, 1, "$LATEST", "python:3.13.v9" },
    { "poller",      RT_GO,     1,  128,  3, 0, "$LATEST", "provided:al2023.v45" },
    { "notifier",    RT_DOTNET, 1,  512,  6, 0, "3",       "dotnet:8.v31" },
};
#define NPROTOS ((int)(sizeof PROTOS / sizeof PROTOS[0]))

struct fn;

typedef struct env {
    FILE *f;
    struct fn *fn;
    int64_t busy_until;     /* ms; free for the next invocation from then on */
    int64_t last_used;
    int remaining;          /* invocations before the environment is recycled */
    int cold_pending;
    int new_style;          /* 2024+ failure format (Status: in REPORT) */
    double emf_rate;        /* --emf-rate */
    int max_used_mb;
} env_t;

typedef struct fn {
    char name[64];
    const proto_t *p;
    int json;               /* JSON log format (platform records; app records except Go) */
    int trailing_tab;       /* REPORT lines end with a TAB */
    char runtime_arn[128];
    rng_t rng;
    env_t envs[MAX_ENVS];
    int nenvs;
    stats_t st;
} fn_t;

typedef struct opts {
    const char *out;
    const char *truth;
    int functions;
    long invocations;
    long lines;
    uint64_t seed;
    int format;             /* 0 text, 1 json, 2 mixed */
    int64_t start_ms;
    double hours;
    double emf_rate;        /* share of app lines (after an invocation's first) that are EMF */
    int bad_input;
} opts_t;

/* ---- output ------------------------------------------------------------ */

static void die(const char *what, const char *path)
{
    fprintf(stderr, "lambdagen: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf) {
        errno = ENAMETOOLONG;
        die("mkdir", path);
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                die("mkdir", buf);
            buf[i] = c;
        }
    }
}

static void put_raw(env_t *e, const char *p, size_t len, const char *term)
{
    stats_t *st = &e->fn->st;
    size_t tl = strlen(term);
    if (fwrite(p, 1, len, e->f) != len || fwrite(term, 1, tl, e->f) != tl) {
        fprintf(stderr, "lambdagen: write failed: %s\n", strerror(errno));
        exit(1);
    }
    st->lines++;
    st->bytes += (long)(len + tl);
    if (len == 0 && (tl == 0 || term[0] == '\n'))
        st->empty_lines++;
}

/* One physical line (the newline is added). */
static void emit(env_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(env_t *e, const char *fmt, ...)
{
    char buf[LINE_MAX_GEN];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf) {
        fprintf(stderr, "lambdagen: internal: line too long\n");
        exit(1);
    }
    put_raw(e, buf, (size_t)n, "\n");
}

static void env_open(const opts_t *o, fn_t *fn, env_t *e, int64_t now)
{
    char h[33], path[4096];
    tparts_t t = split_ms(now);
    hex(&fn->rng, h, 32);
    int n = snprintf(path, sizeof path, "%s/%s/%04d-%02d-%02d-[%s]%s.log", o->out, fn->name,
                     t.y, t.mo, t.d, fn->p->version, h);
    if (n < 0 || (size_t)n >= sizeof path) {
        errno = ENAMETOOLONG;
        die("open", o->out);
    }
    memset(e, 0, sizeof *e);
    e->emf_rate = o->emf_rate;
    e->f = fopen(path, "wb");
    if (!e->f)
        die("open", path);
    setvbuf(e->f, NULL, _IOFBF, 1 << 16);
    e->fn = fn;
    e->busy_until = now;
    e->last_used = now;
    e->remaining = (int)irange(&fn->rng, 20, 50);
    e->cold_pending = 1;
    e->new_style = chance(&fn->rng, 0.5);
    e->max_used_mb = (int)(fn->p->memory_mb * (0.22 + 0.2 * unif(&fn->rng)));
    fn->st.files++;
    fn->st.streams++;
}

static void env_close(env_t *e)
{
    if (e->f && fclose(e->f) != 0) {
        fprintf(stderr, "lambdagen: close failed: %s\n", strerror(errno));
        exit(1);
    }
    e->f = NULL;
}

/* ---- line builders ----------------------------------------------------- */

/* Prefix of a timed application line at level lv ("INFO", "WARN", "ERROR",
 * "DEBUG") in the function's runtime format (text). */
static const char *app_prefix(const fn_t *fn, int64_t ts, const char *id, const char *lv,
                              char *buf, size_t cap)
{
    char t[32];
    switch (fn->p->rt) {
    case RT_NODE:
        snprintf(buf, cap, "%s\t%s\t%s\t", iso(ts, t), id, lv);
        break;
    case RT_PYTHON: {
        const char *plv = strcmp(lv, "WARN") == 0 ? "WARNING" : lv;
        snprintf(buf, cap, "[%s]\t%s\t%s\t", plv, iso(ts, t), id);
        break;
    }
    case RT_DOTNET: {
        const char *dlv = strcmp(lv, "INFO") == 0    ? "info"
                          : strcmp(lv, "WARN") == 0  ? "warn"
                          : strcmp(lv, "ERROR") == 0 ? "fail"
                                                     : "dbug";
        snprintf(buf, cap, "%s\t%s\t%s\t", iso(ts, t), id, dlv);
        break;
    }
    case RT_GO:
        snprintf(buf, cap, "%s ", gotime(ts, t));
        break;
    }
    return buf;
}

/* Does this function write JSON application records? (Go: text app lines
 * even in JSON format — Lambda formats only system logs for it.) */
static int json_app(const fn_t *fn)
{
    return fn->json && fn->p->rt != RT_GO;
}

static void json_record(env_t *e, int64_t ts, const char *id, const char *lv, const char *msg)
{
    char t[32];
    const fn_t *fn = e->fn;
    const char *l = lv;
    if (fn->p->rt == RT_PYTHON && strcmp(lv, "WARN") == 0)
        l = "WARNING";
    if (fn->p->rt == RT_PYTHON)
        emit(e, "{\"timestamp\":\"%s\",\"level\":\"%s\",\"message\":\"%s\",\"logger\":\"root\",\"requestId\":\"%s\"}",
             iso(ts, t), l, msg, id);
    else
        emit(e, "{\"timestamp\":\"%s\",\"level\":\"%s\",\"requestId\":\"%s\",\"message\":\"%s\"}",
             iso(ts, t), l, id, msg);
}

/* An ordinary application line (text or JSON) with message msg (must not
 * need JSON escaping). */
static void app_line(env_t *e, int64_t ts, const char *id, const char *lv, const char *msg)
{
    char pre[128];
    if (json_app(e->fn)) {
        json_record(e, ts, id, lv, msg);
        return;
    }
    emit(e, "%s%s", app_prefix(e->fn, ts, id, lv, pre, sizeof pre), msg);
}

static void info_message(rng_t *r, const fn_t *fn, char *buf, size_t cap)
{
    switch (irange(r, 0, 7)) {
    case 0: snprintf(buf, cap, "processing order %ld", irange(r, 100000, 999999)); break;
    case 1: snprintf(buf, cap, "fetched %ld items from table %s-items in %ld ms", irange(r, 0, 200), fn->name, irange(r, 2, 90)); break;
    case 2: snprintf(buf, cap, "cache hit ratio %.2f", unif(r)); break;
    case 3: snprintf(buf, cap, "wrote object s3://%s-bucket/out/%ld.json (%ld bytes)", fn->name, irange(r, 1, 99999), irange(r, 100, 900000)); break;
    case 4: snprintf(buf, cap, "user %ld authenticated via cognito", irange(r, 1000, 99999)); break;
    case 5: snprintf(buf, cap, "batch of %ld records, %ld valid", irange(r, 10, 30), irange(r, 1, 10)); break;
    case 6: snprintf(buf, cap, "calling payments-service POST /charges"); break;
    default: snprintf(buf, cap, "done in %ld ms", irange(r, 1, 400)); break;
    }
}

static void throttle_line(env_t *e, int64_t ts, const char *id)
{
    rng_t *r = &e->fn->rng;
    char pre[128], t[32];
    static const char *const ddb =
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API.";
    int k = (int)irange(r, 0, 3);
    e->fn->st.throttle_lines++;
    if (json_app(e->fn)) {
        static const char *const msgs[] = {
            "ThrottlingException: Rate exceeded",
            "TooManyRequestsException: Rate Exceeded.",
            "SlowDown: Please reduce your request rate.",
            "RequestLimitExceeded: Throughput exceeds the current throughput limit for your account.",
        };
        json_record(e, ts, id, "WARN", msgs[k]);
        return;
    }
    switch (e->fn->p->rt) {
    case RT_NODE: {
        static const char *const msgs[] = {
            "ThrottlingException: Rate exceeded",
            "TooManyRequestsException: Rate Exceeded.",
            NULL,
            "SlowDown: Please reduce your request rate.",
        };
        app_prefix(e->fn, ts, id, k == 1 ? "ERROR" : "WARN", pre, sizeof pre);
        if (k == 2)
            emit(e, "%sProvisionedThroughputExceededException: %s", pre, ddb);
        else
            emit(e, "%s%s", pre, msgs[k]);
        break;
    }
    case RT_PYTHON: {
        static const char *const ops[][3] = {
            { "ProvisionedThroughputExceededException", "PutItem", NULL },
            { "ThrottlingException", "PutMetricData", "Rate exceeded" },
            { "SlowDown", "PutObject", "Please reduce your request rate." },
            { "RequestLimitExceeded", "Query", "Throughput exceeds the current throughput limit for your account." },
        };
        emit(e, "[WARNING]\t%s\t%s\tAn error occurred (%s) when calling the %s operation (reached max retries: %ld): %s",
             iso(ts, t), id, ops[k][0], ops[k][1], irange(r, 2, 9), ops[k][2] ? ops[k][2] : ddb);
        break;
    }
    case RT_DOTNET:
        if (k < 2)
            emit(e, "%s\t%s\twarn\tAmazon.DynamoDBv2.Model.ProvisionedThroughputExceededException: %s", iso(ts, t), id, ddb);
        else
            emit(e, "%s\t%s\twarn\tAmazon.SQS.Model.TooManyRequestsException: Rate Exceeded.", iso(ts, t), id);
        break;
    case RT_GO: {
        char rid[17];
        hex(r, rid, 16);
        for (int i = 0; rid[i]; i++)
            if (rid[i] >= 'a')
                rid[i] = (char)(rid[i] - 'a' + 'A');
        if (k < 2)
            emit(e, "%s operation error DynamoDB: PutItem, exceeded maximum number of attempts, 3, https response error StatusCode: 400, RequestID: %s, ProvisionedThroughputExceededException: %s",
                 gotime(ts, t), rid, ddb);
        else
            emit(e, "%s operation error CloudWatch: PutMetricData, https response error StatusCode: 400, RequestID: %s, api error ThrottlingException: Rate exceeded",
                 gotime(ts, t), rid);
        break;
    }
    }
}

/* A logged-but-handled ERROR-level line: not an invocation error. */
static void handled_error_line(env_t *e, int64_t ts, const char *id)
{
    rng_t *r = &e->fn->rng;
    char msg[256], t[32];
    e->fn->st.handled_error_lines++;
    snprintf(msg, sizeof msg, "retrying request to payments-service (attempt %ld of 3): connection reset", irange(r, 1, 3));
    if (!json_app(e->fn) && e->fn->p->rt == RT_PYTHON && chance(r, 0.4)) {
        /* logger.exception() inside an except block: prefixed, with a traceback */
        emit(e, "[ERROR]\t%s\t%s\tfailed to parse record %ld, skipping\rTraceback (most recent call last):\r"
                "  File \"/var/task/app.py\", line 41, in parse\r    return json.loads(body)\r"
                "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
             iso(ts, t), id, irange(r, 1, 500));
        return;
    }
    if (!json_app(e->fn) && e->fn->p->rt == RT_GO) {
        emit(e, "%s error: %s", gotime(ts, t), msg);
        return;
    }
    app_line(e, ts, id, "ERROR", msg);
}

static void emf_line(env_t *e, int64_t ts, const char *id)
{
    rng_t *r = &e->fn->rng;
    char pre[128], body[1024];
    snprintf(body, sizeof body,
             "{\"_aws\":{\"Timestamp\":%lld,\"CloudWatchMetrics\":[{\"Namespace\":\"obs-demo\","
             "\"Dimensions\":[[\"FunctionName\"]],\"Metrics\":[{\"Name\":\"ProcessingTime\",\"Unit\":\"Milliseconds\"},"
             "{\"Name\":\"ItemsProcessed\",\"Unit\":\"Count\"}]}]},\"FunctionName\":\"%s\",\"ProcessingTime\":%ld,"
             "\"ItemsProcessed\":%ld}",
             (long long)ts, e->fn->name, irange(r, 1, 900), irange(r, 0, 50));
    if (json_app(e->fn))
        emit(e, "%s", body);        /* Powertools-style: raw JSON passes through */
    else
        emit(e, "%s%s", app_prefix(e->fn, ts, id, "INFO", pre, sizeof pre), body);
}

static void multiline_line(env_t *e, int64_t ts, const char *id)
{
    rng_t *r = &e->fn->rng;
    char pre[128];
    emit(e, "%s{\r  \"orderId\": \"%ld\",\r  \"items\": %ld,\r  \"total\": %ld.%02ld\r}",
         app_prefix(e->fn, ts, id, "INFO", pre, sizeof pre),
         irange(r, 100000, 999999), irange(r, 1, 9), irange(r, 1, 500), irange(r, 0, 99));
}

static void plain_line(env_t *e)
{
    rng_t *r = &e->fn->rng;
    switch (e->fn->p->rt) {
    case RT_PYTHON:
        if (chance(r, 0.5))
            emit(e, "## EVENT");
        else
            emit(e, "processed %ld records", irange(r, 1, 100));
        break;
    case RT_GO:
        emit(e, "handled message %ld", irange(r, 1, 100000));
        break;
    default:
        emit(e, "progress: %ld%%", irange(r, 0, 100));
        break;
    }
}

static void uncaught_error(env_t *e, int64_t ts, const char *id)
{
    rng_t *r = &e->fn->rng;
    char t[32];
    int k = (int)irange(r, 0, 1);
    if (json_app(e->fn)) {
        if (e->fn->p->rt == RT_PYTHON)
            emit(e, "{\"timestamp\":\"%s\",\"log_level\":\"ERROR\",\"errorMessage\":\"%s\",\"errorType\":\"%s\",\"requestId\":\"%s\","
                    "\"stackTrace\":[\"  File \\\"/var/task/lambda_function.py\\\", line %s, in lambda_handler\\n    %s\\n\"]}",
                 iso(ts, t), k ? "division by zero" : "'order_id'", k ? "ZeroDivisionError" : "KeyError", id,
                 k ? "12" : "7", k ? "return total / count" : "oid = event['order_id']");
        else
            emit(e, "{\"timestamp\":\"%s\",\"level\":\"ERROR\",\"requestId\":\"%s\",\"message\":\"Invoke Error\",\"errorType\":\"%s\","
                    "\"errorMessage\":\"%s\",\"stackTrace\":[\"%s: %s\",\"    at Runtime.handler (file:///var/task/index.mjs:3:9)\"]}",
                 iso(ts, t), id, k ? "Error" : "TypeError", k ? "boom" : "Cannot read properties of undefined (reading 'id')",
                 k ? "Error" : "TypeError", k ? "boom" : "Cannot read properties of undefined (reading 'id')");
        return;
    }
    switch (e->fn->p->rt) {
    case RT_NODE:
        emit(e, "%s\t%s\tERROR\tInvoke Error \t{\"errorType\":\"%s\",\"errorMessage\":\"%s\",\"stack\":[\"%s: %s\","
                "\"    at Runtime.handler (file:///var/task/index.mjs:3:9)\","
                "\"    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)\"]}",
             iso(ts, t), id, k ? "Error" : "TypeError", k ? "boom" : "Cannot read properties of undefined (reading 'id')",
             k ? "Error" : "TypeError", k ? "boom" : "Cannot read properties of undefined (reading 'id')");
        break;
    case RT_PYTHON:
        /* frames' leading spaces are U+00A0 in real logs */
        if (k)
            emit(e, "[ERROR] ZeroDivisionError: division by zero\rTraceback (most recent call last):\r"
                    "\xc2\xa0\xc2\xa0" "File \"/var/task/lambda_function.py\", line 12, in lambda_handler\r"
                    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0" "return total / count");
        else
            emit(e, "[ERROR] KeyError: 'order_id'\rTraceback (most recent call last):\r"
                    "\xc2\xa0\xc2\xa0" "File \"/var/task/lambda_function.py\", line 7, in lambda_handler\r"
                    "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0" "oid = event['order_id']");
        break;
    case RT_GO:
        emit(e, "%s {\"errorMessage\":\"%s\",\"errorType\":\"errorString\"}", gotime(ts, t),
             k ? "boom" : "missing field order_id");
        break;
    case RT_DOTNET:
        break;  /* never chosen */
    }
}

static void unhandled_rejection(env_t *e, int64_t ts, const char *id)
{
    char t[32];
    if (json_app(e->fn))
        emit(e, "{\"timestamp\":\"%s\",\"level\":\"ERROR\",\"requestId\":\"%s\",\"message\":\"Unhandled Promise Rejection\","
                "\"errorType\":\"Runtime.UnhandledPromiseRejection\",\"errorMessage\":\"Error: connection reset\","
                "\"stackTrace\":[\"Runtime.UnhandledPromiseRejection: Error: connection reset\","
                "\"    at process.<anonymous> (file:///var/runtime/index.mjs:1276:17)\"]}",
             iso(ts, t), id);
    else
        emit(e, "%s\t%s\tERROR\tUnhandled Promise Rejection \t{\"errorType\":\"Runtime.UnhandledPromiseRejection\","
                "\"errorMessage\":\"Error: connection reset\",\"reason\":{\"errorType\":\"Error\",\"errorMessage\":\"connection reset\","
                "\"stack\":[\"Error: connection reset\",\"    at Socket.<anonymous> (file:///var/task/db.mjs:41:15)\"]},"
                "\"promise\":{},\"stack\":[\"Runtime.UnhandledPromiseRejection: Error: connection reset\","
                "\"    at process.<anonymous> (file:///var/runtime/index.mjs:1276:17)\"]}",
             iso(ts, t), id);
}

/* ---- one invocation ---------------------------------------------------- */

static double round2(double x)
{
    return floor(x * 100.0 + 0.5) / 100.0;
}

static void invocation(env_t *e, int64_t arrival)
{
    fn_t *fn = e->fn;
    const proto_t *p = fn->p;
    rng_t *r = &fn->rng;
    stats_t *st = &fn->st;
    char id[37], t[32];
    char trace[40] = "", seg[17] = "";
    int64_t start = arrival;
    double init_ms = 0;
    int cold = e->cold_pending;

    uuid(r, id);
    if (p->xray) {
        char h24[25];
        hex(r, h24, 24);
        hex(r, seg, 16);
        snprintf(trace, sizeof trace, "1-%08llx-%s", (unsigned long long)(arrival / 1000), h24);
    }

    /* Init phase */
    if (cold) {
        static const int base[] = { 150, 250, 300, 40 };
        init_ms = round2(base[p->rt] * (0.6 + 1.6 * unif(r)) + unif(r));
        if (fn->json)
            emit(e, "{\"time\":\"%s\",\"type\":\"platform.initStart\",\"record\":{\"initializationType\":\"on-demand\","
                    "\"phase\":\"init\",\"runtimeVersion\":\"%s\",\"runtimeVersionArn\":\"%s\",\"functionName\":\"%s\","
                    "\"functionVersion\":\"%s\"}}",
                 iso(arrival, t), p->runtime_version, fn->runtime_arn, fn->name, p->version);
        else
            emit(e, "INIT_START Runtime Version: %s\tRuntime Version ARN: %s", p->runtime_version, fn->runtime_arn);
        if (p->rt == RT_DOTNET) {
            if (fn->json)
                emit(e, "{\"time\":\"%s\",\"type\":\"platform.extension\",\"record\":{\"name\":\"AWSParametersAndSecretsLambdaExtension\","
                        "\"state\":\"Ready\",\"events\":[\"INVOKE\",\"SHUTDOWN\"]}}",
                     iso(arrival + 5, t));
            else
                emit(e, "EXTENSION\tName: AWSParametersAndSecretsLambdaExtension\tState: Ready\tEvents: [INVOKE, SHUTDOWN]");
        }
        if (p->rt == RT_NODE && !fn->json && chance(r, 0.7)) {
            /* console.log during Init: request id "undefined" */
            emit(e, "%s\tundefined\tINFO\tloading configuration from SSM parameter /%s/config", iso(arrival + (int64_t)(init_ms / 2), t), fn->name);
        }
        start = arrival + (int64_t)ceil(init_ms);
        st->cold_starts++;
        e->cold_pending = 0;
    }

    /* Outcome and duration */
    enum outcome oc = OC_OK;
    double u = unif(r);
    if (u < P_ERROR)
        oc = p->rt == RT_DOTNET ? OC_OK : OC_ERROR;
    else if (u < P_ERROR + P_TIMEOUT)
        oc = OC_TIMEOUT;
    else if (u < P_ERROR + P_TIMEOUT + P_CRASH)
        oc = OC_CRASH;
    else if (u < P_ERROR + P_TIMEOUT + P_CRASH + P_OOM)
        oc = OC_OOM;

    double tmo = p->timeout_s * 1000.0;
    double dur;
    if (oc == OC_TIMEOUT) {
        dur = tmo + 1.0 + 24.0 * unif(r);
    } else {
        double x = exp(log(60.0) + 0.9 * (unif(r) + unif(r) + unif(r) - 1.5) * 1.4);
        if (oc == OC_OOM)
            x = 200 + 2500 * unif(r);
        if (x > tmo * 0.8)
            x = tmo * 0.8;
        dur = 1.0 + x;
    }
    dur = round2(dur);
    int64_t end = start + (int64_t)dur;

    /* START */
    st->start_lines++;
    if (fn->json) {
        if (p->xray)
            emit(e, "{\"time\":\"%s\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"%s\",\"version\":\"%s\","
                    "\"tracing\":{\"spanId\":\"%s\",\"type\":\"X-Amzn-Trace-Id\",\"value\":\"Root=%s;Parent=%s;Sampled=1\"}}}",
                 iso(start, t), id, p->version, seg, trace, seg);
        else
            emit(e, "{\"time\":\"%s\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"%s\",\"version\":\"%s\"}}",
                 iso(start, t), id, p->version);
    } else {
        emit(e, "START RequestId: %s Version: %s", id, p->version);
    }

    /* Application lines: the first one is always a timed line, so a REPORT
     * of a text stream always has an earlier timed line in its invocation. */
    int napp = (int)irange(r, 1, 6);
    double span = (oc == OC_TIMEOUT ? tmo * 0.5 : dur);
    for (int i = 0; i < napp; i++) {
        int64_t ts = start + (int64_t)(span * (i + 1) / (napp + 2));
        char msg[256];
        if (i == 0) {
            snprintf(msg, sizeof msg, "received event from %s (%ld records)",
                     chance(r, 0.5) ? "sqs" : "apigateway", irange(r, 1, 25));
            app_line(e, ts, id, "INFO", msg);
            continue;
        }
        double k = unif(r);
        if ((k -= P_THROTTLE) < 0) {
            throttle_line(e, ts, id);
        } else if ((k -= P_HANDLED) < 0) {
            handled_error_line(e, ts, id);
        } else if ((k -= e->emf_rate) < 0) {
            emf_line(e, ts, id);
        } else if ((k -= P_MULTI) < 0 && !fn->json && (p->rt == RT_NODE || p->rt == RT_PYTHON)) {
            multiline_line(e, ts, id);
        } else if ((k -= P_PLAIN) < 0 && !json_app(fn) && p->rt != RT_DOTNET) {
            plain_line(e);
        } else {
            info_message(r, fn, msg, sizeof msg);
            app_line(e, ts, id, chance(r, 0.1) ? "DEBUG" : chance(r, 0.1) ? "WARN" : "INFO", msg);
        }
    }

    /* Failure lines */
    const char *status = NULL, *etype = NULL;
    switch (oc) {
    case OC_OK:
        break;
    case OC_ERROR:
        st->errors++;
        uncaught_error(e, end, id);
        break;
    case OC_TIMEOUT:
        st->timeouts++;
        status = "timeout";
        if (!fn->json && !e->new_style)
            emit(e, "%s\t%s\tTask timed out after %d.00 seconds", iso(start + (int64_t)tmo, t), id, p->timeout_s);
        break;
    case OC_CRASH:
        st->crashes++;
        status = "error";
        etype = "Runtime.ExitError";
        if (p->rt == RT_NODE && chance(r, 0.5))
            unhandled_rejection(e, end, id);
        if (!fn->json && !e->new_style) {
            emit(e, "RequestId: %s Error: Runtime exited with error: %s", id,
                 chance(r, 0.5) ? "exit status 1" : "Runtime exited without providing a reason");
            emit(e, "Runtime.ExitError");
        }
        break;
    case OC_OOM:
        st->oom++;
        status = "error";
        etype = "Runtime.OutOfMemory";
        break;
    }

    /* Memory */
    if (oc == OC_OOM) {
        e->max_used_mb = p->memory_mb;
    } else {
        e->max_used_mb += (int)irange(r, 0, 2);
        if (e->max_used_mb > p->memory_mb * 9 / 10)
            e->max_used_mb = p->memory_mb * 9 / 10;
    }
    long billed = (long)ceil(dur + init_ms);

    /* END + REPORT */
    st->invocations++;
    st->duration_cs += llround(dur * 100);
    st->billed_ms += billed;
    st->init_cs += llround(init_ms * 100);
    st->report_lines++;
    if (fn->json) {
        char extra[512] = "", tr[256] = "";
        if (cold)
            snprintf(extra, sizeof extra, ",\"initDurationMs\":%.3f", init_ms);
        if (p->xray)
            snprintf(tr, sizeof tr, ",\"tracing\":{\"spanId\":\"%s\",\"type\":\"X-Amzn-Trace-Id\",\"value\":\"Root=%s;Parent=%s;Sampled=1\"}",
                     seg, trace, seg);
        char stat[128];
        if (etype)
            snprintf(stat, sizeof stat, "\"status\":\"%s\",\"errorType\":\"%s\"", status, etype);
        else
            snprintf(stat, sizeof stat, "\"status\":\"%s\"", status ? status : "success");
        emit(e, "{\"time\":\"%s\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"%s\",\"metrics\":{\"durationMs\":%.3f,"
                "\"billedDurationMs\":%ld,\"memorySizeMB\":%d,\"maxMemoryUsedMB\":%d%s}%s,%s}}",
             iso(end, t), id, dur, billed, p->memory_mb, e->max_used_mb, extra, tr, stat);
    } else {
        char rep[1024];
        size_t n = 0;
        emit(e, "END RequestId: %s", id);
        n += (size_t)snprintf(rep + n, sizeof rep - n,
                              "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %ld ms\tMemory Size: %d MB\tMax Memory Used: %d MB",
                              id, dur, billed, p->memory_mb, e->max_used_mb);
        if (cold)
            n += (size_t)snprintf(rep + n, sizeof rep - n, "\tInit Duration: %.2f ms", init_ms);
        if (p->xray)
            n += (size_t)snprintf(rep + n, sizeof rep - n, "\tXRAY TraceId: %s\tSegmentId: %s\tSampled: true", trace, seg);
        if (status && (e->new_style || oc == OC_OOM)) {
            n += (size_t)snprintf(rep + n, sizeof rep - n, "\tStatus: %s", status);
            if (etype)
                n += (size_t)snprintf(rep + n, sizeof rep - n, "\tError Type: %s", etype);
        }
        emit(e, "%s%s", rep, fn->trailing_tab ? "\t" : "");
    }

    e->busy_until = end + 1 + irange(r, 0, 3);
    e->last_used = end;
    e->remaining--;
    /* a timed-out, crashed or OOM-killed environment is not reused */
    if (oc == OC_TIMEOUT || oc == OC_CRASH || oc == OC_OOM)
        e->remaining = 0;
}

/* ---- one function ------------------------------------------------------ */

static void gen_function(const opts_t *o, fn_t *fn, long inv_target, long line_budget)
{
    rng_t *r = &fn->rng;
    char dir[4096];
    if ((size_t)snprintf(dir, sizeof dir, "%s/%s", o->out, fn->name) >= sizeof dir) {
        errno = ENAMETOOLONG;
        die("mkdir", o->out);
    }
    mkdir_p(dir);

    double window = o->hours * 3600000.0;
    double expected = inv_target > 0 ? (double)inv_target : (double)line_budget / 8.5;
    if (expected < 1)
        expected = 1;
    double gap = window / expected;
    int64_t t = o->start_ms + (int64_t)(unif(r) * gap);
    int burst = 0;

    for (;;) {
        if (inv_target > 0 ? fn->st.invocations >= inv_target : fn->st.lines >= line_budget)
            break;
        /* pick the most recently used idle environment, or open one */
        env_t *e = NULL;
        for (int i = 0; i < fn->nenvs; i++) {
            env_t *c = &fn->envs[i];
            if (c->busy_until <= t && (!e || c->last_used > e->last_used))
                e = c;
        }
        if (!e && fn->nenvs < MAX_ENVS) {
            e = &fn->envs[fn->nenvs++];
            env_open(o, fn, e, t);
        }
        if (!e) {   /* all busy: the invocation waits for the first free one */
            e = &fn->envs[0];
            for (int i = 1; i < fn->nenvs; i++)
                if (fn->envs[i].busy_until < e->busy_until)
                    e = &fn->envs[i];
            t = e->busy_until;
        }
        invocation(e, t);
        if (e->remaining <= 0) {
            env_close(e);
            *e = fn->envs[--fn->nenvs];
        }
        /* next arrival: Poisson, with occasional bursts of near-simultaneous
         * requests (so several environments run at once) */
        if (burst > 0) {
            burst--;
            t += irange(r, 0, 40);
        } else {
            if (chance(r, 0.03))
                burst = (int)irange(r, 2, 6);
            double u = unif(r);
            t += 1 + (int64_t)(-log(1.0 - u) * gap);
        }
    }
    for (int i = 0; i < fn->nenvs; i++)
        env_close(&fn->envs[i]);
    fn->nenvs = 0;
}

/* ---- --bad-input ------------------------------------------------------- */

typedef struct bad_truth {
    long long_lines, invalid_utf8_lines, nul_lines, crlf_lines, no_newline, empty_lines;
    char hex_utf8[3][256];
    char hex_nul_raw[128], hex_nul_message[160];
    char hex_crlf[3][256];
    char hex_last[128];
    char long_hex_at_984[40], long_hex_at_262128[40];
    long long_len;
} bad_truth_t;

static void to_hex(const unsigned char *p, size_t n, char *out)
{
    static const char d[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void gen_bad_input(const opts_t *o, fn_t *fn, bad_truth_t *bt)
{
    char dir[4096], t[32], id[37];
    rng_t *r = &fn->rng;
    snprintf(dir, sizeof dir, "%s/%s", o->out, fn->name);
    mkdir_p(dir);
    env_t e;
    int64_t now = o->start_ms + 1000;
    env_open(o, fn, &e, now);
    uuid(r, id);

    emit(&e, "INIT_START Runtime Version: %s\tRuntime Version ARN: %s", fn->p->runtime_version, fn->runtime_arn);
    emit(&e, "%s\tundefined\tINFO\tbad input test: init", iso(now + 50, t));
    emit(&e, "START RequestId: %s Version: $LATEST", id);
    emit(&e, "%s\t%s\tINFO\tbad input test: begin", iso(now + 200, t), id);

    /* 300 KiB line, ASCII, a position-dependent pattern */
    char *big = malloc(BAD_LONG_LINE);
    if (!big) {
        fprintf(stderr, "lambdagen: out of memory\n");
        exit(1);
    }
    static const char pat[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const char *head = "long line: ";
    memcpy(big, head, strlen(head));
    for (size_t i = strlen(head); i < BAD_LONG_LINE; i++)
        big[i] = pat[(i * 7 + i / 61) % (sizeof pat - 1)];
    put_raw(&e, big, BAD_LONG_LINE, "\n");
    bt->long_lines++;
    bt->long_len = BAD_LONG_LINE;
    to_hex((const unsigned char *)big + 984, 16, bt->long_hex_at_984);
    to_hex((const unsigned char *)big + 262128, 16, bt->long_hex_at_262128);
    free(big);

    put_raw(&e, "", 0, "\n");
    bt->empty_lines++;

    static const char *const bad_utf8[3] = {
        "invalid utf8 A: \xff\xfe end",
        "invalid utf8 B (overlong slash): \xc0\xaf end",
        "invalid utf8 C: truncated \xe2\x82 and surrogate \xed\xa0\x80 and lone \x80 end",
    };
    for (int i = 0; i < 3; i++) {
        put_raw(&e, bad_utf8[i], strlen(bad_utf8[i]), "\n");
        to_hex((const unsigned char *)bad_utf8[i], strlen(bad_utf8[i]), bt->hex_utf8[i]);
        bt->invalid_utf8_lines++;
    }

    static const char nul_line[] = "nul bytes: a\0b\0\0c end";
    size_t nl = sizeof nul_line - 1;
    put_raw(&e, nul_line, nl, "\n");
    bt->nul_lines++;
    to_hex((const unsigned char *)nul_line, nl, bt->hex_nul_raw);
    {
        unsigned char m[64];
        size_t k = 0;
        for (size_t i = 0; i < nl; i++) {
            if (nul_line[i] == '\0') {
                m[k++] = 0xE2;
                m[k++] = 0x90;
                m[k++] = 0x80;
            } else {
                m[k++] = (unsigned char)nul_line[i];
            }
        }
        to_hex(m, k, bt->hex_nul_message);
    }

    put_raw(&e, "", 0, "\n");
    put_raw(&e, "", 0, "\n");
    bt->empty_lines += 2;

    for (int i = 0; i < 3; i++) {
        char line[256];
        int n = snprintf(line, sizeof line, "%s\t%s\tINFO\tcrlf line %d", iso(now + 300 + i, t), id, i + 1);
        put_raw(&e, line, (size_t)n, "\r\n");
        to_hex((const unsigned char *)line, (size_t)n, bt->hex_crlf[i]);
        bt->crlf_lines++;
    }

    emit(&e, "END RequestId: %s", id);
    emit(&e, "REPORT RequestId: %s\tDuration: 120.50 ms\tBilled Duration: 242 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 121.07 ms\t", id);
    fn->st.invocations++;
    fn->st.duration_cs += 12050;
    fn->st.billed_ms += 242;
    fn->st.init_cs += 12107;
    fn->st.cold_starts++;
    fn->st.report_lines++;
    fn->st.start_lines++;

    static const char last[] = "final line without newline";
    put_raw(&e, last, sizeof last - 1, "");
    bt->no_newline++;
    to_hex((const unsigned char *)last, sizeof last - 1, bt->hex_last);
    env_close(&e);
}

/* ---- truth ------------------------------------------------------------- */

static void add_stats(stats_t *a, const stats_t *b)
{
    a->lines += b->lines;
    a->empty_lines += b->empty_lines;
    a->bytes += b->bytes;
    a->files += b->files;
    a->streams += b->streams;
    a->invocations += b->invocations;
    a->cold_starts += b->cold_starts;
    a->errors += b->errors;
    a->timeouts += b->timeouts;
    a->crashes += b->crashes;
    a->oom += b->oom;
    a->throttle_lines += b->throttle_lines;
    a->report_lines += b->report_lines;
    a->start_lines += b->start_lines;
    a->handled_error_lines += b->handled_error_lines;
    a->duration_cs += b->duration_cs;
    a->billed_ms += b->billed_ms;
    a->init_cs += b->init_cs;
}

static void print_stats(FILE *f, const char *prefix, const stats_t *s)
{
    fprintf(f, "%s.invocations=%ld\n", prefix, s->invocations);
    fprintf(f, "%s.cold_starts=%ld\n", prefix, s->cold_starts);
    fprintf(f, "%s.errors=%ld\n", prefix, s->errors);
    fprintf(f, "%s.timeouts=%ld\n", prefix, s->timeouts);
    fprintf(f, "%s.crashes=%ld\n", prefix, s->crashes);
    fprintf(f, "%s.oom=%ld\n", prefix, s->oom);
    fprintf(f, "%s.throttle_lines=%ld\n", prefix, s->throttle_lines);
    fprintf(f, "%s.handled_error_lines=%ld\n", prefix, s->handled_error_lines);
    fprintf(f, "%s.report_lines=%ld\n", prefix, s->report_lines);
    fprintf(f, "%s.start_lines=%ld\n", prefix, s->start_lines);
    fprintf(f, "%s.lines=%ld\n", prefix, s->lines);
    fprintf(f, "%s.empty_lines=%ld\n", prefix, s->empty_lines);
    fprintf(f, "%s.nonempty_lines=%ld\n", prefix, s->lines - s->empty_lines);
    fprintf(f, "%s.bytes=%ld\n", prefix, s->bytes);
    fprintf(f, "%s.streams=%ld\n", prefix, s->streams);
    fprintf(f, "%s.duration_sum=%lld.%02lld\n", prefix, s->duration_cs / 100, s->duration_cs % 100);
    fprintf(f, "%s.billed_sum=%lld\n", prefix, s->billed_ms);
    fprintf(f, "%s.init_sum=%lld.%02lld\n", prefix, s->init_cs / 100, s->init_cs % 100);
}

static void write_truth(const opts_t *o, fn_t *fns, int nfns, const bad_truth_t *bt)
{
    FILE *f = strcmp(o->truth, "-") == 0 ? stdout : fopen(o->truth, "w");
    if (!f)
        die("open", o->truth);
    stats_t tot;
    memset(&tot, 0, sizeof tot);
    for (int i = 0; i < nfns; i++)
        add_stats(&tot, &fns[i].st);
    fprintf(f, "# lambdagen ground truth (seed %llu)\n", (unsigned long long)o->seed);
    fprintf(f, "lines=%ld\nempty_lines=%ld\nnonempty_lines=%ld\nbytes=%ld\nfiles=%ld\n",
            tot.lines, tot.empty_lines, tot.lines - tot.empty_lines, tot.bytes, tot.files);
    fprintf(f, "functions=");
    for (int i = 0; i < nfns; i++)
        fprintf(f, "%s%s", i ? " " : "", fns[i].name);
    fprintf(f, "\n");
    for (int i = 0; i < nfns; i++) {
        char prefix[96];
        snprintf(prefix, sizeof prefix, "fn.%s", fns[i].name);
        fprintf(f, "%s.runtime=%s\n", prefix, RUNTIME_NAMES[fns[i].p->rt]);
        fprintf(f, "%s.format=%s\n", prefix, fns[i].json ? "json" : "text");
        fprintf(f, "%s.memory_mb=%d\n", prefix, fns[i].p->memory_mb);
        fprintf(f, "%s.version=%s\n", prefix, fns[i].p->version);
        fprintf(f, "%s.runtime_version=%s\n", prefix, fns[i].p->runtime_version);
        fprintf(f, "%s.xray=%d\n", prefix, fns[i].p->xray);
        print_stats(f, prefix, &fns[i].st);
    }
    print_stats(f, "total", &tot);
    if (o->bad_input) {
        fprintf(f, "bad.long_lines=%ld\nbad.long_line_bytes=%ld\n", bt->long_lines, bt->long_len);
        fprintf(f, "bad.long_line_hex_at_984=%s\nbad.long_line_hex_at_262128=%s\n",
                bt->long_hex_at_984, bt->long_hex_at_262128);
        fprintf(f, "bad.invalid_utf8_lines=%ld\n", bt->invalid_utf8_lines);
        for (int i = 0; i < 3; i++)
            fprintf(f, "bad.invalid_utf8_hex.%d=%s\n", i + 1, bt->hex_utf8[i]);
        fprintf(f, "bad.nul_lines=%ld\nbad.nul_raw_hex=%s\nbad.nul_message_hex=%s\n",
                bt->nul_lines, bt->hex_nul_raw, bt->hex_nul_message);
        fprintf(f, "bad.crlf_lines=%ld\n", bt->crlf_lines);
        for (int i = 0; i < 3; i++)
            fprintf(f, "bad.crlf_hex.%d=%s\n", i + 1, bt->hex_crlf[i]);
        fprintf(f, "bad.empty_lines=%ld\n", bt->empty_lines);
        fprintf(f, "bad.no_newline=%ld\nbad.last_line_hex=%s\n", bt->no_newline, bt->hex_last);
    }
    if (f != stdout && fclose(f) != 0)
        die("write", o->truth);
}

/* ---- main -------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lambdagen --out DIR [--functions N] [--invocations N | --lines N] [--seed S]\n"
            "                 [--format text|json|mixed] [--start 2026-11-01T00:00:00Z] [--hours H]\n"
            "                 [--emf-rate R] [--bad-input] [--truth FILE|-]\n"
            "Writes DIR/<function>/<stream>.log Lambda logs; --invocations is per function,\n"
            "--lines targets the total physical line count. --truth writes key=value ground truth.\n"
            "--emf-rate: share of an invocation's later app lines that are EMF documents (0.12).\n");
}

static long num_arg(const char *s, const char *opt)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 0) {
        fprintf(stderr, "lambdagen: %s: not a non-negative number: %s\n", opt, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    opts_t o = { .functions = 4, .invocations = 100, .seed = 1, .format = 2, .hours = 3.0,
                 .emf_rate = P_EMF };
    parse_iso("2026-11-01T00:00:00Z", &o.start_ms);
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },
        { "functions", required_argument, NULL, 'f' },
        { "invocations", required_argument, NULL, 'i' },
        { "lines", required_argument, NULL, 'l' },
        { "seed", required_argument, NULL, 's' },
        { "format", required_argument, NULL, 'F' },
        { "start", required_argument, NULL, 'S' },
        { "hours", required_argument, NULL, 'H' },
        { "bad-input", no_argument, NULL, 'b' },
        { "emf-rate", required_argument, NULL, 'E' },
        { "truth", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "o:f:i:l:s:F:S:H:E:bt:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o.out = optarg; break;
        case 'f': o.functions = (int)num_arg(optarg, "--functions"); break;
        case 'i': o.invocations = num_arg(optarg, "--invocations"); break;
        case 'l': o.lines = num_arg(optarg, "--lines"); break;
        case 's': o.seed = (uint64_t)num_arg(optarg, "--seed"); break;
        case 'F':
            if (strcmp(optarg, "text") == 0)
                o.format = 0;
            else if (strcmp(optarg, "json") == 0)
                o.format = 1;
            else if (strcmp(optarg, "mixed") == 0)
                o.format = 2;
            else {
                fprintf(stderr, "lambdagen: --format: text, json or mixed, not %s\n", optarg);
                return 2;
            }
            break;
        case 'S':
            if (parse_iso(optarg, &o.start_ms) != 0) {
                fprintf(stderr, "lambdagen: --start: not an ISO 8601 time: %s\n", optarg);
                return 2;
            }
            break;
        case 'H':
            o.hours = atof(optarg);
            if (!(o.hours > 0)) {
                fprintf(stderr, "lambdagen: --hours: must be > 0\n");
                return 2;
            }
            break;
        case 'b': o.bad_input = 1; break;
        case 'E':
            o.emf_rate = atof(optarg);
            if (!(o.emf_rate >= 0 && o.emf_rate <= 0.8)) {
                fprintf(stderr, "lambdagen: --emf-rate: from 0 to 0.8\n");
                return 2;
            }
            break;
        case 't': o.truth = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.out || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (o.functions > 10000) {
        fprintf(stderr, "lambdagen: --functions: at most 10000\n");
        return 2;
    }
    mkdir_p(o.out);

    int nfns = o.functions + (o.bad_input ? 1 : 0);
    fn_t *fns = calloc((size_t)(nfns ? nfns : 1), sizeof *fns);
    if (!fns) {
        fprintf(stderr, "lambdagen: out of memory\n");
        return 1;
    }
    for (int i = 0; i < o.functions; i++) {
        fn_t *fn = &fns[i];
        fn->p = &PROTOS[i % NPROTOS];
        if (i < NPROTOS)
            snprintf(fn->name, sizeof fn->name, "%s", fn->p->name);
        else
            snprintf(fn->name, sizeof fn->name, "%s-%d", fn->p->name, i / NPROTOS + 1);
        fn->json = o.format == 1 || (o.format == 2 && fn->p->json_when_mixed);
        fn->trailing_tab = i % 2 == 0;
        rng_seed(&fn->rng, o.seed, (uint64_t)i + 1);
        char h[65];
        hex(&fn->rng, h, 64);
        snprintf(fn->runtime_arn, sizeof fn->runtime_arn, "arn:aws:lambda:eu-west-1::runtime:%s", h);
    }
    for (int i = 0; i < o.functions; i++) {
        long budget = 0;
        if (o.lines > 0)
            budget = o.lines / o.functions + (i < o.lines % o.functions ? 1 : 0);
        gen_function(&o, &fns[i], o.lines > 0 ? 0 : o.invocations, budget);
    }

    bad_truth_t bt;
    memset(&bt, 0, sizeof bt);
    if (o.bad_input) {
        fn_t *fn = &fns[o.functions];
        static const proto_t bad_proto = { "badinput", RT_NODE, 0, 128, 3, 0, "$LATEST", "nodejs:20.v33" };
        fn->p = &bad_proto;
        snprintf(fn->name, sizeof fn->name, "badinput");
        rng_seed(&fn->rng, o.seed, 0);
        snprintf(fn->runtime_arn, sizeof fn->runtime_arn, "arn:aws:lambda:eu-west-1::runtime:%064d", 0);
        gen_bad_input(&o, fn, &bt);
    }
    if (o.truth)
        write_truth(&o, fns, nfns, &bt);
    free(fns);
    return 0;
}
