/* query/clickhouse/ch_run.c — a ClickHouse plan run (see ch_query.h): the
 * statement over HTTP, its TabSeparated rows decoded by the kinds the
 * dialect gave each column (a number, text, or a JSON value with its type,
 * typed as SQLite would have returned it), then the same zero-fill, row
 * cap and formats as a query on the store (query/run.h). */
#include "query/clickhouse/ch_int.h"
#include "common/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A number as ClickHouse printed it: an integer when it is one, else a real. */
static void number(const ch_field_t *f, qval_t *v)
{
    char buf[64];
    size_t n = f->len < sizeof buf - 1 ? f->len : sizeof buf - 1;
    memcpy(buf, f->p, n);
    buf[n] = '\0';
    char *end;
    int integral = strspn(buf, "-0123456789") == n && n > 0;
    if (integral) {
        errno = 0;
        long long i = strtoll(buf, &end, 10);
        if (!errno && *end == '\0') {
            v->type = QV_INT;
            v->i = i;
            return;
        }
    }
    double d = strtod(buf, &end);
    if (end == buf) {  /* not a number after all: as text */
        v->type = QV_TEXT;
        v->s = xstrndup(f->p, f->len);
        v->len = f->len;
        return;
    }
    if (isnan(d)) {
        v->type = QV_NULL;
        return;
    }
    v->type = QV_REAL;
    v->d = d;
}

static void text(const ch_field_t *f, qval_t *v)
{
    v->type = QV_TEXT;
    v->s = xstrndup(f->p, f->len);
    v->len = f->len;
}

int query_ch_run(ch_conn_t *c, const query_ch_plan_t *p, const query_run_opts_t *ro, qformat_t *out, int64_t *rows,
                 obs_err_t *err)
{
    buf_t body = { 0 };
    int rc = ch_exec(c, p->plan->sql, NULL, 0, &body, err);
    if (rc) {
        buf_free(&body);
        return rc;
    }
    int nfields = 0;
    for (int i = 0; i < p->plan->ncolumns; i++)
        nfields += p->kinds[i] == CHK_DYN ? 2 : 1;
    query_sink_t sink;
    query_sink_init(&sink, p->plan, ro, out);
    ch_tsv_t t;
    ch_tsv_init(&t, body.p ? body.p : "", body.len);
    qval_t *row = xcalloc((size_t)p->plan->ncolumns + 1, sizeof *row);
    while (ch_tsv_next(&t)) {
        if (t.nf != nfields) {
            rc = obs_err_set(err, OBS_EIO, "ClickHouse answered a row of %d fields, %d expected", t.nf, nfields);
            break;
        }
        int k = 0;
        for (int i = 0; i < p->plan->ncolumns; i++) {
            const ch_field_t *f = &t.f[k++];
            qval_t *v = &row[i];
            memset(v, 0, sizeof *v);
            if (p->kinds[i] == CHK_DYN) {
                const ch_field_t *ty = &t.f[k++];
                int type = ty->null || ty->len != 1 ? 0 : ty->p[0] - '0';
                if (f->null || type <= CH_JSON_MISSING || type > CH_JSON_JSON)
                    v->type = QV_NULL;
                else if (type == CH_JSON_INT || type == CH_JSON_REAL)
                    number(f, v);
                else
                    text(f, v);
                if (type == CH_JSON_REAL && v->type == QV_INT) {  /* 1.0 stays a real */
                    v->type = QV_REAL;
                    v->d = (double)v->i;
                }
            } else if (f->null) {
                v->type = QV_NULL;
            } else if (p->kinds[i] == CHK_NUM) {
                number(f, v);
            } else {
                text(f, v);
            }
        }
        if (query_sink_row(&sink, row))
            break;
    }
    if (!rc)
        query_sink_end(&sink);
    else
        query_sink_drop(&sink);
    *rows = sink.rows;
    free(row);
    ch_tsv_done(&t);
    buf_free(&body);
    return rc;
}
