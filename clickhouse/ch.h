/* clickhouse/ch.h — the ClickHouse client that obsagent's forwarder and
 * obsq's ClickHouse engine share: the URL they are given (ch_url.c, pure),
 * statements over ClickHouse's HTTP interface through libcurl (ch_http.c),
 * literals quoted for its SQL (ch_quote.c), the RowBinary rows the
 * forwarder inserts (ch_rowbin.c) and the TabSeparated rows a query returns
 * (ch_tsv.c, pure). It knows nothing of the store or the query language. */
#ifndef OBS_CLICKHOUSE_CH_H
#define OBS_CLICKHOUSE_CH_H

#include "common/buf.h"
#include "common/err.h"

#include <stddef.h>
#include <stdint.h>

/* ---- ch_url.c: clickhouse://[user[:password]@]HOST:PORT/DATABASE ---------- */

/* The environment variable a password is read from when the URL has none. */
#define CH_PASSWORD_ENV "OBS_CLICKHOUSE_PASSWORD"

typedef struct ch_url {
    int tls;                  /* https:// (clickhouse:// and http:// are plain HTTP) */
    char user[128];           /* "" = ClickHouse's default user */
    char password[256];       /* never printed (ch_url_redacted) */
    int has_password;
    char host[256];           /* a name, an IPv4 address, or an IPv6 one without [] */
    int port;
    char database[128];       /* letters, digits and '_' */
} ch_url_t;

/* Parse s: 0, or OBS_EINVAL with what is wrong (the password never in the
 * message). Schemes: clickhouse:// and http:// (plain), https:// (TLS).
 * %XX escapes are decoded in the user and the password. Pure. */
int ch_url_parse(const char *s, ch_url_t *out, obs_err_t *err);
/* Take the password from $OBS_CLICKHOUSE_PASSWORD when the URL has none. */
void ch_url_password_from_env(ch_url_t *u);
/* The URL without its password: "clickhouse://user@host:port/db". */
void ch_url_redacted(const ch_url_t *u, char *out, size_t n);

/* ---- ch_quote.c: ClickHouse SQL literals ---------------------------------- */

/* s (n bytes, any bytes) as a quoted ClickHouse string literal: '...' with
 * backslash escapes, so that no byte of s can end the literal. */
void ch_quote(buf_t *b, const char *s, size_t n);
/* A database or table name as a quoted identifier (`name`). */
void ch_quote_ident(buf_t *b, const char *s);

/* ---- ch_http.c: statements over HTTP -------------------------------------- */

typedef struct ch_conn ch_conn_t;

/* A connection (libcurl's, reused between statements). The URL is copied.
 * timeout_ms bounds each statement (0: none). */
int ch_conn_new(const ch_url_t *u, long timeout_ms, ch_conn_t **out, obs_err_t *err);
void ch_conn_free(ch_conn_t *c);
/* Does this libcurl speak TLS (can https:// work)? */
int ch_tls_available(void);

/* Run one statement in the URL's database. With body (len bytes), the
 * statement goes in the URL and the body is its data (INSERT ... FORMAT
 * RowBinary); else the statement is the body. The answer's bytes are
 * appended to resp (may be NULL). 0; OBS_EIO when ClickHouse could not be
 * reached or did not answer; OBS_EINVAL when it refused the statement (its
 * message, first line, in err). */
int ch_exec(ch_conn_t *c, const char *sql, const void *body, size_t len, buf_t *resp, obs_err_t *err);
/* Ask for the server's version "major.minor..." into out: 0 or an error. */
int ch_server_version(ch_conn_t *c, int *major, int *minor, obs_err_t *err);

/* ---- ch_rowbin.c: RowBinary values --------------------------------------- */

void ch_rb_u8(buf_t *b, unsigned v);
void ch_rb_u16(buf_t *b, unsigned v);
void ch_rb_u32(buf_t *b, uint32_t v);
void ch_rb_u64(buf_t *b, uint64_t v);
void ch_rb_i64(buf_t *b, int64_t v);
void ch_rb_f64(buf_t *b, double v);
/* a length (LEB128) */
void ch_rb_varint(buf_t *b, uint64_t v);
void ch_rb_str(buf_t *b, const char *s, size_t n);
/* Nullable: the flag byte, then (present) the value */
void ch_rb_nstr(buf_t *b, const char *s, size_t n);    /* s NULL: NULL */
void ch_rb_nf64(buf_t *b, double v);                    /* NaN: NULL */
void ch_rb_ni64(buf_t *b, int64_t v, int present);
void ch_rb_nu8(buf_t *b, unsigned v, int present);
void ch_rb_nu32(buf_t *b, uint32_t v, int present);

/* ---- ch_json.c: JSON fields as key/value arrays -------------------------- */

/* What a JSON value reads as in SQLite's json_extract(), which the SQLite
 * engine uses: the ClickHouse rows keep this type beside the value's text
 * so that both engines give the same typed answer. */
enum ch_json_type {
    CH_JSON_MISSING = 0,      /* no such key (ClickHouse's default for a missing index) */
    CH_JSON_INT = 1,          /* an integer (true and false are 1 and 0) */
    CH_JSON_REAL = 2,         /* a number with a fraction or exponent, or too large */
    CH_JSON_TEXT = 3,         /* a string, unescaped */
    CH_JSON_JSON = 4,         /* an object or array: its text without the blanks
                                 between tokens, as json_extract() returns it */
};

/* Called for every value below the root object but null ones, in document
 * order but for an object or array, which comes after the values inside
 * it: its key (the path's segments joined by '.', see ch_json_key_add),
 * its type and its text. A return other than 0 stops the walk. */
typedef int (*ch_json_fn)(void *ctx, const char *key, size_t klen, int type, const char *v, size_t vlen);

/* Walk the JSON object in [p, p + n). 0; 1 when it is not a JSON object (or
 * nests deeper than 128: what is below is left out); fn's value when it
 * stopped the walk. Pure; fuzzed. */
int ch_json_flatten(const char *p, size_t n, ch_json_fn fn, void *ctx);

/* Append one path segment to a key (a '.' before it unless the key is
 * empty): a segment of digits is an array index, written as is; an object's
 * member name has '\' and '.' escaped with '\', and one made of digits (or
 * empty) gets a '\' in front. The query engine builds a field's key from
 * the segments of its name (a.b[0].c) with the same function. */
void ch_json_key_add(buf_t *key, const char *seg, size_t n, int index);

/* ---- ch_tsv.c: TabSeparated rows ------------------------------------------ */

/* One field of a row: the bytes, unescaped (owned by the reader until the
 * next row), or null for \N. */
typedef struct ch_field {
    const char *p;
    size_t len;
    int null;
} ch_field_t;

typedef struct ch_tsv {
    const char *p, *end;      /* what is left to read */
    buf_t field;              /* the current row, unescaped, fields back to back */
    ch_field_t *f;
    int nf, cap;
} ch_tsv_t;

void ch_tsv_init(ch_tsv_t *t, const char *p, size_t n);
/* The next row into t->f[0 .. t->nf): 1, or 0 at the end. Pure. */
int ch_tsv_next(ch_tsv_t *t);
void ch_tsv_done(ch_tsv_t *t);

#endif
