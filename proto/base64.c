/* skkd — SPDX-License-Identifier: ISC */
/*
 * Base64 (RFC 4648 §4): four characters for every three bytes, the last
 * group padded with '='. Decoding is strict so that one value has one
 * text: a signature or root hash cannot be written two ways.
 */

#include <string.h>

#include "base64.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
base64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

int
base64_encode(const uint8_t *in, size_t len, char *out, size_t outlen)
{
	size_t		i, o = 0;
	uint32_t	v;

	if (outlen < base64_encoded_len(len) + 1)
		return -1;
	for (i = 0; i < len; i += 3) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64_alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return 0;
}

static int
base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes one group of four; the number of bytes (1-3), or -1 at *bad. */
static int
base64_group(const char *t, int last, uint8_t b[3], size_t *bad)
{
	uint32_t	v = 0;
	int		i, d, pad = 0;

	for (i = 0; i < 4; i++) {
		if (last && i >= 2 && t[i] == '=' && (i == 3 || t[3] == '=')) {
			pad++;
			v <<= 6;
			continue;
		}
		if ((d = base64_value(t[i])) == -1) {
			*bad = (size_t)i;
			return -1;
		}
		v = v << 6 | (uint32_t)d;
	}
	if ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0)) {
		*bad = (size_t)(3 - pad);	/* the character with the bits */
		return -1;
	}
	b[0] = (uint8_t)(v >> 16);
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)v;
	return 3 - pad;
}

ssize_t
base64_decode(const char *text, size_t tlen, uint8_t *out, size_t outlen,
    size_t *badpos)
{
	uint8_t	b[3];
	size_t	i, o = 0, bad = 0;
	int	n;

	*badpos = tlen;
	if (tlen % 4 != 0)
		return -1;
	for (i = 0; i < tlen; i += 4) {
		n = base64_group(text + i, i + 4 == tlen, b, &bad);
		if (n == -1) {
			*badpos = i + bad;
			return -1;
		}
		if (o + (size_t)n > outlen) {
			*badpos = tlen;
			return -1;
		}
		memcpy(out + o, b, (size_t)n);
		o += (size_t)n;
	}
	return (ssize_t)o;
}
