/* tui/model_tail.c — the live tail: the newest events matching an obsq
 * filter expression (compiled by query/ into one planned statement; the
 * connection must have the query SQL functions registered), kept in a ring
 * of at most cap lines and extended by polling for events with a larger
 * id. Also the lines of one request (Enter on a tail line). */
#include "tui/model.h"
#include "common/xalloc.h"
#include "query/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The user's expression goes last, on a line of its own, so that an error
 * in it is reported at its own column. */
#define TAIL_FIELDS "fields @timestamp, @logStream, @requestId, @type, @message, @log\n"
#define TAIL_HIDE \
"| filter not ispresent(@type) or @type not in [\"START\", \"END\", \"REPORT\",\n" \
"  \"platform.start\", \"platform.report\", \"platform.runtimeDone\"]\n"
#define TAIL_PREFIX "| filter "

struct tail {
    tail_line_t *lines;      /* ring */
    int cap, head, n;        /* oldest at head */
    int64_t last_id;
    char *filter, *function;
    query_ast_t *ast;
    int reload;
};

tail_t *tail_new(int cap)
{
    tail_t *t = xcalloc(1, sizeof *t);
    t->cap = cap > 0 ? cap : 1;
    t->lines = xcalloc((size_t)t->cap, sizeof *t->lines);
    t->filter = xstrdup("");
    t->reload = 1;
    return t;
}

static void line_free(tail_line_t *l)
{
    free(l->stream);
    free(l->request_id);
    free(l->type);
    free(l->message);
    free(l->function);
    memset(l, 0, sizeof *l);
}

static void tail_clear(tail_t *t)
{
    for (int i = 0; i < t->n; i++)
        line_free(&t->lines[(t->head + i) % t->cap]);
    t->head = t->n = 0;
    t->last_id = 0;
}

void tail_free(tail_t *t)
{
    if (!t)
        return;
    tail_clear(t);
    free(t->lines);
    free(t->filter);
    free(t->function);
    query_ast_free(t->ast);
    free(t);
}

int tail_configure(tail_t *t, const char *filter, const char *function, int hide_platform,
                   obs_err_t *err)
{
    const char *expr = filter && *filter ? filter : "1 = 1";
    size_t len = strlen(TAIL_PREFIX) + strlen(expr) + strlen(TAIL_HIDE) + strlen(TAIL_FIELDS) + 1;
    char *text = xmalloc(len);
    snprintf(text, len, "%s%s%s%s", TAIL_FIELDS, hide_platform ? TAIL_HIDE : "", TAIL_PREFIX, expr);
    int expr_line = hide_platform ? 4 : 2;
    query_ast_t *ast = NULL;
    int rc = query_compile(text, strlen(text), &ast, err);
    free(text);
    if (rc) {
        query_ast_free(ast);
        if (err && err->line >= expr_line && err->col > (int)strlen(TAIL_PREFIX)) {
            err->line -= expr_line - 1;   /* the expression's own line and column */
            err->col -= (int)strlen(TAIL_PREFIX);
        } else if (err) {
            err->line = err->col = 0;
        }
        return rc;
    }
    /* filter and function may be t's own strings: copy before freeing */
    char *f = xstrdup(filter ? filter : ""), *fn = function ? xstrdup(function) : NULL;
    query_ast_free(t->ast);
    t->ast = ast;
    free(t->filter);
    t->filter = f;
    free(t->function);
    t->function = fn;
    t->reload = 1;
    return 0;
}

static char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *p = sqlite3_column_text(s, i);
    return p ? xstrndup((const char *)p, (size_t)sqlite3_column_bytes(s, i)) : NULL;
}

static void read_line(sqlite3_stmt *s, int ncols, tail_line_t *l)
{
    l->ts = sqlite3_column_int64(s, 0);
    l->stream = col_text(s, 1);
    l->request_id = col_text(s, 2);
    l->type = col_text(s, 3);
    l->message = col_text(s, 4);
    const char *group = (const char *)sqlite3_column_text(s, 5);   /* /aws/lambda/<function> */
    const char *slash = group ? strrchr(group, '/') : NULL;
    l->function = group ? xstrdup(slash ? slash + 1 : group) : NULL;
    l->id = sqlite3_column_int64(s, ncols);   /* with_ids: the event id follows */
}

