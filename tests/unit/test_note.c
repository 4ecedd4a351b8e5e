/* skkd — SPDX-License-Identifier: ISC */
/*
 * Signed notes and checkpoints: the C2SP signed-note example, the
 * PeterNeumann key and note of golang.org/x/mod/sumdb/note (signing must
 * reproduce its line byte for byte: Ed25519 is deterministic), a
 * checkpoint of the RFC 6962 reference tree signed with the RFC 8032
 * TEST 1 key, round trips, and every way a note or checkpoint is refused.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checkpoint.h"
#include "hex.h"
#include "note.h"

#define C2SP_VKEY	"example.com/foo+530d903a+" \
			"AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
#define C2SP_NOTE	"This is an example message.\n\n" \
			"\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1T" \
			"nagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwH" \
			"jG1Yu72IneyaQM=\n"
#define PN_SKEY		"PRIVATE+KEY+PeterNeumann+c74f20a3+" \
			"AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define PN_VKEY		"PeterNeumann+c74f20a3+" \
			"ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define PN_TEXT		"If you think cryptography is the answer to your " \
			"problem,\nthen you don't know what your problem is.\n"
#define PN_LINE		"\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQx" \
			"VBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb" \
			"6KE6RyyBwJnAM=\n"
/* RFC 8032 §7.1 TEST 1 as a log key; the 8-leaf reference tree's root. */
#define LOG_SEED	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define LOG_NAME	"skk.example/log"
#define REF_ROOT	"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="
/* PROTOCOL.md §4.3: that checkpoint, signed, and the log's vkey. */
#define LOG_LINE	"\xe2\x80\x94 skk.example/log C4XWn5ny3R6n+axbhbl3HV5hS6E" \
			"xq6gwHkmfHsF8B98Jqxw94NOMHhqqVENYW2e8eUA7d6ESaofW8a1O" \
			"bUSD/P5Mrg4=\n"
#define LOG_VKEY	"skk.example/log+0b85d69f+" \
			"AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"

static void
seed_of(const char *hex, uint8_t seed[SIGN_SEED_LEN])
{
	assert_int_equal(hex_decode(hex, strlen(hex), seed, SIGN_SEED_LEN),
	    SIGN_SEED_LEN);
}

static void
test_c2sp_example(void **state)
{
	struct note_key	k;
	struct note	nt;
	char		err[NOTE_ERR_MAX], out[NOTE_KEY_MAX];

	assert_int_equal(note_vkey_parse(C2SP_VKEY, &k, err, sizeof(err)), 0);
	assert_int_equal(k.id, 0x530d903a);
	assert_int_equal(note_vkey_format(&k, out, sizeof(out)), 0);
	assert_string_equal(out, C2SP_VKEY);
	assert_int_equal(note_parse(C2SP_NOTE, strlen(C2SP_NOTE), &nt, err,
	    sizeof(err)), 0);
	assert_int_equal(nt.nsig, 1);
	assert_int_equal(nt.textlen, strlen("This is an example message.\n"));
	assert_int_equal(note_verify(&nt, &k, 1, err, sizeof(err)), 0);
	note_key_release(&k);
}

static void
test_peter_neumann(void **state)
{
	struct note_key	s, v;
	struct note	nt;
	char		err[NOTE_ERR_MAX], buf[1024], key[NOTE_KEY_MAX];
	size_t		len;

	assert_int_equal(note_skey_parse(PN_SKEY, &s, err, sizeof(err)), 0);
	assert_int_equal(note_vkey_parse(PN_VKEY, &v, err, sizeof(err)), 0);
	assert_int_equal(s.id, 0xc74f20a3);
	assert_int_equal(note_vkey_format(&s, key, sizeof(key)), 0);
	assert_string_equal(key, PN_VKEY);
	assert_int_equal(note_sign(&s, PN_TEXT, strlen(PN_TEXT), buf,
	    sizeof(buf), &len), 0);
	assert_string_equal(buf, PN_TEXT "\n" PN_LINE);
	assert_int_equal(len, strlen(buf));
	assert_int_equal(note_parse(buf, len, &nt, err, sizeof(err)), 0);
	assert_int_equal(note_verify(&nt, &v, 1, err, sizeof(err)), 0);
	/* A verifier key cannot sign. */
	assert_int_equal(note_sign(&v, PN_TEXT, strlen(PN_TEXT), buf,
	    sizeof(buf), &len), -1);
	note_key_release(&s);
	note_key_release(&v);
}

static void
test_key_round_trip(void **state)
{
	struct note_key	k, back;
	uint8_t		seed[SIGN_SEED_LEN];
	char		skey[NOTE_KEY_MAX], vkey[NOTE_KEY_MAX], err[NOTE_ERR_MAX];

	seed_of(LOG_SEED, seed);
	assert_int_equal(note_skey_format(LOG_NAME, seed, skey, sizeof(skey)),
	    0);
	assert_int_equal(note_skey_parse(skey, &k, err, sizeof(err)), 0);
	assert_int_equal(note_vkey_format(&k, vkey, sizeof(vkey)), 0);
	assert_int_equal(note_vkey_parse(vkey, &back, err, sizeof(err)), 0);
	assert_int_equal(back.id, k.id);
	assert_string_equal(back.name, LOG_NAME);
	assert_memory_equal(sign_key_public(back.key), sign_key_public(k.key),
	    SIGN_PUB_LEN);
	note_key_release(&k);
	note_key_release(&back);
	/* No room, or a name with a space. */
	assert_int_equal(note_skey_format(LOG_NAME, seed, skey, 20), -1);
	assert_int_equal(note_skey_format("a b", seed, skey, sizeof(skey)), -1);
}

