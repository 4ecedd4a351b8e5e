/* skkd — SPDX-License-Identifier: ISC */
/*
 * Standard base64 (RFC 4648 §4) with '=' padding, as signed notes and
 * checkpoints use it. The decoder accepts only the canonical text: the
 * padding present, no other characters, zero trailing bits.
 */
#ifndef PROTO_BASE64_H
#define PROTO_BASE64_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Characters for len bytes, padding included, NUL excluded. */
size_t	base64_encoded_len(size_t len);

/* Writes the text and a NUL to out (outlen >= encoded_len + 1); 0 or -1. */
int	base64_encode(const uint8_t *in, size_t len, char *out, size_t outlen);

/*
 * Decodes tlen characters of text into out. Returns the byte count, or -1
 * with *badpos set to the offset of the offending character (tlen when
 * the length is impossible or out is too small).
 */
ssize_t	base64_decode(const char *text, size_t tlen, uint8_t *out,
	    size_t outlen, size_t *badpos);

#endif
