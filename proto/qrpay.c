/* skkd — SPDX-License-Identifier: ISC */
/*
 * The signed QR payload, PROTOCOL.md §1: a COSE_Sign1 (RFC 9052) message,
 * EdDSA with the key id in the protected header, over a CWT claims map
 * (RFC 8392), carried as base32 in an upper-case URL. Encoding is
 * deterministic so that the test vector in PROTOCOL.md §2 is stable.
 *
 * Everything decoded here comes from a stranger's camera, so the decoder
 * is total: the bytes are first walked head by head (definite lengths,
 * every declared count backed by bytes, nothing trailing) before libcbor
 * builds items from them, and every item's type is checked before use.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cbor.h>

#include "base32.h"
#include "cborx.h"
#include "cose.h"
#include "errf.h"
#include "qrpay.h"

#define CWT_EXP			4
#define CWT_IAT			6
#define QRPAY_DAY		86400


static const char *qrpay_errors[] = {
	[QRPAY_OK] = "ok",
	[QRPAY_NOT_BASE32] = "not base32",
	[QRPAY_NOT_COSE] = "not a COSE_Sign1 message",
	[QRPAY_WRONG_ALG] = "wrong algorithm (EdDSA expected)",
	[QRPAY_UNKNOWN_KID] = "unknown key",
	[QRPAY_BAD_SIGNATURE] = "signature not valid",
	[QRPAY_EXPIRED] = "expired",
	[QRPAY_NOT_YET_VALID] = "not yet valid",
	[QRPAY_MALFORMED_CLAIMS] = "malformed claims",
	[QRPAY_KEY_COMPROMISED] = "signed by a compromised key",
	[QRPAY_TOO_LONG] = "too long",
	[QRPAY_INTERNAL] = "could not be checked (out of memory)",
};

const char *
qrpay_strerror(enum qrpay_err e)
{
	if ((unsigned)e >= sizeof(qrpay_errors) / sizeof(qrpay_errors[0]))
		return "unknown error";
	return qrpay_errors[e];
}

enum cert_reason
qrpay_reason(enum qrpay_err e)
{
	switch (e) {
	case QRPAY_OK:
		return REASON_OK;
	case QRPAY_EXPIRED:
		return REASON_EXPIRED;
	case QRPAY_NOT_YET_VALID:
		return REASON_NOT_YET_VALID;
	case QRPAY_UNKNOWN_KID:
		return REASON_UNKNOWN_KEY;
	case QRPAY_BAD_SIGNATURE:
		return REASON_BAD_SIGNATURE;
	case QRPAY_KEY_COMPROMISED:
		return REASON_KEY_COMPROMISED;
	case QRPAY_INTERNAL:
		return REASON_UNAVAILABLE;
	default:
		return REASON_MALFORMED;
	}
}

void
qrpay_claims_from_cert(struct qr_claims *c, const struct cert *cert)
{
	memset(c, 0, sizeof(*c));
	c->iat = (int64_t)cert->issued * QRPAY_DAY;
	c->exp = ((int64_t)cert->expires + 1) * QRPAY_DAY;
	memcpy(c->number, cert->number, sizeof(c->number) - 1);
	memcpy(c->name, cert->name, sizeof(c->name) - 1);
	memcpy(c->job_code, cert->job_code, sizeof(c->job_code) - 1);
	c->jenjang = cert->jenjang;
	memcpy(c->kid, cert->kid, sizeof(c->kid));
}

/*
 * The claim rules, shared by the signer and the verifier: the record's
 * own field checks (cert.c), then the dates.
 */
static int
qrpay_check_claims(const struct qr_claims *c, char *detail, size_t detlen)
{
	char	err[CERT_ERR_MAX];

	if (cert_check_number(c->number, err, sizeof(err)) == 0 &&
	    cert_check_name(c->name, err, sizeof(err)) == 0 &&
	    cert_check_job_code(c->job_code, err, sizeof(err)) == 0) {
		if (c->jenjang < 1 || c->jenjang > 9)
			snprintf(err, sizeof(err), "jenjang: %u, expected 1-9",
			    c->jenjang);
		else if (c->iat < 0 || c->exp <= c->iat)
			snprintf(err, sizeof(err), "exp: not after iat");
		else
			return 0;
	}
	errf(detail, detlen, "claims: %s", err);
	return -1;
}

