/* skkd — SPDX-License-Identifier: ISC */
/*
 * The documents on the HTTPS port, beside web.c's pages and JSON: the
 * log (logweb.c), status lists and number maps (statuspub.c), the issuer
 * descriptor and trust list (trustdoc.c) and the verifier app's files
 * (webapp.c). Each module answers a status and a reason; web.c turns a
 * failure into its error page, so none of them calls back into it.
 */
#ifndef DAEMON_WEBDOC_H
#define DAEMON_WEBDOC_H

#include "web.h"

/*
 * Answers req when its path is a document's: the status (200 with r
 * filled), or another with *why (static) and *json (whether the error
 * page should be JSON). 0 when no document route matches.
 */
int	webdoc_route(const struct http_req *req, struct store_rd *rd,
	    struct web_resp *r, const char **why, int *json);

#endif
