/* tests/unit/query/pattern/test_pattern.c — the pattern engine
 * (query/pattern/): messages made from known templates, whose variable parts
 * are the kinds Lambda logs vary in (request ids, numbers, durations, ARNs,
 * hex ids, addresses, times, words from a pool), must each land in the
 * pattern of the template they were made from, one pattern per template;
 * the patterns' text, counts, order, severity and samples; tokens; the
 * counts of a diff; anomalies. */
#define CHECK_MAIN
#include "tests/unit/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/pattern/pattern.h"
#include "query/pattern/pattern_int.h"

static unsigned seed = 1;
static unsigned rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) & 0xffffff;
}
static int between(int lo, int hi)
{
    return lo + (int)(rnd() % (unsigned)(hi - lo + 1));
}
static void hex(char *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = "0123456789abcdef"[rnd() % 16];
    out[n] = '\0';
}
static void uuid(char out[37])
{
    char h[33];
    hex(h, 32);
    snprintf(out, 37, "%.8s-%.4s-4%.3s-a%.3s-%.12s", h, h + 8, h + 12, h + 15, h + 20);
}

static const char *const users[] = { "alice", "bob", "carol", "dave", "erin", "frank", "grace" };
static const char *const fields_[] = { "id", "name", "email", "total", "items", "address" };
static const char *const jobs[] = { "nightly-export", "reindex", "thumbnails", "billing-run", "cleanup", "audit" };

/* Template i's message number k into out; what its pattern must read. */
static const char *make(int t, int k, char *out, size_t size)
{
    char id[37], h[17];
    uuid(id);
    hex(h, 16);
    switch (t) {
    case 0:
        snprintf(out, size, "user %s logged in from 10.%d.%d.%d", users[k % 7], between(0, 255), between(0, 255), between(1, 254));
        return "user <Token-1> logged in from <IP-2>";
    case 1:
        snprintf(out, size, "user %s logged out after %d ms", users[(k * 3) % 7], between(1, 90000));
        return "user <Token-1> logged out after <Number-2> ms";
    case 2:
        snprintf(out, size, "GET /api/orders/%d returned %d in %dms", between(1, 99999), k % 3 ? 200 : 404, between(1, 900));
        return "GET /api/orders/<Number-1> returned <Number-2> in <Number-3>";
    case 3:
        snprintf(out, size, "2026-11-01T00:%02d:%02d.%03dZ\t%s\tINFO\tprocessed batch %s with %d records", between(0, 59),
                 between(0, 59), between(0, 999), id, h, between(1, 500));
        return "<Time-1>\t<ID-2>\tINFO\tprocessed batch <ID-3> with <Number-4> records";
    case 4:
        snprintf(out, size, "START RequestId: %s Version: $LATEST", id);
        return "START RequestId: <ID-1> Version: $LATEST";
    case 5:
        snprintf(out, size, "REPORT RequestId: %s\tDuration: %d.%02d ms\tBilled Duration: %d ms\tMemory Size: 128 MB\t"
                 "Max Memory Used: %d MB", id, between(1, 3000), between(0, 99), between(1, 3001), between(40, 128));
        return "REPORT RequestId: <ID-1>\tDuration: <Number-2> ms\tBilled Duration: <Number-3> ms\tMemory Size: 128 MB\t"
               "Max Memory Used: <Number-4> MB";
    case 6:
        snprintf(out, size, "invoking arn:aws:lambda:us-east-1:1111222233%02d:function:%s took %d ms", between(10, 99),
                 jobs[k % 6], between(1, 999));
        return "invoking <ARN-1> took <Number-2> ms";
    case 7:
        snprintf(out, size, "[ERROR] TypeError: Cannot read properties of undefined (reading '%s')", fields_[k % 6]);
        return "[ERROR] TypeError: Cannot read properties of undefined (reading '<Token-1>')";
    case 8:
        snprintf(out, size, "cache hit ratio 0.%02d", between(0, 99));
        return "cache hit ratio <Number-1>";
    case 9:
        snprintf(out, size, "connection from 2001:db8::%x:%x closed", between(1, 65535), between(1, 65535));
        return "connection from <IP-1> closed";
    case 10:
        snprintf(out, size, "job %s finished with status ok in %ds", jobs[k % 6], between(1, 59));
        return "job <Token-1> finished with status ok in <Number-2>";
    case 11:
        snprintf(out, size, "job %s finished with status failed in %ds", jobs[(k + 1) % 6], between(1, 59));
        return "job <Token-1> finished with status failed in <Number-2>";
    case 12:
        snprintf(out, size, "WARN retrying request %s to payments-service (attempt %d of 3)", h, k % 3 + 1);
        return "WARN retrying request <ID-1> to payments-service (attempt <Number-2> of 3)";
    default:
        snprintf(out, size, "2026/11/01 %02d:%02d:%02d cache warmed", between(0, 23), between(0, 59), between(0, 59));
        return "<Time-1> cache warmed";
    }
}

#define NTEMPLATES 14

