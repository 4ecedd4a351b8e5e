/* skkd — SPDX-License-Identifier: ISC */
/*
 * skkd publish: the log as static files (PROTOCOL.md §4.4) under a
 * directory, for any web server or object store to serve unchanged.
 */
#ifndef DAEMON_PUBLISH_H
#define DAEMON_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

struct conf;

/*
 * Writes DIR/checkpoint and every tile and entry bundle of the stored
 * checkpoint's tree, from one read snapshot (so beside a running skkd):
 * each file through a temporary name and rename, full tiles only when
 * absent (they never change), the checkpoint last; then the issuer
 * descriptor signed now (api/v1/issuer), the trust list that
 * trust_list names (trust-list), and DIR/status/<n> and DIR/numbers/<n>
 * for every list in use, signed with the log key. A sysexits status;
 * the summary goes to stdout, errors to stderr.
 */
int	publish_run(const struct conf *, const char *dir);

/*
 * Writes len bytes as dir/rel (directories made as needed) through a
 * temporary file and rename, as publish_run writes every file. 0 or -1
 * with err naming the path.
 */
int	publish_file(const char *dir, const char *rel, const void *data,
	    size_t len, char *err, size_t errlen);
/* publish_file as a statuspub_doc_fn for publish_dir (arg: the dir). */
int	publish_status_doc(const char *rel, const uint8_t *buf, size_t len,
	    void *arg, char *err, size_t errlen);

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
