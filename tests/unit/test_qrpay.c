/* skkd — SPDX-License-Identifier: ISC */
/*
 * The signed QR payload: the PROTOCOL.md §2 vector byte for byte (and
 * that the document still says so), round trips, the forms of URL a phone
 * may hand back, a flipped bit anywhere, each error from a crafted input,
 * and the QR size budget measured with libqrencode.
 *
 * Crafted messages are built with a small CBOR writer of the test's own,
 * independent of qrpay.c's libcbor encoder, and signed properly so that
 * each check is reached past the signature.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qrencode.h>

#include "base32.h"
#include "cert.h"
#include "hex.h"
#include "qrpay.h"
#include "sign.h"

/* PROTOCOL.md §2. */
#define V_SEED	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define V_PUB	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define V_KID	"21fe31dfa154a261"
#define V_PROT	"a20127044821fe31dfa154a261"
#define V_PAYLOAD \
	"a3041a72a6a280061a693f4f803a0001000084781a3432313031203833343220" \
	"3320303030303031323320323032356d53697469204e75722761696e69684d45" \
	"30363330393603"
#define V_TBS \
	"846a5369676e6174757265314da20127044821fe31dfa154a261405847a3041a" \
	"72a6a280061a693f4f803a0001000084781a3432313031203833343220332030" \
	"3030303031323320323032356d53697469204e75722761696e69684d45303633" \
	"30393603"
#define V_SIG \
	"69fbeb53e27f37c3799845d255a776e2767fc916d874078f2149e0564084bbd3" \
	"062f61a6078912ffbf8473440b201b6662e88f422195f2cf27ae4cc95db8d400"
#define V_COSE \
	"d2844da20127044821fe31dfa154a261a05847a3041a72a6a280061a693f4f80" \
	"3a0001000084781a34323130312038333432203320303030303031323320323032" \
	"356d53697469204e75722761696e69684d4530363330393603584069fbeb53e27f" \
	"37c3799845d255a776e2767fc916d874078f2149e0564084bbd3062f61a6078912" \
	"ffbf8473440b201b6662e88f422195f2cf27ae4cc95db8d400"
#define V_B32 \
	"2KCE3IQBE4CEQIP6GHP2CVFCMGQFQR5DAQNHFJVCQADBU2J7J6ADUAABAAAII6A2" \
	"GQZDCMBREA4DGNBSEAZSAMBQGAYDAMJSGMQDEMBSGVWVG2LUNEQE45LSE5QWS3TJ" \
	"NBGUKMBWGMYDSNQDLBAGT67LKPRH6N6DPGMELUSVU53OE5T7ZELNQ5AHR4QUTYCW" \
	"ICCLXUYGF5Q2MB4JCL737BDTIQFSAG3GMLUI6QRBSXZM6J5OJTEV3OGUAA"
#define V_HOST	"skk.pupr.muarojambikab.go.id"
#define V_URL	"HTTPS://SKK.PUPR.MUAROJAMBIKAB.GO.ID/V/" V_B32
#define V_NUMBER "42101 8342 3 00000123 2025"
#define V_IAT	1765756800	/* 2025-12-15T00:00:00Z */
#define V_EXP	1923523200	/* 2030-12-15T00:00:00Z, expiry 2030-12-14 */
#define DAY	86400

/* A byte buffer for the test's own CBOR writer. */
struct buf {
	uint8_t	b[2048];
	size_t	n;
};

struct fixture {
	struct sign_key	*key;		/* the vector's key */
	struct keyring	 kr;		/* holding its public half */
};

static size_t
unhex(const char *hex, uint8_t *out, size_t max)
{
	ssize_t	n = hex_decode(hex, strlen(hex), out, max);

	assert_true(n >= 0);
	return (size_t)n;
}

