/* skkd — SPDX-License-Identifier: ISC */
/*
 * The log on the HTTPS port (PROTOCOL.md §4.4): /checkpoint, and the
 * tiles and entry bundles under /tile/, from the worker's reader.
 */
#ifndef DAEMON_LOGWEB_H
#define DAEMON_LOGWEB_H

#include "web.h"

/* rest: what follows "/checkpoint" (nothing) or "/tile/". */
void	logweb_checkpoint(const struct http_req *, const char *rest,
	    struct store_rd *, struct web_resp *);
void	logweb_tile(const struct http_req *, const char *rest,
	    struct store_rd *, struct web_resp *);

#endif
