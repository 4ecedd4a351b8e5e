/* skkd — SPDX-License-Identifier: ISC */
/*
 * Ed25519 against RFC 8032 §7.1, key ids, PEM text,
 * SHA-256 and HMAC-SHA256 known answers, the keyring.
 */

#include <sys/stat.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hex.h"
#include "sign.h"

struct rfc8032_vector {
	const char	*seed;
	const char	*pub;
	const char	*msg;
	const char	*sig;
};

/* RFC 8032 §7.1, TEST 1, TEST 2 and TEST 3. */
static const struct rfc8032_vector rfc8032[] = {
	{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	  "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	  "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	  "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

static size_t
unhex(const char *hex, uint8_t *out, size_t max)
{
	ssize_t	n = hex_decode(hex, strlen(hex), out, max);

	assert_true(n >= 0);
	return (size_t)n;
}

static struct sign_key *
key_from_hex(const char *seedhex)
{
	uint8_t		 seed[SIGN_SEED_LEN];
	struct sign_key	*k;

	assert_int_equal(unhex(seedhex, seed, sizeof(seed)), SIGN_SEED_LEN);
	k = sign_key_from_seed(seed);
	assert_non_null(k);
	return k;
}

static void
test_rfc8032(void **state)
{
	const struct rfc8032_vector	*v;
	struct sign_key			*k, *pk;
	uint8_t				 pub[32], msg[8], want[64], sig[64];
	size_t				 i, mlen;

	for (i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		v = &rfc8032[i];
		k = key_from_hex(v->seed);
		unhex(v->pub, pub, sizeof(pub));
		mlen = unhex(v->msg, msg, sizeof(msg));
		unhex(v->sig, want, sizeof(want));
		assert_true(sign_key_is_private(k));
		assert_memory_equal(sign_key_public(k), pub, 32);
		assert_int_equal(sign_data(k, msg, mlen, sig), 0);
		assert_memory_equal(sig, want, 64);
		assert_int_equal(sign_verify(k, msg, mlen, sig), 0);
		/* A verify-only key built from the raw public key agrees. */
		pk = sign_key_from_public(pub);
		assert_non_null(pk);
		assert_false(sign_key_is_private(pk));
		assert_int_equal(sign_verify(pk, msg, mlen, want), 0);
		assert_memory_equal(sign_key_kid(pk), sign_key_kid(k), 8);
		sign_key_free(pk);
		sign_key_free(k);
	}
}

static void
test_tamper(void **state)
{
	struct sign_key	*k = key_from_hex(rfc8032[2].seed);
	uint8_t		 msg[2] = { 0xaf, 0x82 }, sig[64];
	size_t		 i;

	assert_int_equal(sign_data(k, msg, 2, sig), 0);
	msg[1] ^= 0x01;
	assert_int_equal(sign_verify(k, msg, 2, sig), -1);
	msg[1] ^= 0x01;
	for (i = 0; i < sizeof(sig); i++) {
		sig[i] ^= 0x80;
		assert_int_equal(sign_verify(k, msg, 2, sig), -1);
		sig[i] ^= 0x80;
	}
	assert_int_equal(sign_verify(k, msg, 2, sig), 0);
	/* Another key's signature does not verify. */
	sign_key_free(k);
	k = key_from_hex(rfc8032[0].seed);
	assert_int_equal(sign_verify(k, msg, 2, sig), -1);
	sign_key_free(k);
}

/* SHA-256 of RFC 8032 TEST 1's public key starts 21fe31dfa154a261. */
static void
test_kid(void **state)
{
	static const uint8_t	want[8] = {
		0x21, 0xfe, 0x31, 0xdf, 0xa1, 0x54, 0xa2, 0x61 };
	struct sign_key		*k = key_from_hex(rfc8032[0].seed);
	uint8_t			 pub[32], kid[8];

	assert_memory_equal(sign_key_kid(k), want, 8);
	unhex(rfc8032[0].pub, pub, sizeof(pub));
	sign_kid(pub, kid);
	assert_memory_equal(kid, want, 8);
	sign_key_free(k);
}

static void
test_sha256_hmac(void **state)
{
	uint8_t		out[32], want[32];
	const char	*data = "what do ya want for nothing?";

	/* FIPS 180-2 "abc". */
	unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    want, sizeof(want));
	assert_int_equal(sign_sha256((const uint8_t *)"abc", 3, out), 0);
	assert_memory_equal(out, want, 32);
	/* RFC 4231 test case 2. */
	unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	    want, sizeof(want));
	assert_int_equal(sign_hmac_sha256((const uint8_t *)"Jefe", 4,
	    (const uint8_t *)data, strlen(data), out), 0);
	assert_memory_equal(out, want, 32);
	/* RFC 4231 test case 1: key 20 x 0x0b, "Hi There". */
	{
		uint8_t	key[20];

		memset(key, 0x0b, sizeof(key));
		unhex("b0344c61d8db38535ca8afceaf0bf12b"
		    "881dc200c9833da726e9376c2e32cff7", want, sizeof(want));
		assert_int_equal(sign_hmac_sha256(key, sizeof(key),
		    (const uint8_t *)"Hi There", 8, out), 0);
		assert_memory_equal(out, want, 32);
	}
}