static void
put_bytes(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void
put_head(struct buf *b, int major, uint64_t v)
{
	uint8_t	h[9];
	int	w, i;

	if (v < 24) {
		h[0] = (uint8_t)(major << 5 | v);
		put_bytes(b, h, 1);
		return;
	}
	w = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffff ? 4 : 8;
	h[0] = (uint8_t)(major << 5 | (w == 1 ? 24 : w == 2 ? 25 : w == 4 ?
	    26 : 27));
	for (i = 0; i < w; i++)
		h[1 + i] = (uint8_t)(v >> (8 * (w - 1 - i)));
	put_bytes(b, h, 1 + (size_t)w);
}

static void
put_int(struct buf *b, int64_t v)
{
	if (v >= 0)
		put_head(b, 0, (uint64_t)v);
	else
		put_head(b, 1, (uint64_t)(-(v + 1)));
}

static void
put_bstr(struct buf *b, const void *p, size_t n)
{
	put_head(b, 2, n);
	put_bytes(b, p, n);
}

static void
put_tstr(struct buf *b, const char *s)
{
	put_head(b, 3, strlen(s));
	put_bytes(b, s, strlen(s));
}

/* {1: alg, 4: h'kid'} */
static void
make_prot(struct buf *b, int64_t alg, const uint8_t *kid)
{
	b->n = 0;
	put_head(b, 5, 2);
	put_int(b, 1);
	put_int(b, alg);
	put_int(b, 4);
	put_bstr(b, kid, SIGN_KID_LEN);
}

/* The claims map with the private claim array opened: caller adds 4. */
static void
make_claims(struct buf *b, int64_t exp, int64_t iat)
{
	b->n = 0;
	put_head(b, 5, 3);
	put_int(b, 4);
	put_int(b, exp);
	put_int(b, 6);
	put_int(b, iat);
	put_int(b, QRPAY_CLAIM_KEY);
	put_head(b, 4, 4);
}

static void
make_claims_full(struct buf *b, int64_t exp, int64_t iat, const char *num,
    const char *name, const char *job, uint64_t jenjang)
{
	make_claims(b, exp, iat);
	put_tstr(b, num);
	put_tstr(b, name);
	put_tstr(b, job);
	put_head(b, 0, jenjang);
}

/* 18([prot, {}, payload, Ed25519(Sig_structure)]) */
static void
make_cose(const struct sign_key *k, const struct buf *prot,
    const struct buf *payload, struct buf *out)
{
	struct buf	tbs = { .n = 0 };
	uint8_t		sig[SIGN_SIG_LEN];

	put_head(&tbs, 4, 4);
	put_tstr(&tbs, "Signature1");
	put_bstr(&tbs, prot->b, prot->n);
	put_bstr(&tbs, "", 0);
	put_bstr(&tbs, payload->b, payload->n);
	assert_int_equal(sign_data(k, tbs.b, tbs.n, sig), 0);
	out->n = 0;
	put_head(out, 6, 18);
	put_head(out, 4, 4);
	put_bstr(out, prot->b, prot->n);
	put_head(out, 5, 0);
	put_bstr(out, payload->b, payload->n);
	put_bstr(out, sig, sizeof(sig));
}

static enum qrpay_err
verify_bytes(const struct keyring *kr, const uint8_t *p, size_t n,
    int64_t now, struct qr_claims *c, char *detail, size_t detlen)
{
	char	text[QRPAY_URL_MAX + 1];

	assert_int_equal(base32_encode(p, n, text, sizeof(text)), 0);
	return qrpay_verify(text, strlen(text), kr, now, c, detail, detlen);
}

/* Signs a crafted payload with the fixture key and verifies it. */
static enum qrpay_err
verify_crafted(struct fixture *fx, const struct buf *payload, int64_t now,
    char *detail, size_t detlen)
{
	struct buf		prot, cose;
	struct qr_claims	c;

	make_prot(&prot, -8, sign_key_kid(fx->key));
	make_cose(fx->key, &prot, payload, &cose);
	return verify_bytes(&fx->kr, cose.b, cose.n, now, &c, detail, detlen);
}

static void
vector_claims(struct qr_claims *c)
{
	memset(c, 0, sizeof(*c));
	c->iat = V_IAT;
	c->exp = V_EXP;
	strcpy(c->number, V_NUMBER);
	strcpy(c->name, "Siti Nur'aini");
	strcpy(c->job_code, "ME063096");
	c->jenjang = 3;
}

static int
fixture_setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof(*fx));
	uint8_t		 seed[SIGN_SEED_LEN], pub[SIGN_PUB_LEN];

	if (fx == NULL)
		return -1;
	unhex(V_SEED, seed, sizeof(seed));
	unhex(V_PUB, pub, sizeof(pub));
	fx->key = sign_key_from_seed(seed);
	keyring_init(&fx->kr);
	if (fx->key == NULL ||
	    keyring_add(&fx->kr, sign_key_from_public(pub), 0, 0) == -1)
		return -1;
	*state = fx;
	return 0;
}

static int
fixture_teardown(void **state)
{
	struct fixture	*fx = *state;

	sign_key_free(fx->key);
	keyring_release(&fx->kr);
	free(fx);
	return 0;
}

