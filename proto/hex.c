/* skkd — SPDX-License-Identifier: ISC */
/*
 * Hexadecimal digits, shared so that every module spells key ids, pins
 * and secrets the same way.
 */

#include "hex.h"

void
hex_encode(const uint8_t *p, size_t len, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t
hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t outlen)
{
	size_t	i;
	int	hi, lo;

	if (hexlen % 2 != 0 || hexlen / 2 > outlen)
		return -1;
	for (i = 0; i < hexlen / 2; i++) {
		hi = hex_digit((unsigned char)hex[2 * i]);
		lo = hex_digit((unsigned char)hex[2 * i + 1]);
		if (hi == -1 || lo == -1)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (ssize_t)(hexlen / 2);
}
