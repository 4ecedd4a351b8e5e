/* skkd — SPDX-License-Identifier: ISC */
/*
 * The documents of trust on the HTTPS port: the daemon's own issuer
 * descriptor (GET /api/v1/issuer, PROTOCOL.md §6), signed by the log key
 * and made again whenever the signing keys change (SIGHUP) and before it
 * grows old, and a registry's signed trust list (GET /trust-list, §7),
 * the file trust_list names, served as it is.
 */
#ifndef DAEMON_TRUSTDOC_H
#define DAEMON_TRUSTDOC_H

#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define TRUSTDOC_CACHE		"public, max-age=60"

struct conf;
struct skkd;
struct tlog;
struct web_resp;

/*
 * The descriptor of conf's issuer with the keys of kr (windows and
 * compromise marks), signed by l's key at now, valid for validity
 * seconds. *out is malloc'd. 0 or -1 with err.
 */
int	trustdoc_issuer_make(const struct conf *, const struct keyring *kr,
	    const struct tlog *l, int64_t now, int64_t validity, uint8_t **out,
	    size_t *outlen, char *err, size_t errlen);

/*
 * A trust list file: read (at most TL_SIZE_MAX bytes) and checked as a
 * well-formed signed list (trustlist_open without the registry's key,
 * which the daemon does not know). *out is malloc'd; *dates gets "" or
 * why the list is not valid at now (the daemon serves it anyway, the
 * registry must sign a new one). 0 or -1 with err naming the file.
 */
int	trustdoc_read_list(const char *path, int64_t now, uint8_t **out,
	    size_t *outlen, char *dates, size_t dateslen, char *err,
	    size_t errlen);

/* Start-up: the first descriptor and the trust list; 0 or -1 with err. */
int	trustdoc_init(struct skkd *, char *err, size_t errlen);
/*
 * SIGHUP: a new descriptor (the keys may have changed) and the trust
 * list read again. Each part keeps what it had when its new one fails;
 * the failures are logged.
 */
void	trustdoc_reload(struct skkd *);
void	trustdoc_release(void);
/*
 * From now on every new document is also handed to fn with arg, as
 * "api/v1/issuer" or "trust-list" (publish_dir: publish.c's writer),
 * starting with the current ones. fn's failure is logged.
 */
typedef int	(*trustdoc_doc_fn)(const char *path, const uint8_t *buf,
		    size_t len, void *arg, char *err, size_t errlen);
void	trustdoc_publish_to(trustdoc_doc_fn fn, void *arg);

/*
 * The routes: 200 with body, type, ETag, caching and CORS set, or the
 * status with *why (a static text) for web.c's error page.
 */
int	trustdoc_issuer_serve(struct web_resp *, const char **why);
int	trustdoc_list_serve(struct web_resp *, const char **why);

#endif
