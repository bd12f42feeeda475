/* lambda/decode.c — the line wrappers (decode_line), the choice of an
 * input's format from its first lines (decode_sniff), and the formats'
 * names. Documents are decode_doc.c's. Each wrapper, as the tool prints it:
 *   sam logs    2023/06/02/[72]88ab...6a 2023-06-02T11:27:22.355000 START RequestId: ...
 *               (the time naive UTC, no zone: a zone makes the line no SAM line);
 *               with --include-traces, X-Ray blocks among them (sam_trace_head)
 *   console     2023-12-15T13:28:12.634+08:00<TAB>INIT_START Runtime Version: ...
 *               the console's table as text: 2022-10-04T12:23:01.593-04:00 | START RequestId: ...
 *               (later rows "  | <time> | <message>", the expand column's cell first)
 *               its expanded view: the time alone on a line, the message, "Copy" and the
 *               message again (decode_expanded.c)
 *   tail        2024-09-10T13:32:01.978Z START RequestId: ...  (S3 export lines, `aws logs
 *               tail --format short`), 2024-01-02T03:04:05.123000+00:00 2024/01/02/[$LATEST]ab... START ...
 *               (`aws logs tail`'s default, with the stream)
 *   docker      2024-01-02T03:04:05.123456789Z START RequestId: ...
 *   sam local   SAM's own lines among the emulator's: "Mounting /path/build/Fn as /var/task:ro,...",
 *               "Invoking app.handler (python3.12)"; the emulator's "(rapid)" lines;
 *               serverless-offline's summary of an invocation, "(λ: fn) RequestId: <id>  Duration:
 *               12.34 ms  Billed Duration: 13 ms" (its src/lambda/LambdaFunction.js)
 *   clock       17:39:45 REPORT RequestId: ...  (a viewer that prints the time of day before
 *               each event; sniffed only when a Lambda platform line follows it on some line)
 * All but sam local put their prefix before every event, so none is sniffed
 * in an input where one of Lambda's platform lines (START, END, REPORT,
 * INIT_*, RESTORE_*) stands bare at the start of a line.
 * The time a wrapper gives is CloudWatch's @timestamp of the event (a clock's
 * time of day has no date nor zone: it gives none). */
#include "lambda/decode_int.h"
#include "common/isotime.h"

#include <string.h>

void decode_state_init(decode_state_t *s, decode_format_t f)
{
    memset(s, 0, sizeof *s);
    s->format = f;
}

/* ---- the pieces of a wrapper -------------------------------------------- */

static int has(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && memcmp(p, lit, k) == 0;
}

static const char *find(const char *p, size_t n, char c)
{
    return n ? memchr(p, c, n) : NULL;
}

/* "YYYY-MM-DDTHH:MM:SS[.frac][zone]" at p: its length (its time in *ms), or
 * 0. Only the T form: a wrapper's time is never "YYYY-MM-DD HH:MM:SS". */
static size_t iso_t(const char *p, size_t n, int64_t *ms)
{
    size_t used;
    if (n < 19 || p[4] != '-' || (p[10] != 'T' && p[10] != 't') || isotime_parse(p, n, ms, &used) != 0)
        return 0;
    return used;
}

/* `sam logs`' time at p: Python's isoformat() of a naive UTC time
 * (samcli timestamp_to_iso), "YYYY-MM-DDTHH:MM:SS[.ffffff]" with no zone.
 * Its length (its time in *ms), or 0. A time with a zone after a first
 * word ("1.0 2026-11-01T00:00:00.000Z ..." of Route 53, an ALB's "http
 * <time>Z ...") is some other log's own fields, not SAM's wrapper. */
static size_t sam_time(const char *p, size_t n, int64_t *ms)
{
    size_t t = iso_t(p, n, ms);
    if (t < 19 || (t > 19 && (t == 20 || p[19] != '.')))
        return 0;
    for (size_t k = 20; k < t; k++)
        if (p[k] < '0' || p[k] > '9')
            return 0;
    return t;
}

/* A Lambda log stream name "YYYY/MM/DD/[version]...", exactly p[0..n);
 * a name before the bracket ("2024/03/05/fn[$LATEST]6e67...") is let
 * through too. */
static int lambda_stream(const char *p, size_t n)
{
    static const char shape[] = "dddd/dd/dd/";
    if (n <= sizeof shape || find(p, n, ' ') || find(p, n, '\t'))
        return 0;
    for (size_t k = 0; k < sizeof shape - 1; k++) {
        int ok = shape[k] == 'd' ? p[k] >= '0' && p[k] <= '9' : p[k] == shape[k];
        if (!ok)
            return 0;
    }
    const char *open = find(p + sizeof shape - 1, n - (sizeof shape - 1), '[');
    return open && find(open, (size_t)(p + n - open), ']') != NULL;
}

