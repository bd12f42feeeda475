/* tests/fuzz/fuzz_ch_url.c — libFuzzer target for the ClickHouse URL of
 * --forward and --engine (clickhouse/ch_url.c): any bytes as a URL must
 * not crash; a refusal has a message, which never repeats the password;
 * an accepted URL has a host, a port in 1..65535 and a database, and its
 * redacted form holds the password only where its shown fields spell it.
 *
 * Run with `make fuzz`; seeds in tests/fuzz/corpus/ch_url/. */
#include "clickhouse/ch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A password the messages' fixed text cannot hold by chance: 4 bytes or
 * more, one of them none the messages use (they interpolate no input). */
static int telling(const ch_url_t *u)
{
    if (!u->has_password || strlen(u->password) < 4)
        return 0;
    for (const unsigned char *c = (const unsigned char *)u->password; *c; c++)
        if (*c < 0x20 || *c >= 0x7f || strchr("#!~^*{}|<>?\"=&$`", *c))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    ch_url_t u;
    obs_err_t err = { 0 };
    if (ch_url_parse(s, &u, &err) != 0) {
        if (!err.msg[0])
            abort();
        if (telling(&u) && strstr(err.msg, u.password))
            abort();
    } else {
        if (!u.host[0] || u.port < 1 || u.port > 65535 || !u.database[0])
            abort();
        char red[400], shown[sizeof u.user + sizeof u.host + sizeof u.database + 16];
        ch_url_redacted(&u, red, sizeof red);
        /* The redacted form shows the user, host, port and database; a
         * password spelt by those fields' own bytes (user "ab", password
         * "b@h", host "h") is in it by chance, not by a leak. */
        snprintf(shown, sizeof shown, "%s@%s:%d/%s", u.user, u.host, u.port, u.database);
        if (telling(&u) && strstr(red, u.password) && !strstr(shown, u.password))
            abort();
    }
    free(s);
    return 0;
}
