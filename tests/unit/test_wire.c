/* skkd — SPDX-License-Identifier: ISC */
/*
 * Unit tests of the companion-protocol codec: round trips of every value
 * kind, canonical bytes worked out by hand from RFC 8949, and a crafted
 * byte string for every refusal, including truncations and depth bombs.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire.h"

static void	 expect_refused(const uint8_t *, size_t, const char *);
static struct wire_msg *roundtrip(const struct wire_msg *);

static void
expect_refused(const uint8_t *buf, size_t len, const char *why)
{
	struct wire_msg	*m;
	char		 err[128] = "";

	m = wire_decode(buf, len, err, sizeof(err));
	if (m != NULL)
		wire_msg_free(m);
	assert_null(m);
	if (strstr(err, why) == NULL)
		fail_msg("error '%s' does not mention '%s'", err, why);
}

/* Encodes, checks the header, decodes the body; the caller frees. */
static struct wire_msg *
roundtrip(const struct wire_msg *m)
{
	struct wire_msg	*d;
	uint8_t		*buf;
	size_t		 len;
	uint32_t	 flen = 0;
	char		 err[128] = "";

	assert_int_equal(wire_encode(m, &buf, &len), 0);
	assert_true(len > WIRE_HDR_LEN);
	assert_int_equal(wire_frame_len(buf, WIRE_MAX_FRAME_DEFAULT, &flen), 0);
	assert_int_equal(flen, len - WIRE_HDR_LEN);
	d = wire_decode(buf + WIRE_HDR_LEN, flen, err, sizeof(err));
	if (d == NULL)
		fail_msg("decode failed: %s", err);
	free(buf);
	return d;
}