/* --- encoding --- */

/*
 * {4: exp, 6: iat, -65537: [number, name, job, jenjang(, status_idx)]},
 * keys sorted; the status index only when the certificate has one.
 */
static int
qrpay_encode_claims(const struct qr_claims *c, uint8_t **out, size_t *outlen)
{
	cbor_item_t	*map, *arr;
	int		 ok;

	if ((map = cbor_new_definite_map(3)) == NULL)
		return -1;
	if ((arr = cbor_new_definite_array(c->has_status_idx ? 5 : 4)) ==
	    NULL) {
		cbor_decref(&map);
		return -1;
	}
	ok = cborx_array_put(arr, cbor_build_string(c->number)) == 0 &&
	    cborx_array_put(arr, cbor_build_string(c->name)) == 0 &&
	    cborx_array_put(arr, cbor_build_string(c->job_code)) == 0 &&
	    cborx_array_put(arr, cborx_int(c->jenjang)) == 0 &&
	    (!c->has_status_idx ||
	    cborx_array_put(arr, cborx_int(c->status_idx)) == 0);
	ok = ok &&
	    cborx_map_put(map, cborx_int(CWT_EXP),
	    cborx_int(c->exp)) == 0 &&
	    cborx_map_put(map, cborx_int(CWT_IAT),
	    cborx_int(c->iat)) == 0 &&
	    cborx_map_put(map, cborx_int(QRPAY_CLAIM_KEY),
	    cbor_incref(arr)) == 0;
	cbor_decref(&arr);
	return cborx_serialize(map, ok, out, outlen);
}

int
qrpay_sign(const struct sign_key *key, const struct qr_claims *c,
    uint8_t **out, size_t *outlen)
{
	uint8_t	*payload = NULL;
	size_t	 len;
	int	 rc = -1;

	*out = NULL;
	*outlen = 0;
	if (key == NULL || !sign_key_is_private(key) ||
	    qrpay_check_claims(c, NULL, 0) == -1)
		return -1;
	if (qrpay_encode_claims(c, &payload, &len) == 0 &&
	    cose_sign1_make(key, NULL, payload, len, out, outlen) == 0)
		rc = 0;
	free(payload);
	if (rc == 0 && *outlen > QRPAY_MAX_BYTES) {
		free(*out);
		*out = NULL;
		*outlen = 0;
		rc = -1;
	}
	return rc;
}

int
qrpay_url(const char *host, const uint8_t *cose, size_t len, char *out,
    size_t outlen)
{
	size_t	hlen = strlen(host), i, need;

	need = 8 + hlen + 3 + base32_encoded_len(len) + 1;
	if (len > QRPAY_MAX_BYTES || need > outlen || need > QRPAY_URL_MAX + 1)
		return -1;
	memcpy(out, "HTTPS://", 8);
	for (i = 0; i < hlen; i++)
		out[8 + i] = (host[i] >= 'a' && host[i] <= 'z') ?
		    host[i] - 'a' + 'A' : host[i];
	memcpy(out + 8 + hlen, "/V/", 3);
	return base32_encode(cose, len, out + 8 + hlen + 3,
	    outlen - (8 + hlen + 3));
}

/* --- decoding --- */

/* Takes apart a QR's COSE_Sign1: no typ, at most QRPAY_MAX_BYTES. */
static enum qrpay_err
qrpay_parse_sign1(const uint8_t *cose, size_t len, struct cose_sign1 *m,
    char *detail, size_t detlen)
{
	if (cose_sign1_parse(cose, len, QRPAY_MAX_BYTES, NULL, m, detail,
	    detlen) == 0)
		return QRPAY_OK;
	switch (m->err) {
	case COSE_E_TOO_LONG:
		return QRPAY_TOO_LONG;
	case COSE_E_ALG:
		return QRPAY_WRONG_ALG;
	default:
		return QRPAY_NOT_COSE;
	}
}

