/* skkd — SPDX-License-Identifier: ISC */
/*
 * Check records: see checks.h. The counting table is an open-addressed
 * hash behind one mutex, held only to find and bump one counter: the
 * slots hold each key's hash, so a lookup reads one short run of a
 * contiguous array and touches a record only on a match (a crew check
 * adds a hundred thousand keys a second). The flushing thread swaps in
 * an empty table and hands the full one to the writer as one job.
 */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgthread.h"
#include "checks.h"
#include "errf.h"
#include "log.h"
#include "store.h"
#include "writer.h"

#define CHECKS_SLOTS0	1024	/* a table's first size; doubles at half full */
#define CHECKS_MAX	200000		/* records a second; more are lost */
#define CHECKS_DAY	86400

struct check_rec {
	struct check_rec	*next;		/* on check_age's fold list */
	uint64_t		 n;
	char			 key[];
};

struct check_slot {
	uint32_t		 hash;
	struct check_rec	*r;		/* NULL: empty */
};

struct check_batch {
	struct wjob		 wj;
	struct check_slot	*slot;
	size_t			 cap;		/* a power of two */
	size_t			 count;
	int64_t			 now;
	/* Flushed: the records' keys and counts in key order, or NULL. */
	const char		**keys;
	uint64_t		*ns;
};

static struct {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	pthread_t		 thread;
	struct writer		*writer;
	struct check_batch	*cur;
	unsigned		 log_days;
	int64_t			 aged_day;	/* writer thread only */
	int			 running;
	atomic_int		 stopping;
	atomic_ullong		 lost;
} ck = { .lock = PTHREAD_MUTEX_INITIALIZER,
    .cond = PTHREAD_COND_INITIALIZER };

static uint32_t
check_hash(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void
batch_free(struct check_batch *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->cap; i++)
		free(b->slot[i].r);
	free(b->keys);
	free(b->ns);
	free(b->slot);
	free(b);
}

static struct check_batch *
batch_new(void)
{
	struct check_batch	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	if ((b->slot = calloc(CHECKS_SLOTS0, sizeof(*b->slot))) == NULL) {
		free(b);
		return NULL;
	}
	b->cap = CHECKS_SLOTS0;
	return b;
}

/* The slot of hash and key: its record's, or the empty one to fill. */
static struct check_slot *
batch_find(struct check_batch *b, uint32_t hash, const char *key)
{
	size_t	i = hash & (b->cap - 1);

	while (b->slot[i].r != NULL && (b->slot[i].hash != hash ||
	    strcmp(b->slot[i].r->key, key) != 0))
		i = (i + 1) & (b->cap - 1);
	return &b->slot[i];
}

/* Twice the slots, every record placed again: 0, or -1 out of memory. */
static int
batch_grow(struct check_batch *b)
{
	struct check_slot	*old = b->slot, *s;
	size_t			 i, n = b->cap;

	if ((b->slot = calloc(2 * n, sizeof(*b->slot))) == NULL) {
		b->slot = old;
		return -1;
	}
	b->cap = 2 * n;
	for (i = 0; i < n; i++) {
		if (old[i].r == NULL)
			continue;
		for (s = &b->slot[old[i].hash & (b->cap - 1)]; s->r != NULL;
		    s = s + 1 == b->slot + b->cap ? b->slot : s + 1)
			;
		*s = old[i];
	}
	free(old);
	return 0;
}

/* An organisation as stored: printable, no '|', at most 64 bytes. */
static void
check_org(const char *org, char *out, size_t outlen)
{
	size_t	i;

	for (i = 0; org[i] != '\0' && i + 1 < outlen && i < 64; i++)
		out[i] = (org[i] < 0x20 || org[i] == 0x7f || org[i] == '|') ?
		    '_' : org[i];
	out[i] = '\0';
}

/*
 * now's UTC day as YYYY-MM-DD; the month is its first 7 bytes. Kept per
 * thread: a crew's batch asks the same day a hundred thousand times.
 */
static const char *
check_day(int64_t now)
{
	static _Thread_local int64_t	 cached = -1;
	static _Thread_local char	 day[16];
	struct tm			 tm;
	time_t				 t = (time_t)now;

	if (now / CHECKS_DAY != cached) {
		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		cached = now / CHECKS_DAY;
	}
	return day;
}

