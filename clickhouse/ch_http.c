/* clickhouse/ch_http.c — statements over ClickHouse's HTTP interface (see
 * ch.h), through libcurl: POST to http(s)://HOST:PORT/?database=DB, the
 * user and password as HTTP basic authentication (never in the URL, never
 * printed), the statement as the body or, with data, in the query string.
 * A non-200 answer is ClickHouse refusing the statement: its message
 * ("Code: 60, e.displayText() = DB::Exception: Table ... doesn't exist")
 * becomes the error. */
#include "clickhouse/ch.h"
#include "common/xalloc.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ch_conn {
    CURL *curl;
    ch_url_t url;
    char base[512];
    long timeout_ms;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

int ch_tls_available(void)
{
    pthread_once(&global_once, global_init);
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    return v && (v->features & CURL_VERSION_SSL);
}

int ch_conn_new(const ch_url_t *u, long timeout_ms, ch_conn_t **out, obs_err_t *err)
{
    pthread_once(&global_once, global_init);
    *out = NULL;
    if (u->tls && !ch_tls_available())
        return obs_err_set(err, OBS_EINVAL, "https:// needs a libcurl with TLS, and this one has none");
    ch_conn_t *c = xcalloc(1, sizeof *c);
    c->url = *u;
    c->timeout_ms = timeout_ms;
    int v6 = strchr(u->host, ':') != NULL;
    snprintf(c->base, sizeof c->base, "%s://%s%s%s:%d/?database=%s", u->tls ? "https" : "http", v6 ? "[" : "",
             u->host, v6 ? "]" : "", u->port, u->database);
    c->curl = curl_easy_init();
    if (!c->curl) {
        free(c);
        return obs_err_set(err, OBS_EIO, "cannot start an HTTP client (libcurl)");
    }
    *out = c;
    return 0;
}

void ch_conn_free(ch_conn_t *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    memset(c->url.password, 0, sizeof c->url.password);
    free(c);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    buf_put(ud, p, size * n);
    return size * n;
}

/* ClickHouse's message, one line, at most what err holds. */
static int refused(obs_err_t *err, long status, const buf_t *body)
{
    const char *m = body->p ? body->p : "";
    size_t len = strcspn(m, "\n");
    while (len > 0 && (m[len - 1] == ' ' || m[len - 1] == '\r'))
        len--;
    /* "Code: 60, e.displayText() = DB::Exception: X, e.what() = ..." -> "Code 60: X" */
    const char *dx = strstr(m, "e.displayText() = ");
    int code = 0;
    sscanf(m, "Code: %d", &code);
    if (dx && dx < m + len) {
        const char *x = dx + 18;
        if (strncmp(x, "DB::Exception: ", 15) == 0)
            x += 15;
        const char *w = strstr(x, ", e.what() = ");
        size_t xl = w && w < m + len ? (size_t)(w - x) : (size_t)(m + len - x);
        return obs_err_set(err, OBS_EINVAL, "ClickHouse refused it (code %d): %.*s", code, (int)xl, x);
    }
    return obs_err_set(err, status >= 500 ? OBS_EIO : OBS_EINVAL, "ClickHouse answered HTTP %ld: %.*s", status,
                       (int)len, m);
}

int ch_exec(ch_conn_t *c, const char *sql, const void *body, size_t len, buf_t *resp, obs_err_t *err)
{
    CURL *k = c->curl;
    buf_t url = { 0 }, answer = { 0 };
    buf_cat(&url, c->base);
    if (body) {
        char *q = curl_easy_escape(k, sql, 0);
        buf_printf(&url, "&query=%s", q);
        curl_free(q);
    }
    curl_easy_reset(k);
    curl_easy_setopt(k, CURLOPT_URL, url.p);
    curl_easy_setopt(k, CURLOPT_POST, 1L);
    if (body) {
        curl_easy_setopt(k, CURLOPT_POSTFIELDS, (const char *)body);
        curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    } else {
        curl_easy_setopt(k, CURLOPT_POSTFIELDS, sql);
        curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(sql));
    }
    if (c->url.user[0] || c->url.has_password) {
        curl_easy_setopt(k, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(k, CURLOPT_USERNAME, c->url.user[0] ? c->url.user : "default");
        curl_easy_setopt(k, CURLOPT_PASSWORD, c->url.password);
    }
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/octet-stream");
    h = curl_slist_append(h, "Expect:");  /* no 100-continue round trip */
    curl_easy_setopt(k, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(k, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    if (c->timeout_ms > 0)
        curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    CURLcode rc = curl_easy_perform(k);
    long status = 0;
    curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    int ret = 0;
    char where[400];
    ch_url_redacted(&c->url, where, sizeof where);
    if (rc != CURLE_OK)
        ret = obs_err_set(err, OBS_EIO, "ClickHouse at %s: %s", where, curl_easy_strerror(rc));
    else if (status != 200)
        ret = refused(err, status, &answer);
    else if (resp)
        buf_put(resp, answer.p ? answer.p : "", answer.len);
    buf_free(&answer);
    buf_free(&url);
    return ret;
}

int ch_server_version(ch_conn_t *c, int *major, int *minor, obs_err_t *err)
{
    buf_t r = { 0 };
    int rc = ch_exec(c, "SELECT version()", NULL, 0, &r, err);
    if (!rc && (!r.p || sscanf(r.p, "%d.%d", major, minor) != 2))
        rc = obs_err_set(err, OBS_EIO, "ClickHouse gave no version");
    buf_free(&r);
    return rc;
}
