/* skkd — SPDX-License-Identifier: ISC */
/*
 * Offline verdicts from a cache of signed status (client/offcheck.c):
 * two issuers' descriptors, status lists and number maps made with the
 * proto signers, written where skk sync puts them, then every rule of
 * skk(1)'s "verify --offline": each status as a verdict with its as-of
 * time, staleness, a number two issuers know, an unknown number with
 * fresh and with stale status, QRs from an untrusted host, signed by a
 * key the issuer never had, signed by another trusted issuer, old cards
 * without a status index, and a tampered cache file.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cert.h"
#include "issuer.h"
#include "note.h"
#include "offcache.h"
#include "offcheck.h"
#include "qrpay.h"
#include "sign.h"
#include "statuslist.h"

#define HOST_A	"a.example:7443"
#define HOST_B	"b.example"
#define IAT	1796000000LL
#define NOW	(IAT + 3600)

/* Numbers: A knows N0..N5 (indices 0..5) and NS; B knows NS and NB. */
static const char *const numa[] = {
	"42101 8342 3 00000001 2025", "42101 8342 3 00000002 2025",
	"42101 8342 3 00000003 2025", "42101 8342 3 00000004 2025",
	"42101 8342 3 00000005 2025", "42101 8342 3 00000006 2025"
};
#define NS	"42101 8342 3 00000077 2025"
#define NB	"42101 8342 3 00000088 2025"
#define NONE	"42101 8342 3 00000099 2025"

static char	root[64];
static struct trust_issuer	tis[2];

static struct sign_key *
key(uint8_t b)
{
	uint8_t	seed[SIGN_SEED_LEN];

	memset(seed, b, sizeof(seed));
	return sign_key_from_seed(seed);
}

static void
put(const char *host, const char *name, const uint8_t *buf, size_t len)
{
	char	dir[OFFCACHE_PATH_MAX], err[256];

	assert_int_equal(offcache_issuer_dir(root, host, dir, sizeof(dir),
	    err, sizeof(err)), 0);
	assert_int_equal(offcache_write(dir, name, buf, len, err,
	    sizeof(err)), 0);
}

static void
make_desc(const char *host, uint8_t logseed, uint8_t qrseed,
    struct trust_issuer *t)
{
	struct issuer_desc	 d;
	struct note_key		 nk;
	struct sign_key		*qk = key(qrseed), *lk = key(logseed);
	char			 origin[300], err[256] = "";
	uint8_t			*buf;
	size_t			 len;

	memset(&d, 0, sizeof(d));
	snprintf(origin, sizeof(origin), "%s/log", host);
	assert_int_equal(note_key_init(&nk, origin, key(logseed), NULL, 0), 0);
	assert_int_equal(note_vkey_format(&nk, d.log_key, sizeof(d.log_key)),
	    0);
	note_key_release(&nk);
	snprintf(d.name, sizeof(d.name), "LSP %s", host);
	snprintf(d.licence, sizeof(d.licence), "LIC-%u", logseed);
	snprintf(d.host, sizeof(d.host), "%s", host);
	snprintf(d.status, sizeof(d.status), "https://%s/status/", host);
	d.iat = IAT;
	d.exp = IAT + 7 * 86400;
	d.nkeys = 1;
	memcpy(d.keys[0].pub, sign_key_public(qk), SIGN_PUB_LEN);
	sign_kid(d.keys[0].pub, d.keys[0].kid);
	assert_int_equal(issuer_desc_make(lk, &d, &buf, &len, err,
	    sizeof(err)), 0);
	put(host, "issuer", buf, len);
	free(buf);
	sign_key_free(qk);
	sign_key_free(lk);

	memset(t, 0, sizeof(*t));
	snprintf(t->host, sizeof(t->host), "%s", host);
	snprintf(t->url, sizeof(t->url), "https://%s", host);
	snprintf(t->name, sizeof(t->name), "%s", d.name);
	snprintf(t->licence, sizeof(t->licence), "%s", d.licence);
	snprintf(t->log_key, sizeof(t->log_key), "%s", d.log_key);
}

static struct sl_head
head(uint32_t n)
{
	struct sl_head	h;

	memset(&h, 0, sizeof(h));
	h.n = n;
	h.iat = IAT;
	h.ttl = 300;
	h.exp = IAT + 7 * 86400;
	h.tree_size = 7;
	return h;
}

