/* skkd — SPDX-License-Identifier: ISC */
/* Lower-case hexadecimal, for key ids, pins, secrets and percent-escapes. */
#ifndef PROTO_HEX_H
#define PROTO_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2 * len digits and a NUL to out (2 * len + 1 bytes). */
void	hex_encode(const uint8_t *p, size_t len, char *out);
/* The value of one hex digit, either case; -1 if c is not one. */
int	hex_digit(int c);
/* Exactly 2 * len digits of text, either case, into out; 0 or -1. */
int	hex_decode(const char *text, uint8_t *out, size_t len);

#endif
