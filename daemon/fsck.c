/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skkd check", see fsck.h. The reader copies what a check needs out of
 * each record (the records themselves stay in the reader's snapshot) into
 * batches; a bounded queue keeps it at most a few batches ahead of the
 * checking threads, so memory stays the same for ten thousand
 * certificates or ten million.
 */
#include <sys/queue.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errf.h"
#include "fsck.h"
#include "qrpay.h"
#include "store.h"

#define FSCK_BATCH	256	/* records a batch */
#define FSCK_AHEAD	4	/* batches queued per checking thread */
#define FSCK_THREADS	8	/* most checking threads: with the reader's
				   own, 9 of the 16 reader slots
				   admin_open_store adds to a daemon's */
#define FSCK_EVENTS	256	/* events of one certificate checked */

enum fsck_qr {
	FSCK_QR_NONE,		/* no signed payload stored */
	FSCK_QR_LONG,		/* longer than any QR holds */
	FSCK_QR_OK
};

struct fsck_item {
	char		 number[CERT_NUMBER_LEN + 1];
	uint8_t		 kid[SIGN_KID_LEN];
	uint8_t		 hmac[CERT_HMAC_LEN];
	enum fsck_qr	 qr_state;
	size_t		 qrlen;
	uint8_t		 qr[QRPAY_MAX_BYTES];
};

struct fsck_batch {
	STAILQ_ENTRY(fsck_batch) entry;
	size_t			 n;
	struct fsck_item	 item[FSCK_BATCH];
};

STAILQ_HEAD(fsck_batches, fsck_batch);

struct fsck {
	struct store		*s;
	const struct keyring	*kr;
	const char		*host;
	int64_t			 now;
	pthread_mutex_t		 lock;
	pthread_cond_t		 more;		/* a batch queued, or done */
	pthread_cond_t		 room;		/* a queued batch taken */
	struct fsck_batches	 queue;
	struct fsck_batches	 spare;		/* checked, to fill again */
	size_t			 queued, ahead;
	int			 done;		/* no more batches will come */
	struct fsck_batch	*cur;		/* the reader's, filling */
	struct fsck_counts	 c;		/* the reader's */
};

struct fsck_worker {
	struct fsck		*f;
	pthread_t		 thread;
	struct store_rd		*rd;
	struct fsck_counts	 c;
	char			(*found)[CERT_NUMBER_LEN + 1];
	size_t			 cap;
	struct cert_event	 evs[FSCK_EVENTS];
};

static void
fsck_problem(struct fsck_counts *c, const char *number, const char *why)
{
	c->problems++;
	fprintf(stderr, "skkd: check: %s: %s\n", number, why);
}

/* The payload, read from its URL as a phone reads it. */
static void
fsck_signature(struct fsck_worker *w, const struct fsck_item *it)
{
	struct qr_claims	 cl;
	enum qrpay_err		 e;
	char			 url[QRPAY_URL_MAX + 1], detail[160];

	if (it->qr_state == FSCK_QR_NONE) {
		fsck_problem(&w->c, it->number, "signed payload missing");
		return;
	}
	if (it->qr_state == FSCK_QR_LONG || qrpay_url(w->f->host, it->qr,
	    it->qrlen, url, sizeof(url)) == -1) {
		fsck_problem(&w->c, it->number, "payload too long for a QR");
		return;
	}
	e = qrpay_verify(url, strlen(url), w->f->kr, w->f->now, &cl, detail,
	    sizeof(detail));
	if (e == QRPAY_KEY_COMPROMISED) {
		w->c.retired++;	/* genuine, but its key leaked: resign it */
		return;
	}
	if (e != QRPAY_OK && e != QRPAY_EXPIRED && e != QRPAY_NOT_YET_VALID) {
		fsck_problem(&w->c, it->number, detail);
		return;
	}
	if (strcmp(cl.number, it->number) != 0 ||
	    memcmp(cl.kid, it->kid, SIGN_KID_LEN) != 0)
		fsck_problem(&w->c, it->number, "signed payload does not "
		    "match the record");
	else
		w->c.sigs++;
}

/* The NIK index finds the record. */
static int
fsck_nik(struct fsck_worker *w, const struct fsck_item *it)
{
	size_t	 j, n;
	void	*p;
	int	 ok = 0;

	if (store_find_nik(w->rd, it->hmac, w->found, w->cap, &n) != STORE_OK)
		return 0;
	if (n > w->cap) {
		/* One holder may have many certificates: grow and ask again. */
		if ((p = reallocarray(w->found, n, sizeof(*w->found))) == NULL)
			return 0;
		w->found = p;
		w->cap = n;
		if (store_find_nik(w->rd, it->hmac, w->found, w->cap, &n) !=
		    STORE_OK)
			return 0;
	}
	for (j = 0; j < n && j < w->cap; j++)
		ok |= strcmp(w->found[j], it->number) == 0;
	return ok;
}

static void
fsck_item(struct fsck_worker *w, const struct fsck_item *it)
{
	size_t	j, n;

	fsck_signature(w, it);
	if (fsck_nik(w, it))
		w->c.niks++;
	else
		fsck_problem(&w->c, it->number, "missing from the NIK index");
	if (store_get_events(w->rd, it->number, w->evs, FSCK_EVENTS, &n) !=
	    STORE_OK) {
		fsck_problem(&w->c, it->number, "events unreadable");
		return;
	}
	for (j = 0; j < n && j < FSCK_EVENTS; j++) {
		if (strcmp(w->evs[j].number, it->number) != 0)
			fsck_problem(&w->c, it->number,
			    "event index names another certificate");
		else
			w->c.events++;
	}
}

static void *
fsck_main(void *arg)
{
	struct fsck_worker	*w = arg;
	struct fsck		*f = w->f;
	struct fsck_batch	*b;
	size_t			 i;

	for (;;) {
		pthread_mutex_lock(&f->lock);
		while (STAILQ_EMPTY(&f->queue) && !f->done)
			pthread_cond_wait(&f->more, &f->lock);
		if ((b = STAILQ_FIRST(&f->queue)) != NULL) {
			STAILQ_REMOVE_HEAD(&f->queue, entry);
			f->queued--;
			pthread_cond_signal(&f->room);
		}
		pthread_mutex_unlock(&f->lock);
		if (b == NULL)
			return NULL;
		for (i = 0; i < b->n; i++)
			fsck_item(w, &b->item[i]);
		pthread_mutex_lock(&f->lock);
		STAILQ_INSERT_HEAD(&f->spare, b, entry);
		pthread_mutex_unlock(&f->lock);
	}
}

/* Queues the reader's batch, waiting while enough are ahead. */
static void
fsck_queue(struct fsck *f)
{
	pthread_mutex_lock(&f->lock);
	while (f->queued >= f->ahead)
		pthread_cond_wait(&f->room, &f->lock);
	STAILQ_INSERT_TAIL(&f->queue, f->cur, entry);
	f->queued++;
	pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->lock);
	f->cur = NULL;
}

