/* skkd — SPDX-License-Identifier: ISC */
/*
 * Base32 (RFC 4648 §6) for the QR payload. Upper case and no padding on
 * output, so the QR code can use alphanumeric mode; the decoder takes
 * either case because phones and people lower-case URLs.
 */

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base32.h"

static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Value of one character, or -1. */
static int
base32_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

size_t
base32_encoded_len(size_t len)
{
	return (len / 5) * 8 + (len % 5 * 8 + 4) / 5;
}

int
base32_encode(const uint8_t *in, size_t len, char *out, size_t outlen)
{
	uint32_t	buf = 0;
	size_t		i, o = 0;
	int		bits = 0;

	if (outlen < base32_encoded_len(len) + 1)
		return -1;
	for (i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = base32_alphabet[(buf >> bits) & 31];
		}
	}
	if (bits > 0)
		out[o++] = base32_alphabet[(buf << (5 - bits)) & 31];
	out[o] = '\0';
	return 0;
}

/*
 * Length of the text without its padding, or -1 with *badpos set when the
 * padding does not complete a group of 8 exactly as RFC 4648 writes it.
 */
static ssize_t
base32_strip_padding(const char *text, size_t tlen, size_t *badpos)
{
	size_t	n = tlen, pad;

	while (n > 0 && text[n - 1] == '=')
		n--;
	pad = tlen - n;
	if (pad == 0)
		return (ssize_t)n;
	if (tlen % 8 != 0 || pad != (8 - n % 8) % 8) {
		*badpos = n;
		return -1;
	}
	return (ssize_t)n;
}

ssize_t
base32_decode(const char *text, size_t tlen, uint8_t *out, size_t outlen,
    size_t *badpos)
{
	size_t		 dummy, n, i, o = 0;
	ssize_t		 stripped;
	uint32_t	 buf = 0;
	int		 bits = 0;

	if (badpos == NULL)
		badpos = &dummy;
	if ((stripped = base32_strip_padding(text, tlen, badpos)) == -1)
		return -1;
	n = (size_t)stripped;
	for (i = 0; i < n; i++) {
		if (base32_value((unsigned char)text[i]) == -1) {
			*badpos = i;
			return -1;
		}
	}
	/* 1, 3 or 6 characters left over cannot come from whole bytes. */
	if (n % 8 == 1 || n % 8 == 3 || n % 8 == 6) {
		*badpos = n - 1;
		return -1;
	}
	if (n * 5 / 8 > outlen || n * 5 / 8 > SSIZE_MAX) {
		*badpos = tlen;
		return -1;
	}
	for (i = 0; i < n; i++) {
		buf = (buf << 5) | (uint32_t)base32_value((unsigned char)text[i]);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (buf >> bits) & 0xff;
		}
	}
	/* The unused low bits of the last character must be zero (canonical). */
	if (bits > 0 && (buf & ((1u << bits) - 1)) != 0) {
		*badpos = n - 1;
		return -1;
	}
	return (ssize_t)o;
}
