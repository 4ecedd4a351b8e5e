/* skkd — SPDX-License-Identifier: ISC */
/* A batch's parallel step, overlapping the writer's serial work (pipeline.h). */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgthread.h"
#include "pipeline.h"

#define PIPE_RELEASE_STEP 32	/* items released before threads hear */
#define PIPE_AHEAD	32	/* items a caught-up writer waits for */
#define PIPE_NONE	((size_t)-1)

static size_t
ld(const size_t *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void
st(size_t *p, size_t v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static void
pipe_wake(struct pipeline *pl)
{
	pthread_mutex_lock(&pl->mu);
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

/* Whether a writer waiting for need, and want after it, may go on. */
static int
pipe_ready(struct pipeline *pl, size_t need, size_t want)
{
	return need != PIPE_NONE && want != PIPE_NONE &&
	    __atomic_load_n(&pl->done[need], __ATOMIC_SEQ_CST) &&
	    __atomic_load_n(&pl->done[want], __ATOMIC_SEQ_CST);
}

/* A thread: 0 once item i is released, -1 when the batch stopped. */
static int
pipe_wait_released(struct pipeline *pl, size_t i)
{
	int	stop;

	if (ld(&pl->released) > i)
		return 0;
	pthread_mutex_lock(&pl->mu);
	__atomic_add_fetch(&pl->waiting, 1, __ATOMIC_SEQ_CST);
	while (ld(&pl->released) <= i &&
	    !__atomic_load_n(&pl->stop, __ATOMIC_SEQ_CST))
		pthread_cond_wait(&pl->cv, &pl->mu);
	__atomic_sub_fetch(&pl->waiting, 1, __ATOMIC_SEQ_CST);
	stop = ld(&pl->released) <= i;
	pthread_mutex_unlock(&pl->mu);
	return stop ? -1 : 0;
}

/* Runs fn on the items free, in order, until none is left or a stop. */
static void
pipe_work(struct pipeline *pl)
{
	size_t	i;

	while (!__atomic_load_n(&pl->stop, __ATOMIC_SEQ_CST) &&
	    (i = __atomic_fetch_add(&pl->claimed, 1, __ATOMIC_SEQ_CST)) <
	    pl->n) {
		if (pipe_wait_released(pl, i) == -1)
			break;
		if (pl->fn(pl->arg, i) == -1)
			__atomic_store_n(&pl->failed, 1, __ATOMIC_SEQ_CST);
		__atomic_store_n(&pl->done[i], 1, __ATOMIC_SEQ_CST);
		if (pipe_ready(pl, ld(&pl->need), ld(&pl->want)))
			pipe_wake(pl);
	}
}

static void *
pipe_main(void *arg)
{
	bgthread_idle();
	pipe_work(arg);
	return NULL;
}

int
pipe_start(struct pipeline *pl, size_t n, int (*fn)(void *, size_t),
    void *arg)
{
	long	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t	k, want;

	memset(pl, 0, sizeof(*pl));
	if ((pl->done = calloc(n ? n : 1, 1)) == NULL)
		return -1;
	pl->fn = fn;
	pl->arg = arg;
	pl->n = n;
	pl->need = pl->want = PIPE_NONE;
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->cv, NULL);
	want = ncpu < 1 ? 1 : ncpu > PIPE_THREADS ? PIPE_THREADS :
	    (size_t)ncpu;
	for (k = 0; k < want; k++, pl->started++)
		if (pthread_create(&pl->thread[k], NULL, pipe_main, pl) != 0)
			break;
	return 0;
}

void
pipe_release(struct pipeline *pl, size_t n)
{
	if (n % PIPE_RELEASE_STEP != 0 && n != pl->n)
		return;
	st(&pl->released, n);
	if (__atomic_load_n(&pl->waiting, __ATOMIC_SEQ_CST) > 0)
		pipe_wake(pl);
}

int
pipe_take(struct pipeline *pl, size_t i)
{
	size_t	want;

	if (pl->started == 0)
		pipe_work(pl);	/* everything, on the caller's thread */
	/*
	 * Having caught up, wait for PIPE_AHEAD more: whichever of the two
	 * items is done last wakes this thread (pipe_work).
	 */
	if (!__atomic_load_n(&pl->done[i], __ATOMIC_SEQ_CST)) {
		want = pl->n - i > PIPE_AHEAD ? i + PIPE_AHEAD : pl->n - 1;
		pthread_mutex_lock(&pl->mu);
		st(&pl->need, i);
		st(&pl->want, want);
		while (!pipe_ready(pl, i, want))
			pthread_cond_wait(&pl->cv, &pl->mu);
		st(&pl->need, PIPE_NONE);
		st(&pl->want, PIPE_NONE);
		pthread_mutex_unlock(&pl->mu);
	}
	return __atomic_load_n(&pl->failed, __ATOMIC_SEQ_CST) ? -1 : 0;
}

void
pipe_end(struct pipeline *pl, int stop)
{
	size_t	k;

	if (stop) {
		__atomic_store_n(&pl->stop, 1, __ATOMIC_SEQ_CST);
		pipe_wake(pl);
	}
	for (k = 0; k < pl->started; k++)
		pthread_join(pl->thread[k], NULL);
	pthread_cond_destroy(&pl->cv);
	pthread_mutex_destroy(&pl->mu);
	free(pl->done);
	pl->done = NULL;
}
