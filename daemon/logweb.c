/* skkd — SPDX-License-Identifier: ISC */
/*
 * The log's static files, served live. Full tiles and bundles never
 * change: cached for a year and immutable. A partial one is only
 * replaced by a wider one, and the checkpoint moves with every commit
 * group, so both are cached briefly. Anyone may fetch them from a page
 * (Access-Control-Allow-Origin: *).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "logweb.h"
#include "tlog.h"

#define LOGWEB_FULL	"public, max-age=31536000, immutable"
#define LOGWEB_SHORT	"public, max-age=2"

void
logweb_checkpoint(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r)
{
	struct tlog_view	v;

	r->ep = MEP_HTTP_API;
	r->cors = 1;
	if (tlog_view_begin(rd, &v) != STORE_OK) {
		web_error(503, "the log cannot be read now", 0, r);
		return;
	}
	if (v.ckptlen == 0)
		web_error(404, "no checkpoint yet", 0, r);
	else {
		evbuffer_add(r->body, v.ckpt, v.ckptlen);
		r->ctype = "text/plain; charset=utf-8";
		r->cache = LOGWEB_SHORT;
	}
	tlog_view_end(&v);
}

void
logweb_tile(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r)
{
	struct tlog_view	 v;
	struct tile		 tl;
	uint8_t			*buf;
	char			 path[TILE_PATH_MAX + 8], why[128];
	size_t			 len;
	int			 rc;

	r->ep = MEP_HTTP_API;
	r->cors = 1;
	snprintf(path, sizeof(path), "tile/%s", rest);
	if (strlen(rest) > TILE_PATH_MAX ||
	    tile_parse_path(path, &tl, why, sizeof(why)) == -1) {
		web_error(404, "no such tile", 0, r);
		return;
	}
	if ((buf = malloc(TLOG_TILE_MAX)) == NULL) {
		web_error(500, "out of memory", 0, r);
		return;
	}
	if (tlog_view_begin(rd, &v) != STORE_OK) {
		free(buf);
		web_error(503, "the log cannot be read now", 0, r);
		return;
	}
	rc = tlog_view_tile(&v, &tl, buf, &len);
	tlog_view_end(&v);
	if (rc == STORE_NOTFOUND)
		web_error(404, "the tree has no such tile yet", 0, r);
	else if (rc != STORE_OK)
		web_error(503, "the log cannot be read now", 0, r);
	else {
		evbuffer_add(r->body, buf, len);
		r->ctype = "application/octet-stream";
		r->cache = tl.width == TILE_WIDTH ? LOGWEB_FULL : LOGWEB_SHORT;
	}
	free(buf);
}