static int
fsck_read_cb(const struct cert *c, const uint8_t *qr, size_t qrlen,
    void *arg)
{
	struct fsck		*f = arg;
	struct fsck_item	*it;

	f->c.certs++;
	if (c == NULL) {
		fsck_problem(&f->c, "?", "record does not decode");
		return 0;
	}
	if (f->cur == NULL) {
		pthread_mutex_lock(&f->lock);
		if ((f->cur = STAILQ_FIRST(&f->spare)) != NULL)
			STAILQ_REMOVE_HEAD(&f->spare, entry);
		pthread_mutex_unlock(&f->lock);
		if (f->cur == NULL &&
		    (f->cur = malloc(sizeof(*f->cur))) == NULL)
			return -1;
		f->cur->n = 0;
	}
	it = &f->cur->item[f->cur->n++];
	snprintf(it->number, sizeof(it->number), "%s", c->number);
	memcpy(it->kid, c->kid, SIGN_KID_LEN);
	memcpy(it->hmac, c->nik_hmac, CERT_HMAC_LEN);
	it->qrlen = 0;
	if (qr == NULL)
		it->qr_state = FSCK_QR_NONE;
	else if (qrlen > sizeof(it->qr))
		it->qr_state = FSCK_QR_LONG;
	else {
		it->qr_state = FSCK_QR_OK;
		memcpy(it->qr, qr, qrlen);
		it->qrlen = qrlen;
	}
	if (f->cur->n == FSCK_BATCH)
		fsck_queue(f);
	return 0;
}

