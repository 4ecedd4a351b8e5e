/* skkd — SPDX-License-Identifier: ISC */
/*
 * The writer thread. Event loops queue jobs; the thread takes everything
 * queued (up to max_group), runs each job in its own nested transaction
 * and commits the group once, so one fsync covers many requests while the
 * disk is slow. Jobs are handed back through their done callback only
 * after the commit: nothing is acknowledged before it is durable. After
 * a large write, once its jobs are answered, the thread has the store
 * give back the page copies LMDB keeps (store_trim), at the first second
 * without reads.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "metrics.h"
#include "tlog.h"
#include "writer.h"

TAILQ_HEAD(wjobq, wjob);

#define WRITER_QUIET_SEC	1	/* without reads before a reopen */

struct writer {
	struct store		*store;
	const struct tlog	*tlog;		/* signs the checkpoints */
	void			(*commit_fn)(void *);	/* after each commit */
	void			*commit_arg;
	unsigned		 max_group;
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct wjobq		 queue;		/* under lock */
	int			 stopping;	/* under lock */
	int			 held;		/* under lock: writer_hold */
	struct writer_stats	 stats;		/* under lock */
	uint64_t		 reads;		/* store_reads when last looked */
	int			 trim_pending;	/* a reopen put off */
	unsigned		 trim_issued;	/* ... after that many issued */
};

static void	*writer_main(void *);
static int	 writer_take(struct writer *, struct wjobq *, int *);
static unsigned	 writer_run_group(struct writer *, struct wjobq *);
static void	 writer_trim(struct writer *, unsigned);
static int	 writer_run_job(struct store_wtxn *, struct wjob *);
static void	 writer_fail_group(struct wjobq *, int, const char *);
static void	 writer_done_group(struct wjobq *);
static void	 writer_count(struct writer *, unsigned, int, int);

