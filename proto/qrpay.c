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
#include "errf.h"
#include "qrpay.h"

#define COSE_TAG_SIGN1		18
#define COSE_HDR_ALG		1
#define COSE_HDR_KID		4
#define COSE_ALG_EDDSA		(-8)
#define CWT_EXP			4
#define CWT_IAT			6
#define QRPAY_DAY		86400

/* A COSE_Sign1 taken apart; the pointers live as long as body. */
struct qrpay_msg {
	cbor_item_t	*body;		/* the array inside tag 18 */
	const uint8_t	*prot;
	size_t		 prot_len;
	const uint8_t	*payload;
	size_t		 payload_len;
	const uint8_t	*sig;
	uint8_t		 kid[SIGN_KID_LEN];
};

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

/* An integer in its shortest encoding, as deterministic CBOR requires. */
static cbor_item_t *
qrpay_cbor_int(int64_t v)
{
	cbor_item_t	*it;
	uint64_t	 u = v >= 0 ? (uint64_t)v : (uint64_t)(-(v + 1));

	if (u <= UINT8_MAX) {
		if ((it = cbor_new_int8()) != NULL)
			cbor_set_uint8(it, (uint8_t)u);
	} else if (u <= UINT16_MAX) {
		if ((it = cbor_new_int16()) != NULL)
			cbor_set_uint16(it, (uint16_t)u);
	} else if (u <= UINT32_MAX) {
		if ((it = cbor_new_int32()) != NULL)
			cbor_set_uint32(it, (uint32_t)u);
	} else {
		if ((it = cbor_new_int64()) != NULL)
			cbor_set_uint64(it, u);
	}
	if (it != NULL && v < 0)
		cbor_mark_negint(it);
	return it;
}

/* Adds key and value to map, dropping our references either way. */
static int
qrpay_map_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *val)
{
	int	ok;

	ok = key != NULL && val != NULL &&
	    cbor_map_add(map, (struct cbor_pair){ .key = key, .value = val });
	if (key != NULL)
		cbor_decref(&key);
	if (val != NULL)
		cbor_decref(&val);
	return ok ? 0 : -1;
}

/* Appends item to array, dropping our reference either way. */
static int
qrpay_array_put(cbor_item_t *arr, cbor_item_t *item)
{
	int	ok;

	ok = item != NULL && cbor_array_push(arr, item);
	if (item != NULL)
		cbor_decref(&item);
	return ok ? 0 : -1;
}

