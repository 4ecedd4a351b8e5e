/* skkd — SPDX-License-Identifier: ISC */
/*
 * Checkpoint text, line by line. The origin is opaque but must be one
 * non-empty line of printable text; the note layer has already checked
 * UTF-8 and control characters when the text came in a signed note.
 */

#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "checkpoint.h"
#include "errf.h"

/* The line at *p (up to end), without its newline; advances *p. */
static int
checkpoint_line(const char **p, const char *end, const char **line,
    size_t *len)
{
	const char	*nl;

	if (*p >= end || (nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		return -1;
	*line = *p;
	*len = (size_t)(nl - *p);
	*p = nl + 1;
	return 0;
}

static int
checkpoint_size(const char *s, size_t len, uint64_t *size, char *err,
    size_t errlen)
{
	size_t	i;

	*size = 0;
	if (len == 0 || (s[0] == '0' && len > 1))
		return errf(err, errlen, "line 2: tree size: "
		    "expected a decimal number without leading zeros");
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return errf(err, errlen, "line 2: tree "
			    "size: '%c' is not a digit", s[i]);
		if (*size > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return errf(err, errlen, "line 2: tree "
			    "size above 2^64");
		*size = *size * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

static int
checkpoint_head(const char **p, const char *end, struct checkpoint *cp,
    char *err, size_t errlen)
{
	const char	*s;
	size_t		 len, bad;

	if (checkpoint_line(p, end, &s, &len) == -1 || len == 0)
		return errf(err, errlen, "line 1: expected the "
		    "origin");
	if (len > CHECKPOINT_ORIGIN_MAX)
		return errf(err, errlen, "line 1: origin longer "
		    "than %d bytes", CHECKPOINT_ORIGIN_MAX);
	memcpy(cp->origin, s, len);
	cp->origin[len] = '\0';
	if (checkpoint_line(p, end, &s, &len) == -1)
		return errf(err, errlen, "line 2: expected the "
		    "tree size");
	if (checkpoint_size(s, len, &cp->size, err, errlen) == -1)
		return -1;
	if (checkpoint_line(p, end, &s, &len) == -1)
		return errf(err, errlen, "line 3: expected the "
		    "root hash");
	if (base64_decode(s, len, cp->root, sizeof(cp->root), &bad) !=
	    MERKLE_HASH_LEN)
		return errf(err, errlen, "line 3: root hash: "
		    "expected the base64 of 32 bytes");
	return 0;
}

int
checkpoint_parse(const char *text, size_t len, struct checkpoint *cp,
    char *err, size_t errlen)
{
	const char	*p = text, *end = text + len, *s;
	size_t		 slen;
	unsigned	 line = 3;

	memset(cp, 0, sizeof(*cp));
	if (len == 0 || text[len - 1] != '\n')
		return errf(err, errlen, "the text does not end in "
		    "a newline");
	if (memchr(text, '\0', len) != NULL)
		return errf(err, errlen, "the text holds a NUL");
	if (checkpoint_head(&p, end, cp, err, errlen) == -1)
		return -1;
	if (p < end) {
		cp->ext = p;
		cp->extlen = (size_t)(end - p);
	}
	while (checkpoint_line(&p, end, &s, &slen) == 0) {
		line++;
		if (slen == 0)
			return errf(err, errlen, "line %u: empty "
			    "extension line", line);
	}
	return 0;
}

int
checkpoint_format(const struct checkpoint *cp, char *out, size_t outlen)
{
	char	root[64];
	int	n;

	if (cp->origin[0] == '\0' || strchr(cp->origin, '\n') != NULL ||
	    base64_encode(cp->root, sizeof(cp->root), root, sizeof(root)) == -1)
		return -1;
	n = snprintf(out, outlen, "%s\n%llu\n%s\n%.*s", cp->origin,
	    (unsigned long long)cp->size, root, (int)cp->extlen,
	    cp->ext != NULL ? cp->ext : "");
	return n < 0 || (size_t)n >= outlen ? -1 : n;
}
