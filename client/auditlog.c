/* skkd — SPDX-License-Identifier: ISC */
/*
 * Reading a published log the way an outsider must: nothing is taken
 * from the server but the files, and nothing is believed but what the
 * signed checkpoint and the recomputed hashes agree on. Entry bundles
 * give the leaves; the tree above them is rebuilt level by level, and
 * every hash tile served must equal its slice of that tree.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auditlog.h"
#include "base64.h"
#include "errf.h"
#include "tile.h"

typedef uint8_t	al_hash[MERKLE_HASH_LEN];

/* A file the checkpoint implies: missing is bad data, not bad luck. */
static enum auditlog_status
al_fetch(struct fetch *f, const char *path, uint8_t **buf, size_t *len,
    size_t max, char *err, size_t errlen)
{
	switch (fetch_get(f, path, buf, len, max, err, errlen)) {
	case FETCH_OK:
		return AUDITLOG_OK;
	case FETCH_MISSING:
		return AUDITLOG_BADDATA;
	default:
		return AUDITLOG_UNAVAILABLE;
	}
}

enum auditlog_status
auditlog_fetch_checkpoint(struct fetch *f, char **text, size_t *len,
    char *err, size_t errlen)
{
	return al_fetch(f, "checkpoint", (uint8_t **)text, len,
	    AUDITLOG_NOTE_MAX, err, errlen);
}

enum auditlog_status
auditlog_open(struct auditlog *l, const char *text, size_t len,
    const struct note_key *key, char *err, size_t errlen)
{
	struct note	nt;
	char		why[NOTE_ERR_MAX];

	if (len > AUDITLOG_NOTE_MAX)
		return errf(err, errlen, "checkpoint: longer than %d bytes",
		    AUDITLOG_NOTE_MAX), AUDITLOG_BADDATA;
	if (note_parse(text, len, &nt, why, sizeof why) == -1)
		return errf(err, errlen, "checkpoint: %s", why),
		    AUDITLOG_BADDATA;
	if (note_verify(&nt, key, 1, why, sizeof why) == -1)
		return errf(err, errlen, "checkpoint: not signed by the log "
		    "key %s+%08x: %s", key->name, key->id, why),
		    AUDITLOG_BADSIG;
	memcpy(l->note, text, len);
	l->note[len] = '\0';
	l->notelen = len;
	if (checkpoint_parse(l->note, nt.textlen, &l->cp, why,
	    sizeof why) == -1)
		return errf(err, errlen, "checkpoint: %s", why),
		    AUDITLOG_BADDATA;
	if (strcmp(l->cp.origin, key->name) != 0)
		return errf(err, errlen, "checkpoint: line 1: origin '%s' is "
		    "not the log key's name '%s'", l->cp.origin, key->name),
		    AUDITLOG_BADDATA;
	return AUDITLOG_OK;
}

static enum auditlog_status
al_get(struct fetch *f, const struct tile *t, uint8_t **buf, size_t *len,
    size_t max, char *err, size_t errlen)
{
	char	path[TILE_PATH_MAX];

	if (tile_path(t, path, sizeof path) == -1)
		return errf(err, errlen, "tile %d/%llu: no path", t->level,
		    (unsigned long long)t->index), AUDITLOG_BADDATA;
	return al_fetch(f, path, buf, len, max, err, errlen);
}

static unsigned
al_width(uint64_t n, uint64_t i)
{
	return n - i * TILE_WIDTH >= TILE_WIDTH ? TILE_WIDTH :
	    (unsigned)(n - i * TILE_WIDTH);
}

/* One entry bundle: its leaves hashed, its entries handed on. */
static enum auditlog_status
al_bundle(struct auditlog *l, struct fetch *f, uint64_t i,
    auditlog_entry_fn fn, void *arg, char *err, size_t errlen)
{
	struct tile		 t = { TILE_ENTRIES, i, 0 };
	const uint8_t		*e;
	uint8_t			*buf;
	size_t			 len, off = 0, elen;
	char			 path[TILE_PATH_MAX], why[160];
	enum auditlog_status	 r;

	t.width = al_width(l->cp.size, i);
	if ((r = al_get(f, &t, &buf, &len, (size_t)t.width *
	    (TILE_ENTRY_MAX + 2), err, errlen)) != AUDITLOG_OK)
		return r;
	tile_path(&t, path, sizeof path);
	if (tile_bundle_check(buf, len, t.width, why, sizeof why) == -1) {
		free(buf);
		return errf(err, errlen, "%s: %s", path, why), AUDITLOG_BADDATA;
	}
	while (tile_bundle_next(buf, len, &off, &e, &elen, why,
	    sizeof why) == 1) {
		merkle_leaf_hash(e, elen, l->level[0][l->entries]);
		fn(arg, l->entries++, e, elen);
	}
	free(buf);
	return AUDITLOG_OK;
}

