/* skkd — SPDX-License-Identifier: ISC */
/*
 * Status lists and number maps (PROTOCOL.md §5): nibble order, the zlib
 * bytes of the IETF Token Status List example, round trips, every
 * refusal (another key, another host or list, another kind, a changed
 * byte, a stream that inflates past the largest list), number lookups,
 * and the size of a million entries with 1% revoked.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "cose.h"
#include "hex.h"
#include "sign.h"
#include "statuslist.h"

#define HOST	"lsp.example:7443"

static struct sign_key *
key(uint8_t b)
{
	uint8_t	seed[SIGN_SEED_LEN];

	memset(seed, b, sizeof(seed));
	return sign_key_from_seed(seed);
}

static struct sl_head
head(uint32_t n)
{
	struct sl_head	h;

	memset(&h, 0, sizeof(h));
	h.n = n;
	h.iat = 1796000000;
	h.ttl = 300;
	h.exp = h.iat + 7 * 86400;
	h.tree_size = 42;
	memset(h.root, 0xab, sizeof(h.root));
	return h;
}

static void
test_nibbles(void **state)
{
	uint8_t	p[4] = { 0 };

	(void)state;
	sl_set(p, 0, SL_REVOKED);
	sl_set(p, 1, SL_SUSPENDED);
	sl_set(p, 7, SL_NONE);
	assert_int_equal(p[0], 0x21);
	assert_int_equal(p[3], 0xf0);
	assert_int_equal(sl_get(p, 0), SL_REVOKED);
	assert_int_equal(sl_get(p, 1), SL_SUSPENDED);
	assert_int_equal(sl_get(p, 6), SL_VALID);
	sl_set(p, 0, SL_VALID);
	assert_int_equal(p[0], 0x20);
	assert_string_equal(sl_status_name(SL_PENDING), "pending");
}

/*
 * The draft's example list packs to b9 a3; its zlib stream (level 9) is
 * 78dadbb918000217015d, the same bytes our list must carry for them.
 */
static void
test_draft_vector(void **state)
{
	struct sign_key	*k = key(1);
	struct sl_head	 h = head(0);
	struct sl_list	 l;
	uint8_t		 packed[2] = { 0xb9, 0xa3 }, want[10], *tok;
	size_t		 len;
	char		 err[160];

	(void)state;
	assert_int_equal(hex_decode("78dadbb918000217015d", 20, want,
	    sizeof(want)), 10);
	assert_int_equal(sl_make(k, HOST, &h, packed, 4, &tok, &len, err,
	    sizeof(err)), 0);
	assert_non_null(memmem(tok, len, want, sizeof(want)));
	assert_string_equal(h.sub, "https://" HOST "/status/0");
	assert_int_equal(sl_open(tok, len, k, HOST, 0, &l, err,
	    sizeof(err)), 0);
	assert_int_equal(l.count, 4);
	assert_memory_equal(l.packed, packed, 2);
	assert_int_equal(sl_list_get(&l, 0), 0x9);
	assert_int_equal(sl_list_get(&l, 3), 0xa);
	assert_int_equal(sl_list_get(&l, 4), SL_NONE);
	assert_int_equal(sl_list_get(&l, SL_PER_LIST), SL_NONE);
	assert_int_equal(l.h.tree_size, 42);
	assert_int_equal(l.h.ttl, 300);
	sl_list_release(&l);
	free(tok);
	sign_key_free(k);
}

