/* skkd — SPDX-License-Identifier: ISC */
/*
 * The HTTPS listener (verification pages, JSON API) and the plain-HTTP
 * admin listener (/metrics), both on the worker pool's loops.
 * Connections keep alive up to http_max_requests, under absolute
 * deadlines, with a per-address rate limit.
 */
#ifndef DAEMON_HTTPD_H
#define DAEMON_HTTPD_H

#include <stddef.h>

#include <openssl/ssl.h>

struct httpd;
struct pool;

/*
 * Binds http_listen (with *ctx, which SIGHUP may swap; the caller keeps
 * every context until httpd_free) and
 * metrics_listen, each disabled when empty, and adds them to every
 * worker loop. Call after pool_new, before pool_run. NULL with a
 * reason in err.
 */
struct httpd	*httpd_start(struct pool *, SSL_CTX **ctx, char *err,
		    size_t errlen);
/* After pool_stop and before pool_free; NULL is a no-op. */
void		 httpd_free(struct httpd *);

#endif