static void
test_vector(void **state)
{
	struct fixture		*fx = *state;
	struct qr_claims	 c, d;
	uint8_t			*cose, tbs[256], sig[SIGN_SIG_LEN];
	char			 hex[1024], url[QRPAY_URL_MAX + 1], det[256];
	size_t			 len, tlen;

	hex_encode(sign_key_public(fx->key), SIGN_PUB_LEN, hex);
	assert_string_equal(hex, V_PUB);
	hex_encode(sign_key_kid(fx->key), SIGN_KID_LEN, hex);
	assert_string_equal(hex, V_KID);

	vector_claims(&c);
	assert_int_equal(qrpay_sign(fx->key, &c, &cose, &len), 0);
	hex_encode(cose, len, hex);
	assert_string_equal(hex, V_COSE);
	/* The pieces sit where §1 says: 18([<<prot>>, {}, <<payload>>, sig]). */
	hex_encode(cose + 3, 13, hex);
	assert_string_equal(hex, V_PROT);
	hex_encode(cose + 19, 71, hex);
	assert_string_equal(hex, V_PAYLOAD);
	hex_encode(cose + len - 64, 64, hex);
	assert_string_equal(hex, V_SIG);
	/* The signature is Ed25519 over the Sig_structure given in §2. */
	tlen = unhex(V_TBS, tbs, sizeof(tbs));
	assert_int_equal(sign_data(fx->key, tbs, tlen, sig), 0);
	hex_encode(sig, sizeof(sig), hex);
	assert_string_equal(hex, V_SIG);

	assert_int_equal(qrpay_url(V_HOST, cose, len, url, sizeof(url)), 0);
	assert_string_equal(url, V_URL);
	assert_int_equal(strlen(url), 289);
	assert_int_equal(qrpay_verify(url, strlen(url), &fx->kr, V_IAT, &d,
	    det, sizeof(det)), QRPAY_OK);
	assert_string_equal(d.name, "Siti Nur'aini");
	assert_string_equal(d.number, V_NUMBER);
	assert_string_equal(d.job_code, "ME063096");
	assert_int_equal(d.jenjang, 3);
	assert_int_equal(d.iat, V_IAT);
	assert_int_equal(d.exp, V_EXP);
	hex_encode(d.kid, SIGN_KID_LEN, hex);
	assert_string_equal(hex, V_KID);

	/* Decoding without a key gives the same claims. */
	memset(&d, 0xaa, sizeof(d));
	assert_int_equal(qrpay_decode(cose, len, &d, det, sizeof(det)),
	    QRPAY_OK);
	assert_string_equal(d.name, "Siti Nur'aini");
	assert_int_equal(d.exp, V_EXP);
	free(cose);
}

/* PROTOCOL.md must carry the same values (white space ignored). */
static void
test_vector_in_protocol_md(void **state)
{
	static const char	*values[] = { V_SEED, V_PUB, V_KID, V_PROT,
	    V_PAYLOAD, V_TBS, V_SIG, V_COSE, V_B32, V_URL };
	FILE			*f;
	char			*doc;
	size_t			 n = 0, i;
	int			 ch;

	f = fopen("proto/PROTOCOL.md", "r");
	if (f == NULL)
		f = fopen("../proto/PROTOCOL.md", "r");
	assert_non_null(f);
	doc = malloc(1 << 20);
	assert_non_null(doc);
	while ((ch = fgetc(f)) != EOF && n < (1 << 20) - 1) {
		if (ch != ' ' && ch != '\n' && ch != '\t' && ch != '\r')
			doc[n++] = (char)ch;
	}
	doc[n] = '\0';
	fclose(f);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (strstr(doc, values[i]) == NULL)
			break;
	}
	free(doc);
	if (i < sizeof(values) / sizeof(values[0]))
		fail_msg("PROTOCOL.md lacks %s", values[i]);
}

static void
round_trip(struct fixture *fx, const char *name)
{
	struct qr_claims	c, d;
	uint8_t			*cose;
	char			 url[QRPAY_URL_MAX + 1], det[256];
	size_t			 len;

	vector_claims(&c);
	strcpy(c.name, name);
	assert_int_equal(qrpay_sign(fx->key, &c, &cose, &len), 0);
	assert_int_equal(qrpay_url(V_HOST, cose, len, url, sizeof(url)), 0);
	free(cose);
	assert_int_equal(qrpay_verify(url, strlen(url), &fx->kr,
	    V_IAT + 100 * DAY, &d, det, sizeof(det)), QRPAY_OK);
	assert_string_equal(d.name, name);
	assert_string_equal(d.number, V_NUMBER);
	assert_int_equal(d.exp, V_EXP);
}

static void
test_round_trips(void **state)
{
	char	name[CERT_NAME_MAX + 1];
	size_t	i;

	round_trip(*state, "Sukarno");
	round_trip(*state, "I Gusti Ngurah Rai");
	round_trip(*state, "Muhammad Rizky Pratama Wijayakusuma Putr");
	/* 120 bytes of UTF-8: 40 three-byte characters (Javanese script). */
	for (i = 0; i < 40; i++)
		memcpy(name + 3 * i, "\xea\xa6\xa9", 3);	/* U+A9A9 */
	name[120] = '\0';
	round_trip(*state, name);
	round_trip(*state, "Ni Luh Putu Ayu, S.T.");
}

