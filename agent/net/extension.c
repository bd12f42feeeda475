/* agent/net/extension.c — the Extensions API and Telemetry API client of
 * --extension mode (extension.h), on libcurl. Requests are small and few:
 * register, subscribe, and event/next in a loop (which blocks until Lambda
 * has an event: no timeout; a stop flag aborts it through curl's progress
 * callback, which runs about once a second while waiting). SHUTDOWN stops
 * follow mode through follow_request_stop(). */
#include "agent/net/extension.h"
#include "agent/tail/tail.h"
#include "common/buf.h"
#include "common/xalloc.h"
#include "common/log.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define API_EXTENSION "2020-01-01"
#define API_TELEMETRY "2022-07-01"
#define SCHEMA_VERSION "2022-12-13"   /* function records as objects in the JSON log format */

struct extension {
    char base[256];            /* http://$AWS_LAMBDA_RUNTIME_API */
    char id[128];              /* Lambda-Extension-Identifier */
    pthread_t thread;
    int started;
    volatile sig_atomic_t stop;
};

typedef struct response {
    buf_t body;
    char id[128];              /* a Lambda-Extension-Identifier header, if any */
    long status;
} response_t;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    buf_put(ud, p, size * n);
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    response_t *r = ud;
    size_t len = size * n;
    static const char name[] = "Lambda-Extension-Identifier:";
    if (len > sizeof name - 1 && strncasecmp(p, name, sizeof name - 1) == 0) {
        const char *v = p + sizeof name - 1;
        size_t vl = len - (sizeof name - 1);
        while (vl && (*v == ' ' || *v == '\t'))
            v++, vl--;
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
            vl--;
        snprintf(r->id, sizeof r->id, "%.*s", (int)vl, v);
    }
    return len;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    const extension_t *x = ud;
    return x->stop;   /* non-zero aborts the transfer */
}

/* One request; headers: NULL-terminated "Name: value" strings. */
static int call(extension_t *x, const char *method, const char *path, const char *const *headers,
                const char *body, response_t *r, obs_err_t *err)
{
    char url[512];
    snprintf(url, sizeof url, "%s/%s", x->base, path);
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    if (!c)
        return obs_err_set(err, OBS_EIO, "cannot start an HTTP client");
    struct curl_slist *h = NULL;
    for (int i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        buf_free(&r->body);
        return obs_err_set(err, OBS_EIO, "%s %s: %s", method, url, curl_easy_strerror(rc));
    }
    return 0;
}

int extension_register(const char *runtime_api, const char *name, extension_t **out, char *function,
                       size_t n, obs_err_t *err)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    extension_t *x = xcalloc(1, sizeof *x);
    snprintf(x->base, sizeof x->base, "http://%s", runtime_api);
    char hname[256];
    snprintf(hname, sizeof hname, "Lambda-Extension-Name: %s", name);
    const char *headers[] = { hname, "Content-Type: application/json", NULL };
    response_t r;
    int rc = call(x, "POST", API_EXTENSION "/extension/register", headers, "{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}",
                  &r, err);
    if (!rc && (r.status != 200 || !r.id[0]))
        rc = obs_err_set(err, OBS_EIO, "registering as extension %s: HTTP %ld%s%.*s", name, r.status,
                         r.id[0] ? ": " : " without Lambda-Extension-Identifier: ", (int)r.body.len,
                         r.body.p ? r.body.p : "");
    if (!rc) {
        snprintf(x->id, sizeof x->id, "%s", r.id);
        cJSON *j = cJSON_ParseWithLength(r.body.p ? r.body.p : "", r.body.len);
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(j, "functionName");
        snprintf(function, n, "%s", cJSON_IsString(fn) ? fn->valuestring : "");
        cJSON_Delete(j);
    }
    if (!r.status && !rc)
        rc = OBS_EIO;
    buf_free(&r.body);
    if (rc) {
        free(x);
        return rc;
    }
    *out = x;
    return 0;
}

