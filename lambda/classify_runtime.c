/* lambda/classify_runtime.c — application lines with a runtime prefix:
 *   Node.js / .NET   <ISO>\t<reqid|undefined>\t<LEVEL>\t<message>
 *   old timeout      <ISO>\t<reqid>\tTask timed out after 3.00 seconds
 *   Python logging   [LEVEL]\t<ISO>\t<reqid>\t<message>
 *   Python uncaught  [ERROR] Type: message
 *   Java             [LEVEL] message
 *   Java log4j2      yyyy-MM-dd HH:mm:ss <reqid> <LEVEL padded> message
 *   Go stdlib log    YYYY/MM/DD HH:MM:SS message
 *   timeout          <ISO> <reqid> Task timed out after 3.00 seconds
 *   Ruby Logger      I, [<ISO> #pid]  INFO <reqid> -- : message
 *   an extension     [Name] YYYY/MM/DD HH:MM:SS LEVEL message
 *   Java log4j2      <reqid> <LEVEL> message  (AWS's pattern without its date)
 * plus the embedded JSON object after the prefix and the uncaught-error
 * rules per runtime. Never allocates except through cJSON for a '{'. */
#include "lambda/classify.h"
#include "lambda/classify_int.h"
#include "common/isotime.h"

#include <cjson/cJSON.h>
#include <string.h>


typedef struct word {
    const char *text;
    size_t len;
} word_t;

#define W(s) { s, sizeof(s) - 1 }
static const word_t NODE_LEVELS[] = {
    W("TRACE"), W("DEBUG"), W("INFO"), W("WARN"), W("ERROR"), W("FATAL"), { NULL, 0 },
};
static const word_t DOTNET_LEVELS[] = {
    W("trce"), W("dbug"), W("info"), W("warn"), W("fail"), W("crit"), { NULL, 0 },
};
static const word_t BRACKET_LEVELS[] = { /* Python logging and Java */
    W("TRACE"), W("DEBUG"), W("INFO"), W("WARN"), W("WARNING"), W("ERROR"),
    W("CRITICAL"), W("FATAL"), { NULL, 0 },
};
#undef W

/* Is p[0..n) one of the words of a NULL-terminated list? */
static int word_in(const char *p, size_t n, const word_t *list)
{
    for (; list->text; list++)
        if (list->len == n && memcmp(p, list->text, n) == 0)
            return 1;
    return 0;
}

static size_t find(const char *p, size_t n, size_t i, char c)
{
    const char *q = i < n ? memchr(p + i, c, n - i) : NULL;
    return q ? (size_t)(q - p) : n;
}

static obs_span_t sub(const char *p, size_t from, size_t to)
{
    return to > from ? obs_span(p + from, to - from) : obs_span(NULL, 0);
}

/* Is p[0..n) a UUID (8-4-4-4-12 hex digits)? With loose set, letters
 * other than hex digits are let through too: AWS's documentation writes
 * request ids with "xmpl" in them ("8f507cfc-xmpl-4697-..."). */
static int uuid_shape(const char *p, size_t n, int loose)
{
    if (n != 36)
        return 0;
    for (size_t k = 0; k < n; k++) {
        int dash = k == 8 || k == 13 || k == 18 || k == 23;
        char c = p[k];
        int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        int alnum = cl_is_ident(c) && c != '_';
        if (dash ? c != '-' : !(hex || (loose && alnum)))
            return 0;
    }
    return 1;
}

static int uuid(const char *p, size_t n)
{
    return uuid_shape(p, n, 0);
}

/* The end of a run of spaces and TABs from p[i]. */
static size_t blanks(const char *p, size_t n, size_t i)
{
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return i;
}

/* "Task timed out after N seconds" at p[i]: the line is a timeout, its
 * body that text. 0 when it is not there. */
static int timeout_at(const char *p, size_t n, size_t i, lambda_line_t *out)
{
    static const char head[] = "Task timed out after ";
    if (!cl_has_prefix(p + i, n - i, head, sizeof head - 1))
        return 0;
    out->kind = LK_TIMEOUT;
    out->outcome = LO_TIMEOUT;
    out->body = sub(p, i, n);
    i += sizeof head - 1;
    out->timeout_s = classify__number(p + i, n - i, NULL);
    return 1;
}

