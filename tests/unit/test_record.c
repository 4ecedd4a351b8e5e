/* skkd — SPDX-License-Identifier: ISC */
/*
 * The record and event codecs: round trips field by field, determinism,
 * known-answer bytes, and refusal of every kind of bad input with the
 * error a user will see.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"
#include "record.h"

static size_t	unhex(const char *, uint8_t *, size_t);
static char	*tohex(const uint8_t *, size_t);
static void	cert_full(struct cert *);
static void	cert_small(struct cert *);
static void	event_full(struct cert_event *);
static void	expect_record_err(const char *, const char *);
static void	expect_event_err(const char *, const char *);

/* Hex with spaces between the bytes, as the CBOR listings write it. */
static size_t
unhex(const char *hex, uint8_t *out, size_t max)
{
	char	buf[4096];
	size_t	n = 0;
	ssize_t	len;

	for (; *hex != '\0'; hex++) {
		assert_true(n < sizeof(buf));
		if (*hex != ' ')
			buf[n++] = *hex;
	}
	len = hex_decode(buf, n, out, max);
	assert_true(len >= 0);
	return (size_t)len;
}

static char *
tohex(const uint8_t *p, size_t n)
{
	char	*s;

	s = malloc(2 * n + 1);
	assert_non_null(s);
	hex_encode(p, n, s);
	return s;
}

static void
fill(char *dst, size_t len, char c)
{
	memset(dst, c, len);
	dst[len] = '\0';
}

/* Every field set, every string at its maximum length. */
static void
cert_full(struct cert *c)
{
	int	i;

	memset(c, 0, sizeof(*c));
	strcpy(c->number, "42101 8342 3 00000123 2025");
	fill(c->lsp_regno, CERT_SHORT_MAX, 'L');
	fill(c->lpjk_regno, CERT_SHORT_MAX, 'P');
	fill(c->blank_no, CERT_SHORT_MAX, 'B');
	for (i = 0; i < 60; i++)
		memcpy(c->name + 2 * i, "\xc4\x81", 2);
	for (i = 0; i < CERT_HMAC_LEN; i++)
		c->nik_hmac[i] = (uint8_t)(0xff - i);
	fill(c->photo_ref, CERT_TEXT_MAX, 'f');
	strcpy(c->job_code, "ME061001");
	fill(c->job_title_id, CERT_TEXT_MAX, 'j');
	fill(c->job_title_en, CERT_TEXT_MAX, 'J');
	fill(c->klasifikasi, CERT_SHORT_MAX, 'k');
	fill(c->subklasifikasi, CERT_SHORT_MAX, 's');
	c->kualifikasi = CERT_AHLI;
	c->jenjang = 8;
	c->nunits = CERT_UNITS_MAX;
	for (i = 0; i < CERT_UNITS_MAX; i++)
		fill(c->units[i], CERT_UNIT_MAX, (char)('a' + i));
	fill(c->issuer_name, CERT_TEXT_MAX, 'i');
	fill(c->issuer_licence, CERT_SHORT_MAX, 'l');
	fill(c->organiser, CERT_TEXT_MAX, 'o');
	fill(c->event, CERT_TEXT_MAX, 'e');
	c->assessed = 20435;
	fill(c->assess_place, CERT_TEXT_MAX, 'p');
	c->issued = 20437;
	c->expires = INT32_MAX;
	c->apptype = CERT_APP_RENEWAL;
	strcpy(c->predecessor, "42101 8342 3 00000001 2020");
	strcpy(c->successor, "42101 8342 3 00000999 2030");
	c->status = CERT_REPLACED;
	c->status_at = INT64_MIN;
	memcpy(c->kid, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
}

/* What the daemon stores for a typical freshly issued certificate. */
static void
cert_small(struct cert *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->number, "42101 8342 3 00000123 2025");
	strcpy(c->name, "Budi");
	strcpy(c->job_code, "ME063096");
	c->jenjang = 3;
	c->issued = 20437;		/* 2025-12-15 */
	c->expires = 22262;		/* 2030-12-14 */
	c->status = CERT_ACTIVE;
}

