/* tui/fmt.h — how obstop writes numbers, durations, sizes, money and
 * sparklines into a fixed number of columns. Pure: no terminal, no store. */
#ifndef OBS_TUI_FMT_H
#define OBS_TUI_FMT_H

#include <stddef.h>
#include <stdint.h>

/* An integer in at most `width` columns: exact when it fits ("12345"),
 * else with a k/M/G suffix ("1.2M"). */
void fmt_count(int64_t v, int width, char *out, size_t n);
/* Milliseconds: "850ms", "12.3ms", "1.24s", "2m03s"; "-" for NAN. */
void fmt_ms(double ms, char *out, size_t n);
/* A share in [0, 1] as a percentage: "12.3%", "100%", "-" for NAN. */
void fmt_pct(double frac, char *out, size_t n);
/* Bytes as Lambda counts memory (1 MB = 1,000,000 bytes): "512MB", "-" < 0. */
void fmt_mb(int64_t bytes, char *out, size_t n);
/* Bytes of a file: "812KiB", "1.3GiB". */
void fmt_size(int64_t bytes, char *out, size_t n);
/* Dollars: "$12.34", "$0.0123", "$0". */
void fmt_money(double usd, char *out, size_t n);

/* Max-pool n_in values into n_out buckets: bucket j is the maximum of the
 * inputs that fall in it, so a spike survives any downsampling. With fewer
 * inputs than buckets each input takes the buckets it covers. */
void spark_pool(const double *in, int n_in, double *out, int n_out);
/* One sparkline glyph per value, scaled to max (<= 0: the values' max):
 * UTF-8 blocks U+2581..U+2588 or ASCII ".:-=+*#@"; zero is a space and any
 * non-zero value shows at least the lowest glyph. Writes NUL-terminated
 * text into out (4 bytes per value + 1 suffice). */
void spark_render(const double *v, int n, double max, int ascii, char *out, size_t cap);

#endif