void
checks_note(const char *number, const char *org, int64_t now)
{
	struct check_batch	*b;
	struct check_slot	*s;
	struct check_rec	*r;
	char			 key[STORE_CHECK_KEY_MAX + 1], o[65];
	const char		*day;
	uint32_t		 hash;
	size_t			 len;

	if (!ck.running || number[0] == '\0')
		return;
	day = check_day(now);
	if (org == NULL)
		snprintf(key, sizeof(key), "%s|a|%.7s", number, day);
	else {
		check_org(org, o, sizeof(o));
		snprintf(key, sizeof(key), "%s|r|%s|%s", number, day, o);
	}
	hash = check_hash(key);
	len = strlen(key);
	pthread_mutex_lock(&ck.lock);
	if ((b = ck.cur) == NULL)
		goto out;
	if ((s = batch_find(b, hash, key))->r != NULL) {
		s->r->n++;
		goto out;
	}
	if (b->count >= CHECKS_MAX) {
		ck.lost++;
		goto out;
	}
	if ((b->count + 1) * 2 > b->cap) {
		if (batch_grow(b) == -1) {
			ck.lost++;
			goto out;
		}
		s = batch_find(b, hash, key);	/* in the new slots */
	}
	if ((r = malloc(sizeof(*r) + len + 1)) == NULL) {
		ck.lost++;
		goto out;
	}
	memcpy(r->key, key, len + 1);
	r->n = 1;
	s->hash = hash;
	s->r = r;
	b->count++;
out:
	pthread_mutex_unlock(&ck.lock);
}

/* Reader records older than the cutoff date, folded into their month. */
struct check_age {
	char			 cutoff[16];	/* YYYY-MM-DD */
	struct check_rec	*fold;
};

static int
check_age_one(const char *key, uint64_t n, void *arg)
{
	struct check_age	*a = arg;
	struct check_rec	*r;
	const char		*p;
	size_t			 nlen;

	if ((p = strstr(key, "|r|")) == NULL || strlen(p + 3) < 10 ||
	    strncmp(p + 3, a->cutoff, 10) >= 0)
		return 0;
	nlen = (size_t)(p - key);
	/* NUMBER "|a|" YYYY-MM */
	if ((r = malloc(sizeof(*r) + nlen + 11)) == NULL)
		return 0;
	memcpy(r->key, key, nlen);
	memcpy(r->key + nlen, "|a|", 3);
	memcpy(r->key + nlen + 3, p + 3, 7);
	r->key[nlen + 10] = '\0';
	r->n = n;
	r->next = a->fold;
	a->fold = r;
	return 1;
}

static int
check_age(struct store_wtxn *w, struct check_batch *b)
{
	struct check_age	 a;
	struct check_rec	*r, *next;
	struct tm		 tm;
	time_t			 t;
	int			 rc;

	if (b->now / CHECKS_DAY == ck.aged_day)
		return STORE_OK;
	memset(&a, 0, sizeof(a));
	t = (time_t)(b->now - (int64_t)ck.log_days * CHECKS_DAY);
	gmtime_r(&t, &tm);
	strftime(a.cutoff, sizeof(a.cutoff), "%Y-%m-%d", &tm);
	rc = store_check_walk(w, check_age_one, &a);
	for (r = a.fold; r != NULL; r = next) {
		next = r->next;
		if (rc == STORE_OK)
			rc = store_check_add(w, r->key, r->n);
		free(r);
	}
	if (rc == STORE_OK)
		ck.aged_day = b->now / CHECKS_DAY;
	return rc;
}

static int
check_run(struct store_wtxn *w, struct wjob *j)
{
	struct check_batch	*b = j->arg;
	struct check_rec	*r;
	size_t			 i;
	int			 rc = STORE_OK;

	if (b->keys != NULL)
		rc = store_check_addv(w, b->keys, b->ns, b->count);
	for (i = 0; b->keys == NULL && i < b->cap && rc == STORE_OK; i++)
		if ((r = b->slot[i].r) != NULL)
			rc = store_check_add(w, r->key, r->n);
	if (rc != STORE_OK) {
		j->rc = rc;
		errf(j->err, sizeof(j->err), "checks: %s", store_strerror(rc));
		return -1;
	}
	if ((rc = check_age(w, b)) != STORE_OK) {
		j->rc = rc;
		errf(j->err, sizeof(j->err), "checks: ageing: %s",
		    store_strerror(rc));
		return -1;
	}
	return 0;
}

static void
check_done(struct wjob *j)
{
	struct check_batch	*b = j->arg;

	if (j->rc != STORE_OK)
		log_warnx("%zu check records lost: %s", b->count, j->err);
	batch_free(b);
}

static int
check_rec_cmp(const void *a, const void *b)
{
	const struct check_rec	*x = *(const struct check_rec *const *)a;
	const struct check_rec	*y = *(const struct check_rec *const *)b;

	return strcmp(x->key, y->key);
}

/*
 * Lists the batch's records in key order, on this thread rather than the
 * writer's, which then walks the table's keys with one cursor (a crew
 * check's hundred thousand records in random order cost the writer a
 * B-tree descent each, 0.3 s of CPU a second). Without memory for the
 * lists, the writer takes them in the table's order.
 */
