/* query/sqlfuncs/sqlfuncs_regex.c — regular expressions (PCRE2): obs_regexp (the
 * `=~` and `like /re/` operators), obs_regex_group (parse /(?<name>...)/)
 * and regexReplace.
 *
 * Patterns are compiled once per statement (cached with sqlite3 auxdata on
 * the pattern argument) in UTF mode; a subject that is not valid UTF-8 is
 * matched by a byte-mode compile of the same pattern (PCRE2's own
 * PCRE2_MATCH_INVALID_UTF makes global replacement quadratic). Inline flags
 * such as (?i) work as in PCRE2.
 * Matching runs under a match limit of 1,000,000 and a depth limit of
 * 10,000, so a pathological pattern cannot hang a query: hitting a limit
 * raises the SQL error "regex match limit exceeded". An invalid pattern
 * raises "invalid regex /PATTERN/: MESSAGE (at offset N)".
 *
 * regexReplace(s, pattern, repl) replaces every match; repl uses RE2
 * syntax: \0..\9 insert a group, \\ a backslash, everything else
 * (including $) is literal. A NULL subject gives 0 for obs_regexp and
 * NULL for the others; a NULL pattern gives NULL. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "query/sqlfuncs/sqlfuncs_int.h"

#define RX_MATCH_LIMIT 1000000
#define RX_DEPTH_LIMIT 10000

typedef struct rx {
    pcre2_code *code;        /* UTF mode */
    pcre2_code *bytes;       /* byte mode, compiled on the first invalid-UTF-8 subject */
    int bytes_failed;        /* the pattern has no byte-mode form */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
} rx_t;

static void rx_free(void *p)
{
    rx_t *rx = p;
    if (!rx)
        return;
    pcre2_match_data_free(rx->md);
    pcre2_match_context_free(rx->mctx);
    pcre2_code_free(rx->code);
    pcre2_code_free(rx->bytes);
    sqlite3_free(rx);
}

/* The compiled pattern of argv[i]: the cached one, or a fresh one
 * (*fresh = 1) that the caller hands to rx_done() after using it. Returns
 * NULL for a NULL pattern (no error) or with an SQL error set (*err = 1). */
static rx_t *rx_get(sqlite3_context *c, sqlite3_value **argv, int i, int *fresh, int *err)
{
    *err = *fresh = 0;
    rx_t *rx = sqlite3_get_auxdata(c, i);
    if (rx)
        return rx;
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
        return NULL;
    const char *pat = (const char *)sqlite3_value_text(argv[i]);
    size_t n = (size_t)sqlite3_value_bytes(argv[i]);
    int ecode;
    PCRE2_SIZE eoff;
    *err = 1;
    rx = sqlite3_malloc(sizeof *rx);
    if (!rx) {
        sqlite3_result_error_nomem(c);
        return NULL;
    }
    memset(rx, 0, sizeof *rx);
    rx->code = pcre2_compile((PCRE2_SPTR)(pat ? pat : ""), n, PCRE2_UTF, &ecode, &eoff, NULL);
    if (!rx->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ecode, msg, sizeof msg);
        char *e = sqlite3_mprintf("invalid regex /%.200s/: %s (at offset %d)", pat ? pat : "",
                                  (const char *)msg, (int)eoff);
        sqlite3_result_error(c, e ? e : "invalid regex", -1);
        sqlite3_free(e);
        rx_free(rx);
        return NULL;
    }
    rx->md = pcre2_match_data_create_from_pattern(rx->code, NULL);
    rx->mctx = pcre2_match_context_create(NULL);
    if (!rx->md || !rx->mctx) {
        rx_free(rx);
        sqlite3_result_error_nomem(c);
        return NULL;
    }
    pcre2_set_match_limit(rx->mctx, RX_MATCH_LIMIT);
    pcre2_set_depth_limit(rx->mctx, RX_DEPTH_LIMIT);
    *err = 0;
    *fresh = 1;
    return rx;
}

/* The byte-mode form of rx for a subject that is not valid UTF-8 (PCRE2
 * would refuse it in UTF mode); NULL when the pattern has none (such as
 * \x{100}), in which case the subject does not match. */
static pcre2_code *rx_bytes(rx_t *rx, sqlite3_value *pattern)
{
    if (!rx->bytes && !rx->bytes_failed) {
        int ecode;
        PCRE2_SIZE eoff;
        const char *pat = (const char *)sqlite3_value_text(pattern);
        rx->bytes = pcre2_compile((PCRE2_SPTR)(pat ? pat : ""), (size_t)sqlite3_value_bytes(pattern), 0,
                                  &ecode, &eoff, NULL);
        rx->bytes_failed = rx->bytes == NULL;
    }
    return rx->bytes;
}

static int utf_error(int rc)
{
    return rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21;
}

/* Cache a fresh pattern for the rest of the statement (SQLite frees it at
 * once when the argument is not constant). */
static void rx_done(sqlite3_context *c, int i, rx_t *rx, int fresh)
{
    if (rx && fresh)
        sqlite3_set_auxdata(c, i, rx, rx_free);
}

/* Report a PCRE2 matching error as an SQL error. */
static void rx_error(sqlite3_context *c, int rc)
{
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) {
        sqlite3_result_error(c, "regex match limit exceeded", -1);
    } else {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(rc, msg, sizeof msg);
        char *e = sqlite3_mprintf("regex error: %s", (const char *)msg);
        sqlite3_result_error(c, e ? e : "regex error", -1);
        sqlite3_free(e);
    }
}

