/* skkd — SPDX-License-Identifier: ISC */
/*
 * Trust lists (PROTOCOL.md §7): the registry's text form and the line
 * every mistake is reported on, a signed round trip, and the refusals:
 * another registry key, a changed byte, an expired or future list,
 * another kind of document, and hostile bytes.
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
#include "note.h"
#include "sign.h"
#include "trustlist.h"

#define IAT	1796000000	/* 2026-11-29T...Z */
#define EXP	(IAT + 30 * 86400)

static struct sign_key *
key(uint8_t b)
{
	uint8_t	seed[SIGN_SEED_LEN];

	memset(seed, b, sizeof(seed));
	return sign_key_from_seed(seed);
}

static void
vkey(uint8_t b, const char *name, char *out, size_t outlen)
{
	struct note_key	nk;

	assert_int_equal(note_key_init(&nk, name, key(b), NULL, 0), 0);
	assert_int_equal(note_vkey_format(&nk, out, outlen), 0);
	note_key_release(&nk);
}

/* A registry's text: two issuers, comments, a blank line, a CRLF line. */
static char *
text(void)
{
	static char	buf[2048];
	char		a[NOTE_KEY_MAX + 1], b[NOTE_KEY_MAX + 1];

	vkey(1, "lsp-a.example/log", a, sizeof(a));
	vkey(2, "lsp-b.example:7443/log", b, sizeof(b));
	snprintf(buf, sizeof(buf), "# LPJK trust list\n\n"
	    "https://lsp-a.example %s BNSP-LSP-0001  LSP Alat Berat  Nusantara "
	    "\n"
	    "   # indented comment\n"
	    "https://lsp-b.example:7443\t%s - LSP Konstruksi Jambi\r\n", a, b);
	return buf;
}

static void
parsed(struct trustlist *tl)
{
	char	err[256] = "";

	trustlist_init(tl);
	assert_int_equal(trustlist_parse_text(text(), strlen(text()), tl, err,
	    sizeof(err)), 0);
	snprintf(tl->registry, sizeof(tl->registry), "LPJK");
	tl->iat = IAT;
	tl->exp = EXP;
}

static void
test_parse(void **state)
{
	struct trustlist	tl;

	(void)state;
	parsed(&tl);
	assert_int_equal(tl.n, 2);
	assert_string_equal(tl.v[0].url, "https://lsp-a.example");
	assert_string_equal(tl.v[0].licence, "BNSP-LSP-0001");
	assert_string_equal(tl.v[0].name, "LSP Alat Berat  Nusantara");
	assert_non_null(strstr(tl.v[0].log_key, "lsp-a.example/log+"));
	assert_string_equal(tl.v[1].url, "https://lsp-b.example:7443");
	assert_string_equal(tl.v[1].licence, "");
	assert_string_equal(tl.v[1].name, "LSP Konstruksi Jambi");
	trustlist_release(&tl);
}

/* The error for a text whose line 3 is line; "" if it parses. */
static const char *
error_of(const char *line)
{
	static char		err[256];
	char			buf[1024], v[NOTE_KEY_MAX + 1];
	struct trustlist	tl;

	vkey(1, "lsp-a.example/log", v, sizeof(v));
	snprintf(buf, sizeof(buf), "# list\nhttps://ok.example %s - OK\n", v);
	strncat(buf, line, sizeof(buf) - strlen(buf) - 1);
	trustlist_init(&tl);
	err[0] = '\0';
	if (trustlist_parse_text(buf, strlen(buf), &tl, err,
	    sizeof(err)) == 0)
		assert_int_equal(tl.n, 2 - (line[0] == '#' || line[0] == '\0'));
	else
		assert_null(tl.v);
	trustlist_release(&tl);
	return err;
}