static void set_level(lambda_line_t *out, obs_span_t text)
{
    out->level_text = text;
    out->level = classify__level(text.p, text.len);
}

/* A request id as written in a prefix; Node's "undefined" (Init phase) and
 * an empty field mean none. */
static obs_span_t request_id(obs_span_t s)
{
    if (s.len == 0 || cl_span_is(s, LIT("undefined")))
        return obs_span(NULL, 0);
    return s;
}

/* "Name.Space.Type" of identifier characters and dots, ending at p[*end]. */
static int dotted_name(const char *p, size_t n, size_t *end)
{
    size_t i = 0;
    while (i < n && (cl_is_ident(p[i]) || (p[i] == '.' && i > 0 && p[i - 1] != '.')))
        i++;
    if (i == 0 || p[i - 1] == '.')
        return 0;
    *end = i;
    return 1;
}

static const char *json_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Common tail of every app line: the embedded JSON object in the body. */
static void app_line(lambda_line_t *out)
{
    out->kind = LK_APP;
    classify__embedded_json(out->body.p, out->body.len, out);
}

/* Node "Invoke Error \t{...}" & co., .NET "fail\tSystem.Exception: ...". */
static void uncaught_text(lambda_line_t *out)
{
    const char *b = out->body.p;
    size_t n = out->body.len;
    if (cl_span_is(out->level_text, LIT("ERROR")) &&
        (cl_has_prefix(b, n, LIT("Invoke Error")) ||
         cl_has_prefix(b, n, LIT("Uncaught Exception")) ||
         cl_has_prefix(b, n, LIT("Unhandled Promise Rejection")))) {
        out->outcome = LO_ERROR;
        const char *t = json_string(out->tree, "errorType");
        if (t)
            out->error_type = obs_span(t, strlen(t));
        return;
    }
    size_t e;
    if ((cl_span_is(out->level_text, LIT("fail")) || cl_span_is(out->level_text, LIT("crit"))) &&
        dotted_name(b, n, &e) && e < n && b[e] == ':' && e >= 9 &&
        memcmp(b + e - 9, "Exception", 9) == 0) {
        out->outcome = LO_ERROR;
        out->error_type = obs_span(b, e);
    }
}

/* <ISO>\t<reqid>\t<LEVEL>\t<message>, <ISO>\t<reqid>\tTask timed out ...,
 * and the level-less <ISO>\t<reqid>\t<message> of old Node runtimes. */
static int tab_line(const char *p, size_t n, size_t i, int64_t ts, lambda_line_t *out)
{
    size_t e = find(p, n, i, '\t');
    if (e >= n || e == i || e - i > 128 || memchr(p + i, ' ', e - i))
        return 0;
    out->has_ts = 1;
    out->ts_ms = ts;
    out->request_id = request_id(sub(p, i, e));
    i = e + 1;
    if (timeout_at(p, n, i, out))
        return 1;
    e = find(p, n, i, '\t');
    if (e > i && (word_in(p + i, e - i, NODE_LEVELS) || word_in(p + i, e - i, DOTNET_LEVELS))) {
        set_level(out, sub(p, i, e));
        i = e < n ? e + 1 : n;
    }
    out->body = obs_span(p + i, n - i);
    app_line(out);
    uncaught_text(out);
    return 1;
}

/* The rest of "[LEVEL]<blanks><time><blanks>[<reqid><blanks>]<message>"
 * from p[i] (a blank): Python's prefix where a tool turned its TABs into
 * runs of spaces (`sam local`, `sam logs`, a terminal copy), and loggers
 * that write "[LEVEL] <time> <message>" (aws-lambda-cpp). The request id
 * is taken only when it has a request id's shape. */
