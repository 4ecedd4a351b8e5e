/* skkd — SPDX-License-Identifier: ISC */
/*
 * A small HTTP/1.1 request-head parser. The verification pages only ever
 * need GET and HEAD, so anything with a body is refused rather than
 * framed; that keeps request smuggling out by construction. Lines may end
 * in CRLF or a bare LF (RFC 9112 §2.2).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "hex.h"

#define HTTP_LINE_MAX	(HTTP_URL_MAX + 32)	/* method, target, version */

static const char	*http_find_end(const char *, size_t);
static int		 http_refuse(struct http_req *, int, const char *);
static int		 http_parse_line(struct http_req *, const char *, size_t);
static int		 http_parse_target(struct http_req *, const char *,
			    size_t);
static int		 http_parse_header(struct http_req *, const char *,
			    size_t);
static void		 http_header_value(struct http_req *, const char *,
			    size_t, const char *, size_t);
static int		 http_has_token(const char *, size_t, const char *);

/* The first byte after the empty line that ends the head, or NULL. */
static const char *
http_find_end(const char *buf, size_t len)
{
	const char	*p = buf, *nl;

	while ((nl = memchr(p, '\n', len - (p - buf))) != NULL) {
		if (nl + 1 < buf + len && nl[1] == '\n')
			return nl + 2;
		if (nl + 2 < buf + len && nl[1] == '\r' && nl[2] == '\n')
			return nl + 3;
		p = nl + 1;
	}
	return NULL;
}

static int
http_refuse(struct http_req *r, int status, const char *why)
{
	if (r->status == 0) {
		r->status = status;
		r->why = why;
	}
	r->keep_alive = 0;
	return -1;
}

enum http_parse
http_parse_head(const char *buf, size_t len, struct http_req *r,
    size_t *used)
{
	const char	*end, *p, *nl;
	size_t		 skip = 0, n;

	memset(r, 0, sizeof(*r));
	*used = 0;
	/* Empty lines before a request are ignored (RFC 9112 §2.2). */
	while (skip < len && (buf[skip] == '\r' || buf[skip] == '\n') &&
	    skip < 8)
		skip++;
	buf += skip;
	len -= skip;
	n = len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX;
	if ((end = http_find_end(buf, n)) == NULL) {
		nl = memchr(buf, '\n', n);
		if ((nl == NULL && n > HTTP_LINE_MAX) ||
		    (nl != NULL && nl - buf > HTTP_LINE_MAX)) {
			http_refuse(r, 414, "request line too long");
			return HTTP_BAD;
		}
		/* Counting the skipped empty lines: a caller handing over
		 * HTTP_HEAD_MAX bytes must get an answer, never MORE. */
		if (skip + len >= HTTP_HEAD_MAX) {
			http_refuse(r, 431, "request head too large");
			return HTTP_BAD;
		}
		return HTTP_MORE;
	}
	*used = skip + (end - buf);
	nl = memchr(buf, '\n', end - buf);
	if (http_parse_line(r, buf, nl - buf) == -1)
		return HTTP_DONE;
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		n = nl - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if (http_parse_header(r, p, n) == -1)
			return HTTP_DONE;
	}
	if (r->minor == 1 && r->host[0] == '\0')
		http_refuse(r, 400, "Host header missing");
	else if (r->method == HTTP_OTHER)
		http_refuse(r, 405, "only GET and HEAD are allowed");
	return HTTP_DONE;
}

/* "METHOD SP target SP HTTP/1.x" */
static int
http_parse_line(struct http_req *r, const char *line, size_t len)
{
	const char	*sp1, *sp2;
	size_t		 vlen;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > HTTP_LINE_MAX)
		return http_refuse(r, 414, "request line too long");
	if ((sp1 = memchr(line, ' ', len)) == NULL || sp1 == line ||
	    (sp2 = memchr(sp1 + 1, ' ', len - (sp1 + 1 - line))) == NULL)
		return http_refuse(r, 400, "malformed request line");
	if (sp1 - line == 3 && memcmp(line, "GET", 3) == 0)
		r->method = HTTP_GET;
	else if (sp1 - line == 4 && memcmp(line, "HEAD", 4) == 0)
		r->method = HTTP_HEAD;
	else
		r->method = HTTP_OTHER;
	vlen = line + len - (sp2 + 1);
	if (vlen < 5 || memcmp(sp2 + 1, "HTTP/", 5) != 0)
		return http_refuse(r, 400, "malformed request line");
	if (vlen != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    (sp2[8] != '0' && sp2[8] != '1'))
		return http_refuse(r, 505, "unsupported HTTP version");
	r->minor = sp2[8] - '0';
	r->keep_alive = r->minor == 1;
	return http_parse_target(r, sp1 + 1, sp2 - (sp1 + 1));
}

/* Origin form only: "/path[?query]", visible ASCII. */
static int
http_parse_target(struct http_req *r, const char *t, size_t len)
{
	const char	*q;
	size_t		 i;

	if (len > HTTP_URL_MAX)
		return http_refuse(r, 414, "URL too long");
	if (len == 0 || t[0] != '/')
		return http_refuse(r, 400, "expected a path starting with /");
	for (i = 0; i < len; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f ||
		    t[i] == '#')
			return http_refuse(r, 400, "bad character in the URL");
	if ((q = memchr(t, '?', len)) == NULL)
		q = t + len;
	memcpy(r->path, t, q - t);
	r->path[q - t] = '\0';
	if (q < t + len) {
		memcpy(r->query, q + 1, t + len - (q + 1));
		r->query[t + len - (q + 1)] = '\0';
	}
	return 0;
}

