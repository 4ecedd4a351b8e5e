/* skkd — SPDX-License-Identifier: ISC */
/*
 * Unit tests of the writer thread on a real store: many submitting
 * threads, group commit, a failing job rolling back alone, done only
 * after the commit, and a failed group commit reported to every job.
 */

#include <sys/resource.h>
#include <sys/stat.h>

#include <ftw.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "writer.h"

#define MIB		(1024 * 1024)
#define NTHREADS	8
#define PERTHREAD	1000
#define BURST		100

struct ctx {
	char		 top[64];
	char		 dir[96];
	struct store	*s;
	struct store_rd	*rd;		/* used only by done, on the writer */
	struct writer	*w;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	int		 ndone;		/* under lock */
	int		 gate_in;	/* the gate job is running */
	int		 gate_open;
	int		 bursts;	/* first bursts submitted */
};

struct tjob {
	struct wjob	 job;
	struct ctx	*ctx;
	int		 fail;		/* write, then ask for a rollback */
	size_t		 qrlen;
	uint32_t	 seq;
	char		 number[CERT_NUMBER_LEN + 1];
	int		 readable;	/* seen by a reader in done */
	int		 done;
};

struct sub {
	struct ctx	*ctx;
	struct tjob	*jobs;
};

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
open_store(struct ctx *c)
{
	struct store_opts	o = { c->dir, 64 * MIB, 16, 0 };
	char			err[256] = "";

	if ((c->s = store_open(&o, err, sizeof(err))) == NULL)
		fail_msg("store_open: %s", err);
	assert_non_null(c->rd = store_rd_new(c->s));
}

static void
close_store(struct ctx *c)
{
	store_rd_free(c->rd);
	store_close(c->s);
	c->rd = NULL;
	c->s = NULL;
}

static void
start(struct ctx *c, unsigned max_group)
{
	char	err[256] = "";

	if ((c->w = writer_start(c->s, max_group, err, sizeof(err))) == NULL)
		fail_msg("writer_start: %s", err);
}

static int
setup(void **state)
{
	struct ctx	*c;

	c = calloc(1, sizeof(*c));
	snprintf(c->top, sizeof(c->top), "/tmp/skk-writer-XXXXXX");
	if (mkdtemp(c->top) == NULL)
		return -1;
	snprintf(c->dir, sizeof(c->dir), "%s/db", c->top);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	open_store(c);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx	*c = *state;

	writer_stop(c->w);
	close_store(c);
	nftw(c->top, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return 0;
}

static void
make_cert(struct cert *c, const char *number)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->number, sizeof(c->number), "%s", number);
	snprintf(c->name, sizeof(c->name), "Worker %s", number + 13);
	memset(c->nik_hmac, 0x5a, sizeof(c->nik_hmac));
	strcpy(c->job_code, "ME063096");
	c->jenjang = 3;
	c->issued = 20438;
	c->expires = 20438 + 1825;
	c->status = CERT_ACTIVE;
}

/* Takes a SEQ and stores a certificate under it. */
static int
put_run(struct store_wtxn *txn, struct wjob *job)
{
	struct tjob	*t = (struct tjob *)job;
	struct cert	 c;
	uint8_t		*qr = NULL;
	int		 rc;

	if ((rc = store_next_seq(txn, &t->seq)) != STORE_OK)
		return -1;
	snprintf(t->number, sizeof(t->number), "42101 8342 3 %08u 2025",
	    t->seq);
	make_cert(&c, t->number);
	if (t->qrlen != 0 && (qr = calloc(1, t->qrlen)) == NULL)
		return -1;
	rc = store_put_cert(txn, &c, 1, qr, t->qrlen);
	free(qr);
	if (rc == STORE_OK && t->fail) {
		job->rc = STORE_ERROR;
		snprintf(job->err, sizeof(job->err), "forced failure");
		return -1;
	}
	job->rc = rc;
	return rc == STORE_OK ? 0 : -1;
}