/* [number, name, job, jenjang] or [number, name, job, jenjang, status_idx] */
static int
qrpay_get_private(const cbor_item_t *arr, struct qr_claims *c)
{
	cbor_item_t	**el;
	int64_t		  j, idx;

	if (!cbor_isa_array(arr) || !cbor_array_is_definite(arr) ||
	    (cbor_array_size(arr) != 4 && cbor_array_size(arr) != 5))
		return -1;
	el = cbor_array_handle(arr);
	if (cborx_get_text(el[0], c->number, CERT_NUMBER_LEN) == -1 ||
	    cborx_get_text(el[1], c->name, CERT_NAME_MAX) == -1 ||
	    cborx_get_text(el[2], c->job_code, sizeof(c->job_code) - 1) == -1 ||
	    !cbor_isa_uint(el[3]) || cborx_get_int(el[3], &j) == -1 ||
	    j > 255)
		return -1;
	c->jenjang = (uint8_t)j;
	if (cbor_array_size(arr) == 5) {
		if (!cbor_isa_uint(el[4]) || cborx_get_int(el[4], &idx) == -1 ||
		    idx > UINT32_MAX)
			return -1;
		c->status_idx = (uint32_t)idx;
		c->has_status_idx = 1;
	}
	return 0;
}

/* Fills c from one claims map entry; seen tracks duplicates. */
static int
qrpay_get_claim(const struct cbor_pair *p, struct qr_claims *c, int *seen)
{
	int64_t	key, v;
	int	bit;

	if (cborx_get_int(p->key, &key) == -1)
		return -1;
	switch (key) {
	case CWT_EXP:
	case CWT_IAT:
		if (!cbor_isa_uint(p->value) ||
		    cborx_get_int(p->value, &v) == -1)
			return -1;
		*(key == CWT_EXP ? &c->exp : &c->iat) = v;
		break;
	case QRPAY_CLAIM_KEY:
		if (qrpay_get_private(p->value, c) == -1)
			return -1;
		break;
	default:
		return -1;
	}
	bit = key == CWT_EXP ? 1 : key == CWT_IAT ? 2 : 4;
	if (*seen & bit)
		return -1;
	*seen |= bit;
	return 0;
}

static enum qrpay_err
qrpay_parse_claims(const struct cose_sign1 *m, struct qr_claims *c,
    char *detail, size_t detlen)
{
	cbor_item_t		*map;
	struct cbor_pair	*pairs;
	size_t			 i;
	int			 seen = 0, ok;

	memset(c, 0, sizeof(*c));
	if ((map = cborx_load(m->payload, m->payload_len)) == NULL ||
	    !cbor_isa_map(map) || !cbor_map_is_definite(map)) {
		errf(detail, detlen, "claims: not a CBOR map");
		if (map != NULL)
			cbor_decref(&map);
		return QRPAY_MALFORMED_CLAIMS;
	}
	pairs = cbor_map_handle(map);
	for (ok = 1, i = 0; ok && i < cbor_map_size(map); i++)
		ok = qrpay_get_claim(&pairs[i], c, &seen) == 0;
	cbor_decref(&map);
	if (!ok || seen != 7) {
		errf(detail, detlen, "claims: expected exactly "
		    "{4: uint, 6: uint, -65537: [tstr, tstr, tstr, uint"
		    "(, uint)]}");
		memset(c, 0, sizeof(*c));
		return QRPAY_MALFORMED_CLAIMS;
	}
	if (qrpay_check_claims(c, detail, detlen) == -1) {
		memset(c, 0, sizeof(*c));
		return QRPAY_MALFORMED_CLAIMS;
	}
	memcpy(c->kid, m->kid, SIGN_KID_LEN);
	return QRPAY_OK;
}

enum qrpay_err
qrpay_decode(const uint8_t *cose, size_t len, struct qr_claims *claims,
    char *detail, size_t detlen)
{
	struct cose_sign1	m;
	enum qrpay_err		e;

	errf(detail, detlen, "%s", "");
	memset(claims, 0, sizeof(*claims));
	if ((e = qrpay_parse_sign1(cose, len, &m, detail, detlen)) == QRPAY_OK)
		e = qrpay_parse_claims(&m, claims, detail, detlen);
	return e;
}

/* --- verification --- */

static int
qrpay_is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Does text start with prefix, ignoring ASCII case? */
static int
qrpay_has_prefix(const char *text, size_t len, const char *prefix)
{
	size_t	n = strlen(prefix);

	return len >= n && strncasecmp(text, prefix, n) == 0;
}

static int
qrpay_is_base32(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '2' && ch <= '7') || ch == '=';
}