static int spaced_bracket_rest(const char *p, size_t n, size_t i, lambda_line_t *out)
{
    int64_t ts;
    size_t used, j = blanks(p, n, i);
    if (j == i || j >= n || isotime_parse(p + j, n - j, &ts, &used) != 0 || j + used >= n ||
        (p[j + used] != ' ' && p[j + used] != '\t'))
        return 0;
    out->has_ts = 1;
    out->ts_ms = ts;
    j = blanks(p, n, j + used);
    size_t e = j;
    while (e < n && p[e] != ' ' && p[e] != '\t')
        e++;
    if (uuid_shape(p + j, e - j, 1)) {
        out->request_id = sub(p, j, e);
        j = blanks(p, n, e);
    }
    out->body = obs_span(p + j, n - j);
    app_line(out);
    return 1;
}

/* [LEVEL]\t<ISO>\t<reqid>\t<message> | [ERROR] Type: message | [LEVEL] message */
static int bracket_line(const char *p, size_t n, lambda_line_t *out)
{
    size_t e = find(p, n, 1, ']');
    if (e >= n || e > 12 || !word_in(p + 1, e - 1, BRACKET_LEVELS))
        return 0;
    size_t i = e + 1;
    if (i < n && p[i] != '\t' && p[i] != ' ')
        return 0;
    set_level(out, sub(p, 1, e));
    if (i < n && p[i] == '\t') {
        int64_t ts;
        size_t used;
        i++;
        if (isotime_parse(p + i, n - i, &ts, &used) == 0 && i + used < n && p[i + used] == '\t') {
            out->has_ts = 1;
            out->ts_ms = ts;
            i += used + 1;
            e = find(p, n, i, '\t');
            if (e < n && !memchr(p + i, ' ', e - i)) {
                out->request_id = request_id(sub(p, i, e));
                i = e + 1;
            }
        }
        out->body = obs_span(p + i, n - i);
        app_line(out);
        return 1;
    }
    if (spaced_bracket_rest(p, n, i, out))
        return 1;
    i = i < n ? i + 1 : n;
    out->body = obs_span(p + i, n - i);
    app_line(out);
    if (out->level == LL_ERROR && dotted_name(p + i, n - i, &e) && i + e + 1 < n &&
        p[i + e] == ':' && p[i + e + 1] == ' ') {
        out->outcome = LO_ERROR;
        out->error_type = obs_span(p + i, e);
    }
    return 1;
}

/* yyyy-MM-dd HH:mm:ss[,SSS] <reqid> <LEVEL padded> message */
static int log4j_line(const char *p, size_t n, size_t i, int64_t ts, lambda_line_t *out)
{
    obs_span_t id = obs_span(NULL, 0), level;
    size_t e = find(p, n, i, ' ');
    if (word_in(p + i, e - i, NODE_LEVELS)) {
        level = sub(p, i, e);
    } else {
        id = sub(p, i, e);
        while (e < n && p[e] == ' ')
            e++;
        i = e;
        e = find(p, n, i, ' ');
        if (!word_in(p + i, e - i, NODE_LEVELS))
            return 0;
        level = sub(p, i, e);
    }
    while (e < n && p[e] == ' ')
        e++;
    out->has_ts = 1;
    out->ts_ms = ts;
    out->request_id = request_id(id);
    set_level(out, level);
    out->body = obs_span(p + e, n - e);
    app_line(out);
    return 1;
}

/* YYYY/MM/DD HH:MM:SS message — Go's log package (UTC, no request id). */
static int go_line(const char *p, size_t n, size_t i, int64_t ts, lambda_line_t *out)
{
    out->has_ts = 1;
    out->ts_ms = ts;
    out->body = obs_span(p + i, n - i);
    app_line(out);
    const char *t = json_string(out->tree, "errorType");
    if (t && json_string(out->tree, "errorMessage")) {
        out->outcome = LO_ERROR;
        out->error_type = obs_span(t, strlen(t));
    }
    return 1;
}

