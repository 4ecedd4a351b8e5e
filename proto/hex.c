/* skkd — SPDX-License-Identifier: ISC */
/*
 * Hexadecimal digits, shared so that every module spells key ids, pins
 * and secrets the same way.
 */

#include <string.h>

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

int
hex_decode(const char *text, uint8_t *out, size_t len)
{
	size_t	i;
	int	hi, lo;

	if (strlen(text) != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		if ((hi = hex_digit(text[2 * i])) == -1 ||
		    (lo = hex_digit(text[2 * i + 1])) == -1)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
