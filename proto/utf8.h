/* skkd — SPDX-License-Identifier: ISC */
/*
 * UTF-8 (RFC 3629) as every decoder here accepts it: shortest forms
 * only, no surrogates, nothing above U+10FFFF.
 */
#ifndef PROTO_UTF8_H
#define PROTO_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1-4) of the sequence at p, of at most left (>= 1) bytes,
 * with its code point in *cp unless cp is NULL; 0 when it is malformed,
 * truncated, overlong, a surrogate or above U+10FFFF.
 */
size_t	utf8_next(const unsigned char *p, size_t left, uint32_t *cp);

#endif
