/* skkd — SPDX-License-Identifier: ISC */
/*
 * c2sp.org/tlog-tiles arithmetic. A tile at tile level L holds up to 256
 * tree hashes of tree level 8L; the 7 levels between are recomputed from
 * them. Tile index N is written in 3-digit groups, all but the last
 * prefixed by 'x', so a directory never shares a name with a file.
 */

#include <stdio.h>
#include <string.h>

#include "errf.h"
#include "tile.h"

/* Writes N as x###/.../### at out; the characters written, or -1. */
static int
tile_put_index(uint64_t n, char *out, size_t outlen)
{
	unsigned	group[7];
	int		ng = 0, i, w, o = 0;

	do {
		group[ng++] = (unsigned)(n % 1000);
		n /= 1000;
	} while (n > 0);
	for (i = ng - 1; i >= 0; i--) {
		w = snprintf(out + o, outlen - (size_t)o, i > 0 ? "x%03u/" :
		    "%03u", group[i]);
		if (w < 0 || (size_t)w >= outlen - (size_t)o)
			return -1;
		o += w;
	}
	return o;
}

int
tile_path(const struct tile *t, char *out, size_t outlen)
{
	int	o, w;

	if (t->width < 1 || t->width > TILE_WIDTH ||
	    t->level < TILE_ENTRIES || t->level > TILE_LEVEL_MAX)
		return -1;
	if (t->level == TILE_ENTRIES)
		o = snprintf(out, outlen, "tile/entries/");
	else
		o = snprintf(out, outlen, "tile/%d/", t->level);
	if (o < 0 || (size_t)o >= outlen ||
	    (w = tile_put_index(t->index, out + o, outlen - (size_t)o)) == -1)
		return -1;
	o += w;
	if (t->width == TILE_WIDTH)
		return 0;
	w = snprintf(out + o, outlen - (size_t)o, ".p/%u", t->width);
	return w < 0 || (size_t)w >= outlen - (size_t)o ? -1 : 0;
}

/*
 * A decimal with no leading zero, at most max, at path + *off; advances
 * *off. -1 (err names the byte) otherwise.
 */
static int
tile_get_decimal(const char *path, size_t *off, unsigned max,
    unsigned *v, const char *what, char *err, size_t errlen)
{
	size_t	start = *off;

	*v = 0;
	while (path[*off] >= '0' && path[*off] <= '9') {
		*v = *v * 10 + (unsigned)(path[*off] - '0');
		if (*v > max)
			return errf(err, errlen, "byte %zu: %s above %u",
			    start, what, max);
		(*off)++;
	}
	if (*off == start || (path[start] == '0' && *off - start > 1))
		return errf(err, errlen, "byte %zu: %s: expected a "
		    "decimal number without leading zeros", start, what);
	return 0;
}

/* Three digits at path + off. */
static int
tile_get_group(const char *path, size_t off, unsigned *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < 3; i++) {
		if (path[off + i] < '0' || path[off + i] > '9')
			return -1;
		*v = *v * 10 + (unsigned)(path[off + i] - '0');
	}
	return 0;
}

/* N as x###/.../###; advances *off past it. */
static int
tile_get_index(const char *path, size_t *off, uint64_t *n, char *err,
    size_t errlen)
{
	unsigned	g;
	int		more;

	*n = 0;
	do {
		more = path[*off] == 'x';
		if (more && *n == 0 && strncmp(path + *off, "x000/", 5) == 0)
			return errf(err, errlen, "byte %zu: tile index "
			    "with a leading x000 group", *off);
		*off += (size_t)more;
		if (tile_get_group(path, *off, &g) == -1)
			return errf(err, errlen, "byte %zu: expected 3 "
			    "digits", *off);
		if (more && path[*off + 3] != '/')
			return errf(err, errlen, "byte %zu: expected '/'",
			    *off + 3);
		if (*n > (UINT64_MAX - g) / 1000)
			return errf(err, errlen, "byte %zu: tile index "
			    "above 2^64", *off);
		*n = *n * 1000 + g;
		*off += 3 + (size_t)more;
	} while (more);
	return 0;
}

int
tile_parse_path(const char *path, struct tile *t, char *err, size_t errlen)
{
	size_t		off = 5;
	unsigned	v;

	memset(t, 0, sizeof(*t));
	t->width = TILE_WIDTH;
	if (strncmp(path, "tile/", 5) != 0)
		return errf(err, errlen, "byte 0: expected 'tile/'");
	if (strncmp(path + off, "entries/", 8) == 0) {
		t->level = TILE_ENTRIES;
		off += 8;
	} else {
		if (tile_get_decimal(path, &off, TILE_LEVEL_MAX, &v, "level",
		    err, errlen) == -1)
			return -1;
		if (path[off++] != '/')
			return errf(err, errlen, "byte %zu: expected '/' "
			    "after the level", off - 1);
		t->level = (int)v;
	}
	if (tile_get_index(path, &off, &t->index, err, errlen) == -1)
		return -1;
	if (strncmp(path + off, ".p/", 3) == 0) {
		off += 3;
		if (tile_get_decimal(path, &off, TILE_WIDTH - 1, &t->width,
		    "width", err, errlen) == -1)
			return -1;
		if (t->width == 0)
			return errf(err, errlen, "byte %zu: width 0",
			    off - 1);
	}
	if (path[off] != '\0')
		return errf(err, errlen, "byte %zu: unexpected '%c' at "
		    "the end of the path", off, path[off]);
	return 0;
}

