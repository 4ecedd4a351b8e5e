/* skkd — SPDX-License-Identifier: ISC */
/*
 * What `skk witness serve` works from: witness.conf (listen address,
 * witness key file, state directory, the logs it follows), and the
 * state directory, one file per log named by the hex SHA-256 of its
 * origin and holding the last checkpoint it cosigned, with the log's
 * signature and the cosignature. A file is replaced by writing a
 * temporary one, fsync and rename, so a crash leaves the old or the new.
 * See skk(1).
 */
#ifndef CLIENT_WSTATE_H
#define CLIENT_WSTATE_H

#include <limits.h>
#include <stddef.h>

#include "note.h"
#include "skkconf.h"
#include "witness.h"

#define WSTATE_LOGS_MAX	64

struct wstate {
	char			 host[SKKCONF_HOST_MAX];	/* listen */
	char			 port[8];
	struct note_key		 key;		/* the witness's, type 0x04 */
	char			 dir[PATH_MAX];	/* state */
	struct witness_log	 log[WSTATE_LOGS_MAX];
	char			*note[WSTATE_LOGS_MAX];	/* last cosigned, */
	size_t			 notelen[WSTATE_LOGS_MAX];	/* or NULL */
	size_t			 nlog;
};

/*
 * Reads the configuration at path, the key it names and each log's
 * state file (absent: never cosigned). 0, or -1 with "FILE:LINE: reason"
 * or "FILE: reason" in err. wstate_release frees what w holds.
 */
int	wstate_load(struct wstate *, const char *path, char *err,
	    size_t errlen);
void	wstate_release(struct wstate *);

/*
 * Durably records note (the checkpoint cosigned, of cp's size and root)
 * as log l's state, then updates l and w. 0, or -1 with err (and
 * nothing changed in memory).
 */
int	wstate_save(struct wstate *, struct witness_log *l,
	    const struct checkpoint *cp, const char *note, size_t len,
	    char *err, size_t errlen);

/* The log of the hex SHA-256 of an origin (64 digits), or NULL. */
struct witness_log *wstate_by_hash(struct wstate *, const char *hex,
	    size_t len);

/*
 * Makes dir (0700) with witness.key (0600, a new key named name),
 * state/ and a witness.conf listening on listen; writes the verifier
 * key string to vkey. 0, or -1 with err.
 */
int	wstate_create(const char *dir, const char *name, const char *listen,
	    char *vkey, size_t vkeylen, char *err, size_t errlen);

#endif