static void test_templates(void)
{
    static const int counts[NTEMPLATES] = { 311, 127, 503, 251, 401, 399, 67, 90, 45, 31, 53, 29, 17, 11 };
    int total = 0;
    for (int t = 0; t < NTEMPLATES; t++)
        total += counts[t];
    int *tmpl = malloc((size_t)total * sizeof *tmpl), *group = malloc((size_t)total * sizeof *group);
    const char *want[NTEMPLATES];
    pattern_set_t *s = pattern_set_new(NULL);
    /* the templates' messages interleaved, as in a log */
    int left[NTEMPLATES], n = 0;
    memcpy(left, counts, sizeof left);
    while (n < total) {
        int t = (int)(rnd() % NTEMPLATES);
        if (!left[t])
            continue;
        char msg[512];
        want[t] = make(t, counts[t] - left[t], msg, sizeof msg);
        left[t]--;
        tmpl[n] = t;
        group[n] = pattern_set_add(s, msg, strlen(msg), 1000 + n, PATTERN_CURRENT);
        n++;
    }
    pattern_out_t *out;
    int np;
    int64_t all;
    pattern_set_finish(s, &out, &np, &all);
    CHECK_EQ_INT(all, total);
    CHECK_EQ_INT(np, NTEMPLATES);
    /* every message is in the pattern of its template, and no other template's */
    int of[NTEMPLATES];
    for (int t = 0; t < NTEMPLATES; t++)
        of[t] = -1;
    int wrong = 0;
    for (int i = 0; i < total; i++) {
        int p = pattern_set_pattern_of(s, group[i]);
        if (of[tmpl[i]] < 0)
            of[tmpl[i]] = p;
        wrong += p != of[tmpl[i]];
    }
    CHECK_EQ_INT(wrong, 0);
    for (int t = 0; t < NTEMPLATES; t++) {
        for (int u = t + 1; u < NTEMPLATES; u++)
            CHECK(of[t] != of[u]);
        if (of[t] < 0 || of[t] >= np)
            continue;
        CHECK_EQ_STR(out[of[t]].text, want[t]);
        CHECK_EQ_INT(out[of[t]].count, counts[t]);
    }
    /* most messages first */
    for (int i = 1; i < np; i++)
        CHECK(out[i - 1].count >= out[i].count);
    CHECK_EQ_STR(out[of[7]].severity, "Error");
    CHECK_EQ_STR(out[of[12]].severity, "Warning");
    CHECK_EQ_STR(out[of[3]].severity, "Info");
    CHECK_EQ_INT(out[of[4]].nsamples, PATTERN_SAMPLES);
    CHECK(strncmp(out[of[4]].samples[0], "START RequestId: ", 17) == 0);
    pattern_out_free(out, np);
    pattern_set_free(s);
    free(tmpl);
    free(group);
}

/* two words at one place are two patterns: a place becomes a variable only
 * with PATTERN_MIN_VARIANTS words */
static void test_few_variants(void)
{
    static const char *const msgs[] = { "door opened", "door closed", "door opened", "door closed", "door jammed" };
    pattern_set_t *s = pattern_set_new(NULL);
    for (size_t i = 0; i < sizeof msgs / sizeof *msgs; i++)
        pattern_set_add(s, msgs[i], strlen(msgs[i]), 0, PATTERN_CURRENT);
    pattern_out_t *out;
    int np;
    pattern_set_finish(s, &out, &np, NULL);
    CHECK_EQ_INT(np, 3);
    CHECK_EQ_STR(out[0].text, "door closed");  /* 2 each: by text */
    CHECK_EQ_STR(out[1].text, "door opened");
    CHECK_EQ_INT(out[1].count, 2);
    CHECK_EQ_STR(out[2].text, "door jammed");
    pattern_out_free(out, np);
    pattern_set_free(s);
}

/* a number the same in every message stays as it is; one message alone
 * keeps its numbers but not its times and ids */
static void test_constant_values(void)
{
    pattern_set_t *s = pattern_set_new(NULL);
    const char *a = "pool size 16 reached for 4f2a9c1e-0d2b-4c55-9a3e-1f0b6c7d8e9a";
    const char *b = "pool size 16 reached for 7aa1f0c3-9b8e-4d2c-8f11-2c3d4e5f6a7b";
    pattern_set_add(s, a, strlen(a), 0, PATTERN_CURRENT);
    pattern_set_add(s, b, strlen(b), 0, PATTERN_CURRENT);
    pattern_out_t *out;
    int np;
    pattern_set_finish(s, &out, &np, NULL);
    CHECK_EQ_INT(np, 1);
    CHECK_EQ_STR(out[0].text, "pool size 16 reached for <ID-1>");
    pattern_out_free(out, np);
    pattern_set_free(s);
}

