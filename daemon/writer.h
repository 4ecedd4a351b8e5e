/* skkd — SPDX-License-Identifier: ISC */
/*
 * The writer thread: every write to the store goes through it. Jobs queued
 * from any event loop are run in groups, one transaction and one fsync per
 * group (group commit); a job is completed only after its group is durable.
 */
#ifndef DAEMON_WRITER_H
#define DAEMON_WRITER_H

#include <sys/queue.h>

#include "store.h"

struct wjob;
/*
 * Runs on the writer thread inside the job's nested transaction. Returns
 * 0 to keep the job's writes, or -1 to roll them back (set job->rc and
 * job->err first).
 */
typedef int	(*wjob_run_fn)(struct store_wtxn *, struct wjob *);
/*
 * Called on the writer thread once the job's fate is durable: rc is
 * STORE_OK after the commit, or an error (STORE_FULL when the group
 * commit failed). Must only hand the job back to its owner (e.g. queue it
 * and wake the owner's event loop); must not block.
 */
typedef void	(*wjob_done_fn)(struct wjob *);

struct wjob {
	wjob_run_fn		 run;
	wjob_done_fn		 done;
	void			*arg;		/* the owner's */
	int			 rc;		/* enum store_rc or the run's */
	char			 err[160];
	TAILQ_ENTRY(wjob)	 entry;
};

struct writer;

/* Starts the thread; max_group bounds jobs per transaction. */
struct writer	*writer_start(struct store *, unsigned max_group,
		    char *err, size_t errlen);
/*
 * The log whose checkpoint each group that grew it signs before its
 * commit; call before the first job. NULL (the default): none.
 */
struct tlog;
void		 writer_set_log(struct writer *, const struct tlog *);
/*
 * Jobs queue up but no group runs from writer_hold to writer_release
 * (the log's start-up check, daemon/main.c); writer_stop ends a hold.
 */
void		 writer_hold(struct writer *);
void		 writer_release(struct writer *);
/*
 * fn(arg) runs on the writer thread after each successful commit (the
 * status lists are remade from it); it must not block. NULL: none.
 */
void		 writer_set_commit_fn(struct writer *, void (*fn)(void *),
		    void *arg);
/* Thread-safe; never blocks on the disk. */
void		 writer_submit(struct writer *, struct wjob *);
/* Runs what is queued, commits, joins the thread. NULL is a no-op. */
void		 writer_stop(struct writer *);

struct writer_stats {
	unsigned long long	commits;
	unsigned long long	jobs;
	unsigned long long	failed_commits;
};
void		 writer_get_stats(struct writer *, struct writer_stats *);

#endif
