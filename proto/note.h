/* skkd — SPDX-License-Identifier: ISC */
/*
 * Signed notes (c2sp.org/signed-note) with Ed25519 keys: the envelope of
 * log checkpoints. A note is text ending in a newline, a blank line, and
 * signature lines "— <name> base64(key id || signature)". Keys are named;
 * the 4-byte key id is SHA-256(name || 0x0A || 0x01 || public key)[:4].
 * A parsed note points into the caller's buffer; a note_key owns its
 * sign_key. Signing and verifying go through sign.h.
 */
#ifndef PROTO_NOTE_H
#define PROTO_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define NOTE_ED25519	0x01		/* signature type byte */
#define NOTE_NAME_MAX	128		/* bytes of a key name */
#define NOTE_SIGS_MAX	32		/* signature lines accepted */
#define NOTE_SIZE_MAX	131072		/* a whole note, in bytes */
#define NOTE_KEY_MAX	(NOTE_NAME_MAX + 80)	/* a vkey or skey string */
#define NOTE_LINE_MAX	(NOTE_NAME_MAX + 100)	/* an Ed25519 sig line */
#define NOTE_ERR_MAX	200
#define NOTE_SKEY_TAG	"PRIVATE+KEY+"	/* starts a signer key string */

struct note_key {
	char		 name[NOTE_NAME_MAX + 1];
	uint8_t		 type;		/* NOTE_ED25519, or cosig.h's */
	uint32_t	 id;
	struct sign_key	*key;		/* owned; private for a signer */
};

struct note_sig {
	const char	*name;		/* into the note, not terminated */
	size_t		 namelen;
	uint32_t	 id;
	const char	*b64;		/* id || signature, base64 */
	size_t		 b64len;
	unsigned	 line;		/* 1-based, for messages */
};

struct note {
	const char	*text;		/* up to and with its last newline */
	size_t		 textlen;
	size_t		 nsig;
	struct note_sig	 sig[NOTE_SIGS_MAX];
};

/* A key name: non-empty, no '+', no Unicode space; 0 or -1 (err). */
int	note_name_check(const char *name, size_t len, char *err,
	    size_t errlen);
/* The Ed25519 key id of name and pub. */
uint32_t note_key_id(const char *name, const uint8_t pub[SIGN_PUB_LEN]);

/*
 * Names key (taken over, even on failure) as name; 0 or -1 (err). The
 * _type functions here and below take another signature type byte for
 * the key id and the key strings (cosig.h: 0x04); the others 0x01.
 */
int	note_key_init(struct note_key *, const char *name,
	    struct sign_key *key, char *err, size_t errlen);
int	note_key_init_type(struct note_key *, const char *name, uint8_t type,
	    struct sign_key *key, char *err, size_t errlen);
void	note_key_release(struct note_key *);	/* frees the sign_key */

/*
 * Verifier keys "name+hex(id)+base64(0x01 || pub)" and signer keys
 * "PRIVATE+KEY+name+hex(id)+base64(0x01 || seed)". Parsing checks the
 * type byte and that the id matches the key; 0 or -1 (err names the
 * part). A vkey is formatted with the key's own type.
 */
int	note_vkey_parse(const char *vkey, struct note_key *, char *err,
	    size_t errlen);
int	note_vkey_format(const struct note_key *, char *out, size_t outlen);
int	note_skey_parse(const char *skey, struct note_key *, char *err,
	    size_t errlen);
int	note_skey_format(const char *name, const uint8_t seed[SIGN_SEED_LEN],
	    char *out, size_t outlen);
int	note_vkey_parse_type(const char *vkey, uint8_t type,
	    struct note_key *, char *err, size_t errlen);
int	note_skey_parse_type(const char *skey, uint8_t type,
	    struct note_key *, char *err, size_t errlen);
int	note_skey_format_type(const char *name, uint8_t type,
	    const uint8_t seed[SIGN_SEED_LEN], char *out, size_t outlen);

/*
 * Splits a signed note at its last blank line and checks every line:
 * UTF-8, no control characters but newline, well-formed signature
 * lines. Signatures are not checked here. 0, or -1 with "line N: ...".
 */
int	note_parse(const char *buf, size_t len, struct note *, char *err,
	    size_t errlen);
/* Text must already be valid note text (ending in a newline). */
int	note_text_check(const char *text, size_t len, char *err,
	    size_t errlen);

/* "— name base64(id || sig)\n" for text; 0 or -1. */
int	note_sig_line(const struct note_key *signer, const char *text,
	    size_t textlen, char *out, size_t outlen);
/* text, the blank line and one signature line; *outused gets the length. */
int	note_sign(const struct note_key *signer, const char *text,
	    size_t textlen, char *out, size_t outlen, size_t *outused);

/* The key of keys whose name and id are those of the line, or NULL. */
const struct note_key *note_key_find(const struct note_sig *,
	    const struct note_key *keys, size_t nkeys);

/*
 * Signature rules of the spec: lines by unknown keys are ignored, a line
 * whose name and id match a key must verify, and at least one must.
 * 0, or -1 with the reason (the line, or that no known key signed).
 */
int	note_verify(const struct note *, const struct note_key *keys,
	    size_t nkeys, char *err, size_t errlen);

#endif
