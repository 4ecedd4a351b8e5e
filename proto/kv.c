/* skkd — SPDX-License-Identifier: ISC */
/*
 * The `key = value` syntax of skkd.conf and skk.conf. A line is split into
 * key and value here; what the keys mean is the caller's business. Any byte
 * string gives either every setting or one error naming its line, so a
 * hand-edited file with a stray byte is reported, never misread.
 */

#include <stdio.h>
#include <string.h>

#include "kv.h"

/* One line being taken apart; pos moves left to right. */
struct kv_line {
	const char	*p;
	size_t		 len;
	size_t		 pos;
};

static int	kv_parse_line(struct kv_line *, kv_fn, void *, char *, size_t);
static int	kv_check_bytes(const char *, size_t, char *, size_t);
static int	kv_read_key(struct kv_line *, char *, char *, size_t);
static int	kv_read_value(struct kv_line *, char *, char *, size_t);
static int	kv_read_quoted(struct kv_line *, char *, char *, size_t);
static int	kv_read_plain(struct kv_line *, char *, char *, size_t);
static void	kv_skip_space(struct kv_line *);
static int	kv_at_end(const struct kv_line *);
static int	kv_is_keychar(int);
static int	kv_digits(const char *, size_t, unsigned long long *);
static void	kv_format_size(unsigned long long, char *, size_t);

int
kv_parse(const char *buf, size_t len, kv_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct kv_line	 l;
	const char	*nl;
	size_t		 off = 0, lineno = 0;
	char		 why[KV_VALUE_MAX + 128];

	while (off < len) {
		lineno++;
		l.p = buf + off;
		nl = memchr(l.p, '\n', len - off);
		l.len = nl != NULL ? (size_t)(nl - l.p) : len - off;
		off += l.len + (nl != NULL);
		if (l.len > 0 && l.p[l.len - 1] == '\r')
			l.len--;	/* CRLF from a Windows editor */
		l.pos = 0;
		why[0] = '\0';
		if (kv_check_bytes(l.p, l.len, why, sizeof(why)) == -1 ||
		    kv_parse_line(&l, fn, arg, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%zu: %s", lineno, why);
			return -1;
		}
	}
	return 0;
}

/* NUL and control bytes are never meant; they would also cut the value. */
static int
kv_check_bytes(const char *p, size_t len, char *why, size_t whylen)
{
	size_t		 i;
	unsigned char	 c;

	if (memchr(p, '\0', len) != NULL) {
		snprintf(why, whylen, "NUL byte");
		return -1;
	}
	for (i = 0; i < len; i++) {
		c = (unsigned char)p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			snprintf(why, whylen, "control character 0x%02x", c);
			return -1;
		}
	}
	return 0;
}

static int
kv_parse_line(struct kv_line *l, kv_fn fn, void *arg, char *why,
    size_t whylen)
{
	char	 key[KV_KEY_MAX + 1], value[KV_VALUE_MAX + 1];

	kv_skip_space(l);
	if (kv_at_end(l))
		return 0;	/* blank or comment */
	if (kv_read_key(l, key, why, whylen) == -1)
		return -1;
	kv_skip_space(l);
	if (l->pos >= l->len || l->p[l->pos] != '=') {
		snprintf(why, whylen, "expected \"key = value\"");
		return -1;
	}
	l->pos++;
	kv_skip_space(l);
	if (kv_read_value(l, value, why, whylen) == -1)
		return -1;
	if (fn(key, value, arg, why, whylen) == -1) {
		if (why[0] == '\0')
			snprintf(why, whylen, "%s: refused", key);
		return -1;
	}
	return 0;
}

static int
kv_read_key(struct kv_line *l, char *key, char *why, size_t whylen)
{
	size_t	 start = l->pos, n;

	while (l->pos < l->len && kv_is_keychar((unsigned char)l->p[l->pos]))
		l->pos++;
	n = l->pos - start;
	if (n == 0) {
		snprintf(why, whylen, "expected \"key = value\"");
		return -1;
	}
	if (n > KV_KEY_MAX) {
		snprintf(why, whylen, "key longer than %d bytes", KV_KEY_MAX);
		return -1;
	}
	memcpy(key, l->p + start, n);
	key[n] = '\0';
	return 0;
}

static int
kv_read_value(struct kv_line *l, char *value, char *why, size_t whylen)
{
	if (l->pos < l->len && l->p[l->pos] == '"') {
		l->pos++;
		if (kv_read_quoted(l, value, why, whylen) == -1)
			return -1;
		kv_skip_space(l);
		if (!kv_at_end(l)) {
			snprintf(why, whylen, "text after the closing quote");
			return -1;
		}
		return 0;
	}
	return kv_read_plain(l, value, why, whylen);
}

