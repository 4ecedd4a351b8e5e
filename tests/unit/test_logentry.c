/* skkd — SPDX-License-Identifier: ISC */
/*
 * The log entry: the test vector of PROTOCOL.md §4.1 byte for byte and
 * its leaf hash, round trips of certificate and key events, and a
 * refusal naming the byte for every field that can be wrong.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"
#include "logentry.h"
#include "merkle.h"

/* PROTOCOL.md §4.1: the entry and its RFC 9162 leaf hash. */
#define VEC_HEX	"0101000000006955b900" \
		"34323130312038333432203320303030303031323320323032354d453036" \
		"333039360300002" \
		"1fe31dfa154a261" \
		"00112233445566778899aabbccddeeff" \
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define VEC_LEAF \
		"96d36aa814fcdff7bac615925247a99973fb24d609b8342a159ef6ae56d8f35c"

static void
unhex(const char *s, uint8_t *out, size_t len)
{
	assert_int_equal(hex_decode(s, strlen(s), out, len), (ssize_t)len);
}

/* The vector's entry: an issue under the RFC 8032 TEST 1 key. */
static void
vector_entry(struct log_entry *e)
{
	int	i;

	memset(e, 0, sizeof(*e));
	e->version = LOG_ENTRY_VERSION;
	e->event = LOG_ISSUE;
	e->time = 1767225600;		/* 2026-01-01T00:00:00Z */
	strcpy(e->number, "42101 8342 3 00000123 2025");
	strcpy(e->job_code, "ME063096");
	e->level = 3;
	e->status = CERT_PENDING;
	unhex("21fe31dfa154a261", e->kid, SIGN_KID_LEN);
	for (i = 0; i < LOG_BATCH_LEN; i++)
		e->batch[i] = (uint8_t)(i * 0x11);
	assert_int_equal(sign_sha256((const uint8_t *)"abc", 3, e->digest), 0);
}

static void
test_vector(void **state)
{
	struct log_entry	e, back;
	uint8_t			out[LOG_ENTRY_LEN], leaf[32];
	uint8_t			want[LOG_ENTRY_LEN], want_leaf[32];
	uint8_t			pub[SIGN_PUB_LEN], kid[SIGN_KID_LEN];
	char			err[160];

	vector_entry(&e);
	/* The key id is the one of RFC 8032 TEST 1's public key. */
	unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	    pub, SIGN_PUB_LEN);
	sign_kid(pub, kid);
	assert_memory_equal(kid, e.kid, SIGN_KID_LEN);
	assert_int_equal(log_entry_encode(&e, out, err, sizeof(err)), 0);
	unhex(VEC_HEX, want, LOG_ENTRY_LEN);
	assert_memory_equal(out, want, LOG_ENTRY_LEN);
	assert_int_equal(merkle_leaf_hash(out, sizeof(out), leaf), 0);
	unhex(VEC_LEAF, want_leaf, 32);
	assert_memory_equal(leaf, want_leaf, 32);
	assert_int_equal(log_entry_decode(out, sizeof(out), &back, err,
	    sizeof(err)), 0);
	assert_memory_equal(&back, &e, sizeof(e));
}

static void
key_entry(struct log_entry *e, unsigned event)
{
	memset(e, 0, sizeof(*e));
	e->version = LOG_ENTRY_VERSION;
	e->event = (uint8_t)event;
	e->time = 1767225600;
	memset(e->kid, 0x42, sizeof(e->kid));
	memset(e->digest, 0x24, sizeof(e->digest));
}

static void
test_round_trips(void **state)
{
	struct log_entry	e, back;
	uint8_t			out[LOG_ENTRY_LEN];
	unsigned		ev;
	char			err[160];
	static const uint8_t	status[] = { 0, CERT_ACTIVE, CERT_ACTIVE,
	    CERT_SUSPENDED, CERT_ACTIVE, CERT_REVOKED, CERT_REPLACED,
	    CERT_SUSPENDED, CERT_ACTIVE };

	for (ev = LOG_ISSUE; ev < LOG_EVENT_MAX; ev++) {
		if (log_event_is_key(ev))
			key_entry(&e, ev);
		else {
			vector_entry(&e);
			e.event = (uint8_t)ev;
			e.status = status[ev];
			e.reason = ev == LOG_REVOKE ? LOG_REASON_FRAUD : 0;
			if (ev != LOG_ISSUE)
				memset(e.batch, 0, sizeof(e.batch));
		}
		if (log_entry_encode(&e, out, err, sizeof(err)) == -1)
			fail_msg("%s: %s", log_event_name(ev), err);
		assert_int_equal(log_entry_decode(out, sizeof(out), &back, err,
		    sizeof(err)), 0);
		assert_memory_equal(&back, &e, sizeof(e));
	}
	assert_string_equal(log_event_name(LOG_KEY_COMPROMISE),
	    "key-compromise");
	assert_string_equal(log_event_name(99), "?");
	assert_string_equal(log_reason_name(LOG_REASON_FRAUD), "fraud");
}