static void
fsck_add(struct fsck_counts *to, const struct fsck_counts *c)
{
	to->certs += c->certs;
	to->sigs += c->sigs;
	to->retired += c->retired;
	to->niks += c->niks;
	to->events += c->events;
	to->problems += c->problems;
}

static void
fsck_free(struct fsck_batches *l)
{
	struct fsck_batch	*b;

	while ((b = STAILQ_FIRST(l)) != NULL) {
		STAILQ_REMOVE_HEAD(l, entry);
		free(b);
	}
}

int
fsck_run(struct store *s, const struct keyring *kr, const char *host,
    int64_t now, unsigned threads, struct fsck_counts *out, char *err,
    size_t errlen)
{
	struct fsck		 f;
	struct fsck_worker	*w;
	struct store_rd		*rd;
	cpu_set_t		 set;
	long			 ncpu;
	unsigned		 i, n;
	int			 rc, ret = 0;

	memset(out, 0, sizeof(*out));
	if (threads == 0) {
		/* The CPUs this process may run on (taskset, cgroups). */
		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			ncpu = CPU_COUNT(&set);
		else
			ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		threads = ncpu < 1 ? 1 : ncpu > FSCK_THREADS ? FSCK_THREADS :
		    (unsigned)ncpu;
	}
	if (threads > FSCK_THREADS)
		threads = FSCK_THREADS;
	memset(&f, 0, sizeof(f));
	f.s = s;
	f.kr = kr;
	f.host = host;
	f.now = now;
	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.more, NULL);
	pthread_cond_init(&f.room, NULL);
	STAILQ_INIT(&f.queue);
	STAILQ_INIT(&f.spare);
	if ((w = calloc(threads, sizeof(*w))) == NULL) {
		errf(err, errlen, "out of memory");
		return -1;
	}
	if ((rd = store_rd_new(s)) == NULL) {
		free(w);
		errf(err, errlen, "no reader");
		return -1;
	}
	for (n = 0; n < threads; n++) {
		w[n].f = &f;
		if ((w[n].rd = store_rd_new(s)) == NULL ||
		    pthread_create(&w[n].thread, NULL, fsck_main, &w[n]) != 0) {
			if (w[n].rd != NULL)
				store_rd_free(w[n].rd);
			break;
		}
	}
	f.ahead = FSCK_AHEAD * n;	/* read by this thread only */
	if (n == 0) {
		errf(err, errlen, "no checking thread could start");
		ret = -1;
	} else if ((rc = store_foreach_cert(rd, fsck_read_cb, &f)) !=
	    STORE_OK)
		fsck_problem(&f.c, "store", store_strerror(rc));
	if (f.cur != NULL && f.cur->n > 0)
		fsck_queue(&f);
	free(f.cur);
	pthread_mutex_lock(&f.lock);
	f.done = 1;
	pthread_cond_broadcast(&f.more);
	pthread_mutex_unlock(&f.lock);
	*out = f.c;
	for (i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		fsck_add(out, &w[i].c);
		store_rd_free(w[i].rd);
		free(w[i].found);
	}
	out->threads = n;
	store_rd_free(rd);
	fsck_free(&f.queue);
	fsck_free(&f.spare);
	pthread_cond_destroy(&f.room);
	pthread_cond_destroy(&f.more);
	pthread_mutex_destroy(&f.lock);
	free(w);
	return ret;
}
