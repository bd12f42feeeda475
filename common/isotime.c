/* common/isotime.c — timestamp parsing and formatting (see isotime.h).
 * Calendar conversion uses Howard Hinnant's days_from_civil/civil_from_days
 * algorithms on the proleptic Gregorian calendar. */
#include "common/isotime.h"

#include <string.h>

int64_t isotime_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                /* [0, 399] */
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void isotime_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = era * 400 + yoe + (*m <= 2);
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Read exactly n digits at s[*i]; -1 if they are not all there. */
static int digits(const char *s, size_t len, size_t *i, int n)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return -1;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    return v;
}

static int at(const char *s, size_t len, size_t i, char c)
{
    return i < len && s[i] == c;
}

/* Zone designator at s[*i]: Z, ±HH:MM or ±HHMM. Sets *offset_min; leaves *i
 * untouched (and the offset 0) when none is there. */
static void zone(const char *s, size_t len, size_t *i, int *offset_min)
{
    *offset_min = 0;
    if (at(s, len, *i, 'Z') || at(s, len, *i, 'z')) {
        (*i)++;
        return;
    }
    if (!at(s, len, *i, '+') && !at(s, len, *i, '-'))
        return;
    size_t j = *i + 1;
    int hh = digits(s, len, &j, 2);
    if (hh < 0 || hh > 23)
        return;
    if (at(s, len, j, ':'))
        j++;
    int mm = digits(s, len, &j, 2);
    if (mm < 0 || mm > 59)
        return;
    *offset_min = (hh * 60 + mm) * (s[*i] == '-' ? -1 : 1);
    *i = j;
}

/* "HH:MM:SS" at *i (leap second 60 allowed): 0 and *i past it, or -1. */
static int clock_time(const char *s, size_t len, size_t *i, int *hh, int *mi, int *ss)
{
    *hh = digits(s, len, i, 2);
    if (*hh < 0 || *hh > 23 || !at(s, len, *i, ':'))
        return -1;
    (*i)++;
    *mi = digits(s, len, i, 2);
    if (*mi < 0 || *mi > 59 || !at(s, len, *i, ':'))
        return -1;
    (*i)++;
    *ss = digits(s, len, i, 2);
    return *ss < 0 || *ss > 60 ? -1 : 0;
}

int isotime_parse(const char *s, size_t len, int64_t *ms_out, size_t *consumed)
{
    size_t i = 0;
    int year = digits(s, len, &i, 4);
    if (year < 0 || i >= len || (s[i] != '-' && s[i] != '/'))
        return -1;
    char dsep = s[i++];
    int mon = digits(s, len, &i, 2);
    if (mon < 1 || mon > 12 || !at(s, len, i, dsep))
        return -1;
    i++;
    int day = digits(s, len, &i, 2);
    if (day < 1 || day > days_in_month(year, mon) || i >= len)
        return -1;
    char tsep = s[i];
    if (!(tsep == ' ' || (dsep == '-' && (tsep == 'T' || tsep == 't'))))
        return -1;
    i++;
    int hh, mi, ss;
    if (clock_time(s, len, &i, &hh, &mi, &ss) != 0)
        return -1;

    int frac_ms = 0;
    if ((at(s, len, i, '.') || (tsep == ' ' && at(s, len, i, ','))) &&
        i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9') {
        int k = 0;
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, k++)
            if (k < 3)
                frac_ms = frac_ms * 10 + (s[i] - '0');
        for (; k < 3; k++) /* ".5" is 500 ms, ".53" is 530 ms */
            frac_ms *= 10;
    }

    int offset_min = 0;
    if (dsep == '-')
        zone(s, len, &i, &offset_min);

    int64_t days = isotime_days_from_civil(year, mon, day);
    int64_t secs = days * 86400 + hh * 3600 + mi * 60 + ss - (int64_t)offset_min * 60;
    if (ms_out)
        *ms_out = secs * 1000 + frac_ms;
    if (consumed)
        *consumed = i;
    return 0;
}

int isotime_parse_clf(const char *s, size_t len, int64_t *ms_out, size_t *consumed)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    size_t i = 0;
    int day = digits(s, len, &i, 2);
    if (day < 1 || !at(s, len, i, '/') || i + 5 > len)
        return -1;
    i++;
    int mon = 0;
    for (int m = 0; m < 12; m++)
        if (memcmp(s + i, months + 3 * m, 3) == 0)
            mon = m + 1;
    if (!mon || !at(s, len, i + 3, '/'))
        return -1;
    i += 4;
    int year = digits(s, len, &i, 4);
    if (year < 0 || day > days_in_month(year, mon) || !at(s, len, i, ':'))
        return -1;
    i++;
    int hh, mi, ss;
    if (clock_time(s, len, &i, &hh, &mi, &ss) != 0)
        return -1;
    int offset_min = 0;
    if (at(s, len, i, ' ') && (at(s, len, i + 1, '+') || at(s, len, i + 1, '-'))) {
        size_t j = i + 1;
        zone(s, len, &j, &offset_min);
        if (j > i + 1)
            i = j;
    }
    int64_t secs = isotime_days_from_civil(year, mon, day) * 86400 + hh * 3600 + mi * 60 + ss -
                   (int64_t)offset_min * 60;
    if (ms_out)
        *ms_out = secs * 1000;
    if (consumed)
        *consumed = i;
    return 0;
}

static void put(char *out, int64_t v, int width)
{
    for (int k = width - 1; k >= 0; k--) {
        out[k] = (char)('0' + v % 10);
        v /= 10;
    }
}

void isotime_format(int64_t ms, char out[32])
{
    /* 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z */
    const int64_t lo = -62167219200000LL, hi = 253402300799999LL;
    if (ms < lo)
        ms = lo;
    if (ms > hi)
        ms = hi;
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    int64_t rem = ms - days * 86400000; /* [0, 86399999] */
    int64_t y;
    int m, d;
    isotime_civil_from_days(days, &y, &m, &d);
    put(out, y, 4);
    out[4] = '-';
    put(out + 5, m, 2);
    out[7] = '-';
    put(out + 8, d, 2);
    out[10] = 'T';
    put(out + 11, rem / 3600000, 2);
    out[13] = ':';
    put(out + 14, rem / 60000 % 60, 2);
    out[16] = ':';
    put(out + 17, rem / 1000 % 60, 2);
    out[19] = '.';
    put(out + 20, rem % 1000, 3);
    out[23] = 'Z';
    out[24] = '\0';
}
