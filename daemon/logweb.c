/* skkd — SPDX-License-Identifier: ISC */
/*
 * The log's static files, served live. Full tiles and bundles never
 * change: cached for a year and immutable. A partial one is only
 * replaced by a wider one, and the checkpoint moves with every commit
 * group (and with each witness's cosignature), so both are cached
 * briefly. Anyone may fetch them from a page
 * (Access-Control-Allow-Origin: *).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "http.h"

#include "base64.h"
#include "logweb.h"
#include "tlog.h"

#define LOGWEB_FULL	"public, max-age=31536000, immutable"
#define LOGWEB_SHORT	"public, max-age=2"

#define LOGWEB_UNREADABLE	"the log cannot be read now"

int
logweb_checkpoint(struct store_rd *rd, struct web_resp *r, int cosigned,
    const char **why)
{
	struct tlog_view	 v;
	char			*buf;
	size_t			 len;
	int			 rc, status = 200;

	r->ep = MEP_HTTP_API;
	r->cors = 1;
	if ((buf = malloc(TLOG_COSIGNED_MAX)) == NULL) {
		*why = "out of memory";
		return 500;
	}
	if (tlog_view_begin(rd, &v) != STORE_OK) {
		free(buf);
		*why = LOGWEB_UNREADABLE;
		return 503;
	}
	if (cosigned)
		rc = tlog_view_cosigned(&v, buf, TLOG_COSIGNED_MAX, &len);
	else
		rc = tlog_view_served(&v, buf, TLOG_COSIGNED_MAX, &len);
	tlog_view_end(&v);
	if (rc == STORE_NOTFOUND) {
		*why = cosigned ? "no witness has cosigned yet" :
		    "no checkpoint yet";
		status = 404;
	} else if (rc != STORE_OK) {
		*why = LOGWEB_UNREADABLE;
		status = 503;
	} else {
		evbuffer_add(r->body, buf, len);
		r->ctype = "text/plain; charset=utf-8";
		r->cache = LOGWEB_SHORT;
	}
	free(buf);
	return status;
}

int
logweb_tile(const char *rest, struct store_rd *rd, struct web_resp *r,
    const char **why)
{
	struct tlog_view	 v;
	struct tile		 tl;
	uint8_t			*buf;
	char			 path[TILE_PATH_MAX + 8], bad[128];
	size_t			 len;
	int			 rc, status = 200;

	r->ep = MEP_HTTP_API;
	r->cors = 1;
	snprintf(path, sizeof(path), "tile/%s", rest);
	if (strlen(rest) > TILE_PATH_MAX ||
	    tile_parse_path(path, &tl, bad, sizeof(bad)) == -1) {
		*why = "no such tile";
		return 404;
	}
	if ((buf = malloc(TLOG_TILE_MAX)) == NULL) {
		*why = "out of memory";
		return 500;
	}
	if (tlog_view_begin(rd, &v) != STORE_OK) {
		free(buf);
		*why = LOGWEB_UNREADABLE;
		return 503;
	}
	rc = tlog_view_tile(&v, &tl, buf, &len);
	tlog_view_end(&v);
	if (rc == STORE_NOTFOUND) {
		*why = "the tree has no such tile yet";
		status = 404;
	} else if (rc != STORE_OK) {
		*why = LOGWEB_UNREADABLE;
		status = 503;
	} else {
		evbuffer_add(r->body, buf, len);
		r->ctype = "application/octet-stream";
		r->cache = tl.width == TILE_WIDTH ? LOGWEB_FULL : LOGWEB_SHORT;
	}
	free(buf);
	return status;
}

/* A tree size parameter: decimal digits, no sign, no leading zero. */
static int
logweb_size(const char *query, const char *name, uint64_t *out)
{
	char		 v[24], *end;
	unsigned long long n;

	if (http_query_get(query, name, v, sizeof(v)) == -1 || v[0] < '1' ||
	    v[0] > '9' || strspn(v, "0123456789") != strlen(v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

int
logweb_consistency(const char *query, struct store_rd *rd,
    struct web_resp *r, const char **why)
{
	struct tlog_view	 v;
	struct merkle_tree	 tree = { 0 };
	uint8_t			(*proof)[MERKLE_HASH_LEN];
	char			 b64[64], err[MERKLE_ERR_MAX];
	uint64_t		 from, to;
	size_t			 n, i;
	int			 status = 200;

	r->ep = MEP_HTTP_API;
	r->cors = 1;
	if (logweb_size(query, "from", &from) == -1) {
		*why = "from: expected a tree size of 1 or more, in decimal";
		return 400;
	}
	if (logweb_size(query, "to", &to) == -1) {
		*why = "to: expected a tree size of 1 or more, in decimal";
		return 400;
	}
	if (from > to) {
		*why = "from: greater than to";
		return 400;
	}
	if ((proof = calloc(MERKLE_PROOF_MAX, MERKLE_HASH_LEN)) == NULL) {
		*why = "out of memory";
		return 500;
	}
	if (tlog_view_begin(rd, &v) != STORE_OK) {
		free(proof);
		*why = LOGWEB_UNREADABLE;
		return 503;
	}
	tlog_view_tree(&v, &tree);
	if (to > tree.size) {
		*why = "to: beyond the tree size of the current checkpoint";
		status = 400;
	} else {
		tree.size = to;
		if (merkle_consistency_proof(&tree, from, proof, &n, err,
		    sizeof(err)) == -1) {
			*why = LOGWEB_UNREADABLE;
			status = 503;
		}
	}
	tlog_view_end(&v);
	if (status == 200) {
		evbuffer_add_printf(r->body, "{\"from\":%llu,\"to\":%llu,"
		    "\"proof\":[", (unsigned long long)from,
		    (unsigned long long)to);
		for (i = 0; i < n; i++) {
			base64_encode(proof[i], MERKLE_HASH_LEN, b64,
			    sizeof(b64));
			evbuffer_add_printf(r->body, "%s\"%s\"", i ? "," : "",
			    b64);
		}
		evbuffer_add_printf(r->body, "]}\n");
		r->ctype = "application/json; charset=utf-8";
		/* A proof between two sizes never changes. */
		r->cache = LOGWEB_FULL;
	}
	free(proof);
	return status;
}