/* After "<ISO time>" and a blank, a runtime prefix whose TABs a tool
 * turned into runs of spaces (`sam logs`, `sam local`, a terminal copy):
 *   <time>  <reqid>  <LEVEL>  <message>      Node.js, .NET (info, fail, ...)
 *   <time>  Task timed out after N seconds  (no request id: the timeout
 *                                            of a request Lambda did not name)
 *   <time> <LEVEL> <message>                 a logger's own time and level
 *                                            (Spring Boot, logback, log4j)
 * The request id is taken only when it has a request id's shape, so an
 * ordinary "<time> word LEVEL ..." line is not read as one. */
static int spaced_line(const char *p, size_t n, size_t i, int64_t ts, lambda_line_t *out)
{
    i = blanks(p, n, i);
    if (timeout_at(p, n, i, out)) {
        out->has_ts = 1;
        out->ts_ms = ts;
        return 1;
    }
    size_t e = i;
    while (e < n && p[e] != ' ' && p[e] != '\t')
        e++;
    obs_span_t id = obs_span(NULL, 0);
    if (word_in(p + i, e - i, NODE_LEVELS) && e < n) {
        set_level(out, sub(p, i, e));
    } else if (uuid_shape(p + i, e - i, 1) || cl_has_prefix(p + i, e - i, LIT("undefined"))) {
        id = sub(p, i, e);
        i = blanks(p, n, e);
        e = i;
        while (e < n && p[e] != ' ' && p[e] != '\t')
            e++;
        if (!word_in(p + i, e - i, NODE_LEVELS) && !word_in(p + i, e - i, DOTNET_LEVELS))
            return 0;
        set_level(out, sub(p, i, e));
    } else {
        return 0;
    }
    out->has_ts = 1;
    out->ts_ms = ts;
    out->request_id = request_id(id);
    i = blanks(p, n, e);
    out->body = obs_span(p + i, n - i);
    app_line(out);
    uncaught_text(out);
    return 1;
}

/* "<rid> Task timed out after N seconds" after the time and a space: the
 * timeout line as Lambda writes it since about 2021 (space separated;
 * tab_line has the TAB-separated form of older runtimes). */
static int space_timeout_line(const char *p, size_t n, size_t i, int64_t ts, lambda_line_t *out)
{
    size_t e = find(p, n, i, ' ');
    if (e >= n || e == i || e - i > 128 || memchr(p + i, '\t', e - i) || !timeout_at(p, n, e + 1, out))
        return 0;
    out->has_ts = 1;
    out->ts_ms = ts;
    out->request_id = request_id(sub(p, i, e));
    return 1;
}

/* Ruby's Logger, as the Lambda Ruby runtime's logger writes it:
 *   I, [2019-10-26T10:04:01.689856 #8]  INFO <reqid> -- : message
 * (severity letter, local time — UTC in Lambda — and pid; the level padded
 * to 5; the request id as the program name's place holds it). */
static int ruby_line(const char *p, size_t n, lambda_line_t *out)
{
    int64_t ts;
    size_t used, i = 4;
    if (n <= i || p[2] != ' ' || p[3] != '[' || isotime_parse(p + i, n - i, &ts, &used) != 0)
        return 0;
    i += used;
    size_t close = find(p, n, i, ']');
    if (close >= n || close - i > 16)
        return 0;
    i = close + 1;
    while (i < n && p[i] == ' ')
        i++;
    size_t e = find(p, n, i, ' ');
    if (classify__level(p + i, e - i) == LL_NONE && !cl_has_prefix(p + i, e - i, LIT("ANY")))
        return 0;
    set_level(out, sub(p, i, e));
    out->has_ts = 1;
    out->ts_ms = ts;
    i = e;
    while (i < n && p[i] == ' ')
        i++;
    const char *dashes = memmem(p + i, n - i, " -- ", 4);
    size_t d = dashes ? (size_t)(dashes - p) : n;
    if (d > i && !memchr(p + i, ' ', d - i))
        out->request_id = request_id(sub(p, i, d));
    /* the message follows "<progname>: " after the dashes */
    if (dashes) {
        const char *colon = memchr(dashes + 4, ':', (size_t)(p + n - dashes - 4));
        i = colon ? (size_t)(colon - p) + 1 : d + 4;
        if (i < n && p[i] == ' ')
            i++;
    }
    out->body = obs_span(p + i, n - i);
    app_line(out);
    return 1;
}

