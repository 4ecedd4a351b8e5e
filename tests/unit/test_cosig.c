/* skkd — SPDX-License-Identifier: ISC */
/*
 * Witness cosignatures (cosignature/v1). The vector: the RFC 8032 §7.1
 * TEST 1 seed as witness key "witness.skk.example/w1" cosigning, at
 * 1767225600, the 8-leaf reference checkpoint of PROTOCOL.md §4.3. Key
 * id, key strings and line were computed independently with Python's
 * cryptography package (tests/data/cosig/vector.py); Ed25519 is
 * deterministic, so signing must reproduce the line byte for byte. Then
 * verification with the log's signature beside it, and tampering.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"
#include "cosig.h"
#include "hex.h"
#include "note.h"

#define SEED_HEX	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define W_NAME		"witness.skk.example/w1"
#define W_VKEY		"witness.skk.example/w1+c1adff8a+" \
			"BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"
#define W_SKEY		"PRIVATE+KEY+witness.skk.example/w1+c1adff8a+" \
			"BJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g"
#define W_TIME		1767225600
#define W_LINE		"\xe2\x80\x94 witness.skk.example/w1 wa3/igAAAABpVbkA7P" \
			"hbX0ox+S09u+Jq8qhQYfJ2ifqbPf8CGlosCwOg3zOFumYpg+HM+WD" \
			"UDRKu1m0VckxXAI4AIAUV+O5o80CzBw==\n"
#define CP_TEXT		"skk.example/log\n8\n" \
			"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
/* PROTOCOL.md §4.3: the log's own line and key (type 0x01). */
#define LOG_LINE	"\xe2\x80\x94 skk.example/log C4XWn5ny3R6n+axbhbl3HV5hS6E" \
			"xq6gwHkmfHsF8B98Jqxw94NOMHhqqVENYW2e8eUA7d6ESaofW8a1O" \
			"bUSD/P5Mrg4=\n"
#define LOG_VKEY	"skk.example/log+0b85d69f+" \
			"AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"
#define NOTE_OF(sigs)	CP_TEXT "\n" LOG_LINE sigs