/* Encoded vector with one byte changed must fail naming want. */
static void
assert_bad_byte(size_t off, uint8_t v, const char *want)
{
	struct log_entry	e;
	uint8_t			b[LOG_ENTRY_LEN];
	char			err[160] = "";

	unhex(VEC_HEX, b, LOG_ENTRY_LEN);
	b[off] = v;
	assert_int_equal(log_entry_decode(b, sizeof(b), &e, err, sizeof(err)),
	    -1);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("byte %zu = %u: '%s' lacks '%s'", off, v, err, want);
}

static void
test_bad_bytes(void **state)
{
	struct log_entry	e;
	uint8_t			b[LOG_ENTRY_LEN + 1];
	char			err[160];

	unhex(VEC_HEX, b, LOG_ENTRY_LEN);
	assert_int_equal(log_entry_decode(b, LOG_ENTRY_LEN - 1, &e, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "byte 102: entry of 102 bytes, expected 103");
	assert_int_equal(log_entry_decode(b, LOG_ENTRY_LEN + 1, &e, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "byte 103: entry of 104 bytes, expected 103");
	assert_int_equal(log_entry_decode(b, 0, &e, err, sizeof(err)), -1);
	assert_bad_byte(0, 2, "byte 0: version 2, expected 1");
	assert_bad_byte(1, 0, "byte 1: event: 0");
	assert_bad_byte(1, LOG_EVENT_MAX, "byte 1: event: 13");
	assert_bad_byte(2, 0x80, "byte 2: time");
	assert_bad_byte(15, 'x', "byte 10: number");
	assert_bad_byte(20, 0, "byte 10: number: a zero byte inside");
	assert_bad_byte(36, 'm', "byte 36: job_code");
	assert_bad_byte(43, 0, "byte 36: job code: a zero byte inside");
	assert_bad_byte(44, 0, "byte 44: level: 0");
	assert_bad_byte(44, 10, "byte 44: level: 10");
	assert_bad_byte(45, CERT_REVOKED, "byte 45: status: 3 cannot follow "
	    "an issue");
	assert_bad_byte(45, CERT_STATUS_MAX, "byte 45: status");
	assert_bad_byte(46, LOG_REASON_MAX, "byte 46: reason: 6");
	assert_bad_byte(1, LOG_REVOKE, "byte 45: status: 0 cannot follow a "
	    "revoke");
}

static void
test_bad_fields(void **state)
{
	struct log_entry	e;
	uint8_t			out[LOG_ENTRY_LEN];
	char			err[160];

	vector_entry(&e);
	memset(e.kid, 0, sizeof(e.kid));
	assert_int_equal(log_entry_encode(&e, out, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 47: key id: zero");
	vector_entry(&e);
	e.event = LOG_LPJK;
	e.status = CERT_ACTIVE;
	assert_int_equal(log_entry_encode(&e, out, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 55: batch: only an issue has one");
	vector_entry(&e);
	memset(e.digest, 0, sizeof(e.digest));
	assert_int_equal(log_entry_encode(&e, out, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 71: digest: zero");
	/* Key events carry none of the certificate's fields. */
	key_entry(&e, LOG_KEY_RETIRE);
	strcpy(e.number, "42101 8342 3 00000123 2025");
	assert_int_equal(log_entry_encode(&e, out, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 10: number: must be zero in a key "
	    "event");
	key_entry(&e, LOG_KEY_ADD);
	e.level = 3;
	assert_int_equal(log_entry_encode(&e, out, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 44: level: must be zero in a key event");
	key_entry(&e, LOG_KEY_ADD);
	e.batch[3] = 1;
	assert_int_equal(log_entry_encode(&e, out, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 55: batch: only an issue has one");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_bad_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
