/* skkd — SPDX-License-Identifier: ISC */
/*
 * Issuer descriptors (PROTOCOL.md §6): a round trip with and without the
 * log key, the keyring they give, and every refusal: a changed byte,
 * another key, another kind of document, a key whose kid is not its own,
 * bad fields on both sides, and hostile bytes.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cose.h"
#include "issuer.h"
#include "note.h"
#include "sign.h"

#define HOST	"lsp.example:7443"
#define ORIGIN	HOST "/log"

static struct sign_key *
key(uint8_t b)
{
	uint8_t	seed[SIGN_SEED_LEN];

	memset(seed, b, sizeof(seed));
	return sign_key_from_seed(seed);
}

/* The vkey of seed b's key under ORIGIN. */
static void
vkey(uint8_t b, char out[NOTE_KEY_MAX + 1])
{
	struct note_key	nk;

	assert_int_equal(note_key_init(&nk, ORIGIN, key(b), NULL, 0), 0);
	assert_int_equal(note_vkey_format(&nk, out, NOTE_KEY_MAX + 1), 0);
	note_key_release(&nk);
}

static void
qrkey(struct issuer_key *k, uint8_t b, int64_t from, int64_t to,
    int64_t compromised)
{
	struct sign_key	*s = key(b);

	memcpy(k->pub, sign_key_public(s), SIGN_PUB_LEN);
	sign_kid(k->pub, k->kid);
	k->from = from;
	k->to = to;
	k->compromised = compromised;
	sign_key_free(s);
}

static void
desc(struct issuer_desc *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "LSP Alat Berat Nusantara");
	snprintf(d->licence, sizeof(d->licence), "BNSP-LSP-1234-ID");
	snprintf(d->host, sizeof(d->host), HOST);
	snprintf(d->status, sizeof(d->status), "https://" HOST "/status/");
	vkey(1, d->log_key);
	d->iat = 1796000000;
	d->exp = d->iat + 7 * 86400;
	d->nkeys = 2;
	qrkey(&d->keys[0], 10, 1700000000, 1790000000, 1789000000);
	qrkey(&d->keys[1], 11, 1790000000, 0, 0);
}

static void
make(const struct issuer_desc *d, uint8_t **out, size_t *len)
{
	struct sign_key	*lk = key(1);
	char		 err[256] = "";

	assert_int_equal(issuer_desc_make(lk, d, out, len, err, sizeof(err)),
	    0);
	sign_key_free(lk);
}

/* The payload of a signed document, copied. */
static uint8_t *
payload_of(const uint8_t *buf, size_t len, size_t *plen)
{
	struct cose_sign1	 m;
	uint8_t			*p;

	assert_int_equal(cose_sign1_parse(buf, len, ISSUER_SIZE_MAX,
	    COSE_TYP_ISSUER, &m, NULL, 0), 0);
	p = malloc(m.payload_len);
	memcpy(p, m.payload, m.payload_len);
	*plen = m.payload_len;
	return p;
}

/* Opens buf (with the log key when withkey); err gets the reason. */
static int
open_with(const uint8_t *buf, size_t len, int withkey, char *err,
    size_t errlen)
{
	struct issuer_desc	 d;
	struct sign_key		*lk = withkey ? key(1) : NULL;
	int			 rc;

	rc = issuer_desc_open(buf, len, lk, &d, err, errlen);
	sign_key_free(lk);
	return rc;
}

static void
test_round_trip(void **state)
{
	struct issuer_desc	 d, o;
	struct sign_key		*lk = key(1);
	uint8_t			*buf;
	size_t			 len;
	char			 err[256] = "";

	(void)state;
	desc(&d);
	make(&d, &buf, &len);
	assert_true(len < 1024);
	assert_int_equal(issuer_desc_open(buf, len, lk, &o, err, sizeof(err)),
	    0);
	assert_memory_equal(&d, &o, sizeof(d));
	memset(&o, 0, sizeof(o));
	assert_int_equal(issuer_desc_open(buf, len, NULL, &o, err,
	    sizeof(err)), 0);
	assert_memory_equal(&d, &o, sizeof(d));
	/* Deterministic: the same descriptor, the same bytes. */
	{
		uint8_t	*again;
		size_t	 alen;

		make(&d, &again, &alen);
		assert_int_equal(alen, len);
		assert_memory_equal(again, buf, len);
		free(again);
	}
	free(buf);
	sign_key_free(lk);
}

