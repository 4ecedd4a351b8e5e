/* skkd — SPDX-License-Identifier: ISC */
/*
 * The issuer descriptor (PROTOCOL.md §6): what a verifier needs to trust
 * one LSP's certificates, served at GET /api/v1/issuer and published as
 * api/v1/issuer. A COSE_Sign1 of typ "application/skk-issuer+cwt",
 * signed by the issuer's log key, whose payload is the claims
 *
 *	{6: iat, 4: exp, -65540: {"name", "licence", "host", "log_key",
 *	 "status", "keys": [{"kid", "pub", "from", "to", "compromised"}...]}}
 *
 * "keys" lists every QR signing key the issuer ever had, with the window
 * in which it may have signed (0: open) and when it was marked
 * compromised (0: never). Texts are UTF-8 without control characters.
 */
#ifndef PROTO_ISSUER_H
#define PROTO_ISSUER_H

#include <stddef.h>
#include <stdint.h>

#include "note.h"
#include "sign.h"

#define ISSUER_CLAIM		(-65540)
#define ISSUER_NAME_MAX		200	/* bytes of the issuer's name */
#define ISSUER_LICENCE_MAX	64	/* bytes of its licence number */
#define ISSUER_HOST_MAX		255	/* public host[:port] */
#define ISSUER_URL_MAX		300	/* the status URL prefix */
#define ISSUER_SIZE_MAX		16384	/* a whole descriptor, in bytes */
#define ISSUER_FPR_LEN		(7 + 64)	/* "sha256:" and 64 hex digits */

struct issuer_key {
	uint8_t		kid[SIGN_KID_LEN];	/* sign_kid(pub) */
	uint8_t		pub[SIGN_PUB_LEN];
	int64_t		from;		/* unix seconds; 0 open */
	int64_t		to;		/* 0 open */
	int64_t		compromised;	/* 0 never */
};

struct issuer_desc {
	char		 name[ISSUER_NAME_MAX + 1];
	char		 licence[ISSUER_LICENCE_MAX + 1];	/* "" none */
	char		 host[ISSUER_HOST_MAX + 1];	/* non-empty */
	char		 log_key[NOTE_KEY_MAX + 1];	/* note vkey text */
	char		 status[ISSUER_URL_MAX + 1];	/* "https://HOST/status/" */
	int64_t		 iat, exp;
	size_t		 nkeys;			/* at most KEYRING_MAX */
	struct issuer_key keys[KEYRING_MAX];
};

/*
 * Signs d with the log key logkey (private; it must be the key d->log_key
 * names). d is checked as issuer_desc_open would. *out is malloc'd.
 * 0 or -1 (err).
 */
int	issuer_desc_make(const struct sign_key *logkey,
	    const struct issuer_desc *d, uint8_t **out, size_t *outlen,
	    char *err, size_t errlen);

/*
 * Parses len bytes (at most ISSUER_SIZE_MAX) into d and checks them: the
 * typ, known claims of the right types and sizes, a non-empty host, a
 * status prefix starting "https://", a log_key that parses as a note
 * vkey whose key signed the document, iat <= exp, at most KEYRING_MAX
 * keys each with kid == sign_kid(pub), and the signature.
 *
 * logkey non-NULL: the signature must be by logkey and the descriptor's
 * log_key must be that key. logkey NULL: the signature is checked with
 * the log_key the descriptor names (it proves the document whole and
 * self-consistent, not that the key deserves trust: pin or registry).
 *
 * Does not judge freshness: the caller compares exp with its clock.
 * 0; -1 with err saying what is wrong (field or signature); -2 when the
 * signature could not be checked (out of memory, library failure).
 */
int	issuer_desc_open(const uint8_t *buf, size_t len,
	    const struct sign_key *logkey, struct issuer_desc *d, char *err,
	    size_t errlen);

/*
 * Fills kr (initialised here; keyring_release it) with d's keys, their
 * windows and compromise marks. 0 or -1 (err, kr left empty).
 */
int	issuer_keyring(const struct issuer_desc *d, struct keyring *kr,
	    char *err, size_t errlen);

/*
 * The fingerprint of an issuer, for display and pins: "sha256:" and the
 * hex SHA-256 of its log key's raw 32-byte public key. 0 or -1 when
 * log_key does not parse.
 */
int	issuer_fingerprint(const char *log_key, char out[ISSUER_FPR_LEN + 1]);

/*
 * Shared with trustlist.c. The text under key in a CBOR map (at most max
 * bytes, UTF-8, no control characters) into out (max + 1), and a time
 * (unix seconds, 0 or more); 0 or -1 with err naming key or what.
 */
struct cbor_item_t;
int	issuer_cbor_text(const struct cbor_item_t *map, const char *key,
	    char *out, size_t max, char *err, size_t errlen);
int	issuer_cbor_time(const struct cbor_item_t *, const char *what,
	    int64_t *out, char *err, size_t errlen);
/* A host[:port] of len bytes: printable ASCII, nothing URL-special. */
int	issuer_host_check(const char *host, size_t len, char *err,
	    size_t errlen);
/* rc of cose_sign1_check (-1 or -2) as an answer: returns rc, err says. */
int	issuer_sig_fail(int rc, char *err, size_t errlen);

#endif