static void
parse_ok(const char *s, struct note *nt)
{
	char	err[NOTE_ERR_MAX];

	if (note_parse(s, strlen(s), nt, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

/* The witness verifier key, or fails. */
static void
wkey(struct note_key *k)
{
	char	err[NOTE_ERR_MAX];

	if (cosig_vkey_parse(W_VKEY, k, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void
test_vector(void **state)
{
	struct note_key	k;
	uint8_t		seed[SIGN_SEED_LEN];
	char		buf[NOTE_KEY_MAX], line[NOTE_LINE_MAX + 16];

	assert_int_equal(hex_decode(SEED_HEX, 64, seed, sizeof(seed)), 32);
	assert_int_equal(cosig_skey_format(W_NAME, seed, buf, sizeof(buf)), 0);
	assert_string_equal(buf, W_SKEY);
	assert_int_equal(cosig_skey_parse(W_SKEY, &k, NULL, 0), 0);
	assert_int_equal(k.id, 0xc1adff8a);
	assert_int_equal(note_vkey_format(&k, buf, sizeof(buf)), 0);
	assert_string_equal(buf, W_VKEY);
	assert_int_equal(cosig_sign_line(&k, CP_TEXT, strlen(CP_TEXT), W_TIME,
	    line, sizeof(line)), 0);
	assert_string_equal(line, W_LINE);
	/* no zero timestamp, nothing past 2^63 - 1 */
	assert_int_equal(cosig_sign_line(&k, CP_TEXT, strlen(CP_TEXT), 0,
	    line, sizeof(line)), -1);
	assert_int_equal(cosig_sign_line(&k, CP_TEXT, strlen(CP_TEXT),
	    (uint64_t)INT64_MAX + 1, line, sizeof(line)), -1);
	note_key_release(&k);
}

static void
test_message(void **state)
{
	static const char	want[] = "cosignature/v1\ntime 1767225600\n"
				    CP_TEXT;
	uint8_t			*msg;
	size_t			 len;

	assert_int_equal(cosig_message(CP_TEXT, strlen(CP_TEXT), W_TIME, &msg,
	    &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(msg, want, len);
	free(msg);
}

static void
test_verify(void **state)
{
	struct note_key	w, lg;
	struct note	nt;
	size_t		good;
	uint64_t	t;
	char		err[NOTE_ERR_MAX];

	wkey(&w);
	assert_int_equal(note_vkey_parse(LOG_VKEY, &lg, NULL, 0), 0);
	parse_ok(NOTE_OF(W_LINE), &nt);
	/* the log's check ignores the cosignature, and the other way round */
	assert_int_equal(note_verify(&nt, &lg, 1, err, sizeof(err)), 0);
	assert_int_equal(cosig_verify(&nt, &w, 1, &good, &t, err,
	    sizeof(err)), 0);
	assert_int_equal(good, 1);
	assert_int_equal(t, W_TIME);
	/* a key's second line counts once */
	parse_ok(NOTE_OF(W_LINE W_LINE), &nt);
	assert_int_equal(cosig_verify(&nt, &w, 1, &good, &t, NULL, 0), 0);
	assert_int_equal(good, 1);
	/* no cosignature: 0 good, not an error */
	parse_ok(NOTE_OF(""), &nt);
	assert_int_equal(cosig_verify(&nt, &w, 1, &good, &t, NULL, 0), 0);
	assert_int_equal(good, 0);
	assert_int_equal(t, 0);
	note_key_release(&w);
	note_key_release(&lg);
}

/* The note with W_LINE's payload replaced by id || t || sig. */
static void
forged(uint32_t id, uint64_t t, const uint8_t sig[64], const char *text,
    char *out, size_t outlen)
{
	uint8_t	raw[76];
	char	b64[112];
	int	i;

	for (i = 0; i < 4; i++)
		raw[i] = (uint8_t)(id >> (24 - 8 * i));
	for (i = 0; i < 8; i++)
		raw[4 + i] = (uint8_t)(t >> (56 - 8 * i));
	memcpy(raw + 12, sig, 64);
	assert_int_equal(base64_encode(raw, 76, b64, sizeof(b64)), 0);
	snprintf(out, outlen, "%s\n%s\xe2\x80\x94 " W_NAME " %s\n", text,
	    LOG_LINE, b64);
}

static void
test_tamper(void **state)
{
	struct note_key	w;
	struct note	nt;
	uint8_t		raw[80], sig[64];
	size_t		good, bad;
	uint64_t	t;
	char		buf[1024], b64s[100], err[NOTE_ERR_MAX];
	const char	*b64 = strchr(W_LINE + 4, ' ') + 1;

	wkey(&w);
	assert_int_equal(base64_decode(b64, strlen(b64) - 1, raw, sizeof(raw),
	    &bad), 76);
	memcpy(sig, raw + 12, 64);
	/* another time than the one signed */
	forged(0xc1adff8a, W_TIME + 1, sig, CP_TEXT, buf, sizeof(buf));
	parse_ok(buf, &nt);
	assert_int_equal(cosig_verify(&nt, &w, 1, &good, &t, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "line 6: cosignature by " W_NAME
	    " does not verify"));
	/* another checkpoint: size 9 */
	forged(0xc1adff8a, W_TIME, sig, "skk.example/log\n9\n"
	    "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", buf, sizeof(buf));
	parse_ok(buf, &nt);
	assert_int_equal(cosig_verify(&nt, &w, 1, &good, &t, NULL, 0), -1);
	/* zero timestamp */
	forged(0xc1adff8a, 0, sig, CP_TEXT, buf, sizeof(buf));
	parse_ok(buf, &nt);
	assert_int_equal(cosig_verify(&nt, &w, 1, &good, &t, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "timestamp 0"));
	/* another key id under the name: not this key's line, ignored */
	forged(0xc1adff8b, W_TIME + 1, sig, CP_TEXT, buf, sizeof(buf));
	parse_ok(buf, &nt);
	assert_int_equal(cosig_verify(&nt, &w, 1, &good, &t, NULL, 0), 0);
	assert_int_equal(good, 0);
	/* a plain note signature (4 + 64 bytes) under the witness's id */
	raw[0] = 0xc1; raw[1] = 0xad; raw[2] = 0xff; raw[3] = 0x8a;
	memcpy(raw + 4, sig, 64);
	assert_int_equal(base64_encode(raw, 68, b64s, sizeof(b64s)), 0);
	snprintf(buf, sizeof(buf), "%s\xe2\x80\x94 " W_NAME " %s\n",
	    NOTE_OF(""), b64s);
	parse_ok(buf, &nt);
	assert_int_equal(cosig_verify(&nt, &w, 1, &good, &t, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "not 4 + 8 + 64 bytes"));
	note_key_release(&w);
}

static void
test_keys(void **state)
{
	struct note_key	k;
	char		err[NOTE_ERR_MAX];

	/* the log's key (type 0x01) is no witness key, and the other way */
	assert_int_equal(cosig_vkey_parse(LOG_VKEY, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "type 0x01, expected 0x04"));
	assert_int_equal(note_vkey_parse(W_VKEY, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "type 0x04, expected 0x01"));
	/* an id that is not the key's */
	assert_int_equal(cosig_vkey_parse("witness.skk.example/w1+c1adff8b+"
	    "BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea", &k, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "c1adff8b written, the key gives "
	    "c1adff8a"));
	/* a verifier key is no signer, a signer key needs its tag */
	assert_int_equal(cosig_skey_parse(W_VKEY, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PRIVATE+KEY+"));
	/* the name takes part: same key, other name, other id */
	assert_int_equal(cosig_vkey_parse("witness.skk.example/w2+c1adff8a+"
	    "BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea", &k, NULL, 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
