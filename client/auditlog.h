/* skkd — SPDX-License-Identifier: ISC */
/*
 * The auditor's reading of a published log (PROTOCOL.md §4): the signed
 * checkpoint checked against the log key, then every entry bundle and
 * hash tile read, every leaf and tree hash recomputed and compared with
 * the files and the checkpoint's root. The tree is kept in memory, so
 * the root of any earlier size can be recomputed for consistency.
 */
#ifndef CLIENT_AUDITLOG_H
#define CLIENT_AUDITLOG_H

#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "fetch.h"
#include "merkle.h"
#include "note.h"

#define AUDITLOG_NOTE_MAX	8192	/* a checkpoint with cosignatures */

enum auditlog_status {
	AUDITLOG_OK = 0,
	AUDITLOG_UNAVAILABLE,	/* could not be fetched */
	AUDITLOG_BADSIG,	/* not signed by the log key */
	AUDITLOG_BADDATA	/* malformed, or the files do not match */
};

struct auditlog {
	char			 note[AUDITLOG_NOTE_MAX + 1];
	size_t			 notelen;	/* the signed checkpoint */
	struct checkpoint	 cp;
	uint8_t			(*level[64])[MERKLE_HASH_LEN];	/* the tree */
	uint64_t		 entries;	/* read so far */
};

/* Each entry as read, in order; len may be anything but 0. */
typedef void	(*auditlog_entry_fn)(void *arg, uint64_t index,
		    const uint8_t *entry, size_t len);

/*
 * Reads a signed checkpoint from text (len bytes): its note verified
 * with key, its origin the key's name. Fills l->note and l->cp.
 */
enum auditlog_status auditlog_open(struct auditlog *, const char *text,
		    size_t len, const struct note_key *key, char *err,
		    size_t errlen);
/* Fetches "checkpoint" from f; *text (malloc'd) and *len on success. */
enum auditlog_status auditlog_fetch_checkpoint(struct fetch *, char **text,
		    size_t *len, char *err, size_t errlen);
/*
 * Reads every entry of the tree of l->cp.size, handing each to fn, and
 * checks every hash tile and the root. err names the file or entry.
 */
enum auditlog_status auditlog_read(struct auditlog *, struct fetch *,
		    auditlog_entry_fn fn, void *arg, char *err,
		    size_t errlen);
/* The root of the first size leaves (size <= l->entries); 0 or -1. */
int		 auditlog_root(const struct auditlog *, uint64_t size,
		    uint8_t out[MERKLE_HASH_LEN]);
void		 auditlog_release(struct auditlog *);

#endif
