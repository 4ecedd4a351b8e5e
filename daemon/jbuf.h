/* skkd — SPDX-License-Identifier: ISC */
/*
 * JSON written by hand straight into an evbuffer, for the answers on the
 * hot path (web.c's verification answer): the bytes json_dumps would
 * give with JSON_COMPACT, without building and freeing a tree for every
 * request. The text is gathered on the caller's stack and handed to the
 * buffer in one piece (or a few); jb_flush hands over the rest.
 */
#ifndef DAEMON_JBUF_H
#define DAEMON_JBUF_H

#include <stddef.h>

struct evbuffer;

struct jbuf {
	struct evbuffer	*out;
	size_t		 len;
	char		 b[2048];
};

/* Appends n bytes as they are. */
void	jb_put(struct jbuf *, const char *s, size_t n);
#define JB_LIT(j, lit)	jb_put((j), (lit), sizeof(lit) - 1)
/* A JSON string of s, escaped. */
void	jb_str(struct jbuf *, const char *s);
/* SEP (',' or '{') "KEY": and the value is next. */
void	jb_key(struct jbuf *, char sep, const char *key);
/* SEP "KEY": "V" */
void	jb_kv(struct jbuf *, char sep, const char *key, const char *v);
/* Hands what is gathered to the buffer. */
void	jb_flush(struct jbuf *);

#endif
