/* skkd — SPDX-License-Identifier: ISC */
/*
 * Tiles: the path examples and the 70,000-leaf census of
 * c2sp.org/tlog-tiles, strict path parsing, the stored-hash order
 * against a log appending hash by hash, tree hashes rebuilt from tile
 * data, and entry bundles.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tile.h"

static void
assert_path(int level, uint64_t index, unsigned width, const char *want)
{
	struct tile	t = { level, index, width }, back;
	char		path[TILE_PATH_MAX], err[160];

	assert_int_equal(tile_path(&t, path, sizeof(path)), 0);
	assert_string_equal(path, want);
	assert_int_equal(tile_parse_path(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.level, level);
	assert_int_equal(back.index, index);
	assert_int_equal(back.width, width);
}

static void
test_paths(void **state)
{
	assert_path(0, 1234067, TILE_WIDTH, "tile/0/x001/x234/067");
	assert_path(0, 0, TILE_WIDTH, "tile/0/000");
	assert_path(0, 273, 112, "tile/0/273.p/112");
	assert_path(1, 1, 17, "tile/1/001.p/17");
	assert_path(2, 0, 1, "tile/2/000.p/1");
	assert_path(63, 999, 255, "tile/63/999.p/255");
	assert_path(TILE_ENTRIES, 1000, TILE_WIDTH, "tile/entries/x001/000");
	assert_path(TILE_ENTRIES, 5, 3, "tile/entries/005.p/3");
	assert_path(0, UINT64_MAX, TILE_WIDTH,
	    "tile/0/x018/x446/x744/x073/x709/x551/615");
}

static void
assert_bad_path(const char *path, const char *want)
{
	struct tile	t;
	char		err[160] = "";

	if (tile_parse_path(path, &t, err, sizeof(err)) != -1)
		fail_msg("%s: accepted", path);
	if (strstr(err, want) == NULL)
		fail_msg("%s: '%s' lacks '%s'", path, err, want);
}

static void
test_bad_paths(void **state)
{
	struct tile	t = { 0, 0, 0 };
	char		path[TILE_PATH_MAX];

	assert_bad_path("tiles/0/000", "byte 0");
	assert_bad_path("tile/00/000", "byte 5: level");
	assert_bad_path("tile/64/000", "byte 5: level above 63");
	assert_bad_path("tile/0/1", "byte 7");
	assert_bad_path("tile/0/0000", "byte 10");
	assert_bad_path("tile/0/x000/001", "byte 7: tile index with a leading");
	assert_bad_path("tile/0/x001", "byte 11");
	assert_bad_path("tile/0/000.p/256", "width above 255");
	assert_bad_path("tile/0/000.p/0", "byte 13: width");
	assert_bad_path("tile/0/000.p/07", "byte 13: width");
	assert_bad_path("tile/0/000.p/", "byte 13: width");
	assert_bad_path("tile/0/000/", "byte 10: unexpected '/'");
	assert_bad_path("tile/entries/abc", "byte 13");
	assert_bad_path("tile/0/x018/x446/x744/x073/x709/x551/616",
	    "above 2^64");
	assert_bad_path("tile/0/x001/x018/x446/x744/x073/x709/x551/615",
	    "above 2^64");
	/* Nothing to write for an empty or oversized tile. */
	assert_int_equal(tile_path(&t, path, sizeof(path)), -1);
	t.width = TILE_WIDTH + 1;
	assert_int_equal(tile_path(&t, path, sizeof(path)), -1);
	t.width = 1;
	assert_int_equal(tile_path(&t, path, 8), -1);
}

static void
test_census(void **state)
{
	struct tile	t;

	/* The spec's tree of 70,000 leaves. */
	assert_int_equal(tile_full_count(70000, 0), 273);
	assert_int_equal(tile_partial_width(70000, 0), 112);
	assert_int_equal(tile_full_count(70000, 1), 1);
	assert_int_equal(tile_partial_width(70000, 1), 17);
	assert_int_equal(tile_full_count(70000, 2), 0);
	assert_int_equal(tile_partial_width(70000, 2), 1);
	assert_int_equal(tile_partial_width(70000, 3), 0);
	assert_int_equal(tile_at(70000, 0, 272, &t), 0);
	assert_int_equal(t.width, TILE_WIDTH);
	assert_int_equal(tile_at(70000, 0, 273, &t), 0);
	assert_int_equal(t.width, 112);
	assert_int_equal(tile_at(70000, 0, 274, &t), -1);
	assert_int_equal(tile_at(70000, 3, 0, &t), -1);
	/* And its 256: one full level-0 tile, a level-1 tile of width 1. */
	assert_int_equal(tile_at(256, 0, 0, &t), 0);
	assert_int_equal(t.width, TILE_WIDTH);
	assert_int_equal(tile_at(256, 0, 1, &t), -1);
	assert_int_equal(tile_at(256, 1, 0, &t), 0);
	assert_int_equal(t.width, 1);
	assert_int_equal(tile_at(0, 0, 0, &t), -1);
	assert_int_equal(tile_full_count(UINT64_MAX, 7), 0);
	assert_int_equal(tile_partial_width(UINT64_MAX, 7), 255);
	assert_int_equal(tile_partial_width(UINT64_MAX, 8), 0);
}

