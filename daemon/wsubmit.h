/* skkd — SPDX-License-Identifier: ISC */
/*
 * The daemon's side of c2sp.org/tlog-witness (PROTOCOL.md §4.6): a
 * thread that posts the log's latest checkpoint to each witness of
 * skkd.conf, at most once per witness_interval for each, and at once
 * when its last submission is older than that; checks every cosignature
 * that comes back against that witness's key; and keeps the checkpoint
 * with all of them as log meta "cosigned", written through the writer.
 * Failures are logged (rate-limited) and retried with backoff; no write
 * or verification ever waits for a witness.
 */
#ifndef DAEMON_WSUBMIT_H
#define DAEMON_WSUBMIT_H

#include <stddef.h>

struct conf;
struct store;
struct writer;
struct wsubmit;

/*
 * Starts the thread for c's witnesses (at least one); the store and
 * the writer must outlive it. NULL with err if it cannot start.
 */
struct wsubmit	*wsubmit_start(struct store *, struct writer *,
		    const struct conf *c, char *err, size_t errlen);
/* Ends a post under way, joins the thread. Before writer_stop. NULL: no-op. */
void		 wsubmit_stop(struct wsubmit *);

#endif
