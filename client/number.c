/* skkd — SPDX-License-Identifier: ISC */
/*
 * Certificate numbers as typed and QR texts as pasted: see number.h.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "number.h"

/* The digits of each group of a number (proto/PROTOCOL.md). */
static const size_t number_groups[5] = { 5, 4, 1, 8, 4 };

static int
number_all_digits(const char *s, size_t len)
{
	size_t	i;

	if (strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

int
cmd_normalize_number(const char *in, char *out, size_t outlen)
{
	char	 groups[5][9];
	size_t	 g = 0, len, total = 0;
	const char *p = in;

	while (isspace((unsigned char)*p))
		p++;
	len = strlen(p);
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	snprintf(out, outlen, "%.*s", (int)len, p);
	if (len == 22 && number_all_digits(out, 22)) {
		snprintf(out, outlen, "%.5s %.4s %.1s %.8s %.4s", p, p + 5,
		    p + 9, p + 10, p + 18);
		return 0;
	}
	while (g < 5 && total < len) {
		size_t	n = strcspn(p, " \t");

		if (n != number_groups[g] || n > len - total)
			return -1;
		memcpy(groups[g], p, n);
		groups[g][n] = '\0';
		if (!number_all_digits(groups[g], n))
			return -1;
		g++;
		total += n;
		p += n;
		while (total < len && (*p == ' ' || *p == '\t')) {
			p++;
			total++;
		}
	}
	if (g != 5 || total != len)
		return -1;
	snprintf(out, outlen, "%s %s %s %s %s", groups[0], groups[1],
	    groups[2], groups[3], groups[4]);
	return 0;
}

static int
number_is_base32(int ch)
{
	ch = toupper(ch);
	return (ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7') ||
	    ch == '=';
}

int
cmd_is_qr(const char *s)
{
	size_t	n = 0;

	if (strncasecmp(s, "https://", 8) == 0 ||
	    strncasecmp(s, "http://", 7) == 0)
		return 1;
	for (; s[n] != '\0'; n++) {
		if (!number_is_base32((unsigned char)s[n]))
			return 0;
	}
	return n >= 40;
}
