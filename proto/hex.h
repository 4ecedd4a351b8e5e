/* skkd — SPDX-License-Identifier: ISC */
/* Lower-case hexadecimal, for key ids, pins, secrets and percent-escapes. */
#ifndef PROTO_HEX_H
#define PROTO_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Writes 2 * len digits and a NUL to out (2 * len + 1 bytes). */
void	hex_encode(const uint8_t *p, size_t len, char *out);
/* The value of one hex digit, either case; -1 if c is not one. */
int	hex_digit(int c);
/*
 * Decodes hexlen digits (either case, nothing else) into out: the byte
 * count, or -1 for an odd count, a non-digit or more than outlen bytes.
 */
ssize_t	hex_decode(const char *hex, size_t hexlen, uint8_t *out,
	    size_t outlen);

#endif
