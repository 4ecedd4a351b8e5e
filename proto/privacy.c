/* skkd — SPDX-License-Identifier: ISC */
/*
 * Masking and comparing holders' names for anonymous checks. Numbers are
 * sequential, so whatever a check by number alone answers can be read for
 * every number in turn: the masked name says which card it is without
 * making the register a list of names.
 */

#include <string.h>

#include "privacy.h"
#include "utf8.h"

static int
privacy_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Bytes of the character at p (at least 1, even for a stray byte). */
static size_t
privacy_char_len(const char *p)
{
	size_t	n;

	n = utf8_next((const unsigned char *)p, strlen(p), NULL);
	return n == 0 ? 1 : n;
}

void
privacy_mask_name(const char *name, char *out, size_t outlen)
{
	size_t	o = 0, n;
	int	first = 1;

	if (outlen == 0)
		return;
	while (*name != '\0') {
		if (*name == ' ' || *name == '\t') {
			n = 1;
			first = 1;
		} else if (first) {
			n = privacy_char_len(name);
			first = 0;
		} else {
			if (o + 1 >= outlen)
				break;
			out[o++] = '*';
			name += privacy_char_len(name);
			continue;
		}
		if (o + n >= outlen)
			break;
		memcpy(out + o, name, n);
		o += n;
		name += n;
	}
	out[o] = '\0';
}

/* The next byte of s in the compared form; 0 at the end. */
static unsigned char
privacy_next(const char **s, int *gap)
{
	unsigned char	c;

	while (privacy_is_blank((unsigned char)**s)) {
		(*s)++;
		*gap = 1;
	}
	if (**s == '\0')
		return 0;
	if (*gap) {
		*gap = 0;
		return ' ';
	}
	c = (unsigned char)*(*s)++;
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
privacy_name_matches(const char *given, const char *name)
{
	unsigned char	a, b;
	int		ga = 0, gb = 0;

	/* Leading blanks are no gap: skip them before the first byte. */
	while (privacy_is_blank((unsigned char)*given))
		given++;
	while (privacy_is_blank((unsigned char)*name))
		name++;
	do {
		a = privacy_next(&given, &ga);
		b = privacy_next(&name, &gb);
		if (a != b)
			return 0;
	} while (a != 0);
	return 1;
}
