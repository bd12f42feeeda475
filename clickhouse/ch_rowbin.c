/* clickhouse/ch_rowbin.c — values in ClickHouse's RowBinary format (see
 * ch.h): fixed-width numbers little-endian, strings and arrays after their
 * length in LEB128, a Nullable as a flag byte (1: NULL) then the value. The
 * forwarder's rows are written in it: no escaping, any bytes. */
#include "clickhouse/ch.h"

#include <math.h>
#include <string.h>

static void le(buf_t *b, uint64_t v, int n)
{
    char x[8];
    for (int i = 0; i < n; i++)
        x[i] = (char)(v >> (8 * i));
    buf_put(b, x, (size_t)n);
}

void ch_rb_u8(buf_t *b, unsigned v) { le(b, v, 1); }
void ch_rb_u16(buf_t *b, unsigned v) { le(b, v, 2); }
void ch_rb_u32(buf_t *b, uint32_t v) { le(b, v, 4); }
void ch_rb_u64(buf_t *b, uint64_t v) { le(b, v, 8); }
void ch_rb_i64(buf_t *b, int64_t v) { le(b, (uint64_t)v, 8); }

void ch_rb_f64(buf_t *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    le(b, u, 8);
}

void ch_rb_varint(buf_t *b, uint64_t v)
{
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        if (v)
            c |= 0x80;
        buf_putc(b, (char)c);
    } while (v);
}

void ch_rb_str(buf_t *b, const char *s, size_t n)
{
    ch_rb_varint(b, n);
    if (n)
        buf_put(b, s, n);
}

void ch_rb_nstr(buf_t *b, const char *s, size_t n)
{
    ch_rb_u8(b, s == NULL);
    if (s)
        ch_rb_str(b, s, n);
}

void ch_rb_nf64(buf_t *b, double v)
{
    ch_rb_u8(b, isnan(v));
    if (!isnan(v))
        ch_rb_f64(b, v);
}

void ch_rb_ni64(buf_t *b, int64_t v, int present)
{
    ch_rb_u8(b, !present);
    if (present)
        ch_rb_i64(b, v);
}

void ch_rb_nu32(buf_t *b, uint32_t v, int present)
{
    ch_rb_u8(b, !present);
    if (present)
        ch_rb_u32(b, v);
}

void ch_rb_nu8(buf_t *b, unsigned v, int present)
{
    ch_rb_u8(b, !present);
    if (present)
        ch_rb_u8(b, v);
}