static void
test_no_keys_no_licence(void **state)
{
	struct issuer_desc	d, o;
	uint8_t			*buf;
	size_t			 len;
	char			 err[256] = "";

	(void)state;
	desc(&d);
	d.nkeys = 0;
	d.licence[0] = '\0';
	make(&d, &buf, &len);
	assert_int_equal(issuer_desc_open(buf, len, NULL, &o, err,
	    sizeof(err)), 0);
	assert_int_equal(o.nkeys, 0);
	assert_string_equal(o.licence, "");
	free(buf);
}

static void
test_keyring(void **state)
{
	struct issuer_desc		 d;
	struct keyring			 kr;
	const struct keyring_entry	*e;
	char				 err[256] = "";

	(void)state;
	desc(&d);
	assert_int_equal(issuer_keyring(&d, &kr, err, sizeof(err)), 0);
	assert_int_equal(kr.n, 2);
	assert_non_null(e = keyring_find(&kr, d.keys[0].kid));
	assert_memory_equal(sign_key_public(e->key), d.keys[0].pub,
	    SIGN_PUB_LEN);
	assert_int_equal(e->valid_from, 1700000000);
	assert_int_equal(e->valid_to, 1790000000);
	assert_int_equal(e->compromised_at, 1789000000);
	assert_non_null(e = keyring_find(&kr, d.keys[1].kid));
	assert_int_equal(e->valid_to, 0);
	assert_int_equal(e->compromised_at, 0);
	keyring_release(&kr);
}

static void
test_fingerprint(void **state)
{
	struct sign_key	*lk = key(1);
	char		 v[NOTE_KEY_MAX + 1], fpr[ISSUER_FPR_LEN + 1];
	char		 want[ISSUER_FPR_LEN + 1];
	uint8_t		 h[32];
	size_t		 i;

	(void)state;
	vkey(1, v);
	assert_int_equal(issuer_fingerprint(v, fpr), 0);
	assert_int_equal(sign_sha256(sign_key_public(lk), SIGN_PUB_LEN, h), 0);
	memcpy(want, "sha256:", 7);
	for (i = 0; i < 32; i++)
		snprintf(want + 7 + 2 * i, 3, "%02x", h[i]);
	assert_string_equal(fpr, want);
	assert_int_equal(issuer_fingerprint("nonsense", fpr), -1);
	sign_key_free(lk);
}

/* Every changed byte is refused; inside the payload, as the signature. */
static void
test_tampered(void **state)
{
	struct issuer_desc	 d;
	uint8_t			*buf, *at;
	size_t			 len, i;
	char			 err[256];

	(void)state;
	desc(&d);
	make(&d, &buf, &len);
	for (i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		assert_int_not_equal(open_with(buf, len, 1, err, sizeof(err)),
		    0);
		assert_int_not_equal(open_with(buf, len, 0, err, sizeof(err)),
		    0);
		buf[i] ^= 0x01;
	}
	at = memmem(buf, len, "Nusantara", 9);
	assert_non_null(at);
	*at = 'M';
	assert_int_equal(open_with(buf, len, 1, err, sizeof(err)), -1);
	assert_string_equal(err, "signature: not valid");
	assert_int_equal(open_with(buf, len, 0, err, sizeof(err)), -1);
	assert_string_equal(err, "signature: not valid");
	free(buf);
}