static void
event_full(struct cert_event *e)
{
	memset(e, 0, sizeof(*e));
	e->seq = UINT64_MAX;
	e->at = -1;
	strcpy(e->number, "42101 8342 3 00000123 2025");
	e->kind = EVENT_RENEW;
	e->status = CERT_REPLACED;
	fill(e->actor, CERT_TEXT_MAX, 'a');
	fill(e->serial, CERT_SHORT_MAX, '0');
	fill(e->reason, CERT_TEXT_MAX, 'r');
	fill(e->detail, CERT_TEXT_MAX, 'd');
}

static void
expect_record_err(const char *hex, const char *want)
{
	uint8_t		buf[512];
	struct cert	c;
	char		err[CERT_ERR_MAX] = "";
	size_t		n;

	n = unhex(hex, buf, sizeof(buf));
	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(record_decode(buf, n, &c, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(c.number[0], 0);
	assert_int_equal(c.jenjang, 0);
}

static void
expect_event_err(const char *hex, const char *want)
{
	uint8_t			buf[512];
	struct cert_event	e;
	char			err[CERT_ERR_MAX] = "";
	size_t			n;

	n = unhex(hex, buf, sizeof(buf));
	assert_int_equal(event_decode(buf, n, &e, err, sizeof(err)), -1);
	assert_string_equal(err, want);
}

static void
round_trip(const struct cert *in)
{
	struct cert	out;
	uint8_t		*b1, *b2;
	size_t		 n1, n2;
	char		 err[CERT_ERR_MAX] = "";

	assert_int_equal(record_encode(in, &b1, &n1), 0);
	memset(&out, 0xa5, sizeof(out));
	assert_int_equal(record_decode(b1, n1, &out, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_memory_equal(&out, in, sizeof(out));
	assert_int_equal(record_encode(&out, &b2, &n2), 0);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	free(b1);
	free(b2);
}

static void
test_round_trip_full(void **state)
{
	struct cert	c, d;
	uint8_t		*b;
	size_t		 n;
	char		 err[CERT_ERR_MAX];

	cert_full(&c);
	round_trip(&c);
	assert_int_equal(record_encode(&c, &b, &n), 0);
	assert_int_equal(record_decode(b, n, &d, err, sizeof(err)), 0);
	assert_string_equal(d.name, c.name);
	assert_string_equal(d.units[15], "pppppppppppppppppppppppp");
	assert_int_equal(d.nunits, 16);
	assert_int_equal(d.expires, INT32_MAX);
	assert_true(d.status_at == INT64_MIN);
	assert_memory_equal(d.kid, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	free(b);
}

static void
test_round_trip_minimal(void **state)
{
	struct cert	c;
	uint8_t		*b;
	size_t		 n;

	cert_small(&c);
	round_trip(&c);
	memset(&c, 0, sizeof(c));
	round_trip(&c);
	assert_int_equal(record_encode(&c, &b, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(b, "\xa1\x00\x01", 3);
	free(b);
	/* Negative dates and status times survive too. */
	cert_small(&c);
	c.assessed = -1;
	c.issued = INT32_MIN;
	c.status_at = -1765800000;
	round_trip(&c);
}

/* A typical record, with all its optional texts, stays well under 600. */
static void
test_size_typical(void **state)
{
	struct cert	c;
	uint8_t		*b;
	size_t		 n;

	cert_small(&c);
	strcpy(c.name, "Muhammad Rizky Pratama Saputra");
	strcpy(c.lsp_regno, "F 12345 00042 2025");
	strcpy(c.lpjk_regno, "2025-LPJK-1234567890");
	memset(c.nik_hmac, 0x77, sizeof(c.nik_hmac));
	strcpy(c.job_title_id, "Operator Bulldozer");
	strcpy(c.job_title_en, "Bulldozer Operator");
	strcpy(c.klasifikasi, "Mekanikal");
	strcpy(c.subklasifikasi, "Alat Berat");
	c.nunits = 3;
	strcpy(c.units[0], "F.45ALT00.001.1");
	strcpy(c.units[1], "F.45ALT00.002.1");
	strcpy(c.units[2], "F.45ALT00.003.1");
	strcpy(c.issuer_name, "LSP Konstruksi Alat Berat Indonesia");
	strcpy(c.issuer_licence, "BNSP-LSP-1234-ID");
	strcpy(c.organiser, "Dinas PUPR Kabupaten Muaro Jambi");
	strcpy(c.event, "BIMTEK Operator Alat Berat, 2025-12-15");
	c.assessed = 20435;
	strcpy(c.assess_place, "Sengeti, Muaro Jambi");
	c.status_at = 1765800000;
	memset(c.kid, 0x42, sizeof(c.kid));
	assert_int_equal(record_encode(&c, &b, &n), 0);
	print_message("# typical record: %zu bytes\n", n);
	assert_true(n < 500);
	free(b);
}

static void
test_determinism(void **state)
{
	struct cert	c, d;
	uint8_t		*b1, *b2, *b3;
	size_t		 n1, n2, n3;
	char		 err[CERT_ERR_MAX];

	cert_full(&c);
	assert_int_equal(record_encode(&c, &b1, &n1), 0);
	assert_int_equal(record_encode(&c, &b2, &n2), 0);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	assert_int_equal(record_decode(b1, n1, &d, err, sizeof(err)), 0);
	assert_int_equal(record_encode(&d, &b3, &n3), 0);
	assert_int_equal(n1, n3);
	assert_memory_equal(b1, b3, n1);
	free(b1);
	free(b2);
	free(b3);
}

/*
 * Canonical bytes, worked by hand from RFC 8949: map(8), then key/value
 * pairs in key order, heads in their shortest form.
 */
static void
test_known_answer(void **state)
{
	static const char	want[] =
	    "a8"					/* map, 8 pairs */
	    "0001"					/* 0: version 1 */
	    "01781a" "34323130312038333432203320"	/* 1: number */
	    "303030303031323320323032" "35"
	    "0564" "42756469"				/* 5: "Budi" */
	    "0868" "4d45303633303936"			/* 8: job code */
	    "0e03"					/* 14: jenjang */
	    "16194fd5"					/* 22: 20437 */
	    "171956f6"					/* 23: 22262 */
	    "181b01";					/* 27: active */
	struct cert	c;
	uint8_t		*b;
	size_t		 n;
	char		*hex;

	cert_small(&c);
	assert_int_equal(record_encode(&c, &b, &n), 0);
	hex = tohex(b, n);
	assert_string_equal(hex, want);
	free(hex);
	free(b);
}

/* Every proper prefix of a valid encoding is refused. */
static void
test_truncated(void **state)
{
	struct cert		c;
	struct cert_event	e;
	uint8_t			*b;
	size_t			 n, i;
	char			 err[CERT_ERR_MAX];

	cert_full(&c);
	assert_int_equal(record_encode(&c, &b, &n), 0);
	for (i = 0; i < n; i++) {
		err[0] = '\0';
		assert_int_equal(record_decode(b, i, &c, err, sizeof(err)),
		    -1);
		assert_true(strncmp(err, "record: ", 8) == 0);
	}
	free(b);
	event_full(&e);
	assert_int_equal(event_encode(&e, &b, &n), 0);
	for (i = 0; i < n; i++) {
		err[0] = '\0';
		assert_int_equal(event_decode(b, i, &e, err, sizeof(err)), -1);
		assert_true(strncmp(err, "event: ", 7) == 0);
	}
	free(b);
	expect_record_err("", "record: empty input");
	expect_record_err("a2 00 01 05", "record: truncated CBOR");
	expect_record_err("a2 00 01 05 64 42 75", "record: truncated CBOR");
}

static void
test_bad_structure(void **state)
{
	expect_record_err("80", "record: not a CBOR map");
	expect_record_err("01", "record: not a CBOR map");
	expect_record_err("64 42 75 64 69", "record: not a CBOR map");
	expect_record_err("c1 a1 00 01", "record: not a CBOR map");
	expect_record_err("a1 00 01 00", "record: trailing bytes");
	expect_record_err("a1 00 01 a1 00 01", "record: trailing bytes");
	expect_record_err("bf 00 01 ff", "record: indefinite-length item");
	expect_record_err("a2 00 01 05 7f 61 41 ff",
	    "record: indefinite-length item");
	expect_record_err("a2 00 01 06 5f 41 00 ff",
	    "record: indefinite-length item");
	expect_record_err("a2 00 01 0f 9f ff",
	    "record: indefinite-length item");
	expect_record_err("ff", "record: indefinite-length item");
	expect_record_err("81 81 81 81 81 00",
	    "record: CBOR nested too deeply");
	expect_record_err("9b ff ff ff ff ff ff ff ff",
	    "record: malformed CBOR (count exceeds input)");
	expect_record_err("bb 00 00 00 01 00 00 00 00 00 01",
	    "record: malformed CBOR (count exceeds input)");
	expect_record_err("a3 00 01", "record: malformed CBOR (count exceeds "
	    "input)");
	expect_record_err("1c", "record: malformed CBOR");
	expect_record_err("a1 00 01 1f", "record: trailing bytes");
}

static void
test_bad_version(void **state)
{
	expect_record_err("a1 00 02", "record: version 2 not supported");
	expect_record_err("a1 00 00", "record: version 0 not supported");
	expect_record_err("a1 00 1b ff ff ff ff ff ff ff ff",
	    "record: version 18446744073709551615 not supported");
	expect_record_err("a1 00 20",
	    "record: version is not an unsigned integer");
	expect_record_err("a0", "record: missing version");
	expect_record_err("a1 05 64 42 75 64 69", "record: missing version");
	/* The version is found wherever it sits. */
	expect_record_err("a2 05 64 42 75 64 69 00 02",
	    "record: version 2 not supported");
}

static void
test_bad_types(void **state)
{
	expect_record_err("a2 00 01 05 01",
	    "record: field 5 (name) is not a text string");
	expect_record_err("a2 00 01 05 44 42 75 64 69",
	    "record: field 5 (name) is not a text string");
	expect_record_err("a2 00 01 0e 61 33",
	    "record: field 14 (level) is not an integer in range");
	expect_record_err("a2 00 01 0e 19 01 00",
	    "record: field 14 (level) is not an integer in range");
	expect_record_err("a2 00 01 0e 20",
	    "record: field 14 (level) is not an integer in range");
	expect_record_err("a2 00 01 16 1a 80 00 00 00",
	    "record: field 22 (issued) is not an integer in range");
	expect_record_err("a2 00 01 16 3a 80 00 00 00",
	    "record: field 22 (issued) is not an integer in range");
	expect_record_err("a2 00 01 16 c1 01",
	    "record: field 22 (issued) is not an integer in range");
	expect_record_err("a2 00 01 16 f9 3c 00",
	    "record: field 22 (issued) is not an integer in range");
	expect_record_err("a2 00 01 18 1c 1b 80 00 00 00 00 00 00 00",
	    "record: field 28 (status_at) is not an integer in range");
	expect_record_err("a2 00 01 06 41 00",
	    "record: field 6 (nik_hmac) is not a byte string of 32 bytes");
	expect_record_err("a2 00 01 18 1d 47 00 00 00 00 00 00 00",
	    "record: field 29 (kid) is not a byte string of 8 bytes");
	expect_record_err("a2 00 01 0f 61 41",
	    "record: field 15 (units) is not an array");
	expect_record_err("a2 00 01 0f 82 61 41 01",
	    "record: field 15 (units) entry 2 is not a text string");
	expect_record_err("a2 00 01 05 f6",
	    "record: field 5 (name) is not a text string");
}

static void
test_bad_sizes(void **state)
{
	char	hex[1024], *p;
	int	i;

	/* name: 121 bytes */
	p = hex + sprintf(hex, "a2 00 01 05 78 79 ");
	for (i = 0; i < 121; i++)
		p += sprintf(p, "41");
	expect_record_err(hex, "record: name longer than 120 bytes");
	hex[16] = '8';		/* 0x79 -> 0x78: 120 bytes, accepted */
	p[-2] = '\0';
	{
		uint8_t		buf[512];
		struct cert	c;
		char		err[CERT_ERR_MAX];
		size_t		n = unhex(hex, buf, sizeof(buf));

		assert_int_equal(record_decode(buf, n, &c, err, sizeof(err)),
		    0);
		assert_int_equal(strlen(c.name), 120);
	}
	expect_record_err("a2 00 01 01 78 1b 3131313131313131313131313131"
	    "31313131313131313131313131", "record: number longer than 26 bytes");
	expect_record_err("a2 00 01 08 69 4d 45 30 36 33 30 39 36 36",
	    "record: job_code longer than 8 bytes");
	/* units: 17 entries, and one entry of 25 bytes */
	p = hex + sprintf(hex, "a2 00 01 0f 91 ");
	for (i = 0; i < 17; i++)
		p += sprintf(p, "61 41 ");
	expect_record_err(hex, "record: units has more than 16 entries");
	p = hex + sprintf(hex, "a2 00 01 0f 81 78 19 ");
	for (i = 0; i < 25; i++)
		p += sprintf(p, "55");
	expect_record_err(hex, "record: units entry longer than 24 bytes");
	expect_record_err("a2 00 01 05 63 41 00 42",
	    "record: name contains a NUL byte");
	expect_record_err("a2 00 01 0f 81 62 55 00",
	    "record: units entry contains a NUL byte");
}

static void
test_bad_keys(void **state)
{
	expect_record_err("a2 00 01 18 4d 00", "record: unknown field 77");
	expect_record_err("a2 00 01 18 1e 00", "record: unknown field 30");
	expect_record_err("a2 00 01 1b ff ff ff ff ff ff ff ff 00",
	    "record: unknown field 18446744073709551615");
	expect_record_err("a2 00 01 61 61 00",
	    "record: map key is not an unsigned integer");
	expect_record_err("a2 00 01 20 00",
	    "record: map key is not an unsigned integer");
	expect_record_err("a3 00 01 05 61 41 05 61 42",
	    "record: duplicate field 5 (name)");
	expect_record_err("a2 00 01 00 01", "record: duplicate field 0 "
	    "(version)");
	/* Non-shortest heads still name the same key: a duplicate. */
	expect_record_err("a3 00 01 0e 03 18 0e 03",
	    "record: duplicate field 14 (level)");
}

/* Text must be UTF-8 wherever it sits, as the builder of libcbor had it. */
static void
test_bad_utf8(void **state)
{
	expect_record_err("a2 00 01 05 62 c3 28",
	    "record: malformed CBOR (invalid UTF-8)");
	expect_record_err("a2 00 01 05 62 c0 80",		/* overlong */
	    "record: malformed CBOR (invalid UTF-8)");
	expect_record_err("a2 00 01 05 63 ed a0 80",		/* surrogate */
	    "record: malformed CBOR (invalid UTF-8)");
	expect_record_err("a2 00 01 05 64 f4 90 80 80",	/* > U+10FFFF */
	    "record: malformed CBOR (invalid UTF-8)");
	expect_record_err("a2 00 01 05 61 c4",			/* cut short */
	    "record: malformed CBOR (invalid UTF-8)");
	expect_record_err("a2 00 01 0f 82 61 41 61 80",
	    "record: malformed CBOR (invalid UTF-8)");
	expect_event_err("a2 00 01 06 61 ff",
	    "event: malformed CBOR (invalid UTF-8)");
	/* Even in a key or a field that is not known. */
	expect_record_err("a2 00 01 61 ff 00",
	    "record: malformed CBOR (invalid UTF-8)");
	expect_record_err("a2 00 01 18 4d 61 ff",
	    "record: malformed CBOR (invalid UTF-8)");
}

/* Odd input gets one reason, the same whatever order the items come in. */
static void
test_error_order(void **state)
{
	/* Structure first, though the bad text or field comes before. */
	expect_record_err("a2 05 61 ff 00", "record: truncated CBOR");
	expect_record_err("a1 05 61 ff 00", "record: trailing bytes");
	expect_record_err("a2 05 01 00 9f ff",
	    "record: indefinite-length item");
	/* Then the UTF-8 of any text, then the top being a map. */
	expect_record_err("82 01 61 ff",
	    "record: malformed CBOR (invalid UTF-8)");
	/* Then the version, wherever it sits, then the first bad pair. */
	expect_record_err("a2 05 01 00 02", "record: version 2 not supported");
	expect_record_err("a2 05 01 18 4d 00", "record: missing version");
	expect_record_err("a3 05 01 18 4d 00 00 01",
	    "record: field 5 (name) is not a text string");
	expect_record_err("a3 00 01 18 4d 00 05 01",
	    "record: unknown field 77");
	/* A bad value inside a container leaves the pairs after it alone. */
	expect_record_err("a3 00 01 0f 81 82 01 02 05 61 41",
	    "record: field 15 (units) entry 1 is not a text string");
}

/* Out of key order or with non-shortest heads: read, then canonicalised. */
static void
test_lenient_order(void **state)
{
	uint8_t		buf[64], *b;
	struct cert	c;
	char		err[CERT_ERR_MAX];
	size_t		n, m;

	n = unhex("a3 0e 03 19 00 00 01 05 7a 00 00 00 01 41", buf,
	    sizeof(buf));
	assert_int_equal(record_decode(buf, n, &c, err, sizeof(err)), 0);
	assert_int_equal(c.jenjang, 3);
	assert_string_equal(c.name, "A");
	assert_int_equal(record_encode(&c, &b, &m), 0);
	assert_int_equal(m, 8);
	assert_memory_equal(b, "\xa3\x00\x01\x05\x61\x41\x0e\x03", 8);
	free(b);
	/* Explicit empty and zero values equal absent ones. */
	n = unhex("a4 00 01 05 60 0e 00 0f 80", buf, sizeof(buf));
	assert_int_equal(record_decode(buf, n, &c, err, sizeof(err)), 0);
	assert_int_equal(record_encode(&c, &b, &m), 0);
	assert_int_equal(m, 3);
	free(b);
}

static void
test_event_round_trip(void **state)
{
	struct cert_event	e, d;
	uint8_t			*b1, *b2;
	size_t			 n1, n2;
	char			 err[CERT_ERR_MAX] = "";

	event_full(&e);
	assert_int_equal(event_encode(&e, &b1, &n1), 0);
	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(event_decode(b1, n1, &d, err, sizeof(err)), 0);
	assert_memory_equal(&d, &e, sizeof(d));
	assert_int_equal(event_encode(&d, &b2, &n2), 0);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	free(b1);
	free(b2);
	memset(&e, 0, sizeof(e));
	assert_int_equal(event_encode(&e, &b1, &n1), 0);
	assert_int_equal(n1, 3);
	assert_int_equal(event_decode(b1, n1, &d, err, sizeof(err)), 0);
	assert_memory_equal(&d, &e, sizeof(d));
	free(b1);
}

static void
test_event_known_answer(void **state)
{
	struct cert_event	e;
	uint8_t			*b;
	size_t			 n;
	char			*hex;

	memset(&e, 0, sizeof(e));
	e.seq = 1000;
	e.at = 1765800000;
	strcpy(e.number, "42101 8342 3 00000123 2025");
	e.kind = EVENT_LPJK;
	e.status = CERT_ACTIVE;
	strcpy(e.actor, "CN=admin");
	strcpy(e.detail, "L1");
	assert_int_equal(event_encode(&e, &b, &n), 0);
	hex = tohex(b, n);
	assert_string_equal(hex, "a8" "0001" "011903e8" "021a693ff840"
	    "03781a" "3432313031203833343220332030303030303132332032303235"
	    "0403" "0501" "0668" "434e3d61646d696e" "0962" "4c31");
	free(hex);
	free(b);
}

static void
test_event_bad(void **state)
{
	struct cert	c;
	uint8_t		*b;
	size_t		 n;
	char		 err[CERT_ERR_MAX];
	struct cert_event e;

	expect_event_err("a1 00 02", "event: version 2 not supported");
	expect_event_err("80", "event: not a CBOR map");
	expect_event_err("a1 00 01 00", "event: trailing bytes");
	expect_event_err("a2 00 01 0a 00", "event: unknown field 10");
	expect_event_err("a3 00 01 04 01 04 02",
	    "event: duplicate field 4 (kind)");
	expect_event_err("a2 00 01 01 20",
	    "event: field 1 (seq) is not an integer in range");
	expect_event_err("a2 00 01 06 01",
	    "event: field 6 (actor) is not a text string");
	expect_event_err("a2 00 01 07 78 29 "
	    "3030303030303030303030303030303030303030"
	    "3030303030303030303030303030303030303030" "30",
	    "event: serial longer than 40 bytes");
	/* A record is not an event. */
	cert_small(&c);
	assert_int_equal(record_encode(&c, &b, &n), 0);
	assert_int_equal(event_decode(b, n, &e, err, sizeof(err)), -1);
	assert_string_equal(err, "event: field 1 (seq) is not an integer "
	    "in range");
	free(b);
	assert_string_equal(event_kind_name(EVENT_ISSUE), "issue");
	assert_string_equal(event_kind_name(EVENT_STATUS), "status");
	assert_string_equal(event_kind_name(EVENT_LPJK), "lpjk");
	assert_string_equal(event_kind_name(EVENT_RENEW), "renew");
	assert_string_equal(event_kind_name(EVENT_RESIGN), "resign");
	assert_string_equal(event_kind_name(EVENT_BLANK), "blank");
	assert_string_equal(event_kind_name(EVENT_BLANK_VOID), "blank-void");
	assert_string_equal(event_kind_name(EVENT_CORRECT), "correct");
	assert_string_equal(event_kind_name(EVENT_CORRECT_REQUEST),
	    "correct-request");
	assert_string_equal(event_kind_name(0), "invalid");
	assert_string_equal(event_kind_name(EVENT_KIND_MAX), "invalid");
}

/* A short error buffer is filled as far as it goes, never overrun. */
static void
test_error_buffer(void **state)
{
	uint8_t		buf[] = { 0xa1, 0x00, 0x02 };
	struct cert	c;
	char		err[8];

	assert_int_equal(record_decode(buf, sizeof(buf), &c, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "record:");
	assert_int_equal(record_decode(buf, sizeof(buf), &c, NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_round_trip_full),
		cmocka_unit_test(test_round_trip_minimal),
		cmocka_unit_test(test_size_typical),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_structure),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_bad_types),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_error_order),
		cmocka_unit_test(test_lenient_order),
		cmocka_unit_test(test_event_round_trip),
		cmocka_unit_test(test_event_known_answer),
		cmocka_unit_test(test_event_bad),
		cmocka_unit_test(test_error_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