static void
make_list(const char *host, uint8_t logseed, const unsigned *st, size_t n)
{
	struct sign_key	*lk = key(logseed);
	struct sl_head	 h = head(0);
	uint8_t		 packed[16], *buf;
	size_t		 len, i;
	char		 err[256];

	memset(packed, 0, sizeof(packed));
	for (i = 0; i < n; i++)
		sl_set(packed, (uint32_t)i, st[i]);
	assert_int_equal(sl_make(lk, host, &h, packed, (uint32_t)n, &buf, &len,
	    err, sizeof(err)), 0);
	put(host, "status/0", buf, len);
	free(buf);
	sign_key_free(lk);
}

static void
numrec(struct sl_numrec *r, const char *number, uint32_t idx)
{
	char	digits[CERT_NUMBER_LEN + 1];
	size_t	i, k = 0;

	for (i = 0; number[i] != '\0'; i++)
		if (number[i] != ' ')
			digits[k++] = number[i];
	memcpy(r->digits, digits, SL_NUM_DIGITS);
	r->idx = idx;
}

static void
make_map(const char *host, uint8_t logseed, const struct sl_numrec *r,
    size_t n)
{
	struct sign_key	*lk = key(logseed);
	struct sl_head	 h = head(0);
	uint8_t		*buf;
	size_t		 len;
	char		 err[256];

	assert_int_equal(sl_numbers_make(lk, host, &h, r, n, &buf, &len, err,
	    sizeof(err)), 0);
	put(host, "numbers/0", buf, len);
	free(buf);
	sign_key_free(lk);
}

static int
setup(void **state)
{
	static const unsigned sta[] = { SL_VALID, SL_REVOKED, SL_SUSPENDED,
		SL_PENDING, SL_EXPIRED, SL_REPLACED, SL_VALID };
	static const unsigned stb[] = { SL_VALID, SL_REVOKED };
	struct sl_numrec	ra[7], rb[2];
	size_t			i;

	(void)state;
	snprintf(root, sizeof(root), "/tmp/skk-offcheck.XXXXXX");
	assert_non_null(mkdtemp(root));
	make_desc(HOST_A, 1, 10, &tis[0]);
	make_desc(HOST_B, 2, 20, &tis[1]);
	make_list(HOST_A, 1, sta, 7);
	make_list(HOST_B, 2, stb, 2);
	for (i = 0; i < 6; i++)
		numrec(&ra[i], numa[i], (uint32_t)i);
	numrec(&ra[6], NS, 6);
	numrec(&rb[0], NS, 0);
	numrec(&rb[1], NB, 1);
	make_map(HOST_A, 1, ra, 7);
	make_map(HOST_B, 2, rb, 2);
	return 0;
}

