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
/*
 * tlog_sync at the daemon's start-up: when the log has nothing new to
 * say, nothing is written nor checked and *check is 1: tlog_check_snapshot
 * must pass before the first write. Otherwise as tlog_sync (*check 0).
 */
int	tlog_sync_start(struct store *, const struct tlog *,
	    const struct keyring *, const struct sign_key *active,
	    int64_t now, int *check, char *err, size_t errlen);

#endif