static void
test_url_forms(void **state)
{
	struct fixture		*fx = *state;
	struct qr_claims	 c;
	char			 text[QRPAY_URL_MAX + 8], det[256];
	size_t			 i;
	uint8_t			 b0[QRPAY_MAX_BYTES], b1[QRPAY_MAX_BYTES];
	size_t			 n0, n1;
	const char		*forms[] = {
		V_URL, V_B32, "http://skk.example/v/" V_B32,
		"https://other.host:8443/V/" V_B32 "/",
		"  " V_URL "\r\n", V_B32 "======",
	};

	assert_int_equal(qrpay_bytes(V_URL, strlen(V_URL), b0, &n0), QRPAY_OK);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(qrpay_verify(forms[i], strlen(forms[i]),
		    &fx->kr, V_IAT, &c, det, sizeof(det)), QRPAY_OK);
		assert_int_equal(c.jenjang, 3);
		/* Every form names the same signed bytes. */
		assert_int_equal(qrpay_bytes(forms[i], strlen(forms[i]), b1,
		    &n1), QRPAY_OK);
		assert_int_equal(n1, n0);
		assert_memory_equal(b1, b0, n0);
	}
	assert_int_equal(qrpay_bytes("HTTPS://X/C/AA", 14, b1, &n1),
	    QRPAY_NOT_BASE32);
	/* Lower-cased as some phones do. */
	for (i = 0; V_URL[i] != '\0'; i++)
		text[i] = (char)((V_URL[i] >= 'A' && V_URL[i] <= 'Z') ?
		    V_URL[i] + 32 : V_URL[i]);
	text[i] = '\0';
	assert_int_equal(qrpay_verify(text, strlen(text), &fx->kr, V_IAT, &c,
	    det, sizeof(det)), QRPAY_OK);
	assert_string_equal(c.name, "Siti Nur'aini");
	/* Wrong path, no path. */
	snprintf(text, sizeof(text), "HTTPS://SKK/C/%s", V_B32);
	assert_int_equal(qrpay_verify(text, strlen(text), &fx->kr, V_IAT, &c,
	    det, sizeof(det)), QRPAY_NOT_BASE32);
	assert_string_equal(det, "URL path does not start with /V/");
	assert_int_equal(qrpay_verify("https://skk", 11, &fx->kr, V_IAT, &c,
	    det, sizeof(det)), QRPAY_NOT_BASE32);
}

static void
test_tamper_everywhere(void **state)
{
	struct fixture		*fx = *state;
	struct qr_claims	 c;
	uint8_t			 cose[256];
	char			 det[256];
	size_t			 len, i;
	int			 bit;

	len = unhex(V_COSE, cose, sizeof(cose));
	assert_int_equal(verify_bytes(&fx->kr, cose, len, V_IAT, &c, det,
	    sizeof(det)), QRPAY_OK);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			cose[i] ^= (uint8_t)(1 << bit);
			if (verify_bytes(&fx->kr, cose, len, V_IAT, &c, det,
			    sizeof(det)) == QRPAY_OK)
				fail_msg("byte %zu bit %d flipped verifies", i,
				    bit);
			assert_int_equal(c.name[0], '\0');
			cose[i] ^= (uint8_t)(1 << bit);
		}
	}
	/* Truncated at every length, and one byte too many. */
	for (i = 0; i < len; i++)
		assert_int_not_equal(verify_bytes(&fx->kr, cose, i, V_IAT, &c,
		    det, sizeof(det)), QRPAY_OK);
	cose[len] = 0;
	assert_int_equal(verify_bytes(&fx->kr, cose, len + 1, V_IAT, &c, det,
	    sizeof(det)), QRPAY_NOT_COSE);
}

