/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd resign. It runs as its own process beside the daemon and writes
 * through the store like the writer thread does: LMDB admits one write
 * transaction at a time across processes, so the daemon's group commits
 * wait at most one batch, and every daemon read is a fresh snapshot that
 * sees a batch as soon as it commits. Each certificate is read again
 * inside the write transaction, so a status changed by the daemon since
 * the candidates were listed is never overwritten.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "certlist.h"
#include "conf.h"
#include "hex.h"
#include "keys.h"
#include "qrpay.h"
#include "resign.h"
#include "skkd.h"
#include "store.h"
#include "tlog.h"

#define RESIGN_BATCH	1000	/* certificates per transaction */
#define RESIGN_ACTOR	"skkd resign"

struct resign {
	const struct conf	*conf;
	struct sign_key		*key;		/* the active signing key */
	uint8_t			 kid[SIGN_KID_LEN];	/* the key replaced */
	char			 kidhex[2 * SIGN_KID_LEN + 1];
	int32_t			 today;
	int64_t			 now;
	struct certlist		 list;		/* the candidates */
	size_t			 done;
	FILE			*csv;
	struct tlog		*tlog;		/* signs each batch's checkpoint */
};

static int
resign_fail(int status, const char *what, const char *err)
{
	fprintf(stderr, "skkd: resign: %s%s%s\n", what, what[0] ? ": " : "",
	    err);
	return status;
}

/* Live: a holder may still show the card (revoked and replaced are final). */
static int
resign_wanted(const struct resign *r, const struct cert *c)
{
	return memcmp(c->kid, r->kid, SIGN_KID_LEN) == 0 &&
	    c->status != CERT_REVOKED && c->status != CERT_REPLACED &&
	    c->expires >= r->today;
}

static int
resign_want(const struct cert *c, void *arg)
{
	return resign_wanted(arg, c);
}

/* One CSV field, always quoted: names hold commas and apostrophes. */
static void
resign_csv_field(FILE *f, const char *s, char sep)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
	fputc(sep, f);
}

/* The event that lets /V/ tell the old card from a forgery. */
static int
resign_event(struct store_wtxn *t, const struct resign *r,
    const struct cert *c, const uint8_t *old, size_t oldlen)
{
	struct cert_event	ev;
	uint8_t			hash[32];

	if (sign_sha256(old, oldlen, hash) == -1)
		return STORE_ERROR;
	memset(&ev, 0, sizeof(ev));
	ev.at = r->now;
	ev.kind = EVENT_RESIGN;
	ev.status = c->status;
	snprintf(ev.number, sizeof(ev.number), "%s", c->number);
	snprintf(ev.actor, sizeof(ev.actor), "%s", RESIGN_ACTOR);
	snprintf(ev.reason, sizeof(ev.reason), "re-signed: key %s retired",
	    r->kidhex);
	hex_encode(hash, sizeof(hash), ev.detail);
	return store_add_event(t, &ev);
}

/* The log's RESIGN entry: the digest is of the new payload. */
static int
resign_log(struct store_wtxn *t, const struct resign *r,
    const struct cert *c, const uint8_t *cose, size_t coselen)
{
	uint64_t	index;
	char		err[160];
	int		rc;

	rc = tlog_cert(t, c, LOG_RESIGN, LOG_REASON_NONE, NULL, cose,
	    coselen, r->now, &index, err, sizeof(err));
	if (rc != STORE_OK)
		fprintf(stderr, "skkd: resign: %s\n", err);
	return rc;
}

/*
 * Re-signs one certificate in t; *url gets its new QR URL, or "" when it
 * changed since it was listed (then it is skipped). A store code.
 */
static int
resign_one(struct store_wtxn *t, const struct resign *r, const char *number,
    struct cert *c, char url[QRPAY_URL_MAX + 1])
{
	struct qr_claims	 cl;
	uint8_t			*old = NULL, *cose = NULL;
	size_t			 oldlen = 0, coselen = 0;
	int			 rc;

	url[0] = '\0';
	if ((rc = store_wget_qr(t, number, c, &old, &oldlen)) != STORE_OK)
		return rc == STORE_NOTFOUND ? STORE_OK : rc;
	if (!resign_wanted(r, c) || old == NULL) {
		free(old);
		return STORE_OK;
	}
	memcpy(c->kid, sign_key_kid(r->key), SIGN_KID_LEN);
	qrpay_claims_from_cert(&cl, c);
	/* A reprint carries the index, whether or not the old card did. */
	if ((rc = store_status_idx(t, number, &cl.status_idx)) != STORE_OK) {
		free(old);
		return rc;
	}
	cl.has_status_idx = 1;
	rc = STORE_ERROR;
	if (qrpay_sign(r->key, &cl, &cose, &coselen) == 0 &&
	    qrpay_url(r->conf->public_host, cose, coselen, url,
	    QRPAY_URL_MAX + 1) == 0 &&
	    (rc = store_put_cert(t, c, 0, cose, coselen)) == STORE_OK &&
	    (rc = resign_event(t, r, c, old, oldlen)) == STORE_OK)
		rc = resign_log(t, r, c, cose, coselen);
	if (rc != STORE_OK)
		url[0] = '\0';
	free(old);
	free(cose);
	return rc;
}