static int
kv_read_quoted(struct kv_line *l, char *value, char *why, size_t whylen)
{
	size_t	 n = 0;
	char	 c;

	while (l->pos < l->len) {
		c = l->p[l->pos++];
		if (c == '"') {
			value[n] = '\0';
			return 0;
		}
		if (c == '\\') {
			if (l->pos >= l->len)
				break;
			c = l->p[l->pos++];
			if (c != '"' && c != '\\') {
				snprintf(why, whylen, "unknown escape '\\%c' "
				    "(only \\\" and \\\\)", c);
				return -1;
			}
		}
		if (n == KV_VALUE_MAX) {
			snprintf(why, whylen, "value longer than %d bytes",
			    KV_VALUE_MAX);
			return -1;
		}
		value[n++] = c;
	}
	snprintf(why, whylen, "unterminated quote");
	return -1;
}

/* Up to a '#' or the end of the line, without trailing blanks. */
static int
kv_read_plain(struct kv_line *l, char *value, char *why, size_t whylen)
{
	size_t	 start = l->pos, end;

	while (l->pos < l->len && l->p[l->pos] != '#')
		l->pos++;
	end = l->pos;
	while (end > start && (l->p[end - 1] == ' ' || l->p[end - 1] == '\t'))
		end--;
	if (end - start > KV_VALUE_MAX) {
		snprintf(why, whylen, "value longer than %d bytes",
		    KV_VALUE_MAX);
		return -1;
	}
	memcpy(value, l->p + start, end - start);
	value[end - start] = '\0';
	return 0;
}

static void
kv_skip_space(struct kv_line *l)
{
	while (l->pos < l->len && (l->p[l->pos] == ' ' || l->p[l->pos] == '\t'))
		l->pos++;
}

static int
kv_at_end(const struct kv_line *l)
{
	return l->pos >= l->len || l->p[l->pos] == '#';
}

static int
kv_is_keychar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * Decimal digits only (no sign, blank or base prefix). 1 when the text is
 * not a number, 2 when it overflows, 0 with the value.
 */
static int
kv_digits(const char *s, size_t n, unsigned long long *out)
{
	unsigned long long	 v = 0;
	size_t			 i;
	unsigned		 d;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 1;
		d = (unsigned)(s[i] - '0');
		if (v > (~0ULL - d) / 10)
			return 2;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
kv_uint(const char *value, unsigned long long max, unsigned long long *out,
    char *err, size_t errlen)
{
	unsigned long long	 v = 0;
	int			 rc;

	rc = kv_digits(value, strlen(value), &v);
	if (rc == 1) {
		snprintf(err, errlen, "\"%s\" is not a number", value);
		return -1;
	}
	if (rc == 2 || v > max) {
		snprintf(err, errlen, "%s is over the limit %llu", value, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
kv_size(const char *value, unsigned long long max, unsigned long long *out,
    char *err, size_t errlen)
{
	unsigned long long	 v = 0, mul = 1;
	size_t			 n = strlen(value);
	char			 lim[32];
	int			 rc;

	if (n > 0) {
		switch (value[n - 1]) {
		case 'K': case 'k': mul = 1ULL << 10; n--; break;
		case 'M': case 'm': mul = 1ULL << 20; n--; break;
		case 'G': case 'g': mul = 1ULL << 30; n--; break;
		}
	}
	rc = kv_digits(value, n, &v);
	if (rc == 1) {
		snprintf(err, errlen, "\"%s\" is not a size (a number with an "
		    "optional K, M or G)", value);
		return -1;
	}
	if (rc == 2 || v > ~0ULL / mul || v * mul > max) {
		kv_format_size(max, lim, sizeof(lim));
		snprintf(err, errlen, "%s is over the limit %s", value, lim);
		return -1;
	}
	*out = v * mul;
	return 0;
}

int
kv_duration(const char *value, unsigned long long max,
    unsigned long long *out, char *err, size_t errlen)
{
	unsigned long long	 v = 0, mul = 1;
	size_t			 n = strlen(value);
	int			 rc;

	if (n > 0) {
		switch (value[n - 1]) {
		case 's': n--; break;
		case 'm': mul = 60; n--; break;
		case 'h': mul = 3600; n--; break;
		case 'd': mul = 86400; n--; break;
		}
	}
	rc = kv_digits(value, n, &v);
	if (rc == 1) {
		snprintf(err, errlen, "\"%s\" is not a duration (a number "
		    "with an optional s, m, h or d)", value);
		return -1;
	}
	if (rc == 2 || v > ~0ULL / mul || v * mul > max) {
		snprintf(err, errlen, "%s is over the limit of %llu seconds",
		    value, max);
		return -1;
	}
	*out = v * mul;
	return 0;
}

/* The largest suffix that divides the size exactly, so "1G", not 1073741824. */
static void
kv_format_size(unsigned long long v, char *buf, size_t len)
{
	static const char	 sfx[] = "GMK";
	int			 i;

	for (i = 0; i < 3; i++) {
		unsigned long long unit = 1ULL << (10 * (3 - i));

		if (v != 0 && v % unit == 0) {
			snprintf(buf, len, "%llu%c", v / unit, sfx[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", v);
}
