/* skkd — SPDX-License-Identifier: ISC */
/* Base32 (RFC 4648 §6), upper case, no padding on output. */
#ifndef PROTO_BASE32_H
#define PROTO_BASE32_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Characters needed for len bytes, without padding and NUL. */
size_t	base32_encoded_len(size_t len);

/* Writes the text and a NUL to out (outlen >= encoded_len + 1); 0 or -1. */
int	base32_encode(const uint8_t *in, size_t len, char *out, size_t outlen);

/*
 * Decodes text of tlen characters, either case, trailing '=' padding
 * allowed. Rejects other characters and impossible lengths or non-zero
 * trailing bits. Returns the byte count, or -1 with *badpos set to the
 * offending character offset.
 */
ssize_t	base32_decode(const char *text, size_t tlen, uint8_t *out,
	    size_t outlen, size_t *badpos);

#endif
