/* skkd — SPDX-License-Identifier: ISC */
/*
 * Log entries for what changes outside the companion writes: the signing
 * keys (files) and, on the first start with a log, the certificates the
 * store already held (PROTOCOL.md §4.5).
 */
#ifndef DAEMON_TLOGSYNC_H
#define DAEMON_TLOGSYNC_H

#include "sign.h"
#include "tlog.h"

/*
 * In one write transaction of its own, with its checkpoint: KEY_ADD,
 * KEY_RETIRE (valid_to set), KEY_COMPROMISE for each key of kr the log
 * has not named that way yet, KEY_ROTATE when active is not the last
 * key rotated to, and, the first time, the backfill. Not beside the
 * writer thread of the same process. A store code; err says what failed.
 */
int	tlog_sync(struct store *, const struct tlog *, const struct keyring *,
	    const struct sign_key *active, int64_t now, char *err,
	    size_t errlen);

#endif