/* Match rx (pattern value pat) against v: >0 match, 0 none, <0 error (set). */
static int rx_match(sqlite3_context *c, rx_t *rx, sqlite3_value *pat, sqlite3_value *v)
{
    const char *s = (const char *)sqlite3_value_text(v);
    size_t n = (size_t)sqlite3_value_bytes(v);
    int rc = pcre2_match(rx->code, (PCRE2_SPTR)(s ? s : ""), n, 0, 0, rx->md, rx->mctx);
    if (utf_error(rc)) {
        pcre2_code *b = rx_bytes(rx, pat);
        rc = b ? pcre2_match(b, (PCRE2_SPTR)(s ? s : ""), n, 0, 0, rx->md, rx->mctx) : PCRE2_ERROR_NOMATCH;
    }
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0) {
        rx_error(c, rc);
        return -1;
    }
    return 1;
}

/* obs_regexp(pattern, subject): 1 when the pattern matches anywhere. */
static void fn_regexp(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    int fresh, err;
    (void)argc;
    rx_t *rx = rx_get(c, argv, 0, &fresh, &err);
    if (!rx)
        return;
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_int(c, 0);
    } else {
        int m = rx_match(c, rx, argv[0], argv[1]);
        if (m >= 0)
            sqlite3_result_int(c, m);
    }
    rx_done(c, 0, rx, fresh);
}

/* obs_regex_group(pattern, subject, name): the named (or numbered) group
 * of the first match, or NULL when no match or the group did not take part. */
static void fn_regex_group(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    int fresh, err;
    (void)argc;
    rx_t *rx = rx_get(c, argv, 0, &fresh, &err);
    if (!rx)
        return;
    if (sqlite3_value_type(argv[1]) != SQLITE_NULL && sqlite3_value_type(argv[2]) != SQLITE_NULL &&
        rx_match(c, rx, argv[0], argv[1]) > 0) {
        int g;
        if (sqlite3_value_type(argv[2]) == SQLITE_INTEGER)
            g = sqlite3_value_int(argv[2]);
        else
            g = pcre2_substring_number_from_name(rx->code, (PCRE2_SPTR)sqlite3_value_text(argv[2]));
        uint32_t count = pcre2_get_ovector_count(rx->md);
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(rx->md);
        if (g >= 0 && (uint32_t)g < count && ov[2 * g] != PCRE2_UNSET) {
            const char *s = (const char *)sqlite3_value_text(argv[1]);
            sqlite3_result_text64(c, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g], SQLITE_TRANSIENT,
                                  SQLITE_UTF8);
        }
    }
    rx_done(c, 0, rx, fresh);
}

/* RE2 replacement text to PCRE2's: \N → ${N}, \\ → \, $ → $$. */
static char *convert_repl(const char *r, size_t n, size_t *outn)
{
    char *out = sqlite3_malloc64(n * 4 + 1);
    size_t k = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (r[i] == '\\' && i + 1 < n && r[i + 1] >= '0' && r[i + 1] <= '9') {
            out[k++] = '$', out[k++] = '{', out[k++] = r[++i], out[k++] = '}';
        } else if (r[i] == '\\' && i + 1 < n && r[i + 1] == '\\') {
            out[k++] = '\\';
            i++;
        } else if (r[i] == '$') {
            out[k++] = '$', out[k++] = '$';
        } else {
            out[k++] = r[i];
        }
    }
    *outn = k;
    return out;
}

static void fn_regexreplace(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    int fresh, err;
    (void)argc;
    rx_t *rx = rx_get(c, argv, 1, &fresh, &err);
    if (!rx)
        return;
    char *repl = NULL, *out = NULL;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL)
        goto out;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]), rn;
    repl = convert_repl((const char *)sqlite3_value_text(argv[2]), (size_t)sqlite3_value_bytes(argv[2]), &rn);
    if (!repl) {
        sqlite3_result_error_nomem(c);
        goto out;
    }
    PCRE2_SIZE cap = n * 2 + 64;
    int bytes = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        PCRE2_SIZE outlen = cap;
        out = sqlite3_malloc64(cap + 1);
        if (!out) {
            sqlite3_result_error_nomem(c);
            goto out;
        }
        pcre2_code *code = bytes ? rx_bytes(rx, argv[1]) : rx->code;
        if (!code) {  /* invalid UTF-8 and no byte-mode pattern: unchanged */
            sqlite3_result_value(c, argv[0]);
            goto out;
        }
        int rc = pcre2_substitute(code, (PCRE2_SPTR)(s ? s : ""), n, 0,
                                  PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
                                  rx->md, rx->mctx, (PCRE2_SPTR)repl, rn, (PCRE2_UCHAR *)out, &outlen);
        if (rc >= 0) {
            sqlite3_result_text64(c, out, outlen, sqlite3_free, SQLITE_UTF8);
            out = NULL;
            goto out;
        }
        sqlite3_free(out);
        out = NULL;
        if (utf_error(rc) && !bytes) {
            bytes = 1;  /* retry in byte mode */
            attempt--;
            continue;
        }
        if (rc != PCRE2_ERROR_NOMEMORY) {
            rx_error(c, rc);
            goto out;
        }
        cap = outlen;  /* the length needed */
    }
    sqlite3_result_error(c, "regexReplace: result too large", -1);
out:
    sqlite3_free(repl);
    sqlite3_free(out);
    rx_done(c, 1, rx, fresh);
}

static const sqlfn_def_t defs[] = {
    { "obs_regexp", 2, fn_regexp },
    { "obs_regex_group", 3, fn_regex_group },
    { "obs_regexreplace", 3, fn_regexreplace },
};

int query_sqlfuncs__register_regex(sqlite3 *db)
{
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