static void
test_err_envelope(void **state)
{
	struct fixture		*fx = *state;
	struct qr_claims	 c;
	struct buf		 prot, payload, cose;
	char			 det[256], big[QRPAY_URL_MAX + 2];
	static const uint8_t	 nokid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	/* Too long, before anything else. */
	memset(big, '!', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(qrpay_verify(big, strlen(big), &fx->kr, V_IAT, &c,
	    det, sizeof(det)), QRPAY_TOO_LONG);
	memset(big, 'A', 830);
	assert_int_equal(qrpay_verify(big, 830, &fx->kr, V_IAT, &c, det,
	    sizeof(det)), QRPAY_TOO_LONG);

	assert_int_equal(qrpay_verify("HTTPS://SKK/V/ABC1DEF", 21, &fx->kr,
	    V_IAT, &c, det, sizeof(det)), QRPAY_NOT_BASE32);
	assert_string_equal(det, "not base32 at character 18");

	/* Not COSE: empty, a plain integer, an untagged array. */
	assert_int_equal(qrpay_verify("", 0, &fx->kr, V_IAT, &c, det,
	    sizeof(det)), QRPAY_NOT_COSE);
	assert_int_equal(qrpay_verify("AE", 2, &fx->kr, V_IAT, &c, det,
	    sizeof(det)), QRPAY_NOT_COSE);
	make_prot(&prot, -8, sign_key_kid(fx->key));
	make_claims_full(&payload, V_EXP, V_IAT, V_NUMBER, "Sukarno",
	    "ME063096", 3);
	make_cose(fx->key, &prot, &payload, &cose);
	assert_int_equal(verify_bytes(&fx->kr, cose.b, cose.n, V_IAT, &c, det,
	    sizeof(det)), QRPAY_OK);
	assert_int_equal(verify_bytes(&fx->kr, cose.b + 1, cose.n - 1, V_IAT,
	    &c, det, sizeof(det)), QRPAY_NOT_COSE);

	/* Wrong algorithm: ES256 (-7), then no alg at all. */
	make_prot(&prot, -7, sign_key_kid(fx->key));
	make_cose(fx->key, &prot, &payload, &cose);
	assert_int_equal(verify_bytes(&fx->kr, cose.b, cose.n, V_IAT, &c, det,
	    sizeof(det)), QRPAY_WRONG_ALG);
	prot.n = 0;
	put_head(&prot, 5, 1);
	put_int(&prot, 4);
	put_bstr(&prot, sign_key_kid(fx->key), 8);
	make_cose(fx->key, &prot, &payload, &cose);
	assert_int_equal(verify_bytes(&fx->kr, cose.b, cose.n, V_IAT, &c, det,
	    sizeof(det)), QRPAY_WRONG_ALG);

	/* kid missing, kid of 7 bytes, duplicate alg: not COSE. */
	prot.n = 0;
	put_head(&prot, 5, 1);
	put_int(&prot, 1);
	put_int(&prot, -8);
	make_cose(fx->key, &prot, &payload, &cose);
	assert_int_equal(verify_bytes(&fx->kr, cose.b, cose.n, V_IAT, &c, det,
	    sizeof(det)), QRPAY_NOT_COSE);
	prot.n = 0;
	put_head(&prot, 5, 2);
	put_int(&prot, 1);
	put_int(&prot, -8);
	put_int(&prot, 4);
	put_bstr(&prot, sign_key_kid(fx->key), 7);
	make_cose(fx->key, &prot, &payload, &cose);
	assert_int_equal(verify_bytes(&fx->kr, cose.b, cose.n, V_IAT, &c, det,
	    sizeof(det)), QRPAY_NOT_COSE);
	prot.n = 0;
	put_head(&prot, 5, 3);
	put_int(&prot, 1);
	put_int(&prot, -8);
	put_int(&prot, 1);
	put_int(&prot, -8);
	put_int(&prot, 4);
	put_bstr(&prot, sign_key_kid(fx->key), 8);
	make_cose(fx->key, &prot, &payload, &cose);
	assert_int_equal(verify_bytes(&fx->kr, cose.b, cose.n, V_IAT, &c, det,
	    sizeof(det)), QRPAY_NOT_COSE);

	/* Unknown kid, then a bad signature. */
	make_prot(&prot, -8, nokid);
	make_cose(fx->key, &prot, &payload, &cose);
	assert_int_equal(verify_bytes(&fx->kr, cose.b, cose.n, V_IAT, &c, det,
	    sizeof(det)), QRPAY_UNKNOWN_KID);
	assert_string_equal(det, "key id 0102030405060708 is not in the "
	    "keyring");
	make_prot(&prot, -8, sign_key_kid(fx->key));
	make_cose(fx->key, &prot, &payload, &cose);
	cose.b[cose.n - 1] ^= 1;
	assert_int_equal(verify_bytes(&fx->kr, cose.b, cose.n, V_IAT, &c, det,
	    sizeof(det)), QRPAY_BAD_SIGNATURE);
}

static void
test_err_claims(void **state)
{
	struct fixture	*fx = *state;
	struct buf	 p;
	char		 det[256];

#define MALFORMED() assert_int_equal(verify_crafted(fx, &p, V_IAT, det, \
	    sizeof(det)), QRPAY_MALFORMED_CLAIMS)
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "Sukarno", "ME063096", 3);
	assert_int_equal(verify_crafted(fx, &p, V_IAT, det, sizeof(det)),
	    QRPAY_OK);
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "Sukarno", "ME063096", 10);
	MALFORMED();
	assert_string_equal(det, "claims: jenjang: 10, expected 1-9");
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "Sukarno", "ME063096", 0);
	MALFORMED();
	make_claims_full(&p, V_IAT, V_IAT, V_NUMBER, "Sukarno", "ME063096", 3);
	MALFORMED();
	assert_string_equal(det, "claims: exp: not after iat");
	make_claims_full(&p, V_EXP, V_IAT, "42101 8342 3 0000123 2025",
	    "Sukarno", "ME063096", 3);
	MALFORMED();
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "Suk\xc3\x28rno",
	    "ME063096", 3);
	MALFORMED();
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "", "ME063096", 3);
	MALFORMED();
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "Sukarno", "me063096", 3);
	MALFORMED();
	/* A name of 121 bytes. */
	{
		char	name[122];

		memset(name, 'a', 121);
		name[121] = '\0';
		make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, name, "ME063096",
		    3);
		MALFORMED();
	}
	/* iat negative, exp a text string. */
	make_claims_full(&p, V_EXP, -5, V_NUMBER, "Sukarno", "ME063096", 3);
	MALFORMED();
	p.n = 0;
	put_head(&p, 5, 3);
	put_int(&p, 4);
	put_tstr(&p, "2030");
	put_int(&p, 6);
	put_int(&p, V_IAT);
	put_int(&p, QRPAY_CLAIM_KEY);
	put_head(&p, 4, 4);
	put_tstr(&p, V_NUMBER);
	put_tstr(&p, "Sukarno");
	put_tstr(&p, "ME063096");
	put_int(&p, 3);
	MALFORMED();
	/* Missing, extra, duplicate keys; array of 3; not a map. */
	p.n = 0;
	put_head(&p, 5, 2);
	put_int(&p, 4);
	put_int(&p, V_EXP);
	put_int(&p, 6);
	put_int(&p, V_IAT);
	MALFORMED();
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "Sukarno", "ME063096", 3);
	p.b[0] = 0xa4;
	put_int(&p, 1);
	put_tstr(&p, "issuer");
	MALFORMED();
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "Sukarno", "ME063096", 3);
	p.b[0] = 0xa4;
	put_int(&p, 6);
	put_int(&p, V_IAT);
	MALFORMED();
	make_claims(&p, V_EXP, V_IAT);
	p.b[p.n - 1] = 0x83;
	put_tstr(&p, V_NUMBER);
	put_tstr(&p, "Sukarno");
	put_tstr(&p, "ME063096");
	MALFORMED();
	p.n = 0;
	put_head(&p, 4, 0);
	MALFORMED();
	/* Indefinite-length map, and trailing bytes after the map. */
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "Sukarno", "ME063096", 3);
	p.b[0] = 0xbf;
	put_bytes(&p, "\xff", 1);
	MALFORMED();
	make_claims_full(&p, V_EXP, V_IAT, V_NUMBER, "Sukarno", "ME063096", 3);
	put_int(&p, 0);
	MALFORMED();
