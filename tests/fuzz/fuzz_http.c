/* skkd — SPDX-License-Identifier: ISC */
/*
 * Feeds arbitrary bytes to the HTTP request-head parser, as one buffer
 * and as a stream of pipelined heads, and to the percent-decoders. None
 * may crash or read past the input; a parsed head must be sane.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check(const struct http_req *r)
{
	if (strlen(r->path) > HTTP_URL_MAX || strlen(r->query) > HTTP_URL_MAX ||
	    strlen(r->host) > HTTP_HOST_MAX || r->nheaders > HTTP_HEADERS_MAX + 1)
		abort();
	if (r->status == 0 && (r->path[0] != '/' || r->method == HTTP_OTHER))
		abort();
	if (r->status != 0 && (r->why == NULL || r->keep_alive))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct http_req	 r;
	const char		*p = (const char *)data;
	char			 out[512];
	size_t			 used, left = len;
	enum http_parse		 rc;

	while ((rc = http_parse_head(p, left, &r, &used)) == HTTP_DONE) {
		fuzz_check(&r);
		if (used == 0 || used > left)
			abort();
		if (r.status == 0 && r.query[0] != '\0')
			http_query_get(r.query, "qr", out, sizeof(out));
		p += used;
		left -= used;
	}
	if (rc == HTTP_BAD && (r.status == 0 || r.keep_alive))
		abort();
	if (http_pct_decode((const char *)data, len, out, sizeof(out), 1) >=
	    (int)sizeof(out))
		abort();
	return 0;
}
