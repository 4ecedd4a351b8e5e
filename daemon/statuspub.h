/* skkd — SPDX-License-Identifier: ISC */
/*
 * The signed status lists and number maps (PROTOCOL.md §5), made and
 * served by the daemon. A thread keeps every list's entries in memory,
 * loaded once from the store and then brought up to date from the
 * events committed since, so a rebuild never rescans the certificates;
 * it re-signs the lists that changed within a second of a commit (at
 * most once a second) and every list each status_interval. List 0 is
 * always in use, so an issuer without certificates still says so.
 */
#ifndef DAEMON_STATUSPUB_H
#define DAEMON_STATUSPUB_H

#include <stddef.h>
#include <stdint.h>

#include "statuslist.h"

struct conf;
struct store;
struct store_rd;
struct tlog;
struct web_resp;

enum statuspub_kind {
	SP_STATUS = 0,		/* /status/<n>, application/statuslist+cwt */
	SP_NUMBERS,		/* /numbers/<n>, application/skk-numbers+cwt */
	SP_KINDS
};

struct statuspub;

/*
 * A token and its path ("status/0", "numbers/0"): 0, or -1 with err.
 */
typedef int	(*statuspub_doc_fn)(const char *path, const uint8_t *buf,
		    size_t len, void *arg, char *err, size_t errlen);

/*
 * Starts the thread, which loads the lists and signs the first tokens
 * with the log key (l and c must outlive it); on_doc, unless NULL, gets
 * each new token on that thread (publish_dir). NULL with err.
 */
struct statuspub *statuspub_start(struct store *, const struct tlog *,
	    const struct conf *, statuspub_doc_fn on_doc, void *arg,
	    char *err, size_t errlen);
void	statuspub_stop(struct statuspub *);	/* NULL: no-op */
/*
 * A commit may have changed a status (arg: the statuspub; the writer's
 * commit function): thread-safe, never blocks long.
 */
void	statuspub_kick(void *);

/*
 * GET or HEAD /status/<rest> or /numbers/<rest>: 200 with the latest
 * token, its ETag and max-age; 400 for a malformed n, 404 for a list not
 * in use, 503 before the first build. The status; *why for errors.
 */
int	statuspub_answer(struct statuspub *, enum statuspub_kind,
	    const char *rest, struct web_resp *, const char **why);

/*
 * skkd publish: every list in use built once from rd's snapshot; fn gets
 * each token. 0, or -1 with err (fn's failure: err as fn wrote it).
 */
int	statuspub_once(struct store_rd *, const struct tlog *,
	    const struct conf *, statuspub_doc_fn, void *arg, char *err,
	    size_t errlen);

/*
 * The status list token of h->n from the entries as the builder keeps
 * them: base, the stored statuses packed; expires, each entry's last
 * valid day. Entries not final whose day is before today are marked
 * expired in work (SL_PACKED_MAX bytes, the caller's), which sl_make
 * then compresses and signs. *out is malloc'd. 0, or -1 with err.
 */
int	statuspub_list_make(const struct sign_key *, const char *host,
	    struct sl_head *h, const uint8_t *base, const int32_t *expires,
	    uint32_t count, int32_t today, uint8_t *work, uint8_t **out,
	    size_t *outlen, char *err, size_t errlen);

/* The path of a token of list n into out: "status/<n>", "numbers/<n>". */
void	statuspub_path(enum statuspub_kind, uint32_t n, char *out,
	    size_t outlen);

#endif