/* An extension's own line, "[Name] <time> [LEVEL] message", the time in
 * Go's log form or ISO 8601: the AWS Parameters and Secrets extension
 * ("[AWS Parameters and Secrets Lambda Extension] 2024/06/26 02:34:50 INFO
 * Serving on port 2773"), the AppConfig agent ("[appconfig agent] ...").
 * The name may hold spaces; the time must follow the ']' at once. */
static int extension_line(const char *p, size_t n, lambda_line_t *out)
{
    size_t close = find(p, n, 1, ']');
    if (close >= n || close > 80 || close + 2 >= n || p[close + 1] != ' ')
        return 0;
    int64_t ts;
    size_t used, i = close + 2;
    if (isotime_parse(p + i, n - i, &ts, &used) != 0 || i + used >= n || p[i + used] != ' ')
        return 0;
    out->has_ts = 1;
    out->ts_ms = ts;
    i += used + 1;
    size_t e = find(p, n, i, ' ');
    if (classify__level(p + i, e - i) != LL_NONE) {
        set_level(out, sub(p, i, e));
        i = e < n ? e + 1 : n;
    }
    out->body = obs_span(p + i, n - i);
    app_line(out);
    return 1;
}

int classify__id_line(const char *p, size_t n, lambda_line_t *out)
{
    size_t e = find(p, n, 0, ' ');
    if (e >= n || !uuid(p, e))
        return 0;
    size_t i = e + 1, l = find(p, n, i, ' ');
    if (!word_in(p + i, l - i, NODE_LEVELS) || l >= n)
        return 0;
    out->request_id = sub(p, 0, e);
    set_level(out, sub(p, i, l));
    while (l < n && p[l] == ' ')
        l++;
    out->body = obs_span(p + l, n - l);
    app_line(out);
    return 1;
}

/* " (+11:00)\t" after a time: the zone `serverless logs` (the Serverless
 * Framework) prints after the local time it writes for Lambda's own
 * ("2019-03-11 17:16:59.974 (+11:00)\t<reqid>\t..."). Returns where what
 * follows the TAB starts, with *ts moved to UTC; 0 when it is not there. */
static size_t sls_zone(const char *p, size_t n, size_t i, int64_t *ts)
{
    if (i + 10 > n || p[i] != ' ' || p[i + 1] != '(' || (p[i + 2] != '+' && p[i + 2] != '-') ||
        p[i + 5] != ':' || p[i + 8] != ')' || p[i + 9] != '\t')
        return 0;
    const char *z = p + i + 3;
    for (int k = 0; k < 5; k++)
        if (k != 2 && (z[k] < '0' || z[k] > '9'))
            return 0;
    int minutes = ((z[0] - '0') * 10 + (z[1] - '0')) * 60 + (z[3] - '0') * 10 + (z[4] - '0');
    if (minutes > 18 * 60)
        return 0;
    *ts -= (int64_t)(p[i + 2] == '+' ? minutes : -minutes) * 60000;
    return i + 10;
}

int classify__runtime(const char *line, size_t len, lambda_line_t *out)
{
    if (line[0] == '[')
        return bracket_line(line, len, out) || extension_line(line, len, out);
    if (len > 1 && line[1] == ',')
        return ruby_line(line, len, out);
    int64_t ts;
    size_t used;
    if (len < 19 || isotime_parse(line, len, &ts, &used) != 0 || used >= len)
        return 0;
    char dsep = line[4], tsep = line[10], next = line[used];
    if (dsep == '-' && next == '\t')
        return tab_line(line, len, used + 1, ts, out);
    size_t zoned = sls_zone(line, len, used, &ts);
    if (dsep == '-' && zoned)
        return tab_line(line, len, zoned, ts, out);
    if (next != ' ')
        return 0;
    if (dsep == '/')
        return go_line(line, len, used + 1, ts, out);
    if (tsep == ' ')
        return log4j_line(line, len, used + 1, ts, out);
    return space_timeout_line(line, len, used + 1, ts, out) || spaced_line(line, len, used + 1, ts, out);
}
