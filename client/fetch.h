/* skkd — SPDX-License-Identifier: ISC */
/*
 * Reading files of a published log by path under a base: an http:// or
 * https:// URL, a file:// URL or a directory. Over HTTPS the CA file
 * given is trusted for its own host, the system's CAs for any other.
 * The only module that calls libcurl; one connection is kept for all
 * the reads of one base.
 */
#ifndef CLIENT_FETCH_H
#define CLIENT_FETCH_H

#include <stddef.h>
#include <stdint.h>

#define FETCH_ERR_MAX	512
#define FETCH_TIMEOUT	30	/* seconds for one file */
#define FETCH_CONNECT	10	/* seconds to connect */

enum fetch_result {
	FETCH_OK = 0,
	FETCH_MISSING,		/* HTTP 404, or no such file */
	FETCH_FAILED,		/* anything else: err says what */
	FETCH_TLS,		/* certificate not trusted, pin, handshake */
	FETCH_UNCHANGED		/* HTTP 304: the ETag given still holds */
};

struct fetch;

/* libcurl's global start, once, before threads make readers. 0 or -1. */
int		 fetch_init(void);

/*
 * A reader of base; ca (may be NULL) is trusted over HTTPS when the
 * base's host is one of hosts (NULL-terminated; may be NULL), the
 * system's CAs otherwise. NULL with a reason in err.
 */
struct fetch	*fetch_new(const char *base, const char *const *hosts,
		    const char *ca, char *err, size_t errlen);
void		 fetch_free(struct fetch *);	/* NULL is a no-op */

/* TLS settings of an HTTPS reader; NULL or "" leaves one unset. */
struct fetch_tls {
	const char	*ca;	/* the only CA trusted, for every host */
	const uint8_t	*pin;	/* 32 bytes: SHA-256 of the server's SPKI */
	const char	*cert;	/* a client certificate (PEM) ... */
	const char	*key;	/* ... and its key */
};

/*
 * Applies t to f's HTTPS reads (after fetch_new; nothing for a
 * directory). A pin is checked on top of the CA chain. 0, or -1 with
 * err.
 */
int		 fetch_set_tls(struct fetch *, const struct fetch_tls *t,
		    char *err, size_t errlen);

/*
 * Reads base/path (path relative, e.g. "tile/0/000") into *buf (malloc'd,
 * the caller frees it; a NUL follows the len bytes), at most max bytes.
 * err names the URL or file and the status or reason; for a failed
 * connection it says whether the host was unreachable, its certificate
 * not trusted or its key not the pinned one.
 */
enum fetch_result fetch_get(struct fetch *, const char *path, uint8_t **buf,
		    size_t *len, size_t max, char *err, size_t errlen);
/*
 * Any HTTP answer, its status in *status and its body in *buf (as
 * fetch_get), for APIs whose errors carry a body: FETCH_OK whatever the
 * status, or the failure of the transfer. Not for a directory.
 */
enum fetch_result fetch_get_any(struct fetch *, const char *path,
		    long *status, unsigned *retry_after, uint8_t **buf,
		    size_t *len, size_t max, char *err, size_t errlen);
/*
 * The same, conditional: when etag is not "", asks with If-None-Match
 * and gives FETCH_UNCHANGED (no body) on 304. newtag gets the answer's
 * ETag ("" when none, or for a directory).
 */
enum fetch_result fetch_get_tag(struct fetch *, const char *path,
		    const char *etag, char *newtag, size_t taglen,
		    uint8_t **buf, size_t *len, size_t max, char *err,
		    size_t errlen);

#endif
