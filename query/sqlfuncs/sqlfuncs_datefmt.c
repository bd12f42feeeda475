/* query/sqlfuncs/sqlfuncs_datefmt.c — formatDate/strftime and parseDate.
 *
 * formatDate(ts, fmt [, tz]): ts (epoch ms or ISO text) formatted with C
 * strftime conversions (C locale), plus %L = milliseconds (3 digits) and
 * %f = microseconds (6 digits). tz is "UTC"/"GMT"/"Z" or a fixed offset
 * "+HH:MM", "-HHMM", "+HH" (also after "UTC"/"GMT": "UTC+02:00"); %z
 * prints the offset and %Z prints "UTC" or the offset. Named zones
 * ("America/New_York") are not supported and raise an SQL error.
 *
 * parseDate(s, pattern [, tz]): epoch ms from a Java DateTimeFormatter
 * pattern. Supported letters: y/u (yy = 2000+yy, otherwise 4 digits),
 * M (M, MM, MMM = Jan, MMMM = January; names in English, any case), d, H,
 * h with a (AM/PM), m, s (1 letter = 1 or 2 digits, 2 letters = exactly 2),
 * S... (fraction of a second, that many digits), E (day name, skipped),
 * X/x/Z (offset: "Z" or ±HH, ±HHMM, ±HH:MM), 'quoted literal' ('' is a
 * quote); any other non-letter is literal. Other letters (D, w, z, VV, G,
 * ...) raise "parseDate: unsupported pattern letter". The whole string must
 * match (trailing spaces allowed); otherwise the result is NULL. Missing
 * fields default to 1970-01-01T00:00:00.000; without an offset in the text
 * the tz argument (same forms as above, default UTC) applies. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "query/sqlfuncs/sqlfuncs_int.h"
#include "common/isotime.h"

/* Parse a zone argument into minutes east of UTC; 0 when unsupported. */
static int parse_tz(const char *s, int *off_min)
{
    if (!strcasecmp(s, "UTC") || !strcasecmp(s, "GMT") || !strcasecmp(s, "Z")) {
        *off_min = 0;
        return 1;
    }
    if (!strncasecmp(s, "UTC", 3) || !strncasecmp(s, "GMT", 3))
        s += 3;
    if (*s != '+' && *s != '-')
        return 0;
    int sign = *s == '-' ? -1 : 1, h = 0, m = 0;
    s++;
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return 0;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    s += 2;
    if (*s == ':')
        s++;
    if (*s) {
        if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2])
            return 0;
        m = (s[0] - '0') * 10 + (s[1] - '0');
    }
    if (h > 18 || m > 59)
        return 0;
    *off_min = sign * (h * 60 + m);
    return 1;
}

/* Read the optional tz argument; 0 with an SQL error set when invalid. */
static int tz_arg(sqlite3_context *c, int argc, sqlite3_value **argv, int i, int *off_min)
{
    *off_min = 0;
    if (argc <= i || sqlite3_value_type(argv[i]) == SQLITE_NULL)
        return 1;
    const char *s = (const char *)sqlite3_value_text(argv[i]);
    if (s && parse_tz(s, off_min))
        return 1;
    char *e = sqlite3_mprintf("unsupported time zone '%.100s' (use UTC or +HH:MM)", s ? s : "");
    sqlite3_result_error(c, e ? e : "unsupported time zone", -1);
    sqlite3_free(e);
    return 0;
}