/* PEM text both ways, and the key a verifier may not save as private. */
static void
test_pem_memory(void **state)
{
	struct sign_key	*k, *k2, *pk;
	char		*pem, err[256];
	size_t		 len;

	k = key_from_hex(rfc8032[0].seed);
	assert_non_null(pem = sign_key_to_pem(k, 1, &len));
	assert_non_null(strstr(pem, "-----BEGIN PRIVATE KEY-----"));
	assert_non_null(k2 = sign_key_from_pem(pem, len, 1, "k", err,
	    sizeof(err)));
	assert_true(sign_key_is_private(k2));
	assert_memory_equal(sign_key_kid(k2), sign_key_kid(k), SIGN_KID_LEN);
	/* Each kind of PEM is read as that kind only. */
	assert_null(sign_key_from_pem(pem, len, 0, "k", err, sizeof(err)));
	sign_pem_free(pem, len);
	assert_non_null(pem = sign_key_to_pem(k, 0, &len));
	assert_null(sign_key_from_pem(pem, len, 1, "pub", err, sizeof(err)));
	assert_string_equal(err, "'pub': not a PEM private key");
	assert_non_null(pk = sign_key_from_pem(pem, len, 0, "pub", err,
	    sizeof(err)));
	assert_false(sign_key_is_private(pk));
	assert_memory_equal(sign_key_public(pk), sign_key_public(k),
	    SIGN_PUB_LEN);
	assert_null(sign_key_to_pem(pk, 1, &len));
	sign_pem_free(pem, len);
	assert_null(sign_key_from_pem("junk", 4, 0, "j", err, sizeof(err)));
	assert_string_equal(err, "'j': not a PEM public key");
	sign_key_free(pk);
	sign_key_free(k2);
	sign_key_free(k);
}

static void
test_keyring(void **state)
{
	struct keyring			 kr;
	const struct keyring_entry	*e;
	uint8_t				 nokid[8] = { 0 };
	size_t				 i;

	keyring_init(&kr);
	assert_int_equal(kr.n, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(keyring_add(&kr, key_from_hex(rfc8032[i].seed),
		    (int64_t)i * 100, 0), 0);
	assert_int_equal(kr.n, 3);
	for (i = 0; i < 3; i++) {
		struct sign_key	*k = key_from_hex(rfc8032[i].seed);

		e = keyring_find(&kr, sign_key_kid(k));
		assert_non_null(e);
		assert_memory_equal(sign_key_kid(e->key), sign_key_kid(k), 8);
		assert_int_equal(e->valid_from, (int64_t)i * 100);
		assert_int_equal(e->compromised_at, 0);
		sign_key_free(k);
	}
	assert_null(keyring_find(&kr, nokid));
	/* Full: the key is refused (and freed, as ownership passed). */
	while (kr.n < KEYRING_MAX)
		assert_int_equal(keyring_add(&kr, sign_key_generate(), 0, 0), 0);
	assert_int_equal(keyring_add(&kr, sign_key_generate(), 0, 0), -1);
	assert_int_equal(keyring_add(&kr, NULL, 0, 0), -1);
	keyring_release(&kr);
	assert_int_equal(kr.n, 0);
	sign_key_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_kid),
		cmocka_unit_test(test_sha256_hmac),
		cmocka_unit_test(test_pem_memory),
		cmocka_unit_test(test_keyring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
