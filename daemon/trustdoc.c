/* skkd — SPDX-License-Identifier: ISC */
/*
 * The issuer descriptor and the trust list, kept signed in memory and
 * served from it. Workers copy the current bytes under a mutex; a new
 * descriptor is made on the main thread at SIGHUP, or by the first
 * request that finds the current one past half its validity, so one
 * never expires under a daemon that runs for weeks without a reload.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "conf.h"
#include "cose.h"
#include "errf.h"
#include "hex.h"
#include "issuer.h"
#include "log.h"
#include "skkd.h"
#include "tlog.h"
#include "trustdoc.h"
#include "trustlist.h"
#include "web.h"

/* One served document: its bytes and entity tag. */
struct doc {
	uint8_t		*buf;
	size_t		 len;
	int64_t		 iat;		/* the descriptor's */
	char		 etag[WEB_ETAG_MAX];
};

static pthread_mutex_t	 trustdoc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct doc	 issuer_doc;	/* under trustdoc_lock */
static struct doc	 list_doc;	/* under trustdoc_lock */
/* publish_dir's writer once serving, or NULL. */
static trustdoc_doc_fn	 trustdoc_pub_fn;
static void		*trustdoc_pub_arg;

static void	trustdoc_keys(const struct keyring *, struct issuer_desc *);
static void	trustdoc_publish(const char *, const uint8_t *, size_t);
static void	trustdoc_set(struct doc *, uint8_t *, size_t, int64_t);
static int	trustdoc_issuer_new(int64_t, char *, size_t);
static int	trustdoc_list_new(int64_t, char *, size_t);
static int	trustdoc_serve(struct doc *, const char *, struct web_resp *,
		    const char **);

/* The keyring as the descriptor lists it; entries are read atomically. */
static void
trustdoc_keys(const struct keyring *kr, struct issuer_desc *d)
{
	const struct keyring_entry	*e;
	size_t				 i, n;

	n = __atomic_load_n(&kr->n, __ATOMIC_ACQUIRE);
	for (i = 0; i < n && i < KEYRING_MAX; i++) {
		e = &kr->k[i];
		memcpy(d->keys[i].pub, sign_key_public(e->key), SIGN_PUB_LEN);
		memcpy(d->keys[i].kid, sign_key_kid(e->key), SIGN_KID_LEN);
		d->keys[i].from = __atomic_load_n(&e->valid_from,
		    __ATOMIC_RELAXED);
		d->keys[i].to = __atomic_load_n(&e->valid_to,
		    __ATOMIC_RELAXED);
		d->keys[i].compromised = __atomic_load_n(&e->compromised_at,
		    __ATOMIC_RELAXED);
	}
	d->nkeys = i;
}

int
trustdoc_issuer_make(const struct conf *c, const struct keyring *kr,
    const struct tlog *l, int64_t now, int64_t validity, uint8_t **out,
    size_t *outlen, char *err, size_t errlen)
{
	struct issuer_desc	*d;
	int			 rc;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return errf(err, errlen, "out of memory");
	snprintf(d->name, sizeof(d->name), "%s", c->issuer_name);
	snprintf(d->licence, sizeof(d->licence), "%s", c->issuer_licence);
	snprintf(d->host, sizeof(d->host), "%s", c->public_host);
	snprintf(d->status, sizeof(d->status), "https://%s/status/",
	    c->public_host);
	d->iat = now;
	d->exp = now + validity;
	trustdoc_keys(kr, d);
	if (note_vkey_format(&l->key, d->log_key, sizeof(d->log_key)) == -1)
		rc = errf(err, errlen, "log_key: cannot be written as a vkey");
	else
		rc = issuer_desc_make(l->key.key, d, out, outlen, err, errlen);
	free(d);
	return rc;
}

/* A copy in publish_dir, if there is one, for static servers. */
static void
trustdoc_publish(const char *rel, const uint8_t *buf, size_t len)
{
	char	err[512];

	if (trustdoc_pub_fn != NULL && trustdoc_pub_fn(rel, buf, len,
	    trustdoc_pub_arg, err, sizeof(err)) == -1)
		log_warnx("%s", err);
}

void
trustdoc_publish_to(trustdoc_doc_fn fn, void *arg)
{
	pthread_mutex_lock(&trustdoc_lock);
	trustdoc_pub_fn = fn;
	trustdoc_pub_arg = arg;
	if (issuer_doc.buf != NULL)
		trustdoc_publish("api/v1/issuer", issuer_doc.buf,
		    issuer_doc.len);
	if (list_doc.buf != NULL)
		trustdoc_publish("trust-list", list_doc.buf, list_doc.len);
	pthread_mutex_unlock(&trustdoc_lock);
}

/* Replaces doc's bytes with buf (taken over), under the lock. */
static void
trustdoc_set(struct doc *doc, uint8_t *buf, size_t len, int64_t iat)
{
	uint8_t	h[32];
	char	hexh[33];

	if (sign_sha256(buf, len, h) == -1)
		memset(h, 0, sizeof(h));
	hex_encode(h, 16, hexh);
	pthread_mutex_lock(&trustdoc_lock);
	free(doc->buf);
	doc->buf = buf;
	doc->len = len;
	doc->iat = iat;
	snprintf(doc->etag, sizeof(doc->etag), "\"%s\"", hexh);
	pthread_mutex_unlock(&trustdoc_lock);
}