static void fn_formatdate(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    int64_t ms;
    int off;
    if (!tz_arg(c, argc, argv, 2, &off))
        return;
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL || !query_sqlfuncs__time_ms(argv[0], &ms))
        return;
    const char *fmt = (const char *)sqlite3_value_text(argv[1]);
    size_t fn = (size_t)sqlite3_value_bytes(argv[1]);
    if (fn > 1000) {
        sqlite3_result_error(c, "formatDate: format too long", -1);
        return;
    }
    int64_t secs = sqlfn_floordiv(ms, 1000), frac = ms - secs * 1000;
    time_t t = (time_t)(secs + off * 60);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return;
    char zone[16];
    if (off == 0)
        snprintf(zone, sizeof zone, "UTC");
    else
        snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
                 (off < 0 ? -off : off) % 60);
    tm.tm_gmtoff = off * 60;
    tm.tm_zone = zone;
    /* Expand %L and %f first (digits are not special to strftime). */
    char f2[8192], out[8192];
    size_t k = 0;
    for (size_t i = 0; i < fn && k < sizeof f2 - 16; i++) {
        if (fmt[i] == '%' && i + 1 < fn && fmt[i + 1] == 'L') {
            k += (size_t)snprintf(f2 + k, 8, "%03d", (int)frac);
            i++;
        } else if (fmt[i] == '%' && i + 1 < fn && fmt[i + 1] == 'f') {
            k += (size_t)snprintf(f2 + k, 8, "%06d", (int)frac * 1000);
            i++;
        } else if (fmt[i] == '%' && i + 1 < fn) {
            f2[k++] = fmt[i++];
            f2[k++] = fmt[i];
        } else {
            f2[k++] = fmt[i];
        }
    }
    f2[k] = '\0';
    size_t n = strftime(out, sizeof out, f2, &tm);
    sqlite3_result_text(c, out, (int)n, SQLITE_TRANSIENT);
}

/* ---- parseDate ---- */

typedef struct fields {
    int64_t year;
    int mon, day, hour, min, sec, ms, pm, has_ampm, has_off, off_min;
} fields_t;

static const char *const month_names[12] = { "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december" };

/* Read between lo and hi digits; -1 when fewer than lo. */
static int64_t read_digits(const char *s, size_t n, size_t *i, int lo, int hi)
{
    int64_t v = 0;
    int k = 0;
    while (k < hi && *i < n && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++, k++;
    }
    return k < lo ? -1 : v;
}

static int read_offset(const char *s, size_t n, size_t *i, int *off_min)
{
    if (*i < n && (s[*i] == 'Z' || s[*i] == 'z')) {
        (*i)++;
        *off_min = 0;
        return 1;
    }
    if (*i >= n || (s[*i] != '+' && s[*i] != '-'))
        return 0;
    int sign = s[*i] == '-' ? -1 : 1;
    (*i)++;
    int64_t h = read_digits(s, n, i, 2, 2), m = 0;
    if (h < 0 || h > 18)
        return 0;
    if (*i < n && s[*i] == ':')
        (*i)++;
    if (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        m = read_digits(s, n, i, 2, 2);
        if (m < 0 || m > 59)
            return 0;
    }
    *off_min = sign * (int)(h * 60 + m);
    return 1;
}

