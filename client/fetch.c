/* skkd — SPDX-License-Identifier: ISC */
/*
 * Files of a published log, read over HTTP(S) with libcurl or from a
 * directory. Plain HTTP is allowed on purpose: what the auditor trusts
 * is the checkpoint's signature, not the transport. Every read is
 * bounded in size and time.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base64.h"
#include "errf.h"
#include "fetch.h"

#define FETCH_URL_MAX	4096

struct fetch {
	char	 base[FETCH_URL_MAX];	/* ends in '/' */
	int	 dir;			/* base is a directory */
	CURL	*curl;
	char	 why[CURL_ERROR_SIZE];	/* libcurl's detail of a failure */
};

/* The body being read, bounded by max. */
struct fetch_body {
	uint8_t	*p;
	size_t	 len;
	size_t	 max;
	int	 over;
	char	*tag;		/* the answer's ETag, or NULL */
	size_t	 taglen;
	long	 status;	/* HTTP status; 0 before an answer */
	unsigned retry;		/* Retry-After, seconds */
};

static size_t
fetch_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct fetch_body	*b = arg;
	uint8_t			*np;
	size_t			 add = size * n;

	if (add > b->max - b->len) {
		b->over = 1;
		return 0;
	}
	if ((np = realloc(b->p, b->len + add + 1)) == NULL)
		return 0;
	b->p = np;
	memcpy(b->p + b->len, data, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

/* Keeps the ETag header's value, when it fits. */
static size_t
fetch_header_cb(char *data, size_t size, size_t n, void *arg)
{
	struct fetch_body	*b = arg;
	size_t			 len = size * n, k;

	if (len > 12 && strncasecmp(data, "retry-after:", 12) == 0) {
		b->retry = (unsigned)strtoul(data + 12, NULL, 10);
		return len;
	}
	if (b->tag == NULL || len < 5 || strncasecmp(data, "etag:", 5) != 0)
		return len;
	for (k = 5; k < len && (data[k] == ' ' || data[k] == '\t'); k++)
		;
	while (len > k && (data[len - 1] == '\r' || data[len - 1] == '\n' ||
	    data[len - 1] == ' '))
		len--;
	if (len - k < b->taglen)
		snprintf(b->tag, b->taglen, "%.*s", (int)(len - k), data + k);
	return size * n;
}

/* The host of an http(s) URL, into host; 0 or -1. */
static int
fetch_url_host(const char *url, char *host, size_t hostlen)
{
	CURLU	*u;
	char	*h = NULL;
	int	 rc = -1;

	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    strlen(h) < hostlen) {
		/* an IPv6 address comes in brackets */
		snprintf(host, hostlen, "%.*s", (int)strcspn(h + (*h == '['),
		    "]"), h + (*h == '['));
		rc = 0;
	}
	curl_free(h);
	curl_url_cleanup(u);
	return rc;
}

int
fetch_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == 0 ? 0 : -1;
}