/* Lambda's own line that starts with a time and a space: the timeout line
 * "<ISO> <reqid> Task timed out after N seconds" (never a wrapper). */
static int lambda_timeout(const char *rest, size_t n)
{
    const char *sp = find(rest, n, ' ');
    return sp && sp > rest && (size_t)(sp - rest) <= 128 &&
           has(sp + 1, n - (size_t)(sp + 1 - rest), "Task timed out after ");
}

/* After "<ISO>\t": the rest of a Node.js / .NET runtime line
 * ("<reqid>\t<LEVEL>\t...", "<reqid>\tTask timed out ...", "undefined\t...")
 * rather than a console copy's message. */
static int runtime_rest(const char *rest, size_t n)
{
    const char *tab = find(rest, n, '\t');
    int64_t ms;
    return tab && tab > rest && (size_t)(tab - rest) <= 128 && rest[0] != '[' &&
           !find(rest, (size_t)(tab - rest), ' ') && !iso_t(rest, n, &ms);
}

/* After "<ISO> " and more blanks: a request id (8-4-4-4-12) and a blank —
 * a Node.js / .NET runtime line whose TABs a tool turned into runs of
 * spaces ("<time>        <reqid>  info    ..."), not a wrapper's time
 * (a wrapper puts one space before what it wraps). */
static int spaced_runtime_rest(const char *rest, size_t n)
{
    size_t i = 0;
    while (i < n && (rest[i] == ' ' || rest[i] == '\t'))
        i++;
    if (i == 0 || n - i <= 36 || (rest[i + 36] != ' ' && rest[i + 36] != '\t'))
        return 0;
    for (size_t k = 0; k < 36; k++) {
        char c = rest[i + k];
        int dash = k == 8 || k == 13 || k == 18 || k == 23;
        int alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (dash ? c != '-' : !alnum)
            return 0;
    }
    return 1;
}

static int digits(const char *p, size_t n, int max)
{
    return n >= 2 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
           (p[0] - '0') * 10 + (p[1] - '0') <= max;
}

/* A viewer's time of day at p, "HH:MM:SS[.frac]": its length, or 0. */
static size_t clock_time(const char *p, size_t n)
{
    if (n < 8 || !digits(p, n, 23) || p[2] != ':' || !digits(p + 3, n - 3, 59) || p[5] != ':' ||
        !digits(p + 6, n - 6, 60))
        return 0;
    size_t i = 8;
    if (i < n && (p[i] == '.' || p[i] == ',')) {
        size_t d = ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i;
}

static size_t blanks(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return i;
}

/* A time of day and the blanks after it: their length, or 0. */
static size_t clock_prefix(const char *p, size_t n)
{
    size_t t = clock_time(p, n), b = t ? blanks(p + t, n - t) : 0;
    return b ? t + b : 0;
}

/* Does a line of Lambda's platform start at p? What only Lambda writes
 * (START/END/REPORT RequestId:, INIT_*, RESTORE_*): after a time of day, the
 * evidence that the time is a viewer's, not an application's own. */
static int platform_head(const char *p, size_t n)
{
    static const char *const heads[] = { "START RequestId: ", "END RequestId: ", "REPORT RequestId: ",
                                         "INIT_START ", "INIT_REPORT ", "RESTORE_START ",
                                         "RESTORE_REPORT " };
    for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++)
        if (has(p, n, heads[k]))
            return 1;
    return 0;
}

static void record(decode_record_t *out, const char *msg, size_t n, int has_ts, int64_t ts)
{
    out->message = obs_span(msg, n);
    out->has_ts = has_ts;
    out->ts_ms = ts;
}

/* ---- one decoder per wrapper -------------------------------------------- */

/* `sam logs`: "<stream> <naive ISO time> <message>" */
static int sam_logs_line(const char *p, size_t n, decode_record_t *out)
{
    const char *sp = find(p, n, ' ');
    int64_t ms;
    if (!sp || sp == p || sp - p > 512 || find(p, (size_t)(sp - p), '\t') || iso_t(p, n, &ms))
        return 0;
    size_t i = (size_t)(sp - p) + 1, t = sam_time(p + i, n - i, &ms);
    if (!t || (i + t < n && p[i + t] != ' '))
        return 0;
    out->stream = obs_span(p, (size_t)(sp - p));
    i += t;
    i += i < n;
    record(out, p + i, n - i, 1, ms);
    return 1;
}

