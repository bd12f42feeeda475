/* tui/fmt.c — number, duration, size and sparkline formatting (fmt.h). */
#include "tui/fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void fmt_count(int64_t v, int width, char *out, size_t n)
{
    static const char suffix[] = "kMGTP";
    int len = snprintf(out, n, "%lld", (long long)v);
    if (len <= width)
        return;
    double x = (double)v;
    for (int i = 0; i < 5; i++) {
        x /= 1000.0;
        if (fabs(x) < 9.95 && width >= 4) {
            snprintf(out, n, "%.1f%c", x, suffix[i]);
            return;
        }
        if (fabs(x) < 999.5) {
            snprintf(out, n, "%.0f%c", x, suffix[i]);
            return;
        }
    }
    snprintf(out, n, "%.0e", (double)v);
}

void fmt_ms(double ms, char *out, size_t n)
{
    if (isnan(ms))
        snprintf(out, n, "-");
    else if (ms < 10)
        snprintf(out, n, "%.2fms", ms);
    else if (ms < 100)
        snprintf(out, n, "%.1fms", ms);
    else if (ms < 999.5)
        snprintf(out, n, "%.0fms", ms);
    else if (ms < 59950)
        snprintf(out, n, "%.*fs", ms < 9995 ? 2 : 1, ms / 1000);
    else {
        long long s = llround(ms / 1000);
        snprintf(out, n, "%lldm%02llds", s / 60, s % 60);
    }
}

void fmt_pct(double frac, char *out, size_t n)
{
    if (isnan(frac))
        snprintf(out, n, "-");
    else if (frac >= 0.9995 || frac == 0)
        snprintf(out, n, "%.0f%%", frac * 100);
    else
        snprintf(out, n, "%.1f%%", frac * 100);
}

void fmt_mb(int64_t bytes, char *out, size_t n)
{
    if (bytes < 0)
        snprintf(out, n, "-");
    else
        snprintf(out, n, "%lldMB", (long long)((bytes + 500000) / 1000000));
}

void fmt_size(int64_t bytes, char *out, size_t n)
{
    static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double x = (double)bytes;
    int i = 0;
    while (x >= 1024 && i < 4) {
        x /= 1024;
        i++;
    }
    if (i == 0)
        snprintf(out, n, "%lldB", (long long)bytes);
    else
        snprintf(out, n, x < 10 ? "%.1f%s" : "%.0f%s", x, unit[i]);
}

void fmt_money(double usd, char *out, size_t n)
{
    if (isnan(usd))
        snprintf(out, n, "-");
    else if (usd == 0)
        snprintf(out, n, "$0");
    else if (usd < 0.01)
        snprintf(out, n, "$%.4f", usd);
    else if (usd < 1000)
        snprintf(out, n, "$%.2f", usd);
    else
        snprintf(out, n, "$%.0f", usd);
}

void spark_pool(const double *in, int n_in, double *out, int n_out)
{
    for (int j = 0; j < n_out; j++)
        out[j] = 0;
    if (n_in <= 0 || n_out <= 0)
        return;
    if (n_in <= n_out) {
        /* each input covers buckets [i*n_out/n_in, (i+1)*n_out/n_in) */
        for (int i = 0; i < n_in; i++) {
            int a = (int)((int64_t)i * n_out / n_in), b = (int)((int64_t)(i + 1) * n_out / n_in);
            for (int j = a; j < b; j++)
                out[j] = in[i];
        }
        return;
    }
    int prev = -1;
    for (int i = 0; i < n_in; i++) {
        int j = (int)((int64_t)i * n_out / n_in);
        if (j != prev || in[i] > out[j])
            out[j] = in[i];
        prev = j;
    }
}

void spark_render(const double *v, int n, double max, int ascii, char *out, size_t cap)
{
    static const char *blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
                                    "\u2585", "\u2586", "\u2587", "\u2588" };
    static const char ascii_levels[] = ".:-=+*#@";
    size_t len = 0;
    if (max <= 0)
        for (int i = 0; i < n; i++)
            if (v[i] > max)
                max = v[i];
    for (int i = 0; i < n; i++) {
        const char *g;
        char one[2] = { ' ', 0 };
        if (v[i] > 0 && max > 0) {
            int level = (int)ceil(v[i] / max * 8) - 1;
            level = level < 0 ? 0 : level > 7 ? 7 : level;
            if (ascii) {
                one[0] = ascii_levels[level];
                g = one;
            } else {
                g = blocks[level];
            }
        } else {
            g = one;
        }
        size_t gl = strlen(g);
        if (len + gl + 1 > cap)
            break;
        memcpy(out + len, g, gl);
        len += gl;
    }
    if (cap)
        out[len] = '\0';
}
