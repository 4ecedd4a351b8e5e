/* skkd — SPDX-License-Identifier: ISC */
/*
 * Status lists and number maps. The builder keeps, per list in use, the
 * stored status of each index as a packed nibble and its expiry day, and
 * the list's numbers sorted; it reads them once from a held snapshot and
 * then only what the events committed since then name. A build copies
 * the nibbles, marks the entries whose expiry has passed, and hands them
 * to sl_make (zlib and the signature): the work is that of compressing
 * the list, plus one pass over it.
 *
 * Everything the build reads (statuses, events, log checkpoint) comes
 * from one snapshot, so a token never names a checkpoint older than a
 * status it shows. Builds run on their own thread, never on an event
 * loop; the tokens are handed to the HTTPS workers under a mutex.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "bgthread.h"
#include "cert.h"
#include "checkpoint.h"
#include "conf.h"
#include "cose.h"
#include "errf.h"
#include "log.h"
#include "note.h"
#include "sign.h"
#include "statuslist.h"
#include "statuspub.h"
#include "store.h"
#include "tlog.h"
#include "web.h"

#define SP_GAP_SEC	1		/* between two builds, at least */
#define SP_ETAG_BYTES	16		/* of SHA-256, in the ETag */
#define SP_ERR_MAX	256

/* A signed token as served. */
struct sp_doc {
	uint8_t		*buf;		/* NULL: none */
	size_t		 len;
	char		 etag[WEB_ETAG_MAX];
};

/* One list in use: what its tokens are made from. */
struct sp_list {
	uint8_t			*base;		/* stored statuses, packed */
	int32_t			*expires;	/* last valid day per entry */
	uint32_t		 count;		/* highest index seen + 1 */
	struct sl_numrec	*recs;		/* sorted by digits */
	size_t			 nrecs, caprecs;
	struct sl_numrec	*add;		/* new since, any order */
	size_t			 nadd, capadd;
	int			 dirty[SP_KINDS];
};

/* A number map to sign: the records as they were, owned. */
struct sp_numjob {
	struct sl_numrec	*recs;		/* NULL: none pending */
	size_t			 count;
	struct sl_head		 h;
};

/* The builder's own state: one thread (or statuspub_once) uses it. */
struct sp_state {
	const struct tlog	*tlog;
	const struct conf	*conf;
	struct sp_list		*lists[SL_MAX_LISTS];
	uint32_t		 nlists;	/* highest list in use + 1 */
	int			 loaded;
	uint64_t		 next_event;
	uint64_t		 tree_size;
	uint8_t			 root[MERKLE_HASH_LEN];
	uint8_t			*work;		/* SL_PACKED_MAX */
};

struct statuspub {
	struct store		*store;
	struct sp_state		 st;
	statuspub_doc_fn	 on_doc;
	void			*on_doc_arg;
	char			 cache[64];	/* Cache-Control */
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 kicked;	/* under lock */
	int			 stopping;	/* under lock */
	/* Under lock: the latest tokens, [kind][n] for n < ndocs. */
	struct sp_doc		*docs[SP_KINDS];
	uint32_t		 ndocs;
	int			 built;
	/*
	 * Number maps are signed on a thread of their own: at a million
	 * numbers zlib takes seconds, and a revocation must not wait for
	 * it. Under lock: the map to sign next for each list (the newest
	 * replaces one not yet taken).
	 */
	pthread_t		 nthread;
	pthread_cond_t		 ncond;
	struct sp_numjob	*njobs;		/* [SL_MAX_LISTS] */
	int			 threads;	/* started: 0, 1 or 2 */
};

static int	sp_load(struct sp_state *, struct store_rd *, char *, size_t);

/* The list entry of a stored status (enum cert_status). */
static unsigned
sp_entry(unsigned status)
{
	switch (status) {
	case CERT_PENDING:
		return SL_PENDING;
	case CERT_ACTIVE:
		return SL_VALID;
	case CERT_SUSPENDED:
		return SL_SUSPENDED;
	case CERT_REVOKED:
		return SL_REVOKED;
	case CERT_REPLACED:
		return SL_REPLACED;
	default:
		return SL_NONE;
	}
}

