/* skkd — SPDX-License-Identifier: ISC */
/*
 * Check records (UU 27/2022 Art. 32): who checked a certificate. Every
 * verification of a certificate that exists is counted in memory, per
 * certificate: anonymous checks per month, and checks with a reader
 * certificate per day with the organisation (subject O) of that
 * certificate. Nothing about the caller's address is kept. A thread
 * hands what was counted to the writer once a second, into the store's
 * "checks" table; a verification never waits for it, and a crash loses
 * at most that second. Checks are not events and never log entries.
 * Reader records older than check_log_days are folded into the month's
 * anonymous count.
 *
 * Keys, as stored and as checks_foreach gives them after the number:
 *	NUMBER "|a|" YYYY-MM			anonymous, per month
 *	NUMBER "|r|" YYYY-MM-DD "|" ORG		with a reader certificate
 */
#ifndef DAEMON_CHECKS_H
#define DAEMON_CHECKS_H

#include <stdint.h>

struct store;
struct store_rd;
struct writer;

/* Starts the flushing thread. -1 with err. */
int	checks_start(struct writer *, unsigned log_days, char *err,
	    size_t errlen);
/* Any thread, never blocks on the disk: one check of number. org NULL:
 * anonymous. */
void	checks_note(const char *number, const char *org, int64_t now);
/* Stops the thread and queues the last batch; before writer_stop. */
void	checks_stop(void);

/* Every record of number: kind 'a' or 'r', date, org ("" for 'a'). */
typedef int	(*checks_fn)(int kind, const char *date, const char *org,
		    uint64_t n, void *arg);
int	checks_foreach(struct store_rd *, const char *number, checks_fn,
	    void *arg);

#endif