static void
test_other_key(void **state)
{
	struct issuer_desc	 d;
	struct sign_key		*other = key(2), *lk = key(1);
	uint8_t			*buf, *p, *forged;
	size_t			 len, plen, flen;
	char			 err[256] = "";

	(void)state;
	desc(&d);
	/* Making one with a key the descriptor does not name: refused. */
	assert_int_equal(issuer_desc_make(other, &d, &buf, &len, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "log_key: not the signing key");
	/* The same payload signed by another key. */
	make(&d, &buf, &len);
	p = payload_of(buf, len, &plen);
	assert_int_equal(cose_sign1_make(other, COSE_TYP_ISSUER, p, plen,
	    &forged, &flen), 0);
	assert_int_equal(open_with(forged, flen, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "another key"));
	assert_int_equal(open_with(forged, flen, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "log_key: not the key that signed"));
	free(forged);
	/* Another kind of document over the same claims. */
	assert_int_equal(cose_sign1_make(lk, COSE_TYP_TRUSTLIST, p, plen,
	    &forged, &flen), 0);
	assert_int_equal(open_with(forged, flen, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "typ"));
	free(forged);
	assert_int_equal(cose_sign1_make(lk, NULL, p, plen, &forged,
	    &flen), 0);
	assert_int_equal(open_with(forged, flen, 0, err, sizeof(err)), -1);
	free(forged);
	free(p);
	free(buf);
	sign_key_free(other);
	sign_key_free(lk);
}

/* A key entry whose kid is not sign_kid(pub), signed properly. */
static void
test_kid_mismatch(void **state)
{
	struct issuer_desc	 d;
	struct sign_key		*lk = key(1);
	uint8_t			*buf, *p, *at, *forged;
	size_t			 len, plen, flen;
	char			 err[256] = "";

	(void)state;
	desc(&d);
	make(&d, &buf, &len);
	p = payload_of(buf, len, &plen);
	at = memmem(p, plen, d.keys[1].kid, SIGN_KID_LEN);
	assert_non_null(at);
	at[0] ^= 0xff;
	assert_int_equal(cose_sign1_make(lk, COSE_TYP_ISSUER, p, plen,
	    &forged, &flen), 0);
	assert_int_equal(open_with(forged, flen, 1, err, sizeof(err)), -1);
	assert_string_equal(err, "keys[1]: kid is not the one of its public "
	    "key");
	free(forged);
	/* Refused on the making side too. */
	d.keys[0].kid[3] ^= 1;
	assert_int_equal(issuer_desc_make(lk, &d, &forged, &flen, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "keys[0]: kid is not the one of its public "
	    "key");
	free(p);
	free(buf);
	sign_key_free(lk);
}

static void
test_bad_fields(void **state)
{
	struct issuer_desc	 d;
	struct sign_key		*lk = key(1);
	uint8_t			*buf;
	size_t			 len;
	char			 err[256] = "";

	(void)state;
	desc(&d);
	d.host[0] = '\0';
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "host: empty");
	desc(&d);
	snprintf(d.host, sizeof(d.host), "evil.example/x");
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "host: bad character"));
	desc(&d);
	snprintf(d.status, sizeof(d.status), "http://" HOST "/status/");
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "status"));
	desc(&d);
	memset(d.name, 'a', sizeof(d.name));	/* not even terminated */
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "name: longer than"));
	desc(&d);
	d.name[3] = '\n';
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "name: control character"));
	desc(&d);
	d.exp = d.iat - 1;
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), -1);
	desc(&d);
	d.nkeys = KEYRING_MAX + 1;
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "keys: more than"));
	desc(&d);
	d.keys[1] = d.keys[0];
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "the same key"));
	desc(&d);
	snprintf(d.log_key, sizeof(d.log_key), "not+a+key");
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), -1);
	sign_key_free(lk);
}