static void
test_parse_errors(void **state)
{
	char	v[NOTE_KEY_MAX + 1], line[512];

	(void)state;
	vkey(3, "x.example/log", v, sizeof(v));
	assert_string_equal(error_of(""), "");
	snprintf(line, sizeof(line), "https://x.example %s - X", v);
	assert_string_equal(error_of(line), "");
	snprintf(line, sizeof(line), "http://x.example %s - X\n", v);
	assert_string_equal(error_of(line),
	    "line 3: url: not https://HOST[:PORT]");
	snprintf(line, sizeof(line), "https://x.example/ %s - X\n", v);
	assert_string_equal(error_of(line),
	    "line 3: url: no path allowed, not even '/'");
	snprintf(line, sizeof(line), "https://x.example/v1 %s - X\n", v);
	assert_string_equal(error_of(line),
	    "line 3: host: bad character at byte 9");
	snprintf(line, sizeof(line), "https:// %s - X\n", v);
	assert_string_equal(error_of(line), "line 3: host: empty");
	snprintf(line, sizeof(line), "https://x.example:0 %s - X\n", v);
	assert_string_equal(error_of(line), "line 3: url: bad port '0'");
	snprintf(line, sizeof(line), "https://x.example:65536 %s - X\n", v);
	assert_string_equal(error_of(line), "line 3: url: bad port '65536'");
	snprintf(line, sizeof(line), "https://[::1]:8443 %s - X\n", v);
	assert_string_equal(error_of(line), "");
	snprintf(line, sizeof(line), "https://x.example %s -\n", v);
	assert_string_equal(error_of(line),
	    "line 3: expected the issuer's NAME after the licence");
	snprintf(line, sizeof(line), "https://x.example %s\n", v);
	assert_string_equal(error_of(line),
	    "line 3: expected LICENCE or '-' after the log key");
	assert_string_equal(error_of("https://x.example\n"),
	    "line 3: expected https://HOST[:PORT] LOG_VKEY LICENCE|- NAME, "
	    "the log key is missing");
	assert_non_null(strstr(error_of("https://x.example not+a+vkey - X\n"),
	    "line 3: "));
	vkey(1, "lsp-a.example/log", v, sizeof(v));
	snprintf(line, sizeof(line), "https://ok.example %s - Again\n", v);
	assert_string_equal(error_of(line),
	    "line 3: https://ok.example already listed on line 2");
	snprintf(line, sizeof(line), "https://x.example %s - X\001Y\n", v);
	assert_string_equal(error_of(line),
	    "line 3: name: control character at byte 1");
	snprintf(line, sizeof(line), "https://x.example %s - X\xff\n", v);
	assert_string_equal(error_of(line),
	    "line 3: name: invalid UTF-8 at byte 1");
	{
		static const char	nul[] = "\n https://a.example\0x";
		struct trustlist	tl;
		char			err[256];

		trustlist_init(&tl);
		assert_int_equal(trustlist_parse_text(nul, sizeof(nul) - 1,
		    &tl, err, sizeof(err)), -1);
		assert_string_equal(err, "line 2: NUL byte at column 19");
		trustlist_release(&tl);
	}
}

