/* skkd — SPDX-License-Identifier: ISC */
/*
 * COSE_Sign1 with EdDSA (cose.h). The message's outer structure is read
 * head by head straight from the buffer, so a status list of a megabyte
 * is not copied to be checked; only the small protected header goes
 * through libcbor.
 */

#include <stdlib.h>
#include <string.h>

#include "cborx.h"
#include "cose.h"
#include "errf.h"

/* The protected header: {1: -8, 4: h'kid'} or {1: -8, 4: h'kid', 16: typ}. */
static int
cose_encode_protected(const uint8_t kid[SIGN_KID_LEN], const char *typ,
    uint8_t **out, size_t *outlen)
{
	cbor_item_t	*map;
	int		 ok;

	if ((map = cbor_new_definite_map(typ != NULL ? 3 : 2)) == NULL)
		return -1;
	ok = cborx_map_put(map, cborx_int(COSE_HDR_ALG),
	    cborx_int(COSE_ALG_EDDSA)) == 0 &&
	    cborx_map_put(map, cborx_int(COSE_HDR_KID),
	    cbor_build_bytestring(kid, SIGN_KID_LEN)) == 0 &&
	    (typ == NULL || cborx_map_put(map, cborx_int(COSE_HDR_TYP),
	    cbor_build_string(typ)) == 0);
	return cborx_serialize(map, ok, out, outlen);
}

int
cose_sign1_tbs(const uint8_t *prot, size_t plen, const uint8_t *payload,
    size_t len, uint8_t **out, size_t *outlen)
{
	cbor_item_t	*arr;
	int		 ok;

	if ((arr = cbor_new_definite_array(4)) == NULL)
		return -1;
	ok = cborx_array_put(arr, cbor_build_string("Signature1")) == 0 &&
	    cborx_array_put(arr, cbor_build_bytestring(prot, plen)) == 0 &&
	    cborx_array_put(arr, cbor_new_definite_bytestring()) == 0 &&
	    cborx_array_put(arr, cbor_build_bytestring(payload, len)) == 0;
	return cborx_serialize(arr, ok, out, outlen);
}

/* 18([protected, {}, payload, signature]) */
static int
cose_encode_sign1(const uint8_t *prot, size_t plen, const uint8_t *payload,
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
	ok = cborx_array_put(arr, cbor_build_bytestring(prot, plen)) == 0 &&
	    cborx_array_put(arr, cbor_new_definite_map(0)) == 0 &&
	    cborx_array_put(arr, cbor_build_bytestring(payload, len)) == 0 &&
	    cborx_array_put(arr, cbor_build_bytestring(sig,
	    SIGN_SIG_LEN)) == 0;
	cbor_tag_set_item(tag, arr);
	cbor_decref(&arr);
	return cborx_serialize(tag, ok, out, outlen);
}

int
cose_sign1_make(const struct sign_key *key, const char *typ,
    const uint8_t *payload, size_t len, uint8_t **out, size_t *outlen)
{
	uint8_t	*prot = NULL, *tbs = NULL;
	uint8_t	 sig[SIGN_SIG_LEN];
	size_t	 plen, tlen;
	int	 rc = -1;

	*out = NULL;
	*outlen = 0;
	if (key == NULL || !sign_key_is_private(key) ||
	    (typ != NULL && strlen(typ) > COSE_TYP_MAX))
		return -1;
	if (cose_encode_protected(sign_key_kid(key), typ, &prot, &plen) == 0 &&
	    cose_sign1_tbs(prot, plen, payload, len, &tbs, &tlen) == 0 &&
	    sign_data(key, tbs, tlen, sig) == 0 &&
	    cose_encode_sign1(prot, plen, payload, len, sig, out, outlen) == 0)
		rc = 0;
	free(prot);
	free(tbs);
	return rc;
}

/* --- parsing --- */

/*
 * Reads one head at *pos: its major type and argument. Definite forms
 * only. 0, or -1 when the bytes end first or the form is not allowed.
 */
static int
cose_head(const uint8_t *p, size_t len, size_t *pos, int *major,
    uint64_t *arg)
{
	size_t	n, i;
	int	ai;

	if (*pos >= len)
		return -1;
	*major = p[*pos] >> 5;
	ai = p[(*pos)++] & 0x1f;
	if (ai > 27)
		return -1;
	*arg = (uint64_t)ai;
	if (ai >= 24) {
		n = (size_t)1 << (ai - 24);
		if (len - *pos < n)
			return -1;
		for (*arg = 0, i = 0; i < n; i++)
			*arg = (*arg << 8) | p[(*pos)++];
	}
	return 0;
}

/* A byte string at *pos: its bytes, and *pos past it. 0 or -1. */
static int
cose_bstr(const uint8_t *p, size_t len, size_t *pos, const uint8_t **b,
    size_t *blen)
{
	uint64_t	arg;
	int		major;

	if (cose_head(p, len, pos, &major, &arg) == -1 || major != 2 ||
	    arg > len - *pos)
		return -1;
	*b = p + *pos;
	*blen = (size_t)arg;
	*pos += (size_t)arg;
	return 0;
}