/* Serialises item and drops it; *out is malloc'd. */
static int
qrpay_serialize(cbor_item_t *item, int ok, uint8_t **out, size_t *outlen)
{
	size_t	bufsize = 0;

	*out = NULL;
	*outlen = 0;
	if (item == NULL)
		return -1;
	if (ok)
		*outlen = cbor_serialize_alloc(item, out, &bufsize);
	cbor_decref(&item);
	if (*outlen == 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The protected header, {1: -8, 4: h'kid'}, as its serialised bytes. */
static int
qrpay_encode_protected(const uint8_t kid[SIGN_KID_LEN], uint8_t **out,
    size_t *outlen)
{
	cbor_item_t	*map;
	int		 ok;

	if ((map = cbor_new_definite_map(2)) == NULL)
		return -1;
	ok = qrpay_map_put(map, qrpay_cbor_int(COSE_HDR_ALG),
	    qrpay_cbor_int(COSE_ALG_EDDSA)) == 0 &&
	    qrpay_map_put(map, qrpay_cbor_int(COSE_HDR_KID),
	    cbor_build_bytestring(kid, SIGN_KID_LEN)) == 0;
	return qrpay_serialize(map, ok, out, outlen);
}

/* {4: exp, 6: iat, -65537: [number, name, job, jenjang]}, keys sorted. */
static int
qrpay_encode_claims(const struct qr_claims *c, uint8_t **out, size_t *outlen)
{
	cbor_item_t	*map, *arr;
	int		 ok;

	if ((map = cbor_new_definite_map(3)) == NULL)
		return -1;
	if ((arr = cbor_new_definite_array(4)) == NULL) {
		cbor_decref(&map);
		return -1;
	}
	ok = qrpay_array_put(arr, cbor_build_string(c->number)) == 0 &&
	    qrpay_array_put(arr, cbor_build_string(c->name)) == 0 &&
	    qrpay_array_put(arr, cbor_build_string(c->job_code)) == 0 &&
	    qrpay_array_put(arr, qrpay_cbor_int(c->jenjang)) == 0;
	ok = ok &&
	    qrpay_map_put(map, qrpay_cbor_int(CWT_EXP),
	    qrpay_cbor_int(c->exp)) == 0 &&
	    qrpay_map_put(map, qrpay_cbor_int(CWT_IAT),
	    qrpay_cbor_int(c->iat)) == 0 &&
	    qrpay_map_put(map, qrpay_cbor_int(QRPAY_CLAIM_KEY),
	    cbor_incref(arr)) == 0;
	cbor_decref(&arr);
	return qrpay_serialize(map, ok, out, outlen);
}

/* Sig_structure = ["Signature1", protected, h'', payload] (RFC 9052 §4.4). */
static int
qrpay_encode_tbs(const uint8_t *prot, size_t plen, const uint8_t *payload,
    size_t len, uint8_t **out, size_t *outlen)
{
	cbor_item_t	*arr;
	int		 ok;

	if ((arr = cbor_new_definite_array(4)) == NULL)
		return -1;
	ok = qrpay_array_put(arr, cbor_build_string("Signature1")) == 0 &&
	    qrpay_array_put(arr, cbor_build_bytestring(prot, plen)) == 0 &&
	    qrpay_array_put(arr, cbor_new_definite_bytestring()) == 0 &&
	    qrpay_array_put(arr, cbor_build_bytestring(payload, len)) == 0;
	return qrpay_serialize(arr, ok, out, outlen);
}

/* 18([protected, {}, payload, signature]) */
static int
qrpay_encode_sign1(const uint8_t *prot, size_t plen, const uint8_t *payload,
    size_t len, const uint8_t sig[SIGN_SIG_LEN], uint8_t **out,
    size_t *outlen)
{
	cbor_item_t	*arr, *tag;
	int		 ok;

	if ((tag = cbor_new_tag(COSE_TAG_SIGN1)) == NULL)
		return -1;
	if ((arr = cbor_new_definite_array(4)) == NULL) {
		cbor_decref(&tag);
		return -1;
	}
	ok = qrpay_array_put(arr, cbor_build_bytestring(prot, plen)) == 0 &&
	    qrpay_array_put(arr, cbor_new_definite_map(0)) == 0 &&
	    qrpay_array_put(arr, cbor_build_bytestring(payload, len)) == 0 &&
	    qrpay_array_put(arr, cbor_build_bytestring(sig,
	    SIGN_SIG_LEN)) == 0;
	cbor_tag_set_item(tag, arr);
	cbor_decref(&arr);
	return qrpay_serialize(tag, ok, out, outlen);
}

int
qrpay_sign(const struct sign_key *key, const struct qr_claims *c,
    uint8_t **out, size_t *outlen)
{
	uint8_t	*prot = NULL, *payload = NULL, *tbs = NULL;
	uint8_t	 sig[SIGN_SIG_LEN];
	size_t	 plen, len, tlen;
	int	 rc = -1;

	*out = NULL;
	*outlen = 0;
	if (key == NULL || !sign_key_is_private(key) ||
	    qrpay_check_claims(c, NULL, 0) == -1)
		return -1;
	if (qrpay_encode_protected(sign_key_kid(key), &prot, &plen) == 0 &&
	    qrpay_encode_claims(c, &payload, &len) == 0 &&
	    qrpay_encode_tbs(prot, plen, payload, len, &tbs, &tlen) == 0 &&
	    sign_data(key, tbs, tlen, sig) == 0 &&
	    qrpay_encode_sign1(prot, plen, payload, len, sig, out,
	    outlen) == 0)
		rc = 0;
	free(prot);
	free(payload);
	free(tbs);
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

/*
 * Walks CBOR heads without building items: well-formed, definite lengths
 * only, nothing trailing, and every declared length or count backed by
 * enough remaining bytes. libcbor allocates a declared array before
 * reading its elements, so five hostile bytes could otherwise ask it for
 * gigabytes.
 */
static int
qrpay_cbor_scan(const uint8_t *p, size_t len)
{
	size_t		pos = 0, pending = 1, n, i;
	uint64_t	arg;
	int		major, ai;

	while (pending > 0) {
		if (pos >= len)
			return -1;
		major = p[pos] >> 5;
		ai = p[pos++] & 0x1f;
		if (ai > 27)
			return -1;	/* reserved, or indefinite length */
		arg = (uint64_t)ai;
		if (ai >= 24) {
			n = (size_t)1 << (ai - 24);
			if (len - pos < n)
				return -1;
			for (arg = 0, i = 0; i < n; i++)
				arg = (arg << 8) | p[pos++];
		}
		pending--;
		if ((major == 2 || major == 3 || major == 4) && arg > len - pos)
			return -1;
		if (major == 5 && arg > (len - pos) / 2)
			return -1;
		if (major == 2 || major == 3)
			pos += (size_t)arg;
		else if (major == 4)
			pending += (size_t)arg;
		else if (major == 5)
			pending += 2 * (size_t)arg;
		else if (major == 6)
			pending++;
		else if (major == 7 && ai == 24 && arg < 32)
			return -1;	/* simple value in the wrong form */
		if (pending > len - pos)
			return -1;
	}
	return pos == len ? 0 : -1;
}

/* Scans, then loads one item that spans the buffer exactly. */
static cbor_item_t *
qrpay_cbor_load(const uint8_t *p, size_t len)
{
	struct cbor_load_result	 res;
	cbor_item_t		*it;

	if (qrpay_cbor_scan(p, len) == -1)
		return NULL;
	it = cbor_load(p, len, &res);
	if (it != NULL && (res.error.code != CBOR_ERR_NONE || res.read != len))
		cbor_decref(&it);
	return it;
}

/* An integer label as int64; -1 if item is not an integer in range. */
static int
qrpay_cbor_get_int(const cbor_item_t *it, int64_t *v)
{
	uint64_t	u;

	if (!cbor_is_int(it) || (u = cbor_get_int(it)) > INT64_MAX)
		return -1;
	*v = cbor_isa_negint(it) ? -1 - (int64_t)u : (int64_t)u;
	return 0;
}

static int
qrpay_is_bstr(const cbor_item_t *it)
{
	return cbor_isa_bytestring(it) && cbor_bytestring_is_definite(it);
}

static void
qrpay_msg_release(struct qrpay_msg *m)
{
	if (m->body != NULL)
		cbor_decref(&m->body);
}

/* Collects alg and kid from the protected header's map. */
static enum qrpay_err
qrpay_scan_headers(const cbor_item_t *map, struct qrpay_msg *m,
    char *detail, size_t detlen)
{
	struct cbor_pair	*pairs = cbor_map_handle(map);
	int64_t			 label, alg = 0;
	size_t			 i;
	int			 have_alg = 0, have_kid = 0;

	for (i = 0; i < cbor_map_size(map); i++) {
		if (qrpay_cbor_get_int(pairs[i].key, &label) == -1 ||
		    (label != COSE_HDR_ALG && label != COSE_HDR_KID) ||
		    (label == COSE_HDR_ALG && have_alg) ||
		    (label == COSE_HDR_KID && have_kid)) {
			errf(detail, detlen, "protected header: "
			    "unexpected or repeated label");
			return QRPAY_NOT_COSE;
		}
		if (label == COSE_HDR_ALG) {
			have_alg = 1;
			if (qrpay_cbor_get_int(pairs[i].value, &alg) == -1)
				alg = 0;
		} else if (!qrpay_is_bstr(pairs[i].value) ||
		    cbor_bytestring_length(pairs[i].value) != SIGN_KID_LEN)
			have_kid = 2;	/* present but unusable */
		else {
			have_kid = 1;
			memcpy(m->kid, cbor_bytestring_handle(pairs[i].value),
			    SIGN_KID_LEN);
		}
	}
	if (!have_alg || alg != COSE_ALG_EDDSA) {
		errf(detail, detlen, "alg %s, expected -8 (EdDSA)",
		    have_alg ? "not -8" : "missing");
		return QRPAY_WRONG_ALG;
	}
	if (have_kid != 1) {
		errf(detail, detlen, "kid %s", have_kid ?
		    "is not 8 bytes" : "missing from protected header");
		return QRPAY_NOT_COSE;
	}
	return QRPAY_OK;
}

static enum qrpay_err
qrpay_parse_protected(struct qrpay_msg *m, char *detail, size_t detlen)
{
	cbor_item_t	*map;
	enum qrpay_err	 e;

	if ((map = qrpay_cbor_load(m->prot, m->prot_len)) == NULL ||
	    !cbor_isa_map(map) || !cbor_map_is_definite(map)) {
		errf(detail, detlen, "protected header is not a map");
		if (map != NULL)
			cbor_decref(&map);
		return QRPAY_NOT_COSE;
	}
	e = qrpay_scan_headers(map, m, detail, detlen);
	cbor_decref(&map);
	return e;
}

/* Takes apart 18([bstr, {}, bstr, bstr .size 64]) and its headers. */
static enum qrpay_err
qrpay_parse_sign1(const uint8_t *cose, size_t len, struct qrpay_msg *m,
    char *detail, size_t detlen)
{
	cbor_item_t	**el;

	memset(m, 0, sizeof(*m));
	if (len > QRPAY_MAX_BYTES) {
		errf(detail, detlen, "%zu bytes, at most %d", len,
		    QRPAY_MAX_BYTES);
		return QRPAY_TOO_LONG;
	}
	/*
	 * libcbor 0.8 refuses the one-byte heads of tags 6-20 (unassigned in
	 * RFC 7049), so the tag is read here and the array handed to it.
	 */
	if (len < 1 || cose[0] != 0xc0 + COSE_TAG_SIGN1) {
		errf(detail, detlen, "not tagged 18 (COSE_Sign1)");
		return QRPAY_NOT_COSE;
	}
	if ((m->body = qrpay_cbor_load(cose + 1, len - 1)) == NULL) {
		errf(detail, detlen, "not well-formed definite-length "
		    "CBOR");
		return QRPAY_NOT_COSE;
	}
	if (!cbor_isa_array(m->body) || !cbor_array_is_definite(m->body) ||
	    cbor_array_size(m->body) != 4) {
		errf(detail, detlen, "not an array of 4");
		return QRPAY_NOT_COSE;
	}
	el = cbor_array_handle(m->body);
	if (!qrpay_is_bstr(el[0]) || !cbor_isa_map(el[1]) ||
	    cbor_map_size(el[1]) != 0 || !qrpay_is_bstr(el[2]) ||
	    !qrpay_is_bstr(el[3]) ||
	    cbor_bytestring_length(el[3]) != SIGN_SIG_LEN) {
		errf(detail, detlen, "expected [bstr, {}, bstr, "
		    "bstr .size 64]");
		return QRPAY_NOT_COSE;
	}
	m->prot = cbor_bytestring_handle(el[0]);
	m->prot_len = cbor_bytestring_length(el[0]);
	m->payload = cbor_bytestring_handle(el[2]);
	m->payload_len = cbor_bytestring_length(el[2]);
	m->sig = cbor_bytestring_handle(el[3]);
	return qrpay_parse_protected(m, detail, detlen);
}

/* Copies a definite text string of at most max bytes, without NULs. */
static int
qrpay_get_text(const cbor_item_t *it, char *out, size_t max)
{
	size_t	len;

	if (!cbor_isa_string(it) || !cbor_string_is_definite(it) ||
	    (len = cbor_string_length(it)) > max)
		return -1;
	if (len > 0)
		memcpy(out, cbor_string_handle(it), len);
	out[len] = '\0';
	return memchr(out, '\0', len) == NULL ? 0 : -1;
}

/* [number, name, job, jenjang] */
static int
qrpay_get_private(const cbor_item_t *arr, struct qr_claims *c)
{
	cbor_item_t	**el;
	int64_t		  j;

	if (!cbor_isa_array(arr) || !cbor_array_is_definite(arr) ||
	    cbor_array_size(arr) != 4)
		return -1;
	el = cbor_array_handle(arr);
	if (qrpay_get_text(el[0], c->number, CERT_NUMBER_LEN) == -1 ||
	    qrpay_get_text(el[1], c->name, CERT_NAME_MAX) == -1 ||
	    qrpay_get_text(el[2], c->job_code, sizeof(c->job_code) - 1) == -1 ||
	    !cbor_isa_uint(el[3]) || qrpay_cbor_get_int(el[3], &j) == -1 ||
	    j > 255)
		return -1;
	c->jenjang = (uint8_t)j;
	return 0;
}

/* Fills c from one claims map entry; seen tracks duplicates. */
static int
qrpay_get_claim(const struct cbor_pair *p, struct qr_claims *c, int *seen)
{
	int64_t	key, v;
	int	bit;

	if (qrpay_cbor_get_int(p->key, &key) == -1)
		return -1;
	switch (key) {
	case CWT_EXP:
	case CWT_IAT:
		if (!cbor_isa_uint(p->value) ||
		    qrpay_cbor_get_int(p->value, &v) == -1)
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
qrpay_parse_claims(const struct qrpay_msg *m, struct qr_claims *c,
    char *detail, size_t detlen)
{
	cbor_item_t		*map;
	struct cbor_pair	*pairs;
	size_t			 i;
	int			 seen = 0, ok;

	memset(c, 0, sizeof(*c));
	if ((map = qrpay_cbor_load(m->payload, m->payload_len)) == NULL ||
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
		    "{4: uint, 6: uint, -65537: [tstr, tstr, tstr, uint]}");
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
	struct qrpay_msg	m;
	enum qrpay_err		e;

	errf(detail, detlen, "%s", "");
	memset(claims, 0, sizeof(*claims));
	if ((e = qrpay_parse_sign1(cose, len, &m, detail, detlen)) == QRPAY_OK)
		e = qrpay_parse_claims(&m, claims, detail, detlen);
	qrpay_msg_release(&m);
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
qrpay_verify_msg(const struct qrpay_msg *m, const struct keyring *kr,
    int64_t now, struct qr_claims *c, char *detail, size_t detlen)
{
	const struct keyring_entry	*ke;
	uint8_t				*tbs;
	size_t				 tlen;
	int				 good;

	if ((ke = keyring_find(kr, m->kid)) == NULL) {
		errf(detail, detlen, "key id %02x%02x%02x%02x%02x%02x"
		    "%02x%02x is not in the keyring", m->kid[0], m->kid[1],
		    m->kid[2], m->kid[3], m->kid[4], m->kid[5], m->kid[6],
		    m->kid[7]);
		return QRPAY_UNKNOWN_KID;
	}
	if (qrpay_encode_tbs(m->prot, m->prot_len, m->payload, m->payload_len,
	    &tbs, &tlen) == -1) {
		errf(detail, detlen, "out of memory");
		return QRPAY_INTERNAL;
	}
	good = sign_verify(ke->key, tbs, tlen, m->sig);
	free(tbs);
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
	struct qrpay_msg	m;
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
	qrpay_msg_release(&m);
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
