/* tui/normalize.c — error-message grouping key (normalize.h). A "word" is
 * a run of letters, digits and the joiners . : - _ / +; a word with a
 * decimal digit in it (a count, a time, a request id, a UUID, an address)
 * is replaced by "#", and so is a run of such words ("2024-01-01T00:00:00Z
 * c0ffee-..." becomes "# #"). Words without digits, punctuation and
 * non-ASCII bytes are kept; whitespace collapses to one space. */
#include "tui/normalize.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == ':' || c == '-' || c == '_' || c == '/' || c == '+';
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Append n bytes if they fit (keeping room for the NUL). */
static void put(char *out, size_t cap, size_t *o, const char *p, size_t n)
{
    if (*o + n + 1 > cap)
        n = cap > *o + 1 ? cap - *o - 1 : 0;
    memcpy(out + *o, p, n);
    *o += n;
}

/* Length of the UTF-8 sequence a lead byte starts (1 for anything else). */
static size_t seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

size_t normalize_message(const char *msg, size_t len, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    int space = 0, last_hash = 0;
    if (cap == 0)
        return 0;
    while (i < len) {
        unsigned char c = (unsigned char)msg[i];
        if (is_space(c)) {
            space = o > 0;
            i++;
            continue;
        }
        size_t j = i + 1;
        int digit = c >= '0' && c <= '9';
        if (is_word(c))
            for (; j < len && is_word((unsigned char)msg[j]); j++)
                digit |= msg[j] >= '0' && msg[j] <= '9';
        if (digit && last_hash) {   /* "# #" is one "#" */
            i = j;
            space = 0;
            continue;
        }
        if (space)
            put(out, cap, &o, " ", 1);
        space = 0;
        if (digit)
            put(out, cap, &o, "#", 1);
        else
            put(out, cap, &o, msg + i, j - i);
        last_hash = digit;
        i = j;
    }
    /* a sequence cut by the cap is dropped whole */
    size_t k = o;
    while (k > 0 && o - k < 4 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
        k--;
    if (k > 0 && (unsigned char)out[k - 1] >= 0xC0 && o - (k - 1) < seq_len((unsigned char)out[k - 1]))
        o = k - 1;
    out[o] = '\0';
    return o;
}

static const char *str_field(const cJSON *o, const char *const *names)
{
    for (; *names; names++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, *names);
        if (cJSON_IsString(v) && v->valuestring[0])
            return v->valuestring;
    }
    return NULL;
}

size_t normalize_error_key(const char *msg, size_t len, long long json_at, char *out, size_t cap)
{
    static const char *const type_names[] = { "errorType", "error_type", NULL };
    static const char *const msg_names[] = { "errorMessage", "message", "msg", "error", NULL };
    static const char *const status_names[] = { "status", NULL };
    if (json_at < 0 || (size_t)json_at >= len)
        return normalize_message(msg, len, out, cap);
    cJSON *j = cJSON_ParseWithLength(msg + json_at, len - (size_t)json_at);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return normalize_message(msg, len, out, cap);
    }
    char text[512];
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(j, "record");
    const char *type = str_field(j, (const char *const[]){ "type", NULL });
    if (type && strncmp(type, "platform.", 9) == 0 && cJSON_IsObject(rec)) {
        const char *st = str_field(rec, status_names), *et = str_field(rec, type_names);
        snprintf(text, sizeof text, "%s %s%s%s", type, st ? st : "", et ? " " : "", et ? et : "");
    } else {
        const char *et = str_field(j, type_names), *m = str_field(j, msg_names);
        if (!et && !m) {
            cJSON_Delete(j);
            return normalize_message(msg, len, out, cap);
        }
        snprintf(text, sizeof text, "%s%s%s", et ? et : "", et && m ? ": " : "", m ? m : "");
    }
    cJSON_Delete(j);
    return normalize_message(text, strlen(text), out, cap);
}