static int
teardown(void **state)
{
	char	cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
open_at(struct offcheck *c, size_t n, int64_t now)
{
	char	err[256];

	assert_int_equal(offcheck_init(c, tis, n, root, now, OC_MAX_AGE, err,
	    sizeof(err)), 0);
}

static void
number_is(const struct offcheck *c, const char *number, const char *hint,
    unsigned verdict, const char *reason)
{
	struct oc_result	r;

	offcheck_number(c, number, hint, &r);
	if (r.verdict != verdict || strcmp(r.reason, reason) != 0)
		fail_msg("%s: %u %s (%s), expected %u %s", number, r.verdict,
		    r.reason, r.detail, verdict, reason);
}

static void
test_statuses(void **state)
{
	struct offcheck		c;
	struct oc_result	r;

	(void)state;
	open_at(&c, 2, NOW);
	assert_true(c.v[0].usable && c.v[1].usable);
	offcheck_number(&c, "42101  8342 3 00000001 2025", NULL, &r);
	assert_int_equal(r.verdict, VERDICT_VALID);
	assert_int_equal(r.as_of, IAT);
	assert_ptr_equal(r.issuer, &c.v[0]);
	assert_string_equal(r.number, numa[0]);
	number_is(&c, numa[1], NULL, VERDICT_NOT_VALID, "revoked");
	number_is(&c, numa[2], NULL, VERDICT_NOT_VALID, "suspended");
	number_is(&c, numa[3], NULL, VERDICT_NOT_VALID, "pending");
	number_is(&c, numa[4], NULL, VERDICT_NOT_VALID, "expired");
	number_is(&c, numa[5], NULL, VERDICT_NOT_VALID, "replaced");
	number_is(&c, NB, NULL, VERDICT_NOT_VALID, "revoked");
	number_is(&c, "4210", NULL, VERDICT_NOT_VALID, "malformed");
	offcheck_release(&c);
}

static void
test_stale(void **state)
{
	struct offcheck		c;
	struct oc_result	r;

	(void)state;
	open_at(&c, 2, IAT + OC_MAX_AGE);	/* exactly max age: fresh */
	number_is(&c, numa[0], NULL, VERDICT_VALID, "ok");
	offcheck_release(&c);
	open_at(&c, 2, IAT + OC_MAX_AGE + 1);
	offcheck_number(&c, numa[0], NULL, &r);
	assert_int_equal(r.verdict, VERDICT_UNKNOWN);
	assert_string_equal(r.reason, "stale");
	assert_non_null(strstr(r.detail, "status older than 24h"));
	assert_non_null(strstr(r.detail, "2026-11-30T"));
	/* A revocation is not reported from stale status either. */
	number_is(&c, numa[1], NULL, VERDICT_UNKNOWN, "stale");
	/* Unknown, but the status is old: not NOT VALID. */
	number_is(&c, NONE, NULL, VERDICT_UNKNOWN, "stale");
	offcheck_release(&c);
	open_at(&c, 2, IAT - 100);	/* a list from the future is fresh */
	number_is(&c, numa[0], NULL, VERDICT_VALID, "ok");
	offcheck_release(&c);
}

static void
test_unknown_and_ambiguous(void **state)
{
	struct offcheck		c;
	struct oc_result	r;

	(void)state;
	open_at(&c, 2, NOW);
	offcheck_number(&c, NONE, NULL, &r);
	assert_int_equal(r.verdict, VERDICT_NOT_VALID);
	assert_string_equal(r.reason, "unknown_number");
	assert_int_equal(r.as_of, IAT);
	offcheck_number(&c, NS, NULL, &r);
	assert_int_equal(r.verdict, VERDICT_UNKNOWN);
	assert_string_equal(r.reason, OC_AMBIGUOUS);
	assert_non_null(strstr(r.detail, "ambiguous: known to 2 issuers"));
	/* The sheet's issuer column settles it: host or licence. */
	offcheck_number(&c, NS, HOST_B, &r);
	assert_int_equal(r.verdict, VERDICT_VALID);
	assert_ptr_equal(r.issuer, &c.v[1]);
	offcheck_number(&c, NS, "https://B.example:443", &r);
	assert_ptr_equal(r.issuer, &c.v[1]);
	offcheck_number(&c, NS, "LIC-1", &r);
	assert_ptr_equal(r.issuer, &c.v[0]);
	number_is(&c, numa[0], "c.example", VERDICT_UNKNOWN,
	    OC_ISSUER_NOT_TRUSTED);
	offcheck_release(&c);
	/* Only A trusted: NS is A's alone. */
	open_at(&c, 1, NOW);
	number_is(&c, NS, NULL, VERDICT_VALID, "ok");
	/* B's number: B is still cached, no longer trusted. */
	assert_int_equal(c.nothers, 1);
	offcheck_number(&c, NB, NULL, &r);
	assert_int_equal(r.verdict, VERDICT_UNKNOWN);
	assert_string_equal(r.reason, OC_ISSUER_NOT_TRUSTED);
	assert_non_null(strstr(r.detail, HOST_B));
	number_is(&c, NONE, NULL, VERDICT_NOT_VALID, "unknown_number");
	offcheck_release(&c);
}

/* A QR URL naming host, signed by seed's key. */
static void
qr(char *out, size_t outlen, const char *host, uint8_t seed,
    const char *number, int idx, int64_t iat)
{
	struct sign_key		*k = key(seed);
	struct qr_claims	 cl;
	uint8_t			*cose;
	size_t			 len;

	memset(&cl, 0, sizeof(cl));
	cl.iat = iat;
	cl.exp = IAT + 5 * 365 * 86400LL;
	snprintf(cl.number, sizeof(cl.number), "%s", number);
	snprintf(cl.name, sizeof(cl.name), "Siti Nur'aini");
	snprintf(cl.job_code, sizeof(cl.job_code), "ME063096");
	cl.jenjang = 3;
	if (idx >= 0) {
		cl.has_status_idx = 1;
		cl.status_idx = (uint32_t)idx;
	}
	assert_int_equal(qrpay_sign(k, &cl, &cose, &len), 0);
	assert_int_equal(qrpay_url(host, cose, len, out, outlen), 0);
	free(cose);
	sign_key_free(k);
}

static void
qr_is(const struct offcheck *c, const char *text, unsigned verdict,
    const char *reason)
{
	struct oc_result	r;

	offcheck_qr(c, text, &r);
	if (r.verdict != verdict || strcmp(r.reason, reason) != 0)
		fail_msg("%.40s: %u %s (%s), expected %u %s", text, r.verdict,
		    r.reason, r.detail, verdict, reason);
}

static void
test_qr(void **state)
{
	struct offcheck		c;
	struct oc_result	r;
	char			u[QRPAY_URL_MAX];
	int64_t			day = IAT - IAT % 86400 - 30 * 86400;

	(void)state;
	open_at(&c, 2, NOW);
	qr(u, sizeof(u), HOST_A, 10, numa[0], 0, day);
	offcheck_qr(&c, u, &r);
	assert_int_equal(r.verdict, VERDICT_VALID);
	assert_true(r.has_claims);
	assert_string_equal(r.claims.name, "Siti Nur'aini");
	assert_int_equal(r.as_of, IAT);
	qr(u, sizeof(u), HOST_A, 10, numa[0], 1, day);
	qr_is(&c, u, VERDICT_NOT_VALID, "revoked");
	/* A card from before status indices: through the number map. */
	qr(u, sizeof(u), HOST_A, 10, numa[2], -1, day);
	qr_is(&c, u, VERDICT_NOT_VALID, "suspended");
	qr(u, sizeof(u), HOST_A, 10, NONE, -1, day);
	qr_is(&c, u, VERDICT_UNKNOWN, "stale");
	/* An index the list does not reach yet. */
	qr(u, sizeof(u), HOST_A, 10, numa[0], 5000, day);
	qr_is(&c, u, VERDICT_UNKNOWN, "stale");
	/* A host nobody trusts. */
	qr(u, sizeof(u), "c.example", 30, numa[0], 0, day);
	qr_is(&c, u, VERDICT_UNKNOWN, OC_ISSUER_NOT_TRUSTED);
	/* A's host, a key A never had: forged. */
	qr(u, sizeof(u), HOST_A, 30, numa[0], 0, day);
	qr_is(&c, u, VERDICT_NOT_VALID, "unknown_key");
	/* ... unless it may be newer than the cached keys. */
	qr(u, sizeof(u), HOST_A, 30, numa[0], 0, IAT - IAT % 86400);
	qr_is(&c, u, VERDICT_UNKNOWN, "stale");
	/* B's genuine payload behind A's host. */
	qr(u, sizeof(u), HOST_A, 20, NB, 0, day);
	qr_is(&c, u, VERDICT_NOT_VALID, "points_to_another_site");
	/* A flipped character: bad signature, certain without status. */
	qr(u, sizeof(u), HOST_A, 10, numa[0], 0, day);
	u[strlen(u) - 5] = u[strlen(u) - 5] == 'A' ? 'B' : 'A';
	offcheck_qr(&c, u, &r);
	assert_int_equal(r.verdict, VERDICT_NOT_VALID);
	offcheck_release(&c);
	/* Stale: the good card is UNKNOWN, the forged one still NOT VALID. */
	open_at(&c, 2, IAT + 2 * 86400);
	qr(u, sizeof(u), HOST_A, 10, numa[0], 0, day);
	qr_is(&c, u, VERDICT_UNKNOWN, "stale");
	qr(u, sizeof(u), HOST_A, 30, numa[0], 0, day);
	qr_is(&c, u, VERDICT_NOT_VALID, "unknown_key");
	offcheck_release(&c);
}

static void
test_tampered(void **state)
{
	struct offcheck		c;
	struct oc_result	r;
	char			dir[OFFCACHE_PATH_MAX], err[256];
	uint8_t			*buf;
	size_t			 len;

	(void)state;
	assert_int_equal(offcache_issuer_dir(root, HOST_A, dir, sizeof(dir),
	    err, sizeof(err)), 0);
	assert_int_equal(offcache_read(dir, "status/0", SL_TOKEN_MAX, &buf,
	    &len, err, sizeof(err)), 0);
	buf[len - 1] ^= 1;
	assert_int_equal(offcache_write(dir, "status/0", buf, len, err,
	    sizeof(err)), 0);
	buf[len - 1] ^= 1;
	open_at(&c, 2, NOW);
	assert_false(c.v[0].usable);
	assert_non_null(strstr(c.v[0].why, "status/0"));
	offcheck_number(&c, numa[0], NULL, &r);
	assert_int_equal(r.verdict, VERDICT_UNKNOWN);
	/* Nor is a number unknown while an issuer's data is bad. */
	number_is(&c, NONE, NULL, VERDICT_UNKNOWN, "unavailable");
	number_is(&c, NB, NULL, VERDICT_NOT_VALID, "revoked");
	offcheck_release(&c);
	assert_int_equal(offcache_write(dir, "status/0", buf, len, err,
	    sizeof(err)), 0);
	free(buf);
	/* Never synced. */
	assert_int_equal(offcache_remove(dir, "issuer", err, sizeof(err)), 0);
	open_at(&c, 2, NOW);
	assert_false(c.v[0].usable);
	assert_non_null(strstr(c.v[0].why, "skk sync"));
	number_is(&c, numa[0], NULL, VERDICT_UNKNOWN, "unavailable");
	offcheck_release(&c);
}

static void
test_ages(void **state)
{
	int64_t	v;
	char	buf[32];

	(void)state;
	assert_int_equal(offcheck_parse_age("24h", &v), 0);
	assert_int_equal(v, 86400);
	assert_int_equal(offcheck_parse_age("90m", &v), 0);
	assert_int_equal(v, 5400);
	assert_int_equal(offcheck_parse_age("2d", &v), 0);
	assert_int_equal(v, 172800);
	assert_int_equal(offcheck_parse_age("45", &v), 0);
	assert_int_equal(v, 45);
	assert_int_equal(offcheck_parse_age("0", &v), -1);
	assert_int_equal(offcheck_parse_age("1w", &v), -1);
	assert_int_equal(offcheck_parse_age("h", &v), -1);
	assert_int_equal(offcheck_parse_age("-1h", &v), -1);
	assert_int_equal(offcheck_parse_age("3651d", &v), -1);
	assert_int_equal(offcheck_parse_age("99999999999999999999s", &v), -1);
	offcheck_fmt_age(86400, buf, sizeof(buf));
	assert_string_equal(buf, "24h");
	offcheck_fmt_age(3 * 86400, buf, sizeof(buf));
	assert_string_equal(buf, "3d");
	offcheck_fmt_age(7200, buf, sizeof(buf));
	assert_string_equal(buf, "2h");
	offcheck_fmt_age(61, buf, sizeof(buf));
	assert_string_equal(buf, "61s");
	offcheck_fmt_time(1796455800, buf);
	assert_string_equal(buf, "2026-12-05T07:30:00Z");
}

static void
test_cache_names(void **state)
{
	char	dir[OFFCACHE_PATH_MAX], err[256];

	(void)state;
	assert_int_equal(offcache_issuer_dir("/c", "LSP.Example:8443", dir,
	    sizeof(dir), err, sizeof(err)), 0);
	assert_string_equal(dir, "/c/lsp.example+8443");
	assert_int_equal(offcache_issuer_dir("/c", "../../etc", dir,
	    sizeof(dir), err, sizeof(err)), 0);
	assert_string_equal(dir, "/c/_._.._etc");
	assert_int_equal(offcache_issuer_dir("/c", "", dir, sizeof(dir), err,
	    sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_unknown_and_ambiguous),
		cmocka_unit_test(test_qr),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_ages),
		cmocka_unit_test(test_cache_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