#undef MALFORMED
}

static void
test_err_policy(void **state)
{
	struct fixture		*fx = *state;
	struct qr_claims	 c;
	char			 det[256];

	/* Dates: valid from a day before issue until the exp instant. */
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr,
	    V_EXP - 1, &c, det, sizeof(det)), QRPAY_OK);
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr,
	    V_EXP, &c, det, sizeof(det)), QRPAY_EXPIRED);
	assert_string_equal(det, "expired after 2030-12-14");
	assert_string_equal(c.name, "Siti Nur'aini");
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr,
	    V_IAT - DAY, &c, det, sizeof(det)), QRPAY_OK);
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr,
	    V_IAT - DAY - 1, &c, det, sizeof(det)), QRPAY_NOT_YET_VALID);
	assert_string_equal(c.number, V_NUMBER);

	/*
	 * A compromised key is untrusted whatever iat says, before the
	 * compromise too (the forger picks iat); the claims stay readable
	 * so an online verifier can compare them with the issued payload.
	 */
	fx->kr.k[0].compromised_at = V_IAT;
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr, V_IAT,
	    &c, det, sizeof(det)), QRPAY_KEY_COMPROMISED);
	assert_string_equal(c.number, V_NUMBER);
	assert_string_equal(det, "signing key compromised: check online");
	fx->kr.k[0].compromised_at = V_IAT + 30 * 86400;
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr, V_IAT,
	    &c, det, sizeof(det)), QRPAY_KEY_COMPROMISED);
	assert_true(qrpay_signed(QRPAY_KEY_COMPROMISED));
	/* Even outside the key's window or past expiry. */
	fx->kr.k[0].valid_to = V_IAT - 1;
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr,
	    V_IAT + 10 * 366 * 86400LL, &c, det, sizeof(det)),
	    QRPAY_KEY_COMPROMISED);
	fx->kr.k[0].valid_to = 0;
	fx->kr.k[0].compromised_at = 0;
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr, V_IAT,
	    &c, det, sizeof(det)), QRPAY_OK);

	/* Outside the key's window. */
	fx->kr.k[0].valid_from = V_IAT + 1;
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr, V_IAT,
	    &c, det, sizeof(det)), QRPAY_UNKNOWN_KID);
	assert_non_null(strstr(det, "validity window"));
	fx->kr.k[0].valid_from = V_IAT;
	fx->kr.k[0].valid_to = V_IAT - 1;
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr, V_IAT,
	    &c, det, sizeof(det)), QRPAY_UNKNOWN_KID);
	fx->kr.k[0].valid_to = V_IAT;
	assert_int_equal(qrpay_verify(V_URL, strlen(V_URL), &fx->kr, V_IAT,
	    &c, det, sizeof(det)), QRPAY_OK);
	fx->kr.k[0].valid_from = fx->kr.k[0].valid_to = 0;
}

