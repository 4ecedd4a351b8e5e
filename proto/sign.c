/* skkd — SPDX-License-Identifier: ISC */
/*
 * Ed25519 keys and signatures, SHA-256 and HMAC-SHA256, all through
 * OpenSSL 3's EVP interface; the one proto file that signs. A key caches
 * its raw public key and key id so that verifying a QR never asks OpenSSL
 * for them again. Keys travel as PEM text (PKCS#8 / SubjectPublicKeyInfo),
 * which `openssl pkey` reads too; the programs read and write the files.
 */

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "errf.h"
#include "sign.h"

struct sign_key {
	EVP_PKEY	*pkey;
	int		 priv;
	uint8_t		 pub[SIGN_PUB_LEN];
	uint8_t		 kid[SIGN_KID_LEN];
};

/* Wraps pkey (taken over) once it is known to be Ed25519. */
static struct sign_key *
sign_key_wrap(EVP_PKEY *pkey, int priv)
{
	struct sign_key	*k;
	size_t		 len = SIGN_PUB_LEN;

	if (pkey == NULL)
		return NULL;
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519 ||
	    (k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	if (EVP_PKEY_get_raw_public_key(pkey, k->pub, &len) != 1 ||
	    len != SIGN_PUB_LEN) {
		EVP_PKEY_free(pkey);
		free(k);
		return NULL;
	}
	k->pkey = pkey;
	k->priv = priv;
	sign_kid(k->pub, k->kid);
	return k;
}

struct sign_key *
sign_key_generate(void)
{
	return sign_key_wrap(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), 1);
}

struct sign_key *
sign_key_from_seed(const uint8_t seed[SIGN_SEED_LEN])
{
	return sign_key_wrap(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519,
	    NULL, seed, SIGN_SEED_LEN), 1);
}

struct sign_key *
sign_key_from_public(const uint8_t pub[SIGN_PUB_LEN])
{
	return sign_key_wrap(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519,
	    NULL, pub, SIGN_PUB_LEN), 0);
}

void
sign_key_free(struct sign_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* Never prompt on a terminal for an encrypted key: refuse it instead. */
static int
sign_no_passphrase_cb(char *buf, int size, int rwflag, void *arg)
{
	return -1;
}

static EVP_PKEY *
sign_pem_read(const char *pem, size_t len, int private)
{
	EVP_PKEY	*pkey;
	BIO		*bio;

	if (len > INT_MAX || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return NULL;
	if (private)
		pkey = PEM_read_bio_PrivateKey(bio, NULL,
		    sign_no_passphrase_cb, NULL);
	else
		pkey = PEM_read_bio_PUBKEY(bio, NULL, sign_no_passphrase_cb,
		    NULL);
	BIO_free(bio);
	ERR_clear_error();
	return pkey;
}

struct sign_key *
sign_key_from_pem(const char *pem, size_t len, int private,
    const char *name, char *err, size_t errlen)
{
	struct sign_key	*k;
	EVP_PKEY	*pkey;
	const char	*what = private ? "private" : "public";

	if ((pkey = sign_pem_read(pem, len, private)) == NULL) {
		errf(err, errlen, "'%s': not a PEM %s key", name, what);
		return NULL;
	}
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		errf(err, errlen, "'%s': not an Ed25519 %s key", name, what);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	if ((k = sign_key_wrap(pkey, private)) == NULL)
		errf(err, errlen, "'%s': cannot use key", name);
	return k;
}

/* A private key's PEM lives in OpenSSL's secure heap while it is built. */
char *
sign_key_to_pem(const struct sign_key *k, int private, size_t *len)
{
	BIO	*bio;
	char	*p, *out = NULL;
	long	 n;
	int	 ok;

	if (private && !k->priv)
		return NULL;
	if ((bio = BIO_new(private ? BIO_s_secmem() : BIO_s_mem())) == NULL)
		return NULL;
	if (private)
		ok = PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0,
		    NULL, NULL);
	else
		ok = PEM_write_bio_PUBKEY(bio, k->pkey);
	if (ok == 1 && (n = BIO_get_mem_data(bio, &p)) > 0 &&
	    (out = malloc((size_t)n)) != NULL) {
		memcpy(out, p, (size_t)n);
		*len = (size_t)n;
	}
	BIO_free(bio);
	ERR_clear_error();
	return out;
}

void
sign_pem_free(char *pem, size_t len)
{
	if (pem == NULL)
		return;
	explicit_bzero(pem, len);
	free(pem);
}

int
sign_key_is_private(const struct sign_key *k)
{
	return k->priv;
}

const uint8_t *
sign_key_public(const struct sign_key *k)
{
	return k->pub;
}

const uint8_t *
sign_key_kid(const struct sign_key *k)
{
	return k->kid;
}

void
sign_kid(const uint8_t pub[SIGN_PUB_LEN], uint8_t kid[SIGN_KID_LEN])
{
	uint8_t	md[32];

	if (sign_sha256(pub, SIGN_PUB_LEN, md) == -1)
		memset(md, 0, sizeof(md));
	memcpy(kid, md, SIGN_KID_LEN);
}

int
sign_data(const struct sign_key *k, const uint8_t *msg, size_t len,
    uint8_t sig[SIGN_SIG_LEN])
{
	EVP_MD_CTX	*ctx;
	size_t		 siglen = SIGN_SIG_LEN;
	int		 ok;

	if (k == NULL || !k->priv || (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1 &&
	    siglen == SIGN_SIG_LEN;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		ERR_clear_error();
	return ok ? 0 : -1;
}

int
sign_verify(const struct sign_key *k, const uint8_t *msg, size_t len,
    const uint8_t sig[SIGN_SIG_LEN])
{
	EVP_MD_CTX	*ctx;
	int		 ok;

	if (k == NULL)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -2;
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) != 1) {
		EVP_MD_CTX_free(ctx);
		ERR_clear_error();
		return -2;
	}
	ok = EVP_DigestVerify(ctx, sig, SIGN_SIG_LEN, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		ERR_clear_error();
	return ok ? 0 : -1;
}

int
sign_hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *msg,
    size_t len, uint8_t out[32])
{
	static const uint8_t	 empty[1];
	size_t			 outlen = 0;

	/* OpenSSL refuses a NULL key even when its length is zero. */
	if (key == NULL || keylen == 0)
		key = empty;
	if (msg == NULL)
		msg = empty;
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen, msg,
	    len, out, 32, &outlen) == NULL || outlen != 32) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/*
 * SHA-256 fetched once and kept: an implicit fetch on every digest costs
 * more than hashing a Merkle node. Two threads racing here both fetch;
 * the loser frees its copy.
 */
