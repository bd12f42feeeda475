/* clickhouse/ch_tsv.c — the rows of a ClickHouse answer in TabSeparated
 * (see ch.h): fields split on TAB, rows on LF, backslash escapes undone
 * (\t \n \r \b \f \0 \\ \' and \xHH), \N alone a NULL. Pure code over a
 * buffer; fuzzed (tests/fuzz/fuzz_ch_tsv.c). */
#include "clickhouse/ch.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

void ch_tsv_init(ch_tsv_t *t, const char *p, size_t n)
{
    memset(t, 0, sizeof *t);
    t->p = p;
    t->end = p + n;
}

static int hexv(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int ch_tsv_next(ch_tsv_t *t)
{
    if (t->p >= t->end)
        return 0;
    t->field.len = 0;
    t->nf = 0;
    size_t *starts = NULL;
    int *nulls = NULL;
    int n = 0;
    for (;;) {
        /* one field */
        const char *fs = t->p;
        size_t start = t->field.len;
        int null = 0;
        while (t->p < t->end && *t->p != '\t' && *t->p != '\n') {
            char c = *t->p++;
            if (c == '\\' && t->p < t->end) {
                char e = *t->p++;
                switch (e) {
                case 't': c = '\t'; break;
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case '0': c = '\0'; break;
                case 'N': null = t->p - fs == 2; c = 'N'; break;
                case 'x':
                    if (t->end - t->p >= 2 && hexv(t->p[0]) >= 0 && hexv(t->p[1]) >= 0) {
                        c = (char)(hexv(t->p[0]) * 16 + hexv(t->p[1]));
                        t->p += 2;
                    } else {
                        c = 'x';
                    }
                    break;
                default: c = e; break;
                }
            }
            buf_putc(&t->field, c);
        }
        if (null && t->p - fs != 2)
            null = 0;  /* \N followed by more: not a NULL (never written so) */
        starts = xrealloc(starts, (size_t)(n + 1) * sizeof *starts);
        nulls = xrealloc(nulls, (size_t)(n + 1) * sizeof *nulls);
        starts[n] = start;
        nulls[n] = null;
        n++;
        if (t->p < t->end && *t->p == '\t') {
            t->p++;
            continue;
        }
        if (t->p < t->end)
            t->p++;  /* the row's newline */
        break;
    }
    if (n > t->cap) {
        t->cap = n;
        t->f = xrealloc(t->f, (size_t)n * sizeof *t->f);
    }
    buf_putc(&t->field, '\0');  /* p non-NULL even for an empty row */
    t->field.len--;
    for (int i = 0; i < n; i++) {
        size_t e = i + 1 < n ? starts[i + 1] : t->field.len;
        t->f[i].p = t->field.p + starts[i];
        t->f[i].len = e - starts[i];
        t->f[i].null = nulls[i];
    }
    t->nf = n;
    free(starts);
    free(nulls);
    return 1;
}

void ch_tsv_done(ch_tsv_t *t)
{
    buf_free(&t->field);
    free(t->f);
    memset(t, 0, sizeof *t);
}
