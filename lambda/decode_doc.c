/* lambda/decode_doc.c — documents (see decode.h): placeholder until the
 * document decoders land; every document is refused. */
#include "lambda/decode_int.h"

decode_format_t decode__doc_sniff(const char *p, size_t n)
{
    (void)p;
    (void)n;
    return DECODE_AUTO;
}

int decode_document(decode_format_t f, const char *p, size_t n, decode_emit_fn emit, void *ctx,
                    obs_err_t *err)
{
    (void)p;
    (void)n;
    (void)emit;
    (void)ctx;
    return obs_err_set(err, OBS_EINVAL, "%s documents are not decoded yet", decode_format_name(f));
}