/* size >> (8 * level), or 0 when that shifts out every bit. */
static uint64_t
tile_shift(uint64_t size, int level)
{
	if (level < 0)
		level = 0;
	return level * TILE_HEIGHT >= 64 ? 0 : size >> (level * TILE_HEIGHT);
}

uint64_t
tile_full_count(uint64_t size, int level)
{
	return tile_shift(size, level) / TILE_WIDTH;
}

unsigned
tile_partial_width(uint64_t size, int level)
{
	return (unsigned)(tile_shift(size, level) % TILE_WIDTH);
}

int
tile_at(uint64_t size, int level, uint64_t index, struct tile *out)
{
	uint64_t	full = tile_full_count(size, level);

	if (index > full || (index == full &&
	    tile_partial_width(size, level) == 0))
		return -1;
	out->level = level;
	out->index = index;
	out->width = index < full ? TILE_WIDTH :
	    tile_partial_width(size, level);
	return 0;
}

void
tile_locate(unsigned level, uint64_t n, struct tile *t, unsigned *first,
    unsigned *count)
{
	unsigned	sub = level % TILE_HEIGHT;
	uint64_t	base = n << sub;	/* first hash at level 8L */

	t->level = (int)(level / TILE_HEIGHT);
	t->index = base / TILE_WIDTH;
	t->width = TILE_WIDTH;
	*first = (unsigned)(base % TILE_WIDTH);
	*count = 1u << sub;
}

int
tile_subtree_hash(const uint8_t *data, size_t len, unsigned first,
    unsigned count, uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t	l[MERKLE_HASH_LEN], r[MERKLE_HASH_LEN];

	if (count == 0 || (count & (count - 1)) != 0 ||
	    ((size_t)first + count) * MERKLE_HASH_LEN > len)
		return -1;
	if (count == 1) {
		memcpy(out, data + (size_t)first * MERKLE_HASH_LEN,
		    MERKLE_HASH_LEN);
		return 0;
	}
	if (tile_subtree_hash(data, len, first, count / 2, l) == -1 ||
	    tile_subtree_hash(data, len, first + count / 2, count / 2,
	    r) == -1)
		return -1;
	return merkle_node_hash(l, r, out);
}

uint64_t
tile_stored_count(uint64_t size)
{
	return 2 * size - (uint64_t)__builtin_popcountll(size);
}

uint64_t
tile_stored_index(unsigned level, uint64_t n)
{
	/* Leaf m completes the subtree; its hashes follow its leaf hash. */
	uint64_t	m = ((n + 1) << level) - 1;

	return tile_stored_count(m) + level;
}

void
tile_stored_split(uint64_t index, unsigned *level, uint64_t *n)
{
	uint64_t	m = index / 2;	/* stored_count(m) <= index */

	while (tile_stored_count(m + 1) <= index)
		m++;
	*level = (unsigned)(index - tile_stored_count(m));
	*n = ((m + 1) >> *level) - 1;
}

int
tile_bundle_append(uint8_t *buf, size_t cap, size_t *len,
    const uint8_t *entry, size_t elen)
{
	if (elen > TILE_ENTRY_MAX || cap - *len < 2 || cap - *len - 2 < elen)
		return -1;
	buf[(*len)++] = (uint8_t)(elen >> 8);
	buf[(*len)++] = (uint8_t)elen;
	if (elen > 0)
		memcpy(buf + *len, entry, elen);
	*len += elen;
	return 0;
}

int
tile_bundle_next(const uint8_t *buf, size_t len, size_t *off,
    const uint8_t **entry, size_t *elen, char *err, size_t errlen)
{
	if (*off == len)
		return 0;
	if (len - *off < 2)
		return errf(err, errlen, "byte %zu: truncated entry "
		    "length", *off);
	*elen = (size_t)buf[*off] << 8 | buf[*off + 1];
	if (len - *off - 2 < *elen)
		return errf(err, errlen, "byte %zu: entry of %zu bytes, "
		    "only %zu left", *off, *elen, len - *off - 2);
	*entry = buf + *off + 2;
	*off += 2 + *elen;
	return 1;
}

int
tile_bundle_check(const uint8_t *buf, size_t len, unsigned width,
    char *err, size_t errlen)
{
	const uint8_t	*e;
	size_t		 off = 0, elen = 0;
	unsigned	 n = 0;
	int		 r;

	while ((r = tile_bundle_next(buf, len, &off, &e, &elen, err,
	    errlen)) == 1) {
		if (++n > width)
			return errf(err, errlen, "byte %zu: more than %u "
			    "entries", off - 2 - elen, width);
	}
	if (r == -1)
		return -1;
	if (n != width)
		return errf(err, errlen, "byte %zu: %u entries, "
		    "expected %u", len, n, width);
	return 0;
}
