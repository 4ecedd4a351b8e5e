/* skkd — SPDX-License-Identifier: ISC */
/*
 * The signed QR payload (PROTOCOL.md §1): COSE_Sign1 (RFC 9052)
 * with EdDSA over a CWT claims map (RFC 8392), base32 in an upper-case URL
 * HTTPS://HOST/V/<BASE32>.
 */
#ifndef PROTO_QRPAY_H
#define PROTO_QRPAY_H

#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "sign.h"

#define QRPAY_CLAIM_KEY	(-65537)	/* private claim: [number, name, job,
					   jenjang(, status_idx)] */
#define QRPAY_MAX_BYTES	512		/* largest COSE_Sign1 we accept */
#define QRPAY_URL_MAX	1024
#define QRPAY_BARE_MIN	40		/* base32 characters: shorter is no QR */

/* What a QR tells a verifier on site. */
struct qr_claims {
	int64_t		iat;		/* issue date, 00:00 UTC */
	int64_t		exp;		/* day after expiry date, 00:00 UTC */
	char		number[CERT_NUMBER_LEN + 1];
	char		name[CERT_NAME_MAX + 1];
	char		job_code[9];
	uint8_t		jenjang;
	uint8_t		has_status_idx;	/* 0: a card from before #14 */
	uint32_t	status_idx;	/* its entry in the status lists */
	uint8_t		kid[SIGN_KID_LEN];
};

enum qrpay_err {
	QRPAY_OK = 0,
	QRPAY_NOT_BASE32,
	QRPAY_NOT_COSE,
	QRPAY_WRONG_ALG,
	QRPAY_UNKNOWN_KID,
	QRPAY_BAD_SIGNATURE,
	QRPAY_EXPIRED,
	QRPAY_NOT_YET_VALID,
	QRPAY_MALFORMED_CLAIMS,
	QRPAY_KEY_COMPROMISED,	/* signed by a key marked compromised, any iat */
	QRPAY_TOO_LONG,
	QRPAY_INTERNAL		/* could not be checked: the verdict is UNKNOWN */
};

/* Fills claims from a record (dates, number, name, job, jenjang). */
void		 qrpay_claims_from_cert(struct qr_claims *, const struct cert *);

/*
 * Builds the COSE_Sign1 bytes for claims signed by key (must be private);
 * out is malloc'd, the caller frees it. 0 or -1.
 */
int		 qrpay_sign(const struct sign_key *, const struct qr_claims *,
		    uint8_t **out, size_t *outlen);

/* "HTTPS://" + upper-cased host + "/V/" + base32(cose). 0 or -1 if too long. */
int		 qrpay_url(const char *host, const uint8_t *cose, size_t len,
		    char *out, size_t outlen);

/*
 * Accepts a full URL (any case, any host, http or https) or the bare
 * base32 text; verifies against the keyring at time now. On success fills
 * claims and returns QRPAY_OK. Whenever qrpay_signed() holds the claims
 * are filled too (the signature is good). A key marked compromised
 * gives QRPAY_KEY_COMPROMISED whatever the payload's iat: the signer
 * chose it. detail gets a precise human reason.
 */
enum qrpay_err	 qrpay_verify(const char *text, size_t len,
		    const struct keyring *, int64_t now,
		    struct qr_claims *claims, char *detail, size_t detlen);

/*
 * Did the key's signature check out? True for QRPAY_OK, EXPIRED,
 * NOT_YET_VALID and KEY_COMPROMISED: then the claims are filled, but
 * only an online comparison with the issued payload can trust them.
 */
int		 qrpay_signed(enum qrpay_err);

/*
 * The COSE bytes of a URL or bare base32 text, as qrpay_verify reads
 * them (for comparing with the issued payload). QRPAY_OK or the error.
 */
enum qrpay_err	 qrpay_bytes(const char *text, size_t len,
		    uint8_t out[QRPAY_MAX_BYTES], size_t *outlen);

/*
 * Is s meant as a QR rather than a certificate number: an http(s) URL
 * (any case) or at least QRPAY_BARE_MIN base32 characters? Says nothing
 * of its validity: qrpay_verify() judges that.
 */
int		 qrpay_is_qr_text(const char *s);

/*
 * The host of a QR URL (everything between "://" and the path, port
 * included): 1 with it in host, 0 for a bare payload, which names no
 * host, -1 if it does not fit in hostlen.
 */
int		 qrpay_url_host(const char *text, size_t len, char *host,
		    size_t hostlen);
/*
 * Whether a QR URL's host is an issuer's host (PROTOCOL.md 1.5): ASCII
 * case ignored, ":443" the same as no port. Empty hosts never match.
 */
int		 qrpay_host_equal(const char *a, const char *b);

/* Decodes COSE bytes without verifying: kid and claims (for fuzzing/tools). */
enum qrpay_err	 qrpay_decode(const uint8_t *cose, size_t len,
		    struct qr_claims *claims, char *detail, size_t detlen);

const char	*qrpay_strerror(enum qrpay_err);
/* Maps a verification error to the verdict reason code. */
enum cert_reason qrpay_reason(enum qrpay_err);

#endif