static void
test_names(void **state)
{
	static const struct {
		enum qrpay_err		e;
		enum cert_reason	r;
		const char		*s;
	} t[] = {
		{ QRPAY_OK, REASON_OK, "ok" },
		{ QRPAY_NOT_BASE32, REASON_MALFORMED, "not base32" },
		{ QRPAY_NOT_COSE, REASON_MALFORMED, "not a COSE_Sign1 message" },
		{ QRPAY_WRONG_ALG, REASON_MALFORMED,
		  "wrong algorithm (EdDSA expected)" },
		{ QRPAY_UNKNOWN_KID, REASON_UNKNOWN_KEY, "unknown key" },
		{ QRPAY_BAD_SIGNATURE, REASON_BAD_SIGNATURE,
		  "signature not valid" },
		{ QRPAY_EXPIRED, REASON_EXPIRED, "expired" },
		{ QRPAY_NOT_YET_VALID, REASON_NOT_YET_VALID, "not yet valid" },
		{ QRPAY_MALFORMED_CLAIMS, REASON_MALFORMED, "malformed claims" },
		{ QRPAY_KEY_COMPROMISED, REASON_KEY_COMPROMISED,
		  "signed by a compromised key" },
		{ QRPAY_TOO_LONG, REASON_MALFORMED, "too long" },
		{ QRPAY_INTERNAL, REASON_UNAVAILABLE,
		  "could not be checked (out of memory)" },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(qrpay_reason(t[i].e), t[i].r);
		assert_string_equal(qrpay_strerror(t[i].e), t[i].s);
	}
}

static void
test_sign_refusals(void **state)
{
	struct fixture		*fx = *state;
	struct qr_claims	 c;
	uint8_t			*cose = (uint8_t *)"x";
	size_t			 len = 1;
	char			 url[64];

	vector_claims(&c);
	assert_int_equal(qrpay_sign(fx->kr.k[0].key, &c, &cose, &len), -1);
	assert_null(cose);
	c.jenjang = 0;
	assert_int_equal(qrpay_sign(fx->key, &c, &cose, &len), -1);
	vector_claims(&c);
	c.exp = c.iat;
	assert_int_equal(qrpay_sign(fx->key, &c, &cose, &len), -1);
	vector_claims(&c);
	strcpy(c.job_code, "ME06309");
	assert_int_equal(qrpay_sign(fx->key, &c, &cose, &len), -1);
	/* URL buffer too small. */
	assert_int_equal(qrpay_url("h", (const uint8_t *)"abcdefghij", 10,
	    url, 28), -1);
	assert_int_equal(qrpay_url("h", (const uint8_t *)"abcdefghij", 10,
	    url, 29), 0);
	assert_string_equal(url, "HTTPS://H/V/MFRGGZDFMZTWQ2LK");
}

static void
test_from_cert(void **state)
{
	struct cert		*cert = calloc(1, sizeof(*cert));
	struct qr_claims	 c;

	assert_non_null(cert);
	strcpy(cert->number, V_NUMBER);
	strcpy(cert->name, "Siti Nur'aini");
	strcpy(cert->job_code, "ME063096");
	cert->jenjang = 3;
	cert->issued = V_IAT / DAY;		/* 2025-12-15 */
	cert->expires = V_EXP / DAY - 1;	/* 2030-12-14 */
	cert->kid[0] = 0x21;
	qrpay_claims_from_cert(&c, cert);
	assert_int_equal(c.iat, V_IAT);
	assert_int_equal(c.exp, V_EXP);
	assert_string_equal(c.number, V_NUMBER);
	assert_string_equal(c.name, "Siti Nur'aini");
	assert_string_equal(c.job_code, "ME063096");
	assert_int_equal(c.jenjang, 3);
	assert_int_equal(c.kid[0], 0x21);
	free(cert);
}

/*
 * The size budget (PROTOCOL.md §1.5): with a 40-character name and a
 * 30-character host the URL fits QR version <= 12 at level M.
 */