/* Tree level lv from the one below it. */
static int
al_level(struct auditlog *l, unsigned lv)
{
	uint64_t	j, n = l->cp.size >> lv;

	if ((l->level[lv] = calloc(n + 1, MERKLE_HASH_LEN)) == NULL)
		return -1;
	for (j = 0; j < n; j++)
		merkle_node_hash(l->level[lv - 1][2 * j],
		    l->level[lv - 1][2 * j + 1], l->level[lv][j]);
	return 0;
}

/* The hash tiles of tile level tl must be slices of the rebuilt tree. */
static enum auditlog_status
al_tiles(struct auditlog *l, struct fetch *f, int tl, char *err,
    size_t errlen)
{
	struct tile		 t = { tl, 0, 0 };
	const al_hash		*want = (const al_hash *)l->level[tl * 8];
	uint64_t		 n = l->cp.size >> (tl * 8), i;
	uint8_t			*buf;
	size_t			 len, k;
	char			 path[TILE_PATH_MAX];
	enum auditlog_status	 r;

	for (i = 0; i * TILE_WIDTH < n; i++) {
		t.index = i;
		t.width = al_width(n, i);
		if ((r = al_get(f, &t, &buf, &len, (size_t)t.width *
		    MERKLE_HASH_LEN, err, errlen)) != AUDITLOG_OK)
			return r;
		tile_path(&t, path, sizeof path);
		for (k = 0; k < t.width && len == (size_t)t.width *
		    MERKLE_HASH_LEN; k++)
			if (memcmp(buf + k * MERKLE_HASH_LEN,
			    want[i * TILE_WIDTH + k], MERKLE_HASH_LEN) != 0)
				break;
		free(buf);
		if (len != (size_t)t.width * MERKLE_HASH_LEN)
			return errf(err, errlen, "%s: %zu bytes, expected %zu",
			    path, len, (size_t)t.width * MERKLE_HASH_LEN),
			    AUDITLOG_BADDATA;
		if (k < t.width)
			return errf(err, errlen, "%s: hash %zu is not the one "
			    "the entries give", path, k), AUDITLOG_BADDATA;
	}
	return AUDITLOG_OK;
}

static enum auditlog_status
al_check_root(const struct auditlog *l, char *err, size_t errlen)
{
	uint8_t	root[MERKLE_HASH_LEN];
	char	got[64], want[64];

	if (auditlog_root(l, l->cp.size, root) == -1)
		return errf(err, errlen, "cannot compute the root"),
		    AUDITLOG_BADDATA;
	if (memcmp(root, l->cp.root, MERKLE_HASH_LEN) == 0)
		return AUDITLOG_OK;
	base64_encode(root, MERKLE_HASH_LEN, got, sizeof got);
	base64_encode(l->cp.root, MERKLE_HASH_LEN, want, sizeof want);
	return errf(err, errlen, "the entries' root %s is not the "
	    "checkpoint's %s (size %llu)", got, want,
	    (unsigned long long)l->cp.size), AUDITLOG_BADDATA;
}

enum auditlog_status
auditlog_read(struct auditlog *l, struct fetch *f, auditlog_entry_fn fn,
    void *arg, char *err, size_t errlen)
{
	enum auditlog_status	r;
	uint64_t		i;
	unsigned		lv;
	int			tl;

	if ((l->level[0] = calloc(l->cp.size + 1, MERKLE_HASH_LEN)) == NULL)
		return errf(err, errlen, "out of memory"), AUDITLOG_BADDATA;
	for (i = 0; i * TILE_WIDTH < l->cp.size; i++)
		if ((r = al_bundle(l, f, i, fn, arg, err, errlen)) !=
		    AUDITLOG_OK)
			return r;
	for (lv = 1; lv < 64 && (l->cp.size >> lv) > 0; lv++)
		if (al_level(l, lv) == -1)
			return errf(err, errlen, "out of memory"),
			    AUDITLOG_BADDATA;
	for (tl = 0; tl * 8 < 64 && (l->cp.size >> (tl * 8)) > 0; tl++)
		if ((r = al_tiles(l, f, tl, err, errlen)) != AUDITLOG_OK)
			return r;
	return al_check_root(l, err, errlen);
}

static int
al_fetch_cb(void *arg, unsigned level, uint64_t index,
    uint8_t out[MERKLE_HASH_LEN])
{
	const struct auditlog	*l = arg;

	if (level >= 64 || l->level[level] == NULL ||
	    ((index + 1) << level) > l->entries)
		return -1;
	memcpy(out, l->level[level][index], MERKLE_HASH_LEN);
	return 0;
}

int
auditlog_root(const struct auditlog *l, uint64_t size,
    uint8_t out[MERKLE_HASH_LEN])
{
	struct merkle_tree	t = { al_fetch_cb, (void *)(uintptr_t)l, size,
				    NULL };

	if (size > l->entries)
		return -1;
	return merkle_root(&t, out, NULL, 0);
}

void
auditlog_release(struct auditlog *l)
{
	size_t	i;

	for (i = 0; i < 64; i++) {
		free(l->level[i]);
		l->level[i] = NULL;
	}
}
