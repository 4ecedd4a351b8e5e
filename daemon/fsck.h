/* skkd — SPDX-License-Identifier: ISC */
/*
 * "skkd check": every stored certificate's signed payload against the
 * keyring, its NIK index entry and its events. One thread reads the
 * records in key order and hands them out in batches; one thread per
 * CPU, at most 8, checks them (a signature check is most of the work),
 * each with a reader of its own. Problems go to stderr, one line each,
 * as found: the certificate's number and what is wrong ("?" for a record
 * that does not decode, "store" for a read that failed).
 *
 * For the command line only: the reading thread holds the store's lock
 * shared throughout and waits for the checking threads, so a thread of
 * the same process waiting for it exclusive (the daemon's writer, in
 * store_trim) would stop them all.
 */
#ifndef DAEMON_FSCK_H
#define DAEMON_FSCK_H

#include <stdint.h>

struct keyring;
struct store;

struct fsck_counts {
	unsigned long	certs;		/* records read */
	unsigned long	sigs;		/* payloads whose signature holds */
	unsigned long	retired;	/* signed by a key marked compromised */
	unsigned long	niks;		/* found through the NIK index */
	unsigned long	events;		/* events naming their certificate */
	unsigned long	problems;
	unsigned	threads;	/* checking threads used */
};

/*
 * Checks the store with threads checking threads (0: one per CPU this
 * process may use; at most 8);
 * host names the URL the payloads are read from, as a phone would.
 * 0, or -1 with err set if it could not run at all (then counts says
 * how far it came).
 */
int	fsck_run(struct store *, const struct keyring *, const char *host,
	    int64_t now, unsigned threads, struct fsck_counts *,
	    char *err, size_t errlen);

#endif