/* `sam logs --include-traces` prints X-Ray's data among the log events, no
 * prefix before it, each block after an empty line (samcli
 * xray_event_mappers.py, XRayTraceConsoleMapper and
 * XRayServiceGraphConsoleMapper):
 *     XRay Event [revision 3] at (2023-02-20T23:05:16.521000) with id (1-63f3...) and duration (2.877s)
 *      - 2.839s - sam-app/Prod [HTTP: 200]        a segment, 2 spaces more per level
 *     New XRay Service Graph
 *       Start time: ...   End time: ...   Reference Id: 0 - (Root) AWS::Lambda - ...
 *        Summary_statistics:  then "     - total requests: 1" ...
 * A block's head line: 1 (its lines after it, each led by a space, are SAM's
 * too), else 0. */
static int sam_trace_head(const char *p, size_t n)
{
    static const char graph[] = "New XRay Service Graph", event[] = "XRay Event ";
    if (n == sizeof graph - 1 && memcmp(p, graph, n) == 0)
        return 1;
    return has(p, n, event) && memmem(p, n, " at (", 5) && memmem(p, n, ") with id (", 11) &&
           memmem(p, n, ") and duration (", 16) && p[n - 1] == ')';
}

/* The console's log events table copied as text (or pasted into
 * Markdown): "<ISO time> | <message>", rows after the first often led by
 * the table's expand column ("  | <ISO time> | <message>"), a Markdown row
 * also closed by " |". Returns the time's length (0: not a row), with
 * *msg and *end the message's bounds. */
static size_t table_row(const char *p, size_t n, int64_t *ms, size_t *msg, size_t *end)
{
    size_t i = 0, lead = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i < n && p[i] == '|') {
        lead = 1;
        for (i++; i < n && p[i] == ' '; i++)
            ;
    } else {
        i = 0;
    }
    size_t t = iso_t(p + i, n - i, ms), k = i + t;
    if (!t)
        return 0;
    if (lead && has(p + k, n - k, "Copy")) {
        /* an expanded row: its time, the Copy button's label, the message,
         * then the message again in its own cell */
        size_t m = k + 4, len = n - m;
        if (len >= 3 && (len - 3) % 2 == 0 && memcmp(p + m + (len - 3) / 2, " | ", 3) == 0 &&
            memcmp(p + m, p + m + (len + 3) / 2, (len - 3) / 2) == 0)
            len = (len - 3) / 2;
        *msg = m;
        *end = m + len;
        return t;
    }
    while (k < n && p[k] == ' ')
        k++;
    if (k >= n || p[k] != '|' || k == i + t)
        return 0;
    k += 1 + (k + 1 < n && p[k + 1] == ' ');
    size_t e = n;
    if (lead && e >= k + 2 && p[e - 1] == '|' && p[e - 2] == ' ')
        for (e -= 2; e > k && p[e - 1] == ' '; e--)
            ;
    *msg = k;
    *end = e;
    return t;
}

/* a console copy: "<ISO time>\t<message>", a row of the console's table
 * (table_row), or a line of its expanded view (decode_expanded.c) */
static int console_line(decode_state_t *s, const char *p, size_t n, decode_record_t *out)
{
    switch (decode__expanded(s, p, n, out)) {
    case EXPANDED_OWN:
    case EXPANDED_COPY:
        return -1;
    case EXPANDED_RECORD:
        return 1;
    case EXPANDED_LINE:
        return 0;
    default:
        break;
    }
    int64_t ms;
    size_t msg, end, t = iso_t(p, n, &ms);
    if (t && t < n && p[t] == '\t') {
        record(out, p + t + 1, n - t - 1, 1, ms);
        return 1;
    }
    if (!table_row(p, n, &ms, &msg, &end))
        return 0;
    record(out, p + msg, end - msg, 1, ms);
    return 1;
}

/* `aws logs tail`, S3 export, `docker logs -t`: "<ISO time> [<stream> ]<message>" */
static int tail_line(const char *p, size_t n, decode_record_t *out)
{
    int64_t ms;
    size_t t = iso_t(p, n, &ms);
    if (!t || (t < n && p[t] != ' '))
        return 0;
    size_t i = t + (t < n);
    const char *sp = find(p + i, n - i, ' ');
    size_t e = sp ? (size_t)(sp - p) : n;
    if (lambda_stream(p + i, e - i)) {
        out->stream = obs_span(p + i, e - i);
        i = e + (e < n);
    }
    record(out, p + i, n - i, 1, ms);
    return 1;
}

