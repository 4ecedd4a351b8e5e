/* skkd — SPDX-License-Identifier: ISC */
/*
 * Tokens and values of the trust file's lines (trustline.h). Total over
 * any bytes: every failure says which value and why.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "errf.h"
#include "hex.h"
#include "trustline.h"

/* Text fields: printable, no control characters (one line each). */
int
trustline_text_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int
trustline_copy(char *dst, size_t dstlen, const char *v, const char *what,
    char *err, size_t errlen)
{
	if (!trustline_text_ok(v))
		return errf(err, errlen, "%s: control character", what);
	if (strlen(v) >= dstlen)
		return errf(err, errlen, "%s: longer than %zu bytes", what,
		    dstlen - 1);
	strcpy(dst, v);
	return 0;
}

/* A name of a registry: letters, digits, '-', '_', '.'. */
int
trustline_word_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("-_.", *s) == NULL)
			return 0;
	return 1;
}

static int
trustline_port_ok(const char *p, size_t n)
{
	unsigned long	v = 0;
	size_t		i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return 0;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	return v >= 1 && v <= 65535 && p[0] != '0';
}

/* A host name or [IPv6 address], n bytes at h. */
static int
trustline_hostname_ok(const char *h, size_t n)
{
	size_t	i;

	if (n == 0)
		return 0;
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return 0;
		for (i = 1; i + 1 < n; i++)
			if (!isxdigit((unsigned char)h[i]) && h[i] != ':' &&
			    h[i] != '.')
				return 0;
		return 1;
	}
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' &&
		    h[i] != '.')
			return 0;
	return 1;
}

int
trustline_url(const char *text, char *url, size_t urllen, char *host,
    size_t hostlen, char *err, size_t errlen)
{
	const char	*a, *end, *colon;
	size_t		 n, hn, i;

	if (strncasecmp(text, "https://", 8) != 0)
		return errf(err, errlen, "'%s': expected https://HOST[:PORT]",
		    text);
	a = text + 8;
	n = strlen(a);
	if (n > 0 && a[n - 1] == '/')
		n--;
	end = a + n;
	if (memchr(a, '/', n) != NULL || memchr(a, '@', n) != NULL ||
	    memchr(a, '?', n) != NULL || memchr(a, '#', n) != NULL)
		return errf(err, errlen, "'%s': expected https://HOST[:PORT] "
		    "without a path", text);
	colon = NULL;
	if (n > 0 && a[0] == '[') {
		const char	*rb = memchr(a, ']', n);

		if (rb != NULL && rb + 1 < end && rb[1] == ':')
			colon = rb + 1;
	} else
		colon = memchr(a, ':', n);
	hn = colon != NULL ? (size_t)(colon - a) : n;
	if (!trustline_hostname_ok(a, hn) ||
	    (colon != NULL && !trustline_port_ok(colon + 1,
	    (size_t)(end - colon - 1))))
		return errf(err, errlen, "'%s': expected https://HOST[:PORT] "
		    "with a host name and a port 1-65535", text);
	if (colon != NULL && end - colon == 4 && memcmp(colon, ":443", 4) == 0)
		n = hn;			/* HTTPS's own port */
	if (n >= hostlen || n + 8 >= urllen)
		return errf(err, errlen, "'%s': too long", text);
	for (i = 0; i < n; i++)
		host[i] = (char)tolower((unsigned char)a[i]);
	host[n] = '\0';
	snprintf(url, urllen, "https://%s", host);
	return 0;
}

int
trustline_pin(const char *v, uint8_t pin[32], char *err, size_t errlen)
{
	size_t	bad;

	if (strncasecmp(v, "sha256:", 7) == 0 && strlen(v + 7) == 64 &&
	    hex_decode(v + 7, 64, pin, 32) == 32)
		return 0;
	if (strncasecmp(v, "sha256//", 8) == 0 && strlen(v + 8) == 44 &&
	    base64_decode(v + 8, 44, pin, 32, &bad) == 32)
		return 0;
	return errf(err, errlen, "expected sha256:<64 hex digits> or "
	    "sha256//<base64>");
}

/* Whether p starts with "field=": a lower-case name, then '='. */
static size_t
trustline_keylen(const char *p)
{
	size_t	n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");

	return n > 0 && n < sizeof ((struct trustline_tok *)0)->key &&
	    p[n] == '=' ? n : 0;
}

/*
 * The next token at *pp: a bare word, "quoted text", key=value or
 * key="quoted value". 1 with it in t, 0 at the end of the line, -1 (err).
 */
int
trustline_token(const char **pp, struct trustline_tok *t, char *err, size_t errlen)
{
	const char	*p = *pp;
	size_t		 n = 0, klen;
	int		 quoted;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;
	t->key[0] = '\0';
	if ((klen = trustline_keylen(p)) > 0) {
		memcpy(t->key, p, klen);
		t->key[klen] = '\0';
		p += klen + 1;
	}
	if ((quoted = *p == '"'))
		p++;
	for (;; p++) {
		if (quoted && *p == '"') {
			p++;
			break;
		}
		if (*p == '\0' || (!quoted && (*p == ' ' || *p == '\t'))) {
			if (quoted)
				return errf(err, errlen, "%s%sunterminated "
				    "quote", t->key, *t->key ? ": " : "");
			break;
		}
		if (quoted && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		if (n + 1 >= sizeof t->val)
			return errf(err, errlen, "%s%stoo long", t->key,
			    *t->key ? ": " : "");
		t->val[n++] = *p;
	}
	if (*p != '\0' && *p != ' ' && *p != '\t')
		return errf(err, errlen, "%s%sexpected a blank after the "
		    "closing quote", t->key, *t->key ? ": " : "");
	t->val[n] = '\0';
	*pp = p;
	return 1;
}

/* A value as the parser reads it back: quoted when it has to be. */
void
trustline_put_value(FILE *f, const char *v, int quote)
{
	if (!quote && *v != '\0' && strpbrk(v, " \t\"\\#") == NULL &&
	    trustline_keylen(v) == 0) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v != '\0'; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', f);
		fputc(*v, f);
	}
	fputc('"', f);
}