int
qrpay_is_qr_text(const char *s)
{
	size_t	n;

	if (qrpay_has_prefix(s, strlen(s), "https://") ||
	    qrpay_has_prefix(s, strlen(s), "http://"))
		return 1;
	for (n = 0; s[n] != '\0'; n++) {
		if (!qrpay_is_base32((unsigned char)s[n]))
			return 0;
	}
	return n >= QRPAY_BARE_MIN;
}

/*
 * Finds the base32 part of a URL or bare payload: [*off, *off + *blen).
 * Surrounding white space and one trailing slash are ignored.
 */
static enum qrpay_err
qrpay_find_base32(const char *text, size_t len, size_t *off, size_t *blen,
    char *detail, size_t detlen)
{
	size_t		start = 0, end = len, host;
	const char	*slash;

	while (start < end && qrpay_is_space(text[start]))
		start++;
	while (end > start && qrpay_is_space(text[end - 1]))
		end--;
	if (end > start && text[end - 1] == '/')
		end--;
	if (qrpay_has_prefix(text + start, end - start, "https://"))
		start += 8;
	else if (qrpay_has_prefix(text + start, end - start, "http://"))
		start += 7;
	else {
		*off = start;
		*blen = end - start;
		return QRPAY_OK;
	}
	host = start;
	slash = memchr(text + host, '/', end - host);
	if (slash == NULL ||
	    !qrpay_has_prefix(slash, end - (size_t)(slash - text), "/V/")) {
		errf(detail, detlen, "URL path does not start "
		    "with /V/");
		return QRPAY_NOT_BASE32;
	}
	*off = (size_t)(slash - text) + 3;
	*blen = end - *off;
	return QRPAY_OK;
}

int
qrpay_url_host(const char *text, size_t len, char *host, size_t hostlen)
{
	size_t		start = 0, end = len;
	const char	*slash;

	while (start < end && qrpay_is_space(text[start]))
		start++;
	if (qrpay_has_prefix(text + start, end - start, "https://"))
		start += 8;
	else if (qrpay_has_prefix(text + start, end - start, "http://"))
		start += 7;
	else
		return 0;
	if ((slash = memchr(text + start, '/', end - start)) != NULL)
		end = (size_t)(slash - text);
	/* Userinfo and all: whatever precedes the path is compared. */
	if (end - start >= hostlen)
		return -1;
	memcpy(host, text + start, end - start);
	host[end - start] = '\0';
	return 1;
}

/* The length of h without a ":443" suffix, HTTPS's default port. */
static size_t
qrpay_host_len(const char *h)
{
	size_t	n = strlen(h);

	if (n > 4 && strcmp(h + n - 4, ":443") == 0)
		n -= 4;
	return n;
}

int
qrpay_host_equal(const char *a, const char *b)
{
	size_t	n = qrpay_host_len(a);

	return n > 0 && n == qrpay_host_len(b) && strncasecmp(a, b, n) == 0;
}

/* Text to COSE bytes: out holds QRPAY_MAX_BYTES. */
static enum qrpay_err
qrpay_text_bytes(const char *text, size_t len, uint8_t *out, size_t *outlen,
    char *detail, size_t detlen)
{
	size_t		off, blen, n, bad = 0;
	ssize_t		r;
	enum qrpay_err	e;

	if (len > QRPAY_URL_MAX) {
		errf(detail, detlen, "%zu characters, at most %d",
		    len, QRPAY_URL_MAX);
		return QRPAY_TOO_LONG;
	}
	if ((e = qrpay_find_base32(text, len, &off, &blen, detail,
	    detlen)) != QRPAY_OK)
		return e;
	for (n = blen; n > 0 && text[off + n - 1] == '='; n--)
		;
	if (n > base32_encoded_len(QRPAY_MAX_BYTES)) {
		errf(detail, detlen, "payload of %zu characters, "
		    "at most %zu", n, base32_encoded_len(QRPAY_MAX_BYTES));
		return QRPAY_TOO_LONG;
	}
	r = base32_decode(text + off, blen, out, QRPAY_MAX_BYTES, &bad);
	if (r == -1) {
		errf(detail, detlen, "not base32 at character %zu",
		    off + bad + 1);
		return QRPAY_NOT_BASE32;
	}
	*outlen = (size_t)r;
	return QRPAY_OK;
}

static void
qrpay_format_day(int64_t t, char out[32])
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 32, "@%lld", (long long)t);
}