static void
test_round_trip(void **state)
{
	struct trustlist	 tl, o;
	struct sign_key		*reg = key(9);
	uint8_t			*buf;
	size_t			 len, i;
	char			 err[256] = "";

	(void)state;
	parsed(&tl);
	assert_int_equal(trustlist_make(reg, &tl, &buf, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(trustlist_open(buf, len, reg, IAT + 1, &o, err,
	    sizeof(err)), 0);
	assert_string_equal(o.registry, "LPJK");
	assert_int_equal(o.iat, IAT);
	assert_int_equal(o.exp, EXP);
	assert_int_equal(o.n, tl.n);
	for (i = 0; i < tl.n; i++)
		assert_memory_equal(&o.v[i], &tl.v[i], sizeof(tl.v[i]));
	trustlist_release(&o);
	/* A relay without the registry's key still gets a checked list. */
	assert_int_equal(trustlist_open(buf, len, NULL, 0, &o, err,
	    sizeof(err)), 0);
	assert_int_equal(o.n, 2);
	trustlist_release(&o);
	free(buf);
	trustlist_release(&tl);
	sign_key_free(reg);
}

static void
test_wrong_key_and_tamper(void **state)
{
	struct trustlist	 tl, o;
	struct sign_key		*reg = key(9), *other = key(8);
	uint8_t			*buf, *at;
	size_t			 len;
	char			 err[256] = "";

	(void)state;
	parsed(&tl);
	assert_int_equal(trustlist_make(reg, &tl, &buf, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(trustlist_open(buf, len, other, IAT, &o, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "signature: by another key than the "
	    "registry's");
	trustlist_release(&o);
	at = memmem(buf, len, "Jambi", 5);
	assert_non_null(at);
	*at = 'j';
	assert_int_equal(trustlist_open(buf, len, reg, IAT, &o, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "signature: not valid");
	trustlist_release(&o);
	free(buf);
	trustlist_release(&tl);
	sign_key_free(reg);
	sign_key_free(other);
}

static void
test_dates(void **state)
{
	struct trustlist	 tl, o;
	struct sign_key		*reg = key(9);
	uint8_t			*buf;
	size_t			 len;
	char			 err[256] = "";

	(void)state;
	parsed(&tl);
	tl.iat = 1767225600;		/* 2026-01-01T00:00:00Z */
	tl.exp = tl.iat + 30 * 86400;	/* 2026-01-31T00:00:00Z */
	assert_int_equal(trustlist_make(reg, &tl, &buf, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(trustlist_open(buf, len, reg, tl.exp, &o, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "expired: valid from 2026-01-01T00:00:00Z "
	    "until 2026-01-31T00:00:00Z, and it is 2026-01-31T00:00:00Z");
	trustlist_release(&o);
	assert_int_equal(trustlist_open(buf, len, reg, tl.iat - 60, &o, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "not valid yet: valid from "
	    "2026-01-01T00:00:00Z until 2026-01-31T00:00:00Z, and it is "
	    "2025-12-31T23:59:00Z");
	trustlist_release(&o);
	assert_int_equal(trustlist_open(buf, len, reg, tl.iat, &o, err,
	    sizeof(err)), 0);
	trustlist_release(&o);
	free(buf);
	/* Nothing is signed that could never be valid. */
	tl.exp = tl.iat;
	assert_int_equal(trustlist_make(reg, &tl, &buf, &len, err,
	    sizeof(err)), -1);
	tl.exp = tl.iat + 1;
	tl.registry[0] = '\0';
	assert_int_equal(trustlist_make(reg, &tl, &buf, &len, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "registry: empty name");
	trustlist_release(&tl);
	sign_key_free(reg);
}

static void
test_wrong_typ_and_hostile(void **state)
{
	struct trustlist	 tl, o;
	struct sign_key		*reg = key(9);
	struct cose_sign1	 m;
	uint8_t			*buf, *other, *big;
	size_t			 len, olen, i;
	char			 err[256] = "";

	(void)state;
	parsed(&tl);
	assert_int_equal(trustlist_make(reg, &tl, &buf, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(cose_sign1_parse(buf, len, TL_SIZE_MAX,
	    COSE_TYP_TRUSTLIST, &m, NULL, 0), 0);
	assert_int_equal(cose_sign1_make(reg, COSE_TYP_ISSUER, m.payload,
	    m.payload_len, &other, &olen), 0);
	assert_int_equal(trustlist_open(other, olen, reg, IAT, &o, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "typ"));
	trustlist_release(&o);
	free(other);
	for (i = 0; i < len; i++) {
		assert_int_equal(trustlist_open(buf, i, NULL, 0, &o, err,
		    sizeof(err)), -1);
		trustlist_release(&o);
		buf[i] ^= 0x20;
		assert_int_not_equal(trustlist_open(buf, len, reg, IAT, &o,
		    err, sizeof(err)), 0);
		trustlist_release(&o);
		buf[i] ^= 0x20;
	}
	big = calloc(1, TL_SIZE_MAX + 1);
	memcpy(big, buf, len);
	assert_int_equal(trustlist_open(big, TL_SIZE_MAX + 1, NULL, 0, &o,
	    err, sizeof(err)), -1);
	trustlist_release(&o);
	free(big);
	free(buf);
	trustlist_release(&tl);
	sign_key_free(reg);
}

/* PROTOCOL.md §7.3, byte for byte. */
static const char vector_hex[] =
	    "d284582da301270448b62e867fa2f33afe10781d6170706c69636174696f6e2f"
	    "736b6b2d74727573746c6973742b637774a058caa3041a6b345600061a6b0cc9"
	    "003a00010004a2676973737565727381a46375726c7368747470733a2f2f6c73"
	    "702e6578616d706c65646e616d6578184c535020416c6174204265726174204e"
	    "7573616e74617261676c6963656e636570424e53502d4c53502d313233342d49"
	    "44676c6f675f6b657978456c73702e6578616d706c652f6c6f672b3737333931"
	    "6135322b4159714934393130436647562f564c624c54793658584c4b5a776d2f"
	    "485a5153472f4e306941473044323963687265676973747279644c504a4b5840"
	    "17f43ec46454254e180aa1bd148b18cc4552b097ce8fa54518f49f967c7bd51d"
	    "0dfab1ae2326d0adbe2e9b70a78f32c0c3477b9449fbf78873a585783c09fb03";

static void
test_vector(void **state)
{
	struct trustlist	 tl;
	struct sign_key		*reg = key(3);
	uint8_t			*buf;
	size_t			 len, i;
	char			 err[256] = "", *hex;

	(void)state;
	trustlist_init(&tl);
	tl.v = calloc(1, sizeof(*tl.v));
	tl.n = 1;
	snprintf(tl.registry, sizeof(tl.registry), "LPJK");
	tl.iat = 1796000000;
	tl.exp = tl.iat + 30 * 86400;
	snprintf(tl.v[0].url, sizeof(tl.v[0].url), "https://lsp.example");
	vkey(1, "lsp.example/log", tl.v[0].log_key, sizeof(tl.v[0].log_key));
	snprintf(tl.v[0].licence, sizeof(tl.v[0].licence), "BNSP-LSP-1234-ID");
	snprintf(tl.v[0].name, sizeof(tl.v[0].name),
	    "LSP Alat Berat Nusantara");
	assert_int_equal(trustlist_make(reg, &tl, &buf, &len, err,
	    sizeof(err)), 0);
	hex = malloc(2 * len + 1);
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", buf[i]);
	assert_string_equal(hex, vector_hex);
	free(hex);
	free(buf);
	trustlist_release(&tl);
	sign_key_free(reg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wrong_key_and_tamper),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_wrong_typ_and_hostile),
		cmocka_unit_test(test_vector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
