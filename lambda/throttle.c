/* lambda/throttle.c — throttle signal detection (see throttle.h).
 *
 * Speed matters: every application line goes through here and almost none
 * match. One pass looks at byte pairs that can start a pattern ("Ba", "Pr",
 * "Re", "Ra", "Sl", "Th", "To"); only there are the patterns compared. */
#include "lambda/throttle.h"

#include <cjson/cJSON.h>
#include <string.h>

typedef struct pattern {
    const char *text;
    unsigned char len;
    unsigned char word;   /* must stand alone (no letter/digit/_ either side) */
    unsigned char rank;   /* lower = more specific */
    const char *name;
} pattern_t;

/* Ranks; HTTP429 sits between the error codes and the generic phrases. */
enum { RANK_HTTP429 = 10, RANK_NONE = 255 };

#define PAT(s, w, r, n) { s, sizeof(s) - 1, w, r, n }
static const pattern_t patterns[] = {
    PAT("ProvisionedThroughputExceededException", 0, 0, "ProvisionedThroughputExceededException"),
    PAT("TooManyRequestsException", 0, 1, "TooManyRequestsException"),
    PAT("ThrottlingException", 0, 2, "ThrottlingException"),
    PAT("RequestLimitExceeded", 0, 3, "RequestLimitExceeded"),
    PAT("BandwidthLimitExceeded", 0, 4, "BandwidthLimitExceeded"),
    PAT("RequestThrottledException", 0, 5, "RequestThrottledException"),
    PAT("ThrottledException", 0, 6, "ThrottledException"),
    PAT("RequestThrottled", 0, 7, "RequestThrottled"),
    PAT("SlowDown", 1, 8, "SlowDown"),
    PAT("Throttling", 1, 9, "Throttling"),
    PAT("Rate exceeded", 0, 11, "RateExceeded"),
    PAT("Rate Exceeded", 0, 11, "RateExceeded"),
    PAT("Too Many Requests", 0, 12, "TooManyRequests"),
};
#undef PAT

static int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* Can the two bytes a, b start a pattern? Rejects nearly every capital
 * letter of ordinary text before any pattern is compared. */
static int candidate(unsigned char a, unsigned char b)
{
    switch (a) {
    case 'B': return b == 'a';
    case 'P': return b == 'r';
    case 'R': return b == 'e' || b == 'a';
    case 'S': return b == 'l';
    case 'T': return b == 'h' || b == 'o';
    default: return 0;
    }
}

/* Lowest-ranked text pattern in the line, as an index into patterns[], or -1. */
static int scan_text(const char *line, size_t len)
{
    const unsigned char *s = (const unsigned char *)line;
    int best = -1;
    for (size_t i = 0; i + 1 < len; i++) {
        if (!candidate(s[i], s[i + 1]))
            continue;
        for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++) {
            const pattern_t *p = &patterns[k];
            if (len - i < p->len || s[i + 1] != (unsigned char)p->text[1] ||
                memcmp(s + i, p->text, p->len) != 0)
                continue;
            if (p->word && ((i > 0 && is_word(s[i - 1])) ||
                            (i + p->len < len && is_word(s[i + p->len]))))
                continue;
            if (best < 0 || p->rank < patterns[best].rank)
                best = (int)k;
            if (p->rank == 0)
                return best;
        }
    }
    return best;
}

static int is_429(const cJSON *v)
{
    if (cJSON_IsNumber(v))
        return v->valuedouble == 429.0;
    return cJSON_IsString(v) && strcmp(v->valuestring, "429") == 0;
}

/* API Gateway access-log record throttled at the gateway or the integration. */
static int access_log_429(const cJSON *tree)
{
    static const char *const req_keys[] = {
        "httpMethod", "routeKey", "resourcePath", "path", "protocol", "requestTime",
    };
    if (!cJSON_IsObject(tree))
        return 0;
    if (is_429(cJSON_GetObjectItemCaseSensitive(tree, "integrationStatus")) ||
        is_429(cJSON_GetObjectItemCaseSensitive(tree, "integration.status")))
        return 1;
    const cJSON *integ = cJSON_GetObjectItemCaseSensitive(tree, "integration");
    if (cJSON_IsObject(integ) && is_429(cJSON_GetObjectItemCaseSensitive(integ, "status")))
        return 1;
    if (!is_429(cJSON_GetObjectItemCaseSensitive(tree, "status")))
        return 0;
    for (size_t k = 0; k < sizeof req_keys / sizeof req_keys[0]; k++)
        if (cJSON_GetObjectItemCaseSensitive(tree, req_keys[k]))
            return 1;
    return 0;
}

const char *throttle_detect(const char *line, size_t len, const struct cJSON *tree)
{
    int best = line ? scan_text(line, len) : -1;
    if (best >= 0 && patterns[best].rank < RANK_HTTP429)
        return patterns[best].name;
    if (tree && access_log_429(tree))
        return "HTTP429";
    return best >= 0 ? patterns[best].name : NULL;
}