/* Truncations, garbage and an oversize buffer: refused, never a crash. */
static void
test_hostile(void **state)
{
	struct issuer_desc	 d;
	uint8_t			*buf, *big;
	size_t			 len, i;
	char			 err[256];

	(void)state;
	desc(&d);
	make(&d, &buf, &len);
	for (i = 0; i < len; i++)
		assert_int_equal(open_with(buf, i, 0, err, sizeof(err)), -1);
	big = calloc(1, ISSUER_SIZE_MAX + 2);
	memcpy(big, buf, len);
	assert_int_equal(open_with(big, ISSUER_SIZE_MAX + 1, 0, err,
	    sizeof(err)), -1);
	assert_int_equal(open_with(big, len + 1, 0, err, sizeof(err)), -1);
	srandom(14);
	for (i = 0; i < 2000; i++) {
		size_t	j, n = (size_t)random() % 64;

		for (j = 0; j < n; j++)
			big[j] = (uint8_t)random();
		(void)open_with(big, n, 0, err, sizeof(err));
	}
	/* A header promising 2^32 array elements. */
	memcpy(big, "\xd2\x84\x9b\xff\xff\xff\xff\xff\xff\xff\xff", 11);
	assert_int_equal(open_with(big, 11, 0, err, sizeof(err)), -1);
	free(big);
	free(buf);
}

/* PROTOCOL.md §6.1, byte for byte. */
static const char vector_hex[] =
	    "d284582aa30127044834750f98bd59fcfc10781a6170706c69636174696f6e2f"
	    "736b6b2d6973737565722b637774a0590124a3041a6b160380061a6b0cc9003a"
	    "00010003a664686f73746b6c73702e6578616d706c65646b65797381a562746f"
	    "00636b6964486a3803d5f059902a6370756258208139770ea87d175f56a35466"
	    "c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b3946466726f6d1a6955b9006b63"
	    "6f6d70726f6d6973656400646e616d6578184c535020416c6174204265726174"
	    "204e7573616e7461726166737461747573781b68747470733a2f2f6c73702e65"
	    "78616d706c652f7374617475732f676c6963656e636570424e53502d4c53502d"
	    "313233342d4944676c6f675f6b657978456c73702e6578616d706c652f6c6f67"
	    "2b37373339316135322b4159714934393130436647562f564c624c5479365858"
	    "4c4b5a776d2f485a5153472f4e3069414730443239635840c15cf7bed089277a"
	    "3caee466b04ec188600a5629fe2003d64eab248e14d14a5ca3dc52e898fa5337"
	    "e3dc0cd2e171b04290da4bbcad41ccb57bbcead63e286203";

static void
test_vector(void **state)
{
	struct issuer_desc	 d;
	struct note_key		 nk;
	struct sign_key		*lk = key(1), *qk = key(2);
	uint8_t			*buf;
	size_t			 len, i;
	char			 err[256] = "", *hex;

	(void)state;
	memset(&d, 0, sizeof(d));
	snprintf(d.name, sizeof(d.name), "LSP Alat Berat Nusantara");
	snprintf(d.licence, sizeof(d.licence), "BNSP-LSP-1234-ID");
	snprintf(d.host, sizeof(d.host), "lsp.example");
	snprintf(d.status, sizeof(d.status), "https://lsp.example/status/");
	assert_int_equal(note_key_init(&nk, "lsp.example/log", key(1), NULL,
	    0), 0);
	assert_int_equal(note_vkey_format(&nk, d.log_key, sizeof(d.log_key)),
	    0);
	note_key_release(&nk);
	assert_string_equal(d.log_key, "lsp.example/log+77391a52+"
	    "AYqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c");
	d.iat = 1796000000;
	d.exp = d.iat + 604800;
	d.nkeys = 1;
	memcpy(d.keys[0].pub, sign_key_public(qk), SIGN_PUB_LEN);
	sign_kid(d.keys[0].pub, d.keys[0].kid);
	d.keys[0].from = 1767225600;
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), 0);
	hex = malloc(2 * len + 1);
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", buf[i]);
	assert_string_equal(hex, vector_hex);
	free(hex);
	free(buf);
	sign_key_free(lk);
	sign_key_free(qk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_no_keys_no_licence),
		cmocka_unit_test(test_keyring),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_kid_mismatch),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_vector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
