/* skkd — SPDX-License-Identifier: ISC */
/*
 * Ed25519 keys, signatures and key identifiers, through OpenSSL's EVP API.
 * The only proto file that calls OpenSSL's signing functions.
 */
#ifndef PROTO_SIGN_H
#define PROTO_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define SIGN_PUB_LEN	32
#define SIGN_SEED_LEN	32
#define SIGN_SIG_LEN	64
#define SIGN_KID_LEN	8

struct sign_key;	/* opaque: an EVP_PKEY with cached raw public key + kid */

struct sign_key	*sign_key_generate(void);
/* From a raw 32-byte private seed (RFC 8032 test vectors). */
struct sign_key	*sign_key_from_seed(const uint8_t seed[SIGN_SEED_LEN]);
/* From a raw 32-byte public key: can verify only. */
struct sign_key	*sign_key_from_public(const uint8_t pub[SIGN_PUB_LEN]);
void		 sign_key_free(struct sign_key *);	/* NULL is a no-op */

/*
 * PEM text in memory (the files are the programs' business: keyfile.c).
 * from_pem reads a private (PKCS#8) or public key from len bytes; name
 * (a path) prefixes its messages: "'NAME': not a PEM private key".
 * to_pem gives a malloc'd PEM text and its length, NULL when out of
 * memory or asked for the private half of a public key; free it with
 * sign_pem_free, which wipes it first.
 */
struct sign_key	*sign_key_from_pem(const char *pem, size_t len, int private,
		    const char *name, char *err, size_t errlen);
char		*sign_key_to_pem(const struct sign_key *, int private,
		    size_t *len);
void		 sign_pem_free(char *pem, size_t len);

int		 sign_key_is_private(const struct sign_key *);
/* Pointers into the key; valid as long as the key. */
const uint8_t	*sign_key_public(const struct sign_key *);	/* 32 bytes */
const uint8_t	*sign_key_kid(const struct sign_key *);		/* 8 bytes */

/* kid = first 8 bytes of SHA-256 of the raw public key. */
void		 sign_kid(const uint8_t pub[SIGN_PUB_LEN],
		    uint8_t kid[SIGN_KID_LEN]);

int		 sign_data(const struct sign_key *, const uint8_t *msg,
		    size_t len, uint8_t sig[SIGN_SIG_LEN]);
/*
 * 0 if the signature is good, -1 if it is not, -2 if it could not be
 * checked (out of memory, library failure): then nobody knows.
 */
int		 sign_verify(const struct sign_key *, const uint8_t *msg,
		    size_t len, const uint8_t sig[SIGN_SIG_LEN]);

/* HMAC-SHA256 (the NIK index) and SHA-256 (pins); 0 or -1. */
int		 sign_hmac_sha256(const uint8_t *key, size_t keylen,
		    const uint8_t *msg, size_t len, uint8_t out[32]);
int		 sign_sha256(const uint8_t *msg, size_t len, uint8_t out[32]);

/*
 * SHA-256(prefix || a || b), the shape of RFC 9162 leaf and node hashes;
 * either part may be empty (length 0). 0 or -1.
 */
int		 sign_sha256_prefixed(uint8_t prefix, const uint8_t *a,
		    size_t alen, const uint8_t *b, size_t blen, uint8_t out[32]);

/*
 * A keyring: the public keys a verifier trusts, each with the window
 * (unix seconds, 0 = open) in which it may have signed.
 */
#define KEYRING_MAX	32
struct keyring_entry {
	struct sign_key	*key;
	int64_t		 valid_from;
	int64_t		 valid_to;
	int64_t		 compromised_at;	/* 0: never */
};
struct keyring {
	size_t			n;
	struct keyring_entry	k[KEYRING_MAX];
};

void		 keyring_init(struct keyring *);
/* Takes ownership of key, even on failure. 0, or -1 when full (or NULL). */
int		 keyring_add(struct keyring *, struct sign_key *key,
		    int64_t valid_from, int64_t valid_to);
const struct keyring_entry *keyring_find(const struct keyring *,
		    const uint8_t kid[SIGN_KID_LEN]);
void		 keyring_release(struct keyring *);

#endif