void
statuspub_path(enum statuspub_kind kind, uint32_t n, char *out,
    size_t outlen)
{
	snprintf(out, outlen, "%s/%" PRIu32, kind == SP_STATUS ? "status" :
	    "numbers", n);
}

/* The list of n, made when first needed: every entry SL_NONE. */
static struct sp_list *
sp_list_get(struct sp_state *st, uint32_t n)
{
	struct sp_list	*l;

	if (n >= SL_MAX_LISTS)
		return NULL;
	if ((l = st->lists[n]) != NULL)
		return l;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->base = malloc(SL_PACKED_MAX)) == NULL ||
	    (l->expires = calloc(SL_PER_LIST, sizeof(int32_t))) == NULL) {
		if (l != NULL)
			free(l->base);
		free(l);
		return NULL;
	}
	memset(l->base, 0xff, SL_PACKED_MAX);
	l->dirty[SP_STATUS] = l->dirty[SP_NUMBERS] = 1;
	st->lists[n] = l;
	if (n >= st->nlists)
		st->nlists = n + 1;
	return l;
}

static void
sp_list_free(struct sp_list *l)
{
	if (l == NULL)
		return;
	free(l->base);
	free(l->expires);
	free(l->recs);
	free(l->add);
	free(l);
}

static void
sp_state_release(struct sp_state *st)
{
	uint32_t	n;

	for (n = 0; n < st->nlists; n++)
		sp_list_free(st->lists[n]);
	free(st->work);
	memset(st, 0, sizeof(*st));
}

/* A number as a record; -1 if it is not 22 digits and spaces. */
static int
sp_numrec(const char *number, uint32_t idx, struct sl_numrec *rec)
{
	size_t	i, k = 0;

	for (i = 0; number[i] != '\0'; i++) {
		if (number[i] == ' ')
			continue;
		if (number[i] < '0' || number[i] > '9' || k == SL_NUM_DIGITS)
			return -1;
		rec->digits[k++] = number[i];
	}
	rec->idx = idx;
	return k == SL_NUM_DIGITS ? 0 : -1;
}

static int
sp_push(struct sl_numrec **v, size_t *n, size_t *cap,
    const struct sl_numrec *rec)
{
	struct sl_numrec	*nv;
	size_t			 ncap;

	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 1024;
		if ((nv = reallocarray(*v, ncap, sizeof(*nv))) == NULL)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = *rec;
	return 0;
}

/*
 * One certificate as stored now. A new index (one the list had as
 * SL_NONE) brings a new number, when add_number says to take it.
 */
static int
sp_set(struct sp_state *st, const struct store_status *s, int add_number)
{
	struct sp_list		*l;
	struct sl_numrec	 rec;
	uint32_t		 i = s->idx & (SL_PER_LIST - 1);
	unsigned		 old;

	if ((l = sp_list_get(st, s->idx >> SL_SHIFT)) == NULL)
		return -1;
	old = sl_get(l->base, i);
	sl_set(l->base, i, sp_entry(s->status));
	l->expires[i] = s->expires;
	if (i >= l->count)
		l->count = i + 1;
	l->dirty[SP_STATUS] = 1;
	if (!add_number || old != SL_NONE ||
	    sp_numrec(s->number, s->idx, &rec) == -1)
		return 0;
	l->dirty[SP_NUMBERS] = 1;
	return sp_push(&l->add, &l->nadd, &l->capadd, &rec);
}

static int
sp_load_cb(const struct store_status *s, void *arg)
{
	return sp_set(arg, s, 0) == -1 ? -1 : 0;
}

static int
sp_since_cb(const struct store_status *s, void *arg)
{
	return sp_set(arg, s, 1) == -1 ? -1 : 0;
}

/* The number walk comes in number order: each list's records sorted. */
static int
sp_number_cb(const struct store_status *s, void *arg)
{
	struct sp_state		*st = arg;
	struct sp_list		*l;
	struct sl_numrec	 rec;

	if (sp_numrec(s->number, s->idx, &rec) == -1)
		return 0;
	if ((l = sp_list_get(st, s->idx >> SL_SHIFT)) == NULL)
		return -1;
	return sp_push(&l->recs, &l->nrecs, &l->caprecs, &rec);
}