static int
fetch_curl_init(struct fetch *f, const char *const *hosts, const char *ca,
    char *err, size_t errlen)
{
	char	urlhost[256];
	size_t	i;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    (f->curl = curl_easy_init()) == NULL)
		return errf(err, errlen, "cannot start libcurl");
	if (fetch_url_host(f->base, urlhost, sizeof urlhost) == -1)
		return errf(err, errlen, "'%s': not a URL with a host",
		    f->base);
	curl_easy_setopt(f->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(f->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(f->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(f->curl, CURLOPT_CONNECTTIMEOUT, (long)FETCH_CONNECT);
	curl_easy_setopt(f->curl, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT);
	curl_easy_setopt(f->curl, CURLOPT_USERAGENT, "skk-audit");
	curl_easy_setopt(f->curl, CURLOPT_WRITEFUNCTION, fetch_write_cb);
	curl_easy_setopt(f->curl, CURLOPT_ERRORBUFFER, f->why);
	/* The issuer's own CA for its own host; the system's for mirrors. */
	for (i = 0; ca != NULL && *ca != '\0' && hosts != NULL &&
	    hosts[i] != NULL; i++)
		if (strcasecmp(hosts[i], urlhost) == 0) {
			curl_easy_setopt(f->curl, CURLOPT_CAINFO, ca);
			break;
		}
	return 0;
}

struct fetch *
fetch_new(const char *base, const char *const *hosts, const char *ca,
    char *err, size_t errlen)
{
	struct fetch	*f;
	const char	*p = base;
	size_t		 len;

	if ((f = calloc(1, sizeof *f)) == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	if (strncasecmp(base, "file://", 7) == 0) {
		p = base + 7;
		f->dir = 1;
	} else if (strncasecmp(base, "http://", 7) != 0 &&
	    strncasecmp(base, "https://", 8) != 0)
		f->dir = 1;
	len = strlen(p);
	if (len == 0 || len + 2 > sizeof f->base) {
		errf(err, errlen, "'%s': expected a URL or a directory", base);
		free(f);
		return NULL;
	}
	snprintf(f->base, sizeof f->base, "%s%s", p,
	    p[len - 1] == '/' ? "" : "/");
	if (!f->dir && fetch_curl_init(f, hosts, ca, err, errlen) == -1) {
		fetch_free(f);
		return NULL;
	}
	return f;
}

void
fetch_free(struct fetch *f)
{
	if (f == NULL)
		return;
	if (f->curl != NULL)
		curl_easy_cleanup(f->curl);
	free(f);
}

int
fetch_set_tls(struct fetch *f, const struct fetch_tls *t, char *err,
    size_t errlen)
{
	char	b64[64], pin[80];

	if (f->dir)
		return 0;
	if (t->ca != NULL && *t->ca != '\0' &&
	    curl_easy_setopt(f->curl, CURLOPT_CAINFO, t->ca) != CURLE_OK)
		return errf(err, errlen, "cannot use CA file '%s'", t->ca);
	if (t->pin != NULL) {
		if (base64_encode(t->pin, 32, b64, sizeof b64) == -1)
			return errf(err, errlen, "bad pin");
		snprintf(pin, sizeof pin, "sha256//%s", b64);
		if (curl_easy_setopt(f->curl, CURLOPT_PINNEDPUBLICKEY, pin) !=
		    CURLE_OK)
			return errf(err, errlen, "this libcurl cannot pin "
			    "public keys");
	}
	if (t->cert != NULL && *t->cert != '\0' &&
	    (curl_easy_setopt(f->curl, CURLOPT_SSLCERT, t->cert) !=
	    CURLE_OK || curl_easy_setopt(f->curl, CURLOPT_SSLKEY,
	    t->key) != CURLE_OK))
		return errf(err, errlen, "cannot use client certificate "
		    "'%s'", t->cert);
	return 0;
}

/*
 * What a failed transfer means to the user, with libcurl's detail;
 * FETCH_TLS when TLS refused the server.
 */
static enum fetch_result
fetch_curl_error(struct fetch *f, const char *url, CURLcode rc, char *err,
    size_t errlen)
{
	const char		*what;
	enum fetch_result	 r = FETCH_TLS;

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
		what = "unreachable";
		r = FETCH_FAILED;
		break;
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		what = "TLS: the server's public key is not the pinned one";
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		what = "TLS: the server's certificate is not trusted";
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
		what = "TLS handshake failed";
		break;
	default:
		what = curl_easy_strerror(rc);
		r = FETCH_FAILED;
	}
	if (f->why[0] != '\0')
		errf(err, errlen, "%s: %s (%s)", url, what, f->why);
	else
		errf(err, errlen, "%s: %s", url, what);
	return r;
}

static enum fetch_result
fetch_file(struct fetch *f, const char *path, struct fetch_body *b,
    char *err, size_t errlen)
{
	char	 name[FETCH_URL_MAX * 2], chunk[65536];
	FILE	*fp;
	size_t	 n;
	int	 missing;

	snprintf(name, sizeof name, "%s%s", f->base, path);
	if ((fp = fopen(name, "r")) == NULL) {
		missing = errno == ENOENT;
		errf(err, errlen, "'%s': %s", name, strerror(errno));
		return missing ? FETCH_MISSING : FETCH_FAILED;
	}
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (fetch_write_cb(chunk, 1, n, b) != n)
			break;
	if (ferror(fp) || n > 0) {
		fclose(fp);
		if (b->over)
			return errf(err, errlen, "'%s': larger than %zu bytes",
			    name, b->max), FETCH_FAILED;
		return errf(err, errlen, "'%s': cannot read", name),
		    FETCH_FAILED;
	}
	fclose(fp);
	return FETCH_OK;
}

static enum fetch_result
fetch_http(struct fetch *f, const char *path, const char *etag,
    struct fetch_body *b, char *err, size_t errlen)
{
	char			 url[FETCH_URL_MAX * 2], inm[256];
	struct curl_slist	*hdr = NULL;
	long			 status = 0;
	CURLcode		 rc;

	snprintf(url, sizeof url, "%s%s", f->base, path);
	curl_easy_setopt(f->curl, CURLOPT_URL, url);
	curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, b);
	f->why[0] = '\0';
	curl_easy_setopt(f->curl, CURLOPT_HEADERFUNCTION, fetch_header_cb);
	curl_easy_setopt(f->curl, CURLOPT_HEADERDATA, b);
	if (etag != NULL && *etag != '\0' && strlen(etag) < 200) {
		snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
		if ((hdr = curl_slist_append(NULL, inm)) == NULL)
			return errf(err, errlen, "out of memory"), FETCH_FAILED;
	}
	curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(f->curl);
	curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdr);
	curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &status);
	b->status = rc == CURLE_OK ? status : 0;
	if (rc != CURLE_OK) {
		if (b->over)
			errf(err, errlen, "%s: larger than %zu bytes", url,
			    b->max);
		else
			return fetch_curl_error(f, url, rc, err, errlen);
		return FETCH_FAILED;
	}
	if (status == 404) {
		errf(err, errlen, "%s: HTTP 404 (not found)", url);
		return FETCH_MISSING;
	}
	if (status == 304 && hdr != NULL)
		return FETCH_UNCHANGED;
	if (status != 200) {
		errf(err, errlen, "%s: HTTP %ld", url, status);
		return FETCH_FAILED;
	}
	return FETCH_OK;
}

