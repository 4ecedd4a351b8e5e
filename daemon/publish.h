/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd publish: the log as static files (PROTOCOL.md §4.4) under a
 * directory, for any web server or object store to serve unchanged.
 */
#ifndef DAEMON_PUBLISH_H
#define DAEMON_PUBLISH_H

struct conf;

/*
 * Writes DIR/checkpoint and every tile and entry bundle of the stored
 * checkpoint's tree, from one read snapshot (so beside a running skkd):
 * each file through a temporary name and rename, full tiles only when
 * absent (they never change), the checkpoint last. A sysexits status;
 * the summary goes to stdout, errors to stderr.
 */
int	publish_run(const struct conf *, const char *dir);

/*
 * publish_dir: a thread of the daemon that publishes into dir, as
 * publish_run does, within about a second of each new checkpoint and at
 * most once a second, off the event loops. Failures are logged and
 * retried at the next checkpoint. NULL with err if it cannot start.
 */
struct store;
struct publisher;
struct publisher *publisher_start(struct store *, const char *dir, char *err,
	    size_t errlen);
void		 publisher_stop(struct publisher *);	/* NULL: no-op */

#endif