/* Records whether the job's record is visible to another reader now. */
static void
put_done(struct wjob *job)
{
	struct tjob	*t = (struct tjob *)job;
	struct ctx	*c = t->ctx;
	struct cert	 cert;

	t->readable = store_get_cert(c->rd, t->number, &cert, NULL, NULL) ==
	    STORE_OK && strcmp(cert.number, t->number) == 0;
	pthread_mutex_lock(&c->lock);
	t->done++;
	c->ndone++;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* Holds the writer thread until the test opens the gate. */
static int
gate_run(struct store_wtxn *txn, struct wjob *job)
{
	struct ctx	*c = ((struct tjob *)job)->ctx;

	pthread_mutex_lock(&c->lock);
	c->gate_in = 1;
	pthread_cond_broadcast(&c->cond);
	while (!c->gate_open)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	return -1;		/* no writes: no commit for the gate alone */
}

static void
gate_done(struct wjob *job)
{
	put_done(job);
}

static void
job_init(struct tjob *t, struct ctx *c, int fail, size_t qrlen)
{
	memset(t, 0, sizeof(*t));
	t->job.run = put_run;
	t->job.done = put_done;
	t->ctx = c;
	t->fail = fail;
	t->qrlen = qrlen;
	t->job.rc = 12345;
}

static void
gate_submit(struct ctx *c, struct tjob *gate)
{
	job_init(gate, c, 0, 0);
	gate->job.run = gate_run;
	gate->job.done = gate_done;
	c->gate_open = 0;
	c->gate_in = 0;
	writer_submit(c->w, &gate->job);
	pthread_mutex_lock(&c->lock);
	while (!c->gate_in)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

static void
gate_release(struct ctx *c)
{
	pthread_mutex_lock(&c->lock);
	c->gate_open = 1;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void
wait_done(struct ctx *c, int n)
{
	pthread_mutex_lock(&c->lock);
	while (c->ndone < n)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
}

/* Submits in bursts; the gate opens once every thread sent its first. */
static void *
submit_main(void *arg)
{
	struct sub	*sb = arg;
	struct ctx	*c = sb->ctx;
	int		 i;

	for (i = 0; i < PERTHREAD; i++) {
		job_init(&sb->jobs[i], c, 0, 0);
		writer_submit(c->w, &sb->jobs[i].job);
		if ((i + 1) % BURST != 0)
			continue;
		pthread_mutex_lock(&c->lock);
		if (i + 1 == BURST && ++c->bursts == NTHREADS) {
			c->gate_open = 1;
			pthread_cond_broadcast(&c->cond);
		}
		pthread_mutex_unlock(&c->lock);
		sched_yield();
	}
	return NULL;
}

static void
check_all(struct ctx *c, struct tjob *jobs, int n)
{
	struct cert	 cert;
	uint8_t		*seen;
	int		 i;

	assert_non_null(seen = calloc(n + 1, 1));
	for (i = 0; i < n; i++) {
		assert_int_equal(jobs[i].done, 1);
		assert_int_equal(jobs[i].job.rc, STORE_OK);
		assert_true(jobs[i].readable);
		assert_true(jobs[i].seq >= 1 && jobs[i].seq <= (uint32_t)n);
		assert_int_equal(seen[jobs[i].seq], 0);
		seen[jobs[i].seq] = 1;
		assert_int_equal(store_get_cert(c->rd, jobs[i].number, &cert,
		    NULL, NULL), STORE_OK);
		assert_string_equal(cert.number, jobs[i].number);
	}
	free(seen);
}

static void
test_many_threads(void **state)
{
	struct ctx		*c = *state;
	struct sub		 subs[NTHREADS];
	pthread_t		 th[NTHREADS];
	struct tjob		 gate, *jobs;
	struct writer_stats	 st;
	int			 i, n = NTHREADS * PERTHREAD;

	assert_non_null(jobs = calloc(n, sizeof(*jobs)));
	start(c, 64);
	gate_submit(c, &gate);
	for (i = 0; i < NTHREADS; i++) {
		subs[i].ctx = c;
		subs[i].jobs = jobs + i * PERTHREAD;
		assert_int_equal(pthread_create(&th[i], NULL, submit_main,
		    &subs[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	wait_done(c, n + 1);
	writer_get_stats(c->w, &st);
	writer_stop(c->w);
	c->w = NULL;
	print_message("# %llu jobs in %llu commits\n", st.jobs, st.commits);
	assert_int_equal(st.jobs, n + 1);
	assert_int_equal(st.failed_commits, 0);
	assert_true(st.commits >= (unsigned long long)n / 64);
	assert_true(st.commits < (unsigned long long)n);
	close_store(c);
	open_store(c);
	check_all(c, jobs, n);
	free(jobs);
}

static void
test_fail_alone(void **state)
{
	struct ctx		*c = *state;
	struct tjob		 gate, j[4];
	struct writer_stats	 st;
	struct cert		 cert;
	int			 i;

	start(c, 16);
	gate_submit(c, &gate);
	for (i = 0; i < 4; i++) {
		job_init(&j[i], c, i == 1, 0);
		writer_submit(c->w, &j[i].job);
	}
	gate_release(c);
	wait_done(c, 5);
	writer_get_stats(c->w, &st);
	assert_int_equal(st.commits, 1);	/* the four shared one */
	assert_int_equal(st.jobs, 5);
	for (i = 0; i < 4; i++) {
		assert_int_equal(j[i].done, 1);
		if (i == 1)
			continue;
		assert_int_equal(j[i].job.rc, STORE_OK);
		assert_string_equal(j[i].job.err, "");
		assert_true(j[i].readable);
	}
	assert_int_equal(j[1].job.rc, STORE_ERROR);
	assert_string_equal(j[1].job.err, "forced failure");
	assert_false(j[1].readable);
	assert_int_equal(store_get_cert(c->rd, j[1].number, &cert, NULL,
	    NULL), STORE_NOTFOUND);
	/* The rolled-back job's SEQ is not handed out again. */
	for (i = 0; i < 4; i++)
		if (i != 1)
			assert_int_not_equal(j[i].seq, j[1].seq);
}

static off_t
data_size(struct ctx *c)
{
	struct stat	sb;
	char		path[128];

	snprintf(path, sizeof(path), "%s/data.mdb", c->dir);
	assert_int_equal(stat(path, &sb), 0);
	return sb.st_size;
}

static void
set_fsize(rlim_t lim)
{
	struct rlimit	rl;

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &rl), 0);
	rl.rlim_cur = lim;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/*
 * The file-size limit makes the group's commit fail while every job's
 * own writes succeed (they are only in memory until the commit).
 */
static void
test_commit_full(void **state)
{
	struct ctx		*c = *state;
	struct tjob		 pre, gate, j[4], after;
	struct writer_stats	 st;
	struct cert		 cert;
	int			 i;

	start(c, 16);
	/* Grow the file well past what this program's output will need. */
	job_init(&pre, c, 0, 2 * MIB);
	writer_submit(c->w, &pre.job);
	wait_done(c, 1);
	assert_int_equal(pre.job.rc, STORE_OK);
	gate_submit(c, &gate);
	for (i = 0; i < 4; i++) {
		job_init(&j[i], c, i == 2, 64 * 1024);
		writer_submit(c->w, &j[i].job);
	}
	set_fsize(data_size(c));
	gate_release(c);
	wait_done(c, 6);
	set_fsize(RLIM_INFINITY);
	writer_get_stats(c->w, &st);
	assert_int_equal(st.failed_commits, 1);
	for (i = 0; i < 4; i++) {
		assert_int_equal(j[i].done, 1);
		assert_false(j[i].readable);
		assert_int_equal(store_get_cert(c->rd, j[i].number, &cert,
		    NULL, NULL), STORE_NOTFOUND);
		if (i == 2)
			continue;
		assert_int_equal(j[i].job.rc, STORE_FULL);
		assert_string_equal(j[i].job.err,
		    "store full: file size limit reached");
	}
	assert_int_equal(j[2].job.rc, STORE_ERROR);
	assert_string_equal(j[2].job.err, "forced failure");
	/* Room again: writes work, and no SEQ of the failed group returns. */
	job_init(&after, c, 0, 0);
	writer_submit(c->w, &after.job);
	wait_done(c, 7);
	assert_int_equal(after.job.rc, STORE_OK);
	assert_true(after.readable);
	for (i = 0; i < 4; i++)
		assert_true(after.seq > j[i].seq);
}

/* A job whose put hits a full map fails alone; the group commits. */
static void
test_job_full(void **state)
{
	struct ctx		*c = *state;
	struct tjob		 gate, j[3];
	int			 i;

	start(c, 16);
	gate_submit(c, &gate);
	for (i = 0; i < 3; i++) {
		job_init(&j[i], c, 0, i == 1 ? 128 * MIB : 100);
		writer_submit(c->w, &j[i].job);
	}
	gate_release(c);
	wait_done(c, 4);
	assert_int_equal(j[0].job.rc, STORE_OK);
	assert_true(j[0].readable);
	assert_int_equal(j[1].job.rc, STORE_FULL);
	assert_false(j[1].readable);
	assert_int_equal(j[2].job.rc, STORE_OK);
	assert_true(j[2].readable);
}

static void
test_stop_drains(void **state)
{
	struct ctx		*c = *state;
	struct tjob		 j[10];
	int			 i;

	start(c, 3);
	for (i = 0; i < 10; i++) {
		job_init(&j[i], c, 0, 0);
		writer_submit(c->w, &j[i].job);
	}
	writer_stop(c->w);
	c->w = NULL;
	for (i = 0; i < 10; i++) {
		assert_int_equal(j[i].done, 1);
		assert_int_equal(j[i].job.rc, STORE_OK);
		assert_true(j[i].readable);
	}
	writer_stop(NULL);
}

/*
 * Held (the log's start-up check), jobs queue and none runs; released,
 * they all commit. The pause only gives a wrong writer time to run one.
 */
static void
test_hold(void **state)
{
	struct ctx		*c = *state;
	struct tjob		 j[3];
	int			 i, n;

	start(c, 16);
	writer_hold(c->w);
	for (i = 0; i < 3; i++) {
		job_init(&j[i], c, 0, 0);
		writer_submit(c->w, &j[i].job);
	}
	usleep(100 * 1000);
	pthread_mutex_lock(&c->lock);
	n = c->ndone;
	pthread_mutex_unlock(&c->lock);
	assert_int_equal(n, 0);
	writer_release(c->w);
	wait_done(c, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(j[i].job.rc, STORE_OK);
		assert_true(j[i].readable);
	}
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_many_threads),
		T(test_fail_alone),
		T(test_commit_full),
		T(test_job_full),
		T(test_stop_drains),
		T(test_hold),
	};

	/* Writes past RLIMIT_FSIZE must fail with EFBIG, not kill us. */
	signal(SIGXFSZ, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
