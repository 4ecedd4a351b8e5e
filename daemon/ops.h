/* skkd — SPDX-License-Identifier: ISC */
/*
 * What every write operation (issue.c, change.c) shares: the head of its
 * job, failing it, its audit event, the answer naming an item's problems
 * and the end of its life. An operation's job is its own struct with a
 * struct op_job first and the operation's payload after it; the job is
 * made on the connection's loop, run on the writer thread and finished,
 * answered and freed on the loop again (dj.finish).
 */
#ifndef DAEMON_OPS_H
#define DAEMON_OPS_H

#include <stdint.h>
#include <time.h>

#include "cert.h"
#include "conn.h"
#include "logentry.h"
#include "record.h"

#define OPS_PROBLEMS_MAX	1000	/* reported per refusal */

/* One problem with one item of a batch, by its index in the batch. */
struct op_problem {
	size_t		 index;
	char		 msg[CERT_ERR_MAX + 64];
};

struct op_job {
	struct djob	 dj;		/* first: the writer hands it back */
	enum wire_type	 type;
	enum wire_err	 werr;		/* why the job failed, if it did */
	char		 msg[256];
	/* The audit event: who asked, when, and why (REASON, if any). */
	char		 actor[CERT_TEXT_MAX + 1];
	char		 serial[CERT_SHORT_MAX + 1];
	char		 reason[CERT_TEXT_MAX + 1];
	int64_t		 now;
	uint8_t		 batch[LOG_BATCH_LEN];	/* the log's batch id */
	uint64_t	 log_index;	/* of its last log entry */
	struct timespec	 started;	/* for the latency metric */
	/* Frees what the payload owns (not the job itself); may be NULL. */
	void		(*release)(struct op_job *);
};

/*
 * A zeroed job of size bytes (an operation's struct starting with an
 * op_job) answering request id for peer; NULL when out of memory. run
 * goes on the writer thread, finish on the loop after the commit.
 */
void	*op_new(size_t size, enum wire_type, uint64_t id,
	    const struct tls_peer *, wjob_run_fn run,
	    void (*finish)(struct djob *));
/* Releases the payload, then the job. NULL is a no-op. */
void	 op_free(struct op_job *);
/*
 * The end of a finished job: the write's latency metric, then op_free;
 * a job of nitems >= 1000 gives the freed heap back to the system.
 */
void	 op_done(struct op_job *, size_t nitems);

/* On the writer thread: records why the job fails; always -1. */
int	 op_fail(struct op_job *, enum wire_err, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* op_fail for a store_rc. */
int	 op_store_fail(struct op_job *, int rc);
/* Adds the audit event of c (status, actor, reason) with detail; 0 or -1. */
/*
 * The audit event and the log entry of a write to c; the log's digest is
 * of qr, the signed payload, or when NULL of the one stored. *logidx
 * (may be NULL) gets the entry's index.
 */
int	 op_event(struct store_wtxn *, struct op_job *, const struct cert *,
	    enum event_kind, const char *detail, const uint8_t *qr,
	    size_t qrlen, uint64_t *logidx);
/* The log's reason code for a free-text reason (PROTOCOL.md §4.1). */
unsigned op_log_reason(const char *reason);
/*
 * On the loop after the commit: a failure of the group commit that the
 * run could not know of becomes the job's werr and msg.
 */
void	 op_settle(struct op_job *);
/*
 * On the loop after the commit: the answer of the job's type and id,
 * filled by put (0 or -1), or an internal error saying the write was
 * committed all the same.
 */
/*
 * On the loop after the commit: settles the job and, when it failed,
 * logs the refusal and answers it with the job's error: 1, else 0.
 */
int	 op_refused(struct op_job *);
typedef int	(*op_put_fn)(const struct op_job *, struct wire_msg *,
		    const struct conn *);
void	 op_answer(const struct op_job *, struct conn *, op_put_fn put);

/*
 * Adds a problem to *pp (allocated on first use, OPS_PROBLEMS_MAX long);
 * -1 when it is full or out of memory.
 */
int	 op_problem_add(struct op_problem **pp, size_t *np, size_t index,
	    const char *msg);
/* An ERROR naming the first problem, with ITEMS [{COUNT, ERRMSG}] for all. */
void	 op_reply_problems(struct conn *, uint64_t id, enum wire_err,
	    const struct op_problem *, size_t n);

/* HMAC-SHA256 of a NIK under the instance's secret (the NIK index). */
/* 0, or -1 when OpenSSL fails (the request must then be refused). */
int	 ops_nik_hmac(const char *nik, uint8_t out[CERT_HMAC_LEN]);

#endif