static int
sp_none_cb(const struct store_status *s, void *arg)
{
	return 0;
}

static int
sp_rec_cmp(const void *a, const void *b)
{
	return memcmp(((const struct sl_numrec *)a)->digits,
	    ((const struct sl_numrec *)b)->digits, SL_NUM_DIGITS);
}

/* The records added since the last build merged in, in order. */
static int
sp_merge(struct sp_list *l)
{
	struct sl_numrec	*m;
	size_t			 i = 0, j = 0, k = 0;
	int			 c;

	if (l->nadd == 0)
		return 0;
	qsort(l->add, l->nadd, sizeof(*l->add), sp_rec_cmp);
	if ((m = reallocarray(NULL, l->nrecs + l->nadd, sizeof(*m))) == NULL)
		return -1;
	while (i < l->nrecs || j < l->nadd) {
		if (i == l->nrecs)
			c = 1;
		else if (j == l->nadd)
			c = -1;
		else
			c = sp_rec_cmp(&l->recs[i], &l->add[j]);
		if (c <= 0)
			m[k++] = l->recs[i++];
		else
			m[k++] = l->add[j++];
		if (c == 0)
			j++;	/* the same number twice: keep one */
	}
	free(l->recs);
	l->recs = m;
	l->nrecs = l->caprecs = k;
	l->nadd = 0;
	return 0;
}

/* The log checkpoint of the held snapshot: tree size and root. */
static int
sp_checkpoint(struct sp_state *st, struct store_rd *rd, char *err,
    size_t errlen)
{
	struct tlog_view	v;
	struct note		note;
	struct checkpoint	cp;
	char			why[CHECKPOINT_ERR_MAX];
	int			rc = 0;

	if (tlog_view_begin(rd, &v) != STORE_OK)
		return errf(err, errlen, "cannot read the log");
	if (v.ckptlen == 0) {
		/* No commit yet: the empty tree, whose root hashes "". */
		st->tree_size = 0;
		sign_sha256((const uint8_t *)"", 0, st->root);
	} else if (note_parse(v.ckpt, v.ckptlen, &note, why,
	    sizeof(why)) == -1 || checkpoint_parse(note.text, note.textlen,
	    &cp, why, sizeof(why)) == -1)
		rc = errf(err, errlen, "stored checkpoint: %s", why);
	else {
		st->tree_size = cp.size;
		memcpy(st->root, cp.root, sizeof(st->root));
	}
	tlog_view_end(&v);
	return rc;
}

/* Everything, from the reader's snapshot. */
static int
sp_load(struct sp_state *st, struct store_rd *rd, char *err, size_t errlen)
{
	uint64_t	next;

	if (sp_list_get(st, 0) == NULL)
		return errf(err, errlen, "out of memory");
	if (store_status_since(rd, UINT64_MAX, sp_none_cb, NULL,
	    &next) != STORE_OK ||
	    store_status_foreach(rd, sp_load_cb, st) != STORE_OK ||
	    store_status_numbers(rd, sp_number_cb, st) != STORE_OK)
		return errf(err, errlen, "cannot read the status indices");
	st->next_event = next;
	st->loaded = 1;
	return 0;
}

/* sp_load, saying how long it took: once per start, over everything. */
static int
sp_load_timed(struct sp_state *st, struct store_rd *rd, char *err,
    size_t errlen)
{
	struct timespec	t0, t1;
	uint64_t	n = 0;
	uint32_t	i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sp_load(st, rd, err, errlen) == -1)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < st->nlists; i++)
		if (st->lists[i] != NULL)
			n += st->lists[i]->nrecs;
	log_info("status lists: %" PRIu64 " certificates in %" PRIu32
	    " list(s) loaded in %ld ms", n, st->nlists,
	    (long)((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000));
	return 0;
}