/* a viewer's time of day: "<HH:MM:SS[.frac]> <message>". The blanks after
 * the time are the viewer's as many as it puts before a platform line of
 * Lambda's (learnt from one: 1 or 2 in the logs seen); more are the
 * message's own indentation, kept. No date and no zone: the record gets no
 * time (the pipeline's time rules give it one). */
static int clock_line(decode_state_t *s, const char *p, size_t n, decode_record_t *out)
{
    size_t t = clock_time(p, n), b = t ? blanks(p + t, n - t) : 0;
    if (!b)
        return 0;
    if (platform_head(p + t + b, n - t - b))
        s->clock_blanks = b;
    else if (s->clock_blanks && b > s->clock_blanks)
        b = s->clock_blanks;
    record(out, p + t + b, n - t - b, 0, 0);
    return 1;
}

/* serverless-offline: "(λ: <function>) <message>" */
static int offline_line(decode_state_t *s, const char *p, size_t n, decode_record_t *out)
{
    static const char lambda[] = "(\xCE\xBB: ";   /* "(λ: " in UTF-8 */
    if (!has(p, n, lambda))
        return 0;
    const char *fn = p + sizeof lambda - 1, *close = find(fn, (size_t)(p + n - fn), ')');
    if (!close || close == fn || (size_t)(close - fn) >= sizeof s->function)
        return 0;
    memcpy(s->function, fn, (size_t)(close - fn));
    s->function[close - fn] = '\0';
    s->emulated = 1;
    size_t i = (size_t)(close - p) + 1;
    i += i < n && p[i] == ' ';
    out->function = obs_span(s->function, strlen(s->function));
    out->message = obs_span(p + i, n - i);
    return 1;
}

/* `sam local`: SAM's own lines name the function the emulator runs next:
 * "Mounting <dir>/<Function> as /var/task:ro,delegated, inside runtime
 * container" (the function's build directory). The emulator's own lines
 * ("... [INFO] (rapid) ...") mark its output as emulated. */
static void sam_local_line(decode_state_t *s, const char *p, size_t n, decode_record_t *out)
{
    static const char mount[] = "Mounting ", var_task[] = " as /var/task";
    if (has(p, n, mount)) {
        const char *at = memmem(p, n, var_task, sizeof var_task - 1);
        if (at) {
            const char *dir = p + sizeof mount - 1, *end = at;
            while (end > dir && end[-1] == '/')
                end--;
            const char *slash = dir;
            for (const char *q = dir; q < end; q++)
                if (*q == '/')
                    slash = q + 1;
            size_t len = (size_t)(end - slash);
            if (len > 0 && len < sizeof s->function) {
                memcpy(s->function, slash, len);
                s->function[len] = '\0';
            }
            s->emulated = 1;
        }
    } else if (has(p, n, "Invoking ") || memmem(p, n, "(rapid)", 7)) {
        s->emulated = 1;
    }
    if (s->function[0])
        out->function = obs_span(s->function, strlen(s->function));
}

int decode_line(decode_state_t *s, const char *line, size_t len, decode_record_t *out)
{
    memset(out, 0, sizeof *out);
    record(out, line, len, 0, 0);
    switch (s->format) {
    case DECODE_SAM_LOGS:
        if (sam_logs_line(line, len, out)) {
            s->sam_trace = 0;
            return 1;
        }
        if (sam_trace_head(line, len))
            s->sam_trace = 1;
        else if (!s->sam_trace || !len || line[0] != ' ')
            return s->sam_trace = 0;
        return -1;
    case DECODE_CONSOLE:
        return console_line(s, line, len, out);
    case DECODE_TAIL:
    case DECODE_DOCKER:
        if (tail_line(line, len, out))
            return 1;
        record(out, line, len, 0, 0);
        return 0;
    case DECODE_SAM_LOCAL:
        if (offline_line(s, line, len, out))
            return 1;
        sam_local_line(s, line, len, out);
        return 0;
    case DECODE_CLOCK:
        return clock_line(s, line, len, out);
    default:
        return 0;
    }
}

int decode_prefix_per_event(decode_format_t f)
{
    return f == DECODE_SAM_LOGS || f == DECODE_TAIL || f == DECODE_CONSOLE || f == DECODE_CLOCK;
}

/* ---- choosing a format ---------------------------------------------------- */

