/* skkd — SPDX-License-Identifier: ISC */
/*
 * The add-checkpoint call of c2sp.org/tlog-witness: the request body
 * ("old <size>", up to 63 base64 consistency-proof lines, an empty line,
 * then the signed checkpoint), and the witness's decision on it as an
 * HTTP status. Pure: the caller keeps each log's state, persists the new
 * one and answers; the log's submitter formats bodies with the same code.
 */
#ifndef PROTO_WITNESS_H
#define PROTO_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "merkle.h"
#include "note.h"

#define WITNESS_PROOF_MAX	63
/* The old size line, the proof lines, the empty line and a note. */
#define WITNESS_BODY_MAX	(32 + WITNESS_PROOF_MAX * 46 + NOTE_SIZE_MAX)
#define WITNESS_LOG_KEYS	4	/* verifier keys of one log */
#define WITNESS_SIZE_TYPE	"text/x.tlog.size"	/* of a 409 body */

struct witness_req {
	uint64_t	 old;
	size_t		 nproof;
	uint8_t		 proof[WITNESS_PROOF_MAX][MERKLE_HASH_LEN];
	const char	*note;		/* the signed checkpoint, into the */
	size_t		 notelen;	/* body */
};

/* A log the witness follows and the last checkpoint it cosigned. */
struct witness_log {
	char		 origin[CHECKPOINT_ORIGIN_MAX + 1];
	struct note_key	 key[WITNESS_LOG_KEYS];	/* owned */
	size_t		 nkey;
	uint64_t	 size;			/* 0: never cosigned */
	uint8_t		 root[MERKLE_HASH_LEN];
};

/* Splits a body; 0, or -1 with "line N: ..." (a 400). */
int	witness_req_parse(const char *body, size_t len, struct witness_req *,
	    char *err, size_t errlen);
/* The body for req into out; its length, or -1 when out is short. */
int	witness_req_format(const struct witness_req *, char *out,
	    size_t outlen);

/*
 * Decides on req for the logs known: 200 when the checkpoint may be
 * cosigned, with the note in *nt (pointing into req's body), its
 * checkpoint in *cp and the log in *log; otherwise
 * 400 (malformed), 404 (unknown origin), 403 (no good signature by the
 * log's key, or a bad one), 409 (old is not the size last cosigned),
 * 422 (bad proof, or another root for a size), with the reason in err
 * and *log set once the origin is known. Changes nothing.
 */
int	witness_decide(const struct witness_req *, struct witness_log *logs,
	    size_t nlogs, struct note *nt, struct checkpoint *cp,
	    struct witness_log **log, char *err, size_t errlen);

/*
 * The note a witness keeps and serves for a checkpoint it cosigned: the
 * text of nt, the signature lines of log's keys, then line (the witness's
 * own, with its newline). Its length, or -1 when out is short.
 */
int	witness_cosigned(const struct note *nt, const struct witness_log *log,
	    const char *line, char *out, size_t outlen);

#endif