/* Appends leaf after leaf, numbering hashes as a log stores them. */
static void
test_stored_order(void **state)
{
	uint64_t	leaf, index = 0, n;
	unsigned	level, l;

	for (leaf = 0; leaf < 5000; leaf++) {
		for (l = 0; l == 0 || ((leaf + 1) & ((1ull << l) - 1)) == 0;
		    l++) {
			n = ((leaf + 1) >> l) - 1;
			assert_int_equal(tile_stored_index(l, n), index);
			tile_stored_split(index, &level, &n);
			assert_int_equal(level, l);
			assert_int_equal(n, ((leaf + 1) >> l) - 1);
			index++;
		}
		assert_int_equal(tile_stored_count(leaf + 1), index);
	}
}

/* Tree hashes from tiles equal the ones computed from the leaves. */
static void
test_locate(void **state)
{
	static uint8_t		leaf[1024][MERKLE_HASH_LEN];
	static uint8_t		t0[4][TILE_WIDTH * MERKLE_HASH_LEN];
	static uint8_t		t1[4 * MERKLE_HASH_LEN];
	struct merkle_mem	m = { leaf, 1024 };
	struct tile		t;
	uint8_t			want[MERKLE_HASH_LEN], got[MERKLE_HASH_LEN];
	unsigned		first, count, level, i;
	uint64_t		n;

	for (i = 0; i < 1024; i++)
		assert_int_equal(merkle_leaf_hash((uint8_t *)&i, sizeof(i),
		    leaf[i]), 0);
	memcpy(t0, leaf, sizeof(t0));
	for (i = 0; i < 4; i++)
		assert_int_equal(merkle_mem_fetch(&m, 8, i,
		    t1 + i * MERKLE_HASH_LEN), 0);
	for (level = 0; level <= 10; level++) {
		for (n = 0; n < (1024u >> level); n++) {
			tile_locate(level, n, &t, &first, &count);
			assert_int_equal(t.level, level / 8);
			assert_int_equal(merkle_mem_fetch(&m, level, n, want), 0);
			assert_int_equal(tile_subtree_hash(t.level == 0 ?
			    t0[t.index] : t1, t.level == 0 ? sizeof(t0[0]) :
			    sizeof(t1), first, count, got), 0);
			assert_memory_equal(got, want, MERKLE_HASH_LEN);
		}
	}
	assert_int_equal(tile_subtree_hash(t1, sizeof(t1), 3, 2, got), -1);
	assert_int_equal(tile_subtree_hash(t1, sizeof(t1), 0, 3, got), -1);
}

static void
test_bundles(void **state)
{
	uint8_t		 buf[64], big[TILE_ENTRY_MAX + 1];
	const uint8_t	*e;
	size_t		 len = 0, off = 0, elen;
	char		 err[160];

	assert_int_equal(tile_bundle_append(buf, sizeof(buf), &len,
	    (const uint8_t *)"abc", 3), 0);
	assert_int_equal(tile_bundle_append(buf, sizeof(buf), &len, NULL, 0),
	    0);
	assert_int_equal(tile_bundle_append(buf, sizeof(buf), &len,
	    (const uint8_t *)"de", 2), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(buf, "\0\3abc\0\0\0\2de", 11);
	assert_int_equal(tile_bundle_next(buf, len, &off, &e, &elen, err,
	    sizeof(err)), 1);
	assert_int_equal(elen, 3);
	assert_memory_equal(e, "abc", 3);
	assert_int_equal(tile_bundle_check(buf, len, 3, err, sizeof(err)), 0);
	assert_int_equal(tile_bundle_check(buf, len, 2, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 7: more than 2 entries");
	assert_int_equal(tile_bundle_check(buf, len, 4, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 11: 3 entries, expected 4");
	assert_int_equal(tile_bundle_check(buf, len - 1, 3, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "byte 7: entry of 2 bytes, only 1 left");
	assert_int_equal(tile_bundle_check(buf, 6, 3, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 5: truncated entry length");
	/* Too long for the uint16 prefix, or for the buffer. */
	memset(big, 0, sizeof(big));
	len = 0;
	assert_int_equal(tile_bundle_append(big, sizeof(big), &len, big,
	    TILE_ENTRY_MAX + 1), -1);
	assert_int_equal(tile_bundle_append(buf, sizeof(buf), &len, big, 63),
	    -1);
	assert_int_equal(tile_bundle_append(buf, sizeof(buf), &len, big, 62),
	    0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_census),
		cmocka_unit_test(test_stored_order),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_bundles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
