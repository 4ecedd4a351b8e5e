/* skkd — SPDX-License-Identifier: ISC */
/*
 * The offline verifier (web/, built by make) on the HTTPS port under
 * /app/: its files are read once at start-up from the build tree beside
 * the running skkd ($(B)/web) or else from the installed data directory
 * (SKKD_WEBDIR, $(PREFIX)/share/skkd/web), and answered from memory with
 * their own strict CSP. No configuration; without the files /app/ is 404.
 */
#ifndef DAEMON_WEBAPP_H
#define DAEMON_WEBAPP_H

#include "web.h"

/* Finds and loads the files; logs where from, or that there are none. */
void	webapp_init(void);

/*
 * GET /app/<rest>: 200 with the file (rest "" is index.html), its type,
 * caching, ETag and CSP, or 404 with *why (static text). The caller
 * answers the error.
 */
int	webapp_serve(const char *rest, struct web_resp *, const char **why);

#endif