struct writer *
writer_start(struct store *s, unsigned max_group, char *err, size_t errlen)
{
	struct writer	*w;
	int		 rc;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "writer: out of memory");
		return NULL;
	}
	w->store = s;
	w->max_group = max_group != 0 ? max_group : 1;
	TAILQ_INIT(&w->queue);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if ((rc = pthread_create(&w->thread, NULL, writer_main, w)) != 0) {
		snprintf(err, errlen, "writer: cannot start thread: %s",
		    strerror(rc));
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

void
writer_set_log(struct writer *w, const struct tlog *l)
{
	w->tlog = l;
}

void
writer_set_commit_fn(struct writer *w, void (*fn)(void *), void *arg)
{
	w->commit_fn = fn;
	w->commit_arg = arg;
}

void
writer_submit(struct writer *w, struct wjob *job)
{
	pthread_mutex_lock(&w->lock);
	TAILQ_INSERT_TAIL(&w->queue, job, entry);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void
writer_stop(struct writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void
writer_hold(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->held = 1;
	pthread_mutex_unlock(&w->lock);
}

void
writer_release(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->held = 0;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void
writer_get_stats(struct writer *w, struct writer_stats *st)
{
	pthread_mutex_lock(&w->lock);
	*st = w->stats;
	pthread_mutex_unlock(&w->lock);
}

/* Waits for work; moves up to max_group jobs to g. 0 means stop. */
/*
 * Takes the next group of jobs into g. With a reopen put off, waits at
 * most WRITER_QUIET_SEC for one and then sets *idle instead (never while
 * held: the start-up check reads a snapshot a reopen would end). 0 when
 * stopping with nothing left.
 */
static int
writer_take(struct writer *w, struct wjobq *g, int *idle)
{
	struct wjob	*job;
	struct timespec	 ts;
	unsigned	 n = 0;

	*idle = 0;
	pthread_mutex_lock(&w->lock);
	while ((TAILQ_EMPTY(&w->queue) || w->held) && !w->stopping) {
		if (!w->trim_pending || w->held) {
			pthread_cond_wait(&w->cond, &w->lock);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += WRITER_QUIET_SEC;
		if (pthread_cond_timedwait(&w->cond, &w->lock, &ts) ==
		    ETIMEDOUT && TAILQ_EMPTY(&w->queue) && !w->held &&
		    !w->stopping) {
			*idle = 1;
			break;
		}
	}
	while (!*idle && n < w->max_group &&
	    (job = TAILQ_FIRST(&w->queue)) != NULL) {
		TAILQ_REMOVE(&w->queue, job, entry);
		TAILQ_INSERT_TAIL(g, job, entry);
		n++;
	}
	pthread_mutex_unlock(&w->lock);
	return n != 0 || *idle;
}

static void *
writer_main(void *arg)
{
	struct writer	*w = arg;
	struct wjobq	 g;
	unsigned	 issued;
	int		 idle;

	for (;;) {
		TAILQ_INIT(&g);
		/* When stopping, the queue is drained before we leave. */
		if (!writer_take(w, &g, &idle))
			break;
		issued = idle ? 0 : writer_run_group(w, &g);
		writer_trim(w, issued);
		/* Nothing more can be stored: let systemd restart us. */
		if (store_panicked(w->store))
			fatalx("store: unusable (MDB_PANIC or failed reopen); "
			    "exiting");
	}
	return NULL;
}

/* Runs one job in its nested txn; returns 1 if its writes were kept. */
static int
writer_run_job(struct store_wtxn *txn, struct wjob *job)
{
	int	rc;

	if ((rc = store_wnest(txn)) != STORE_OK) {
		job->rc = rc;
		snprintf(job->err, sizeof(job->err), "%s",
		    store_strerror(rc));
		return 0;
	}
	if (job->run(txn, job) == -1) {
		if (job->rc == STORE_OK)
			job->rc = STORE_ERROR;
		if (job->err[0] == '\0')
			snprintf(job->err, sizeof(job->err), "%s",
			    store_strerror(job->rc));
		store_wunnest(txn, 0);
		return 0;
	}
	/* The job may have ignored a failure that spoiled its txn. */
	if ((rc = store_wunnest(txn, 1)) != STORE_OK) {
		job->rc = rc;
		snprintf(job->err, sizeof(job->err), "%s",
		    store_strerror(rc));
		return 0;
	}
	return 1;
}

/* Returns the number of certificates a successful commit issued. */
static unsigned
writer_run_group(struct writer *w, struct wjobq *g)
{
	struct store_wtxn	*txn;
	struct wjob		*job;
	char			 err[sizeof(job->err)];
	unsigned		 n = 0, kept = 0, issued;
	int			 rc;

	TAILQ_FOREACH(job, g, entry) {
		job->rc = STORE_OK;
		job->err[0] = '\0';
		n++;
	}
	if ((rc = store_wbegin(w->store, &txn, err, sizeof(err))) != STORE_OK) {
		writer_fail_group(g, rc, err);
		writer_count(w, n, 0, 1);
		writer_done_group(g);
		return 0;
	}
	TAILQ_FOREACH(job, g, entry)
		kept += writer_run_job(txn, job);
	issued = store_wcount_new(txn);
	/* The group's writes are acknowledged in a signed checkpoint. */
	if (kept != 0 && w->tlog != NULL &&
	    (rc = tlog_checkpoint(w->tlog, txn, err, sizeof(err))) != STORE_OK) {
		store_wabort(txn);
		log_warnx("%s", err);
		writer_fail_group(g, rc, err);
		writer_count(w, n, 0, 1);
		issued = 0;
	} else if (kept == 0) {
		/* Nothing to make durable: skip the fsync. */
		store_wabort(txn);
		writer_count(w, n, 0, 0);
		issued = 0;
	} else if ((rc = store_wcommit(txn, err, sizeof(err))) != STORE_OK) {
		writer_fail_group(g, rc, err);
		writer_count(w, n, 0, 1);
		issued = 0;
	} else {
		writer_count(w, n, 1, 0);
		if (w->commit_fn != NULL)
			w->commit_fn(w->commit_arg);
		metrics_commit(n);
		metrics_issued(issued);
	}
	writer_done_group(g);
	return issued;
}

/* A failed reopen panics the store: writer_main then exits. */
/*
 * After a big write, the store is reopened to give back LMDB's copies of
 * the pages (store_trim); readers wait meanwhile, up to a tenth of a
 * second or more with a large map. So it waits for a quiet moment: no
 * read begun since the writer last looked (phones checking keep the
 * memory until they pause for WRITER_QUIET_SEC).
 */
static void
writer_trim(struct writer *w, unsigned issued)
{
	struct timespec	 t0, t1;
	char		 err[512], what[64] = "a large write";
	size_t		 grown;
	uint64_t	 reads = store_reads(w->store);
	int		 rc;

	if (issued != 0)
		w->trim_issued = issued;
	if (!store_trim_due(w->store)) {
		w->trim_pending = 0;
		w->reads = reads;
		return;
	}
	if (reads != w->reads) {
		w->reads = reads;
		w->trim_pending = 1;
		return;
	}
	w->trim_pending = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = store_trim(w->store, &grown, err, sizeof(err))) ==
	    STORE_NOTFOUND)
		return;
	if (rc != STORE_OK) {
		log_warnx("%s", err);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (w->trim_issued != 0)
		snprintf(what, sizeof(what), "a %u-certificate commit",
		    w->trim_issued);
	w->trim_issued = 0;
	log_info("store: reopened after %s to free LMDB's copies of its "
	    "pages (%zu MiB or more) in %ld ms", what, grown >> 20,
	    (long)((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000));
	w->reads = store_reads(w->store);
}

/* The group's fate overrides the result of every job that succeeded. */
static void
writer_fail_group(struct wjobq *g, int rc, const char *err)
{
	struct wjob	*job;

	TAILQ_FOREACH(job, g, entry) {
		if (job->rc != STORE_OK)
			continue;
		job->rc = rc;
		snprintf(job->err, sizeof(job->err), "%s", err);
	}
}

/* done may free or requeue the job: unlink it first, never touch it after. */
static void
writer_done_group(struct wjobq *g)
{
	struct wjob	*job;

	while ((job = TAILQ_FIRST(g)) != NULL) {
		TAILQ_REMOVE(g, job, entry);
		job->done(job);
	}
}

static void
writer_count(struct writer *w, unsigned jobs, int commits, int failed)
{
	pthread_mutex_lock(&w->lock);
	w->stats.jobs += jobs;
	w->stats.commits += commits;
	w->stats.failed_commits += failed;
	pthread_mutex_unlock(&w->lock);
}
