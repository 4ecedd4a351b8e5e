/* skkd — SPDX-License-Identifier: ISC */
/*
 * A pipeline for a batch's parallel step (a cohort's signatures). One
 * thread, the writer, releases items in order as they become ready
 * (numbered), background threads (bgthread_idle) run fn on each item
 * released, taking the next item free rather than a fixed share so that
 * items finish nearly in order, and the writer takes each item back as
 * soon as fn is done with it. Neither side waits for the whole batch:
 * the writer's serial work before and after the parallel step overlaps
 * it instead of leaving CPUs idle.
 *
 * Waits are batched: threads hear of released items PIPE_RELEASE_STEP
 * at a time, and a writer that has caught up waits for PIPE_AHEAD more
 * items, so a batch of n costs about n / 16 wake-ups, not 2n.
 */
#ifndef DAEMON_PIPELINE_H
#define DAEMON_PIPELINE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define PIPE_THREADS	8	/* at most; one a CPU */

struct pipeline {
	int		(*fn)(void *arg, size_t i);	/* -1 fails the batch */
	void		 *arg;
	size_t		  n;
	pthread_mutex_t	  mu;
	pthread_cond_t	  cv;
	uint8_t		 *done;		/* an item's fn has run */
	size_t		  released;	/* items [0, released) may run */
	size_t		  claimed;	/* the next item a thread takes */
	size_t		  need, want;	/* what a waiting writer waits for */
	int		  waiting;	/* threads waiting for items */
	int		  stop, failed;
	pthread_t	  thread[PIPE_THREADS];
	size_t		  started;
};

/*
 * Starts threads (one a CPU) for items [0, n); none of them runs until
 * released. -1 when out of memory; if no thread starts, pipe_take runs
 * fn on the caller's thread.
 */
int	pipe_start(struct pipeline *, size_t n, int (*fn)(void *, size_t),
	    void *arg);
/* Items [0, n) are ready for fn (n only grows). */
void	pipe_release(struct pipeline *, size_t n);
/* Waits until fn has run on item i (all released first); -1 if any fn failed. */
int	pipe_take(struct pipeline *, size_t i);
/* Ends the batch: stop makes the threads leave the items not begun. */
void	pipe_end(struct pipeline *, int stop);

#endif