static void
assert_bad_key(const char *s, int priv, const char *want)
{
	struct note_key	k;
	char		err[NOTE_ERR_MAX] = "";

	assert_int_equal((priv ? note_skey_parse : note_vkey_parse)(s, &k,
	    err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("%s: '%s' lacks '%s'", s, err, want);
}

static void
test_bad_keys(void **state)
{
	assert_bad_key("PeterNeumann+c74f20a4+"
	    "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 0,
	    "c74f20a4 written, the key gives c74f20a3");
	assert_bad_key("PeterNeumann+C74F20A3+"
	    "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 0, "lower-case");
	assert_bad_key("PeterNeumann+c74f20a3+"
	    "Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 0, "33 bytes");
	assert_bad_key("PeterNeumann+c74f20a3+"
	    "Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 0, "type 0x02");
	assert_bad_key("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	    0, "key name");
	assert_bad_key("PeterNeumann", 0, "name+id+key");
	assert_bad_key("PeterNeumann+c74f20a3+"
	    "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", 1, "PRIVATE+KEY+");
	assert_bad_key("PRIVATE+KEY+PeterNeumann+c74f20a2+"
	    "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", 1, "written");
}

static void
assert_bad_note(const char *s, const char *want)
{
	struct note	nt;
	char		err[NOTE_ERR_MAX] = "";

	assert_int_equal(note_parse(s, strlen(s), &nt, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("'%s' lacks '%s'", err, want);
}

static void
test_bad_notes(void **state)
{
	assert_bad_note("text\n", "no blank line");
	assert_bad_note("text\n\n", "no blank line");
	assert_bad_note("text\n\n\xe2\x80\x94 a AAAAAAA=", "end in a newline");
	assert_bad_note("te\txt\n\n\xe2\x80\x94 a AAAAAAA=\n",
	    "line 1: control character 0x09");
	assert_bad_note("a\n\xff\n\n\xe2\x80\x94 a AAAAAAA=\n",
	    "line 2: not UTF-8");
	assert_bad_note("text\n\n- a AAAAAAA=\n", "line 3: a signature line");
	assert_bad_note("text\n\n\xe2\x80\x94 a+b AAAAAAA=\n",
	    "line 3: bad key name");
	assert_bad_note("text\n\n\xe2\x80\x94 aAAAAAAA=\n", "line 3: expected "
	    "a space");
	assert_bad_note("text\n\n\xe2\x80\x94 a AAAA\n", "line 3: signature");
	assert_bad_note("text\n\n\xe2\x80\x94 a AAAAAAA\n", "line 3: signature");
	assert_bad_note("t\n\n\xe2\x80\x94 a AAAAAAA=\n\xe2\x80\x94 b \n",
	    "line 4: signature");
}

static void
test_verify_rules(void **state)
{
	struct note_key	k[2];
	struct note	nt;
	char		buf[1024], err[NOTE_ERR_MAX];
	size_t		len;

	assert_int_equal(note_vkey_parse(C2SP_VKEY, &k[0], err, sizeof(err)),
	    0);
	assert_int_equal(note_vkey_parse(PN_VKEY, &k[1], err, sizeof(err)), 0);
	/* Only unknown keys signed: refused. */
	assert_int_equal(note_parse(C2SP_NOTE, strlen(C2SP_NOTE), &nt, err,
	    sizeof(err)), 0);
	assert_int_equal(note_verify(&nt, &k[1], 1, err, sizeof(err)), -1);
	assert_string_equal(err, "no signature by a known key");
	/* An unknown signature beside a good one is ignored. */
	len = (size_t)snprintf(buf, sizeof(buf), "%s%s", C2SP_NOTE,
	    "\xe2\x80\x94 other.example AAAAAAA=\n");
	assert_int_equal(note_parse(buf, len, &nt, err, sizeof(err)), 0);
	assert_int_equal(nt.nsig, 2);
	assert_int_equal(note_verify(&nt, k, 2, err, sizeof(err)), 0);
	/* A known key whose signature fails spoils the note. */
	len = (size_t)snprintf(buf, sizeof(buf), "%s" PN_LINE, C2SP_NOTE);
	assert_int_equal(note_parse(buf, len, &nt, err, sizeof(err)), 0);
	assert_int_equal(note_verify(&nt, k, 2, err, sizeof(err)), -1);
	assert_string_equal(err, "line 4: signature by PeterNeumann does not "
	    "verify");
	/* Altered text. */
	strcpy(buf, C2SP_NOTE);
	buf[0] = 't';
	assert_int_equal(note_parse(buf, strlen(buf), &nt, err, sizeof(err)),
	    0);
	assert_int_equal(note_verify(&nt, k, 2, err, sizeof(err)), -1);
	note_key_release(&k[0]);
	note_key_release(&k[1]);
}

static void
test_checkpoint_signed(void **state)
{
	struct checkpoint	cp, back;
	struct note_key		k;
	struct note		nt;
	uint8_t			seed[SIGN_SEED_LEN];
	char			text[512], buf[1024], err[NOTE_ERR_MAX];
	size_t			len;
	int			n;

	seed_of(LOG_SEED, seed);
	assert_int_equal(note_key_init(&k, LOG_NAME, sign_key_from_seed(seed),
	    err, sizeof(err)), 0);
	assert_int_equal(checkpoint_parse(LOG_NAME "\n8\n" REF_ROOT "\n",
	    strlen(LOG_NAME "\n8\n" REF_ROOT "\n"), &cp, err, sizeof(err)), 0);
	assert_string_equal(cp.origin, LOG_NAME);
	assert_int_equal(cp.size, 8);
	assert_int_equal(cp.root[0], 0x5d);
	assert_null(cp.ext);
	n = checkpoint_format(&cp, text, sizeof(text));
	assert_string_equal(text, LOG_NAME "\n8\n" REF_ROOT "\n");
	assert_int_equal(note_sign(&k, text, (size_t)n, buf, sizeof(buf),
	    &len), 0);
	assert_string_equal(buf, LOG_NAME "\n8\n" REF_ROOT "\n\n" LOG_LINE);
	assert_int_equal(note_vkey_format(&k, text, sizeof(text)), 0);
	assert_string_equal(text, LOG_VKEY);
	assert_int_equal(note_parse(buf, len, &nt, err, sizeof(err)), 0);
	assert_int_equal(note_verify(&nt, &k, 1, err, sizeof(err)), 0);
	assert_int_equal(checkpoint_parse(nt.text, nt.textlen, &back, err,
	    sizeof(err)), 0);
	assert_memory_equal(&back, &cp, sizeof(cp));
	note_key_release(&k);
}

static void
test_checkpoint_extensions(void **state)
{
	const char		*t = "o\n0\n" REF_ROOT "\nextra one\nextra 2\n";
	struct checkpoint	 cp;
	char			 out[256], err[CHECKPOINT_ERR_MAX];

	assert_int_equal(checkpoint_parse(t, strlen(t), &cp, err,
	    sizeof(err)), 0);
	assert_int_equal(cp.size, 0);
	assert_int_equal(cp.extlen, strlen("extra one\nextra 2\n"));
	assert_int_equal(checkpoint_format(&cp, out, sizeof(out)),
	    (int)strlen(t));
	assert_string_equal(out, t);
	assert_int_equal(checkpoint_format(&cp, out, 10), -1);
	cp.size = UINT64_MAX;
	assert_int_equal(checkpoint_format(&cp, out, sizeof(out)), (int)strlen(
	    "o\n18446744073709551615\n" REF_ROOT "\nextra one\nextra 2\n"));
	assert_int_equal(checkpoint_parse(out, strlen(out), &cp, err,
	    sizeof(err)), 0);
	assert_true(cp.size == UINT64_MAX);
}

static void
assert_bad_checkpoint(const char *t, const char *want)
{
	struct checkpoint	cp;
	char			err[CHECKPOINT_ERR_MAX] = "";

	assert_int_equal(checkpoint_parse(t, strlen(t), &cp, err,
	    sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("'%s' lacks '%s'", err, want);
}

static void
test_checkpoint_bad(void **state)
{
	assert_bad_checkpoint("", "newline");
	assert_bad_checkpoint("o\n8\n" REF_ROOT, "newline");
	assert_bad_checkpoint("\n8\n" REF_ROOT "\n", "line 1: expected");
	assert_bad_checkpoint("o\n", "line 2: expected");
	assert_bad_checkpoint("o\n08\n" REF_ROOT "\n", "line 2: tree size: "
	    "expected");
	assert_bad_checkpoint("o\n\n" REF_ROOT "\n", "line 2: tree size");
	assert_bad_checkpoint("o\n-1\n" REF_ROOT "\n", "line 2: tree size: "
	    "'-'");
	assert_bad_checkpoint("o\n18446744073709551616\n" REF_ROOT "\n",
	    "line 2: tree size above");
	assert_bad_checkpoint("o\n8\n", "line 3: expected");
	assert_bad_checkpoint("o\n8\nXcnaeacGWamtVZy3Ad7Zoqud\n", "line 3: "
	    "root hash");
	assert_bad_checkpoint("o\n8\n" REF_ROOT "x\n", "line 3: root hash");
	assert_bad_checkpoint("o\n8\n" REF_ROOT "\next\n\n", "line 5: empty");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c2sp_example),
		cmocka_unit_test(test_peter_neumann),
		cmocka_unit_test(test_key_round_trip),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_bad_notes),
		cmocka_unit_test(test_verify_rules),
		cmocka_unit_test(test_checkpoint_signed),
		cmocka_unit_test(test_checkpoint_extensions),
		cmocka_unit_test(test_checkpoint_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