static void
test_roundtrip_scalars(void **state)
{
	static const uint8_t	 blob[] = { 0x00, 0xff, 0x10, 0x00 };
	struct wire_msg		*m, *d;
	const uint8_t		*p;
	size_t			 len;
	uint64_t		 u;
	int64_t			 i;
	char			 s[64];

	m = wire_msg_new(WIRE_SET_STATUS, UINT64_MAX);
	assert_non_null(m);
	assert_int_equal(wire_put_uint(m, WK_COUNT, UINT64_MAX), 0);
	assert_int_equal(wire_put_uint(m, WK_VERSION, 0), 0);
	assert_int_equal(wire_put_int(m, WK_TIME, INT64_MIN), 0);
	assert_int_equal(wire_put_int(m, WK_LEVEL, -1), 0);
	assert_int_equal(wire_put_int(m, WK_EXPIRES, INT64_MAX), 0);
	assert_int_equal(wire_put_str(m, WK_NAME, "Siti Nur'aini, S.T."), 0);
	assert_int_equal(wire_put_str(m, WK_REASON, ""), 0);
	assert_int_equal(wire_put_bytes(m, WK_RECORD, blob, sizeof(blob)), 0);
	assert_int_equal(wire_put_bytes(m, WK_KEY, NULL, 0), 0);
	d = roundtrip(m);

	assert_int_equal(wire_type(d), WIRE_SET_STATUS);
	assert_true(wire_id(d) == UINT64_MAX);
	assert_int_equal(wire_get_uint(d, WK_COUNT, &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(wire_get_uint(d, WK_VERSION, &u), 0);
	assert_true(u == 0);
	assert_int_equal(wire_get_int(d, WK_TIME, &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(wire_get_int(d, WK_LEVEL, &i), 0);
	assert_true(i == -1);
	assert_int_equal(wire_get_int(d, WK_EXPIRES, &i), 0);
	assert_true(i == INT64_MAX);
	assert_int_equal(wire_get_int(d, WK_VERSION, &i), 0);
	assert_true(i == 0);
	assert_int_equal(wire_get_str(d, WK_NAME, s, sizeof(s)), 0);
	assert_string_equal(s, "Siti Nur'aini, S.T.");
	assert_int_equal(wire_get_str(d, WK_REASON, s, 1), 0);
	assert_string_equal(s, "");
	assert_int_equal(wire_get_bytes(d, WK_RECORD, &p, &len), 0);
	assert_int_equal(len, sizeof(blob));
	assert_memory_equal(p, blob, sizeof(blob));
	assert_int_equal(wire_get_bytes(d, WK_KEY, &p, &len), 0);
	assert_int_equal(len, 0);
	assert_non_null(p);
	assert_true(wire_has(d, WK_KEY));
	assert_false(wire_has(d, WK_NIK));
	wire_msg_free(d);
	wire_msg_free(m);
}

static void
test_roundtrip_lists(void **state)
{
	struct wire_msg		*m, *d, *it, *ev;
	const struct wire_msg	*di, *de;
	uint64_t		 u;
	char			 s[64];
	int			 i;

	m = wire_msg_new(WIRE_SHOW, 7);
	assert_non_null(m);
	for (i = 0; i < 10; i++) {
		assert_non_null(it = wire_put_item(m, WK_ITEMS));
		assert_int_equal(wire_put_uint(it, WK_COUNT, (uint64_t)i), 0);
		snprintf(s, sizeof(s), "item %d", i);
		assert_int_equal(wire_put_str(it, WK_NUMBER, s), 0);
	}
	it = wire_put_item(m, WK_EVENTS);
	assert_non_null(ev = wire_put_item(it, WK_EVENTS));
	assert_int_equal(wire_put_str(ev, WK_DETAIL, "nested"), 0);
	assert_non_null(wire_put_item(ev, WK_STATS));	/* empty map */
	d = roundtrip(m);

	assert_int_equal(wire_list_len(d, WK_ITEMS), 10);
	for (i = 0; i < 10; i++) {
		di = wire_list_get(d, WK_ITEMS, (size_t)i);
		assert_non_null(di);
		assert_int_equal(wire_get_uint(di, WK_COUNT, &u), 0);
		assert_true(u == (uint64_t)i);
		assert_int_equal(wire_get_str(di, WK_NUMBER, s, sizeof(s)), 0);
		assert_true(strncmp(s, "item ", 5) == 0 && atoi(s + 5) == i);
		assert_int_equal(wire_type(di), 0);
	}
	assert_null(wire_list_get(d, WK_ITEMS, 10));
	assert_int_equal(wire_list_len(d, WK_NIK), 0);
	assert_null(wire_list_get(d, WK_NIK, 0));
	assert_int_equal(wire_list_len(d, WK_EVENTS), 1);
	di = wire_list_get(d, WK_EVENTS, 0);
	assert_int_equal(wire_list_len(di, WK_EVENTS), 1);
	de = wire_list_get(di, WK_EVENTS, 0);
	assert_int_equal(wire_get_str(de, WK_DETAIL, s, sizeof(s)), 0);
	assert_string_equal(s, "nested");
	assert_int_equal(wire_list_len(de, WK_STATS), 1);
	assert_false(wire_has(wire_list_get(de, WK_STATS, 0), WK_TYPE));
	/* A list is not a scalar. */
	assert_int_equal(wire_get_uint(d, WK_ITEMS, &u), -1);
	/* A decoded list, never looked at, takes more items. */
	wire_msg_free(d);
	d = roundtrip(m);
	it = wire_put_item(d, WK_ITEMS);
	assert_non_null(it);
	assert_int_equal(wire_put_uint(it, WK_COUNT, 10), 0);
	ev = roundtrip(d);
	assert_int_equal(wire_list_len(ev, WK_ITEMS), 11);
	assert_int_equal(wire_get_uint(wire_list_get(ev, WK_ITEMS, 10),
	    WK_COUNT, &u), 0);
	assert_int_equal(u, 10);
	assert_int_equal(wire_get_uint(wire_list_get(ev, WK_ITEMS, 3),
	    WK_COUNT, &u), 0);
	assert_int_equal(u, 3);
	wire_msg_free(ev);
	wire_msg_free(d);
	wire_msg_free(m);
}

/*
 * RFC 8949 §4.2.1 by hand: keys ascending, shortest arguments.
 *   a7                         map, 7 pairs
 *   00 02                      TYPE: verify
 *   01 19 01 2c                ID: 300
 *   06 81 a1 07 61 41          ITEMS: [{NUMBER: "A"}]
 *   13 1b 00000001 00000000    TIME: 2^32
 *   18 18 42 de ad             KID: h'dead'
 *   18 1b 18 18                COUNT: 24
 *   18 1d 39 01 f3             LEVEL: -500
 */
static void
test_canonical_bytes(void **state)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x25,
		0xa7, 0x00, 0x02, 0x01, 0x19, 0x01, 0x2c,
		0x06, 0x81, 0xa1, 0x07, 0x61, 0x41,
		0x13, 0x1b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x18, 0x18, 0x42, 0xde, 0xad,
		0x18, 0x1b, 0x18, 0x18,
		0x18, 0x1d, 0x39, 0x01, 0xf3
	};
	static const uint8_t	 kid[] = { 0xde, 0xad };
	struct wire_msg		*m, *d;
	uint8_t			*buf, *buf2;
	size_t			 len, len2;

	m = wire_msg_new(WIRE_VERIFY, 300);
	assert_non_null(m);
	/* Out of order, and with values replaced, on purpose. */
	assert_int_equal(wire_put_int(m, WK_LEVEL, 5), 0);
	assert_int_equal(wire_put_int(m, WK_LEVEL, -500), 0);
	assert_int_equal(wire_put_bytes(m, WK_KID, kid, sizeof(kid)), 0);
	assert_int_equal(wire_put_str(wire_put_item(m, WK_ITEMS), WK_NUMBER,
	    "A"), 0);
	assert_int_equal(wire_put_uint(m, WK_COUNT, 24), 0);
	assert_int_equal(wire_put_uint(m, WK_TIME, UINT64_C(1) << 32), 0);
	assert_int_equal(wire_encode(m, &buf, &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));

	/* Decoding and encoding again gives the same bytes. */
	d = wire_decode(buf + 4, len - 4, NULL, 0);
	assert_non_null(d);
	assert_int_equal(wire_encode(d, &buf2, &len2), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(buf2, want, len);
	free(buf);
	free(buf2);
	wire_msg_free(d);
	wire_msg_free(m);
}

static void
test_hello_bytes(void **state)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x0d,
		0xa4, 0x00, 0x01, 0x01, 0x01, 0x04, 0x02,
		0x05, 0x64, 's', 'k', 'k', 'd'
	};
	static const uint8_t	 client[] = {
		0x00, 0x00, 0x00, 0x07, 0xa3, 0x00, 0x01, 0x01, 0x01, 0x04, 0x02
	};
	struct wire_msg		*m;
	uint8_t			*buf;
	size_t			 len;

	m = wire_msg_new(WIRE_HELLO, 1);
	assert_int_equal(wire_put_uint(m, WK_VERSION, WIRE_VERSION), 0);
	assert_int_equal(wire_encode(m, &buf, &len), 0);
	assert_int_equal(len, sizeof(client));
	assert_memory_equal(buf, client, sizeof(client));
	free(buf);
	wire_msg_free(m);

	/* The server's answer, as in PROTOCOL.md §3.8. */
	m = wire_msg_new(WIRE_HELLO, 1);
	assert_int_equal(wire_put_str(m, WK_NAME, "skkd"), 0);
	assert_int_equal(wire_put_uint(m, WK_VERSION, WIRE_VERSION), 0);
	assert_int_equal(wire_encode(m, &buf, &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	free(buf);
	wire_msg_free(m);
}

/* Wide integer forms are accepted and re-encoded in the shortest. */
static void
test_noncanonical_input(void **state)
{
	static const uint8_t	 in[] = {
		0xa3, 0x01, 0x1a, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x18, 0x01, 0x13, 0x39, 0x00, 0x00
	};
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x07,
		0xa3, 0x00, 0x01, 0x01, 0x05, 0x13, 0x20
	};
	struct wire_msg		*d;
	uint8_t			*buf;
	size_t			 len;
	int64_t			 i;

	d = wire_decode(in, sizeof(in), NULL, 0);
	assert_non_null(d);
	assert_int_equal(wire_type(d), WIRE_HELLO);
	assert_int_equal(wire_id(d), 5);
	assert_int_equal(wire_get_int(d, WK_TIME, &i), 0);
	assert_true(i == -1);
	assert_int_equal(wire_encode(d, &buf, &len), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(buf, want, 11);
	free(buf);
	wire_msg_free(d);
}

static void
test_refusals(void **state)
{
	static const uint8_t	 notmap[] = { 0x01 };
	static const uint8_t	 array[] = { 0x80 };
	static const uint8_t	 indefmap[] = {
		0xbf, 0x00, 0x01, 0x01, 0x01, 0xff };
	static const uint8_t	 indeftext[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x05, 0x7f, 0xff };
	static const uint8_t	 indeflist[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06, 0x9f, 0xff };
	static const uint8_t	 textkey[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x61, 0x61, 0x01 };
	static const uint8_t	 negkey[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x20, 0x01 };
	static const uint8_t	 bigkey[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x18, WK_MAX, 0x01 };
	char			 bigwhy[32];	/* WK_MAX grows */
	static const uint8_t	 hugekey[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01,
		0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	static const uint8_t	 dupkey[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x00, 0x02 };
	static const uint8_t	 duplist[] = {
		0xa4, 0x00, 0x01, 0x01, 0x01, 0x06, 0x80, 0x06, 0x01 };
	static const uint8_t	 notype[] = { 0xa1, 0x01, 0x01 };
	static const uint8_t	 noid[] = { 0xa1, 0x00, 0x01 };
	static const uint8_t	 negtype[] = { 0xa2, 0x00, 0x20, 0x01, 0x01 };
	static const uint8_t	 texttype[] = {
		0xa2, 0x00, 0x61, 0x61, 0x01, 0x01 };
	static const uint8_t	 negid[] = { 0xa2, 0x00, 0x01, 0x01, 0x20 };
	static const uint8_t	 listid[] = { 0xa2, 0x00, 0x01, 0x01, 0x80 };
	static const uint8_t	 trailing[] = {
		0xa2, 0x00, 0x01, 0x01, 0x01, 0x00 };
	static const uint8_t	 tag[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x07, 0xc1, 0x01 };
	static const uint8_t	 tagtop[] = { 0xd8, 0x18, 0xa0 };
	static const uint8_t	 half[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x07, 0xf9, 0x3c, 0x00 };
	static const uint8_t	 dbl[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x07,
		0xfb, 0x3f, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t	 simple[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x07, 0xf5 };
	static const uint8_t	 mapval[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x18, 0x23, 0xa0 };
	static const uint8_t	 scalaritem[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06, 0x81, 0x01 };
	static const uint8_t	 listitem[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06, 0x81, 0x80 };
	static const uint8_t	 reserved[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x07, 0x1c };
	static const uint8_t	 itemkey[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06, 0x81, 0xa1, 0x18, 0x40,
		0x01 };
	static const uint8_t	 itemdup[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06, 0x81, 0xa2, 0x07, 0x01,
		0x07, 0x02 };

	expect_refused(notmap, 0, "empty");
	expect_refused(NULL, 0, "empty");
	expect_refused(notmap, sizeof(notmap), "not a map");
	expect_refused(array, sizeof(array), "not a map");
	expect_refused(indefmap, sizeof(indefmap), "indefinite");
	expect_refused(indeftext, sizeof(indeftext), "indefinite");
	expect_refused(indeflist, sizeof(indeflist), "indefinite");
	expect_refused(textkey, sizeof(textkey), "not an unsigned integer");
	expect_refused(negkey, sizeof(negkey), "not an unsigned integer");
	snprintf(bigwhy, sizeof(bigwhy), "key %d out of range", WK_MAX);
	expect_refused(bigkey, sizeof(bigkey), bigwhy);
	expect_refused(hugekey, sizeof(hugekey), "out of range");
	expect_refused(dupkey, sizeof(dupkey), "duplicate key 0 (type)");
	expect_refused(duplist, sizeof(duplist), "duplicate key 6 (items)");
	expect_refused(notype, sizeof(notype), "missing TYPE");
	expect_refused(noid, sizeof(noid), "missing ID");
	expect_refused(negtype, sizeof(negtype),
	    "TYPE is not an unsigned integer");
	expect_refused(texttype, sizeof(texttype),
	    "TYPE is not an unsigned integer");
	expect_refused(negid, sizeof(negid), "ID is not an unsigned integer");
	expect_refused(listid, sizeof(listid), "ID is not an unsigned integer");
	expect_refused(trailing, sizeof(trailing), "1 trailing bytes");
	expect_refused(tag, sizeof(tag), "tag");
	expect_refused(tagtop, sizeof(tagtop), "not a map");
	expect_refused(half, sizeof(half), "float");
	expect_refused(dbl, sizeof(dbl), "float");
	expect_refused(simple, sizeof(simple), "simple value");
	expect_refused(mapval, sizeof(mapval), "map as a value");
	expect_refused(scalaritem, sizeof(scalaritem), "is not a map");
	expect_refused(listitem, sizeof(listitem), "is not a map");
	expect_refused(reserved, sizeof(reserved), "reserved");
	expect_refused(itemkey, sizeof(itemkey), "key 64 out of range");
	expect_refused(itemdup, sizeof(itemdup), "duplicate key 7 (number)");
}

/* Headers that claim far more than the buffer holds, before any malloc. */
static void
test_huge_lengths(void **state)
{
	static const uint8_t	 list[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06,
		0x9b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0xa0 };
	static const uint8_t	 list32[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06,
		0x9a, 0xff, 0xff, 0xff, 0xff, 0xa0 };
	static const uint8_t	 map[] = {
		0xbb, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t	 item[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06, 0x81,
		0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t	 text[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x05,
		0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x41 };
	static const uint8_t	 bytes[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x09, 0x5a, 0x00, 0x00, 0x00, 0x02,
		0x41 };
	/* The last argument is one byte short. */
	static const uint8_t	 pairs[] = {
		0xa2, 0x00, 0x01, 0x01, 0x19, 0x01 };

	expect_refused(list, sizeof(list), "exceeds the buffer");
	expect_refused(list32, sizeof(list32), "exceeds the buffer");
	expect_refused(map, sizeof(map), "exceeds the buffer");
	expect_refused(item, sizeof(item), "exceeds the buffer");
	expect_refused(text, sizeof(text), "exceeds the buffer");
	expect_refused(bytes, sizeof(bytes), "exceeds the buffer");
	expect_refused(pairs, sizeof(pairs), "truncated");
}

/* A list of n empty maps: the message counts n + 7 items. */
static uint8_t *
many_maps(size_t n, size_t *len)
{
	static const uint8_t	 head[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06, 0x9a };
	uint8_t			*b;

	assert_non_null(b = malloc(sizeof(head) + 4 + n));
	memcpy(b, head, sizeof(head));
	b[7] = (uint8_t)(n >> 24);
	b[8] = (uint8_t)(n >> 16);
	b[9] = (uint8_t)(n >> 8);
	b[10] = (uint8_t)n;
	memset(b + 11, 0xa0, n);
	*len = 11 + n;
	return b;
}

static void
test_item_limit(void **state)
{
	struct wire_msg		*d;
	const struct wire_msg	*it;
	uint8_t			*b;
	size_t			 len, n = WIRE_MAX_ITEMS - 7;

	b = many_maps(n, &len);
	d = wire_decode(b, len, NULL, 0);
	assert_non_null(d);
	assert_int_equal(wire_list_len(d, WK_ITEMS), n);
	it = wire_list_get(d, WK_ITEMS, n - 1);
	assert_non_null(it);
	assert_false(wire_has(it, WK_TYPE));
	assert_null(wire_list_get(d, WK_ITEMS, n));
	wire_msg_free(d);
	free(b);

	b = many_maps(n + 1, &len);
	expect_refused(b, len, "more than 524288 items");
	free(b);
}

static void
test_depth(void **state)
{
	struct wire_msg	*m, *it;
	uint8_t		*buf;
	size_t		 len;
	int		 i;

	/* Lists of maps four deep pass; five do not encode. */
	m = wire_msg_new(WIRE_SHOW, 1);
	for (it = m, i = 0; i < WIRE_MAX_DEPTH; i++)
		it = wire_put_item(it, WK_EVENTS);
	assert_int_equal(wire_put_uint(it, WK_COUNT, 4), 0);
	wire_msg_free(roundtrip(m));
	assert_non_null(wire_put_item(it, WK_EVENTS));
	assert_int_equal(wire_encode(m, &buf, &len), -1);
	assert_null(buf);
	wire_msg_free(m);
}

static void
test_depth_bombs(void **state)
{
	static const uint8_t	 head[] = { 0xa3, 0x00, 0x01, 0x01, 0x01 };
	static const uint8_t	 five[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06,
		0x81, 0xa1, 0x06, 0x81, 0xa1, 0x06, 0x81, 0xa1, 0x06,
		0x81, 0xa1, 0x06, 0x81, 0xa0 };
	size_t			 n = 10000, i, len;
	uint8_t			*b;

	expect_refused(five, sizeof(five), "nesting deeper than 4");
	assert_non_null(b = malloc(sizeof(head) + 3 * n + 2));

	/* 10,000 arrays of arrays, bare and inside a message. */
	memset(b, 0x81, n);
	b[n] = 0x00;
	expect_refused(b, n + 1, "not a map");
	memcpy(b, head, sizeof(head));
	b[sizeof(head)] = 0x06;
	memset(b + sizeof(head) + 1, 0x81, n);
	len = sizeof(head) + 1 + n;
	b[len++] = 0xa0;
	expect_refused(b, len, "is not a map");

	/* 10,000 levels of {ITEMS: [{ITEMS: [...]}]}. */
	memcpy(b, head, sizeof(head));
	len = sizeof(head);
	for (i = 0; i < n; i++) {
		b[len++] = 0x06;
		b[len++] = 0x81;
		b[len++] = 0xa1;
	}
	b[len - 1] = 0xa0;
	expect_refused(b, len, "nesting deeper than 4");

	/* 10,000 indefinite arrays. */
	memset(b, 0x9f, n);
	expect_refused(b, n, "indefinite");
	free(b);
}

static void
test_truncation(void **state)
{
	struct wire_msg	*m, *it;
	uint8_t		*buf, *copy;
	size_t		 len, i;
	char		 err[128];

	m = wire_msg_new(WIRE_ISSUE, 99);
	it = wire_put_item(m, WK_ITEMS);
	assert_int_equal(wire_put_bytes(it, WK_RECORD,
	    (const uint8_t *)"\x01\x02\x03", 3), 0);
	assert_int_equal(wire_put_str(it, WK_NIK, "3171234567890123"), 0);
	assert_int_equal(wire_put_int(it, WK_TIME, -1234567890123), 0);
	it = wire_put_item(wire_put_item(m, WK_EVENTS), WK_EVENTS);
	assert_int_equal(wire_put_uint(it, WK_SERIAL, 70000), 0);
	assert_int_equal(wire_put_str(m, WK_ERRMSG, "x"), 0);
	assert_int_equal(wire_encode(m, &buf, &len), 0);
	len -= WIRE_HDR_LEN;
	for (i = 0; i < len; i++) {
		/* A copy of exactly i bytes, so ASan sees any overread. */
		copy = malloc(i > 0 ? i : 1);
		assert_non_null(copy);
		memcpy(copy, buf + WIRE_HDR_LEN, i);
		err[0] = '\0';
		assert_null(wire_decode(copy, i, err, sizeof(err)));
		assert_true(err[0] != '\0');
		free(copy);
	}
	free(buf);
	wire_msg_free(m);
}

/* Text must be UTF-8 (RFC 3629); byte strings may hold anything. */
static void
test_utf8(void **state)
{
	static const uint8_t	 good[] = {
		0xa4, 0x00, 0x01, 0x01, 0x01,
		0x05, 0x6b, 'N', 0xc3, 0xa9, 'n', 0xe2, 0x82, 0xac, 0xf0, 0x9f,
		0x99, 0x82,
		0x09, 0x42, 0xc0, 0x80 };
	static const uint8_t	 overlong[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x05, 0x63, 'a', 0xc0, 0x80 };
	static const uint8_t	 surrogate[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x05, 0x63, 0xed, 0xa0, 0x80 };
	static const uint8_t	 cut[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x05, 0x62, 'a', 0xe2 };
	static const uint8_t	 inlist[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x06, 0x81, 0xa1, 0x07, 0x61,
		0xff };
	/* The structural fault is named before the bad text. */
	static const uint8_t	 both[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x05, 0x61, 0xff, 0x00 };
	struct wire_msg		*d;
	const uint8_t		*p;
	size_t			 len;
	char			 s[16];

	d = wire_decode(good, sizeof(good), NULL, 0);
	assert_non_null(d);
	assert_int_equal(wire_get_str(d, WK_NAME, s, sizeof(s)), 0);
	assert_string_equal(s, "N\xc3\xa9n\xe2\x82\xac\xf0\x9f\x99\x82");
	assert_int_equal(wire_get_bytes(d, WK_RECORD, &p, &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(p, "\xc0\x80", 2);
	wire_msg_free(d);
	expect_refused(overlong, sizeof(overlong),
	    "invalid UTF-8 at offset 8");
	expect_refused(surrogate, sizeof(surrogate),
	    "invalid UTF-8 at offset 7");
	expect_refused(cut, sizeof(cut), "invalid UTF-8 at offset 8");
	expect_refused(inlist, sizeof(inlist), "invalid UTF-8 at offset 10");
	expect_refused(both, sizeof(both), "1 trailing bytes");
}

/*
 * A crew-sized answer: items of different shapes, one with a value larger
 * than the codec's memory blocks, items kept while more are added, and a
 * decoded list that grows and has values replaced.
 */
static void
test_big_list(void **state)
{
	static uint8_t		 blob[100000];
	struct wire_msg		*m, *d, *first, *it;
	const struct wire_msg	*di;
	const uint8_t		*p;
	size_t			 n = 10000, i, len;
	uint64_t		 u;
	char			 s[64], want[64];

	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)(i * 7);
	m = wire_msg_new(WIRE_VERIFY, 9);
	assert_non_null(first = wire_put_item(m, WK_ITEMS));
	for (i = 1; i < n; i++) {
		assert_non_null(it = wire_put_item(m, WK_ITEMS));
		snprintf(s, sizeof(s), "SKK-%06zu", i);
		assert_int_equal(wire_put_str(it, WK_NUMBER, s), 0);
		assert_int_equal(wire_put_uint(it, WK_VERDICT, i % 3), 0);
		if (i % 2 == 0) {
			assert_int_equal(wire_put_str(it, WK_NAME, "Budi"), 0);
			assert_int_equal(wire_put_uint(it, WK_LEVEL, i), 0);
			assert_int_equal(wire_put_int(it, WK_TIME, -(int64_t)i),
			    0);
		}
	}
	/* The first item, filled last, still belongs to the list. */
	assert_int_equal(wire_put_bytes(first, WK_RECORD, blob,
	    sizeof(blob)), 0);
	d = roundtrip(m);
	assert_int_equal(wire_list_len(d, WK_ITEMS), n);
	di = wire_list_get(d, WK_ITEMS, 0);
	assert_int_equal(wire_get_bytes(di, WK_RECORD, &p, &len), 0);
	assert_int_equal(len, sizeof(blob));
	assert_memory_equal(p, blob, sizeof(blob));
	for (i = 1; i < n; i++) {
		di = wire_list_get(d, WK_ITEMS, i);
		snprintf(want, sizeof(want), "SKK-%06zu", i);
		assert_int_equal(wire_get_str(di, WK_NUMBER, s, sizeof(s)), 0);
		assert_string_equal(s, want);
		assert_int_equal(wire_get_uint(di, WK_VERDICT, &u), 0);
		assert_true(u == i % 3);
		assert_int_equal(wire_has(di, WK_NAME), i % 2 == 0);
		assert_int_equal(wire_get_uint(di, WK_LEVEL, &u),
		    i % 2 == 0 ? 0 : -1);
	}

	/* Decoded items take new values; the list takes new items. */
	it = (struct wire_msg *)wire_list_get(d, WK_ITEMS, 5);
	assert_int_equal(wire_put_str(it, WK_VERDICT, "replaced"), 0);
	assert_int_equal(wire_put_uint(it, WK_ERR, 3), 0);
	for (i = 0; i < 100; i++)
		assert_non_null(wire_put_item(d, WK_ITEMS));
	assert_int_equal(wire_put_uint(d, WK_COUNT, n + 100), 0);
	wire_msg_free(m);
	m = roundtrip(d);
	assert_int_equal(wire_list_len(m, WK_ITEMS), n + 100);
	di = wire_list_get(m, WK_ITEMS, 5);
	assert_int_equal(wire_get_str(di, WK_VERDICT, s, sizeof(s)), 0);
	assert_string_equal(s, "replaced");
	assert_int_equal(wire_get_uint(di, WK_ERR, &u), 0);
	assert_int_equal(u, 3);
	assert_int_equal(wire_get_str(di, WK_NUMBER, s, sizeof(s)), 0);
	assert_string_equal(s, "SKK-000005");
	assert_false(wire_has(wire_list_get(m, WK_ITEMS, n + 99), WK_NUMBER));
	wire_msg_free(m);
	wire_msg_free(d);
}

static void
test_frame_len(void **state)
{
	static const uint8_t	 zero[4] = { 0, 0, 0, 0 };
	static const uint8_t	 max[4] = { 0x00, 0x80, 0x00, 0x00 };
	static const uint8_t	 over[4] = { 0x00, 0x80, 0x00, 0x01 };
	static const uint8_t	 all[4] = { 0xff, 0xff, 0xff, 0xff };
	static const uint8_t	 small[4] = { 0x01, 0x02, 0x03, 0x04 };
	uint32_t		 len = 42;

	assert_int_equal(wire_frame_len(zero, WIRE_MAX_FRAME_DEFAULT, &len), -1);
	assert_int_equal(len, 42);
	assert_int_equal(wire_frame_len(max, WIRE_MAX_FRAME_DEFAULT, &len), 0);
	assert_int_equal(len, WIRE_MAX_FRAME_DEFAULT);
	assert_int_equal(wire_frame_len(over, WIRE_MAX_FRAME_DEFAULT, &len), -1);
	assert_int_equal(wire_frame_len(all, WIRE_MAX_FRAME_DEFAULT, &len), -1);
	assert_int_equal(wire_frame_len(all, UINT32_MAX, &len), 0);
	assert_true(len == UINT32_MAX);
	assert_int_equal(wire_frame_len(small, UINT32_MAX, &len), 0);
	assert_int_equal(len, 0x01020304);
}

static void
test_wrong_types(void **state)
{
	static const uint8_t	 nul[] = {
		0xa3, 0x00, 0x01, 0x01, 0x01, 0x05, 0x63, 'a', 0x00, 'b' };
	static const uint8_t	 big[] = {
		0xa4, 0x00, 0x01, 0x01, 0x01,
		0x13, 0x1b, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x14, 0x3b, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	struct wire_msg		*m, *d;
	const uint8_t		*p;
	size_t			 len;
	uint64_t		 u;
	int64_t			 i;
	char			 s[8];

	m = wire_msg_new(WIRE_FIND, 3);
	assert_int_equal(wire_put_str(m, WK_NIK, "1234567"), 0);
	assert_int_equal(wire_put_str(m, WK_NAME, "12345678"), 0);
	assert_int_equal(wire_put_bytes(m, WK_KEY,
	    (const uint8_t *)"ab", 2), 0);
	assert_int_equal(wire_put_int(m, WK_LEVEL, -3), 0);
	assert_non_null(wire_put_item(m, WK_ITEMS));
	d = roundtrip(m);
	assert_int_equal(wire_get_uint(d, WK_NIK, &u), -1);
	assert_int_equal(wire_get_int(d, WK_NIK, &i), -1);
	assert_int_equal(wire_get_bytes(d, WK_NIK, &p, &len), -1);
	assert_int_equal(wire_get_str(d, WK_KEY, s, sizeof(s)), -1);
	assert_int_equal(wire_get_uint(d, WK_LEVEL, &u), -1);
	assert_int_equal(wire_get_str(d, WK_LEVEL, s, sizeof(s)), -1);
	assert_int_equal(wire_get_str(d, WK_ITEMS, s, sizeof(s)), -1);
	assert_int_equal(wire_get_bytes(d, WK_ITEMS, &p, &len), -1);
	assert_int_equal(wire_list_len(d, WK_NIK), 0);
	assert_int_equal(wire_get_uint(d, WK_COUNT, &u), -1);
	assert_int_equal(wire_get_str(d, WK_COUNT, s, sizeof(s)), -1);
	/* Seven characters fit in eight bytes, eight do not. */
	assert_int_equal(wire_get_str(d, WK_NIK, s, sizeof(s)), 0);
	assert_string_equal(s, "1234567");
	assert_int_equal(wire_get_str(d, WK_NAME, s, sizeof(s)), -1);
	assert_int_equal(wire_get_str(d, WK_NIK, s, 0), -1);
	wire_msg_free(d);
	wire_msg_free(m);

	d = wire_decode(nul, sizeof(nul), NULL, 0);
	assert_non_null(d);
	assert_int_equal(wire_get_str(d, WK_NAME, s, sizeof(s)), -1);
	wire_msg_free(d);

	/* 2^63 and -2^63 - 1 are outside int64. */
	d = wire_decode(big, sizeof(big), NULL, 0);
	assert_non_null(d);
	assert_int_equal(wire_get_int(d, WK_TIME, &i), -1);
	assert_int_equal(wire_get_int(d, WK_ACTOR, &i), -1);
	assert_int_equal(wire_get_uint(d, WK_TIME, &u), 0);
	assert_true(u == UINT64_C(1) << 63);
	wire_msg_free(d);
}

static void
test_replace(void **state)
{
	static const uint8_t	 want[] = {
		0x00, 0x00, 0x00, 0x12,
		0xa5, 0x00, 0x0a, 0x01, 0x01, 0x06, 0x81, 0xa0,
		0x18, 0x1b, 0x05, 0x18, 0x23, 0x64, 'f', 'l', 'a', 't'
	};
	struct wire_msg	*m, *d;
	uint8_t		*buf;
	size_t		 len;
	uint64_t	 u;
	char		 s[16];

	m = wire_msg_new(WIRE_STATS, 1);
	assert_int_equal(wire_put_str(m, WK_COUNT, "many"), 0);
	assert_int_equal(wire_put_uint(m, WK_COUNT, 5), 0);
	assert_non_null(wire_put_item(m, WK_STATS));
	assert_int_equal(wire_put_str(m, WK_STATS, "flat"), 0);
	assert_int_equal(wire_put_uint(m, WK_ITEMS, 1), 0);
	assert_non_null(wire_put_item(m, WK_ITEMS));
	assert_int_equal(wire_encode(m, &buf, &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	free(buf);
	d = roundtrip(m);
	assert_int_equal(wire_get_uint(d, WK_COUNT, &u), 0);
	assert_int_equal(u, 5);
	assert_int_equal(wire_get_str(d, WK_STATS, s, sizeof(s)), 0);
	assert_string_equal(s, "flat");
	assert_int_equal(wire_list_len(d, WK_STATS), 0);
	assert_int_equal(wire_list_len(d, WK_ITEMS), 1);
	wire_msg_free(d);
	wire_msg_free(m);
	wire_msg_free(NULL);
}

static void
test_check_keys(void **state)
{
	struct wire_msg	*m;
	char		 err[64] = "";

	m = wire_msg_new(WIRE_HELLO, 1);
	assert_int_equal(wire_check_keys(m, 0, err, sizeof(err)), 0);
	assert_int_equal(wire_put_uint(m, WK_VERSION, 1), 0);
	assert_int_equal(wire_put_str(m, WK_NAME, "skk"), 0);
	assert_int_equal(wire_check_keys(m, WK_BIT(WK_VERSION), err,
	    sizeof(err)), -1);
	assert_string_equal(err, "unexpected field 5 (name)");
	assert_int_equal(wire_check_keys(m,
	    WK_BIT(WK_VERSION) | WK_BIT(WK_NAME), err, sizeof(err)), 0);
	assert_non_null(wire_put_item(m, WK_ROLE));
	assert_int_equal(wire_check_keys(m,
	    WK_BIT(WK_VERSION) | WK_BIT(WK_NAME), err, sizeof(err)), -1);
	assert_string_equal(err, "unexpected field 36 (role)");
	assert_int_equal(wire_check_keys(m, 0, NULL, 0), -1);
	wire_msg_free(m);
}

static void
test_names(void **state)
{
	assert_string_equal(wire_type_name(WIRE_HELLO), "hello");
	assert_string_equal(wire_type_name(WIRE_VERIFY), "verify");
	assert_string_equal(wire_type_name(WIRE_SET_STATUS), "set_status");
	assert_string_equal(wire_type_name(WIRE_RECORD_LPJK), "record_lpjk");
	assert_string_equal(wire_type_name(WIRE_STATS), "stats");
	assert_string_equal(wire_type_name(WIRE_CORRECT), "correct");
	assert_string_equal(wire_type_name(WIRE_CORRECTIONS), "corrections");
	assert_string_equal(wire_type_name(WIRE_HOLDER_REPORT),
	    "holder_report");
	assert_string_equal(wire_type_name(WIRE_HOLDER_REPORT + 1), "unknown");
	assert_string_equal(wire_type_name(WIRE_ERROR), "error");
	assert_string_equal(wire_type_name(0), "unknown");
	assert_string_equal(wire_type_name(WIRE_QR), "qr");
	assert_string_equal(wire_type_name(WIRE_BLANK), "blank");
	assert_string_equal(wire_type_name(WIRE_BLANK + 1), "correct");
	assert_string_equal(wire_type_name(UINT64_MAX), "unknown");
	assert_string_equal(wire_err_name(WERR_OK), "ok");
	assert_string_equal(wire_err_name(WERR_NOT_AUTHORISED),
	    "not_authorised");
	assert_string_equal(wire_err_name(WERR_BUSY), "busy");
	assert_string_equal(wire_err_name(WERR_MAX), "unknown");
}

/*
 * PROTOCOL.md 3.3 lists every key the codec accepts, no more: its rows
 * are 0 to WK_MAX - 1 in order (3.2 says keys are those of the table).
 */
static void
test_doc_keys(void **state)
{
	FILE		*f;
	char		 line[512];
	unsigned	 k;
	int		 in = 0, next = 0;

	if ((f = fopen("proto/PROTOCOL.md", "r")) == NULL)
		skip();
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "### ", 4) == 0)
			in = strncmp(line, "### 3.3 ", 8) == 0;
		if (in && sscanf(line, "| %u | ", &k) == 1)
			assert_int_equal(k, next++);
	}
	fclose(f);
	assert_int_equal(next, WK_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_scalars),
		cmocka_unit_test(test_roundtrip_lists),
		cmocka_unit_test(test_canonical_bytes),
		cmocka_unit_test(test_hello_bytes),
		cmocka_unit_test(test_noncanonical_input),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_huge_lengths),
		cmocka_unit_test(test_item_limit),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_depth_bombs),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_big_list),
		cmocka_unit_test(test_frame_len),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_check_keys),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_doc_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