enum fetch_result
fetch_get(struct fetch *f, const char *path, uint8_t **buf, size_t *len,
    size_t max, char *err, size_t errlen)
{
	return fetch_get_tag(f, path, NULL, NULL, 0, buf, len, max, err,
	    errlen);
}

enum fetch_result
fetch_get_tag(struct fetch *f, const char *path, const char *etag,
    char *newtag, size_t taglen, uint8_t **buf, size_t *len, size_t max,
    char *err, size_t errlen)
{
	struct fetch_body	b = { NULL, 0, max, 0, newtag, taglen, 0, 0 };
	enum fetch_result	r;

	if (newtag != NULL && taglen > 0)
		newtag[0] = '\0';
	else
		b.tag = NULL;
	if ((b.p = malloc(1)) == NULL)
		return errf(err, errlen, "out of memory"), FETCH_FAILED;
	b.p[0] = '\0';
	r = f->dir ? fetch_file(f, path, &b, err, errlen) :
	    fetch_http(f, path, etag, &b, err, errlen);
	if (r != FETCH_OK) {
		free(b.p);
		return r;
	}
	*buf = b.p;
	*len = b.len;
	return FETCH_OK;
}

enum fetch_result
fetch_get_any(struct fetch *f, const char *path, long *status,
    unsigned *retry_after, uint8_t **buf, size_t *len, size_t max,
    char *err, size_t errlen)
{
	struct fetch_body	b = { NULL, 0, max, 0, NULL, 0, 0, 0 };
	enum fetch_result	r;

	*status = 0;
	*retry_after = 0;
	if (f->dir)
		return errf(err, errlen, "not over HTTP"), FETCH_FAILED;
	if ((b.p = malloc(1)) == NULL)
		return errf(err, errlen, "out of memory"), FETCH_FAILED;
	b.p[0] = '\0';
	r = fetch_http(f, path, NULL, &b, err, errlen);
	if (r != FETCH_OK && b.status == 0) {
		free(b.p);
		return r;
	}
	*status = b.status;
	*retry_after = b.retry;
	*buf = b.p;
	*len = b.len;
	return FETCH_OK;
}
