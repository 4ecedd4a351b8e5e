/* skkd — SPDX-License-Identifier: ISC */
/*
 * The verification pages and the JSON API (routes in skkd.8, who sees
 * what in PROTOCOL.md §3.7, the QR check in §1.6-1.8): routes a
 * parsed request to an answer. The only daemon module that builds JSON.
 * http.c owns the connection and writes the headers common to all.
 */
#ifndef DAEMON_WEB_H
#define DAEMON_WEB_H

#include "http.h"
#include "metrics.h"

struct evbuffer;
struct store_rd;

#define WEB_ETAG_MAX	72	/* a quoted entity tag and its NUL */

struct web_resp {
	int			 status;
	const char		*ctype;		/* static */
	const char		*cache;		/* Cache-Control, static */
	const char		*allow;		/* with 405 */
	unsigned		 retry_after;	/* with 429: seconds */
	struct evbuffer		*body;		/* the caller's, empty */
	enum metrics_endpoint	 ep;
	int			 verdict;	/* enum cert_verdict or -1 */
	int			 cors;		/* Access-Control-Allow-Origin: * */
	/*
	 * A 200 answer's quoted entity tag, or "": httpd.c sends it and
	 * turns the answer into 304, without a body, when the request's
	 * If-None-Match names it.
	 */
	char			 etag[WEB_ETAG_MAX];
	const char		*csp;		/* static; NULL: web_csp() */
	const char		*location;	/* with 301: static */
};

/* Computes the hash of the inline style for the CSP; 0 or -1. */
int		 web_init(char *err, size_t errlen);
/* "default-src 'none'; style-src 'sha256-...'" */
const char	*web_csp(void);
/* t as YYYY-MM-DDTHH:MM:SSZ (UTC); "" for 0. */
void		 web_iso_time(int64_t t, char out[21]);

/* The public HTTPS routes; rd is the calling worker's reader. */
void		 web_handle(const struct http_req *, struct store_rd *,
		    struct web_resp *);
/* The admin address: /metrics and /healthz. */
void		 web_admin(const struct http_req *, struct store_rd *,
		    struct web_resp *);
/* An error answer, HTML or JSON; why is a short static text or NULL. */
void		 web_error(int status, const char *why, int json,
		    struct web_resp *);

#endif