static int
trustdoc_issuer_new(int64_t now, char *err, size_t errlen)
{
	uint8_t	*buf;
	size_t	 len;

	if (trustdoc_issuer_make(&skkd->conf, &skkd->keyring, skkd->tlog, now,
	    skkd->conf.status_validity, &buf, &len, err, errlen) == -1)
		return -1;
	trustdoc_publish("api/v1/issuer", buf, len);
	trustdoc_set(&issuer_doc, buf, len, now);
	return 0;
}

int
trustdoc_read_list(const char *path, int64_t now, uint8_t **out,
    size_t *outlen, char *dates, size_t dateslen, char *err, size_t errlen)
{
	struct trustlist	 tl;
	struct stat		 st;
	uint8_t			*buf = NULL;
	char			 why[256];
	ssize_t			 n = 0;
	int			 fd;

	dates[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errf(err, errlen, "trust_list '%s': %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > TL_SIZE_MAX || (buf = malloc(st.st_size + 1)) ==
	    NULL || (n = read(fd, buf, st.st_size + 1)) != st.st_size) {
		close(fd);
		free(buf);
		return errf(err, errlen, "trust_list '%s': %s", path,
		    n == -1 ? strerror(errno) : "not a regular file of at "
		    "most 4 MiB");
	}
	close(fd);
	if (trustlist_open(buf, (size_t)n, NULL, 0, &tl, why,
	    sizeof(why)) == -1) {
		trustlist_release(&tl);
		free(buf);
		return errf(err, errlen, "trust_list '%s': not a signed trust "
		    "list: %s", path, why);
	}
	trustlist_release(&tl);
	if (trustlist_open(buf, (size_t)n, NULL, now, &tl, why,
	    sizeof(why)) == -1)
		snprintf(dates, dateslen, "%s", why);
	trustlist_release(&tl);
	*out = buf;
	*outlen = (size_t)n;
	return 0;
}

static int
trustdoc_list_new(int64_t now, char *err, size_t errlen)
{
	uint8_t	*buf;
	size_t	 len;
	char	 dates[256];

	if (skkd->conf.trust_list[0] == '\0')
		return 0;
	if (trustdoc_read_list(skkd->conf.trust_list, now, &buf, &len, dates,
	    sizeof(dates), err, errlen) == -1)
		return -1;
	if (dates[0] != '\0')
		log_warnx("trust_list '%s' is served but %s",
		    skkd->conf.trust_list, dates);
	trustdoc_publish("trust-list", buf, len);
	trustdoc_set(&list_doc, buf, len, 0);
	return 0;
}

int
trustdoc_init(struct skkd *s, char *err, size_t errlen)
{
	int64_t	now = time(NULL);

	if (trustdoc_issuer_new(now, err, errlen) == -1)
		return -1;
	return trustdoc_list_new(now, err, errlen);
}

void
trustdoc_reload(struct skkd *s)
{
	int64_t	now = time(NULL);
	char	err[512];

	if (trustdoc_issuer_new(now, err, sizeof(err)) == -1)
		log_warnx("SIGHUP: keeping the old issuer descriptor: %s",
		    err);
	if (trustdoc_list_new(now, err, sizeof(err)) == -1)
		log_warnx("SIGHUP: keeping the old trust list: %s", err);
	else if (s->conf.trust_list[0] != '\0')
		log_info("SIGHUP: trust list reloaded");
}

void
trustdoc_release(void)
{
	pthread_mutex_lock(&trustdoc_lock);
	free(issuer_doc.buf);
	free(list_doc.buf);
	memset(&issuer_doc, 0, sizeof(issuer_doc));
	memset(&list_doc, 0, sizeof(list_doc));
	pthread_mutex_unlock(&trustdoc_lock);
}

/* Copies doc into the answer, under the lock. */
static int
trustdoc_serve(struct doc *doc, const char *ctype, struct web_resp *r,
    const char **why)
{
	int	status = 200;

	r->ep = MEP_HTTP_API;
	r->cors = 1;
	pthread_mutex_lock(&trustdoc_lock);
	if (doc->buf == NULL) {
		*why = doc == &list_doc ? "this issuer serves no trust list" :
		    "no issuer descriptor yet";
		status = 404;
	} else if (evbuffer_add(r->body, doc->buf, doc->len) == -1) {
		*why = "out of memory";
		status = 500;
	} else {
		memcpy(r->etag, doc->etag, sizeof(r->etag));
		r->ctype = ctype;
		r->cache = TRUSTDOC_CACHE;
	}
	pthread_mutex_unlock(&trustdoc_lock);
	return status;
}

int
trustdoc_issuer_serve(struct web_resp *r, const char **why)
{
	int64_t	now = time(NULL), iat;
	char	err[512];

	pthread_mutex_lock(&trustdoc_lock);
	iat = issuer_doc.iat;
	pthread_mutex_unlock(&trustdoc_lock);
	/* Two workers may both renew: the later one wins, both are good. */
	if (now - iat >= (int64_t)skkd->conf.status_validity / 2 &&
	    trustdoc_issuer_new(now, err, sizeof(err)) == -1)
		log_warnx("issuer descriptor: %s", err);
	return trustdoc_serve(&issuer_doc, COSE_TYP_ISSUER, r, why);
}

int
trustdoc_list_serve(struct web_resp *r, const char **why)
{
	return trustdoc_serve(&list_doc, COSE_TYP_TRUSTLIST, r, why);
}