/* Append (newest last, taking the line's strings); the oldest line goes
 * when the ring is full. */
static void push(tail_t *t, tail_line_t *in)
{
    tail_line_t *l;
    if (t->n == t->cap) {
        l = &t->lines[t->head];
        line_free(l);
        t->head = (t->head + 1) % t->cap;
    } else {
        l = &t->lines[(t->head + t->n++) % t->cap];
    }
    *l = *in;
}

static int64_t newest_id(sqlite3 *db)
{
    sqlite3_stmt *s;
    int64_t id = 0;
    if (sqlite3_prepare_v2(db, "SELECT max(id) FROM events", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            id = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    return id;
}

int tail_poll(tail_t *t, sqlite3 *db, obs_err_t *err)
{
    if (!t->ast && tail_configure(t, t->filter, t->function, 0, err))
        return OBS_EINVAL;
    if (t->reload) {
        tail_clear(t);
        t->reload = 0;
    }
    query_plan_opts_t o;
    memset(&o, 0, sizeof o);
    o.since_ms = o.until_ms = -1;
    o.functions = t->function ? (const char *const *)&t->function : NULL;
    o.nfunctions = t->function ? 1 : 0;
    o.max_rows = t->cap;          /* the newest cap matches, newest first */
    o.after_id = t->last_id;
    o.with_ids = 1;
    query_plan_t *plan = NULL;
    if (query_plan_build(t->ast, &o, &plan, err))
        return OBS_EINVAL;
    /* The next poll starts after the newest event of this one's snapshot
     * (not after the newest id shown: ids follow arrival, and the newest
     * matches by time need not hold the largest id), read in the same
     * transaction as the matches so that none is shown twice or missed. */
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    int64_t newest = newest_id(db);
    sqlite3_stmt *s;
    if (query_prepare_plan(db, plan, &s, err)) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        int rc = obs_err_set(err, OBS_EDB, "tail: %s", why);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        query_plan_free(plan);
        return rc;
    }
    /* rows come newest first: collect them, then append oldest first */
    int cap = 64, n = 0, rc;
    tail_line_t *got = xmalloc((size_t)cap * sizeof *got);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            cap *= 2;
            got = xrealloc(got, (size_t)cap * sizeof *got);
        }
        read_line(s, plan->ncolumns, &got[n++]);
    }
    if (rc != SQLITE_DONE)
        obs_err_set(err, OBS_EDB, "tail: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    query_plan_free(plan);
    if (rc == SQLITE_DONE && newest > t->last_id)
        t->last_id = newest;
    for (int i = n - 1; i >= 0; i--) {
        if (rc == SQLITE_DONE)
            push(t, &got[i]);
        else
            line_free(&got[i]);
    }
    free(got);
    return rc == SQLITE_DONE ? 0 : OBS_EDB;
}

int tail_count(const tail_t *t)
{
    return t->n;
}

const tail_line_t *tail_line(const tail_t *t, int i)
{
    return i >= 0 && i < t->n ? &t->lines[(t->head + i) % t->cap] : NULL;
}

const char *tail_filter(const tail_t *t)
{
    return t->filter;
}

int model_request_lines(sqlite3 *db, const char *request_id, char ***lines, int *n, obs_err_t *err)
{
    sqlite3_stmt *s;
    int rc = query_request_events(db, request_id, &s, err);
    int cap = 16;
    *n = 0;
    *lines = NULL;
    if (rc)
        return rc;
    *lines = xmalloc((size_t)cap * sizeof **lines);
    while (sqlite3_step(s) == SQLITE_ROW) {
        char ts[32];
        const char *m = (const char *)sqlite3_column_text(s, 3);
        qformat_time(sqlite3_column_int64(s, 0), ts);
        if (*n == cap) {
            cap *= 2;
            *lines = xrealloc(*lines, (size_t)cap * sizeof **lines);
        }
        size_t len = strlen(ts) + (m ? strlen(m) : 0) + 2;
        char *l = xmalloc(len);
        snprintf(l, len, "%s %s", ts + 11, m ? m : "");   /* HH:MM:SS.mmm */
        (*lines)[(*n)++] = l;
    }
    sqlite3_finalize(s);
    return 0;
}

void model_lines_free(char **lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}
