/* skkd — SPDX-License-Identifier: ISC */
/*
 * HTTP/1.1 request heads (RFC 9112) for the verification pages: GET and
 * HEAD only, no bodies. Pure and total: any byte string is either "need
 * more", a parsed head, or a refusal with the status to answer.
 */
#ifndef PROTO_HTTP_H
#define PROTO_HTTP_H

#include <stddef.h>

#define HTTP_URL_MAX		2048	/* request target; longer: 414 */
#define HTTP_HEAD_MAX		8192	/* whole head; longer: 431 */
#define HTTP_HEADERS_MAX	64	/* header lines; more: 431 */
#define HTTP_HOST_MAX		255
#define HTTP_INM_MAX		256	/* If-None-Match kept; longer: ignored */

enum http_method {
	HTTP_GET = 0,
	HTTP_HEAD,
	HTTP_OTHER	/* answered 405 */
};

enum http_parse {
	HTTP_MORE = 0,	/* no complete head yet, within the limits */
	HTTP_DONE,	/* a head: see status (0 or the refusal) */
	HTTP_BAD	/* refused before the head ended: answer status, close */
};

struct http_req {
	enum http_method method;
	int		 status;	/* 0, or 400, 405, 413, 414, 431, 505 */
	const char	*why;		/* static text for a refusal */
	int		 minor;		/* HTTP/1.minor */
	int		 keep_alive;
	int		 want_json;	/* Accept prefers application/json */
	char		 path[HTTP_URL_MAX + 1];	/* raw, still %-encoded */
	char		 query[HTTP_URL_MAX + 1];	/* after '?', raw */
	char		 host[HTTP_HOST_MAX + 1];
	char		 inm[HTTP_INM_MAX + 1];	/* If-None-Match, "" none */
	size_t		 nheaders;
};

/*
 * Parses the head at the start of buf. HTTP_DONE sets *used to the bytes
 * it took (what follows is the next pipelined request); a refused head
 * (status != 0) must be answered and the connection closed.
 */
enum http_parse	 http_parse_head(const char *buf, size_t len,
		    struct http_req *, size_t *used);

/*
 * Percent-decoding of len bytes into out (NUL-terminated); plus_space
 * turns '+' into ' ' (query strings). -1 on a bad escape, an encoded NUL
 * or when out is too small; otherwise the decoded length.
 */
int		 http_pct_decode(const char *in, size_t len, char *out,
		    size_t outlen, int plus_space);

/* The decoded value of name in a query string; -1 if absent or bad. */
int		 http_query_get(const char *query, const char *name, char *out,
		    size_t outlen);

/*
 * Whether an If-None-Match value (a list of entity tags, or "*") names
 * etag (a quoted entity tag), compared weakly (RFC 9110 §13.1.2): 1 or 0.
 */
int		 http_etag_match(const char *inm, const char *etag);

/* The reason phrase of a status code ("Not Found"). */
const char	*http_status_text(int status);

#endif