/* Key windows, compromise, then the dates: PROTOCOL.md §1.6. */
static enum qrpay_err
qrpay_check_policy(const struct keyring_entry *e, const struct qr_claims *c,
    int64_t now, char *detail, size_t detlen)
{
	char	day[32];

	qrpay_format_day(c->iat, day);
	/*
	 * Whoever holds a leaked key chooses iat too: no date makes its
	 * signature trustworthy again. Only the issuer's record can.
	 */
	if (e->compromised_at != 0) {
		errf(detail, detlen, "signing key compromised: check "
		    "online");
		return QRPAY_KEY_COMPROMISED;
	}
	if ((e->valid_from != 0 && c->iat < e->valid_from) ||
	    (e->valid_to != 0 && c->iat > e->valid_to)) {
		errf(detail, detlen, "issued %s, outside the signing "
		    "key's validity window", day);
		return QRPAY_UNKNOWN_KID;
	}
	if (now >= c->exp) {
		qrpay_format_day(c->exp - QRPAY_DAY, day);
		errf(detail, detlen, "expired after %s", day);
		return QRPAY_EXPIRED;
	}
	if (now < c->iat - QRPAY_DAY) {
		errf(detail, detlen, "issue date %s is in the future",
		    day);
		return QRPAY_NOT_YET_VALID;
	}
	errf(detail, detlen, "signature good, issued %s", day);
	return QRPAY_OK;
}

/* Signature, claims and policy of a message already taken apart. */
static enum qrpay_err
qrpay_verify_msg(const struct cose_sign1 *m, const struct keyring *kr,
    int64_t now, struct qr_claims *c, char *detail, size_t detlen)
{
	const struct keyring_entry	*ke;
	int				 good;

	if ((ke = keyring_find(kr, m->kid)) == NULL) {
		errf(detail, detlen, "key id %02x%02x%02x%02x%02x%02x"
		    "%02x%02x is not in the keyring", m->kid[0], m->kid[1],
		    m->kid[2], m->kid[3], m->kid[4], m->kid[5], m->kid[6],
		    m->kid[7]);
		return QRPAY_UNKNOWN_KID;
	}
	good = cose_sign1_check(m, ke->key);
	if (good == -2) {
		errf(detail, detlen, "the signature could not be "
		    "checked (out of memory)");
		return QRPAY_INTERNAL;
	}
	if (good != 0) {
		errf(detail, detlen, "Ed25519 signature does not "
		    "match");
		return QRPAY_BAD_SIGNATURE;
	}
	if (qrpay_parse_claims(m, c, detail, detlen) != QRPAY_OK)
		return QRPAY_MALFORMED_CLAIMS;
	return qrpay_check_policy(ke, c, now, detail, detlen);
}

enum qrpay_err
qrpay_verify(const char *text, size_t len, const struct keyring *kr,
    int64_t now, struct qr_claims *claims, char *detail, size_t detlen)
{
	struct cose_sign1	m;
	uint8_t			cose[QRPAY_MAX_BYTES];
	size_t			clen = 0;
	enum qrpay_err		e;

	errf(detail, detlen, "%s", "");
	memset(claims, 0, sizeof(*claims));
	if (text == NULL) {
		text = "";
		len = 0;
	}
	if ((e = qrpay_text_bytes(text, len, cose, &clen, detail,
	    detlen)) != QRPAY_OK)
		return e;
	if ((e = qrpay_parse_sign1(cose, clen, &m, detail, detlen)) == QRPAY_OK)
		e = qrpay_verify_msg(&m, kr, now, claims, detail, detlen);
	/* Claims are only worth showing when the signature vouches for them. */
	if (!qrpay_signed(e))
		memset(claims, 0, sizeof(*claims));
	return e;
}

int
qrpay_signed(enum qrpay_err e)
{
	return e == QRPAY_OK || e == QRPAY_EXPIRED ||
	    e == QRPAY_NOT_YET_VALID || e == QRPAY_KEY_COMPROMISED;
}

enum qrpay_err
qrpay_bytes(const char *text, size_t len, uint8_t out[QRPAY_MAX_BYTES],
    size_t *outlen)
{
	*outlen = 0;
	if (text == NULL)
		return QRPAY_NOT_BASE32;
	return qrpay_text_bytes(text, len, out, outlen, NULL, 0);
}
