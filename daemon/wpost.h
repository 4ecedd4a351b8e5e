/* skkd — SPDX-License-Identifier: ISC */
/*
 * One blocking HTTP(S) POST with libcurl, for the witness submitter
 * (wsubmit.c): the daemon's only libcurl user. HTTPS trusts the system's
 * CAs; redirects are not followed.
 */
#ifndef DAEMON_WPOST_H
#define DAEMON_WPOST_H

#include <stdatomic.h>
#include <stddef.h>

#define WPOST_BODY_MAX	4096	/* an answer longer than this fails */
#define WPOST_CONNECT	5	/* seconds to connect */
#define WPOST_TIMEOUT	15	/* seconds for the whole exchange */

struct wpost_ans {
	long	 status;		/* HTTP status */
	char	 type[64];		/* Content-Type, "" if none */
	char	 body[WPOST_BODY_MAX + 1];	/* NUL-terminated */
	size_t	 len;
};

/* Once, on the main thread, before any wpost; 0 or -1. */
int	wpost_init(void);
void	wpost_cleanup(void);
/*
 * Posts body (text/plain) to url; 0 with the answer in ans (any status),
 * or -1 with err saying why no answer came (connection, timeout, size,
 * or *stop set meanwhile, which ends the exchange within a second).
 */
int	wpost(const char *url, const char *body, size_t len,
	    const atomic_int *stop, struct wpost_ans *ans, char *err,
	    size_t errlen);

#endif
