/* skkd — SPDX-License-Identifier: ISC */
/*
 * The document routes (webdoc.h): one table from path to the module that
 * serves it, each entry adapting that module's call to one shape.
 */

#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "logweb.h"
#include "skkd.h"
#include "statuspub.h"
#include "trustdoc.h"
#include "webapp.h"
#include "webdoc.h"

struct webdoc {
	const char	*prefix;
	int		 exact;		/* the whole path, else a prefix */
	int		 json;		/* errors as JSON */
	int		(*fn)(const struct http_req *, const char *rest,
			    struct store_rd *, struct web_resp *,
			    const char **why);
};

static int
doc_checkpoint(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r, const char **why)
{
	return logweb_checkpoint(rd, r, 0, why);
}

static int
doc_cosigned(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r, const char **why)
{
	return logweb_checkpoint(rd, r, 1, why);
}

static int
doc_tile(const struct http_req *req, const char *rest, struct store_rd *rd,
    struct web_resp *r, const char **why)
{
	return logweb_tile(rest, rd, r, why);
}

static int
doc_consistency(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r, const char **why)
{
	return logweb_consistency(req->query, rd, r, why);
}

static int
doc_status(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r, const char **why)
{
	return statuspub_answer(skkd->status, SP_STATUS, rest, r, why);
}

static int
doc_numbers(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r, const char **why)
{
	return statuspub_answer(skkd->status, SP_NUMBERS, rest, r, why);
}

static int
doc_issuer(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r, const char **why)
{
	return trustdoc_issuer_serve(r, why);
}

static int
doc_trust_list(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r, const char **why)
{
	return trustdoc_list_serve(r, why);
}

static int
doc_app(const struct http_req *req, const char *rest, struct store_rd *rd,
    struct web_resp *r, const char **why)
{
	return webapp_serve(rest, r, why);
}

/* "/app", as a person types it: the app lives under "/app/". */
static int
doc_app_slash(const struct http_req *req, const char *rest,
    struct store_rd *rd, struct web_resp *r, const char **why)
{
	r->location = "/app/";
	r->cache = "public, max-age=86400";
	evbuffer_add_printf(r->body, "/app/\n");
	r->ctype = "text/plain; charset=utf-8";
	return 301;
}

static const struct webdoc webdocs[] = {
	{ "/api/v1/issuer", 1, 1, doc_issuer },
	{ "/trust-list", 1, 1, doc_trust_list },
	{ "/checkpoint", 1, 0, doc_checkpoint },
	{ "/checkpoint.cosigned", 1, 0, doc_cosigned },
	{ "/tile/", 0, 0, doc_tile },
	{ "/status/", 0, 0, doc_status },
	{ "/numbers/", 0, 0, doc_numbers },
	{ "/api/v1/log/consistency", 1, 1, doc_consistency },
	{ "/app", 1, 0, doc_app_slash },
	{ "/app/", 0, 0, doc_app },
};

int
webdoc_route(const struct http_req *req, struct store_rd *rd,
    struct web_resp *r, const char **why, int *json)
{
	const struct webdoc	*d;
	size_t			 i, n;

	for (i = 0; i < sizeof(webdocs) / sizeof(webdocs[0]); i++) {
		d = &webdocs[i];
		n = strlen(d->prefix);
		if (d->exact ? strcasecmp(req->path, d->prefix) == 0 :
		    strncasecmp(req->path, d->prefix, n) == 0) {
			*json = d->json;
			return d->fn(req, req->path + n, rd, r, why);
		}
	}
	return 0;
}