static int
http_parse_header(struct http_req *r, const char *line, size_t len)
{
	const char	*colon, *v, *ve;
	size_t		 i;

	if (++r->nheaders > HTTP_HEADERS_MAX)
		return http_refuse(r, 431, "too many header lines");
	if (line[0] == ' ' || line[0] == '\t')
		return http_refuse(r, 400, "folded header line");
	if ((colon = memchr(line, ':', len)) == NULL || colon == line)
		return http_refuse(r, 400, "malformed header line");
	for (i = 0; line + i < colon; i++)
		if ((unsigned char)line[i] <= 0x20 ||
		    (unsigned char)line[i] >= 0x7f ||
		    strchr("\"(),/:;<=>?@[\\]{}", line[i]) != NULL)
			return http_refuse(r, 400, "bad header name");
	for (v = colon + 1; v < line + len && (*v == ' ' || *v == '\t'); v++)
		;
	for (ve = line + len; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
		;
	for (i = 0; v + i < ve; i++)
		if (v[i] == '\0' || v[i] == '\r' || v[i] == '\n')
			return http_refuse(r, 400, "bad byte in a header");
	http_header_value(r, line, colon - line, v, ve - v);
	return r->status ? -1 : 0;
}

#define NAME_IS(s)	(nlen == sizeof(s) - 1 && strncasecmp(name, s, nlen) == 0)

static void
http_header_value(struct http_req *r, const char *name, size_t nlen,
    const char *v, size_t vlen)
{
	if (NAME_IS("Host")) {
		if (r->host[0] != '\0' || vlen == 0 || vlen > HTTP_HOST_MAX)
			http_refuse(r, 400, "bad or repeated Host header");
		else {
			memcpy(r->host, v, vlen);
			r->host[vlen] = '\0';
		}
	} else if (NAME_IS("Content-Length") ||
	    NAME_IS("Transfer-Encoding")) {
		/* Bodies are never read: refusing them keeps framing simple. */
		if (r->method == HTTP_OTHER)
			http_refuse(r, 405, "only GET and HEAD are allowed");
		else if (!NAME_IS("Content-Length") || vlen != 1 || v[0] != '0')
			http_refuse(r, 413, "request bodies are not accepted");
	} else if (NAME_IS("Connection")) {
		if (http_has_token(v, vlen, "close"))
			r->keep_alive = 0;
		else if (http_has_token(v, vlen, "keep-alive"))
			r->keep_alive = 1;
	} else if (NAME_IS("If-None-Match")) {
		/* Too long or repeated: answered in full, never wrongly 304. */
		if (r->inm[0] == '\0' && vlen <= HTTP_INM_MAX) {
			memcpy(r->inm, v, vlen);
			r->inm[vlen] = '\0';
		} else
			r->inm[0] = '\1';
	} else if (NAME_IS("Accept")) {
		r->want_json = http_has_token(v, vlen, "application/json") &&
		    !http_has_token(v, vlen, "text/html");
	}
}

#undef NAME_IS

/* Whether a comma-separated list holds token (parameters ignored). */
static int
http_has_token(const char *v, size_t len, const char *token)
{
	size_t		 tlen = strlen(token), i = 0, j;

	while (i < len) {
		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		for (j = i; j < len && v[j] != ',' && v[j] != ';' &&
		    v[j] != ' '; j++)
			;
		if (j - i == tlen && strncasecmp(v + i, token, tlen) == 0)
			return 1;
		while (j < len && v[j] != ',')
			j++;
		i = j;
	}
	return 0;
}

int
http_pct_decode(const char *in, size_t len, char *out, size_t outlen,
    int plus_space)
{
	size_t	 i, o = 0;
	int	 hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '%') {
			if (len - i < 3)
				return -1;
			if ((hi = hex_digit(in[i + 1])) == -1 ||
			    (lo = hex_digit(in[i + 2])) == -1)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		} else if (c == '+' && plus_space)
			c = ' ';
		if (c == '\0' || o + 1 >= outlen)
			return -1;
		out[o++] = c;
	}
	if (outlen == 0)
		return -1;
	out[o] = '\0';
	return o;
}

int
http_query_get(const char *query, const char *name, char *out,
    size_t outlen)
{
	const char	*p = query, *amp, *eq;
	size_t		 nlen = strlen(name);

	while (*p != '\0') {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', amp - p);
		if (eq != NULL && (size_t)(eq - p) == nlen &&
		    memcmp(p, name, nlen) == 0)
			return http_pct_decode(eq + 1, amp - (eq + 1), out,
			    outlen, 1) == -1 ? -1 : 0;
		p = *amp ? amp + 1 : amp;
	}
	return -1;
}

/* The opaque part of a tag, W/ dropped: its start and length, or -1. */
static int
http_etag_opaque(const char *p, const char **start, size_t *len)
{
	const char	*q;

	if (strncmp(p, "W/", 2) == 0)
		p += 2;
	if (*p != '"' || (q = strchr(p + 1, '"')) == NULL)
		return -1;
	*start = p;
	*len = (size_t)(q + 1 - p);
	return 0;
}

int
http_etag_match(const char *inm, const char *etag)
{
	const char	*p = inm, *a, *b;
	size_t		 alen, blen;

	if (http_etag_opaque(etag, &b, &blen) == -1)
		return 0;
	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			return 0;
		if (*p == '*' && (p[1] == '\0' || strchr(" \t,", p[1])))
			return 1;
		if (http_etag_opaque(p, &a, &alen) == -1)
			return 0;
		p = a + alen;
		if (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
			return 0;
		if (alen == blen && memcmp(a, b, blen) == 0)
			return 1;
	}
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}
