/* skkd — SPDX-License-Identifier: ISC */
/*
 * COSE_Sign1 (RFC 9052 §4.2) with EdDSA, the envelope of everything skkd
 * signs: QR payloads (qrpay.c), status lists and number maps
 * (statuslist.c), issuer descriptors and trust lists (issuer.c,
 * trustlist.c). The protected header is {1: -8, 4: kid} and, for the
 * documents, 16 (typ): a text naming what the payload is, so that one
 * kind can never be taken for another. The unprotected header is empty.
 *
 * Parsing does not copy: a struct cose_sign1 points into the buffer it
 * was parsed from and lives as long as that buffer.
 */
#ifndef PROTO_COSE_H
#define PROTO_COSE_H

#include <stddef.h>
#include <stdint.h>

#include "sign.h"

#define COSE_TAG_SIGN1		18
#define COSE_HDR_ALG		1
#define COSE_HDR_KID		4
#define COSE_HDR_TYP		16
#define COSE_ALG_EDDSA		(-8)
#define COSE_TYP_MAX		63

#define COSE_TYP_STATUS		"application/statuslist+cwt"
#define COSE_TYP_NUMBERS	"application/skk-numbers+cwt"
#define COSE_TYP_ISSUER		"application/skk-issuer+cwt"
#define COSE_TYP_TRUSTLIST	"application/skk-trustlist+cwt"

struct cose_sign1 {
	const uint8_t	*prot;		/* the protected header's bytes */
	size_t		 prot_len;
	const uint8_t	*payload;
	size_t		 payload_len;
	const uint8_t	*sig;		/* SIGN_SIG_LEN bytes */
	uint8_t		 kid[SIGN_KID_LEN];
	char		 typ[COSE_TYP_MAX + 1];	/* "" when absent */
	int		 err;		/* enum cose_err, after a parse */
};

/* Why a parse failed, for callers that map it to their own codes. */
enum cose_err {
	COSE_E_NONE = 0,
	COSE_E_MALFORMED,	/* not a COSE_Sign1 as above */
	COSE_E_TOO_LONG,	/* over the caller's maximum */
	COSE_E_ALG,		/* alg missing or not EdDSA */
	COSE_E_TYP		/* typ not the one wanted */
};

/*
 * Signs payload with key (private): 18([protected, {}, payload, sig]),
 * typ in the protected header unless NULL. *out is malloc'd. 0 or -1.
 */
int	cose_sign1_make(const struct sign_key *, const char *typ,
	    const uint8_t *payload, size_t len, uint8_t **out, size_t *outlen);

/*
 * Takes apart len bytes that must be exactly one COSE_Sign1 of at most
 * max bytes, with alg EdDSA and an 8-byte kid, and typ want_typ (NULL:
 * no typ at all, as in QR payloads). 0, or -1 with err saying what is
 * wrong and m->err why.
 */
int	cose_sign1_parse(const uint8_t *buf, size_t len, size_t max,
	    const char *want_typ, struct cose_sign1 *, char *err,
	    size_t errlen);

/*
 * Checks the signature with key (whose kid must be the message's): 0
 * good, -1 not good (or another key's), -2 could not be checked.
 */
int	cose_sign1_check(const struct cose_sign1 *, const struct sign_key *);

/* Sig_structure ["Signature1", protected, h'', payload]; malloc'd. */
int	cose_sign1_tbs(const uint8_t *prot, size_t plen,
	    const uint8_t *payload, size_t len, uint8_t **out, size_t *outlen);

#endif
