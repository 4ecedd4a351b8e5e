/* skkd — SPDX-License-Identifier: ISC */
/*
 * The log as static files (c2sp.org/tlog-tiles): tile and entry-bundle
 * paths, which tiles a tree size implies, where a tree hash sits in the
 * tiles, the stored-hash order that keeps a hash store append-only, and
 * entry bundles. Pure: callers own every buffer; no file is touched.
 */
#ifndef PROTO_TILE_H
#define PROTO_TILE_H

#include <stddef.h>
#include <stdint.h>

#include "merkle.h"

#define TILE_HEIGHT	8		/* tree levels per tile level */
#define TILE_WIDTH	256		/* hashes (or entries) in a full tile */
#define TILE_LEVEL_MAX	63
#define TILE_ENTRIES	(-1)		/* level of an entry bundle */
#define TILE_PATH_MAX	80		/* "tile/entries/x018/.../615.p/255" */
#define TILE_ENTRY_MAX	65535		/* uint16 length prefix */

struct tile {
	int		level;		/* 0-63, or TILE_ENTRIES */
	uint64_t	index;		/* N */
	unsigned	width;		/* 1-255 partial, TILE_WIDTH full */
};

/* "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]"; 0 or -1. */
int		tile_path(const struct tile *, char *out, size_t outlen);
/*
 * The reverse, strict: only the canonical spelling of a path (no
 * leading "x000/", no leading zeros in L or W). -1 with "byte N: ..."
 * in err.
 */
int		tile_parse_path(const char *path, struct tile *, char *err,
		    size_t errlen);

/*
 * For a tree of size leaves: full tiles at a tile level, the width of
 * its partial tile (0: none), and the tile (level, index) as that size
 * serves it (-1 when the tree has none there).
 */
uint64_t	tile_full_count(uint64_t size, int level);
unsigned	tile_partial_width(uint64_t size, int level);
int		tile_at(uint64_t size, int level, uint64_t index,
		    struct tile *out);

/*
 * The tile holding tree hash (level, n): the hashes at level
 * 8 * (level / 8) below it fill count slots of that tile from first.
 * The result's width is TILE_WIDTH; tile_at gives the served one.
 */
void		tile_locate(unsigned level, uint64_t n, struct tile *,
		    unsigned *first, unsigned *count);
/*
 * Hashes slots [first, first + count) of tile data (len bytes), count a
 * power of two, into the root of the complete subtree they span; 0, or
 * -1 when the data is too short.
 */
int		tile_subtree_hash(const uint8_t *data, size_t len,
		    unsigned first, unsigned count,
		    uint8_t out[MERKLE_HASH_LEN]);

/*
 * Stored hash order: every hash of the tree numbered in the order a log
 * appends them (each leaf hash, then the subtree roots it completes),
 * so the store of hashes only ever grows at its end.
 */
uint64_t	tile_stored_index(unsigned level, uint64_t n);
void		tile_stored_split(uint64_t index, unsigned *level, uint64_t *n);
/* Hashes stored for a tree of size leaves. */
uint64_t	tile_stored_count(uint64_t size);

/*
 * Entry bundles: each entry as a big-endian uint16 length and its bytes.
 * append: 0, or -1 when the entry is too long or buf (cap) is full.
 * next: 1 with the entry at *off (advanced), 0 at the end, -1 on a
 * truncated entry (err names the byte). check: exactly width entries.
 */
int		tile_bundle_append(uint8_t *buf, size_t cap, size_t *len,
		    const uint8_t *entry, size_t elen);
int		tile_bundle_next(const uint8_t *buf, size_t len, size_t *off,
		    const uint8_t **entry, size_t *elen, char *err,
		    size_t errlen);
int		tile_bundle_check(const uint8_t *buf, size_t len,
		    unsigned width, char *err, size_t errlen);

#endif