/* Collects alg, kid and typ from the protected header's map. */
static int
cose_headers(struct cose_sign1 *m, char *err, size_t errlen)
{
	cbor_item_t		*map;
	struct cbor_pair	*pairs;
	int64_t			 label, alg = 0;
	size_t			 i;
	int			 have_alg = 0, have_kid = 0, have_typ = 0;
	int			 rc = -1;

	if ((map = cborx_load(m->prot, m->prot_len)) == NULL ||
	    !cbor_isa_map(map) || !cbor_map_is_definite(map)) {
		m->err = COSE_E_MALFORMED;
		errf(err, errlen, "protected header is not a map");
		goto out;
	}
	pairs = cbor_map_handle(map);
	for (i = 0; i < cbor_map_size(map); i++) {
		if (cborx_get_int(pairs[i].key, &label) == -1 ||
		    (label != COSE_HDR_ALG && label != COSE_HDR_KID &&
		    label != COSE_HDR_TYP) ||
		    (label == COSE_HDR_ALG && have_alg) ||
		    (label == COSE_HDR_KID && have_kid) ||
		    (label == COSE_HDR_TYP && have_typ)) {
			m->err = COSE_E_MALFORMED;
			errf(err, errlen, "protected header: "
			    "unexpected or repeated label");
			goto out;
		}
		if (label == COSE_HDR_ALG) {
			have_alg = 1;
			if (cborx_get_int(pairs[i].value, &alg) == -1)
				alg = 0;
		} else if (label == COSE_HDR_TYP) {
			have_typ = cborx_get_text(pairs[i].value, m->typ,
			    COSE_TYP_MAX) == 0 ? 1 : 2;
		} else if (!cborx_is_bstr(pairs[i].value) ||
		    cbor_bytestring_length(pairs[i].value) != SIGN_KID_LEN)
			have_kid = 2;	/* present but unusable */
		else {
			have_kid = 1;
			memcpy(m->kid, cbor_bytestring_handle(pairs[i].value),
			    SIGN_KID_LEN);
		}
	}
	if (!have_alg || alg != COSE_ALG_EDDSA) {
		m->err = COSE_E_ALG;
		errf(err, errlen, "alg %s, expected -8 (EdDSA)",
		    have_alg ? "not -8" : "missing");
	} else if (have_kid != 1) {
		m->err = COSE_E_MALFORMED;
		errf(err, errlen, "kid %s", have_kid ?
		    "is not 8 bytes" : "missing from protected header");
	} else if (have_typ == 2) {
		m->err = COSE_E_MALFORMED;
		errf(err, errlen, "typ is not a short text");
	} else
		rc = 0;
out:
	if (map != NULL)
		cbor_decref(&map);
	return rc;
}

int
cose_sign1_parse(const uint8_t *buf, size_t len, size_t max,
    const char *want_typ, struct cose_sign1 *m, char *err, size_t errlen)
{
	const uint8_t	*sig;
	size_t		 pos = 0, siglen;
	uint64_t	 arg;
	int		 major;

	memset(m, 0, sizeof(*m));
	if (len > max) {
		m->err = COSE_E_TOO_LONG;
		errf(err, errlen, "%zu bytes, at most %zu", len, max);
		return -1;
	}
	m->err = COSE_E_MALFORMED;
	/* Tag 18 in its one-byte head, then an array of 4. */
	if (len < 1 || buf[0] != 0xc0 + COSE_TAG_SIGN1) {
		errf(err, errlen, "not tagged 18 (COSE_Sign1)");
		return -1;
	}
	pos = 1;
	if (cborx_scan(buf + 1, len - 1) == -1) {
		errf(err, errlen, "not well-formed definite-length CBOR");
		return -1;
	}
	if (cose_head(buf, len, &pos, &major, &arg) == -1 || major != 4 ||
	    arg != 4) {
		errf(err, errlen, "not an array of 4");
		return -1;
	}
	if (cose_bstr(buf, len, &pos, &m->prot, &m->prot_len) == -1 ||
	    pos >= len || buf[pos++] != 0xa0 ||
	    cose_bstr(buf, len, &pos, &m->payload, &m->payload_len) == -1 ||
	    cose_bstr(buf, len, &pos, &sig, &siglen) == -1 ||
	    siglen != SIGN_SIG_LEN || pos != len) {
		errf(err, errlen, "expected [bstr, {}, bstr, bstr .size 64]");
		return -1;
	}
	m->sig = sig;
	if (cose_headers(m, err, errlen) == -1)
		return -1;
	if (want_typ == NULL ? m->typ[0] != '\0' :
	    strcmp(m->typ, want_typ) != 0) {
		m->err = COSE_E_TYP;
		errf(err, errlen, "typ \"%s\", expected \"%s\"", m->typ,
		    want_typ != NULL ? want_typ : "");
		return -1;
	}
	m->err = COSE_E_NONE;
	return 0;
}

int
cose_sign1_check(const struct cose_sign1 *m, const struct sign_key *key)
{
	uint8_t	*tbs;
	size_t	 tlen;
	int	 good;

	if (key == NULL || memcmp(sign_key_kid(key), m->kid,
	    SIGN_KID_LEN) != 0)
		return -1;
	if (cose_sign1_tbs(m->prot, m->prot_len, m->payload, m->payload_len,
	    &tbs, &tlen) == -1)
		return -2;
	good = sign_verify(key, tbs, tlen, m->sig);
	free(tbs);
	return good;
}