static void
test_size_budget(void **state)
{
	struct fixture		*fx = *state;
	struct qr_claims	 c;
	QRcode			*qr;
	uint8_t			*cose;
	char			 url[QRPAY_URL_MAX + 1], det[64];
	const char		*host = "skkd.dpupr.muarojambikab.go.id";
	size_t			 len;

	vector_claims(&c);
	strcpy(c.name, "Muhammad Rizky Pratama Wijayakusuma Putr");
	assert_int_equal(strlen(c.name), 40);
	assert_int_equal(strlen(host), 30);
	assert_int_equal(qrpay_sign(fx->key, &c, &cose, &len), 0);
	assert_int_equal(len, 184);
	assert_int_equal(qrpay_url(host, cose, len, url, sizeof(url)), 0);
	free(cose);
	assert_int_equal(strlen(url), 336);
	assert_int_equal(qrpay_verify(url, strlen(url), &fx->kr, V_IAT, &c,
	    det, sizeof(det)), QRPAY_OK);
	qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	print_message("# %zu-character URL: QR version %d at level M\n",
	    strlen(url), qr->version);
	assert_true(qr->version <= 12);
	QRcode_free(qr);
}

/* The host a QR URL names, and when it is the issuer's (PROTOCOL.md 1.5). */
static void
test_url_host(void **state)
{
	char	h[64];

	assert_int_equal(qrpay_url_host("HTTPS://SKK.EXAMPLE.ID:8443/V/AB", 32,
	    h, sizeof(h)), 1);
	assert_string_equal(h, "SKK.EXAMPLE.ID:8443");
	assert_int_equal(qrpay_url_host(" http://skk.example.id/v/AB", 27, h,
	    sizeof(h)), 1);
	assert_string_equal(h, "skk.example.id");
	/* The userinfo trick: the browser goes to evil.example. */
	assert_int_equal(qrpay_url_host("https://skk.example.id@evil.example/V/A",
	    39, h, sizeof(h)), 1);
	assert_string_equal(h, "skk.example.id@evil.example");
	assert_int_equal(qrpay_url_host("2KCE3IQBE4CEQIP6GHP2CVFCMGQ", 27, h,
	    sizeof(h)), 0);
	assert_int_equal(qrpay_url_host("https://a-very-long-host.example/V/A",
	    36, h, 8), -1);

	assert_true(qrpay_host_equal("SKK.EXAMPLE.ID:8443", "skk.example.id:8443"));
	assert_true(qrpay_host_equal("SKK.EXAMPLE.ID", "skk.example.id:443"));
	assert_true(qrpay_host_equal("skk.example.id:443", "SKK.EXAMPLE.ID"));
	assert_false(qrpay_host_equal("SKK.EXAMPLE.ID", "skk.example.id:8443"));
	assert_false(qrpay_host_equal("SKK.EXAMPLE.ID.EVIL.ID", "skk.example.id"));
	assert_false(qrpay_host_equal("SKK-EXAMPLE.ID", "skk.example.id"));
	assert_false(qrpay_host_equal("skk.example.id@evil.example",
	    "skk.example.id"));
	assert_false(qrpay_host_equal("", ""));
}

/* What the clients send as QR text rather than as a number. */
static void
test_is_qr_text(void **state)
{
	assert_true(qrpay_is_qr_text("HTTPS://LOCALHOST:8443/V/2KCE3IQBE4"));
	assert_true(qrpay_is_qr_text("https://x/v/abc"));
	assert_true(qrpay_is_qr_text("Http://x/V/abc"));
	assert_true(qrpay_is_qr_text(
	    "2KCE3IQBE4CEQ3HVXTZDDEWX62QFQR5DAQNHI4A3"));
	assert_true(qrpay_is_qr_text(
	    "2kce3iqbe4ceq3hvxtzddewx62qfqr5daqnhi4a3aa"));
	assert_false(qrpay_is_qr_text(
	    "2KCE3IQBE4CEQ3HVXTZDDEWX62QFQR5DAQNHI4A"));
	assert_false(qrpay_is_qr_text(
	    "2KCE3IQBE4CEQ3HVXTZDDEWX62QFQR5DAQNHI4A3 1"));
	assert_false(qrpay_is_qr_text("42101 8342 3 00000123 2025"));
	assert_false(qrpay_is_qr_text("4210183423000001232025"));
	assert_false(qrpay_is_qr_text("ftp://x/V/ABC"));
	assert_false(qrpay_is_qr_text("-"));
	assert_false(qrpay_is_qr_text(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_vector_in_protocol_md),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_url_forms),
		cmocka_unit_test(test_tamper_everywhere),
		cmocka_unit_test(test_err_envelope),
		cmocka_unit_test(test_err_claims),
		cmocka_unit_test(test_err_policy),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_sign_refusals),
		cmocka_unit_test(test_from_cert),
		cmocka_unit_test(test_size_budget),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_is_qr_text),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
