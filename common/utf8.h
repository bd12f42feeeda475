/* common/utf8.h — UTF-8 validation (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). Pure. */
#ifndef OBS_UTF8_H
#define OBS_UTF8_H

#include <stddef.h>

/* 1 when s[0..len) is valid UTF-8 (NUL bytes count as valid). */
int utf8_valid(const char *s, size_t len);

#endif