static EVP_MD *
sign_sha256_md(void)
{
	static EVP_MD	*md;
	EVP_MD		*mine, *none = NULL;

	if ((mine = __atomic_load_n(&md, __ATOMIC_ACQUIRE)) != NULL)
		return mine;
	if ((mine = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return NULL;
	if (!__atomic_compare_exchange_n(&md, &none, mine, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		EVP_MD_free(mine);
		return none;
	}
	return mine;
}

int
sign_sha256(const uint8_t *msg, size_t len, uint8_t out[32])
{
	static const uint8_t	 empty[1];
	EVP_MD			*md;
	unsigned int		 outlen = 0;

	if (msg == NULL)
		msg = empty;
	if ((md = sign_sha256_md()) == NULL ||
	    EVP_Digest(msg, len, out, &outlen, md, NULL) != 1 ||
	    outlen != 32) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}


/*
 * One digest context per thread, kept for the thread's life: a Merkle
 * node is 65 bytes, and making and freeing a context around each cost
 * an audit of 300,000 entries 8% of its CPU.
 */
static pthread_key_t	sign_ctx_key;
static pthread_once_t	sign_ctx_once = PTHREAD_ONCE_INIT;
static int		sign_ctx_ok;

static void
sign_ctx_free(void *ctx)
{
	EVP_MD_CTX_free(ctx);
}

static void
sign_ctx_init(void)
{
	sign_ctx_ok = pthread_key_create(&sign_ctx_key, sign_ctx_free) == 0;
}

static EVP_MD_CTX *
sign_ctx(void)
{
	EVP_MD_CTX	*ctx;

	if (pthread_once(&sign_ctx_once, sign_ctx_init) != 0 || !sign_ctx_ok)
		return NULL;
	if ((ctx = pthread_getspecific(sign_ctx_key)) != NULL)
		return ctx;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (pthread_setspecific(sign_ctx_key, ctx) != 0) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int
sign_sha256_prefixed(uint8_t prefix, const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen, uint8_t out[32])
{
	EVP_MD		*md;
	EVP_MD_CTX	*ctx;
	unsigned int	 outlen = 0;
	int		 ok;

	if ((md = sign_sha256_md()) == NULL || (ctx = sign_ctx()) == NULL) {
		ERR_clear_error();
		return -1;
	}
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, &prefix, 1) == 1 &&
	    (alen == 0 || EVP_DigestUpdate(ctx, a, alen) == 1) &&
	    (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	    EVP_DigestFinal_ex(ctx, out, &outlen) == 1 && outlen == 32;
	if (!ok)
		ERR_clear_error();
	return ok ? 0 : -1;
}

void
keyring_init(struct keyring *kr)
{
	memset(kr, 0, sizeof(*kr));
}

int
keyring_add(struct keyring *kr, struct sign_key *key, int64_t valid_from,
    int64_t valid_to)
{
	struct keyring_entry	*e;

	if (key == NULL)
		return -1;
	if (kr->n >= KEYRING_MAX) {
		sign_key_free(key);
		return -1;
	}
	e = &kr->k[kr->n++];
	e->key = key;
	e->valid_from = valid_from;
	e->valid_to = valid_to;
	e->compromised_at = 0;
	return 0;
}

const struct keyring_entry *
keyring_find(const struct keyring *kr, const uint8_t kid[SIGN_KID_LEN])
{
	size_t	i;

	for (i = 0; i < kr->n; i++) {
		if (memcmp(kr->k[i].key->kid, kid, SIGN_KID_LEN) == 0)
			return &kr->k[i];
	}
	return NULL;
}

void
keyring_release(struct keyring *kr)
{
	size_t	i;

	for (i = 0; i < kr->n; i++)
		sign_key_free(kr->k[i].key);
	memset(kr, 0, sizeof(*kr));
}
