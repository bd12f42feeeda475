/* tests/fuzz/fuzz_query.c — libFuzzer target for the query front end: any
 * bytes in, query_parse, then query_check, then query_ast_dump and
 * query_error_print must not crash, overflow the stack, read past the text
 * or leak; an error must carry a position inside the text.
 *
 * Run with `make fuzz` (FUZZ_SECONDS=60); seeds in tests/fuzz/corpus/query/.
 */
#include "../../query/check.h"
#include "../../query/errfmt.h"
#include "../../query/parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so ASan sees any read past the end */
    char *text = malloc(size ? size : 1);
    if (size)
        memcpy(text, data, size);
    query_ast_t *q = NULL;
    obs_err_t err = { 0 };
    int rc = query_parse(text, size, &q, &err);
    if (rc == 0) {
        if (!q || q->ncmds < 1)
            abort();
        rc = query_check(q, &err);
        char *d = query_ast_dump(q);
        if (!d)
            abort();
        free(d);
    } else if (q) {
        abort();
    }
    if (rc) {
        if (err.code != OBS_EINVAL || err.line < 1 || err.col < 1 || !err.msg[0])
            abort();
        FILE *devnull = fopen("/dev/null", "w");
        if (devnull) {
            /* the printer wants a NUL-terminated text */
            char *z = malloc(size + 1);
            memcpy(z, data, size);
            z[size] = '\0';
            query_error_print(devnull, z, &err);
            free(z);
            fclose(devnull);
        }
    }
    query_ast_free(q);
    free(text);
    return 0;
}
