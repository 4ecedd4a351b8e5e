/* skkd — SPDX-License-Identifier: ISC */
/*
 * The log on the HTTPS port (PROTOCOL.md §4.4): /checkpoint (with the
 * witnesses' cosignatures when they are of it), /checkpoint.cosigned,
 * the tiles and entry bundles under /tile/, and consistency proofs
 * (§4.7), from the worker's reader.
 */
#ifndef DAEMON_LOGWEB_H
#define DAEMON_LOGWEB_H

#include "web.h"

/*
 * The answer's status: 200 with the body, type and caching set, or 404
 * or 503 (or 500) with *why, a static text for web.c's error page. CORS
 * is set either way. rest: what follows "/tile/". cosigned: the latest
 * cosigned checkpoint (404 before the first) rather than the latest one.
 */
int	logweb_checkpoint(struct store_rd *, struct web_resp *, int cosigned,
	    const char **why);
int	logweb_tile(const char *rest, struct store_rd *, struct web_resp *,
	    const char **why);

/*
 * GET /api/v1/log/consistency?from=A&to=B: the consistency proof
 * between tree sizes A and B as JSON; 400 with *why naming the
 * parameter when A or B is not a size, A > B or B is beyond the
 * current checkpoint.
 */
int	logweb_consistency(const char *query, struct store_rd *,
	    struct web_resp *, const char **why);

#endif
