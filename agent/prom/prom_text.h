/* agent/prom/prom_text.h — the Prometheus text exposition format (0.0.4) of the
 * store's totals: per-function counters and duration histograms, the
 * concurrency gauges, EMF
 * metrics as summaries, the agent's counters. Pure: memory in, text out;
 * agent/prom/prom_http.c serves it. The names and the EMF mapping are
 * documented in docs/integrations.md ("Prometheus"). */
#ifndef OBS_PROM_TEXT_H
#define OBS_PROM_TEXT_H

#include "common/buf.h"
#include "store/store.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Upper bounds (le, seconds) of the duration and init-duration histograms;
 * +Inf follows. */
#define PROM_DURATION_BUCKETS \
    { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900 }

/* Append s with every byte outside [A-Za-z0-9_] replaced by '_' (callers
 * put a fixed prefix first, so the name never starts with a digit). */
void prom_put_name(buf_t *b, const char *s);

/* Append s as a label value: '\' '"' and newline escaped, invalid UTF-8
 * replaced by U+FFFD (Prometheus rejects a scrape with invalid UTF-8). */
void prom_put_label_value(buf_t *b, const char *s);

/* Append s in snake_case: an upper-case letter starts a new word
 * ("ItemsProcessed" -> items_processed, "HTTPCode" -> http_code), and every
 * byte outside [A-Za-z0-9_] becomes '_'. */
void prom_put_snake(buf_t *b, const char *s);

/* Append the family name of an EMF metric: "emf_" + snake_case name + a
 * unit suffix: none for None, Count or no unit; "_seconds" for Seconds,
 * Milliseconds and Microseconds; else "_" + the unit in lower case with
 * "/" read as "_per_" (Bytes/Second -> _bytes_per_second). Returns the
 * factor that turns the values into the suffix's unit (1e-3 for
 * Milliseconds, else 1 or 1e-6). */
double prom_emf_family(buf_t *b, const char *name, const char *unit);

/* Append a number as Prometheus reads it: shortest text that reads back
 * exactly, +Inf, -Inf, NaN. */
void prom_put_double(buf_t *b, double v);

/* The whole exposition of t. */
void prom_render(buf_t *out, const store_totals_t *t);

/* The window of the concurrency gauges' peak, ending at the scrape. */
#define PROM_CONCURRENCY_WINDOW_MS 60000
#define PROM_CONCURRENCY_WINDOW_TEXT "60 s"

/* The concurrency gauges of c (read over PROM_CONCURRENCY_WINDOW_MS up to
 * now): per function in flight now and the window's peak, and the same
 * account-wide. */
void prom_render_concurrency(buf_t *out, const store_concurrency_t *c);

/* The same a piece at a time (a few lines: one function's line of a
 * family, one EMF series, one counter), so a scrape is sent as it is
 * written: t must outlive the cursor. */
typedef struct prom_cursor prom_cursor_t;
prom_cursor_t *prom_cursor_new(const store_totals_t *t);
/* Append the next piece to b: 0 when nothing is left. */
int prom_cursor_next(prom_cursor_t *c, buf_t *b);
void prom_cursor_free(prom_cursor_t *c);

#endif