static void
check_sort(struct check_batch *b)
{
	struct check_rec	**r;
	size_t			  i, k = 0;

	if (b->count == 0 || (r = calloc(b->count, sizeof(*r))) == NULL)
		return;
	for (i = 0; i < b->cap && k < b->count; i++)
		if (b->slot[i].r != NULL)
			r[k++] = b->slot[i].r;
	qsort(r, k, sizeof(*r), check_rec_cmp);
	if ((b->keys = calloc(k, sizeof(*b->keys))) != NULL &&
	    (b->ns = calloc(k, sizeof(*b->ns))) != NULL) {
		for (i = 0; i < k; i++) {
			b->keys[i] = r[i]->key;
			b->ns[i] = r[i]->n;
		}
		b->count = k;
	} else {
		free(b->keys);
		b->keys = NULL;
	}
	free(r);
}

/*
 * Swaps in an empty table and hands the full one to the writer; an
 * idle second (nothing counted, the day's ageing done) allocates
 * nothing.
 */
static void
checks_flush(int last)
{
	struct check_batch	*b, *fresh = NULL;
	int64_t			 now = time(NULL);
	int			 due;

	pthread_mutex_lock(&ck.lock);
	due = last || ck.cur == NULL || ck.cur->count > 0 ||
	    now / CHECKS_DAY != ck.aged_day;
	pthread_mutex_unlock(&ck.lock);
	if (!due || (!last && (fresh = batch_new()) == NULL))
		return;
	pthread_mutex_lock(&ck.lock);
	b = ck.cur;
	ck.cur = fresh;
	pthread_mutex_unlock(&ck.lock);
	if (b == NULL)
		return;
	b->now = now;
	check_sort(b);
	b->wj.run = check_run;
	b->wj.done = check_done;
	b->wj.arg = b;
	writer_submit(ck.writer, &b->wj);
}

static void *
checks_main(void *arg)
{
	struct timespec	ts;

	(void)arg;
	bgthread_lower();	/* sorting a second's records waits for phones */
	pthread_mutex_lock(&ck.lock);
	while (!ck.stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec++;
		pthread_cond_timedwait(&ck.cond, &ck.lock, &ts);
		if (ck.stopping)
			break;
		pthread_mutex_unlock(&ck.lock);
		checks_flush(0);
		pthread_mutex_lock(&ck.lock);
	}
	pthread_mutex_unlock(&ck.lock);
	return NULL;
}

int
checks_start(struct writer *w, unsigned log_days, char *err, size_t errlen)
{
	int	rc;

	ck.writer = w;
	ck.log_days = log_days;
	ck.aged_day = -1;
	ck.stopping = 0;
	ck.lost = 0;
	if ((ck.cur = batch_new()) == NULL) {
		errf(err, errlen, "checks: out of memory");
		return -1;
	}
	ck.running = 1;
	if ((rc = pthread_create(&ck.thread, NULL, checks_main, NULL)) != 0) {
		ck.running = 0;
		errf(err, errlen, "checks: thread: %s", strerror(rc));
		return -1;
	}
	return 0;
}

void
checks_stop(void)
{
	if (!ck.running)
		return;
	pthread_mutex_lock(&ck.lock);
	ck.stopping = 1;
	pthread_cond_signal(&ck.cond);
	pthread_mutex_unlock(&ck.lock);
	pthread_join(ck.thread, NULL);
	checks_flush(1);
	ck.running = 0;
	if (ck.lost != 0)
		log_warnx("%llu check records lost (more than %d a second)",
		    (unsigned long long)ck.lost, CHECKS_MAX);
}

struct check_each {
	checks_fn	 fn;
	void		*arg;
	size_t		 plen;
};

static int
check_each_one(const char *key, uint64_t n, void *arg)
{
	struct check_each	*e = arg;
	const char		*p = key + e->plen, *bar;
	char			 date[16];
	size_t			 dlen;

	if (p[0] != 'a' && p[0] != 'r')
		return 0;
	if (p[1] != '|')
		return 0;
	if ((bar = strchr(p + 2, '|')) == NULL)
		bar = p + 2 + strlen(p + 2);
	if ((dlen = (size_t)(bar - (p + 2))) >= sizeof(date))
		return 0;
	memcpy(date, p + 2, dlen);
	date[dlen] = '\0';
	return e->fn(p[0], date, *bar == '|' ? bar + 1 : "", n, e->arg);
}

int
checks_foreach(struct store_rd *rd, const char *number, checks_fn fn,
    void *arg)
{
	struct check_each	e;
	char			prefix[STORE_CHECK_KEY_MAX + 1];

	snprintf(prefix, sizeof(prefix), "%s|", number);
	e.fn = fn;
	e.arg = arg;
	e.plen = strlen(prefix);
	return store_check_foreach(rd, prefix, check_each_one, &e);
}
