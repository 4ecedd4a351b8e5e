/* skkd — SPDX-License-Identifier: ISC */
/*
 * The issuer descriptor (issuer.h, PROTOCOL.md §6): its CWT claims
 * encoded deterministically, and a total decoder that checks every field
 * a verifier will rely on before handing it over.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cborx.h"
#include "cert.h"
#include "cose.h"
#include "errf.h"
#include "hex.h"
#include "issuer.h"

#define CWT_EXP		4
#define CWT_IAT		6

static int	issuer_check(const struct issuer_desc *, char *, size_t);
static int	issuer_check_key(const struct issuer_key *, size_t, char *,
		    size_t);
static cbor_item_t *issuer_encode_key(const struct issuer_key *);
static cbor_item_t *issuer_encode_desc(const struct issuer_desc *);
static int	issuer_decode(const uint8_t *, size_t, struct issuer_desc *,
		    char *, size_t);
static int	issuer_decode_desc(const cbor_item_t *, struct issuer_desc *,
		    char *, size_t);
static int	issuer_decode_keys(const cbor_item_t *, struct issuer_desc *,
		    char *, size_t);
static int	issuer_decode_key(const cbor_item_t *, size_t,
		    struct issuer_key *, char *, size_t);
static int	issuer_bytes(const cbor_item_t *, uint8_t *, size_t);
static int	issuer_log_key(const char *, const uint8_t *, struct note_key *,
		    char *, size_t);

int
issuer_cbor_text(const struct cbor_item_t *map, const char *key, char *out,
    size_t max, char *err, size_t errlen)
{
	if (cborx_get_text(cborx_map_str(map, key), out, max) == -1)
		return errf(err, errlen, "%s: missing, repeated, not a text "
		    "or longer than %zu bytes", key, max);
	return cert_check_text(key, out, max, err, errlen);
}

int
issuer_cbor_time(const struct cbor_item_t *it, const char *what,
    int64_t *out, char *err, size_t errlen)
{
	if (cborx_get_int(it, out) == -1 || *out < 0)
		return errf(err, errlen, "%s: missing, repeated or not a "
		    "time (unix seconds, 0 or more)", what);
	return 0;
}

int
issuer_sig_fail(int rc, char *err, size_t errlen)
{
	if (rc == -2) {
		errf(err, errlen, "signature: cannot be checked now");
		return -2;
	}
	return errf(err, errlen, "signature: not valid");
}

/* A host[:port]: printable ASCII with nothing that would make a URL. */
int
issuer_host_check(const char *host, size_t len, char *err, size_t errlen)
{
	size_t	i;

	if (len == 0)
		return errf(err, errlen, "host: empty");
	if (len > ISSUER_HOST_MAX)
		return errf(err, errlen, "host: longer than %d bytes",
		    ISSUER_HOST_MAX);
	for (i = 0; i < len; i++)
		if (host[i] <= 0x20 || host[i] >= 0x7f ||
		    strchr("/?#@\\\"'<>%", host[i]) != NULL)
			return errf(err, errlen, "host: bad character at "
			    "byte %zu", i);
	return 0;
}

static int
issuer_check_key(const struct issuer_key *k, size_t i, char *err,
    size_t errlen)
{
	uint8_t	kid[SIGN_KID_LEN];

	sign_kid(k->pub, kid);
	if (memcmp(kid, k->kid, SIGN_KID_LEN) != 0)
		return errf(err, errlen, "keys[%zu]: kid is not the one of "
		    "its public key", i);
	if (k->from < 0 || k->to < 0 || k->compromised < 0)
		return errf(err, errlen, "keys[%zu]: negative time", i);
	if (k->to != 0 && k->to < k->from)
		return errf(err, errlen, "keys[%zu]: window ends before it "
		    "starts", i);
	return 0;
}