static void test_tokens(void)
{
    ptok_t t[PATTERN_MAX_TOKENS];
    const char *m = "2026/11/01 02:20:15 [ERROR] 10.0.0.1:443 took 12ms, 0.65 ratio arn:aws:s3:::b/k \"x\"";
    int n = pattern__tokenize(m, strlen(m), t);
    char kinds[64] = "";
    for (int i = 0; i < n && i < 63; i++)
        kinds[i] = "SWLTIPANRX"[t[i].kind];
    /* time (date and time joined), [ ERROR ], ip, took, 12ms, ',', 0.65,
     * ratio, arn, "x" */
    CHECK_EQ_STR(kinds, "TSSLSSPSWSNSSNSWSASSWS");
    CHECK_EQ_INT(t[0].len, 19);
    /* the last token past the limit is the rest of the message */
    char big[2000];
    size_t k = 0;
    for (int i = 0; i < 200; i++)
        k += (size_t)snprintf(big + k, sizeof big - k, "w%d ", i % 10);
    n = pattern__tokenize(big, k, t);
    CHECK_EQ_INT(n, PATTERN_MAX_TOKENS);
    CHECK_EQ_INT(t[n - 1].kind, PK_REST);
    CHECK_EQ_INT((int)(t[n - 1].off + t[n - 1].len), (int)k);
}

static void test_diff_counts(void)
{
    pattern_set_t *s = pattern_set_new(NULL);
    char m[64];
    for (int i = 0; i < 30; i++) {
        snprintf(m, sizeof m, "order %d stored", i);
        pattern_set_add(s, m, strlen(m), i, i < 10 ? PATTERN_PREVIOUS : PATTERN_CURRENT);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(m, sizeof m, "payment %d refused", i);
        pattern_set_add(s, m, strlen(m), i, PATTERN_CURRENT);
    }
    snprintf(m, sizeof m, "cache rebuilt");
    pattern_set_add(s, m, strlen(m), 1, PATTERN_PREVIOUS);
    pattern_out_t *out;
    int np;
    int64_t total;
    pattern_set_finish(s, &out, &np, &total);
    CHECK_EQ_INT(total, 24);
    CHECK_EQ_INT(np, 3);
    CHECK_EQ_STR(out[0].text, "order <Number-1> stored");
    CHECK_EQ_INT(out[0].count, 20);
    CHECK_EQ_INT(out[0].prev, 10);
    CHECK_EQ_STR(out[1].text, "payment <Number-1> refused");
    CHECK_EQ_INT(out[1].prev, 0);
    CHECK_EQ_STR(out[2].text, "cache rebuilt");
    CHECK_EQ_INT(out[2].count, 0);
    CHECK_EQ_INT(out[2].prev, 1);
    pattern_out_free(out, np);
    pattern_set_free(s);
}

static void test_anomalies(void)
{
    pattern_opts_t o = { 1, 0, 3600000 };
    pattern_set_t *s = pattern_set_new(&o);
    char m[64];
    /* steady: 2 a minute all hour; a spike of 60 in minute 40; a new one at 50 */
    for (int min = 0; min < 60; min++)
        for (int k = 0; k < 2; k++) {
            snprintf(m, sizeof m, "heartbeat %d ok", min * 2 + k);
            pattern_set_add(s, m, strlen(m), min * 60000 + k * 1000, PATTERN_CURRENT);
        }
    for (int k = 0; k < 60; k++) {
        snprintf(m, sizeof m, "retrying call %d", k);
        pattern_set_add(s, m, strlen(m), 40 * 60000 + k * 500, PATTERN_CURRENT);
    }
    for (int k = 0; k < 30; k++) {
        snprintf(m, sizeof m, "queue %d is full", k);
        pattern_set_add(s, m, strlen(m), 10 * 60000 + k * 60000, PATTERN_CURRENT);
    }
    snprintf(m, sizeof m, "disk failure on node 7");
    pattern_set_add(s, m, strlen(m), 50 * 60000, PATTERN_CURRENT);
    pattern_out_t *out;
    int np;
    pattern_set_finish(s, &out, &np, NULL);
    int seen = 0;
    for (int i = 0; i < np; i++) {
        if (!strcmp(out[i].text, "heartbeat <Number-1> ok") || !strcmp(out[i].text, "queue <Number-1> is full")) {
            CHECK_EQ_INT(out[i].nanomalies, 0);  /* steady */
            seen++;
        } else if (!strcmp(out[i].text, "retrying call <Number-1>")) {
            /* a spike, and new in the second half */
            CHECK_EQ_INT(out[i].nanomalies, 2);
            CHECK_EQ_INT(out[i].anomalies[0].type, PA_FREQUENCY);
            CHECK_EQ_INT(out[i].anomalies[0].ts, 40 * 60000);
            CHECK_EQ_INT(out[i].anomalies[1].type, PA_NEW);
            seen++;
        } else if (!strcmp(out[i].text, "disk failure on node 7")) {
            CHECK_EQ_INT(out[i].nanomalies, 1);
            CHECK_EQ_INT(out[i].anomalies[0].type, PA_NEW);
            CHECK_EQ_INT(out[i].anomalies[0].ts, 50 * 60000);
            seen++;
        }
    }
    CHECK_EQ_INT(seen, 4);
    pattern_out_free(out, np);
    pattern_set_free(s);
}

TEST_LIST = {
    TEST(test_templates),
    TEST(test_few_variants),
    TEST(test_constant_values),
    TEST(test_tokens),
    TEST(test_diff_counts),
    TEST(test_anomalies),
    TEST_END,
};