static int is_alpha(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Match one pattern letter run; 1 ok, 0 no match, -1 unsupported. */
static int field(char letter, int count, const char *s, size_t n, size_t *i, fields_t *f)
{
    int64_t v;
    int lo = count >= 2 ? 2 : 1, hi = 2;
    switch (letter) {
    case 'y':
    case 'u':
        if (count == 2) {
            if ((v = read_digits(s, n, i, 2, 2)) < 0)
                return 0;
            f->year = 2000 + v;
        } else {
            if ((v = read_digits(s, n, i, 4, count > 4 ? count : 4)) < 0)
                return 0;
            f->year = v;
        }
        return 1;
    case 'M':
        if (count >= 3) {
            for (int m = 0; m < 12; m++) {
                size_t len = count == 3 ? 3 : strlen(month_names[m]);
                if (*i + len <= n && strncasecmp(s + *i, month_names[m], len) == 0) {
                    f->mon = m + 1;
                    *i += len;
                    return 1;
                }
            }
            return 0;
        }
        if ((v = read_digits(s, n, i, lo, hi)) < 1 || v > 12)
            return 0;
        f->mon = (int)v;
        return 1;
    case 'd':
        if ((v = read_digits(s, n, i, lo, hi)) < 1 || v > 31)
            return 0;
        f->day = (int)v;
        return 1;
    case 'H':
        if ((v = read_digits(s, n, i, lo, hi)) < 0 || v > 23)
            return 0;
        f->hour = (int)v;
        return 1;
    case 'h':
        if ((v = read_digits(s, n, i, lo, hi)) < 1 || v > 12)
            return 0;
        f->hour = (int)v % 12;
        return 1;
    case 'm':
        if ((v = read_digits(s, n, i, lo, hi)) < 0 || v > 59)
            return 0;
        f->min = (int)v;
        return 1;
    case 's':
        if ((v = read_digits(s, n, i, lo, hi)) < 0 || v > 60)
            return 0;
        f->sec = (int)v;
        return 1;
    case 'S': {
        size_t start = *i;
        if ((v = read_digits(s, n, i, count, count)) < 0)
            return 0;
        int digits = (int)(*i - start);
        while (digits < 3)
            v *= 10, digits++;
        while (digits > 3)
            v /= 10, digits--;
        f->ms = (int)v;
        return 1;
    }
    case 'a':
        if (*i + 2 <= n && !strncasecmp(s + *i, "AM", 2))
            f->pm = 0;
        else if (*i + 2 <= n && !strncasecmp(s + *i, "PM", 2))
            f->pm = 1;
        else
            return 0;
        f->has_ampm = 1;
        *i += 2;
        return 1;
    case 'E':
        if (*i >= n || !is_alpha(s[*i]))
            return 0;
        while (*i < n && is_alpha(s[*i]))
            (*i)++;
        return 1;
    case 'X':
    case 'x':
    case 'Z':
        if (!read_offset(s, n, i, &f->off_min))
            return 0;
        f->has_off = 1;
        return 1;
    default:
        return -1;
    }
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

static void fn_parsedate(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    int tz;
    if (!tz_arg(c, argc, argv, 2, &tz))
        return;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    const char *p = (const char *)sqlite3_value_text(argv[1]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]), pn = (size_t)sqlite3_value_bytes(argv[1]);
    fields_t f = { 1970, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
    size_t i = 0, j = 0;
    int ok = 1;
    while (j < pn) {
        char ch = p[j];
        if (is_alpha(ch)) {
            int count = 0;
            while (j < pn && p[j] == ch)
                j++, count++;
            int r = !strchr("yuMdHhmsSaEXxZ", ch) ? -1 : ok ? field(ch, count, s, n, &i, &f) : 1;
            if (r < 0) {
                char *e = sqlite3_mprintf("parseDate: unsupported pattern letter '%c'", ch);
                sqlite3_result_error(c, e ? e : "parseDate: unsupported pattern letter", -1);
                sqlite3_free(e);
                return;
            }
            if (r == 0)
                ok = 0;
        } else if (ch == '\'') {
            j++;
            while (j < pn) {
                if (p[j] == '\'' && j + 1 < pn && p[j + 1] == '\'') {
                    ok = ok && i < n && s[i] == '\'';
                    i += ok, j += 2;
                } else if (p[j] == '\'') {
                    j++;
                    break;
                } else {
                    ok = ok && i < n && s[i] == p[j];
                    i += ok, j++;
                }
            }
        } else {
            ok = ok && i < n && s[i] == ch;
            i += ok, j++;
        }
    }
    while (ok && i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (!ok || i != n || f.day > days_in_month(f.year, f.mon))
        return;
    if (f.has_ampm)
        f.hour = f.hour % 12 + (f.pm ? 12 : 0);
    int off = f.has_off ? f.off_min : tz;
    int64_t days = isotime_days_from_civil(f.year, f.mon, f.day);
    int64_t secs = days * 86400 + f.hour * 3600 + f.min * 60 + f.sec - (int64_t)off * 60;
    sqlite3_result_int64(c, secs * 1000 + f.ms);
}

static const sqlfn_def_t defs[] = {
    { "obs_formatdate", 2, fn_formatdate },
    { "obs_formatdate", 3, fn_formatdate },
    { "obs_parsedate", 2, fn_parsedate },
    { "obs_parsedate", 3, fn_parsedate },
};

int query_sqlfuncs__register_datefmt(sqlite3 *db)
{
    return query_sqlfuncs__table(db, defs, sizeof defs / sizeof *defs);
}
