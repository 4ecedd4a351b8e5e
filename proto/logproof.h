/* skkd — SPDX-License-Identifier: ISC */
/*
 * Checking a verdict's log proof (PROTOCOL.md §4.7) the way `skk verify
 * --proof` does: the checkpoint is signed by the pinned log key, the
 * entry's leaf is in the checkpoint's tree by the inclusion proof, the
 * entry names the certificate asked about (and, for a QR, holds the
 * SHA-256 of its COSE_Sign1 bytes), and enough known witnesses cosigned
 * the checkpoint. Pure: every input comes from the caller.
 */
#ifndef PROTO_LOGPROOF_H
#define PROTO_LOGPROOF_H

#include <stddef.h>
#include <stdint.h>

#include "logentry.h"
#include "merkle.h"
#include "note.h"

#define LOGPROOF_ERR_MAX	320

/* What a verdict answer carried. */
struct logproof {
	uint64_t	  index;
	uint64_t	  size;		/* the tree size the proof is for */
	const uint8_t	 *entry;
	size_t		  entrylen;
	const uint8_t	(*proof)[MERKLE_HASH_LEN];
	size_t		  n;
	const char	 *ckpt;		/* the signed note */
	size_t		  ckptlen;
};

/* What the check needs beyond the answer. */
struct logproof_want {
	const struct note_key	*log;		/* the pinned log key */
	const struct note_key	*witnesses;	/* cosigner keys */
	size_t			 nwitnesses;
	size_t			 k;		/* cosignatures required */
	const char		*number;	/* the certificate asked about */
	const uint8_t		*digest;	/* SHA-256 of the QR's COSE
						   bytes, or NULL */
};

/* What it proved. */
struct logproof_result {
	struct log_entry	entry;
	size_t			witnesses;	/* good cosignatures */
	uint64_t		cosigned_at;	/* the latest, unix seconds */
};

/*
 * 0 when everything above holds; -1 with the first thing that does not
 * ("checkpoint: ...", "proof: ...", "entry: ...", "witnesses: ...").
 */
int	logproof_check(const struct logproof *, const struct logproof_want *,
	    struct logproof_result *, char *err, size_t errlen);

#endif