/* Everything but the signature and the log key's identity. */
static int
issuer_check(const struct issuer_desc *d, char *err, size_t errlen)
{
	struct note_key	 nk;
	size_t		 i, j, n;

	if (cert_check_text("name", d->name, ISSUER_NAME_MAX, err,
	    errlen) == -1 || cert_check_text("licence", d->licence,
	    ISSUER_LICENCE_MAX, err, errlen) == -1 ||
	    issuer_host_check(d->host, strnlen(d->host, ISSUER_HOST_MAX + 1),
	    err, errlen) == -1)
		return -1;
	n = strnlen(d->status, ISSUER_URL_MAX + 1);
	if (n > ISSUER_URL_MAX || strncmp(d->status, "https://", 8) != 0 ||
	    n == 8 || d->status[n - 1] != '/' ||
	    cert_check_text("status", d->status, ISSUER_URL_MAX, err,
	    errlen) == -1)
		return errf(err, errlen, "status: not an https:// URL prefix "
		    "ending in '/'");
	if (note_vkey_parse(d->log_key, &nk, err, errlen) == -1)
		return -1;
	note_key_release(&nk);
	if (d->iat < 0 || d->exp < d->iat)
		return errf(err, errlen, "exp: before iat");
	if (d->nkeys > KEYRING_MAX)
		return errf(err, errlen, "keys: more than %d", KEYRING_MAX);
	for (i = 0; i < d->nkeys; i++) {
		if (issuer_check_key(&d->keys[i], i, err, errlen) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (memcmp(d->keys[j].kid, d->keys[i].kid,
			    SIGN_KID_LEN) == 0)
				return errf(err, errlen, "keys[%zu]: the same "
				    "key as keys[%zu]", i, j);
	}
	return 0;
}

/* Map keys in the order of their encoded bytes (cborx.h). */
static cbor_item_t *
issuer_encode_key(const struct issuer_key *k)
{
	cbor_item_t	*m;

	if ((m = cbor_new_definite_map(5)) == NULL)
		return NULL;
	if (cborx_map_put_str(m, "to", cborx_int(k->to)) == -1 ||
	    cborx_map_put_str(m, "kid", cbor_build_bytestring(k->kid,
	    SIGN_KID_LEN)) == -1 ||
	    cborx_map_put_str(m, "pub", cbor_build_bytestring(k->pub,
	    SIGN_PUB_LEN)) == -1 ||
	    cborx_map_put_str(m, "from", cborx_int(k->from)) == -1 ||
	    cborx_map_put_str(m, "compromised", cborx_int(k->compromised)) ==
	    -1)
		cbor_decref(&m);
	return m;
}

static cbor_item_t *
issuer_encode_desc(const struct issuer_desc *d)
{
	cbor_item_t	*m, *keys;
	size_t		 i;

	if ((keys = cbor_new_definite_array(d->nkeys)) == NULL)
		return NULL;
	for (i = 0; i < d->nkeys; i++)
		if (cborx_array_put(keys, issuer_encode_key(&d->keys[i])) ==
		    -1) {
			cbor_decref(&keys);
			return NULL;
		}
	if ((m = cbor_new_definite_map(6)) == NULL) {
		cbor_decref(&keys);
		return NULL;
	}
	if (cborx_map_put_str(m, "host", cbor_build_string(d->host)) == -1 ||
	    cborx_map_put_str(m, "keys", keys) == -1 ||
	    cborx_map_put_str(m, "name", cbor_build_string(d->name)) == -1 ||
	    cborx_map_put_str(m, "status", cbor_build_string(d->status)) ==
	    -1 ||
	    cborx_map_put_str(m, "licence", cbor_build_string(d->licence)) ==
	    -1 ||
	    cborx_map_put_str(m, "log_key", cbor_build_string(d->log_key)) ==
	    -1)
		cbor_decref(&m);
	return m;
}

int
issuer_desc_make(const struct sign_key *logkey, const struct issuer_desc *d,
    uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	struct note_key	 nk;
	cbor_item_t	*claims;
	uint8_t		*payload;
	size_t		 plen;
	int		 same, ok;

	*out = NULL;
	*outlen = 0;
	if (issuer_check(d, err, errlen) == -1)
		return -1;
	if (note_vkey_parse(d->log_key, &nk, err, errlen) == -1)
		return -1;
	same = memcmp(sign_key_public(nk.key), sign_key_public(logkey),
	    SIGN_PUB_LEN) == 0;
	note_key_release(&nk);
	if (!same)
		return errf(err, errlen, "log_key: not the signing key");
	if ((claims = cbor_new_definite_map(3)) == NULL)
		return errf(err, errlen, "out of memory");
	ok = cborx_map_put(claims, cborx_int(CWT_EXP), cborx_int(d->exp)) ==
	    0 && cborx_map_put(claims, cborx_int(CWT_IAT),
	    cborx_int(d->iat)) == 0 &&
	    cborx_map_put(claims, cborx_int(ISSUER_CLAIM),
	    issuer_encode_desc(d)) == 0;
	if (cborx_serialize(claims, ok, &payload, &plen) == -1)
		return errf(err, errlen, "out of memory");
	ok = cose_sign1_make(logkey, COSE_TYP_ISSUER, payload, plen, out,
	    outlen);
	free(payload);
	if (ok == -1)
		return errf(err, errlen, "cannot sign the descriptor");
	return 0;
}

/* A definite byte string of exactly len bytes into out; 0 or -1. */
static int
issuer_bytes(const cbor_item_t *it, uint8_t *out, size_t len)
{
	if (!cborx_is_bstr(it) || cbor_bytestring_length(it) != len)
		return -1;
	memcpy(out, cbor_bytestring_handle(it), len);
	return 0;
}

static int
issuer_decode_key(const cbor_item_t *m, size_t i, struct issuer_key *k,
    char *err, size_t errlen)
{
	char	what[48];

	if (!cbor_isa_map(m))
		return errf(err, errlen, "keys[%zu]: not a map", i);
	if (issuer_bytes(cborx_map_str(m, "kid"), k->kid, SIGN_KID_LEN) == -1)
		return errf(err, errlen, "keys[%zu]: kid: not %d bytes", i,
		    SIGN_KID_LEN);
	if (issuer_bytes(cborx_map_str(m, "pub"), k->pub, SIGN_PUB_LEN) == -1)
		return errf(err, errlen, "keys[%zu]: pub: not %d bytes", i,
		    SIGN_PUB_LEN);
	snprintf(what, sizeof(what), "keys[%zu]: from", i);
	if (issuer_cbor_time(cborx_map_str(m, "from"), what, &k->from, err,
	    errlen) == -1)
		return -1;
	snprintf(what, sizeof(what), "keys[%zu]: to", i);
	if (issuer_cbor_time(cborx_map_str(m, "to"), what, &k->to, err,
	    errlen) == -1)
		return -1;
	snprintf(what, sizeof(what), "keys[%zu]: compromised", i);
	return issuer_cbor_time(cborx_map_str(m, "compromised"), what,
	    &k->compromised, err, errlen);
}

static int
issuer_decode_keys(const cbor_item_t *a, struct issuer_desc *d, char *err,
    size_t errlen)
{
	cbor_item_t	**v;
	size_t		  i;

	if (a == NULL || !cbor_isa_array(a) || !cbor_array_is_definite(a))
		return errf(err, errlen, "keys: missing, repeated or not an "
		    "array");
	if (cbor_array_size(a) > KEYRING_MAX)
		return errf(err, errlen, "keys: more than %d", KEYRING_MAX);
	d->nkeys = cbor_array_size(a);
	v = cbor_array_handle(a);
	for (i = 0; i < d->nkeys; i++)
		if (issuer_decode_key(v[i], i, &d->keys[i], err, errlen) == -1)
			return -1;
	return 0;
}

static int
issuer_decode_desc(const cbor_item_t *m, struct issuer_desc *d, char *err,
    size_t errlen)
{
	if (m == NULL || !cbor_isa_map(m))
		return errf(err, errlen, "claim %d: missing, repeated or not "
		    "a map", ISSUER_CLAIM);
	if (issuer_cbor_text(m, "name", d->name, ISSUER_NAME_MAX, err,
	    errlen) == -1 ||
	    issuer_cbor_text(m, "licence", d->licence, ISSUER_LICENCE_MAX,
	    err, errlen) == -1 ||
	    issuer_cbor_text(m, "host", d->host, ISSUER_HOST_MAX, err,
	    errlen) == -1 ||
	    issuer_cbor_text(m, "log_key", d->log_key, NOTE_KEY_MAX, err,
	    errlen) == -1 ||
	    issuer_cbor_text(m, "status", d->status, ISSUER_URL_MAX, err,
	    errlen) == -1)
		return -1;
	return issuer_decode_keys(cborx_map_str(m, "keys"), d, err, errlen);
}

/* The payload's claims into d, checked but for the signature. */
static int
issuer_decode(const uint8_t *payload, size_t len, struct issuer_desc *d,
    char *err, size_t errlen)
{
	cbor_item_t	*claims;
	int		 rc;

	if ((claims = cborx_load(payload, len)) == NULL)
		return errf(err, errlen, "payload: not one well-formed CBOR "
		    "item");
	if (!cbor_isa_map(claims))
		rc = errf(err, errlen, "payload: not a map of claims");
	else if (issuer_cbor_time(cborx_map_int(claims, CWT_IAT), "iat",
	    &d->iat, err, errlen) == -1 ||
	    issuer_cbor_time(cborx_map_int(claims, CWT_EXP), "exp", &d->exp,
	    err, errlen) == -1)
		rc = -1;
	else
		rc = issuer_decode_desc(cborx_map_int(claims, ISSUER_CLAIM), d,
		    err, errlen);
	cbor_decref(&claims);
	if (rc == -1)
		return -1;
	return issuer_check(d, err, errlen);
}

/* The descriptor's log key, which must have the message's kid. */
static int
issuer_log_key(const char *vkey, const uint8_t *kid, struct note_key *nk,
    char *err, size_t errlen)
{
	if (note_vkey_parse(vkey, nk, err, errlen) == -1)
		return -1;
	if (memcmp(sign_key_kid(nk->key), kid, SIGN_KID_LEN) != 0) {
		note_key_release(nk);
		return errf(err, errlen, "log_key: not the key that signed "
		    "the descriptor (kid differs)");
	}
	return 0;
}

int
issuer_desc_open(const uint8_t *buf, size_t len,
    const struct sign_key *logkey, struct issuer_desc *d, char *err,
    size_t errlen)
{
	struct cose_sign1	 m;
	struct note_key		 nk;
	int			 rc;

	memset(d, 0, sizeof(*d));
	if (cose_sign1_parse(buf, len, ISSUER_SIZE_MAX, COSE_TYP_ISSUER, &m,
	    err, errlen) == -1)
		return -1;
	/* A known key first: a tampered byte is then a bad signature. */
	if (logkey != NULL) {
		if (memcmp(m.kid, sign_key_kid(logkey), SIGN_KID_LEN) != 0)
			return errf(err, errlen, "signature: by another key "
			    "than the issuer's log key");
		if ((rc = cose_sign1_check(&m, logkey)) != 0)
			return issuer_sig_fail(rc, err, errlen);
	}
	if (issuer_decode(m.payload, m.payload_len, d, err, errlen) == -1)
		return -1;
	if (issuer_log_key(d->log_key, m.kid, &nk, err, errlen) == -1)
		return -1;
	if (logkey == NULL)
		rc = cose_sign1_check(&m, nk.key);
	else if (memcmp(sign_key_public(nk.key), sign_key_public(logkey),
	    SIGN_PUB_LEN) != 0)
		rc = -1;
	else
		rc = 0;
	note_key_release(&nk);
	return rc == 0 ? 0 : issuer_sig_fail(rc, err, errlen);
}

int
issuer_keyring(const struct issuer_desc *d, struct keyring *kr, char *err,
    size_t errlen)
{
	struct sign_key	*k;
	size_t		 i;

	keyring_init(kr);
	for (i = 0; i < d->nkeys; i++) {
		if ((k = sign_key_from_public(d->keys[i].pub)) == NULL ||
		    keyring_add(kr, k, d->keys[i].from, d->keys[i].to) == -1) {
			keyring_release(kr);
			return errf(err, errlen, "keys[%zu]: cannot be used",
			    i);
		}
		kr->k[kr->n - 1].compromised_at = d->keys[i].compromised;
	}
	return 0;
}

int
issuer_fingerprint(const char *log_key, char out[ISSUER_FPR_LEN + 1])
{
	struct note_key	nk;
	uint8_t		h[32];
	int		rc;

	if (note_vkey_parse(log_key, &nk, NULL, 0) == -1)
		return -1;
	rc = sign_sha256(sign_key_public(nk.key), SIGN_PUB_LEN, h);
	note_key_release(&nk);
	if (rc == -1)
		return -1;
	memcpy(out, "sha256:", 7);
	hex_encode(h, sizeof(h), out + 7);
	return 0;
}