/* Tell Lambda the extension failed to initialise (it then fails the init). */
static void init_error(extension_t *x, const char *type, const char *message)
{
    char hid[200], htype[200];
    snprintf(hid, sizeof hid, "Lambda-Extension-Identifier: %s", x->id);
    snprintf(htype, sizeof htype, "Lambda-Extension-Function-Error-Type: %s", type);
    const char *headers[] = { hid, htype, "Content-Type: application/json", NULL };
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "errorMessage", message);
    cJSON_AddStringToObject(b, "errorType", type);
    char *body = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    response_t r;
    obs_err_t ignored;
    if (call(x, "POST", API_EXTENSION "/extension/init/error", headers, body, &r, &ignored) == 0)
        buf_free(&r.body);
    free(body);
}

int extension_subscribe(extension_t *x, const char *destination, obs_err_t *err)
{
    char hid[200];
    snprintf(hid, sizeof hid, "Lambda-Extension-Identifier: %s", x->id);
    const char *headers[] = { hid, "Content-Type: application/json", NULL };
    char body[1024];
    snprintf(body, sizeof body,
             "{\"schemaVersion\":\"" SCHEMA_VERSION "\",\"types\":[\"platform\",\"function\",\"extension\"],"
             "\"buffering\":{\"maxItems\":1000,\"maxBytes\":262144,\"timeoutMs\":100},"
             "\"destination\":{\"protocol\":\"HTTP\",\"URI\":\"%s\"}}", destination);
    response_t r;
    int rc = call(x, "PUT", API_TELEMETRY "/telemetry", headers, body, &r, err);
    if (!rc && r.status != 200 && r.status != 202)
        rc = obs_err_set(err, OBS_EIO, "subscribing to the Telemetry API: HTTP %ld: %.*s", r.status,
                         (int)r.body.len, r.body.p ? r.body.p : "");
    buf_free(&r.body);
    if (rc)
        init_error(x, "Extension.SubscribeFailed", err->msg);
    return rc;
}

/* SHUTDOWN: Lambda may still deliver the last telemetry batch; wait a
 * little (well inside the 2 s Lambda gives external extensions), then stop
 * the agent as SIGTERM does. */
static void shutdown_agent(void)
{
    struct timespec d = { 0, 300 * 1000000L };
    nanosleep(&d, NULL);
    follow_request_stop();
}

static void *event_loop(void *arg)
{
    extension_t *x = arg;
    char hid[200];
    snprintf(hid, sizeof hid, "Lambda-Extension-Identifier: %s", x->id);
    const char *headers[] = { hid, NULL };
    while (!x->stop) {
        response_t r;
        obs_err_t err;
        if (call(x, "GET", API_EXTENSION "/extension/event/next", headers, NULL, &r, &err) != 0) {
            if (!x->stop) {
                obs_log(OBS_LOG_ERROR, "extension: %s; stopping", err.msg);
                follow_request_stop();
            }
            return NULL;
        }
        cJSON *j = cJSON_ParseWithLength(r.body.p ? r.body.p : "", r.body.len);
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "eventType");
        int shutdown = r.status != 200 || (cJSON_IsString(type) && strcmp(type->valuestring, "SHUTDOWN") == 0);
        if (r.status != 200)
            obs_log(OBS_LOG_ERROR, "extension: event/next answered HTTP %ld; stopping", r.status);
        cJSON_Delete(j);
        buf_free(&r.body);
        if (shutdown) {
            shutdown_agent();
            return NULL;
        }
    }
    return NULL;
}

int extension_run(extension_t *x, obs_err_t *err)
{
    if (pthread_create(&x->thread, NULL, event_loop, x) != 0)
        return obs_err_set(err, OBS_EIO, "cannot start the extension's event thread");
    x->started = 1;
    return 0;
}

const char *extension_id(const extension_t *x)
{
    return x->id;
}

void extension_free(extension_t *x)
{
    if (!x)
        return;
    x->stop = 1;
    if (x->started)
        pthread_join(x->thread, NULL);
    free(x);
    curl_global_cleanup();
}
