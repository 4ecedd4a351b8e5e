/* skkd — SPDX-License-Identifier: ISC */
/*
 * Witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1): a
 * signed-note signature line by a witness key over a checkpoint, whose
 * payload is an 8-byte big-endian timestamp and an Ed25519 signature of
 * "cosignature/v1\ntime <T>\n" followed by the checkpoint text. Witness
 * keys are note keys of signature type 0x04: the key id is
 * SHA-256(name || 0x0A || 0x04 || public key)[:4], and the key strings
 * are those of note.h with 0x04 in place of 0x01.
 */
#ifndef PROTO_COSIG_H
#define PROTO_COSIG_H

#include <stddef.h>
#include <stdint.h>

#include "note.h"

#define COSIG_TYPE	0x04		/* signature type byte */
#define COSIG_TIME_MAX	INT64_MAX	/* a timestamp at most 2^63 - 1 */
#define COSIG_PAYLOAD	(8 + SIGN_SIG_LEN)	/* timestamp || signature */

/* Names key (taken over, even on failure) as a witness key; 0 or -1. */
int	cosig_key_init(struct note_key *, const char *name,
	    struct sign_key *key, char *err, size_t errlen);

/*
 * Witness verifier keys "name+hex(id)+base64(0x04 || pub)" and signer
 * keys "PRIVATE+KEY+name+hex(id)+base64(0x04 || seed)"; parsing checks
 * the id against the key. 0 or -1 (err names the part). note_vkey_format
 * writes a witness key's verifier key.
 */
int	cosig_vkey_parse(const char *vkey, struct note_key *, char *err,
	    size_t errlen);
int	cosig_skey_parse(const char *skey, struct note_key *, char *err,
	    size_t errlen);
int	cosig_skey_format(const char *name, const uint8_t seed[SIGN_SEED_LEN],
	    char *out, size_t outlen);

/*
 * The signed message for the note text (checkpoint body, with its last
 * newline) at time t, malloc'd in *msg (the caller frees it), its
 * length in *msglen; 0, or -1 (out of memory, t beyond COSIG_TIME_MAX).
 */
int	cosig_message(const char *text, size_t textlen, uint64_t t,
	    uint8_t **msg, size_t *msglen);

/* "— name base64(id || t || sig)\n" by signer for text; 0 or -1. */
int	cosig_sign_line(const struct note_key *signer, const char *text,
	    size_t textlen, uint64_t t, char *out, size_t outlen);

/*
 * Counts in *good the lines of the note that verify as cosignatures by
 * one of the n witness keys (lines of other keys are ignored; each key
 * counts once) and the latest timestamp among them in *t (0 if none).
 * A line whose name and id match a key but does not verify fails the
 * whole note: -1 with the line. 0 otherwise, even when *good is 0.
 */
int	cosig_verify(const struct note *, const struct note_key *keys,
	    size_t n, size_t *good, uint64_t *t, char *err, size_t errlen);

#endif