/* Up to date with the snapshot rd holds (the first time: loaded). */
static int
sp_update(struct sp_state *st, struct store_rd *rd, char *err,
    size_t errlen)
{
	uint64_t	next;
	int		rc;

	if (store_rd_hold(rd) != STORE_OK)
		return errf(err, errlen, "cannot read the store");
	if (!st->loaded)
		rc = sp_load_timed(st, rd, err, errlen);
	else if (store_status_since(rd, st->next_event, sp_since_cb, st,
	    &next) != STORE_OK)
		rc = errf(err, errlen, "cannot read the events");
	else {
		st->next_event = next;
		rc = 0;
	}
	if (rc == 0)
		rc = sp_checkpoint(st, rd, err, errlen);
	store_rd_release(rd);
	return rc;
}

/* Entries whose last valid day is before today, and not final, expire. */
static void
sp_expire(uint8_t *packed, const int32_t *expires, uint32_t count,
    int32_t today)
{
	uint32_t	i;
	unsigned	v;

	for (i = 0; i < count; i++) {
		if (expires[i] >= today)
			continue;
		v = sl_get(packed, i);
		if (v == SL_VALID || v == SL_SUSPENDED || v == SL_PENDING)
			sl_set(packed, i, SL_EXPIRED);
	}
}

int
statuspub_list_make(const struct sign_key *key, const char *host,
    struct sl_head *h, const uint8_t *base, const int32_t *expires,
    uint32_t count, int32_t today, uint8_t *work, uint8_t **out,
    size_t *outlen, char *err, size_t errlen)
{
	if (count > SL_PER_LIST)
		return errf(err, errlen, "%" PRIu32 " entries, at most %u",
		    count, SL_PER_LIST);
	memcpy(work, base, ((size_t)count + 1) / 2);
	sp_expire(work, expires, count, today);
	return sl_make(key, host, h, work, count, out, outlen, err, errlen);
}

static void
sp_head(const struct sp_state *st, uint32_t n, int64_t now,
    struct sl_head *h)
{
	memset(h, 0, sizeof(*h));
	h->n = n;
	h->iat = now;
	h->exp = now + st->conf->status_validity;
	h->ttl = st->conf->status_interval;
	h->tree_size = st->tree_size;
	memcpy(h->root, st->root, sizeof(h->root));
}