/* Numbers [from, to) in one transaction; the rows go out after commit. */
static int
resign_batch(struct store *s, struct resign *r, size_t from, size_t to,
    char *err, size_t errlen)
{
	static struct cert	 cs[RESIGN_BATCH];
	static char		 urls[RESIGN_BATCH][QRPAY_URL_MAX + 1];
	struct store_wtxn	*t;
	size_t			 i;
	int			 rc;

	if ((rc = store_wbegin(s, &t, err, errlen)) != STORE_OK)
		return rc;
	for (i = from; i < to; i++) {
		rc = resign_one(t, r, r->list.numbers[i], &cs[i - from],
		    urls[i - from]);
		if (rc != STORE_OK) {
			store_wabort(t);
			snprintf(err, errlen, "%s: %s", r->list.numbers[i],
			    store_strerror(rc));
			return rc;
		}
	}
	if ((rc = tlog_checkpoint(r->tlog, t, err, errlen)) != STORE_OK) {
		store_wabort(t);
		return rc;
	}
	if ((rc = store_wcommit(t, err, errlen)) != STORE_OK)
		return rc;
	for (i = from; i < to; i++) {
		if (urls[i - from][0] == '\0')
			continue;
		resign_csv_field(r->csv, cs[i - from].number, ',');
		resign_csv_field(r->csv, cs[i - from].name, ',');
		resign_csv_field(r->csv, urls[i - from], '\n');
		r->done++;
	}
	return fflush(r->csv) == 0 ? STORE_OK : STORE_ERROR;
}

/* The key to replace (not the active one) and the key that replaces it. */
static int
resign_keys(struct skkd *sk, struct resign *r, const char *kid)
{
	struct keys_index	ix;
	char			err[512];
	int			i;

	if (keys_index_read(r->conf, &ix, err, sizeof(err)) == -1)
		return resign_fail(EX_CONFIG, "keys", err);
	if ((i = keys_index_match(&ix, kid, err, sizeof(err))) == -1)
		return resign_fail(EX_DATAERR, "--kid", err);
	memcpy(r->kid, ix.e[i].kid, SIGN_KID_LEN);
	keys_kid_hex(r->kid, r->kidhex);
	if (i == keys_index_active(&ix))
		return resign_fail(EX_DATAERR, r->kidhex, "is the active "
		    "signing key: run skkd rotate-key (and reload) first");
	memcpy(&sk->conf, r->conf, sizeof(*r->conf));
	if (keys_load(sk, err, sizeof(err)) == -1)
		return resign_fail(EX_CONFIG, "keys", err);
	r->key = sk->signkey;
	return 0;
}

static FILE *
resign_open_csv(const char *path)
{
	FILE	*f;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1)
		return NULL;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(path);
		return NULL;
	}
	fprintf(f, "number,name,url\n");
	return f;
}

/* Lists the candidates, then re-signs them batch by batch. */
static int
resign_store(struct store *s, struct resign *r)
{
	char		 err[512];
	size_t		 i, end, freed, n;
	int		 rc;

	r->list.want = resign_want;
	r->list.arg = r;
	if ((rc = certlist_collect(s, &r->list)) != STORE_OK)
		return resign_fail(EX_UNAVAILABLE, "store", store_strerror(rc));
	n = r->list.n;
	for (i = 0; i < n; i = end) {
		end = n - i > RESIGN_BATCH ? i + RESIGN_BATCH : n;
		if (resign_batch(s, r, i, end, err, sizeof(err)) != STORE_OK) {
			fprintf(stderr, "skkd: resign: stopped after %zu "
			    "certificates: %s\n", r->done, err);
			return EX_IOERR;
		}
		/* Gives back the page copies LMDB keeps in this process. */
		if (store_trim(s, &freed, err, sizeof(err)) == STORE_ERROR)
			return resign_fail(EX_IOERR, "store", err);
	}
	return 0;
}

int
resign_run(const struct conf *c, const char *kid, const char *csv)
{
	static struct skkd	 sk;
	struct resign		 r;
	struct store_opts	 o;
	struct store		*s;
	char			 err[512];
	int			 rc;

	memset(&r, 0, sizeof(r));
	r.conf = c;
	r.now = time(NULL);
	r.today = date_today(r.now);
	if ((rc = resign_keys(&sk, &r, kid)) != 0)
		return rc;
	if (c->log_key[0] == '\0' || (r.tlog = tlog_load(c->log_key,
	    c->public_host, err, sizeof(err))) == NULL) {
		keys_release(&sk);
		return resign_fail(EX_CONFIG, "log_key", c->log_key[0] ?
		    err : "not set: see skkd log-key");
	}
	if ((r.csv = resign_open_csv(csv)) == NULL) {
		tlog_free(r.tlog);
		keys_release(&sk);
		return resign_fail(EX_CANTCREAT, csv, strerror(errno));
	}
	memset(&o, 0, sizeof(o));
	o.dir = c->data_dir;
	if (access(c->data_dir, F_OK) == -1) {
		fclose(r.csv);
		unlink(csv);
		tlog_free(r.tlog);
		keys_release(&sk);
		return resign_fail(EX_UNAVAILABLE, c->data_dir,
		    strerror(errno));
	}
	o.map_size = c->map_size;
	o.max_readers = c->workers + 16;
	if ((s = store_open(&o, err, sizeof(err))) == NULL)
		rc = resign_fail(EX_UNAVAILABLE, "data_dir", err);
	else
		rc = resign_store(s, &r);
	store_close(s);
	if (fclose(r.csv) != 0 && rc == 0)
		rc = resign_fail(EX_IOERR, csv, strerror(errno));
	keys_kid_hex(sign_key_kid(r.key), err);
	if (rc == 0)
		printf("%zu certificates of key %s re-signed with key %s;\n"
		    "reprint list: %s\n", r.done, r.kidhex, err, csv);
	certlist_free(&r.list);
	tlog_free(r.tlog);
	keys_release(&sk);
	return rc;
}
