/* skkd — SPDX-License-Identifier: ISC */
/*
 * Hand-written compact JSON into an evbuffer (jbuf.h): a stack buffer
 * that spills into the evbuffer when full, and JSON's string escapes.
 */

#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "jbuf.h"

void
jb_put(struct jbuf *j, const char *s, size_t n)
{
	if (n > sizeof(j->b) - j->len) {
		evbuffer_add(j->out, j->b, j->len);
		j->len = 0;
		if (n > sizeof(j->b)) {
			evbuffer_add(j->out, s, n);
			return;
		}
	}
	memcpy(j->b + j->len, s, n);
	j->len += n;
}

/* 1: a byte JSON takes as it is (not the string's end, a control, " or \). */
static const unsigned char jb_plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x80 ... 0xff] = 1,
};

void
jb_str(struct jbuf *j, const char *s)
{
	const char	*run = s;
	char		 e[8];

	JB_LIT(j, "\"");
	for (;; s++) {
		unsigned char	u;

		while (jb_plain[(unsigned char)*s])
			s++;
		if ((u = *s) == '\0')
			break;
		jb_put(j, run, s - run);
		switch (u) {
		case '"': case '\\': e[0] = '\\'; e[1] = u; e[2] = '\0'; break;
		case '\b': memcpy(e, "\\b", 3); break;
		case '\f': memcpy(e, "\\f", 3); break;
		case '\n': memcpy(e, "\\n", 3); break;
		case '\r': memcpy(e, "\\r", 3); break;
		case '\t': memcpy(e, "\\t", 3); break;
		default: snprintf(e, sizeof(e), "\\u%04X", u); break;
		}
		jb_put(j, e, strlen(e));
		run = s + 1;
	}
	jb_put(j, run, s - run);
	JB_LIT(j, "\"");
}

void
jb_key(struct jbuf *j, char sep, const char *key)
{
	jb_put(j, &sep, 1);
	jb_str(j, key);
	JB_LIT(j, ":");
}

void
jb_kv(struct jbuf *j, char sep, const char *key, const char *v)
{
	jb_key(j, sep, key);
	jb_str(j, v);
}

void
jb_flush(struct jbuf *j)
{
	evbuffer_add(j->out, j->b, j->len);
	j->len = 0;
}