/* What wrapper, if any, one line has the shape of. */
static decode_format_t line_shape(const char *p, size_t n)
{
    int64_t ms;
    decode_record_t r;
    size_t msg, end;
    if (table_row(p, n, &ms, &msg, &end))
        return DECODE_CONSOLE;
    size_t t = iso_t(p, n, &ms);
    if (t && t < n && p[t] == '\t')
        return runtime_rest(p + t + 1, n - t - 1) ? DECODE_LAMBDA : DECODE_CONSOLE;
    if (t && t < n && p[t] == ' ') {
        if (lambda_timeout(p + t + 1, n - t - 1) || spaced_runtime_rest(p + t + 1, n - t - 1))
            return DECODE_LAMBDA;
        /* docker's RFC 3339 with nanoseconds */
        return t == 30 && p[19] == '.' && p[29] == 'Z' ? DECODE_DOCKER : DECODE_TAIL;
    }
    memset(&r, 0, sizeof r);
    if (sam_logs_line(p, n, &r))
        return DECODE_SAM_LOGS;
    if ((has(p, n, "Mounting ") && memmem(p, n, " as /var/task", 13)) ||
        (has(p, n, "Invoking ") && n > 10 && p[n - 1] == ')') || has(p, n, "(\xCE\xBB: "))
        return DECODE_SAM_LOCAL;
    return DECODE_LAMBDA;
}

decode_format_t decode_sniff(const char *p, size_t n)
{
    if (n > DECODE_SNIFF_BYTES)
        n = DECODE_SNIFF_BYTES;
    size_t i = 0;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)   /* a UTF-8 byte order mark */
        i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    decode_format_t doc = decode__doc_sniff(p + i, n - i);
    if (doc != DECODE_AUTO)
        return doc;
    int count[DECODE__COUNT] = { 0 }, lines = 0, clocked = 0, clock_platform = 0, bare_platform = 0;
    decode_state_t expanded;   /* the console's expanded view: an event is a vote when its second copy comes */
    decode_state_init(&expanded, DECODE_CONSOLE);
    while (i < n && lines < 200) {
        const char *nl = find(p + i, n - i, '\n');
        size_t e = nl ? (size_t)(nl - p) : n, len = e - i;
        if (len && p[i + len - 1] == '\r')
            len--;
        decode_record_t r;
        decode_expanded_t x = decode__expanded(&expanded, p + i, len, &r);
        if (x != EXPANDED_NO) {
            count[DECODE_CONSOLE] += x == EXPANDED_COPY;
            lines += x == EXPANDED_COPY;
            i = e + 1;
            continue;
        }
        /* a line led by a blank or a closing bracket is no wrapper's first
         * line: a continuation (stack frames, the members of a pretty-printed
         * object), which does not vote; nor does the head of an X-Ray block
         * `sam logs --include-traces` printed */
        if (len && p[i] != ' ' && p[i] != '\t' && p[i] != '}' && p[i] != ']' && !sam_trace_head(p + i, len)) {
            count[line_shape(p + i, len)]++;
            lines++;
            bare_platform += platform_head(p + i, len);
            size_t c = clock_prefix(p + i, len);
            clocked += c > 0;
            clock_platform += c > 0 && platform_head(p + i + c, len - c);
        }
        i = e + 1;
    }
    if (count[DECODE_SAM_LOCAL])
        return DECODE_SAM_LOCAL;
    /* The other wrappers put their prefix before every event they print, and
     * each of Lambda's platform lines is an event of its own: one seen bare
     * (outside the console's expanded view) says there is no wrapper, and
     * the times before the other lines are the application's own ("<ISO>
     * raygun [raygun.ts] Client initialized" of a console's Function Logs). */
    if (bare_platform)
        return DECODE_LAMBDA;
    /* a time of day before at least half of the lines, and a platform line
     * of Lambda's after it on one: a viewer's (an application's own
     * "HH:MM:SS ..." lines are never followed by Lambda's START) */
    if (clock_platform && 2 * clocked >= lines)
        return DECODE_CLOCK;
    /* the wrapper most lines have, if it starts at least half of them
     * (continuation lines of multi-line events are printed without it) */
    static const decode_format_t wrappers[] = { DECODE_SAM_LOGS, DECODE_CONSOLE, DECODE_TAIL, DECODE_DOCKER };
    decode_format_t best = wrappers[0];
    for (size_t k = 1; k < sizeof wrappers / sizeof wrappers[0]; k++)
        if (count[wrappers[k]] > count[best])
            best = wrappers[k];
    return count[best] > 0 && 2 * count[best] >= lines ? best : DECODE_LAMBDA;
}