static void
test_refusals(void **state)
{
	struct sign_key	*k = key(1), *other = key(2);
	struct sl_head	 h = head(3);
	struct sl_list	 l;
	struct sl_numbers nm;
	uint8_t		 packed[8] = { 0 }, *tok;
	size_t		 len, i;
	char		 err[160];

	(void)state;
	assert_int_equal(sl_make(k, HOST, &h, packed, 15, &tok, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(sl_open(tok, len, other, HOST, 3, &l, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "log key"));
	assert_int_equal(sl_open(tok, len, k, "other.example", 3, &l, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "sub"));
	assert_int_equal(sl_open(tok, len, k, HOST, 4, &l, err,
	    sizeof(err)), -1);
	assert_int_equal(sl_open(tok, len, k, NULL, 3, &l, err,
	    sizeof(err)), 0);
	assert_int_equal(l.count, 16);
	assert_int_equal(sl_list_get(&l, 3 * SL_PER_LIST + 15), SL_NONE);
	sl_list_release(&l);
	assert_int_equal(sl_numbers_open(tok, len, k, HOST, 3, &nm, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "typ"));
	/* Every single changed byte is refused. */
	for (i = 0; i < len; i++) {
		tok[i] ^= 0x01;
		assert_int_not_equal(sl_open(tok, len, k, HOST, 3, &l, err,
		    sizeof(err)), 0);
		tok[i] ^= 0x01;
	}
	free(tok);
	h.exp = h.iat - 1;
	assert_int_equal(sl_make(k, HOST, &h, packed, 15, &tok, &len, err,
	    sizeof(err)), -1);
	h = head(SL_MAX_LISTS);
	assert_int_equal(sl_make(k, HOST, &h, packed, 15, &tok, &len, err,
	    sizeof(err)), -1);
	sign_key_free(k);
	sign_key_free(other);
}

/* A list whose lst inflates past SL_PACKED_MAX is refused, not allocated. */
static void
test_bomb(void **state)
{
	struct sign_key	*k = key(1);
	struct sl_head	 h = head(0);
	struct sl_list	 l;
	uint8_t		*big, *tok;
	size_t		 len;
	char		 err[160];

	(void)state;
	/* sl_make takes at most a full list; build one and tamper the size. */
	big = calloc(1, SL_PACKED_MAX);
	assert_non_null(big);
	assert_int_equal(sl_make(k, HOST, &h, big, SL_PER_LIST, &tok, &len,
	    err, sizeof(err)), 0);
	assert_int_equal(sl_open(tok, len, k, HOST, 0, &l, err,
	    sizeof(err)), 0);
	assert_int_equal(l.count, SL_PER_LIST);
	sl_list_release(&l);
	free(tok);
	assert_int_equal(sl_make(k, HOST, &h, big, SL_PER_LIST + 1, &tok, &len,
	    err, sizeof(err)), -1);
	free(big);
	sign_key_free(k);
}

static void
test_numbers(void **state)
{
	struct sign_key		*k = key(1);
	struct sl_head		 h = head(0);
	struct sl_numrec	 r[3];
	struct sl_numbers	 nm;
	uint8_t			*tok;
	size_t			 len;
	uint32_t		 idx;
	char			 err[160];

	(void)state;
	memcpy(r[0].digits, "4210183423000000012025", 22);
	r[0].idx = 7;
	memcpy(r[1].digits, "4210183423000000022025", 22);
	r[1].idx = 0x01020304;
	memcpy(r[2].digits, "4210183423000000032026", 22);
	r[2].idx = 0;
	assert_int_equal(sl_numbers_make(k, HOST, &h, r, 3, &tok, &len, err,
	    sizeof(err)), 0);
	assert_string_equal(h.sub, "https://" HOST "/numbers/0");
	assert_int_equal(sl_numbers_open(tok, len, k, HOST, 0, &nm, err,
	    sizeof(err)), 0);
	assert_int_equal(nm.count, 3);
	assert_int_equal(sl_numbers_find(&nm, "42101 8342 3 00000002 2025",
	    &idx), 0);
	assert_int_equal(idx, 0x01020304);
	assert_int_equal(sl_numbers_find(&nm, "4210183423000000032026", &idx),
	    0);
	assert_int_equal(idx, 0);
	assert_int_equal(sl_numbers_find(&nm, "42101 8342 3 00000004 2025",
	    &idx), -1);
	assert_int_equal(sl_numbers_find(&nm, "42101 8342", &idx), -1);
	assert_int_equal(sl_numbers_find(&nm, "x4210183423000000032026", &idx),
	    -1);
	sl_numbers_release(&nm);
	assert_int_equal(sl_open(tok, len, k, HOST, 0, &(struct sl_list){ 0 },
	    err, sizeof(err)), -1);
	free(tok);
	/* Unsorted or repeated numbers are refused. */
	r[2] = r[1];
	assert_int_equal(sl_numbers_make(k, HOST, &h, r, 3, &tok, &len, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "record 2"));
	sign_key_free(k);
}

/* PROTOCOL.md §5.5, byte for byte. */
#define V_STATUS \
	"d284582aa30127044834750f98bd59fcfc10781a6170706c69636174696f6e2f" \
	"7374617475736c6973742b637774a05877a602781c68747470733a2f2f6c7370" \
	"2e6578616d706c652f7374617475732f30041a6b160380061a6b0cc90019fffd" \
	"a2636c73744c78da1330baf301000382020f64626974730419fffe19012c3a00" \
	"01000182182a5820abababababababababababababababababababababababab" \
	"abababababababab5840a3f94109c0102c20a20aa473f3aa86037ebf93f1e512" \
	"e6abaa03aa02ca8385e668badebb8dc7e663a68c272857de15151791bb5fc775" \
	"ac1cdb131d0bbdc64d0c"
#define V_NUMBERS \
	"d284582ba30127044834750f98bd59fcfc10781b6170706c69636174696f6e2f" \
	"736b6b2d6e756d626572732b637774a05893a602781d68747470733a2f2f6c73" \
	"702e6578616d706c652f6e756d626572732f30041a6b160380061a6b0cc90019" \
	"fffe19012c3a0001000182182a5820ababababababababababababababababab" \
	"ababababababababababababababab3a00010002a2636d61705823789c333132" \
	"3430b430363132368000432303233306203041973182ca300200f47808916563" \
	"6f756e7402584024453a4e2dec2c4e374076331a4be26b3e722dd68ad5486ed0" \
	"6af86bd43baeb056dbe893cc73819735531e429994ebfc21406072853df9a9ee" \
	"7092c5465bec03"

/* Compares a token with the hex of PROTOCOL.md, then opens it. */
static void
check_hex(const uint8_t *tok, size_t len, const char *hex)
{
	char	*h;

	assert_int_equal(len * 2, strlen(hex));
	h = malloc(len * 2 + 1);
	assert_non_null(h);
	hex_encode(tok, len, h);
	assert_string_equal(h, hex);
	free(h);
}

static void
test_protocol_vectors(void **state)
{
	struct sign_key		*k = key(1);
	struct sl_head		 h = head(0);
	struct sl_list		 l;
	struct sl_numrec	 r[2];
	static const unsigned	 v[7] = { SL_VALID, SL_REVOKED, SL_SUSPENDED,
	    SL_REPLACED, SL_PENDING, SL_EXPIRED, SL_VALID };
	uint8_t			 packed[4] = { 0 }, *tok;
	size_t			 len, i;
	uint32_t		 idx;
	struct sl_numbers	 nm;
	char			 err[160];

	(void)state;
	h.exp = 1796604800;
	for (i = 0; i < 7; i++)
		sl_set(packed, (uint32_t)i, v[i]);
	assert_int_equal(sl_make(k, "lsp.example", &h, packed, 7, &tok, &len,
	    err, sizeof(err)), 0);
	check_hex(tok, len, V_STATUS);
	assert_int_equal(sl_open(tok, len, k, "lsp.example", 0, &l, err,
	    sizeof(err)), 0);
	for (i = 0; i < 7; i++)
		assert_int_equal(sl_list_get(&l, i), v[i]);
	assert_int_equal(sl_list_get(&l, 7), SL_NONE);
	sl_list_release(&l);
	free(tok);
	memcpy(r[0].digits, "4210183423000000012026", 22);
	r[0].idx = 0;
	memcpy(r[1].digits, "4210183423000000022026", 22);
	r[1].idx = 1;
	assert_int_equal(sl_numbers_make(k, "lsp.example", &h, r, 2, &tok,
	    &len, err, sizeof(err)), 0);
	check_hex(tok, len, V_NUMBERS);
	assert_int_equal(sl_numbers_open(tok, len, k, "lsp.example", 0, &nm,
	    err, sizeof(err)), 0);
	assert_int_equal(sl_numbers_find(&nm, "42101 8342 3 00000002 2026",
	    &idx), 0);
	assert_int_equal(idx, 1);
	sl_numbers_release(&nm);
	free(tok);
	sign_key_free(k);
}

/* 1,000,000 certificates, 1% revoked at random: at most 2 bits each. */
static void
test_size(void **state)
{
	struct sign_key	*k = key(1);
	struct sl_head	 h = head(0);
	uint8_t		*p, *tok;
	size_t		 len;
	uint32_t	 i, n = 1000000, x = 12345;
	char		 err[160];

	(void)state;
	p = calloc(1, SL_PACKED_MAX);
	assert_non_null(p);
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		if ((x >> 16) % 100 == 0)
			sl_set(p, i, SL_REVOKED);
	}
	assert_int_equal(sl_make(k, HOST, &h, p, n, &tok, &len, err,
	    sizeof(err)), 0);
	print_message("1,000,000 entries, 1%% revoked: %zu bytes, "
	    "%.2f bits per certificate\n", len, len * 8.0 / n);
	assert_true(len * 8 <= 2 * (size_t)n);
	free(tok);
	free(p);
	sign_key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nibbles),
		cmocka_unit_test(test_draft_vector),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_protocol_vectors),
		cmocka_unit_test(test_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