/* The quoted ETag of a token: a hex prefix of its SHA-256. */
static void
sp_etag(struct sp_doc *d)
{
	uint8_t	hash[32];
	char	hex[2 * SP_ETAG_BYTES + 1];
	size_t	i;

	if (sign_sha256(d->buf, d->len, hash) == -1)
		memset(hash, 0, sizeof(hash));
	for (i = 0; i < SP_ETAG_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", hash[i]);
	snprintf(d->etag, sizeof(d->etag), "\"%s\"", hex);
}

/* The token of kind for list n into d. */
static int
sp_build(struct sp_state *st, enum statuspub_kind kind, uint32_t n,
    int64_t now, struct sp_doc *d, char *err, size_t errlen)
{
	struct sp_list	*l = st->lists[n];
	struct sl_head	 h;
	int		 rc;

	sp_head(st, n, now, &h);
	if (kind == SP_STATUS)
		rc = statuspub_list_make(st->tlog->key.key,
		    st->conf->public_host, &h, l->base, l->expires, l->count,
		    date_today(now), st->work, &d->buf, &d->len, err, errlen);
	else if (sp_merge(l) == -1)
		rc = errf(err, errlen, "out of memory");
	else
		rc = sl_numbers_make(st->tlog->key.key,
		    st->conf->public_host, &h, l->recs, l->nrecs, &d->buf,
		    &d->len, err, errlen);
	if (rc == -1)
		return -1;
	l->dirty[kind] = 0;
	sp_etag(d);
	return 0;
}

static int
sp_state_init(struct sp_state *st, const struct tlog *l,
    const struct conf *c)
{
	memset(st, 0, sizeof(*st));
	st->tlog = l;
	st->conf = c;
	if ((st->work = malloc(SL_PACKED_MAX)) == NULL)
		return -1;
	return 0;
}

int
statuspub_once(struct store_rd *rd, const struct tlog *l,
    const struct conf *c, statuspub_doc_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct sp_state	 st;
	struct sp_doc	 d;
	char		 path[32];
	uint32_t	 n;
	int		 kind, rc = 0;

	if (sp_state_init(&st, l, c) == -1)
		return errf(err, errlen, "out of memory");
	if (sp_update(&st, rd, err, errlen) == -1) {
		sp_state_release(&st);
		return -1;
	}
	for (n = 0; rc == 0 && n < st.nlists; n++) {
		for (kind = 0; rc == 0 && kind < SP_KINDS; kind++) {
			if (st.lists[n] == NULL)
				continue;
			memset(&d, 0, sizeof(d));
			statuspub_path(kind, n, path, sizeof(path));
			if ((rc = sp_build(&st, kind, n, time(NULL), &d, err,
			    errlen)) == 0)
				rc = fn(path, d.buf, d.len, arg, err, errlen);
			free(d.buf);
		}
	}
	sp_state_release(&st);
	return rc;
}

/* The thread. */

/* on_doc, if any, gets each new token too. */
static void
sp_hand(struct statuspub *sp, enum statuspub_kind kind, uint32_t n,
    const struct sp_doc *d)
{
	char	path[32], err[SP_ERR_MAX];

	if (sp->on_doc == NULL)
		return;
	statuspub_path(kind, n, path, sizeof(path));
	if (sp->on_doc(path, d->buf, d->len, sp->on_doc_arg, err,
	    sizeof(err)) == -1)
		log_warnx("%s", err);
}

/* A new token of kind for list n: served from now on. */
static void
sp_install(struct statuspub *sp, enum statuspub_kind kind, uint32_t n,
    struct sp_doc *d)
{
	struct sp_doc	old;

	sp_hand(sp, kind, n, d);
	pthread_mutex_lock(&sp->lock);
	old = sp->docs[kind][n];
	sp->docs[kind][n] = *d;
	if (n >= sp->ndocs)
		sp->ndocs = n + 1;
	pthread_mutex_unlock(&sp->lock);
	free(old.buf);
}

/* List n's numbers as they are now, for the numbers thread to sign. */
static void
sp_queue_numbers(struct statuspub *sp, uint32_t n, int64_t now)
{
	struct sp_list		*l = sp->st.lists[n];
	struct sp_numjob	 job;

	if (sp_merge(l) == -1 || (job.recs = reallocarray(NULL,
	    l->nrecs > 0 ? l->nrecs : 1, sizeof(*job.recs))) == NULL) {
		log_warnx("number map %" PRIu32 ": out of memory", n);
		return;
	}
	if (l->nrecs > 0)
		memcpy(job.recs, l->recs, l->nrecs * sizeof(*job.recs));
	job.count = l->nrecs;
	sp_head(&sp->st, n, now, &job.h);
	l->dirty[SP_NUMBERS] = 0;
	pthread_mutex_lock(&sp->lock);
	free(sp->njobs[n].recs);
	sp->njobs[n] = job;
	pthread_cond_signal(&sp->ncond);
	pthread_mutex_unlock(&sp->lock);
}

/*
 * Makes the status lists' tokens (every one if all, else those that
 * changed) and hands the number maps to their thread.
 */
static void
sp_publish(struct statuspub *sp, int all, int64_t now)
{
	struct sp_state	*st = &sp->st;
	struct sp_doc	 d;
	char		 err[SP_ERR_MAX];
	uint32_t	 n;

	for (n = 0; n < st->nlists; n++) {
		if (st->lists[n] == NULL)
			continue;
		if (all || st->lists[n]->dirty[SP_STATUS]) {
			memset(&d, 0, sizeof(d));
			if (sp_build(st, SP_STATUS, n, now, &d, err,
			    sizeof(err)) == -1)
				log_warnx("status list %" PRIu32 ": %s", n,
				    err);
			else
				sp_install(sp, SP_STATUS, n, &d);
		}
		if (all || st->lists[n]->dirty[SP_NUMBERS])
			sp_queue_numbers(sp, n, now);
	}
	pthread_mutex_lock(&sp->lock);
	sp->built = 1;
	pthread_mutex_unlock(&sp->lock);
}

/* Under lock: the lowest list with a map to sign, or -1. */
static int64_t
sp_numjob_next(struct statuspub *sp)
{
	uint32_t	n;

	for (n = 0; n < SL_MAX_LISTS; n++)
		if (sp->njobs[n].recs != NULL)
			return n;
	return -1;
}

static void *
sp_numbers_main(void *arg)
{
	struct statuspub	*sp = arg;
	struct sp_numjob	 job;
	struct sp_doc		 d;
	char			 err[SP_ERR_MAX];
	int64_t			 n;

	bgthread_idle();

	pthread_mutex_lock(&sp->lock);
	while (!sp->stopping) {
		if ((n = sp_numjob_next(sp)) == -1) {
			pthread_cond_wait(&sp->ncond, &sp->lock);
			continue;
		}
		job = sp->njobs[n];
		sp->njobs[n].recs = NULL;
		pthread_mutex_unlock(&sp->lock);
		memset(&d, 0, sizeof(d));
		if (sl_numbers_make(sp->st.tlog->key.key,
		    sp->st.conf->public_host, &job.h, job.recs, job.count,
		    &d.buf, &d.len, err, sizeof(err)) == -1)
			log_warnx("number map %" PRId64 ": %s", n, err);
		else {
			sp_etag(&d);
			sp_install(sp, SP_NUMBERS, (uint32_t)n, &d);
		}
		free(job.recs);
		pthread_mutex_lock(&sp->lock);
	}
	pthread_mutex_unlock(&sp->lock);
	return NULL;
}

static int64_t
sp_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

/*
 * Under lock: waits for a kick (at least SP_GAP_SEC after the last
 * build) or for the interval to pass. 1: build, with *all for the
 * interval's full rebuild; 0: stop.
 */
static int
sp_wait(struct statuspub *sp, int64_t last, int64_t due, int *all)
{
	struct timespec	ts;
	int64_t		now;

	for (;;) {
		if (sp->stopping)
			return 0;
		now = sp_now();
		if (now >= due) {
			*all = 1;
			return 1;
		}
		if (sp->kicked && now >= last + SP_GAP_SEC) {
			*all = 0;
			return 1;
		}
		ts.tv_sec = sp->kicked ? last + SP_GAP_SEC : due;
		ts.tv_nsec = 0;
		pthread_cond_timedwait(&sp->cond, &sp->lock, &ts);
	}
}

static void *
sp_main(void *arg)
{
	struct statuspub	*sp = arg;
	struct store_rd		*rd;
	char			 err[SP_ERR_MAX];
	int64_t			 last = 0, due = 0, now;
	int			 all = 1;

	bgthread_lower();

	if ((rd = store_rd_new(sp->store)) == NULL) {
		log_warnx("status lists: cannot read the store; none served");
		return NULL;
	}
	pthread_mutex_lock(&sp->lock);
	while (sp_wait(sp, last, due, &all)) {
		sp->kicked = 0;
		pthread_mutex_unlock(&sp->lock);
		now = sp_now();
		if (sp_update(&sp->st, rd, err, sizeof(err)) == -1)
			log_warnx("status lists: %s", err);
		else
			sp_publish(sp, all, now);
		last = now;
		if (all)
			due = now + sp->st.conf->status_interval;
		pthread_mutex_lock(&sp->lock);
	}
	pthread_mutex_unlock(&sp->lock);
	store_rd_free(rd);
	return NULL;
}

struct statuspub *
statuspub_start(struct store *s, const struct tlog *l, const struct conf *c,
    statuspub_doc_fn on_doc, void *arg, char *err, size_t errlen)
{
	struct statuspub	*sp;
	int			 kind, rc;

	if ((sp = calloc(1, sizeof(*sp))) == NULL ||
	    sp_state_init(&sp->st, l, c) == -1) {
		free(sp);
		errf(err, errlen, "status lists: out of memory");
		return NULL;
	}
	for (kind = 0; kind < SP_KINDS; kind++)
		if ((sp->docs[kind] = calloc(SL_MAX_LISTS,
		    sizeof(struct sp_doc))) == NULL) {
			statuspub_stop(sp);
			errf(err, errlen, "status lists: out of memory");
			return NULL;
		}
	sp->store = s;
	sp->on_doc = on_doc;
	sp->on_doc_arg = arg;
	snprintf(sp->cache, sizeof(sp->cache), "public, max-age=%u",
	    c->status_interval);
	if ((sp->njobs = calloc(SL_MAX_LISTS, sizeof(*sp->njobs))) == NULL) {
		statuspub_stop(sp);
		errf(err, errlen, "status lists: out of memory");
		return NULL;
	}
	pthread_mutex_init(&sp->lock, NULL);
	pthread_cond_init(&sp->cond, NULL);
	pthread_cond_init(&sp->ncond, NULL);
	if ((rc = pthread_create(&sp->nthread, NULL, sp_numbers_main,
	    sp)) == 0) {
		sp->threads = 1;
		if ((rc = pthread_create(&sp->thread, NULL, sp_main, sp)) == 0)
			sp->threads = 2;
	}
	if (rc != 0) {
		errf(err, errlen, "status lists: cannot start a thread: %s",
		    strerror(rc));
		statuspub_stop(sp);
		return NULL;
	}
	return sp;
}

void
statuspub_stop(struct statuspub *sp)
{
	uint32_t	n;
	int		kind;

	if (sp == NULL)
		return;
	if (sp->njobs != NULL) {
		pthread_mutex_lock(&sp->lock);
		sp->stopping = 1;
		pthread_cond_signal(&sp->cond);
		pthread_cond_signal(&sp->ncond);
		pthread_mutex_unlock(&sp->lock);
		if (sp->threads > 1)
			pthread_join(sp->thread, NULL);
		if (sp->threads > 0)
			pthread_join(sp->nthread, NULL);
		pthread_cond_destroy(&sp->cond);
		pthread_cond_destroy(&sp->ncond);
		pthread_mutex_destroy(&sp->lock);
		for (n = 0; n < SL_MAX_LISTS; n++)
			free(sp->njobs[n].recs);
		free(sp->njobs);
	}
	for (kind = 0; kind < SP_KINDS; kind++) {
		for (n = 0; sp->docs[kind] != NULL && n < sp->ndocs; n++)
			free(sp->docs[kind][n].buf);
		free(sp->docs[kind]);
	}
	sp_state_release(&sp->st);
	free(sp);
}

void
statuspub_kick(void *arg)
{
	struct statuspub	*sp = arg;

	if (sp == NULL)
		return;
	pthread_mutex_lock(&sp->lock);
	sp->kicked = 1;
	pthread_cond_signal(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
}

/* A list number: decimal, no sign, no leading zero. */
static int
sp_parse_n(const char *rest, uint32_t *n)
{
	size_t		len = strlen(rest), i;
	uint64_t	v = 0;

	if (len == 0 || len > 10 || (len > 1 && rest[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (rest[i] < '0' || rest[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(rest[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*n = (uint32_t)v;
	return 0;
}

int
statuspub_answer(struct statuspub *sp, enum statuspub_kind kind,
    const char *rest, struct web_resp *r, const char **why)
{
	struct sp_doc	*d = NULL;
	uint32_t	 n;
	int		 status = 200;

	r->ep = MEP_HTTP_API;
	r->cors = 1;
	if (sp_parse_n(rest, &n) == -1) {
		*why = "expected a list number: decimal digits, no leading "
		    "zero";
		return 400;
	}
	if (sp == NULL) {
		*why = "status lists are not served here";
		return 404;
	}
	pthread_mutex_lock(&sp->lock);
	if (n < sp->ndocs)
		d = &sp->docs[kind][n];
	if (!sp->built) {
		*why = "the status lists are being made; try again shortly";
		status = 503;
		r->retry_after = 1;
	} else if (d != NULL && d->buf == NULL &&
	    sp->docs[SP_STATUS][n].buf != NULL) {
		*why = "the number map is being made; try again shortly";
		status = 503;
		r->retry_after = 1;
	} else if (d == NULL || d->buf == NULL) {
		*why = "no such list: no certificate has an index in it";
		status = 404;
	} else {
		evbuffer_add(r->body, d->buf, d->len);
		memcpy(r->etag, d->etag, sizeof(r->etag));
		r->ctype = kind == SP_STATUS ? COSE_TYP_STATUS :
		    COSE_TYP_NUMBERS;
		r->cache = sp->cache;
	}
	pthread_mutex_unlock(&sp->lock);
	return status;
}
